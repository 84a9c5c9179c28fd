/*
** inputs.c: spike sources, Poisson and given spike times.
**
** A Poisson neuron with a rate that is constant in time spikes in each
** step with probability rate * dt; the number of silent steps before its
** next spike is therefore geometric, and is drawn once per spike (the k-th
** draw of neuron i uses the stream (seed, source, i, k)).  A rate that
** depends on t is drawn every step instead.  Where rate * dt exceeds 1, a
** step has a Poisson(rate * dt) number of spikes instead, all delivered in
** it (the source's index appears that many times in the step's list).
** Spike times are rounded to the nearest step.
**
** A poisson_input drive stands for n independent Poisson sources onto
** every neuron of its target, without the sources or their synapses: in
** each step neuron i gets a Binomial(n, rate dt) number of events, drawn
** from the stream (seed, drive, i, step), times the weight, in the input
** slot of the variable (so that a refractory neuron drops them, as it
** drops synaptic input).  This is Brian2's PoissonInput.
*/
#include <assert.h>
#include <math.h>
#include <stdio.h>
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

/* More than one spike a step on average: how many come in this one. */
static int64_t poisson_count(RngStream *r, double mean) {
  return (int64_t)rng_next_poisson(r, mean);
}

/* Puts source i into this step's spikes `count` times. */
static bool push_spikes(Sim *s, RtPop *p, int64_t i, int64_t count) {
  for (int64_t k = 0; k < count; k++)
    if (!index_push(&p->spikes, (int32_t)i)) return sim_fail(s, "out of memory");
  return true;
}

/* Says once, before the run, what the per-step draws make of a high rate:
   at most one spike a step up to rate dt = 1 (a train more regular than
   Poisson: the variance of a step's count is 1 - rate dt of Poisson's),
   Poisson counts above. */
static void warn_high_rate(const Sim *s, const RtPop *p) {
  double top = 0;
  for (int64_t i = 0; i < p->size; i++) top = fmax(top, p->rate[i] * s->opt.dt);
  if (s->opt.quiet || top <= 0.1) return;
  if (top <= 1)
    fprintf(stderr, "warning: input '%s': a rate of %g Hz is %.3g spikes per step of %g ms: a "
            "source fires at most once a step, so its count per step varies %.0f%% less than "
            "a Poisson train's; a shorter --dt makes it closer\n", p->desc->name,
            top / s->opt.dt, top, s->opt.dt * 1e3, top * 100);
  else
    fprintf(stderr, "warning: input '%s': a rate of %g Hz is %.3g spikes per step of %g ms: each "
            "source draws a Poisson number of spikes per step, which arrive together in that "
            "step\n", p->desc->name, top / s->opt.dt, top, s->opt.dt * 1e3);
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
  warn_high_rate(s, p);
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
      double mean = p->rate[i] * s->opt.dt;
      if (mean > 1) {
        RngStream r;
        rng_stream_init(&r, s->opt.seed, source_stream(p), (uint64_t)i,
                        (uint32_t)p->drawn[i]++);
        if (!push_spikes(s, p, i, poisson_count(&r, mean))) return;
        continue;
      }
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
    double mean = r * s->opt.dt, u = rng_next_uniform(&rs);
    int64_t count = mean > 1 ? poisson_count(&rs, mean) : u < mean;
    if (count && !push_spikes(s, p, i, count)) return;
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

/* --- poisson_input drives ------------------------------------------------ */

bool drives_setup(Sim *s) {
  int64_t n = s->model->ndrive;
  s->drive_p = calloc((size_t)n + 1, sizeof(double));
  s->drive_w = calloc((size_t)n + 1, sizeof(double));
  if (!s->drive_p || !s->drive_w) return sim_fail(s, "out of memory");
  return true;
}

bool drives_prepare(Sim *s) {
  for (int64_t k = 0; k < s->model->ndrive; k++) {
    const SnnDrive *d = &s->model->drive[k];
    double rate = d->rate(s->param), w = d->weight(s->param);
    double p = rate * s->opt.dt;
    if (!(rate >= 0) || !isfinite(rate))
      return sim_fail(s, "poisson_input '%s': the rate is %g Hz; it must be finite and not "
                      "negative", d->name, rate);
    if (p > 1)
      return sim_fail(s, "poisson_input '%s': a rate of %g Hz gives each source %g events "
                      "per step of %g ms, more than one: use a shorter step or more sources "
                      "at a lower rate", d->name, rate, p, s->opt.dt * 1e3);
    if (!isfinite(w))
      return sim_fail(s, "poisson_input '%s': the weight is %g; it must be finite", d->name, w);
    s->drive_p[k] = p;
    s->drive_w[k] = w;
  }
  return true;
}

static void add_to_row(const Sim *s, void *row, int64_t i, double add) {
  if (s->real_size == 8)
    ((double *)row)[i] += add;
  else
    ((float *)row)[i] += (float)add;
}

/* The cumulative distribution of Binomial(n, p) from 0 up to where what is
   left is below 1e-16 (at most SEARCH_TABLE values); returns how many. */
enum { SEARCH_TABLE = 64 };
static int binomial_table(uint64_t n, double p, double *cdf) {
  double r = p / (1 - p), f = exp((double)n * log1p(-p)), c = 0;
  int k = 0;
  while (k < SEARCH_TABLE) {
    c += f;
    cdf[k++] = c;
    if (1 - c < 1e-16 || (uint64_t)k > n) break;
    f *= r * ((double)(n - (uint64_t)k + 1) / (double)k);
  }
  return k;
}

/* The counts of neurons [begin, end), each Binomial(n, p) with n p small,
   by inversion of one uniform per neuron and step: the uniforms of
   RNG_LANES neurons come from one vector Philox call, and each count is
   the number of table entries below its uniform, found without branches
   (vectorised over the lanes).  The uniform u = bits / 2^53 is compared as
   its 53 bits against ceil(cdf 2^53), which decides u >= cdf exactly and
   spares the vector conversion of 64-bit integers to double (missing
   before AVX-512).  A uniform beyond the table (a chance under 1e-16) is
   settled by rng_next_binomial on the same stream. */
__attribute__((target_clones("avx2", "default")))
static void drive_small_mean(const Sim *s, const SnnDrive *d, double p, double w, void *row,
                             int64_t begin, int64_t end) {
  uint64_t n = (uint64_t)d->count;
  double cdf[SEARCH_TABLE];
  int size = binomial_table(n, p, cdf);
  int64_t threshold[SEARCH_TABLE];
  for (int k = 0; k < size; k++) threshold[k] = (int64_t)ceil(cdf[k] * 9007199254740992.0);
  RngStream key;
  rng_stream_init(&key, s->opt.seed, (uint32_t)d->stream, 0, (uint32_t)s->step);
  static _Thread_local uint32_t ctr[4][RNG_LANES], out[4][RNG_LANES];
  int64_t bits[RNG_LANES];
  int64_t count[RNG_LANES];
  for (int64_t base = begin; base < end; base += RNG_LANES) {
    int64_t lanes = end - base < RNG_LANES ? end - base : RNG_LANES;
    for (int64_t l = 0; l < RNG_LANES; l++) {
      uint64_t i = (uint64_t)(base + (l < lanes ? l : 0));
      ctr[0][l] = (uint32_t)i;
      ctr[1][l] = (uint32_t)(i >> 32);
      ctr[2][l] = (uint32_t)s->step;
      ctr[3][l] = 0;
    }
    rng_philox4x32_10_lanes((const uint32_t(*)[RNG_LANES])ctr, key.key, out);
    for (int l = 0; l < RNG_LANES; l++) {
      uint64_t hi = out[0][l] >> 5, lo = out[1][l] >> 6; /* as rng_next_uniform */
      bits[l] = (int64_t)((hi << 26) | lo);
      count[l] = 0;
    }
    for (int k = 0; k < size; k++)
      for (int l = 0; l < RNG_LANES; l++) count[l] += bits[l] >= threshold[k];
    for (int64_t l = 0; l < lanes; l++) {
      uint64_t events = (uint64_t)count[l];
      if (count[l] == size && size < (int)n + 1) {
        RngStream one;
        rng_stream_init(&one, s->opt.seed, (uint32_t)d->stream, (uint64_t)(base + l),
                        (uint32_t)s->step);
        events = rng_next_binomial(&one, n, p);
      }
      if (events) add_to_row(s, row, base + l, (double)events * w);
    }
  }
}

void drives_apply(Sim *s, int64_t pop, int64_t begin, int64_t end) {
  RtPop *p = &s->pops[pop];
  for (int64_t k = 0; k < s->model->ndrive; k++) {
    const SnnDrive *d = &s->model->drive[k];
    double chance = s->drive_p[k], w = s->drive_w[k];
    if (d->pop != pop || chance <= 0 || w == 0) continue;
    assert(d->slot >= 0 && d->slot < p->desc->ninput && d->stream > 0);
    void *row = p->input_row[d->slot];
    if (chance <= 0.5 && (double)d->count * chance < RNG_REJECTION_MEAN) {
      drive_small_mean(s, d, chance, w, row, begin, end);
      continue;
    }
    for (int64_t i = begin; i < end; i++) {
      RngStream r;
      rng_stream_init(&r, s->opt.seed, (uint32_t)d->stream, (uint64_t)i, (uint32_t)s->step);
      uint64_t events = rng_next_binomial(&r, (uint64_t)d->count, chance);
      if (events) add_to_row(s, row, i, (double)events * w);
    }
  }
}

void drives_free(Sim *s) {
  free(s->drive_p);
  free(s->drive_w);
  s->drive_p = s->drive_w = NULL;
}
