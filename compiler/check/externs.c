/*
** externs.c: finding and loading the libraries of extern functions.
*/
#include "externs.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

static char *model_dir(Arena *a, const Decl *d) {
  const char *path = d->module->file->path;
  const char *slash = strrchr(path, '/');
  return slash ? arena_strndup(a, path, (size_t)(slash - path)) : arena_strdup(a, ".");
}

const char *extern_library(Arena *a, const Decl *d) {
  const char *lib = d->text;
  if (lib[0] == '/') return lib;
  char *local = arena_printf(a, "%s/%s", model_dir(a, d), lib);
  if (strchr(lib, '/') || file_exists(local)) return local;
  return lib;
}

bool extern_verify(Diags *d, Arena *a, const Symbol *s) {
  const Decl *decl = s->decl;
  const char *lib = extern_library(a, decl);
  /* Lazy binding and local symbols: the library is only looked into, and
     closed again; the JIT or the linker loads it for real. */
  void *handle = dlopen(lib, RTLD_LAZY | RTLD_LOCAL);
  if (!handle) {
    diag_error(d, decl->text_span, "cannot load the library '%s' of extern function '%s': %s",
               decl->text, s->name, dlerror());
    return false;
  }
  dlerror();
  bool found = dlsym(handle, s->name) != NULL;
  dlclose(handle);
  if (!found)
    diag_error(d, decl->name_span, "the library '%s' has no function '%s'", decl->text, s->name);
  return found;
}

bool extern_load_all(Model *m, Diags *d, void (*fn)(const char *name, void *addr, void *ctx),
                     void *ctx) {
  bool ok = true;
  for (int k = 0; k < m->externs.len; k++) {
    Symbol *s = m->externs.items[k];
    const char *lib = extern_library(m->arena, s->decl);
    /* Libraries stay loaded for the life of the process, as the JIT code
       that calls into them does. */
    void *handle = dlopen(lib, RTLD_NOW | RTLD_GLOBAL);
    if (!handle) {
      diag_error(d, s->decl->text_span, "cannot load the library '%s' of extern function "
                 "'%s': %s", s->decl->text, s->name, dlerror());
      ok = false;
      continue;
    }
    dlerror();
    void *addr = dlsym(handle, s->name);
    if (!addr) {
      diag_error(d, s->decl->name_span, "the library '%s' has no function '%s'", s->decl->text,
                 s->name);
      ok = false;
      continue;
    }
    fn(s->name, addr, ctx);
  }
  return ok;
}
