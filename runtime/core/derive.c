/*
** derive.c: every value the runtime computes from the parameters and the
** time step, in one place.
**
** A run computes these when it starts, and again whenever a parameter
** changes while it runs (`set` at the REPL prompt): the time step's slot
** and the derived parameters of the table, each population's exact
** propagators and constant Poisson rates, each projection's uniform
** weights and constant delay, the modulators' decay factors and baselines
** and the rates of random rewards (learn/modulators.c).  Every one of them is checked here, so a
** value that is NaN or infinite after `--set` is refused with the name of
** the object it belongs to, whether it is met at the start of a run or in
** the middle of one.
**
** Per-synapse initial values and delays are drawn once, when the network
** is built (network.c), and are not recomputed: plasticity may have changed
** them since.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim.h"
#include "units.h"

bool derive_params(Sim *s) {
  const SnnModel *m = s->model;
  int64_t bad = snnrt_derive_params(m, s->param, s->opt.dt, s->param_fixed);
  if (bad >= 0)
    return sim_fail(s, "parameter '%s' is %g; check the parameters it is computed from",
                    m->param[bad].name, s->param[bad]);
  return true;
}

/* Whether parameter k is a time (the exponent of seconds is 1, the rest 0). */
static bool is_time(const SnnParam *p) {
  for (int q = 0; q < DIM_COUNT; q++) {
    int e = (int)((p->dim >> (8 * q)) & 0xff) - 64;
    if (e != (q == DIM_TIME ? 1 : 0)) return false;
  }
  return true;
}

/* The parameters that most likely broke a population's propagators: its
   own that are 0 or not finite, and any time (its own or global) that is
   not positive; appended to `out` as "C_m = 0 pF, ...". */
static void suspects(const Sim *s, const SnnPopulation *d, char *out, size_t len) {
  const SnnModel *m = s->model;
  size_t prefix = strlen(d->name), used = 0;
  out[0] = 0;
  for (int64_t k = 0; k < m->nparam && used + 64 < len; k++) {
    const SnnParam *p = &m->param[k];
    bool own = strncmp(p->name, d->name, prefix) == 0 && p->name[prefix] == '.';
    bool global = strchr(p->name, '.') == NULL;
    double v = s->param[k];
    bool bad = (own && (v == 0 || !isfinite(v))) || ((own || global) && is_time(p) && !(v > 0));
    if (!bad) continue;
    int n = snprintf(out + used, len - used, "%s%s = %g %s", used ? ", " : "", p->name,
                     v / p->unit_scale, strcmp(p->unit, "1") ? p->unit : "");
    if (n > 0) used += (size_t)n < len - used ? (size_t)n : len - used - 1;
  }
}

/* The exact propagators of a neuron population. */
static bool derive_propagators(Sim *s, RtPop *p) {
  const SnnPopulation *d = p->desc;
  if (!d->coef) return true;
  bool failed = d->coef(s->param, s->param + d->param_base, s->opt.dt, p->coef) != 0;
  for (int64_t k = 0; !failed && k < d->ncoef; k++) failed = !isfinite(p->coef[k]);
  if (!failed) return true;
  char why[256];
  suspects(s, d, why, sizeof why);
  if (why[0])
    return sim_fail(s, "population '%s': cannot compute the exact propagators for dt = %g ms: "
                    "its equations divide by zero or are not finite with %s", d->name,
                    s->opt.dt * 1e3, why);
  return sim_fail(s, "population '%s': cannot compute the exact propagators for dt = %g ms; "
                  "check its time constants", d->name, s->opt.dt * 1e3);
}

/* The per-neuron rates of a Poisson source whose rate does not depend on t. */
static bool derive_rates(Sim *s, RtPop *p) {
  const SnnPopulation *d = p->desc;
  if (d->rate_varies) return true;
  for (int64_t i = 0; i < p->size; i++) {
    double r = d->rate(s->param, s->t, i);
    if (!(r >= 0) || !isfinite(r))
      return sim_fail(s, "input '%s': the rate of neuron %lld is %g Hz; it must be finite and "
                      "not negative", d->name, (long long)i, r);
    p->rate[i] = r;
  }
  return true;
}

bool derive_population(Sim *s, RtPop *p) {
  switch (p->desc->kind) {
  case SNN_POP_NEURONS: return derive_propagators(s, p);
  case SNN_POP_POISSON: return derive_rates(s, p);
  default: return true;
  }
}

bool derive_projection(Sim *s, RtProj *p, bool building) {
  const SnnProjection *d = p->desc;
  for (int64_t k = 0; k < d->nadditive; k++) {
    if (d->additive[k].value >= 0) continue;
    double w = d->additive[k].weight(s->param);
    if (!isfinite(w))
      return sim_fail(s, "projection '%s': the synaptic weight is %g; check the parameters it "
                      "is computed from", d->name, w);
    p->weight[k] = w;
  }
  if (!building && !plasticity_derive(s, p)) return false;
  if (d->delay_kind != SNN_DELAY_CONSTANT) return true;
  double delay = d->delay(s->param);
  double steps = delay / s->opt.dt;
  if (!(steps >= 0) || steps > SNN_MAX_DELAY_STEPS)
    return sim_fail(s, "projection '%s': the delay %g ms is negative or longer than %d steps",
                    d->name, delay * 1e3, SNN_MAX_DELAY_STEPS);
  int64_t whole = (int64_t)llround(steps);
  if (building) {
    p->max_delay = whole;
  } else if (whole > p->max_delay) {
    return sim_fail(s, "projection '%s': the new delay (%g ms) is longer than the delays the "
                    "network was built with; 'reset' rebuilds it", d->name, delay * 1e3);
  }
  p->delay_steps = whole;
  return true;
}

bool sim_refresh_params(Sim *s) {
  if (!derive_params(s)) return false;
  for (int64_t k = 0; k < s->model->npop; k++)
    if (!derive_population(s, &s->pops[k])) return false;
  for (int64_t k = 0; k < s->model->nproj; k++)
    if (!derive_projection(s, &s->projs[k], false)) return false;
  return modulators_derive(s);
}
