/*
** codegen_desc.c: the constant `snn_model` descriptor (runtime/snnrt.h).
**
** Every descriptor structure has only 8-byte fields, so each is emitted as
** an LLVM struct of i64, double and i8* members in declaration order; a
** Record collects the members of one instance.  Strings and arrays become
** private constant globals.
*/
#include <math.h>
#include <string.h>

#include "codegen.h"
#include "snnrt.h"

typedef struct Record {
  CodeGen *g;
  LLVMValueRef v[24];
  int n;
} Record;

static void r_i64(Record *r, int64_t x) {
  r->v[r->n++] = LLVMConstInt(r->g->i64, (unsigned long long)x, 1);
}

static void r_f64(Record *r, double x) { r->v[r->n++] = LLVMConstReal(r->g->f64, x); }

static void r_ptr(Record *r, LLVMValueRef p) {
  r->v[r->n++] = p ? LLVMConstBitCast(p, r->g->ptr) : LLVMConstNull(r->g->ptr);
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

static void r_str(Record *r, const char *s) { r_ptr(r, string(r->g, s)); }

/* The struct type whose members have the types of the record's values. */
static LLVMTypeRef record_type(Record *r) {
  LLVMTypeRef types[24];
  for (int k = 0; k < r->n; k++) types[k] = LLVMTypeOf(r->v[k]);
  return LLVMStructTypeInContext(r->g->ctx, types, (unsigned)r->n, 0);
}

static LLVMValueRef record_value(Record *r) {
  return LLVMConstStructInContext(r->g->ctx, r->v, (unsigned)r->n, 0);
}

/* A private global array of records (NULL when empty). */
static LLVMValueRef record_array(CodeGen *g, Record *recs, int n, const char *name) {
  if (n == 0) return NULL;
  LLVMTypeRef ty = record_type(&recs[0]);
  LLVMValueRef *vals = arena_alloc(g->a, sizeof(LLVMValueRef) * (size_t)n);
  for (int k = 0; k < n; k++) vals[k] = record_value(&recs[k]);
  return global_const(g, LLVMConstArray(ty, vals, (unsigned)n), name);
}

static Record *records(CodeGen *g, int n) {
  Record *r = arena_alloc(g->a, sizeof(Record) * (size_t)(n + 1));
  for (int k = 0; k <= n; k++) r[k].g = g;
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
  r_str(r, p->param_name[slot]);
  r_str(r, unit);
  r_f64(r, scale);
  r_f64(r, value->is_const ? value->cval : 0.0);
  r_i64(r, pack_dim(s->dim));
  r_ptr(r, derive);
}

static void variable_record(Record *r, const Symbol *s) {
  char si[64];
  const char *unit = s->unit_text;
  if (!unit) {
    dim_format(s->dim, si, sizeof si);
    unit = si;
  }
  r_str(r, s->name);
  r_str(r, unit);
  r_f64(r, s->unit_text ? s->unit_scale : 1.0);
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

static void population_record(CodeGen *g, Record *r, int k, LLVMValueRef *fns) {
  PopPlan *pp = &g->plan->pops[k];
  Population *p = pp->pop;
  r_str(r, p->name);
  r_i64(r, p->kind == POP_NEURONS ? 0 : p->kind == POP_POISSON ? 1 : 2);
  r_i64(r, p->size);
  int ns = p->model ? p->model->states.len : 0;
  Record *vars = records(g, ns + pp->ninputs);
  for (int q = 0; q < ns; q++) variable_record(&vars[q], p->model->states.items[q]);
  for (int q = 0; q < pp->ninputs; q++) variable_record(&vars[ns + q], pp->inputs[q].var);
  r_i64(r, ns);
  r_ptr(r, record_array(g, vars, ns, "states"));
  r_i64(r, pp->ninputs);
  r_ptr(r, record_array(g, vars + ns, pp->ninputs, "inputs"));
  r_i64(r, pp->ncoef);
  r_ptr(r, fns[0]);
  r_ptr(r, fns[2]);
  r_ptr(r, fns[1]);
  r_ptr(r, fns[3]);
  r_i64(r, p->kind == POP_POISSON && uses_time(p->rate));
  r_i64(r, p->nspikes);
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
  r_ptr(r, idx);
  r_ptr(r, times);
}

static int rule_code(ConnectRule r) {
  switch (r) {
  case RULE_ALL: return 0;
  case RULE_ONE_TO_ONE: return 1;
  case RULE_PROBABILITY: return 2;
  case RULE_FANIN: return 3;
  case RULE_FANOUT: return 4;
  case RULE_FILE: return 5;
  }
  return 0;
}

static void projection_record(CodeGen *g, Record *r, int k, ProjFunctions *f) {
  ProjPlan *jp = &g->plan->projs[k];
  Projection *pr = jp->proj;
  r_str(r, arena_printf(g->a, "%s -> %s", pr->pre->name, pr->post->name));
  r_i64(r, pr->pre->index);
  r_i64(r, pr->post->index);
  r_i64(r, rule_code(pr->rule));
  r_f64(r, pr->rule == RULE_PROBABILITY && pr->p->is_const ? pr->p->cval : -1.0);
  r_ptr(r, f->p_fn);
  r_ptr(r, f->where_fn);
  r_i64(r, pr->fan);
  r_i64(r, pr->autapses);
  r_str(r, pr->file);
  r_i64(r, !jp->delay ? 0 : jp->delay_uniform ? 1 : 2);
  r_ptr(r, f->delay_fn);
  int nv = jp->nvalues + jp->nweights;
  Record *vals = records(g, nv);
  for (int q = 0; q < jp->nvalues; q++) variable_record(&vals[q], jp->values[q]);
  for (int q = 0; q < jp->nweights; q++) {
    r_str(&vals[jp->nvalues + q], arena_printf(g->a, "weight%d", q));
    r_str(&vals[jp->nvalues + q], "SI");
    r_f64(&vals[jp->nvalues + q], 1.0);
  }
  r_i64(r, nv);
  r_ptr(r, record_array(g, vals, nv, "values"));
  r_ptr(r, f->init);
  Record *adds = records(g, jp->nadditive);
  for (int q = 0; q < jp->nadditive; q++) {
    r_i64(&adds[q], jp->additive[q].input_slot);
    r_i64(&adds[q], jp->additive[q].target_state);
    r_i64(&adds[q], jp->additive[q].value);
    r_ptr(&adds[q], f->weight_fn[q]);
  }
  r_i64(r, jp->nadditive);
  r_ptr(r, record_array(g, adds, jp->nadditive, "additive"));
  r_ptr(r, f->on_pre);
  r_i64(r, jp->stream);
}

static void monitor_record(CodeGen *g, Record *r, const Monitor *mo) {
  (void)g;
  int kind = mo->kind == MON_SPIKES ? 0 : mo->kind == MON_STATE ? 1 : mo->kind == MON_RATE ? 2 : 3;
  r_i64(r, kind);
  r_i64(r, mo->kind == MON_WEIGHTS ? mo->proj->index : mo->pop->index);
  r_i64(r, mo->var ? mo->var->index : -1);
  r_i64(r, mo->lo);
  r_i64(r, mo->hi);
  r_f64(r, mo->kind == MON_RATE ? mo->bin : mo->every);
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
  Record *params = records(g, p->nparams);
  for (int k = 0; k < p->nparams; k++) param_record(g, &params[k], k, derive[k]);
  Record *pops = records(g, npop);
  for (int k = 0; k < npop; k++) population_record(g, &pops[k], k, &pop_fns[4 * k]);
  Record *projs = records(g, nproj);
  for (int k = 0; k < nproj; k++) projection_record(g, &projs[k], k, &proj_fns[k]);
  Record *mons = records(g, nmon);
  for (int k = 0; k < nmon; k++) monitor_record(g, &mons[k], m->monitors.items[k]);
  const char *path = m->main->file->path;
  Record model = {g, {0}, 0};
  r_i64(&model, SNN_ABI_VERSION);
  r_str(&model, base_name(g, path));
  r_str(&model, path);
  r_i64(&model, m->precision == PRECISION_SINGLE ? 4 : 8);
  r_f64(&model, m->dt);
  r_f64(&model, m->duration);
  r_i64(&model, m->seed_given ? (int64_t)m->seed : 1);
  r_i64(&model, p->nparams);
  r_ptr(&model, record_array(g, params, p->nparams, "params"));
  r_i64(&model, npop);
  r_ptr(&model, record_array(g, pops, npop, "populations"));
  r_i64(&model, nproj);
  r_ptr(&model, record_array(g, projs, nproj, "projections"));
  r_i64(&model, nmon);
  r_ptr(&model, record_array(g, mons, nmon, "monitors"));
  LLVMValueRef gv = LLVMAddGlobal(g->mod, record_type(&model), "snn_model");
  LLVMSetInitializer(gv, record_value(&model));
  LLVMSetGlobalConstant(gv, 1);
  LLVMSetLinkage(gv, LLVMExternalLinkage);
}
