/*
** codegen_expr.c: expressions to LLVM IR.
**
** Numbers are emitted in the environment's precision, conditions as i1.
** Everything the checker folded (is_const) becomes a constant; parameters
** are loaded once per function in the entry block, so that kernels see them
** as loop invariants.  Aliases are inlined where they are used.  Elementary
** functions map to LLVM intrinsics where one exists (so the vectoriser can
** widen them) and to the C library otherwise.
*/
#include <assert.h>
#include <math.h>
#include <string.h>

#include "builtins.h"
#include "codegen.h"

LLVMValueRef cg_real(Env *env, double v) { return LLVMConstReal(env->real, v); }

LLVMValueRef cg_to_real(Env *env, LLVMValueRef v) {
  LLVMTypeRef ty = LLVMTypeOf(v);
  if (ty == env->real) return v;
  LLVMBuilderRef b = env->g->b;
  if (LLVMGetTypeKind(ty) == LLVMIntegerTypeKind) return LLVMBuildSIToFP(b, v, env->real, "");
  if (ty == env->g->f64) return LLVMBuildFPTrunc(b, v, env->real, "");
  return LLVMBuildFPExt(b, v, env->real, "");
}

static int cache_find(const ParamCache *c, int slot) {
  for (int q = (int)((unsigned)slot * 2654435761u) & (c->cap - 1);; q = (q + 1) & (c->cap - 1))
    if (c->slot[q] == slot || c->slot[q] < 0) return q;
}

static void cache_put(Env *env, ParamCache *c, int slot, LLVMValueRef v) {
  if (2 * (c->len + 1) > c->cap) {
    ParamCache old = *c;
    c->cap = old.cap ? 2 * old.cap : 16;
    c->slot = arena_alloc(env->g->a, sizeof(int) * (size_t)c->cap);
    c->value = arena_alloc(env->g->a, sizeof(LLVMValueRef) * (size_t)c->cap);
    for (int q = 0; q < c->cap; q++) c->slot[q] = -1;
    c->len = 0;
    for (int q = 0; q < old.cap; q++)
      if (old.slot[q] >= 0) cache_put(env, c, old.slot[q], old.value[q]);
  }
  int q = cache_find(c, slot);
  if (c->slot[q] < 0) c->len++;
  c->slot[q] = slot;
  c->value[q] = v;
}

LLVMValueRef cg_param(Env *env, int slot) {
  ParamCache *c = env->param_cache;
  if (c && c->cap) {
    int q = cache_find(c, slot);
    if (c->slot[q] == slot) return c->value[q];
  }
  LLVMBasicBlockRef body = cg_enter_entry(env);
  CodeGen *g = env->g;
  LLVMValueRef idx = LLVMConstInt(g->i64, (unsigned long long)slot, 0);
  LLVMValueRef v = cg_to_real(env, cg_load_at(g, g->f64, env->param, idx));
  cg_leave_entry(env, body);
  if (c) cache_put(env, c, slot, v);
  return v;
}

/* Parameter k of the population's neuron model, through own_param. */
static LLVMValueRef own_param(Env *env, int k) {
  if (env->own_cache && env->own_cache[k]) return env->own_cache[k];
  LLVMBasicBlockRef body = cg_enter_entry(env);
  CodeGen *g = env->g;
  LLVMValueRef v = cg_to_real(env, cg_load_at(g, g->f64, env->own_param, cg_i64(g, k)));
  cg_leave_entry(env, body);
  if (env->own_cache) env->own_cache[k] = v;
  return v;
}

static LLVMValueRef intrinsic(Env *env, const char *name, LLVMValueRef *args, int nargs) {
  CodeGen *g = env->g;
  unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
  assert(id != 0);
  LLVMTypeRef ty = env->real;
  LLVMValueRef fn = LLVMGetIntrinsicDeclaration(g->mod, id, &ty, 1);
  LLVMTypeRef fty = LLVMIntrinsicGetType(g->ctx, id, &ty, 1);
  return LLVMBuildCall2(g->b, fty, fn, args, (unsigned)nargs, "");
}

/* A C library function of the environment's precision (tan, tanf, ...). */
static LLVMValueRef libm(Env *env, const char *name, LLVMValueRef x) {
  CodeGen *g = env->g;
  char buf[32];
  snprintf(buf, sizeof buf, "%s%s", name, env->real == g->f32 ? "f" : "");
  LLVMTypeRef ty = env->real;
  LLVMValueRef fn = cg_declare(g, buf, ty, &ty, 1);
  cg_attribute(g, fn, LLVMAttributeFunctionIndex, "nounwind");
  return cg_call(g, fn, &x, 1);
}

static LLVMValueRef select_real(Env *env, LLVMValueRef c, LLVMValueRef a, LLVMValueRef b) {
  return LLVMBuildSelect(env->g->b, c, a, b, "");
}

/* (exp(x) - 1) / x, with the limit 1 + x/2 + x^2/6 near 0. */
LLVMValueRef cg_exprel(Env *env, LLVMValueRef x) {
  LLVMBuilderRef b = env->g->b;
  LLVMValueRef ex = intrinsic(env, "llvm.exp", &x, 1);
  LLVMValueRef q = LLVMBuildFDiv(b, LLVMBuildFSub(b, ex, cg_real(env, 1.0), ""), x, "");
  LLVMValueRef series = LLVMBuildFAdd(b, cg_real(env, 1.0),
      LLVMBuildFMul(b, x, LLVMBuildFAdd(b, cg_real(env, 0.5),
                    LLVMBuildFMul(b, x, cg_real(env, 1.0 / 6.0), ""), ""), ""), "");
  LLVMValueRef ax = intrinsic(env, "llvm.fabs", &x, 1);
  LLVMValueRef small = LLVMBuildFCmp(b, LLVMRealOLT, ax, cg_real(env, 1e-5), "");
  return select_real(env, small, series, q);
}

/* A draw keyed by (seed, the site's stream, the neuron or synapse, the
   step): the plan gives every site of every population and projection a
   stream of its own, so no two share numbers, and code that runs on events
   draws anew at each step it runs in. */
/* The first two words of the Philox4x32-10 block at position (index,
   counter) of stream `stream` (runtime/numeric/rng.h gives the layout),
   emitted inline so that a loop of draws vectorises: the same bits as
   rng_next_u32 twice on a fresh RngStream. */
static void philox_words(Env *env, LLVMValueRef seed, uint32_t stream, LLVMValueRef index,
                         LLVMValueRef counter, LLVMValueRef *w0, LLVMValueRef *w1) {
  CodeGen *g = env->g;
  LLVMBuilderRef b = g->b;
  LLVMTypeRef i32 = g->i32, i64 = g->i64;
  LLVMValueRef k0 = LLVMBuildTrunc(b, seed, i32, "");
  LLVMValueRef k1 = LLVMBuildXor(b, LLVMBuildTrunc(b, LLVMBuildLShr(b, seed, cg_i64(g, 32), ""),
                                                  i32, ""),
                                 LLVMConstInt(i32, (uint32_t)(stream * 0x9E3779B9u), 0), "");
  LLVMValueRef x[4] = {
    LLVMBuildTrunc(b, index, i32, ""),
    LLVMBuildTrunc(b, LLVMBuildLShr(b, index, cg_i64(g, 32), ""), i32, ""),
    LLVMBuildTrunc(b, counter, i32, ""),
    LLVMConstInt(i32, 0, 0),
  };
  LLVMValueRef m0 = LLVMConstInt(i64, 0xD2511F53u, 0), m1 = LLVMConstInt(i64, 0xCD9E8D57u, 0);
  for (int round = 0; round < 10; round++) {
    LLVMValueRef p0 = LLVMBuildMul(b, LLVMBuildZExt(b, x[0], i64, ""), m0, "");
    LLVMValueRef p1 = LLVMBuildMul(b, LLVMBuildZExt(b, x[2], i64, ""), m1, "");
    LLVMValueRef hi0 = LLVMBuildTrunc(b, LLVMBuildLShr(b, p0, cg_i64(g, 32), ""), i32, "");
    LLVMValueRef hi1 = LLVMBuildTrunc(b, LLVMBuildLShr(b, p1, cg_i64(g, 32), ""), i32, "");
    LLVMValueRef y0 = LLVMBuildXor(b, LLVMBuildXor(b, hi1, x[1], ""), k0, "");
    LLVMValueRef y2 = LLVMBuildXor(b, LLVMBuildXor(b, hi0, x[3], ""), k1, "");
    x[0] = y0;
    x[1] = LLVMBuildTrunc(b, p1, i32, "");
    x[2] = y2;
    x[3] = LLVMBuildTrunc(b, p0, i32, "");
    k0 = LLVMBuildAdd(b, k0, LLVMConstInt(i32, 0x9E3779B9u, 0), "");
    k1 = LLVMBuildAdd(b, k1, LLVMConstInt(i32, 0xBB67AE85u, 0), "");
  }
  *w0 = x[0];
  *w1 = x[1];
}

/* A uniform draw in [0, 1): (hi >> 5) 2^26 + (lo >> 6) over 2^53, as
   rng_next_uniform computes it. */
static LLVMValueRef inline_uniform(Env *env, LLVMValueRef seed, uint32_t stream,
                                   LLVMValueRef index, LLVMValueRef counter) {
  CodeGen *g = env->g;
  LLVMBuilderRef b = g->b;
  LLVMValueRef w0, w1;
  g->random_draws++;
  philox_words(env, seed, stream, index, counter, &w0, &w1);
  LLVMValueRef hi = LLVMBuildLShr(b, LLVMBuildZExt(b, w0, g->i64, ""), cg_i64(g, 5), "");
  LLVMValueRef lo = LLVMBuildLShr(b, LLVMBuildZExt(b, w1, g->i64, ""), cg_i64(g, 6), "");
  LLVMValueRef k = LLVMBuildOr(b, LLVMBuildShl(b, hi, cg_i64(g, 26), ""), lo, "");
  return LLVMBuildFMul(b, LLVMBuildUIToFP(b, k, g->f64, ""),
                       LLVMConstReal(g->f64, 1.0 / 9007199254740992.0), "uniform");
}

static LLVMValueRef random_draw(Env *env, const Expr *site, bool normal) {
  CodeGen *g = env->g;
  int stream = plan_random_stream(g->plan, site, env->pop, env->proj);
  assert(env->seed && env->rand_index);
  LLVMValueRef counter = env->rand_counter ? env->rand_counter : LLVMConstInt(g->i64, 0, 0);
  if (!normal) return cg_to_real(env, inline_uniform(env, env->seed, (uint32_t)stream,
                                                     env->rand_index, counter));
  LLVMTypeRef args[4] = {g->i64, g->i64, g->i64, g->i64};
  LLVMValueRef fn = cg_declare(g, "snnrt_normal", g->f64, args, 4);
  LLVMValueRef vals[4] = {
    env->seed, LLVMConstInt(g->i64, (unsigned long long)stream, 0), env->rand_index, counter,
  };
  return cg_to_real(env, cg_call(g, fn, vals, 4));
}

static LLVMValueRef extern_call(Env *env, const Expr *e) {
  CodeGen *g = env->g;
  const Decl *d = e->sym->decl;
  LLVMTypeRef types[16];
  LLVMValueRef vals[16];
  int n = 0;
  const Expr *a = e->args;
  for (const Decl *p = d->members; p && n < 16; p = p->next, a = a->next, n++) {
    const char *t = p->type_name;
    LLVMValueRef v = cg_expr(env, a);
    if (strcmp(t, "f64") == 0) {
      types[n] = g->f64;
      vals[n] = env->real == g->f64 ? v : LLVMBuildFPExt(g->b, v, g->f64, "");
    } else if (strcmp(t, "f32") == 0) {
      types[n] = g->f32;
      vals[n] = env->real == g->f32 ? v : LLVMBuildFPTrunc(g->b, v, g->f32, "");
    } else {
      types[n] = strcmp(t, "i32") == 0 ? g->i32 : g->i64;
      vals[n] = LLVMBuildFPToSI(g->b, v, types[n], "");
    }
  }
  const char *rt = d->type_name;
  LLVMTypeRef ret = strcmp(rt, "f64") == 0 ? g->f64 : strcmp(rt, "f32") == 0 ? g->f32 :
                    strcmp(rt, "i32") == 0 ? g->i32 : g->i64;
  LLVMValueRef fn = cg_declare(g, d->name, ret, types, n);
  return cg_to_real(env, cg_call(g, fn, vals, n));
}

static LLVMValueRef builtin_call(Env *env, const Expr *e) {
  const Builtin *bi = builtin_lookup(e->text);
  assert(bi);
  LLVMBuilderRef b = env->g->b;
  LLVMValueRef a[3] = {NULL, NULL, NULL};
  int n = 0;
  /* A spike query's arguments name a population and a window, not values. */
  for (const Expr *x = e->args; x && n < 3 && bi->id != FN_SPIKE_RATE; x = x->next)
    a[n++] = cg_expr(env, x);
  switch (bi->id) {
  case FN_EXP: return intrinsic(env, "llvm.exp", a, 1);
  case FN_LOG: return intrinsic(env, "llvm.log", a, 1);
  case FN_LOG10: return intrinsic(env, "llvm.log10", a, 1);
  case FN_SIN: return intrinsic(env, "llvm.sin", a, 1);
  case FN_COS: return intrinsic(env, "llvm.cos", a, 1);
  case FN_SQRT: return intrinsic(env, "llvm.sqrt", a, 1);
  case FN_ABS: return intrinsic(env, "llvm.fabs", a, 1);
  case FN_FLOOR: return intrinsic(env, "llvm.floor", a, 1);
  case FN_CEIL: return intrinsic(env, "llvm.ceil", a, 1);
  case FN_ROUND: return intrinsic(env, "llvm.round", a, 1);
  case FN_TAN: return libm(env, "tan", a[0]);
  case FN_SINH: return libm(env, "sinh", a[0]);
  case FN_COSH: return libm(env, "cosh", a[0]);
  case FN_TANH: return libm(env, "tanh", a[0]);
  case FN_ASIN: return libm(env, "asin", a[0]);
  case FN_ACOS: return libm(env, "acos", a[0]);
  case FN_ATAN: return libm(env, "atan", a[0]);
  case FN_EXPREL: return cg_exprel(env, a[0]);
  case FN_SIGN: {
    LLVMValueRef pos = LLVMBuildFCmp(b, LLVMRealOGT, a[0], cg_real(env, 0), "");
    LLVMValueRef neg = LLVMBuildFCmp(b, LLVMRealOLT, a[0], cg_real(env, 0), "");
    return select_real(env, pos, cg_real(env, 1), select_real(env, neg, cg_real(env, -1),
                                                              cg_real(env, 0)));
  }
  case FN_MIN:
    return select_real(env, LLVMBuildFCmp(b, LLVMRealOLT, a[0], a[1], ""), a[0], a[1]);
  case FN_MAX:
    return select_real(env, LLVMBuildFCmp(b, LLVMRealOGT, a[0], a[1], ""), a[0], a[1]);
  case FN_CLIP: {
    LLVMValueRef lo = select_real(env, LLVMBuildFCmp(b, LLVMRealOLT, a[0], a[1], ""), a[1], a[0]);
    return select_real(env, LLVMBuildFCmp(b, LLVMRealOGT, lo, a[2], ""), a[2], lo);
  }
  case FN_IFELSE: return select_real(env, a[0], a[1], a[2]);
  case FN_HEAVISIDE:
    return select_real(env, LLVMBuildFCmp(b, LLVMRealOGE, a[0], cg_real(env, 0), ""),
                       cg_real(env, 1), cg_real(env, 0));
  case FN_RAND: return random_draw(env, e, false);
  case FN_RANDN: return random_draw(env, e, true);
  case FN_UNIFORM: {
    LLVMValueRef u = random_draw(env, e, false);
    return LLVMBuildFAdd(b, a[0], LLVMBuildFMul(b, LLVMBuildFSub(b, a[1], a[0], ""), u, ""), "");
  }
  case FN_NORMAL: {
    LLVMValueRef z = random_draw(env, e, true);
    return LLVMBuildFAdd(b, a[0], LLVMBuildFMul(b, a[1], z, ""), "");
  }
  case FN_SPIKE_RATE: {
    /* rate(P, last = W), in a reward: the runtime counts the spikes */
    CodeGen *g = env->g;
    assert(env->sim && e->args && e->args->next);
    LLVMTypeRef types[3] = {g->ptr, g->i64, g->f64};
    LLVMValueRef fn = cg_declare(g, "snnrt_rate", g->f64, types, 3);
    LLVMValueRef vals[3] = {env->sim, cg_i64(g, e->sym->of.population->index),
                            LLVMConstReal(g->f64, e->args->next->cval)};
    return cg_to_real(env, cg_call(g, fn, vals, 3));
  }
  case FN_MEAN: case FN_SUM: case FN_STD: case FN_SPIKE_COUNT:
  case FN_COUNT_:
    break; /* prompt-only functions never reach generated code */
  }
  assert(!"unhandled built-in");
  return NULL;
}

/* x^k for a small integer k by repeated multiplication (exact and fast). */
static LLVMValueRef integer_power(Env *env, LLVMValueRef x, int k) {
  LLVMBuilderRef b = env->g->b;
  bool invert = k < 0;
  if (invert) k = -k;
  LLVMValueRef result = cg_real(env, 1.0), base = x;
  bool first = true;
  while (k) {
    if (k & 1) result = first ? base : LLVMBuildFMul(b, result, base, "");
    if (k & 1) first = false;
    k >>= 1;
    if (k) base = LLVMBuildFMul(b, base, base, "");
  }
  return invert ? LLVMBuildFDiv(b, cg_real(env, 1.0), result, "") : result;
}

bool cg_invariant(const Expr *e) {
  if (!e) return true;
  if (e->is_const) return true;
  switch (e->kind) {
  case EX_NAME: {
    const Symbol *s = e->sym;
    if (!s) return false;
    if (s->kind == SYM_ALIAS) return cg_invariant(s->expr);
    if (s->kind == SYM_VARIABLE) return s->builtin == VAR_DT || s->builtin == VAR_N;
    return s->kind == SYM_PARAM || s->kind == SYM_CONST || s->kind == SYM_CONSTANT ||
           s->kind == SYM_UNIT;
  }
  case EX_PAREN: case EX_UNARY:
    return cg_invariant(e->lhs);
  case EX_BINARY:
    return cg_invariant(e->lhs) && cg_invariant(e->rhs);
  default:
    return false;
  }
}

/* 1 / e computed once, in the entry block. */
static LLVMValueRef hoisted_reciprocal(Env *env, const Expr *e) {
  LLVMBasicBlockRef body = cg_enter_entry(env);
  LLVMValueRef v = cg_expr(env, e);
  LLVMValueRef r = LLVMBuildFDiv(env->g->b, cg_real(env, 1.0), v, "recip");
  cg_leave_entry(env, body);
  return r;
}

static LLVMValueRef binary(Env *env, const Expr *e) {
  LLVMBuilderRef b = env->g->b;
  /* Division by a loop invariant becomes a multiplication by its
     reciprocal, computed once: a division costs many times a product in
     vector code.  (Rounding differs from x / c by at most an ulp.) */
  if (e->op == OP_DIV && env->entry && cg_invariant(e->rhs) && !e->rhs->is_const)
    return LLVMBuildFMul(b, cg_expr(env, e->lhs), hoisted_reciprocal(env, e->rhs), "");
  if (e->op == OP_POW) {
    const Expr *r = e->rhs;
    if (r->is_const && r->cval == floor(r->cval) && fabs(r->cval) <= 16 && r->cval != 0)
      return integer_power(env, cg_expr(env, e->lhs), (int)r->cval);
    LLVMValueRef args[2] = {cg_expr(env, e->lhs), cg_expr(env, e->rhs)};
    return intrinsic(env, "llvm.pow", args, 2);
  }
  LLVMValueRef l = cg_expr(env, e->lhs), r = cg_expr(env, e->rhs);
  switch (e->op) {
  case OP_ADD: return LLVMBuildFAdd(b, l, r, "");
  case OP_SUB: return LLVMBuildFSub(b, l, r, "");
  case OP_MUL: return LLVMBuildFMul(b, l, r, "");
  case OP_DIV: return LLVMBuildFDiv(b, l, r, "");
  case OP_MOD: return LLVMBuildFRem(b, l, r, "");
  case OP_LT: return LLVMBuildFCmp(b, LLVMRealOLT, l, r, "");
  case OP_LE: return LLVMBuildFCmp(b, LLVMRealOLE, l, r, "");
  case OP_GT: return LLVMBuildFCmp(b, LLVMRealOGT, l, r, "");
  case OP_GE: return LLVMBuildFCmp(b, LLVMRealOGE, l, r, "");
  case OP_EQ: return LLVMBuildFCmp(b, LLVMRealOEQ, l, r, "");
  case OP_NE: return LLVMBuildFCmp(b, LLVMRealUNE, l, r, "");
  case OP_AND: return LLVMBuildAnd(b, l, r, "");
  case OP_OR: return LLVMBuildOr(b, l, r, "");
  default: break;
  }
  assert(!"unhandled binary operator");
  return NULL;
}

static LLVMValueRef name_value(Env *env, const Expr *e) {
  const Symbol *s = e->sym;
  assert(s);
  switch (s->kind) {
  case SYM_PARAM:
    if (env->own_param && s->owner && s->owner->kind == D_NEURON) return own_param(env, s->index);
    return cg_param(env, plan_param_slot(env->g->plan, s, env->pop, env->proj));
  case SYM_ALIAS:
    return cg_expr(env, s->expr);
  case SYM_STATE:
    if (s->owner && s->owner->kind == D_SYNAPSE) return env->syn[s->index];
    assert(env->state && env->state[s->index]);
    return env->state[s->index];
  case SYM_PORT:
    assert(env->port && env->port[s->index]);
    return env->port[s->index];
  case SYM_TRACE: {
    const SynapseModel *sm = s->owner->sym->of.synapse;
    return env->syn[sm->states.len + s->index];
  }
  case SYM_MODULATOR: {
    /* Constant during a step: loaded once, where the function starts. */
    assert(env->modulators);
    LLVMBasicBlockRef body = cg_enter_entry(env);
    LLVMValueRef v = cg_load_at(env->g, env->g->f64, env->modulators, cg_i64(env->g, s->index));
    v = cg_to_real(env, v);
    cg_leave_entry(env, body);
    return v;
  }
  case SYM_VARIABLE:
    switch ((BuiltinVar)s->builtin) {
    case VAR_T: assert(env->t); return env->t;
    case VAR_DT:
      /* Functions that get dt as an argument use it; every other one reads
         it from the parameter table, whose last slot holds it (snnrt.h). */
      return env->dt ? env->dt : cg_param(env, env->g->plan->nparams);
    case VAR_I: assert(env->i); return env->i;
    case VAR_J: assert(env->j); return env->j;
    case VAR_N: assert(env->n); return env->n;
    }
    break;
  default:
    break;
  }
  assert(!"name cannot be evaluated here");
  return NULL;
}

LLVMValueRef cg_expr(Env *env, const Expr *e) {
  CodeGen *g = env->g;
  if (e->is_const) {
    if (e->type == TY_BOOL) return LLVMConstInt(g->i1, e->cval != 0, 0);
    return cg_real(env, e->cval);
  }
  switch (e->kind) {
  case EX_PAREN:
    return cg_expr(env, e->lhs);
  case EX_NAME:
    return name_value(env, e);
  case EX_MEMBER: {
    LLVMValueRef v = env->member ? env->member(env, e) : NULL;
    assert(v);
    return v;
  }
  case EX_UNARY: {
    LLVMValueRef x = cg_expr(env, e->lhs);
    if (e->op == OP_NOT) return LLVMBuildNot(g->b, x, "");
    if (e->op == OP_NEG) return LLVMBuildFNeg(g->b, x, "");
    return x;
  }
  case EX_BINARY:
    return binary(env, e);
  case EX_CALL:
    if (e->sym && e->sym->kind == SYM_EXTERN) return extern_call(env, e);
    return builtin_call(env, e);
  default:
    break;
  }
  assert(!"expression kind cannot be compiled");
  return NULL;
}
