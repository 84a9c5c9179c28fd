/*
** cmd_build.c: `snnc build`, a model as a standalone native executable.
**
** The optimised module is written as an object file by LLVM's target
** machine and linked by the system C compiler with the runtime (libsnnrt,
** static) and native_main.o.  The result needs neither LLVM nor snnc: only
** the C library, libm, pthreads, cairo (for --plot) and the libraries of the
** model's extern functions.  It takes the same options as `snnc run` and
** writes the same files, byte for byte, for the same seed.
*/
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compile.h"
#include "externs.h"
#include "paths.h"

static const char build_help[] =
  "usage: snnc build FILE [-o OUTPUT] [--cpu native|generic] [--keep-object]\n"
  "Compiles a model into a standalone executable (default: the model's name).\n"
  "The executable takes the options of 'snnc run' (--duration, --seed, --set,\n"
  "--out, ...); '--help' lists the model's parameters.\n"
  "  -o, --output FILE  the executable to write\n"
  "      --cpu native   use every instruction of this machine's CPU (default)\n"
  "      --cpu generic  run on any machine of this architecture\n"
  "      --keep-object  keep the object file (OUTPUT.o)\n";

/* Runs argv (the linker) and waits; its messages go to stderr. */
static int run_command(char **argv) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    execvp(argv[0], argv);
    fprintf(stderr, "snnc: cannot run '%s': %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  int status;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void add_arg(PtrVec *args, Arena *a, const char *s) { vec_push(args, arena_strdup(a, s)); }

/* Links object with the runtime and the model's libraries into output. */
static bool link_executable(Compiled *c, const char *object, const char *output,
                            const char *runtime) {
  PtrVec args = {0};
  Arena *a = &c->arena;
  const char *cc = getenv("CC");
  add_arg(&args, a, cc && *cc ? cc : "cc");
  add_arg(&args, a, "-o");
  add_arg(&args, a, output);
  add_arg(&args, a, object);
  add_arg(&args, a, arena_printf(a, "%s/libsnnrt_main.a", runtime));
  add_arg(&args, a, arena_printf(a, "%s/libsnnrt.a", runtime));
  for (int k = 0; k < c->model->externs.len; k++) {
    Symbol *s = c->model->externs.items[k];
    const char *lib = extern_library(a, s->decl);
    if (strchr(lib, '/')) {
      char resolved[PATH_MAX];
      if (!realpath(lib, resolved)) snprintf(resolved, sizeof resolved, "%s", lib);
      add_arg(&args, a, resolved);
      char *slash = strrchr(resolved, '/');
      *slash = 0;
      add_arg(&args, a, arena_printf(a, "-Wl,-rpath,%s", resolved));
    } else {
      add_arg(&args, a, arena_printf(a, "-l:%s", lib));
    }
  }
  add_arg(&args, a, "-lcairo");
  add_arg(&args, a, "-lpthread");
  add_arg(&args, a, "-lm");
#ifdef SNN_RUNTIME_SANITIZED
  add_arg(&args, a, "-fsanitize=address,undefined");
#endif
  vec_push(&args, NULL);
  int rc = run_command((char **)args.items);
  vec_free(&args);
  if (rc != 0) {
    driver_error("linking '%s' failed (exit status %d)", output, rc);
    return false;
  }
  return true;
}

static const char *default_output(Arena *a, const char *path) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  size_t n = strlen(base);
  if (n > 4 && strcmp(base + n - 4, ".snn") == 0) n -= 4;
  return arena_strndup(a, base, n);
}

int cmd_build(int argc, char **argv, const DriverOptions *opt) {
  static const struct option opts[] = {
    {"output", required_argument, NULL, 'o'},
    {"cpu", required_argument, NULL, 'c'},
    {"keep-object", no_argument, NULL, 'k'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
  };
  const char *output = NULL, *cpu = NULL;
  bool keep = false;
  int ch;
  while ((ch = driver_getopt(argc, argv, "o:h", opts)) != -1) {
    switch (ch) {
    case 'o': output = optarg; break;
    case 'c':
      if (strcmp(optarg, "generic") == 0) cpu = "x86-64";
      else if (strcmp(optarg, "native") != 0) {
        driver_error("--cpu takes native or generic, not '%s'", optarg);
        return EXIT_USAGE;
      }
      break;
    case 'k': keep = true; break;
    case 'h': fputs(build_help, stdout); return 0;
    default: return EXIT_USAGE; /* driver_getopt said what is wrong */
    }
  }
  if (optind != argc - 1) {
    fputs(build_help, stderr);
    return EXIT_USAGE;
  }
  const char *path = argv[optind];
  Arena scratch = {0};
  ResourcePath found = paths_runtime(&scratch);
  const char *runtime = found.dir;
  if (!runtime) {
    driver_error("cannot find the runtime library (libsnnrt.a and libsnnrt_main.a); tried %s; "
                 "set SNN_RUNTIME_DIR to the folder that holds them",
                 found.tried ? found.tried : "nothing");
    arena_free(&scratch);
    return EXIT_MODEL_ERROR;
  }
  Compiled c;
  int status = EXIT_MODEL_ERROR;
  if (compile_file(&c, path, opt, true, cpu)) {
    if (!output) output = default_output(&c.arena, path);
    char *object = arena_printf(&c.arena, "%s.o", output);
    char *error = NULL;
    if (LLVMTargetMachineEmitToFile(c.tm, c.module, object, LLVMObjectFile, &error)) {
      driver_error("cannot write '%s': %s", object, error);
      LLVMDisposeMessage(error);
    } else {
      if (link_executable(&c, object, output, runtime)) status = 0;
      if (!keep) unlink(object);
    }
  }
  compile_free(&c);
  arena_free(&scratch);
  return status;
}
