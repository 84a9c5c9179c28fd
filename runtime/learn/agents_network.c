/*
** agents_network.c: Strategy A's agents on a running network.
**
** The agents core (agents.c) works on plain double arrays.  Here they are
** filled from the network at each decision: the weights from the
** projection's per-synapse value (and written back after the actions, in
** the model's precision), the rates from the spikes counted since the last
** decision, an eligibility through plasticity_value (which brings a lazy
** value up to date) and a post state from the population's state array.
** A decision comes after every `decide_every`-th environment step, with
** the reward the environment gave over those steps; the end of an episode
** is learned as a transition without a future.  With `decide every
** episode` there is one decision at each episode's end, with the episode's
** reward (minus the mean of the last K episodes' with a baseline): the
** agents then search weight space by trial and error between episodes.
*/
#include "agents_network.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_features.h"

/* --- Names the features read ------------------------------------------------ */

typedef struct Lookup {
  const SnnProjection *proj;
  const SnnPopulation *post;
} Lookup;

static Dim unit_dim(const char *unit) {
  Unit u;
  char err[64];
  return unit && unit_parse(unit, &u, err, sizeof err) ? u.dim : dim_none();
}

static int64_t lookup_value(void *ctx, const char *name, Dim *dim) {
  const SnnProjection *p = ((Lookup *)ctx)->proj;
  for (int64_t k = 0; k < p->nvalue + p->npre_value + p->npost_value; k++) {
    const SnnVariable *v = plasticity_value_desc(p, k);
    if (strcmp(v->name, name) == 0) return *dim = unit_dim(v->unit), k;
  }
  return -1;
}

static int64_t lookup_state(void *ctx, const char *name, Dim *dim) {
  const SnnPopulation *p = ((Lookup *)ctx)->post;
  for (int64_t k = 0; p->kind == SNN_POP_NEURONS && k < p->nstate; k++)
    if (strcmp(p->state[k].name, name) == 0) return *dim = unit_dim(p->state[k].unit), k;
  return -1;
}

/* --- Opening ---------------------------------------------------------------- */

static bool read_spec(Sim *s, NetworkAgents *na, AgentSpec *spec) {
  const SnnAgents *d = na->desc;
  const SnnProjection *pd = na->proj->desc;
  memset(spec, 0, sizeof *spec);
  spec->naction = d->naction;
  for (int64_t k = 0; k < d->naction && k < AGENT_MAX_ACTIONS; k++) spec->action[k] = d->action[k];
  spec->update = d->scale ? AGENT_SCALE : AGENT_ADD;
  spec->w_low = d->w_low;
  spec->w_high = d->w_high;
  spec->alpha = d->alpha;
  spec->gamma = d->gamma;
  spec->epsilon = d->epsilon;
  spec->table = d->table == SNN_TABLE_PER_POST ? AGENT_TABLE_PER_POST
                : d->table == SNN_TABLE_PER_SYNAPSE ? AGENT_TABLE_PER_SYNAPSE
                                                    : AGENT_TABLE_SHARED;
  spec->seed = s->opt.seed;
  spec->stream = (uint32_t)d->stream;
  na->weight_value = -1;
  for (int64_t k = 0; k < pd->nvalue; k++)
    if (strcmp(pd->value[k].name, d->weight) == 0) na->weight_value = k;
  if (na->weight_value < 0)
    return sim_fail(s, "agents on %s: the weight '%s' is not a value of each synapse", pd->name,
                    d->weight);
  Lookup lookup = {pd, na->proj->post->desc};
  FeatureContext fc = {na->proj->pre->size, na->proj->post->size, d->w_low, d->w_high,
                       unit_dim(pd->value[na->weight_value].unit), lookup_value, lookup_state,
                       &lookup};
  int where;
  char err[256];
  if (!features_parse(na->features, &fc, spec, &where, err, sizeof err))
    return sim_fail(s, "agents on %s: features \"%s\": %s (at character %d)", pd->name,
                    na->features, err, where + 1);
  na->eligibility_value = na->post_state_var = -1;
  for (int64_t k = 0; k < spec->nfeature; k++) {
    if (spec->feature[k].kind == AGENT_ELIGIBILITY) na->eligibility_value = spec->feature[k].index;
    if (spec->feature[k].kind == AGENT_POST_STATE) na->post_state_var = spec->feature[k].index;
  }
  return true;
}

/* The arrays the features read, and the synapses' presynaptic neurons. */
static bool allocate(Sim *s, NetworkAgents *na) {
  RtProj *p = na->proj;
  int64_t nsyn = p->nsyn, npre = p->pre->size, npost = p->post->size;
  na->w = calloc((size_t)nsyn + 1, sizeof(double));
  na->pre = calloc((size_t)nsyn + 1, sizeof(int32_t));
  na->pre_count = calloc((size_t)npre + 1, sizeof(uint32_t));
  na->post_count = calloc((size_t)npost + 1, sizeof(uint32_t));
  na->pre_rate = calloc((size_t)npre + 1, sizeof(double));
  na->post_rate = calloc((size_t)npost + 1, sizeof(double));
  if (na->eligibility_value >= 0) na->eligibility = calloc((size_t)nsyn + 1, sizeof(double));
  if (na->post_state_var >= 0) na->post_state = calloc((size_t)npost + 1, sizeof(double));
  if (!na->w || !na->pre || !na->pre_count || !na->post_count || !na->pre_rate ||
      !na->post_rate || (na->eligibility_value >= 0 && !na->eligibility) ||
      (na->post_state_var >= 0 && !na->post_state))
    return sim_fail(s, "out of memory for the agents on %s", p->desc->name);
  for (int64_t i = 0; i < npre; i++)
    for (int64_t syn = p->row[i]; syn < p->row[i + 1]; syn++) na->pre[syn] = (int32_t)i;
  na->in = (AgentInputs){na->w, na->pre, p->target, na->pre_rate, na->post_rate,
                         na->eligibility, na->post_state};
  return true;
}

bool agents_network_open(Sim *s, const SnnAgents *d, const char *features, NetworkAgents *na) {
  memset(na, 0, sizeof *na);
  na->desc = d;
  na->proj = &s->projs[d->projection];
  na->features = strdup(features ? features : d->features);
  if (!na->features) return sim_fail(s, "out of memory");
  AgentSpec spec;
  if (!read_spec(s, na, &spec) || !allocate(s, na)) return false;
  na->past = calloc((size_t)d->baseline + 1, sizeof(double));
  if (!na->past) return sim_fail(s, "out of memory");
  char err[256];
  if (!agents_init(&na->core, &spec, na->proj->nsyn, na->proj->pre->size,
                   na->proj->post->size, err, sizeof err))
    return sim_fail(s, "agents on %s: %s", na->proj->desc->name, err);
  return true;
}

/* --- Running ------------------------------------------------------------------ */

void agents_network_after_step(NetworkAgents *na, const Sim *s) {
  (void)s;
  const IndexList *pre = &na->proj->pre->spikes, *post = &na->proj->post->spikes;
  for (int64_t k = 0; k < pre->len; k++) na->pre_count[pre->items[k]]++;
  for (int64_t k = 0; k < post->len; k++) na->post_count[post->items[k]]++;
  na->steps++;
}

static double read_real(const Sim *s, const void *array, int64_t i) {
  return s->real_size == 8 ? ((const double *)array)[i] : ((const float *)array)[i];
}

/* What the network shows the agents now. */
static void gather(NetworkAgents *na, Sim *s) {
  RtProj *p = na->proj;
  const void *w = p->value[na->weight_value];
  for (int64_t syn = 0; syn < p->nsyn; syn++) na->w[syn] = read_real(s, w, syn);
  double span = (double)(na->steps > 0 ? na->steps : 1) * s->opt.dt;
  for (int64_t i = 0; i < p->pre->size; i++) {
    na->pre_rate[i] = (double)na->pre_count[i] / span;
    na->pre_count[i] = 0;
  }
  for (int64_t j = 0; j < p->post->size; j++) {
    na->post_rate[j] = (double)na->post_count[j] / span;
    na->post_count[j] = 0;
  }
  na->steps = 0;
  if (na->eligibility)
    for (int64_t syn = 0; syn < p->nsyn; syn++)
      na->eligibility[syn] = plasticity_value(s, p, na->eligibility_value, syn);
  if (na->post_state)
    for (int64_t j = 0; j < p->post->size; j++)
      na->post_state[j] = read_real(s, p->post->state[na->post_state_var], j);
}

/* The actions' new weights, back into the projection. */
static bool scatter(NetworkAgents *na, Sim *s) {
  RtProj *p = na->proj;
  void *w = p->value[na->weight_value];
  for (int64_t syn = 0; syn < p->nsyn; syn++) {
    if (!isfinite(na->w[syn]))
      return sim_fail(s, "agents on %s: the weight of synapse %lld became %g", p->desc->name,
                      (long long)syn, na->w[syn]);
    if (s->real_size == 8) ((double *)w)[syn] = na->w[syn];
    else ((float *)w)[syn] = (float)na->w[syn];
  }
  return true;
}

/* Decisions per episode: the episode's reward minus the mean of the last
   `baseline` episodes' (nothing to subtract before the first). */
static double against_baseline(NetworkAgents *na) {
  int64_t k = na->desc->baseline;
  if (k <= 0) return na->reward;
  double mean = 0;
  for (int64_t e = 0; e < na->npast; e++) mean += na->past[e];
  double r = na->reward - (na->npast ? mean / (double)na->npast : na->reward);
  if (na->npast < k) na->npast++;
  memmove(na->past + 1, na->past, sizeof(double) * (size_t)(na->npast - 1));
  na->past[0] = na->reward;
  return r;
}

bool agents_network_env_step(NetworkAgents *na, Sim *s, const SnnEnvOutcome *out) {
  const SnnAgents *d = na->desc;
  bool episode_end = out->terminated || out->truncated;
  na->reward += d->reward_scale * out->reward + d->reward_terminated * out->terminated +
                d->reward_offset;
  na->env_steps++;
  bool per_episode = d->decide_every == 0;
  if (!episode_end && (per_episode || na->env_steps < d->decide_every)) return true;
  gather(na, s);
  if (per_episode) {
    /* The next episode is the next state: one transition per episode. */
    agents_decide(&na->core, &na->in, against_baseline(na));
    na->episode_explored += na->core.explored;
    na->episode_choices++;
  } else if (episode_end) {
    agents_end_episode(&na->core, &na->in, na->reward);
  } else {
    agents_decide(&na->core, &na->in, na->reward);
    na->episode_explored += na->core.explored;
    na->episode_choices++;
  }
  na->episode_td += na->core.mean_td_error;
  na->episode_decisions++;
  na->reward = 0;
  na->env_steps = 0;
  return (episode_end && !per_episode) || scatter(na, s);
}

void agents_network_close(NetworkAgents *na) {
  agents_free(&na->core);
  free(na->features);
  free(na->w);
  free(na->pre);
  free(na->pre_count);
  free(na->post_count);
  free(na->pre_rate);
  free(na->post_rate);
  free(na->eligibility);
  free(na->post_state);
  free(na->past);
  memset(na, 0, sizeof *na);
}
