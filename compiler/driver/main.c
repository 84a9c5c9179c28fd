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
#include "units.h"
#include "paths.h"

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
  "  help [COMMAND]       show this help, or a command's ('snnc help run')\n"
  "\n"
  "Options (before or after the command):\n"
  "  -h, --help           show this help (or 'snnc <command> --help')\n"
  "  -V, --version        show the version\n"
  "      --color=WHEN     colour diagnostics: auto (default), always, never\n"
  "      --stdlib=DIR     look for imports in DIR instead of the installed stdlib\n"
  "      --paths          show where the stdlib and the runtime library are found\n"
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

/* The long option nearest to a mistyped one, or NULL. */
static const char *nearest_long_option(const char *arg, const struct option *longopts) {
  char name[64];
  snprintf(name, sizeof name, "%.*s", (int)strcspn(arg + strspn(arg, "-"), "="),
           arg + strspn(arg, "-"));
  const char *best = NULL;
  int best_d = strlen(name) <= 3 ? 2 : 3;
  for (const struct option *o = longopts; o->name; o++) {
    int d = edit_distance(name, o->name);
    if (d < best_d) {
      best_d = d;
      best = o->name;
    }
  }
  return best;
}

int driver_getopt(int argc, char **argv, const char *shortopts,
                  const struct option *longopts) {
  char opts[64];
  snprintf(opts, sizeof opts, ":%s", shortopts);
  opterr = 0;
  int c = getopt_long(argc, argv, opts, longopts, NULL);
  if (c != '?' && c != ':') return c;
  const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
  if (c == ':') {
    driver_error("%s: option '%s' needs a value; see 'snnc help %s'", argv[0], arg, argv[0]);
    return '?';
  }
  char shown[64];
  if (optopt) snprintf(shown, sizeof shown, "-%c", optopt);
  else snprintf(shown, sizeof shown, "%.*s", (int)strcspn(arg, "="), arg);
  const char *near = optopt ? NULL : nearest_long_option(arg, longopts);
  if (near) driver_error("%s: unknown option '%s'; did you mean '--%s'?", argv[0], shown, near);
  else driver_error("%s: unknown option '%s'; 'snnc help %s' lists the options", argv[0], shown,
                    argv[0]);
  return '?';
}

/* snnc --paths: each resource's folder and how it was chosen, or the
   folders tried.  Exit status 1 if either is missing. */
static int print_paths(Arena *a, const char *stdlib_option) {
  const char *exe_dir = paths_exe_dir(a);
  printf("snnc     %s/snnc\n", exe_dir ? exe_dir : "(unknown)");
  ResourcePath found[2] = {paths_stdlib(a, stdlib_option), paths_runtime(a)};
  const char *names[2] = {"stdlib", "runtime"};
  for (int k = 0; k < 2; k++) {
    if (found[k].dir)
      printf("%-8s %s (%s)\n", names[k], found[k].dir, paths_origin_name(found[k].origin));
    else
      printf("%-8s not found (tried %s)\n", names[k], found[k].tried ? found[k].tried : "nothing");
  }
  return found[0].dir && found[1].dir ? 0 : EXIT_MODEL_ERROR;
}

typedef int (*Command)(int, char **, const DriverOptions *);

static int cmd_help(int argc, char **argv, const DriverOptions *opt);

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
    {"help", cmd_help},
  };
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(commands[i].name, name) == 0) return commands[i].fn;
  return NULL;
}

/* snnc help [COMMAND]: the overview, or what 'snnc COMMAND --help' says. */
static int cmd_help(int argc, char **argv, const DriverOptions *opt) {
  if (argc == 1) {
    fputs(usage_text, stdout);
    return 0;
  }
  Command cmd = argc == 2 ? find_command(argv[1]) : NULL;
  if (!cmd || cmd == cmd_help) {
    if (argc == 2) driver_error("help: there is no command '%s'; try 'snnc help'", argv[1]);
    else driver_error("help takes one command name, as 'snnc help run'");
    return EXIT_USAGE;
  }
  char *sub_argv[] = {argv[1], "--help", NULL};
  optind = 0;
  return cmd(2, sub_argv, opt);
}

/* Applies --color=WHEN; false after saying what is wrong. */
static bool set_color(DriverOptions *opt, const char *when) {
  if (strcmp(when, "always") == 0) opt->color = true;
  else if (strcmp(when, "never") == 0) opt->color = false;
  else if (strcmp(when, "auto") != 0) {
    driver_error("--color takes auto, always or never, not '%s'", when);
    return false;
  }
  return true;
}

/* Takes the global options that follow the command out of argv[1..argc)
   (up to a "--"), so that 'snnc check --color=never FILE' works as
   'snnc --color=never check FILE'; returns the new argc, or -1 after an
   error.  *version is set for --version, except after 'run', whose
   --version describes the model (snnrt_main answers it). */
static int take_global_options(int argc, char **argv, DriverOptions *opt,
                               const char **stdlib_option, bool *version) {
  bool is_run = strcmp(argv[0], "run") == 0;
  int out = 1, k = 1;
  for (; k < argc && strcmp(argv[k], "--") != 0; k++) {
    const char *a = argv[k];
    const char *value = NULL;
    bool color = false, stdlib = false;
    if (strncmp(a, "--color=", 8) == 0) color = true, value = a + 8;
    else if (strncmp(a, "--stdlib=", 9) == 0) stdlib = true, value = a + 9;
    else if (strcmp(a, "--color") == 0 || strcmp(a, "--stdlib") == 0) {
      if (k + 1 == argc) {
        driver_error("%s needs a value", a);
        return -1;
      }
      color = a[2] == 'c';
      stdlib = !color;
      value = argv[++k];
    } else if (!is_run && (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0)) {
      *version = true;
      continue;
    } else {
      argv[out++] = argv[k];
      continue;
    }
    if (color && !set_color(opt, value)) return -1;
    if (stdlib) *stdlib_option = value;
  }
  for (; k < argc; k++) argv[out++] = argv[k];
  argv[out] = NULL;
  return out;
}

static int snnc_main(int argc, char **argv, Arena *paths) {
  DriverOptions opt = {isatty(2) && !getenv("NO_COLOR"), NULL, NULL};
  const char *stdlib_option = NULL;
  bool show_paths = false;
  static const struct option long_opts[] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"color", required_argument, NULL, 'c'},
    {"stdlib", required_argument, NULL, 's'},
    {"paths", no_argument, NULL, 'p'},
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
      if (!set_color(&opt, optarg)) return EXIT_USAGE;
      break;
    case 's':
      stdlib_option = optarg;
      break;
    case 'p':
      show_paths = true;
      break;
    default:
      fputs("Try 'snnc --help'.\n", stderr);
      return EXIT_USAGE;
    }
  }
  if (show_paths) return print_paths(paths, stdlib_option);
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
  bool version = false;
  int sub_argc = take_global_options(argc - sub, argv + sub, &opt, &stdlib_option, &version);
  if (sub_argc < 0) return EXIT_USAGE;
  if (version) {
    printf("snnc %s\n", SNN_VERSION);
    return 0;
  }
  /* A missing stdlib is not an error by itself (a model may import
     nothing from it); imports that fail say why and where it was sought. */
  ResourcePath stdlib = paths_stdlib(paths, stdlib_option);
  opt.stdlib_dir = stdlib.dir;
  if (!stdlib.dir)
    opt.stdlib_missing = arena_printf(paths,
                                      "the stdlib was not found (tried %s); set SNN_STDLIB or "
                                      "--stdlib to its folder",
                                      stdlib.tried ? stdlib.tried : "nothing");
  optind = 0; /* GNU getopt: 0 starts over, for the subcommand's own options */
  return cmd(sub_argc, argv + sub, &opt);
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
  Arena paths = {0};
  call->status = snnc_main(call->argc, call->argv, &paths);
  arena_free(&paths);
}

int main(int argc, char **argv) {
  MainCall call = {argc, argv, 0};
  run_with_stack(COMPILER_STACK_BYTES, run_main, &call);
  return call.status;
}
