/*
** main.c: the snnc command line: global options and subcommand dispatch.
*/
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"

static const char usage_text[] =
  "usage: snnc <command> [options] FILE...\n"
  "\n"
  "Compile and run spiking neural network models written in the .snn language.\n"
  "\n"
  "Commands:\n"
  "  check FILE...        check models for errors (names, units, rules)\n"
  "  fmt [-i] FILE...     print models in canonical form (-i: rewrite in place)\n"
  "  run FILE [options]   compile to native code and simulate ('snnc run --help')\n"
  "  build FILE [-o OUT]  compile to a standalone executable ('snnc build --help')\n"
  "  repl [FILE]          explore a model interactively ('snnc repl --help')\n"
  "  plot DIR             draw the raster, rates and traces of a run's output\n"
  "  env list|show|run    try an environment on its own ('snnc env --help')\n"
  "  emit-llvm FILE       print the optimised LLVM IR of a model\n"
  "\n"
  "Options:\n"
  "  -h, --help           show this help (or 'snnc <command> --help')\n"
  "  -V, --version        show the version\n"
  "      --color=WHEN     colour diagnostics: auto (default), always, never\n"
  "      --stdlib=DIR     look for imports in DIR instead of the installed stdlib\n"
  "\n"
  "Imports are searched in the stdlib folder, then in SNN_PATH (':'-separated),\n"
  "then next to the importing file.\n";

void driver_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("snnc: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

typedef int (*Command)(int, char **, const DriverOptions *);

static Command find_command(const char *name) {
  static const struct {
    const char *name;
    Command fn;
  } commands[] = {
    {"check", cmd_check},
    {"fmt", cmd_fmt},
    {"run", cmd_run},
    {"build", cmd_build},
    {"repl", cmd_repl},
    {"emit-llvm", cmd_emit_llvm},
    {"plot", cmd_plot},
    {"env", cmd_env},
  };
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(commands[i].name, name) == 0) return commands[i].fn;
  return NULL;
}

static int snnc_main(int argc, char **argv) {
  DriverOptions opt = {isatty(2) && !getenv("NO_COLOR"), SNN_STDLIB_DIR};
  const char *env_stdlib = getenv("SNN_STDLIB");
  if (env_stdlib && *env_stdlib) opt.stdlib_dir = env_stdlib;
  static const struct option long_opts[] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"color", required_argument, NULL, 'c'},
    {"stdlib", required_argument, NULL, 's'},
    {NULL, 0, NULL, 0},
  };
  /* '+' stops at the subcommand: its options are its own. */
  int c;
  while ((c = getopt_long(argc, argv, "+hV", long_opts, NULL)) != -1) {
    switch (c) {
    case 'h':
      fputs(usage_text, stdout);
      return 0;
    case 'V':
      printf("snnc %s\n", SNN_VERSION);
      return 0;
    case 'c':
      if (strcmp(optarg, "always") == 0) opt.color = true;
      else if (strcmp(optarg, "never") == 0) opt.color = false;
      else if (strcmp(optarg, "auto") != 0) {
        driver_error("--color takes auto, always or never, not '%s'", optarg);
        return EXIT_USAGE;
      }
      break;
    case 's':
      opt.stdlib_dir = optarg;
      break;
    default:
      fputs("Try 'snnc --help'.\n", stderr);
      return EXIT_USAGE;
    }
  }
  if (optind >= argc) {
    fputs(usage_text, stderr);
    return EXIT_USAGE;
  }
  Command cmd = find_command(argv[optind]);
  if (!cmd) {
    driver_error("unknown command '%s'; try 'snnc --help'", argv[optind]);
    return EXIT_USAGE;
  }
  int sub = optind;
  optind = 0; /* GNU getopt: 0 starts over, for the subcommand's own options */
  return cmd(argc - sub, argv + sub, &opt);
}

/* The checker, the formatter and code generation recurse on expressions,
   whose trees can be 10,000 levels deep: near what the usual 8 MiB main
   stack holds with sanitizers on.  The work runs on a bigger stack; only
   the pages used are touched. */
typedef struct MainCall {
  int argc;
  char **argv;
  int status;
} MainCall;

static void run_main(void *ctx) {
  MainCall *call = ctx;
  call->status = snnc_main(call->argc, call->argv);
}

int main(int argc, char **argv) {
  MainCall call = {argc, argv, 0};
  run_with_stack(COMPILER_STACK_BYTES, run_main, &call);
  return call.status;
}
