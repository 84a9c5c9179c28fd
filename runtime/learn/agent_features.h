/*
** agent_features.h: the feature list of Strategy A's agents, as text
** (agent_features.c).
**
** The list is data, not code: the compiler checks it and stores it as
** written, and the runtime parses it when a run starts, so that
** `snnc run --features "..."` swaps the state space without recompiling.
**
**   list     := feature { ',' feature }
**   feature  := NAME [ '(' arg { ',' arg } ')' ]
**   arg      := [ KEY '=' ] value          value := NUMBER [ UNIT ] | NAME
**
**   weight(bins = 8, low, high)            the weight; range: its bounds
**   position(pre_bins, post_bins)          pre and post index (defaults: size, at most 16)
**   pre_index(bins), post_index(bins)      one of the two
**   action_history(k)                      the last k actions (k = 2)
**   reward_history(k)                      the signs of the last k rewards (k = 2)
**   pre_rate(bins = 4, low = 0 Hz, high = 100 Hz), post_rate(...)
**   eligibility(NAME, bins = 4, low = -1, high = 1)   a per-synapse value
**   post_state(NAME, bins = 4, low, high)  a state of the postsynaptic neuron
**   membrane(bins = 4, low, high)          post_state(v, ...)
*/
#ifndef SNNRT_AGENT_FEATURES_H
#define SNNRT_AGENT_FEATURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agents.h"
#include "units.h"

/* What the features of one projection can refer to. */
typedef struct FeatureContext {
  int64_t npre, npost;
  double w_low, w_high;    /* the weight's bounds (infinite: none) */
  Dim weight_dim;
  /* The index and dimension of a per-synapse value, or of a state of the
     postsynaptic neuron, by name; -1 when there is none. */
  int64_t (*synaptic_value)(void *ctx, const char *name, Dim *dim);
  int64_t (*post_state)(void *ctx, const char *name, Dim *dim);
  void *ctx;
} FeatureContext;

/* Parses `text` into spec's features (nfeature and feature[]); false with
   a message in err and the byte offset of the fault in *where. */
bool features_parse(const char *text, const FeatureContext *c, AgentSpec *spec, int *where,
                    char *err, size_t errlen);

#endif
