/*
** repl_eval.c: evaluating expressions at the prompt.
**
** The checker has already given every node its type and dimension; this
** interpreter computes values over the running simulation.  A population's
** variable (E.v) is a vector, operators work element by element with
** scalars broadcast, and reductions (mean, sum, std, min, max) and spike
** queries (count, rate) give scalars.  Extern functions are called through
** libffi with their declared C signature.
*/
#include <dlfcn.h>
#include <ffi.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "check.h"
#include "externs.h"
#include "repl.h"

static bool fail(Diags *d, Span at, const char *msg, const char *arg) {
  diag_error(d, at, "%s%s", msg, arg ? arg : "");
  return false;
}

static bool alloc_value(Value *v, ValueType type, Dim dim, int64_t n, bool vector) {
  memset(v, 0, sizeof *v);
  v->type = type;
  v->dim = dim;
  v->n = n;
  v->vector = vector;
  v->v = calloc((size_t)(n ? n : 1), sizeof(double));
  return v->v != NULL;
}

static bool scalar(Value *v, ValueType type, Dim dim, double x) {
  if (!alloc_value(v, type, dim, 1, false)) return false;
  v->v[0] = x;
  return true;
}

void repl_value_free(Value *v) {
  free(v->v);
  v->v = NULL;
}

int64_t repl_param_index(const Session *s, const char *name) {
  for (int64_t k = 0; s->model && k < s->model->nparam; k++)
    if (strcmp(s->model->param[k].name, name) == 0) return k;
  return -1;
}

int64_t repl_population_index(const Session *s, const char *name) {
  for (int64_t k = 0; s->model && k < s->model->npop; k++)
    if (strcmp(s->model->pop[k].name, name) == 0) return k;
  return -1;
}

/* A parameter's current value, by its name in the parameter table. */
static bool param_value(Session *s, Diags *d, Span at, const char *name, Dim dim, Value *out) {
  int64_t k = repl_param_index(s, name);
  if (k < 0) return fail(d, at, "no parameter named ", name);
  return scalar(out, TY_NUMBER, dim, snnrt_sim_param(s->sim, k));
}

/* E.v: the values of a population's state variable; E.tau: its parameter. */
static bool member_value(Session *s, Diags *d, const Expr *e, Value *out) {
  const Expr *base = expr_strip(e->lhs);
  int64_t p = repl_population_index(s, base->text);
  const Symbol *sym = e->sym;
  if (p < 0 || !sym) return fail(d, e->span, "no population named ", base->text);
  if (sym->kind == SYM_PARAM) {
    char name[256];
    snprintf(name, sizeof name, "%s.%s", base->text, sym->name);
    return param_value(s, d, e->span, name, sym->dim, out);
  }
  const SnnPopulation *pd = &s->model->pop[p];
  int64_t var = -1;
  for (int64_t k = 0; k < pd->nstate; k++)
    if (strcmp(pd->state[k].name, sym->name) == 0) var = k;
  if (var < 0)
    return fail(d, e->span, sym->kind == SYM_PORT ? "input ports are cleared every step and are "
                "not kept; read a state variable" : "definitions are not evaluated at the prompt; "
                "read the state variables they use", NULL);
  int64_t size = snnrt_sim_population_size(s->sim, p);
  if (!alloc_value(out, TY_NUMBER, sym->dim, size, true)) return fail(d, e->span, "out of memory", NULL);
  if (!snnrt_sim_read_state(s->sim, p, var, 0, size, out->v)) {
    fail(d, e->span, snnrt_sim_error(s->sim), NULL);
    snnrt_sim_clear_error(s->sim);
    repl_value_free(out);
    return false;
  }
  out->unit = pd->state[var].unit;
  out->unit_scale = pd->state[var].unit_scale;
  return true;
}

/* E.v[3] or E.v[0:5]. */
static bool index_value(Session *s, Diags *d, const Expr *e, Value *out) {
  Value base, lo, hi;
  if (!repl_eval(s, d, e->lhs, &base)) return false;
  bool ok = repl_eval(s, d, e->rhs, &lo);
  memset(&hi, 0, sizeof hi);
  if (ok && e->hi) ok = repl_eval(s, d, e->hi, &hi);
  if (ok) {
    double a = lo.v[0], b = e->hi ? hi.v[0] : lo.v[0] + 1;
    if (a != floor(a) || b != floor(b) || a < 0 || b > (double)base.n || a >= b) {
      char range[128];
      snprintf(range, sizeof range, "[%g:%g] is outside the %lld values", a, b,
               (long long)base.n);
      ok = fail(d, e->span, "the range ", range);
    } else {
      ok = alloc_value(out, base.type, base.dim, (int64_t)(b - a), e->hi != NULL);
      if (ok) memcpy(out->v, base.v + (int64_t)a, sizeof(double) * (size_t)out->n);
      out->unit = base.unit;
      out->unit_scale = base.unit_scale;
    }
  }
  repl_value_free(&base);
  repl_value_free(&lo);
  repl_value_free(&hi);
  return ok;
}

/* Element by element, a scalar side repeated. */
static bool binary_value(Session *s, Diags *d, const Expr *e, Value *out) {
  Value l, r;
  if (!repl_eval(s, d, e->lhs, &l)) return false;
  if (!repl_eval(s, d, e->rhs, &r)) {
    repl_value_free(&l);
    return false;
  }
  bool ok = true;
  if (l.n != r.n && l.n != 1 && r.n != 1) {
    char msg[160];
    snprintf(msg, sizeof msg, "the two sides have different lengths (%lld and %lld)",
             (long long)l.n, (long long)r.n);
    ok = fail(d, e->span, msg, NULL);
  } else {
    int64_t n = l.n > r.n ? l.n : r.n;
    ok = alloc_value(out, e->type, e->dim, n, l.vector || r.vector);
    for (int64_t i = 0; ok && i < n; i++)
      out->v[i] = check_fold_binary(e->op, l.v[l.n == 1 ? 0 : i], r.v[r.n == 1 ? 0 : i]);
    /* A sum or difference keeps the unit of the variable it came from. */
    const Value *src = l.unit ? &l : &r;
    if (ok && src->unit && dim_eq(e->dim, src->dim)) {
      out->unit = src->unit;
      out->unit_scale = src->unit_scale;
    }
  }
  repl_value_free(&l);
  repl_value_free(&r);
  return ok;
}

static bool reduce(const Builtin *b, const Value *a, Value *out, const Expr *e) {
  double acc = b->id == FN_MIN ? INFINITY : b->id == FN_MAX ? -INFINITY : 0.0;
  for (int64_t i = 0; i < a->n; i++) {
    double x = a->v[i];
    if (b->id == FN_MIN) acc = x < acc ? x : acc;
    else if (b->id == FN_MAX) acc = x > acc ? x : acc;
    else acc += x;
  }
  if (b->id == FN_MEAN || b->id == FN_STD) acc /= (double)(a->n ? a->n : 1);
  if (b->id == FN_STD) {
    double mean = acc, sq = 0;
    for (int64_t i = 0; i < a->n; i++) sq += (a->v[i] - mean) * (a->v[i] - mean);
    acc = sqrt(sq / (double)(a->n ? a->n : 1));
  }
  if (!scalar(out, TY_NUMBER, e->dim, acc)) return false;
  out->unit = a->unit;
  out->unit_scale = a->unit_scale;
  return true;
}

/* count(E) and rate(E, last = T) from the spikes recorded by the session. */
static bool spike_query(Session *s, Diags *d, const Expr *e, const Builtin *b, Value *out) {
  int64_t p = repl_population_index(s, e->sym->name);
  if (p < 0) return fail(d, e->span, "no population named ", e->sym->name);
  double now = snnrt_sim_time(s->sim);
  int64_t total = snnrt_sim_spike_count(s->sim, p);
  if (b->id == FN_SPIKE_COUNT) return scalar(out, TY_NUMBER, e->dim, (double)total);
  const Expr *last = e->args->next;
  double window = last ? last->cval : now;
  if (window > now) window = now;
  if (window <= 0) return scalar(out, TY_NUMBER, e->dim, 0.0);
  const SpikeRecord *rec = &s->spikes[p];
  int64_t first = snnrt_sim_step_index(s->sim) - (int64_t)llround(window / snnrt_sim_dt(s->sim));
  int64_t count = 0;
  for (int64_t k = rec->n - 1; k >= 0 && rec->step[k] >= first; k--) count++;
  if (!last) count = total;
  double size = (double)snnrt_sim_population_size(s->sim, p);
  if (!scalar(out, TY_NUMBER, e->dim, (double)count / (size * window))) return false;
  out->unit = "Hz";
  out->unit_scale = 1.0;
  return true;
}

/* Looks up and calls an extern function through libffi. */
static bool extern_value(Session *s, Diags *d, const Expr *e, Value *out) {
  const Decl *decl = e->sym->decl;
  const char *lib = extern_library(s->compiled->model->arena, decl);
  void *handle = dlopen(lib, RTLD_NOW | RTLD_GLOBAL);
  void *fn = handle ? dlsym(handle, decl->name) : NULL;
  if (!fn)
    return fail(d, e->span, handle ? "the library does not define this function: "
                : "cannot load the library: ", handle ? decl->name : dlerror());
  enum { MAX_ARGS = 16 };
  ffi_type *types[MAX_ARGS];
  union {
    double f64;
    float f32;
    int32_t i32;
    int64_t i64;
  } vals[MAX_ARGS], ret;
  void *ptrs[MAX_ARGS];
  int n = 0;
  const Expr *a = e->args;
  for (const Decl *p = decl->members; p && n < MAX_ARGS; p = p->next, a = a->next, n++) {
    Value v;
    if (!repl_eval(s, d, a, &v)) return false;
    double x = v.v[0];
    if (v.n != 1) {
      repl_value_free(&v);
      return fail(d, a->span, "extern functions take single numbers, not a population's values",
                  NULL);
    }
    repl_value_free(&v);
    const char *t = p->type_name;
    if (strcmp(t, "f64") == 0) { types[n] = &ffi_type_double; vals[n].f64 = x; }
    else if (strcmp(t, "f32") == 0) { types[n] = &ffi_type_float; vals[n].f32 = (float)x; }
    else if (strcmp(t, "i32") == 0) { types[n] = &ffi_type_sint32; vals[n].i32 = (int32_t)x; }
    else { types[n] = &ffi_type_sint64; vals[n].i64 = (int64_t)x; }
    ptrs[n] = &vals[n];
  }
  const char *rt = decl->type_name;
  ffi_type *rtype = strcmp(rt, "f64") == 0 ? &ffi_type_double : strcmp(rt, "f32") == 0 ?
                    &ffi_type_float : strcmp(rt, "i32") == 0 ? &ffi_type_sint32 : &ffi_type_sint64;
  ffi_cif cif;
  if (ffi_prep_cif(&cif, FFI_DEFAULT_ABI, (unsigned)n, rtype, types) != FFI_OK)
    return fail(d, e->span, "cannot prepare the call of ", decl->name);
  /* libffi widens small integer results to a full register. */
  ffi_arg wide;
  void *rptr = (rtype == &ffi_type_sint32) ? (void *)&wide : (void *)&ret;
  ffi_call(&cif, FFI_FN(fn), rptr, ptrs);
  double r = rtype == &ffi_type_double ? ret.f64 : rtype == &ffi_type_float ? ret.f32 :
             rtype == &ffi_type_sint32 ? (double)(int32_t)wide : (double)ret.i64;
  return scalar(out, TY_NUMBER, e->dim, r);
}

static bool call_value(Session *s, Diags *d, const Expr *e, Value *out) {
  if (e->sym && e->sym->kind == SYM_EXTERN) return extern_value(s, d, e, out);
  const Builtin *b = builtin_lookup(e->text);
  if (b->id == FN_SPIKE_COUNT || b->id == FN_SPIKE_RATE) return spike_query(s, d, e, b, out);
  if (b->random) return fail(d, e->span, "random numbers are drawn by the model, not at the prompt", NULL);
  Value args[3];
  int n = 0;
  for (const Expr *a = e->args; a && n < 3; a = a->next, n++) {
    if (!repl_eval(s, d, a, &args[n])) {
      while (n > 0) repl_value_free(&args[--n]);
      return false;
    }
  }
  bool ok;
  if (b->id == FN_MEAN || b->id == FN_SUM || b->id == FN_STD ||
      ((b->id == FN_MIN || b->id == FN_MAX) && n == 1)) {
    ok = reduce(b, &args[0], out, e);
  } else {
    int64_t len = 1;
    for (int k = 0; k < n; k++) len = args[k].n > len ? args[k].n : len;
    ok = alloc_value(out, e->type, e->dim, len, len > 1);
    for (int64_t i = 0; ok && i < len; i++) {
      double x[3];
      for (int k = 0; k < n; k++) x[k] = args[k].v[args[k].n == 1 ? 0 : i];
      out->v[i] = builtin_eval(b->id, x, n);
    }
  }
  while (n > 0) repl_value_free(&args[--n]);
  return ok;
}

bool repl_eval(Session *s, Diags *d, const Expr *e, Value *out) {
  memset(out, 0, sizeof *out);
  if (e->is_const) return scalar(out, e->type, e->dim, e->cval);
  switch (e->kind) {
  case EX_PAREN:
    return repl_eval(s, d, e->lhs, out);
  case EX_NAME: {
    const Symbol *sym = e->sym;
    if (sym->kind == SYM_PARAM) return param_value(s, d, e->span, sym->name, sym->dim, out);
    if (sym->kind == SYM_VARIABLE && sym->builtin == VAR_T)
      return scalar(out, TY_NUMBER, dim_time(), snnrt_sim_time(s->sim));
    if (sym->kind == SYM_VARIABLE && sym->builtin == VAR_DT)
      return scalar(out, TY_NUMBER, dim_time(), snnrt_sim_dt(s->sim));
    return fail(d, e->span, "this name has no value at the prompt: ", sym->name);
  }
  case EX_MEMBER:
    return member_value(s, d, e, out);
  case EX_INDEX:
    return index_value(s, d, e, out);
  case EX_UNARY: {
    if (!repl_eval(s, d, e->lhs, out)) return false;
    for (int64_t i = 0; i < out->n; i++)
      out->v[i] = e->op == OP_NEG ? -out->v[i] : e->op == OP_NOT ? (out->v[i] == 0) : out->v[i];
    out->type = e->type;
    return true;
  }
  case EX_BINARY:
    return binary_value(s, d, e, out);
  case EX_CALL:
    return call_value(s, d, e, out);
  default:
    return fail(d, e->span, "this cannot be evaluated at the prompt", NULL);
  }
}

/* The unit to print a value in: its variable's, the usual one, or SI. */
static void display_unit(const Value *v, const char **unit, double *scale, char *buf, size_t n) {
  if (v->unit) {
    *unit = v->unit;
    *scale = v->unit_scale;
    return;
  }
  Unit u;
  const char *typical = unit_typical(v->dim);
  if (typical && unit_lookup(typical, &u)) {
    *unit = typical;
    *scale = u.scale;
    return;
  }
  dim_format(v->dim, buf, n);
  *unit = dim_is_none(v->dim) ? "" : buf;
  *scale = 1.0;
}

/* At most 7 significant digits: the prompt is for reading. */
static void format_number(StrBuf *out, double x) { sb_printf(out, "%.7g", x); }

void repl_format(const Value *v, StrBuf *out) {
  const char *unit;
  double scale;
  char buf[64];
  display_unit(v, &unit, &scale, buf, sizeof buf);
  enum { SHOWN = 8 };
  if (v->vector) sb_putc(out, '[');
  for (int64_t i = 0; i < v->n && i < SHOWN; i++) {
    if (i) sb_puts(out, ", ");
    if (v->type == TY_BOOL)
      sb_puts(out, v->v[i] != 0 ? "true" : "false");
    else
      format_number(out, v->v[i] / scale);
  }
  if (v->n > SHOWN) sb_printf(out, ", ... (%lld values)", (long long)v->n);
  if (v->vector) sb_putc(out, ']');
  if (v->type != TY_BOOL && unit[0]) sb_printf(out, " %s", unit);
}
