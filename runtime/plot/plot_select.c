/*
** plot_select.c: figures of recorded data under the user's plot options
** (see plot_select.h): which neurons and which stretch of time are drawn,
** at what size, in which formats, and titles that name the model and the
** record.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_select.h"

enum { SELECT_MAX_TRACES = 20, SELECT_STEM = 4096 };

unsigned plot_formats(const SnnPlotOptions *o, unsigned defaults) {
  return o && o->formats ? o->formats : defaults;
}

bool plot_window(const SnnPlotOptions *o, double t_end, double *t0, double *t1) {
  if (!o || !o->window) return false;
  *t0 = o->t_start;
  *t1 = t_end > 0 && o->t_stop > t_end ? t_end : o->t_stop;
  return true;
}

/* "1.5 s" or "250 ms": a time as the messages give it. */
static void select_time(double t, char *out, size_t n) {
  if (isinf(t)) snprintf(out, n, "the end");
  else if (t != 0 && fabs(t) < 1) snprintf(out, n, "%g ms", t * 1e3);
  else snprintf(out, n, "%g s", t);
}

int plot_check_window(const SnnPlotOptions *o, double t_end, char *err, size_t errlen) {
  if (!o || !o->window || !(t_end > 0) || o->t_start < t_end) return 0;
  char a[32], b[32], e[32];
  select_time(o->t_start, a, sizeof a);
  select_time(o->t_stop, b, sizeof b);
  select_time(t_end, e, sizeof e);
  snprintf(err, errlen, "--window %s to %s lies outside the run, which lasted %s", a, b, e);
  return -1;
}

int plot_check_populations(const SnnPlotOptions *o, const char *const *names, int n, char *err,
                           size_t errlen) {
  for (int k = 0; o && k < o->nneurons; k++) {
    const char *want = o->neurons[k].pop;
    bool found = !want[0];
    for (int q = 0; q < n && !found; q++) found = strcmp(names[q], want) == 0;
    if (found) continue;
    size_t len = (size_t)snprintf(err, errlen, "--neurons: no population '%s' was recorded "
                                  "(there are", want);
    for (int q = 0; q < n && len < errlen; q++)
      len += (size_t)snprintf(err + len, errlen - len, "%s %s", q ? "," : "", names[q]);
    if (len < errlen) snprintf(err + len, errlen - len, "%s)", n ? "" : " none");
    return -1;
  }
  return 0;
}

bool plot_selected(const SnnPlotOptions *o, const char *pop, int64_t size, int64_t *lo,
                   int64_t *hi) {
  if (!o || o->nneurons == 0) {
    /* Everything, even a group of unknown size without spikes (one row). */
    *lo = 0, *hi = size;
    return true;
  }
  for (int k = 0; k < o->nneurons; k++) {
    const SnnPlotNeurons *s = &o->neurons[k];
    if (s->pop[0] && strcmp(s->pop, pop) != 0) continue;
    /* Python's slices stop at the end of what they cut. */
    *lo = s->lo < size ? s->lo : size;
    *hi = s->hi < 0 || s->hi > size ? size : s->hi;
    return *hi > *lo;
  }
  return false;
}

/* Draws one figure with draw() to STEM in each format of o (or defaults). */
static int select_files(const SnnPlotOptions *o, unsigned defaults, const char *stem,
                        int (*draw)(const void *spec, const char *path, char *err, size_t n),
                        const void *spec, char *err, size_t errlen) {
  static const char *const ext[3] = {".png", ".svg", ".pdf"};
  unsigned formats = plot_formats(o, defaults);
  for (int k = 0; k < 3; k++) {
    if (!(formats & (1u << k))) continue;
    char path[SELECT_STEM + 8];
    snprintf(path, sizeof path, "%s%s", stem, ext[k]);
    if (draw(spec, path, err, errlen) != PLOT_OK) return -1;
  }
  return 0;
}

static int draw_traces(const void *spec, const char *path, char *err, size_t n) {
  return plot_traces(spec, path, err, n);
}
static int draw_hist(const void *spec, const char *path, char *err, size_t n) {
  return plot_histogram(spec, path, err, n);
}
static int draw_raster(const void *spec, const char *path, char *err, size_t n) {
  return plot_raster(spec, path, err, n);
}

/* The largest time of n times (0 for none). */
static double select_last(const double *t, int64_t n) {
  double last = 0;
  for (int64_t k = 0; k < n; k++)
    if (t[k] > last) last = t[k];
  return last;
}

int plot_traces_files(PlotTraces *spec, const SnnPlotOptions *o, unsigned defaults,
                      const char *stem, char *err, size_t errlen) {
  double t0, t1;
  if (o) spec->width = o->width, spec->height = o->height;
  if (!spec->xlabel && plot_window(o, 0, &t0, &t1)) {
    double last = select_last(spec->times, spec->nsamples);
    spec->t_start = t0;
    spec->t_stop = isinf(t1) ? last : t1;
    if (!(spec->t_stop > spec->t_start)) return 1; /* nothing recorded in the window */
  }
  return select_files(o, defaults, stem, draw_traces, spec, err, errlen);
}

int plot_hist_files(PlotHistogram *spec, const SnnPlotOptions *o, unsigned defaults,
                    const char *stem, char *err, size_t errlen) {
  if (o) spec->width = o->width, spec->height = o->height;
  return select_files(o, defaults, stem, draw_hist, spec, err, errlen);
}

/* Population name, with the slice when it is not the whole population. */
static void select_name(const char *pop, int64_t lo, int64_t hi, bool whole, char *out,
                        size_t n) {
  if (whole) snprintf(out, n, "%s", pop);
  else snprintf(out, n, "%s[%lld:%lld]", pop, (long long)lo, (long long)hi);
}

/* The neurons of a group whose rows are unknown (size 0): up to its largest index. */
static int64_t select_group_size(const PlotSpikeGroup *g) {
  int64_t size = g->size;
  if (size > 0) return size;
  for (int64_t k = 0; k < g->count; k++)
    if ((int64_t)g->index[k] + 1 > size) size = (int64_t)g->index[k] + 1;
  return size;
}

/* Keeps the spikes of neurons [lo, hi) of src in dst (own copies in t, i). */
static bool select_spikes(const PlotSpikeGroup *src, int64_t lo, int64_t hi, PlotSpikeGroup *dst,
                          double **t, int32_t **i) {
  *t = malloc(sizeof(double) * (size_t)(src->count + 1));
  *i = malloc(sizeof(int32_t) * (size_t)(src->count + 1));
  if (!*t || !*i) return false;
  int64_t n = 0;
  for (int64_t k = 0; k < src->count; k++) {
    if (src->index[k] < lo || src->index[k] >= hi) continue;
    (*t)[n] = src->times[k];
    (*i)[n++] = src->index[k];
  }
  *dst = (PlotSpikeGroup){src->name, *t, *i, n, hi - lo, lo};
  return true;
}

int plot_spikes_files(const PlotSpikeGroup *groups, int n, double t_end, const char *model,
                      const SnnPlotOptions *o, unsigned defaults, const char *stem, char *err,
                      size_t errlen) {
  PlotSpikeGroup *kept = calloc((size_t)n + 1, sizeof *kept);
  double **t = calloc((size_t)n + 1, sizeof *t);
  int32_t **idx = calloc((size_t)n + 1, sizeof *idx);
  char (*names)[96] = calloc((size_t)n + 1, sizeof *names);
  int m = 0, rc = 0;
  char title[512];
  size_t len = (size_t)snprintf(title, sizeof title, "%s: spikes of", model);
  if (!kept || !t || !idx || !names) rc = -1, snprintf(err, errlen, "out of memory");
  for (int k = 0; rc == 0 && k < n; k++) {
    int64_t size = select_group_size(&groups[k]), lo, hi;
    if (!plot_selected(o, groups[k].name, size, &lo, &hi)) continue;
    if (!select_spikes(&groups[k], lo, hi, &kept[m], &t[m], &idx[m])) {
      rc = -1, snprintf(err, errlen, "out of memory");
      break;
    }
    select_name(groups[k].name, lo, hi, lo == 0 && hi == size, names[m], sizeof names[m]);
    kept[m].name = names[m];
    if (len < sizeof title)
      len += (size_t)snprintf(title + len, sizeof title - len, "%s %s", m ? "," : "", names[m]);
    m++;
  }
  if (rc == 0 && m == 0) rc = 1;
  if (rc == 0) {
    PlotRaster spec;
    memset(&spec, 0, sizeof spec);
    spec.title = title;
    spec.groups = kept;
    spec.ngroups = m;
    double last = t_end;
    for (int k = 0; k < m; k++) last = fmax(last, select_last(kept[k].times, kept[k].count));
    spec.t_stop = last;
    if (plot_window(o, t_end, &spec.t_start, &spec.t_stop) && isinf(spec.t_stop))
      spec.t_stop = last;
    if (!(spec.t_stop > spec.t_start)) spec.t_stop = spec.t_start + 1e-3;
    if (o) spec.width = o->width, spec.height = o->height;
    rc = select_files(o, defaults, stem, draw_raster, &spec, err, errlen);
  }
  for (int k = 0; k < m; k++) free(t[k]), free(idx[k]);
  free(kept);
  free(t);
  free(idx);
  free(names);
  return rc;
}

int plot_state_files(const PlotStateRecord *r, const char *model,
                     const SnnPlotOptions *o, const char *stem, char *err, size_t errlen) {
  int64_t lo, hi;
  /* The selection is of neuron indices; the record holds [first, first + ncols). */
  if (!plot_selected(o, r->pop, r->first + r->ncols, &lo, &hi)) return 1;
  if (lo < r->first) lo = r->first;
  if (hi <= lo) return 1;
  int ntraces = hi - lo > SELECT_MAX_TRACES ? SELECT_MAX_TRACES : (int)(hi - lo);
  double *values = malloc(sizeof(double) * (size_t)(r->nsamples * ntraces + 1));
  char (*names)[48] = calloc((size_t)ntraces, sizeof *names);
  const char **labels = calloc((size_t)ntraces, sizeof *labels);
  int rc = 0;
  if (!values || !names || !labels) rc = -1, snprintf(err, errlen, "out of memory");
  for (int64_t s = 0; rc == 0 && s < r->nsamples; s++)
    for (int c = 0; c < ntraces; c++)
      values[s * ntraces + c] = r->v[s * r->ncols + (lo - r->first) + c];
  for (int c = 0; rc == 0 && c < ntraces; c++) {
    snprintf(names[c], sizeof names[c], "%s[%lld]", r->pop, (long long)(lo + c));
    labels[c] = names[c];
  }
  if (rc == 0) {
    char title[512], ylabel[200];
    int shown = r->unit && r->unit[0] && strcmp(r->unit, "1") != 0;
    size_t len = (size_t)snprintf(title, sizeof title, "%s: %s.%s", model, r->pop, r->var);
    if (hi - lo > ntraces && len < sizeof title)
      snprintf(title + len, sizeof title - len, " (the first %d of %lld neurons)", ntraces,
               (long long)(hi - lo));
    snprintf(ylabel, sizeof ylabel, shown ? "%s (%s)" : "%s", r->var, r->unit);
    PlotTraces spec;
    memset(&spec, 0, sizeof spec);
    spec.title = title;
    spec.times = r->t;
    spec.nsamples = r->nsamples;
    spec.ntraces = ntraces;
    spec.values = values;
    spec.ylabel = ylabel;
    spec.labels = labels;
    rc = plot_traces_files(&spec, o, SNN_PLOT_PNG, stem, err, errlen);
  }
  free(values);
  free(names);
  free(labels);
  return rc;
}
