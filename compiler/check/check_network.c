/*
** check_network.c: checking what a model instantiates and does.
**
** Populations, spike-source and current inputs, connections and run
** statements (monitors: check_monitor.c).  Sizes, rules and durations that shape the network must be
** known at compile time; values that only set numbers (weights, rates,
** delays) may use parameters and, where it makes sense, i, j, t and random
** draws.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "snnrt.h"

/* Neuron indices are 32-bit in the runtime. */
#define MAX_POPULATION_SIZE INT64_C(2147483647)

static Population *new_population(Checker *c, Decl *d, PopKind kind) {
  Population *p = arena_alloc(c->a, sizeof *p);
  p->decl = d;
  p->name = d->name;
  p->kind = kind;
  p->index = c->m->populations.len;
  vec_push(&c->m->populations, p);
  if (d->sym) d->sym->of.population = p;
  return p;
}

/* { tau = 10 ms; v = uniform(Vr, Vt) }: parameter values and initial states. */
static void check_overrides(Checker *c, Population *p) {
  NeuronModel *n = p->model;
  for (Decl *m = p->decl->members; m; m = m->next) {
    if (m->kind != D_ALIAS) {
      diag_error(c->d, m->span, "a population block only sets parameters and initial values, "
                 "as in { tau = 10 ms }");
      continue;
    }
    Symbol *s = scope_find_local(&n->scope, m->name);
    if (!s || (s->kind != SYM_PARAM && s->kind != SYM_STATE)) {
      diag_error(c->d, m->name_span, "neuron model '%s' has no parameter or state variable "
                 "'%s'", n->name, m->name);
      SavedContext saved = enter_context(c, &c->m->globals, EF_PARAMS, "here");
      check_expr(c, m->value);
      leave_context(c, saved);
      continue;
    }
    for (int k = 0; k < p->overrides.len; k++) {
      Decl *o = p->overrides.items[k];
      if (strcmp(o->name, m->name) == 0) {
        diag_error(c->d, m->span, "'%s' is set twice for population '%s'", m->name, p->name);
        diag_note(c->d, o->span, "the first one is here");
        break;
      }
    }
    m->sym = s;
    char what[128];
    bool is_state = s->kind == SYM_STATE;
    snprintf(what, sizeof what, is_state ? "the initial value of '%s'" : "the value of '%s'",
             m->name);
    /* A parameter's value may use global parameters; a state's initial
       value also the model's parameters and earlier states. */
    SavedContext saved = enter_context(c, is_state ? &n->scope : &c->m->globals,
                       is_state ? EF_PARAMS | EF_RANDOM | EF_I | EF_STATE : EF_PARAMS,
                       is_state ? "in an initial value" : "in a parameter's value");
    if (is_state) {
      c->init_owner = s->owner;
      c->init_limit = s->index;
    }
    if (s->checked || s->kind == SYM_PARAM) check_number_dim(c, m->value, s->dim, what);
    c->init_owner = NULL;
    leave_context(c, saved);
    vec_push(&p->overrides, m);
  }
}

static void check_population(Checker *c, Decl *d) {
  Symbol *type = scope_lookup(&c->m->globals, d->type_name);
  Population *p = new_population(c, d, POP_NEURONS);
  SavedContext saved = enter_context(c, &c->m->globals, 0, "in a population size");
  char what[128];
  snprintf(what, sizeof what, "the size of population '%s'", d->name);
  if (!require_count(c, d->size, what, MAX_POPULATION_SIZE, &p->size)) p->size = 0;
  leave_context(c, saved);
  if (!type) {
    report_unknown_name(c, d->type_span, d->type_name, "neuron model");
    return;
  }
  if (type->kind != SYM_NEURON) {
    diag_error(c->d, d->type_span, "'%s' is not a neuron model", d->type_name);
    if (type->decl) diag_note(c->d, type->span, "'%s' is declared here", d->type_name);
    return;
  }
  p->model = type->of.neuron;
  check_overrides(c, p);
}

static bool only_named_args(Checker *c, Decl *d, const char *const *allowed) {
  bool ok = true;
  for (Expr *a = d->args; a; a = a->next) {
    bool known = false;
    for (const char *const *n = allowed; *n && a->arg_name; n++)
      known = known || strcmp(*n, a->arg_name) == 0;
    if (!known) {
      diag_error(c->d, a->arg_name ? a->arg_name_span : a->span, "%s() takes %s", d->type_name,
                 allowed[0] ? arena_printf(c->a, "'%s = ...'", allowed[0]) : "no arguments");
      ok = false;
    }
  }
  return ok;
}

static void check_poisson(Checker *c, Decl *d, Population *p) {
  static const char *const allowed[] = {"rate", NULL};
  if (!only_named_args(c, d, allowed)) return;
  if (!d->args) {
    diag_error(c->d, d->span, "a poisson input needs a rate, as in poisson[100](rate = 10 Hz)");
    return;
  }
  Dim hz = dim_div(dim_none(), dim_time());
  SavedContext saved = enter_context(c, &c->m->globals, EF_PARAMS | EF_TIME | EF_I, "in a rate");
  if (check_number_dim(c, d->args, hz, "the rate") && d->args->is_const && d->args->cval < 0)
    diag_error(c->d, d->args->span, "a rate cannot be negative");
  leave_context(c, saved);
  p->rate = d->args;
}

static int compare_timed_spikes(const void *pa, const void *pb) {
  const TimedSpike *a = pa, *b = pb;
  if (a->time != b->time) return a->time < b->time ? -1 : 1;
  return (a->index > b->index) - (a->index < b->index);
}

static int compare_time_exprs(const void *a, const void *b) {
  double x = (*(Expr *const *)a)->cval, y = (*(Expr *const *)b)->cval;
  return (x > y) - (x < y);
}

/* A neuron spikes at most once a step: times of one group that round to the
   same step (or repeat) give one spike, which the user should know. */
static void warn_merged_times(Checker *c, Expr **times, int n, int64_t index) {
  qsort(times, (size_t)n, sizeof *times, compare_time_exprs);
  for (int k = 1; k < n; k++) {
    double a = times[k - 1]->cval, b = times[k]->cval;
    if (llround(a / c->m->dt) != llround(b / c->m->dt)) continue;
    diag_warning(c->d, times[k]->span, "neuron %lld spikes at %g ms and %g ms, in one step of "
                 "%g ms: it gets one spike there, not two", (long long)index, a * 1e3, b * 1e3,
                 c->m->dt * 1e3);
  }
}

/* spike_times[2]((0: 10 ms, 50 ms), (1: 30 ms)) */
static void check_spike_times(Checker *c, Decl *d, Population *p) {
  int64_t n = 0;
  for (Expr *g = d->args; g; g = g->next) n += expr_count(g->args);
  p->spikes = arena_alloc(c->a, sizeof(TimedSpike) * (size_t)(n ? n : 1));
  SavedContext saved = enter_context(c, &c->m->globals, 0, "in spike times");
  for (Expr *g = d->args; g; g = g->next) {
    if (g->kind != EX_GROUP || g->arg_name) {
      diag_error(c->d, g->span, "spike_times takes groups '(index: time, time, ...)'");
      continue;
    }
    int64_t index = -1;
    check_expr(c, g->lhs);
    if (check_number_dim(c, g->lhs, dim_none(), "a neuron index") &&
        require_const(c, g->lhs, "a neuron index")) {
      double v = g->lhs->cval;
      if (v != floor(v))
        diag_error(c->d, g->lhs->span, "a neuron index must be a whole number, but it is %g", v);
      else if (v < 0 || (p->size && v >= (double)p->size))
        diag_error(c->d, g->lhs->span, "neuron index %g is outside 0 .. %lld of '%s'", v,
                   (long long)p->size - 1, p->name);
      else
        index = (int64_t)v;
    }
    Expr **times = arena_alloc(c->a, sizeof(Expr *) * (size_t)(expr_count(g->args) + 1));
    int ntimes = 0;
    for (Expr *t = g->args; t; t = t->next) {
      if (!check_number_dim(c, t, dim_time(), "a spike time") ||
          !require_const(c, t, "a spike time"))
        continue;
      if (t->cval < 0) {
        diag_error(c->d, t->span, "a spike time cannot be negative");
        continue;
      }
      if (index >= 0) p->spikes[p->nspikes++] = (TimedSpike){index, t->cval};
      times[ntimes++] = t;
    }
    if (index >= 0) warn_merged_times(c, times, ntimes, index);
  }
  leave_context(c, saved);
  qsort(p->spikes, (size_t)p->nspikes, sizeof *p->spikes, compare_timed_spikes);
}

/* input drive = current(expr) -> E.I_ext */
static void check_current(Checker *c, Decl *d) {
  CurrentInput *ci = arena_alloc(c->a, sizeof *ci);
  ci->decl = d;
  ci->name = d->name;
  vec_push(&c->m->currents, ci);
  if (d->size) diag_error(c->d, d->size->span, "a current input has no size; it drives every "
                          "neuron of its target");
  if (expr_count(d->args) != 1 || d->args->arg_name) {
    diag_error(c->d, d->span, "a current input takes one expression, as in "
               "current(0.5 nA * sin(2 * pi * 10 Hz * t)) -> E.I_ext");
    return;
  }
  Expr *target = d->targets;
  if (!target || target->kind != EX_MEMBER) {
    diag_error(c->d, target ? target->span : d->span, "a current input needs a target: "
               "-> population.port, as in -> E.I_ext");
    return;
  }
  SavedContext saved = enter_context(c, &c->m->globals, EF_MEMBERS | EF_STATE, "as a target");
  check_expr(c, target);
  leave_context(c, saved);
  ci->value = d->args;
  if (target->type == TY_UNKNOWN) {
    saved = enter_context(c, &c->m->globals, EF_PARAMS | EF_TIME | EF_I | EF_RANDOM, "in a current");
    check_expr(c, d->args);
    leave_context(c, saved);
    return;
  }
  Symbol *port = target->sym;
  if (port->kind != SYM_PORT) {
    diag_error(c->d, target->span, "a current input drives an input port, but '%s' is a %s; "
               "declare a port in the neuron model, as in 'input I_ext : nA', and add it to "
               "the equations", port->name, port->kind == SYM_STATE ? "state variable" :
               "definition");
    return;
  }
  ci->port = port;
  Symbol *ps = expr_strip(target->lhs)->sym;
  ci->target = ps ? ps->of.population : NULL;
  saved = enter_context(c, &c->m->globals, EF_PARAMS | EF_TIME | EF_I | EF_RANDOM, "in a current");
  char what[128];
  snprintf(what, sizeof what, "the current into '%s'", port->name);
  check_number_dim(c, d->args, port->dim, what);
  leave_context(c, saved);
}

bool input_is_drive(const Decl *d) {
  return strcmp(d->type_name, "current") == 0 || strcmp(d->type_name, "poisson_input") == 0;
}

/* One setting of poisson_input(...): a number of the given dimension made of
   constants and parameters. */
static Expr *drive_setting(Checker *c, Decl *d, const char *name, Dim dim, const char *what) {
  Expr *found = NULL;
  for (Expr *a = d->args; a; a = a->next)
    if (a->arg_name && strcmp(a->arg_name, name) == 0) found = a;
  if (!found) {
    diag_error(c->d, d->type_span, "poisson_input needs '%s = ...': write poisson_input(n = "
               "1000, rate = 20 Hz, weight = 0.1 mV) -> population.variable", name);
    return NULL;
  }
  SavedContext saved = enter_context(c, &c->m->globals, EF_PARAMS, "in a poisson_input");
  bool ok = check_number_dim(c, found, dim, what);
  leave_context(c, saved);
  return ok ? found : NULL;
}

/* input drive = poisson_input(n = N, rate = R, weight = W) -> E.v */
static void check_drive(Checker *c, Decl *d) {
  static const char *const allowed[] = {"n", "rate", "weight", NULL};
  PoissonDrive *dr = arena_alloc(c->a, sizeof *dr);
  dr->decl = d;
  dr->name = d->name;
  if (d->size) diag_error(c->d, d->size->span, "a poisson_input has no size; it drives every "
                          "neuron of its target, each with its own events");
  if (!only_named_args(c, d, allowed)) return;
  Expr *target = d->targets;
  if (!target || target->kind != EX_MEMBER) {
    diag_error(c->d, target ? target->span : d->span, "a poisson_input needs a target: "
               "-> population.variable, as in -> E.v");
    return;
  }
  SavedContext saved = enter_context(c, &c->m->globals, EF_MEMBERS | EF_STATE, "as a target");
  check_expr(c, target);
  leave_context(c, saved);
  Expr *n = NULL;
  for (Expr *a = d->args; a; a = a->next)
    if (a->arg_name && strcmp(a->arg_name, "n") == 0) n = a;
  saved = enter_context(c, &c->m->globals, 0, "in a poisson_input");
  if (!n)
    diag_error(c->d, d->type_span, "poisson_input needs 'n = ...', the number of sources");
  else if (!require_count(c, n, "the number of sources of a poisson_input",
                          (int64_t)1 << 40, &dr->count))
    n = NULL;
  leave_context(c, saved);
  Expr *rate = drive_setting(c, d, "rate", dim_div(dim_none(), dim_time()), "the rate");
  if (rate && rate->is_const && rate->cval < 0)
    diag_error(c->d, rate->span, "a rate cannot be negative");
  if (target->type == TY_UNKNOWN || !target->sym) return;
  Symbol *var = target->sym;
  if (var->kind != SYM_STATE && var->kind != SYM_PORT) {
    diag_error(c->d, target->span, "a poisson_input adds to a state variable or an input "
               "port, but '%s' is a definition", var->name);
    return;
  }
  char what[128];
  snprintf(what, sizeof what, "the weight of an event on '%s'", var->name);
  Expr *weight = drive_setting(c, d, "weight", var->dim, what);
  if (!n || !rate || !weight) return;
  Symbol *ps = expr_strip(target->lhs)->sym;
  dr->target = ps ? ps->of.population : NULL;
  if (!dr->target) return;
  dr->var = var;
  dr->rate = rate;
  dr->weight = weight;
  dr->index = c->m->drives.len;
  vec_push(&c->m->drives, dr);
}

static void check_input(Checker *c, Decl *d) {
  const char *kind = d->type_name;
  if (strcmp(kind, "current") == 0) {
    check_current(c, d);
    return;
  }
  if (strcmp(kind, "poisson_input") == 0) {
    check_drive(c, d);
    return;
  }
  PopKind pk;
  if (strcmp(kind, "poisson") == 0)
    pk = POP_POISSON;
  else if (strcmp(kind, "spike_times") == 0)
    pk = POP_SPIKE_TIMES;
  else {
    diag_error(c->d, d->type_span, "unknown input '%s'; use poisson[N](rate = ...), "
               "spike_times[N]((index: times), ...), current(...) -> population.port or "
               "poisson_input(n = ..., rate = ..., weight = ...) -> population.variable", kind);
    return;
  }
  Population *p = new_population(c, d, pk);
  if (d->targets)
    diag_error(c->d, d->targets->span, "a spike input is connected with 'connect %s -> ...', "
               "not with '->' here", d->name);
  if (!d->size) {
    diag_error(c->d, d->type_span, "%s needs a size, as in %s[100](...)", kind, kind);
  } else {
    SavedContext saved = enter_context(c, &c->m->globals, 0, "in an input size");
    char what[128];
    snprintf(what, sizeof what, "the size of input '%s'", d->name);
    if (!require_count(c, d->size, what, MAX_POPULATION_SIZE, &p->size)) p->size = 0;
    leave_context(c, saved);
  }
  if (pk == POP_POISSON)
    check_poisson(c, d, p);
  else
    check_spike_times(c, d, p);
}

/* Finds a population (neurons or spike input) named by a connect end. */
Population *connect_end(Checker *c, Expr *name, bool target) {
  Symbol *s = scope_lookup(&c->m->globals, name->text);
  if (!s) {
    report_unknown_name(c, name->span, name->text, "population");
    return NULL;
  }
  if (s->kind != SYM_POPULATION || !s->of.population) {
    if (s->kind == SYM_POPULATION) return NULL; /* its declaration failed */
    diag_error(c->d, name->span, "'%s' is a %s, not a population", name->text,
               s->kind == SYM_NEURON ? "neuron model" : s->kind == SYM_SYNAPSE ?
               "synapse model" : "name");
    return NULL;
  }
  name->sym = s;
  s->used = true;
  Population *p = s->of.population;
  if (p->kind == POP_NEURONS && !p->model) return NULL; /* its model was not found */
  if (target && p->kind != POP_NEURONS) {
    diag_error(c->d, name->span, "'%s' is a spike input; it can send spikes but not receive "
               "them", name->text);
    return NULL;
  }
  return p;
}

static void check_probability(Checker *c, Projection *pr, Expr *v) {
  SavedContext saved = enter_context(c, &c->m->globals, EF_PARAMS | EF_I | EF_J, "in a connection probability");
  if (check_number_dim(c, v, dim_none(), "a connection probability") && v->is_const &&
      (v->cval < 0 || v->cval > 1))
    diag_error(c->d, v->span, "a connection probability must lie between 0 and 1, but it is %g",
               v->cval);
  leave_context(c, saved);
  pr->p = v;
}

static void set_rule(Checker *c, Projection *pr, ConnectRule rule, Decl *m, Decl **rule_decl) {
  if (*rule_decl) {
    diag_error(c->d, m->span, "a connection has a single rule, but this one already has one");
    diag_note(c->d, (*rule_decl)->span, "the first rule is here");
    return;
  }
  *rule_decl = m;
  pr->rule = rule;
}

static void check_fan(Checker *c, Projection *pr, Decl *m, bool fanin) {
  SavedContext saved = enter_context(c, &c->m->globals, 0, "in a fan-in or fan-out");
  Population *from = fanin ? pr->pre : pr->post;
  char what[64];
  snprintf(what, sizeof what, "%s", fanin ? "fanin" : "fanout");
  if (require_count(c, m->value, what, MAX_POPULATION_SIZE, &pr->fan) && from &&
      from->size && pr->fan > from->size)
    diag_error(c->d, m->value->span, "%s = %lld is more than the %lld neurons of '%s' (each "
               "pair is connected at most once)", what, (long long)pr->fan,
               (long long)from->size, from->name);
  leave_context(c, saved);
}

/* Delays and durations count whole steps: one that is not a whole number
   of them is rounded to the nearest, which the user should know. */
static void warn_rounded(Checker *c, Span span, const char *what, double t) {
  double steps = t / c->m->dt;
  double whole = (double)llround(steps);
  if (fabs(steps - whole) <= 1e-6 * (whole > 1 ? whole : 1)) return;
  diag_warning(c->d, span, "%s of %g ms is %g steps of %g ms: it is rounded to %.0f step%s "
               "(%g ms)", what, t * 1e3, steps, c->m->dt * 1e3, whole, whole == 1 ? "" : "s",
               whole * c->m->dt * 1e3);
}

/* A delay known at compile time: not negative, and storable in steps of
   the model's time step (the runtime checks again for a --dt). */
void check_constant_delay(Checker *c, const Expr *v) {
  if (v->cval < 0)
    diag_error(c->d, v->span, "a delay cannot be negative");
  else if (v->cval / c->m->dt > SNN_MAX_DELAY_STEPS)
    diag_error(c->d, v->span, "a delay of %g ms is longer than %d time steps of %g ms",
               v->cval * 1e3, SNN_MAX_DELAY_STEPS, c->m->dt * 1e3);
  else
    warn_rounded(c, v->span, "a delay", v->cval);
}

static const char *model_dir(Checker *c, Decl *d) {
  const char *path = diag_file(c->d, d->span.file)->path;
  const char *slash = strrchr(path, '/');
  return slash ? arena_strndup(c->a, path, (size_t)(slash - path)) : ".";
}

/* One member of a connect block. */
static void check_connect_member(Checker *c, Projection *pr, Decl *m, Decl **rule_decl) {
  Model *mod = c->m;
  SavedContext saved;
  switch (m->kind) {
  case D_WHERE:
    saved = enter_context(c, &mod->globals, EF_PARAMS | EF_I | EF_J, "in a connection condition");
    check_bool(c, m->value, "a 'where' condition");
    leave_context(c, saved);
    if (pr->where) {
      diag_error(c->d, m->span, "a connection has one 'where' condition; join them with 'and'");
      diag_note(c->d, pr->where_span, "the first one is here");
      return;
    }
    pr->where = m->value;
    pr->where_span = m->span;
    return;
  case D_RULE:
    if (strcmp(m->name, "all") == 0)
      set_rule(c, pr, RULE_ALL, m, rule_decl);
    else if (strcmp(m->name, "one_to_one") == 0) {
      set_rule(c, pr, RULE_ONE_TO_ONE, m, rule_decl);
      if (pr->pre && pr->post && pr->pre->size && pr->post->size &&
          pr->pre->size != pr->post->size)
        diag_error(c->d, m->span, "one_to_one needs populations of equal size, but '%s' has "
                   "%lld neurons and '%s' %lld", pr->pre->name, (long long)pr->pre->size,
                   pr->post->name, (long long)pr->post->size);
    } else
      diag_error(c->d, m->name_span, "unknown connection rule '%s'; use all, one_to_one, "
                 "p = ..., fanin = ..., fanout = ... or from \"file.csv\"", m->name);
    return;
  case D_FROM: {
    set_rule(c, pr, RULE_FILE, m, rule_decl);
    const char *path = m->text[0] == '/' ? m->text :
                       arena_printf(c->a, "%s/%s", model_dir(c, m), m->text);
    if (!file_exists(path))
      diag_error(c->d, m->text_span, "connection file '%s' not found (looked for %s)", m->text,
                 path);
    pr->file = path;
    return;
  }
  case D_ALIAS:
    break;
  default:
    diag_error(c->d, m->span, "a %s does not belong in a connect block", decl_kind_name(m->kind));
    return;
  }
  if (strcmp(m->name, "p") == 0) {
    set_rule(c, pr, RULE_PROBABILITY, m, rule_decl);
    check_probability(c, pr, m->value);
  } else if (strcmp(m->name, "fanin") == 0 || strcmp(m->name, "fanout") == 0) {
    bool fanin = m->name[3] == 'i';
    set_rule(c, pr, fanin ? RULE_FANIN : RULE_FANOUT, m, rule_decl);
    check_fan(c, pr, m, fanin);
  } else if (strcmp(m->name, "autapses") == 0) {
    saved = enter_context(c, &mod->globals, 0, "here");
    if (check_bool(c, m->value, "'autapses'") && require_const(c, m->value, "'autapses'"))
      pr->autapses = m->value->cval != 0;
    leave_context(c, saved);
  } else if (strcmp(m->name, "delay") == 0) {
    saved = enter_context(c, &mod->globals, EF_PARAMS | EF_RANDOM | EF_I | EF_J, "in a delay");
    if (check_number_dim(c, m->value, dim_time(), "a delay") && m->value->is_const)
      check_constant_delay(c, m->value);
    leave_context(c, saved);
    pr->delay = m->value;
  } else {
    SynapseModel *s = pr->synapse;
    Symbol *sym = s ? synapse_member(s, m->name) : NULL;
    if (!s) return;
    if (!sym || (sym->kind != SYM_PARAM && sym->kind != SYM_STATE)) {
      diag_error(c->d, m->name_span, "'%s' is not a connection setting (p, fanin, fanout, "
                 "autapses, delay) nor a parameter or state variable of synapse '%s'", m->name,
                 s->name);
      return;
    }
    m->sym = sym;
    bool is_state = sym->kind == SYM_STATE;
    saved = enter_context(c, is_state ? &s->scope : &mod->globals,
                 is_state ? EF_PARAMS | EF_RANDOM | EF_I | EF_J : EF_PARAMS,
                 is_state ? "in an initial value" : "in a parameter's value");
    char what[128];
    snprintf(what, sizeof what, "the value of '%s'", m->name);
    check_number_dim(c, m->value, sym->dim, what);
    leave_context(c, saved);
    vec_push(&pr->inits, m);
  }
}

static void check_connect(Checker *c, Decl *d) {
  Symbol *type = scope_lookup(&c->m->globals, d->type_name);
  SynapseModel *syn = NULL;
  if (!type)
    report_unknown_name(c, d->type_span, d->type_name, "synapse model");
  else if (type->kind != SYM_SYNAPSE)
    diag_error(c->d, d->type_span, "'%s' is not a synapse model", d->type_name);
  else
    syn = type->of.synapse;
  if (d->name && (expr_count(d->sources) != 1 || expr_count(d->targets) != 1))
    diag_error(c->d, d->name_span, "a named connection has one source and one target; this "
               "one has %d and %d", expr_count(d->sources), expr_count(d->targets));
  for (Expr *src = d->sources; src; src = src->next) {
    Population *pre = connect_end(c, src, false);
    for (Expr *tgt = d->targets; tgt; tgt = tgt->next) {
      Population *post = src == d->sources ? connect_end(c, tgt, true) :
                         (tgt->sym ? tgt->sym->of.population : NULL);
      Projection *pr = arena_alloc(c->a, sizeof *pr);
      pr->decl = d;
      pr->pre = pre;
      pr->post = post;
      pr->synapse = syn;
      pr->rule = RULE_ALL;
      pr->autapses = true;
      Decl *rule_decl = NULL;
      /* Settings are checked for every pair (a fan-in depends on the
         source's size); identical messages are printed once. */
      for (Decl *m = d->members; m; m = m->next) check_connect_member(c, pr, m, &rule_decl);
      if (!pre || !post || !syn) {
        vec_free(&pr->inits);  /* an arena object that no list will hold */
        continue;
      }
      pr->inst = check_synapse_code(c, syn, pre->model, post->model, d);
      pr->inst->proj = pr;
      pr->name = d->name;
      if (d->name && d->sym) d->sym->of.projection = pr;
      pr->index = c->m->projections.len;
      vec_push(&c->m->projections, pr);
    }
  }
}

static void check_run(Checker *c, Decl *d) {
  SavedContext saved = enter_context(c, &c->m->globals, 0, "in a run duration");
  if (check_number_dim(c, d->value, dim_time(), "a run's duration") &&
      require_const(c, d->value, "a run's duration")) {
    if (d->value->cval <= 0)
      diag_error(c->d, d->value->span, "a run's duration must be positive");
    else {
      warn_rounded(c, d->value->span, "a run", d->value->cval);
      c->m->duration += d->value->cval;
      vec_push(&c->m->runs, d);
      /* The runtime refuses more than 10^12 steps (runtime/core/sim.h); say
         so here, at the run that passes it. */
      double steps = c->m->duration / c->m->dt;
      if (!(steps <= 1e12) && (steps - d->value->cval / c->m->dt) <= 1e12) {
        diag_error(c->d, d->value->span, "the runs come to %g s, %.3g steps of %g s: more than "
                   "the 1e+12 steps a run may take", c->m->duration, steps, c->m->dt);
        if (c->m->dt_decl) diag_note(c->d, c->m->dt_decl->span, "the time step is set here");
      }
    }
  }
  leave_context(c, saved);
}

/* Populations come first so that connections and monitors may name them
   wherever they are declared. */
void check_network(Checker *c) {
  Module *mods = c->m->modules;
  for (Module *mod = mods; mod; mod = mod->next) {
    for (Decl *d = mod->instances ? mod->items : NULL; d; d = d->next) {
      if (d->kind == D_POPULATION) check_population(c, d);
      if (d->kind == D_INPUT && !input_is_drive(d)) check_input(c, d);
    }
  }
  for (Module *mod = mods; mod; mod = mod->next) {
    for (Decl *d = mod->instances ? mod->items : NULL; d; d = d->next) {
      if (d->kind == D_CONNECT) check_connect(c, d);
      if (d->kind == D_INPUT && input_is_drive(d)) check_input(c, d);
    }
  }
  check_modulation(c);
  for (Module *mod = mods; mod; mod = mod->next) {
    for (Decl *d = mod->instances ? mod->items : NULL; d; d = d->next) {
      if (d->kind == D_MONITOR) check_monitor(c, d);
      if (d->kind == D_RUN) check_run(c, d);
    }
  }
}
