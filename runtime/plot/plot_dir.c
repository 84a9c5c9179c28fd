/*
** plot_dir.c: figures from an output folder (snnc plot DIR, and --plot).
**
** Reads what the monitors wrote and draws:
**   raster.png / raster.svg   every <pop>_spikes_t/_i.npy pair, stacked, with
**                             the population rates below
**   <pop>_<var>.png           every recorded state variable against time
** The populations appear in the order summary.json lists them (else in
** alphabetical order); the duration comes from summary.json when present.
*/
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"
#include "plot.h"
#include "snnrt.h"

enum { MAX_GROUPS = 64 };

typedef struct Group {
  char name[128];
  NpyArray t, i;
  int order;
} Group;

static char *read_text(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  size_t n;
  while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
    len += n;
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

/* The number after "key": in our own summary.json, or `fallback`. */
static double summary_number(const char *json, const char *key, double fallback) {
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\": ", key);
  const char *p = json ? strstr(json, pattern) : NULL;
  if (!p) return fallback;
  char *end;
  double v = strtod(p + strlen(pattern), &end);
  return end == p + strlen(pattern) ? fallback : v;
}

/* The unit of a record file, from summary.json's "units" ("mV"), or "". */
static void summary_unit(const char *json, const char *file, char *out, size_t n) {
  out[0] = 0;
  const char *units = json ? strstr(json, "\"units\"") : NULL;
  char pattern[320];
  if ((size_t)snprintf(pattern, sizeof pattern, "\"%.300s\": \"", file) >= sizeof pattern) return;
  const char *p = units ? strstr(units, pattern) : NULL;
  if (!p) return;
  p += strlen(pattern);
  size_t k = 0;
  while (p[k] && p[k] != '"' && k + 1 < n) {
    out[k] = p[k];
    k++;
  }
  out[k] = 0;
}

/* The model's name from summary.json, else the folder's name. */
static void summary_model(const char *json, const char *dir, char *out, size_t n) {
  const char *p = json ? strstr(json, "\"model\": \"") : NULL;
  if (p) {
    p += 10;
    size_t k = 0;
    while (p[k] && p[k] != '"' && k + 1 < n) {
      out[k] = p[k];
      k++;
    }
    out[k] = 0;
    return;
  }
  const char *slash = strrchr(dir, '/');
  snprintf(out, n, "%s", slash && slash[1] ? slash + 1 : dir);
}

/* Position of a population in summary.json's list (by its "name"). */
static int summary_order(const char *json, const char *name) {
  const char *list = json ? strstr(json, "\"populations\"") : NULL;
  if (!list) return 1 << 20;
  char pattern[160];
  snprintf(pattern, sizeof pattern, "\"name\": \"%s\"", name);
  const char *hit = strstr(list, pattern);
  return hit ? (int)(hit - list) : 1 << 20;
}

static int compare_groups(const void *a, const void *b) {
  const Group *x = a, *y = b;
  if (x->order != y->order) return x->order < y->order ? -1 : 1;
  return strcmp(x->name, y->name);
}

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool load_group(const char *dir, Group *g, char *err, size_t errlen) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s_spikes_t.npy", dir, g->name);
  if (npy_read(path, &g->t, err, errlen) != NPY_OK) return false;
  snprintf(path, sizeof path, "%s/%s_spikes_i.npy", dir, g->name);
  if (npy_read(path, &g->i, err, errlen) != NPY_OK) return false;
  if (g->t.type != NPY_F64 || g->i.type != NPY_I32 ||
      npy_array_count(&g->t) != npy_array_count(&g->i)) {
    snprintf(err, errlen, "%s/%s_spikes_t.npy and _i.npy do not belong together", dir, g->name);
    return false;
  }
  return true;
}

static bool draw_raster(const char *dir, Group *groups, int n, double t_stop, const char *title,
                        char *err, size_t errlen) {
  PlotSpikeGroup pg[MAX_GROUPS];
  for (int k = 0; k < n; k++) {
    pg[k].name = groups[k].name;
    pg[k].times = groups[k].t.data;
    pg[k].index = groups[k].i.data;
    pg[k].count = npy_array_count(&groups[k].t);
    pg[k].size = 0;
    for (int64_t q = 0; q < pg[k].count; q++)
      if (pg[k].times[q] > t_stop) t_stop = pg[k].times[q];
  }
  PlotRaster spec;
  memset(&spec, 0, sizeof spec);
  spec.title = title;
  spec.t_stop = t_stop;
  spec.groups = pg;
  spec.ngroups = n;
  const char *names[2] = {"raster.png", "raster.svg"};
  for (int k = 0; k < 2; k++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, names[k]);
    if (plot_raster(&spec, path, err, errlen) != PLOT_OK) return false;
  }
  return true;
}

/* <stem>.npy (samples x neurons) with <stem>_t.npy: a state trace figure. */
static bool draw_traces(const char *dir, const char *stem, const char *summary, char *err,
                        size_t errlen) {
  char path[4096];
  NpyArray v, t;
  memset(&v, 0, sizeof v);
  memset(&t, 0, sizeof t);
  snprintf(path, sizeof path, "%s/%s.npy", dir, stem);
  bool ok = npy_read(path, &v, err, errlen) == NPY_OK;
  snprintf(path, sizeof path, "%s/%s_t.npy", dir, stem);
  ok = ok && npy_read(path, &t, err, errlen) == NPY_OK;
  if (ok && (v.type != NPY_F64 || t.type != NPY_F64 || v.ndim != 2 ||
             v.shape[0] != npy_array_count(&t))) {
    ok = false;
    snprintf(err, errlen, "%s/%s.npy is not a state record", dir, stem);
  }
  if (ok) {
    PlotTraces spec;
    memset(&spec, 0, sizeof spec);
    spec.title = stem;
    spec.times = t.data;
    spec.nsamples = v.shape[0];
    spec.ntraces = v.shape[1] > 20 ? 20 : (int)v.shape[1];
    /* Plot at most 20 traces: the leading columns of the record. */
    double *values = malloc(sizeof(double) * (size_t)(spec.nsamples * spec.ntraces + 1));
    ok = values != NULL;
    for (int64_t r = 0; ok && r < spec.nsamples; r++)
      for (int c = 0; c < spec.ntraces; c++)
        values[r * spec.ntraces + c] = ((double *)v.data)[r * v.shape[1] + c];
    spec.values = values;
    const char *under = strrchr(stem, '_');
    char file[300], unit[64], label[400];
    snprintf(file, sizeof file, "%s.npy", stem);
    summary_unit(summary, file, unit, sizeof unit);
    snprintf(label, sizeof label, unit[0] ? "%s (%s)" : "%s", under ? under + 1 : stem, unit);
    spec.ylabel = label;
    snprintf(path, sizeof path, "%s/%s.png", dir, stem);
    ok = ok && plot_traces(&spec, path, err, errlen) == PLOT_OK;
    free(values);
  }
  npy_array_free(&v);
  npy_array_free(&t);
  return ok;
}

int snnrt_plot_dir(const char *dir, char *err, size_t errlen) {
  DIR *d = opendir(dir);
  if (!d) {
    snprintf(err, errlen, "cannot open the folder '%s'", dir);
    return -1;
  }
  char summary_path[4096];
  snprintf(summary_path, sizeof summary_path, "%s/summary.json", dir);
  char *summary = read_text(summary_path);
  Group *groups = calloc(MAX_GROUPS, sizeof(Group));
  int n = 0, drawn = 0;
  bool ok = groups != NULL;
  struct dirent *e;
  char (*states)[256] = calloc(MAX_GROUPS, 256);
  int nstates = 0;
  while (ok && (e = readdir(d))) {
    const char *f = e->d_name;
    size_t len = strlen(f);
    if (ends_with(f, "_spikes_t.npy") && n < MAX_GROUPS && len - 13 < sizeof groups[n].name) {
      memcpy(groups[n].name, f, len - 13);
      groups[n].name[len - 13] = 0;
      groups[n].order = summary_order(summary, groups[n].name);
      n++;
    } else if (ends_with(f, "_t.npy") && !strstr(f, "_spikes_") && !strstr(f, "_rate") &&
               states && nstates < MAX_GROUPS && len - 6 < 256) {
      memcpy(states[nstates], f, len - 6);
      states[nstates][len - 6] = 0;
      nstates++;
    }
  }
  closedir(d);
  qsort(groups, (size_t)n, sizeof *groups, compare_groups);
  for (int k = 0; ok && k < n; k++) ok = load_group(dir, &groups[k], err, errlen);
  if (ok && n > 0) {
    char title[256];
    summary_model(summary, dir, title, sizeof title);
    ok = draw_raster(dir, groups, n, summary_number(summary, "simulated_s", 0.0), title, err,
                     errlen);
    drawn += ok;
  }
  for (int k = 0; ok && k < nstates; k++) {
    ok = draw_traces(dir, states[k], summary, err, errlen);
    drawn += ok;
  }
  for (int k = 0; groups && k < n; k++) {
    npy_array_free(&groups[k].t);
    npy_array_free(&groups[k].i);
  }
  free(groups);
  free(states);
  free(summary);
  if (ok && drawn == 0) {
    snprintf(err, errlen, "'%s' holds no spike or state records (.npy) to plot", dir);
    return -1;
  }
  return ok ? 0 : -1;
}
