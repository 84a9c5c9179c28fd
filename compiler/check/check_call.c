/*
** check_call.c: calls in expressions: built-in functions (their dimension
** rules and constant folding), extern C functions, and the spike queries
** of the REPL.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "builtins.h"
#include "check.h"

/* Dimension rules of built-in functions. */
static bool check_builtin_dims(Checker *c, Expr *e, const Builtin *b, Expr **args, int n) {
  char d[128];
  switch (b->rule) {
  case DR_NONE:
    expr_set_number(e, dim_none());
    return true;
  case DR_DIMENSIONLESS:
    for (int k = 0; k < n; k++) {
      if (!dim_is_none(args[k]->dim)) {
        dim_describe(args[k]->dim, d, sizeof d);
        const char *unit = unit_typical(args[k]->dim);
        if (unit)
          diag_error(c->d, args[k]->span, "the argument of %s() must be dimensionless, but it "
                     "is %s; divide it by a unit, as in %s(x / %s)", b->name, d, b->name, unit);
        else
          diag_error(c->d, args[k]->span, "the argument of %s() must be dimensionless, but it "
                     "is %s; divide it by a quantity of the same unit", b->name, d);
        note_declared_unit(c, args[k]);
        return false;
      }
    }
    expr_set_number(e, dim_none());
    return true;
  case DR_SAME:
    for (int k = 1; k < n; k++) {
      if (!dim_eq(args[k]->dim, args[0]->dim) && !is_bare_zero(args[k]) &&
          !is_bare_zero(args[0])) {
        char d0[128];
        dim_describe(args[0]->dim, d0, sizeof d0);
        dim_describe(args[k]->dim, d, sizeof d);
        diag_error(c->d, args[k]->span, "the arguments of %s must have the same unit: the first "
                   "is %s, but argument %d is %s", b->signature, d0, k + 1, d);
        return false;
      }
    }
    {
      Dim out = args[0]->dim;
      for (int k = 0; k < n; k++)
        if (!is_bare_zero(args[k])) out = args[k]->dim;
      expr_set_number(e, out);
    }
    return true;
  case DR_SQRT: {
    Dim out;
    if (!dim_root(args[0]->dim, 2, &out)) {
      dim_describe(args[0]->dim, d, sizeof d);
      diag_error(c->d, args[0]->span, "cannot take the square root of %s", d);
      return false;
    }
    expr_set_number(e, out);
    return true;
  }
  case DR_STEP:
    expr_set_number(e, dim_none());
    return true;
  case DR_IFELSE:
    if (!dim_eq(args[1]->dim, args[2]->dim) && !is_bare_zero(args[1]) && !is_bare_zero(args[2])) {
      char d1[128];
      dim_describe(args[1]->dim, d1, sizeof d1);
      dim_describe(args[2]->dim, d, sizeof d);
      diag_error(c->d, e->span, "the two branches of ifelse() must have the same unit, but "
                 "they are %s and %s", d1, d);
      return false;
    }
    expr_set_number(e, is_bare_zero(args[1]) ? args[2]->dim : args[1]->dim);
    return true;
  }
  return false;
}

static bool check_call_args(Checker *c, Expr *e, Expr **args, int n, int first_number) {
  for (int k = 0; k < n; k++) {
    if (args[k]->arg_name) {
      diag_error(c->d, args[k]->arg_name_span, "%s() takes no named arguments", e->text);
      return false;
    }
    if (args[k]->type == TY_UNKNOWN) return false;
    bool want_bool = k < first_number;
    if ((args[k]->type == TY_BOOL) != want_bool) {
      diag_error(c->d, args[k]->span, "argument %d of %s() must be %s", k + 1, e->text,
                 want_bool ? "a condition (true or false)" : "a number");
      return false;
    }
  }
  return true;
}

static void check_extern_call(Checker *c, Expr *e, Symbol *s, Expr **args, int n) {
  int want = 0;
  for (Decl *a = s->decl->members; a; a = a->next) want++;
  if (n != want) {
    diag_error(c->d, e->span, "%s() takes %d argument%s, but %d %s given", e->text, want,
               want == 1 ? "" : "s", n, n == 1 ? "was" : "were");
    diag_note(c->d, s->span, "'%s' is declared here", s->name);
    return;
  }
  if (!check_call_args(c, e, args, n, 0)) return;
  for (int k = 0; k < n; k++) {
    if (!dim_is_none(args[k]->dim)) {
      char d[128];
      dim_describe(args[k]->dim, d, sizeof d);
      diag_error(c->d, args[k]->span, "extern functions take plain numbers, but argument %d is "
                 "%s; divide it by its unit, as in %s(t / ms)", k + 1, d, e->text);
      return;
    }
  }
  expr_set_number(e, dim_none());
}

enum { MAX_CALL_ARGS = 16 };

/* count(E.spikes), count(E), rate(E), rate(E, last = 100 ms): the first
   argument names a population; e->sym is set to it. */
static void check_spike_query(Checker *c, Expr *e, const Builtin *b) {
  Expr *a = e->args;
  Expr *x = a ? expr_strip(a) : NULL;
  if (x && x->kind == EX_MEMBER && strcmp(x->text, "spikes") == 0) x = expr_strip(x->lhs);
  Symbol *s = x && x->kind == EX_NAME ? scope_lookup(&c->m->globals, x->text) : NULL;
  if (!s || s->kind != SYM_POPULATION || !s->of.population) {
    diag_error(c->d, a ? a->span : e->span, "%s() takes a population, as in %s", b->name,
               b->signature);
    return;
  }
  e->sym = s;
  for (Expr *o = a->next; o; o = o->next) {
    if (b->id != FN_SPIKE_RATE || !o->arg_name || strcmp(o->arg_name, "last") != 0) {
      diag_error(c->d, o->span, "%s() takes a population%s", b->name,
                 b->id == FN_SPIKE_RATE ? " and 'last = <time>'" : "");
      return;
    }
    if (!check_number_dim(c, o, dim_time(), "'last'") || !require_const(c, o, "'last'")) return;
  }
  expr_set_number(e, b->id == FN_SPIKE_RATE ? dim_div(dim_none(), dim_time()) : dim_none());
}

void check_call(Checker *c, Expr *e) {
  expr_set_unknown(e);
  Expr *args[MAX_CALL_ARGS];
  int n = 0;
  const Builtin *query = builtin_lookup(e->text);
  bool raw_args = query && (query->id == FN_SPIKE_COUNT || query->id == FN_SPIKE_RATE ||
                            ((query->id == FN_MIN || query->id == FN_MAX) && e->args &&
                             !e->args->next));
  for (Expr *a = e->args; a; a = a->next) {
    if (!raw_args) check_expr(c, a);
    if (n < MAX_CALL_ARGS) args[n] = a;
    n++;
  }
  Symbol *s = scope_lookup(c->scope, e->text);
  if (s && s->kind != SYM_EXTERN && s->kind != SYM_FUNCTION && !builtin_lookup(e->text)) {
    /* tau(1) with tau a parameter: say so, rather than suggest tan. */
    char what[64];
    diag_error(c->d, e->name_span, "'%s' is %s, not a function", e->text,
               symbol_description(s, what, sizeof what));
    return;
  }
  if (s && s->kind != SYM_EXTERN) s = NULL; /* a built-in function */
  if (n > MAX_CALL_ARGS) {
    diag_error(c->d, e->span, "too many arguments in the call of %s()", e->text);
    return;
  }
  if (s) {
    e->sym = s;
    s->used = true;
    check_extern_call(c, e, s, args, n);
    return;
  }
  const Builtin *b = builtin_lookup(e->text);
  if (!b) {
    const char *hint = builtin_suggest(e->text);
    if (hint)
      diag_error(c->d, e->name_span, "unknown function '%s'; did you mean '%s'?", e->text, hint);
    else
      diag_error(c->d, e->name_span, "unknown function '%s'", e->text);
    return;
  }
  if (b->id == FN_SPIKE_RATE && (c->flags & EF_REWARD) && !(c->flags & EF_REPL)) {
    /* rate(P, last = W) in a reward: the population's rate over the last W */
    check_spike_query(c, e, b);
    if (e->type != TY_UNKNOWN && !e->args->next)
      diag_error(c->d, e->span, "rate() in a reward needs its window, as in rate(%s, last = "
                 "100 ms)", e->sym->name);
    return;
  }
  if (b->repl_only && !(c->flags & EF_REPL)) {
    diag_error(c->d, e->name_span, "%s() works on recorded data and is only available at the "
               "REPL prompt", b->name);
    return;
  }
  if (b->id == FN_SPIKE_COUNT || b->id == FN_SPIKE_RATE) {
    check_spike_query(c, e, b);
    return;
  }
  if ((c->flags & EF_REPL) && (b->id == FN_MIN || b->id == FN_MAX) && n == 1) {
    /* min(E.v): the smallest of a population's values */
    check_expr(c, args[0]);
    if (args[0]->type == TY_NUMBER) expr_set_number(e, args[0]->dim);
    return;
  }
  if (n < b->min_args || n > b->max_args) {
    diag_error(c->d, e->span, "%s() takes %d argument%s, but %d %s given (use %s)", b->name,
               b->min_args, b->min_args == 1 ? "" : "s", n, n == 1 ? "was" : "were",
               b->signature);
    return;
  }
  if (b->random && !(c->flags & EF_RANDOM)) {
    diag_error(c->d, e->span, "%s() draws random numbers, which is only allowed in initial "
               "values, delays, current inputs, synapse event code (on_pre, on_post, every) "
               "and rewards, not %s", b->name, c->context);
    return;
  }
  if (!check_call_args(c, e, args, n, b->rule == DR_IFELSE ? 1 : 0)) return;
  if (!check_builtin_dims(c, e, b, args, n)) return;
  bool all_const = !b->random;
  double vals[MAX_CALL_ARGS];
  for (int k = 0; k < n; k++) {
    all_const = all_const && args[k]->is_const;
    vals[k] = args[k]->cval;
  }
  if (all_const) {
    e->is_const = true;
    e->cval = builtin_eval(b->id, vals, n);
  }
}

