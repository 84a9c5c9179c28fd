/*
** plan.c: lowering decisions: parameter slots, input slots, integrators,
** and how each projection's on_pre code is carried out.
*/
#include "plan.h"

#include "builtins.h"

#include <assert.h>
#include <string.h>

int plan_input_slot(const PopPlan *pp, const Symbol *var) {
  for (int k = 0; k < pp->ninputs; k++)
    if (pp->inputs[k].var == var) return k;
  return -1;
}

bool plan_input_dropped_when_refractory(const PopPlan *pp, const Symbol *var) {
  const NeuronModel *nm = pp->pop->model;
  if (!nm || !nm->refractory || nm->refractory_keeps_input || var->kind != SYM_STATE) return false;
  for (int k = 0; k < pp->ode.n; k++)
    if (pp->ode.var[k] == var) return pp->ode.clamped[k];
  return false;
}

int plan_add_input_slot(Arena *a, PopPlan *pp, Symbol *var, bool is_port) {
  int k = plan_input_slot(pp, var);
  if (k >= 0) return k;
  InputSlot *grown = arena_alloc(a, sizeof(InputSlot) * (size_t)(pp->ninputs + 1));
  if (pp->ninputs) memcpy(grown, pp->inputs, sizeof(InputSlot) * (size_t)pp->ninputs);
  grown[pp->ninputs].var = var;
  grown[pp->ninputs].is_port = is_port;
  grown[pp->ninputs].refractory_gated = plan_input_dropped_when_refractory(pp, var);
  pp->inputs = grown;
  return pp->ninputs++;
}

/* --- Random streams ------------------------------------------------------ */

/* Growable list of sites while the plan is built. */
typedef struct SiteList {
  Arena *a;
  Plan *p;
  int cap;
} SiteList;

static void add_site(SiteList *l, const Expr *call, int pop, int proj) {
  Plan *p = l->p;
  if (p->nsites == l->cap) {
    int cap = l->cap ? 2 * l->cap : 16;
    RandomSite *grown = arena_alloc(l->a, sizeof(RandomSite) * (size_t)cap);
    if (p->nsites) memcpy(grown, p->sites, sizeof(RandomSite) * (size_t)p->nsites);
    p->sites = grown;
    l->cap = cap;
  }
  p->sites[p->nsites++] = (RandomSite){call, pop, proj, ++p->nstreams};
}

/* Every random call of e, for population pop or projection proj. */
static void collect_sites(SiteList *l, const Expr *e, int pop, int proj) {
  if (!e) return;
  if (e->kind == EX_CALL && !e->sym) {
    const Builtin *b = builtin_lookup(e->text);
    if (b && b->random) add_site(l, e, pop, proj);
  }
  collect_sites(l, e->lhs, pop, proj);
  collect_sites(l, e->rhs, pop, proj);
  collect_sites(l, e->hi, pop, proj);
  for (const Expr *a = e->args; a; a = a->next) collect_sites(l, a, pop, proj);
}

static void collect_block_sites(SiteList *l, const Decl *block, int proj) {
  for (const Stmt *st = block ? block->body : NULL; st; st = st->next)
    collect_sites(l, st->value, -1, proj);
}

/* Streams in model order: per population its source stream and the draws
   of its initial values; per projection its connection rule and the draws
   of its initial values, delays and event code. */
static void plan_streams(Arena *a, Plan *p) {
  Model *m = p->m;
  SiteList l = {a, p, 0};
  for (int k = 0; k < m->populations.len; k++) {
    PopPlan *pp = &p->pops[k];
    Population *pop = pp->pop;
    pp->stream = pop->kind == POP_POISSON ? ++p->nstreams : -1;
    for (int q = 0; q < pp->currents.len; q++)
      collect_sites(&l, ((CurrentInput *)pp->currents.items[q])->value, k, -1);
    for (int q = 0; pop->model && q < pop->model->states.len; q++) {
      collect_sites(&l, population_initial(pop, pop->model->states.items[q]), k, -1);
    }
  }
  for (int k = 0; k < m->projections.len; k++) {
    ProjPlan *jp = &p->projs[k];
    const SynapseInstance *in = jp->proj->inst;
    jp->stream = ++p->nstreams;
    for (int v = 0; v < jp->nvalues; v++) collect_sites(&l, synapse_initial(jp->proj, jp->values[v]), -1, k);
    collect_sites(&l, jp->delay, -1, k);
    collect_block_sites(&l, in->on_pre, k);
    collect_block_sites(&l, in->on_post, k);
    for (int q = 0; q < in->every.len; q++) collect_block_sites(&l, in->every.items[q], k);
  }
  /* Reward rules: their random times, then the draws of their amounts and
     delays (which belong to no population or connection). */
  p->reward_stream = arena_alloc(a, sizeof(int) * (size_t)(m->rewards.len + 1));
  for (int k = 0; k < m->rewards.len; k++) {
    const RewardRule *r = m->rewards.items[k];
    p->reward_stream[k] = ++p->nstreams;
    collect_sites(&l, r->amount, -1, -1);
    collect_sites(&l, r->delay, -1, -1);
  }
  /* The closed loop's tie-breaks between equally good actions. */
  p->env_stream = m->env ? ++p->nstreams : 0;
  /* ... and one per agents block for the agents' choices (env_stream + 1 + k). */
  p->nstreams += m->agents.len;
}

int plan_random_stream(const Plan *p, const Expr *call, int pop, int proj) {
  for (int k = 0; k < p->nsites; k++) {
    const RandomSite *s = &p->sites[k];
    if (s->call == call && s->pop == pop && s->proj == proj) return s->stream;
  }
  assert(!"a random call that the plan did not assign a stream");
  return 0;
}

const Expr *population_initial(const Population *p, const Symbol *s) {
  for (int q = 0; q < p->overrides.len; q++) {
    const Decl *o = p->overrides.items[q];
    if (o->sym == s) return o->value;
  }
  return s->decl->value;
}

const Expr *synapse_initial(const Projection *pr, const Symbol *s) {
  for (int q = 0; q < pr->inits.len; q++) {
    const Decl *d = pr->inits.items[q];
    if (d->sym == s) return d->value;
  }
  return s->kind == SYM_STATE ? s->decl->value : NULL;
}

int plan_param_slot(const Plan *p, const Symbol *sym, int pop, int proj) {
  assert(sym->kind == SYM_PARAM);
  if (!sym->owner) return sym->index;
  if (sym->owner->kind == D_NEURON) {
    assert(pop >= 0);
    return p->pops[pop].param_base + sym->index;
  }
  assert(proj >= 0);
  return p->projs[proj].param_base + sym->index;
}

const Expr *plan_param_value(const Plan *p, int slot) {
  return p->param_override[slot] ? p->param_override[slot]->value : p->param_sym[slot]->decl->value;
}

static Decl *find_override(PtrVec *list, const Symbol *sym) {
  for (int k = 0; k < list->len; k++) {
    Decl *d = list->items[k];
    if (d->sym == sym) return d;
  }
  return NULL;
}

static void plan_params(Arena *a, Plan *p) {
  Model *m = p->m;
  int n = m->params.len;
  for (int k = 0; k < m->populations.len; k++) {
    Population *pop = m->populations.items[k];
    p->pops[k].param_base = n;
    if (pop->model) n += pop->model->params.len;
  }
  for (int k = 0; k < m->projections.len; k++) {
    Projection *pr = m->projections.items[k];
    p->projs[k].param_base = n;
    n += pr->synapse->params.len;
  }
  p->nparams = n;
  p->param_sym = arena_alloc(a, sizeof(Symbol *) * (size_t)(n + 1));
  p->param_name = arena_alloc(a, sizeof(char *) * (size_t)(n + 1));
  p->param_override = arena_alloc(a, sizeof(Decl *) * (size_t)(n + 1));
  p->param_pop = arena_alloc(a, sizeof(int) * (size_t)(n + 1));
  p->param_proj = arena_alloc(a, sizeof(int) * (size_t)(n + 1));
  for (int k = 0; k < n; k++) p->param_pop[k] = p->param_proj[k] = -1;
  for (int k = 0; k < m->params.len; k++) {
    p->param_sym[k] = m->params.items[k];
    p->param_name[k] = p->param_sym[k]->name;
  }
  for (int k = 0; k < m->populations.len; k++) {
    Population *pop = m->populations.items[k];
    for (int q = 0; pop->model && q < pop->model->params.len; q++) {
      int slot = p->pops[k].param_base + q;
      Symbol *s = pop->model->params.items[q];
      p->param_sym[slot] = s;
      p->param_name[slot] = arena_printf(a, "%s.%s", pop->name, s->name);
      p->param_override[slot] = find_override(&pop->overrides, s);
      p->param_pop[slot] = k;
    }
  }
  for (int k = 0; k < m->projections.len; k++) {
    Projection *pr = m->projections.items[k];
    for (int q = 0; q < pr->synapse->params.len; q++) {
      int slot = p->projs[k].param_base + q;
      Symbol *s = pr->synapse->params.items[q];
      p->param_sym[slot] = s;
      p->param_name[slot] = arena_printf(a, "%s->%s.%s", pr->pre->name, pr->post->name, s->name);
      p->param_override[slot] = find_override(&pr->inits, s);
      p->param_proj[slot] = k;
    }
  }
}

void plan_build(Arena *a, Model *m, Plan *p) {
  memset(p, 0, sizeof *p);
  p->m = m;
  p->pops = arena_alloc(a, sizeof(PopPlan) * (size_t)(m->populations.len + 1));
  p->projs = arena_alloc(a, sizeof(ProjPlan) * (size_t)(m->projections.len + 1));
  plan_params(a, p);
  for (int k = 0; k < m->populations.len; k++) {
    PopPlan *pp = &p->pops[k];
    Population *pop = m->populations.items[k];
    pp->pop = pop;
    pp->coef_refractory = -1;
    if (pop->kind != POP_NEURONS) continue;
    NeuronModel *nm = pop->model;
    assert(nm->ode); /* chosen by the checker, which found no error */
    pp->ode = *nm->ode;
    for (int q = 0; q < nm->ports.len; q++) plan_add_input_slot(a, pp, nm->ports.items[q], true);
    if (pp->ode.method == METHOD_EXACT) {
      int n2 = pp->ode.n * pp->ode.n;
      pp->ncoef = 2 * n2;
      bool any_clamped = false;
      for (int q = 0; q < pp->ode.n; q++) any_clamped = any_clamped || pp->ode.clamped[q];
      if (any_clamped) {
        pp->coef_refractory = pp->ncoef;
        pp->ncoef += 2 * n2;
      }
    }
  }
  /* An encoder that adds to a state variable needs its accumulator (ports
     have theirs already). */
  for (int k = 0; m->env && k < m->env->encoders.len; k++) {
    const Encoder *en = m->env->encoders.items[k];
    if (en->port) plan_add_input_slot(a, &p->pops[en->pop->index], en->port,
                                      en->port->kind == SYM_PORT);
  }
  /* A poisson_input adds its events through the target's accumulator, so
     that what reaches a refractory neuron is dropped like synaptic input. */
  p->drive_slot = arena_alloc(a, sizeof(int) * (size_t)(m->drives.len + 1));
  p->drive_stream = arena_alloc(a, sizeof(int) * (size_t)(m->drives.len + 1));
  for (int k = 0; k < m->drives.len; k++) {
    const PoissonDrive *dr = m->drives.items[k];
    p->drive_slot[k] = plan_add_input_slot(a, &p->pops[dr->target->index], dr->var,
                                           dr->var->kind == SYM_PORT);
    p->drive_stream[k] = ++p->nstreams;
  }
  /* Current inputs by population, kept in the arena like the rest of the
     plan (which has no free function): count, allocate, fill. */
  for (int k = 0; k < m->currents.len; k++) {
    CurrentInput *ci = m->currents.items[k];
    if (ci->target) p->pops[ci->target->index].currents.cap++;
  }
  for (int k = 0; k < m->populations.len; k++) {
    PtrVec *v = &p->pops[k].currents;
    if (v->cap > 0) v->items = arena_alloc(a, sizeof(void *) * (size_t)v->cap);
  }
  for (int k = 0; k < m->currents.len; k++) {
    CurrentInput *ci = m->currents.items[k];
    if (!ci->target) continue;
    PtrVec *v = &p->pops[ci->target->index].currents;
    assert(v->len < v->cap);
    v->items[v->len++] = ci;
  }
  for (int k = 0; k < m->projections.len; k++) {
    Projection *pr = m->projections.items[k];
    if (pr->delay || pr->synapse->delay) p->pops[pr->post->index].delayed = true;
  }
  for (int k = 0; k < m->projections.len; k++) {
    ProjPlan *jp = &p->projs[k];
    jp->proj = m->projections.items[k];
    plan_synapses(a, p, jp);
  }
  plan_streams(a, p);
}
