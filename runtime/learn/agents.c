/*
** agents.c: Strategy A, the synapses of a projection as Q-learning agents
** (agents.h says what a decision does).
**
** A decision is one pass over the synapses: compose the state from the
** features, learn from the last transition, choose, apply.  The pass goes
** in blocks of AGENT_BLOCK synapses: first the states of the whole block,
** one plain loop per feature that the compiler vectorises, and the random
** words of the block in one vector call; then learning, choice and weight
** change, synapse after synapse.  The reward history is global and enters
** every synapse's state as the same digit.  Synapses are visited in order
** and a shared table is updated in that order, so the result does not
** depend on anything but the seed (nor on the block size).
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

/* The state of every synapse of [first, first + n): one pass per feature,
   each a plain loop over the synapses that the compiler vectorises, the
   digits folded in as the most significant first. */
static void block_states(const Agents *a, const AgentInputs *in, int64_t first, int64_t n,
                         int64_t *state) {
  for (int64_t i = 0; i < n; i++) state[i] = 0;
  for (int64_t k = 0; k < a->spec.nfeature; k++) {
    const AgentFeature *f = &a->spec.feature[k];
    int64_t card = a->cardinality[k], bins = f->bins;
    double low = f->low, scale = a->scale[k];
    const int32_t *pre = in->pre + first, *post = in->post + first;
    switch (f->kind) {
    case AGENT_WEIGHT:
      for (int64_t i = 0; i < n; i++)
        state[i] = state[i] * card + bin_of(in->w[first + i], low, scale, bins);
      break;
    case AGENT_PRE_INDEX:
      for (int64_t i = 0; i < n; i++) state[i] = state[i] * card + index_bin(pre[i], scale, bins);
      break;
    case AGENT_POST_INDEX:
      for (int64_t i = 0; i < n; i++) state[i] = state[i] * card + index_bin(post[i], scale, bins);
      break;
    /* The last `length` digits of the histories: their cardinality is the modulus. */
    case AGENT_ACTION_HISTORY:
      for (int64_t i = 0; i < n; i++)
        state[i] = state[i] * card + (int64_t)(a->actions_seen[first + i] % (uint32_t)card);
      break;
    case AGENT_REWARD_HISTORY: {
      int64_t d = (int64_t)(a->rewards_seen % (uint32_t)card);
      for (int64_t i = 0; i < n; i++) state[i] = state[i] * card + d;
      break;
    }
    case AGENT_PRE_RATE:
      for (int64_t i = 0; i < n; i++)
        state[i] = state[i] * card + bin_of(in->pre_rate[pre[i]], low, scale, bins);
      break;
    case AGENT_POST_RATE:
      for (int64_t i = 0; i < n; i++)
        state[i] = state[i] * card + bin_of(in->post_rate[post[i]], low, scale, bins);
      break;
    case AGENT_ELIGIBILITY:
      for (int64_t i = 0; i < n; i++)
        state[i] = state[i] * card + bin_of(in->eligibility[first + i], low, scale, bins);
      break;
    case AGENT_POST_STATE:
      for (int64_t i = 0; i < n; i++)
        state[i] = state[i] * card + bin_of(in->post_state[post[i]], low, scale, bins);
      break;
    }
  }
#ifndef NDEBUG
  for (int64_t i = 0; i < n; i++) assert(state[i] >= 0 && state[i] < a->nstates);
#endif
}

int64_t agents_state_of(const Agents *a, const AgentInputs *in, int64_t syn) {
  int64_t s;
  block_states(a, in, syn, 1, &s);
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
   the synapse's two random words of this decision.  Written without
   branches on the values: whether a synapse explores and how many actions
   tie change from synapse to synapse, and a mispredicted branch per
   decision would cost more than the few comparisons below. */
static int64_t choose(const Agents *a, const uint32_t *words, const double *row, bool *explored) {
  int64_t n = a->spec.naction;
  *explored = (double)words[0] < a->spec.epsilon * 4294967296.0;
  double best = row[0];
  for (int64_t k = 1; k < n; k++) best = row[k] > best ? row[k] : best;
  int64_t ties = 0;
  for (int64_t k = 0; k < n; k++) ties += row[k] == best;
  /* The which-th of the best (which = 0 when one is best: below(w, 1) = 0). */
  int64_t which = below(words[1], ties), pick = 0;
  for (int64_t k = 0; k < n; k++) {
    bool hit = row[k] == best;
    pick = hit && which == 0 ? k : pick;
    which -= hit;
  }
  return *explored ? below(words[1], n) : pick;
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

/* The synapses of one pass of agents_decide: two per random block, so that
   a block's four words serve an even synapse (words 0, 1) and the odd one
   after it (words 2, 3). */
enum { AGENT_BLOCK = 2 * RNG_LANES };

/* The random words of synapses [first, first + AGENT_BLOCK), first even:
   the block of pair p = syn / 2 at decision d is Philox at counter
   (p, d), all pairs of the pass in one vector call. */
static void block_words(const Agents *a, int64_t first, uint32_t words[4][RNG_LANES]) {
  RngStream keyed;
  rng_stream_init(&keyed, a->spec.seed, a->spec.stream, 0, 0);
  uint32_t ctr[4][RNG_LANES];
  for (int i = 0; i < RNG_LANES; i++) {
    uint64_t pair = (uint64_t)(first >> 1) + (uint64_t)i;
    ctr[0][i] = (uint32_t)pair;
    ctr[1][i] = (uint32_t)(pair >> 32);
    ctr[2][i] = (uint32_t)a->decisions;
    ctr[3][i] = 0;
  }
  rng_philox4x32_10_lanes(ctr, keyed.key, words);
}

void agents_decide(Agents *a, const AgentInputs *in, double reward) {
  remember_reward(a, reward);
  double td = 0;
  int64_t learned = 0, explored = 0;
  int64_t state[AGENT_BLOCK];
  uint32_t words[4][RNG_LANES];
  for (int64_t first = 0; first < a->nsyn; first += AGENT_BLOCK) {
    int64_t n = a->nsyn - first < AGENT_BLOCK ? a->nsyn - first : AGENT_BLOCK;
    block_states(a, in, first, n, state);
    block_words(a, first, words);
    /* In synapse order: a shared table sees its updates in that order. */
    for (int64_t i = 0; i < n; i++) {
      int64_t syn = first + i;
      const double *row = row_of(a, in, syn, state[i]);
      if (a->last_state[syn] >= 0) {
        td += learn(a, in, syn, reward, row);
        learned++;
      }
      uint32_t mine[2] = {words[2 * (i & 1)][i >> 1], words[2 * (i & 1) + 1][i >> 1]};
      bool e;
      int64_t action = choose(a, mine, row, &e);
      explored += e;
      apply(a, &in->w[syn], action);
      a->last_state[syn] = state[i];
      a->last_action[syn] = (uint8_t)action;
      if (a->history_keep > 1)
        a->actions_seen[syn] = (uint32_t)(((int64_t)a->actions_seen[syn] * a->spec.naction +
                                           action) % a->history_keep);
    }
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
