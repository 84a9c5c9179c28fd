/*
** codegen_plastic.c: the synapse code of a projection.
**
**   snn_on_pre_<k>(args, i, first, last)   on_pre for synapses [first, last)
**                                          of presynaptic neuron i
**   snn_on_post_<k>(args, j, first, last)  on_post for the synapses onto j
**                                          listed at post_syn[first, last)
**   snn_every_<k>_<b>(args, begin, end)    every block b over the rows of
**                                          presynaptic neurons [begin, end)
**   snn_clock_<k>(args, begin, end)        one step of the clock-driven
**                                          equations, over those rows
**   snn_current_<k>(args, value, s)        a variable's value for synapse s,
**                                          up to date (for monitors)
** (codegen_synvalues.c has the decay tables and the initial values of the
** variables kept per neuron.)
**
** A synaptic variable is kept per synapse, per presynaptic or per
** postsynaptic neuron (lower/plan_synapse.c).  Inside a function, every
** variable is a value of the environment (Env.syn, by variable number):
** loaded where the function starts to work on a synapse or neuron, brought
** up to date if it is lazy (x = r + (x - r) e^(rate (now - then)), the exact
** solution between events), stored back when the work is done.
**
** A variable kept per presynaptic neuron changes once per spike, whatever
** the number of synapses: on_pre computes its statements once, before the
** loop over the row, and the loop's statements see the value the variable
** has at their place in the block (before or after its own update), as if
** each synapse ran the block in order.  on_post does the same for the
** variables kept per postsynaptic neuron.
**
** A per-synapse lazy variable was last brought up to date at the last event
** that touched its synapse: the last on_pre of its presynaptic neuron, the
** last on_post of its target, or the last every block, whichever is latest
** (CLOCK_DERIVED); with delays that differ per synapse, arrival times do
** too, and a clock per synapse keeps the step instead (CLOCK_PER_SYNAPSE).
*/
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "codegen.h"

typedef enum Pathway { PATH_PRE, PATH_POST, PATH_EVERY, PATH_CLOCK } Pathway;

/* Everything one synapse-code function works with. */
typedef struct SynGen {
  CodeGen *g;
  int proj;
  const ProjPlan *jp;
  Pathway path;
  Env env;
  LLVMValueRef fn;
  LLVMValueRef pre_state, post_state, post_input;     /* void *const * */
  LLVMValueRef row, target, post_row, post_syn;       /* arrays */
  LLVMValueRef last_pre, last_post, last_update;      /* int64_t * */
  LLVMValueRef last_every, npre, step;                /* i64 */
  LLVMValueRef dt64;                                  /* the time step, double */
  LLVMValueRef modulator_add;                         /* double *: what code adds */
  LLVMValueRef decay_tables;                          /* const double * */
  LLVMValueRef *syn_arrays, *pre_arrays, *post_arrays; /* by slot */
  LLVMValueRef i, j, s;                               /* i64: the synapse at work */
  LLVMValueRef *loaded;  /* per variable: the value as loaded and brought up to date */
  const Decl *block;     /* the every block being emitted */
  LLVMValueRef bad;      /* i1 in memory: a stored synaptic value was NaN or infinite */
  LLVMValueRef row_block, block_shift; /* on_post: the coarse table of rows */
  LLVMValueRef post_end; /* on_post: the end of the target's range of the post index */
} SynGen;

/* --- Arguments ------------------------------------------------------------------ */

static LLVMValueRef field(SynGen *x, LLVMValueRef args, int index) {
  return cg_load_field(x->g, x->g->event_args, args, index);
}

static LLVMValueRef *arrays_of(SynGen *x, LLVMValueRef table, int n) {
  CodeGen *g = x->g;
  LLVMValueRef *out = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(n + 1));
  for (int k = 0; k < n; k++) out[k] = cg_load_at(g, g->ptr, table, cg_i64(g, k));
  return out;
}

static LLVMValueRef syn_member(Env *env, const Expr *e);

/* Creates fn(args, a, b, c) (or fn(args, begin, end)) and loads what every
   synapse-code function needs, in its entry block. */
static void syn_begin_returning(SynGen *x, CodeGen *g, int proj, Pathway path,
                                const char *name, int nargs, LLVMTypeRef ret) {
  /* Synapse code reports a non-finite value it stored (as neuron kernels
     do); the runtime then finds and names it. */
  memset(x, 0, sizeof *x);
  x->g = g;
  x->proj = proj;
  x->jp = &g->plan->projs[proj];
  x->path = path;
  LLVMTypeRef types[4] = {g->ptr, g->i64, g->i64, g->i64};
  x->fn = cg_function(g, name, ret, types, nargs, true);
  LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(g->ctx, x->fn, "entry");
  LLVMPositionBuilderAtEnd(g->b, entry);
  LLVMValueRef a = LLVMGetParam(x->fn, 0);
  const ProjPlan *jp = x->jp;
  x->env = cg_env(g, entry, g->real, field(x, a, SnnEventArgs_param), -1, proj);
  Env *env = &x->env;
  x->syn_arrays = arrays_of(x, field(x, a, SnnEventArgs_value), jp->nvalues + jp->nweights);
  x->pre_arrays = arrays_of(x, field(x, a, SnnEventArgs_pre_value), jp->npre_values);
  x->post_arrays = arrays_of(x, field(x, a, SnnEventArgs_post_value), jp->npost_values);
  x->pre_state = field(x, a, SnnEventArgs_pre_state);
  x->post_state = field(x, a, SnnEventArgs_post_state);
  x->post_input = field(x, a, SnnEventArgs_post_input);
  x->row = field(x, a, SnnEventArgs_row);
  x->target = field(x, a, SnnEventArgs_target);
  x->post_row = field(x, a, SnnEventArgs_post_row);
  x->post_syn = field(x, a, SnnEventArgs_post_syn);
  x->last_pre = field(x, a, SnnEventArgs_last_pre);
  x->last_post = field(x, a, SnnEventArgs_last_post);
  x->last_update = field(x, a, SnnEventArgs_last_update);
  x->last_every = field(x, a, SnnEventArgs_last_every);
  x->npre = field(x, a, SnnEventArgs_npre);
  x->step = field(x, a, SnnEventArgs_step);
  x->dt64 = field(x, a, SnnEventArgs_dt);
  env->t = cg_to_real(env, field(x, a, SnnEventArgs_t));
  env->dt = cg_to_real(env, x->dt64);
  env->seed = field(x, a, SnnEventArgs_seed);
  env->rand_counter = x->step;
  env->modulators = field(x, a, SnnEventArgs_modulator);
  x->modulator_add = field(x, a, SnnEventArgs_modulator_add);
  x->decay_tables = field(x, a, SnnEventArgs_decay);
  env->n = cg_real(env, (double)jp->proj->pre->size);
  env->member = syn_member;
  env->member_ctx = x;
  env->syn = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(jp->nvars + 1));
  x->loaded = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(jp->nvars + 1));
  x->bad = LLVMBuildAlloca(g->b, g->i1, "bad");
  LLVMBuildStore(g->b, LLVMConstInt(g->i1, 0, 0), x->bad);
  x->row_block = field(x, a, SnnEventArgs_row_block);
  x->block_shift = field(x, a, SnnEventArgs_block_shift);
}

/* Stores a synaptic value, noting whether it is finite: v - v is NaN
   exactly when v is NaN or infinite. */
static void store_value(SynGen *x, LLVMValueRef array, LLVMValueRef at, LLVMValueRef v) {
  CodeGen *g = x->g;
  LLVMBuilderRef b = g->b;
  cg_store_at(g, g->real, array, at, v);
  LLVMValueRef d = LLVMBuildFSub(b, v, v, "");
  LLVMValueRef nan = LLVMBuildFCmp(b, LLVMRealUNO, d, d, "");
  LLVMBuildStore(b, LLVMBuildOr(b, LLVMBuildLoad2(b, g->i1, x->bad, ""), nan, ""), x->bad);
}

/* Returns the flag: 1 if a stored value was not finite. */
static void syn_end(SynGen *x) {
  CodeGen *g = x->g;
  LLVMBuildRet(g->b, LLVMBuildZExt(g->b, LLVMBuildLoad2(g->b, g->i1, x->bad, ""), g->i32, ""));
}

static void syn_begin(SynGen *x, CodeGen *g, int proj, Pathway path, const char *name,
                      int nargs) {
  syn_begin_returning(x, g, proj, path, name, nargs, g->i32);
}

/* Sets the synapse at work: s (i64), i and j. */
static void set_synapse(SynGen *x, LLVMValueRef s, LLVMValueRef i, LLVMValueRef j) {
  x->s = s;
  x->i = i;
  x->j = j;
  x->env.i = cg_to_real(&x->env, i);
  x->env.j = cg_to_real(&x->env, j);
  x->env.rand_index = s;
}

/* --- pre. and post. -------------------------------------------------------------- */

/* Loads the pointer table[index] in the entry block: the arrays do not move
   during a call, and a load in the loop would be repeated for every
   synapse (LLVM cannot tell that the stores to synaptic values leave the
   table alone). */
static LLVMValueRef entry_array(SynGen *x, LLVMValueRef table, int index) {
  CodeGen *g = x->g;
  LLVMBasicBlockRef body = cg_enter_entry(&x->env);
  LLVMValueRef array = cg_load_at(g, g->ptr, table, cg_i64(g, index));
  cg_leave_entry(&x->env, body);
  return array;
}

static LLVMValueRef member_array(SynGen *x, bool post, int index) {
  return entry_array(x, post ? x->post_state : x->pre_state, index);
}

/* A definition of the neuron model at one end, evaluated for that neuron:
   its names mean that neuron's state and its population's parameters. */
static LLVMValueRef end_definition(SynGen *x, const Population *p, bool post,
                                   const Symbol *alias) {
  CodeGen *g = x->g;
  const NeuronModel *nm = p->model;
  Env nenv = x->env;
  nenv.pop = p->index;
  nenv.proj = -1;
  nenv.param_cache = NULL;
  nenv.member = NULL;
  nenv.i = post ? x->env.j : x->env.i;
  nenv.n = cg_real(&x->env, (double)p->size);
  nenv.state = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(nm->states.len + 1));
  for (int k = 0; k < nm->states.len; k++)
    nenv.state[k] = cg_load_at(g, g->real, member_array(x, post, k), post ? x->j : x->i);
  return cg_expr(&nenv, alias->expr);
}

/* pre.x or post.x, resolved by the checker for this connection (a port is
   never read: the checker refuses it). */
static LLVMValueRef syn_member(Env *env, const Expr *e) {
  SynGen *x = env->member_ctx;
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
    return end_definition(x, p, post, s);
  case SYM_STATE:
    return cg_load_at(g, g->real, member_array(x, post, s->index), post ? x->j : x->i);
  default:
    assert(!"a member the checker lets through cannot be read here");
    return cg_real(env, 0);
  }
}

/* --- Lazy variables ----------------------------------------------------------------- */

/* The decay factor over `steps` steps: from the variable's table when the
   gap is under SNN_DECAY_TABLE^2 steps (two loads and a product instead of
   an exponential: fine[steps % T] coarse[steps / T]; coarse[0] is exactly
   1), else computed. */
static LLVMValueRef tabled_factor(SynGen *x, const SynVar *v, LLVMValueRef rate,
                                  LLVMValueRef steps) {
  CodeGen *g = x->g;
  LLVMBuilderRef b = g->b;
  LLVMValueRef near = LLVMBuildICmp(b, LLVMIntULT, steps,
                                    cg_i64(g, (int64_t)SNN_DECAY_TABLE * SNN_DECAY_TABLE), "");
  LLVMBasicBlockRef from = LLVMGetInsertBlock(b);
  LLVMBasicBlockRef far = LLVMAppendBasicBlockInContext(g->ctx, x->fn, "far");
  LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(g->ctx, x->fn, "decayed");
  LLVMValueRef base = cg_i64(g, (int64_t)v->table * SNN_DECAY_STRIDE);
  LLVMValueRef clamped = LLVMBuildSelect(b, near, steps, cg_i64(g, 0), "");
  LLVMValueRef fine_at = LLVMBuildAdd(b, base, LLVMBuildAnd(b, clamped,
                                      cg_i64(g, SNN_DECAY_TABLE - 1), ""), "");
  LLVMValueRef coarse_at = LLVMBuildAdd(b, LLVMBuildAdd(b, base, cg_i64(g, SNN_DECAY_TABLE), ""),
                                        LLVMBuildLShr(b, clamped, cg_i64(g, SNN_DECAY_TABLE_BITS), ""), "");
  LLVMValueRef tabled = LLVMBuildFMul(b, cg_load_at(g, g->f64, x->decay_tables, fine_at),
                                      cg_load_at(g, g->f64, x->decay_tables, coarse_at), "");
  LLVMBuildCondBr(b, near, join, far);
  LLVMPositionBuilderAtEnd(b, far);
  LLVMValueRef computed = cg_decay_factor(g, rate, steps, x->dt64);
  LLVMBuildBr(b, join);
  LLVMPositionBuilderAtEnd(b, join);
  LLVMValueRef factor = LLVMBuildPhi(b, g->f64, "factor");
  LLVMValueRef vals[2] = {tabled, computed};
  LLVMBasicBlockRef blocks[2] = {from, far};
  LLVMAddIncoming(factor, vals, blocks, 2);
  return factor;
}

/* x brought from step `then` up to now along dx/dt = rate x + drift. */
static LLVMValueRef decay(SynGen *x, const SynVar *v, LLVMValueRef value, LLVMValueRef then) {
  CodeGen *g = x->g;
  LLVMBuilderRef b = g->b;
  Env env = x->env;
  env.real = g->f64;
  env.param_cache = NULL;
  env.dt = x->dt64;
  LLVMValueRef steps = LLVMBuildSub(b, x->step, then, "");
  LLVMValueRef elapsed = LLVMBuildFMul(b, LLVMBuildSIToFP(b, steps, g->f64, ""), x->dt64,
                                       "elapsed");
  LLVMValueRef x0 = cg_to_real(&env, value);
  LLVMValueRef drift = v->drift ? cg_expr(&env, v->drift) : NULL;
  LLVMValueRef result;
  if (!v->rate) {
    result = drift ? LLVMBuildFAdd(b, x0, LLVMBuildFMul(b, drift, elapsed, ""), "") : x0;
  } else {
    LLVMValueRef rate = cg_expr(&env, v->rate);
    LLVMValueRef factor = tabled_factor(x, v, rate, steps);
    if (drift) {
      /* r + (x - r) e^(rate s), r = -drift / rate */
      LLVMValueRef rest = LLVMBuildFNeg(b, LLVMBuildFDiv(b, drift, rate, ""), "");
      result = LLVMBuildFAdd(b, rest, LLVMBuildFMul(b, LLVMBuildFSub(b, x0, rest, ""), factor, ""),
                             "");
    } else {
      result = LLVMBuildFMul(b, x0, factor, "");
    }
  }
  return cg_to_real(&x->env, result);
}

static LLVMValueRef load_step(SynGen *x, LLVMValueRef array, LLVMValueRef index) {
  return cg_load_at(x->g, x->g->i64, array, index);
}

static LLVMValueRef max_step(SynGen *x, LLVMValueRef a, LLVMValueRef b) {
  if (!a) return b;
  LLVMBuilderRef bld = x->g->b;
  return LLVMBuildSelect(bld, LLVMBuildICmp(bld, LLVMIntSGT, a, b, ""), a, b, "");
}

/* The step at which the current synapse's lazy variables were last
   brought up to date. */
static LLVMValueRef synapse_then(SynGen *x) {
  const ProjPlan *jp = x->jp;
  if (jp->clock == CLOCK_PER_SYNAPSE) return load_step(x, x->last_update, x->s);
  LLVMValueRef then = NULL;
  if (jp->has_on_pre) then = max_step(x, then, load_step(x, x->last_pre, x->i));
  if (jp->has_on_post) then = max_step(x, then, load_step(x, x->last_post, x->j));
  if (jp->proj->inst->every.len) then = max_step(x, then, x->last_every);
  return then ? then : cg_i64(x->g, 0);
}

/* The value of variable v for the current synapse or neuron, up to date. */
static LLVMValueRef load_var(SynGen *x, const SynVar *v, LLVMValueRef synapse_then_step) {
  CodeGen *g = x->g;
  LLVMValueRef array, at, then = NULL;
  switch (v->storage) {
  case STORE_PRE:
    array = x->pre_arrays[v->slot];
    at = x->i;
    if (v->lazy) then = load_step(x, x->last_pre, x->i);
    break;
  case STORE_POST:
    array = x->post_arrays[v->slot];
    at = x->j;
    if (v->lazy) then = load_step(x, x->last_post, x->j);
    break;
  default:
    array = x->syn_arrays[v->slot];
    at = x->s;
    if (v->lazy) then = synapse_then_step;
    break;
  }
  LLVMValueRef value = cg_load_at(g, g->real, array, at);
  return v->lazy ? decay(x, v, value, then) : value;
}

/* Loads every variable of the current synapse except those kept per
   neuron at `own` (which the caller handles); with own == -1, all. */
static void load_vars(SynGen *x, int own) {
  const ProjPlan *jp = x->jp;
  LLVMValueRef then = jp->clock != CLOCK_NONE ? synapse_then(x) : NULL;
  for (int k = 0; k < jp->nvars; k++) {
    const SynVar *v = &jp->vars[k];
    if ((own == END_PRE && v->storage == STORE_PRE) || (own == END_POST && v->storage == STORE_POST))
      continue;
    x->loaded[k] = x->env.syn[k] = load_var(x, v, then);
  }
}

/* Stores the per-synapse variables that changed or were brought up to
   date (a lazy one must be: its clock moves on). */
static void store_synapse_vars(SynGen *x) {
  const ProjPlan *jp = x->jp;
  CodeGen *g = x->g;
  for (int k = 0; k < jp->nvars; k++) {
    const SynVar *v = &jp->vars[k];
    if (v->storage != STORE_SYNAPSE || (!v->lazy && x->env.syn[k] == x->loaded[k])) continue;
    store_value(x, x->syn_arrays[v->slot], x->s, x->env.syn[k]);
  }
  if (jp->clock == CLOCK_PER_SYNAPSE) cg_store_at(g, g->i64, x->last_update, x->s, x->step);
}

/* --- Statements ------------------------------------------------------------------- */

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

/* The variable number of a statement's target, or -1 for pre./post. and
   for a modulator. */
static int target_var(const SynGen *x, const Stmt *st) {
  const Expr *t = expr_strip(st->target);
  if (t->kind != EX_NAME || t->sym->kind == SYM_MODULATOR) return -1;
  const SynVar *v = plan_syn_var(x->jp, t->sym);
  assert(v);
  return (int)(v - x->jp->vars);
}

/* One statement: a synaptic variable, or a variable of a neuron at an end. */
static void statement(SynGen *x, const Stmt *st) {
  CodeGen *g = x->g;
  Env *env = &x->env;
  LLVMValueRef v = cg_expr(env, st->value);
  int k = target_var(x, st);
  if (k >= 0) {
    env->syn[k] = apply_op(g, st->op, env->syn[k], v);
    return;
  }
  const Expr *t = expr_strip(st->target);
  if (t->kind == EX_NAME) {
    /* A modulator: what every synapse adds this step is summed and takes
       effect at the end of the step (learn/modulators.c). */
    assert(t->sym->kind == SYM_MODULATOR && (st->op == AS_ADD || st->op == AS_SUB));
    LLVMValueRef at = cg_i64(g, t->sym->index);
    LLVMValueRef old = cg_load_at(g, g->f64, x->modulator_add, at);
    Env denv = *env;
    denv.real = g->f64;
    LLVMValueRef d = cg_to_real(&denv, v);
    cg_store_at(g, g->f64, x->modulator_add, at, apply_op(g, st->op, old, d));
    return;
  }
  bool post = member_end(t) == END_POST;
  const Population *p = post ? x->jp->proj->post : x->jp->proj->pre;
  const Symbol *s = t->sym;
  assert(s && (s->kind == SYM_STATE || s->kind == SYM_PORT));
  LLVMValueRef at = post ? x->j : x->i;
  LLVMValueRef array;
  const PopPlan *pp = &g->plan->pops[p->index];
  bool gated = post && plan_input_dropped_when_refractory(pp, s);
  assert(!gated || st->op == AS_ADD || st->op == AS_SUB); /* refused by the checker */
  if (s->kind == SYM_PORT || gated) {
    /* A port, or a variable frozen while refractory: into the target's
       input slot, which its step kernel adds (or drops) next step. */
    int slot = plan_input_slot(pp, s);
    assert(slot >= 0);
    array = entry_array(x, x->post_input, slot);
  } else {
    array = member_array(x, post, s->index);
  }
  LLVMValueRef old = cg_load_at(g, g->real, array, at);
  cg_store_at(g, g->real, array, at, apply_op(g, st->op, old, v));
}

static bool stores_at(const SynGen *x, const Stmt *st, SynStorage storage) {
  int k = target_var(x, st);
  return k >= 0 && x->jp->vars[k].storage == storage;
}

/* --- on_pre and on_post ---------------------------------------------------------- */

/* The statements of an event block, with the variables kept per neuron at
   the event's own end (`storage`) computed once: version[q][v] is the
   value variable v has when statement q runs. */
typedef struct EventBlock {
  SynGen *x;
  const Stmt **stmts;
  int n;
  SynStorage storage;
  LLVMValueRef **version;
  LLVMValueRef *final;   /* per variable: its value after the whole block */
} EventBlock;

/* Runs, once for the neuron, the statements that update its own
   variables, recording the values each statement sees. */
static void event_prologue(EventBlock *eb) {
  SynGen *x = eb->x;
  const ProjPlan *jp = x->jp;
  for (int k = 0; k < jp->nvars; k++) {
    const SynVar *v = &jp->vars[k];
    if (v->storage == eb->storage) x->loaded[k] = x->env.syn[k] = load_var(x, v, NULL);
  }
  size_t row = sizeof(LLVMValueRef) * (size_t)(jp->nvars + 1);
  eb->version = arena_alloc(x->g->a, sizeof(LLVMValueRef *) * (size_t)(eb->n + 1));
  for (int q = 0; q < eb->n; q++) {
    eb->version[q] = arena_alloc(x->g->a, row);
    memcpy(eb->version[q], x->env.syn, row);
    if (stores_at(x, eb->stmts[q], eb->storage)) statement(x, eb->stmts[q]);
  }
  eb->final = arena_alloc(x->g->a, row);
  memcpy(eb->final, x->env.syn, row);
}

static void event_epilogue(EventBlock *eb, LLVMValueRef neuron) {
  SynGen *x = eb->x;
  const ProjPlan *jp = x->jp;
  for (int k = 0; k < jp->nvars; k++) {
    const SynVar *v = &jp->vars[k];
    if (v->storage != eb->storage) continue;
    LLVMValueRef *arrays = eb->storage == STORE_PRE ? x->pre_arrays : x->post_arrays;
    store_value(x, arrays[v->slot], neuron, eb->final[k]);
  }
}

/* The per-synapse part of an event block: everything but the statements
   the prologue ran, each seeing the neuron's variables as of its place. */
static void event_synapse(EventBlock *eb) {
  SynGen *x = eb->x;
  const ProjPlan *jp = x->jp;
  load_vars(x, eb->storage == STORE_PRE ? END_PRE : END_POST);
  for (int q = 0; q < eb->n; q++) {
    if (stores_at(x, eb->stmts[q], eb->storage)) continue;
    for (int k = 0; k < jp->nvars; k++)
      if (jp->vars[k].storage == eb->storage) x->env.syn[k] = eb->version[q][k];
    statement(x, eb->stmts[q]);
  }
  store_synapse_vars(x);
}

static void pre_synapse(void *ctx, LLVMValueRef s) {
  EventBlock *eb = ctx;
  SynGen *x = eb->x;
  CodeGen *g = x->g;
  LLVMValueRef j = LLVMBuildSExt(g->b, cg_load_at(g, g->i32, x->target, s), g->i64, "j");
  set_synapse(x, s, x->i, j);
  event_synapse(eb);
}

/* Statements of a block as an array (on_pre: only those not delivered as
   sums, which the plan lists). */
static const Stmt **block_statements(CodeGen *g, const Stmt *body, int *n) {
  int count = 0;
  for (const Stmt *st = body; st; st = st->next) count++;
  const Stmt **out = arena_alloc(g->a, sizeof(Stmt *) * (size_t)(count + 1));
  for (const Stmt *st = body; st; st = st->next) out[(*n)++] = st;
  return out;
}

/* The neuron's clock moves on once every synapse has seen the old one. */
static void advance_clock(SynGen *x, LLVMValueRef clock, LLVMValueRef neuron) {
  cg_store_at(x->g, x->g->i64, clock, neuron, x->step);
}

LLVMValueRef cg_on_pre(CodeGen *g, int proj) {
  char name[64];
  snprintf(name, sizeof name, "snn_on_pre_%d", proj);
  SynGen x;
  syn_begin(&x, g, proj, PATH_PRE, name, 4);
  const ProjPlan *jp = x.jp;
  x.i = LLVMGetParam(x.fn, 1);
  x.env.i = cg_to_real(&x.env, x.i);
  EventBlock eb = {&x, (const Stmt **)jp->event_stmts, jp->nevent, STORE_PRE, NULL, NULL};
  event_prologue(&eb);
  cg_loop(g, x.fn, LLVMGetParam(x.fn, 2), LLVMGetParam(x.fn, 3), pre_synapse, &eb);
  x.i = LLVMGetParam(x.fn, 1);
  event_epilogue(&eb, x.i);
  if (jp->npre_values > 0 || jp->clock == CLOCK_DERIVED) advance_clock(&x, x.last_pre, x.i);
  syn_end(&x);
  return x.fn;
}

/* The synapses onto a neuron lie scattered over the values of a large
   projection (a cache miss each), and the work per synapse is short:
   fetch those of the synapse POST_PREFETCH entries ahead while this one
   is worked on.  The entry read is clamped to the range's last. */
enum { POST_PREFETCH = 8 };

static void prefetch_ahead(SynGen *x, LLVMValueRef q) {
  CodeGen *g = x->g;
  LLVMBuilderRef b = g->b;
  int nsyn_values = x->jp->nvalues + x->jp->nweights;
  if (nsyn_values == 0) return;
  LLVMValueRef ahead = LLVMBuildAdd(b, q, cg_i64(g, POST_PREFETCH), "");
  LLVMValueRef last = LLVMBuildSub(b, x->post_end, cg_i64(g, 1), "");
  ahead = LLVMBuildSelect(b, LLVMBuildICmp(b, LLVMIntSLT, ahead, last, ""), ahead, last, "");
  LLVMValueRef s = LLVMBuildSExt(b, cg_load_at(g, g->i32, x->post_syn, ahead), g->i64, "");
  unsigned id = LLVMLookupIntrinsicID("llvm.prefetch", 13);
  LLVMTypeRef ptr = g->ptr;
  LLVMValueRef fn = LLVMGetIntrinsicDeclaration(g->mod, id, &ptr, 1);
  LLVMTypeRef ty = LLVMGlobalGetValueType(fn);
  for (int k = 0; k < nsyn_values; k++) {
    LLVMValueRef at = LLVMBuildGEP2(b, g->real, x->syn_arrays[k], &s, 1, "");
    at = LLVMBuildPointerCast(b, at, ptr, "");
    /* write, keep in all levels, data */
    LLVMValueRef args[4] = {at, LLVMConstInt(g->i32, 1, 0), LLVMConstInt(g->i32, 3, 0),
                            LLVMConstInt(g->i32, 1, 0)};
    LLVMBuildCall2(b, ty, fn, args, 4, "");
  }
}

static void post_synapse(void *ctx, LLVMValueRef q) {
  EventBlock *eb = ctx;
  SynGen *x = eb->x;
  CodeGen *g = x->g;
  LLVMBuilderRef b = g->b;
  LLVMValueRef s = LLVMBuildSExt(b, cg_load_at(g, g->i32, x->post_syn, q), g->i64, "s");
  prefetch_ahead(x, q);
  /* The presynaptic row: from the coarse table, then forward past the rows
     that end at or before s (row[npre] = nsyn ends the walk).  A block
     holds about a mean row, so the row is mostly the block's or one of the
     next two: two steps without branches, then a loop for the rest. */
  LLVMValueRef block = LLVMBuildAShr(b, s, x->block_shift, "block");
  LLVMValueRef start = LLVMBuildSExt(b, cg_load_at(g, g->i32, x->row_block, block), g->i64, "");
  for (int step = 0; step < 2; step++) {
    LLVMValueRef ahead = cg_load_at(g, g->i64, x->row, LLVMBuildAdd(b, start, cg_i64(g, 1), ""));
    LLVMValueRef past = LLVMBuildICmp(b, LLVMIntSLE, ahead, s, "");
    start = LLVMBuildAdd(b, start, LLVMBuildZExt(b, past, g->i64, ""), "");
  }
  LLVMBasicBlockRef from = LLVMGetInsertBlock(b);
  LLVMBasicBlockRef walk = LLVMAppendBasicBlockInContext(g->ctx, x->fn, "row_walk");
  LLVMBasicBlockRef found = LLVMAppendBasicBlockInContext(g->ctx, x->fn, "row_found");
  LLVMBuildBr(b, walk);
  LLVMPositionBuilderAtEnd(b, walk);
  LLVMValueRef i = LLVMBuildPhi(b, g->i64, "row");
  LLVMValueRef next = LLVMBuildAdd(b, i, cg_i64(g, 1), "");
  LLVMValueRef beyond = LLVMBuildICmp(b, LLVMIntSLE, cg_load_at(g, g->i64, x->row, next), s, "");
  LLVMBuildCondBr(b, beyond, walk, found);
  LLVMValueRef incoming[2] = {start, next};
  LLVMBasicBlockRef blocks[2] = {from, walk};
  LLVMAddIncoming(i, incoming, blocks, 2);
  LLVMPositionBuilderAtEnd(b, found);
  set_synapse(x, s, i, x->j);
  event_synapse(eb);
}

LLVMValueRef cg_on_post(CodeGen *g, int proj) {
  char name[64];
  snprintf(name, sizeof name, "snn_on_post_%d", proj);
  SynGen x;
  syn_begin(&x, g, proj, PATH_POST, name, 4);
  const ProjPlan *jp = x.jp;
  x.j = LLVMGetParam(x.fn, 1);
  x.env.j = cg_to_real(&x.env, x.j);
  int n = 0;
  const Stmt **stmts = block_statements(g, jp->proj->inst->on_post->body, &n);
  EventBlock eb = {&x, stmts, n, STORE_POST, NULL, NULL};
  event_prologue(&eb);
  x.post_end = LLVMGetParam(x.fn, 3);
  cg_loop(g, x.fn, LLVMGetParam(x.fn, 2), x.post_end, post_synapse, &eb);
  x.j = LLVMGetParam(x.fn, 1);
  event_epilogue(&eb, x.j);
  advance_clock(&x, x.last_post, x.j);
  syn_end(&x);
  return x.fn;
}

/* --- every blocks and clock-driven equations -------------------------------------- */

/* Work on every synapse of the rows [begin, end). */
typedef void (*SynapseWork)(SynGen *x);

typedef struct RowsCtx {
  SynGen *x;
  SynapseWork work;
} RowsCtx;

static void rows_synapse(void *ctx, LLVMValueRef s) {
  RowsCtx *r = ctx;
  SynGen *x = r->x;
  CodeGen *g = x->g;
  LLVMValueRef j = LLVMBuildSExt(g->b, cg_load_at(g, g->i32, x->target, s), g->i64, "j");
  set_synapse(x, s, x->i, j);
  r->work(x);
}

static void rows_row(void *ctx, LLVMValueRef i) {
  RowsCtx *r = ctx;
  SynGen *x = r->x;
  CodeGen *g = x->g;
  x->i = i;
  LLVMValueRef first = cg_load_at(g, g->i64, x->row, i);
  LLVMValueRef last = cg_load_at(g, g->i64, x->row, LLVMBuildAdd(g->b, i, cg_i64(g, 1), ""));
  cg_loop(g, x->fn, first, last, rows_synapse, r);
}

/* Whether e needs the presynaptic neuron: i, pre.x, or a variable kept
   per presynaptic neuron. */
static bool uses_pre(const SynGen *x, const Expr *e) {
  if (!e) return false;
  const Symbol *s = e->sym;
  if (e->kind == EX_NAME && s) {
    if (s->kind == SYM_VARIABLE && s->builtin == VAR_I) return true;
    if (s->kind == SYM_ALIAS) return uses_pre(x, s->expr);
    const SynVar *v = plan_syn_var(x->jp, s);
    return v && v->storage == STORE_PRE;
  }
  if (e->kind == EX_MEMBER) return member_end(e) == END_PRE;
  if (uses_pre(x, e->lhs) || uses_pre(x, e->rhs) || uses_pre(x, e->hi)) return true;
  for (const Expr *a = e->args; a; a = a->next)
    if (uses_pre(x, a)) return true;
  return false;
}

/* Whether work on one synapse needs its presynaptic neuron: a lazy
   per-synapse variable whose clock comes from the neurons' last events
   does, and so does code that names it. */
static bool needs_rows(const SynGen *x, const Stmt *body) {
  const ProjPlan *jp = x->jp;
  for (int k = 0; k < jp->nvars; k++) {
    const SynVar *v = &jp->vars[k];
    if (v->storage == STORE_SYNAPSE && v->lazy && jp->clock == CLOCK_DERIVED) return true;
    if (v->clock_ode && uses_pre(x, v->clock_ode->value)) return true;
  }
  for (const Stmt *st = body; st; st = st->next)
    if (uses_pre(x, st->target) || uses_pre(x, st->value)) return true;
  return false;
}

static void flat_synapse(void *ctx, LLVMValueRef s) {
  RowsCtx *r = ctx;
  SynGen *x = r->x;
  CodeGen *g = x->g;
  LLVMValueRef j = LLVMBuildSExt(g->b, cg_load_at(g, g->i32, x->target, s), g->i64, "j");
  /* No use of the presynaptic neuron survives (needs_rows): row 0 stands in. */
  set_synapse(x, s, cg_i64(g, 0), j);
  r->work(x);
}

/* Work on the synapses of rows [begin, end): one loop over all of them
   when the work does not need to know the presynaptic neuron (what the
   vectoriser does best), else row by row. */
static void over_rows(SynGen *x, SynapseWork work, bool by_row) {
  RowsCtx r = {x, work};
  CodeGen *g = x->g;
  LLVMValueRef begin = LLVMGetParam(x->fn, 1), end = LLVMGetParam(x->fn, 2);
  if (by_row) {
    cg_loop(g, x->fn, begin, end, rows_row, &r);
  } else {
    LLVMValueRef first = cg_load_at(g, g->i64, x->row, begin);
    LLVMValueRef last = cg_load_at(g, g->i64, x->row, end);
    cg_loop(g, x->fn, first, last, flat_synapse, &r);
  }
  syn_end(x);
}

static void every_work(SynGen *x) {
  load_vars(x, -1);
  for (const Stmt *st = x->block->body; st; st = st->next) statement(x, st);
  store_synapse_vars(x);
}

LLVMValueRef cg_every(CodeGen *g, int proj, int block) {
  char name[64];
  snprintf(name, sizeof name, "snn_every_%d_%d", proj, block);
  SynGen x;
  syn_begin(&x, g, proj, PATH_EVERY, name, 3);
  x.block = x.jp->proj->inst->every.items[block];
  over_rows(&x, every_work, needs_rows(&x, x.block->body));
  return x.fn;
}

/* One step of the clock-driven equations, every right side at the values
   of the start of the step: exponential Euler for an equation linear in
   its own variable (exact when the rest is constant), else Euler. */
static void clock_work(SynGen *x) {
  const ProjPlan *jp = x->jp;
  CodeGen *g = x->g;
  LLVMBuilderRef b = g->b;
  Env *env = &x->env;
  load_vars(x, -1);
  LLVMValueRef *next = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)(jp->nvars + 1));
  for (int k = 0; k < jp->nvars; k++) {
    const SynVar *v = &jp->vars[k];
    next[k] = env->syn[k];
    if (!v->clock_ode) continue;
    LLVMValueRef f = cg_expr(env, v->clock_ode->value);
    LLVMValueRef step = LLVMBuildFMul(b, env->dt, f, "");
    if (v->ode_affine && v->ode_coef) {
      LLVMValueRef a = cg_expr(env, v->ode_coef);
      step = LLVMBuildFMul(b, step, cg_exprel(env, LLVMBuildFMul(b, a, env->dt, "")), "");
    }
    next[k] = LLVMBuildFAdd(b, env->syn[k], step, "");
  }
  for (int k = 0; k < jp->nvars; k++) env->syn[k] = next[k];
  /* Lazy variables were only read: their clock stays where it was. */
  for (int k = 0; k < jp->nvars; k++) {
    const SynVar *v = &jp->vars[k];
    if (v->storage == STORE_SYNAPSE && v->clock_ode)
      store_value(x, x->syn_arrays[v->slot], x->s, env->syn[k]);
  }
}

LLVMValueRef cg_clock_step(CodeGen *g, int proj) {
  char name[64];
  snprintf(name, sizeof name, "snn_clock_%d", proj);
  SynGen x;
  syn_begin(&x, g, proj, PATH_CLOCK, name, 3);
  over_rows(&x, clock_work, needs_rows(&x, NULL));
  return x.fn;
}

/* --- Reading a value up to date ----------------------------------------------------- */

LLVMValueRef cg_current_value(CodeGen *g, int proj) {
  char name[64];
  snprintf(name, sizeof name, "snn_current_%d", proj);
  SynGen x;
  syn_begin_returning(&x, g, proj, PATH_EVERY, name, 3, g->f64);
  LLVMBuilderRef b = g->b;
  LLVMValueRef value = LLVMGetParam(x.fn, 1), s = LLVMGetParam(x.fn, 2);
  LLVMTypeRef args[3] = {g->ptr, g->i64, g->i64};
  LLVMValueRef row_of = cg_declare(g, "snnrt_row_of", g->i64, args, 3);
  LLVMValueRef vals[3] = {x.row, x.npre, s};
  LLVMValueRef i = cg_call(g, row_of, vals, 3);
  LLVMValueRef j = LLVMBuildSExt(b, cg_load_at(g, g->i32, x.target, s), g->i64, "");
  set_synapse(&x, s, i, j);
  /* value numbers the per-synapse values, then those kept per presynaptic
     and per postsynaptic neuron (as SnnMonitor.variable does). */
  const ProjPlan *jp = x.jp;
  int nsyn_values = jp->nvalues + jp->nweights;
  LLVMValueRef table = cg_load_field(g, g->event_args, LLVMGetParam(x.fn, 0), SnnEventArgs_value);
  LLVMValueRef raw = cg_real(&x.env, 0);
  if (nsyn_values > 0) {
    LLVMValueRef in_synapse = LLVMBuildICmp(b, LLVMIntSLT, value, cg_i64(g, nsyn_values), "");
    LLVMValueRef slot = LLVMBuildSelect(b, in_synapse, value, cg_i64(g, 0), "");
    raw = cg_load_at(g, g->real, cg_load_at(g, g->ptr, table, slot), s);
  }
  LLVMValueRef result = cg_to_real(&(Env){.g = g, .real = g->f64}, raw);
  LLVMValueRef then = jp->clock != CLOCK_NONE ? synapse_then(&x) : NULL;
  for (int k = 0; k < jp->nvars; k++) {
    const SynVar *v = &jp->vars[k];
    int number = v->storage == STORE_SYNAPSE ? v->slot :
                 nsyn_values + (v->storage == STORE_POST ? jp->npre_values : 0) + v->slot;
    if (v->storage == STORE_SYNAPSE && !v->lazy) continue;
    LLVMValueRef up = v->storage == STORE_SYNAPSE ? decay(&x, v, raw, then) : load_var(&x, v, NULL);
    up = cg_to_real(&(Env){.g = g, .real = g->f64}, up);
    LLVMValueRef here = LLVMBuildICmp(b, LLVMIntEQ, value, cg_i64(g, number), "");
    result = LLVMBuildSelect(b, here, up, result, "");
  }
  LLVMBuildRet(b, result);
  return x.fn;
}
