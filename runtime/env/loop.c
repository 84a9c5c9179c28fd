/*
** loop.c: the closed loop, a network trained on an environment by
** episodes (the model's `environment`, `encode`, `decode`, `reward` and
** `train` statements; docs/environments.md).
**
** One environment step is one window of model time:
**   1. encode: the observation sets the rates of the encoders' Poisson
**      inputs (a rate change is exact for a Poisson process: the time to
**      the next spike is drawn anew at the new rate), or gives the current
**      that a `current` encoder adds to its port at every step of the
**      window;
**   2. the network runs for the window, the decoder counting the spikes of
**      each action's group (or noting its first spike);
**   3. decode: the group with the most spikes (or the first one, or the
**      readout neuron with the largest variable at the window's end) is
**      the action; ties, silence included, are broken at random from the
**      model's seed, so that an untrained network explores;
**   4. the environment steps; its reward, scaled as the model says, is
**      added to the reward modulator, where it enters the next step as any
**      reward rule's does.
** The network is not reset between episodes: what it learned is in its
** synapses, and its state carries on as an animal's would.  Each episode's
** return and length stream to episode_return.npy and episode_length.npy,
** its learning signals (the reward given to the modulator, the mean weight
** of each projection that learns, the agents' TD error and exploration) to
** episode_signals.npy; the files are valid after every episode.
** Strategy A's agents (learn/agents_network.c) see every step of the
** network and decide after environment steps.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agents_network.h"
#include "loop.h"
#include "npy.h"
#include "rng.h"
#include "snnrt_env.h"

#define LOOP_ERR 512

typedef struct Loop {
  Sim *s;
  const SnnEnvironment *d;
  SnnEnv *env;
  Training *tr;
  int64_t window_steps;
  double *obs;
  double *action_value;    /* per action: spike count, -first step, or the variable */
  bool *action_seen;       /* first_spike: the group spiked in the window */
  double **current;        /* per encoder (current): what it adds each step, per neuron */
  NpyWriter *returns, *lengths, *signals;
  double given;            /* reward given to the modulator this episode */
  NetworkAgents *agents;   /* per agents block (Strategy A) */
  int64_t nagents;
} Loop;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* --- Opening -------------------------------------------------------------------- */

static const SnnEnvClass *loop_class(Sim *s, const SnnEnvironment *d) {
  if (d->cls) {
    const SnnEnvClass *c = snnrt_env_find(d->cls);
    if (!c) sim_fail(s, "environment '%s': this runtime has no built-in '%s'", d->name, d->cls);
    return c;
  }
  char err[LOOP_ERR];
  const SnnEnvClass *c = snnrt_env_load(d->library, err, sizeof err);
  if (!c) sim_fail(s, "environment '%s': %s", d->name, err);
  return c;
}

/* The compiler checked the model against the class it saw; a library may
   have changed since, so the spaces are checked again. */
static bool spaces_fit(Loop *l) {
  const SnnEnvironment *d = l->d;
  const SnnSpace *obs = snnrt_env_observation_space(l->env), *act = snnrt_env_action_space(l->env);
  int64_t nobs = obs->kind == SNN_SPACE_BOX ? obs->size : 1;
  for (int64_t k = 0; k < d->nencoder; k++)
    if (d->encoder[k].first + d->encoder[k].count > nobs)
      return sim_fail(l->s, "environment '%s' now observes %lld values, fewer than the model "
                      "encodes (recompile it)", d->name, (long long)nobs);
  const SnnPopulation *out = &l->s->model->pop[d->decoder_population];
  bool groups = d->decoder != SNN_DECODE_MEMBRANE;
  if (act->kind != SNN_SPACE_DISCRETE ||
      (groups ? out->size % act->size != 0 : out->size != act->size))
    return sim_fail(l->s, "environment '%s' now has %s%d actions, which population '%s' (%lld "
                    "neurons) does not decode (recompile the model)", d->name,
                    act->kind == SNN_SPACE_DISCRETE ? "" : "a box of ", (int)act->size,
                    out->name, (long long)out->size);
  return true;
}

static char *out_path(const Sim *s, const char *file) {
  size_t n = strlen(s->opt.out_dir) + strlen(file) + 2;
  char *p = malloc(n);
  if (p) snprintf(p, n, "%s/%s", s->opt.out_dir, file);
  return p;
}

static bool plastic(const SnnProjection *d) {
  return d->on_post || d->nevery > 0 || d->clock_step;
}

static bool add_signal(Sim *s, Training *tr, const char *name, int64_t kind, int64_t index,
                       int64_t value) {
  int64_t k = tr->nsignal;
  tr->signal_names[k] = strdup(name);
  if (!tr->signal_names[k]) return sim_fail(s, "out of memory");
  tr->signal_kind[k] = kind;
  tr->signal_index[k] = index;
  tr->signal_value[k] = value;
  tr->nsignal++;
  return true;
}

/* The learning signals: the reward's modulator; the weight `w` of each
   projection that learns (by synapse code or by agents); each agents
   block's TD error and exploration. */
static bool choose_signals(Sim *s, const SnnEnvironment *d, Training *tr) {
  const SnnModel *m = s->model;
  int64_t n = m->nproj + 2 * d->nagents + 1;
  tr->signal_names = calloc((size_t)n, sizeof(char *));
  tr->signal_kind = calloc((size_t)n, sizeof(int64_t));
  tr->signal_index = calloc((size_t)n, sizeof(int64_t));
  tr->signal_value = calloc((size_t)n, sizeof(int64_t));
  if (!tr->signal_names || !tr->signal_kind || !tr->signal_index || !tr->signal_value)
    return sim_fail(s, "out of memory");
  char name[300];
  if (d->reward_modulator >= 0) {
    snprintf(name, sizeof name, "reward to %s", m->modulator[d->reward_modulator].name);
    if (!add_signal(s, tr, name, SIGNAL_REWARD, -1, -1)) return false;
  }
  for (int64_t k = 0; k < m->nproj; k++) {
    const SnnProjection *p = &m->proj[k];
    bool learns = plastic(p);
    for (int64_t a = 0; a < d->nagents; a++) learns |= d->agents[a].projection == k;
    for (int64_t v = 0; learns && v < p->nvalue; v++) {
      if (strcmp(p->value[v].name, "w") != 0) continue;
      snprintf(name, sizeof name, "mean w of %s", p->name);
      if (!add_signal(s, tr, name, SIGNAL_MEAN_WEIGHT, k, v)) return false;
    }
  }
  for (int64_t a = 0; a < d->nagents; a++) {
    const char *proj = m->proj[d->agents[a].projection].name;
    snprintf(name, sizeof name, "mean |TD error| of the agents on %s", proj);
    if (!add_signal(s, tr, name, SIGNAL_TD_ERROR, a, -1)) return false;
    snprintf(name, sizeof name, "explored fraction of the agents on %s", proj);
    if (!add_signal(s, tr, name, SIGNAL_EXPLORED, a, -1)) return false;
  }
  return true;
}

/* Strategy A: every agents block on its projection. */
static bool open_agents(Loop *l, Sim *s, const SnnEnvironment *d) {
  Training *tr = l->tr;
  l->agents = calloc((size_t)d->nagents + 1, sizeof(NetworkAgents));
  tr->agent_features = calloc((size_t)d->nagents + 1, sizeof(char *));
  if (!l->agents || !tr->agent_features) return sim_fail(s, "out of memory");
  for (int64_t k = 0; k < d->nagents; k++) {
    const char *features = s->opt.features ? s->opt.features : d->agents[k].features;
    tr->agent_features[tr->nagents++] = strdup(features);
    if (!tr->agent_features[k]) return sim_fail(s, "out of memory");
    /* Counted as open before it is, so that loop_close frees what it got. */
    l->nagents++;
    if (!agents_network_open(s, &d->agents[k], features, &l->agents[k])) return false;
  }
  return true;
}

static bool loop_open(Loop *l, Sim *s, Training *tr) {
  const SnnEnvironment *d = s->model->environment;
  memset(l, 0, sizeof *l);
  l->s = s;
  l->d = d;
  l->tr = tr;
  const SnnEnvClass *cls = loop_class(s, d);
  if (!cls) return false;
  SnnEnvParam *params = calloc((size_t)d->nsetting + 1, sizeof *params);
  if (!params) return sim_fail(s, "out of memory");
  for (int64_t k = 0; k < d->nsetting; k++)
    params[k] = (SnnEnvParam){d->setting[k].name, d->setting[k].value};
  char err[LOOP_ERR];
  uint64_t seed = d->seed >= 0 ? (uint64_t)d->seed : s->opt.seed;
  l->env = snnrt_env_open(cls, params, (int)d->nsetting, seed, err, sizeof err);
  free(params);
  if (!l->env) return sim_fail(s, "%s", err);
  if (!spaces_fit(l) || !choose_signals(s, d, tr) || !open_agents(l, s, d)) return false;
  l->window_steps = llround(d->window / s->opt.dt);
  if (l->window_steps < 1)
    return sim_fail(s, "environment '%s': its window (%g ms) is shorter than the time step "
                    "(%g ms)", d->name, d->window * 1e3, s->opt.dt * 1e3);
  const SnnSpace *os = snnrt_env_observation_space(l->env);
  int64_t nact = snnrt_env_action_space(l->env)->size;
  l->obs = calloc((size_t)os->size + 1, sizeof(double));
  l->action_value = calloc((size_t)nact + 1, sizeof(double));
  l->action_seen = calloc((size_t)nact + 1, sizeof(bool));
  l->current = calloc((size_t)d->nencoder + 1, sizeof(double *));
  if (!l->obs || !l->action_value || !l->action_seen || !l->current)
    return sim_fail(s, "out of memory");
  for (int64_t k = 0; k < d->nencoder; k++) {
    const SnnEncoder *en = &d->encoder[k];
    const RtPop *p = &s->pops[en->population];
    if (en->kind == SNN_ENCODE_CURRENT) {
      l->current[k] = calloc((size_t)p->size + 1, sizeof(double));
      if (!l->current[k]) return sim_fail(s, "out of memory");
    } else if (p->desc->kind != SNN_POP_POISSON || p->desc->rate_varies) {
      return sim_fail(s, "input '%s': an encoder sets its rates, so it must be a Poisson input "
                      "with a constant rate (rate = 0 Hz)", p->desc->name);
    }
  }
  if (!s->opt.out_dir) return true;
  char *rp = out_path(s, "episode_return.npy"), *lp = out_path(s, "episode_length.npy");
  char *sp = tr->nsignal ? out_path(s, "episode_signals.npy") : NULL;
  bool made = rp && lp && (sp || !tr->nsignal) && sim_make_dirs(s->opt.out_dir);
  if (made) {
    l->returns = npy_open(rp, NPY_F64, 0, err, sizeof err);
    if (l->returns) l->lengths = npy_open(lp, NPY_I64, 0, err, sizeof err);
    if (l->lengths && sp) l->signals = npy_open(sp, NPY_F64, tr->nsignal, err, sizeof err);
  } else {
    snprintf(err, sizeof err, "cannot create the output folder '%s'", s->opt.out_dir);
  }
  tr->return_path = rp;
  tr->length_path = lp;
  tr->signal_path = sp;
  if (!l->returns || !l->lengths || (sp && !l->signals)) return sim_fail(s, "%s", err);
  return true;
}

static bool loop_close(Loop *l) {
  char err[LOOP_ERR] = "";
  bool ok = npy_close_report(l->returns, err, sizeof err) == 0;
  ok = npy_close_report(l->lengths, err, sizeof err) == 0 && ok;
  if (l->signals) ok = npy_close_report(l->signals, err, sizeof err) == 0 && ok;
  l->returns = l->lengths = l->signals = NULL;
  snnrt_env_close(l->env);
  for (int64_t k = 0; l->agents && k < l->nagents; k++) agents_network_close(&l->agents[k]);
  free(l->agents);
  for (int64_t k = 0; l->current && k < l->d->nencoder; k++) free(l->current[k]);
  free(l->current);
  free(l->obs);
  free(l->action_value);
  free(l->action_seen);
  if (!ok && !l->s->failed) sim_fail(l->s, "%s", err);
  return ok;
}

/* --- Encoding and decoding -------------------------------------------------------- */

static double clip(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

static bool encode(Loop *l) {
  Sim *s = l->s;
  for (int64_t k = 0; k < l->d->nencoder; k++) {
    const SnnEncoder *en = &l->d->encoder[k];
    RtPop *p = &s->pops[en->population];
    for (int64_t v = 0; v < en->count; v++) {
      double x = l->obs[en->first + v];
      if (en->kind == SNN_ENCODE_CURRENT) {
        l->current[k][v] = en->scale * x;
        continue;
      }
      x = clip(x, en->low, en->high);
      if (en->kind == SNN_ENCODE_POISSON_RATE) {
        if (!inputs_set_rate(s, p, v, en->max_rate * (x - en->low) / (en->high - en->low)))
          return false;
        continue;
      }
      /* Gaussian receptive fields with centres spread evenly over [low, high]. */
      double spacing = (en->high - en->low) / (double)(en->per_value - 1);
      double sigma = en->width * spacing;
      for (int64_t m = 0; m < en->per_value; m++) {
        double z = (x - (en->low + (double)m * spacing)) / sigma;
        if (!inputs_set_rate(s, p, v * en->per_value + m, en->max_rate * exp(-0.5 * z * z)))
          return false;
      }
    }
  }
  return true;
}

/* Adds the current encoders' input for the next step. */
static void add_currents(Loop *l) {
  Sim *s = l->s;
  for (int64_t k = 0; k < l->d->nencoder; k++) {
    const SnnEncoder *en = &l->d->encoder[k];
    if (en->kind != SNN_ENCODE_CURRENT) continue;
    RtPop *p = &s->pops[en->population];
    int64_t row = s->step % p->ring;
    char *acc = (char *)p->input[en->input_slot] + (size_t)row * (size_t)p->size * s->real_size;
    for (int64_t i = 0; i < en->count; i++) {
      if (s->real_size == 8) ((double *)acc)[i] += l->current[k][i];
      else ((float *)acc)[i] += (float)l->current[k][i];
    }
  }
}

/* After a step of the window (w-th, from 0): spikes of the action groups. */
static void observe_spikes(Loop *l, int64_t nact, int64_t w) {
  const RtPop *p = &l->s->pops[l->d->decoder_population];
  int64_t group = p->size / nact;
  for (int64_t q = 0; q < p->spikes.len; q++) {
    int64_t a = p->spikes.items[q] / group;
    if (l->d->decoder == SNN_DECODE_SPIKE_COUNT) {
      l->action_value[a] += 1;
    } else if (!l->action_seen[a]) { /* SNN_DECODE_FIRST_SPIKE: earlier is larger */
      l->action_seen[a] = true;
      l->action_value[a] = (double)(l->window_steps - w);
    }
  }
}

static void read_membranes(Loop *l, int64_t nact) {
  const Sim *s = l->s;
  const RtPop *p = &s->pops[l->d->decoder_population];
  const void *v = p->state[l->d->decoder_variable];
  for (int64_t a = 0; a < nact; a++)
    l->action_value[a] = s->real_size == 8 ? ((const double *)v)[a] : ((const float *)v)[a];
}

/* The best action; ties (silence included) broken at random, from the
   seed, the episode and the step. */
static int64_t best_action(Loop *l, int64_t nact) {
  double best = -INFINITY;
  int64_t ties = 0;
  for (int64_t a = 0; a < nact; a++) {
    if (l->action_value[a] > best) best = l->action_value[a], ties = 0;
    if (l->action_value[a] == best) ties++;
  }
  int64_t pick = 0;
  if (ties > 1) {
    RngStream r;
    rng_stream_init(&r, l->s->opt.seed, (uint32_t)l->d->stream, (uint64_t)l->tr->episodes,
                    (uint32_t)snnrt_env_episode_steps(l->env));
    pick = (int64_t)(rng_next_uniform(&r) * (double)ties);
  }
  for (int64_t a = 0; a < nact; a++)
    if (l->action_value[a] == best && pick-- == 0) return a;
  return 0;
}

/* --- Episodes ------------------------------------------------------------------------ */

/* Runs one window of the network and returns the action it chose, or -1. */
static int64_t decide(Loop *l) {
  Sim *s = l->s;
  int64_t nact = snnrt_env_action_space(l->env)->size;
  for (int64_t a = 0; a < nact; a++) l->action_value[a] = 0, l->action_seen[a] = false;
  if (!encode(l)) return -1;
  for (int64_t w = 0; w < l->window_steps; w++) {
    add_currents(l);
    if (!sim_run(s, 1, NULL, NULL) || s->interrupted) return -1;
    if (l->d->decoder != SNN_DECODE_MEMBRANE) observe_spikes(l, nact, w);
    for (int64_t k = 0; k < l->nagents; k++) agents_network_after_step(&l->agents[k], s);
  }
  s->t = (double)s->step * s->opt.dt;
  if (l->d->decoder == SNN_DECODE_MEMBRANE) read_membranes(l, nact);
  return best_action(l, nact);
}

/* The mean of value `value` of projection k, as of the current step. */
static double mean_value(Sim *s, int64_t k, int64_t value) {
  RtProj *p = &s->projs[k];
  double sum = 0;
  for (int64_t syn = 0; syn < p->nsyn; syn++) sum += plasticity_value(s, p, value, syn);
  return p->nsyn ? sum / (double)p->nsyn : NAN;
}

static bool grow(Loop *l) {
  Training *tr = l->tr;
  int64_t cap = tr->cap ? 2 * tr->cap : 64;
  double *r = realloc(tr->returns, sizeof(double) * (size_t)cap);
  if (r) tr->returns = r;
  int64_t *n = realloc(tr->lengths, sizeof(int64_t) * (size_t)cap);
  if (n) tr->lengths = n;
  double *g = realloc(tr->signals, sizeof(double) * (size_t)(cap * tr->nsignal + 1));
  if (g) tr->signals = g;
  if (!r || !n || !g) return sim_fail(l->s, "out of memory");
  tr->cap = cap;
  return true;
}

static bool write_failed(Loop *l) {
  NpyWriter *w[3] = {l->returns, l->lengths, l->signals};
  for (int k = 0; k < 3; k++)
    if (w[k] && npy_error(w[k])[0]) return sim_fail(l->s, "%s", npy_error(w[k]));
  return sim_fail(l->s, "writing the episodes failed");
}

static bool record_episode(Loop *l, double ret, int64_t len) {
  Training *tr = l->tr;
  if (tr->episodes == tr->cap && !grow(l)) return false;
  int64_t e = tr->episodes++;
  tr->returns[e] = ret;
  tr->lengths[e] = len;
  double *row = tr->signals + e * tr->nsignal;
  for (int64_t k = 0; k < tr->nsignal; k++) {
    const NetworkAgents *na = tr->signal_kind[k] >= SIGNAL_TD_ERROR
                                  ? &l->agents[tr->signal_index[k]] : NULL;
    double decisions = na && na->episode_decisions ? (double)na->episode_decisions : NAN;
    switch (tr->signal_kind[k]) {
    case SIGNAL_REWARD: row[k] = l->given; break;
    case SIGNAL_MEAN_WEIGHT:
      row[k] = mean_value(l->s, tr->signal_index[k], tr->signal_value[k]);
      break;
    case SIGNAL_TD_ERROR: row[k] = na->episode_td / decisions; break;
    default:
      row[k] = na->episode_choices ? na->episode_explored / (double)na->episode_choices : NAN;
      break;
    }
  }
  for (int64_t a = 0; a < l->nagents; a++) {
    l->agents[a].episode_td = l->agents[a].episode_explored = 0;
    l->agents[a].episode_decisions = l->agents[a].episode_choices = 0;
  }
  if (!l->returns) return true;
  if (npy_append(l->returns, &ret, 1) || npy_append(l->lengths, &len, 1) ||
      npy_flush(l->returns) || npy_flush(l->lengths) ||
      (l->signals && (npy_append(l->signals, row, tr->nsignal) || npy_flush(l->signals))))
    return write_failed(l);
  return true;
}

double training_mean_return(const Training *tr, int64_t window) {
  int64_t n = window < tr->episodes ? window : tr->episodes;
  double sum = 0;
  for (int64_t k = tr->episodes - n; k < tr->episodes; k++) sum += tr->returns[k];
  return n > 0 ? sum / (double)n : NAN;
}

static bool run_episode(Loop *l) {
  Sim *s = l->s;
  const SnnEnvironment *d = l->d;
  if (!snnrt_env_reset(l->env, l->obs)) return sim_fail(s, "%s", snnrt_env_error(l->env));
  double ret = 0;
  l->given = 0;
  for (;;) {
    int64_t a = decide(l);
    if (a < 0) return false;
    double action = (double)a;
    SnnEnvOutcome out;
    if (!snnrt_env_step(l->env, &action, l->obs, &out))
      return sim_fail(s, "%s", snnrt_env_error(l->env));
    l->tr->env_steps++;
    ret += out.reward;
    double amount = d->reward_scale * out.reward + d->reward_terminated * out.terminated +
                    d->reward_offset;
    if (d->reward_modulator >= 0 && !modulators_give(s, d->reward_modulator, amount))
      return false;
    l->given += amount;
    bool end = out.terminated || out.truncated;
    for (int64_t k = 0; k < l->nagents; k++)
      if (!agents_network_env_step(&l->agents[k], s, &out)) return false;
    if (end) break;
  }
  return record_episode(l, ret, snnrt_env_episode_steps(l->env));
}

static void show_progress(const Loop *l, double start, bool final) {
  const Training *tr = l->tr;
  int64_t k = tr->mean_window;
  fprintf(stderr, "\r  episode %lld of %lld  |  return %g  |  mean of last %lld %.1f  |  wall "
          "%.1f s   %s", (long long)tr->episodes, (long long)tr->planned,
          tr->returns[tr->episodes - 1], (long long)(k < tr->episodes ? k : tr->episodes),
          training_mean_return(tr, k), now() - start, final ? "\n" : "");
  fflush(stderr);
}

bool loop_train(Sim *s, Training *tr, bool progress) {
  const SnnEnvironment *d = s->model->environment;
  tr->planned = s->opt.episodes > 0 ? s->opt.episodes : d->episodes;
  tr->solved_at = -1;
  tr->mean_window = d->until_window > 0 ? d->until_window : 100;
  Loop l;
  bool ok = loop_open(&l, s, tr);
  double start = now(), last = 0;
  while (ok && tr->episodes < tr->planned) {
    ok = run_episode(&l);
    /* Interrupted: the episode under way is not recorded; the rest is. */
    if (!ok && s->interrupted && !s->failed) ok = true;
    if (!ok || s->interrupted) break;
    if (d->until_window > 0 && tr->episodes >= d->until_window &&
        training_mean_return(tr, d->until_window) >= d->until_return) {
      tr->solved_at = tr->episodes;
      break;
    }
    if (progress && now() - last > 0.2) {
      last = now();
      show_progress(&l, start, false);
    }
  }
  if (progress && tr->episodes > 0) show_progress(&l, start, true);
  tr->environment = d->name;
  bool closed = loop_close(&l);
  return ok && closed;
}

void training_free(Training *tr) {
  free(tr->returns);
  free(tr->lengths);
  free(tr->return_path);
  free(tr->length_path);
  free(tr->signal_path);
  for (int64_t k = 0; tr->signal_names && k < tr->nsignal; k++) free(tr->signal_names[k]);
  free(tr->signal_names);
  for (int64_t k = 0; tr->agent_features && k < tr->nagents; k++) free(tr->agent_features[k]);
  free(tr->agent_features);
  free(tr->signal_kind);
  free(tr->signal_index);
  free(tr->signal_value);
  free(tr->signals);
  memset(tr, 0, sizeof *tr);
}
