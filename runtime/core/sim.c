/*
** sim.c: allocating a model's state, initialising it, and the step loop.
**
** One step of the simulation, in order (docs/language.md gives the
** semantics):
**   1. monitors sample state at t_n;
**   2. every neuron population runs its fused kernel over its neurons
**      (input delivery, integration, threshold, reset, refractoriness);
**      spike sources emit their spikes;
**   3. the spikes of the step are collected in ascending neuron order;
**   4. spikes are routed: sums go to the input rings of their targets at
**      the row of step n + 1 + delay; event code runs when its delay is due;
**   5. spike and rate monitors record; the rate guard checks, at the end
**      of each 100 ms window (guard.c).
** With several threads, steps 2 and 4 split every population's neurons
** into contiguous ranges, one per thread; a thread only ever writes the
** neurons of its own ranges, so results do not depend on the thread count.
*/
#include "sim.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "team.h"

bool sim_fail(Sim *s, const char *fmt, ...) {
  if (!s->failed) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->error, sizeof s->error, fmt, ap);
    va_end(ap);
    s->failed = true;
  }
  return false;
}

/* calloc leaves large blocks as untouched zero pages until they are used,
   so a big allocation costs nothing until the run writes it; the pointer
   handed out is aligned to 64 and the raw one is kept just before it. */
void *sim_alloc(size_t n) {
  if (n > SIZE_MAX - 128) return NULL;
  char *raw = calloc(1, n + 128);
  if (!raw) return NULL;
  uintptr_t aligned = ((uintptr_t)raw + sizeof(void *) + 63) & ~(uintptr_t)63;
  ((void **)aligned)[-1] = raw;
  return (void *)aligned;
}

void sim_release(void *p) {
  if (p) free(((void **)p)[-1]);
}

bool index_push(IndexList *l, int32_t i) {
  if (l->len == l->cap) {
    int64_t cap = l->cap ? l->cap * 2 : 256;
    int32_t *items = realloc(l->items, sizeof(int32_t) * (size_t)cap);
    if (!items) return false;
    l->items = items;
    l->cap = cap;
  }
  l->items[l->len++] = i;
  return true;
}

/* Reserves the memory of a population's state (memory.c). */
static bool check_population_memory(Sim *s, const RtPop *p) {
  const SnnPopulation *d = p->desc;
  double per_neuron = 1.0 + (d->kind == SNN_POP_NEURONS
                             ? 4.0 + (double)(d->nstate + d->ninput) * (double)s->real_size
                             : 24.0);
  char what[SIM_ERRLEN / 2];
  snprintf(what, sizeof what, "population '%s' (%lld neurons)", d->name, (long long)p->size);
  return sim_reserve(s, per_neuron * (double)p->size, what);
}

/* Reserves a population's input rings: one row per step of the longest
   delay onto it, for each input slot. */
static bool check_ring_memory(Sim *s, const RtPop *p) {
  const SnnPopulation *d = p->desc;
  if (d->kind != SNN_POP_NEURONS || d->ninput == 0) return true;
  char what[SIM_ERRLEN / 2];
  snprintf(what, sizeof what, "the synaptic input of population '%s' (%lld inputs x %lld "
           "neurons x %lld steps of delay)", d->name, (long long)d->ninput, (long long)p->size,
           (long long)p->ring);
  return sim_reserve(s, (double)d->ninput * (double)p->size * (double)p->ring *
                            (double)s->real_size, what);
}

/* The arrays of one neuron population (inputs come later: their ring
   length depends on the delays of incoming projections). */
static bool alloc_population(Sim *s, RtPop *p) {
  const SnnPopulation *d = p->desc;
  size_t n = (size_t)p->size;
  p->spiked = sim_alloc(n);
  if (!p->spiked) return false;
  if (d->kind != SNN_POP_NEURONS) return true;
  p->state = calloc((size_t)d->nstate + 1, sizeof(void *));
  p->refractory = sim_alloc(n * sizeof(int32_t));
  p->coef = sim_alloc(((size_t)d->ncoef + 1) * sizeof(double));
  if (!p->state || !p->refractory || !p->coef) return false;
  for (int64_t k = 0; k < d->nstate; k++)
    if (!(p->state[k] = sim_alloc(n * s->real_size))) return false;
  return true;
}

static bool alloc_inputs(Sim *s, RtPop *p) {
  const SnnPopulation *d = p->desc;
  if (d->kind != SNN_POP_NEURONS) return true;
  p->input = calloc((size_t)d->ninput + 1, sizeof(void *));
  p->input_row = calloc((size_t)d->ninput + 1, sizeof(void *));
  if (!p->input || !p->input_row) return false;
  for (int64_t k = 0; k < d->ninput; k++) {
    size_t bytes = (size_t)p->ring * (size_t)p->size * s->real_size;
    if (!(p->input[k] = sim_alloc(bytes))) return false;
  }
  return true;
}

static SnnKernelArgs kernel_args(const Sim *s, RtPop *p) {
  SnnKernelArgs a;
  a.state = p->state;
  a.input = (void *const *)p->input_row;
  a.refractory = p->refractory;
  a.spiked = p->spiked;
  a.param = s->param;
  a.own_param = s->param + p->desc->param_base;
  a.coef = p->coef;
  a.t = s->t;
  a.dt = s->opt.dt;
  a.step = s->step;
  a.size = p->size;
  a.seed = s->opt.seed;
  a.modulator = s->mod;
  return a;
}

static bool init_population(Sim *s, RtPop *p) {
  const SnnPopulation *d = p->desc;
  if (d->kind != SNN_POP_NEURONS) return inputs_setup(s, p);
  if (!derive_population(s, p)) return false;
  for (int64_t k = 0; k < d->ninput; k++) p->input_row[k] = p->input[k];
  SnnKernelArgs a = kernel_args(s, p);
  d->init(&a, 0, p->size);
  return true;
}

bool sim_setup(Sim *s, const SnnModel *model, const RunOptions *opt, const double *param,
               const bool *fixed) {
  memset(s, 0, sizeof *s);
  s->model = model;
  s->opt = *opt;
  s->real_size = (size_t)model->precision;
  s->param = calloc((size_t)model->nparam + 1, sizeof(double)); /* + the time step */
  s->param_fixed = calloc((size_t)model->nparam + 1, sizeof(bool));
  s->pops = calloc((size_t)model->npop + 1, sizeof(RtPop));
  s->projs = calloc((size_t)model->nproj + 1, sizeof(RtProj));
  if (!s->param || !s->param_fixed || !s->pops || !s->projs) return sim_fail(s, "out of memory");
  memcpy(s->param, param, sizeof(double) * (size_t)model->nparam);
  if (fixed) memcpy(s->param_fixed, fixed, sizeof(bool) * (size_t)model->nparam);
  if (!derive_params(s)) return false;
  /* Every real array is sized by real_size: 8 (double) or 4 (float). */
  assert(model->precision == 8 || model->precision == 4);
  for (int64_t k = 0; k < model->npop; k++) {
    RtPop *p = &s->pops[k];
    p->desc = &model->pop[k];
    p->size = p->desc->size;
    p->ring = 1;
    if (!check_population_memory(s, p)) return false;
    if (!alloc_population(s, p))
      return sim_fail(s, "out of memory for the state of population '%s' (%lld neurons)",
                      p->desc->name, (long long)p->size);
  }
  for (int64_t k = 0; k < model->nproj; k++) {
    RtProj *p = &s->projs[k];
    p->desc = &model->proj[k];
    assert(p->desc->pre >= 0 && p->desc->pre < model->npop);
    assert(p->desc->post >= 0 && p->desc->post < model->npop);
    p->pre = &s->pops[p->desc->pre];
    p->post = &s->pops[p->desc->post];
    if (!network_build(s, p)) return false;
    if (p->max_delay + 1 > p->post->ring) p->post->ring = p->max_delay + 1;
  }
  for (int64_t k = 0; k < model->npop; k++) {
    RtPop *p = &s->pops[k];
    if (!check_ring_memory(s, p)) return false;
    if (!alloc_inputs(s, p))
      return sim_fail(s, "out of memory for the synaptic input of population '%s'",
                      p->desc->name);
    if (!init_population(s, p)) return false;
  }
  int threads = opt->threads > 0 ? opt->threads : 1;
  if (threads > SIM_MAX_THREADS) threads = SIM_MAX_THREADS;
  s->nthreads = threads;
  for (int64_t k = 0; k < model->npop; k++) {
    RtPop *p = &s->pops[k];
    size_t bytes = sizeof(SpikePart) * (size_t)threads;
    p->part = aligned_alloc(_Alignof(SpikePart), bytes);
    if (!p->part) return sim_fail(s, "out of memory");
    memset(p->part, 0, bytes);
  }
  for (int64_t k = 0; k < model->nproj; k++)
    if (!route_prepare(s, &s->projs[k], threads) || !plasticity_prepare(s, &s->projs[k]))
      return false;
  if (!guard_setup(s) || !modulators_setup(s) || !drives_setup(s)) return false;
  if (threads > 1 && !team_start(s, threads))
    return sim_fail(s, "cannot start %d threads: %s", threads, strerror(errno));
  return true;
}

/* Points every input slot at the ring row of the current step. */
static void select_input_rows(Sim *s, RtPop *p) {
  assert(p->ring >= 1 && s->step >= 0);
  size_t row = (size_t)(s->step % p->ring) * (size_t)p->size * s->real_size;
  for (int64_t k = 0; k < p->desc->ninput; k++) p->input_row[k] = (char *)p->input[k] + row;
}

void sim_range(int64_t size, int thread, int nthreads, int64_t *begin, int64_t *end) {
  assert(nthreads >= 1 && nthreads <= SIM_MAX_THREADS);
  assert(thread >= 0 && thread < nthreads && size >= 0);
  *begin = size * thread / nthreads;
  *end = size * (thread + 1) / nthreads;
}

/* Finds the first non-finite state value to name it in the error. */
static void report_non_finite(Sim *s, RtPop *p) {
  const SnnPopulation *d = p->desc;
  for (int64_t k = 0; k < d->nstate; k++) {
    for (int64_t i = 0; i < p->size; i++) {
      double v = s->real_size == 8 ? ((double *)p->state[k])[i] : ((float *)p->state[k])[i];
      if (!isfinite(v)) {
        /* What it was integrated with, and what the neuron's other
           variables were: the likeliest causes are there. */
        char others[256] = "";
        size_t used = 0;
        for (int64_t q = 0; q < d->nstate && used + 48 < sizeof others; q++) {
          if (q == k) continue;
          double x = s->real_size == 8 ? ((double *)p->state[q])[i] : ((float *)p->state[q])[i];
          int n = snprintf(others + used, sizeof others - used, "%s%s = %g%s%s", used ? ", " : "",
                           d->state[q].name, x / d->state[q].unit_scale,
                           strcmp(d->state[q].unit, "1") ? " " : "",
                           strcmp(d->state[q].unit, "1") ? d->state[q].unit : "");
          if (n > 0) used += (size_t)n;
        }
        bool explicit_method = d->method && (strcmp(d->method, "euler") == 0 ||
                                             strcmp(d->method, "rk2") == 0 ||
                                             strcmp(d->method, "rk4") == 0);
        sim_fail(s, "population '%s', variable '%s', neuron %lld became %s at t = %g ms "
                 "(step %lld), integrated by %s with dt = %g ms%s%s%s; %s", d->name,
                 d->state[k].name, (long long)i, isnan(v) ? "NaN" : "infinite",
                 s->t * 1e3, (long long)s->step, d->method ? d->method : "no integrator",
                 s->opt.dt * 1e3, used ? " (its other variables then: " : "", others,
                 used ? ")" : "",
                 explicit_method
                     ? "an explicit method overflows where the equations grow fast (an "
                       "exponential term, a stiff gate): try a smaller --dt, a threshold "
                       "below the blow-up, or `method exponential_euler`"
                     : "check the equations and the parameters they use");
        return;
      }
    }
  }
  sim_fail(s, "population '%s' produced a non-finite value at t = %g ms", d->name, s->t * 1e3);
}

/* Phase 2 for one thread: the kernels over its ranges. */
/* Appends the neurons of [begin, end) whose spike flag is set to out, in
   ascending order; false when out of memory. */
static bool scan_spike_flags(const uint8_t *f, int64_t begin, int64_t end, IndexList *out) {
  int64_t i = begin;
  /* Spikes are rare: skip 64 silent neurons at a time, and find the spikes
     of a word by its set bytes, lowest first (little-endian).  The words
     are loaded from the flags directly (a copy on the stack would stall
     on store-to-load forwarding). */
  for (; i + 64 <= end; i += 64) {
    uint64_t any = 0;
    for (int q = 0; q < 8; q++) {
      uint64_t w;
      memcpy(&w, f + i + 8 * q, 8);
      any |= w;
    }
    if (!any) continue;
    for (int q = 0; q < 8; q++) {
      uint64_t word;
      memcpy(&word, f + i + 8 * q, 8);
      while (word) {
        int byte = __builtin_ctzll(word) >> 3;
        if (!index_push(out, (int32_t)(i + 8 * q + byte))) return false;
        word &= ~(UINT64_C(0xff) << (8 * byte));
      }
    }
  }
  for (; i < end; i++)
    if (f[i] && !index_push(out, (int32_t)i)) return false;
  return true;
}

/* Phase 2, and the first half of phase 3: each thread runs the kernels
   over its ranges and lists the spikes there while the flags are still
   in its cache (reading them from another core would move every line). */
static void integrate_range(Sim *s, int thread, int nthreads, int32_t *bad) {
  for (int64_t k = 0; k < s->model->npop; k++) {
    RtPop *p = &s->pops[k];
    if (p->desc->kind != SNN_POP_NEURONS) continue;
    int64_t begin, end;
    sim_range(p->size, thread, nthreads, &begin, &end);
    if (s->model->ndrive) drives_apply(s, k, begin, end);
    SnnKernelArgs a = kernel_args(s, p);
    if (p->desc->step(&a, begin, end)) bad[k] = 1;
    SpikePart *part = &p->part[thread];
    part->list.len = 0;
    if (!scan_spike_flags(p->spiked, begin, end, &part->list)) part->failed = true;
  }
}

#ifndef NDEBUG
/* Whether a thread's spike list lies in the range it owns: joining the
   lists in thread order is only ascending if it does. */
static bool part_in_range(const IndexList *l, int64_t size, int thread, int nthreads) {
  int64_t begin, end;
  sim_range(size, thread, nthreads, &begin, &end);
  return l->len == 0 || (l->items[0] >= begin && l->items[l->len - 1] < end);
}
#endif

/* Phase 3: spike lists in ascending order (the threads' ranges are
   contiguous and in order, so their lists are joined one after another);
   spike sources emit theirs. */
static bool collect_spikes(Sim *s, int nthreads) {
  for (int64_t k = 0; k < s->model->npop; k++) {
    RtPop *p = &s->pops[k];
    if (p->desc->kind != SNN_POP_NEURONS) {
      inputs_step(s, p);
      continue;
    }
    p->spikes.len = 0;
    for (int t = 0; t < nthreads; t++) {
      const IndexList *l = &p->part[t].list;
      if (p->part[t].failed) return sim_fail(s, "out of memory");
      assert(part_in_range(l, p->size, t, nthreads));
      for (int64_t n = 0; n < l->len; n++)
        if (!index_push(&p->spikes, l->items[n])) return sim_fail(s, "out of memory");
    }
    p->total_spikes += (uint64_t)p->spikes.len;
  }
  return true;
}

static void parallel_integrate(Sim *s, int thread, int nthreads) {
  integrate_range(s, thread, nthreads, team_scratch(s->team));
}

static void parallel_route(Sim *s, int thread, int nthreads) {
  route_spikes(s, thread, nthreads);
}

static double phase_clock(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Adds the time since *t0 to a phase when profiling, and restarts *t0. */
static void phase_mark(const Sim *s, enum StepPhase phase, double *t0) {
  if (!s->profile) return;
  double t = phase_clock();
  s->profile->seconds[phase] += t - *t0;
  *t0 = t;
}

bool sim_run(Sim *s, int64_t nsteps, void (*progress)(const Sim *, void *), void *ctx) {
  int nthreads = s->team ? team_size(s->team) : 1;
  int32_t *bad = s->team ? team_scratch(s->team) : calloc((size_t)s->model->npop + 1, 4);
  if (!bad) return sim_fail(s, "out of memory");
  bool ok = true;
  int64_t last = s->step + nsteps;
  double t0 = s->profile ? phase_clock() : 0;
  for (; s->step < last && ok; s->step++) {
    if (s->stop_request && *s->stop_request) {
      s->interrupted = true;
      break;
    }
    s->t = (double)s->step * s->opt.dt;
    for (int64_t k = 0; k < s->model->npop; k++) {
      select_input_rows(s, &s->pops[k]);
      bad[k] = 0;
    }
    if (!monitors_before_step(s)) { ok = false; break; }
    phase_mark(s, PHASE_MONITORS, &t0);
    if (!plasticity_every(s) || !drives_prepare(s)) { ok = false; break; }
    if (s->team)
      team_run(s, parallel_integrate);
    else
      integrate_range(s, 0, 1, bad);
    phase_mark(s, PHASE_INTEGRATE, &t0);
    for (int64_t k = 0; k < s->model->npop; k++) {
      if (bad[k]) {
        report_non_finite(s, &s->pops[k]);
        ok = false;
      }
    }
    if (!ok || !plasticity_clock(s) || !collect_spikes(s, nthreads)) { ok = false; break; }
    phase_mark(s, PHASE_COLLECT, &t0);
    if (s->team)
      team_run(s, parallel_route);
    else
      route_spikes(s, 0, 1);
    if (!plasticity_events(s) || !modulators_step(s)) { ok = false; break; }
    phase_mark(s, PHASE_ROUTE, &t0);
    if (!monitors_after_step(s)) { ok = false; break; }
    phase_mark(s, PHASE_MONITORS, &t0);
    if (!guard_after_step(s)) { ok = false; s->step++; break; }
    if (progress && (s->step & 1023) == 0) progress(s, ctx);
  }
  if (!s->team) free(bad);
  return ok && !s->failed;
}

void sim_free(Sim *s) {
  if (s->team) team_stop(s);
  for (int64_t k = 0; s->projs && k < s->model->nproj; k++) {
    plasticity_free(&s->projs[k]);
    network_free(&s->projs[k]);
  }
  for (int64_t k = 0; s->pops && k < s->model->npop; k++) {
    RtPop *p = &s->pops[k];
    for (int64_t q = 0; p->state && q < p->desc->nstate; q++) sim_release(p->state[q]);
    for (int64_t q = 0; p->input && q < p->desc->ninput; q++) sim_release(p->input[q]);
    free(p->state);
    free(p->input);
    free(p->input_row);
    sim_release(p->refractory);
    sim_release(p->spiked);
    sim_release(p->coef);
    free(p->spikes.items);
    for (int t = 0; p->part && t < s->nthreads; t++) free(p->part[t].list.items);
    free(p->part);
    free(p->next_spike);
    free(p->drawn);
    free(p->rate);
  }
  /* Before the populations go: it frees their spike-count windows. */
  modulators_free(s);
  drives_free(s);
  free(s->pops);
  free(s->projs);
  free(s->param);
  free(s->param_fixed);
  free(s->guard_counts);
  s->guard_counts = NULL;
  s->param_fixed = NULL;
  s->pops = NULL;
  s->projs = NULL;
  s->param = NULL;
}
