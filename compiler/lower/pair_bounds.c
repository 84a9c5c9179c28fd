/*
** pair_bounds.c: bounds on i and j from a `where` condition (pair_bounds.h).
*/
#include "pair_bounds.h"

#include <string.h>

#include "builtins.h"

enum { CONSTANT = 0, AFFINE = 1, OTHER = 2 };

static const Expr *strip(const Expr *e) {
  while (e && e->kind == EX_PAREN) e = e->lhs;
  return e;
}

/* How e depends on the index x: not at all, affinely, or otherwise. */
static int degree(const Expr *e, int x) {
  e = strip(e);
  if (!e) return OTHER;
  if (e->is_const) return CONSTANT;
  switch (e->kind) {
  case EX_NUMBER:
  case EX_BOOL: return CONSTANT;
  case EX_NAME: {
    const Symbol *s = e->sym;
    if (!s) return OTHER;
    switch (s->kind) {
    case SYM_PARAM:
    case SYM_CONST:
    case SYM_CONSTANT:
    case SYM_UNIT: return CONSTANT;
    case SYM_VARIABLE: return s->builtin == x ? AFFINE : CONSTANT;
    case SYM_ALIAS: return degree(s->expr, x);
    default: return OTHER;
    }
  }
  case EX_UNARY:
    return e->op == OP_NEG || e->op == OP_PLUS ? degree(e->lhs, x)
           : degree(e->lhs, x) == CONSTANT ? CONSTANT : OTHER;
  case EX_BINARY: {
    int a = degree(e->lhs, x), b = degree(e->rhs, x);
    switch (e->op) {
    case OP_ADD:
    case OP_SUB: return a > b ? a : b;
    case OP_MUL: return a + b <= AFFINE ? a + b : OTHER;
    case OP_DIV: return b == CONSTANT ? a : OTHER;
    default: return a == CONSTANT && b == CONSTANT ? CONSTANT : OTHER;
    }
  }
  case EX_CALL: {
    /* Deterministic built-ins only: an extern C function might not be pure. */
    const Builtin *b = e->sym ? NULL : builtin_lookup(e->text);
    if (!b || b->random) return OTHER;
    for (const Expr *a = e->args; a; a = a->next)
      if (degree(a, x) != CONSTANT) return OTHER;
    return CONSTANT;
  }
  default: return OTHER;
  }
}

static const Expr *abs_argument(const Expr *e) {
  e = strip(e);
  if (e && e->kind == EX_CALL && !e->sym && strcmp(e->text, "abs") == 0 && e->args &&
      !e->args->next)
    return e->args;
  return NULL;
}

static void add(PairBound *out, int *n, PairBound b) {
  if (*n < PAIR_MAX_BOUNDS) out[(*n)++] = b;
}

/* The bounds on x that the comparison `l op r` gives. */
static void comparison(const Expr *l, Op op, const Expr *r, int x, PairBound *out, int *n) {
  int dl = degree(l, x), dr = degree(r, x);
  bool less = op == OP_LT || op == OP_LE, greater = op == OP_GT || op == OP_GE;
  if (dl <= AFFINE && dr <= AFFINE && (dl == AFFINE || dr == AFFINE)) {
    /* l - r <= 0, r - l <= 0, or l - r == 0 */
    if (less || op == OP_EQ) add(out, n, (PairBound){l, r, 1, -1, x, op == OP_EQ});
    if (greater) add(out, n, (PairBound){l, r, -1, 1, x, false});
    return;
  }
  /* abs(a) < c, or c > abs(a): a - c <= 0 and -a - c <= 0 */
  const Expr *a = less ? abs_argument(l) : greater ? abs_argument(r) : NULL;
  const Expr *c = less ? r : l;
  if (a && degree(a, x) == AFFINE && degree(c, x) == CONSTANT) {
    add(out, n, (PairBound){a, c, 1, -1, x, false});
    add(out, n, (PairBound){a, c, -1, -1, x, false});
  }
}

static void collect(const Expr *e, PairBound *out, int *n) {
  e = strip(e);
  if (!e || e->kind != EX_BINARY) return;
  switch (e->op) {
  case OP_AND:
    collect(e->lhs, out, n);
    collect(e->rhs, out, n);
    break;
  case OP_LT:
  case OP_LE:
  case OP_GT:
  case OP_GE:
  case OP_EQ:
    comparison(e->lhs, e->op, e->rhs, VAR_I, out, n);
    comparison(e->lhs, e->op, e->rhs, VAR_J, out, n);
    break;
  default: break;
  }
}

int pair_bounds(const Expr *where, PairBound *out) {
  int n = 0;
  collect(where, out, &n);
  return n;
}
