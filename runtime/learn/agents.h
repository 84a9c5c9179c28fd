/*
** agents.h: Strategy A, every synapse of a projection an agent that
** chooses its own weight changes by Q-learning (agents.c).
**
** At each decision every synapse reads its state, a tuple of discretised
** features composed into one index (mixed radix, the first feature the
** most significant digit); learns from the transition since its last
** decision,
**     Q(s, a) += alpha (r + gamma max_a' Q(s', a') - Q(s, a)),
** without the bootstrap term when the episode ended; and picks its next
** action epsilon-greedily (ties broken at random), a change of its weight
** from a small set.  The reward r is global: what the network earned since
** the last decision.  Q-tables are shared by the projection, one per
** postsynaptic neuron, or one per synapse.  Every random draw comes from
** the stream (seed, stream, synapse / 2, decision), one block of four
** words for two synapses (two words each: explore or not, and which
** action), so a run repeats exactly.
**
** The module works on plain arrays (AgentInputs) so that it can be tested
** and measured without a network; env/loop.c shows it the network's.
*/
#ifndef SNNRT_AGENTS_H
#define SNNRT_AGENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { AGENT_MAX_FEATURES = 16, AGENT_MAX_ACTIONS = 16, AGENT_MAX_HISTORY = 8 };

/* What a feature reads.  Each gives a digit in [0, cardinality). */
typedef enum AgentFeatureKind {
  AGENT_WEIGHT,          /* the weight, in `bins` bins over [low, high] */
  AGENT_PRE_INDEX,       /* the presynaptic neuron's index, in `bins` equal bins */
  AGENT_POST_INDEX,      /* the postsynaptic neuron's index, in `bins` equal bins */
  AGENT_ACTION_HISTORY,  /* the synapse's last `length` actions */
  AGENT_REWARD_HISTORY,  /* the signs (-, 0, +) of the last `length` rewards */
  AGENT_PRE_RATE,        /* the presynaptic rate since the last decision, bins over [low, high] Hz */
  AGENT_POST_RATE,       /* ... the postsynaptic rate */
  AGENT_ELIGIBILITY,     /* a synaptic value (an eligibility trace), bins over [low, high] */
  AGENT_POST_STATE,      /* a state variable of the postsynaptic neuron, bins over [low, high] */
} AgentFeatureKind;

typedef struct AgentFeature {
  AgentFeatureKind kind;
  int64_t bins;            /* the bins of the binned kinds */
  int64_t length;          /* the histories' length */
  double low, high;
  int64_t index;           /* AGENT_ELIGIBILITY, AGENT_POST_STATE: the value or state read */
} AgentFeature;

typedef enum AgentTable {
  AGENT_TABLE_SHARED,      /* one table for the projection: the agents pool experience */
  AGENT_TABLE_PER_POST,    /* one per postsynaptic neuron */
  AGENT_TABLE_PER_SYNAPSE, /* one per synapse */
} AgentTable;

/* How an action changes the weight. */
typedef enum AgentUpdate {
  AGENT_ADD,               /* w += a */
  AGENT_SCALE,             /* w += w * a (Bhargava et al. 2022) */
} AgentUpdate;

typedef struct AgentSpec {
  int64_t nfeature;
  AgentFeature feature[AGENT_MAX_FEATURES];
  int64_t naction;
  double action[AGENT_MAX_ACTIONS];
  AgentUpdate update;
  double w_low, w_high;    /* the weight is kept in [w_low, w_high] */
  double alpha, gamma, epsilon;
  AgentTable table;
  uint64_t seed;
  uint32_t stream;
} AgentSpec;

/* What the network shows the agents at a decision.  Arrays a feature does
   not use may be NULL. */
typedef struct AgentInputs {
  double *w;               /* per synapse: the weight, changed by the action */
  const int32_t *pre;      /* per synapse: its presynaptic neuron */
  const int32_t *post;     /* per synapse: its postsynaptic neuron */
  const double *pre_rate;  /* per presynaptic neuron (Hz) */
  const double *post_rate; /* per postsynaptic neuron (Hz) */
  const double *eligibility; /* per synapse */
  const double *post_state;  /* per postsynaptic neuron */
} AgentInputs;

/* The agents of one projection. */
typedef struct Agents {
  AgentSpec spec;
  int64_t nsyn, npre, npost;
  int64_t nstates, ntables;
  int64_t cardinality[AGENT_MAX_FEATURES];
  double *q;               /* ntables x nstates x naction */
  int64_t *last_state;     /* per synapse: the state of its last decision, or -1 */
  uint8_t *last_action;    /* per synapse */
  uint32_t *actions_seen;  /* per synapse: its action history, base naction */
  int64_t history_keep;    /* naction^(longest action history): what actions_seen keeps */
  double scale[AGENT_MAX_FEATURES]; /* binned features: bins / (high - low); index: bins / size */
  uint32_t rewards_seen;   /* the reward history, base 3 (shared by all) */
  int64_t decisions;
  /* Statistics of the last decision, for the learning signals. */
  double mean_td_error;    /* mean |TD error| of its updates */
  double explored;         /* fraction of synapses that explored */
} Agents;

/* Distinct values of a feature (its digit's base). */
int64_t agents_feature_cardinality(const AgentFeature *f, int64_t naction);
/* States of spec: the product of its features' cardinalities, or -1 when it
   exceeds 2^62. */
int64_t agents_state_count(const AgentSpec *spec);
/* Bytes of the Q-tables for nsyn synapses onto npost neurons, or -1 when
   they do not fit in 64 bits. */
int64_t agents_table_bytes(const AgentSpec *spec, int64_t nsyn, int64_t npost);
/* Allocates the tables (zero) and the synapses' memories; false with a
   message in err (a table too large, out of memory, a bad spec). */
bool agents_init(Agents *a, const AgentSpec *spec, int64_t nsyn, int64_t npre, int64_t npost,
                 char *err, size_t errlen);
/* One decision of every synapse, after `reward` was earned since the last
   one: learn from it, choose and apply the next action. */
void agents_decide(Agents *a, const AgentInputs *in, double reward);
/* The end of an episode, with the reward of its last step: the last
   transition is learned without a future, and the next decision starts
   afresh (no transition across episodes). */
void agents_end_episode(Agents *a, const AgentInputs *in, double reward);
/* The state index synapse syn would see now (for tests and monitors). */
int64_t agents_state_of(const Agents *a, const AgentInputs *in, int64_t syn);
/* Frees the tables and memories. */
void agents_free(Agents *a);

#endif
