/*
** check_synapse.c: checking synapse models.
**
** A synapse model is generic in the neurons at its two ends: `post.ge` means
** whatever `ge` is in the target population's model.  So a model is checked
** twice: once on its own, where pre./post. members are left unresolved and
** silent, and again for every connect that uses it, with the concrete
** neuron models (check_synapse_code), so a unit error in `post.ge += w`
** is reported with the connection that makes it one.
*/
#include <math.h>
#include <string.h>

#include "check.h"
#include "ode.h"

/* What synapse code may read: its own state, both neurons, i, j and t. */
enum { EF_SYNAPSE = EF_STATE | EF_TIME | EF_PARAMS | EF_PREPOST | EF_I | EF_J };

static Symbol *declare_synapse_member(Checker *c, SynapseModel *s, Decl *m) {
  SymKind kind;
  PtrVec *list;
  switch (m->kind) {
  case D_PARAM: kind = SYM_PARAM; list = &s->params; break;
  case D_CONST: kind = SYM_CONST; list = &s->consts; break;
  case D_STATE: kind = SYM_STATE; list = &s->states; break;
  case D_ALIAS: kind = SYM_ALIAS; list = &s->aliases; break;
  case D_TRACE: kind = SYM_TRACE; list = &s->traces; break;
  default: return NULL;
  }
  Symbol *sym = declare(c, &s->scope, kind, m->name, m->name_span, m);
  if (!sym) return NULL;
  sym->owner = s->decl;
  sym->home_flags = EF_SYNAPSE;
  sym->index = list->len;
  vec_push(list, sym);
  return sym;
}

static void set_once(Checker *c, SynapseModel *s, Decl **slot, Decl *m) {
  if (*slot) {
    diag_error(c->d, m->span, "synapse '%s' already has %s %s", s->name,
               m->kind == D_METHOD ? "a" : "an", decl_kind_name(m->kind));
    diag_note(c->d, (*slot)->span, "the first one is here");
    return;
  }
  *slot = m;
}

static void collect_synapse_members(Checker *c, SynapseModel *s) {
  for (Decl *m = s->decl->members; m; m = m->next) {
    switch (m->kind) {
    case D_ALIAS:
      if (strcmp(m->name, "delay") == 0) {
        if (s->delay) {
          diag_error(c->d, m->span, "synapse '%s' already has a delay", s->name);
          diag_note(c->d, s->delay_span, "the first one is here");
          continue;
        }
        s->delay = m->value;
        s->delay_span = m->span;
        continue;
      }
      declare_synapse_member(c, s, m);
      break;
    case D_PARAM: case D_CONST: case D_STATE: case D_TRACE:
      declare_synapse_member(c, s, m);
      break;
    case D_ODE:
      vec_push(&s->odes, m);
      break;
    case D_ON_PRE: set_once(c, s, &s->on_pre, m); break;
    case D_ON_POST: set_once(c, s, &s->on_post, m); break;
    case D_METHOD: set_once(c, s, &s->method_decl, m); break;
    case D_EVERY: vec_push(&s->every, m); break;
    case D_SPIKE: case D_RESET: case D_REFRACTORY: case D_PORT:
      diag_error(c->d, m->span, "a %s does not belong in a synapse model; it goes in a neuron "
                 "model", decl_kind_name(m->kind));
      break;
    default:
      diag_error(c->d, m->span, "a %s does not belong in a synapse model",
                 decl_kind_name(m->kind));
      break;
    }
  }
}

static void check_trace(Checker *c, SynapseModel *s, Symbol *tr) {
  Decl *d = tr->decl;
  check_symbol(c, tr);
  SavedContext saved = enter_context(c, &s->scope, EF_PARAMS, "in a trace's time constant");
  if (strcmp(d->type_name, "tau") != 0)
    diag_error(c->d, d->type_span, "a trace is declared with its time constant: 'trace %s : "
               "tau = 20 ms'", tr->name);
  else if (check_number_dim(c, d->value, dim_time(), "a trace's time constant") &&
           d->value->is_const && d->value->cval <= 0)
    diag_error(c->d, d->value->span, "a trace's time constant must be positive");
  leave_context(c, saved);
}

/* The first read of something other than the synapse's own state, its
   parameters and constants (pre./post. members, t), or NULL. */
static const Expr *first_outside_read(const Expr *e) {
  if (!e) return NULL;
  if (e->kind == EX_MEMBER) return e;
  if (e->kind == EX_NAME && e->sym) {
    if (e->sym->kind == SYM_VARIABLE && e->sym->builtin == VAR_T) return e;
    if (e->sym->kind == SYM_ALIAS) return first_outside_read(e->sym->expr) ? e : NULL;
    return NULL;
  }
  const Expr *r = first_outside_read(e->lhs);
  if (!r) r = first_outside_read(e->rhs);
  for (const Expr *a = e->args; a && !r; a = a->next) r = first_outside_read(a);
  return r;
}

/* What depends on the neurons at a synapse's ends: the model's own text
   (checked on its own, pre./post. unresolved) or a connection's copy. */
typedef struct SynapseCode {
  Scope *scope;
  PtrVec *aliases, *odes, *every;
  Decl *on_pre, *on_post;
} SynapseCode;

/* The synaptic equations, on_pre, on_post and every blocks. */
static void check_code(Checker *c, SynapseModel *s, const SynapseCode *code) {
  SavedContext saved = enter_context(c, code->scope, EF_SYNAPSE, "in synapse code");
  for (int k = 0; k < code->aliases->len; k++) check_symbol(c, code->aliases->items[k]);
  for (int k = 0; k < code->odes->len; k++) {
    Decl *ode = code->odes->items[k];
    Symbol *var = NULL;
    if (strcmp(ode->type_name, "dt") == 0 && ode->name[0] == 'd')
      var = scope_find_local(&s->scope, ode->name + 1);
    c->context = "in an equation";
    check_expr(c, ode->value);
    if (!var || (var->kind != SYM_STATE && var->kind != SYM_TRACE)) continue;
    ode->sym = var;
    Expr *v = ode->value;
    const Expr *outside = (ode->flags & DF_EVENT_DRIVEN) ? first_outside_read(v) : NULL;
    if (outside)
      diag_error(c->d, outside->span, "an event-driven equation is solved between spikes from "
                 "the synapse's own values, but '%s' can change at any step; make the equation "
                 "clock-driven", outside->kind == EX_MEMBER ? arena_printf(c->a, "%s.%s",
                 expr_strip(outside->lhs)->text, outside->text) : outside->text);
    if (var->checked) check_ode_dimension(c, var, v);
  }
  /* Event code may draw random numbers (a release probability, an
     exploring agent): each synapse draws anew at each step its code runs. */
  c->flags = EF_SYNAPSE | EF_RANDOM;
  c->context = "in on_pre";
  if (code->on_pre) check_block(c, code->on_pre->body, "on_pre", true);
  c->context = "in on_post";
  if (code->on_post) check_block(c, code->on_post->body, "on_post", true);
  c->context = "in an every block";
  for (int k = 0; k < code->every->len; k++) {
    Decl *ev = code->every->items[k];
    check_block(c, ev->body, "every", true);
  }
  leave_context(c, saved);
}

/* An event-driven equation is solved exactly between the events that
   touch its synapse, which needs a closed form: linear in its own variable
   with coefficients fixed for the run. */
static void check_event_driven(Checker *c, SynapseModel *s) {
  for (int k = 0; k < s->odes.len; k++) {
    Decl *ode = s->odes.items[k];
    if (!(ode->flags & DF_EVENT_DRIVEN) || !ode->sym || ode->value->type != TY_NUMBER) continue;
    Expr *coef, *rest;
    if (!ode_affine_constant(c->a, ode->value, ode->sym, &coef, &rest))
      diag_error(c->d, ode->value->span, "an event-driven equation is solved exactly between "
                 "events, so it must be linear in '%s' with coefficients made of parameters "
                 "and constants, as d%s/dt = (%s0 - %s) / tau; make it clock-driven",
                 ode->sym->name, ode->sym->name, ode->sym->name, ode->sym->name);
  }
}

/* Checks the left sides and flags of the synaptic equations. */
static void check_ode_heads(Checker *c, SynapseModel *s) {
  for (int k = 0; k < s->odes.len; k++) {
    Decl *ode = s->odes.items[k];
    if (strcmp(ode->type_name, "dt") != 0 || ode->name[0] != 'd' || !ode->name[1]) {
      diag_error(c->d, span_join(ode->name_span, ode->type_span), "the left side of an "
                 "equation must be the derivative of a state variable, written dX/dt");
      continue;
    }
    Symbol *var = scope_find_local(&s->scope, ode->name + 1);
    if (!var || var->kind != SYM_STATE) {
      diag_error(c->d, ode->name_span, "'%s' is not a state variable of synapse '%s'",
                 ode->name + 1, s->name);
      continue;
    }
    for (int q = 0; q < k; q++) {
      Decl *other = s->odes.items[q];
      if (strcmp(other->name, ode->name) == 0) {
        diag_error(c->d, ode->span, "'%s' already has an equation", ode->name + 1);
        diag_note(c->d, other->span, "the first equation is here");
      }
    }
    if (ode->flags & DF_UNLESS_REFRACTORY)
      diag_error(c->d, ode->span, "'unless refractory' applies to neuron equations, not to "
                 "synaptic ones");
    else if (!(ode->flags & (DF_EVENT_DRIVEN | DF_CLOCK_DRIVEN)))
      diag_error(c->d, ode->span, "say how this synaptic equation is integrated: add "
                 "'event-driven' (updated when a spike arrives) or 'clock-driven' (every step)");
  }
}

void check_synapse(Checker *c, Decl *d) {
  SynapseModel *s = d->sym->of.synapse;
  s->scope.parent = &c->m->globals;
  collect_synapse_members(c, s);
  for (int k = 0; k < s->params.len; k++) check_symbol(c, s->params.items[k]);
  for (int k = 0; k < s->consts.len; k++) check_symbol(c, s->consts.items[k]);
  for (int k = 0; k < s->traces.len; k++) check_trace(c, s, s->traces.items[k]);
  SavedContext saved = enter_context(c, &s->scope, c->flags, c->context);
  for (int k = 0; k < s->states.len; k++) {
    Symbol *st = s->states.items[k];
    check_symbol(c, st);
    if (!st->checked || !st->decl->value) continue;
    c->flags = EF_PARAMS | EF_RANDOM | EF_I | EF_J;
    c->context = "in an initial value";
    char what[128];
    snprintf(what, sizeof what, "the initial value of '%s'", st->name);
    check_number_dim(c, st->decl->value, st->dim, what);
    if (st->decl->lo) {
      c->flags = EF_PARAMS;
      c->context = "in a bound";
      snprintf(what, sizeof what, "the lower bound of '%s'", st->name);
      check_number_dim(c, st->decl->lo, st->dim, what);
      snprintf(what, sizeof what, "the upper bound of '%s'", st->name);
      check_number_dim(c, st->decl->hi, st->dim, what);
    }
  }
  if (s->delay) {
    c->flags = EF_PARAMS | EF_RANDOM | EF_I | EF_J;
    c->context = "in a delay";
    if (check_number_dim(c, s->delay, dim_time(), "a delay") && s->delay->is_const)
      check_constant_delay(c, s->delay);
  }
  c->flags = EF_PARAMS;
  c->context = "in an every interval";
  for (int k = 0; k < s->every.len; k++) {
    Decl *ev = s->every.items[k];
    if (!check_number_dim(c, ev->value, dim_time(), "the interval of 'every'") ||
        !require_const(c, ev->value, "the interval of 'every'"))
      continue;
    double steps = ev->value->cval / c->m->dt;
    if (ev->value->cval <= 0)
      diag_error(c->d, ev->value->span, "the interval of 'every' must be positive");
    else if (steps < 1 - 1e-9 || fabs(steps - (double)llround(steps)) > 1e-6 * steps)
      diag_error(c->d, ev->value->span, "the interval of 'every' (%g ms) is not a whole number "
                 "of time steps of %g ms", ev->value->cval * 1e3, c->m->dt * 1e3);
  }
  leave_context(c, saved);
  check_ode_heads(c, s);
  s->method = METHOD_AUTO;
  if (s->method_decl)
    diag_error(c->d, s->method_decl->span, "synaptic equations are integrated exactly between "
               "events (event-driven) or with the neuron's step (clock-driven); 'method' only "
               "applies to neuron models");
  c->pre = c->post = NULL;
  c->connect = NULL;
  SynapseCode own = {&s->scope, &s->aliases, &s->odes, &s->every, s->on_pre, s->on_post};
  int before = c->d->errors;
  check_code(c, s, &own);
  if (c->d->errors == before) check_event_driven(c, s);
}

/* The input port that e reads, directly or through definitions, or NULL.
   A port collects what synapses add during a step; synapse code may add
   to it, but what it would read is a sum still being made.  *site is the
   read in e itself (the port, or the definition that reads it). */
static const Symbol *port_read(const Expr *e, const Expr **site) {
  if (!e) return NULL;
  if ((e->kind == EX_NAME || e->kind == EX_MEMBER) && e->sym) {
    const Expr *inner;
    const Symbol *port = e->sym->kind == SYM_PORT ? e->sym :
                         e->sym->kind == SYM_ALIAS ? port_read(e->sym->expr, &inner) : NULL;
    if (port) *site = e;
    return port;
  }
  const Symbol *r = port_read(e->lhs, site);
  if (!r) r = port_read(e->rhs, site);
  if (!r) r = port_read(e->hi, site);
  for (const Expr *a = e->args; a && !r; a = a->next) r = port_read(a, site);
  return r;
}

static void refuse_port_read(Checker *c, const Expr *value) {
  const Expr *site = NULL;
  const Symbol *port = port_read(value, &site);
  if (!port) return;
  const char *end = site->kind == EX_MEMBER ? expr_strip(site->lhs)->text : "post";
  if (site->sym == port)
    diag_error(c->d, site->span, "'%s.%s' is an input port: synapse code can add to it "
               "(%s.%s += ...) but not read it", end, port->name, end, port->name);
  else
    diag_error(c->d, site->span, "'%s' reads the input port '%s' of the neuron; synapse code "
               "can add to a port but not read it", site->kind == EX_MEMBER ?
               arena_printf(c->a, "%s.%s", end, site->text) : site->text, port->name);
}

static void refuse_port_reads_in(Checker *c, const Stmt *body) {
  for (const Stmt *st = body; st; st = st->next) refuse_port_read(c, st->value);
}

static void refuse_port_reads(Checker *c, const SynapseInstance *in) {
  if (in->on_pre) refuse_port_reads_in(c, in->on_pre->body);
  if (in->on_post) refuse_port_reads_in(c, in->on_post->body);
  for (int k = 0; k < in->every.len; k++)
    refuse_port_reads_in(c, ((Decl *)in->every.items[k])->body);
  for (int k = 0; k < in->odes.len; k++) refuse_port_read(c, ((Decl *)in->odes.items[k])->value);
}

/* Whether what synapses add to variable `var` of neuron model `nm` is
   dropped while the neuron is refractory (section 7.8 of the language). */
static bool drops_refractory_input(const NeuronModel *nm, const Symbol *var) {
  if (!nm || !nm->refractory || nm->refractory_keeps_input || var->kind != SYM_STATE)
    return false;
  for (int k = 0; k < nm->odes.len; k++) {
    const Decl *ode = nm->odes.items[k];
    if (ode->sym == var) return (ode->flags & DF_UNLESS_REFRACTORY) != 0;
  }
  return false;
}

/* Dropped input cannot be undone, so synapse code may only add to a
   variable whose input is dropped while refractory, not set or scale it. */
static void refuse_frozen_sets_in(Checker *c, const Stmt *body, const NeuronModel *post) {
  for (const Stmt *st = body; st; st = st->next) {
    const Expr *t = expr_strip(st->target);
    if (t->kind != EX_MEMBER || !t->sym || strcmp(expr_strip(t->lhs)->text, "post") != 0)
      continue;
    if (st->op == AS_ADD || st->op == AS_SUB || !drops_refractory_input(post, t->sym)) continue;
    diag_error(c->d, st->span, "'%s' of neuron '%s' is frozen while refractory ('unless "
               "refractory'), and what synapses add to it then is dropped: synapse code can "
               "add to it (+=, -=) but not set or scale it; write 'refractory ..., input = "
               "keep' in the neuron model to let synapse code change it at any time",
               t->sym->name, post->name);
  }
}

static void refuse_frozen_sets(Checker *c, const SynapseInstance *in, const NeuronModel *post) {
  if (in->on_pre) refuse_frozen_sets_in(c, in->on_pre->body, post);
  if (in->on_post) refuse_frozen_sets_in(c, in->on_post->body, post);
  for (int k = 0; k < in->every.len; k++)
    refuse_frozen_sets_in(c, ((Decl *)in->every.items[k])->body, post);
}

/* Copies a definition of the model into an instance's scope. */
static void copy_alias(Checker *c, SynapseInstance *in, const Symbol *a) {
  Symbol *copy = arena_alloc(c->a, sizeof *copy);
  *copy = *a;
  copy->decl = decl_clone(c->a, a->decl);
  copy->decl->sym = copy;
  copy->expr = NULL;
  copy->checked = copy->checking = copy->used = false;
  copy->has_value = false;
  copy->home = &in->scope;
  scope_add(&in->scope, copy);
  vec_push(&in->aliases, copy);
}

static void copy_decls(Checker *c, PtrVec *to, const PtrVec *from) {
  for (int k = 0; k < from->len; k++) vec_push(to, decl_clone(c->a, from->items[k]));
}

SynapseInstance *check_synapse_code(Checker *c, SynapseModel *s, NeuronModel *pre,
                                    NeuronModel *post, Decl *connect) {
  SynapseInstance *in = arena_alloc(c->a, sizeof *in);
  in->model = s;
  in->pre = pre;
  in->post = post;
  in->scope.parent = &s->scope;
  for (int k = 0; k < s->aliases.len; k++) copy_alias(c, in, s->aliases.items[k]);
  copy_decls(c, &in->odes, &s->odes);
  copy_decls(c, &in->every, &s->every);
  in->on_pre = decl_clone(c->a, s->on_pre);
  in->on_post = decl_clone(c->a, s->on_post);
  c->pre = pre;
  c->post = post;
  c->connect = connect;
  int before = c->d->errors;
  SynapseCode code = {&in->scope, &in->aliases, &in->odes, &in->every, in->on_pre, in->on_post};
  check_code(c, s, &code);
  if (c->d->errors == before) refuse_port_reads(c, in);
  if (c->d->errors == before) refuse_frozen_sets(c, in, post);
  if (c->d->errors > before)
    diag_note(c->d, connect->span, "synapse '%s' is used here, from %s to %s", s->name,
              pre ? pre->name : "an input", post ? post->name : "an input");
  c->pre = c->post = NULL;
  c->connect = NULL;
  return in;
}
