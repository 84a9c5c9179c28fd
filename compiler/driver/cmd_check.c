/*
** cmd_check.c: `snnc check` and `snnc fmt`, the front-end-only commands.
*/
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driver.h"
#include "fmt.h"

/* What is wrong with a model path that cannot be a model file, or NULL. */
static const char *not_a_model_file(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) return strerror(errno);
  if (S_ISDIR(st.st_mode)) return "it is a folder, not a model file";
  if (!S_ISREG(st.st_mode)) return "it is not a regular file (a device, a pipe or a socket)";
  return NULL;
}

Model *driver_load(Arena *arena, Diags *diags, const char *path, const DriverOptions *opt) {
  const char *why = not_a_model_file(path);
  if (why) {
    driver_error("cannot read '%s': %s", path, why);
    return NULL;
  }
  const char *search[] = {opt->stdlib_dir, NULL};
  CheckOptions copt = {search, false, opt->stdlib_missing};
  Model *m = model_load(arena, diags, path, &copt);
  if (!m) {
    diag_flush(diags);
    driver_error("cannot read '%s': %s", path, errno ? strerror(errno) : "no such file");
    return NULL;
  }
  diag_flush(diags);
  if (diags->errors) {
    model_free(m);
    return NULL;
  }
  return m;
}

static const char check_help[] =
  "usage: snnc check FILE...\n"
  "Checks each model (syntax, names, units, connection rules) and prints every\n"
  "error found as FILE:LINE:COL: error: MESSAGE.  Exit status 0 if all are clean.\n";

/* Parses the options of a command that takes none but --help. */
static int only_help(int argc, char **argv, const char *help) {
  static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  int c;
  while ((c = driver_getopt(argc, argv, "h", opts)) != -1) {
    if (c == 'h') {
      fputs(help, stdout);
      return 0;
    }
    /* driver_getopt said what is wrong */
    return EXIT_USAGE;
  }
  if (optind >= argc) {
    fputs(help, stderr);
    return EXIT_USAGE;
  }
  return -1;
}

int cmd_check(int argc, char **argv, const DriverOptions *opt) {
  int rc = only_help(argc, argv, check_help);
  if (rc >= 0) return rc;
  int status = 0;
  for (int i = optind; i < argc; i++) {
    Arena arena = {0};
    Diags diags;
    diags_init(&diags, stderr);
    diags.color = opt->color;
    errno = 0;
    Model *m = driver_load(&arena, &diags, argv[i], opt);
    if (!m) status = EXIT_MODEL_ERROR;
    model_free(m);
    diags_free(&diags);
    arena_free(&arena);
  }
  return status;
}

static const char fmt_help[] =
  "usage: snnc fmt [-i] [--check] FILE...\n"
  "Prints each model in canonical form on standard output, keeping every comment.\n"
  "A model with errors is not formatted.\n"
  "  -i, --in-place   rewrite the files instead of printing them\n"
  "      --check      print nothing; exit 1 if a file is not canonical\n";

/* Writes text to path atomically: a temporary file renamed over it.  A
   symbolic link stays a link (its target is rewritten), and the file keeps
   its permissions (mkstemp would leave 0600). */
static bool write_atomically(const char *path, const char *text, size_t len) {
  char *real = realpath(path, NULL);
  const char *target = real ? real : path;
  struct stat st;
  bool have_mode = stat(target, &st) == 0;
  size_t n = strlen(target) + 16;
  char *tmp = xmalloc(n);
  snprintf(tmp, n, "%s.fmt-XXXXXX", target);
  int fd = mkstemp(tmp);
  bool ok = fd >= 0;
  if (ok) {
    if (have_mode) ok = fchmod(fd, st.st_mode & 07777) == 0;
    FILE *f = ok ? fdopen(fd, "w") : NULL;
    if (!f) close(fd);
    ok = f && fwrite(text, 1, len, f) == len;
    ok = (f && fclose(f) == 0) && ok;
    ok = ok && rename(tmp, target) == 0;
    if (!ok) unlink(tmp);
  }
  if (!ok) driver_error("cannot write '%s': %s", path, strerror(errno));
  free(tmp);
  free(real);
  return ok;
}

static int fmt_one(const char *path, bool in_place, bool check_only, const DriverOptions *opt) {
  Arena arena = {0};
  Diags diags;
  diags_init(&diags, stderr);
  diags.color = opt->color;
  errno = 0;
  int status = 0;
  Model *m = driver_load(&arena, &diags, path, opt);
  if (!m) {
    driver_error("'%s' has errors; it was not formatted", path);
    status = EXIT_MODEL_ERROR;
  } else {
    StrBuf out = {0};
    fmt_module(m->main, &out);
    const SrcFile *src = m->main->file;
    bool same = out.len == src->len && memcmp(out.data ? out.data : "", src->text, out.len) == 0;
    if (check_only) {
      if (!same) {
        fprintf(stderr, "%s: not in canonical form (run 'snnc fmt -i %s')\n", path, path);
        status = EXIT_MODEL_ERROR;
      }
    } else if (in_place) {
      if (!same && !write_atomically(path, sb_str(&out), out.len)) status = EXIT_MODEL_ERROR;
    } else if (fwrite(sb_str(&out), 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
      /* A full disk or a closed pipe: say so, not exit 0 with the text lost. */
      driver_error("cannot write the formatted '%s' to standard output: %s", path,
                   strerror(errno));
      status = EXIT_MODEL_ERROR;
    }
    sb_free(&out);
    model_free(m);
  }
  diags_free(&diags);
  arena_free(&arena);
  return status;
}

int cmd_fmt(int argc, char **argv, const DriverOptions *opt) {
  static const struct option opts[] = {
    {"help", no_argument, NULL, 'h'},
    {"in-place", no_argument, NULL, 'i'},
    {"check", no_argument, NULL, 'k'},
    {NULL, 0, NULL, 0},
  };
  bool in_place = false, check_only = false;
  int c;
  while ((c = driver_getopt(argc, argv, "hi", opts)) != -1) {
    switch (c) {
    case 'h': fputs(fmt_help, stdout); return 0;
    case 'i': in_place = true; break;
    case 'k': check_only = true; break;
    default: return EXIT_USAGE; /* driver_getopt said what is wrong */
    }
  }
  if (optind >= argc) {
    fputs(fmt_help, stderr);
    return EXIT_USAGE;
  }
  int status = 0;
  for (int i = optind; i < argc; i++) {
    int rc = fmt_one(argv[i], in_place, check_only, opt);
    if (rc) status = rc;
  }
  return status;
}
