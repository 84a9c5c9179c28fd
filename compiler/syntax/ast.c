/*
** ast.c: constructors and small queries of the syntax tree.
*/
#include "ast.h"

#include <assert.h>

Expr *expr_new(Arena *a, ExprKind kind, Span span) {
  Expr *e = arena_alloc(a, sizeof *e);
  e->kind = kind;
  e->span = span;
  e->depth = 1;
  return e;
}

void expr_set_depth(Expr *e) {
  int deepest = 0;
  const Expr *parts[3] = {e->lhs, e->rhs, e->hi};
  for (int k = 0; k < 3; k++)
    if (parts[k] && parts[k]->depth > deepest) deepest = parts[k]->depth;
  for (const Expr *a = e->args; a; a = a->next)
    if (a->depth > deepest) deepest = a->depth;
  e->depth = deepest + 1;
}

Stmt *stmt_new(Arena *a, Span span) {
  Stmt *s = arena_alloc(a, sizeof *s);
  s->span = span;
  return s;
}

Decl *decl_new(Arena *a, DeclKind kind, Span span) {
  Decl *d = arena_alloc(a, sizeof *d);
  d->kind = kind;
  d->span = span;
  return d;
}

Expr *expr_append(Expr *a, Expr *b) {
  if (!a) return b;
  Expr *p = a;
  while (p->next) p = p->next;
  p->next = b;
  return a;
}

Decl *decl_append(Decl *a, Decl *b) {
  if (!a) return b;
  Decl *p = a;
  while (p->next) p = p->next;
  p->next = b;
  return a;
}

Stmt *stmt_append(Stmt *a, Stmt *b) {
  if (!a) return b;
  Stmt *p = a;
  while (p->next) p = p->next;
  p->next = b;
  return a;
}

/* Copies of syntax: what the checker fills in is left out, so a copy
   is checked afresh in the place it is copied for. */
static Expr *expr_list_clone(Arena *a, const Expr *list);

Expr *expr_clone(Arena *a, const Expr *e) {
  if (!e) return NULL;
  Expr *c = arena_alloc(a, sizeof *c);
  *c = *e;
  c->next = NULL;
  c->type = TY_UNKNOWN;
  c->dim = dim_none();
  c->sym = NULL;
  c->is_const = false;
  c->cval = 0;
  c->lhs = expr_clone(a, e->lhs);
  c->rhs = expr_clone(a, e->rhs);
  c->hi = expr_clone(a, e->hi);
  c->args = expr_list_clone(a, e->args);
  return c;
}

static Expr *expr_list_clone(Arena *a, const Expr *list) {
  Expr *head = NULL, **tail = &head;
  for (const Expr *e = list; e; e = e->next) {
    *tail = expr_clone(a, e);
    tail = &(*tail)->next;
  }
  return head;
}

Stmt *stmt_list_clone(Arena *a, const Stmt *list) {
  Stmt *head = NULL, **tail = &head;
  for (const Stmt *s = list; s; s = s->next) {
    Stmt *c = arena_alloc(a, sizeof *c);
    *c = *s;
    c->target = expr_clone(a, s->target);
    c->value = expr_clone(a, s->value);
    c->delay = expr_clone(a, s->delay);
    c->next = NULL;
    *tail = c;
    tail = &c->next;
  }
  return head;
}

Decl *decl_clone(Arena *a, const Decl *d) {
  if (!d) return NULL;
  Decl *c = arena_alloc(a, sizeof *c);
  *c = *d;
  c->next = NULL;
  c->sym = NULL;
  c->value = expr_clone(a, d->value);
  c->body = stmt_list_clone(a, d->body);
  return c;
}

int expr_count(const Expr *e) {
  int n = 0;
  for (; e; e = e->next) n++;
  return n;
}

const char *op_text(Op op) {
  switch (op) {
  case OP_ADD: case OP_PLUS: return "+";
  case OP_SUB: case OP_NEG: return "-";
  case OP_MUL: return "*";
  case OP_DIV: return "/";
  case OP_MOD: return "%";
  case OP_POW: return "^";
  case OP_LT: return "<";
  case OP_LE: return "<=";
  case OP_GT: return ">";
  case OP_GE: return ">=";
  case OP_EQ: return "==";
  case OP_NE: return "!=";
  case OP_AND: return "and";
  case OP_OR: return "or";
  case OP_NOT: return "not";
  case OP_NONE: break;
  }
  return "?";
}

const char *assign_op_text(AssignOp op) {
  switch (op) {
  case AS_SET: return "=";
  case AS_ADD: return "+=";
  case AS_SUB: return "-=";
  case AS_MUL: return "*=";
  case AS_DIV: return "/=";
  }
  return "?";
}

const char *decl_kind_name(DeclKind kind) {
  switch (kind) {
  case D_IMPORT: return "import";
  case D_PARAM: return "parameter";
  case D_CONST: return "constant";
  case D_EXTERN: return "extern function";
  case D_EXTERN_ARG: return "argument";
  case D_OPTION: return "option";
  case D_NEURON: return "neuron model";
  case D_SYNAPSE: return "synapse model";
  case D_POPULATION: return "population";
  case D_INPUT: return "input";
  case D_CONNECT: return "connection";
  case D_MONITOR: return "monitor";
  case D_RUN: return "run";
  case D_STATE: return "state variable";
  case D_ODE: return "differential equation";
  case D_ALIAS: return "definition";
  case D_PORT: return "input port";
  case D_SPIKE: return "spike condition";
  case D_RESET: return "reset";
  case D_REFRACTORY: return "refractory period";
  case D_METHOD: return "integration method";
  case D_TRACE: return "trace";
  case D_ON_PRE: return "on_pre block";
  case D_ON_POST: return "on_post block";
  case D_EVERY: return "every block";
  case D_WHERE: return "where condition";
  case D_RULE: return "connection rule";
  case D_FROM: return "connection file";
  case D_MODULATOR: return "modulator";
  case D_MOD_SOURCE: return "spike source of a modulator";
  case D_REWARD: return "reward rule";
  case D_ENVIRONMENT: return "environment";
  case D_ENCODE: return "encoder";
  case D_DECODE: return "decoder";
  case D_TRAIN: return "train statement";
  case D_AGENTS: return "agents block";
  case D_SETTING: return "setting";
  }
  return "declaration";
}

Expr *expr_strip(Expr *e) {
  while (e && e->kind == EX_PAREN) e = e->lhs;
  return e;
}
