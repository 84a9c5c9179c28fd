/*
** session.c: what an interactive session needs from a running simulation.
**
** The REPL changes a model while it runs.  A new parameter value takes
** effect without rebuilding anything (sim_refresh_params, in derive.c,
** recomputes what depends on parameters: derived parameters, propagators,
** uniform weights, delays and Poisson rates).  A new declaration or constant means a new
** compiled model and a new Sim; sim_transfer then carries the state of
** everything the two have in common (matched by name) into the new one, so
** the run continues where it stopped.
*/
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "sim.h"

int64_t snnrt_derive_params(const SnnModel *m, double *param, double dt, const bool *fixed) {
  param[m->nparam] = dt;
  /* Repeated until nothing changes: as many passes as the longest chain of
     definitions (param a = 2 * b, param b = c / d, ...). */
  for (int64_t pass = 0; pass <= m->nparam; pass++) {
    bool changed = false;
    for (int64_t k = 0; k < m->nparam; k++) {
      if (!m->param[k].derive || (fixed && fixed[k])) continue;
      double v = m->param[k].derive(param);
      if (v != param[k]) {
        param[k] = v;
        changed = true;
      }
    }
    if (!changed) break;
  }
  for (int64_t k = 0; k < m->nparam; k++)
    if (!isfinite(param[k])) return k;
  return -1;
}

/* Copies n reals between arrays of possibly different precision. */
static void copy_reals(void *to, size_t to_size, const void *from, size_t from_size, int64_t n) {
  if (to_size == from_size) {
    memcpy(to, from, (size_t)n * to_size);
    return;
  }
  for (int64_t i = 0; i < n; i++) {
    double v = from_size == 8 ? ((const double *)from)[i] : ((const float *)from)[i];
    if (to_size == 8)
      ((double *)to)[i] = v;
    else
      ((float *)to)[i] = (float)v;
  }
}

static const RtPop *find_pop(const Sim *s, const char *name, int64_t size, int64_t kind) {
  for (int64_t k = 0; k < s->model->npop; k++) {
    const RtPop *p = &s->pops[k];
    if (strcmp(p->desc->name, name) == 0 && p->size == size && p->desc->kind == kind) return p;
  }
  return NULL;
}

static int64_t find_var(const SnnVariable *vars, int64_t n, const char *name) {
  for (int64_t k = 0; k < n; k++)
    if (strcmp(vars[k].name, name) == 0) return k;
  return -1;
}

/* Pending input in the rings: the rows of the steps still to come. */
static void transfer_rings(Sim *to, RtPop *p, const Sim *from, const RtPop *q) {
  for (int64_t k = 0; k < p->desc->ninput; k++) {
    int64_t j = find_var(q->desc->input, q->desc->ninput, p->desc->input[k].name);
    if (j < 0) continue;
    int64_t rows = p->ring < q->ring ? p->ring : q->ring;
    for (int64_t r = 0; r < rows; r++) {
      int64_t step = from->step + r;
      void *dst = (char *)p->input[k] + (size_t)(step % p->ring) * (size_t)p->size * to->real_size;
      const void *src = (const char *)q->input[j] +
                        (size_t)(step % q->ring) * (size_t)q->size * from->real_size;
      copy_reals(dst, to->real_size, src, from->real_size, p->size);
    }
  }
}

static void transfer_population(Sim *to, RtPop *p, const Sim *from, const RtPop *q) {
  const SnnPopulation *d = p->desc;
  /* find_pop matched them by size and kind: every copy below is p->size long. */
  assert(p->size == q->size && d->kind == q->desc->kind);
  for (int64_t k = 0; k < d->nstate; k++) {
    int64_t j = find_var(q->desc->state, q->desc->nstate, d->state[k].name);
    if (j >= 0) copy_reals(p->state[k], to->real_size, q->state[j], from->real_size, p->size);
  }
  if (p->refractory && q->refractory)
    memcpy(p->refractory, q->refractory, sizeof(int32_t) * (size_t)p->size);
  if (p->input && q->input) transfer_rings(to, p, from, q);
  if (p->next_spike && q->next_spike) {
    memcpy(p->next_spike, q->next_spike, sizeof(int64_t) * (size_t)p->size);
    memcpy(p->drawn, q->drawn, sizeof(uint64_t) * (size_t)p->size);
  }
  p->cursor = q->cursor;
  p->total_spikes = q->total_spikes;
}

static double real_at(const void *array, size_t size, int64_t i) {
  return size == 8 ? ((const double *)array)[i] : ((const float *)array)[i];
}

static void set_real(void *array, size_t size, int64_t i, double v) {
  if (size == 8) ((double *)array)[i] = v;
  else ((float *)array)[i] = (float)v;
}

/* Where a synaptic variable of `q` named `name` is kept: 0 per synapse,
   1 per presynaptic, 2 per postsynaptic neuron; its array, or NULL. */
static const void *find_synaptic(const RtProj *q, const char *name, int *where) {
  const SnnProjection *d = q->desc;
  int64_t k;
  if ((k = find_var(d->value, d->nvalue, name)) >= 0) { *where = 0; return q->value[k]; }
  if ((k = find_var(d->pre_value, d->npre_value, name)) >= 0) { *where = 1; return q->pre_value[k]; }
  if ((k = find_var(d->post_value, d->npost_value, name)) >= 0) { *where = 2; return q->post_value[k]; }
  return NULL;
}

/* One synaptic variable, from however `from` kept it to however `to` does
   (a value kept per neuron is the value of each of its synapses). */
static void transfer_variable(Sim *to, RtProj *p, void *dst, int dst_where, const Sim *from,
                              const RtProj *q, const void *src, int src_where) {
  size_t ts = to->real_size, fs = from->real_size;
  if (dst_where == src_where) {
    int64_t n = dst_where == 0 ? p->nsyn : dst_where == 1 ? p->pre->size : p->post->size;
    copy_reals(dst, ts, src, fs, n);
    return;
  }
  if (dst_where == 0) {
    for (int64_t i = 0; i < p->pre->size; i++)
      for (int64_t s = p->row[i]; s < p->row[i + 1]; s++)
        set_real(dst, ts, s, real_at(src, fs, src_where == 1 ? i : q->target[s]));
    return;
  }
  /* Kept per neuron now: take it from one synapse of the neuron. */
  for (int64_t s = 0; s < q->nsyn; s++) {
    int64_t neuron = dst_where == 1 ? snnrt_row_of(q->row, q->pre->size, s) : q->target[s];
    set_real(dst, ts, neuron, real_at(src, fs, src_where == 0 ? s :
                                      src_where == 1 ? neuron : q->target[s]));
  }
}

static void transfer_synapses(Sim *to, RtProj *p, const Sim *from, const RtProj *q) {
  const SnnProjection *d = p->desc;
  for (int where = 0; where < 3; where++) {
    int64_t n = where == 0 ? d->nvalue : where == 1 ? d->npre_value : d->npost_value;
    const SnnVariable *vars = where == 0 ? d->value : where == 1 ? d->pre_value : d->post_value;
    void **arrays = where == 0 ? p->value : where == 1 ? p->pre_value : p->post_value;
    for (int64_t v = 0; v < n; v++) {
      int src_where;
      const void *src = find_synaptic(q, vars[v].name, &src_where);
      if (src) transfer_variable(to, p, arrays[v], where, from, q, src, src_where);
    }
  }
  /* The clocks of lazy variables, and spikes still on their way. */
  if (p->last_pre && q->last_pre) memcpy(p->last_pre, q->last_pre, sizeof(int64_t) * (size_t)p->pre->size);
  if (p->last_post && q->last_post) memcpy(p->last_post, q->last_post, sizeof(int64_t) * (size_t)p->post->size);
  if (p->last_update && q->last_update) memcpy(p->last_update, q->last_update, sizeof(int64_t) * (size_t)p->nsyn);
  p->last_every = q->last_every;
  const EventQueue *from_q = &q->events;
  EventQueue *to_q = &p->events;
  if (to_q->slots && to_q->slots == from_q->slots && !p->delay == !q->delay) {
    for (int64_t k = 0; k < to_q->slots; k++) {
      if (!from_q->len[k]) continue;
      int64_t *items = malloc(sizeof(int64_t) * (size_t)from_q->len[k]);
      if (!items) continue;
      memcpy(items, from_q->item[k], sizeof(int64_t) * (size_t)from_q->len[k]);
      free(to_q->item[k]);
      to_q->item[k] = items;
      to_q->len[k] = to_q->cap[k] = from_q->len[k];
    }
  }
}

void sim_transfer(Sim *to, const Sim *from) {
  to->step = from->step;
  to->t = from->t;
  for (int64_t k = 0; k < to->model->npop; k++) {
    RtPop *p = &to->pops[k];
    const RtPop *q = find_pop(from, p->desc->name, p->size, p->desc->kind);
    if (q) transfer_population(to, p, from, q);
  }
  /* Synapses: the same connection, built from the same seed, has the same
     synapses; carry over their values (which plasticity may have changed). */
  for (int64_t k = 0; k < to->model->nproj; k++) {
    RtProj *p = &to->projs[k];
    for (int64_t m = 0; m < from->model->nproj; m++) {
      const RtProj *q = &from->projs[m];
      if (strcmp(q->desc->name, p->desc->name) != 0 || q->nsyn != p->nsyn) continue;
      transfer_synapses(to, p, from, q);
      break;
    }
  }
}
