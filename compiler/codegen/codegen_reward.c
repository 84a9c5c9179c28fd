/*
** codegen_reward.c: the functions of modulators and reward rules.
**
**   snn_reward_<k>_amount(args)   what reward rule k adds (with its sign)
**   snn_reward_<k>_delay(args)    how long after its condition it comes
**
** Both take SnnRewardArgs: the parameters, the modulators' values, the time,
** and the number of rewards the rule gave before, which keys its random
** draws, so `after uniform(1 s, 3 s)` draws anew for every reward.  rate(P,
** last = W) calls back into the runtime, which counts the spikes.
*/
#include <stdio.h>

#include "codegen.h"

static LLVMValueRef reward_function(CodeGen *g, int k, const char *what, const Expr *e,
                                    bool negate) {
  char name[64];
  snprintf(name, sizeof name, "snn_reward_%d_%s", k, what);
  LLVMTypeRef types[1] = {g->ptr};
  LLVMValueRef fn = cg_function(g, name, g->f64, types, 1, true);
  LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(g->ctx, fn, "entry");
  LLVMPositionBuilderAtEnd(g->b, entry);
  LLVMValueRef a = LLVMGetParam(fn, 0);
  LLVMTypeRef st = g->reward_args_t;
  Env env = cg_env(g, entry, g->f64, cg_load_field(g, st, a, SnnRewardArgs_param), -1, -1);
  env.modulators = cg_load_field(g, st, a, SnnRewardArgs_modulator);
  env.sim = cg_load_field(g, st, a, SnnRewardArgs_sim);
  env.t = cg_load_field(g, st, a, SnnRewardArgs_t);
  env.dt = cg_load_field(g, st, a, SnnRewardArgs_dt);
  env.seed = cg_load_field(g, st, a, SnnRewardArgs_seed);
  env.rand_index = cg_load_field(g, st, a, SnnRewardArgs_count);
  LLVMValueRef v = cg_expr(&env, e);
  if (negate) v = LLVMBuildFNeg(g->b, v, "");
  LLVMBuildRet(g->b, v);
  return fn;
}

void cg_reward(CodeGen *g, int k, LLVMValueRef *amount, LLVMValueRef *delay) {
  const RewardRule *r = g->m->rewards.items[k];
  *amount = reward_function(g, k, "amount", r->amount, r->subtract);
  *delay = r->delay ? reward_function(g, k, "delay", r->delay, false) : NULL;
}
