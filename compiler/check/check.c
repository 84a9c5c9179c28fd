/*
** check.c: the checker's driver, scopes and symbols, and neuron models.
**
** model_check() runs the passes in order:
**   1. declare every top-level name of every module (so order never matters);
**   2. options (precision, timestep, seed);
**   3. global parameters and constants;
**   4. neuron models (check_neuron.c) and synapse models (check_synapse.c);
**   5. the network: populations, inputs, connections, monitors, runs
**      (check_network.c).
** Definitions are checked on demand (check_symbol) the first time a name is
** met, so a state may use a parameter declared below it, and a definition
** that uses itself is caught as a cycle.
*/
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "externs.h"

static const char *const reserved_names[] = {"t", "dt", "i", "j", "N", "pre", "post", NULL};

enum { SCOPE_INDEX_FROM = 32 };

static uint64_t name_hash(const char *name) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  for (; *name; name++) h = (h ^ (unsigned char)*name) * 1099511628211ull;
  return h;
}

/* Puts sym in the index unless its name is there already. */
static void index_insert(Scope *s, Symbol *sym) {
  for (uint64_t q = name_hash(sym->name) & (uint64_t)(s->index_cap - 1);;
       q = (q + 1) & (uint64_t)(s->index_cap - 1)) {
    if (!s->index[q]) {
      s->index[q] = sym;
      return;
    }
    if (strcmp(s->index[q]->name, sym->name) == 0) return;
  }
}

/* Rebuilds the index at twice the size, or gives up on it (out of
   memory: the linear search still works). */
static void index_grow(Scope *s) {
  int cap = s->index_cap ? s->index_cap * 2 : 4 * SCOPE_INDEX_FROM;
  free(s->index);
  s->index = calloc((size_t)cap, sizeof(Symbol *));
  s->index_cap = s->index ? cap : 0;
  for (int i = 0; s->index && i < s->syms.len; i++) index_insert(s, s->syms.items[i]);
}

void scope_add(Scope *s, Symbol *sym) {
  vec_push(&s->syms, sym);
  if (s->index_cap) {
    if (2 * s->syms.len > s->index_cap) index_grow(s);
    else index_insert(s, sym);
  } else if (s->syms.len >= SCOPE_INDEX_FROM) {
    index_grow(s);
  }
}

void scope_release(Scope *s) {
  vec_free(&s->syms);
  free(s->index);
  s->index = NULL;
  s->index_cap = 0;
}

Symbol *scope_find_local(const Scope *s, const char *name) {
  if (s->index_cap) {
    for (uint64_t q = name_hash(name) & (uint64_t)(s->index_cap - 1);;
         q = (q + 1) & (uint64_t)(s->index_cap - 1)) {
      if (!s->index[q]) return NULL;
      if (strcmp(s->index[q]->name, name) == 0) return s->index[q];
    }
  }
  for (int i = 0; i < s->syms.len; i++) {
    Symbol *sym = s->syms.items[i];
    if (strcmp(sym->name, name) == 0) return sym;
  }
  return NULL;
}

Symbol *scope_lookup(const Scope *s, const char *name) {
  for (; s; s = s->parent) {
    Symbol *sym = scope_find_local(s, name);
    if (sym) return sym;
  }
  return NULL;
}

const char *sym_kind_name(SymKind k) {
  switch (k) {
  case SYM_PARAM: return "parameter";
  case SYM_CONST: return "constant";
  case SYM_STATE: return "state variable";
  case SYM_ALIAS: return "definition";
  case SYM_PORT: return "input port";
  case SYM_TRACE: return "trace";
  case SYM_NEURON: return "neuron model";
  case SYM_SYNAPSE: return "synapse model";
  case SYM_POPULATION: return "population";
  case SYM_CURRENT: return "input";
  case SYM_EXTERN: return "extern function";
  case SYM_FUNCTION: return "built-in function";
  case SYM_CONSTANT: return "built-in constant";
  case SYM_UNIT: return "unit";
  case SYM_MODULATOR: return "modulator";
  case SYM_CONNECTION: return "connection";
  case SYM_ENVIRONMENT: return "environment";
  default: return "name";
  }
}

const char *symbol_description(const Symbol *s, char *buf, size_t n) {
  if (s->kind == SYM_VARIABLE) {
    if (strcmp(s->name, "t") == 0) return "the simulation time";
    if (strcmp(s->name, "dt") == 0) return "the time step";
    if (strcmp(s->name, "N") == 0) return "the size of a population";
    return "a neuron index";
  }
  if (s->kind == SYM_NAMESPACE) return "an end of the synapse";
  const char *kind = sym_kind_name(s->kind);
  snprintf(buf, n, "%s %s", strchr("aeio", kind[0]) ? "an" : "a", kind);
  return buf;
}

Symbol *declare(Checker *c, Scope *s, SymKind kind, const char *name, Span span, Decl *d) {
  /* Models and populations may take any name; values may not shadow the
     built-in variables, which expressions look up first. */
  bool is_value = kind == SYM_PARAM || kind == SYM_CONST || kind == SYM_STATE ||
                  kind == SYM_ALIAS || kind == SYM_PORT || kind == SYM_TRACE;
  for (int k = 0; is_value && reserved_names[k]; k++) {
    if (strcmp(name, reserved_names[k]) == 0) {
      diag_error(c->d, span, "'%s' is a reserved name (%s) and cannot be declared", name,
                 strcmp(name, "t") == 0 ? "the simulation time" :
                 strcmp(name, "dt") == 0 ? "the time step" :
                 name[0] == 'p' ? "pre and post name the two ends of a synapse" :
                 "i, j and N are indices and sizes");
      return NULL;
    }
  }
  Unit unit;
  if (is_value && strlen(name) > 1 && unit_lookup(name, &unit)) {
    diag_error(c->d, span, "'%s' is the name of a unit; choose another name", name);
    return NULL;
  }
  Symbol *old = scope_find_local(s, name);
  if (old) {
    diag_error(c->d, span, "'%s' is already declared in this scope", name);
    diag_note(c->d, old->span, "the %s '%s' is declared here", sym_kind_name(old->kind), name);
    return NULL;
  }
  Symbol *sym = arena_alloc(c->a, sizeof *sym);
  sym->kind = kind;
  sym->name = name;
  sym->span = span;
  sym->decl = d;
  sym->home = s;
  sym->unit_scale = 1.0;
  scope_add(s, sym);
  if (d) d->sym = sym;
  return sym;
}

/* The source text of a span on one line (for unit names in messages). */
static const char *span_text(Checker *c, Span s) {
  if (s.file < 0) return NULL;
  SrcFile *f = diag_file(c->d, s.file);
  int len;
  const char *line = src_line(f, s.line, &len);
  int end = s.end_line == s.line ? s.end_col : len;
  if (s.col < 1 || end > len || end < s.col) return NULL;
  return arena_strndup(c->a, line + s.col - 1, (size_t)(end - s.col + 1));
}

SavedContext enter_context(Checker *c, Scope *scope, int flags, const char *context) {
  SavedContext saved = {c->scope, c->flags, c->context};
  c->scope = scope;
  c->flags = flags;
  c->context = context;
  return saved;
}

void leave_context(Checker *c, SavedContext saved) {
  c->scope = saved.scope;
  c->flags = saved.flags;
  c->context = saved.context;
}

static void check_param_value(Checker *c, Symbol *s) {
  Expr *v = s->decl->value;
  const char *ctx = s->kind == SYM_PARAM ? "in a parameter's value" : "in a constant's value";
  /* A parameter may be derived from others (param tau = C / gl): it is then
     computed when a run starts, after --set.  A constant may not. */
  SavedContext saved = enter_context(c, s->home, s->kind == SYM_PARAM ? EF_PARAMS : 0, ctx);
  check_expr(c, v);
  leave_context(c, saved);
  if (v->type == TY_UNKNOWN) return;
  if (v->type != TY_NUMBER) {
    diag_error(c->d, v->span, "the value of '%s' must be a number", s->name);
    v->type = TY_UNKNOWN;
    return;
  }
  if (!v->is_const && s->kind == SYM_CONST) {
    diag_error(c->d, v->span, "the value of '%s' must be known at compile time", s->name);
    v->type = TY_UNKNOWN;
    return;
  }
  s->dim = v->dim;
  s->value = v->cval;
  s->has_value = s->kind == SYM_CONST;
}

void check_unit_symbol(Checker *c, Symbol *s) {
  Unit u;
  Expr *unit = s->decl->unit;
  if (!check_unit_expr(c, unit, &u)) {
    unit->type = TY_UNKNOWN;
    return;
  }
  s->dim = u.dim;
  s->unit_scale = u.scale;
  s->unit_text = span_text(c, unit->span);
  s->checked = true;
}

void check_symbol(Checker *c, Symbol *s) {
  if (s->checked) return;
  switch (s->kind) {
  case SYM_PARAM: case SYM_CONST: case SYM_ALIAS:
    break;
  case SYM_STATE: case SYM_PORT:
    check_unit_symbol(c, s);
    return;
  case SYM_TRACE:
    s->dim = dim_none();
    s->checked = true;
    return;
  default:
    s->checked = true;
    return;
  }
  if (s->checking) {
    diag_error(c->d, s->span, "the definition of '%s' depends on itself", s->name);
    s->decl->value->type = TY_UNKNOWN;
    s->checked = true;
    return;
  }
  s->checking = true;
  s->expr = s->decl->value;
  if (s->kind == SYM_ALIAS) {
    SavedContext saved = enter_context(c, s->home, s->home_flags, "in a definition");
    check_expr(c, s->expr);
    leave_context(c, saved);
    s->dim = s->expr->dim;
    if (s->expr->is_const) {
      s->has_value = true;
      s->value = s->expr->cval;
    }
  } else {
    check_param_value(c, s);
  }
  s->checking = false;
  s->checked = true;
}

/* Statement targets: what a block may assign, and with which operators. */
static void check_assignment(Checker *c, Stmt *st, bool synapse) {
  Expr *t = st->target;
  int saved_flags = c->flags;
  check_expr(c, t);
  c->flags = saved_flags;
  check_expr(c, st->value);
  if (t->type == TY_UNKNOWN || !t->sym) return;
  Symbol *s = t->sym;
  const char *name = s->name;
  switch (s->kind) {
  case SYM_STATE: case SYM_TRACE:
    break;
  case SYM_MODULATOR:
    /* Many synapses may raise a modulator in one step: their changes add
       up, and take effect at the end of the step. */
    if (!synapse) {
      diag_error(c->d, t->span, "'%s' is a modulator: synapse code and reward rules change it, "
                 "neuron code reads it", name);
      return;
    }
    if (st->op != AS_ADD && st->op != AS_SUB) {
      diag_error(c->d, st->span, "'%s' is a modulator: synapse code changes it by += or -=, "
                 "which add up over the synapses of a step", name);
      return;
    }
    break;
  case SYM_PORT:
    if (st->op != AS_ADD && st->op != AS_SUB) {
      diag_error(c->d, st->span, "'%s' is an input port: synaptic code can only add to it "
                 "(+= or -=)", name);
      return;
    }
    if (!synapse && t->kind == EX_NAME) {
      diag_error(c->d, t->span, "'%s' is an input port, filled by synapses; a neuron cannot "
                 "assign it", name);
      return;
    }
    break;
  default: {
    char what[64];
    diag_error(c->d, t->span, "cannot assign to '%s': it is %s%s", name,
               symbol_description(s, what, sizeof what),
               s->kind == SYM_PARAM ? " (parameters are fixed during a run)" : "");
    if (s->decl) diag_note(c->d, s->span, "'%s' is declared here", name);
    return;
  }
  }
  if (st->value->type == TY_UNKNOWN) return;
  if (st->value->type != TY_NUMBER) {
    diag_error(c->d, st->value->span, "cannot assign a condition to '%s'", name);
    return;
  }
  bool scaling = st->op == AS_MUL || st->op == AS_DIV;
  Dim want = scaling ? dim_none() : s->dim;
  if (!dim_eq(st->value->dim, want) && !is_bare_zero(st->value)) {
    char dw[128], dg[128];
    dim_describe(want, dw, sizeof dw);
    dim_describe(st->value->dim, dg, sizeof dg);
    if (scaling) {
      /* The variable's own unit is beside the point: the factor has none. */
      diag_error(c->d, st->value->span, "'%s' takes a dimensionless factor, but this is %s",
                 assign_op_text(st->op), dg);
      return;
    }
    diag_error(c->d, st->value->span, "cannot assign %s to '%s', which is %s", dg,
               t->kind == EX_MEMBER ? arena_printf(c->a, "%s.%s",
               expr_strip(t->lhs)->text, t->text) : name, dw);
    note_declared_unit(c, st->value);
    if (s->unit_text) diag_note(c->d, s->span, "'%s' is declared here as %s", name, s->unit_text);
  }
}

void check_block(Checker *c, Stmt *body, const char *context, bool synapse) {
  (void)context;
  for (Stmt *st = body; st; st = st->next) {
    Expr *t = expr_strip(st->target);
    if (t->kind != EX_NAME && t->kind != EX_MEMBER) {
      diag_error(c->d, st->target->span, "the left side of '%s' must be a variable",
                 assign_op_text(st->op));
      check_expr(c, st->value);
      continue;
    }
    check_assignment(c, st, synapse);
  }
}

/* Pass 1: top-level names of every module. */
static void declare_module(Checker *c, Module *mod);

/* Imported files first, so that a clash is reported in the main file. */
static void declare_globals(Checker *c) {
  for (Module *mod = c->m->modules; mod; mod = mod->next)
    if (!mod->instances) declare_module(c, mod);
  for (Module *mod = c->m->modules; mod; mod = mod->next)
    if (mod->instances) declare_module(c, mod);
}

static void declare_module(Checker *c, Module *mod) {
  Model *m = c->m;
  {
    for (Decl *d = mod->items; d; d = d->next) {
      Symbol *s = NULL;
      switch (d->kind) {
      case D_PARAM:
        if ((s = declare(c, &m->globals, SYM_PARAM, d->name, d->name_span, d))) {
          s->index = m->params.len;
          vec_push(&m->params, s);
        }
        break;
      case D_CONST:
        if ((s = declare(c, &m->globals, SYM_CONST, d->name, d->name_span, d)))
          vec_push(&m->consts, s);
        break;
      case D_EXTERN:
        if ((s = declare(c, &m->globals, SYM_EXTERN, d->name, d->name_span, d))) {
          s->index = m->externs.len;
          s->checked = true;
          vec_push(&m->externs, s);
        }
        break;
      case D_NEURON:
        if ((s = declare(c, &m->globals, SYM_NEURON, d->name, d->name_span, d))) {
          NeuronModel *n = arena_alloc(c->a, sizeof *n);
          n->decl = d;
          n->name = d->name;
          s->of.neuron = n;
          vec_push(&m->neurons, n);
        }
        break;
      case D_SYNAPSE:
        if ((s = declare(c, &m->globals, SYM_SYNAPSE, d->name, d->name_span, d))) {
          SynapseModel *sy = arena_alloc(c->a, sizeof *sy);
          sy->decl = d;
          sy->name = d->name;
          s->of.synapse = sy;
          vec_push(&m->synapses, sy);
        }
        break;
      case D_POPULATION:
        s = declare(c, &m->globals, SYM_POPULATION, d->name, d->name_span, d);
        break;
      case D_CONNECT:
        if (d->name && mod->instances)
          s = declare(c, &m->globals, SYM_CONNECTION, d->name, d->name_span, d);
        break;
      case D_MODULATOR:
        /* A modulator is a global definition, like a parameter: a library of
           reward-modulated synapses may declare the one it reads. */
        if ((s = declare(c, &m->globals, SYM_MODULATOR, d->name, d->name_span, d))) {
          Modulator *md = arena_alloc(c->a, sizeof *md);
          md->decl = d;
          md->name = d->name;
          md->sym = s;
          md->index = m->modulators.len;
          s->index = md->index;
          vec_push(&m->modulators, md);
        }
        break;
      case D_INPUT:
        s = declare(c, &m->globals, input_is_drive(d) ? SYM_CURRENT : SYM_POPULATION,
                    d->name, d->name_span, d);
        break;
      case D_ENVIRONMENT:
        if (mod->instances) s = declare(c, &m->globals, SYM_ENVIRONMENT, d->name, d->name_span, d);
        break;
      default:
        break;
      }
    }
  }
}

static void check_externs(Checker *c) {
  static const char *const types[] = {"f64", "f32", "i32", "i64", NULL};
  for (int k = 0; k < c->m->externs.len; k++) {
    Symbol *s = c->m->externs.items[k];
    Decl *d = s->decl;
    const char *const *ty;
    for (Decl *a = d->members; a; a = a->next) {
      for (ty = types; *ty && strcmp(*ty, a->type_name) != 0; ty++) {}
      if (!*ty)
        diag_error(c->d, a->type_span, "unknown C type '%s'; extern functions take f64, f32, "
                   "i32 or i64", a->type_name);
    }
    for (ty = types; *ty && strcmp(*ty, d->type_name) != 0; ty++) {}
    if (!*ty)
      diag_error(c->d, d->type_span, "unknown C type '%s'; extern functions return f64, f32, "
                 "i32 or i64", d->type_name);
    if (d->text[0] == 0)
      diag_error(c->d, d->text_span, "the library of extern function '%s' is empty", s->name);
    else
      extern_verify(c->d, c->a, s);
  }
}

static void check_option(Checker *c, Decl *d) {
  Model *m = c->m;
  for (Module *mod = m->modules; mod; mod = mod->next) {
    for (Decl *o = mod->items; mod->instances && o; o = o->next) {
      if (o == d) goto first;
      if (o->kind == D_OPTION && strcmp(o->name, d->name) == 0) {
        diag_error(c->d, d->span, "the %s is already set", strcmp(d->name, "timestep") == 0 ?
                   "time step" : d->name);
        diag_note(c->d, o->span, "it is set here");
        return;
      }
    }
  }
first:
  if (strcmp(d->name, "precision") == 0) {
    if (strcmp(d->type_name, "double") == 0)
      m->precision = PRECISION_DOUBLE;
    else if (strcmp(d->type_name, "single") == 0)
      m->precision = PRECISION_SINGLE;
    else
      diag_error(c->d, d->type_span, "unknown precision '%s'; use 'precision double' or "
                 "'precision single'", d->type_name);
    return;
  }
  SavedContext saved = enter_context(c, &m->globals, 0, "in an option");
  if (strcmp(d->name, "timestep") == 0) {
    if (check_number_dim(c, d->value, dim_time(), "the time step") &&
        require_const(c, d->value, "the time step")) {
      if (d->value->cval <= 0)
        diag_error(c->d, d->value->span, "the time step must be positive");
      else {
        m->dt = d->value->cval;
        m->dt_decl = d;
      }
    }
  } else {
    if (check_number_dim(c, d->value, dim_none(), "the seed") &&
        require_const(c, d->value, "the seed")) {
      double v = d->value->cval;
      if (v != floor(v) || v < 0 || v > 2147483647.0)
        diag_error(c->d, d->value->span, "the seed must be a whole number from 0 to "
                   "2147483647, but it is %g", v);
      else {
        m->seed = (uint64_t)v;
        m->seed_given = true;
      }
    }
  }
  leave_context(c, saved);
}

/* Definitions only: an imported file must not add neurons to the network. */
static void check_import_contents(Checker *c) {
  for (Module *mod = c->m->modules; mod; mod = mod->next) {
    if (mod->instances) continue;
    for (Decl *d = mod->items; d; d = d->next) {
      switch (d->kind) {
      case D_POPULATION: case D_INPUT: case D_CONNECT: case D_MONITOR: case D_RUN:
      case D_REWARD: case D_ENVIRONMENT: case D_ENCODE: case D_DECODE: case D_TRAIN:
      case D_AGENTS: case D_OPTION:
        diag_error(c->d, d->span, "an imported file may only define models, parameters, "
                   "constants and extern functions; this %s belongs in the main model",
                   decl_kind_name(d->kind));
        break;
      default:
        break;
      }
    }
  }
}

Model *model_check(Arena *arena, Diags *diags, Module *modules) {
  Model *m = arena_alloc(arena, sizeof *m);
  m->arena = arena;
  m->diags = diags;
  m->modules = modules;
  m->main = modules;
  modules->instances = true;
  m->dt = 1e-4;
  m->precision = PRECISION_DOUBLE;
  Checker c;
  memset(&c, 0, sizeof c);
  c.m = m;
  c.d = diags;
  c.a = arena;
  c.scope = &m->globals;
  c.context = "here";
  m->globals.parent = &c.builtins;
  for (int end = END_PRE; end <= END_POST; end++) {
    Symbol *s = arena_alloc(arena, sizeof *s);
    s->kind = SYM_NAMESPACE;
    s->name = end == END_PRE ? "pre" : "post";
    s->builtin = end;
    s->span = span_none();
    s->checked = true;
    m->ends[end] = s;
  }

  declare_globals(&c);
  check_import_contents(&c);
  for (Module *mod = m->modules; mod; mod = mod->next)
    for (Decl *d = mod->items; mod->instances && d; d = d->next)
      if (d->kind == D_OPTION) check_option(&c, d);
  for (int k = 0; k < m->params.len; k++) check_symbol(&c, m->params.items[k]);
  for (int k = 0; k < m->consts.len; k++) check_symbol(&c, m->consts.items[k]);
  check_externs(&c);
  check_modulator_units(&c);
  for (int k = 0; k < m->neurons.len; k++) check_neuron(&c, ((NeuronModel *)m->neurons.items[k])->decl);
  for (int k = 0; k < m->synapses.len; k++)
    check_synapse(&c, ((SynapseModel *)m->synapses.items[k])->decl);
  check_network(&c);
  check_environment(&c);
  check_agents(&c);
  /* The built-in scope lives in the checker; detach it so the model
     never points into freed stack memory. */
  m->globals.parent = NULL;
  scope_release(&c.builtins);
  return m;
}

bool check_repl_expr(Model *m, Diags *d, Expr *e) {
  Checker c;
  memset(&c, 0, sizeof c);
  c.m = m;
  c.d = d;
  c.a = m->arena;
  c.scope = &m->globals;
  c.flags = EF_PARAMS | EF_MEMBERS | EF_INDEXING | EF_TIME | EF_REPL;
  c.context = "at the prompt";
  m->globals.parent = &c.builtins;
  int before = d->errors;
  check_expr(&c, e);
  m->globals.parent = NULL;
  scope_release(&c.builtins);
  return d->errors == before && e->type != TY_UNKNOWN;
}

static void scope_free(Scope *s) { scope_release(s); }

void model_free(Model *m) {
  if (!m) return;
  scope_free(&m->globals);
  for (int k = 0; k < m->neurons.len; k++) {
    NeuronModel *n = m->neurons.items[k];
    scope_free(&n->scope);
    vec_free(&n->params); vec_free(&n->consts); vec_free(&n->states);
    vec_free(&n->aliases); vec_free(&n->ports); vec_free(&n->odes);
  }
  for (int k = 0; k < m->synapses.len; k++) {
    SynapseModel *s = m->synapses.items[k];
    scope_free(&s->scope);
    vec_free(&s->params); vec_free(&s->consts); vec_free(&s->states);
    vec_free(&s->aliases); vec_free(&s->traces); vec_free(&s->odes); vec_free(&s->every);
  }
  for (int k = 0; k < m->populations.len; k++) vec_free(&((Population *)m->populations.items[k])->overrides);
  for (int k = 0; k < m->projections.len; k++) {
    Projection *pr = m->projections.items[k];
    vec_free(&pr->inits);
    SynapseInstance *in = pr->inst;
    scope_free(&in->scope);
    vec_free(&in->aliases); vec_free(&in->odes); vec_free(&in->every);
  }
  vec_free(&m->params); vec_free(&m->consts); vec_free(&m->externs);
  vec_free(&m->neurons); vec_free(&m->synapses); vec_free(&m->populations);
  vec_free(&m->currents); vec_free(&m->drives); vec_free(&m->projections); vec_free(&m->monitors); vec_free(&m->runs);
  for (int k = 0; k < m->modulators.len; k++) vec_free(&((Modulator *)m->modulators.items[k])->sources);
  vec_free(&m->modulators); vec_free(&m->rewards);
  if (m->env) vec_free(&m->env->encoders);
  vec_free(&m->agents);
}

Population *model_population(const Model *m, const char *name) {
  for (int k = 0; k < m->populations.len; k++) {
    Population *p = m->populations.items[k];
    if (strcmp(p->name, name) == 0) return p;
  }
  return NULL;
}

Symbol *neuron_member(const NeuronModel *n, const char *name) {
  Symbol *s = scope_find_local(&n->scope, name);
  if (s && (s->kind == SYM_STATE || s->kind == SYM_ALIAS || s->kind == SYM_PORT)) return s;
  return NULL;
}

SynapseEnd member_end(const Expr *member) {
  const Expr *base = expr_strip(member->lhs);
  assert(base->sym && base->sym->kind == SYM_NAMESPACE);
  return (SynapseEnd)base->sym->builtin;
}

Symbol *synapse_member(const SynapseModel *s, const char *name) {
  return scope_find_local(&s->scope, name);
}
