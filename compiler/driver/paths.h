/*
** paths.h: where snnc finds its resources, the stdlib and the runtime
** library that `snnc build` links native binaries with.
**
** An installed snnc finds them relative to its own executable (bin/snnc:
** ../share/snn/stdlib and ../lib), so a prefix can be installed anywhere
** and moved.  The snnc of a build tree uses the source tree's stdlib and the
** build tree's runtime instead, but only while it is that very binary: a
** copy elsewhere never reaches back into a build tree that may be gone.
** SNN_STDLIB (or --stdlib) and SNN_RUNTIME_DIR override both.
*/
#ifndef SNN_PATHS_H
#define SNN_PATHS_H

#include "util.h"

/* How a resource folder was chosen. */
typedef enum PathOrigin {
  PATH_NOT_FOUND,
  PATH_OPTION,     /* --stdlib */
  PATH_ENV,        /* SNN_STDLIB, SNN_RUNTIME_DIR */
  PATH_INSTALLED,  /* relative to the executable, in the installed layout */
  PATH_BUILD_TREE, /* the snnc of the build tree it was built in */
} PathOrigin;

typedef struct ResourcePath {
  const char *dir;   /* the folder, NULL if not found */
  PathOrigin origin;
  const char *tried; /* every folder looked at, ", "-separated */
} ResourcePath;

/* The folder of the running executable (symbolic links resolved), or NULL. */
const char *paths_exe_dir(Arena *a);
/* The stdlib folder: option (--stdlib, may be NULL), SNN_STDLIB, installed,
   build tree.  An option or SNN_STDLIB is taken as given. */
ResourcePath paths_stdlib(Arena *a, const char *option);
/* The folder holding libsnnrt.a and libsnnrt_main.a: SNN_RUNTIME_DIR (the
   only one tried when set), installed, build tree. */
ResourcePath paths_runtime(Arena *a);
/* "installed", "build tree", ...: for messages. */
const char *paths_origin_name(PathOrigin origin);

#endif
