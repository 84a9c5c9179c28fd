/*
** diag.c: source file registry and diagnostic printing.
**
** Diagnostics are held back until diag_flush() so that the several passes of
** the checker, which visit declarations in different orders, still produce a
** report sorted by position.  A note stays glued to the diagnostic it
** explains.  Identical diagnostics (same level, span and text) are printed
** once, since two passes sometimes meet the same mistake.
*/
#include "diag.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct Diagnostic {
  DiagLevel level;
  Span span;
  char *msg;
  int seq;        /* report order, to keep the sort stable */
  PtrVec notes;   /* Diagnostic*, level DIAG_NOTE */
};

void diags_init(Diags *d, FILE *out) {
  memset(d, 0, sizeof *d);
  d->out = out;
}

static void diagnostic_free(Diagnostic *g) {
  for (int i = 0; i < g->notes.len; i++) diagnostic_free(g->notes.items[i]);
  vec_free(&g->notes);
  free(g->msg);
  free(g);
}

void diags_free(Diags *d) {
  for (int i = 0; i < d->pending.len; i++) diagnostic_free(d->pending.items[i]);
  vec_free(&d->pending);
  for (int i = 0; i < d->files.len; i++) {
    SrcFile *f = d->files.items[i];
    free(f->path);
    free(f->text);
    free(f->line_starts);
    free(f);
  }
  vec_free(&d->files);
}

static void index_lines(SrcFile *f) {
  int cap = 64;
  f->line_starts = xmalloc(sizeof(int) * (size_t)cap);
  f->nlines = 0;
  f->line_starts[f->nlines++] = 0;
  for (size_t i = 0; i < f->len; i++) {
    if (f->text[i] != '\n' || i + 1 >= f->len) continue;
    if (f->nlines == cap) {
      cap *= 2;
      f->line_starts = xrealloc(f->line_starts, sizeof(int) * (size_t)cap);
    }
    f->line_starts[f->nlines++] = (int)(i + 1);
  }
}

SrcFile *diag_add_text(Diags *d, const char *name, const char *text, size_t len) {
  SrcFile *f = xcalloc(1, sizeof *f);
  f->id = d->files.len;
  f->path = xstrdup(name);
  f->text = xmalloc(len + 1);
  memcpy(f->text, text, len);
  f->text[len] = 0;
  f->len = len;
  index_lines(f);
  vec_push(&d->files, f);
  return f;
}

SrcFile *diag_load_file(Diags *d, const char *path) {
  size_t len;
  char *text = read_file(path, &len);
  if (!text) return NULL;
  SrcFile *f = diag_add_text(d, path, text, len);
  free(text);
  return f;
}

SrcFile *diag_file(const Diags *d, int id) {
  assert(id >= 0 && id < d->files.len);
  return d->files.items[id];
}

const char *src_line(const SrcFile *f, int line, int *len) {
  if (line < 1 || line > f->nlines) {
    *len = 0;
    return "";
  }
  const char *start = f->text + f->line_starts[line - 1];
  const char *end = start;
  while (*end && *end != '\n' && *end != '\r') end++;
  *len = (int)(end - start);
  return start;
}

int src_col_to_byte(const char *line, int len, int col) {
  int chars = 0;
  for (int i = 0; i < len; i++) {
    if (((unsigned char)line[i] & 0xC0) == 0x80) continue; /* inside a character */
    if (++chars == col) return i;
  }
  return len;
}

Span span_join(Span a, Span b) {
  if (a.file < 0) return b;
  if (b.file < 0 || b.file != a.file) return a;
  Span s = a;
  if (b.end_line > s.end_line || (b.end_line == s.end_line && b.end_col > s.end_col)) {
    s.end_line = b.end_line;
    s.end_col = b.end_col;
  }
  return s;
}

Span span_none(void) {
  Span s = {-1, 0, 0, 0, 0};
  return s;
}

enum { QUOTED_MAX = 64, QUOTED_KEEP = 40 };

/* A message as it may be printed: a quoted name longer than QUOTED_MAX
   characters is cut (a 10 MB name is not echoed whole), and
   control bytes are shown as \xNN instead of reaching the terminal. */
static char *printable(const char *msg) {
  StrBuf b = {0};
  for (const char *p = msg; *p; p++) {
    if (*p == '\'') {
      const char *close = strchr(p + 1, '\'');
      size_t n = close ? (size_t)(close - p - 1) : 0;
      /* A name has no blank: quotes around prose (it's ... 'const') are not one. */
      if (close && n > QUOTED_MAX && !memchr(p + 1, ' ', n)) {
        sb_putn(&b, p, QUOTED_KEEP + 1);
        sb_printf(&b, "...' (%zu characters)", n);
        p = close;
        continue;
      }
    }
    unsigned char c = (unsigned char)*p;
    if (c < 0x20 || c == 0x7f) sb_printf(&b, "\\x%02x", c);
    else sb_putn(&b, p, 1);
  }
  return b.data ? b.data : xstrdup("");
}

static Diagnostic *diagnostic_new(DiagLevel level, Span span, const char *fmt,
                                  va_list ap) {
  Diagnostic *g = xcalloc(1, sizeof *g);
  StrBuf b = {0};
  sb_vprintf(&b, fmt, ap);
  g->level = level;
  g->span = span;
  g->msg = printable(b.data ? b.data : "");
  sb_free(&b);
  return g;
}

static int max_errors(const Diags *d) { return d->max_errors ? d->max_errors : 100; }

static void report(Diags *d, DiagLevel level, Span span, const char *fmt, va_list ap) {
  if (level == DIAG_ERROR) {
    if (d->errors++ >= max_errors(d)) return;
  } else {
    d->warnings++;
  }
  Diagnostic *g = diagnostic_new(level, span, fmt, ap);
  g->seq = d->pending.len;
  vec_push(&d->pending, g);
}

void diag_error(Diags *d, Span span, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  report(d, DIAG_ERROR, span, fmt, ap);
  va_end(ap);
}

void diag_warning(Diags *d, Span span, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  report(d, DIAG_WARNING, span, fmt, ap);
  va_end(ap);
}

void diag_note(Diags *d, Span span, const char *fmt, ...) {
  if (d->pending.len == 0 || d->errors > max_errors(d)) return;
  Diagnostic *owner = d->pending.items[d->pending.len - 1];
  va_list ap;
  va_start(ap, fmt);
  vec_push(&owner->notes, diagnostic_new(DIAG_NOTE, span, fmt, ap));
  va_end(ap);
}

static int compare_diagnostics(const void *pa, const void *pb) {
  const Diagnostic *a = *(Diagnostic *const *)pa, *b = *(Diagnostic *const *)pb;
  if (a->span.file != b->span.file) return a->span.file < b->span.file ? -1 : 1;
  if (a->span.line != b->span.line) return a->span.line < b->span.line ? -1 : 1;
  if (a->span.col != b->span.col) return a->span.col < b->span.col ? -1 : 1;
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static bool same_diagnostic(const Diagnostic *a, const Diagnostic *b) {
  return a->level == b->level && memcmp(&a->span, &b->span, sizeof a->span) == 0 &&
         strcmp(a->msg, b->msg) == 0;
}

/* The number of UTF-8 characters in len bytes. */
static int src_chars(const char *text, int len) {
  int n = 0;
  for (int i = 0; i < len; i++) n += ((unsigned char)text[i] & 0xC0) != 0x80;
  return n;
}

/* Prints the source line of the span with a caret line under it. */
/* Moves a byte offset back to the start of its UTF-8 character. */
static int char_start(const char *text, int i) {
  while (i > 0 && ((unsigned char)text[i] & 0xC0) == 0x80) i--;
  return i;
}

enum { SNIPPET_BYTES = 160, SNIPPET_BEFORE = 60 }; /* a window on very long lines */

/* Prints the source line of the span with a caret line under it; of a
   very long line, only a window around the caret, marked with "...". */
static void print_snippet(Diags *d, const SrcFile *f, Span s, const char *colour) {
  int len;
  const char *text = src_line(f, s.line, &len);
  if (s.line < 1 || s.line > f->nlines) return;
  /* Columns count characters; the text is bytes. */
  int first = src_col_to_byte(text, len, s.col);
  int end = (s.end_line == s.line && s.end_col >= s.col)
                ? src_col_to_byte(text, len, s.end_col + 1) : len;
  int from = 0, to = len;
  if (len > SNIPPET_BYTES) {
    from = first > SNIPPET_BEFORE ? char_start(text, first - SNIPPET_BEFORE) : 0;
    to = from + SNIPPET_BYTES < len ? char_start(text, from + SNIPPET_BYTES) : len;
    if (end > to) end = to;
  }
  const char *before = from > 0 ? "..." : "", *after = to < len ? "..." : "";
  char gutter[16];
  int width = snprintf(gutter, sizeof gutter, "%d", s.line);
  fprintf(d->out, " %s | %s", gutter, before);
  /* Control bytes of a broken file would act on the terminal: '?' in their
     place keeps the caret under its column. */
  for (int i = from; i < to; i++) {
    unsigned char c = (unsigned char)text[i];
    fputc(c == '\t' || (c >= 0x20 && c != 0x7f) ? text[i] : '?', d->out);
  }
  fprintf(d->out, "%s\n", after);
  fprintf(d->out, " %*s | %*s", width, "", (int)strlen(before), "");
  /* Copy tabs so the caret lines up whatever the tab width. */
  for (int i = from; i < first && i < to; i++) {
    if (((unsigned char)text[i] & 0xC0) == 0x80) continue;
    fputc(text[i] == '\t' ? '\t' : ' ', d->out);
  }
  if (first == len) /* past the end of the line (an expected ';', say) */
    for (int c = src_chars(text, len) + 1; c < s.col; c++) fputc(' ', d->out);
  if (d->color) fputs(colour, d->out);
  fputc('^', d->out);
  for (int i = first + 1; i < end; i++)
    if (((unsigned char)text[i] & 0xC0) != 0x80) fputc('~', d->out);
  if (d->color) fputs("\033[0m", d->out);
  fputc('\n', d->out);
}

static void print_one(Diags *d, const Diagnostic *g) {
  static const char *names[] = {"error", "warning", "note"};
  static const char *colours[] = {"\033[1;31m", "\033[1;35m", "\033[1;36m"};
  const SrcFile *f = g->span.file >= 0 ? diag_file(d, g->span.file) : NULL;
  if (d->color) fputs("\033[1m", d->out);
  if (f)
    fprintf(d->out, "%s:%d:%d: ", f->path, g->span.line, g->span.col);
  else
    fputs("snnc: ", d->out);
  if (d->color) fprintf(d->out, "%s%s:\033[0;1m %s\033[0m\n", colours[g->level],
                        names[g->level], g->msg);
  else
    fprintf(d->out, "%s: %s\n", names[g->level], g->msg);
  if (f) print_snippet(d, f, g->span, colours[g->level]);
}

void diag_flush(Diags *d) {
  int n = d->pending.len;
  Diagnostic **list = (Diagnostic **)d->pending.items;
  if (n > 1) qsort(list, (size_t)n, sizeof *list, compare_diagnostics);
  for (int i = 0; i < n; i++) {
    if (i > 0 && same_diagnostic(list[i], list[i - 1])) continue;
    print_one(d, list[i]);
    for (int k = 0; k < list[i]->notes.len; k++) print_one(d, list[i]->notes.items[k]);
  }
  if (d->errors > max_errors(d))
    fprintf(d->out, "snnc: too many errors (%d), stopped reporting after %d\n",
            d->errors, max_errors(d));
  fflush(d->out);
  for (int i = 0; i < n; i++) diagnostic_free(list[i]);
  d->pending.len = 0;
}
