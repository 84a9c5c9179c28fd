/*
** repl_plot.c: the REPL's plot command and the state samples it draws.
**
**   plot raster [E I] [options]   the spikes so far (all populations)
**   plot E.v [options]            a state monitor of the model, as sampled
**   plot state [options]          every state monitor
** with the options of snnc plot: --neurons, --window, --size, --format.
**
** The session records the model's state monitors itself, as it records
** spikes: every `every` steps the recorded neurons' values, in the
** variable's unit, from the start (t = 0) on.  The records follow their
** population and variable through recompilations; reset clears them.
*/
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_select.h"
#include "repl.h"

/* --- State records -------------------------------------------------------- */

/* Appends one sample of r, taken now, at time t. */
static void sample_state(Session *s, StateRecord *r, double t) {
  int64_t width = r->hi - r->lo;
  if (r->n == r->cap) {
    r->cap = r->cap ? r->cap * 2 : 256;
    r->t = xrealloc(r->t, sizeof(double) * (size_t)r->cap);
    r->v = xrealloc(r->v, sizeof(double) * (size_t)(r->cap * width));
  }
  double *row = r->v + r->n * width;
  if (!snnrt_sim_read_state(s->sim, r->popi, r->vari, r->lo, r->hi, row)) return;
  const SnnVariable *var = &s->model->pop[r->popi].state[r->vari];
  for (int64_t k = 0; k < width; k++) row[k] /= var->unit_scale;
  r->t[r->n++] = t;
}

void repl_states_sample(Session *s, int64_t step) {
  double t = (double)step * snnrt_sim_dt(s->sim);
  for (int k = 0; k < s->nstates; k++)
    if (step % s->states[k].every == 0) sample_state(s, &s->states[k], t);
}

void repl_states_free(StateRecord *r, int n) {
  for (int k = 0; k < n; k++) {
    free(r[k].t);
    free(r[k].v);
  }
  free(r);
}

/* The record of the state monitor d of model m, empty. */
static StateRecord new_record(const SnnModel *m, const SnnMonitor *d, double dt) {
  StateRecord r;
  memset(&r, 0, sizeof r);
  const SnnPopulation *p = &m->pop[d->population];
  snprintf(r.pop, sizeof r.pop, "%s", p->name);
  snprintf(r.var, sizeof r.var, "%s", p->state[d->variable].name);
  r.popi = d->population;
  r.vari = d->variable;
  r.lo = d->lo;
  r.hi = d->hi;
  r.every = d->interval > 0 ? llround(d->interval / dt) : 1;
  if (r.every < 1) r.every = 1;
  return r;
}

void repl_states_rebuild(Session *s, bool carry) {
  const SnnModel *m = s->model;
  double dt = snnrt_sim_dt(s->sim);
  int n = 0;
  StateRecord *next = xcalloc((size_t)m->nmonitor + 1, sizeof *next);
  for (int64_t k = 0; k < m->nmonitor; k++) {
    if (m->monitor[k].kind != SNN_MON_STATE) continue;
    StateRecord r = new_record(m, &m->monitor[k], dt);
    for (int q = 0; carry && q < s->nstates; q++) {
      StateRecord *old = &s->states[q];
      if (old->t && !strcmp(old->pop, r.pop) && !strcmp(old->var, r.var) && old->lo == r.lo &&
          old->hi == r.hi) {
        r.t = old->t, r.v = old->v, r.n = old->n, r.cap = old->cap;
        old->t = old->v = NULL;
        break;
      }
    }
    next[n++] = r;
  }
  repl_states_free(s->states, s->nstates);
  s->states = next;
  s->nstates = n;
  /* A new record starts with the state now (t = 0 for a new network), if
     it falls on its sampling grid, as a run's monitors do. */
  int64_t step = snnrt_sim_step_index(s->sim);
  for (int k = 0; k < n; k++)
    if (next[k].n == 0 && step % next[k].every == 0)
      sample_state(s, &next[k], (double)step * dt);
}

/* --- The plot command ----------------------------------------------------- */

/* The next word of *p (up to a space) into buf, advancing; false at the end. */
static bool next_word(const char **p, char *buf, size_t n) {
  while (isspace((unsigned char)**p)) (*p)++;
  size_t len = strcspn(*p, " \t\r\n");
  if (len == 0) return false;
  snprintf(buf, n, "%.*s", (int)len, *p);
  *p += len;
  return true;
}

/* Splits the words of a plot command into names (at most max) and
   options; false after saying what is wrong. */
static bool plot_words(const char *args, char (*names)[128], int max, int *nnames,
                       SnnPlotOptions *o) {
  char word[512], value[512], err[512];
  *nnames = 0;
  memset(o, 0, sizeof *o);
  while (next_word(&args, word, sizeof word)) {
    if (strncmp(word, "--", 2) != 0) {
      if (*nnames == max) {
        fprintf(stderr, "error: plot takes at most %d names\n", max);
        return false;
      }
      snprintf(names[(*nnames)++], 128, "%.127s", word);
      continue;
    }
    bool has = next_word(&args, value, sizeof value);
    int rc = snnrt_plot_option(o, word, has ? value : "", err, sizeof err);
    if (rc == 1 || !strcmp(word, "--at")) {
      fprintf(stderr, "error: plot takes --neurons, --window, --size and --format, not '%s'\n",
              word);
      return false;
    }
    if (rc != 0) {
      fprintf(stderr, "error: %s\n", has ? err : "an option needs a value, as --size 1200x800");
      return false;
    }
  }
  return true;
}

/* Checks the options against the session: the window, the populations. */
static bool check_options(Session *s, const SnnPlotOptions *o) {
  char err[512];
  const char **names = xcalloc((size_t)s->model->npop + 1, sizeof *names);
  for (int64_t k = 0; k < s->model->npop; k++) names[k] = s->model->pop[k].name;
  bool ok = plot_check_window(o, snnrt_sim_time(s->sim), err, sizeof err) == 0 &&
            plot_check_populations(o, names, (int)s->model->npop, err, sizeof err) == 0;
  free(names);
  if (!ok) fprintf(stderr, "error: %s\n", err);
  return ok;
}

/* Reports what a figure function returned; true if it drew. */
static bool report(Session *s, int rc, const char *what, const char *stem,
                   const SnnPlotOptions *o, unsigned defaults, const char *err) {
  static const char *const ext[3] = {"png", "svg", "pdf"};
  if (rc < 0) fprintf(stderr, "error: %s\n", err);
  if (rc > 0) fprintf(stderr, "error: --neurons and --window select nothing of %s\n", what);
  for (int k = 0; rc == 0 && k < 3; k++)
    if (plot_formats(o, defaults) & (1u << k)) fprintf(s->out, "wrote %s.%s\n", stem, ext[k]);
  return rc == 0;
}

/* plot raster [E I]: the spikes recorded so far. */
static bool plot_raster_of(Session *s, char (*names)[128], int n, const SnnPlotOptions *o) {
  int64_t npop = s->model->npop;
  PlotSpikeGroup *groups = xcalloc((size_t)npop + 1, sizeof *groups);
  double **times = xcalloc((size_t)npop + 1, sizeof *times);
  int m = 0;
  bool ok = true;
  for (int64_t k = 0; ok && k < (n ? n : npop); k++) {
    int64_t pop = n ? repl_population_index(s, names[k]) : k;
    if (pop < 0) {
      fprintf(stderr, "error: no population named '%s'\n", names[k]);
      ok = false;
      break;
    }
    SpikeRecord *r = &s->spikes[pop];
    times[m] = xmalloc(sizeof(double) * (size_t)(r->n + 1));
    for (int64_t q = 0; q < r->n; q++) times[m][q] = (double)r->step[q] * snnrt_sim_dt(s->sim);
    groups[m] = (PlotSpikeGroup){s->model->pop[pop].name, times[m], r->index, r->n,
                                 s->model->pop[pop].size, 0};
    m++;
  }
  if (ok) {
    char stem[256], err[512] = "";
    snprintf(stem, sizeof stem, "%s_raster", s->model->name);
    double t_end = snnrt_sim_time(s->sim) > 0 ? snnrt_sim_time(s->sim) : snnrt_sim_dt(s->sim);
    int rc = plot_spikes_files(groups, m, t_end, s->model->name, o, SNN_PLOT_PNG, stem, err,
                               sizeof err);
    ok = report(s, rc, "the spikes", stem, o, SNN_PLOT_PNG, err);
  }
  for (int q = 0; q < m; q++) free(times[q]);
  free(times);
  free(groups);
  return ok;
}

/* One state record to MODEL_POP_VAR.png (or the formats asked for); the
   second record of the same variable to MODEL_POP_VAR_2.png, and so on. */
static bool plot_state_of(Session *s, const StateRecord *r, int nth, const SnnPlotOptions *o) {
  char stem[256], err[512] = "";
  const SnnVariable *var = &s->model->pop[r->popi].state[r->vari];
  int len = snprintf(stem, sizeof stem, "%s_%s_%s", s->model->name, r->pop, r->var);
  if (nth > 1 && len > 0 && (size_t)len < sizeof stem)
    snprintf(stem + len, sizeof stem - (size_t)len, "_%d", nth);
  PlotStateRecord rec = {r->pop, r->var, var->unit, r->lo, r->t, r->v, r->n, r->hi - r->lo};
  char what[200];
  snprintf(what, sizeof what, "%s.%s (neurons %lld to %lld, recorded up to %g ms)", r->pop,
           r->var, (long long)r->lo, (long long)r->hi - 1,
           r->n ? r->t[r->n - 1] * 1e3 : 0.0);
  int rc = plot_state_files(&rec, s->model->name, o, stem, err, sizeof err);
  return report(s, rc, what, stem, o, SNN_PLOT_PNG, err);
}

/* plot E.v: the records of E.v (one per monitor of it); plot state: all. */
static bool plot_states(Session *s, const char *which, const SnnPlotOptions *o) {
  int drawn = 0;
  for (int k = 0; k < s->nstates; k++) {
    const StateRecord *r = &s->states[k];
    char name[160];
    snprintf(name, sizeof name, "%s.%s", r->pop, r->var);
    if (which && strcmp(which, name) != 0) continue;
    int nth = 1;
    for (int q = 0; q < k; q++)
      nth += !strcmp(s->states[q].pop, r->pop) && !strcmp(s->states[q].var, r->var);
    if (!plot_state_of(s, r, nth, o)) return false;
    drawn++;
  }
  if (drawn == 0 && which)
    fprintf(stderr, "error: the model has no state monitor of %s (add one, as in "
            "'monitor state(%s[0:10], every = 1 ms)')\n", which, which);
  else if (drawn == 0)
    fprintf(stderr, "error: the model has no state monitor to plot\n");
  return drawn > 0;
}

bool repl_plot(Session *s, const char *args) {
  char names[65][128];
  int n;
  SnnPlotOptions o;
  if (!plot_words(args, names, 65, &n, &o) || !check_options(s, &o)) return false;
  if (n >= 1 && strcmp(names[0], "raster") == 0) return plot_raster_of(s, names + 1, n - 1, &o);
  if (n == 1 && strcmp(names[0], "state") == 0) return plot_states(s, NULL, &o);
  if (n == 1 && strchr(names[0], '.')) return plot_states(s, names[0], &o);
  fprintf(stderr, "error: write 'plot raster', 'plot raster E I', 'plot E.v' or 'plot state', "
          "with options such as --window 50ms:100ms\n");
  return false;
}
