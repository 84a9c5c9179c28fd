/*
** util.h: memory and string helpers shared by every compiler stage.
**
** The compiler allocates its AST, symbols and strings from an Arena that is
** freed in one go when a compilation ends.  That keeps every stage free of
** ownership bookkeeping, and means parser error recovery cannot leak: a
** discarded subtree is reclaimed with the arena.  StrBuf is a growable
** string used to build messages and formatted output.
*/
#ifndef SNN_UTIL_H
#define SNN_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ArenaChunk ArenaChunk;

/* A bump allocator: many small allocations, one release. */
typedef struct Arena {
  ArenaChunk *chunks; /* newest first */
  size_t bytes;       /* total bytes handed out, for statistics */
} Arena;

/* Allocates n zeroed bytes from the arena (aborts with a message on OOM). */
void *arena_alloc(Arena *a, size_t n);
/* Copies the n bytes at s into the arena and appends a NUL. */
char *arena_strndup(Arena *a, const char *s, size_t n);
/* Copies a NUL-terminated string into the arena. */
char *arena_strdup(Arena *a, const char *s);
/* printf into a new arena string. */
char *arena_printf(Arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Releases every allocation of the arena. */
void arena_free(Arena *a);

/* malloc that reports out-of-memory and exits instead of returning NULL. */
void *xmalloc(size_t n);
/* realloc with the same out-of-memory policy. */
void *xrealloc(void *p, size_t n);
/* calloc with the same out-of-memory policy. */
void *xcalloc(size_t count, size_t size);
/* strdup with the same out-of-memory policy. */
char *xstrdup(const char *s);

/* A growable NUL-terminated string (heap, not arena). */
typedef struct StrBuf {
  char *data;
  size_t len, cap;
} StrBuf;

/* Appends n bytes. */
void sb_putn(StrBuf *b, const char *s, size_t n);
/* Appends a NUL-terminated string. */
void sb_puts(StrBuf *b, const char *s);
/* Appends one character. */
void sb_putc(StrBuf *b, char c);
/* Appends printf-formatted text. */
void sb_printf(StrBuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends printf-formatted text from a va_list. */
void sb_vprintf(StrBuf *b, const char *fmt, va_list ap);
/* Returns the contents ("" when empty); valid until the next append. */
const char *sb_str(const StrBuf *b);
/* Frees the buffer and leaves it empty and reusable. */
void sb_free(StrBuf *b);

/* A growable array of pointers (heap). */
typedef struct PtrVec {
  void **items;
  int len, cap;
} PtrVec;

/* Appends a pointer. */
void vec_push(PtrVec *v, void *p);
/* Frees the array (not the pointees). */
void vec_free(PtrVec *v);

/* Formats a double the shortest way that reads back identically. */
void format_double(char *buf, size_t n, double x);
/* True if the text names an existing regular file. */
bool file_exists(const char *path);
/* Runs fn(ctx) on a thread with a stack of `bytes` (the recursive stages
   need room for deep expressions, see MAX_EXPR_DEPTH in snn.y) and waits
   for it; runs it on the calling thread if no such thread can be made. */
void run_with_stack(size_t bytes, void (*fn)(void *ctx), void *ctx);
/* The stack the compiler's stages are given. */
enum { COMPILER_STACK_BYTES = 256 << 20 };
/* Reads a whole file into a new heap buffer; NULL on error (errno set). */
char *read_file(const char *path, size_t *len);

#endif
