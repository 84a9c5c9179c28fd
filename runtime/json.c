/* json.c: interim JSON writer (to be replaced by the full module). */
#include "json.h"

#include <math.h>
#include <stdlib.h>

void json_init(JsonWriter *w, FILE *f) { w->f = f; w->depth = 0; w->first[0] = true; w->after_key = false; w->error = false; }

static void indent(JsonWriter *w) { fputc('\n', w->f); for (int i = 0; i < w->depth; i++) fputs("  ", w->f); }

static void value_prefix(JsonWriter *w) {
  if (w->after_key) { w->after_key = false; return; }
  if (w->depth > 0) { if (!w->first[w->depth]) fputc(',', w->f); indent(w); }
  w->first[w->depth] = false;
}

static void begin(JsonWriter *w, char c) { value_prefix(w); fputc(c, w->f); if (w->depth < 31) w->first[++w->depth] = true; else w->error = true; }
static void end(JsonWriter *w, char c) { bool empty = w->first[w->depth]; if (w->depth > 0) w->depth--; else w->error = true; if (!empty) indent(w); fputc(c, w->f); }
void json_begin_object(JsonWriter *w) { begin(w, '{'); }
void json_end_object(JsonWriter *w) { end(w, '}'); }
void json_begin_array(JsonWriter *w) { begin(w, '['); }
void json_end_array(JsonWriter *w) { end(w, ']'); }

static void quoted(JsonWriter *w, const char *s) {
  fputc('"', w->f);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') fprintf(w->f, "\\%c", *p);
    else if (*p < 0x20) fprintf(w->f, "\\u%04x", *p);
    else fputc(*p, w->f);
  }
  fputc('"', w->f);
}

void json_key(JsonWriter *w, const char *key) { value_prefix(w); quoted(w, key); fputs(": ", w->f); w->after_key = true; }
void json_string(JsonWriter *w, const char *s) { value_prefix(w); quoted(w, s); }
void json_number(JsonWriter *w, double x) {
  value_prefix(w);
  if (!isfinite(x)) { fputs("null", w->f); return; }
  char buf[40];
  snprintf(buf, sizeof buf, "%.15g", x);
  if (strtod(buf, NULL) != x) snprintf(buf, sizeof buf, "%.17g", x);
  fputs(buf, w->f);
}
void json_int(JsonWriter *w, int64_t x) { value_prefix(w); fprintf(w->f, "%lld", (long long)x); }
void json_bool(JsonWriter *w, bool b) { value_prefix(w); fputs(b ? "true" : "false", w->f); }
void json_null(JsonWriter *w) { value_prefix(w); fputs("null", w->f); }
bool json_ok(const JsonWriter *w) { return !w->error && !ferror(w->f); }
