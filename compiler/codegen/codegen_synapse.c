/*
** codegen_synapse.c: the per-projection functions.
**
**   snn_p_<k>(param, i, j)        a connection probability that depends on i, j
**   snn_where_<k>(param, i, j)    a `where` condition
**   snn_weight_<k>_<a>(param)     the weight of a sum that is the same for
**                                 every synapse (e.g. `post.ge += we`)
**   snn_syninit_<k>(args, n)      initial synaptic values, per-synapse
**                                 weights and delays, for n synapses
**   snn_event_<k>(args, s, i, j)  on_pre statements that are not plain sums
*/
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "codegen.h"

static Env base_env(CodeGen *g, int proj, LLVMValueRef fn, LLVMValueRef param, LLVMTypeRef real) {
  return cg_env(g, LLVMGetEntryBasicBlock(fn), real, param, -1, proj);
}

static LLVMValueRef start(CodeGen *g, const char *name, LLVMTypeRef ret, LLVMTypeRef *args,
                          int nargs) {
  LLVMValueRef fn = cg_function(g, name, ret, args, nargs, true);
  LLVMPositionBuilderAtEnd(g->b, LLVMAppendBasicBlockInContext(g->ctx, fn, "entry"));
  return fn;
}

/* double snn_p_k(param, i, j) or i32 snn_where_k(param, i, j) */
static LLVMValueRef pair_function(CodeGen *g, int proj, const char *what, const Expr *e) {
  char name[64];
  snprintf(name, sizeof name, "snn_%s_%d", what, proj);
  bool cond = e->type == TY_BOOL;
  LLVMTypeRef types[3] = {g->ptr, g->i64, g->i64};
  LLVMValueRef fn = start(g, name, cond ? g->i32 : g->f64, types, 3);
  Env env = base_env(g, proj, fn, LLVMGetParam(fn, 0), g->f64);
  const Projection *pr = g->plan->projs[proj].proj;
  env.i = LLVMBuildSIToFP(g->b, LLVMGetParam(fn, 1), g->f64, "");
  env.j = LLVMBuildSIToFP(g->b, LLVMGetParam(fn, 2), g->f64, "");
  env.n = LLVMConstReal(g->f64, (double)pr->pre->size);
  LLVMValueRef v = cg_expr(&env, e);
  LLVMBuildRet(g->b, cond ? LLVMBuildZExt(g->b, v, g->i32, "") : v);
  return fn;
}

/* double f(param): a weight or delay that is the same for every synapse. */
static LLVMValueRef uniform_function(CodeGen *g, int proj, const char *name, const Expr *e,
                                     bool negate) {
  LLVMTypeRef types[1] = {g->ptr};
  LLVMValueRef fn = start(g, name, g->f64, types, 1);
  Env env = base_env(g, proj, fn, LLVMGetParam(fn, 0), g->f64);
  env.n = LLVMConstReal(g->f64, (double)g->plan->projs[proj].proj->pre->size);
  LLVMValueRef w = cg_expr(&env, e);
  if (negate) w = LLVMBuildFNeg(g->b, w, "");
  LLVMBuildRet(g->b, w);
  return fn;
}

/* snn_syninit_k(SnnSynapseArgs *a, i64 n) */
static LLVMValueRef init_function(CodeGen *g, int proj) {
  ProjPlan *jp = &g->plan->projs[proj];
  char name[64];
  snprintf(name, sizeof name, "snn_syninit_%d", proj);
  LLVMTypeRef types[2] = {g->ptr, g->i64};
  LLVMValueRef fn = start(g, name, g->void_t, types, 2);
  LLVMValueRef a = LLVMGetParam(fn, 0);
  LLVMTypeRef st = g->synapse_args;
  Env env = base_env(g, proj, fn, cg_load_field(g, st, a, SnnSynapseArgs_param), g->real);
  env.seed = cg_load_field(g, st, a, SnnSynapseArgs_seed);
  LLVMValueRef pre = cg_load_field(g, st, a, SnnSynapseArgs_pre);
  LLVMValueRef post = cg_load_field(g, st, a, SnnSynapseArgs_post);
  LLVMValueRef values = cg_load_field(g, st, a, SnnSynapseArgs_value);
  LLVMValueRef delays = cg_load_field(g, st, a, SnnSynapseArgs_delay);
  LLVMValueRef first = cg_load_field(g, st, a, SnnSynapseArgs_first);
  env.dt = cg_to_real(&env, cg_load_field(g, st, a, SnnSynapseArgs_dt));
  int nv = jp->nvalues + jp->nweights;
  LLVMValueRef *arrays = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(nv + 1));
  for (int v = 0; v < nv; v++) arrays[v] = cg_load_at(g, g->ptr, values, cg_i64(g, v));
  env.n = cg_real(&env, (double)jp->proj->pre->size);
  /* for (s = 0; s < n; s++) */
  LLVMBasicBlockRef entry = LLVMGetInsertBlock(g->b);
  LLVMBasicBlockRef loop = LLVMAppendBasicBlockInContext(g->ctx, fn, "loop");
  LLVMBasicBlockRef exit = LLVMAppendBasicBlockInContext(g->ctx, fn, "exit");
  LLVMValueRef n = LLVMGetParam(fn, 1);
  LLVMPositionBuilderAtEnd(g->b, loop);
  LLVMValueRef s = LLVMBuildPhi(g->b, g->i64, "s");
  LLVMValueRef i = LLVMBuildSExt(g->b, cg_load_at(g, g->i32, pre, s), g->i64, "");
  LLVMValueRef j = LLVMBuildSExt(g->b, cg_load_at(g, g->i32, post, s), g->i64, "");
  env.i = cg_to_real(&env, i);
  env.j = cg_to_real(&env, j);
  env.rand_index = LLVMBuildAdd(g->b, first, s, "");
  env.syn = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(nv + 1));
  for (int v = 0; v < jp->nvalues; v++) {
    const Expr *init = synapse_initial(jp->proj, jp->values[v]);
    env.syn[v] = init ? cg_expr(&env, init) : cg_real(&env, 0);
    cg_store_at(g, g->real, arrays[v], s, env.syn[v]);
  }
  for (int q = 0; q < jp->nadditive; q++) {
    AdditivePlan *ad = &jp->additive[q];
    if (ad->uniform || ad->value < jp->nvalues) continue;
    LLVMValueRef w = cg_expr(&env, ad->weight);
    if (ad->negate) w = LLVMBuildFNeg(g->b, w, "");
    cg_store_at(g, g->real, arrays[ad->value], s, w);
  }
  if (jp->delay && !jp->delay_uniform) {
    Env denv = env;
    denv.real = g->f64;
    denv.param_cache = NULL;
    denv.i = LLVMBuildSIToFP(g->b, i, g->f64, "");
    denv.j = LLVMBuildSIToFP(g->b, j, g->f64, "");
    denv.n = LLVMConstReal(g->f64, (double)jp->proj->pre->size);
    denv.dt = NULL; /* read in double from the parameter table */
    cg_store_at(g, g->f64, delays, s, cg_expr(&denv, jp->delay));
  }
  LLVMValueRef next = LLVMBuildAdd(g->b, s, cg_i64(g, 1), "");
  LLVMBasicBlockRef loop_end = LLVMGetInsertBlock(g->b);
  LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntSLT, next, n, ""), loop, exit);
  LLVMValueRef vals[2] = {cg_i64(g, 0), next};
  LLVMBasicBlockRef blocks[2] = {entry, loop_end};
  LLVMAddIncoming(s, vals, blocks, 2);
  LLVMPositionBuilderAtEnd(g->b, entry);
  LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntSLT, cg_i64(g, 0), n, ""), loop, exit);
  LLVMPositionBuilderAtEnd(g->b, exit);
  LLVMBuildRetVoid(g->b);
  return fn;
}

/* State of an event function: where pre./post. values live. */
typedef struct EventCtx {
  CodeGen *g;
  const ProjPlan *jp;
  LLVMValueRef pre_state, post_state, post_input; /* void *const * */
  LLVMValueRef i, j;                               /* i64 */
} EventCtx;

static LLVMValueRef member_array(EventCtx *x, bool post, int index) {
  CodeGen *g = x->g;
  return cg_load_at(g, g->ptr, post ? x->post_state : x->pre_state, cg_i64(g, index));
}

/* A definition of the neuron model at one end, evaluated for that neuron:
   its names mean that neuron's state and its population's parameters. */
static LLVMValueRef end_definition(Env *env, EventCtx *x, const Population *p, bool post,
                                   const Symbol *alias) {
  CodeGen *g = x->g;
  const NeuronModel *nm = p->model;
  Env nenv = *env;
  nenv.pop = p->index;
  nenv.proj = -1;
  nenv.param_cache = NULL;
  nenv.member = NULL;
  nenv.i = post ? env->j : env->i;
  nenv.n = cg_real(env, (double)p->size);
  nenv.state = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(nm->states.len + 1));
  for (int k = 0; k < nm->states.len; k++)
    nenv.state[k] = cg_load_at(g, g->real, member_array(x, post, k), post ? x->j : x->i);
  return cg_expr(&nenv, alias->expr);
}

/* pre.x or post.x, resolved by the checker for this connection (a port is
   never read: the checker refuses it). */
static LLVMValueRef event_member(Env *env, const Expr *e) {
  EventCtx *x = env->member_ctx;
  CodeGen *g = x->g;
  bool post = member_end(e) == END_POST;
  const Population *p = post ? x->jp->proj->post : x->jp->proj->pre;
  const Symbol *s = e->sym;
  assert(s && s->owner == p->model->decl);
  switch (s->kind) {
  case SYM_PARAM: {
    Env penv = *env;
    penv.pop = p->index;
    penv.param_cache = NULL;
    return cg_param(&penv, plan_param_slot(g->plan, s, p->index, -1));
  }
  case SYM_ALIAS:
    return end_definition(env, x, p, post, s);
  case SYM_STATE:
    return cg_load_at(g, g->real, member_array(x, post, s->index), post ? x->j : x->i);
  default:
    assert(!"a member the checker lets through cannot be read here");
    return cg_real(env, 0);
  }
}

static LLVMValueRef apply_op(CodeGen *g, AssignOp op, LLVMValueRef old, LLVMValueRef v) {
  switch (op) {
  case AS_SET: return v;
  case AS_ADD: return LLVMBuildFAdd(g->b, old, v, "");
  case AS_SUB: return LLVMBuildFSub(g->b, old, v, "");
  case AS_MUL: return LLVMBuildFMul(g->b, old, v, "");
  case AS_DIV: return LLVMBuildFDiv(g->b, old, v, "");
  }
  return v;
}

/* One event statement: assign a synaptic value, or a pre/post variable. */
static void event_statement(Env *env, EventCtx *x, LLVMValueRef *arrays, LLVMValueRef syn,
                            const Stmt *st) {
  CodeGen *g = x->g;
  const Expr *t = expr_strip(st->target);
  LLVMValueRef v = cg_expr(env, st->value);
  if (t->kind == EX_NAME) {
    int idx = -1;
    for (int q = 0; q < x->jp->nvalues; q++)
      if (x->jp->values[q] == t->sym) idx = q;
    LLVMValueRef nv = apply_op(g, st->op, env->syn[idx], v);
    env->syn[idx] = nv;
    cg_store_at(g, g->real, arrays[idx], syn, nv);
    return;
  }
  bool post = member_end(t) == END_POST;
  const Population *p = post ? x->jp->proj->post : x->jp->proj->pre;
  const Symbol *s = t->sym;
  assert(s && (s->kind == SYM_STATE || s->kind == SYM_PORT));
  LLVMValueRef at = post ? x->j : x->i;
  if (s->kind == SYM_PORT) {
    int slot = plan_input_slot(&g->plan->pops[p->index], s);
    LLVMValueRef row = cg_load_at(g, g->ptr, x->post_input, cg_i64(g, slot));
    LLVMValueRef old = cg_load_at(g, g->real, row, at);
    cg_store_at(g, g->real, row, at, apply_op(g, st->op, old, v));
    return;
  }
  LLVMValueRef arr = member_array(x, post, s->index);
  LLVMValueRef old = cg_load_at(g, g->real, arr, at);
  cg_store_at(g, g->real, arr, at, apply_op(g, st->op, old, v));
}

/* snn_event_k(SnnEventArgs *a, i64 syn, i64 i, i64 j) */
static LLVMValueRef event_function(CodeGen *g, int proj) {
  ProjPlan *jp = &g->plan->projs[proj];
  char name[64];
  snprintf(name, sizeof name, "snn_event_%d", proj);
  LLVMTypeRef types[4] = {g->ptr, g->i64, g->i64, g->i64};
  LLVMValueRef fn = start(g, name, g->void_t, types, 4);
  LLVMValueRef a = LLVMGetParam(fn, 0), syn = LLVMGetParam(fn, 1);
  LLVMTypeRef st = g->event_args;
  Env env = base_env(g, proj, fn, cg_load_field(g, st, a, SnnEventArgs_param), g->real);
  EventCtx x = {g, jp, cg_load_field(g, st, a, SnnEventArgs_pre_state), cg_load_field(g, st, a, SnnEventArgs_post_state),
                cg_load_field(g, st, a, SnnEventArgs_post_input), LLVMGetParam(fn, 2), LLVMGetParam(fn, 3)};
  LLVMValueRef values = cg_load_field(g, st, a, SnnEventArgs_value);
  env.t = cg_to_real(&env, cg_load_field(g, st, a, SnnEventArgs_t));
  env.dt = cg_to_real(&env, cg_load_field(g, st, a, SnnEventArgs_dt));
  env.seed = cg_load_field(g, st, a, SnnEventArgs_seed);
  env.rand_index = syn;
  env.rand_counter = cg_load_field(g, st, a, SnnEventArgs_step);
  env.i = cg_to_real(&env, x.i);
  env.j = cg_to_real(&env, x.j);
  env.n = cg_real(&env, (double)jp->proj->pre->size);
  env.member = event_member;
  env.member_ctx = &x;
  int nv = jp->nvalues + jp->nweights;
  LLVMValueRef *arrays = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(nv + 1));
  env.syn = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(nv + 1));
  for (int v = 0; v < jp->nvalues; v++) {
    arrays[v] = cg_load_at(g, g->ptr, values, cg_i64(g, v));
    env.syn[v] = cg_load_at(g, g->real, arrays[v], syn);
  }
  for (int k = 0; k < jp->nevent; k++) event_statement(&env, &x, arrays, syn, jp->event_stmts[k]);
  LLVMBuildRetVoid(g->b);
  return fn;
}

void cg_projection(CodeGen *g, int proj, ProjFunctions *out) {
  ProjPlan *jp = &g->plan->projs[proj];
  Projection *pr = jp->proj;
  memset(out, 0, sizeof *out);
  if (pr->rule == RULE_PROBABILITY && !pr->p->is_const) out->p_fn = pair_function(g, proj, "p", pr->p);
  if (pr->where) out->where_fn = pair_function(g, proj, "where", pr->where);
  out->weight_fn = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(jp->nadditive + 1));
  char name[64];
  for (int k = 0; k < jp->nadditive; k++) {
    if (!jp->additive[k].uniform) continue;
    snprintf(name, sizeof name, "snn_weight_%d_%d", proj, k);
    out->weight_fn[k] = uniform_function(g, proj, name, jp->additive[k].weight,
                                         jp->additive[k].negate);
  }
  if (jp->delay && jp->delay_uniform) {
    snprintf(name, sizeof name, "snn_delay_%d", proj);
    out->delay_fn = uniform_function(g, proj, name, jp->delay, false);
  }
  bool per_synapse_delay = jp->delay && !jp->delay_uniform;
  if (jp->nvalues + jp->nweights > 0 || per_synapse_delay) out->init = init_function(g, proj);
  if (jp->nevent > 0) out->on_pre = event_function(g, proj);
}
