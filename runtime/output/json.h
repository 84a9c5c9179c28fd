/*
** json.h: a small streaming JSON writer.
**
** Values go straight to a FILE as they are produced; nothing is buffered
** but the nesting.  Output is pretty-printed with 2-space indentation:
**
**     JsonWriter w;
**     json_init(&w, f);
**     json_begin_object(&w);
**     json_key(&w, "spikes"); json_int(&w, 12);
**     json_key(&w, "rate_hz"); json_number(&w, 0.1);
**     json_end_object(&w);
**     if (!json_ok(&w)) ...
**
** writes {\n  "spikes": 12,\n  "rate_hz": 0.1\n} with no trailing newline.
**
** Misuse (a key outside an object or twice in a row, a value in an object
** without its key, an end that does not match the open container, nesting
** deeper than JSON_MAX_DEPTH, a second top-level value) and write failures
** set an error flag instead of aborting, so that a long simulation still
** ends cleanly; from then on the writer writes nothing more.  Callers check
** json_ok once at the end.
*/
#ifndef SNN_JSON_H
#define SNN_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

typedef struct JsonWriter {
  FILE *f;
  int indent;                        /* spaces per level; 0 writes one line */
  int depth;                         /* containers open */
  char open[JSON_MAX_DEPTH];         /* '{' or '[' for each open container */
  bool has_items[JSON_MAX_DEPTH];    /* false until the first member or element */
  bool key_pending;                  /* a key was written; its value is due */
  bool done;                         /* the top-level value is complete */
  bool error;                        /* misuse or a failed write */
} JsonWriter;

/* Starts a document on f, indenting by 2. */
void json_init(JsonWriter *w, FILE *f);
/* Opens an object: {. */
void json_begin_object(JsonWriter *w);
/* Closes the innermost object: }. */
void json_end_object(JsonWriter *w);
/* Opens an array: [. */
void json_begin_array(JsonWriter *w);
/* Closes the innermost array: ]. */
void json_end_array(JsonWriter *w);
/* Writes a member name; the next call must write its value. */
void json_key(JsonWriter *w, const char *key);
/* Writes a string, escaped; UTF-8 passes through unchanged; NULL writes null. */
void json_string(JsonWriter *w, const char *s);
/* Writes a double in the fewest digits that read back exactly; NaN and infinities write null. */
void json_number(JsonWriter *w, double x);
/* Writes an integer exactly. */
void json_int(JsonWriter *w, int64_t x);
/* Writes true or false. */
void json_bool(JsonWriter *w, bool b);
/* Writes null. */
void json_null(JsonWriter *w);
/* False if the writer was misused or a write failed. */
bool json_ok(const JsonWriter *w);

/* The whole of a (JSON) file, NUL-terminated, to free; NULL when it cannot
   be read.  The readers of summary.json (snnc plot, the output folder's
   claim) share it. */
char *json_read_file(const char *path);

#endif
