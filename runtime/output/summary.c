/*
** summary.c: summary.json and the summary printed after a run.
**
** summary.json records what a reader needs to trust and reproduce the run:
** the model, seed, time step, duration and parameters; per population the
** neuron count, spike count and mean rate; per projection the synapse count
** and the memory per synapse; the wall time of every phase; the files
** written; and whether the run completed or stopped on an error.
*/
#include "summary.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json.h"
#include "loop.h"

static double population_rate(const Sim *s, const RtPop *p) {
  double t = (double)s->step * s->opt.dt;
  return t > 0 && p->size > 0 ? (double)p->total_spikes / ((double)p->size * t) : 0.0;
}

static void write_phases(JsonWriter *w, const PhaseTimes *t) {
  json_key(w, "phases_s");
  json_begin_object(w);
  json_key(w, "parse"); json_number(w, t->parse);
  json_key(w, "check"); json_number(w, t->check);
  json_key(w, "codegen"); json_number(w, t->codegen);
  json_key(w, "jit"); json_number(w, t->jit);
  json_key(w, "network_build"); json_number(w, t->build);
  json_key(w, "simulate"); json_number(w, t->simulate);
  json_key(w, "write"); json_number(w, t->write);
  json_end_object(w);
}

static void write_populations(JsonWriter *w, const Sim *s) {
  json_key(w, "populations");
  json_begin_array(w);
  static const char *kinds[] = {"neurons", "poisson", "spike_times"};
  for (int64_t k = 0; k < s->model->npop; k++) {
    const RtPop *p = &s->pops[k];
    json_begin_object(w);
    json_key(w, "name"); json_string(w, p->desc->name);
    json_key(w, "kind"); json_string(w, kinds[p->desc->kind]);
    json_key(w, "neurons"); json_int(w, p->size);
    json_key(w, "spikes"); json_int(w, (int64_t)p->total_spikes);
    json_key(w, "rate_hz"); json_number(w, population_rate(s, p));
    json_end_object(w);
  }
  json_end_array(w);
}

static void write_projections(JsonWriter *w, const Sim *s) {
  json_key(w, "projections");
  json_begin_array(w);
  for (int64_t k = 0; k < s->model->nproj; k++) {
    const RtProj *p = &s->projs[k];
    json_begin_object(w);
    json_key(w, "name"); json_string(w, p->desc->name);
    json_key(w, "synapses"); json_int(w, p->nsyn);
    json_key(w, "bytes"); json_int(w, (int64_t)p->bytes);
    json_key(w, "bytes_per_synapse");
    json_number(w, p->nsyn ? (double)p->bytes / (double)p->nsyn : 0.0);
    /* What each synapse holds itself; the rest is per neuron (rows, traces
       kept per neuron, clocks of the last events). */
    json_key(w, "synapse_bytes_per_synapse");
    json_number(w, p->nsyn ? (double)p->synapse_bytes / (double)p->nsyn : 0.0);
    json_end_object(w);
  }
  json_end_array(w);
}

static void write_params(JsonWriter *w, const Sim *s) {
  json_key(w, "parameters");
  json_begin_object(w);
  for (int64_t k = 0; k < s->model->nparam; k++) {
    const SnnParam *p = &s->model->param[k];
    json_key(w, p->name);
    json_begin_object(w);
    json_key(w, "value"); json_number(w, s->param[k] / p->unit_scale);
    json_key(w, "unit"); json_string(w, p->unit);
    json_end_object(w);
  }
  json_end_object(w);
}

static void add_unit(const char *path, const char *unit, void *ctx) {
  JsonWriter *w = ctx;
  const char *slash = strrchr(path, '/');
  json_key(w, slash ? slash + 1 : path);
  json_string(w, unit);
}

static void add_first_neuron(const char *path, int64_t first, void *ctx) {
  JsonWriter *w = ctx;
  const char *slash = strrchr(path, '/');
  json_key(w, slash ? slash + 1 : path);
  json_int(w, first);
}

static void add_file(const char *path, void *ctx) {
  JsonWriter *w = ctx;
  const char *slash = strrchr(path, '/');
  json_string(w, slash ? slash + 1 : path);
}

/* The closed loop: per episode its return and length, and how it ended. */
static void write_training(JsonWriter *w, const Training *tr) {
  json_key(w, "training");
  json_begin_object(w);
  json_key(w, "environment"); json_string(w, tr->environment ? tr->environment : "");
  json_key(w, "episodes_planned"); json_int(w, tr->planned);
  json_key(w, "episodes"); json_int(w, tr->episodes);
  json_key(w, "environment_steps"); json_int(w, tr->env_steps);
  /* The running mean that `until` looks at (100 episodes without one). */
  json_key(w, "mean_window"); json_int(w, tr->mean_window);
  json_key(w, "mean_return");
  if (tr->episodes) json_number(w, training_mean_return(tr, tr->mean_window));
  else json_null(w);
  json_key(w, "solved_at_episode");
  if (tr->solved_at >= 0) json_int(w, tr->solved_at); else json_null(w);
  json_key(w, "returns");
  json_begin_array(w);
  for (int64_t k = 0; k < tr->episodes; k++) json_number(w, tr->returns[k]);
  json_end_array(w);
  json_key(w, "lengths");
  json_begin_array(w);
  for (int64_t k = 0; k < tr->episodes; k++) json_int(w, tr->lengths[k]);
  json_end_array(w);
  /* Strategy A: the feature list each agents block ran with. */
  json_key(w, "agent_features");
  json_begin_array(w);
  for (int64_t k = 0; tr->agent_features && k < tr->nagents; k++)
    json_string(w, tr->agent_features[k]);
  json_end_array(w);
  /* The columns of episode_signals.npy, and their last row. */
  json_key(w, "signals");
  json_begin_array(w);
  for (int64_t k = 0; k < tr->nsignal; k++) json_string(w, tr->signal_names[k]);
  json_end_array(w);
  json_key(w, "last_signals");
  json_begin_array(w);
  for (int64_t k = 0; tr->episodes && k < tr->nsignal; k++)
    json_number(w, tr->signals[(tr->episodes - 1) * tr->nsignal + k]);
  json_end_array(w);
  json_end_object(w);
}

static void add_training_files(JsonWriter *w, const Training *tr) {
  if (tr->return_path) add_file(tr->return_path, w);
  if (tr->length_path) add_file(tr->length_path, w);
  if (tr->signal_path) add_file(tr->signal_path, w);
}

bool summary_write(Sim *s, const PhaseTimes *times, const SnnCompileInfo *info, bool ok) {
  char err[SIM_ERRLEN];
  if (summary_write_report(s, times, info, ok, err, sizeof err)) return true;
  fprintf(stderr, "error: %s\n", err);
  return false;
}

bool summary_write_report(Sim *s, const PhaseTimes *times, const SnnCompileInfo *info, bool ok,
                          char *err, size_t errlen) {
  size_t n = strlen(s->opt.out_dir) + 16;
  char *path = malloc(n);
  if (!path) {
    snprintf(err, errlen, "out of memory");
    return false;
  }
  snprintf(path, n, "%s/summary.json", s->opt.out_dir);
  sim_make_dirs(s->opt.out_dir); /* monitors made it already, unless there are none */
  FILE *f = fopen(path, "w");
  if (!f) {
    snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
    free(path);
    return false;
  }
  JsonWriter w;
  json_init(&w, f);
  const SnnModel *m = s->model;
  json_begin_object(&w);
  json_key(&w, "model"); json_string(&w, m->name);
  json_key(&w, "source"); json_string(&w, m->source);
  json_key(&w, "compiler"); json_string(&w, info && info->compiler ? info->compiler : "native");
  json_key(&w, "status");
  json_string(&w, !ok ? "stopped on an error" : s->interrupted ? "interrupted" : "completed");
  json_key(&w, "error");
  if (s->failed) json_string(&w, s->error); else json_null(&w);
  json_key(&w, "seed"); json_int(&w, (int64_t)s->opt.seed);
  json_key(&w, "dt_s"); json_number(&w, s->opt.dt);
  json_key(&w, "duration_s"); json_number(&w, s->opt.duration);
  json_key(&w, "simulated_s"); json_number(&w, (double)s->step * s->opt.dt);
  json_key(&w, "steps"); json_int(&w, s->step);
  json_key(&w, "threads"); json_int(&w, s->opt.threads);
  json_key(&w, "precision"); json_string(&w, m->precision == 4 ? "single" : "double");
  json_key(&w, "format"); json_string(&w, s->opt.csv ? "csv" : "npy");
  json_key(&w, "real_time_factor");
  json_number(&w, times->simulate > 0 ? (double)s->step * s->opt.dt / times->simulate : 0.0);
  write_phases(&w, times);
  write_populations(&w, s);
  write_projections(&w, s);
  write_params(&w, s);
  if (s->training) write_training(&w, s->training);
  json_key(&w, "files");
  json_begin_array(&w);
  monitors_list_files(s, add_file, &w);
  if (s->training) add_training_files(&w, s->training);
  json_end_array(&w);
  json_key(&w, "units");
  json_begin_object(&w);
  monitors_list_units(s, add_unit, &w);
  json_end_object(&w);
  json_key(&w, "first_neuron");
  json_begin_object(&w);
  monitors_list_neurons(s, add_first_neuron, &w);
  json_end_object(&w);
  json_end_object(&w);
  fputc('\n', f);
  bool good = json_ok(&w) && !ferror(f);
  good = fclose(f) == 0 && good;
  if (!good) snprintf(err, errlen, "writing '%s' failed", path);
  free(path);
  return good;
}

void summary_print(const Sim *s, const PhaseTimes *t, FILE *out) {
  double simulated = (double)s->step * s->opt.dt;
  fprintf(out, "%s: %.4g s simulated in %.3g s (%.3gx real time), dt %g ms, seed %llu, "
          "%d thread%s\n", s->model->name, simulated, t->simulate,
          t->simulate > 0 ? simulated / t->simulate : 0.0, s->opt.dt * 1e3,
          (unsigned long long)s->opt.seed, s->opt.threads, s->opt.threads == 1 ? "" : "s");
  fprintf(out, "  %-16s %10s %12s %10s\n", "population", "neurons", "spikes", "rate (Hz)");
  for (int64_t k = 0; k < s->model->npop; k++) {
    const RtPop *p = &s->pops[k];
    fprintf(out, "  %-16s %10lld %12llu %10.3f\n", p->desc->name, (long long)p->size,
            (unsigned long long)p->total_spikes, population_rate(s, p));
  }
  if (s->model->nproj) {
    fprintf(out, "  %-16s %10s %12s\n", "projection", "synapses", "bytes/syn");
    for (int64_t k = 0; k < s->model->nproj; k++) {
      const RtProj *p = &s->projs[k];
      fprintf(out, "  %-16s %10lld %12.2f\n", p->desc->name, (long long)p->nsyn,
              p->nsyn ? (double)p->bytes / (double)p->nsyn : 0.0);
    }
  }
  const Training *tr = s->training;
  if (tr && tr->episodes > 0)
    fprintf(out, "  training on '%s': %lld episode%s, %lld environment steps, mean return of the "
            "last %lld %.4g%s\n", tr->environment, (long long)tr->episodes,
            tr->episodes == 1 ? "" : "s", (long long)tr->env_steps,
            (long long)(tr->episodes < tr->mean_window ? tr->episodes : tr->mean_window),
            training_mean_return(tr, tr->mean_window),
            tr->solved_at >= 0 ? ", solved" : "");
  fprintf(out, "  phases: parse %.3f s, check %.3f s, codegen %.3f s, JIT %.3f s, network "
          "%.3f s, simulate %.3f s, write %.3f s\n", t->parse, t->check, t->codegen, t->jit,
          t->build, t->simulate, t->write);
  fprintf(out, "  output: %s/\n", s->opt.out_dir);
}

PhaseTimes summary_compile_times(const SnnCompileInfo *info) {
  PhaseTimes t;
  memset(&t, 0, sizeof t);
  if (info) {
    t.parse = info->parse;
    t.check = info->check;
    t.codegen = info->codegen;
    t.jit = info->jit;
  }
  return t;
}
