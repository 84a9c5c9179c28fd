/*
** check_monitor.c: checking what a model records.
**
** spikes(), state(), rate(), weights(), synapses(), modulators() and
** rewards(): what each names must exist, subsets must lie inside their
** population, and intervals and windows must be constant, positive and
** whole numbers of time steps, because the runtime samples on steps.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

/* Reads `every = ...` or `bin = ...` from a monitor's arguments. */
static bool monitor_interval(Checker *c, Expr *a, double *out) {
  SavedContext saved = enter_context(c, &c->m->globals, 0, "in a monitor");
  bool ok = check_number_dim(c, a, dim_time(), arena_printf(c->a, "'%s'", a->arg_name)) &&
            require_const(c, a, arena_printf(c->a, "'%s'", a->arg_name));
  leave_context(c, saved);
  if (!ok) return false;
  if (a->cval <= 0) {
    diag_error(c->d, a->span, "'%s' must be positive", a->arg_name);
    return false;
  }
  /* The runtime samples on whole steps; it checks again for a --dt. */
  double k = a->cval / c->m->dt;
  if (k < 1 - 1e-9 || fabs(k - (double)llround(k)) > 1e-6 * k) {
    diag_error(c->d, a->span, "the %s of %g ms is not a whole number of time steps of %g ms",
               strcmp(a->arg_name, "bin") == 0 ? "rate bin" : "sampling interval",
               a->cval * 1e3, c->m->dt * 1e3);
    return false;
  }
  *out = a->cval;
  return true;
}

/* start = T and stop = T bound any monitor to a window of time. */
static bool is_window_arg(const Expr *a) {
  return a->arg_name && (strcmp(a->arg_name, "start") == 0 || strcmp(a->arg_name, "stop") == 0);
}

/* A window bound: a constant time >= 0 on the grid of time steps. */
static bool window_bound(Checker *c, Expr *a, double *out) {
  SavedContext saved = enter_context(c, &c->m->globals, 0, "in a monitor");
  bool ok = check_number_dim(c, a, dim_time(), arena_printf(c->a, "'%s'", a->arg_name)) &&
            require_const(c, a, arena_printf(c->a, "'%s'", a->arg_name));
  leave_context(c, saved);
  if (!ok) return false;
  double k = a->cval / c->m->dt;
  if (!(a->cval >= 0) || (strcmp(a->arg_name, "stop") == 0 && a->cval == 0)) {
    diag_error(c->d, a->span, "'%s' must be %s", a->arg_name,
               a->arg_name[2] == 'a' ? "0 or later" : "after 0");
    return false;
  }
  if (fabs(k - (double)llround(k)) > 1e-6 * (k > 1 ? k : 1)) {
    diag_error(c->d, a->span, "'%s = %g ms' is not a whole number of time steps of %g ms",
               a->arg_name, a->cval * 1e3, c->m->dt * 1e3);
    return false;
  }
  *out = a->cval;
  return true;
}

/* Reads start = and stop = of a monitor; false after an error. */
static bool monitor_window(Checker *c, Decl *d, double *start, double *stop) {
  *start = *stop = 0;
  Expr *start_arg = NULL, *stop_arg = NULL;
  bool ok = true;
  for (Expr *a = d->args; a; a = a->next) {
    if (!is_window_arg(a)) continue;
    bool is_start = a->arg_name[2] == 'a';
    if (is_start ? start_arg : stop_arg) {
      diag_error(c->d, a->arg_name_span, "'%s' is given twice", a->arg_name);
      ok = false;
      continue;
    }
    if (is_start) start_arg = a;
    else stop_arg = a;
    ok = window_bound(c, a, is_start ? start : stop) && ok;
  }
  if (ok && stop_arg && *stop <= *start) {
    diag_error(c->d, stop_arg->span, "the monitor stops (%g ms) before it starts (%g ms)",
               *stop * 1e3, *start * 1e3);
    ok = false;
  }
  return ok;
}

static Monitor *new_monitor(Checker *c, Decl *d, MonitorKind kind) {
  Monitor *mo = arena_alloc(c->a, sizeof *mo);
  mo->decl = d;
  mo->kind = kind;
  vec_push(&c->m->monitors, mo);
  return mo;
}

static Population *monitor_population(Checker *c, Expr *a) {
  Expr *x = expr_strip(a);
  if (x->kind != EX_NAME || a->arg_name) {
    diag_error(c->d, a->span, "expected a population name");
    return NULL;
  }
  return connect_end(c, x, false);
}

/* The neurons [lo, hi) that x = P[k] or P[a:b] names (constant indices,
   already checked); false after saying why they are not a range of P. */
static bool monitor_range(Checker *c, Expr *x, Population *p, int64_t *lo_out,
                          int64_t *hi_out) {
  Expr *lo = x->rhs, *hi = x->hi;
  if (!require_const(c, lo, "an index") || (hi && !require_const(c, hi, "an index")))
    return false;
  double l = lo->cval, h = hi ? hi->cval : lo->cval + 1;
  if (!hi && l != floor(l)) {
    diag_error(c->d, x->span, "a neuron index must be a whole number, but it is %g", l);
    return false;
  }
  if (!hi && (l < 0 || l >= (double)p->size)) {
    diag_error(c->d, x->span, "neuron index %g is outside 0 .. %lld of '%s'", l,
               (long long)p->size - 1, p->name);
    return false;
  }
  if (l != floor(l) || h != floor(h) || l < 0 || h > (double)p->size || l >= h) {
    diag_error(c->d, x->span, "the range [%g:%g] is not a non-empty range inside 0 .. %lld of "
               "population '%s'", l, h, (long long)p->size, p->name);
    return false;
  }
  *lo_out = (int64_t)l;
  *hi_out = (int64_t)h;
  return true;
}

/* spikes(E), spikes(E[3]), spikes(E[0:10]): a population or some of its
   neurons. */
static void check_spike_monitor(Checker *c, Decl *d) {
  if (!d->args) diag_error(c->d, d->span, "spikes() needs populations, as in spikes(E, I)");
  for (Expr *a = d->args; a; a = a->next) {
    if (is_window_arg(a)) continue;
    Expr *x = expr_strip(a);
    bool indexed = x->kind == EX_INDEX && !a->arg_name;
    Population *p = monitor_population(c, indexed ? x->lhs : a);
    if (!p) continue;
    int64_t lo = 0, hi = p->size;
    if (indexed) {
      SavedContext saved = enter_context(c, &c->m->globals, 0, "in a neuron index");
      bool typed = check_number_dim(c, x->rhs, dim_none(), "a neuron index") &&
                   (!x->hi || check_number_dim(c, x->hi, dim_none(), "a neuron index"));
      leave_context(c, saved);
      if (!typed || !monitor_range(c, x, p, &lo, &hi)) continue;
    }
    Monitor *mo = new_monitor(c, d, MON_SPIKES);
    mo->pop = p;
    mo->lo = lo;
    mo->hi = hi;
  }
}

/* monitor state(E.v[0:10], every = 0.1 ms) */
static void check_state_monitor(Checker *c, Decl *d) {
  double every = 0;
  for (Expr *a = d->args; a; a = a->next)
    if (a->arg_name && strcmp(a->arg_name, "every") == 0) monitor_interval(c, a, &every);
  for (Expr *a = d->args; a; a = a->next) {
    if (a->arg_name) {
      if (strcmp(a->arg_name, "every") != 0 && !is_window_arg(a))
        diag_error(c->d, a->arg_name_span, "state() takes variables, 'every = ...', "
                   "'start = ...' and 'stop = ...'");
      continue;
    }
    SavedContext saved = enter_context(c, &c->m->globals, EF_MEMBERS | EF_STATE | EF_INDEXING, "in a monitor");
    check_expr(c, a);
    leave_context(c, saved);
    if (a->type == TY_UNKNOWN) continue;
    Expr *x = expr_strip(a), *member = x->kind == EX_INDEX ? expr_strip(x->lhs) : x;
    if (member->kind != EX_MEMBER || !member->sym) {
      diag_error(c->d, a->span, "state() records a population's variable, as in E.v or E.v[0:10]");
      continue;
    }
    Symbol *var = member->sym;
    if (var->kind != SYM_STATE) {
      diag_error(c->d, member->span, "state() records state variables; '%s' is a %s",
                 var->name, var->kind == SYM_PORT ? "port" : "definition");
      continue;
    }
    Population *p = expr_strip(member->lhs)->sym->of.population;
    Monitor *mo = new_monitor(c, d, MON_STATE);
    mo->pop = p;
    mo->var = var;
    mo->every = every;
    mo->lo = 0;
    mo->hi = p->size;
    if (x->kind == EX_INDEX && !monitor_range(c, x, p, &mo->lo, &mo->hi)) continue;
  }
}

/* The one connection from `from` to `to`, or NULL after saying why not. */
static Projection *monitored_connection(Checker *c, Expr *arrow, const char *kind) {
  Expr *from = expr_strip(arrow->lhs), *to = expr_strip(arrow->rhs);
  if (from->kind != EX_NAME || to->kind != EX_NAME) {
    diag_error(c->d, arrow->span, "name the connection by its two populations, as in X -> Y");
    return NULL;
  }
  /* Unknown ends first: "no connection" would send the user looking for one. */
  bool from_known = connect_end(c, from, false) != NULL;
  bool to_known = connect_end(c, to, false) != NULL;
  if (!from_known || !to_known) return NULL;
  Projection *found = NULL;
  int matches = 0;
  for (int k = 0; k < c->m->projections.len; k++) {
    Projection *pr = c->m->projections.items[k];
    if (strcmp(pr->pre->name, from->text) == 0 && strcmp(pr->post->name, to->text) == 0) {
      found = pr;
      matches++;
    }
  }
  if (!found) {
    diag_error(c->d, arrow->span, "no connection from '%s' to '%s' is declared", from->text,
               to->text);
    return NULL;
  }
  if (matches > 1) {
    diag_error(c->d, arrow->span, "there are %d connections from '%s' to '%s'; %s() needs "
               "exactly one", matches, from->text, to->text, kind);
    return NULL;
  }
  return found;
}

/* monitor weights(X -> Y, every = 1 s, where = i < 10) records w;
   monitor synapses(X -> Y, w, apre, every = ..., where = ...) the named
   variables, of every synapse or of those the condition selects. */
static void check_synapse_monitor(Checker *c, Decl *d, bool weights) {
  const char *kind = weights ? "weights" : "synapses";
  Expr *a = d->args;
  double every = 0;
  Symbol *named = a && a->kind == EX_NAME && !a->arg_name ?
                  scope_lookup(&c->m->globals, a->text) : NULL;
  if (!a || (a->kind != EX_ARROW && !(named && named->kind == SYM_CONNECTION))) {
    diag_error(c->d, a ? a->span : d->span, "%s() names a connection by its ends, as in "
               "%s(X -> Y%s, every = 1 s), or by its name", kind, kind, weights ? "" : ", w");
    return;
  }
  Expr *where = NULL;
  for (Expr *o = a->next; o; o = o->next) {
    if (is_window_arg(o)) continue;
    if (o->arg_name && strcmp(o->arg_name, "every") == 0) {
      monitor_interval(c, o, &every);
    } else if (o->arg_name && strcmp(o->arg_name, "where") == 0) {
      SavedContext saved = enter_context(c, &c->m->globals, EF_PARAMS | EF_I | EF_J,
                                         "in a monitor's selection");
      if (check_bool(c, o, "a monitor's selection")) where = o;
      leave_context(c, saved);
    } else if (weights || o->arg_name || expr_strip(o)->kind != EX_NAME) {
      diag_error(c->d, o->span, weights ? "weights() takes a connection, 'every = ...' and "
                 "'where = ...'" : "synapses() takes a connection, names of its synaptic "
                 "variables, 'every = ...' and 'where = ...'");
    }
  }
  Projection *found = a->kind == EX_ARROW ? monitored_connection(c, a, kind) :
                      named->of.projection;
  if (!found) return;
  if (named) named->used = true;
  int variables = 0;
  for (Expr *o = weights ? NULL : a->next; o; o = o->next) {
    Expr *name = expr_strip(o);
    if (o->arg_name || name->kind != EX_NAME) continue;
    variables++;
    Symbol *v = synapse_member(found->synapse, name->text);
    if (!v || (v->kind != SYM_STATE && v->kind != SYM_TRACE)) {
      diag_error(c->d, name->span, "synapse '%s' has no state variable or trace '%s'",
                 found->synapse->name, name->text);
      continue;
    }
    Monitor *mo = new_monitor(c, d, MON_WEIGHTS);
    mo->proj = found;
    mo->var = v;
    mo->every = every;
    mo->where = where;
  }
  if (weights) {
    Symbol *w = synapse_member(found->synapse, "w");
    if (!w || w->kind != SYM_STATE) {
      diag_error(c->d, a->span, "synapse '%s' has no state variable 'w' to record",
                 found->synapse->name);
      return;
    }
    Monitor *mo = new_monitor(c, d, MON_WEIGHTS);
    mo->proj = found;
    mo->var = w;
    mo->every = every;
    mo->where = where;
  } else if (!variables) {
    diag_error(c->d, d->span, "synapses() needs the variables to record, as in "
               "synapses(%s -> %s, w)", found->pre->name, found->post->name);
  }
}

/* monitor modulators(dopamine, every = 1 ms): its value;
   monitor rewards(dopamine): the time and amount of every reward it gets. */
static void check_modulator_monitor(Checker *c, Decl *d, bool values) {
  const char *kind = values ? "modulators" : "rewards";
  double every = 0;
  int named = 0;
  for (Expr *a = d->args; a; a = a->next) {
    if (is_window_arg(a)) continue;
    if (values && a->arg_name && strcmp(a->arg_name, "every") == 0) {
      monitor_interval(c, a, &every);
      continue;
    }
    Expr *x = expr_strip(a);
    if (a->arg_name || x->kind != EX_NAME) {
      diag_error(c->d, a->span, "%s() takes names of modulators%s", kind,
                 values ? " and 'every = ...'" : "");
      continue;
    }
    named++;
    Symbol *s = scope_lookup(&c->m->globals, x->text);
    if (!s || s->kind != SYM_MODULATOR) {
      if (!s) report_unknown_name(c, x->span, x->text, "modulator");
      else diag_error(c->d, x->span, "'%s' is not a modulator", x->text);
      continue;
    }
    s->used = true;
    x->sym = s;
  }
  if (!named) {
    diag_error(c->d, d->span, "%s() needs modulators, as in %s(dopamine)", kind, kind);
    return;
  }
  for (Expr *a = d->args; a; a = a->next) {
    Expr *x = expr_strip(a);
    if (a->arg_name || x->kind != EX_NAME || !x->sym || x->sym->kind != SYM_MODULATOR) continue;
    Monitor *mo = new_monitor(c, d, values ? MON_MODULATOR : MON_REWARDS);
    mo->mod = c->m->modulators.items[x->sym->index];
    mo->every = every;
  }
}

/* What one kind of monitor records. */
static void check_monitor_kind(Checker *c, Decl *d, const char *kind) {
  if (strcmp(kind, "spikes") == 0) {
    check_spike_monitor(c, d);
  } else if (strcmp(kind, "state") == 0) {
    check_state_monitor(c, d);
  } else if (strcmp(kind, "rate") == 0) {
    Population *p = d->args ? monitor_population(c, d->args) : NULL;
    double bin = 1e-3;
    for (Expr *a = d->args ? d->args->next : NULL; a; a = a->next) {
      if (is_window_arg(a)) continue;
      if (a->arg_name && strcmp(a->arg_name, "bin") == 0)
        monitor_interval(c, a, &bin);
      else
        diag_error(c->d, a->span, "rate() takes one population and 'bin = ...'");
    }
    if (!d->args) diag_error(c->d, d->span, "rate() needs a population, as in rate(E)");
    if (p) {
      Monitor *mo = new_monitor(c, d, MON_RATE);
      mo->pop = p;
      mo->bin = bin;
    }
  } else if (strcmp(kind, "weights") == 0 || strcmp(kind, "synapses") == 0) {
    check_synapse_monitor(c, d, kind[0] == 'w');
  } else if (strcmp(kind, "modulators") == 0 || strcmp(kind, "rewards") == 0) {
    check_modulator_monitor(c, d, kind[0] == 'm');
  } else {
    diag_error(c->d, d->type_span, "unknown monitor '%s'; use spikes(...), state(...), "
               "rate(...), weights(...), synapses(...), modulators(...) or rewards(...)", kind);
  }
}

void check_monitor(Checker *c, Decl *d) {
  const char *kind = d->type_name;
  double start, stop;
  int first = c->m->monitors.len;
  if (!monitor_window(c, d, &start, &stop)) return;
  check_monitor_kind(c, d, kind);
  for (int k = first; k < c->m->monitors.len; k++) {
    Monitor *mo = c->m->monitors.items[k];
    mo->start = start;
    mo->stop = stop;
  }
}
