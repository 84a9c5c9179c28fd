/*
** stepper_access.c: the stepping API (snnrt_sim.h), second half: names,
** sizes, state variables and synaptic values, input for the next step,
** and the spikes of the last step.
**
** Values cross the interface as SI doubles; the arrays hold the model's
** precision, so reads widen and writes round.  Every call checks its
** indices and ranges first and touches nothing when one is wrong; writes
** check that every value is finite before writing any, because the
** kernels would stop the next step on a NaN anyway, with a message about
** the model rather than about the caller.
*/
#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "stepper.h"

/* --- Checks ------------------------------------------------------------------ */

static bool check_pop(SnnSim *s, int64_t pop) {
  const SnnModel *m = s->sim.model;
  if (pop < 0 || pop >= m->npop)
    return stepper_fail(s, "model '%s' has no population %lld (it has %lld)", m->name,
                        (long long)pop, (long long)m->npop);
  return true;
}

static bool check_proj(SnnSim *s, int64_t proj) {
  const SnnModel *m = s->sim.model;
  if (proj < 0 || proj >= m->nproj)
    return stepper_fail(s, "model '%s' has no projection %lld (it has %lld)", m->name,
                        (long long)proj, (long long)m->nproj);
  return true;
}

/* Spike sources keep no state and take no input. */
static bool check_neurons(SnnSim *s, int64_t pop) {
  const SnnPopulation *d = s->sim.pops[pop].desc;
  if (d->kind != SNN_POP_NEURONS)
    return stepper_fail(s, "population '%s' is a spike source: it has no state variables or "
                        "input slots", d->name);
  return true;
}

static bool check_state_var(SnnSim *s, int64_t pop, int64_t var) {
  if (!check_pop(s, pop) || !check_neurons(s, pop)) return false;
  const SnnPopulation *d = s->sim.pops[pop].desc;
  if (var < 0 || var >= d->nstate)
    return stepper_fail(s, "population '%s' has no state variable %lld (it has %lld)", d->name,
                        (long long)var, (long long)d->nstate);
  return true;
}

static bool check_slot(SnnSim *s, int64_t pop, int64_t slot) {
  if (!check_pop(s, pop) || !check_neurons(s, pop)) return false;
  const SnnPopulation *d = s->sim.pops[pop].desc;
  if (slot < 0 || slot >= d->ninput)
    return stepper_fail(s, "population '%s' has no input slot %lld (it has %lld)", d->name,
                        (long long)slot, (long long)d->ninput);
  return true;
}

static bool check_value(SnnSim *s, int64_t proj, int64_t value) {
  if (!check_proj(s, proj)) return false;
  const SnnProjection *d = s->sim.projs[proj].desc;
  if (value < 0 || value >= d->nvalue)
    return stepper_fail(s, "projection '%s' has no synaptic value %lld (it stores %lld per "
                        "synapse)", d->name, (long long)value, (long long)d->nvalue);
  return true;
}

/* [lo, hi) within n items of `owner`, and a buffer for them. */
static bool check_range(SnnSim *s, const char *kind, const char *owner, const char *items,
                        int64_t lo, int64_t hi, int64_t n, const void *buffer) {
  if (lo < 0 || lo > hi || hi > n)
    return stepper_fail(s, "%s '%s': [%lld, %lld) is not a range of its %lld %s", kind, owner,
                        (long long)lo, (long long)hi, (long long)n, items);
  if (hi > lo && !buffer) return stepper_fail(s, "%s '%s': no buffer given", kind, owner);
  return true;
}

static bool check_neuron_range(SnnSim *s, int64_t pop, int64_t lo, int64_t hi, const void *buf) {
  const RtPop *p = &s->sim.pops[pop];
  return check_range(s, "population", p->desc->name, "neurons", lo, hi, p->size, buf);
}

static bool check_synapse_range(SnnSim *s, int64_t proj, int64_t lo, int64_t hi,
                                const void *buf) {
  const RtProj *p = &s->sim.projs[proj];
  return check_range(s, "projection", p->desc->name, "synapses", lo, hi, p->nsyn, buf);
}

/* Refuses a write with a value that is not finite, naming the first. */
static bool check_finite(SnnSim *s, const char *kind, const char *owner, const char *var,
                         const char *item, int64_t lo, int64_t hi, const double *in) {
  for (int64_t i = lo; i < hi; i++)
    if (!isfinite(in[i - lo]))
      return stepper_fail(s, "%s '%s', '%s': the value for %s %lld is %g; values must be "
                          "finite", kind, owner, var, item, (long long)i, in[i - lo]);
  return true;
}

/* --- Reals in the model's precision -------------------------------------------- */

static void read_reals(const SnnSim *s, const void *array, int64_t lo, int64_t hi, double *out) {
  for (int64_t i = lo; i < hi; i++)
    out[i - lo] = s->sim.real_size == 8 ? ((const double *)array)[i] : ((const float *)array)[i];
}

static void write_reals(const SnnSim *s, void *array, int64_t lo, int64_t hi, const double *in) {
  for (int64_t i = lo; i < hi; i++) {
    if (s->sim.real_size == 8)
      ((double *)array)[i] = in[i - lo];
    else
      ((float *)array)[i] = (float)in[i - lo];
  }
}

static void add_reals(const SnnSim *s, void *array, int64_t lo, int64_t hi, const double *in) {
  for (int64_t i = lo; i < hi; i++) {
    if (s->sim.real_size == 8)
      ((double *)array)[i] += in[i - lo];
    else
      ((float *)array)[i] += (float)in[i - lo];
  }
}

/* --- Names and sizes ------------------------------------------------------------- */

static int64_t find_variable(const SnnVariable *vars, int64_t n, const char *name) {
  for (int64_t k = 0; k < n; k++)
    if (strcmp(vars[k].name, name) == 0) return k;
  return -1;
}

/* Whether two names are the same once spaces are left out ("E->I", "E -> I"). */
static bool same_name_but_spaces(const char *a, const char *b) {
  for (;;) {
    while (isspace((unsigned char)*a)) a++;
    while (isspace((unsigned char)*b)) b++;
    if (*a != *b) return false;
    if (!*a) return true;
    a++;
    b++;
  }
}

int64_t snnrt_sim_population(SnnSim *s, const char *name) {
  if (!s) return -1;
  const SnnModel *m = s->sim.model;
  for (int64_t k = 0; name && k < m->npop; k++)
    if (strcmp(m->pop[k].name, name) == 0) return k;
  stepper_fail(s, "model '%s' has no population named '%s'", m->name, name ? name : "(null)");
  return -1;
}

int64_t snnrt_sim_state_var(SnnSim *s, int64_t pop, const char *name) {
  if (!s || !check_pop(s, pop)) return -1;
  const SnnPopulation *d = &s->sim.model->pop[pop];
  int64_t k = name ? find_variable(d->state, d->nstate, name) : -1;
  if (k < 0)
    stepper_fail(s, "population '%s' has no state variable named '%s'", d->name,
                 name ? name : "(null)");
  return k;
}

int64_t snnrt_sim_input_slot(SnnSim *s, int64_t pop, const char *name) {
  if (!s || !check_pop(s, pop)) return -1;
  const SnnPopulation *d = &s->sim.model->pop[pop];
  int64_t k = name ? find_variable(d->input, d->ninput, name) : -1;
  if (k < 0)
    stepper_fail(s, "population '%s' has no input slot named '%s'", d->name,
                 name ? name : "(null)");
  return k;
}

int64_t snnrt_sim_projection(SnnSim *s, const char *name) {
  if (!s) return -1;
  const SnnModel *m = s->sim.model;
  int64_t found = -1, matches = 0;
  for (int64_t k = 0; name && k < m->nproj; k++) {
    if (!same_name_but_spaces(m->proj[k].name, name)) continue;
    if (found < 0) found = k;
    matches++;
  }
  if (matches == 1) return found;
  if (matches > 1)
    stepper_fail(s, "model '%s' has %lld projections named '%s'; tell them apart by index "
                 "(snnrt_sim_model lists them)", m->name, (long long)matches, name);
  else
    stepper_fail(s, "model '%s' has no projection named '%s'", m->name, name ? name : "(null)");
  return -1;
}

int64_t snnrt_sim_synaptic_value(SnnSim *s, int64_t proj, const char *name) {
  if (!s || !check_proj(s, proj)) return -1;
  const SnnProjection *d = &s->sim.model->proj[proj];
  int64_t k = name ? find_variable(d->value, d->nvalue, name) : -1;
  if (k < 0)
    stepper_fail(s, "projection '%s' stores no synaptic value named '%s'", d->name,
                 name ? name : "(null)");
  return k;
}

int64_t snnrt_sim_population_size(SnnSim *s, int64_t pop) {
  if (!s || !check_pop(s, pop)) return -1;
  return s->sim.pops[pop].size;
}

int64_t snnrt_sim_synapse_count(SnnSim *s, int64_t proj) {
  if (!s || !check_proj(s, proj)) return -1;
  return s->sim.projs[proj].nsyn;
}

/* --- State and synapses ------------------------------------------------------ */

bool snnrt_sim_read_state(SnnSim *s, int64_t pop, int64_t var, int64_t lo, int64_t hi,
                          double *out) {
  if (!s || !check_state_var(s, pop, var) || !check_neuron_range(s, pop, lo, hi, out))
    return false;
  read_reals(s, s->sim.pops[pop].state[var], lo, hi, out);
  return true;
}

bool snnrt_sim_write_state(SnnSim *s, int64_t pop, int64_t var, int64_t lo, int64_t hi,
                           const double *in) {
  if (!s || !check_state_var(s, pop, var) || !check_neuron_range(s, pop, lo, hi, in))
    return false;
  const RtPop *p = &s->sim.pops[pop];
  if (!check_finite(s, "population", p->desc->name, p->desc->state[var].name, "neuron", lo, hi,
                    in))
    return false;
  write_reals(s, p->state[var], lo, hi, in);
  return true;
}

bool snnrt_sim_read_synapses(SnnSim *s, int64_t proj, int64_t value, int64_t lo, int64_t hi,
                             double *out) {
  if (!s || !check_value(s, proj, value) || !check_synapse_range(s, proj, lo, hi, out))
    return false;
  read_reals(s, s->sim.projs[proj].value[value], lo, hi, out);
  return true;
}

bool snnrt_sim_write_synapses(SnnSim *s, int64_t proj, int64_t value, int64_t lo, int64_t hi,
                              const double *in) {
  if (!s || !check_value(s, proj, value) || !check_synapse_range(s, proj, lo, hi, in))
    return false;
  const RtProj *p = &s->sim.projs[proj];
  if (!check_finite(s, "projection", p->desc->name, p->desc->value[value].name, "synapse", lo,
                    hi, in))
    return false;
  write_reals(s, p->value[value], lo, hi, in);
  return true;
}

/* The presynaptic neuron of synapse q: the row whose offsets enclose it. */
static int64_t row_of(const RtProj *p, int64_t q) {
  int64_t a = 0, b = p->pre->size; /* row[a] <= q < row[b] */
  while (b - a > 1) {
    int64_t mid = a + (b - a) / 2;
    if (p->row[mid] <= q) a = mid;
    else b = mid;
  }
  return a;
}

bool snnrt_sim_synapse_ends(SnnSim *s, int64_t proj, int64_t lo, int64_t hi, int32_t *pre,
                            int32_t *post) {
  if (!s || !check_proj(s, proj)) return false;
  const void *buf = pre ? (const void *)pre : (const void *)post;
  /* Either array may be left out, but not both. */
  if (!check_synapse_range(s, proj, lo, hi, buf)) return false;
  const RtProj *p = &s->sim.projs[proj];
  if (hi == lo) return true;
  int64_t i = row_of(p, lo);
  for (int64_t q = lo; q < hi; q++) {
    while (p->row[i + 1] <= q) i++;
    assert(p->row[i] <= q && q < p->row[i + 1]);
    if (pre) pre[q - lo] = (int32_t)i;
    if (post) post[q - lo] = p->target[q];
  }
  return true;
}

/* --- Input and events --------------------------------------------------------------- */

bool snnrt_sim_add_input(SnnSim *s, int64_t pop, int64_t slot, int64_t lo, int64_t hi,
                         const double *in) {
  if (!s || !check_slot(s, pop, slot) || !check_neuron_range(s, pop, lo, hi, in)) return false;
  const RtPop *p = &s->sim.pops[pop];
  if (!check_finite(s, "population", p->desc->name, p->desc->input[slot].name, "neuron", lo, hi,
                    in))
    return false;
  /* The row that the kernel of the next step reads and clears: where a
     spike of the step just done delivers with no delay (route.c). */
  int64_t row = stepper_next_step(s) % p->ring;
  void *acc = (char *)p->input[slot] + (size_t)row * (size_t)p->size * s->sim.real_size;
  add_reals(s, acc, lo, hi, in);
  return true;
}

int64_t snnrt_sim_spikes(SnnSim *s, int64_t pop, const int32_t **indices) {
  if (!s || !check_pop(s, pop)) return -1;
  const RtPop *p = &s->sim.pops[pop];
  if (!indices) {
    stepper_fail(s, "population '%s': no place given for the spike indices", p->desc->name);
    return -1;
  }
  *indices = p->spikes.items;
  return p->spikes.len;
}

int64_t snnrt_sim_spike_count(SnnSim *s, int64_t pop) {
  if (!s || !check_pop(s, pop)) return -1;
  return (int64_t)s->sim.pops[pop].total_spikes;
}
