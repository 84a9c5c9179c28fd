/*
** ode.c: linearity analysis of equations and the choice of integrator.
**
** The analysis is symbolic over checked expression trees.  A linear form
** is a coefficient expression per integrated variable plus a rest, all
** built from the original nodes; NULL stands for zero so that structural
** zeros stay visible (and cost nothing in the generated kernel).  Aliases
** (algebraic definitions) are looked through, as if inlined.
*/
#include "ode.h"

#include "snnrt.h"

#include <assert.h>
#include <string.h>

typedef struct Lin {
  Expr **coef;   /* n entries, NULL = 0 */
  Expr *rest;    /* NULL = 0 */
} Lin;

typedef struct Analyzer {
  Arena *a;
  const OdeSystem *sys;
} Analyzer;

int ode_var_index(const OdeSystem *s, const Symbol *sym) {
  for (int k = 0; k < s->n; k++)
    if (s->var[k] == sym) return k;
  return -1;
}

/* --- Building checked expressions --------------------------------------- */

static Expr *mk(Analyzer *z, ExprKind kind, Op op, Expr *l, Expr *r, Dim d, Span span) {
  Expr *e = expr_new(z->a, kind, span);
  e->op = op;
  e->lhs = l;
  e->rhs = r;
  e->type = TY_NUMBER;
  e->dim = d;
  return e;
}

static Expr *mk_num(Analyzer *z, double v, Dim d, Span span) {
  Expr *e = expr_new(z->a, EX_NUMBER, span);
  e->type = TY_NUMBER;
  e->dim = d;
  e->num = e->cval = v;
  e->is_const = true;
  e->text = "0";
  return e;
}

static Expr *mk_neg(Analyzer *z, Expr *x) {
  if (!x) return NULL;
  Expr *e = mk(z, EX_UNARY, OP_NEG, x, NULL, x->dim, x->span);
  e->is_const = x->is_const;
  e->cval = -x->cval;
  return e;
}

static Expr *mk_add(Analyzer *z, Expr *l, Expr *r, bool subtract) {
  if (!r) return l;
  if (!l) return subtract ? mk_neg(z, r) : r;
  Expr *e = mk(z, EX_BINARY, subtract ? OP_SUB : OP_ADD, l, r, l->dim, span_join(l->span, r->span));
  e->is_const = l->is_const && r->is_const;
  e->cval = subtract ? l->cval - r->cval : l->cval + r->cval;
  return e;
}

static Expr *mk_mul(Analyzer *z, Expr *l, Expr *r, bool divide) {
  if (!l) return NULL;
  Dim d = divide ? dim_div(l->dim, r->dim) : dim_mul(l->dim, r->dim);
  Expr *e = mk(z, EX_BINARY, divide ? OP_DIV : OP_MUL, l, r, d, span_join(l->span, r->span));
  e->is_const = l->is_const && r->is_const;
  e->cval = divide ? l->cval / r->cval : l->cval * r->cval;
  return e;
}

/* --- Dependencies ---------------------------------------------------------- */

typedef enum Uses {
  USES_ODE_VAR = 1,   /* an integrated variable */
  USES_STATE = 2,     /* any other per-neuron value: state, port */
  USES_TIME = 4,      /* t */
  USES_INDEX = 8,     /* i */
} Uses;

static int uses(const Analyzer *z, const Expr *e, int var_mask_index) {
  if (!e) return 0;
  int u = 0;
  switch (e->kind) {
  case EX_NAME: case EX_MEMBER: {
    const Symbol *s = e->sym;
    if (!s) return 0;
    if (s->kind == SYM_ALIAS && s->expr) return uses(z, s->expr, var_mask_index);
    if (s->kind == SYM_MODULATOR) return USES_TIME; /* it changes during the run */
    if (s->kind == SYM_VARIABLE) {
      if (s->builtin == VAR_T) return USES_TIME;
      if (s->builtin == VAR_I) return USES_INDEX;
      return 0;
    }
    if (s->kind == SYM_STATE || s->kind == SYM_PORT || s->kind == SYM_TRACE) {
      int k = ode_var_index(z->sys, s);
      if (k < 0) return USES_STATE;
      if (var_mask_index < 0 || var_mask_index == k) return USES_ODE_VAR;
      return USES_STATE;
    }
    return 0;
  }
  default:
    break;
  }
  u |= uses(z, e->lhs, var_mask_index);
  u |= uses(z, e->rhs, var_mask_index);
  u |= uses(z, e->hi, var_mask_index);
  for (const Expr *a = e->args; a; a = a->next) u |= uses(z, a, var_mask_index);
  return u;
}

/* --- Linear forms ---------------------------------------------------------- */

static Lin lin_new(Analyzer *z) {
  Lin l;
  l.coef = arena_alloc(z->a, sizeof(Expr *) * (size_t)(z->sys->n ? z->sys->n : 1));
  l.rest = NULL;
  return l;
}

static void lin_combine(Analyzer *z, Lin *acc, const Lin *x, bool subtract) {
  for (int k = 0; k < z->sys->n; k++) acc->coef[k] = mk_add(z, acc->coef[k], x->coef[k], subtract);
  acc->rest = mk_add(z, acc->rest, x->rest, subtract);
}

static void lin_scale(Analyzer *z, Lin *l, Expr *factor, bool divide) {
  for (int k = 0; k < z->sys->n; k++) l->coef[k] = mk_mul(z, l->coef[k], factor, divide);
  l->rest = mk_mul(z, l->rest, factor, divide);
}

/* Writes e as sum_k coef_k x_k + rest where `var` selects which integrated
   variables count (-1: all, else only that one); false if not linear. */
static bool linearize(Analyzer *z, Expr *e, int var, Lin *out) {
  *out = lin_new(z);
  if (!(uses(z, e, var) & USES_ODE_VAR)) {
    out->rest = e;
    return true;
  }
  switch (e->kind) {
  case EX_PAREN:
    return linearize(z, e->lhs, var, out);
  case EX_NAME: case EX_MEMBER: {
    Symbol *s = e->sym;
    if (s->kind == SYM_ALIAS) return linearize(z, s->expr, var, out);
    int k = ode_var_index(z->sys, s);
    assert(k >= 0);
    out->coef[k] = mk_num(z, 1.0, dim_none(), e->span);
    return true;
  }
  case EX_UNARY: {
    if (e->op != OP_NEG && e->op != OP_PLUS) return false;
    if (!linearize(z, e->lhs, var, out)) return false;
    if (e->op == OP_NEG) {
      Lin zero = lin_new(z);
      lin_combine(z, &zero, out, true);
      *out = zero;
    }
    return true;
  }
  case EX_BINARY: {
    Lin l, r;
    switch (e->op) {
    case OP_ADD: case OP_SUB:
      if (!linearize(z, e->lhs, var, &l) || !linearize(z, e->rhs, var, &r)) return false;
      *out = l;
      lin_combine(z, out, &r, e->op == OP_SUB);
      return true;
    case OP_MUL:
      if (!(uses(z, e->lhs, var) & USES_ODE_VAR)) {
        if (!linearize(z, e->rhs, var, out)) return false;
        lin_scale(z, out, e->lhs, false);
        return true;
      }
      if (!(uses(z, e->rhs, var) & USES_ODE_VAR)) {
        if (!linearize(z, e->lhs, var, out)) return false;
        lin_scale(z, out, e->rhs, false);
        return true;
      }
      return false;
    case OP_DIV:
      if (uses(z, e->rhs, var) & USES_ODE_VAR) return false;
      if (!linearize(z, e->lhs, var, out)) return false;
      lin_scale(z, out, e->rhs, true);
      return true;
    default:
      return false;
    }
  }
  default:
    return false;
  }
}

/* Coefficients of an exact system may not vary per neuron or in time. */
static bool uniform(const Analyzer *z, const Expr *e) {
  return !e || !(uses(z, e, -1) & (USES_ODE_VAR | USES_STATE | USES_TIME | USES_INDEX));
}

static bool try_exact(Analyzer *z, OdeSystem *s) {
  int n = s->n;
  Expr **A = arena_alloc(z->a, sizeof(Expr *) * (size_t)(n * n + 1));
  Expr **b = arena_alloc(z->a, sizeof(Expr *) * (size_t)(n + 1));
  for (int k = 0; k < n; k++) {
    Lin l;
    if (!linearize(z, s->rhs[k], -1, &l)) return false;
    for (int j = 0; j < n; j++) {
      if (!uniform(z, l.coef[j])) return false;
      A[k * n + j] = l.coef[j];
    }
    if (l.rest && (uses(z, l.rest, -1) & (USES_ODE_VAR | USES_TIME))) return false;
    b[k] = l.rest;
  }
  s->A = A;
  s->b = b;
  return true;
}

static bool try_exponential_euler(Analyzer *z, OdeSystem *s) {
  Expr **a = arena_alloc(z->a, sizeof(Expr *) * (size_t)(s->n + 1));
  Expr **b = arena_alloc(z->a, sizeof(Expr *) * (size_t)(s->n + 1));
  for (int k = 0; k < s->n; k++) {
    Lin l;
    if (!linearize(z, s->rhs[k], k, &l)) return false;
    /* The coefficient must not itself depend on x_k. */
    if (l.coef[k] && (uses(z, l.coef[k], k) & USES_ODE_VAR)) return false;
    a[k] = l.coef[k];
    b[k] = l.rest;
  }
  s->lin_a = a;
  s->lin_b = b;
  return true;
}

/* Transitive closure of the dependency graph given by A's non-zeros. */
static void compute_reach(Analyzer *z, OdeSystem *s) {
  int n = s->n;
  s->reach = arena_alloc(z->a, sizeof(bool) * (size_t)(n * n + 1));
  s->row_changes = arena_alloc(z->a, sizeof(bool) * (size_t)(n + 1));
  for (int k = 0; k < n; k++)
    for (int j = 0; j < n; j++) s->reach[k * n + j] = k == j || s->A[k * n + j] != NULL;
  for (int m = 0; m < n; m++)
    for (int k = 0; k < n; k++)
      for (int j = 0; j < n; j++)
        if (s->reach[k * n + m] && s->reach[m * n + j]) s->reach[k * n + j] = true;
  for (int k = 0; k < n; k++)
    for (int j = 0; j < n; j++)
      if (s->reach[k * n + j] && s->clamped[j]) s->row_changes[k] = true;
}

bool ode_affine(Arena *arena, Expr *rhs, Symbol *x, Expr **coef, Expr **rest) {
  OdeSystem one;
  memset(&one, 0, sizeof one);
  Symbol *vars[1] = {x};
  one.n = 1;
  one.var = vars;
  Analyzer z = {arena, &one};
  Lin l;
  if (!linearize(&z, rhs, 0, &l)) return false;
  if (l.coef[0] && (uses(&z, l.coef[0], 0) & USES_ODE_VAR)) return false;
  *coef = l.coef[0];
  *rest = l.rest;
  return true;
}

bool ode_affine_constant(Arena *arena, Expr *rhs, Symbol *x, Expr **coef, Expr **rest) {
  if (!ode_affine(arena, rhs, x, coef, rest)) return false;
  return ode_invariant(*coef) && ode_invariant(*rest);
}

bool ode_invariant(const Expr *e) {
  if (!e || e->is_const) return true;
  switch (e->kind) {
  case EX_NAME: case EX_MEMBER: {
    const Symbol *s = e->sym;
    if (!s) return false;
    if (s->kind == SYM_ALIAS) return ode_invariant(s->expr);
    if (s->kind == SYM_VARIABLE) return s->builtin == VAR_DT;
    return s->kind == SYM_PARAM || s->kind == SYM_CONST || s->kind == SYM_CONSTANT ||
           s->kind == SYM_UNIT;
  }
  case EX_PAREN: case EX_UNARY:
    return ode_invariant(e->lhs);
  case EX_BINARY:
    return ode_invariant(e->lhs) && ode_invariant(e->rhs);
  case EX_CALL: {
    if (e->sym) return false; /* an extern function may keep state */
    for (const Expr *a = e->args; a; a = a->next)
      if (!ode_invariant(a)) return false;
    return true; /* pure built-ins; the checker keeps random ones out of equations */
  }
  default:
    return false;
  }
}

/* True if the reset block sets or changes the symbol. */
static bool reset_assigns(const NeuronModel *nm, const Symbol *s) {
  for (const Stmt *st = nm->reset ? nm->reset->body : NULL; st; st = st->next)
    if (expr_strip(st->target)->sym == s) return true;
  return false;
}

/* For `spike when x > T` (or >=), x integrated and set by the reset, T
   free of x: where the Runge-Kutta stages cap x (OdeSystem.stage_cap). */
static void find_stage_cap(Analyzer *z, const NeuronModel *nm, OdeSystem *s) {
  s->stage_cap = -1;
  const Expr *cond = nm->spike ? expr_strip(nm->spike->value) : NULL;
  if (!cond || cond->kind != EX_BINARY || (cond->op != OP_GT && cond->op != OP_GE)) return;
  const Expr *x = expr_strip(cond->lhs);
  if (x->kind != EX_NAME || !x->sym || x->sym->kind != SYM_STATE) return;
  int k = ode_var_index(s, x->sym);
  if (k < 0 || !reset_assigns(nm, x->sym) || (uses(z, cond->rhs, k) & USES_ODE_VAR)) return;
  s->stage_cap = k;
  s->stage_cap_value = cond->rhs;
}

bool ode_analyze(Arena *arena, Diags *diags, const NeuronModel *nm, OdeSystem *out) {
  memset(out, 0, sizeof *out);
  out->stage_cap = -1;
  Analyzer z = {arena, out};
  int n = nm->odes.len;
  out->n = n;
  out->var = arena_alloc(arena, sizeof(Symbol *) * (size_t)(n + 1));
  out->rhs = arena_alloc(arena, sizeof(Expr *) * (size_t)(n + 1));
  out->clamped = arena_alloc(arena, sizeof(bool) * (size_t)(n + 1));
  for (int k = 0; k < n; k++) {
    Decl *d = nm->odes.items[k];
    out->var[k] = d->sym;
    out->rhs[k] = d->value;
    out->clamped[k] = (d->flags & DF_UNLESS_REFRACTORY) != 0;
  }
  Method want = nm->method;
  out->substeps = nm->substeps > 0 ? nm->substeps : 1;
  if (n == 0) {
    out->method = want == METHOD_AUTO ? METHOD_EULER : want;
    return true;
  }
  if (want == METHOD_EXACT && n > SNN_MAX_EXACT_VARIABLES) {
    diag_error(diags, nm->method_decl->span, "'method exact' handles at most %d integrated "
               "variables, but neuron '%s' has %d; use exponential_euler or rk4",
               SNN_MAX_EXACT_VARIABLES, nm->name, n);
    return false;
  }
  /* Beyond the limit the automatic choice moves on to the next method. */
  if ((want == METHOD_AUTO && n <= SNN_MAX_EXACT_VARIABLES) || want == METHOD_EXACT) {
    if (try_exact(&z, out)) {
      out->method = METHOD_EXACT;
      compute_reach(&z, out);
      return true;
    }
    if (want == METHOD_EXACT) {
      diag_error(diags, nm->method_decl->span, "'method exact' is impossible for neuron '%s': "
                 "its equations are not linear with constant coefficients (the coefficients "
                 "may only use parameters and constants); use exponential_euler or rk4",
                 nm->name);
      return false;
    }
  }
  if (want == METHOD_AUTO || want == METHOD_EXPONENTIAL_EULER) {
    if (try_exponential_euler(&z, out)) {
      out->method = METHOD_EXPONENTIAL_EULER;
      return true;
    }
    if (want == METHOD_EXPONENTIAL_EULER) {
      diag_error(diags, nm->method_decl->span, "'method exponential_euler' is impossible for "
                 "neuron '%s': an equation is not linear in its own variable; use rk4",
                 nm->name);
      return false;
    }
  }
  out->method = want == METHOD_AUTO ? METHOD_RK4 : want;
  if (out->method == METHOD_RK2 || out->method == METHOD_RK4) find_stage_cap(&z, nm, out);
  /* Euler's step x + dt (a x + b) is (1 + dt a) x + dt b: with a constant a
     the factor is computed once per step instead of per neuron. */
  if (out->method == METHOD_EULER) try_exponential_euler(&z, out);
  return true;
}
