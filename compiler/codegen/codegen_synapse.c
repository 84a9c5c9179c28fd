/*
** codegen_synapse.c: the per-projection functions.
**
**   snn_p_<k>(param, i, j)        a connection probability that depends on i, j
**   snn_where_<k>(param, i, j)    a `where` condition
**   snn_weight_<k>_<a>(param)     the weight of a sum that is the same for
**                                 every synapse (e.g. `post.ge += we`)
**   snn_syninit_<k>(args, n)      initial synaptic values, per-synapse
**                                 weights and delays, for n synapses
** The synapse code itself (on_pre, on_post, every blocks, clock-driven
** equations) is in codegen_plastic.c.
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
LLVMValueRef cg_pair_function(CodeGen *g, int proj, const char *what, const Expr *e) {
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

/* double snn_bound_<proj>_<k>(param, i, j): the D of a where condition's
   bound, sign_e * e + sign_c * c (pair_bounds.h). */
static LLVMValueRef bound_function(CodeGen *g, int proj, int k, const PairBound *b) {
  char name[64];
  snprintf(name, sizeof name, "snn_bound_%d_%d", proj, k);
  LLVMTypeRef types[3] = {g->ptr, g->i64, g->i64};
  LLVMValueRef fn = start(g, name, g->f64, types, 3);
  Env env = base_env(g, proj, fn, LLVMGetParam(fn, 0), g->f64);
  env.i = LLVMBuildSIToFP(g->b, LLVMGetParam(fn, 1), g->f64, "");
  env.j = LLVMBuildSIToFP(g->b, LLVMGetParam(fn, 2), g->f64, "");
  env.n = LLVMConstReal(g->f64, (double)g->plan->projs[proj].proj->pre->size);
  LLVMValueRef d = cg_expr(&env, b->e);
  if (b->sign_e < 0) d = LLVMBuildFNeg(g->b, d, "");
  if (b->c) {
    LLVMValueRef c = cg_expr(&env, b->c);
    d = b->sign_c < 0 ? LLVMBuildFSub(g->b, d, c, "") : LLVMBuildFAdd(g->b, d, c, "");
  }
  LLVMBuildRet(g->b, d);
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
  /* A per-synapse weight may be a state that no code changes (post.I +=
     w mV with w never written): the initial values are its values. */
  env.syn = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(jp->nvars + 1));
  for (int v = 0; v < jp->nvalues; v++) {
    const Expr *init = synapse_initial(jp->proj, jp->values[v]);
    LLVMValueRef x = init ? cg_expr(&env, init) : cg_real(&env, 0);
    cg_store_at(g, g->real, arrays[v], s, x);
    for (int k = 0; k < jp->nvars; k++)
      if (jp->vars[k].sym == jp->values[v]) env.syn[k] = x;
  }
  for (int k = 0; k < jp->nvars; k++) {
    if (env.syn[k]) continue;
    const Expr *init = jp->vars[k].sym->kind == SYM_STATE ?
                       synapse_initial(jp->proj, jp->vars[k].sym) : NULL;
    env.syn[k] = init ? cg_expr(&env, init) : cg_real(&env, 0);
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

void cg_projection(CodeGen *g, int proj, ProjFunctions *out) {
  ProjPlan *jp = &g->plan->projs[proj];
  Projection *pr = jp->proj;
  memset(out, 0, sizeof *out);
  if (pr->rule == RULE_PROBABILITY && !pr->p->is_const) out->p_fn = cg_pair_function(g, proj, "p", pr->p);
  if (pr->where) {
    out->where_fn = cg_pair_function(g, proj, "where", pr->where);
    out->nbound = pair_bounds(pr->where, out->bound);
    for (int k = 0; k < out->nbound; k++)
      out->bound_fn[k] = bound_function(g, proj, k, &out->bound[k]);
  }
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
  if (jp->has_on_pre) out->on_pre = cg_on_pre(g, proj);
  if (jp->has_on_post) out->on_post = cg_on_post(g, proj);
  if (jp->clock_driven) out->clock_step = cg_clock_step(g, proj);
  if (jp->clock != CLOCK_NONE || jp->npre_values || jp->npost_values)
    out->current = cg_current_value(g, proj);
  if (jp->ndecay) out->decay_fill = cg_decay_fill(g, proj);
  if (jp->npre_values) out->pre_init = cg_end_values_init(g, proj, END_PRE);
  if (jp->npost_values) out->post_init = cg_end_values_init(g, proj, END_POST);
  const SynapseInstance *in = pr->inst;
  out->every = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(in->every.len + 1));
  for (int k = 0; k < in->every.len; k++) out->every[k] = cg_every(g, proj, k);
}
