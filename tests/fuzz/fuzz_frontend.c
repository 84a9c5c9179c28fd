/*
** fuzz_frontend.c: libFuzzer target for the front end.
**
** Each input is a model file.  It is parsed and, if it parses, checked and
** planned (ODE analysis and lowering decisions, no LLVM).  If it checks
** clean it is formatted, and the formatted text must parse and check clean
** again and format to itself: the formatter may never change what a
** model means or fail to be idempotent.  Any crash, hang, leak or
** sanitizer report is a bug.
**
** The stages run on a stack as big as snnc gives them (run_with_stack):
** deep expressions that snnc accepts must not overflow the harness's.
**
** Build: CC=clang cmake -S . -B build-fuzz -DSNN_FUZZ=ON -DSNN_SANITIZE=ON
** Run:   tests/fuzz/run.sh build-fuzz 600
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "model.h"
#include "parse.h"
#include "plan.h"

typedef struct Result {
  int errors;
  StrBuf formatted;
} Result;

typedef struct Job {
  const char *text;
  size_t len;
  FILE *sink;
  Result result;
} Job;

static Result front_end_on_this_stack(const char *text, size_t len, FILE *sink) {
  Result r = {0, {0}};
  Arena arena = {0};
  Diags diags;
  diags_init(&diags, sink);
  SrcFile *f = diag_add_text(&diags, "fuzz.snn", text, len);
  Module *mod = parse_file(&arena, &diags, f);
  if (diags.errors == 0) {
    Model *m = model_check(&arena, &diags, mod);
    if (diags.errors == 0) {
      Plan plan;
      plan_build(&arena, &diags, m, &plan);
    }
    if (diags.errors == 0) fmt_module(mod, &r.formatted);
    model_free(m);
  }
  diag_flush(&diags);
  r.errors = diags.errors;
  diags_free(&diags);
  arena_free(&arena);
  return r;
}

static void run_job(void *ctx) {
  Job *job = ctx;
  job->result = front_end_on_this_stack(job->text, job->len, job->sink);
}

static Result front_end(const char *text, size_t len, FILE *sink) {
  Job job = {text, len, sink, {0, {0}}};
  run_with_stack(COMPILER_STACK_BYTES, run_job, &job);
  return job.result;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FILE *sink = fopen("/dev/null", "w");
  if (!sink) abort();
  Result first = front_end((const char *)data, size, sink);
  if (first.errors == 0 && first.formatted.len > 0) {
    Result second = front_end(sb_str(&first.formatted), first.formatted.len, sink);
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
