/*
** json.c: the streaming JSON writer declared in json.h.
**
** The writer tracks just enough state to place separators: the stack of
** open containers, whether each already has an item (for the comma), and
** whether a key awaits its value.  Every public call first checks that the
** call is legal in that state; an illegal call only sets the error flag.
*/
#include "json.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void json_init(JsonWriter *w, FILE *f) {
  assert(w != 0 && f != 0);
  memset(w, 0, sizeof *w);
  w->f = f;
  w->indent = 2;
}

bool json_ok(const JsonWriter *w) {
  return !w->error && !ferror(w->f);
}

/* Writes n bytes, recording a failure. */
static void put(JsonWriter *w, const char *s, size_t n) {
  if (n > 0 && fwrite(s, 1, n, w->f) != n) w->error = true;
}

static void puts_raw(JsonWriter *w, const char *s) {
  put(w, s, strlen(s));
}

/* A line break and the indentation of the current depth. */
static void newline(JsonWriter *w) {
  if (w->indent <= 0) return;
  static const char spaces[] = "                                ";
  put(w, "\n", 1);
  for (int n = w->depth * w->indent; n > 0; n -= (int)sizeof spaces - 1)
    put(w, spaces, n < (int)sizeof spaces - 1 ? (size_t)n : sizeof spaces - 1);
}

/* The innermost open container, or 0 at the top level. */
static char top(const JsonWriter *w) {
  assert(w->depth >= 0 && w->depth <= JSON_MAX_DEPTH);
  return w->depth > 0 ? w->open[w->depth - 1] : 0;
}

/* Starts a new item in the current array or object: comma, line break. */
static void next_item(JsonWriter *w) {
  bool *has = &w->has_items[w->depth - 1];
  if (*has) put(w, ",", 1);
  *has = true;
  newline(w);
}

/*
** Checks that a value may come now and writes what goes before it.
** Returns false (and sets the error) if it may not: in an object a value
** needs its key first, and a document holds one top-level value.
*/
static bool begin_value(JsonWriter *w) {
  if (w->error) return false;
  switch (top(w)) {
  case 0:
    if (w->done) w->error = true;
    break;
  case '{':
    if (!w->key_pending) w->error = true;
    w->key_pending = false;
    break;
  default:
    next_item(w);
    break;
  }
  return !w->error;
}

/* Called after a complete value: at the top level, the document is done. */
static void end_value(JsonWriter *w) {
  if (w->depth == 0) w->done = true;
}

/* Writes s between quotes, escaping what JSON requires. */
static void quoted(JsonWriter *w, const char *s) {
  put(w, "\"", 1);
  const char *run = s; /* start of bytes not yet written */
  for (const char *p = s; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (c >= 0x20 && c != '"' && c != '\\') continue; /* bytes >= 0x80 too: UTF-8 */
    put(w, run, (size_t)(p - run));
    run = p + 1;
    char esc[8];
    switch (c) {
    case '"': puts_raw(w, "\\\""); break;
    case '\\': puts_raw(w, "\\\\"); break;
    case '\n': puts_raw(w, "\\n"); break;
    case '\r': puts_raw(w, "\\r"); break;
    case '\t': puts_raw(w, "\\t"); break;
    default:
      snprintf(esc, sizeof esc, "\\u%04x", c);
      puts_raw(w, esc);
      break;
    }
  }
  put(w, run, strlen(run));
  put(w, "\"", 1);
}

static void begin(JsonWriter *w, char open) {
  if (w->depth == JSON_MAX_DEPTH) w->error = true; /* before writing anything */
  if (!begin_value(w)) return;
  w->open[w->depth] = open;
  w->has_items[w->depth] = false;
  w->depth++;
  put(w, &open, 1);
}

static void end(JsonWriter *w, char open, char close) {
  if (w->error) return;
  if (top(w) != open || w->key_pending) {
    w->error = true;
    return;
  }
  bool empty = !w->has_items[w->depth - 1];
  w->depth--;
  if (!empty) newline(w); /* the closer lines up with its opener */
  put(w, &close, 1);
  end_value(w);
}

void json_begin_object(JsonWriter *w) { begin(w, '{'); }
void json_end_object(JsonWriter *w) { end(w, '{', '}'); }
void json_begin_array(JsonWriter *w) { begin(w, '['); }
void json_end_array(JsonWriter *w) { end(w, '[', ']'); }

void json_key(JsonWriter *w, const char *key) {
  if (w->error) return;
  if (top(w) != '{' || w->key_pending || !key) {
    w->error = true;
    return;
  }
  next_item(w);
  quoted(w, key);
  puts_raw(w, w->indent > 0 ? ": " : ":");
  w->key_pending = true;
}

void json_string(JsonWriter *w, const char *s) {
  if (!s) {
    json_null(w);
    return;
  }
  if (!begin_value(w)) return;
  quoted(w, s);
  end_value(w);
}

/*
** Formats a finite x in the fewest significant digits (15, 16 or 17) that
** strtod reads back as x; 17 always suffice for a double.  %g output is
** valid JSON except under a locale whose decimal point is a comma, which
** is put right afterwards.
*/
static void format_number(double x, char *buf, size_t size) {
  for (int digits = 15; digits <= 17; digits++) {
    snprintf(buf, size, "%.*g", digits, x);
    if (strtod(buf, 0) == x) break;
  }
  for (char *p = buf; *p; p++)
    if (*p == ',') *p = '.';
}

void json_number(JsonWriter *w, double x) {
  if (!isfinite(x)) {
    json_null(w); /* JSON has no NaN or infinity */
    return;
  }
  if (!begin_value(w)) return;
  char buf[32];
  format_number(x, buf, sizeof buf);
  puts_raw(w, buf);
  end_value(w);
}

void json_int(JsonWriter *w, int64_t x) {
  if (!begin_value(w)) return;
  char buf[24];
  snprintf(buf, sizeof buf, "%" PRId64, x);
  puts_raw(w, buf);
  end_value(w);
}

void json_bool(JsonWriter *w, bool b) {
  if (!begin_value(w)) return;
  puts_raw(w, b ? "true" : "false");
  end_value(w);
}

void json_null(JsonWriter *w) {
  if (!begin_value(w)) return;
  puts_raw(w, "null");
  end_value(w);
}

char *json_read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, len = 0, got;
  char *buf = malloc(cap);
  while (buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
    len += got;
    if (len + 1 == cap) {
      char *grown = realloc(buf, cap *= 2);
      if (!grown) free(buf);
      buf = grown;
    }
  }
  fclose(f);
  if (buf) buf[len] = 0;
  return buf;
}
