/*
** route.c: spike delivery.
**
** A sum `post.x += w` into a state of a population that no delayed
** projection reaches is added straight into x after the step.  Otherwise a
** sum from a spike of step n with a delay of d steps is
** added to row (n + 1 + d) mod R of x's input ring in the target
** population (R = longest incoming delay + 1); the target's kernel adds
** that row into x, or uses it as the port's value, at the start of step
** n + 1 + d, and clears it.  The effect therefore first enters the
** integration one step after it is delivered, as in Brian2.
**
** With T threads each row of synapses is cut where the targets cross into
** the next thread's range (targets are sorted), so thread t adds only into
** neurons it owns: no atomics, and the order of additions into any one
** neuron is the same whatever T is.
**
** Event code (on_pre that is not a plain sum, on_post) is run by
** learn/plasticity.c.
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#ifndef NDEBUG
/* Whether the sums of a projection fit the target population: slots and
   states exist, and a sum that goes straight into a state (no ring) comes
   from a projection without delays, since nothing could make it wait. */
static bool sums_fit_target(const RtProj *p) {
  const SnnPopulation *post = p->post->desc;
  for (int64_t k = 0; k < p->desc->nadditive; k++) {
    const SnnAdditive *ad = &p->desc->additive[k];
    if (ad->value >= p->desc->nvalue || ad->input_slot >= post->ninput) return false;
    if (ad->input_slot < 0 && (ad->state < 0 || ad->state >= post->nstate ||
                               p->desc->delay_kind != SNN_DELAY_NONE))
      return false;
  }
  return true;
}
#endif

bool route_prepare(Sim *s, RtProj *p, int nthreads) {
  const SnnProjection *d = p->desc;
  assert(sums_fit_target(p));
  assert(p->max_delay >= 0 && p->max_delay < p->post->ring);
  if (nthreads > 1 && d->nadditive > 0) {
    size_t n = (size_t)p->pre->size * (size_t)(nthreads + 1);
    p->split = malloc(sizeof(int64_t) * (n + 1));
    if (!p->split) return sim_fail(s, "out of memory");
    for (int64_t i = 0; i < p->pre->size; i++) {
      int64_t *cut = &p->split[(size_t)i * (size_t)(nthreads + 1)];
      int64_t q = p->row[i];
      for (int t = 0; t <= nthreads; t++) {
        int64_t begin, end;
        sim_range(p->post->size, t < nthreads ? t : nthreads - 1, nthreads, &begin, &end);
        int64_t bound = t < nthreads ? begin : p->post->size;
        while (q < p->row[i + 1] && p->target[q] < bound) q++;
        cut[t] = q;
      }
      /* The cuts start at the row and reach its end: every target is a
         neuron of the target population. */
      assert(cut[0] == p->row[i] && q == p->row[i + 1]);
      cut[nthreads] = p->row[i + 1];
    }
  }
  return true;
}

/* Hot (once per delayed synapse): its bounds are asserted by the callers,
   once per call (delay <= max_delay < ring, slot < ninput). */
void *route_ring_row(const Sim *s, const RtPop *post, int64_t slot, int64_t delay) {
  int64_t row = (s->step + 1 + delay) % post->ring;
  return (char *)post->input[slot] + (size_t)row * (size_t)post->size * s->real_size;
}

/* Row of synapses [from, to) of presynaptic neuron i for this thread. */
static void row_range(const RtProj *p, int64_t i, int thread, int nthreads, int64_t *from,
                      int64_t *to) {
  assert(i >= 0 && i < p->pre->size);
  if (nthreads > 1) {
    const int64_t *cut = &p->split[(size_t)i * (size_t)(nthreads + 1)];
    *from = cut[thread];
    *to = cut[thread + 1];
  } else {
    *from = p->row[i];
    *to = p->row[i + 1];
  }
  assert(*from <= *to);
}

/* Delivers sum k of projection p for all of this step's spikes.  Everything
   that does not change from spike to spike is set up once; the next row is
   prefetched while the current one is summed. */
#define DEFINE_DELIVER(NAME, REAL)                                                        \
  static void NAME(const Sim *s, const RtProj *p, int64_t k, int thread, int nthreads) {  \
    const SnnAdditive *ad = &p->desc->additive[k];                                        \
    const int32_t *target = p->target;                                                    \
    const IndexList *spikes = &p->pre->spikes;                                            \
    const REAL *wv = ad->value >= 0 ? (const REAL *)p->value[ad->value] : NULL;           \
    const REAL w = (REAL)p->weight[k];                                                    \
    REAL *acc = NULL;                                                                     \
    assert(thread >= 0 && thread < nthreads);                                             \
    assert(ad->input_slot < p->post->desc->ninput);                                       \
    assert(p->delay_steps <= p->max_delay && p->max_delay < p->post->ring);               \
    assert(!p->delay || ad->input_slot >= 0);                                             \
    if (!p->delay)                                                                        \
      acc = ad->input_slot >= 0 ? route_ring_row(s, p->post, ad->input_slot, p->delay_steps)    \
                                : (REAL *)p->post->state[ad->state];                      \
    for (int64_t n = 0; n < spikes->len; n++) {                                           \
      int64_t from, to;                                                                   \
      row_range(p, spikes->items[n], thread, nthreads, &from, &to);                       \
      if (n + 1 < spikes->len) __builtin_prefetch(&target[p->row[spikes->items[n + 1]]]); \
      if (p->delay) {                                                                     \
        for (int64_t q = from; q < to; q++) {                                             \
          REAL *row = route_ring_row(s, p->post, ad->input_slot, p->delay[q]);                  \
          row[target[q]] += wv ? wv[q] : w;                                               \
        }                                                                                 \
      } else if (wv) {                                                                    \
        _Pragma("GCC unroll 4")                                                           \
        for (int64_t q = from; q < to; q++) acc[target[q]] += wv[q];                      \
      } else {                                                                            \
        _Pragma("GCC unroll 4")                                                           \
        for (int64_t q = from; q < to; q++) acc[target[q]] += w;                          \
      }                                                                                   \
    }                                                                                     \
  }

DEFINE_DELIVER(deliver_double, double)
DEFINE_DELIVER(deliver_float, float)

void route_spikes(Sim *s, int thread, int nthreads) {
  for (int64_t k = 0; k < s->model->nproj; k++) {
    const RtProj *p = &s->projs[k];
    if (p->pre->spikes.len == 0) continue;
    for (int64_t a = 0; a < p->desc->nadditive; a++) {
      if (s->real_size == 8)
        deliver_double(s, p, a, thread, nthreads);
      else
        deliver_float(s, p, a, thread, nthreads);
    }
  }
}
