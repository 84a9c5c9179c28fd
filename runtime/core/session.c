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
      for (int64_t v = 0; v < p->desc->nvalue; v++) {
        int64_t j = find_var(q->desc->value, q->desc->nvalue, p->desc->value[v].name);
        if (j >= 0) copy_reals(p->value[v], to->real_size, q->value[j], from->real_size, p->nsyn);
      }
      break;
    }
  }
}
