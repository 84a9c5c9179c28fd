/*
** plasticity.c: running the synapse code of projections.
**
** What generated synapse code needs at run time, and when it runs within a
** step (docs/language.md, section 15, gives the semantics):
**   - at the start of a step, before the neurons are integrated: the every
**     blocks due (each at steps 0, k, 2k, ... for an interval of k steps);
**   - after the neurons: one step of the clock-driven synaptic equations;
**   - after the spikes of the step are known and sums delivered: on_pre for
**     every spike whose delay is due (the delay is axonal: the code runs
**     when the spike arrives), in order of projections and then of spikes;
**     then on_post for every spike of a target neuron, in the same order.
**     So within one step every on_pre runs before any on_post, as in Brian2.
** All of it runs on one thread, in an order fixed by the model, which is
** why plastic runs give the same weights whatever the number of threads.
**
** A spike's on_pre is one call per row (all synapses of the neuron) when
** the projection has one delay, queued under its arrival step; with delays
** that differ per synapse, one call per synapse.  on_post walks the post
** index: for each target neuron, the numbers of the synapses onto it, in
** the order of their presynaptic neurons (4 bytes per synapse, built only
** for projections with on_post code), and finds each one's presynaptic
** neuron from a coarse table of rows (build_row_blocks).
*/
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

/* --- Setting up ----------------------------------------------------------------- */

static void **alloc_values(Sim *s, int64_t nvalue, int64_t n) {
  void **v = calloc((size_t)nvalue + 1, sizeof(void *));
  if (!v) return NULL;
  for (int64_t k = 0; k < nvalue; k++) {
    v[k] = sim_alloc((size_t)n * s->real_size + 1);
    if (!v[k]) {
      for (int64_t q = 0; q < k; q++) sim_release(v[q]);
      free(v);
      return NULL;
    }
  }
  return v;
}

/* on_post needs the presynaptic neuron of each synapse it visits.  Rather
   than 4 bytes per synapse, the row of every 2^shift-th synapse, with
   2^shift about the mean row length (at least 4): the row of synapse q is
   then row_block[q >> shift] or one of the few after it. */
int64_t plasticity_block_shift(int64_t npre, int64_t nsyn) {
  int64_t shift = 2;
  while (shift < 16 && ((int64_t)2 << shift) * npre <= nsyn) shift++;
  return shift;
}

void plasticity_row_blocks(const int64_t *row, int64_t npre, int64_t shift, int32_t *out) {
  int64_t nblock = (row[npre] >> shift) + 1, b = 0;
  for (int64_t i = 0; i < npre; i++)
    for (; b < nblock && (b << shift) < row[i + 1]; b++) out[b] = (int32_t)i;
  /* The block past the last synapse (no synapse looks it up). */
  for (; b < nblock; b++) out[b] = (int32_t)(npre > 0 ? npre - 1 : 0);
}

static bool build_row_blocks(Sim *s, RtProj *p) {
  p->block_shift = plasticity_block_shift(p->pre->size, p->nsyn);
  p->row_block = malloc(sizeof(int32_t) * (size_t)((p->nsyn >> p->block_shift) + 1));
  if (!p->row_block)
    return sim_fail(s, "out of memory for the post index of projection '%s'", p->desc->name);
  plasticity_row_blocks(p->row, p->pre->size, p->block_shift, p->row_block);
  return true;
}

/* Synapse numbers by target neuron, each target's in increasing order
   (which is increasing presynaptic neuron): a counting sort of the rows. */
static bool build_post_index(Sim *s, RtProj *p) {
  int64_t npost = p->post->size;
  if (p->nsyn > INT32_MAX)
    return sim_fail(s, "projection '%s': %lld synapses are too many for on_post code (at most "
                    "%d)", p->desc->name, (long long)p->nsyn, INT32_MAX);
  p->post_row = calloc((size_t)npost + 1, sizeof(int64_t));
  p->post_syn = malloc(sizeof(int32_t) * (size_t)(p->nsyn + 1));
  int64_t *fill = calloc((size_t)npost + 1, sizeof(int64_t));
  if (!p->post_row || !p->post_syn || !fill) {
    free(fill);
    return sim_fail(s, "out of memory for the post index of projection '%s'", p->desc->name);
  }
  for (int64_t q = 0; q < p->nsyn; q++) p->post_row[p->target[q] + 1]++;
  for (int64_t j = 0; j < npost; j++) p->post_row[j + 1] += p->post_row[j];
  memcpy(fill, p->post_row, sizeof(int64_t) * (size_t)npost);
  for (int64_t q = 0; q < p->nsyn; q++) p->post_syn[fill[p->target[q]]++] = (int32_t)q;
  free(fill);
  assert(p->post_row[npost] == p->nsyn);
  return build_row_blocks(s, p);
}

static bool prepare_queue(Sim *s, RtProj *p) {
  EventQueue *q = &p->events;
  q->slots = p->max_delay + 1;
  q->len = calloc((size_t)q->slots, sizeof(int64_t));
  q->cap = calloc((size_t)q->slots, sizeof(int64_t));
  q->item = calloc((size_t)q->slots, sizeof(int64_t *));
  if (!q->len || !q->cap || !q->item) return sim_fail(s, "out of memory");
  if (!p->delay) return true;
  p->pre_of = malloc(sizeof(int32_t) * (size_t)(p->nsyn + 1));
  if (!p->pre_of) return sim_fail(s, "out of memory");
  for (int64_t i = 0; i < p->pre->size; i++)
    for (int64_t k = p->row[i]; k < p->row[i + 1]; k++) p->pre_of[k] = (int32_t)i;
  return true;
}

bool plasticity_prepare(Sim *s, RtProj *p) {
  const SnnProjection *d = p->desc;
  int64_t npre = p->pre->size, npost = p->post->size;
  bool code = d->on_pre || d->on_post || d->nevery || d->clock_step;
  if (!code) return true;
  p->pre_value = alloc_values(s, d->npre_value, npre);
  p->post_value = alloc_values(s, d->npost_value, npost);
  p->last_pre = calloc((size_t)npre + 1, sizeof(int64_t));
  p->last_post = calloc((size_t)npost + 1, sizeof(int64_t));
  p->every_steps = calloc((size_t)d->nevery + 1, sizeof(int64_t));
  if (!p->pre_value || !p->post_value || !p->last_pre || !p->last_post || !p->every_steps)
    return sim_fail(s, "out of memory for the synapse code of projection '%s'", d->name);
  if (d->ndecay) {
    p->decay = malloc(sizeof(double) * (size_t)(d->ndecay * SNN_DECAY_STRIDE));
    if (!p->decay) return sim_fail(s, "out of memory");
    if (!plasticity_derive(s, p)) return false;
  }
  if (d->synapse_clock && !(p->last_update = calloc((size_t)p->nsyn + 1, sizeof(int64_t))))
    return sim_fail(s, "out of memory for the synapse clocks of projection '%s'", d->name);
  if (d->pre_init) d->pre_init(s->param, p->pre_value, npre);
  if (d->post_init) d->post_init(s->param, p->post_value, npost);
  for (int64_t k = 0; k < d->nevery; k++) {
    double steps = d->every[k].interval / s->opt.dt;
    int64_t whole = (int64_t)(steps + 0.5);
    if (whole < 1 || steps - (double)whole > 1e-6 * steps || (double)whole - steps > 1e-6 * steps)
      return sim_fail(s, "projection '%s': the every interval of %g ms is not a whole number of "
                      "time steps of %g ms", d->name, d->every[k].interval * 1e3,
                      s->opt.dt * 1e3);
    p->every_steps[k] = whole;
  }
  if (d->post_index && !build_post_index(s, p)) return false;
  if (d->on_pre && !prepare_queue(s, p)) return false;
  size_t per_synapse = (p->post_syn ? (size_t)p->nsyn * 4 : 0) +
                       (p->last_update ? (size_t)p->nsyn * 8 : 0) +
                       (p->pre_of ? (size_t)p->nsyn * 4 : 0);
  p->synapse_bytes += per_synapse;
  p->bytes += per_synapse + (size_t)(d->npre_value * npre + d->npost_value * npost) * s->real_size +
              (size_t)(npre + npost) * sizeof(int64_t) +
              (p->post_syn ? (size_t)(npost + 1) * 8 + (size_t)((p->nsyn >> p->block_shift) + 1) * 4
                           : 0);
  return true;
}

bool plasticity_derive(Sim *s, RtProj *p) {
  const SnnProjection *d = p->desc;
  if (!d->ndecay || !p->decay) return true;
  d->decay_fill(s->param, s->opt.dt, p->decay);
  for (int64_t k = 0; k < d->ndecay * SNN_DECAY_STRIDE; k++) {
    int64_t at = k % SNN_DECAY_STRIDE;
    int64_t steps = at < SNN_DECAY_TABLE ? at : (at - SNN_DECAY_TABLE) * SNN_DECAY_TABLE;
    if (!isfinite(p->decay[k]))
      return sim_fail(s, "projection '%s': a trace or event-driven variable decays by %g over "
                      "%lld steps; check its time constant", d->name, p->decay[k],
                      (long long)steps);
  }
  return true;
}

void plasticity_free(RtProj *p) {
  const SnnProjection *d = p->desc;
  for (int64_t k = 0; p->pre_value && k < d->npre_value; k++) sim_release(p->pre_value[k]);
  for (int64_t k = 0; p->post_value && k < d->npost_value; k++) sim_release(p->post_value[k]);
  free(p->pre_value);
  free(p->post_value);
  free(p->last_pre);
  free(p->last_post);
  free(p->last_update);
  free(p->every_steps);
  free(p->decay);
  p->decay = NULL;
  free(p->post_row);
  free(p->post_syn);
  free(p->row_block);
  free(p->pre_of);
  for (int64_t k = 0; p->events.item && k < p->events.slots; k++) free(p->events.item[k]);
  free(p->events.item);
  free(p->events.len);
  free(p->events.cap);
  p->pre_value = p->post_value = NULL;
  p->last_pre = p->last_post = p->last_update = p->every_steps = p->post_row = NULL;
  p->post_syn = p->pre_of = p->row_block = NULL;
  memset(&p->events, 0, sizeof p->events);
}

/* --- Running ------------------------------------------------------------------- */

/* The arguments of a projection's synapse code for this step; post_input
   must hold the target's accumulator rows of this step. */
static SnnEventArgs event_args(const Sim *s, RtProj *p, void **post_input) {
  SnnEventArgs a;
  a.param = s->param;
  a.value = p->value;
  a.pre_value = p->pre_value;
  a.post_value = p->post_value;
  a.pre_state = p->pre->state;
  a.post_state = p->post->state;
  a.post_input = post_input;
  a.row = p->row;
  a.target = p->target;
  a.post_row = p->post_row;
  a.post_syn = p->post_syn;
  a.last_pre = p->last_pre;
  a.last_post = p->last_post;
  a.last_update = p->last_update;
  a.last_every = p->last_every;
  a.npre = p->pre->size;
  a.t = s->t;
  a.dt = s->opt.dt;
  a.seed = s->opt.seed;
  a.modulator = s->mod;
  a.modulator_add = s->mod_add;
  a.decay = p->decay;
  a.row_block = p->row_block;
  a.block_shift = p->block_shift;
  a.step = s->step;
  return a;
}

/* A synaptic value became NaN or infinite: name the first one found (per
   synapse, then per neuron) and stop the run; what was recorded stays. */
static bool report_non_finite(Sim *s, const RtProj *p) {
  const SnnProjection *d = p->desc;
  for (int64_t v = 0; v < d->nvalue; v++) {
    for (int64_t q = 0; q < p->nsyn; q++) {
      double x = s->real_size == 8 ? ((const double *)p->value[v])[q] : ((const float *)p->value[v])[q];
      if (isfinite(x)) continue;
      return sim_fail(s, "projection '%s', synapse %lld (%lld -> %d), variable '%s' became %s "
                      "at t = %g ms (step %lld); check the synapse code and its parameters",
                      d->name, (long long)q, (long long)snnrt_row_of(p->row, p->pre->size, q),
                      p->target[q], d->value[v].name, isnan(x) ? "NaN" : "infinite",
                      s->t * 1e3, (long long)s->step);
    }
  }
  for (int end = 0; end < 2; end++) {
    int64_t nvalue = end ? d->npost_value : d->npre_value, n = end ? p->post->size : p->pre->size;
    void **values = end ? p->post_value : p->pre_value;
    const SnnVariable *vars = end ? d->post_value : d->pre_value;
    for (int64_t v = 0; v < nvalue; v++) {
      for (int64_t i = 0; i < n; i++) {
        double x = s->real_size == 8 ? ((const double *)values[v])[i] : ((const float *)values[v])[i];
        if (isfinite(x)) continue;
        return sim_fail(s, "projection '%s', variable '%s' of %ssynaptic neuron %lld became %s "
                        "at t = %g ms (step %lld); check the synapse code and its parameters",
                        d->name, vars[v].name, end ? "post" : "pre", (long long)i,
                        isnan(x) ? "NaN" : "infinite", s->t * 1e3, (long long)s->step);
      }
    }
  }
  return sim_fail(s, "projection '%s' produced a non-finite synaptic value at t = %g ms", d->name,
                  s->t * 1e3);
}

/* The target's accumulator rows of this step (what `post.I += x` adds to
   in event code: it enters the next step, as a sum does). */
typedef struct InputRows {
  void *fixed[16];
  void **rows;
} InputRows;

static bool input_rows(Sim *s, const RtPop *post, InputRows *r) {
  int64_t n = post->desc->ninput;
  r->rows = n <= 16 ? r->fixed : malloc(sizeof(void *) * (size_t)n);
  if (!r->rows) return sim_fail(s, "out of memory");
  for (int64_t k = 0; k < n; k++) r->rows[k] = route_ring_row(s, post, k, 0);
  return true;
}

static void input_rows_free(InputRows *r) {
  if (r->rows != r->fixed) free(r->rows);
}

static bool queue_push(Sim *s, EventQueue *q, int64_t slot, int64_t item) {
  if (q->len[slot] == q->cap[slot]) {
    int64_t cap = q->cap[slot] ? q->cap[slot] * 2 : 64;
    int64_t *items = realloc(q->item[slot], sizeof(int64_t) * (size_t)cap);
    if (!items) return sim_fail(s, "out of memory queueing synaptic events");
    q->item[slot] = items;
    q->cap[slot] = cap;
  }
  q->item[slot][q->len[slot]++] = item;
  return true;
}

/* Queues this step's spikes of p's source under their arrival steps. */
static bool queue_spikes(Sim *s, RtProj *p) {
  EventQueue *q = &p->events;
  const IndexList *spikes = &p->pre->spikes;
  for (int64_t n = 0; n < spikes->len; n++) {
    int64_t i = spikes->items[n];
    if (!p->delay) {
      if (!queue_push(s, q, (s->step + p->delay_steps) % q->slots, i)) return false;
      continue;
    }
    for (int64_t k = p->row[i]; k < p->row[i + 1]; k++) {
      assert(p->delay[k] <= p->max_delay);
      if (!queue_push(s, q, (s->step + p->delay[k]) % q->slots, k)) return false;
    }
  }
  return true;
}

static bool run_on_pre(Sim *s, RtProj *p) {
  EventQueue *q = &p->events;
  int64_t slot = s->step % q->slots;
  if (q->len[slot] == 0) return true;
  InputRows rows;
  if (!input_rows(s, p->post, &rows)) return false;
  SnnEventArgs a = event_args(s, p, rows.rows);
  int32_t bad = 0;
  for (int64_t n = 0; n < q->len[slot]; n++) {
    int64_t item = q->item[slot][n];
    if (p->delay)
      bad |= p->desc->on_pre(&a, p->pre_of[item], item, item + 1);
    else
      bad |= p->desc->on_pre(&a, item, p->row[item], p->row[item + 1]);
  }
  q->len[slot] = 0;
  input_rows_free(&rows);
  return bad ? report_non_finite(s, p) : true;
}

static bool run_on_post(Sim *s, RtProj *p) {
  const IndexList *spikes = &p->post->spikes;
  if (spikes->len == 0) return true;
  InputRows rows;
  if (!input_rows(s, p->post, &rows)) return false;
  SnnEventArgs a = event_args(s, p, rows.rows);
  int32_t bad = 0;
  for (int64_t n = 0; n < spikes->len; n++) {
    int64_t j = spikes->items[n];
    bad |= p->desc->on_post(&a, j, p->post_row[j], p->post_row[j + 1]);
  }
  input_rows_free(&rows);
  return bad ? report_non_finite(s, p) : true;
}

bool plasticity_events(Sim *s) {
  for (int64_t k = 0; k < s->model->nproj; k++) {
    RtProj *p = &s->projs[k];
    if (!p->desc->on_pre) continue;
    if (!queue_spikes(s, p) || !run_on_pre(s, p)) return false;
  }
  for (int64_t k = 0; k < s->model->nproj; k++) {
    RtProj *p = &s->projs[k];
    if (p->desc->on_post && !run_on_post(s, p)) return false;
  }
  return true;
}

bool plasticity_every(Sim *s) {
  for (int64_t k = 0; k < s->model->nproj; k++) {
    RtProj *p = &s->projs[k];
    const SnnProjection *d = p->desc;
    bool ran = false;
    for (int64_t b = 0; b < d->nevery; b++) {
      if (s->step % p->every_steps[b] != 0) continue;
      InputRows rows;
      if (!input_rows(s, p->post, &rows)) return false;
      SnnEventArgs a = event_args(s, p, rows.rows);
      int32_t bad = d->every[b].run(&a, 0, p->pre->size);
      input_rows_free(&rows);
      if (bad) return report_non_finite(s, p);
      ran = true;
    }
    /* Every synapse is up to date now: its lazy variables' clock. */
    if (ran) p->last_every = s->step;
  }
  return true;
}

bool plasticity_clock(Sim *s) {
  for (int64_t k = 0; k < s->model->nproj; k++) {
    RtProj *p = &s->projs[k];
    if (!p->desc->clock_step) continue;
    SnnEventArgs a = event_args(s, p, NULL);
    if (p->desc->clock_step(&a, 0, p->pre->size)) return report_non_finite(s, p);
  }
  return true;
}

const SnnVariable *plasticity_value_desc(const SnnProjection *d, int64_t value) {
  assert(value >= 0 && value < d->nvalue + d->npre_value + d->npost_value);
  if (value < d->nvalue) return &d->value[value];
  value -= d->nvalue;
  return value < d->npre_value ? &d->pre_value[value] : &d->post_value[value - d->npre_value];
}

double plasticity_value(Sim *s, RtProj *p, int64_t value, int64_t syn) {
  const SnnProjection *d = p->desc;
  (void)d; /* only the assertions read it */
  assert(value >= 0 && value < d->nvalue + d->npre_value + d->npost_value);
  assert(syn >= 0 && syn < p->nsyn);
  /* A value kept per neuron, or one that decays lazily, needs the code. */
  assert(value < d->nvalue || p->desc->current);
  if (p->desc->current) {
    SnnEventArgs a = event_args(s, p, NULL);
    return p->desc->current(&a, value, syn);
  }
  return s->real_size == 8 ? ((const double *)p->value[value])[syn]
                           : ((const float *)p->value[value])[syn];
}
