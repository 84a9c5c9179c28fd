/*
** codegen.h: lowering the plan to LLVM IR (LLVM C API, versions 14 to 19).
**
** codegen_module() emits one module holding, per population, an
** initialiser, a derived-constants function and the fused step kernel;
** per projection, the functions for connection rules, synaptic values and
** event code; and the constant descriptor `snn_model` (runtime/snnrt.h)
** that points at all of them.  The module is then optimised for the host
** (codegen_optimize) and handed to the JIT or written as an object file.
**
** Only calls that exist in every supported LLVM are used: the *2 builders
** (LLVMBuildLoad2, LLVMBuildGEP2, LLVMBuildCall2), LLVMRunPasses, and
** pointers built with LLVMPointerType, which become opaque `ptr` from
** LLVM 15 on; bitcasts between pointer types then simply fold away.
*/
#ifndef SNN_CODEGEN_H
#define SNN_CODEGEN_H

#include <llvm-c/Core.h>
#include <llvm-c/TargetMachine.h>

#include "pair_bounds.h"
#include "plan.h"
#include "snnrt.h"

/* Everything the emitters share for one module. */
typedef struct CodeGen {
  Arena *a;
  Diags *d;
  Model *m;
  Plan *plan;
  LLVMContextRef ctx;
  LLVMModuleRef mod;
  LLVMBuilderRef b;
  LLVMTypeRef f64, f32, i1, i8, i32, i64, void_t, ptr; /* ptr: i8* */
  LLVMTypeRef real;        /* the model's precision */
  /* The structures shared with the runtime (runtime/snnrt_layout.h). */
  LLVMTypeRef kernel_args, synapse_args, event_args;
  LLVMTypeRef param_t, variable_t, population_t, additive_t, projection_t, every_t, monitor_t;
  LLVMTypeRef pair_bound_t;
  LLVMTypeRef model_t, reward_args_t, mod_source_t, modulator_t, reward_t, drive_t;
  LLVMTypeRef env_setting_t, encoder_t, agents_t, environment_t;
  const char *cpu, *features; /* target attributes for every function */
  int random_draws;        /* inline random draws emitted so far */
} CodeGen;

/* How names are evaluated where an expression is being emitted. */
typedef struct Env Env;
struct Env {
  CodeGen *g;
  LLVMTypeRef real;        /* the precision of this function's arithmetic */
  LLVMBasicBlockRef entry; /* loop-invariant values are emitted here */
  LLVMValueRef param;      /* double *: the run-time parameter table */
  int pop, proj;           /* whose parameter copies apply (-1: none) */
  struct ParamCache *param_cache; /* hoisted loads by slot, or NULL: none */
  /* A population's kernels read its neuron model's parameters relative to
     own_param (SnnKernelArgs.own_param), so that every population of one
     model gets the same code; NULL: absolute slots of param. */
  LLVMValueRef own_param;
  LLVMValueRef *own_cache; /* per parameter of the neuron model, hoisted loads */
  LLVMValueRef *state;     /* neuron state values by symbol index */
  LLVMValueRef *port;      /* port values by symbol index */
  LLVMValueRef *syn;       /* synaptic values (states, then traces) */
  LLVMValueRef t, dt, i, j, n; /* built-in variables as `real`, or NULL */
  LLVMValueRef seed;       /* i64 */
  LLVMValueRef rand_index; /* i64: the neuron or synapse a draw belongs to */
  LLVMValueRef rand_counter; /* i64: the step of an event's draws (NULL: 0, once only) */
  LLVMValueRef modulators; /* const double *: the modulators this step, or NULL */
  LLVMValueRef sim;        /* const void *: for rate() in rewards, or NULL */
  /* pre.x / post.x, for synapse code: returns the value or NULL. */
  LLVMValueRef (*member)(Env *env, const Expr *e);
  void *member_ctx;
};

/* The parameter loads a function has hoisted, by slot: a small open-
   addressing table, sized by what the function reads rather than by the
   model's parameters (a model of 8000 populations has 72,000). */
typedef struct ParamCache {
  int cap, len;
  int *slot;               /* -1: empty */
  LLVMValueRef *value;
} ParamCache;

/* An environment for a function whose entry block is `entry`, computing in
   `real`, reading parameters from `param` as seen by population `pop` or
   projection `proj` (-1 for neither). */
Env cg_env(CodeGen *g, LLVMBasicBlockRef entry, LLVMTypeRef real, LLVMValueRef param, int pop,
           int proj);
/* Creates the module and the shared types. */
void codegen_init(CodeGen *g, Arena *a, Diags *d, Model *m, Plan *plan, LLVMContextRef ctx,
                  const char *cpu, const char *features);
/* Emits every function and the descriptor; false after reporting an error. */
bool codegen_module(CodeGen *g);
/* Frees the builder (the module stays with its owner). */
void codegen_free(CodeGen *g);

/* The value of an expression: `env->real` for numbers, i1 for conditions. */
LLVMValueRef cg_expr(Env *env, const Expr *e);
/* A constant of the environment's precision. */
LLVMValueRef cg_real(Env *env, double v);
/* Loads parameter slot k once, in the entry block. */
LLVMValueRef cg_param(Env *env, int slot);
/* Emits code in the entry block (for loop-invariant values); call
   cg_leave_entry to continue where the body was. */
LLVMBasicBlockRef cg_enter_entry(Env *env);
/* Returns to the body block saved by cg_enter_entry. */
void cg_leave_entry(Env *env, LLVMBasicBlockRef body);
/* True if e has the same value for every neuron and step of a call: built
   only from parameters, constants and dt. */
bool cg_invariant(const Expr *e);
/* (exp(x) - 1) / x, accurate near 0. */
LLVMValueRef cg_exprel(Env *env, LLVMValueRef x);
/* Converts a value to the environment's precision. */
LLVMValueRef cg_to_real(Env *env, LLVMValueRef v);
/* Declares (once) a function of the module. */
LLVMValueRef cg_declare(CodeGen *g, const char *name, LLVMTypeRef ret, LLVMTypeRef *args,
                        int nargs);
/* Calls a function declared with cg_declare. */
LLVMValueRef cg_call(CodeGen *g, LLVMValueRef fn, LLVMValueRef *args, int nargs);
/* Creates a function with the target attributes set. */
LLVMValueRef cg_function(CodeGen *g, const char *name, LLVMTypeRef ret, LLVMTypeRef *args,
                         int nargs, bool exported);
/* Adds an enum attribute ("noalias", "alwaysinline", ...) to a function or
   to its parameter `index` (1-based; 0 for the return value, ~0u for the
   function itself). */
void cg_attribute(CodeGen *g, LLVMValueRef fn, unsigned index, const char *name);
/* GEP + load of element i of a typed array. */
LLVMValueRef cg_load_at(CodeGen *g, LLVMTypeRef elem, LLVMValueRef base, LLVMValueRef i);
/* GEP + store to element i of a typed array. */
void cg_store_at(CodeGen *g, LLVMTypeRef elem, LLVMValueRef base, LLVMValueRef i, LLVMValueRef v);
/* Loads field `index` (a field number of snnrt_layout.h, such as
   SnnKernelArgs_dt) of the shared structure of type st that p points to. */
LLVMValueRef cg_load_field(CodeGen *g, LLVMTypeRef st, LLVMValueRef p, int index);
/* Emits `for (k = begin; k < end; k++) body(ctx, k)` where the builder is;
   leaves the builder after the loop.  body may emit blocks of its own. */
/* Asks the vectoriser to interleave `count` vectors of the loop whose back
   edge is `branch` (for bodies whose latency, not throughput, bounds them). */
void cg_loop_interleave(CodeGen *g, LLVMValueRef branch, int count);
void cg_loop(CodeGen *g, LLVMValueRef fn, LLVMValueRef begin, LLVMValueRef end,
             void (*body)(void *ctx, LLVMValueRef k), void *ctx);
/* An i64 constant. */
LLVMValueRef cg_i64(CodeGen *g, int64_t v);
/* A pointer to `elem` in address space 0. */
LLVMTypeRef cg_ptr_to(LLVMTypeRef elem);

/* Per-population functions (codegen_neuron.c). */
void cg_population(CodeGen *g, int pop, LLVMValueRef *init, LLVMValueRef *coef,
                   LLVMValueRef *step);
/* A Poisson input's rate function (codegen_neuron.c). */
LLVMValueRef cg_rate_function(CodeGen *g, int pop);
/* Per-projection functions (codegen_synapse.c). */
typedef struct ProjFunctions {
  LLVMValueRef p_fn, where_fn, init, on_pre, delay_fn;
  int nbound;                /* the where condition's bounds (pair_bounds.h) */
  PairBound bound[PAIR_MAX_BOUNDS];
  LLVMValueRef bound_fn[PAIR_MAX_BOUNDS];
  LLVMValueRef *weight_fn;   /* per additive statement: uniform weight */
  LLVMValueRef on_post, clock_step, pre_init, post_init, current, decay_fill;
  LLVMValueRef *every;       /* per every block */
} ProjFunctions;
void cg_projection(CodeGen *g, int proj, ProjFunctions *out);
/* The synapse code of a projection: on_pre (row by row), on_post, every
   blocks and clock-driven equations (codegen_plastic.c). */
LLVMValueRef cg_on_pre(CodeGen *g, int proj);
LLVMValueRef cg_on_post(CodeGen *g, int proj);
LLVMValueRef cg_every(CodeGen *g, int proj, int block);
LLVMValueRef cg_clock_step(CodeGen *g, int proj);
/* double snn_<what>_<proj>(param, i, j): a probability or, for a boolean
   expression, i32 0 or 1 (a connection's or a monitor's condition). */
LLVMValueRef cg_pair_function(CodeGen *g, int proj, const char *what, const Expr *e);
/* double snn_current_<k>(args, value, s): a per-synapse value up to date. */
LLVMValueRef cg_current_value(CodeGen *g, int proj);
/* exp(rate steps dt), as the decay tables and the code past them compute it. */
LLVMValueRef cg_decay_factor(CodeGen *g, LLVMValueRef rate, LLVMValueRef steps, LLVMValueRef dt);
/* void snn_decay_fill_<k>(param, dt, out): the decay tables (codegen_synvalues.c). */
LLVMValueRef cg_decay_fill(CodeGen *g, int proj);
/* Initial values of a projection's variables kept per neuron at `end`. */
LLVMValueRef cg_end_values_init(CodeGen *g, int proj, SynapseEnd end);
/* A derived parameter's function: double f(const double *param). */
LLVMValueRef cg_derived_param(CodeGen *g, int slot);
/* A reward rule's amount and (or NULL) delay functions (codegen_reward.c). */
void cg_reward(CodeGen *g, int k, LLVMValueRef *amount, LLVMValueRef *delay);
/* The `snn_model` descriptor (codegen_desc.c). */
void cg_descriptor(CodeGen *g, LLVMValueRef *pop_fns, ProjFunctions *proj_fns,
                   LLVMValueRef *derive);

/* The host CPU name and features (strings owned by LLVM; free with
   LLVMDisposeMessage). */
void codegen_host(char **cpu, char **features);
/* Creates a target machine for the host. */
LLVMTargetMachineRef codegen_target_machine(const char *cpu, const char *features,
                                            LLVMCodeGenOptLevel level, LLVMRelocMode reloc);
/* Runs the optimisation pipeline (O3) for the target. */
bool codegen_optimize(LLVMModuleRef mod, LLVMTargetMachineRef tm, char **error);

#endif
