/*
** modulators.c: neuromodulators and reward rules.
**
** A modulator is one number per model, the same for every neuron and
** synapse: during step n, all code reads its value at t_n.  What synapse
** code adds to it during the step, what reward rules give and what the
** spikes of its source populations bring are summed in mod_add; at the end
** of the step
**
**     M(t_{n+1}) = baseline + (M(t_n) - baseline) exp(-dt / tau) + added,
**
** the exact decay between steps followed by the step's increments (as in
** Izhikevich's daspnet.m: DA = DA * 0.995 each millisecond, then + 0.5 when
** a reward is due).  Reward rules are looked at after the step's spikes:
**   spike    a spike of the named neuron (or of any neuron of the population);
**   pair     a spike of `spike` that follows the last spike of `since` by
**            more than zero and less than `window` (a spike of both in one
**            step is no pair: the second must come after the first);
**   poisson  at random, with probability rate * dt per step;
**   every    at the end of every k-th step (t = k dt, 2 k dt, ...).
** A reward with a delay waits in a heap ordered by its step and then by the
** order rewards were scheduled, so rewards due together always add up in
** the same order.
*/
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "sim.h"

bool modulators_setup(Sim *s) {
  const SnnModel *m = s->model;
  int64_t n = m->nmodulator;
  s->mod = calloc((size_t)n + 1, sizeof(double));
  s->mod_add = calloc((size_t)n + 1, sizeof(double));
  s->mod_decay = calloc((size_t)n + 1, sizeof(double));
  s->mod_baseline = calloc((size_t)n + 1, sizeof(double));
  s->reward = calloc((size_t)m->nreward + 1, sizeof(RewardState));
  if (!s->mod || !s->mod_add || !s->mod_decay || !s->mod_baseline || !s->reward)
    return sim_fail(s, "out of memory");
  for (int64_t k = 0; k < m->npop; k++) {
    RtPop *p = &s->pops[k];
    double window = p->desc->rate_window;
    if (window <= 0) continue;
    p->window_steps = llround(window / s->opt.dt);
    if (p->window_steps < 1) p->window_steps = 1;
    p->window = calloc((size_t)p->window_steps, sizeof(uint32_t));
    if (!p->window) return sim_fail(s, "out of memory");
  }
  for (int64_t k = 0; k < m->nreward; k++) s->reward[k].last_since = -1;
  if (!modulators_derive(s)) return false;
  for (int64_t k = 0; k < n; k++) s->mod[k] = s->mod_baseline[k];
  return true;
}

bool modulators_derive(Sim *s) {
  const SnnModel *m = s->model;
  for (int64_t k = 0; k < m->nmodulator; k++) {
    const SnnModulator *d = &m->modulator[k];
    double tau = d->tau(s->param);
    double base = d->baseline ? d->baseline(s->param) : 0.0;
    if (!(tau > 0) || !isfinite(tau) || !isfinite(base))
      return sim_fail(s, "modulator '%s': its time constant is %g ms and its baseline %g; the "
                      "time constant must be positive and both finite", d->name, tau * 1e3,
                      base);
    s->mod_decay[k] = exp(-s->opt.dt / tau);
    s->mod_baseline[k] = base;
  }
  for (int64_t k = 0; k < m->nreward; k++) {
    const SnnReward *r = &m->reward[k];
    RewardState *st = &s->reward[k];
    if (r->kind == SNN_REWARD_EVERY) {
      st->every_steps = llround(r->interval / s->opt.dt);
      if (st->every_steps < 1) st->every_steps = 1;
    } else if (r->kind == SNN_REWARD_POISSON) {
      double rate = r->rate(s->param);
      if (!(rate >= 0) || !isfinite(rate))
        return sim_fail(s, "reward rule %lld: its rate is %g Hz; it must be finite and not "
                        "negative", (long long)k + 1, rate);
      st->chance = rate * s->opt.dt;
    }
  }
  return true;
}

void modulators_free(Sim *s) {
  free(s->mod);
  free(s->mod_add);
  free(s->mod_decay);
  free(s->mod_baseline);
  free(s->reward);
  free(s->pending);
  for (int64_t k = 0; s->pops && k < s->model->npop; k++) free(s->pops[k].window);
  s->mod = s->mod_add = s->mod_decay = s->mod_baseline = NULL;
  s->reward = NULL;
  s->pending = NULL;
}

/* --- Rates over a window ---------------------------------------------------------- */

static void count_window(Sim *s) {
  for (int64_t k = 0; k < s->model->npop; k++) {
    RtPop *p = &s->pops[k];
    if (p->window) p->window[s->step % p->window_steps] = (uint32_t)p->spikes.len;
  }
}

double snnrt_rate(const void *sim, int64_t pop, double window) {
  const Sim *s = sim;
  assert(pop >= 0 && pop < s->model->npop);
  const RtPop *p = &s->pops[pop];
  assert(p->window);
  int64_t steps = llround(window / s->opt.dt);
  if (steps > p->window_steps) steps = p->window_steps;
  if (steps > s->step + 1) steps = s->step + 1; /* early in the run: what there is */
  if (steps < 1 || p->size == 0) return 0;
  uint64_t spikes = 0;
  for (int64_t q = 0; q < steps; q++) spikes += p->window[(s->step - q) % p->window_steps];
  return (double)spikes / ((double)p->size * (double)steps * s->opt.dt);
}

/* --- Rewards -------------------------------------------------------------------------- */

static bool spiked(const Sim *s, int64_t pop, int64_t neuron) {
  const IndexList *l = &s->pops[pop].spikes;
  if (neuron < 0) return l->len > 0;
  for (int64_t n = 0; n < l->len; n++)
    if (l->items[n] == neuron) return true;
  return false;
}

static bool heap_less(const PendingReward *a, const PendingReward *b) {
  return a->step != b->step ? a->step < b->step : a->order < b->order;
}

static bool schedule(Sim *s, int64_t step, int64_t modulator, double amount) {
  if (s->npending == s->cap_pending) {
    int64_t cap = s->cap_pending ? 2 * s->cap_pending : 64;
    PendingReward *grown = realloc(s->pending, sizeof(PendingReward) * (size_t)cap);
    if (!grown) return sim_fail(s, "out of memory scheduling rewards");
    s->pending = grown;
    s->cap_pending = cap;
  }
  int64_t k = s->npending++;
  s->pending[k] = (PendingReward){step, s->scheduled++, modulator, amount};
  while (k > 0 && heap_less(&s->pending[k], &s->pending[(k - 1) / 2])) {
    PendingReward t = s->pending[k];
    s->pending[k] = s->pending[(k - 1) / 2];
    s->pending[(k - 1) / 2] = t;
    k = (k - 1) / 2;
  }
  return true;
}

static PendingReward pop_pending(Sim *s) {
  PendingReward top = s->pending[0];
  s->pending[0] = s->pending[--s->npending];
  for (int64_t k = 0;;) {
    int64_t l = 2 * k + 1, r = l + 1, m = k;
    if (l < s->npending && heap_less(&s->pending[l], &s->pending[m])) m = l;
    if (r < s->npending && heap_less(&s->pending[r], &s->pending[m])) m = r;
    if (m == k) break;
    PendingReward t = s->pending[k];
    s->pending[k] = s->pending[m];
    s->pending[m] = t;
    k = m;
  }
  return top;
}

static bool give(Sim *s, int64_t modulator, double amount) {
  if (!isfinite(amount))
    return sim_fail(s, "a reward to modulator '%s' is %g at t = %g ms", 
                    s->model->modulator[modulator].name, amount, s->t * 1e3);
  /* A reward of nothing (a rule switched off by a parameter) is not one:
     the monitor of rewards counts what changed the modulator. */
  if (amount == 0) return true;
  s->mod_add[modulator] += amount;
  return monitors_reward(s, modulator, amount);
}

bool modulators_give(Sim *s, int64_t k, double amount) {
  assert(k >= 0 && k < s->model->nmodulator);
  return give(s, k, amount);
}

static bool reward_due(Sim *s, int64_t k) {
  const SnnReward *r = &s->model->reward[k];
  RewardState *st = &s->reward[k];
  switch (r->kind) {
  case SNN_REWARD_SPIKE:
    return spiked(s, r->spike_pop, r->spike_neuron);
  case SNN_REWARD_PAIR: {
    /* The `since` spike of this step counts first: a spike of both in one
       step is not a pair, since the rewarded one must follow. */
    if (spiked(s, r->since_pop, r->since_neuron)) st->last_since = s->step;
    if (st->last_since < 0 || !spiked(s, r->spike_pop, r->spike_neuron)) return false;
    int64_t gap = s->step - st->last_since;
    return gap > 0 && (double)gap * s->opt.dt < r->window - 1e-9 * s->opt.dt;
  }
  case SNN_REWARD_POISSON: {
    RngStream rs;
    rng_stream_init(&rs, s->opt.seed, (uint32_t)r->stream, 0, (uint32_t)s->step);
    return rng_next_uniform(&rs) < st->chance;
  }
  case SNN_REWARD_EVERY:
    return (s->step + 1) % st->every_steps == 0;
  default:
    return false;
  }
}

static bool run_rewards(Sim *s) {
  const SnnModel *m = s->model;
  for (int64_t k = 0; k < m->nreward; k++) {
    if (!reward_due(s, k)) continue;
    const SnnReward *r = &m->reward[k];
    RewardState *st = &s->reward[k];
    SnnRewardArgs a = {s->param, s->mod, s, s->t, s->opt.dt, s->opt.seed, st->count, s->step};
    st->count++;
    double amount = r->amount(&a);
    int64_t steps = 0;
    if (r->delay) {
      double delay = r->delay(&a);
      if (!(delay >= 0) || !isfinite(delay))
        return sim_fail(s, "reward rule %lld: its delay is %g ms at t = %g ms", (long long)k + 1,
                        delay * 1e3, s->t * 1e3);
      steps = llround(delay / s->opt.dt);
    }
    bool ok = steps == 0 ? give(s, r->modulator, amount)
                         : schedule(s, s->step + steps, r->modulator, amount);
    if (!ok) return false;
  }
  while (s->npending > 0 && s->pending[0].step <= s->step) {
    PendingReward due = pop_pending(s);
    if (!give(s, due.modulator, due.amount)) return false;
  }
  return true;
}

bool modulators_step(Sim *s) {
  const SnnModel *m = s->model;
  count_window(s);
  if (m->nreward && !run_rewards(s)) return false;
  for (int64_t k = 0; k < m->nmodulator; k++) {
    const SnnModulator *d = &m->modulator[k];
    for (int64_t q = 0; q < d->nsource; q++) {
      const SnnModSource *src = &d->source[q];
      int64_t spikes = s->pops[src->population].spikes.len;
      if (spikes) s->mod_add[k] += (double)spikes * src->amount(s->param);
    }
    double base = s->mod_baseline[k];
    s->mod[k] = base + (s->mod[k] - base) * s->mod_decay[k] + s->mod_add[k];
    s->mod_add[k] = 0;
    if (!isfinite(s->mod[k]))
      return sim_fail(s, "modulator '%s' became %s at t = %g ms (step %lld)", d->name,
                      isnan(s->mod[k]) ? "NaN" : "infinite", s->t * 1e3, (long long)s->step);
  }
  return true;
}
