/*
** check_modulation.c: checking modulators and reward rules.
**
**   modulator dopamine { tau = 200 ms; baseline = 0; from VTA += 0.01 }
**   reward when spiked(A[2]) within 20 ms after spiked(A[1]): dopamine += 0.5 after uniform(1 s, 3 s)
**   reward when poisson(rate = 0.1 Hz): dopamine += 0.5
**   reward every 100 ms: dopamine += 0.01 * (rate(Out, last = 100 ms) - 10 Hz) / Hz
**
** A modulator is a global quantity with a unit (dimensionless unless given)
** that decays to its baseline with its time constant.  Its unit is known
** before any neuron or synapse code is checked, since they may read it;
** its members and the reward rules, which name populations, are checked
** with the network.
*/
#include <math.h>
#include <string.h>

#include "check.h"

void check_modulator_units(Checker *c) {
  for (int k = 0; k < c->m->modulators.len; k++) {
    Modulator *md = c->m->modulators.items[k];
    Symbol *s = md->sym;
    s->dim = dim_none();
    if (md->decl->unit) check_unit_symbol(c, s);
    s->checked = true;
  }
}

Population *named_population(Checker *c, const char *name, Span span) {
  Symbol *s = scope_lookup(&c->m->globals, name);
  if (!s) {
    report_unknown_name(c, span, name, "population");
    return NULL;
  }
  if (s->kind != SYM_POPULATION) {
    char what[64];
    diag_error(c->d, span, "'%s' is %s, not a population", name,
               symbol_description(s, what, sizeof what));
    return NULL;
  }
  s->used = true;
  return s->of.population;
}

static void check_modulator(Checker *c, Modulator *md) {
  Dim hz = dim_div(dim_none(), dim_time());
  (void)hz;
  for (Decl *m = md->decl->members; m; m = m->next) {
    if (m->kind == D_ALIAS && (strcmp(m->name, "tau") == 0 || strcmp(m->name, "baseline") == 0)) {
      bool tau = m->name[0] == 't';
      Expr **slot = tau ? &md->tau : &md->baseline;
      if (*slot) {
        diag_error(c->d, m->span, "modulator '%s' already has a %s", md->name, m->name);
        continue;
      }
      *slot = m->value;
      SavedContext saved = enter_context(c, &c->m->globals, EF_PARAMS,
                                         tau ? "in a modulator's time constant" :
                                         "in a modulator's baseline");
      char what[96];
      snprintf(what, sizeof what, "the %s of modulator '%s'", tau ? "time constant" : "baseline",
               md->name);
      if (check_number_dim(c, m->value, tau ? dim_time() : md->sym->dim, what) && tau &&
          m->value->is_const && m->value->cval <= 0)
        diag_error(c->d, m->value->span, "the time constant of a modulator must be positive");
      leave_context(c, saved);
    } else if (m->kind == D_MOD_SOURCE) {
      ModSource *src = arena_alloc(c->a, sizeof *src);
      src->decl = m;
      src->pop = named_population(c, m->name, m->name_span);
      src->amount = m->value;
      SavedContext saved = enter_context(c, &c->m->globals, EF_PARAMS, "in a modulator's source");
      char what[96];
      snprintf(what, sizeof what, "what a spike adds to '%s'", md->name);
      check_number_dim(c, m->value, md->sym->dim, what);
      leave_context(c, saved);
      if (src->pop) vec_push(&md->sources, src);
    } else {
      diag_error(c->d, m->span, "a modulator block has 'tau = ...', 'baseline = ...' and "
                 "'from POPULATION += amount' (what each spike adds)");
    }
  }
  if (!md->tau)
    diag_error(c->d, md->decl->name_span, "modulator '%s' needs a time constant, as in "
               "'modulator %s { tau = 200 ms }'", md->name, md->name);
}

/* spiked(P) or spiked(P[k]) */
static bool spike_end(Checker *c, Expr *e, SpikeEnd *out) {
  e = expr_strip(e);
  if (e->kind != EX_CALL || strcmp(e->text, "spiked") != 0 || !e->args || e->args->next) {
    diag_error(c->d, e->span, "a reward condition is spiked(P), spiked(P[k]), spiked(P[k]) "
               "within W after spiked(Q[m]), or poisson(rate = R)");
    return false;
  }
  Expr *a = expr_strip(e->args);
  Expr *name = a->kind == EX_INDEX ? expr_strip(a->lhs) : a;
  if (name->kind != EX_NAME || (a->kind == EX_INDEX && a->is_slice)) {
    diag_error(c->d, a->span, "spiked() takes a population or one of its neurons, as in "
               "spiked(A) or spiked(A[3])");
    return false;
  }
  out->pop = named_population(c, name->text, name->span);
  out->neuron = -1;
  if (!out->pop) return false;
  if (a->kind != EX_INDEX) return true;
  SavedContext saved = enter_context(c, &c->m->globals, 0, "as a neuron index");
  bool ok = check_number_dim(c, a->rhs, dim_none(), "a neuron index") &&
            require_const(c, a->rhs, "a neuron index");
  leave_context(c, saved);
  if (!ok) return false;
  double k = a->rhs->cval;
  if (k != floor(k) || k < 0 || k >= (double)out->pop->size) {
    diag_error(c->d, a->rhs->span, "neuron index %g is outside 0 .. %lld of '%s'", k,
               (long long)out->pop->size - 1, out->pop->name);
    return false;
  }
  out->neuron = (int64_t)k;
  return true;
}

/* poisson(rate = R) */
static bool poisson_condition(Checker *c, Expr *e, RewardRule *r) {
  e = expr_strip(e);
  if (e->kind != EX_CALL || strcmp(e->text, "poisson") != 0) return false;
  if (!e->args || e->args->next || !e->args->arg_name || strcmp(e->args->arg_name, "rate") != 0) {
    diag_error(c->d, e->span, "poisson() in a reward takes 'rate = R', as in poisson(rate = "
               "0.1 Hz)");
    return true;
  }
  SavedContext saved = enter_context(c, &c->m->globals, EF_PARAMS, "in a reward's rate");
  Dim hz = dim_div(dim_none(), dim_time());
  if (check_number_dim(c, e->args, hz, "a reward's rate") && e->args->is_const &&
      e->args->cval < 0)
    diag_error(c->d, e->args->span, "a rate cannot be negative");
  leave_context(c, saved);
  r->kind = REWARD_POISSON;
  r->rate = e->args;
  return true;
}

static void check_reward_condition(Checker *c, Decl *d, RewardRule *r) {
  if (strcmp(d->type_name, "every") == 0) {
    r->kind = REWARD_EVERY;
    SavedContext saved = enter_context(c, &c->m->globals, 0, "in a reward's interval");
    if (check_number_dim(c, d->value, dim_time(), "a reward's interval") &&
        require_const(c, d->value, "a reward's interval")) {
      double k = d->value->cval / c->m->dt;
      if (d->value->cval <= 0)
        diag_error(c->d, d->value->span, "a reward's interval must be positive");
      else if (k < 1 - 1e-9 || fabs(k - (double)llround(k)) > 1e-6 * k)
        diag_error(c->d, d->value->span, "the interval of a reward (%g ms) is not a whole "
                   "number of time steps of %g ms", d->value->cval * 1e3, c->m->dt * 1e3);
      r->interval = d->value->cval;
    }
    leave_context(c, saved);
    return;
  }
  if (!d->window && poisson_condition(c, d->value, r)) return;
  r->kind = d->window ? REWARD_PAIR : REWARD_SPIKE;
  spike_end(c, d->value, &r->spike);
  if (!d->window) return;
  spike_end(c, d->since, &r->since);
  SavedContext saved = enter_context(c, &c->m->globals, 0, "in a reward's window");
  if (check_number_dim(c, d->window, dim_time(), "a reward's window") &&
      require_const(c, d->window, "a reward's window")) {
    if (d->window->cval <= 0)
      diag_error(c->d, d->window->span, "a reward's window must be positive");
    r->window = d->window->cval;
  }
  leave_context(c, saved);
}

static void check_reward(Checker *c, Decl *d) {
  RewardRule *r = arena_alloc(c->a, sizeof *r);
  r->decl = d;
  check_reward_condition(c, d, r);
  Stmt *st = d->body;
  Expr *t = expr_strip(st->target);
  Symbol *s = t->kind == EX_NAME ? scope_lookup(&c->m->globals, t->text) : NULL;
  if (!s || s->kind != SYM_MODULATOR) {
    if (t->kind == EX_NAME && !s)
      report_unknown_name(c, t->span, t->text, "modulator");
    else
      diag_error(c->d, t->span, "a reward changes a modulator, as in 'dopamine += 0.5'");
    return;
  }
  t->sym = s;
  s->used = true;
  r->target = c->m->modulators.items[s->index];
  if (st->op != AS_ADD && st->op != AS_SUB) {
    diag_error(c->d, st->span, "a reward adds to a modulator with += (or takes away with -=)");
    return;
  }
  r->subtract = st->op == AS_SUB;
  SavedContext saved = enter_context(c, &c->m->globals, EF_PARAMS | EF_TIME | EF_RANDOM |
                                     EF_REWARD, "in a reward");
  char what[96];
  snprintf(what, sizeof what, "what the reward adds to '%s'", s->name);
  check_number_dim(c, st->value, s->dim, what);
  r->amount = st->value;
  if (st->delay) {
    c->context = "in a reward's delay";
    if (check_number_dim(c, st->delay, dim_time(), "a reward's delay") &&
        st->delay->is_const && st->delay->cval < 0)
      diag_error(c->d, st->delay->span, "a reward's delay cannot be negative");
    r->delay = st->delay;
  }
  leave_context(c, saved);
  r->index = c->m->rewards.len;
  vec_push(&c->m->rewards, r);
}

void check_modulation(Checker *c) {
  for (int k = 0; k < c->m->modulators.len; k++) check_modulator(c, c->m->modulators.items[k]);
  for (Module *mod = c->m->modules; mod; mod = mod->next)
    for (Decl *d = mod->instances ? mod->items : NULL; d; d = d->next)
      if (d->kind == D_REWARD && strcmp(d->type_name, "environment") != 0) check_reward(c, d);
}
