/*
** compile.c: running the stages of a compilation and timing them.
*/
#include "compile.h"

#include <string.h>
#include <time.h>

#include "codegen.h"
#include "fingerprint.h"
#include "plan.h"

double compile_clock(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Loads and checks the model (from a file, or from texts when path is NULL). */
static bool load_model(Compiled *c, const char *path, const char *const *names,
                       const char *const *texts, int ntexts, const DriverOptions *opt) {
  if (path) {
    c->model = driver_load(&c->arena, &c->diags, path, opt);
    return c->model != NULL;
  }
  const char *search[] = {opt->stdlib_dir, NULL};
  CheckOptions copt = {search, false, opt->stdlib_missing};
  c->model = model_load_session(&c->arena, &c->diags, NULL, names, texts, ntexts, &copt);
  diag_flush(&c->diags);
  if (c->model && c->diags.errors) {
    model_free(c->model);
    c->model = NULL;
  }
  return c->model != NULL;
}

static bool compile_model(Compiled *c, const char *path, const char *const *names,
                          const char *const *texts, int ntexts, const DriverOptions *opt,
                          bool optimize, const char *cpu) {
  memset(c, 0, sizeof *c);
  diags_init(&c->diags, stderr);
  c->diags.color = opt->color;
  double t0 = compile_clock();
  bool loaded = load_model(c, path, names, texts, ntexts, opt);
  double t1 = compile_clock();
  if (!loaded) return false;
  c->parse_s = c->model->parse_seconds;
  c->check_s = (t1 - t0) - c->parse_s;
  Plan plan;
  plan_build(&c->arena, c->model, &plan);
  if (cpu) {
    c->cpu = LLVMCreateMessage(cpu);
    c->features = LLVMCreateMessage("");
  } else {
    codegen_host(&c->cpu, &c->features);
  }
  c->tsc = LLVMOrcCreateNewThreadSafeContext();
  CodeGen g;
  codegen_init(&g, &c->arena, &c->diags, c->model, &plan,
               LLVMOrcThreadSafeContextGetContext(c->tsc), c->cpu, c->features);
  bool ok = codegen_module(&g) && c->diags.errors == 0;
  c->module = g.mod;
  codegen_free(&g);
  diag_flush(&c->diags);
  double t2 = compile_clock();
  c->codegen_s = t2 - t1;
  if (!ok) return false;
  /* Populations of one neuron model (and projections of one synapse model)
     often get the same kernel: compile each distinct one once. */
  c->merged_functions = merge_identical_functions(c->module);
  c->tm = codegen_target_machine(c->cpu, c->features, LLVMCodeGenLevelAggressive,
                                 LLVMRelocPIC);
  if (!c->tm) {
    driver_error("cannot create a code generator for this machine");
    return false;
  }
  if (optimize) {
    char *error = NULL;
    if (!codegen_optimize(c->module, c->tm, &error)) {
      driver_error("optimisation failed: %s", error ? error : "unknown error");
      LLVMDisposeErrorMessage(error);
      return false;
    }
  }
  c->optimize_s = compile_clock() - t2;
  return true;
}

bool compile_file(Compiled *c, const char *path, const DriverOptions *opt, bool optimize,
                  const char *cpu) {
  return compile_model(c, path, NULL, NULL, 0, opt, optimize, cpu);
}

bool compile_texts(Compiled *c, const char *const *names, const char *const *texts, int ntexts,
                   const DriverOptions *opt, bool optimize) {
  return compile_model(c, NULL, names, texts, ntexts, opt, optimize, NULL);
}

void compile_free(Compiled *c) {
  if (c->module) LLVMDisposeModule(c->module);
  if (c->tsc) LLVMOrcDisposeThreadSafeContext(c->tsc);
  if (c->tm) LLVMDisposeTargetMachine(c->tm);
  if (c->cpu) LLVMDisposeMessage(c->cpu);
  if (c->features) LLVMDisposeMessage(c->features);
  model_free(c->model);
  diags_free(&c->diags);
  arena_free(&c->arena);
  memset(c, 0, sizeof *c);
}
