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

static const char run_help[] =
  "usage: snnc run FILE [options]\n"
  "Compiles the model to native code, runs it and writes its monitors.\n"
  "Run options (see also 'snnc run FILE --help' for the model's parameters):\n"
  "  --duration T  --dt D  --seed S  --set NAME=VALUE  --out DIR  --threads N\n"
  "  --format npy|csv  --plot  --max-rate HZ  --max-output SIZE  --episodes N\n"
  "  --features LIST  --quiet  --no-progress  --version\n"
  "  --plot-neurons SEL  --plot-window A:B  --plot-size WxH  --plot-format F (see snnc plot)\n"
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
    } else if (strcmp(a, "--") == 0) {
      /* what follows is the model file, even if it starts with '-' */
      if (k + 1 < argc && !r->file) r->file = argv[++k];
    } else if (a[0] == '-' && a[1] != 0) {
      char hint[160];
      int kind = snnrt_option_kind(a, hint, sizeof hint);
      if (kind == SNN_OPTION_UNKNOWN) {
        int len = (int)strcspn(a, "=");
        if (hint[0]) driver_error("run: unknown option '%.*s'; %s", len, a, hint);
        else driver_error("run: unknown option '%.*s'; 'snnc run --help' lists the options",
                          len, a);
        return false;
      }
      if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) r->help = true;
      r->argv[r->argc++] = argv[k];
      if (kind == SNN_OPTION_VALUE && k + 1 < argc) r->argv[r->argc++] = argv[++k];
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
  "usage: snnc plot DIR [options]\n"
  "Draws figures from the output folder of a run (.npy or .csv): raster.png and\n"
  "raster.svg (spikes and population rates), one figure per state record, per\n"
  "synaptic record (the recorded synapses against time, and histograms of their\n"
  "values when there are more than 20) and per modulator (with its rewards).\n"
  "  --neurons SEL   the neurons of rasters and state figures: a slice (0:100, :50,\n"
  "                  10:), a population (E), or both (E[0:100]); a list draws\n"
  "                  only the populations it names (E[0:100],I)\n"
  "  --window A:B    the time drawn, with units (0.5s:1s, :200ms, 1s:)\n"
  "  --size WxH      figure size in pixels (1200x800; default 960x720, traces 960x540)\n"
  "  --format F,...  png, svg or pdf, for every figure (default: the raster as png\n"
  "                  and svg, the others as png)\n"
  "  --at T,T,...    the times of the histograms (as 0s,600s,3600s; at most 8),\n"
  "                  by default the first, middle and last samples\n";

int cmd_plot(int argc, char **argv, const DriverOptions *opt) {
  (void)opt;
  bool help = argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
  if (help || argc < 2 || argv[1][0] == '-') {
    fputs(plot_help, help ? stdout : stderr);
    return help ? 0 : EXIT_USAGE;
  }
  SnnPlotOptions po;
  memset(&po, 0, sizeof po);
  char err[512];
  for (int k = 2; k < argc; k++) {
    const char *name = argv[k], *value = k + 1 < argc ? argv[k + 1] : NULL;
    /* --size=1200x800 as well as --size 1200x800 */
    char key[32];
    const char *eq = strchr(name, '=');
    if (eq && (size_t)(eq - name) < sizeof key) {
      snprintf(key, sizeof key, "%.*s", (int)(eq - name), name);
      name = key, value = eq + 1;
    } else {
      k++;
    }
    int rc = value ? snnrt_plot_option(&po, name, value, err, sizeof err) : 1;
    if (rc == 1 && !value && snnrt_plot_option(&po, name, "", err, sizeof err) != 1)
      snprintf(err, sizeof err, "%s needs a value", name);
    else if (rc == 1)
      snprintf(err, sizeof err, "unknown option '%s'", name);
    if (rc != 0) {
      driver_error("%s", err);
      fputs("usage: snnc plot DIR [--neurons SEL] [--window A:B] [--size WxH] [--format F] "
            "[--at T,...]\n(snnc plot --help says more)\n", stderr);
      return EXIT_USAGE;
    }
  }
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
