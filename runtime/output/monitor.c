/*
** monitor.c: monitors that stream to disk while the model runs.
**
** Files go to the output folder, in the format scientists open directly:
**   <pop>_spikes_t.npy, <pop>_spikes_i.npy   spike times (s) and neuron indices
**   <pop>_<var>.npy, <pop>_<var>_t.npy        state samples (rows = samples,
**                                             columns = neurons, in the unit
**                                             the variable was declared in)
**   <pop>_rate.npy, <pop>_rate_t.npy          population rate (Hz) per bin
**   <pre>-<post>_<var>.npy (+ _t, _i, _j)     synaptic values, and which
**                                             synapse each column is
** or, with --format csv, one .csv file per monitor with a header line.
** Memory stays bounded: the writers buffer a few kilobytes and the files
** are rewritten to a readable state every few seconds of wall time.
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "npy.h"
#include "sim.h"

enum { FLUSH_SECONDS = 2 };

typedef struct MonitorRt {
  const SnnMonitor *desc;
  NpyWriter *npy[2];        /* values (or indices), times */
  FILE *csv;
  char *path[4];            /* files written, for the summary */
  int64_t every;            /* sampling interval in steps */
  int64_t bin_spikes;       /* rate: spikes in the current bin */
  int64_t bin_start;        /* rate: first step of the current bin */
  double *row;              /* state: one sample */
  int64_t width;            /* state: recorded neurons; weights: synapses */
  int64_t *syn;             /* weights: the synapses recorded, in row order */
  int32_t *syn_pre;         /* weights: their presynaptic neurons */
  int64_t sampled_at;       /* state, weights: step of the last sample (-1: none) */
  int64_t start, stop;      /* records the steps [start, stop) (stop: INT64_MAX if open) */
} MonitorRt;

struct Monitors {
  MonitorRt *m;
  int n;
  double last_flush;
  bool warned_size;         /* the written data passed --max-output */
  struct stat folder;       /* the output folder when the files were opened */
};

static double wall_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

bool sim_make_dirs(const char *path) {
  char buf[4096];
  size_t n = strlen(path);
  if (n >= sizeof buf) return false;
  memcpy(buf, path, n + 1);
  for (size_t k = 1; k <= n; k++) {
    if (buf[k] != '/' && buf[k] != 0) continue;
    char c = buf[k];
    buf[k] = 0;
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) return false;
    buf[k] = c;
  }
  struct stat st;
  if (stat(path, &st) != 0) return false;
  if (!S_ISDIR(st.st_mode)) {
    errno = ENOTDIR;
    return false;
  }
  return true;
}

static char *file_path(const Sim *s, const char *stem, const char *suffix) {
  size_t n = strlen(s->opt.out_dir) + strlen(stem) + strlen(suffix) + 2;
  char *p = malloc(n);
  if (p) snprintf(p, n, "%s/%s%s", s->opt.out_dir, stem, suffix);
  return p;
}

static bool open_npy(Sim *s, MonitorRt *mo, int slot, const char *stem, const char *suffix,
                     NpyType type, int64_t ncols) {
  char *path = file_path(s, stem, suffix);
  if (!path) return sim_fail(s, "out of memory");
  char err[256];
  mo->npy[slot] = npy_open(path, type, ncols, err, sizeof err);
  mo->path[slot] = path;
  if (!mo->npy[slot]) return sim_fail(s, "cannot write monitor file: %s", err);
  return true;
}

static bool open_csv(Sim *s, MonitorRt *mo, const char *stem, const char *header) {
  char *path = file_path(s, stem, ".csv");
  if (!path) return sim_fail(s, "out of memory");
  mo->path[0] = path;
  mo->csv = fopen(path, "w");
  if (!mo->csv) return sim_fail(s, "cannot write '%s': %s", path, strerror(errno));
  fprintf(mo->csv, "%s\n", header);
  return true;
}

/* A file stem no other monitor uses: E_v, then E_v_2, ... */
static void unique_stem(Monitors *ms, int upto, char *stem, size_t n) {
  char base[200];
  snprintf(base, sizeof base, "%s", stem);
  for (int k = 2;; k++) {
    bool clash = false;
    for (int q = 0; q < upto && !clash; q++) {
      const char *p = ms->m[q].path[0];
      if (!p) continue;
      const char *slash = strrchr(p, '/');
      clash = strncmp(slash ? slash + 1 : p, stem, strlen(stem)) == 0 &&
              strchr("_.", (slash ? slash + 1 : p)[strlen(stem)]) != NULL;
    }
    if (!clash) return;
    snprintf(stem, n, "%s_%d", base, k);
  }
}

/* Steps per sampling interval; the interval must be a whole number of steps. */
static bool interval_steps(Sim *s, const char *what, double interval, int64_t *out) {
  if (interval <= 0) {
    *out = 1;
    return true;
  }
  double k = interval / s->opt.dt;
  if (k < 1 - 1e-9 || fabs(k - (double)llround(k)) > 1e-6 * k)
    return sim_fail(s, "the %s of %g ms is not a whole number of time steps of %g ms",
                    what, interval * 1e3, s->opt.dt * 1e3);
  *out = llround(k);
  return true;
}

/* The steps of a monitor's window (start = T, stop = T); the bounds must
   be whole numbers of steps of this run's --dt. */
static bool window_steps(Sim *s, MonitorRt *mo) {
  const SnnMonitor *d = mo->desc;
  double bound[2] = {d->start, d->stop};
  int64_t steps[2] = {0, INT64_MAX};
  for (int k = 0; k < 2; k++) {
    if (bound[k] <= 0) continue;
    double n = bound[k] / s->opt.dt;
    if (fabs(n - (double)llround(n)) > 1e-6 * n)
      return sim_fail(s, "a monitor's %s of %g ms is not a whole number of time steps of %g ms",
                      k ? "stop" : "start", bound[k] * 1e3, s->opt.dt * 1e3);
    steps[k] = llround(n);
  }
  mo->start = steps[0];
  mo->stop = steps[1];
  mo->bin_start = mo->start;
  return true;
}

static bool in_window(const MonitorRt *mo, int64_t step) {
  return step >= mo->start && step < mo->stop;
}

/* t_s,w[0->3]_nS,w[0->7]_nS,...: each column names its synapse (i -> j),
   in the order of the values, as the _i and _j files do for .npy. */
static bool open_weights_csv(Sim *s, MonitorRt *mo, const char *stem, const RtProj *pr,
                             const SnnVariable *v) {
  size_t cap = 8 + (size_t)mo->width * (strlen(v->name) + strlen(v->unit) + 30);
  char *header = malloc(cap);
  if (!header) return sim_fail(s, "out of memory");
  size_t len = (size_t)snprintf(header, cap, "t_s");
  for (int64_t q = 0; q < mo->width; q++)
    len += (size_t)snprintf(header + len, cap - len, ",%s[%d->%d]_%s", v->name, mo->syn_pre[q],
                            pr->target[mo->syn[q]], v->unit);
  bool ok = open_csv(s, mo, stem, header);
  free(header);
  return ok;
}

/* The synapses a synaptic monitor records: all, or those (i, j) its
   condition selects, in row order. */
static bool select_synapses(Sim *s, MonitorRt *mo, const RtProj *pr) {
  SnnPairCondFn select = mo->desc->select;
  int64_t n = 0;
  for (int64_t i = 0; i < pr->pre->size; i++)
    for (int64_t q = pr->row[i]; q < pr->row[i + 1]; q++)
      if (!select || select(s->param, i, pr->target[q])) n++;
  mo->syn = malloc(sizeof(int64_t) * (size_t)(n + 1));
  mo->syn_pre = malloc(sizeof(int32_t) * (size_t)(n + 1));
  mo->row = malloc(sizeof(double) * (size_t)(n + 1));
  if (!mo->syn || !mo->syn_pre || !mo->row) return sim_fail(s, "out of memory");
  mo->width = 0;
  for (int64_t i = 0; i < pr->pre->size; i++) {
    for (int64_t q = pr->row[i]; q < pr->row[i + 1]; q++) {
      if (select && !select(s->param, i, pr->target[q])) continue;
      mo->syn[mo->width] = q;
      mo->syn_pre[mo->width++] = (int32_t)i;
    }
  }
  return true;
}

static bool open_monitor(Sim *s, Monitors *ms, int idx) {
  MonitorRt *mo = &ms->m[idx];
  const SnnMonitor *d = mo->desc;
  const SnnModel *model = s->model;
  char stem[256];
  bool csv = s->opt.csv;
  if (!window_steps(s, mo)) return false;
  switch (d->kind) {
  case SNN_MON_SPIKES: {
    const SnnPopulation *p = &model->pop[d->population];
    snprintf(stem, sizeof stem, "%s_spikes", p->name);
    unique_stem(ms, idx, stem, sizeof stem);
    if (csv) return open_csv(s, mo, stem, "t_s,i");
    return open_npy(s, mo, 1, stem, "_t.npy", NPY_F64, 0) &&
           open_npy(s, mo, 0, stem, "_i.npy", NPY_I32, 0);
  }
  case SNN_MON_STATE: {
    const SnnPopulation *p = &model->pop[d->population];
    const SnnVariable *v = &p->state[d->variable];
    if (!interval_steps(s, "sampling interval", d->interval, &mo->every)) return false;
    mo->width = d->hi - d->lo;
    mo->row = malloc(sizeof(double) * (size_t)(mo->width + 1));
    if (!mo->row) return sim_fail(s, "out of memory");
    snprintf(stem, sizeof stem, "%s_%s", p->name, v->name);
    unique_stem(ms, idx, stem, sizeof stem);
    if (csv) {
      /* t_s,v[0]_mV,v[1]_mV,... */
      size_t cap = 8 + (size_t)mo->width * (strlen(v->name) + strlen(v->unit) + 24);
      char *header = malloc(cap);
      if (!header) return sim_fail(s, "out of memory");
      size_t len = (size_t)snprintf(header, cap, "t_s");
      for (int64_t i = d->lo; i < d->hi; i++)
        len += (size_t)snprintf(header + len, cap - len, ",%s[%lld]_%s", v->name, (long long)i,
                                v->unit);
      bool ok = open_csv(s, mo, stem, header);
      free(header);
      return ok;
    }
    return open_npy(s, mo, 0, stem, ".npy", NPY_F64, mo->width) &&
           open_npy(s, mo, 1, stem, "_t.npy", NPY_F64, 0);
  }
  case SNN_MON_RATE: {
    const SnnPopulation *p = &model->pop[d->population];
    if (!interval_steps(s, "rate bin", d->interval, &mo->every)) return false;
    snprintf(stem, sizeof stem, "%s_rate", p->name);
    unique_stem(ms, idx, stem, sizeof stem);
    if (csv) return open_csv(s, mo, stem, "t_s,rate_hz");
    return open_npy(s, mo, 0, stem, ".npy", NPY_F64, 0) &&
           open_npy(s, mo, 1, stem, "_t.npy", NPY_F64, 0);
  }
  case SNN_MON_MODULATOR: case SNN_MON_REWARDS: {
    const SnnModulator *md = &model->modulator[d->population];
    bool values = d->kind == SNN_MON_MODULATOR;
    if (values && !interval_steps(s, "sampling interval", d->interval, &mo->every)) return false;
    snprintf(stem, sizeof stem, values ? "%s" : "%s_rewards", md->name);
    unique_stem(ms, idx, stem, sizeof stem);
    if (csv) {
      char header[256];
      snprintf(header, sizeof header, "t_s,%s_%s", values ? md->name : "amount", md->unit);
      return open_csv(s, mo, stem, header);
    }
    return open_npy(s, mo, 0, stem, ".npy", NPY_F64, 0) &&
           open_npy(s, mo, 1, stem, "_t.npy", NPY_F64, 0);
  }
  case SNN_MON_WEIGHTS: {
    const RtProj *pr = &s->projs[d->population];
    const SnnProjection *p = pr->desc;
    if (!interval_steps(s, "sampling interval", d->interval, &mo->every)) return false;
    if (!select_synapses(s, mo, pr)) return false;
    /* A named connection's files bear its name; others, their two ends. */
    if (strstr(p->name, " -> "))
      snprintf(stem, sizeof stem, "%s-%s_%s", model->pop[p->pre].name, model->pop[p->post].name,
               plasticity_value_desc(p, d->variable)->name);
    else
      snprintf(stem, sizeof stem, "%s_%s", p->name, plasticity_value_desc(p, d->variable)->name);
    unique_stem(ms, idx, stem, sizeof stem);
    if (csv) return open_weights_csv(s, mo, stem, pr, plasticity_value_desc(p, d->variable));
    if (!open_npy(s, mo, 0, stem, ".npy", NPY_F64, mo->width) ||
        !open_npy(s, mo, 1, stem, "_t.npy", NPY_F64, 0))
      return false;
    /* Which synapse each column is: written once. */
    char err[256];
    const char *suffix[2] = {"_i.npy", "_j.npy"};
    for (int k = 0; k < 2; k++) {
      char *path = file_path(s, stem, suffix[k]);
      NpyWriter *w = path ? npy_open(path, NPY_I32, 0, err, sizeof err) : NULL;
      mo->path[2 + k] = path;
      if (!w) return sim_fail(s, "cannot write monitor file: %s", path ? err : "out of memory");
      for (int64_t q = 0; q < mo->width; q++) {
        int32_t v = k == 0 ? mo->syn_pre[q] : pr->target[mo->syn[q]];
        npy_append(w, &v, 1);
      }
      if (npy_close_report(w, err, sizeof err) != 0)
        return sim_fail(s, "cannot write monitor file: %s", err);
    }
    return true;
  }
  }
  return sim_fail(s, "unknown monitor kind %lld", (long long)d->kind);
}

/* The bytes a monitor sampled at a fixed interval will write in a run of
   `steps` steps (its spikes and rewards cannot be known before). */
static double planned_bytes(const Sim *s, const MonitorRt *mo, double steps) {
  steps = fmin(steps, (double)mo->stop) - (double)mo->start;
  if (steps <= 0) return 0;
  switch (mo->desc->kind) {
  case SNN_MON_STATE:
  case SNN_MON_WEIGHTS: return floor(steps / (double)mo->every + 1) * 8.0 * (double)(mo->width + 1);
  case SNN_MON_RATE:
  case SNN_MON_MODULATOR: return floor(steps / (double)mo->every + 1) * 16.0;
  default: (void)s; return 0;
  }
}

/* Warns before the run when the sampled monitors alone would write more
   than --max-output, naming the largest (a 60 s network recorded every
   step can fill a disk). */
static void warn_planned_size(const Sim *s, const Monitors *ms) {
  if (!(s->opt.max_output > 0) || s->opt.quiet || s->training) return;
  double steps = s->opt.duration / s->opt.dt, total = 0, largest = 0;
  int which = -1;
  for (int k = 0; k < ms->n; k++) {
    double b = planned_bytes(s, &ms->m[k], steps);
    total += b;
    if (b > largest) largest = b, which = k;
  }
  if (total > s->opt.max_output && which >= 0)
    fprintf(stderr, "warning: the monitors will write about %.3g GiB (%s alone %.3g GiB), more "
            "than --max-output (%.3g GiB); record fewer neurons, sample less often (every = "
            "...), or raise --max-output\n", total / 1073741824.0, ms->m[which].path[0]
            ? ms->m[which].path[0] : "one monitor", largest / 1073741824.0,
            s->opt.max_output / 1073741824.0);
}

/* A monitor whose window opens after the run ends records nothing: most
   likely the run was shortened with --duration. */
static void warn_late_windows(const Sim *s, const Monitors *ms) {
  if (s->opt.quiet || s->training) return;
  int64_t steps = llround(s->opt.duration / s->opt.dt);
  for (int k = 0; k < ms->n; k++)
    if (ms->m[k].start >= steps && ms->m[k].path[0])
      fprintf(stderr, "warning: the monitor writing %s starts at %g s, when the run (%g s) is "
              "over: it records nothing\n", ms->m[k].path[0], ms->m[k].desc->start,
              s->opt.duration);
}

bool monitors_open(Sim *s) {
  Monitors *ms = calloc(1, sizeof *ms);
  if (!ms) return sim_fail(s, "out of memory");
  s->monitors = ms;
  ms->n = (int)s->model->nmonitor;
  ms->m = calloc((size_t)ms->n + 1, sizeof(MonitorRt));
  if (!ms->m) return sim_fail(s, "out of memory");
  /* Descriptors first: closing after a failed open walks every monitor. */
  for (int k = 0; k < ms->n; k++) {
    ms->m[k].desc = &s->model->monitor[k];
    ms->m[k].sampled_at = -1;
  }
  if (ms->n && !sim_make_dirs(s->opt.out_dir))
    return sim_fail(s, "cannot create the output folder '%s': %s", s->opt.out_dir,
                    strerror(errno));
  ms->last_flush = wall_seconds();
  if (ms->n && stat(s->opt.out_dir, &ms->folder) != 0)
    return sim_fail(s, "cannot read the output folder '%s': %s", s->opt.out_dir,
                    strerror(errno));
  for (int k = 0; k < ms->n; k++)
    if (!open_monitor(s, ms, k)) return false;
  warn_planned_size(s, ms);
  warn_late_windows(s, ms);
  return true;
}

static double real_at(const Sim *s, const void *array, int64_t i) {
  return s->real_size == 8 ? ((const double *)array)[i] : ((const float *)array)[i];
}

static bool write_ok(Sim *s, MonitorRt *mo) {
  for (int k = 0; k < 2; k++)
    if (mo->npy[k] && npy_error(mo->npy[k])[0])
      return sim_fail(s, "writing monitor data failed: %s", npy_error(mo->npy[k]));
  if (mo->csv && ferror(mo->csv))
    return sim_fail(s, "writing '%s' failed: %s", mo->path[0], strerror(errno));
  return true;
}

/* A sample of a state variable or of synaptic values at t_n. */
static bool sample(Sim *s, MonitorRt *mo) {
  const SnnMonitor *d = mo->desc;
  if (d->kind == SNN_MON_STATE) {
    const RtPop *p = &s->pops[d->population];
    const void *array = p->state[d->variable];
    double scale = p->desc->state[d->variable].unit_scale;
    for (int64_t i = 0; i < mo->width; i++) mo->row[i] = real_at(s, array, d->lo + i) / scale;
  } else {
    RtProj *p = &s->projs[d->population];
    double scale = plasticity_value_desc(p->desc, d->variable)->unit_scale;
    for (int64_t q = 0; q < mo->width; q++)
      mo->row[q] = plasticity_value(s, p, d->variable, mo->syn[q]) / scale;
  }
  if (mo->csv) {
    fprintf(mo->csv, "%.10g", s->t);
    for (int64_t i = 0; i < mo->width; i++) fprintf(mo->csv, ",%.10g", mo->row[i]);
    fputc('\n', mo->csv);
  } else {
    npy_append(mo->npy[0], mo->row, mo->width);
    npy_append(mo->npy[1], &s->t, 1);
  }
  mo->sampled_at = s->step;
  return write_ok(s, mo);
}

/* One value at time t: a modulator's sample, or a reward it got. */
static bool write_value(Sim *s, MonitorRt *mo, double value) {
  if (mo->csv) {
    fprintf(mo->csv, "%.10g,%.10g\n", s->t, value);
  } else {
    npy_append(mo->npy[0], &value, 1);
    npy_append(mo->npy[1], &s->t, 1);
  }
  return write_ok(s, mo);
}

bool monitors_reward(Sim *s, int64_t modulator, double amount) {
  Monitors *ms = s->monitors;
  for (int k = 0; ms && k < ms->n; k++) {
    MonitorRt *mo = &ms->m[k];
    if (mo->desc->kind != SNN_MON_REWARDS || mo->desc->population != modulator ||
        !in_window(mo, s->step))
      continue;
    if (!write_value(s, mo, amount / s->model->modulator[modulator].unit_scale)) return false;
  }
  return true;
}

bool monitors_before_step(Sim *s) {
  Monitors *ms = s->monitors;
  for (int k = 0; ms && k < ms->n; k++) {
    MonitorRt *mo = &ms->m[k];
    int64_t kind = mo->desc->kind;
    /* Synaptic values are also recorded as they are when the window closes. */
    if (kind == SNN_MON_WEIGHTS && s->step == mo->stop && mo->sampled_at != s->step &&
        !sample(s, mo))
      return false;
    bool sampled = kind == SNN_MON_MODULATOR || kind == SNN_MON_STATE || kind == SNN_MON_WEIGHTS;
    if (!sampled || !in_window(mo, s->step) || (s->step - mo->start) % mo->every != 0) continue;
    if (kind == SNN_MON_MODULATOR) {
      const SnnModulator *md = &s->model->modulator[mo->desc->population];
      if (!write_value(s, mo, s->mod[mo->desc->population] / md->unit_scale)) return false;
    }
    if ((kind == SNN_MON_STATE || kind == SNN_MON_WEIGHTS) && !sample(s, mo)) return false;
  }
  return true;
}

static bool write_spikes(Sim *s, MonitorRt *mo, const RtPop *p) {
  const IndexList *l = &p->spikes;
  const SnnMonitor *d = mo->desc;
  bool all = d->lo == 0 && d->hi == p->size;
  int32_t picked[256];
  double times[256];
  for (int64_t n = 0; n < l->len;) {
    /* Up to 256 of this step's spikes of the recorded neurons at a time. */
    int64_t m = 0;
    for (; n < l->len && m < 256; n++)
      if (all || (l->items[n] >= d->lo && l->items[n] < d->hi)) picked[m++] = l->items[n];
    if (mo->csv) {
      for (int64_t q = 0; q < m; q++) fprintf(mo->csv, "%.10g,%d\n", s->t, picked[q]);
    } else if (m) {
      for (int64_t q = 0; q < m; q++) times[q] = s->t;
      npy_append(mo->npy[0], picked, m);
      npy_append(mo->npy[1], times, m);
    }
  }
  return write_ok(s, mo);
}

/* Writes the rate of the bin that ends now (possibly shorter at the end). */
static bool write_rate_bin(Sim *s, MonitorRt *mo, int64_t steps) {
  const RtPop *p = &s->pops[mo->desc->population];
  double t0 = (double)mo->bin_start * s->opt.dt;
  double rate = (double)mo->bin_spikes / ((double)p->size * (double)steps * s->opt.dt);
  if (mo->csv) {
    fprintf(mo->csv, "%.10g,%.10g\n", t0, rate);
  } else {
    npy_append(mo->npy[0], &rate, 1);
    npy_append(mo->npy[1], &t0, 1);
  }
  mo->bin_spikes = 0;
  mo->bin_start += steps;
  return write_ok(s, mo);
}

bool monitors_after_step(Sim *s) {
  Monitors *ms = s->monitors;
  if (s->after_step) s->after_step(s, s->after_step_ctx);
  if (!ms) return true;
  for (int k = 0; k < ms->n; k++) {
    MonitorRt *mo = &ms->m[k];
    const SnnMonitor *d = mo->desc;
    if (!in_window(mo, s->step)) continue;
    if (d->kind == SNN_MON_SPIKES && !write_spikes(s, mo, &s->pops[d->population])) return false;
    if (d->kind == SNN_MON_RATE) {
      mo->bin_spikes += s->pops[d->population].spikes.len;
      int64_t in_bin = s->step + 1 - mo->bin_start;
      /* A bin ends every `every` steps, and where the window closes. */
      if ((in_bin == mo->every || s->step + 1 == mo->stop) && !write_rate_bin(s, mo, in_bin))
        return false;
    }
  }
  if ((s->step & 4095) == 0 && wall_seconds() - ms->last_flush > FLUSH_SECONDS)
    return monitors_flush(s);
  return true;
}

/* The bytes a monitor has written so far. */
static double written_bytes(const MonitorRt *mo) {
  if (mo->csv) return (double)ftell(mo->csv);
  double values = mo->npy[0] ? (double)npy_rows(mo->npy[0]) : 0;
  double times = mo->npy[1] ? (double)npy_rows(mo->npy[1]) : 0;
  switch (mo->desc->kind) {
  case SNN_MON_SPIKES: return values * 4 + times * 8;
  case SNN_MON_STATE:
  case SNN_MON_WEIGHTS: return values * 8 * (double)mo->width + times * 8;
  default: return (values + times) * 8;
  }
}

/* Warns once, during the run, when what the monitors wrote passes
   --max-output: spikes cannot be foreseen, so this is where they are seen. */
static void warn_written_size(Sim *s, Monitors *ms, bool running) {
  if (ms->warned_size || !(s->opt.max_output > 0) || s->opt.quiet) return;
  double total = 0;
  for (int k = 0; k < ms->n; k++) total += written_bytes(&ms->m[k]);
  if (total <= s->opt.max_output) return;
  ms->warned_size = true;
  fprintf(stderr, "\nwarning: the monitors have written %.3g GiB by t = %g s, more than "
          "--max-output (%.3g GiB)%s\n", total / 1073741824.0, s->t,
          s->opt.max_output / 1073741824.0,
          running ? "; the run goes on (Ctrl-C stops it, keeping what is written)" : "");
}

/* A folder removed (or replaced) while the run writes into it leaves the
   open files writing into nothing: everything from then on would be lost
   without an error.  Checked at every flush. */
static bool folder_still_there(Sim *s, const Monitors *ms) {
  struct stat now;
  if (!ms->n) return true;
  if (stat(s->opt.out_dir, &now) != 0)
    return sim_fail(s, "the output folder '%s' is gone (%s): it was removed during the run; "
                    "the run stops, as what it records would be lost", s->opt.out_dir,
                    strerror(errno));
  if (now.st_dev != ms->folder.st_dev || now.st_ino != ms->folder.st_ino)
    return sim_fail(s, "the output folder '%s' was replaced by another during the run; the "
                    "run stops, as what it records would go to the removed one",
                    s->opt.out_dir);
  return true;
}

bool monitors_output_lost(const Sim *s) {
  struct stat now;
  const Monitors *ms = s->monitors;
  if (!ms || !ms->n) return false;
  return stat(s->opt.out_dir, &now) != 0 || now.st_dev != ms->folder.st_dev ||
         now.st_ino != ms->folder.st_ino;
}

bool monitors_flush(Sim *s) {
  Monitors *ms = s->monitors;
  if (ms) warn_written_size(s, ms, true);
  if (ms && !folder_still_there(s, ms)) return false;
  for (int k = 0; ms && k < ms->n; k++) {
    MonitorRt *mo = &ms->m[k];
    for (int q = 0; q < 2; q++)
      if (mo->npy[q] && npy_flush(mo->npy[q]) != 0)
        return sim_fail(s, "writing monitor data failed: %s", npy_error(mo->npy[q]));
    if (mo->csv && fflush(mo->csv) != 0)
      return sim_fail(s, "writing '%s' failed: %s", mo->path[0], strerror(errno));
  }
  if (ms) ms->last_flush = wall_seconds();
  return true;
}

bool monitors_close(Sim *s) {
  Monitors *ms = s->monitors;
  if (!ms) return true;
  warn_written_size(s, ms, false);
  bool ok = true;
  char err[256];
  for (int k = 0; k < ms->n; k++) {
    MonitorRt *mo = &ms->m[k];
    int64_t partial = (s->step < mo->stop ? s->step : mo->stop) - mo->bin_start;
    if (mo->desc->kind == SNN_MON_RATE && (mo->npy[0] || mo->csv) && partial > 0 &&
        !s->failed)
      ok = write_rate_bin(s, mo, partial) && ok;
    /* The weights a run ends with are what plasticity produced: a synaptic
       monitor records them even off its sampling grid. */
    if (mo->desc->kind == SNN_MON_WEIGHTS && (mo->npy[0] || mo->csv) && s->step > 0 &&
        s->step >= mo->start && s->step <= mo->stop && mo->sampled_at != s->step && !s->failed)
      ok = sample(s, mo) && ok;
    for (int q = 0; q < 2; q++) {
      if (mo->npy[q] && npy_close_report(mo->npy[q], err, sizeof err) != 0)
        ok = sim_fail(s, "writing monitor data failed: %s", err);
      mo->npy[q] = NULL;
    }
    if (mo->csv && fclose(mo->csv) != 0) ok = sim_fail(s, "closing '%s' failed", mo->path[0]);
    mo->csv = NULL;
  }
  return ok;
}

void monitors_list_files(const Sim *s, void (*fn)(const char *path, void *ctx), void *ctx) {
  const Monitors *ms = s->monitors;
  for (int k = 0; ms && k < ms->n; k++)
    for (int q = 0; q < 4; q++)
      if (ms->m[k].path[q]) fn(ms->m[k].path[q], ctx);
}

void monitors_list_units(const Sim *s, void (*fn)(const char *path, const char *unit, void *ctx),
                         void *ctx) {
  const Monitors *ms = s->monitors;
  for (int k = 0; ms && k < ms->n; k++) {
    const SnnMonitor *d = ms->m[k].desc;
    const char *unit = NULL;
    if (d->kind == SNN_MON_STATE) unit = s->model->pop[d->population].state[d->variable].unit;
    else if (d->kind == SNN_MON_WEIGHTS)
      unit = plasticity_value_desc(s->projs[d->population].desc, d->variable)->unit;
    else if (d->kind == SNN_MON_RATE) unit = "Hz";
    else if (d->kind == SNN_MON_MODULATOR || d->kind == SNN_MON_REWARDS)
      unit = s->model->modulator[d->population].unit;
    if (unit && ms->m[k].path[0]) fn(ms->m[k].path[0], unit, ctx);
  }
}

void monitors_list_neurons(const Sim *s,
                           void (*fn)(const char *path, int64_t first, void *ctx), void *ctx) {
  const Monitors *ms = s->monitors;
  for (int k = 0; ms && k < ms->n; k++)
    if (ms->m[k].desc->kind == SNN_MON_STATE && ms->m[k].path[0])
      fn(ms->m[k].path[0], ms->m[k].desc->lo, ctx);
}

void monitors_free(Sim *s) {
  Monitors *ms = s->monitors;
  if (!ms) return;
  for (int k = 0; k < ms->n; k++) {
    for (int q = 0; q < 4; q++) free(ms->m[k].path[q]);
    free(ms->m[k].row);
    free(ms->m[k].syn);
    free(ms->m[k].syn_pre);
  }
  free(ms->m);
  free(ms);
  s->monitors = NULL;
}

bool monitors_plot(const Sim *s, char *err, size_t errlen) {
  return snnrt_plot_dir(s->opt.out_dir, &s->opt.plot_opt, err, errlen) == 0;
}
