/*
** cmd_run.c: `snnc run` (compile, JIT, simulate) and `snnc emit-llvm`.
*/
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/TargetMachine.h>

#include "compile.h"
#include "jit.h"
#include "units.h"

static const char run_help[] =
  "usage: snnc run FILE [options]\n"
  "Compiles the model to native code, runs it and writes its monitors.\n"
  "Run options (see also 'snnc run FILE --help' for the model's parameters):\n"
  "  --duration T  --dt D  --seed S  --set NAME=VALUE  --out DIR  --threads N\n"
  "  --format npy|csv  --plot  --max-rate HZ  --quiet  --no-progress\n"
  "Compiler options:\n"
  "  --emit-asm    print the machine code of the kernels instead of running\n";

/* Splits argv into the model file, snnc's own flags and the run options
   (which go to the runtime with argv[0] set to "snnc run"). */
typedef struct RunArgs {
  const char *file;
  bool emit_asm;
  bool help;
  int argc;
  char **argv;
} RunArgs;

static bool split_args(int argc, char **argv, RunArgs *r) {
  memset(r, 0, sizeof *r);
  r->argv = xcalloc((size_t)argc + 2, sizeof(char *));
  r->argv[r->argc++] = "snnc run";
  for (int k = 1; k < argc; k++) {
    const char *a = argv[k];
    if (strcmp(a, "--emit-asm") == 0) {
      r->emit_asm = true;
    } else if (a[0] == '-' && a[1] != 0) {
      if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) r->help = true;
      r->argv[r->argc++] = argv[k];
      if (snnrt_option_takes_value(a) && k + 1 < argc) r->argv[r->argc++] = argv[++k];
    } else if (!r->file) {
      r->file = a;
    } else {
      driver_error("run takes one model file, but '%s' and '%s' were given", r->file, a);
      return false;
    }
  }
  return true;
}

static int emit_asm(Compiled *c) {
  char *error = NULL;
  LLVMMemoryBufferRef buf;
  if (LLVMTargetMachineEmitToMemoryBuffer(c->tm, c->module, LLVMAssemblyFile, &error, &buf)) {
    driver_error("cannot emit machine code: %s", error);
    LLVMDisposeMessage(error);
    return EXIT_MODEL_ERROR;
  }
  fwrite(LLVMGetBufferStart(buf), 1, LLVMGetBufferSize(buf), stdout);
  LLVMDisposeMemoryBuffer(buf);
  return 0;
}

int cmd_run(int argc, char **argv, const DriverOptions *opt) {
  RunArgs r;
  if (!split_args(argc, argv, &r)) {
    free(r.argv);
    return EXIT_USAGE;
  }
  if (!r.file) {
    fputs(run_help, r.help ? stdout : stderr);
    free(r.argv);
    return r.help ? 0 : EXIT_USAGE;
  }
  Compiled c;
  int status = EXIT_MODEL_ERROR;
  if (compile_file(&c, r.file, opt, true, NULL)) {
    if (r.emit_asm) {
      status = emit_asm(&c);
    } else {
      double t0 = compile_clock();
      Jit *jit = NULL;
      const SnnModel *model = jit_load(&c, &jit);
      if (model) {
        char compiler[96];
        snprintf(compiler, sizeof compiler, "snnc %s (JIT)", SNN_VERSION);
        SnnCompileInfo info = {c.parse_s, c.check_s, c.codegen_s,
                               c.optimize_s + (compile_clock() - t0), compiler};
        status = snnrt_main_ex(model, r.argc, r.argv, &info);
      }
      jit_free(jit);
    }
  }
  compile_free(&c);
  free(r.argv);
  return status;
}

static const char plot_help[] =
  "usage: snnc plot DIR [--at T,T,...]\n"
  "Draws figures from the output folder of a run: raster.png and raster.svg (spikes\n"
  "and population rates), one figure per state record, per synaptic record (the\n"
  "recorded synapses against time, and histograms of their values when there are\n"
  "more than 20) and per modulator (with its rewards).\n"
  "  --at T,T,...  the times of the histograms (as 0s,600s,3600s; at most 8),\n"
  "                by default the first, middle and last samples\n";

/* "0s,10min,3600s" into times (s); false after saying what is wrong. */
static bool parse_times(const char *list, double *at, int *nat, int max) {
  char buf[512];
  snprintf(buf, sizeof buf, "%s", list);
  *nat = 0;
  for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
    double v;
    Dim d;
    char err[256] = ""; /* stays empty when the quantity parses but is no time */
    if (*nat == max) {
      driver_error("--at: at most %d times", max);
      return false;
    }
    if (!unit_parse_quantity(tok, &v, &d, err, sizeof err) || !dim_eq(d, dim_time())) {
      driver_error("--at: '%s' is not a time (as 600s): %s", tok,
                   err[0] ? err : "it has another unit");
      return false;
    }
    at[(*nat)++] = v;
  }
  if (*nat == 0) driver_error("--at needs times, as --at 0s,600s");
  return *nat > 0;
}

int cmd_plot(int argc, char **argv, const DriverOptions *opt) {
  (void)opt;
  bool help = argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
  bool with_at = argc == 4 && strcmp(argv[2], "--at") == 0;
  if (help || (argc != 2 && !with_at) || argv[1][0] == '-') {
    fputs(plot_help, help ? stdout : stderr);
    return help ? 0 : EXIT_USAGE;
  }
  double at[8];
  SnnPlotOptions po = {at, 0};
  if (with_at && !parse_times(argv[3], at, &po.nat, 8)) return EXIT_USAGE;
  char err[512];
  if (snnrt_plot_dir(argv[1], &po, err, sizeof err) != 0) {
    driver_error("%s", err);
    return EXIT_MODEL_ERROR;
  }
  printf("wrote the figures of %s\n", argv[1]);
  return 0;
}

static const char emit_help[] =
  "usage: snnc emit-llvm FILE\n"
  "Prints the model's LLVM IR after optimisation for this machine.\n";

int cmd_emit_llvm(int argc, char **argv, const DriverOptions *opt) {
  if (argc != 2 || argv[1][0] == '-') {
    bool help = argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
    fputs(emit_help, help ? stdout : stderr);
    return help ? 0 : EXIT_USAGE;
  }
  Compiled c;
  int status = EXIT_MODEL_ERROR;
  if (compile_file(&c, argv[1], opt, true, NULL)) {
    char *ir = LLVMPrintModuleToString(c.module);
    fputs(ir, stdout);
    LLVMDisposeMessage(ir);
    status = 0;
  }
  compile_free(&c);
  return status;
}
