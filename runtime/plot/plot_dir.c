/*
** plot_dir.c: figures from an output folder (snnc plot DIR, and --plot).
**
** Reads what the monitors wrote and draws:
**   raster.png / raster.svg   every <pop>_spikes_t/_i.npy pair, stacked, with
**                             the population rates below
**   <pop>_<var>.png           every recorded state variable against time
**   <A-B>_<var>.png           synaptic records: the values of (at most 20 of)
**                             the recorded synapses against time, named i->j
**   <A-B>_<var>_hist.png      and, for records of more synapses than that,
**                             histograms of the values at chosen times
**   <modulator>.png           a modulator against time, with its rewards as
**                             ticks along the top
**   <modulator>_rewards.png   the rewards it got, summed up over time
**   learning_curve.png        a training run's return per episode, with its
**                             running mean over the episodes that `until`
**                             averages (100 without one)
** The populations appear in the order summary.json lists them (else in
** alphabetical order); the duration comes from summary.json when present,
** and only the files it lists are drawn.
*/
#include <dirent.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "npy.h"
#include "plot.h"
#include "snnrt.h"

enum { MAX_GROUPS = 64, MAX_TRACES = 20, MAX_HIST_TIMES = 8 };

typedef struct Group {
  char name[128];
  NpyArray t, i;
  int order;
} Group;

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

/* Whether summary.json lists the file among what its run wrote; with no
   summary (or an older one without the list), every file counts. */
static bool listed(const char *json, const char *file) {
  const char *list = json ? strstr(json, "\"files\": [") : NULL;
  if (!list) return true;
  const char *end = strchr(list, ']');
  char pattern[300];
  snprintf(pattern, sizeof pattern, "\"%s\"", file);
  const char *hit = strstr(list, pattern);
  return hit && end && hit < end;
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

static bool file_exists(const char *dir, const char *stem, const char *suffix) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s%s", dir, stem, suffix);
  FILE *f = fopen(path, "rb");
  if (f) fclose(f);
  return f != NULL;
}

static bool read_record(const char *dir, const char *stem, const char *suffix, NpyArray *a,
                        char *err, size_t errlen) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s%s", dir, stem, suffix);
  return npy_read(path, a, err, errlen) == NPY_OK;
}

/* The y-axis title: the variable's name (after the last '_') and its unit. */
static void axis_label(const char *stem, const char *summary, char *out, size_t n) {
  const char *under = strrchr(stem, '_');
  char file[300], unit[64];
  snprintf(file, sizeof file, "%s.npy", stem);
  summary_unit(summary, file, unit, sizeof unit);
  /* A dimensionless quantity (unit "1") needs no unit on its axis. */
  bool shown = unit[0] && strcmp(unit, "1") != 0;
  snprintf(out, n, shown ? "%s (%s)" : "%s", under ? under + 1 : stem, unit);
}

/* Columns [0, ntraces) of the samples x columns record v, as PlotTraces wants them. */
static double *leading_columns(const NpyArray *v, int ntraces) {
  int64_t rows = v->shape[0], cols = v->ndim == 2 ? v->shape[1] : 1;
  double *out = malloc(sizeof(double) * (size_t)(rows * ntraces + 1));
  for (int64_t r = 0; out && r < rows; r++)
    for (int c = 0; c < ntraces; c++) out[r * ntraces + c] = ((double *)v->data)[r * cols + c];
  return out;
}

/* "t = 600 s" for a sample time. */
static void time_label(double t, char *out, size_t n) {
  if (t != 0 && fabs(t) < 1) snprintf(out, n, "t = %g ms", t * 1e3);
  else snprintf(out, n, "t = %g s", t);
}

/* Histograms of the synaptic record v (samples x synapses) at the samples
   nearest the times `at` (none given: the first, middle and last). */
static bool draw_histograms(const char *dir, const char *stem, const char *label,
                            const NpyArray *v, const NpyArray *t, const SnnPlotOptions *opt,
                            char *err, size_t errlen) {
  int64_t rows = v->shape[0], cols = v->shape[1];
  const double *times = t->data;
  int64_t pick[MAX_HIST_TIMES];
  int n = 0;
  if (opt && opt->nat > 0) {
    for (int k = 0; k < opt->nat && n < MAX_HIST_TIMES; k++) {
      int64_t best = 0;
      for (int64_t r = 1; r < rows; r++)
        if (fabs(times[r] - opt->at[k]) < fabs(times[best] - opt->at[k])) best = r;
      pick[n++] = best;
    }
  } else {
    pick[n++] = 0;
    if (rows > 2) pick[n++] = rows / 2;
    if (rows > 1) pick[n++] = rows - 1;
  }
  PlotHistSet sets[MAX_HIST_TIMES];
  char names[MAX_HIST_TIMES][48];
  for (int k = 0; k < n; k++) {
    time_label(times[pick[k]], names[k], sizeof names[k]);
    sets[k] = (PlotHistSet){names[k], (const double *)v->data + pick[k] * cols, cols};
  }
  char title[400], path[4096];
  snprintf(title, sizeof title, "%s: %lld synapses", stem, (long long)cols);
  PlotHistogram spec;
  memset(&spec, 0, sizeof spec);
  spec.title = title;
  spec.xlabel = label;
  spec.ylabel = "synapses";
  spec.sets = sets;
  spec.nsets = n;
  snprintf(path, sizeof path, "%s/%s_hist.png", dir, stem);
  return plot_histogram(&spec, path, err, errlen) == PLOT_OK;
}

/* <stem>.npy with <stem>_t.npy: a state record (samples x neurons), a
   synaptic one (samples x synapses, with _i and _j naming the synapses), or
   the values of a modulator (one per sample). */
static bool draw_record(const char *dir, const char *stem, const char *summary,
                        const SnnPlotOptions *opt, char *err, size_t errlen) {
  NpyArray v, t, pre, post, marks;
  memset(&v, 0, sizeof v);
  memset(&t, 0, sizeof t);
  memset(&pre, 0, sizeof pre);
  memset(&post, 0, sizeof post);
  memset(&marks, 0, sizeof marks);
  bool ok = read_record(dir, stem, ".npy", &v, err, errlen) &&
            read_record(dir, stem, "_t.npy", &t, err, errlen);
  bool rewards = ok && strlen(stem) > 8 && !strcmp(stem + strlen(stem) - 8, "_rewards");
  if (ok && (v.type != NPY_F64 || t.type != NPY_F64 || (v.ndim != 1 && v.ndim != 2) ||
             v.shape[0] != npy_array_count(&t))) {
    snprintf(err, errlen, "%s/%s.npy is not a record of values over time", dir, stem);
    ok = false;
  }
  bool synaptic = ok && v.ndim == 2 && file_exists(dir, stem, "_i.npy");
  if (synaptic)
    ok = read_record(dir, stem, "_i.npy", &pre, err, errlen) &&
         read_record(dir, stem, "_j.npy", &post, err, errlen);
  if (synaptic && ok && (npy_array_count(&pre) != v.shape[1] ||
                         npy_array_count(&post) != v.shape[1])) {
    snprintf(err, errlen, "%s/%s_i.npy and _j.npy do not name its %lld synapses", dir, stem,
             (long long)v.shape[1]);
    ok = false;
  }
  if (ok && v.ndim == 1 && !rewards && file_exists(dir, stem, "_rewards_t.npy"))
    ok = read_record(dir, stem, "_rewards_t.npy", &marks, err, errlen);
  char label[400], names[MAX_TRACES][48];
  const char *labels[MAX_TRACES];
  int ntraces = !ok ? 0 : v.ndim == 1 ? 1 : v.shape[1] > MAX_TRACES ? MAX_TRACES : (int)v.shape[1];
  double *values = ok ? leading_columns(&v, ntraces) : NULL;
  if (ok && !values) {
    snprintf(err, errlen, "out of memory plotting %s", stem);
    ok = false;
  }
  if (ok) {
    axis_label(stem, summary, label, sizeof label);
    PlotTraces spec;
    memset(&spec, 0, sizeof spec);
    spec.title = stem;
    spec.times = t.data;
    spec.nsamples = v.shape[0];
    spec.ntraces = ntraces;
    spec.values = values;
    spec.ylabel = label;
    if (rewards) {
      /* Each reward's amount, summed up: the total reward over time. */
      for (int64_t r = 1; r < spec.nsamples; r++) values[r] += values[r - 1];
      spec.ylabel = "total reward";
      spec.marks = t.data;
      spec.nmarks = spec.nsamples;
    } else if (marks.data) {
      spec.marks = marks.data;
      spec.nmarks = npy_array_count(&marks);
    }
    if (synaptic) {
      for (int c = 0; c < ntraces; c++) {
        snprintf(names[c], sizeof names[c], "%d->%d", ((int32_t *)pre.data)[c],
                 ((int32_t *)post.data)[c]);
        labels[c] = names[c];
      }
      spec.labels = labels;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.png", dir, stem);
    ok = plot_traces(&spec, path, err, errlen) == PLOT_OK;
    if (ok && synaptic && v.shape[1] > MAX_TRACES && v.shape[0] > 0)
      ok = draw_histograms(dir, stem, label, &v, &t, opt, err, errlen);
  }
  free(values);
  npy_array_free(&v);
  npy_array_free(&t);
  npy_array_free(&pre);
  npy_array_free(&post);
  npy_array_free(&marks);
  return ok;
}

/* episode_return.npy (float64, one per episode) against the episode number. */
static bool draw_learning_curve(const char *dir, const char *summary, char *err, size_t errlen) {
  NpyArray r;
  if (!read_record(dir, "episode_return", ".npy", &r, err, errlen)) return false;
  int64_t n = npy_array_count(&r);
  bool ok = r.type == NPY_F64 && r.ndim == 1;
  if (!ok) snprintf(err, errlen, "'%s/episode_return.npy' is not a list of returns (float64)",
                    dir);
  int64_t window = (int64_t)summary_number(summary, "mean_window", 100);
  if (window < 1) window = 1;
  double *x = malloc(sizeof(double) * (size_t)(n + 1));
  double *v = malloc(sizeof(double) * (size_t)(2 * n + 1));
  if (ok && (!x || !v)) ok = false, snprintf(err, errlen, "out of memory");
  double sum = 0;
  for (int64_t k = 0; ok && k < n; k++) {
    double ret = ((double *)r.data)[k];
    sum += ret - (k >= window ? ((double *)r.data)[k - window] : 0);
    x[k] = (double)(k + 1);
    v[2 * k] = ret;
    v[2 * k + 1] = sum / (double)(k + 1 < window ? k + 1 : window);
  }
  if (ok && n > 0) {
    char mean[64], title[256], model[200];
    snprintf(mean, sizeof mean, "mean of the last %lld", (long long)window);
    const char *labels[2] = {"return", mean};
    summary_model(summary, dir, model, sizeof model);
    snprintf(title, sizeof title, "%s: learning curve", model);
    PlotTraces spec;
    memset(&spec, 0, sizeof spec);
    spec.title = title;
    spec.times = x;
    spec.nsamples = n;
    spec.ntraces = 2;
    spec.values = v;
    spec.ylabel = "return";
    spec.labels = labels;
    spec.xlabel = "episode";
    char path[4096];
    snprintf(path, sizeof path, "%s/learning_curve.png", dir);
    ok = plot_traces(&spec, path, err, errlen) == PLOT_OK;
  }
  free(x);
  free(v);
  npy_array_free(&r);
  return ok;
}

int snnrt_plot_dir(const char *dir, const SnnPlotOptions *opt, char *err, size_t errlen) {
  DIR *d = opendir(dir);
  if (!d) {
    snprintf(err, errlen, "cannot open the folder '%s'", dir);
    return -1;
  }
  char summary_path[4096];
  snprintf(summary_path, sizeof summary_path, "%s/summary.json", dir);
  char *summary = json_read_file(summary_path);
  Group *groups = calloc(MAX_GROUPS, sizeof(Group));
  int n = 0, drawn = 0;
  bool ok = groups != NULL;
  struct dirent *e;
  char (*states)[256] = calloc(MAX_GROUPS, 256);
  int nstates = 0;
  while (ok && (e = readdir(d))) {
    const char *f = e->d_name;
    size_t len = strlen(f);
    if (!listed(summary, f)) continue; /* not this run's: left by another */
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
    ok = draw_record(dir, states[k], summary, opt, err, errlen);
    drawn += ok;
  }
  if (ok && file_exists(dir, "episode_return", ".npy") && listed(summary, "episode_return.npy")) {
    ok = draw_learning_curve(dir, summary, err, errlen);
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
    snprintf(err, errlen, "'%s' holds no spike, state, synaptic, modulator or episode "
             "records (.npy) to plot", dir);
    return -1;
  }
  return ok ? 0 : -1;
}
