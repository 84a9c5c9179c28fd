/*
** paths.c: finding the stdlib and the runtime library (paths.h).
**
** The installed layout is compiled in as paths relative to the bin folder
** (SNN_INSTALL_STDLIB_REL, SNN_INSTALL_RUNTIME_REL, from CMake's install
** folders), never as absolute ones, so that `cmake --install --prefix` to
** any folder, and moving that folder later, keep working.  The build tree's
** absolute paths are used only by the build tree's own snnc.
*/
#include "paths.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *paths_exe_dir(Arena *a) {
  char exe[PATH_MAX];
  ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (len <= 0) return NULL;
  exe[len] = 0;
  char *slash = strrchr(exe, '/');
  if (!slash) return NULL;
  *slash = 0;
  return arena_strdup(a, slash == exe ? "/" : exe);
}

/* Whether this is the snnc of the build tree it was configured in: only
   then may the source and build trees' absolute paths be used.  Compared
   after resolving links, since /proc/self/exe is resolved too. */
static bool in_build_tree(const char *exe_dir) {
  char built[PATH_MAX], here[PATH_MAX];
  if (!exe_dir || !realpath(SNN_BUILD_EXE_DIR, built) || !realpath(exe_dir, here)) return false;
  return strcmp(built, here) == 0;
}

/* Records dir among the folders tried. */
static void note_tried(Arena *a, ResourcePath *r, const char *dir) {
  r->tried = r->tried ? arena_printf(a, "%s, %s", r->tried, dir) : arena_strdup(a, dir);
}

/* base/rel with rel's "." and ".." folded in ("X/bin" + "../lib": "X/lib"),
   for messages that name the folder itself.  Lexical folding is exact
   here: base comes from /proc/self/exe, which has no links left. */
static const char *join_folded(Arena *a, const char *base, const char *rel) {
  StrBuf path = {0};
  sb_puts(&path, base);
  for (const char *seg = rel; *seg; seg += *seg == '/') {
    size_t n = strcspn(seg, "/");
    if (n == 2 && seg[0] == '.' && seg[1] == '.') {
      char *slash = strrchr(path.data, '/');
      if (slash) path.len = slash == path.data ? 1 : (size_t)(slash - path.data);
      path.data[path.len] = 0;
    } else if (n > 0 && !(n == 1 && seg[0] == '.')) {
      if (path.data[path.len - 1] != '/') sb_putc(&path, '/');
      sb_putn(&path, seg, n);
    }
    seg += n;
  }
  const char *joined = arena_strdup(a, path.data);
  sb_free(&path);
  return joined;
}

ResourcePath paths_stdlib(Arena *a, const char *option) {
  ResourcePath r = {NULL, PATH_NOT_FOUND, NULL};
  const char *env = getenv("SNN_STDLIB");
  if (option) {
    r.dir = option;
    r.origin = PATH_OPTION;
    return r;
  }
  if (env && *env) {
    r.dir = env;
    r.origin = PATH_ENV;
    return r;
  }
  const char *exe_dir = paths_exe_dir(a);
  if (exe_dir) {
    const char *dir = join_folded(a, exe_dir, SNN_INSTALL_STDLIB_REL);
    note_tried(a, &r, dir);
    if (is_dir(dir)) {
      r.dir = dir;
      r.origin = PATH_INSTALLED;
      return r;
    }
  }
  if (in_build_tree(exe_dir)) {
    note_tried(a, &r, SNN_SOURCE_STDLIB_DIR);
    if (is_dir(SNN_SOURCE_STDLIB_DIR)) {
      r.dir = SNN_SOURCE_STDLIB_DIR;
      r.origin = PATH_BUILD_TREE;
    }
  }
  return r;
}

/* Whether dir holds both archives that `snnc build` links. */
static bool has_runtime(Arena *a, const char *dir) {
  return file_exists(arena_printf(a, "%s/libsnnrt.a", dir)) &&
         file_exists(arena_printf(a, "%s/libsnnrt_main.a", dir));
}

/* Tries dir for the runtime; true (and r filled in) if it is there. */
static bool try_runtime(Arena *a, ResourcePath *r, const char *dir, PathOrigin origin) {
  note_tried(a, r, dir);
  if (!has_runtime(a, dir)) return false;
  r->dir = dir;
  r->origin = origin;
  return true;
}

ResourcePath paths_runtime(Arena *a) {
  ResourcePath r = {NULL, PATH_NOT_FOUND, NULL};
  const char *env = getenv("SNN_RUNTIME_DIR");
  /* A folder named by the user is the only one tried: falling back to
     another runtime would hide the mistake. */
  if (env && *env) {
    try_runtime(a, &r, env, PATH_ENV);
    return r;
  }
  const char *exe_dir = paths_exe_dir(a);
  if (exe_dir &&
      try_runtime(a, &r, join_folded(a, exe_dir, SNN_INSTALL_RUNTIME_REL),
                  PATH_INSTALLED))
    return r;
  if (in_build_tree(exe_dir)) try_runtime(a, &r, SNN_BUILD_RUNTIME_DIR, PATH_BUILD_TREE);
  return r;
}

const char *paths_origin_name(PathOrigin origin) {
  switch (origin) {
  case PATH_OPTION: return "--stdlib";
  case PATH_ENV: return "environment";
  case PATH_INSTALLED: return "installed";
  case PATH_BUILD_TREE: return "build tree";
  case PATH_NOT_FOUND: break;
  }
  return "not found";
}
