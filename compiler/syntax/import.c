/*
** import.c: loading a model and the files it imports.
**
** `import "neurons/lif.snn"` is looked up in the stdlib folder, then in each
** folder of SNN_PATH (':'-separated), then next to the importing file.  A
** file is read once however often it is imported; a file that imports
** itself, directly or through others, is an error that shows the cycle.
*/
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"
#include "parse.h"

/* Source files larger than this are refused rather than parsed. */
#define MAX_SOURCE_BYTES (64 * 1024 * 1024)

typedef struct Loader {
  Arena *arena;
  Diags *diags;
  const CheckOptions *opt;
  Module *first, *last;   /* modules in load order: dependencies first */
  PtrVec loaded;          /* canonical paths of loaded files */
  PtrVec stack;           /* canonical paths being loaded (cycle check) */
  PtrVec stack_spans;     /* Span* of the import that led to each */
  double parse_seconds;
} Loader;

static double clock_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *canonical(const char *path) {
  char buf[PATH_MAX];
  if (!realpath(path, buf)) return NULL;
  return xstrdup(buf);
}

static bool in_list(const PtrVec *v, const char *path) {
  for (int i = 0; i < v->len; i++)
    if (strcmp(v->items[i], path) == 0) return true;
  return false;
}

/* Folder part of a path ("." when there is none). */
static char *dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return xstrdup(".");
  size_t n = (size_t)(slash - path);
  char *d = xmalloc(n + 1);
  memcpy(d, path, n);
  d[n] = 0;
  return n ? d : (free(d), xstrdup("/"));
}

/* Tries dir/name; returns a new string if the file exists. */
static char *try_dir(const char *dir, const char *name) {
  size_t n = strlen(dir) + strlen(name) + 2;
  char *p = xmalloc(n);
  if (strcmp(dir, ".") == 0)
    snprintf(p, n, "%s", name);
  else
    snprintf(p, n, "%s/%s", dir, name);
  if (file_exists(p)) return p;
  free(p);
  return NULL;
}

static char *resolve(Loader *L, const char *name, const char *importer, StrBuf *searched) {
  if (name[0] == '/') return file_exists(name) ? xstrdup(name) : NULL;
  char *found = NULL;
  for (const char *const *dir = L->opt ? L->opt->search_path : NULL; dir && *dir && !found; dir++) {
    found = try_dir(*dir, name);
    sb_printf(searched, "%s%s", searched->len ? ", " : "", *dir);
  }
  const char *env = getenv("SNN_PATH");
  if (env && !found) {
    char *copy = xstrdup(env), *save = NULL;
    for (char *dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
      found = try_dir(dir, name);
      sb_printf(searched, "%s%s", searched->len ? ", " : "", dir);
    }
    free(copy);
  }
  if (!found) {
    char *dir = dir_of(importer);
    found = try_dir(dir, name);
    sb_printf(searched, "%s%s", searched->len ? ", " : "", dir);
    free(dir);
  }
  return found;
}

static Module *load(Loader *L, const char *path, Span from);

static void report_cycle(Loader *L, const char *canon, Span at) {
  StrBuf chain = {0};
  int start = 0;
  for (int i = 0; i < L->stack.len; i++)
    if (strcmp(L->stack.items[i], canon) == 0) start = i;
  for (int i = start; i < L->stack.len; i++) {
    const char *p = L->stack.items[i];
    const char *base = strrchr(p, '/');
    sb_printf(&chain, "%s -> ", base ? base + 1 : p);
  }
  const char *base = strrchr(canon, '/');
  sb_puts(&chain, base ? base + 1 : canon);
  diag_error(L->diags, at, "import cycle: %s", sb_str(&chain));
  sb_free(&chain);
}

static void load_imports(Loader *L, Module *mod) {
  for (Decl *d = mod->items; d; d = d->next) {
    if (d->kind != D_IMPORT) continue;
    StrBuf searched = {0};
    char *path = resolve(L, d->text, mod->file->path, &searched);
    if (!path) {
      const char *note = L->opt ? L->opt->search_note : NULL;
      diag_error(L->diags, d->text_span, "cannot find '%s' to import (searched %s)%s%s", d->text,
                 sb_str(&searched), note ? "; " : "", note ? note : "");
    } else {
      load(L, path, d->text_span);
      free(path);
    }
    sb_free(&searched);
  }
}

static Module *load(Loader *L, const char *path, Span from) {
  char *canon = canonical(path);
  if (!canon) {
    if (from.file >= 0)
      diag_error(L->diags, from, "cannot open '%s': %s", path, strerror(errno));
    return NULL;
  }
  if (in_list(&L->stack, canon)) {
    report_cycle(L, canon, from);
    free(canon);
    return NULL;
  }
  if (in_list(&L->loaded, canon)) {
    free(canon);
    return NULL;
  }
  vec_push(&L->loaded, canon);
  SrcFile *f = diag_load_file(L->diags, path);
  if (!f) {
    diag_error(L->diags, from, "cannot read '%s': %s", path, strerror(errno));
    return NULL;
  }
  if (f->len > MAX_SOURCE_BYTES) {
    diag_error(L->diags, from, "'%s' is larger than %d MiB; is it really a model?", path,
               MAX_SOURCE_BYTES >> 20);
    return NULL;
  }
  double t0 = clock_seconds();
  Module *mod = parse_file(L->arena, L->diags, f);
  L->parse_seconds += clock_seconds() - t0;
  vec_push(&L->stack, canon);
  load_imports(L, mod);
  L->stack.len--;
  /* Dependencies were appended while loading imports: this file follows. */
  if (L->last) L->last->next = mod;
  else L->first = mod;
  L->last = mod;
  return mod;
}

/* Appends a module parsed from in-memory text (a REPL input) with its imports. */
static Module *load_text(Loader *L, const char *name, const char *text) {
  SrcFile *f = diag_add_text(L->diags, name, text, strlen(text));
  double t0 = clock_seconds();
  Module *mod = parse_file(L->arena, L->diags, f);
  L->parse_seconds += clock_seconds() - t0;
  mod->instances = true;
  load_imports(L, mod);
  if (L->last) L->last->next = mod;
  else L->first = mod;
  L->last = mod;
  return mod;
}

Model *model_load_session(Arena *arena, Diags *diags, const char *path,
                          const char *const *names, const char *const *texts, int ntexts,
                          const CheckOptions *opt) {
  Loader L;
  memset(&L, 0, sizeof L);
  L.arena = arena;
  L.diags = diags;
  L.opt = opt;
  if (path && !file_exists(path)) return NULL;
  Module *main_mod;
  int first = 0;
  if (path)
    main_mod = load(&L, path, span_none());
  else if (ntexts > 0)
    main_mod = load_text(&L, names[first++], texts[0]);
  else
    main_mod = load_text(&L, "<session>", "");
  for (int k = first; main_mod && k < ntexts; k++) load_text(&L, names[k], texts[k]);
  for (int i = 0; i < L.loaded.len; i++) free(L.loaded.items[i]);
  vec_free(&L.loaded);
  vec_free(&L.stack);
  vec_free(&L.stack_spans);
  if (!main_mod) return NULL;
  /* The main module goes first: the checker reads options and the network
     from it (and from prompt inputs, in the order they were typed), and
     definitions from all. */
  Module *rest = NULL, **tail = &rest;
  for (Module *m = L.first; m; m = m->next)
    if (m != main_mod) { *tail = m; tail = &m->next; }
  *tail = NULL;
  main_mod->next = rest;
  int syntax_errors = 0;
  for (Module *m = main_mod; m; m = m->next) syntax_errors += m->syntax_errors;
  if (syntax_errors == 0 && diags->errors == 0) {
    Model *model = model_check(arena, diags, main_mod);
    model->parse_seconds = L.parse_seconds;
    return model;
  }
  /* Names and units are not checked in a file that does not parse: the
     statements dropped by error recovery would only cause false alarms. */
  Model *empty = arena_alloc(arena, sizeof *empty);
  empty->arena = arena;
  empty->diags = diags;
  empty->modules = empty->main = main_mod;
  return empty;
}

Model *model_load(Arena *arena, Diags *diags, const char *path, const CheckOptions *opt) {
  return model_load_session(arena, diags, path, NULL, NULL, 0, opt);
}
