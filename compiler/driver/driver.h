/*
** driver.h: the subcommands of snnc, one function each.
**
** Each takes the arguments after the subcommand name (argv[0] is the
** subcommand) and returns the process exit status: 0 success, 1 the model
** has errors or the run failed, 2 the command line is wrong.
*/
#ifndef SNN_DRIVER_H
#define SNN_DRIVER_H

#include <stdbool.h>
#include <stdio.h>

#include "model.h"

enum { EXIT_MODEL_ERROR = 1, EXIT_USAGE = 2 };

/* Options shared by every subcommand. */
typedef struct DriverOptions {
  bool color;              /* colour diagnostics */
  const char *stdlib_dir;  /* where `import` looks first; NULL if not found */
  const char *stdlib_missing; /* why stdlib_dir is NULL, for import errors */
} DriverOptions;

/* snnc check FILE...: parse and check models. */
int cmd_check(int argc, char **argv, const DriverOptions *opt);
/* snnc fmt [-i] [--check] FILE...: canonical formatting. */
int cmd_fmt(int argc, char **argv, const DriverOptions *opt);

/* snnc run FILE [options]: compile, JIT and simulate. */
int cmd_run(int argc, char **argv, const DriverOptions *opt);
/* snnc build FILE -o OUT: a standalone native executable. */
int cmd_build(int argc, char **argv, const DriverOptions *opt);
/* snnc repl [FILE]: the interactive session. */
int cmd_repl(int argc, char **argv, const DriverOptions *opt);
/* snnc plot DIR: figures from a run's output folder. */
int cmd_plot(int argc, char **argv, const DriverOptions *opt);
/* snnc env list|show|run: environments on their own. */
int cmd_env(int argc, char **argv, const DriverOptions *opt);
/* snnc emit-llvm FILE: print the optimised IR. */
int cmd_emit_llvm(int argc, char **argv, const DriverOptions *opt);

/* Loads and checks a model file; prints diagnostics; NULL on any error. */
Model *driver_load(Arena *arena, Diags *diags, const char *path, const DriverOptions *opt);
struct option;
/* getopt_long for a subcommand (argv[0]): an unknown option or a missing
   value is reported by name, with the nearest option; returns '?' then. */
int driver_getopt(int argc, char **argv, const char *shortopts,
                  const struct option *longopts);
/* Prints "snnc: message" to stderr. */
void driver_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
