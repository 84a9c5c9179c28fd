/*
** check_expr.c: names, types, dimensions and constant values of expressions.
**
** check_expr() works bottom-up.  Each node gets a type (number or boolean),
** a dimension, and, when all it depends on is known at compile time, its
** value in SI units (is_const/cval).  An error leaves the node TY_UNKNOWN,
** and a TY_UNKNOWN operand silences further errors about the same
** expression, so one mistake gives one message.
*/
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

bool is_bare_zero(const Expr *e) {
  while (e && (e->kind == EX_PAREN || (e->kind == EX_UNARY && e->op != OP_NOT)))
    e = e->lhs;
  return e && e->kind == EX_NUMBER && !e->unit && e->num == 0;
}

void expr_set_unknown(Expr *e) {
  e->type = TY_UNKNOWN;
  e->is_const = false;
}

void expr_set_number(Expr *e, Dim d) {
  e->type = TY_NUMBER;
  e->dim = d;
}

void note_declared_unit(Checker *c, const Expr *e) {
  e = expr_strip((Expr *)e);
  if (!e || (e->kind != EX_NAME && e->kind != EX_MEMBER) || !e->sym) return;
  const Symbol *s = e->sym;
  if (!s->decl || s->span.file < 0) return;
  char dims[96];
  dim_format(s->dim, dims, sizeof dims);
  const char *unit = s->unit_text ? s->unit_text : dims;
  switch (s->kind) {
  case SYM_STATE: case SYM_PORT:
    diag_note(c->d, s->span, "'%s' is declared here as %s", s->name, unit);
    break;
  case SYM_PARAM: case SYM_CONST: case SYM_ALIAS:
    {
      char what[128];
      dim_describe(s->dim, what, sizeof what);
      diag_note(c->d, s->span, "'%s' is defined here as %s", s->name, what);
    }
    break;
  default:
    break;
  }
}

/* Collects names visible from the scope chain that are close to `name`. */
static const char *suggest_name(const Checker *c, const char *name) {
  const char *best = NULL;
  int best_d = strlen(name) <= 3 ? 2 : 3;
  for (const Scope *s = c->scope; s; s = s->parent) {
    for (int i = 0; i < s->syms.len; i++) {
      const Symbol *sym = s->syms.items[i];
      int dist = edit_distance(name, sym->name);
      if (dist < best_d && dist < (int)strlen(sym->name)) {
        best_d = dist;
        best = sym->name;
      }
    }
  }
  return best;
}

void report_unknown_name(Checker *c, Span span, const char *name, const char *what) {
  /* Units are not offered here: 'v' or 'Vth' are far likelier to be a
     variable missing its declaration than a misspelled 'V'. */
  const char *hint = suggest_name(c, name);
  if (hint)
    diag_error(c->d, span, "unknown %s '%s'; did you mean '%s'?", what, name, hint);
  else
    diag_error(c->d, span, "unknown %s '%s'", what, name);
}

/* Built-in variables and constants, created on first use. */
static Symbol *builtin_symbol(Checker *c, const char *name) {
  Symbol *s = scope_find_local(&c->builtins, name);
  if (s) return s;
  static const struct {
    const char *name;
    SymKind kind;
    int var;
    double value;
    bool is_time;
  } table[] = {
    {"t", SYM_VARIABLE, VAR_T, 0, true},  {"dt", SYM_VARIABLE, VAR_DT, 0, true},
    {"i", SYM_VARIABLE, VAR_I, 0, false}, {"j", SYM_VARIABLE, VAR_J, 0, false},
    {"N", SYM_VARIABLE, VAR_N, 0, false},
    {"pi", SYM_CONSTANT, 0, M_PI, false}, {"e", SYM_CONSTANT, 0, M_E, false},
  };
  for (size_t k = 0; k < sizeof table / sizeof table[0]; k++) {
    if (strcmp(table[k].name, name) != 0) continue;
    s = arena_alloc(c->a, sizeof *s);
    s->kind = table[k].kind;
    s->name = table[k].name;
    s->builtin = table[k].var;
    s->dim = table[k].is_time ? dim_time() : dim_none();
    s->has_value = table[k].kind == SYM_CONSTANT;
    s->value = table[k].value;
    s->span = span_none();
    s->checked = true;
    scope_add(&c->builtins, s);
    return s;
  }
  Unit u;
  if (!unit_lookup(name, &u)) return NULL;
  s = arena_alloc(c->a, sizeof *s);
  s->kind = SYM_UNIT;
  s->name = arena_strdup(c->a, name);
  s->dim = u.dim;
  s->has_value = true;
  s->value = u.scale;
  s->unit_scale = u.scale;
  s->span = span_none();
  s->checked = true;
  scope_add(&c->builtins, s);
  return s;
}

/* Says why a name cannot be used here, or NULL if it can. */
static const char *forbidden_use(const Checker *c, const Symbol *s) {
  switch (s->kind) {
  case SYM_STATE: case SYM_ALIAS: case SYM_PORT: case SYM_TRACE:
    if (!(c->flags & EF_STATE)) return "a variable of the model, which changes during the run";
    return NULL;
  case SYM_PARAM:
    if (!(c->flags & EF_PARAMS))
      return "a parameter, which can change at run time (declare it with 'const' to fix it "
             "at compile time)";
    return NULL;
  case SYM_VARIABLE:
    switch ((BuiltinVar)s->builtin) {
    case VAR_T: return c->flags & EF_TIME ? NULL : "the simulation time";
    case VAR_DT: return c->flags & EF_PARAMS ? NULL : "the time step, which can change at run time";
    case VAR_I:
      return c->flags & EF_I ? NULL : "a neuron index, which only exists per neuron";
    case VAR_N:
      return c->flags & EF_I ? NULL : "the size of a population, which only exists per "
                                      "population";
    case VAR_J: return c->flags & EF_J ? NULL : "the postsynaptic index, which only exists per synapse";
    }
    return NULL;
  case SYM_NEURON: return "a neuron model, not a value";
  case SYM_SYNAPSE: return "a synapse model, not a value";
  case SYM_POPULATION: return "a population, not a value";
  case SYM_CURRENT: return "an input, not a value";
  case SYM_EXTERN: case SYM_FUNCTION: return "a function: call it with ( )";
  case SYM_NAMESPACE: return "'pre' or 'post': name a variable, as in pre.v";
  case SYM_CONNECTION: return "a connection, not a value";
  case SYM_ENVIRONMENT: return "an environment: its reward is read in 'reward ENV.reward -> MODULATOR'";
  case SYM_MODULATOR:
    if (!(c->flags & (EF_STATE | EF_REWARD)))
      return "a modulator, which changes during the run";
    return NULL;
  default:
    return NULL;
  }
}

static bool is_builtin_variable(const char *name) {
  static const char *const vars[] = {"t", "dt", "i", "j", "N", NULL};
  for (int k = 0; vars[k]; k++)
    if (strcmp(vars[k], name) == 0) return true;
  return false;
}

static void check_name(Checker *c, Expr *e) {
  Symbol *s = is_builtin_variable(e->text) ? builtin_symbol(c, e->text) : NULL;
  if (!s) s = scope_lookup(c->scope, e->text);
  if (!s) s = builtin_symbol(c, e->text);
  if (!s) {
    if (strcmp(e->text, "pre") == 0 || strcmp(e->text, "post") == 0)
      diag_error(c->d, e->span, "'%s' must be followed by a variable name, as in %s.v", e->text,
                 e->text);
    else
      report_unknown_name(c, e->span, e->text, "name");
    expr_set_unknown(e);
    return;
  }
  e->sym = s;
  s->used = true;
  if (c->init_owner && s->kind == SYM_MODULATOR) {
    diag_error(c->d, e->span, "'%s' is a modulator and has no value yet when states are "
               "initialised", e->text);
    expr_set_unknown(e);
    return;
  }
  if (c->init_owner && s->owner == c->init_owner) {
    if (s->kind == SYM_STATE && s->index >= c->init_limit) {
      diag_error(c->d, e->span, "'%s' has no value yet: states are initialised in the order "
                 "they are declared, and '%s' comes later", e->text, e->text);
      expr_set_unknown(e);
      return;
    }
    if (s->kind != SYM_STATE && s->kind != SYM_PARAM && s->kind != SYM_CONST) {
      diag_error(c->d, e->span, "'%s' cannot be used in an initial value: it is a %s; use "
                 "parameters and the states declared before", e->text,
                 s->kind == SYM_PORT ? "port" : "definition");
      expr_set_unknown(e);
      return;
    }
  }
  const char *why = forbidden_use(c, s);
  if (why) {
    diag_error(c->d, e->span, "'%s' cannot be used %s: it is %s", e->text, c->context, why);
    expr_set_unknown(e);
    return;
  }
  check_symbol(c, s);
  if (s->kind == SYM_ALIAS && s->expr && s->expr->type == TY_BOOL) {
    e->type = TY_BOOL;
    return;
  }
  if (s->kind != SYM_VARIABLE && s->kind != SYM_CONSTANT && s->kind != SYM_UNIT &&
      !s->checked) {
    expr_set_unknown(e);
    return;
  }
  if ((s->kind == SYM_ALIAS || s->kind == SYM_PARAM || s->kind == SYM_CONST) &&
      (!s->expr || s->expr->type == TY_UNKNOWN)) {
    expr_set_unknown(e);
    return;
  }
  expr_set_number(e, s->dim);
  if (s->kind == SYM_CONST || s->kind == SYM_CONSTANT || s->kind == SYM_UNIT ||
      (s->kind == SYM_ALIAS && s->expr && s->expr->is_const)) {
    e->is_const = s->has_value || (s->expr && s->expr->is_const);
    e->cval = s->has_value ? s->value : s->expr->cval;
  }
}

/* pre.v, post.ge (synapse code) or E.v (monitors and inputs). */
static void check_member(Checker *c, Expr *e) {
  Expr *base = expr_strip(e->lhs);
  expr_set_unknown(e);
  if (!base || base->kind != EX_NAME) {
    diag_error(c->d, e->span, "'.%s' must follow a name (pre, post or a population)", e->text);
    return;
  }
  bool is_pre = strcmp(base->text, "pre") == 0, is_post = strcmp(base->text, "post") == 0;
  NeuronModel *model = NULL;
  const char *owner = base->text;
  if (is_pre || is_post) {
    if (!(c->flags & EF_PREPOST)) {
      diag_error(c->d, e->span, "'%s.%s' can only be used in synapse code", base->text, e->text);
      return;
    }
    base->sym = c->m->ends[is_post ? END_POST : END_PRE];
    model = is_pre ? c->pre : c->post;
    if (!model && c->connect) {
      diag_error(c->d, e->span, "'%s' is a spike input here, which has no variables", base->text);
      return;
    }
    if (!model) return; /* checked again once a connect names the neurons */
  } else {
    Symbol *ps = scope_lookup(c->scope, base->text);
    if (!ps) {
      report_unknown_name(c, base->span, base->text, "population");
      return;
    }
    if (ps->kind != SYM_POPULATION || !(c->flags & EF_MEMBERS)) {
      diag_error(c->d, e->span, "'%s.%s': only pre., post. and, in monitors and inputs, a "
                 "population's variables can be named with '.'", base->text, e->text);
      return;
    }
    base->sym = ps;
    ps->used = true;
    if (!ps->of.population || (ps->of.population->kind == POP_NEURONS &&
                               !ps->of.population->model))
      return; /* the population itself was in error */
    model = ps->of.population->model;
    if (!model) {
      diag_error(c->d, e->span, "'%s' is an input and has no variable '%s'", base->text, e->text);
      return;
    }
  }
  Symbol *s = neuron_member(model, e->text);
  if (!s) {
    Symbol *p = scope_find_local(&model->scope, e->text);
    if (p && (p->kind == SYM_PARAM || p->kind == SYM_CONST)) {
      s = p;
    } else {
      diag_error(c->d, e->name_span, "%s '%s' has no variable '%s'",
                 is_pre || is_post ? "the neuron model" : "population", is_pre || is_post ?
                 model->name : owner, e->text);
      return; /* check_synapse_code adds a note naming the connection */
    }
  }
  e->sym = s;
  s->used = true;
  check_symbol(c, s);
  if (s->kind == SYM_ALIAS && s->expr && s->expr->type == TY_BOOL) {
    e->type = TY_BOOL;
    return;
  }
  if (!s->checked || ((s->kind == SYM_ALIAS || s->kind == SYM_CONST || s->kind == SYM_PARAM) &&
                      (!s->expr || s->expr->type == TY_UNKNOWN)))
    return; /* its own definition is in error */
  expr_set_number(e, s->dim);
  /* A constant of the neuron model is folded, as a name of its own would
     be: with its value in this connection's model. */
  if (s->kind == SYM_CONST || (s->kind == SYM_ALIAS && s->expr->is_const)) {
    e->is_const = true;
    e->cval = s->kind == SYM_CONST ? s->value : s->expr->cval;
  }
}

static void check_index(Checker *c, Expr *e) {
  expr_set_unknown(e);
  if (!(c->flags & EF_INDEXING)) {
    diag_error(c->d, e->span, "indexing with [ ] is only allowed in monitors");
    return;
  }
  check_expr(c, e->lhs);
  int saved = c->flags;
  c->flags = 0;
  const char *saved_ctx = c->context;
  c->context = "as an index";
  check_expr(c, e->rhs);
  if (e->hi) check_expr(c, e->hi);
  c->flags = saved;
  c->context = saved_ctx;
  if (e->lhs->type == TY_UNKNOWN) return;
  e->type = e->lhs->type;
  e->dim = e->lhs->dim;
  e->sym = e->lhs->sym;
}

static void check_number_literal(Checker *c, Expr *e) {
  expr_set_number(e, dim_none());
  e->is_const = true;
  e->cval = e->num;
  if (!isfinite(e->num)) {
    diag_error(c->d, e->span, "number '%s' is too large", e->text);
    expr_set_unknown(e);
    return;
  }
  if (!e->unit) return;
  Unit u;
  if (strcmp(e->unit, "dimensionless") != 0 && !unit_lookup(e->unit, &u)) {
    const char *hint = unit_suggest(e->unit);
    if (hint)
      diag_error(c->d, e->unit_span, "unknown unit '%s'; did you mean '%s'?", e->unit, hint);
    else
      diag_error(c->d, e->unit_span, "unknown unit '%s' after the number %s", e->unit, e->text);
    expr_set_unknown(e);
    return;
  }
  if (strcmp(e->unit, "dimensionless") == 0) u = (Unit){1.0, dim_none()};
  int k = e->unit_power ? e->unit_power : 1;
  if (!dim_pow(u.dim, k, &e->dim)) {
    diag_error(c->d, e->unit_span, "the unit's exponent is too large");
    expr_set_unknown(e);
    return;
  }
  e->cval = e->num * pow(u.scale, k);
}

/* The common rule of + - and comparisons: same dimension, or a bare 0. */
static bool same_dims(Checker *c, Expr *e, const char *verb, const char *joiner) {
  /* "cannot add a voltage (V) and a time (s)" */
  Expr *l = e->lhs, *r = e->rhs;
  if (dim_eq(l->dim, r->dim) || is_bare_zero(l) || is_bare_zero(r)) return true;
  char dl[128], dr[128];
  dim_describe(l->dim, dl, sizeof dl);
  dim_describe(r->dim, dr, sizeof dr);
  if (e->op == OP_SUB)
    diag_error(c->d, e->span, "cannot subtract %s from %s", dr, dl);
  else
    diag_error(c->d, e->span, "cannot %s %s %s %s", verb, dl, joiner, dr);
  note_declared_unit(c, l);
  note_declared_unit(c, r);
  return false;
}

static bool require_number_operands(Checker *c, Expr *e) {
  Expr *ops[2] = {e->lhs, e->rhs};
  for (int k = 0; k < 2; k++) {
    if (!ops[k]) continue;
    if (ops[k]->type == TY_UNKNOWN) return false;
    if (ops[k]->type != TY_NUMBER) {
      diag_error(c->d, ops[k]->span, "'%s' needs numbers, but this is %s", op_text(e->op),
                 ops[k]->type == TY_BOOL ? "a condition (true or false)" : "a string");
      return false;
    }
  }
  return true;
}

/* x ^ y: a dimensioned base needs a constant integer exponent. */
static bool check_power(Checker *c, Expr *e) {
  Expr *l = e->lhs, *r = e->rhs;
  if (!dim_is_none(r->dim)) {
    char d[128];
    dim_describe(r->dim, d, sizeof d);
    diag_error(c->d, r->span, "an exponent must be dimensionless, but this is %s", d);
    return false;
  }
  if (dim_is_none(l->dim)) {
    e->dim = dim_none();
    return true;
  }
  if (!r->is_const) {
    diag_error(c->d, r->span, "a quantity with a unit can only be raised to a constant power");
    return false;
  }
  double k = r->cval;
  Dim out;
  if (k == floor(k) && fabs(k) <= 20 && dim_pow(l->dim, (int)k, &out)) {
    e->dim = out;
    return true;
  }
  if (k * 2 == floor(k * 2) && fabs(k) <= 20 && dim_root(l->dim, 2, &out) &&
      dim_pow(out, (int)(k * 2), &out)) {
    e->dim = out;
    return true;
  }
  char d[128];
  dim_describe(l->dim, d, sizeof d);
  diag_error(c->d, e->span, "cannot raise %s to the power %g", d, k);
  return false;
}

double check_fold_binary(Op op, double a, double b) {
  switch (op) {
  case OP_ADD: return a + b;
  case OP_SUB: return a - b;
  case OP_MUL: return a * b;
  case OP_DIV: return a / b;
  case OP_MOD: return fmod(a, b);
  case OP_POW: return pow(a, b);
  case OP_LT: return a < b;
  case OP_LE: return a <= b;
  case OP_GT: return a > b;
  case OP_GE: return a >= b;
  case OP_EQ: return a == b;
  case OP_NE: return a != b;
  case OP_AND: return a != 0 && b != 0;
  case OP_OR: return a != 0 || b != 0;
  default: break;
  }
  assert(!"check_fold_binary: not a binary operator");
  return NAN;
}

static void check_logical(Checker *c, Expr *e) {
  Expr *ops[2] = {e->lhs, e->rhs};
  for (int k = 0; k < 2; k++) {
    if (!ops[k]) continue;
    if (ops[k]->type == TY_UNKNOWN) return;
    if (ops[k]->type != TY_BOOL) {
      diag_error(c->d, ops[k]->span, "'%s' needs conditions (true or false), but this is a "
                 "number; compare it with something, as in x > 0", op_text(e->op));
      return;
    }
  }
  e->type = TY_BOOL;
}

static void check_binary(Checker *c, Expr *e) {
  check_expr(c, e->lhs);
  check_expr(c, e->rhs);
  expr_set_unknown(e);
  Expr *l = e->lhs, *r = e->rhs;
  switch (e->op) {
  case OP_AND: case OP_OR:
    check_logical(c, e);
    break;
  case OP_ADD: case OP_SUB: case OP_MOD:
    if (!require_number_operands(c, e)) return;
    if (!same_dims(c, e, e->op == OP_ADD ? "add" : e->op == OP_SUB ? "subtract" :
                   "take the remainder of", "and")) return;
    expr_set_number(e, is_bare_zero(l) ? r->dim : l->dim);
    break;
  case OP_MUL:
    if (!require_number_operands(c, e)) return;
    expr_set_number(e, dim_mul(l->dim, r->dim));
    break;
  case OP_DIV:
    if (!require_number_operands(c, e)) return;
    expr_set_number(e, dim_div(l->dim, r->dim));
    break;
  case OP_POW:
    if (!require_number_operands(c, e)) return;
    if (!check_power(c, e)) return;
    e->type = TY_NUMBER;
    break;
  case OP_LT: case OP_LE: case OP_GT: case OP_GE: case OP_EQ: case OP_NE:
    if (!require_number_operands(c, e)) return;
    if (!same_dims(c, e, "compare", "with")) return;
    e->type = TY_BOOL;
    break;
  default:
    assert(!"check_binary: unexpected operator");
  }
  if (e->type != TY_UNKNOWN && l->is_const && r->is_const) {
    e->is_const = true;
    e->cval = check_fold_binary(e->op, l->cval, r->cval);
  }
}

static void check_unary(Checker *c, Expr *e) {
  check_expr(c, e->lhs);
  expr_set_unknown(e);
  Expr *x = e->lhs;
  if (x->type == TY_UNKNOWN) return;
  if (e->op == OP_NOT) {
    if (x->type != TY_BOOL) {
      diag_error(c->d, x->span, "'not' needs a condition (true or false), but this is a number");
      return;
    }
    e->type = TY_BOOL;
    e->is_const = x->is_const;
    e->cval = x->cval == 0;
    return;
  }
  if (x->type != TY_NUMBER) {
    diag_error(c->d, x->span, "'%s' needs a number, but this is a condition", op_text(e->op));
    return;
  }
  expr_set_number(e, x->dim);
  e->is_const = x->is_const;
  e->cval = e->op == OP_NEG ? -x->cval : x->cval;
}

void check_expr(Checker *c, Expr *e) {
  if (!e) return;
  e->is_const = false;
  e->type = TY_UNKNOWN;
  switch (e->kind) {
  case EX_NUMBER:
    check_number_literal(c, e);
    break;
  case EX_BOOL:
    e->type = TY_BOOL;
    e->is_const = true;
    e->cval = e->num;
    break;
  case EX_STRING:
    e->type = TY_STRING;
    break;
  case EX_NAME:
    check_name(c, e);
    break;
  case EX_MEMBER:
    check_member(c, e);
    break;
  case EX_INDEX:
    check_index(c, e);
    break;
  case EX_CALL:
    check_call(c, e);
    break;
  case EX_UNARY:
    check_unary(c, e);
    break;
  case EX_BINARY:
    check_binary(c, e);
    break;
  case EX_PAREN:
    check_expr(c, e->lhs);
    e->type = e->lhs->type;
    e->dim = e->lhs->dim;
    e->is_const = e->lhs->is_const;
    e->cval = e->lhs->cval;
    e->sym = e->lhs->sym;
    break;
  case EX_ARROW:
    diag_error(c->d, e->span, "'->' names a connection and is only allowed in "
               "monitor weights(A -> B)");
    expr_set_unknown(e);
    break;
  case EX_GROUP:
    diag_error(c->d, e->span, "'(index: times)' groups are only allowed in spike_times inputs");
    expr_set_unknown(e);
    break;
  }
  if (e->is_const && e->type == TY_NUMBER && !isfinite(e->cval)) {
    diag_error(c->d, e->span, "this constant expression evaluates to %s",
               isnan(e->cval) ? "NaN (not a number)" : "infinity");
    expr_set_unknown(e);
  }
}

bool check_number_dim(Checker *c, Expr *e, Dim want, const char *what) {
  check_expr(c, e);
  if (e->type == TY_UNKNOWN) return false;
  if (e->type != TY_NUMBER) {
    diag_error(c->d, e->span, "%s must be a number, but this is %s", what,
               e->type == TY_BOOL ? "a condition (true or false)" : "a string");
    return false;
  }
  if (dim_eq(e->dim, want) || is_bare_zero(e)) return true;
  char dw[128], dg[128];
  dim_describe(want, dw, sizeof dw);
  dim_describe(e->dim, dg, sizeof dg);
  const Expr *lit = expr_strip((Expr *)e);
  bool negative = lit->kind == EX_UNARY && lit->op == OP_NEG;
  if (negative) lit = expr_strip(lit->lhs);
  if (lit->kind == EX_NUMBER && !lit->unit && dim_is_none(e->dim))
    diag_error(c->d, e->span, "%s must be %s, but this is a plain number; give it a unit, as "
               "in %s%s %s", what, dw, negative ? "-" : "", lit->text, unit_typical(want) ? unit_typical(want) : "<unit>");
  else
    diag_error(c->d, e->span, "%s must be %s, but this is %s", what, dw, dg);
  note_declared_unit(c, e);
  return false;
}

bool check_bool(Checker *c, Expr *e, const char *what) {
  check_expr(c, e);
  if (e->type == TY_UNKNOWN) return false;
  if (e->type != TY_BOOL) {
    char d[128];
    dim_describe(e->dim, d, sizeof d);
    if (dim_is_none(e->dim))
      diag_error(c->d, e->span, "%s must be true or false, but this is %s", what, d);
    else
      diag_error(c->d, e->span, "%s must be true or false (a comparison such as v > -50 mV), "
                 "but this is a number: %s", what, d);
    return false;
  }
  return true;
}

bool require_const(Checker *c, Expr *e, const char *what) {
  if (e->type == TY_UNKNOWN) return false;
  if (!e->is_const) {
    diag_error(c->d, e->span, "%s must be known at compile time (use numbers and 'const' names)",
               what);
    return false;
  }
  return true;
}

bool require_count(Checker *c, Expr *e, const char *what, int64_t limit, int64_t *out) {
  if (!check_number_dim(c, e, dim_none(), what)) return false;
  if (!require_const(c, e, what)) return false;
  double v = e->cval;
  if (v != floor(v)) {
    diag_error(c->d, e->span, "%s must be a whole number, but it is %g", what, v);
    return false;
  }
  if (v < 1) {
    diag_error(c->d, e->span, "%s must be positive, but it is %g", what, v);
    return false;
  }
  if (v > (double)limit) {
    diag_error(c->d, e->span, "%s is %g, more than the limit of %lld", what, v, (long long)limit);
    return false;
  }
  *out = (int64_t)v;
  return true;
}

bool check_unit_expr(Checker *c, Expr *e, Unit *out) {
  Expr *x = expr_strip(e);
  switch (x->kind) {
  case EX_NUMBER:
    if (x->num == 1 && !x->unit) {
      *out = (Unit){1.0, dim_none()};
      x->type = TY_NUMBER;
      return true;
    }
    break;
  case EX_NAME: {
    Unit u;
    if (unit_lookup(x->text, &u)) {
      *out = u;
      x->type = TY_NUMBER;
      x->dim = u.dim;
      return true;
    }
    const char *hint = unit_suggest(x->text);
    if (hint)
      diag_error(c->d, x->span, "unknown unit '%s'; did you mean '%s'?", x->text, hint);
    else
      diag_error(c->d, x->span, "unknown unit '%s'", x->text);
    return false;
  }
  case EX_BINARY:
    if (x->op == OP_MUL || x->op == OP_DIV) {
      Unit a, b;
      if (!check_unit_expr(c, x->lhs, &a) || !check_unit_expr(c, x->rhs, &b)) return false;
      out->scale = x->op == OP_MUL ? a.scale * b.scale : a.scale / b.scale;
      out->dim = x->op == OP_MUL ? dim_mul(a.dim, b.dim) : dim_div(a.dim, b.dim);
      return true;
    }
    if (x->op == OP_POW) {
      Unit a;
      Expr *k = expr_strip(x->rhs);
      bool neg = false;
      if (k->kind == EX_UNARY && k->op == OP_NEG) {
        neg = true;
        k = expr_strip(k->lhs);
      }
      if (!check_unit_expr(c, x->lhs, &a)) return false;
      if (k->kind != EX_NUMBER || k->unit || k->num != floor(k->num) || k->num > 20) {
        diag_error(c->d, x->rhs->span, "a unit's exponent must be a whole number");
        return false;
      }
      int p = (int)k->num * (neg ? -1 : 1);
      if (!dim_pow(a.dim, p, &out->dim)) return false;
      out->scale = pow(a.scale, p);
      return true;
    }
    break;
  default:
    break;
  }
  diag_error(c->d, e->span, "expected a unit such as mV, nS or mV/ms (or 1 for none)");
  return false;
}
