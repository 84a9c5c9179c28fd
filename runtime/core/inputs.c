/*
** inputs.c: spike sources, Poisson and given spike times.
**
** A Poisson neuron with a rate that is constant in time spikes in each
** step with probability rate * dt; the number of silent steps before its
** next spike is therefore geometric, and is drawn once per spike (the k-th
** draw of neuron i uses the stream (seed, source, i, k)).  A rate that
** depends on t is drawn every step instead.  Spike times are rounded to the
** nearest step.
*/
#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include "rng.h"
#include "sim.h"

/* The compiler assigns every random stream of a model (lower/plan.c). */
static uint32_t source_stream(const RtPop *p) {
  assert(p->desc->stream > 0);
  return (uint32_t)p->desc->stream;
}

/* Silent steps before the next spike, for spike probability q per step. */
static int64_t geometric_gap(const Sim *s, RtPop *p, int64_t i, double q) {
  if (q >= 1) return 0;
  if (q <= 0) return INT64_MAX / 2;
  RngStream r;
  rng_stream_init(&r, s->opt.seed, source_stream(p), (uint64_t)i, (uint32_t)p->drawn[i]++);
  double gap = floor(log(rng_next_uniform_open(&r)) / log1p(-q));
  return gap > (double)(INT64_MAX / 4) ? INT64_MAX / 4 : (int64_t)gap;
}

#ifndef NDEBUG
/* Whether a spike-time source is as the compiler promises (snnrt.h): times
   sorted, so the cursor never passes a spike still to come, and indices
   within the population. */
static bool spike_times_are_valid(const SnnPopulation *d) {
  for (int64_t k = 0; k < d->nspikes; k++) {
    if (d->spike_index[k] < 0 || d->spike_index[k] >= d->size) return false;
    if (k > 0 && d->spike_time[k] < d->spike_time[k - 1]) return false;
  }
  return true;
}
#endif

bool inputs_setup(Sim *s, RtPop *p) {
  const SnnPopulation *d = p->desc;
  assert(d->kind != SNN_POP_SPIKE_TIMES || spike_times_are_valid(d));
  if (d->kind != SNN_POP_POISSON) return true;
  p->drawn = calloc((size_t)p->size + 1, sizeof(uint64_t));
  p->next_spike = calloc((size_t)p->size + 1, sizeof(int64_t));
  p->rate = calloc((size_t)p->size + 1, sizeof(double));
  if (!p->drawn || !p->next_spike || !p->rate)
    return sim_fail(s, "out of memory for input '%s'", d->name);
  if (d->rate_varies) return true;
  if (!derive_population(s, p)) return false;
  for (int64_t i = 0; i < p->size; i++)
    p->next_spike[i] = geometric_gap(s, p, i, p->rate[i] * s->opt.dt);
  return true;
}

/* Poisson spikes are memoryless: after a change of rate the time to the
   next spike is drawn anew at the new rate, and the process stays exact. */
bool inputs_set_rate(Sim *s, RtPop *p, int64_t i, double rate) {
  assert(p->desc->kind == SNN_POP_POISSON && !p->desc->rate_varies);
  assert(i >= 0 && i < p->size);
  if (!(rate >= 0) || !isfinite(rate))
    return sim_fail(s, "input '%s': the rate of neuron %lld would be %g Hz; it must be finite "
                    "and not negative", p->desc->name, (long long)i, rate);
  if (rate == p->rate[i]) return true;
  p->rate[i] = rate;
  p->next_spike[i] = s->step + geometric_gap(s, p, i, rate * s->opt.dt);
  return true;
}

static void poisson_step(Sim *s, RtPop *p) {
  const SnnPopulation *d = p->desc;
  if (!d->rate_varies) {
    for (int64_t i = 0; i < p->size; i++) {
      if (p->next_spike[i] != s->step) continue;
      if (!index_push(&p->spikes, (int32_t)i)) {
        sim_fail(s, "out of memory");
        return;
      }
      p->next_spike[i] = s->step + 1 + geometric_gap(s, p, i, p->rate[i] * s->opt.dt);
    }
    return;
  }
  for (int64_t i = 0; i < p->size; i++) {
    double r = d->rate(s->param, s->t, i);
    if (!(r >= 0) || !isfinite(r)) {
      sim_fail(s, "input '%s': the rate of neuron %lld is %g Hz at t = %g ms; it must be "
               "finite and not negative", d->name, (long long)i, r, s->t * 1e3);
      return;
    }
    RngStream rs;
    rng_stream_init(&rs, s->opt.seed, source_stream(p), (uint64_t)i, (uint32_t)s->step);
    if (rng_next_uniform(&rs) < r * s->opt.dt && !index_push(&p->spikes, (int32_t)i)) {
      sim_fail(s, "out of memory");
      return;
    }
  }
}

static int compare_index(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return (x > y) - (x < y);
}

static void spike_times_step(Sim *s, RtPop *p) {
  const SnnPopulation *d = p->desc;
  while (p->cursor < d->nspikes) {
    int64_t step = (int64_t)llround(d->spike_time[p->cursor] / s->opt.dt);
    if (step > s->step) break;
    if (step == s->step && !index_push(&p->spikes, (int32_t)d->spike_index[p->cursor])) {
      sim_fail(s, "out of memory");
      return;
    }
    p->cursor++;
  }
  /* Several times may round to one step: keep indices ascending, once each. */
  if (p->spikes.len > 1) {
    qsort(p->spikes.items, (size_t)p->spikes.len, sizeof(int32_t), compare_index);
    int64_t w = 1;
    for (int64_t r = 1; r < p->spikes.len; r++)
      if (p->spikes.items[r] != p->spikes.items[w - 1]) p->spikes.items[w++] = p->spikes.items[r];
    p->spikes.len = w;
  }
}

void inputs_step(Sim *s, RtPop *p) {
  assert(p->desc->kind == SNN_POP_POISSON || p->desc->kind == SNN_POP_SPIKE_TIMES);
  p->spikes.len = 0;
  if (p->desc->kind == SNN_POP_POISSON)
    poisson_step(s, p);
  else
    spike_times_step(s, p);
  p->total_spikes += (uint64_t)p->spikes.len;
}
