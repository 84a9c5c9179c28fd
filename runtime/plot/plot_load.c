/*
** plot_load.c: the records of a run's output folder read for snnc plot,
** from .npy files or from the .csv files of --format csv.
**
** A CSV file of a monitor has a header line and one line per sample (or
** per spike): "t_s,i" for spikes; "t_s,v[3]_mV,v[4]_mV,..." for a state
** record, whose column names give the neurons; "t_s,w[0->5]_nS,..." for a
** synaptic one, whose names give each synapse's ends; "t_s,NAME_UNIT" for
** a modulator or its rewards.  The reader trusts none of it: a line with
** the wrong number of values or a value that is not a number is reported
** with its line number.  A last line without its newline (a run stopped
** while writing it) is left out, as the .npy writer keeps complete rows.
** Times in CSV have ten digits; every monitor samples on the time grid
** (t = step * dt), so they are put back onto it, and a figure drawn from
** CSV is the one drawn from .npy, spikes on a bin edge and all.
*/
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_load.h"

/* The whole file at path, NUL-terminated, or NULL with a message. */
static char *load_text(const char *path, char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
    return NULL;
  }
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    n += fread(buf + n, 1, cap - n - 1, f);
    if (n < cap - 1) break;
    char *bigger = realloc(buf, cap * 2);
    if (!bigger) free(buf);
    buf = bigger;
    cap *= 2;
  }
  bool failed = ferror(f) != 0;
  fclose(f);
  if (!buf || failed) {
    free(buf);
    snprintf(err, errlen, buf ? "cannot read '%s'" : "out of memory reading '%s'", path);
    return NULL;
  }
  buf[n] = 0;
  return buf;
}

/* A parsed CSV file: names[c] of each column, rows x cols values. */
typedef struct Csv {
  char *text;     /* the file, cut into names in place */
  char **names;
  int cols;
  int64_t rows;
  double *v;
} Csv;

static void csv_free(Csv *c) {
  free(c->text);
  free(c->names);
  free(c->v);
  memset(c, 0, sizeof *c);
}

/* Splits the header line at p into column names; returns the next line. */
static char *csv_header(Csv *c, char *p) {
  char *end = strchr(p, '\n');
  if (end) *end = 0;
  c->cols = 1;
  for (char *q = p; *q; q++) c->cols += *q == ',';
  c->names = malloc(sizeof(char *) * (size_t)c->cols);
  if (!c->names) return NULL;
  for (int k = 0; k < c->cols; k++) {
    c->names[k] = p;
    p += strcspn(p, ",\r");
    if (*p) *p++ = 0;
  }
  return end ? end + 1 : p + strlen(p);
}

/* Reads path into c; false with a message naming the file and line. */
static bool csv_read(const char *path, Csv *c, char *err, size_t errlen) {
  memset(c, 0, sizeof *c);
  if (!(c->text = load_text(path, err, errlen))) return false;
  char *p = csv_header(c, c->text);
  if (!p || c->cols < 2) {
    snprintf(err, errlen, p ? "'%s' has no header line of columns" : "out of memory", path);
    return false;
  }
  int64_t lines = 0;
  for (char *q = p; *q; q++) lines += *q == '\n';
  c->v = malloc(sizeof(double) * (size_t)(lines * c->cols + 1));
  if (!c->v) {
    snprintf(err, errlen, "out of memory reading '%s'", path);
    return false;
  }
  for (int64_t line = 2; c->rows < lines; line++) {
    char *end = strchr(p, '\n');
    for (int k = 0; k < c->cols; k++) {
      char *after;
      /* strtod would skip a newline and read on into the next line. */
      double x = isspace((unsigned char)*p) ? 0 : strtod(p, &after);
      if (isspace((unsigned char)*p)) after = p;
      bool sep = *after == (k + 1 < c->cols ? ',' : '\n') || (*after == '\r' && k + 1 == c->cols);
      if (after == p || !sep) {
        snprintf(err, errlen, "'%s' line %lld: %s", path, (long long)line,
                 after == p ? "a value is not a number" : "not as many values as the header "
                 "names columns");
        return false;
      }
      c->v[c->rows * c->cols + k] = x;
      p = after + 1;
    }
    c->rows++;
    p = end + 1;
  }
  return true;
}

/* t on the grid of steps of dt (dt 0: as it is), as the run computed it. */
static double on_grid(double t, double dt) {
  if (!(dt > 0) || !isfinite(t)) return t;
  double steps = round(t / dt);
  return fabs(t / dt - steps) < 1e-6 * fmax(1, fabs(steps)) ? steps * dt : t;
}

bool plot_file_exists(const char *dir, const char *stem, const char *suffix) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s%s", dir, stem, suffix);
  FILE *f = fopen(path, "rb");
  if (f) fclose(f);
  return f != NULL;
}

static bool read_npy(const char *dir, const char *stem, const char *suffix, NpyArray *a,
                     char *err, size_t errlen) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s%s", dir, stem, suffix);
  return npy_read(path, a, err, errlen) == NPY_OK;
}

/* An array of rows x cols elements of type t (cols 0: one dimension). */
static bool make_array(NpyArray *a, NpyType t, int64_t rows, int64_t cols) {
  a->type = t;
  a->ndim = cols ? 2 : 1;
  a->shape[0] = rows;
  a->shape[1] = cols ? cols : 1;
  a->data = malloc(npy_type_size(t) * (size_t)(rows * a->shape[1] + 1));
  return a->data != NULL;
}

/* "v[3]_mV" -> 3; "w[0->5]_nS" -> 0 and 5 (post -1 without "->"). */
static bool column_neurons(const char *name, long *pre, long *post) {
  const char *open = strchr(name, '[');
  char *end;
  if (!open) return false;
  *pre = strtol(open + 1, &end, 10);
  *post = -1;
  if (end == open + 1) return false;
  if (strncmp(end, "->", 2) == 0) {
    const char *b = end + 2;
    *post = strtol(b, &end, 10);
    if (end == b) return false;
  }
  return *end == ']';
}

/* The record's arrays from a parsed CSV file. */
static bool record_from_csv(const Csv *c, const char *path, double dt, PlotRecordData *r,
                            char *err, size_t errlen) {
  long pre, post;
  int64_t cols = c->cols - 1;
  bool named = column_neurons(c->names[1], &pre, &post);
  r->synaptic = named && post >= 0;
  if (!make_array(&r->t, NPY_F64, c->rows, 0) || !make_array(&r->v, NPY_F64, c->rows,
                                                              named ? cols : 0) ||
      (r->synaptic && (!make_array(&r->pre, NPY_I32, cols, 0) ||
                       !make_array(&r->post, NPY_I32, cols, 0)))) {
    snprintf(err, errlen, "out of memory reading '%s'", path);
    return false;
  }
  for (int64_t s = 0; s < c->rows; s++) {
    ((double *)r->t.data)[s] = on_grid(c->v[s * c->cols], dt);
    for (int64_t k = 0; k < cols; k++) ((double *)r->v.data)[s * cols + k] = c->v[s * c->cols + 1 + k];
  }
  for (int64_t k = 0; k < cols && named; k++) {
    long a, b;
    if (!column_neurons(c->names[1 + k], &a, &b) || (b >= 0) != r->synaptic) {
      snprintf(err, errlen, "'%s': column '%s' does not name its neuron or synapse as the "
               "others do", path, c->names[1 + k]);
      return false;
    }
    if (k == 0) r->first = a;
    if (r->synaptic) ((int32_t *)r->pre.data)[k] = (int32_t)a, ((int32_t *)r->post.data)[k] = (int32_t)b;
  }
  if (r->synaptic) r->first = -1;
  return true;
}

static bool load_record_csv(const char *dir, const char *stem, double dt, PlotRecordData *r,
                            char *err, size_t errlen) {
  char path[4096];
  Csv c;
  snprintf(path, sizeof path, "%s/%s.csv", dir, stem);
  bool ok = csv_read(path, &c, err, errlen) && record_from_csv(&c, path, dt, r, err, errlen);
  csv_free(&c);
  return ok;
}

static bool load_record_npy(const char *dir, const char *stem, PlotRecordData *r, char *err,
                            size_t errlen) {
  if (!read_npy(dir, stem, ".npy", &r->v, err, errlen) ||
      !read_npy(dir, stem, "_t.npy", &r->t, err, errlen))
    return false;
  r->synaptic = r->v.ndim == 2 && plot_file_exists(dir, stem, "_i.npy");
  if (!r->synaptic) return true;
  if (!read_npy(dir, stem, "_i.npy", &r->pre, err, errlen) ||
      !read_npy(dir, stem, "_j.npy", &r->post, err, errlen))
    return false;
  if (r->pre.type != NPY_I32 || r->post.type != NPY_I32 ||
      npy_array_count(&r->pre) != r->v.shape[1] || npy_array_count(&r->post) != r->v.shape[1]) {
    snprintf(err, errlen, "%s/%s_i.npy and _j.npy do not name its %lld synapses", dir, stem,
             (long long)r->v.shape[1]);
    return false;
  }
  return true;
}

bool plot_load_record(const char *dir, const char *stem, double dt, bool csv, PlotRecordData *r,
                      char *err, size_t errlen) {
  memset(r, 0, sizeof *r);
  r->first = -1;
  bool ok = csv ? load_record_csv(dir, stem, dt, r, err, errlen)
                : load_record_npy(dir, stem, r, err, errlen);
  if (ok && (r->v.type != NPY_F64 || r->t.type != NPY_F64 || (r->v.ndim != 1 && r->v.ndim != 2) ||
             r->v.shape[0] != npy_array_count(&r->t))) {
    snprintf(err, errlen, "%s/%s.%s is not a record of values over time", dir, stem,
             csv ? "csv" : "npy");
    ok = false;
  }
  if (!ok) plot_record_free(r);
  return ok;
}

void plot_record_free(PlotRecordData *r) {
  npy_array_free(&r->v);
  npy_array_free(&r->t);
  npy_array_free(&r->pre);
  npy_array_free(&r->post);
}

/* POP_spikes.csv: "t_s,i", a neuron index (0 or more) per line. */
static bool load_spikes_csv(const char *dir, const char *pop, double dt, NpyArray *t,
                            NpyArray *i, char *err, size_t errlen) {
  char path[4096];
  Csv c;
  snprintf(path, sizeof path, "%s/%s_spikes.csv", dir, pop);
  bool ok = csv_read(path, &c, err, errlen);
  if (ok && c.cols != 2) {
    snprintf(err, errlen, "'%s' is not a list of spikes (t_s,i)", path);
    ok = false;
  }
  if (ok && (!make_array(t, NPY_F64, c.rows, 0) || !make_array(i, NPY_I32, c.rows, 0))) {
    snprintf(err, errlen, "out of memory reading '%s'", path);
    ok = false;
  }
  for (int64_t k = 0; ok && k < c.rows; k++) {
    double n = c.v[2 * k + 1];
    if (!(n >= 0 && n <= INT32_MAX && n == (double)(int32_t)n)) {
      snprintf(err, errlen, "'%s' line %lld: the neuron index %g is not a whole number of 0 "
               "or more", path, (long long)k + 2, n);
      ok = false;
    }
    ((double *)t->data)[k] = on_grid(c.v[2 * k], dt);
    ((int32_t *)i->data)[k] = ok ? (int32_t)n : 0;
  }
  csv_free(&c);
  return ok;
}

bool plot_load_spikes(const char *dir, const char *pop, double dt, bool csv, NpyArray *t,
                      NpyArray *i, char *err, size_t errlen) {
  char stem[300];
  memset(t, 0, sizeof *t);
  memset(i, 0, sizeof *i);
  snprintf(stem, sizeof stem, "%s_spikes", pop);
  bool ok = csv ? load_spikes_csv(dir, pop, dt, t, i, err, errlen)
                : read_npy(dir, stem, "_t.npy", t, err, errlen) &&
                      read_npy(dir, stem, "_i.npy", i, err, errlen);
  if (ok && (t->type != NPY_F64 || i->type != NPY_I32 || npy_array_count(t) != npy_array_count(i))) {
    snprintf(err, errlen, "%s/%s_t.npy and _i.npy do not belong together", dir, stem);
    ok = false;
  }
  if (!ok) npy_array_free(t), npy_array_free(i);
  return ok;
}
