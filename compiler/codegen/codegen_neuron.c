/*
** codegen_neuron.c: the per-population functions.
**
**   snn_init_<k>   initial state of neurons [begin, end)
**   snn_coef_<k>   derived constants: the exact propagators, from the
**                  parameters and dt, computed once when a run starts
**   snn_step_<k>   the fused kernel: one loop over neurons doing, per
**                  neuron, input delivery, integration, threshold, reset
**                  and refractory bookkeeping, and a NaN/Inf check
**
** The kernel loop lives in an always-inline body function whose array
** arguments are `noalias`: after inlining, LLVM knows that no two state
** arrays overlap, so the loop vectorizer widens it without run-time overlap
** checks.  The step semantics follow docs/language.md (and Brian2): values
** at t_n are integrated to t_n + dt, the threshold is tested on the new
** values, the spike is recorded at t_n, then the reset applies.
*/
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "codegen.h"

typedef struct KernelGen {
  CodeGen *g;
  int pop;
  PopPlan *pp;
  NeuronModel *nm;
  Env env;
  LLVMValueRef fn;
  LLVMValueRef *state_ptr;   /* per state: the array */
  LLVMValueRef *input_ptr;   /* per input slot: this step's accumulator row */
  LLVMValueRef refr_ptr, spiked_ptr, coef_ptr;
  LLVMValueRef index;
  LLVMValueRef *coef_cache;
  LLVMValueRef refractory_steps; /* i32: steps of the refractory period */
  LLVMValueRef loop_flag;        /* i1 set by a loop body: a NaN or Inf appeared */
  LLVMValueRef step_index;       /* i64: the step being computed (random draws) */
} KernelGen;

static LLVMValueRef coef(KernelGen *k, int idx) {
  if (k->coef_cache[idx]) return k->coef_cache[idx];
  LLVMBasicBlockRef body = cg_enter_entry(&k->env);
  LLVMValueRef v = cg_to_real(&k->env, cg_load_at(k->g, k->g->f64, k->coef_ptr, cg_i64(k->g, idx)));
  cg_leave_entry(&k->env, body);
  k->coef_cache[idx] = v;
  return v;
}

/* The parameters' two tables: all of them, and the neuron model's own. */
static void own_params(KernelGen *k, Env *env, LLVMValueRef own) {
  env->own_param = own;
  env->own_cache = arena_alloc(k->g->a, sizeof(LLVMValueRef) * (size_t)(k->nm->params.len + 1));
}

static void setup_env(KernelGen *k, LLVMValueRef param, LLVMValueRef own,
                      LLVMBasicBlockRef entry) {
  CodeGen *g = k->g;
  Env *env = &k->env;
  *env = cg_env(g, entry, g->real, param, k->pop, -1);
  own_params(k, env, own);
  env->state = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(k->nm->states.len + 1));
  env->port = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(k->nm->ports.len + 1));
}

/* A counted loop over [begin, end): calls body for each index. Leaves the
   builder in the exit block. */
typedef void (*LoopBody)(KernelGen *k, LLVMValueRef i);

static LLVMValueRef counted_loop(KernelGen *k, LLVMValueRef begin, LLVMValueRef end,
                                 LoopBody body) {
  CodeGen *g = k->g;
  LLVMBasicBlockRef entry = LLVMGetInsertBlock(g->b);
  LLVMBasicBlockRef loop = LLVMAppendBasicBlockInContext(g->ctx, k->fn, "loop");
  LLVMBasicBlockRef exit = LLVMAppendBasicBlockInContext(g->ctx, k->fn, "exit");
  LLVMPositionBuilderAtEnd(g->b, loop);
  LLVMValueRef i = LLVMBuildPhi(g->b, g->i64, "i");
  LLVMValueRef flag = LLVMBuildPhi(g->b, g->i1, "bad");
  k->index = i;
  k->loop_flag = LLVMConstInt(g->i1, 0, 0);
  int draws = g->random_draws;
  body(k, i);
  LLVMValueRef bad = k->loop_flag;
  LLVMValueRef bad_next = LLVMBuildOr(g->b, flag, bad, "");
  LLVMValueRef next = LLVMBuildAdd(g->b, i, cg_i64(g, 1), "");
  LLVMValueRef more = LLVMBuildICmp(g->b, LLVMIntSLT, next, end, "");
  LLVMBasicBlockRef loop_end = LLVMGetInsertBlock(g->b);
  LLVMValueRef back = LLVMBuildCondBr(g->b, more, loop, exit);
  /* A random draw is a chain of ten dependent Philox rounds: four vectors
     in flight hide its latency (1.6x on the Izhikevich 2007 network); for
     other bodies the vectoriser's own choice is better. */
  if (g->random_draws > draws) cg_loop_interleave(g, back, 4);
  LLVMValueRef zero = LLVMConstInt(g->i1, 0, 0);
  LLVMValueRef in_vals[2] = {begin, next};
  LLVMBasicBlockRef in_blocks[2] = {entry, loop_end};
  LLVMAddIncoming(i, in_vals, in_blocks, 2);
  LLVMValueRef flag_vals[2] = {zero, bad_next};
  LLVMAddIncoming(flag, flag_vals, in_blocks, 2);
  /* The guard goes at the end of the entry block, after every hoisted value. */
  LLVMPositionBuilderAtEnd(g->b, entry);
  LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntSLT, begin, end, ""), loop, exit);
  LLVMPositionBuilderAtEnd(g->b, exit);
  LLVMValueRef result = LLVMBuildPhi(g->b, g->i1, "");
  LLVMValueRef res_vals[2] = {zero, bad_next};
  LLVMAddIncoming(result, res_vals, in_blocks, 2);
  return result;
}

/* --- Initialisation ------------------------------------------------------- */

static void init_body(KernelGen *k, LLVMValueRef i) {
  CodeGen *g = k->g;
  Env *env = &k->env;
  env->i = cg_to_real(env, i);
  env->rand_index = i;
  for (int s = 0; s < k->nm->states.len; s++) {
    Symbol *sym = k->nm->states.items[s];
    const Expr *init = population_initial(k->pp->pop, sym);
    LLVMValueRef v = init ? cg_expr(env, init) : cg_real(env, 0);
    cg_store_at(g, g->real, k->state_ptr[s], i, v);
    env->state[s] = v; /* later initial values may use it */
  }
  if (k->nm->refractory && !k->nm->refractory_is_condition)
    cg_store_at(g, g->i32, k->refr_ptr, i, LLVMConstInt(g->i32, 0, 0));
}

/* Loads the fields of SnnKernelArgs into the KernelGen. */
static void unpack_args(KernelGen *k, LLVMValueRef args) {
  CodeGen *g = k->g;
  LLVMTypeRef st = g->kernel_args;
  LLVMValueRef states = cg_load_field(g, st, args, SnnKernelArgs_state);
  LLVMValueRef inputs = cg_load_field(g, st, args, SnnKernelArgs_input);
  k->state_ptr = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(k->nm->states.len + 1));
  k->input_ptr = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(k->pp->ninputs + 1));
  for (int s = 0; s < k->nm->states.len; s++)
    k->state_ptr[s] = cg_load_at(g, g->ptr, states, cg_i64(g, s));
  for (int s = 0; s < k->pp->ninputs; s++)
    k->input_ptr[s] = cg_load_at(g, g->ptr, inputs, cg_i64(g, s));
  k->refr_ptr = cg_load_field(g, st, args, SnnKernelArgs_refractory);
  k->spiked_ptr = cg_load_field(g, st, args, SnnKernelArgs_spiked);
  k->coef_ptr = cg_load_field(g, st, args, SnnKernelArgs_coef);
}

static LLVMValueRef emit_init(KernelGen *k) {
  CodeGen *g = k->g;
  char name[64];
  snprintf(name, sizeof name, "snn_init_%d", k->pop);
  LLVMTypeRef args[3] = {g->ptr, g->i64, g->i64};
  k->fn = cg_function(g, name, g->void_t, args, 3, true);
  LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(g->ctx, k->fn, "entry");
  LLVMPositionBuilderAtEnd(g->b, entry);
  LLVMValueRef a = LLVMGetParam(k->fn, 0);
  unpack_args(k, a);
  setup_env(k, cg_load_field(g, g->kernel_args, a, SnnKernelArgs_param),
            cg_load_field(g, g->kernel_args, a, SnnKernelArgs_own_param), entry);
  k->env.seed = cg_load_field(g, g->kernel_args, a, SnnKernelArgs_seed);
  k->env.n = cg_to_real(&k->env, cg_load_field(g, g->kernel_args, a, SnnKernelArgs_size));
  k->env.dt = cg_to_real(&k->env, cg_load_field(g, g->kernel_args, a, SnnKernelArgs_dt));
  counted_loop(k, LLVMGetParam(k->fn, 1), LLVMGetParam(k->fn, 2), init_body);
  LLVMBuildRetVoid(g->b);
  return k->fn;
}

/* --- Derived constants ---------------------------------------------------- */

/* Fills A (n x n, double) from the coefficient expressions, with the rows
   of clamped variables zeroed when `refractory`. */
static void fill_matrix(KernelGen *k, Env *env, LLVMValueRef A, bool refractory) {
  CodeGen *g = k->g;
  const OdeSystem *s = &k->pp->ode;
  int n = s->n;
  for (int r = 0; r < n; r++) {
    for (int c = 0; c < n; c++) {
      const Expr *e = s->A[r * n + c];
      LLVMValueRef v = (e && !(refractory && s->clamped[r])) ? cg_expr(env, e) : cg_real(env, 0);
      cg_store_at(g, g->f64, A, cg_i64(g, r * n + c), v);
    }
  }
}

static LLVMValueRef emit_coef(KernelGen *k) {
  CodeGen *g = k->g;
  char name[64];
  snprintf(name, sizeof name, "snn_coef_%d", k->pop);
  LLVMTypeRef args[4] = {g->ptr, g->ptr, g->f64, g->ptr};
  k->fn = cg_function(g, name, g->i32, args, 4, true);
  LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(g->ctx, k->fn, "entry");
  LLVMPositionBuilderAtEnd(g->b, entry);
  /* Propagators are computed in double whatever the model's precision. */
  Env env = cg_env(g, entry, g->f64, LLVMGetParam(k->fn, 0), k->pop, -1);
  own_params(k, &env, LLVMGetParam(k->fn, 1));
  env.dt = LLVMGetParam(k->fn, 2);
  const OdeSystem *s = &k->pp->ode;
  LLVMValueRef status = LLVMConstInt(g->i32, 0, 0);
  if (s->method == METHOD_EXACT && s->n > 0) {
    int n = s->n;
    LLVMValueRef A = LLVMBuildArrayAlloca(g->b, g->f64, cg_i64(g, n * n), "A");
    LLVMTypeRef pargs[5] = {g->i64, g->ptr, g->f64, g->ptr, g->ptr};
    LLVMValueRef prop = cg_declare(g, "snnrt_propagator", g->i32, pargs, 5);
    LLVMValueRef out = LLVMGetParam(k->fn, 3);
    for (int variant = 0; variant < 2; variant++) {
      if (variant == 1 && k->pp->coef_refractory < 0) break;
      fill_matrix(k, &env, A, variant == 1);
      int base = variant ? k->pp->coef_refractory : 0;
      LLVMValueRef outd = LLVMBuildBitCast(g->b, out, cg_ptr_to(g->f64), "");
      LLVMValueRef P = LLVMBuildInBoundsGEP2(g->b, g->f64, outd, (LLVMValueRef[]){cg_i64(g, base)},
                                             1, "");
      LLVMValueRef Phi = LLVMBuildInBoundsGEP2(g->b, g->f64, outd,
                                               (LLVMValueRef[]){cg_i64(g, base + n * n)}, 1, "");
      LLVMValueRef call_args[5] = {
        cg_i64(g, n), LLVMBuildBitCast(g->b, A, g->ptr, ""), env.dt,
        LLVMBuildBitCast(g->b, P, g->ptr, ""), LLVMBuildBitCast(g->b, Phi, g->ptr, ""),
      };
      status = LLVMBuildOr(g->b, status, cg_call(g, prop, call_args, 5), "");
    }
  }
  LLVMBuildRet(g->b, status);
  return k->fn;
}

/* --- The step kernel ------------------------------------------------------ */

/* Evaluates every right-hand side at the state values in env->state. */
static void eval_rhs(KernelGen *k, LLVMValueRef *f, LLVMValueRef not_ref) {
  const OdeSystem *s = &k->pp->ode;
  for (int q = 0; q < s->n; q++) {
    f[q] = cg_expr(&k->env, s->rhs[q]);
    if (s->clamped[q] && not_ref)
      f[q] = LLVMBuildSelect(k->g->b, not_ref, f[q], cg_real(&k->env, 0), "");
  }
}

/* x + h * d for every integrated variable. */
static void axpy(KernelGen *k, LLVMValueRef *out, LLVMValueRef *x, LLVMValueRef h, LLVMValueRef *d) {
  for (int q = 0; q < k->pp->ode.n; q++)
    out[q] = LLVMBuildFAdd(k->g->b, x[q], LLVMBuildFMul(k->g->b, h, d[q], ""), "");
}

/* Points env->state at the given values of the integrated variables. */
static void set_ode_state(KernelGen *k, LLVMValueRef *vals) {
  const OdeSystem *s = &k->pp->ode;
  for (int q = 0; q < s->n; q++) k->env.state[s->var[q]->index] = vals[q];
}

/* set_ode_state for an intermediate Runge-Kutta stage: the spiking
   variable is seen at most at its threshold (OdeSystem.stage_cap). */
static void set_stage_state(KernelGen *k, LLVMValueRef *vals) {
  const OdeSystem *s = &k->pp->ode;
  set_ode_state(k, vals);
  if (s->stage_cap < 0) return;
  LLVMBuilderRef b = k->g->b;
  int idx = s->var[s->stage_cap]->index;
  LLVMValueRef x = k->env.state[idx], cap = cg_expr(&k->env, s->stage_cap_value);
  LLVMValueRef over = LLVMBuildFCmp(b, LLVMRealOGT, x, cap, "");
  k->env.state[idx] = LLVMBuildSelect(b, over, cap, x, "stage.capped");
}

/* x + dt f(x); where f = a x + b with a constant a, (1 + dt a) x + dt b
   with the factor computed once (values at t_n throughout). */
static void integrate_euler(KernelGen *k, LLVMValueRef *x, LLVMValueRef *xn, LLVMValueRef not_ref) {
  const OdeSystem *s = &k->pp->ode;
  LLVMBuilderRef b = k->g->b;
  Env *env = &k->env;
  for (int q = 0; q < s->n; q++) {
    const Expr *a = s->lin_a ? s->lin_a[q] : NULL;
    if (!a || !cg_invariant(a)) {
      LLVMValueRef f = cg_expr(env, s->rhs[q]);
      xn[q] = LLVMBuildFAdd(b, x[q], LLVMBuildFMul(b, env->dt, f, ""), "");
    } else {
      LLVMBasicBlockRef body = cg_enter_entry(env);
      LLVMValueRef factor = LLVMBuildFAdd(b, cg_real(env, 1.0),
                                          LLVMBuildFMul(b, env->dt, cg_expr(env, a), ""), "");
      cg_leave_entry(env, body);
      xn[q] = LLVMBuildFMul(b, factor, x[q], "");
      if (s->lin_b[q])
        xn[q] = LLVMBuildFAdd(b, xn[q], LLVMBuildFMul(b, env->dt, cg_expr(env, s->lin_b[q]), ""),
                              "");
    }
    if (s->clamped[q] && not_ref) xn[q] = LLVMBuildSelect(b, not_ref, xn[q], x[q], "");
  }
}

static void integrate_runge_kutta(KernelGen *k, LLVMValueRef *x, LLVMValueRef *xn,
                                  LLVMValueRef not_ref) {
  int n = k->pp->ode.n;
  LLVMBuilderRef b = k->g->b;
  Env *env = &k->env;
  LLVMValueRef dt = env->dt;
  size_t sz = sizeof(LLVMValueRef) * (size_t)(n + 1);
  LLVMValueRef *k1 = arena_alloc(k->g->a, sz), *k2 = arena_alloc(k->g->a, sz);
  LLVMValueRef *k3 = arena_alloc(k->g->a, sz), *k4 = arena_alloc(k->g->a, sz);
  LLVMValueRef *tmp = arena_alloc(k->g->a, sz);
  Method m = k->pp->ode.method;
  if (m == METHOD_EULER) {
    integrate_euler(k, x, xn, not_ref);
    return;
  }
  eval_rhs(k, k1, not_ref);
  LLVMValueRef half = LLVMBuildFMul(b, dt, cg_real(env, 0.5), "");
  axpy(k, tmp, x, half, k1);
  set_stage_state(k, tmp);
  eval_rhs(k, k2, not_ref);
  if (m == METHOD_RK2) {
    set_ode_state(k, x);
    axpy(k, xn, x, dt, k2);
    return;
  }
  axpy(k, tmp, x, half, k2);
  set_stage_state(k, tmp);
  eval_rhs(k, k3, not_ref);
  axpy(k, tmp, x, dt, k3);
  set_stage_state(k, tmp);
  eval_rhs(k, k4, not_ref);
  set_ode_state(k, x);
  /* x + dt/6 (k1 + 2 k2 + 2 k3 + k4) */
  LLVMValueRef sixth = LLVMBuildFMul(b, dt, cg_real(env, 1.0 / 6.0), "");
  for (int q = 0; q < n; q++) {
    LLVMValueRef s2 = LLVMBuildFAdd(b, k2[q], k3[q], "");
    LLVMValueRef sum = LLVMBuildFAdd(b, LLVMBuildFAdd(b, k1[q], k4[q], ""),
                                     LLVMBuildFAdd(b, s2, s2, ""), "");
    xn[q] = LLVMBuildFAdd(b, x[q], LLVMBuildFMul(b, sixth, sum, ""), "");
  }
}

/* An explicit method in k substeps of dt / k (method euler(substeps = k)),
   the inputs held over the whole step. */
static void integrate_substeps(KernelGen *k, LLVMValueRef *x, LLVMValueRef *xn,
                               LLVMValueRef not_ref) {
  int steps = k->pp->ode.substeps > 1 ? k->pp->ode.substeps : 1;
  Env *env = &k->env;
  LLVMValueRef full = env->dt;
  if (steps > 1) {
    LLVMBasicBlockRef body = cg_enter_entry(env);
    env->dt = LLVMBuildFMul(k->g->b, full, cg_real(env, 1.0 / steps), "substep");
    cg_leave_entry(env, body);
  }
  LLVMValueRef *cur = x;
  for (int q = 0; q < steps; q++) {
    LLVMValueRef *out = q == steps - 1 ? xn :
                        arena_alloc(k->g->a, sizeof(LLVMValueRef) * (size_t)(k->pp->ode.n + 1));
    set_ode_state(k, cur);
    integrate_runge_kutta(k, cur, out, not_ref);
    cur = out;
  }
  env->dt = full;
}

/* x' = x + dt f(x) exprel(a dt), with f = a x + b: exact for frozen a, b. */
static void integrate_exponential_euler(KernelGen *k, LLVMValueRef *x, LLVMValueRef *xn,
                                        LLVMValueRef not_ref) {
  const OdeSystem *s = &k->pp->ode;
  LLVMBuilderRef b = k->g->b;
  Env *env = &k->env;
  for (int q = 0; q < s->n; q++) {
    LLVMValueRef bq = s->lin_b[q] ? cg_expr(env, s->lin_b[q]) : cg_real(env, 0);
    LLVMValueRef f = bq, step;
    if (s->lin_a[q]) {
      LLVMValueRef a = cg_expr(env, s->lin_a[q]);
      f = LLVMBuildFAdd(b, LLVMBuildFMul(b, a, x[q], ""), bq, "");
      LLVMValueRef rel = cg_exprel(env, LLVMBuildFMul(b, a, env->dt, ""));
      step = LLVMBuildFMul(b, LLVMBuildFMul(b, env->dt, f, ""), rel, "");
    } else {
      step = LLVMBuildFMul(b, env->dt, f, "");
    }
    xn[q] = LLVMBuildFAdd(b, x[q], step, "");
    if (s->clamped[q] && not_ref) xn[q] = LLVMBuildSelect(b, not_ref, xn[q], x[q], "");
  }
}

/* x' = P x + Phi b, with the refractory variant where a row changes. */
static void integrate_exact(KernelGen *k, LLVMValueRef *x, LLVMValueRef *xn, LLVMValueRef not_ref) {
  const OdeSystem *s = &k->pp->ode;
  int n = s->n, n2 = n * n;
  LLVMBuilderRef b = k->g->b;
  Env *env = &k->env;
  LLVMValueRef *bv = arena_alloc(k->g->a, sizeof(LLVMValueRef) * (size_t)(n + 1));
  for (int q = 0; q < n; q++) bv[q] = s->b[q] ? cg_expr(env, s->b[q]) : NULL;
  for (int r = 0; r < n; r++) {
    LLVMValueRef acc[2] = {NULL, NULL};
    int variants = (s->row_changes[r] && not_ref && !s->clamped[r]) ? 2 : 1;
    for (int v = 0; v < variants; v++) {
      int base = v ? k->pp->coef_refractory : 0;
      for (int c = 0; c < n; c++) {
        if (!s->reach[r * n + c]) continue;
        LLVMValueRef term = LLVMBuildFMul(b, coef(k, base + r * n + c), x[c], "");
        acc[v] = acc[v] ? LLVMBuildFAdd(b, acc[v], term, "") : term;
        if (bv[c] && !(v && s->clamped[c])) {
          LLVMValueRef t2 = LLVMBuildFMul(b, coef(k, base + n2 + r * n + c), bv[c], "");
          acc[v] = LLVMBuildFAdd(b, acc[v], t2, "");
        }
      }
    }
    xn[r] = acc[0];
    if (variants == 2) xn[r] = LLVMBuildSelect(b, not_ref, acc[0], acc[1], "");
    if (s->clamped[r] && not_ref) xn[r] = LLVMBuildSelect(b, not_ref, xn[r], x[r], "");
  }
}

/* Adds this step's synaptic input and current inputs. */
/* Adds what synapses and inputs sent for this step, in two passes: first
   everything but the inputs to variables frozen while refractory, then
   (`gated`) those, kept only where `accept` holds: a neuron that was
   refractory when the input arrived (the previous step's propagation)
   drops it, as Brian2 and NEST do. */
static void deliver_inputs(KernelGen *k, LLVMValueRef i, bool gated, LLVMValueRef accept) {
  CodeGen *g = k->g;
  Env *env = &k->env;
  for (int s = 0; s < k->pp->ninputs; s++) {
    InputSlot *slot = &k->pp->inputs[s];
    if (slot->refractory_gated != gated) continue;
    LLVMValueRef v = cg_load_at(g, g->real, k->input_ptr[s], i);
    cg_store_at(g, g->real, k->input_ptr[s], i, cg_real(env, 0));
    if (slot->is_port) {
      env->port[slot->var->index] = v;
      continue;
    }
    LLVMValueRef old = env->state[slot->var->index];
    LLVMValueRef added = LLVMBuildFAdd(g->b, old, v, "");
    if (gated) added = LLVMBuildSelect(g->b, accept, added, old, "");
    env->state[slot->var->index] = added;
  }
  if (gated) return;
  for (int c = 0; c < k->pp->currents.len; c++) {
    CurrentInput *ci = k->pp->currents.items[c];
    LLVMValueRef v = cg_expr(env, ci->value);
    int idx = ci->port->index;
    env->port[idx] = LLVMBuildFAdd(g->b, env->port[idx], v, "");
  }
}

static bool any_gated_input(const KernelGen *k) {
  for (int s = 0; s < k->pp->ninputs; s++)
    if (k->pp->inputs[s].refractory_gated) return true;
  return false;
}

static void apply_reset(KernelGen *k, LLVMValueRef spike) {
  CodeGen *g = k->g;
  Env *env = &k->env;
  for (Stmt *st = k->nm->reset->body; st; st = st->next) {
    Symbol *s = expr_strip(st->target)->sym;
    LLVMValueRef old = env->state[s->index], v = cg_expr(env, st->value), nv;
    switch (st->op) {
    case AS_SET: nv = v; break;
    case AS_ADD: nv = LLVMBuildFAdd(g->b, old, v, ""); break;
    case AS_SUB: nv = LLVMBuildFSub(g->b, old, v, ""); break;
    case AS_MUL: nv = LLVMBuildFMul(g->b, old, v, ""); break;
    default: nv = LLVMBuildFDiv(g->b, old, v, ""); break;
    }
    env->state[s->index] = LLVMBuildSelect(g->b, spike, nv, old, "");
  }
}

static void clip_bounds(KernelGen *k) {
  Env *env = &k->env;
  LLVMBuilderRef b = k->g->b;
  for (int s = 0; s < k->nm->states.len; s++) {
    Symbol *sym = k->nm->states.items[s];
    if (!sym->decl->lo) continue;
    LLVMValueRef x = env->state[s];
    LLVMValueRef lo = cg_expr(env, sym->decl->lo), hi = cg_expr(env, sym->decl->hi);
    x = LLVMBuildSelect(b, LLVMBuildFCmp(b, LLVMRealOLT, x, lo, ""), lo, x, "");
    env->state[s] = LLVMBuildSelect(b, LLVMBuildFCmp(b, LLVMRealOGT, x, hi, ""), hi, x, "");
  }
}

static void step_body(KernelGen *k, LLVMValueRef i) {
  CodeGen *g = k->g;
  Env *env = &k->env;
  LLVMBuilderRef b = g->b;
  NeuronModel *nm = k->nm;
  const OdeSystem *s = &k->pp->ode;
  int ns = nm->states.len;
  env->i = cg_to_real(env, i);
  /* A current input may draw: per neuron and step (its own stream). */
  env->rand_index = i;
  env->rand_counter = k->step_index;
  LLVMValueRef *loaded = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(ns + 1));
  for (int q = 0; q < ns; q++) loaded[q] = env->state[q] = cg_load_at(g, g->real, k->state_ptr[q], i);
  /* Refractoriness, from the values at t_n.  Input sent in the previous
     step to a variable frozen while refractory is accepted if the neuron
     was not refractory then: its counter (steps left) was 0 at the end of
     that step; for a refractory condition, if it does not hold before that
     input is added. */
  deliver_inputs(k, i, false, NULL);
  LLVMValueRef not_ref = NULL, count = NULL;
  bool gated = any_gated_input(k);
  if (nm->refractory && nm->refractory_is_condition) {
    if (gated) deliver_inputs(k, i, true, LLVMBuildNot(b, cg_expr(env, nm->refractory->value), ""));
    not_ref = LLVMBuildNot(b, cg_expr(env, nm->refractory->value), "");
  } else if (nm->refractory) {
    LLVMValueRef c = cg_load_at(g, g->i32, k->refr_ptr, i);
    LLVMValueRef zero = LLVMConstInt(g->i32, 0, 0);
    LLVMValueRef positive = LLVMBuildICmp(b, LLVMIntSGT, c, zero, "");
    if (gated) deliver_inputs(k, i, true, LLVMBuildNot(b, positive, ""));
    count = LLVMBuildSelect(b, positive, LLVMBuildSub(b, c, LLVMConstInt(g->i32, 1, 0), ""),
                            zero, "");
    not_ref = LLVMBuildICmp(b, LLVMIntEQ, count, zero, "");
  }
  /* Integration. */
  LLVMValueRef *x = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(s->n + 1));
  LLVMValueRef *xn = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(s->n + 1));
  for (int q = 0; q < s->n; q++) x[q] = env->state[s->var[q]->index];
  switch (s->method) {
  case METHOD_EXACT: integrate_exact(k, x, xn, not_ref); break;
  case METHOD_EXPONENTIAL_EULER: integrate_exponential_euler(k, x, xn, not_ref); break;
  default: integrate_substeps(k, x, xn, not_ref); break;
  }
  set_ode_state(k, xn);
  /* Threshold, reset, refractory bookkeeping. */
  LLVMValueRef spike = LLVMConstInt(g->i1, 0, 0);
  if (nm->spike) {
    spike = cg_expr(env, nm->spike->value);
    if (not_ref) spike = LLVMBuildAnd(b, spike, not_ref, "");
  }
  if (nm->reset) apply_reset(k, spike);
  clip_bounds(k);
  if (count)
    cg_store_at(g, g->i32, k->refr_ptr, i, LLVMBuildSelect(b, spike, k->refractory_steps, count, ""));
  cg_store_at(g, g->i8, k->spiked_ptr, i, LLVMBuildZExt(b, spike, g->i8, ""));
  for (int q = 0; q < ns; q++)
    if (env->state[q] != loaded[q]) cg_store_at(g, g->real, k->state_ptr[q], i, env->state[q]);
}

/* The loop body plus the NaN/Inf check.  The sum of the integrated
   variables is NaN or infinite if any of them is, and s - s is NaN exactly
   then: one comparison per neuron whatever the number of variables. */
static void step_body_checked(KernelGen *k, LLVMValueRef i) {
  step_body(k, i);
  CodeGen *g = k->g;
  LLVMValueRef sum = NULL;
  for (int q = 0; q < k->pp->ode.n; q++) {
    LLVMValueRef x = k->env.state[k->pp->ode.var[q]->index];
    sum = sum ? LLVMBuildFAdd(g->b, sum, x, "") : x;
  }
  if (!sum) return;
  LLVMValueRef d = LLVMBuildFSub(g->b, sum, sum, "");
  k->loop_flag = LLVMBuildFCmp(g->b, LLVMRealUNO, d, d, "");
}

/* The kernel proper: arrays as noalias arguments (see the file comment). */
static LLVMValueRef emit_step_body(KernelGen *k) {
  CodeGen *g = k->g;
  int ns = k->nm->states.len, ni = k->pp->ninputs;
  int nargs = ns + ni + 13;
  LLVMTypeRef *types = arena_alloc(g->a, sizeof(LLVMTypeRef) * (size_t)nargs);
  int a = 0;
  for (int q = 0; q < ns + ni; q++) types[a++] = cg_ptr_to(g->real);
  types[a++] = cg_ptr_to(g->i32);  /* refractory */
  types[a++] = cg_ptr_to(g->i8);   /* spiked */
  types[a++] = cg_ptr_to(g->f64);  /* param */
  types[a++] = cg_ptr_to(g->f64);  /* coef */
  types[a++] = g->f64;             /* t */
  types[a++] = g->f64;             /* dt */
  types[a++] = g->i64;             /* step */
  types[a++] = g->i64;             /* size */
  types[a++] = g->i64;             /* seed */
  types[a++] = g->i64;             /* begin */
  types[a++] = g->i64;             /* end */
  types[a++] = cg_ptr_to(g->f64);  /* modulators */
  types[a++] = cg_ptr_to(g->f64);  /* own_param */
  char name[64];
  snprintf(name, sizeof name, "snn_step_body_%d", k->pop);
  k->fn = cg_function(g, name, g->i32, types, nargs, false);
  cg_attribute(g, k->fn, LLVMAttributeFunctionIndex, "alwaysinline");
  for (int q = 0; q < ns + ni + 4; q++) cg_attribute(g, k->fn, (unsigned)q + 1, "noalias");
  LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(g->ctx, k->fn, "entry");
  LLVMPositionBuilderAtEnd(g->b, entry);
  k->state_ptr = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(ns + 1));
  k->input_ptr = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(ni + 1));
  for (int q = 0; q < ns; q++) k->state_ptr[q] = LLVMGetParam(k->fn, (unsigned)q);
  for (int q = 0; q < ni; q++) k->input_ptr[q] = LLVMGetParam(k->fn, (unsigned)(ns + q));
  unsigned p = (unsigned)(ns + ni);
  k->refr_ptr = LLVMGetParam(k->fn, p);
  k->spiked_ptr = LLVMGetParam(k->fn, p + 1);
  setup_env(k, LLVMGetParam(k->fn, p + 2), LLVMGetParam(k->fn, p + 12), entry);
  k->coef_ptr = LLVMGetParam(k->fn, p + 3);
  Env *env = &k->env;
  env->t = cg_to_real(env, LLVMGetParam(k->fn, p + 4));
  k->step_index = LLVMGetParam(k->fn, p + 6);
  env->dt = cg_to_real(env, LLVMGetParam(k->fn, p + 5));
  env->n = cg_to_real(env, LLVMGetParam(k->fn, p + 7));
  env->seed = LLVMGetParam(k->fn, p + 8);
  env->modulators = LLVMGetParam(k->fn, p + 11);
  k->coef_cache = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(k->pp->ncoef + 1));
  k->refractory_steps = NULL;
  if (k->nm->refractory && !k->nm->refractory_is_condition) {
    /* round(t_ref / dt), in double whatever the model's precision. */
    Env denv = *env;
    denv.real = g->f64;
    denv.param_cache = NULL;
    denv.own_cache = NULL;
    LLVMValueRef ref = cg_expr(&denv, k->nm->refractory->value);
    LLVMValueRef steps = LLVMBuildFDiv(g->b, ref, LLVMGetParam(k->fn, p + 5), "");
    unsigned id = LLVMLookupIntrinsicID("llvm.round", 10);
    LLVMTypeRef ty = g->f64;
    steps = LLVMBuildCall2(g->b, LLVMIntrinsicGetType(g->ctx, id, &ty, 1),
                           LLVMGetIntrinsicDeclaration(g->mod, id, &ty, 1), &steps, 1, "");
    k->refractory_steps = LLVMBuildFPToSI(g->b, steps, g->i32, "refractory_steps");
  }
  LLVMValueRef bad = counted_loop(k, LLVMGetParam(k->fn, p + 9), LLVMGetParam(k->fn, p + 10),
                                  step_body_checked);
  LLVMBuildRet(g->b, LLVMBuildZExt(g->b, bad, g->i32, ""));
  return k->fn;
}

/* The exported kernel: unpacks SnnKernelArgs and calls the body. */
static LLVMValueRef emit_step(KernelGen *k) {
  CodeGen *g = k->g;
  LLVMValueRef body = emit_step_body(k);
  int ns = k->nm->states.len, ni = k->pp->ninputs;
  char name[64];
  snprintf(name, sizeof name, "snn_step_%d", k->pop);
  LLVMTypeRef types[3] = {g->ptr, g->i64, g->i64};
  k->fn = cg_function(g, name, g->i32, types, 3, true);
  LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(g->ctx, k->fn, "entry");
  LLVMPositionBuilderAtEnd(g->b, entry);
  LLVMValueRef a = LLVMGetParam(k->fn, 0);
  unpack_args(k, a);
  int nargs = ns + ni + 13, n = 0;
  LLVMValueRef *vals = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)nargs);
  LLVMTypeRef st = g->kernel_args;
  for (int q = 0; q < ns; q++) vals[n++] = LLVMBuildBitCast(g->b, k->state_ptr[q], cg_ptr_to(g->real), "");
  for (int q = 0; q < ni; q++) vals[n++] = LLVMBuildBitCast(g->b, k->input_ptr[q], cg_ptr_to(g->real), "");
  vals[n++] = LLVMBuildBitCast(g->b, k->refr_ptr, cg_ptr_to(g->i32), "");
  vals[n++] = LLVMBuildBitCast(g->b, k->spiked_ptr, cg_ptr_to(g->i8), "");
  vals[n++] = LLVMBuildBitCast(g->b, cg_load_field(g, st, a, SnnKernelArgs_param), cg_ptr_to(g->f64), "");
  vals[n++] = LLVMBuildBitCast(g->b, k->coef_ptr, cg_ptr_to(g->f64), "");
  vals[n++] = cg_load_field(g, st, a, SnnKernelArgs_t);
  vals[n++] = cg_load_field(g, st, a, SnnKernelArgs_dt);
  vals[n++] = cg_load_field(g, st, a, SnnKernelArgs_step);
  vals[n++] = cg_load_field(g, st, a, SnnKernelArgs_size);
  vals[n++] = cg_load_field(g, st, a, SnnKernelArgs_seed);
  vals[n++] = LLVMGetParam(k->fn, 1);
  vals[n++] = LLVMGetParam(k->fn, 2);
  vals[n++] = LLVMBuildBitCast(g->b, cg_load_field(g, st, a, SnnKernelArgs_modulator),
                               cg_ptr_to(g->f64), "");
  vals[n++] = LLVMBuildBitCast(g->b, cg_load_field(g, st, a, SnnKernelArgs_own_param),
                               cg_ptr_to(g->f64), "");
  LLVMValueRef r = LLVMBuildCall2(g->b, LLVMGlobalGetValueType(body), body, vals, (unsigned)n, "");
  LLVMBuildRet(g->b, r);
  return k->fn;
}

void cg_population(CodeGen *g, int pop, LLVMValueRef *init, LLVMValueRef *coef_fn,
                   LLVMValueRef *step) {
  KernelGen k;
  memset(&k, 0, sizeof k);
  k.g = g;
  k.pop = pop;
  k.pp = &g->plan->pops[pop];
  k.nm = k.pp->pop->model;
  *init = emit_init(&k);
  *coef_fn = emit_coef(&k);
  *step = emit_step(&k);
}

LLVMValueRef cg_rate_function(CodeGen *g, int pop) {
  Population *p = g->plan->pops[pop].pop;
  char name[64];
  snprintf(name, sizeof name, "snn_rate_%d", pop);
  LLVMTypeRef types[3] = {g->ptr, g->f64, g->i64};
  LLVMValueRef fn = cg_function(g, name, g->f64, types, 3, true);
  LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(g->ctx, fn, "entry");
  LLVMPositionBuilderAtEnd(g->b, entry);
  Env env = cg_env(g, entry, g->f64, LLVMGetParam(fn, 0), pop, -1);
  env.t = LLVMGetParam(fn, 1);
  env.i = LLVMBuildSIToFP(g->b, LLVMGetParam(fn, 2), g->f64, "");
  env.n = LLVMConstReal(g->f64, (double)p->size);
  LLVMBuildRet(g->b, cg_expr(&env, p->rate));
  return fn;
}
