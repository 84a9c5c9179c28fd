/*
** util.c: arena allocation, growable strings and arrays, small file
** helpers, and running a function on a big stack.
*/
#include "util.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct ArenaChunk {
  ArenaChunk *next;
  size_t used, size;
  max_align_t data[]; /* aligned storage follows */
};

enum { ARENA_CHUNK_MIN = 64 * 1024 };

static void out_of_memory(size_t n) {
  fprintf(stderr, "snnc: out of memory (allocating %zu bytes)\n", n);
  exit(70);
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) out_of_memory(n);
  return p;
}

void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) out_of_memory(n);
  return q;
}

void *xcalloc(size_t count, size_t size) {
  void *p = calloc(count ? count : 1, size ? size : 1);
  if (!p) out_of_memory(count * size);
  return p;
}

char *xstrdup(const char *s) {
  size_t n = strlen(s);
  char *p = xmalloc(n + 1);
  memcpy(p, s, n + 1);
  return p;
}

void *arena_alloc(Arena *a, size_t n) {
  const size_t align = sizeof(max_align_t);
  n = (n + align - 1) / align * align;
  ArenaChunk *c = a->chunks;
  if (!c || c->size - c->used < n) {
    size_t size = n > ARENA_CHUNK_MIN ? n : ARENA_CHUNK_MIN;
    c = xmalloc(sizeof(ArenaChunk) + size);
    c->used = 0;
    c->size = size;
    c->next = a->chunks;
    a->chunks = c;
  }
  void *p = (char *)c->data + c->used;
  c->used += n;
  a->bytes += n;
  memset(p, 0, n);
  return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n) {
  char *p = arena_alloc(a, n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

char *arena_strdup(Arena *a, const char *s) {
  return arena_strndup(a, s, strlen(s));
}

char *arena_printf(Arena *a, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  assert(n >= 0);
  char *p = arena_alloc(a, (size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return p;
}

void arena_free(Arena *a) {
  ArenaChunk *c = a->chunks;
  while (c) {
    ArenaChunk *next = c->next;
    free(c);
    c = next;
  }
  a->chunks = NULL;
  a->bytes = 0;
}

static void sb_reserve(StrBuf *b, size_t extra) {
  if (b->len + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + extra + 1) cap *= 2;
  b->data = xrealloc(b->data, cap);
  b->cap = cap;
}

void sb_putn(StrBuf *b, const char *s, size_t n) {
  sb_reserve(b, n);
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = 0;
}

void sb_puts(StrBuf *b, const char *s) { sb_putn(b, s, strlen(s)); }

void sb_putc(StrBuf *b, char c) { sb_putn(b, &c, 1); }

void sb_vprintf(StrBuf *b, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  assert(n >= 0);
  sb_reserve(b, (size_t)n);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
}

void sb_printf(StrBuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  sb_vprintf(b, fmt, ap);
  va_end(ap);
}

const char *sb_str(const StrBuf *b) { return b->data ? b->data : ""; }

void sb_free(StrBuf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

void vec_push(PtrVec *v, void *p) {
  if (v->len == v->cap) {
    v->cap = v->cap ? v->cap * 2 : 8;
    v->items = xrealloc(v->items, (size_t)v->cap * sizeof(void *));
  }
  v->items[v->len++] = p;
}

void vec_free(PtrVec *v) {
  free(v->items);
  v->items = NULL;
  v->len = v->cap = 0;
}

void format_double(char *buf, size_t n, double x) {
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, n, "%.*g", prec, x);
    if (strtod(buf, NULL) == x) return;
  }
}

bool file_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  StrBuf b = {0};
  char chunk[8192];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) sb_putn(&b, chunk, n);
  int failed = ferror(f);
  fclose(f);
  if (failed) {
    sb_free(&b);
    errno = EIO;
    return NULL;
  }
  if (!b.data) sb_putn(&b, "", 0);
  *len = b.len;
  return b.data;
}

typedef struct StackCall {
  void (*fn)(void *ctx);
  void *ctx;
  sigset_t mask;           /* the caller's signal mask, for the new thread */
} StackCall;

static void *stack_call(void *arg) {
  StackCall *call = arg;
  pthread_sigmask(SIG_SETMASK, &call->mask, NULL);
  call->fn(call->ctx);
  return NULL;
}

void run_with_stack(size_t bytes, void (*fn)(void *ctx), void *ctx) {
  StackCall call = {fn, ctx, {{0}}};
  pthread_attr_t attr;
  pthread_t thread;
  /* The caller only waits: its signals go to the thread that does the
     work (the REPL's Ctrl-C handler must run on the thread at its prompt). */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  call.mask = old;
  bool started = pthread_attr_init(&attr) == 0 && pthread_attr_setstacksize(&attr, bytes) == 0 &&
                 pthread_create(&thread, &attr, stack_call, &call) == 0;
  pthread_attr_destroy(&attr);
  if (!started) pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (started) {
    pthread_join(thread, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
  } else {
    fn(ctx); /* no room for the big stack (a tight ulimit -v, say) */
  }
}
