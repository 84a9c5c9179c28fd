/*
** test_json.c: the JSON writer's exact output (layout, escaping, numbers)
** read back from a temporary file, and its error flag on misuse and on
** failed writes.
*/
#include "json.h"

#include <math.h>
#include <stdlib.h>

#include "test.h"

/* Everything written to f so far, as a string (static buffer). */
static const char *contents(FILE *f) {
  static char buf[4096];
  fflush(f);
  rewind(f);
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = 0;
  return buf;
}

/* A fresh writer on a fresh temporary file. */
static FILE *start(JsonWriter *w) {
  FILE *f = tmpfile();
  CHECK(f != 0);
  if (f) json_init(w, f);
  return f;
}

static void test_nested(void) {
  JsonWriter w;
  FILE *f = start(&w);
  if (!f) return;
  json_begin_object(&w);
  json_key(&w, "model"); json_string(&w, "cuba");
  json_key(&w, "seed"); json_int(&w, -9223372036854775807LL - 1);
  json_key(&w, "ok"); json_bool(&w, true);
  json_key(&w, "error"); json_null(&w);
  json_key(&w, "rates"); json_begin_array(&w);
  json_number(&w, 0.1); json_number(&w, 1e21); json_number(&w, -0.0);
  json_begin_object(&w);
  json_key(&w, "deep"); json_begin_array(&w); json_bool(&w, false); json_end_array(&w);
  json_end_object(&w);
  json_end_array(&w);
  json_key(&w, "empty_object"); json_begin_object(&w); json_end_object(&w);
  json_key(&w, "empty_array"); json_begin_array(&w); json_end_array(&w);
  json_end_object(&w);
  CHECK(json_ok(&w));
  CHECK_STR(contents(f),
            "{\n"
            "  \"model\": \"cuba\",\n"
            "  \"seed\": -9223372036854775808,\n"
            "  \"ok\": true,\n"
            "  \"error\": null,\n"
            "  \"rates\": [\n"
            "    0.1,\n"
            "    1e+21,\n"
            "    -0,\n"
            "    {\n"
            "      \"deep\": [\n"
            "        false\n"
            "      ]\n"
            "    }\n"
            "  ],\n"
            "  \"empty_object\": {},\n"
            "  \"empty_array\": []\n"
            "}");
  fclose(f);
}

static void test_compact(void) {
  JsonWriter w;
  FILE *f = start(&w);
  if (!f) return;
  w.indent = 0;
  json_begin_array(&w);
  json_int(&w, 1);
  json_begin_object(&w); json_key(&w, "a"); json_int(&w, 2); json_end_object(&w);
  json_end_array(&w);
  CHECK(json_ok(&w));
  CHECK_STR(contents(f), "[1,{\"a\":2}]");
  fclose(f);
}

static void test_escaping(void) {
  JsonWriter w;
  FILE *f = start(&w);
  if (!f) return;
  json_begin_object(&w);
  json_key(&w, "q\"k");
  json_string(&w, "a\"b\\c/d\n\r\t\b\f\x01\x1f\x7f end");
  json_key(&w, "utf8");
  json_string(&w, "\xc2\xb5s \xe2\x86\x92 \xf0\x9f\xa7\xa0"); /* µs → and a 4-byte one */
  json_key(&w, "none");
  json_string(&w, 0);
  json_key(&w, "");
  json_string(&w, "");
  json_end_object(&w);
  CHECK(json_ok(&w));
  CHECK_STR(contents(f),
            "{\n"
            "  \"q\\\"k\": \"a\\\"b\\\\c/d\\n\\r\\t\\u0008\\u000c\\u0001\\u001f\x7f end\",\n"
            "  \"utf8\": \"\xc2\xb5s \xe2\x86\x92 \xf0\x9f\xa7\xa0\",\n"
            "  \"none\": null,\n"
            "  \"\": \"\"\n"
            "}");
  fclose(f);
}

/* The text json_number writes for x, as a top-level value. */
static const char *number_text(double x) {
  JsonWriter w;
  FILE *f = start(&w);
  if (!f) return "";
  json_number(&w, x);
  CHECK(json_ok(&w));
  static char text[64];
  const char *c = contents(f);
  size_t n = strlen(c) < sizeof text - 1 ? strlen(c) : sizeof text - 1;
  memcpy(text, c, n);
  text[n] = 0;
  fclose(f);
  return text;
}

static void test_numbers(void) {
  CHECK_STR(number_text(0.1), "0.1");
  CHECK_STR(number_text(1.0 / 3), "0.3333333333333333");  /* 16 digits */
  CHECK_STR(number_text(0.1 + 0.2), "0.30000000000000004"); /* 17 digits */
  CHECK_STR(number_text(1e-4), "0.0001");
  CHECK_STR(number_text(2.5e-300), "2.5e-300");
  CHECK_STR(number_text(1.7976931348623157e308), "1.7976931348623157e+308");
  CHECK_STR(number_text(4.9406564584124654e-324), "4.94065645841247e-324"); /* subnormal */
  CHECK_STR(number_text(100), "100");
  CHECK_STR(number_text(NAN), "null");
  CHECK_STR(number_text(INFINITY), "null");
  CHECK_STR(number_text(-INFINITY), "null");

  /* Whatever the digits, they read back exactly. */
  double x = 1;
  for (int i = 0; i < 200; i++) {
    x = x * 1.37 + 1e-3 / (i + 1);
    CHECK(strtod(number_text(x), 0) == x);
    CHECK(strtod(number_text(1 / x), 0) == 1 / x);
  }
}

/* Runs one misuse and checks that it raised the flag and stopped output. */
#define MISUSE(name, calls, written)                                          \
  do {                                                                        \
    JsonWriter w;                                                             \
    FILE *f = start(&w);                                                      \
    if (!f) break;                                                            \
    calls;                                                                    \
    if (json_ok(&w)) fprintf(stderr, "misuse not caught: %s\n", name);       \
    CHECK(!json_ok(&w));                                                      \
    json_int(&w, 7); /* ignored once in error */                              \
    CHECK_STR(contents(f), written);                                          \
    fclose(f);                                                                \
  } while (0)

static void test_misuse(void) {
  MISUSE("key at top level", json_key(&w, "a"), "");
  MISUSE("key in array", (json_begin_array(&w), json_key(&w, "a")), "[");
  MISUSE("two keys", (json_begin_object(&w), json_key(&w, "a"), json_key(&w, "b")),
         "{\n  \"a\": ");
  MISUSE("value without key", (json_begin_object(&w), json_int(&w, 1)), "{");
  MISUSE("null key", (json_begin_object(&w), json_key(&w, 0)), "{");
  MISUSE("end with key pending", (json_begin_object(&w), json_key(&w, "a"), json_end_object(&w)),
         "{\n  \"a\": ");
  MISUSE("unbalanced end", json_end_object(&w), "");
  MISUSE("wrong end", (json_begin_array(&w), json_end_object(&w)), "[");
  MISUSE("second top-level value", (json_int(&w, 1), json_int(&w, 2)), "1");
  /* One level too many: output stops after the deepest legal bracket. */
  static char deep[JSON_MAX_DEPTH * (2 * JSON_MAX_DEPTH + 2)];
  char *p = deep;
  for (int i = 0; i < JSON_MAX_DEPTH; i++)
    p += sprintf(p, "%s%*s[", i ? "\n" : "", 2 * i, "");
  MISUSE("too deep", for (int i = 0; i <= JSON_MAX_DEPTH; i++) json_begin_array(&w), deep);

  /* The maximum depth itself is fine. */
  JsonWriter w;
  FILE *f = start(&w);
  if (!f) return;
  for (int i = 0; i < JSON_MAX_DEPTH; i++) json_begin_array(&w);
  for (int i = 0; i < JSON_MAX_DEPTH; i++) json_end_array(&w);
  CHECK(json_ok(&w));
  fclose(f);
}

/* A stream that cannot be written: the first write fails. */
static void test_write_failure(void) {
  FILE *f = fopen("/dev/null", "r");
  CHECK(f != 0);
  if (!f) return;
  JsonWriter w;
  json_init(&w, f);
  CHECK(json_ok(&w));
  json_begin_object(&w);
  json_key(&w, "a");
  json_int(&w, 1);
  json_end_object(&w);
  fflush(f);
  CHECK(!json_ok(&w));
  fclose(f);
}

int main(void) {
  test_nested();
  test_compact();
  test_escaping();
  test_numbers();
  test_misuse();
  test_write_failure();
  return test_report("test_json");
}
