/*
** agents_network.h: Strategy A's agents on a running network
** (agents_network.c): what a projection's synapses show their agents
** (weights, indices, rates, an eligibility, a post state), and when they
** decide (after every k-th environment step of the closed loop).
*/
#ifndef SNNRT_AGENTS_NETWORK_H
#define SNNRT_AGENTS_NETWORK_H

#include "agents.h"
#include "sim.h"
#include "snnrt_env.h"

typedef struct NetworkAgents {
  Agents core;
  const SnnAgents *desc;
  RtProj *proj;
  char *features;          /* the feature list in use (the model's, or --features) */
  int64_t weight_value;    /* the weight among the projection's per-synapse values */
  AgentInputs in;
  double *w;               /* per synapse: the weight, as double (SI) */
  int32_t *pre;            /* per synapse: its presynaptic neuron */
  uint32_t *pre_count, *post_count; /* spikes since the last decision */
  double *pre_rate, *post_rate;
  double *eligibility;     /* per synapse, when a feature reads one */
  int64_t eligibility_value;
  double *post_state;      /* per postsynaptic neuron, when a feature reads one */
  int64_t post_state_var;
  int64_t steps;           /* network steps since the last decision */
  int64_t env_steps;       /* environment steps since the last decision */
  double reward;           /* the agents' reward since the last decision */
  double episode_td;       /* sum of the decisions' mean |TD error| this episode */
  double episode_explored; /* ... of their fractions of synapses that explored */
  int64_t episode_decisions; /* decisions and the episode's end */
  int64_t episode_choices; /* decisions only */
  double *past;            /* decisions per episode: the last `baseline` episodes' rewards */
  int64_t npast;           /* episodes in past (at most baseline) */
} NetworkAgents;

/* Sets up the agents of descriptor d on the network, with `features` in
   place of the model's list when not NULL; false + s->error. */
bool agents_network_open(Sim *s, const SnnAgents *d, const char *features, NetworkAgents *na);
/* Counts the spikes of the projection's ends after a network step. */
void agents_network_after_step(NetworkAgents *na, const Sim *s);
/* After an environment step with its outcome (reward, end): a
   decision when one is due, or the episode's end (learned without a
   future; with decisions per episode, a decision with the episode's
   reward, minus the baseline); false + s->error. */
bool agents_network_env_step(NetworkAgents *na, Sim *s, const SnnEnvOutcome *out);
/* Frees what agents_network_open allocated. */
void agents_network_close(NetworkAgents *na);

#endif
