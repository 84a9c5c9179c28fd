/*
** plan_synapse.c: how a projection's synapse code is carried out.
**
** For one connection (its SynapseInstance), decides:
**   - which on_pre statements are sums `post.x += w` with a weight that
**     never changes: those the runtime delivers in bulk, without calling
**     generated code per synapse (route.c); the rest is event code;
**   - where every synaptic variable lives: per synapse, or once per pre-
**     or postsynaptic neuron when only that neuron's spikes change it and
**     every synapse of the neuron would hold the same value;
**   - which variables follow an exact solution between events (traces and
**     event-driven equations: dx/dt = rate x + drift, brought up to date
**     lazily), and which are integrated every step (clock-driven);
**   - how a per-synapse lazy variable knows the time of its last update.
*/
#include <assert.h>
#include <string.h>

#include "builtins.h"
#include "plan.h"

/* What an expression of synapse code refers to. */
enum Refs {
  REF_SYN_STATE = 1,    /* a synaptic state variable or trace */
  REF_PREPOST = 2,      /* pre.x or post.x */
  REF_TIME = 4,         /* t */
  REF_INDEX = 8,        /* i or j */
  REF_RANDOM = 16,      /* a random draw */
};

static int refs(const Expr *e) {
  if (!e) return 0;
  int r = 0;
  switch (e->kind) {
  case EX_NAME: {
    const Symbol *s = e->sym;
    if (!s) return 0;
    if (s->kind == SYM_ALIAS) return refs(s->expr);
    if (s->kind == SYM_STATE || s->kind == SYM_TRACE) return REF_SYN_STATE;
    if (s->kind == SYM_MODULATOR) return REF_TIME; /* it changes during the run */
    if (s->kind == SYM_VARIABLE)
      return s->builtin == VAR_T ? REF_TIME : (s->builtin == VAR_I || s->builtin == VAR_J)
             ? REF_INDEX : 0;
    return 0;
  }
  case EX_MEMBER:
    return REF_PREPOST;
  case EX_CALL: {
    const Builtin *b = e->sym ? NULL : builtin_lookup(e->text);
    if (b && b->random) r |= REF_RANDOM;
    break;
  }
  default:
    break;
  }
  r |= refs(e->lhs) | refs(e->rhs) | refs(e->hi);
  for (const Expr *a = e->args; a; a = a->next) r |= refs(a);
  return r;
}

/* --- Where variables are written -------------------------------------------- */

enum WrittenIn { IN_PRE = 1, IN_POST = 2, IN_EVERY = 4, IN_CLOCK = 8 };

static const Symbol *target_symbol(const Stmt *st) {
  const Expr *t = expr_strip(st->target);
  return t->kind == EX_NAME ? t->sym : NULL;
}

static int written_in_body(const Stmt *body, const Symbol *s, int where) {
  for (const Stmt *st = body; st; st = st->next)
    if (target_symbol(st) == s) return where;
  return 0;
}

static int written_in(const SynapseInstance *in, const Symbol *s) {
  int w = 0;
  if (in->on_pre) w |= written_in_body(in->on_pre->body, s, IN_PRE);
  if (in->on_post) w |= written_in_body(in->on_post->body, s, IN_POST);
  for (int k = 0; k < in->every.len; k++)
    w |= written_in_body(((Decl *)in->every.items[k])->body, s, IN_EVERY);
  for (int k = 0; k < in->odes.len; k++) {
    const Decl *ode = in->odes.items[k];
    if (ode->sym == s && (ode->flags & DF_CLOCK_DRIVEN)) w |= IN_CLOCK;
  }
  return w;
}

/* True if a block assigns to a variable of the neuron at `end`. */
static bool writes_end(const Decl *block, SynapseEnd end) {
  for (const Stmt *st = block ? block->body : NULL; st; st = st->next) {
    const Expr *t = expr_strip(st->target);
    if (t->kind == EX_MEMBER && member_end(t) == end) return true;
  }
  return false;
}

/* --- Variables kept per neuron ------------------------------------------------ */

/* True if e has the same value for every synapse of one neuron at `end`:
   it reads that neuron's variables, the synapse's variables that are kept
   per neuron at that end (candidates), parameters, t, dt and the neuron's
   index, and draws nothing. */
static bool shared_by_end(const ProjPlan *jp, const Expr *e, SynapseEnd end, bool end_written,
                          const bool *candidate) {
  if (!e) return true;
  switch (e->kind) {
  case EX_MEMBER:
    return member_end(e) == end && !end_written;
  case EX_NAME: {
    const Symbol *s = e->sym;
    if (!s) return true;
    if (s->kind == SYM_ALIAS) return shared_by_end(jp, s->expr, end, end_written, candidate);
    if (s->kind == SYM_STATE || s->kind == SYM_TRACE) {
      const SynVar *v = plan_syn_var(jp, s);
      return v && candidate[v - jp->vars];
    }
    if (s->kind == SYM_VARIABLE)
      return !(s->builtin == (end == END_PRE ? VAR_J : VAR_I));
    return true;
  }
  case EX_CALL: {
    const Builtin *b = e->sym ? NULL : builtin_lookup(e->text);
    if (b && b->random) return false;
    break;
  }
  default:
    break;
  }
  if (!shared_by_end(jp, e->lhs, end, end_written, candidate) ||
      !shared_by_end(jp, e->rhs, end, end_written, candidate) ||
      !shared_by_end(jp, e->hi, end, end_written, candidate))
    return false;
  for (const Expr *a = e->args; a; a = a->next)
    if (!shared_by_end(jp, a, end, end_written, candidate)) return false;
  return true;
}

/* Marks the variables that can be kept once per neuron at `end`: written
   only in that end's block, from values its synapses share, starting from
   one shared value, under one delay for all synapses (so that arrivals,
   which update a presynaptic variable, coincide).  Candidates that read a
   variable that fails are dropped until nothing changes. */
static void choose_shared(const Plan *p, ProjPlan *jp, SynapseEnd end, bool *candidate) {
  const SynapseInstance *in = jp->proj->inst;
  const Decl *block = end == END_PRE ? in->on_pre : in->on_post;
  int where = end == END_PRE ? IN_PRE : IN_POST;
  bool end_written = writes_end(block, end);
  for (int k = 0; k < jp->nvars; k++) {
    SynVar *v = &jp->vars[k];
    candidate[k] = block && v->written && written_in(in, v->sym) == where && !v->clock_ode &&
                   (end == END_POST || jp->delay_uniform);
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (int k = 0; k < jp->nvars; k++) {
      if (!candidate[k]) continue;
      SynVar *v = &jp->vars[k];
      bool ok = shared_by_end(jp, synapse_initial(jp->proj, v->sym), end, false, candidate);
      for (const Stmt *st = block->body; ok && st; st = st->next)
        if (target_symbol(st) == v->sym)
          ok = shared_by_end(jp, st->value, end, end_written, candidate);
      if (!ok) {
        candidate[k] = false;
        changed = true;
      }
    }
  }
}

/* --- Lazy and clock-driven variables ------------------------------------------ */

static void describe_dynamics(Arena *a, ProjPlan *jp) {
  const SynapseInstance *in = jp->proj->inst;
  for (int k = 0; k < jp->nvars; k++) {
    SynVar *v = &jp->vars[k];
    if (v->sym->kind == SYM_TRACE) {
      /* trace x : tau = T is dx/dt = -x / T */
      v->lazy = true;
      Expr *tau = v->sym->decl->value;
      Expr *one = expr_new(a, EX_NUMBER, tau->span);
      one->type = TY_NUMBER;
      one->dim = dim_none();
      one->num = one->cval = 1;
      one->is_const = true;
      one->text = "1";
      Expr *rate = expr_new(a, EX_BINARY, tau->span);
      rate->op = OP_DIV;
      rate->lhs = one;
      rate->rhs = tau;
      rate->type = TY_NUMBER;
      rate->dim = dim_div(dim_none(), tau->dim);
      rate->is_const = tau->is_const;
      rate->cval = tau->is_const ? 1 / tau->cval : 0;
      Expr *neg = expr_new(a, EX_UNARY, tau->span);
      neg->op = OP_NEG;
      neg->lhs = rate;
      neg->type = TY_NUMBER;
      neg->dim = rate->dim;
      neg->is_const = rate->is_const;
      neg->cval = -rate->cval;
      v->rate = neg;
    }
  }
  for (int k = 0; k < in->odes.len; k++) {
    Decl *ode = in->odes.items[k];
    SynVar *v = (SynVar *)plan_syn_var(jp, ode->sym);
    assert(v);
    if (ode->flags & DF_EVENT_DRIVEN) {
      bool affine = ode_affine_constant(a, ode->value, ode->sym, &v->rate, &v->drift);
      assert(affine); /* the checker refuses anything else */
      (void)affine;
      v->lazy = true;
    } else {
      v->clock_ode = ode;
      v->ode_affine = ode_affine(a, ode->value, ode->sym, &v->ode_coef, &v->ode_rest);
    }
    v->written = true;
  }
}

/* --- Sums and events of on_pre -------------------------------------------------- */

/* True if the weight reads only parameters, constants, i, j and synaptic
   states that nothing ever changes. */
static bool static_weight(const ProjPlan *jp, const Expr *e) {
  if (!e) return true;
  if (e->kind == EX_MEMBER) return false;
  if (e->kind == EX_NAME && e->sym) {
    const Symbol *s = e->sym;
    if (s->kind == SYM_ALIAS) return static_weight(jp, s->expr);
    if (s->kind == SYM_TRACE) return false;
    if (s->kind == SYM_STATE) return !plan_syn_var(jp, s)->written;
    if (s->kind == SYM_VARIABLE && s->builtin == VAR_T) return false;
    if (s->kind == SYM_MODULATOR) return false;
    return true;
  }
  if (!static_weight(jp, e->lhs) || !static_weight(jp, e->rhs) || !static_weight(jp, e->hi))
    return false;
  for (const Expr *a = e->args; a; a = a->next)
    if (!static_weight(jp, a)) return false;
  return true;
}

/* The symbol of the target's model that a statement target `post.x`
   denotes (resolved for this connection by the checker), or NULL. */
static Symbol *post_symbol(const Expr *t) {
  const Expr *x = expr_strip((Expr *)t);
  if (x->kind != EX_MEMBER || member_end(x) != END_POST) return NULL;
  return x->sym;
}

static void plan_on_pre(Arena *a, Plan *p, ProjPlan *jp) {
  Projection *pr = jp->proj;
  const SynapseInstance *in = pr->inst;
  Stmt *on_pre = in->on_pre ? in->on_pre->body : NULL;
  int nstmt = 0;
  for (Stmt *st = on_pre; st; st = st->next) nstmt++;
  jp->additive = arena_alloc(a, sizeof(AdditivePlan) * (size_t)(nstmt + 1));
  jp->event_stmts = arena_alloc(a, sizeof(Stmt *) * (size_t)(nstmt + 1));
  /* A plain assignment to post.x mixed with sums into it would change
     meaning if the sums were deferred: then everything goes to events. */
  bool all_events = false;
  for (Stmt *st = on_pre; st; st = st->next) {
    Symbol *ps = post_symbol(st->target);
    if (ps && st->op != AS_ADD && st->op != AS_SUB) all_events = true;
  }
  PopPlan *post = &p->pops[pr->post->index];
  for (Stmt *st = on_pre; st; st = st->next) {
    Symbol *ps = post_symbol(st->target);
    bool sum = ps && (st->op == AS_ADD || st->op == AS_SUB) && !all_events &&
               static_weight(jp, st->value) && !(refs(st->value) & REF_RANDOM);
    if (!sum) {
      jp->event_stmts[jp->nevent++] = st;
      continue;
    }
    AdditivePlan *ad = &jp->additive[jp->nadditive++];
    ad->stmt = st;
    /* Without delays a sum into a state can go straight into the state
       array after the step: the same result as an accumulator added at the
       start of the next step, without sweeping an accumulator every step. */
    ad->target_state = -1;
    if (ps->kind == SYM_STATE && !post->delayed && !plan_input_dropped_when_refractory(post, ps)) {
      ad->input_slot = -1;
      ad->target_state = ps->index;
    } else {
      ad->input_slot = plan_add_input_slot(a, post, ps, ps->kind == SYM_PORT);
    }
    ad->weight = st->value;
    ad->negate = st->op == AS_SUB;
    ad->uniform = !(refs(st->value) & (REF_SYN_STATE | REF_INDEX));
    ad->value = -1;
  }
}

/* Event code of any block may write post ports: those need slots too, as
   do the variables whose input is dropped while the neuron is refractory
   (the target's step kernel adds the slot only when it is not). */
static void add_port_slots(Arena *a, Plan *p, ProjPlan *jp, const Decl *block) {
  PopPlan *post = &p->pops[jp->proj->post->index];
  for (const Stmt *st = block ? block->body : NULL; st; st = st->next) {
    Symbol *ps = post_symbol(st->target);
    if (ps && ps->kind == SYM_PORT) plan_add_input_slot(a, post, ps, true);
    else if (ps && plan_input_dropped_when_refractory(post, ps))
      plan_add_input_slot(a, post, ps, false);
  }
}

/* --- The plan of one projection --------------------------------------------------- */

const SynVar *plan_syn_var(const ProjPlan *jp, const Symbol *sym) {
  for (int k = 0; k < jp->nvars; k++)
    if (jp->vars[k].sym == sym) return &jp->vars[k];
  return NULL;
}

/* The weight Strategy A's agents change between steps (agents on A -> B). */
static const Symbol *agents_weight(const Plan *p, const Projection *pr) {
  for (int k = 0; k < p->m->agents.len; k++) {
    const AgentsBlock *ab = p->m->agents.items[k];
    if (ab->proj == pr) return ab->weight;
  }
  return NULL;
}

static void collect_vars(Arena *a, const Plan *p, ProjPlan *jp) {
  const SynapseModel *s = jp->proj->synapse;
  const Symbol *changed = agents_weight(p, jp->proj);
  const SynapseInstance *in = jp->proj->inst;
  jp->nvars = s->states.len + s->traces.len;
  jp->vars = arena_alloc(a, sizeof(SynVar) * (size_t)(jp->nvars + 1));
  for (int k = 0; k < jp->nvars; k++) {
    SynVar *v = &jp->vars[k];
    v->sym = k < s->states.len ? s->states.items[k] : s->traces.items[k - s->states.len];
    /* What the agents change is written, though no synapse code writes it:
       it must be read at every event, never folded into a fixed weight. */
    v->written = written_in(in, v->sym) != 0 || v->sym == changed;
  }
}

/* Slots: per-synapse variables first (then the per-synapse weights of
   sums), per-neuron ones in their own arrays. */
static void assign_storage(Arena *a, const Plan *p, ProjPlan *jp) {
  bool *pre = arena_alloc(a, sizeof(bool) * (size_t)(jp->nvars + 1));
  bool *post = arena_alloc(a, sizeof(bool) * (size_t)(jp->nvars + 1));
  choose_shared(p, jp, END_PRE, pre);
  choose_shared(p, jp, END_POST, post);
  jp->values = arena_alloc(a, sizeof(Symbol *) * (size_t)(jp->nvars + jp->nadditive + 1));
  for (int k = 0; k < jp->nvars; k++) {
    SynVar *v = &jp->vars[k];
    if (pre[k]) {
      v->storage = STORE_PRE;
      v->slot = jp->npre_values++;
    } else if (post[k]) {
      v->storage = STORE_POST;
      v->slot = jp->npost_values++;
    } else {
      v->storage = STORE_SYNAPSE;
      v->slot = jp->nvalues;
      jp->values[jp->nvalues++] = v->sym;
    }
  }
  for (int k = 0; k < jp->nadditive; k++) {
    AdditivePlan *ad = &jp->additive[k];
    if (ad->uniform) continue;
    const Expr *w = expr_strip(ad->weight);
    if (w->kind == EX_NAME && w->sym && w->sym->kind == SYM_STATE)
      ad->value = plan_syn_var(jp, w->sym)->slot;
    if (ad->value < 0) ad->value = jp->nvalues + jp->nweights++;
  }
}

void plan_synapses(Arena *a, Plan *p, ProjPlan *jp) {
  Projection *pr = jp->proj;
  const SynapseInstance *in = pr->inst;
  jp->delay = pr->delay ? pr->delay : pr->synapse->delay;
  jp->delay_uniform = !jp->delay || !(refs(jp->delay) & (REF_INDEX | REF_RANDOM |
                                                         REF_SYN_STATE | REF_PREPOST));
  collect_vars(a, p, jp);
  describe_dynamics(a, jp);
  plan_on_pre(a, p, jp);
  add_port_slots(a, p, jp, in->on_pre);
  add_port_slots(a, p, jp, in->on_post);
  for (int k = 0; k < in->every.len; k++) add_port_slots(a, p, jp, in->every.items[k]);
  assign_storage(a, p, jp);
  jp->has_on_pre = jp->nevent > 0;
  jp->has_on_post = in->on_post != NULL;
  jp->post_index = jp->has_on_post;
  bool lazy_per_synapse = false;
  for (int k = 0; k < jp->nvars; k++) {
    const SynVar *v = &jp->vars[k];
    if (v->clock_ode) jp->clock_driven = true;
    if (v->lazy && v->storage == STORE_SYNAPSE) lazy_per_synapse = true;
  }
  jp->clock = !lazy_per_synapse ? CLOCK_NONE : jp->delay_uniform ? CLOCK_DERIVED
                                                                : CLOCK_PER_SYNAPSE;
  for (int k = 0; k < jp->nvars; k++) {
    SynVar *v = &jp->vars[k];
    v->table = v->lazy && v->rate ? jp->ndecay++ : -1;
  }
}
