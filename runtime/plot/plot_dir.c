/*
** plot_dir.c: figures from an output folder (snnc plot DIR, and --plot).
**
** Reads what the monitors wrote (.npy files, or the .csv files of a run
** with --format csv; plot_load.c) and draws:
**   raster.png / raster.svg   every spike monitor, stacked, with the
**                             population rates below
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
** The options (SnnPlotOptions) choose neurons, a time window, the size and
** the formats (plot_select.c applies them).  The populations appear in the
** order summary.json lists them (else in alphabetical order); the duration,
** the model's name and the population sizes come from summary.json when
** present, and only the files it lists are drawn.
*/
#include <dirent.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "plot_load.h"
#include "plot_select.h"

enum { MAX_GROUPS = 64, MAX_TRACES = 20, MAX_HIST_TIMES = 8 };

typedef struct Group {
  char name[128];
  NpyArray t, i;
  int order;
} Group;

/* The folder being drawn and what its summary.json says. */
typedef struct Folder {
  const char *dir;
  char *summary;              /* summary.json's text, or NULL */
  bool csv;                   /* the monitors wrote .csv files */
  char model[200];
  double t_end;               /* simulated time, s; 0 if unknown */
  double dt;                  /* the run's time step, s; 0 if unknown */
  const SnnPlotOptions *opt;
  int selected;               /* figures drawn of the neurons --neurons chose */
} Folder;

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

/* The string value at p (just past its opening quote) into out. */
static void copy_string(const char *p, char *out, size_t n) {
  size_t k = 0;
  while (p[k] && p[k] != '"' && k + 1 < n) {
    out[k] = p[k];
    k++;
  }
  out[k] = 0;
}

/* The value of `file` in the object `section` of summary.json ("units":
   {"E_v.npy": "mV"}): a string into out, or a number; false if absent. */
static bool summary_entry(const char *json, const char *section, const char *file, char *out,
                          size_t n) {
  char pattern[320];
  snprintf(pattern, sizeof pattern, "\"%s\": {", section);
  const char *obj = json ? strstr(json, pattern) : NULL;
  const char *end = obj ? strchr(obj, '}') : NULL;
  if ((size_t)snprintf(pattern, sizeof pattern, "\"%.300s\": ", file) >= sizeof pattern) return false;
  const char *p = obj ? strstr(obj, pattern) : NULL;
  if (!p || p > end) return false;
  p += strlen(pattern);
  if (*p == '"') copy_string(p + 1, out, n);
  else snprintf(out, n, "%.*s", (int)strcspn(p, ",}\n"), p);
  return true;
}

/* The model's name from summary.json, else the folder's name. */
static void summary_model(const char *json, const char *dir, char *out, size_t n) {
  const char *p = json ? strstr(json, "\"model\": \"") : NULL;
  if (p) {
    copy_string(p + 10, out, n);
    return;
  }
  const char *slash = strrchr(dir, '/');
  snprintf(out, n, "%s", slash && slash[1] ? slash + 1 : dir);
}

/* Where population `name` is listed in summary.json, or NULL. */
static const char *summary_population(const char *json, const char *name) {
  const char *list = json ? strstr(json, "\"populations\"") : NULL;
  char pattern[300];
  snprintf(pattern, sizeof pattern, "\"name\": \"%.280s\"", name);
  return list ? strstr(list, pattern) : NULL;
}

/* Position of a population in summary.json's list. */
static int summary_order(const char *json, const char *name) {
  const char *hit = summary_population(json, name);
  return hit ? (int)(hit - json) : 1 << 30;
}

/* The neuron count of a population from summary.json; 0 if unknown. */
static int64_t summary_size(const char *json, const char *name) {
  const char *hit = summary_population(json, name);
  const char *end = hit ? strchr(hit, '}') : NULL;
  const char *n = hit ? strstr(hit, "\"neurons\": ") : NULL;
  return n && n < end ? (int64_t)strtoll(n + 11, NULL, 10) : 0;
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

/* The file of record stem as summary.json names it. */
static void record_file(const Folder *f, const char *stem, char *out, size_t n) {
  snprintf(out, n, "%s.%s", stem, f->csv ? "csv" : "npy");
}

/* The population of a state record's stem ("E_v": "E"), the longest
   population name of summary.json that starts it, else up to its first '_';
   the variable is the rest. */
static void split_stem(const Folder *f, const char *stem, char *pop, size_t n, const char **var) {
  size_t best = 0;
  for (const char *u = strchr(stem, '_'); u; u = strchr(u + 1, '_')) {
    char name[160];
    snprintf(name, sizeof name, "%.*s", (int)(u - stem), stem);
    if (summary_population(f->summary, name) || !best) best = (size_t)(u - stem);
  }
  snprintf(pop, n, "%.*s", (int)best, stem);
  *var = best ? stem + best + 1 : stem;
}

/* "dir/stem": where the figures of stem go, before their extension. */
static void figure_stem(const Folder *f, const char *stem, char *out, size_t n) {
  snprintf(out, n, "%s/%s", f->dir, stem);
}

static bool draw_raster(Folder *f, Group *groups, int n, char *err, size_t errlen) {
  PlotSpikeGroup pg[MAX_GROUPS];
  for (int k = 0; k < n; k++)
    pg[k] = (PlotSpikeGroup){groups[k].name, groups[k].t.data, groups[k].i.data,
                             npy_array_count(&groups[k].t), summary_size(f->summary,
                                                                         groups[k].name), 0};
  char stem[4096];
  figure_stem(f, "raster", stem, sizeof stem);
  int rc = plot_spikes_files(pg, n, f->t_end, f->model, f->opt, SNN_PLOT_PNG | SNN_PLOT_SVG, stem,
                             err, errlen);
  f->selected += rc == 0;
  return rc >= 0;
}

/* "t = 600 s" for a sample time. */
static void time_label(double t, char *out, size_t n) {
  if (t != 0 && fabs(t) < 1) snprintf(out, n, "t = %g ms", t * 1e3);
  else snprintf(out, n, "t = %g s", t);
}

/* Histograms of the synaptic record v (samples x synapses) at the samples
   nearest the times `at` (none given: the first, middle and last). */
static bool draw_histograms(const Folder *f, const char *stem, const char *label,
                            const PlotRecordData *r, char *err, size_t errlen) {
  int64_t rows = r->v.shape[0], cols = r->v.shape[1];
  const double *times = r->t.data;
  const SnnPlotOptions *opt = f->opt;
  int64_t pick[MAX_HIST_TIMES];
  int n = 0;
  if (opt && opt->nat > 0) {
    for (int k = 0; k < opt->nat && n < MAX_HIST_TIMES; k++) {
      int64_t best = 0;
      for (int64_t q = 1; q < rows; q++)
        if (fabs(times[q] - opt->at[k]) < fabs(times[best] - opt->at[k])) best = q;
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
    sets[k] = (PlotHistSet){names[k], (const double *)r->v.data + pick[k] * cols, cols};
  }
  char title[600], path[4096], hist[300];
  snprintf(title, sizeof title, "%s: %s, %lld synapses", f->model, stem, (long long)cols);
  PlotHistogram spec;
  memset(&spec, 0, sizeof spec);
  spec.title = title;
  spec.xlabel = label;
  spec.ylabel = "synapses";
  spec.sets = sets;
  spec.nsets = n;
  snprintf(hist, sizeof hist, "%s_hist", stem);
  figure_stem(f, hist, path, sizeof path);
  return plot_hist_files(&spec, opt, SNN_PLOT_PNG, path, err, errlen) >= 0;
}

/* A state record: the neurons --neurons chose, named in the legend. */
static bool draw_state(Folder *f, const char *stem, const PlotRecordData *r, char *err,
                       size_t errlen) {
  char pop[160], file[320], unit[64] = "", first[32] = "0", path[4096];
  const char *var;
  split_stem(f, stem, pop, sizeof pop, &var);
  record_file(f, stem, file, sizeof file);
  summary_entry(f->summary, "units", file, unit, sizeof unit);
  summary_entry(f->summary, "first_neuron", file, first, sizeof first);
  PlotStateRecord rec = {pop, var, unit, r->first >= 0 ? r->first : strtoll(first, NULL, 10),
                         r->t.data, r->v.data, r->v.shape[0], r->v.shape[1]};
  figure_stem(f, stem, path, sizeof path);
  int rc = plot_state_files(&rec, f->model, f->opt, path, err, errlen);
  f->selected += rc == 0;
  return rc >= 0;
}

/* The y-axis title: the variable's name (after the last '_') and its unit. */
static void axis_label(const Folder *f, const char *stem, char *out, size_t n) {
  const char *under = strrchr(stem, '_');
  char file[320], unit[64] = "";
  record_file(f, stem, file, sizeof file);
  summary_entry(f->summary, "units", file, unit, sizeof unit);
  /* A dimensionless quantity (unit "1") needs no unit on its axis. */
  bool shown = unit[0] && strcmp(unit, "1") != 0;
  snprintf(out, n, shown ? "%s (%s)" : "%s", under ? under + 1 : stem, unit);
}

/* The times of the rewards of modulator stem, for ticks on its figure. */
static bool read_marks(const Folder *f, const char *stem, PlotRecordData *marks, char *err,
                       size_t errlen) {
  char rewards[300];
  snprintf(rewards, sizeof rewards, "%s_rewards", stem);
  if (!plot_file_exists(f->dir, rewards, f->csv ? ".csv" : "_t.npy")) return true;
  return plot_load_record(f->dir, rewards, f->dt, f->csv, marks, err, errlen);
}

/* A synaptic record, a modulator or its rewards: lines against time. */
static bool draw_lines(const Folder *f, const char *stem, PlotRecordData *r, char *err,
                       size_t errlen) {
  bool rewards = ends_with(stem, "_rewards"), ok = true;
  PlotRecordData marks;
  memset(&marks, 0, sizeof marks);
  if (r->v.ndim == 1 && !rewards) ok = read_marks(f, stem, &marks, err, errlen);
  int64_t cols = r->v.ndim == 2 ? r->v.shape[1] : 1;
  int ntraces = cols > MAX_TRACES ? MAX_TRACES : (int)cols;
  double *values = malloc(sizeof(double) * (size_t)(r->v.shape[0] * ntraces + 1));
  if (ok && !values) ok = false, snprintf(err, errlen, "out of memory plotting %s", stem);
  for (int64_t q = 0; ok && q < r->v.shape[0]; q++)
    for (int c = 0; c < ntraces; c++) values[q * ntraces + c] = ((double *)r->v.data)[q * cols + c];
  char label[400], names[MAX_TRACES][48], title[600], path[4096];
  const char *labels[MAX_TRACES];
  if (ok) {
    axis_label(f, stem, label, sizeof label);
    snprintf(title, sizeof title, "%s: %s", f->model, stem);
    PlotTraces spec;
    memset(&spec, 0, sizeof spec);
    spec.title = title;
    spec.times = r->t.data;
    spec.nsamples = r->v.shape[0];
    spec.ntraces = ntraces;
    spec.values = values;
    spec.ylabel = label;
    if (rewards) {
      /* Each reward's amount, summed up: the total reward over time. */
      for (int64_t q = 1; q < spec.nsamples; q++) values[q] += values[q - 1];
      spec.ylabel = "total reward";
      spec.marks = r->t.data;
      spec.nmarks = spec.nsamples;
    } else if (marks.t.data) {
      spec.marks = marks.t.data;
      spec.nmarks = npy_array_count(&marks.t);
    }
    for (int c = 0; r->synaptic && c < ntraces; c++) {
      snprintf(names[c], sizeof names[c], "%d->%d", ((int32_t *)r->pre.data)[c],
               ((int32_t *)r->post.data)[c]);
      labels[c] = names[c];
    }
    if (r->synaptic) spec.labels = labels;
    figure_stem(f, stem, path, sizeof path);
    ok = plot_traces_files(&spec, f->opt, SNN_PLOT_PNG, path, err, errlen) >= 0;
    if (ok && r->synaptic && cols > MAX_TRACES && r->v.shape[0] > 0)
      ok = draw_histograms(f, stem, label, r, err, errlen);
  }
  free(values);
  plot_record_free(&marks);
  return ok;
}

/* A record: a state, synaptic or modulator record, or rewards. */
static bool draw_record(Folder *f, const char *stem, char *err, size_t errlen) {
  PlotRecordData r;
  if (!plot_load_record(f->dir, stem, f->dt, f->csv, &r, err, errlen)) return false;
  bool state = r.v.ndim == 2 && !r.synaptic;
  bool ok = state ? draw_state(f, stem, &r, err, errlen) : draw_lines(f, stem, &r, err, errlen);
  plot_record_free(&r);
  return ok;
}

/* episode_return.npy (float64, one per episode) against the episode number. */
static bool draw_learning_curve(const Folder *f, char *err, size_t errlen) {
  NpyArray r;
  char path[4096];
  snprintf(path, sizeof path, "%s/episode_return.npy", f->dir);
  if (npy_read(path, &r, err, errlen) != NPY_OK) return false;
  int64_t n = npy_array_count(&r);
  bool ok = r.type == NPY_F64 && r.ndim == 1;
  if (!ok) snprintf(err, errlen, "'%s' is not a list of returns (float64)", path);
  int64_t window = (int64_t)summary_number(f->summary, "mean_window", 100);
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
    char mean[64], title[256];
    snprintf(mean, sizeof mean, "mean of the last %lld", (long long)window);
    const char *labels[2] = {"return", mean};
    snprintf(title, sizeof title, "%s: learning curve", f->model);
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
    figure_stem(f, "learning_curve", path, sizeof path);
    ok = plot_traces_files(&spec, f->opt, SNN_PLOT_PNG, path, err, errlen) >= 0;
  }
  free(x);
  free(v);
  npy_array_free(&r);
  return ok;
}

/* The stems of the spike and value records in the folder that its run wrote. */
typedef struct Listing {
  Group *groups;
  int ngroups;
  char (*records)[256];
  int nrecords;
} Listing;

/* Files of spikes ("E_spikes_t.npy", "E_spikes.csv") and of records
   ("E_v_t.npy", "E_v.csv"); population rates are not drawn. */
static void classify(const Folder *f, const char *name, Listing *l) {
  size_t len = strlen(name);
  const char *spikes = f->csv ? "_spikes.csv" : "_spikes_t.npy";
  const char *record = f->csv ? ".csv" : "_t.npy";
  size_t ns = strlen(spikes), nr = strlen(record);
  if (ends_with(name, spikes) && l->ngroups < MAX_GROUPS && len - ns < sizeof l->groups[0].name) {
    Group *g = &l->groups[l->ngroups++];
    memcpy(g->name, name, len - ns);
    g->name[len - ns] = 0;
    g->order = summary_order(f->summary, g->name);
  } else if (ends_with(name, record) && !strstr(name, "_spikes") && !strstr(name, "_rate") &&
             l->nrecords < MAX_GROUPS && len - nr < 256) {
    memcpy(l->records[l->nrecords], name, len - nr);
    l->records[l->nrecords++][len - nr] = 0;
  }
}

static bool list_folder(const Folder *f, Listing *l, char *err, size_t errlen) {
  DIR *d = opendir(f->dir);
  if (!d) {
    snprintf(err, errlen, "cannot open the folder '%s'", f->dir);
    return false;
  }
  struct dirent *e;
  while ((e = readdir(d)))
    if (listed(f->summary, e->d_name)) classify(f, e->d_name, l); /* else another run's */
  closedir(d);
  qsort(l->groups, (size_t)l->ngroups, sizeof *l->groups, compare_groups);
  return true;
}

/* Checks the options against the folder: the window against the run, and
   the populations --neurons names against those recorded. */
static bool check_options(const Folder *f, const Listing *l, char *err, size_t errlen) {
  if (plot_check_window(f->opt, f->t_end, err, errlen) != 0) return false;
  if (!f->opt || f->opt->nneurons == 0) return true;
  const char *names[2 * MAX_GROUPS];
  char pops[MAX_GROUPS][160];
  int n = 0;
  for (int k = 0; k < l->ngroups; k++) names[n++] = l->groups[k].name;
  for (int k = 0; k < l->nrecords; k++) {
    const char *var;
    split_stem(f, l->records[k], pops[k], sizeof pops[k], &var);
    bool seen = false;
    for (int q = 0; q < n && !seen; q++) seen = strcmp(names[q], pops[k]) == 0;
    if (!seen && summary_population(f->summary, pops[k])) names[n++] = pops[k];
  }
  return plot_check_populations(f->opt, names, n, err, errlen) == 0;
}

/* Draws every figure of the listing; the count drawn into *drawn. */
static bool draw_all(Folder *f, Listing *l, int *drawn, char *err, size_t errlen) {
  bool ok = check_options(f, l, err, errlen);
  for (int k = 0; ok && k < l->ngroups; k++)
    ok = plot_load_spikes(f->dir, l->groups[k].name, f->dt, f->csv, &l->groups[k].t, &l->groups[k].i,
                          err, errlen);
  if (ok && l->ngroups > 0) {
    ok = draw_raster(f, l->groups, l->ngroups, err, errlen);
    *drawn += ok;
  }
  for (int k = 0; ok && k < l->nrecords; k++) {
    ok = draw_record(f, l->records[k], err, errlen);
    *drawn += ok;
  }
  if (ok && plot_file_exists(f->dir, "episode_return", ".npy") &&
      listed(f->summary, "episode_return.npy")) {
    ok = draw_learning_curve(f, err, errlen);
    *drawn += ok;
  }
  if (ok && f->opt && f->opt->nneurons > 0 && f->selected == 0 && *drawn > 0) {
    snprintf(err, errlen, "--neurons selects none of the recorded neurons");
    ok = false;
  }
  return ok;
}

int snnrt_plot_dir(const char *dir, const SnnPlotOptions *opt, char *err, size_t errlen) {
  Folder f;
  memset(&f, 0, sizeof f);
  f.dir = dir;
  f.opt = opt;
  char summary_path[4096];
  snprintf(summary_path, sizeof summary_path, "%s/summary.json", dir);
  f.summary = json_read_file(summary_path);
  f.csv = f.summary && strstr(f.summary, "\"format\": \"csv\"");
  f.t_end = summary_number(f.summary, "simulated_s", 0.0);
  f.dt = summary_number(f.summary, "dt_s", 0.0);
  summary_model(f.summary, dir, f.model, sizeof f.model);
  Listing l = {calloc(MAX_GROUPS, sizeof(Group)), 0, calloc(MAX_GROUPS, 256), 0};
  int drawn = 0;
  bool ok = l.groups && l.records;
  if (!ok) snprintf(err, errlen, "out of memory");
  ok = ok && list_folder(&f, &l, err, errlen) && draw_all(&f, &l, &drawn, err, errlen);
  for (int k = 0; l.groups && k < l.ngroups; k++) {
    npy_array_free(&l.groups[k].t);
    npy_array_free(&l.groups[k].i);
  }
  free(l.groups);
  free(l.records);
  free(f.summary);
  if (ok && drawn == 0) {
    snprintf(err, errlen, "'%s' holds no spike, state, synaptic, modulator or episode "
             "records (.npy or .csv) to plot", dir);
    return -1;
  }
  return ok ? 0 : -1;
}
