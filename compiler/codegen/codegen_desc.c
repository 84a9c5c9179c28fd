/*
** codegen_desc.c: the constant `snn_model` descriptor (runtime/snnrt.h).
**
** Every descriptor structure is a shared structure of runtime/snnrt_layout.h:
** its LLVM type comes from the layout table, and a Record fills one
** instance field by field, by the table's field numbers.  Strings and
** arrays become private constant globals.
*/
#include <assert.h>
#include <math.h>
#include <string.h>

#include "codegen.h"

/* One instance of a shared structure, filled field by field.  Fields are
   named by their numbers in snnrt_layout.h and checked against the
   structure's type, so a field set twice, left out or given the wrong kind
   is caught here rather than read as garbage by the runtime. */
typedef struct Record {
  CodeGen *g;
  LLVMTypeRef type;        /* a shared structure type of CodeGen */
  LLVMValueRef v[SNN_MAX_FIELDS];
} Record;

static void r_set(Record *r, int field, LLVMValueRef v) {
  assert(field >= 0 && (unsigned)field < LLVMCountStructElementTypes(r->type));
  assert(!r->v[field]);
  assert(LLVMTypeOf(v) == LLVMStructGetTypeAtIndex(r->type, (unsigned)field));
  r->v[field] = v;
}

static void r_i64(Record *r, int field, int64_t x) {
  r_set(r, field, LLVMConstInt(r->g->i64, (unsigned long long)x, 1));
}

static void r_f64(Record *r, int field, double x) {
  r_set(r, field, LLVMConstReal(r->g->f64, x));
}

static void r_ptr(Record *r, int field, LLVMValueRef p) {
  r_set(r, field, p ? LLVMConstBitCast(p, r->g->ptr) : LLVMConstNull(r->g->ptr));
}

static LLVMValueRef global_const(CodeGen *g, LLVMValueRef init, const char *name) {
  LLVMValueRef gv = LLVMAddGlobal(g->mod, LLVMTypeOf(init), name);
  LLVMSetInitializer(gv, init);
  LLVMSetGlobalConstant(gv, 1);
  LLVMSetLinkage(gv, LLVMPrivateLinkage);
  return gv;
}

static LLVMValueRef string(CodeGen *g, const char *s) {
  if (!s) return NULL;
  LLVMValueRef init = LLVMConstStringInContext(g->ctx, s, (unsigned)strlen(s), 0);
  LLVMValueRef gv = global_const(g, init, "str");
  LLVMSetUnnamedAddress(gv, LLVMGlobalUnnamedAddr);
  return gv;
}

static void r_str(Record *r, int field, const char *s) { r_ptr(r, field, string(r->g, s)); }

static LLVMValueRef record_value(Record *r) {
  unsigned n = LLVMCountStructElementTypes(r->type);
  for (unsigned k = 0; k < n; k++) assert(r->v[k]);
  return LLVMConstNamedStruct(r->type, r->v, n);
}

/* A private global array of records (NULL when empty). */
static LLVMValueRef record_array(CodeGen *g, Record *recs, int n, const char *name) {
  if (n == 0) return NULL;
  LLVMValueRef *vals = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)n);
  for (int k = 0; k < n; k++) vals[k] = record_value(&recs[k]);
  return global_const(g, LLVMConstArray(recs[0].type, vals, (unsigned)n), name);
}

static Record *records(CodeGen *g, LLVMTypeRef type, int n) {
  Record *r = arena_alloc(g->a, sizeof(Record) * (size_t)(n + 1));
  for (int k = 0; k <= n; k++) {
    r[k].g = g;
    r[k].type = type;
  }
  return r;
}

static int64_t pack_dim(Dim d) {
  int64_t packed = 0;
  for (int k = 0; k < DIM_COUNT; k++) packed |= (int64_t)(d.e[k] + 64) << (8 * k);
  return packed;
}

/* A unit to show a parameter in: the first unit of its own dimension that
   its default value was written with (mV for `-65 mV`), else SI. */
static bool find_unit(const Expr *e, Dim want, const char **name, double *scale) {
  if (!e) return false;
  if (e->kind == EX_NUMBER && e->unit && (!e->unit_power || e->unit_power == 1)) {
    Unit u;
    if (unit_lookup(e->unit, &u) && dim_eq(u.dim, want)) {
      *name = e->unit;
      *scale = u.scale;
      return true;
    }
  }
  if (e->kind == EX_NAME && e->sym && e->sym->kind == SYM_UNIT && dim_eq(e->sym->dim, want)) {
    *name = e->sym->name;
    *scale = e->sym->value;
    return true;
  }
  if (find_unit(e->lhs, want, name, scale) || find_unit(e->rhs, want, name, scale)) return true;
  for (const Expr *a = e->args; a; a = a->next)
    if (find_unit(a, want, name, scale)) return true;
  return false;
}

LLVMValueRef cg_derived_param(CodeGen *g, int slot) {
  char name[48];
  snprintf(name, sizeof name, "snn_param_%d", slot);
  LLVMTypeRef types[1] = {g->ptr};
  LLVMValueRef fn = cg_function(g, name, g->f64, types, 1, true);
  LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(g->ctx, fn, "entry");
  LLVMPositionBuilderAtEnd(g->b, entry);
  Env env = cg_env(g, entry, g->f64, LLVMGetParam(fn, 0), g->plan->param_pop[slot],
                   g->plan->param_proj[slot]);
  LLVMBuildRet(g->b, cg_expr(&env, plan_param_value(g->plan, slot)));
  return fn;
}

static void param_record(CodeGen *g, Record *r, int slot, LLVMValueRef derive) {
  Plan *p = g->plan;
  Symbol *s = p->param_sym[slot];
  Decl *o = p->param_override[slot];
  const Expr *value = o ? o->value : s->decl->value;
  const char *unit = NULL;
  double scale = 1.0;
  char si[64];
  if (!find_unit(value, s->dim, &unit, &scale)) {
    Unit u;
    unit = unit_typical(s->dim);
    if (unit && unit_lookup(unit, &u)) {
      scale = u.scale;
    } else {
      dim_format(s->dim, si, sizeof si);
      unit = si;
    }
  }
  r_str(r, SnnParam_name, p->param_name[slot]);
  r_str(r, SnnParam_unit, unit);
  r_f64(r, SnnParam_unit_scale, scale);
  r_f64(r, SnnParam_value, value->is_const ? value->cval : 0.0);
  r_i64(r, SnnParam_dim, pack_dim(s->dim));
  r_ptr(r, SnnParam_derive, derive);
}

static void variable_record(Record *r, const Symbol *s) {
  char si[64];
  const char *unit = s->unit_text;
  if (!unit) {
    dim_format(s->dim, si, sizeof si);
    unit = si;
  }
  r_str(r, SnnVariable_name, s->name);
  r_str(r, SnnVariable_unit, unit);
  r_f64(r, SnnVariable_unit_scale, s->unit_text ? s->unit_scale : 1.0);
}

static bool uses_time(const Expr *e) {
  if (!e) return false;
  if (e->kind == EX_NAME && e->sym && e->sym->kind == SYM_VARIABLE && e->sym->builtin == VAR_T)
    return true;
  if (e->kind == EX_NAME && e->sym && e->sym->kind == SYM_ALIAS) return uses_time(e->sym->expr);
  if (uses_time(e->lhs) || uses_time(e->rhs)) return true;
  for (const Expr *a = e->args; a; a = a->next)
    if (uses_time(a)) return true;
  return false;
}

/* The longest window rate(P, last = W) of any reward asks of population k. */
static double longest_rate_window(const Expr *e, int k) {
  if (!e) return 0;
  double w = 0;
  if (e->kind == EX_CALL && !strcmp(e->text, "rate") && e->sym && e->sym->kind == SYM_POPULATION &&
      e->sym->of.population->index == k && e->args && e->args->next)
    w = e->args->next->cval;
  double parts[3] = {longest_rate_window(e->lhs, k), longest_rate_window(e->rhs, k),
                     longest_rate_window(e->hi, k)};
  for (int q = 0; q < 3; q++) w = fmax(w, parts[q]);
  for (const Expr *a = e->args; a; a = a->next) w = fmax(w, longest_rate_window(a, k));
  return w;
}

static void population_record(CodeGen *g, Record *r, int k, LLVMValueRef *fns) {
  PopPlan *pp = &g->plan->pops[k];
  Population *p = pp->pop;
  r_str(r, SnnPopulation_name, p->name);
  r_i64(r, SnnPopulation_kind, p->kind == POP_NEURONS ? SNN_POP_NEURONS :
                               p->kind == POP_POISSON ? SNN_POP_POISSON : SNN_POP_SPIKE_TIMES);
  r_i64(r, SnnPopulation_size, p->size);
  int ns = p->model ? p->model->states.len : 0;
  Record *vars = records(g, g->variable_t, ns + pp->ninputs);
  for (int q = 0; q < ns; q++) variable_record(&vars[q], p->model->states.items[q]);
  for (int q = 0; q < pp->ninputs; q++) variable_record(&vars[ns + q], pp->inputs[q].var);
  r_i64(r, SnnPopulation_nstate, ns);
  r_ptr(r, SnnPopulation_state, record_array(g, vars, ns, "states"));
  r_i64(r, SnnPopulation_ninput, pp->ninputs);
  r_ptr(r, SnnPopulation_input, record_array(g, vars + ns, pp->ninputs, "inputs"));
  r_i64(r, SnnPopulation_ncoef, pp->ncoef);
  r_ptr(r, SnnPopulation_init, fns[0]);
  r_ptr(r, SnnPopulation_step, fns[2]);
  r_ptr(r, SnnPopulation_coef, fns[1]);
  r_ptr(r, SnnPopulation_rate, fns[3]);
  r_i64(r, SnnPopulation_rate_varies, p->kind == POP_POISSON && uses_time(p->rate));
  r_i64(r, SnnPopulation_nspikes, p->nspikes);
  LLVMValueRef idx = NULL, times = NULL;
  if (p->nspikes) {
    LLVMValueRef *iv = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)p->nspikes);
    LLVMValueRef *tv = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)p->nspikes);
    for (int64_t q = 0; q < p->nspikes; q++) {
      iv[q] = LLVMConstInt(g->i64, (unsigned long long)p->spikes[q].index, 0);
      tv[q] = LLVMConstReal(g->f64, p->spikes[q].time);
    }
    idx = global_const(g, LLVMConstArray(g->i64, iv, (unsigned)p->nspikes), "spike_index");
    times = global_const(g, LLVMConstArray(g->f64, tv, (unsigned)p->nspikes), "spike_time");
  }
  r_ptr(r, SnnPopulation_spike_index, idx);
  r_ptr(r, SnnPopulation_spike_time, times);
  r_i64(r, SnnPopulation_stream, pp->stream);
  double window = 0;
  for (int q = 0; q < g->m->rewards.len; q++) {
    const RewardRule *rw = g->m->rewards.items[q];
    window = fmax(window, fmax(longest_rate_window(rw->amount, k),
                               longest_rate_window(rw->delay, k)));
  }
  r_f64(r, SnnPopulation_rate_window, window);
  r_i64(r, SnnPopulation_param_base, g->plan->pops[k].param_base);
  bool integrated = p->kind == POP_NEURONS && pp->ode.n > 0;
  r_ptr(r, SnnPopulation_method, integrated ? string(g, method_name(pp->ode.method)) : NULL);
}

static int rule_code(ConnectRule r) {
  switch (r) {
  case RULE_ALL: return SNN_RULE_ALL;
  case RULE_ONE_TO_ONE: return SNN_RULE_ONE_TO_ONE;
  case RULE_PROBABILITY: return SNN_RULE_PROBABILITY;
  case RULE_FANIN: return SNN_RULE_FANIN;
  case RULE_FANOUT: return SNN_RULE_FANOUT;
  case RULE_FILE: return SNN_RULE_FILE;
  }
  assert(!"unknown connection rule");
  return SNN_RULE_ALL;
}

static void projection_record(CodeGen *g, Record *r, int k, ProjFunctions *f) {
  ProjPlan *jp = &g->plan->projs[k];
  Projection *pr = jp->proj;
  r_str(r, SnnProjection_name, pr->name ? pr->name :
        arena_printf(g->a, "%s -> %s", pr->pre->name, pr->post->name));
  r_i64(r, SnnProjection_pre, pr->pre->index);
  r_i64(r, SnnProjection_post, pr->post->index);
  r_i64(r, SnnProjection_rule, rule_code(pr->rule));
  r_f64(r, SnnProjection_p, pr->rule == RULE_PROBABILITY && pr->p->is_const ? pr->p->cval : -1.0);
  r_ptr(r, SnnProjection_p_fn, f->p_fn);
  r_ptr(r, SnnProjection_where_fn, f->where_fn);
  Record *bounds = records(g, g->pair_bound_t, f->nbound);
  for (int q = 0; q < f->nbound; q++) {
    r_ptr(&bounds[q], SnnPairBound_offset, f->bound_fn[q]);
    r_i64(&bounds[q], SnnPairBound_index, f->bound[q].index == VAR_J);
    r_i64(&bounds[q], SnnPairBound_equal, f->bound[q].equal);
  }
  r_i64(r, SnnProjection_nbound, f->nbound);
  r_ptr(r, SnnProjection_bound, record_array(g, bounds, f->nbound, "bounds"));
  r_i64(r, SnnProjection_fan, pr->fan);
  r_i64(r, SnnProjection_autapses, pr->autapses);
  r_str(r, SnnProjection_file, pr->file);
  r_i64(r, SnnProjection_delay_kind, !jp->delay ? SNN_DELAY_NONE : jp->delay_uniform ?
                                     SNN_DELAY_CONSTANT : SNN_DELAY_PER_SYNAPSE);
  r_ptr(r, SnnProjection_delay, f->delay_fn);
  int nv = jp->nvalues + jp->nweights;
  Record *vals = records(g, g->variable_t, nv);
  for (int q = 0; q < jp->nvalues; q++) variable_record(&vals[q], jp->values[q]);
  for (int q = 0; q < jp->nweights; q++) {
    r_str(&vals[jp->nvalues + q], SnnVariable_name, arena_printf(g->a, "weight%d", q));
    r_str(&vals[jp->nvalues + q], SnnVariable_unit, "SI");
    r_f64(&vals[jp->nvalues + q], SnnVariable_unit_scale, 1.0);
  }
  r_i64(r, SnnProjection_nvalue, nv);
  r_ptr(r, SnnProjection_value, record_array(g, vals, nv, "values"));
  r_ptr(r, SnnProjection_init, f->init);
  Record *adds = records(g, g->additive_t, jp->nadditive);
  for (int q = 0; q < jp->nadditive; q++) {
    r_i64(&adds[q], SnnAdditive_input_slot, jp->additive[q].input_slot);
    r_i64(&adds[q], SnnAdditive_state, jp->additive[q].target_state);
    r_i64(&adds[q], SnnAdditive_value, jp->additive[q].value);
    r_ptr(&adds[q], SnnAdditive_weight, f->weight_fn[q]);
  }
  r_i64(r, SnnProjection_nadditive, jp->nadditive);
  r_ptr(r, SnnProjection_additive, record_array(g, adds, jp->nadditive, "additive"));
  r_ptr(r, SnnProjection_on_pre, f->on_pre);
  r_i64(r, SnnProjection_stream, jp->stream);
  Record *pre_vars = records(g, g->variable_t, jp->npre_values);
  Record *post_vars = records(g, g->variable_t, jp->npost_values);
  for (int q = 0; q < jp->nvars; q++) {
    const SynVar *v = &jp->vars[q];
    if (v->storage == STORE_PRE) variable_record(&pre_vars[v->slot], v->sym);
    if (v->storage == STORE_POST) variable_record(&post_vars[v->slot], v->sym);
  }
  r_i64(r, SnnProjection_npre_value, jp->npre_values);
  r_ptr(r, SnnProjection_pre_value, record_array(g, pre_vars, jp->npre_values, "pre_values"));
  r_ptr(r, SnnProjection_pre_init, f->pre_init);
  r_i64(r, SnnProjection_npost_value, jp->npost_values);
  r_ptr(r, SnnProjection_post_value, record_array(g, post_vars, jp->npost_values, "post_values"));
  r_ptr(r, SnnProjection_post_init, f->post_init);
  r_ptr(r, SnnProjection_on_post, f->on_post);
  r_i64(r, SnnProjection_post_index, jp->post_index);
  const SynapseInstance *in = pr->inst;
  Record *every = records(g, g->every_t, in->every.len);
  for (int q = 0; q < in->every.len; q++) {
    /* The interval is checked and folded on the model's own block. */
    const Decl *ev = pr->synapse->every.items[q];
    r_f64(&every[q], SnnEvery_interval, ev->value->cval);
    r_ptr(&every[q], SnnEvery_run, f->every[q]);
  }
  r_i64(r, SnnProjection_nevery, in->every.len);
  r_ptr(r, SnnProjection_every, record_array(g, every, in->every.len, "every"));
  r_ptr(r, SnnProjection_clock_step, f->clock_step);
  r_i64(r, SnnProjection_synapse_clock, jp->clock == CLOCK_PER_SYNAPSE);
  r_ptr(r, SnnProjection_current, f->current);
  r_i64(r, SnnProjection_ndecay, jp->ndecay);
  r_ptr(r, SnnProjection_decay_fill, f->decay_fill);
}

static void monitor_record(Record *r, const Plan *plan, const Monitor *mo, LLVMValueRef select) {
  static const int kinds[] = {SNN_MON_SPIKES, SNN_MON_STATE, SNN_MON_RATE, SNN_MON_WEIGHTS,
                              SNN_MON_MODULATOR, SNN_MON_REWARDS};
  r_i64(r, SnnMonitor_kind, kinds[mo->kind]);
  r_i64(r, SnnMonitor_population, mo->kind == MON_WEIGHTS ? mo->proj->index :
                                  mo->mod ? mo->mod->index : mo->pop->index);
  int variable = mo->var ? mo->var->index : -1;
  if (mo->kind == MON_WEIGHTS) {
    /* Per-synapse values first, then those kept per presynaptic and per
       postsynaptic neuron (SnnMonitor.variable). */
    const ProjPlan *jp = &plan->projs[mo->proj->index];
    const SynVar *v = plan_syn_var(jp, mo->var);
    assert(v);
    int base = v->storage == STORE_SYNAPSE ? 0 : jp->nvalues + jp->nweights +
               (v->storage == STORE_POST ? jp->npre_values : 0);
    variable = base + v->slot;
  }
  r_i64(r, SnnMonitor_variable, variable);
  r_i64(r, SnnMonitor_lo, mo->lo);
  r_i64(r, SnnMonitor_hi, mo->hi);
  r_f64(r, SnnMonitor_interval, mo->kind == MON_RATE ? mo->bin : mo->every);
  r_ptr(r, SnnMonitor_select, select);
  r_f64(r, SnnMonitor_start, mo->start);
  r_f64(r, SnnMonitor_stop, mo->stop);
}

/* double f(param): a value of the parameters alone (NULL: none). */
static LLVMValueRef param_function(CodeGen *g, const char *name, const Expr *e) {
  if (!e) return NULL;
  LLVMTypeRef types[1] = {g->ptr};
  LLVMValueRef fn = cg_function(g, name, g->f64, types, 1, true);
  LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(g->ctx, fn, "entry");
  LLVMPositionBuilderAtEnd(g->b, entry);
  Env env = cg_env(g, entry, g->f64, LLVMGetParam(fn, 0), -1, -1);
  LLVMBuildRet(g->b, cg_expr(&env, e));
  return fn;
}

static void modulator_record(CodeGen *g, Record *r, const Modulator *md) {
  char name[64];
  r_str(r, SnnModulator_name, md->name);
  const char *unit = md->sym->unit_text ? md->sym->unit_text : "1";
  r_str(r, SnnModulator_unit, unit);
  r_f64(r, SnnModulator_unit_scale, md->sym->unit_text ? md->sym->unit_scale : 1.0);
  snprintf(name, sizeof name, "snn_mod_%d_tau", md->index);
  r_ptr(r, SnnModulator_tau, param_function(g, name, md->tau));
  snprintf(name, sizeof name, "snn_mod_%d_baseline", md->index);
  r_ptr(r, SnnModulator_baseline, param_function(g, name, md->baseline));
  Record *srcs = records(g, g->mod_source_t, md->sources.len);
  for (int q = 0; q < md->sources.len; q++) {
    const ModSource *src = md->sources.items[q];
    r_i64(&srcs[q], SnnModSource_population, src->pop->index);
    snprintf(name, sizeof name, "snn_mod_%d_source_%d", md->index, q);
    r_ptr(&srcs[q], SnnModSource_amount, param_function(g, name, src->amount));
  }
  r_i64(r, SnnModulator_nsource, md->sources.len);
  r_ptr(r, SnnModulator_source, record_array(g, srcs, md->sources.len, "mod_sources"));
}

static void drive_record(CodeGen *g, Record *r, int k) {
  const PoissonDrive *dr = g->m->drives.items[k];
  char name[64];
  r_str(r, SnnDrive_name, dr->name);
  r_i64(r, SnnDrive_pop, dr->target->index);
  r_i64(r, SnnDrive_slot, g->plan->drive_slot[k]);
  r_i64(r, SnnDrive_count, dr->count);
  r_i64(r, SnnDrive_stream, g->plan->drive_stream[k]);
  snprintf(name, sizeof name, "snn_drive_%d_rate", k);
  r_ptr(r, SnnDrive_rate, param_function(g, name, dr->rate));
  snprintf(name, sizeof name, "snn_drive_%d_weight", k);
  r_ptr(r, SnnDrive_weight, param_function(g, name, dr->weight));
}

static void reward_record(CodeGen *g, Record *r, int k) {
  const RewardRule *rw = g->m->rewards.items[k];
  static const int kinds[] = {SNN_REWARD_SPIKE, SNN_REWARD_PAIR, SNN_REWARD_POISSON,
                              SNN_REWARD_EVERY};
  r_i64(r, SnnReward_kind, kinds[rw->kind]);
  r_i64(r, SnnReward_modulator, rw->target->index);
  r_i64(r, SnnReward_spike_pop, rw->spike.pop ? rw->spike.pop->index : -1);
  r_i64(r, SnnReward_spike_neuron, rw->spike.neuron);
  r_i64(r, SnnReward_since_pop, rw->since.pop ? rw->since.pop->index : -1);
  r_i64(r, SnnReward_since_neuron, rw->since.neuron);
  r_f64(r, SnnReward_window, rw->window);
  r_f64(r, SnnReward_interval, rw->interval);
  char name[64];
  snprintf(name, sizeof name, "snn_reward_%d_rate", k);
  r_ptr(r, SnnReward_rate, param_function(g, name, rw->rate));
  LLVMValueRef amount, delay;
  cg_reward(g, k, &amount, &delay);
  r_ptr(r, SnnReward_amount, amount);
  r_ptr(r, SnnReward_delay, delay);
  r_i64(r, SnnReward_stream, g->plan->reward_stream[k]);
}

/* Strategy A's agents blocks. */
static LLVMValueRef agents_records(CodeGen *g) {
  int n = g->m->agents.len;
  Record *recs = records(g, g->agents_t, n);
  static const int tables[] = {SNN_TABLE_SHARED, SNN_TABLE_PER_POST, SNN_TABLE_PER_SYNAPSE};
  for (int k = 0; k < n; k++) {
    const AgentsBlock *ab = g->m->agents.items[k];
    Record *r = &recs[k];
    LLVMValueRef av[16];
    for (int a = 0; a < ab->naction; a++) av[a] = LLVMConstReal(g->f64, ab->action[a]);
    r_i64(r, SnnAgents_projection, ab->proj->index);
    r_str(r, SnnAgents_features, ab->features);
    r_i64(r, SnnAgents_naction, ab->naction);
    r_ptr(r, SnnAgents_action, global_const(g, LLVMConstArray(g->f64, av, (unsigned)ab->naction),
                                            "agent_actions"));
    r_i64(r, SnnAgents_scale, ab->scale);
    r_str(r, SnnAgents_weight, ab->weight->name);
    r_f64(r, SnnAgents_w_low, ab->w_low);
    r_f64(r, SnnAgents_w_high, ab->w_high);
    r_f64(r, SnnAgents_alpha, ab->alpha);
    r_f64(r, SnnAgents_gamma, ab->gamma);
    r_f64(r, SnnAgents_epsilon, ab->epsilon);
    r_i64(r, SnnAgents_table, tables[ab->table]);
    r_i64(r, SnnAgents_decide_every, ab->decide_every);
    r_i64(r, SnnAgents_baseline, ab->baseline);
    r_f64(r, SnnAgents_reward_scale, ab->reward_scale);
    r_f64(r, SnnAgents_reward_terminated, ab->reward_terminated);
    r_f64(r, SnnAgents_reward_offset, ab->reward_offset);
    r_i64(r, SnnAgents_stream, g->plan->env_stream + 1 + k);
  }
  return record_array(g, recs, n, "agents");
}

/* The closed loop (NULL without an environment). */
static LLVMValueRef environment_record(CodeGen *g) {
  const Environment *env = g->m->env;
  if (!env) return NULL;
  Record *sets = records(g, g->env_setting_t, env->nsettings);
  for (int k = 0; k < env->nsettings; k++) {
    r_str(&sets[k], SnnEnvSetting_name, env->setting_names[k]);
    r_f64(&sets[k], SnnEnvSetting_value, env->setting_values[k]);
  }
  int nenc = env->encoders.len;
  Record *encs = records(g, g->encoder_t, nenc);
  static const int enc_kinds[] = {SNN_ENCODE_POPULATION_RATE, SNN_ENCODE_POISSON_RATE,
                                  SNN_ENCODE_CURRENT};
  for (int k = 0; k < nenc; k++) {
    const Encoder *en = env->encoders.items[k];
    Record *r = &encs[k];
    r_i64(r, SnnEncoder_kind, enc_kinds[en->kind]);
    r_i64(r, SnnEncoder_population, en->pop->index);
    r_i64(r, SnnEncoder_input_slot,
          en->port ? plan_input_slot(&g->plan->pops[en->pop->index], en->port) : -1);
    r_i64(r, SnnEncoder_first, en->first);
    r_i64(r, SnnEncoder_count, en->count);
    r_i64(r, SnnEncoder_per_value, en->per_value);
    r_f64(r, SnnEncoder_max_rate, en->max_rate);
    r_f64(r, SnnEncoder_width, en->width);
    r_f64(r, SnnEncoder_low, en->low);
    r_f64(r, SnnEncoder_high, en->high);
    r_f64(r, SnnEncoder_scale, en->scale);
  }
  static const int dec_kinds[] = {SNN_DECODE_SPIKE_COUNT, SNN_DECODE_FIRST_SPIKE,
                                  SNN_DECODE_MEMBRANE};
  Record r = {g, g->environment_t, {0}};
  r_str(&r, SnnEnvironment_name, env->name);
  r_str(&r, SnnEnvironment_cls, env->cls);
  r_str(&r, SnnEnvironment_library, env->library);
  r_i64(&r, SnnEnvironment_nsetting, env->nsettings);
  r_ptr(&r, SnnEnvironment_setting, record_array(g, sets, env->nsettings, "env_settings"));
  r_i64(&r, SnnEnvironment_seed, env->seed);
  r_f64(&r, SnnEnvironment_window, env->window);
  r_i64(&r, SnnEnvironment_decoder, dec_kinds[env->decoder]);
  r_i64(&r, SnnEnvironment_decoder_population, env->decoder_pop->index);
  r_i64(&r, SnnEnvironment_decoder_variable, env->decoder_var ? env->decoder_var->index : -1);
  r_i64(&r, SnnEnvironment_nencoder, nenc);
  r_ptr(&r, SnnEnvironment_encoder, record_array(g, encs, nenc, "encoders"));
  r_i64(&r, SnnEnvironment_reward_modulator, env->reward_mod ? env->reward_mod->index : -1);
  r_f64(&r, SnnEnvironment_reward_scale, env->reward_scale);
  r_f64(&r, SnnEnvironment_reward_terminated, env->reward_terminated);
  r_f64(&r, SnnEnvironment_reward_offset, env->reward_offset);
  r_i64(&r, SnnEnvironment_episodes, env->episodes);
  r_i64(&r, SnnEnvironment_until_window, env->until_window);
  r_f64(&r, SnnEnvironment_until_return, env->until_return);
  r_i64(&r, SnnEnvironment_stream, g->plan->env_stream);
  r_i64(&r, SnnEnvironment_nagents, g->m->agents.len);
  r_ptr(&r, SnnEnvironment_agents, agents_records(g));
  return global_const(g, record_value(&r), "environment");
}

static const char *base_name(CodeGen *g, const char *path) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  size_t n = strlen(base);
  if (n > 4 && strcmp(base + n - 4, ".snn") == 0) n -= 4;
  return arena_strndup(g->a, base, n);
}

void cg_descriptor(CodeGen *g, LLVMValueRef *pop_fns, ProjFunctions *proj_fns,
                   LLVMValueRef *derive) {
  Model *m = g->m;
  Plan *p = g->plan;
  int npop = m->populations.len, nproj = m->projections.len, nmon = m->monitors.len;
  Record *params = records(g, g->param_t, p->nparams);
  for (int k = 0; k < p->nparams; k++) param_record(g, &params[k], k, derive[k]);
  Record *pops = records(g, g->population_t, npop);
  for (int k = 0; k < npop; k++) population_record(g, &pops[k], k, &pop_fns[4 * k]);
  Record *projs = records(g, g->projection_t, nproj);
  for (int k = 0; k < nproj; k++) projection_record(g, &projs[k], k, &proj_fns[k]);
  Record *mons = records(g, g->monitor_t, nmon);
  for (int k = 0; k < nmon; k++) {
    const Monitor *mo = m->monitors.items[k];
    LLVMValueRef select = NULL;
    if (mo->where) {
      char what[32];
      snprintf(what, sizeof what, "monitor%d", k);
      select = cg_pair_function(g, mo->proj->index, what, mo->where);
    }
    monitor_record(&mons[k], p, mo, select);
  }
  int nmod = m->modulators.len, nrew = m->rewards.len;
  Record *mods = records(g, g->modulator_t, nmod);
  for (int k = 0; k < nmod; k++) modulator_record(g, &mods[k], m->modulators.items[k]);
  Record *rews = records(g, g->reward_t, nrew);
  for (int k = 0; k < nrew; k++) reward_record(g, &rews[k], k);
  int ndrive = m->drives.len;
  Record *drives = records(g, g->drive_t, ndrive);
  for (int k = 0; k < ndrive; k++) drive_record(g, &drives[k], k);
  const char *path = m->main->file->path;
  Record model = {g, g->model_t, {0}};
  r_i64(&model, SnnModel_abi_version, SNN_ABI_VERSION);
  r_str(&model, SnnModel_name, base_name(g, path));
  r_str(&model, SnnModel_source, path);
  r_i64(&model, SnnModel_precision, m->precision == PRECISION_SINGLE ? 4 : 8);
  r_f64(&model, SnnModel_dt, m->dt);
  r_f64(&model, SnnModel_duration, m->duration);
  r_i64(&model, SnnModel_seed, m->seed_given ? (int64_t)m->seed : 1);
  r_i64(&model, SnnModel_nparam, p->nparams);
  r_ptr(&model, SnnModel_param, record_array(g, params, p->nparams, "params"));
  r_i64(&model, SnnModel_npop, npop);
  r_ptr(&model, SnnModel_pop, record_array(g, pops, npop, "populations"));
  r_i64(&model, SnnModel_nproj, nproj);
  r_ptr(&model, SnnModel_proj, record_array(g, projs, nproj, "projections"));
  r_i64(&model, SnnModel_nmonitor, nmon);
  r_ptr(&model, SnnModel_monitor, record_array(g, mons, nmon, "monitors"));
  r_i64(&model, SnnModel_nmodulator, nmod);
  r_ptr(&model, SnnModel_modulator, record_array(g, mods, nmod, "modulators"));
  r_i64(&model, SnnModel_nreward, nrew);
  r_ptr(&model, SnnModel_reward, record_array(g, rews, nrew, "rewards"));
  r_ptr(&model, SnnModel_environment, environment_record(g));
  r_i64(&model, SnnModel_ndrive, ndrive);
  r_ptr(&model, SnnModel_drive, record_array(g, drives, ndrive, "drives"));
  r_str(&model, SnnModel_compiler, "snnc " SNN_VERSION);
  LLVMValueRef gv = LLVMAddGlobal(g->mod, g->model_t, "snn_model");
  LLVMSetInitializer(gv, record_value(&model));
  LLVMSetGlobalConstant(gv, 1);
  LLVMSetLinkage(gv, LLVMExternalLinkage);
}
