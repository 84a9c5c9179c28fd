/*
** network_file.c: reading connections from a CSV file (connect ... { from "f.csv" }).
**
** The file lists one synapse per line as `i,j` (source and target index),
** optionally followed by synaptic values.  A first line that is not numeric
** is a header naming the columns: `i`, `j` (or `pre`, `post`) and names of
** the synapse model's state variables, whose values are read in the unit
** the variable was declared in.  Blank lines and lines starting with '#'
** are skipped.  Values must be finite and each pair may appear once.
** Every problem is reported with the file and line.
*/
#include <ctype.h>
#include <math.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "network_file.h"

enum { MAX_COLUMNS = 32, MAX_LINE = 65536 };

static bool fail(Sim *s, const FileSynapses *f, int64_t line, const char *msg, const char *arg) {
  return sim_fail(s, "%s:%lld: %s%s%s", f->path, (long long)line, msg, arg ? " " : "",
                  arg ? arg : "");
}

/* Splits a line at commas (and blanks around them); returns the field count. */
static int split(char *line, char **fields) {
  int n = 0;
  char *p = line;
  while (n < MAX_COLUMNS) {
    while (*p == ' ' || *p == '\t') p++;
    fields[n++] = p;
    char *comma = strchr(p, ',');
    char *end = comma ? comma : p + strlen(p);
    while (end > p && isspace((unsigned char)end[-1])) end--;
    *end = 0;
    if (!comma) break;
    p = comma + 1;
  }
  return n;
}

static bool is_number(const char *s) {
  char *end;
  if (!*s) return false;
  strtod(s, &end);
  return *end == 0;
}

/* Maps header names to roles: -1 = i, -2 = j, k >= 0 = synaptic value k. */
static bool read_header(Sim *s, RtProj *p, FileSynapses *f, char **fields, int n) {
  bool have_i = false, have_j = false;
  for (int c = 0; c < n; c++) {
    const char *name = fields[c];
    if (strcmp(name, "i") == 0 || strcmp(name, "pre") == 0) {
      f->role[c] = -1;
      have_i = true;
      continue;
    }
    if (strcmp(name, "j") == 0 || strcmp(name, "post") == 0) {
      f->role[c] = -2;
      have_j = true;
      continue;
    }
    int found = -1;
    for (int64_t k = 0; k < p->desc->nvalue; k++)
      if (strcmp(p->desc->value[k].name, name) == 0) found = (int)k;
    if (found < 0) return fail(s, f, 1, "unknown column", name);
    f->role[c] = found;
  }
  if (!have_i || !have_j) return fail(s, f, 1, "the header must name columns i and j", NULL);
  return true;
}

static bool grow(Sim *s, FileSynapses *f) {
  int64_t cap = f->cap ? f->cap * 2 : 1024;
  int64_t *pre = realloc(f->pre, sizeof(int64_t) * (size_t)cap);
  if (pre) f->pre = pre;
  int64_t *post = realloc(f->post, sizeof(int64_t) * (size_t)cap);
  if (post) f->post = post;
  int64_t *line = realloc(f->line, sizeof(int64_t) * (size_t)cap);
  if (line) f->line = line;
  double *vals = f->ncols ? realloc(f->values, sizeof(double) * (size_t)(cap * f->ncols)) : NULL;
  if (vals) f->values = vals;
  if (!pre || !post || !line || (f->ncols && !vals))
    return sim_fail(s, "out of memory reading %s", f->path);
  f->cap = cap;
  return true;
}

static bool parse_index(Sim *s, FileSynapses *f, int64_t line, const char *text, int64_t size,
                        const char *what, int64_t *out) {
  char *end;
  errno = 0;
  long long v = strtoll(text, &end, 10);
  if (errno || end == text || *end) return fail(s, f, line, "not a whole number:", text);
  if (v < 0 || v >= size) {
    char msg[160];
    snprintf(msg, sizeof msg, "%s index %lld is outside 0 .. %lld", what, v, (long long)size - 1);
    return fail(s, f, line, msg, NULL);
  }
  *out = v;
  return true;
}

static bool read_row(Sim *s, RtProj *p, FileSynapses *f, int64_t line, char **fields, int n) {
  if (n != f->width) {
    char msg[96];
    snprintf(msg, sizeof msg, "expected %d fields, found %d", f->width, n);
    return fail(s, f, line, msg, NULL);
  }
  if (f->n == f->cap && !grow(s, f)) return false;
  int col = 0;
  for (int c = 0; c < n; c++) {
    if (f->role[c] == -1) {
      if (!parse_index(s, f, line, fields[c], p->pre->size, "source", &f->pre[f->n])) return false;
    } else if (f->role[c] == -2) {
      if (!parse_index(s, f, line, fields[c], p->post->size, "target", &f->post[f->n]))
        return false;
    } else {
      char *end;
      double v = strtod(fields[c], &end);
      if (end == fields[c] || *end) return fail(s, f, line, "not a number:", fields[c]);
      if (!isfinite(v)) {
        char msg[160];
        snprintf(msg, sizeof msg, "the value of '%s' is %.40s; synaptic values must be finite",
                 p->desc->value[f->role[c]].name, fields[c]);
        return fail(s, f, line, msg, NULL);
      }
      f->values[f->n * f->ncols + col++] = v * p->desc->value[f->role[c]].unit_scale;
    }
  }
  f->line[f->n] = line;
  f->n++;
  return true;
}

typedef struct Pair {
  int64_t pre, post, line;
} Pair;

static int compare_pairs(const void *a, const void *b) {
  const Pair *x = a, *y = b;
  if (x->pre != y->pre) return x->pre < y->pre ? -1 : 1;
  if (x->post != y->post) return x->post < y->post ? -1 : 1;
  return (x->line > y->line) - (x->line < y->line);
}

/* One synapse per pair: a pair listed twice is most likely a mistake in
   the file (and would silently double the connection). */
static bool refuse_duplicates(Sim *s, FileSynapses *f) {
  Pair *pairs = malloc(sizeof(Pair) * (size_t)(f->n + 1));
  if (!pairs) return sim_fail(s, "out of memory reading %s", f->path);
  for (int64_t k = 0; k < f->n; k++) pairs[k] = (Pair){f->pre[k], f->post[k], f->line[k]};
  qsort(pairs, (size_t)f->n, sizeof(Pair), compare_pairs);
  bool ok = true;
  for (int64_t k = 1; ok && k < f->n; k++) {
    const Pair *a = &pairs[k - 1], *b = &pairs[k];
    if (a->pre != b->pre || a->post != b->post) continue;
    char msg[160];
    snprintf(msg, sizeof msg, "the synapse %lld -> %lld is listed again (first on line %lld); "
             "a file gives each pair once", (long long)b->pre, (long long)b->post,
             (long long)a->line);
    ok = fail(s, f, b->line, msg, NULL);
  }
  free(pairs);
  return ok;
}

bool network_file_read(Sim *s, RtProj *p, FileSynapses *f) {
  memset(f, 0, sizeof *f);
  f->path = p->desc->file;
  FILE *in = fopen(f->path, "r");
  if (!in) return sim_fail(s, "cannot open connection file '%s': %s", f->path, strerror(errno));
  char *line = malloc(MAX_LINE);
  bool ok = line != NULL, first = true;
  if (!ok) sim_fail(s, "out of memory");
  for (int64_t no = 1; ok && fgets(line, MAX_LINE, in); no++) {
    size_t len = strlen(line);
    if (len == MAX_LINE - 1 && line[len - 1] != '\n') {
      ok = fail(s, f, no, "line too long", NULL);
      break;
    }
    line[strcspn(line, "\r\n")] = 0;
    char *start = line;
    while (isspace((unsigned char)*start)) start++;
    if (*start == 0 || *start == '#') continue;
    char *fields[MAX_COLUMNS];
    int n = split(start, fields);
    if (first) {
      first = false;
      f->width = n;
      if (!is_number(fields[0])) {
        ok = read_header(s, p, f, fields, n);
        for (int c = 0; c < n; c++) f->ncols += f->role[c] >= 0;
        continue;
      }
      if (n != 2) {
        ok = fail(s, f, no, "without a header line, each line must be 'i,j'", NULL);
        break;
      }
      f->role[0] = -1;
      f->role[1] = -2;
    }
    ok = read_row(s, p, f, no, fields, n);
  }
  if (ok && ferror(in)) ok = sim_fail(s, "error reading '%s'", f->path);
  fclose(in);
  free(line);
  return ok && refuse_duplicates(s, f);
}

void network_file_free(FileSynapses *f) {
  free(f->pre);
  free(f->post);
  free(f->line);
  free(f->values);
  memset(f, 0, sizeof *f);
}
