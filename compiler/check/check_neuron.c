/*
** check_neuron.c: checking neuron models.
**
** Members are declared first (so an equation may use a state declared
** below it), then checked: parameters and constants, ports, initial values
** in declaration order, definitions, equations, the spike condition, the
** reset and the refractory period.  Last, the integrator is chosen
** (lower/ode.c): here, not when the model is lowered, so that a forced
** method that cannot apply is reported by `snnc check` like any other
** model error.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "ode.h"

const char *method_name(Method m) {
  static const char *names[] = {"auto", "exact", "exponential_euler", "euler", "rk2", "rk4"};
  return names[m];
}

static bool parse_method(Checker *c, Decl *d, Method *out) {
  static const struct {
    const char *name;
    Method m;
  } methods[] = {
    {"exact", METHOD_EXACT}, {"exponential_euler", METHOD_EXPONENTIAL_EULER},
    {"euler", METHOD_EULER}, {"rk2", METHOD_RK2}, {"rk4", METHOD_RK4},
  };
  for (size_t k = 0; k < sizeof methods / sizeof methods[0]; k++) {
    if (strcmp(d->type_name, methods[k].name) == 0) {
      *out = methods[k].m;
      return true;
    }
  }
  diag_error(c->d, d->type_span, "unknown integration method '%s'; choose exact, "
             "exponential_euler, euler, rk2 or rk4", d->type_name);
  return false;
}

/* method euler(substeps = 2): the step is made of k smaller steps of the
   method (only for the explicit ones: exact solutions need none). */
static void check_substeps(Checker *c, NeuronModel *n, Decl *d) {
  for (Expr *a = d->args; a; a = a->next) {
    if (!a->arg_name || strcmp(a->arg_name, "substeps") != 0) {
      diag_error(c->d, a->span, "a method takes 'substeps = K', as in method euler(substeps = 2)");
      continue;
    }
    if (n->method != METHOD_EULER && n->method != METHOD_RK2 && n->method != METHOD_RK4) {
      diag_error(c->d, a->span, "substeps apply to euler, rk2 and rk4, not to %s", d->type_name);
      continue;
    }
    SavedContext saved = enter_context(c, &c->m->globals, 0, "in the number of substeps");
    int64_t k;
    if (require_count(c, a, "the number of substeps", 1000, &k)) n->substeps = (int)k;
    leave_context(c, saved);
  }
}

/* Says where a member kind belongs when it appears in the wrong block. */
static void misplaced(Checker *c, Decl *m, const char *block) {
  const char *where;
  switch (m->kind) {
  case D_SPIKE: case D_RESET: case D_REFRACTORY: case D_PORT: where = "a neuron model"; break;
  case D_TRACE: case D_ON_PRE: case D_ON_POST: case D_EVERY: where = "a synapse model"; break;
  case D_WHERE: case D_RULE: case D_FROM: where = "a connect block"; break;
  default: where = "another block"; break;
  }
  const char *kind = decl_kind_name(m->kind);
  diag_error(c->d, m->span, "%s %s does not belong in %s; it goes in %s",
             strchr("aeio", kind[0]) ? "an" : "a", kind, block, where);
}

/* Declares a neuron or synapse member that names something. */
static Symbol *declare_member(Checker *c, Scope *scope, Decl *m, Decl *owner, int flags) {
  SymKind kind;
  switch (m->kind) {
  case D_PARAM: kind = SYM_PARAM; break;
  case D_CONST: kind = SYM_CONST; break;
  case D_STATE: kind = SYM_STATE; break;
  case D_ALIAS: kind = SYM_ALIAS; break;
  case D_PORT: kind = SYM_PORT; break;
  case D_TRACE: kind = SYM_TRACE; break;
  default: return NULL;
  }
  Symbol *s = declare(c, scope, kind, m->name, m->name_span, m);
  if (s) {
    s->owner = owner;
    s->home_flags = flags;
  }
  return s;
}

/* The state variable an equation dX/dt is about, or NULL after an error. */
static Symbol *ode_target(Checker *c, Scope *scope, Decl *ode) {
  if (strcmp(ode->type_name, "dt") != 0 || ode->name[0] != 'd' || ode->name[1] == 0) {
    diag_error(c->d, span_join(ode->name_span, ode->type_span), "the left side of an equation "
               "must be the derivative of a state variable, written dX/dt (as in dv/dt)");
    return NULL;
  }
  const char *var = ode->name + 1;
  Symbol *s = scope_find_local(scope, var);
  if (!s) {
    diag_error(c->d, ode->name_span, "'%s' is not a state variable; declare it with "
               "'state %s : <unit>'", var, var);
    return NULL;
  }
  if (s->kind != SYM_STATE && s->kind != SYM_TRACE) {
    diag_error(c->d, ode->name_span, "'%s' is a %s; only state variables have equations", var,
               sym_kind_name(s->kind));
    diag_note(c->d, s->span, "'%s' is declared here", var);
    return NULL;
  }
  return s;
}

/* Checks dX/dt = rhs: the right side must have X's dimension per time. */
static void check_ode(Checker *c, Scope *scope, Decl *ode, PtrVec *seen, int flags) {
  Symbol *s = ode_target(c, scope, ode);
  SavedContext saved = enter_context(c, scope, flags, "in an equation");
  if (!s) {
    /* The right side surely names the missing variable: checking it would
       only repeat the error. */
    leave_context(c, saved);
    return;
  }
  ode->sym = s;
  for (int k = 0; k < seen->len; k++) {
    Decl *other = seen->items[k];
    if (other->sym == s) {
      diag_error(c->d, ode->span, "'%s' already has an equation", s->name);
      diag_note(c->d, other->span, "the first equation for '%s' is here", s->name);
      leave_context(c, saved);
      return;
    }
  }
  vec_push(seen, ode);
  check_symbol(c, s);
  if (!s->checked || (s->decl->unit && s->decl->unit->type == TY_UNKNOWN)) {
    check_expr(c, ode->value);
    leave_context(c, saved);
    return;
  }
  check_expr(c, ode->value);
  check_ode_dimension(c, s, ode->value);
  leave_context(c, saved);
}

void check_ode_dimension(Checker *c, const Symbol *s, Expr *v) {
  Dim want = dim_div(s->dim, dim_time());
  char what[160];
  snprintf(what, sizeof what, "the right side of d%s/dt", s->name);
  if (v->type == TY_NUMBER && !dim_eq(v->dim, want) && !is_bare_zero(v)) {
    char dw[128], dg[128];
    dim_describe(want, dw, sizeof dw);
    dim_describe(v->dim, dg, sizeof dg);
    const char *hint = dim_eq(v->dim, s->dim) ? "; divide by a time constant" : "";
    diag_error(c->d, v->span, "%s must be %s, the unit of '%s' per time, but it is %s%s", what,
               dw, s->name, dg, hint);
    note_declared_unit(c, v);
    if (s->unit_text) diag_note(c->d, s->span, "'%s' is declared here as %s", s->name, s->unit_text);
  } else if (v->type == TY_BOOL) {
    diag_error(c->d, v->span, "%s must be a number, not a condition", what);
  }
}

/* Checks the initial value and bounds of a state variable. */
static void check_state_init(Checker *c, Scope *scope, Symbol *s, int flags) {
  check_symbol(c, s);
  if (!s->checked) return;
  Decl *d = s->decl;
  char what[160];
  SavedContext saved = enter_context(c, scope, flags | EF_STATE, "in an initial value");
  if (d->value) {
    snprintf(what, sizeof what, "the initial value of '%s'", s->name);
    c->init_owner = s->owner;
    c->init_limit = s->index;
    check_number_dim(c, d->value, s->dim, what);
    c->init_owner = NULL;
  }
  c->flags = EF_PARAMS;
  c->context = "in a bound";
  if (d->lo) {
    snprintf(what, sizeof what, "the lower bound of '%s'", s->name);
    check_number_dim(c, d->lo, s->dim, what);
    snprintf(what, sizeof what, "the upper bound of '%s'", s->name);
    check_number_dim(c, d->hi, s->dim, what);
    if (d->lo->is_const && d->hi->is_const && d->lo->cval > d->hi->cval)
      diag_error(c->d, span_join(d->lo->span, d->hi->span), "the bounds of '%s' are reversed: "
                 "the lower bound is above the upper one", s->name);
  }
  leave_context(c, saved);
}

/* Checks `refractory` (a duration or a condition) and its dependencies. */
static void check_refractory(Checker *c, NeuronModel *n, Decl *r) {
  SavedContext saved = enter_context(c, &n->scope, EF_EQUATION, "in the refractory period");
  check_expr(c, r->value);
  leave_context(c, saved);
  Expr *v = r->value;
  if (!n->spike)
    diag_error(c->d, r->span, "a refractory period needs a threshold: add 'spike when ...' to "
               "neuron '%s'", n->name);
  /* What synapses add to a frozen variable while the neuron is refractory:
     dropped by default, as Brian2 and NEST do. */
  if (r->type_name && strcmp(r->type_name, "keep") == 0) {
    n->refractory_keeps_input = true;
  } else if (r->type_name && strcmp(r->type_name, "discard") != 0) {
    diag_error(c->d, r->type_span, "unknown refractory input '%s': write 'input = discard' "
               "(the default: synaptic input to variables marked 'unless refractory' is "
               "dropped while the neuron is refractory) or 'input = keep'", r->type_name);
  }
  if (v->type == TY_BOOL) {
    n->refractory_is_condition = true;
    return;
  }
  if (v->type != TY_NUMBER) return;
  if (!dim_eq(v->dim, dim_time())) {
    char dg[128];
    dim_describe(v->dim, dg, sizeof dg);
    diag_error(c->d, v->span, "the refractory period must be a time (s) or a condition, but "
               "it is %s", dg);
    note_declared_unit(c, v);
    return;
  }
  /* A duration may use parameters, but not variables: it is fixed per run. */
  saved = enter_context(c, &n->scope, EF_PARAMS, "in a refractory period");
  check_expr(c, v);
  leave_context(c, saved);
  if (v->is_const && v->cval < 0)
    diag_error(c->d, v->span, "the refractory period cannot be negative (%g ms)", v->cval * 1e3);
}

/* First pass over a neuron's members: declare names, note singletons. */
static void collect_neuron_members(Checker *c, NeuronModel *n, Decl *d) {
  for (Decl *m = d->members; m; m = m->next) {
    Symbol *s = declare_member(c, &n->scope, m, d, EF_EQUATION);
    if (s) {
      PtrVec *list = m->kind == D_PARAM ? &n->params : m->kind == D_CONST ? &n->consts :
                     m->kind == D_STATE ? &n->states : m->kind == D_PORT ? &n->ports :
                     m->kind == D_ALIAS ? &n->aliases : NULL;
      if (m->kind == D_TRACE) {
        misplaced(c, m, "a neuron model");
        continue;
      }
      s->index = list->len;
      vec_push(list, s);
      continue;
    }
    Decl **slot = m->kind == D_SPIKE ? &n->spike : m->kind == D_RESET ? &n->reset :
                  m->kind == D_REFRACTORY ? &n->refractory :
                  m->kind == D_METHOD ? &n->method_decl : NULL;
    if (slot) {
      if (*slot) {
        diag_error(c->d, m->span, "neuron '%s' already has a %s", n->name,
                   decl_kind_name(m->kind));
        diag_note(c->d, (*slot)->span, "the first one is here");
      } else {
        *slot = m;
      }
      continue;
    }
    switch (m->kind) {
    case D_ODE: case D_PARAM: case D_CONST: case D_STATE: case D_ALIAS: case D_PORT:
      break; /* a declaration that failed already reported */
    default:
      misplaced(c, m, "a neuron model");
    }
  }
}

void check_neuron(Checker *c, Decl *d) {
  NeuronModel *n = d->sym->of.neuron;
  int errors_before = c->d->errors;
  n->scope.parent = &c->m->globals;
  collect_neuron_members(c, n, d);
  for (int k = 0; k < n->params.len; k++) check_symbol(c, n->params.items[k]);
  for (int k = 0; k < n->consts.len; k++) check_symbol(c, n->consts.items[k]);
  for (int k = 0; k < n->ports.len; k++) check_symbol(c, n->ports.items[k]);
  for (int k = 0; k < n->states.len; k++)
    check_state_init(c, &n->scope, n->states.items[k], EF_PARAMS | EF_RANDOM | EF_I);
  for (int k = 0; k < n->aliases.len; k++) check_symbol(c, n->aliases.items[k]);
  PtrVec seen = {0};
  for (Decl *m = d->members; m; m = m->next) {
    if (m->kind != D_ODE) continue;
    if (m->flags & (DF_EVENT_DRIVEN | DF_CLOCK_DRIVEN))
      diag_error(c->d, m->span, "'%s' only applies to synaptic equations; neuron equations are "
                 "integrated every step", m->flags & DF_EVENT_DRIVEN ? "event-driven" :
                 "clock-driven");
    if ((m->flags & DF_UNLESS_REFRACTORY) && !n->refractory)
      diag_error(c->d, m->span, "'unless refractory' needs a refractory period: add "
                 "'refractory <time>' to neuron '%s'", n->name);
    check_ode(c, &n->scope, m, &seen, EF_EQUATION);
    vec_push(&n->odes, m);
  }
  vec_free(&seen);
  if (n->spike) {
    SavedContext saved = enter_context(c, &n->scope, EF_EQUATION, "in the spike condition");
    check_bool(c, n->spike->value, "the spike condition");
    leave_context(c, saved);
  }
  if (n->reset) {
    if (!n->spike)
      diag_error(c->d, n->reset->span, "a reset needs a threshold: add 'spike when ...' to "
                 "neuron '%s'", n->name);
    SavedContext saved = enter_context(c, &n->scope, EF_EQUATION, "in the reset");
    check_block(c, n->reset->body, "the reset", false);
    leave_context(c, saved);
  }
  if (n->refractory) check_refractory(c, n, n->refractory);
  n->method = METHOD_AUTO;
  n->substeps = 1;
  if (n->method_decl && parse_method(c, n->method_decl, &n->method))
    check_substeps(c, n, n->method_decl);
  /* The integrator is chosen here, not when the model is lowered, so that
     a forced method that cannot apply (or an exact system too large) is
     reported by `snnc check` like any other model error. */
  if (c->d->errors == errors_before) {
    OdeSystem *ode = arena_alloc(c->a, sizeof *ode);
    if (ode_analyze(c->a, c->d, n, ode)) n->ode = ode;
  }
}
