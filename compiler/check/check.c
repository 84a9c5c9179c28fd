/*
** check.c: the checker's driver, scopes and symbols, and neuron models.
**
** model_check() runs the passes in order:
**   1. declare every top-level name of every module (so order never matters);
**   2. options (precision, timestep, seed);
**   3. global parameters and constants;
**   4. neuron models (this file) and synapse models (check_synapse.c);
**   5. the network: populations, inputs, connections, monitors, runs
**      (check_network.c).
** Definitions are checked on demand (check_symbol) the first time a name is
** met, so a state may use a parameter declared below it, and a definition
** that uses itself is caught as a cycle.
*/
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "externs.h"
#include "ode.h"

static const char *const reserved_names[] = {"t", "dt", "i", "j", "N", "pre", "post", NULL};

Symbol *scope_find_local(const Scope *s, const char *name) {
  for (int i = 0; i < s->syms.len; i++) {
    Symbol *sym = s->syms.items[i];
    if (strcmp(sym->name, name) == 0) return sym;
  }
  return NULL;
}

Symbol *scope_lookup(const Scope *s, const char *name) {
  for (; s; s = s->parent) {
    Symbol *sym = scope_find_local(s, name);
    if (sym) return sym;
  }
  return NULL;
}

static const char *sym_kind_name(SymKind k) {
  switch (k) {
  case SYM_PARAM: return "parameter";
  case SYM_CONST: return "constant";
  case SYM_STATE: return "state variable";
  case SYM_ALIAS: return "definition";
  case SYM_PORT: return "input port";
  case SYM_TRACE: return "trace";
  case SYM_NEURON: return "neuron model";
  case SYM_SYNAPSE: return "synapse model";
  case SYM_POPULATION: return "population";
  case SYM_CURRENT: return "input";
  case SYM_EXTERN: return "extern function";
  case SYM_FUNCTION: return "built-in function";
  case SYM_CONSTANT: return "built-in constant";
  case SYM_UNIT: return "unit";
  default: return "name";
  }
}

const char *symbol_description(const Symbol *s, char *buf, size_t n) {
  if (s->kind == SYM_VARIABLE) {
    if (strcmp(s->name, "t") == 0) return "the simulation time";
    if (strcmp(s->name, "dt") == 0) return "the time step";
    if (strcmp(s->name, "N") == 0) return "the size of a population";
    return "a neuron index";
  }
  if (s->kind == SYM_NAMESPACE) return "an end of the synapse";
  const char *kind = sym_kind_name(s->kind);
  snprintf(buf, n, "%s %s", strchr("aeio", kind[0]) ? "an" : "a", kind);
  return buf;
}

Symbol *declare(Checker *c, Scope *s, SymKind kind, const char *name, Span span, Decl *d) {
  /* Models and populations may take any name; values may not shadow the
     built-in variables, which expressions look up first. */
  bool is_value = kind == SYM_PARAM || kind == SYM_CONST || kind == SYM_STATE ||
                  kind == SYM_ALIAS || kind == SYM_PORT || kind == SYM_TRACE;
  for (int k = 0; is_value && reserved_names[k]; k++) {
    if (strcmp(name, reserved_names[k]) == 0) {
      diag_error(c->d, span, "'%s' is a reserved name (%s) and cannot be declared", name,
                 strcmp(name, "t") == 0 ? "the simulation time" :
                 strcmp(name, "dt") == 0 ? "the time step" :
                 name[0] == 'p' ? "pre and post name the two ends of a synapse" :
                 "i, j and N are indices and sizes");
      return NULL;
    }
  }
  Unit unit;
  if (is_value && strlen(name) > 1 && unit_lookup(name, &unit)) {
    diag_error(c->d, span, "'%s' is the name of a unit; choose another name", name);
    return NULL;
  }
  Symbol *old = scope_find_local(s, name);
  if (old) {
    diag_error(c->d, span, "'%s' is already declared in this scope", name);
    diag_note(c->d, old->span, "the %s '%s' is declared here", sym_kind_name(old->kind), name);
    return NULL;
  }
  Symbol *sym = arena_alloc(c->a, sizeof *sym);
  sym->kind = kind;
  sym->name = name;
  sym->span = span;
  sym->decl = d;
  sym->home = s;
  sym->unit_scale = 1.0;
  vec_push(&s->syms, sym);
  if (d) d->sym = sym;
  return sym;
}

/* The source text of a span on one line (for unit names in messages). */
static const char *span_text(Checker *c, Span s) {
  if (s.file < 0) return NULL;
  SrcFile *f = diag_file(c->d, s.file);
  int len;
  const char *line = src_line(f, s.line, &len);
  int end = s.end_line == s.line ? s.end_col : len;
  if (s.col < 1 || end > len || end < s.col) return NULL;
  return arena_strndup(c->a, line + s.col - 1, (size_t)(end - s.col + 1));
}

SavedContext enter_context(Checker *c, Scope *scope, int flags, const char *context) {
  SavedContext saved = {c->scope, c->flags, c->context};
  c->scope = scope;
  c->flags = flags;
  c->context = context;
  return saved;
}

void leave_context(Checker *c, SavedContext saved) {
  c->scope = saved.scope;
  c->flags = saved.flags;
  c->context = saved.context;
}

static void check_param_value(Checker *c, Symbol *s) {
  Expr *v = s->decl->value;
  const char *ctx = s->kind == SYM_PARAM ? "in a parameter's value" : "in a constant's value";
  /* A parameter may be derived from others (param tau = C / gl): it is then
     computed when a run starts, after --set.  A constant may not. */
  SavedContext saved = enter_context(c, s->home, s->kind == SYM_PARAM ? EF_PARAMS : 0, ctx);
  check_expr(c, v);
  leave_context(c, saved);
  if (v->type == TY_UNKNOWN) return;
  if (v->type != TY_NUMBER) {
    diag_error(c->d, v->span, "the value of '%s' must be a number", s->name);
    v->type = TY_UNKNOWN;
    return;
  }
  if (!v->is_const && s->kind == SYM_CONST) {
    diag_error(c->d, v->span, "the value of '%s' must be known at compile time", s->name);
    v->type = TY_UNKNOWN;
    return;
  }
  s->dim = v->dim;
  s->value = v->cval;
  s->has_value = s->kind == SYM_CONST;
}

static void check_unit_symbol(Checker *c, Symbol *s) {
  Unit u;
  Expr *unit = s->decl->unit;
  if (!check_unit_expr(c, unit, &u)) {
    unit->type = TY_UNKNOWN;
    return;
  }
  s->dim = u.dim;
  s->unit_scale = u.scale;
  s->unit_text = span_text(c, unit->span);
  s->checked = true;
}

void check_symbol(Checker *c, Symbol *s) {
  if (s->checked) return;
  switch (s->kind) {
  case SYM_PARAM: case SYM_CONST: case SYM_ALIAS:
    break;
  case SYM_STATE: case SYM_PORT:
    check_unit_symbol(c, s);
    return;
  case SYM_TRACE:
    s->dim = dim_none();
    s->checked = true;
    return;
  default:
    s->checked = true;
    return;
  }
  if (s->checking) {
    diag_error(c->d, s->span, "the definition of '%s' depends on itself", s->name);
    s->decl->value->type = TY_UNKNOWN;
    s->checked = true;
    return;
  }
  s->checking = true;
  s->expr = s->decl->value;
  if (s->kind == SYM_ALIAS) {
    SavedContext saved = enter_context(c, s->home, s->home_flags, "in a definition");
    check_expr(c, s->expr);
    leave_context(c, saved);
    s->dim = s->expr->dim;
    if (s->expr->is_const) {
      s->has_value = true;
      s->value = s->expr->cval;
    }
  } else {
    check_param_value(c, s);
  }
  s->checking = false;
  s->checked = true;
}

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
  if (n->method_decl) parse_method(c, n->method_decl, &n->method);
  /* The integrator is chosen here, not when the model is lowered, so that
     a forced method that cannot apply (or an exact system too large) is
     reported by `snnc check` like any other model error. */
  if (c->d->errors == errors_before) {
    OdeSystem *ode = arena_alloc(c->a, sizeof *ode);
    if (ode_analyze(c->a, c->d, n, ode)) n->ode = ode;
  }
}

/* Statement targets: what a block may assign, and with which operators. */
static void check_assignment(Checker *c, Stmt *st, bool synapse) {
  Expr *t = st->target;
  int saved_flags = c->flags;
  check_expr(c, t);
  c->flags = saved_flags;
  check_expr(c, st->value);
  if (t->type == TY_UNKNOWN || !t->sym) return;
  Symbol *s = t->sym;
  const char *name = s->name;
  switch (s->kind) {
  case SYM_STATE: case SYM_TRACE:
    break;
  case SYM_PORT:
    if (st->op != AS_ADD && st->op != AS_SUB) {
      diag_error(c->d, st->span, "'%s' is an input port: synaptic code can only add to it "
                 "(+= or -=)", name);
      return;
    }
    if (!synapse && t->kind == EX_NAME) {
      diag_error(c->d, t->span, "'%s' is an input port, filled by synapses; a neuron cannot "
                 "assign it", name);
      return;
    }
    break;
  default: {
    char what[64];
    diag_error(c->d, t->span, "cannot assign to '%s': it is %s%s", name,
               symbol_description(s, what, sizeof what),
               s->kind == SYM_PARAM ? " (parameters are fixed during a run)" : "");
    if (s->decl) diag_note(c->d, s->span, "'%s' is declared here", name);
    return;
  }
  }
  if (st->value->type == TY_UNKNOWN) return;
  if (st->value->type != TY_NUMBER) {
    diag_error(c->d, st->value->span, "cannot assign a condition to '%s'", name);
    return;
  }
  bool scaling = st->op == AS_MUL || st->op == AS_DIV;
  Dim want = scaling ? dim_none() : s->dim;
  if (!dim_eq(st->value->dim, want) && !is_bare_zero(st->value)) {
    char dw[128], dg[128];
    dim_describe(want, dw, sizeof dw);
    dim_describe(st->value->dim, dg, sizeof dg);
    if (scaling) {
      /* The variable's own unit is beside the point: the factor has none. */
      diag_error(c->d, st->value->span, "'%s' takes a dimensionless factor, but this is %s",
                 assign_op_text(st->op), dg);
      return;
    }
    diag_error(c->d, st->value->span, "cannot assign %s to '%s', which is %s", dg,
               t->kind == EX_MEMBER ? arena_printf(c->a, "%s.%s",
               expr_strip(t->lhs)->text, t->text) : name, dw);
    note_declared_unit(c, st->value);
    if (s->unit_text) diag_note(c->d, s->span, "'%s' is declared here as %s", name, s->unit_text);
  }
}

void check_block(Checker *c, Stmt *body, const char *context, bool synapse) {
  (void)context;
  for (Stmt *st = body; st; st = st->next) {
    Expr *t = expr_strip(st->target);
    if (t->kind != EX_NAME && t->kind != EX_MEMBER) {
      diag_error(c->d, st->target->span, "the left side of '%s' must be a variable",
                 assign_op_text(st->op));
      check_expr(c, st->value);
      continue;
    }
    check_assignment(c, st, synapse);
  }
}

/* Pass 1: top-level names of every module. */
static void declare_module(Checker *c, Module *mod);

/* Imported files first, so that a clash is reported in the main file. */
static void declare_globals(Checker *c) {
  for (Module *mod = c->m->modules; mod; mod = mod->next)
    if (!mod->instances) declare_module(c, mod);
  for (Module *mod = c->m->modules; mod; mod = mod->next)
    if (mod->instances) declare_module(c, mod);
}

static void declare_module(Checker *c, Module *mod) {
  Model *m = c->m;
  {
    for (Decl *d = mod->items; d; d = d->next) {
      Symbol *s = NULL;
      switch (d->kind) {
      case D_PARAM:
        if ((s = declare(c, &m->globals, SYM_PARAM, d->name, d->name_span, d))) {
          s->index = m->params.len;
          vec_push(&m->params, s);
        }
        break;
      case D_CONST:
        if ((s = declare(c, &m->globals, SYM_CONST, d->name, d->name_span, d)))
          vec_push(&m->consts, s);
        break;
      case D_EXTERN:
        if ((s = declare(c, &m->globals, SYM_EXTERN, d->name, d->name_span, d))) {
          s->index = m->externs.len;
          s->checked = true;
          vec_push(&m->externs, s);
        }
        break;
      case D_NEURON:
        if ((s = declare(c, &m->globals, SYM_NEURON, d->name, d->name_span, d))) {
          NeuronModel *n = arena_alloc(c->a, sizeof *n);
          n->decl = d;
          n->name = d->name;
          s->of.neuron = n;
          vec_push(&m->neurons, n);
        }
        break;
      case D_SYNAPSE:
        if ((s = declare(c, &m->globals, SYM_SYNAPSE, d->name, d->name_span, d))) {
          SynapseModel *sy = arena_alloc(c->a, sizeof *sy);
          sy->decl = d;
          sy->name = d->name;
          s->of.synapse = sy;
          vec_push(&m->synapses, sy);
        }
        break;
      case D_POPULATION:
        s = declare(c, &m->globals, SYM_POPULATION, d->name, d->name_span, d);
        break;
      case D_INPUT:
        s = declare(c, &m->globals, strcmp(d->type_name, "current") == 0 ? SYM_CURRENT :
                    SYM_POPULATION, d->name, d->name_span, d);
        break;
      default:
        break;
      }
    }
  }
}

static void check_externs(Checker *c) {
  static const char *const types[] = {"f64", "f32", "i32", "i64", NULL};
  for (int k = 0; k < c->m->externs.len; k++) {
    Symbol *s = c->m->externs.items[k];
    Decl *d = s->decl;
    const char *const *ty;
    for (Decl *a = d->members; a; a = a->next) {
      for (ty = types; *ty && strcmp(*ty, a->type_name) != 0; ty++) {}
      if (!*ty)
        diag_error(c->d, a->type_span, "unknown C type '%s'; extern functions take f64, f32, "
                   "i32 or i64", a->type_name);
    }
    for (ty = types; *ty && strcmp(*ty, d->type_name) != 0; ty++) {}
    if (!*ty)
      diag_error(c->d, d->type_span, "unknown C type '%s'; extern functions return f64, f32, "
                 "i32 or i64", d->type_name);
    if (d->text[0] == 0)
      diag_error(c->d, d->text_span, "the library of extern function '%s' is empty", s->name);
    else
      extern_verify(c->d, c->a, s);
  }
}

static void check_option(Checker *c, Decl *d) {
  Model *m = c->m;
  for (Module *mod = m->modules; mod; mod = mod->next) {
    for (Decl *o = mod->items; mod->instances && o; o = o->next) {
      if (o == d) goto first;
      if (o->kind == D_OPTION && strcmp(o->name, d->name) == 0) {
        diag_error(c->d, d->span, "the %s is already set", strcmp(d->name, "timestep") == 0 ?
                   "time step" : d->name);
        diag_note(c->d, o->span, "it is set here");
        return;
      }
    }
  }
first:
  if (strcmp(d->name, "precision") == 0) {
    if (strcmp(d->type_name, "double") == 0)
      m->precision = PRECISION_DOUBLE;
    else if (strcmp(d->type_name, "single") == 0)
      m->precision = PRECISION_SINGLE;
    else
      diag_error(c->d, d->type_span, "unknown precision '%s'; use 'precision double' or "
                 "'precision single'", d->type_name);
    return;
  }
  SavedContext saved = enter_context(c, &m->globals, 0, "in an option");
  if (strcmp(d->name, "timestep") == 0) {
    if (check_number_dim(c, d->value, dim_time(), "the time step") &&
        require_const(c, d->value, "the time step")) {
      if (d->value->cval <= 0)
        diag_error(c->d, d->value->span, "the time step must be positive");
      else {
        m->dt = d->value->cval;
        m->dt_decl = d;
      }
    }
  } else {
    if (check_number_dim(c, d->value, dim_none(), "the seed") &&
        require_const(c, d->value, "the seed")) {
      double v = d->value->cval;
      if (v != floor(v) || v < 0 || v > 2147483647.0)
        diag_error(c->d, d->value->span, "the seed must be a whole number from 0 to "
                   "2147483647, but it is %g", v);
      else {
        m->seed = (uint64_t)v;
        m->seed_given = true;
      }
    }
  }
  leave_context(c, saved);
}

/* Definitions only: an imported file must not add neurons to the network. */
static void check_import_contents(Checker *c) {
  for (Module *mod = c->m->modules; mod; mod = mod->next) {
    if (mod->instances) continue;
    for (Decl *d = mod->items; d; d = d->next) {
      switch (d->kind) {
      case D_POPULATION: case D_INPUT: case D_CONNECT: case D_MONITOR: case D_RUN:
      case D_OPTION:
        diag_error(c->d, d->span, "an imported file may only define models, parameters, "
                   "constants and extern functions; this %s belongs in the main model",
                   decl_kind_name(d->kind));
        break;
      default:
        break;
      }
    }
  }
}

Model *model_check(Arena *arena, Diags *diags, Module *modules) {
  Model *m = arena_alloc(arena, sizeof *m);
  m->arena = arena;
  m->diags = diags;
  m->modules = modules;
  m->main = modules;
  modules->instances = true;
  m->dt = 1e-4;
  m->precision = PRECISION_DOUBLE;
  Checker c;
  memset(&c, 0, sizeof c);
  c.m = m;
  c.d = diags;
  c.a = arena;
  c.scope = &m->globals;
  c.context = "here";
  m->globals.parent = &c.builtins;
  for (int end = END_PRE; end <= END_POST; end++) {
    Symbol *s = arena_alloc(arena, sizeof *s);
    s->kind = SYM_NAMESPACE;
    s->name = end == END_PRE ? "pre" : "post";
    s->builtin = end;
    s->span = span_none();
    s->checked = true;
    m->ends[end] = s;
  }

  declare_globals(&c);
  check_import_contents(&c);
  for (Module *mod = m->modules; mod; mod = mod->next)
    for (Decl *d = mod->items; mod->instances && d; d = d->next)
      if (d->kind == D_OPTION) check_option(&c, d);
  for (int k = 0; k < m->params.len; k++) check_symbol(&c, m->params.items[k]);
  for (int k = 0; k < m->consts.len; k++) check_symbol(&c, m->consts.items[k]);
  check_externs(&c);
  for (int k = 0; k < m->neurons.len; k++) check_neuron(&c, ((NeuronModel *)m->neurons.items[k])->decl);
  for (int k = 0; k < m->synapses.len; k++)
    check_synapse(&c, ((SynapseModel *)m->synapses.items[k])->decl);
  check_network(&c);
  /* The built-in scope lives in the checker; detach it so the model
     never points into freed stack memory. */
  m->globals.parent = NULL;
  vec_free(&c.builtins.syms);
  return m;
}

bool check_repl_expr(Model *m, Diags *d, Expr *e) {
  Checker c;
  memset(&c, 0, sizeof c);
  c.m = m;
  c.d = d;
  c.a = m->arena;
  c.scope = &m->globals;
  c.flags = EF_PARAMS | EF_MEMBERS | EF_INDEXING | EF_TIME | EF_REPL;
  c.context = "at the prompt";
  m->globals.parent = &c.builtins;
  int before = d->errors;
  check_expr(&c, e);
  m->globals.parent = NULL;
  vec_free(&c.builtins.syms);
  return d->errors == before && e->type != TY_UNKNOWN;
}

static void scope_free(Scope *s) { vec_free(&s->syms); }

void model_free(Model *m) {
  if (!m) return;
  scope_free(&m->globals);
  for (int k = 0; k < m->neurons.len; k++) {
    NeuronModel *n = m->neurons.items[k];
    scope_free(&n->scope);
    vec_free(&n->params); vec_free(&n->consts); vec_free(&n->states);
    vec_free(&n->aliases); vec_free(&n->ports); vec_free(&n->odes);
  }
  for (int k = 0; k < m->synapses.len; k++) {
    SynapseModel *s = m->synapses.items[k];
    scope_free(&s->scope);
    vec_free(&s->params); vec_free(&s->consts); vec_free(&s->states);
    vec_free(&s->aliases); vec_free(&s->traces); vec_free(&s->odes); vec_free(&s->every);
  }
  for (int k = 0; k < m->populations.len; k++) vec_free(&((Population *)m->populations.items[k])->overrides);
  for (int k = 0; k < m->projections.len; k++) {
    Projection *pr = m->projections.items[k];
    vec_free(&pr->inits);
    SynapseInstance *in = pr->inst;
    scope_free(&in->scope);
    vec_free(&in->aliases); vec_free(&in->odes); vec_free(&in->every);
  }
  vec_free(&m->params); vec_free(&m->consts); vec_free(&m->externs);
  vec_free(&m->neurons); vec_free(&m->synapses); vec_free(&m->populations);
  vec_free(&m->currents); vec_free(&m->projections); vec_free(&m->monitors); vec_free(&m->runs);
}

Population *model_population(const Model *m, const char *name) {
  for (int k = 0; k < m->populations.len; k++) {
    Population *p = m->populations.items[k];
    if (strcmp(p->name, name) == 0) return p;
  }
  return NULL;
}

Symbol *neuron_member(const NeuronModel *n, const char *name) {
  Symbol *s = scope_find_local(&n->scope, name);
  if (s && (s->kind == SYM_STATE || s->kind == SYM_ALIAS || s->kind == SYM_PORT)) return s;
  return NULL;
}

SynapseEnd member_end(const Expr *member) {
  const Expr *base = expr_strip(member->lhs);
  assert(base->sym && base->sym->kind == SYM_NAMESPACE);
  return (SynapseEnd)base->sym->builtin;
}

Symbol *synapse_member(const SynapseModel *s, const char *name) {
  return scope_find_local(&s->scope, name);
}
