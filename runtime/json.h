/*
** json.h: a small streaming JSON writer.
*/
#ifndef SNN_JSON_H
#define SNN_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct JsonWriter {
  FILE *f;
  int depth;
  bool first[32];
  bool after_key;
  bool error;
} JsonWriter;

/* Starts writing to f. */
void json_init(JsonWriter *w, FILE *f);
void json_begin_object(JsonWriter *w);
void json_end_object(JsonWriter *w);
void json_begin_array(JsonWriter *w);
void json_end_array(JsonWriter *w);
void json_key(JsonWriter *w, const char *key);
void json_string(JsonWriter *w, const char *s);
void json_number(JsonWriter *w, double x);
void json_int(JsonWriter *w, int64_t x);
void json_bool(JsonWriter *w, bool b);
void json_null(JsonWriter *w);
/* False if the writer was misused or a write failed. */
bool json_ok(const JsonWriter *w);

#endif
