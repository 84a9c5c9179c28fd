/*
** fuzz_frontend.c: libFuzzer target for the compiler, source to LLVM IR.
**
** Each input is a model file.  It is parsed and, if it parses, checked and
** planned (ODE analysis and lowering decisions).  If it checks clean, the
** plan is lowered to LLVM IR in a fresh context, without optimisation and
** without a JIT; codegen_module verifies the module, and a module that
** does not verify is a bug, as is any diagnostic from code generation: a
** model that checks clean must compile.  The model is also formatted, and the formatted text must parse
** and check clean again and format to itself: the formatter may never
** change what a model means or fail to be idempotent.  Any crash, hang,
** leak or sanitizer report is a bug.
**
** The stages run on a stack as big as snnc gives them (run_with_stack):
** deep expressions that snnc accepts must not overflow the harness's.
**
** The same target runs without libFuzzer through fuzz_replay.c, which
** CTest uses to replay the seeds and tests/fuzz/corpus/.
**
** Build: CC=clang cmake -S . -B build-fuzz -DSNN_FUZZ=ON -DSNN_SANITIZE=ON
** Run:   tests/fuzz/run.sh build-fuzz 600
*/
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>

#include "codegen.h"
#include "fmt.h"
#include "model.h"
#include "parse.h"
#include "plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct Result {
  int errors;
  StrBuf formatted;
} Result;

typedef struct Job {
  const char *text;
  size_t len;
  FILE *sink;
  bool generate;  /* lower to LLVM IR too (the formatted text need not be) */
  Result result;
} Job;

/* Lowers a planned model to LLVM IR in a context of its own and throws it
   away.  Every user error is the checker's to report, so a diagnostic from
   code generation is a bug, like a module that fails verification. */
static void generate_code(Arena *arena, Diags *diags, Model *m, Plan *plan) {
  LLVMContextRef ctx = LLVMContextCreate();
  CodeGen g;
  codegen_init(&g, arena, diags, m, plan, ctx, "", "");
  int before = diags->errors;
  bool verified = codegen_module(&g);
  if (diags->errors != before) {
    fprintf(stderr, "code generation reported an error for a model that checked clean\n");
    abort();
  }
  if (!verified) {
    char *why = NULL;
    LLVMVerifyModule(g.mod, LLVMReturnStatusAction, &why);
    fprintf(stderr, "the generated module does not verify:\n%s\n", why ? why : "");
    LLVMDisposeMessage(why);
    abort();
  }
  codegen_free(&g);
  LLVMDisposeModule(g.mod);
  LLVMContextDispose(ctx);
}

static Result front_end_on_this_stack(const Job *job) {
  Result r = {0, {0}};
  Arena arena = {0};
  Diags diags;
  diags_init(&diags, job->sink);
  SrcFile *f = diag_add_text(&diags, "fuzz.snn", job->text, job->len);
  Module *mod = parse_file(&arena, &diags, f);
  Model *m = NULL;
  Plan plan;
  bool planned = false;
  if (diags.errors == 0) {
    m = model_check(&arena, &diags, mod);
    if (diags.errors == 0) {
      plan_build(&arena, m, &plan);
      planned = true;
    }
    if (diags.errors == 0) fmt_module(mod, &r.formatted);
  }
  r.errors = diags.errors;
  if (planned && diags.errors == 0 && job->generate) generate_code(&arena, &diags, m, &plan);
  model_free(m);
  diag_flush(&diags);
  diags_free(&diags);
  arena_free(&arena);
  return r;
}

static void run_job(void *ctx) {
  Job *job = ctx;
  job->result = front_end_on_this_stack(job);
}

static Result front_end(const char *text, size_t len, FILE *sink, bool generate) {
  Job job = {text, len, sink, generate, {0, {0}}};
  run_with_stack(COMPILER_STACK_BYTES, run_job, &job);
  return job.result;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FILE *sink = fopen("/dev/null", "w");
  if (!sink) abort();
  Result first = front_end((const char *)data, size, sink, true);
  if (first.errors == 0 && first.formatted.len > 0) {
    Result second = front_end(sb_str(&first.formatted), first.formatted.len, sink, false);
    if (second.errors != 0) {
      fprintf(stderr, "formatted text no longer checks:\n%s\n", sb_str(&first.formatted));
      abort();
    }
    if (strcmp(sb_str(&second.formatted), sb_str(&first.formatted)) != 0) {
      fprintf(stderr, "fmt is not idempotent:\n--- once\n%s\n--- twice\n%s\n",
              sb_str(&first.formatted), sb_str(&second.formatted));
      abort();
    }
    sb_free(&second.formatted);
  }
  sb_free(&first.formatted);
  fclose(sink);
  return 0;
}
