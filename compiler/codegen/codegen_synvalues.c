/*
** codegen_synvalues.c: the values of plastic synapses that no event
** computes (see codegen_plastic.c for the synapse code itself).
**
**   snn_decay_fill_<k>(param, dt, out)     the decay tables of the lazy
**                                          variables of projection k, for
**                                          the run's time step
**   snn_pre_init_<k>, snn_post_init_<k>    initial values of the variables
**                                          kept per neuron
*/
#include <stdio.h>

#include "codegen.h"

/* --- Decay factors -------------------------------------------------------------------- */

/* exp(rate elapsed), elapsed = steps dt: the same operations whether the
   fill function tables it or code computes it. */
LLVMValueRef cg_decay_factor(CodeGen *g, LLVMValueRef rate, LLVMValueRef steps, LLVMValueRef dt) {
  LLVMBuilderRef b = g->b;
  LLVMValueRef elapsed = LLVMBuildFMul(b, LLVMBuildSIToFP(b, steps, g->f64, ""), dt, "elapsed");
  LLVMValueRef arg = LLVMBuildFMul(b, rate, elapsed, "");
  unsigned id = LLVMLookupIntrinsicID("llvm.exp", 8);
  LLVMTypeRef ty = g->f64;
  return LLVMBuildCall2(b, LLVMIntrinsicGetType(g->ctx, id, &ty, 1),
                        LLVMGetIntrinsicDeclaration(g->mod, id, &ty, 1), &arg, 1, "decay");
}

/* --- Decay tables --------------------------------------------------------------------- */

typedef struct FillCtx {
  CodeGen *g;
  Env *env;
  LLVMValueRef rate, dt, out;
  int64_t base;
} FillCtx;

static void fill_entry(void *ctx, LLVMValueRef k) {
  FillCtx *f = ctx;
  CodeGen *g = f->g;
  LLVMBuilderRef b = g->b;
  LLVMValueRef fine = cg_decay_factor(g, f->rate, k, f->dt);
  cg_store_at(g, g->f64, f->out, LLVMBuildAdd(b, k, cg_i64(g, f->base), ""), fine);
  LLVMValueRef coarse = cg_decay_factor(g, f->rate, LLVMBuildMul(b, k, cg_i64(g, SNN_DECAY_TABLE), ""),
                                     f->dt);
  cg_store_at(g, g->f64, f->out, LLVMBuildAdd(b, k, cg_i64(g, f->base + SNN_DECAY_TABLE), ""),
              coarse);
}

LLVMValueRef cg_decay_fill(CodeGen *g, int proj) {
  const ProjPlan *jp = &g->plan->projs[proj];
  char name[64];
  snprintf(name, sizeof name, "snn_decay_fill_%d", proj);
  LLVMTypeRef types[3] = {g->ptr, g->f64, g->ptr};
  LLVMValueRef fn = cg_function(g, name, g->void_t, types, 3, true);
  LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(g->ctx, fn, "entry");
  LLVMPositionBuilderAtEnd(g->b, entry);
  Env env = cg_env(g, entry, g->f64, LLVMGetParam(fn, 0), -1, proj);
  env.dt = LLVMGetParam(fn, 1);
  for (int k = 0; k < jp->nvars; k++) {
    const SynVar *v = &jp->vars[k];
    if (v->table < 0) continue;
    FillCtx f = {g, &env, cg_expr(&env, v->rate), env.dt, LLVMGetParam(fn, 2),
                 (int64_t)v->table * SNN_DECAY_STRIDE};
    cg_loop(g, fn, cg_i64(g, 0), cg_i64(g, SNN_DECAY_TABLE), fill_entry, &f);
  }
  LLVMBuildRetVoid(g->b);
  return fn;
}

/* --- Initial values of per-neuron variables --------------------------------------- */

typedef struct EndInit {
  CodeGen *g;
  const ProjPlan *jp;
  SynapseEnd end;
  Env *env;
  LLVMValueRef *arrays;
} EndInit;

static void end_init_neuron(void *ctx, LLVMValueRef n) {
  EndInit *e = ctx;
  CodeGen *g = e->g;
  LLVMValueRef index = cg_to_real(e->env, n);
  if (e->end == END_PRE) e->env->i = index;
  else e->env->j = index;
  SynStorage storage = e->end == END_PRE ? STORE_PRE : STORE_POST;
  for (int k = 0; k < e->jp->nvars; k++) {
    const SynVar *v = &e->jp->vars[k];
    if (v->storage != storage) continue;
    const Expr *init = synapse_initial(e->jp->proj, v->sym);
    LLVMValueRef value = init ? cg_expr(e->env, init) : cg_real(e->env, 0);
    cg_store_at(g, g->real, e->arrays[v->slot], n, value);
  }
}

LLVMValueRef cg_end_values_init(CodeGen *g, int proj, SynapseEnd end) {
  const ProjPlan *jp = &g->plan->projs[proj];
  char name[64];
  snprintf(name, sizeof name, "snn_%s_init_%d", end == END_PRE ? "pre" : "post", proj);
  LLVMTypeRef types[3] = {g->ptr, g->ptr, g->i64};
  LLVMValueRef fn = cg_function(g, name, g->void_t, types, 3, true);
  LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(g->ctx, fn, "entry");
  LLVMPositionBuilderAtEnd(g->b, entry);
  Env env = cg_env(g, entry, g->real, LLVMGetParam(fn, 0), -1, proj);
  env.n = cg_real(&env, (double)jp->proj->pre->size);
  int count = end == END_PRE ? jp->npre_values : jp->npost_values;
  LLVMValueRef *arrays = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(count + 1));
  for (int k = 0; k < count; k++) arrays[k] = cg_load_at(g, g->ptr, LLVMGetParam(fn, 1), cg_i64(g, k));
  EndInit e = {g, jp, end, &env, arrays};
  cg_loop(g, fn, cg_i64(g, 0), LLVMGetParam(fn, 2), end_init_neuron, &e);
  LLVMBuildRetVoid(g->b);
  return fn;
}
