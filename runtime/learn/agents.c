/*
** agents.c: Strategy A, the synapses of a projection as Q-learning agents
** (agents.h says what a decision does).
**
** A decision is one pass over the synapses: compose the state from the
** features, learn from the last transition, choose, apply.  The reward
** history is global and enters every synapse's state as the same digit,
** so it is composed once per decision.  Synapses are visited in order and
** a shared table is updated in that order, so the result does not depend
** on anything but the seed.
*/
#include "agents.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"

static int64_t ipow(int64_t base, int64_t k) {
  int64_t r = 1;
  while (k-- > 0) r *= base;
  return r;
}

int64_t agents_feature_cardinality(const AgentFeature *f, int64_t naction) {
  switch (f->kind) {
  case AGENT_ACTION_HISTORY: return ipow(naction, f->length);
  case AGENT_REWARD_HISTORY: return ipow(3, f->length);
  default: return f->bins;
  }
}

int64_t agents_state_count(const AgentSpec *spec) {
  int64_t n = 1;
  for (int64_t k = 0; k < spec->nfeature; k++) {
    int64_t c = agents_feature_cardinality(&spec->feature[k], spec->naction);
    if (c < 1 || n > ((int64_t)1 << 62) / c) return -1;
    n *= c;
  }
  return n;
}

static int64_t table_count(const AgentSpec *spec, int64_t nsyn, int64_t npost) {
  switch (spec->table) {
  case AGENT_TABLE_PER_POST: return npost;
  case AGENT_TABLE_PER_SYNAPSE: return nsyn;
  default: return 1;
  }
}

int64_t agents_table_bytes(const AgentSpec *spec, int64_t nsyn, int64_t npost) {
  int64_t states = agents_state_count(spec);
  int64_t tables = table_count(spec, nsyn, npost);
  if (states < 0 || tables < 1) return -1;
  double bytes = (double)states * (double)tables * (double)spec->naction * sizeof(double);
  return bytes < 9e18 ? (int64_t)bytes : -1;
}

static bool spec_is_valid(const AgentSpec *spec, char *err, size_t errlen) {
  if (spec->naction < 1 || spec->naction > AGENT_MAX_ACTIONS ||
      spec->nfeature < 0 || spec->nfeature > AGENT_MAX_FEATURES) {
    snprintf(err, errlen, "agents: %lld actions and %lld features (at most %d and %d)",
             (long long)spec->naction, (long long)spec->nfeature, AGENT_MAX_ACTIONS,
             AGENT_MAX_FEATURES);
    return false;
  }
  for (int64_t k = 0; k < spec->nfeature; k++) {
    const AgentFeature *f = &spec->feature[k];
    bool history = f->kind == AGENT_ACTION_HISTORY || f->kind == AGENT_REWARD_HISTORY;
    if (history ? (f->length < 1 || f->length > AGENT_MAX_HISTORY ||
                   (f->kind == AGENT_ACTION_HISTORY &&
                    ipow(spec->naction, f->length) > ((int64_t)1 << 31)))
                : (f->bins < 1 || !(f->low < f->high || f->kind == AGENT_PRE_INDEX ||
                                    f->kind == AGENT_POST_INDEX))) {
      snprintf(err, errlen, "agents: feature %lld has %s", (long long)k + 1,
               history ? "a history length outside 1 to 8 (or actions^length above 2^31)"
                       : "no bins or an empty range");
      return false;
    }
  }
  if (!(spec->alpha > 0 && spec->alpha <= 1) || !(spec->gamma >= 0 && spec->gamma <= 1) ||
      !(spec->epsilon >= 0 && spec->epsilon <= 1) || !(spec->w_low <= spec->w_high)) {
    snprintf(err, errlen, "agents: alpha must lie in (0, 1], gamma and epsilon in [0, 1], "
             "and the weight's bounds in order");
    return false;
  }
  return true;
}

bool agents_init(Agents *a, const AgentSpec *spec, int64_t nsyn, int64_t npre, int64_t npost,
                 char *err, size_t errlen) {
  memset(a, 0, sizeof *a);
  if (!spec_is_valid(spec, err, errlen)) return false;
  a->spec = *spec;
  a->nsyn = nsyn;
  a->npre = npre;
  a->npost = npost;
  a->nstates = agents_state_count(spec);
  a->ntables = table_count(spec, nsyn, npost);
  int64_t bytes = agents_table_bytes(spec, nsyn, npost);
  a->history_keep = 1;
  for (int64_t k = 0; k < spec->nfeature; k++) {
    const AgentFeature *f = &spec->feature[k];
    a->cardinality[k] = agents_feature_cardinality(f, spec->naction);
    int64_t size = f->kind == AGENT_PRE_INDEX ? npre : npost;
    a->scale[k] = f->kind == AGENT_PRE_INDEX || f->kind == AGENT_POST_INDEX
                      ? (double)f->bins / (double)(size > 0 ? size : 1)
                      : (double)f->bins / (f->high - f->low);
    if (spec->feature[k].kind == AGENT_ACTION_HISTORY && a->cardinality[k] > a->history_keep)
      a->history_keep = a->cardinality[k];
  }
  if (bytes < 0 || (uint64_t)bytes > SIZE_MAX / 2) {
    snprintf(err, errlen, "agents: the Q-tables would need more than 2^62 bytes");
    return false;
  }
  a->q = calloc((size_t)bytes / sizeof(double) + 1, sizeof(double));
  a->last_state = malloc(sizeof(int64_t) * (size_t)(nsyn + 1));
  a->last_action = calloc((size_t)nsyn + 1, 1);
  a->actions_seen = calloc((size_t)nsyn + 1, sizeof(uint32_t));
  if (!a->q || !a->last_state || !a->last_action || !a->actions_seen) {
    agents_free(a);
    snprintf(err, errlen, "agents: out of memory for Q-tables of %.3g MB",
             (double)bytes / 1e6);
    return false;
  }
  for (int64_t s = 0; s < nsyn; s++) a->last_state[s] = -1;
  return true;
}

/* A value in `bins` bins over [low, high] (scale = bins / (high - low));
   values outside go to the end bins. */
static int64_t bin_of(double x, double low, double scale, int64_t bins) {
  double u = (x - low) * scale;
  if (!(u > 0)) return 0; /* NaN too: a broken input still gives a valid state */
  return u >= (double)bins ? bins - 1 : (int64_t)u;
}

/* floor(index * bins / size) without a division (scale = bins / size):
   the exact quotient is a whole number plus r / size (r = 0 .. size - 1),
   so adding half of 1 / size, (index + 0.5 / bins) * scale, keeps its
   floor and puts rounding errors (far smaller) out of the way. */
static int64_t index_bin(int64_t index, double scale, int64_t bins) {
  int64_t b = (int64_t)(((double)index + 0.5 / (double)bins) * scale);
  return b < bins ? b : bins - 1;
}

/* The digit of feature f for synapse syn. */
static int64_t digit(const Agents *a, int64_t k, const AgentInputs *in, int64_t syn) {
  const AgentFeature *f = &a->spec.feature[k];
  switch (f->kind) {
  case AGENT_WEIGHT: return bin_of(in->w[syn], f->low, a->scale[k], f->bins);
  case AGENT_PRE_INDEX: return index_bin(in->pre[syn], a->scale[k], f->bins);
  case AGENT_POST_INDEX: return index_bin(in->post[syn], a->scale[k], f->bins);
  /* The last `length` digits of the histories: their cardinality is the modulus. */
  case AGENT_ACTION_HISTORY: return (int64_t)a->actions_seen[syn] % a->cardinality[k];
  case AGENT_REWARD_HISTORY: return (int64_t)a->rewards_seen % a->cardinality[k];
  case AGENT_PRE_RATE: return bin_of(in->pre_rate[in->pre[syn]], f->low, a->scale[k], f->bins);
  case AGENT_POST_RATE:
    return bin_of(in->post_rate[in->post[syn]], f->low, a->scale[k], f->bins);
  case AGENT_ELIGIBILITY: return bin_of(in->eligibility[syn], f->low, a->scale[k], f->bins);
  case AGENT_POST_STATE:
    return bin_of(in->post_state[in->post[syn]], f->low, a->scale[k], f->bins);
  }
  return 0;
}

int64_t agents_state_of(const Agents *a, const AgentInputs *in, int64_t syn) {
  int64_t s = 0;
  for (int64_t k = 0; k < a->spec.nfeature; k++) {
    int64_t d = digit(a, k, in, syn);
    assert(d >= 0 && d < a->cardinality[k]);
    s = s * a->cardinality[k] + d;
  }
  return s;
}

static double *row_of(const Agents *a, const AgentInputs *in, int64_t syn, int64_t state) {
  int64_t table = a->spec.table == AGENT_TABLE_SHARED ? 0
                  : a->spec.table == AGENT_TABLE_PER_POST ? in->post[syn] : syn;
  return a->q + (table * a->nstates + state) * a->spec.naction;
}

/* Q-learning's update of the last transition of synapse syn; returns |TD error|. */
static double learn(Agents *a, const AgentInputs *in, int64_t syn, double reward,
                    const double *next) {
  double *q = row_of(a, in, syn, a->last_state[syn]) + a->last_action[syn];
  double future = 0;
  if (next) {
    future = next[0];
    for (int64_t k = 1; k < a->spec.naction; k++) future = next[k] > future ? next[k] : future;
  }
  double td = reward + a->spec.gamma * future - *q;
  *q += a->spec.alpha * td;
  return fabs(td);
}

/* A whole number in [0, n) from a random word (multiply and shift). */
static int64_t below(uint32_t word, int64_t n) { return (int64_t)(((uint64_t)word * (uint64_t)n) >> 32); }

/* Epsilon-greedy, with ties among the best broken at random; `words` are
   the synapse's two random words of this decision. */
static int64_t choose(const Agents *a, const uint32_t *words, const double *row, bool *explored) {
  int64_t n = a->spec.naction;
  *explored = (double)words[0] < a->spec.epsilon * 4294967296.0;
  if (*explored) return below(words[1], n);
  /* Two branch-free passes: the best value, then how many share it. */
  double best = row[0];
  for (int64_t k = 1; k < n; k++) best = row[k] > best ? row[k] : best;
  int64_t ties = 0;
  for (int64_t k = 0; k < n; k++) ties += row[k] == best;
  if (ties == 1)
    for (int64_t k = 0; k < n; k++)
      if (row[k] == best) return k;
  int64_t which = below(words[1], ties);
  for (int64_t k = 0; k < n; k++)
    if (row[k] == best && which-- == 0) return k;
  return 0;
}

static void apply(const Agents *a, double *w, int64_t action) {
  double x = a->spec.action[action];
  double v = a->spec.update == AGENT_SCALE ? *w + *w * x : *w + x;
  *w = v < a->spec.w_low ? a->spec.w_low : v > a->spec.w_high ? a->spec.w_high : v;
}

static void remember_reward(Agents *a, double reward) {
  uint32_t sign = reward > 0 ? 2 : reward < 0 ? 0 : 1;
  a->rewards_seen = (a->rewards_seen * 3 + sign) % (uint32_t)ipow(3, AGENT_MAX_HISTORY);
}

void agents_decide(Agents *a, const AgentInputs *in, double reward) {
  remember_reward(a, reward);
  double td = 0;
  int64_t learned = 0, explored = 0;
  uint32_t words[4] = {0};
  for (int64_t syn = 0; syn < a->nsyn; syn++) {
    if ((syn & 1) == 0) {
      RngStream r;
      rng_stream_init(&r, a->spec.seed, a->spec.stream, (uint64_t)syn >> 1,
                      (uint32_t)a->decisions);
      for (int k = 0; k < 4; k++) words[k] = rng_next_u32(&r);
    }
    int64_t state = agents_state_of(a, in, syn);
    const double *row = row_of(a, in, syn, state);
    if (a->last_state[syn] >= 0) {
      td += learn(a, in, syn, reward, row);
      learned++;
    }
    bool e;
    int64_t action = choose(a, words + 2 * (syn & 1), row, &e);
    explored += e;
    apply(a, &in->w[syn], action);
    a->last_state[syn] = state;
    a->last_action[syn] = (uint8_t)action;
    if (a->history_keep > 1)
      a->actions_seen[syn] = (uint32_t)(((int64_t)a->actions_seen[syn] * a->spec.naction +
                                         action) % a->history_keep);
  }
  a->decisions++;
  a->mean_td_error = learned ? td / (double)learned : 0;
  a->explored = a->nsyn ? (double)explored / (double)a->nsyn : 0;
}

void agents_end_episode(Agents *a, const AgentInputs *in, double reward) {
  remember_reward(a, reward);
  double td = 0;
  int64_t learned = 0;
  for (int64_t syn = 0; syn < a->nsyn; syn++) {
    if (a->last_state[syn] < 0) continue;
    td += learn(a, in, syn, reward, NULL);
    learned++;
    a->last_state[syn] = -1;
  }
  a->mean_td_error = learned ? td / (double)learned : 0;
}

void agents_free(Agents *a) {
  free(a->q);
  free(a->last_state);
  free(a->last_action);
  free(a->actions_seen);
  a->q = NULL;
  a->last_state = NULL;
  a->last_action = NULL;
  a->actions_seen = NULL;
}
