/*
** check_agents.c: checking Strategy A's agents blocks.
**
**   agents on In -> Out {
**       features = weight(bins = 8, high = 2), position(post_bins = 2)
**       actions = dw in { -0.01, 0, 0.01 }
**       weight = clip(w, 0, 2)
**       policy = q_learning(alpha = 0.1, gamma = 0.9, epsilon = 0.05)
**       table = shared
**       decide every 20 ms              (or: decide every episode)
**       reward = cart.reward
**       baseline = mean_return(10)      (per episode: minus the recent mean)
**   }
**
** The feature list is data: it is checked here by the runtime's own
** parser (runtime/learn/agent_features.c), each feature at its place, and
** stored as text, so that `snnc run --features` can swap it later.  The
** Q-tables' size is known from the states, actions and the largest number
** of synapses the connection rule can make: a table that cannot fit in
** this machine's memory is refused here, with its size.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent_features.h"
#include "check.h"
#include "fmt.h"

/* --- The feature list ------------------------------------------------------------ */

typedef struct FeatureLookup {
  Projection *proj;
} FeatureLookup;

static int64_t synapse_value(void *ctx, const char *name, Dim *dim) {
  Projection *p = ((FeatureLookup *)ctx)->proj;
  Symbol *s = scope_find_local(&p->synapse->scope, name);
  if (!s || (s->kind != SYM_STATE && s->kind != SYM_TRACE)) return -1;
  *dim = s->dim;
  return s->index;
}

static int64_t post_state(void *ctx, const char *name, Dim *dim) {
  Projection *p = ((FeatureLookup *)ctx)->proj;
  if (p->post->kind != POP_NEURONS || !p->post->model) return -1;
  Symbol *s = neuron_member(p->post->model, name);
  if (!s || s->kind != SYM_STATE) return -1;
  *dim = s->dim;
  return s->index;
}

/* Each feature on its own (so that an error points at it), then the whole
   list for the number of states. */
static bool check_features(Checker *c, AgentsBlock *ab, Expr *list, Span span,
                           const FeatureContext *fc) {
  StrBuf all = {0};
  bool ok = true;
  for (Expr *f = list; f; f = f->next) {
    StrBuf one = {0};
    fmt_expr(f, &one);
    AgentSpec spec = {0};
    spec.naction = ab->naction;
    int where;
    char err[256];
    if (!features_parse(sb_str(&one), fc, &spec, &where, err, sizeof err)) {
      diag_error(c->d, f->span, "%s", err);
      ok = false;
    }
    sb_printf(&all, "%s%s", all.len ? ", " : "", sb_str(&one));
    sb_free(&one);
  }
  if (ok) {
    AgentSpec spec = {0};
    spec.naction = ab->naction;
    int where;
    char err[256];
    ok = features_parse(sb_str(&all), fc, &spec, &where, err, sizeof err);
    if (!ok) diag_error(c->d, span, "%s", err);
    ab->nstates = ok ? agents_state_count(&spec) : 0;
    if (ok && ab->nstates < 0) {
      diag_error(c->d, span, "these features make more than 2^62 states");
      ok = false;
    }
  }
  ab->features = arena_strdup(c->a, all.len ? sb_str(&all) : "");
  sb_free(&all);
  return ok;
}

/* --- Settings ---------------------------------------------------------------------- */

static Decl *find_setting(Decl *block, const char *name) {
  for (Decl *m = block->members; m; m = m->next)
    if ((m->kind == D_SETTING || m->kind == D_ALIAS) && strcmp(m->name, name) == 0) return m;
  return NULL;
}

static bool known_settings(Checker *c, Decl *block) {
  static const char *const names[] = {"features", "actions", "weight", "policy", "table",
                                      "decide", "reward", "baseline", NULL};
  bool ok = true;
  for (Decl *m = block->members; m; m = m->next) {
    const char *const *n = names;
    while (*n && (!m->name || strcmp(*n, m->name) != 0)) n++;
    bool every = m->kind == D_SETTING && m->value;
    bool setting = m->kind == D_SETTING || m->kind == D_ALIAS;
    if (setting && *n && (every == (strcmp(*n, "decide") == 0))) {
      for (Decl *o = block->members; o != m; o = o->next)
        if (o->name && strcmp(o->name, m->name) == 0) {
          diag_error(c->d, m->name_span, "'%s' is already set in this agents block", m->name);
          ok = false;
        }
      continue;
    }
    diag_error(c->d, m->kind == D_SETTING || m->kind == D_ALIAS ? m->name_span : m->span,
               "an agents block has the settings features, actions, weight, policy, table, "
               "reward, baseline and 'decide every T' (or 'decide every episode')");
    ok = false;
  }
  return ok;
}

static bool constant(Checker *c, Expr *e, Dim dim, const char *what, double *out) {
  SavedContext saved = enter_context(c, &c->m->globals, 0, "in an agents block");
  bool ok = check_number_dim(c, e, dim, what) && require_const(c, e, what);
  leave_context(c, saved);
  if (ok) *out = e->cval;
  return ok;
}

/* weight = w, or weight = clip(w, low, high): the synapse state the actions change. */
static bool check_weight(Checker *c, AgentsBlock *ab, Decl *d) {
  Expr *e = d ? expr_strip(d->value) : NULL, *name = e;
  ab->w_low = -INFINITY;
  ab->w_high = INFINITY;
  if (e && e->kind == EX_CALL && strcmp(e->text, "clip") == 0 && expr_count(e->args) == 3)
    name = expr_strip(e->args);
  if (d && (!name || name->kind != EX_NAME)) {
    diag_error(c->d, d->value->span, "name the weight the agents change, as in 'weight = w' or "
               "'weight = clip(w, 0, 2)'");
    return false;
  }
  const char *w = name ? name->text : "w";
  Symbol *s = scope_find_local(&ab->proj->synapse->scope, w);
  if (!s || s->kind != SYM_STATE) {
    diag_error(c->d, d ? name->span : ab->decl->span, "synapse model '%s' has no state '%s' for "
               "the agents to change", ab->proj->synapse->name, w);
    return false;
  }
  for (int k = 0; k < ab->proj->synapse->odes.len; k++) {
    Decl *ode = ab->proj->synapse->odes.items[k];
    if (strcmp(ode->name, w) == 0) {
      diag_error(c->d, d ? name->span : ab->decl->span, "'%s' has an equation; the agents' "
                 "weight must change only by their actions", w);
      return false;
    }
  }
  ab->weight = s;
  if (name != e &&
      (!constant(c, e->args->next, s->dim, "the weight's lower bound", &ab->w_low) ||
       !constant(c, e->args->next->next, s->dim, "the weight's upper bound", &ab->w_high)))
    return false;
  if (!(ab->w_low <= ab->w_high)) {
    diag_error(c->d, e->span, "the weight's bounds are in the wrong order");
    return false;
  }
  return true;
}

/* actions = dw in { ... } (added) or scale in { ... } (w += w * a). */
static bool check_actions(Checker *c, AgentsBlock *ab, Decl *d) {
  if (!d || d->kind != D_SETTING || !(d->flags & DF_SET) ||
      (strcmp(d->type_name, "dw") != 0 && strcmp(d->type_name, "scale") != 0)) {
    diag_error(c->d, d ? d->span : ab->decl->span, "give the agents' actions, as in 'actions = "
               "dw in { -0.01, 0, 0.01 }' (added to the weight) or 'actions = scale in { -0.1, "
               "0, 0.1 }' (w += w * a)");
    return false;
  }
  ab->scale = d->type_name[0] == 's';
  ab->naction = 0;
  for (Expr *a = d->args; a; a = a->next) {
    if (ab->naction == AGENT_MAX_ACTIONS) {
      diag_error(c->d, a->span, "at most %d actions", AGENT_MAX_ACTIONS);
      return false;
    }
    if (!constant(c, a, ab->scale ? dim_none() : ab->weight->dim, "an action",
                  &ab->action[ab->naction++]))
      return false;
  }
  if (ab->naction < 2) {
    diag_error(c->d, d->span, "the agents need at least two actions to choose from");
    return false;
  }
  return true;
}

static bool check_policy(Checker *c, AgentsBlock *ab, Decl *d) {
  ab->alpha = 0.1;
  ab->gamma = 0.9;
  ab->epsilon = 0.05;
  if (!d) return true;
  Expr *e = expr_strip(d->value);
  if (d->kind != D_ALIAS || e->kind != EX_CALL || strcmp(e->text, "q_learning") != 0) {
    diag_error(c->d, d->span, "the agents learn by 'policy = q_learning(alpha = 0.1, gamma = "
               "0.9, epsilon = 0.05)'");
    return false;
  }
  for (Expr *a = e->args; a; a = a->next) {
    double *slot = !a->arg_name ? NULL : strcmp(a->arg_name, "alpha") == 0 ? &ab->alpha
                   : strcmp(a->arg_name, "gamma") == 0 ? &ab->gamma
                   : strcmp(a->arg_name, "epsilon") == 0 ? &ab->epsilon : NULL;
    if (!slot) {
      diag_error(c->d, a->arg_name ? a->arg_name_span : a->span, "q_learning takes alpha, "
                 "gamma and epsilon, each named");
      return false;
    }
    if (!constant(c, a, dim_none(), a->arg_name, slot)) return false;
  }
  if (!(ab->alpha > 0 && ab->alpha <= 1) || !(ab->gamma >= 0 && ab->gamma <= 1) ||
      !(ab->epsilon >= 0 && ab->epsilon <= 1)) {
    diag_error(c->d, e->span, "alpha must lie in (0, 1], gamma and epsilon in [0, 1]");
    return false;
  }
  return true;
}

static bool check_table(Checker *c, AgentsBlock *ab, Decl *d) {
  ab->table = TABLE_SHARED;
  if (!d) return true;
  Expr *e = expr_strip(d->value);
  const char *name = d->kind == D_ALIAS && e->kind == EX_NAME ? e->text : "";
  if (strcmp(name, "shared") == 0) return true;
  if (strcmp(name, "per_post") == 0) return ab->table = TABLE_PER_POST, true;
  if (strcmp(name, "per_synapse") == 0) return ab->table = TABLE_PER_SYNAPSE, true;
  diag_error(c->d, d->span, "a Q-table is 'shared' (by the projection), 'per_post' (one per "
             "postsynaptic neuron) or 'per_synapse'");
  return false;
}

static bool check_decide(Checker *c, AgentsBlock *ab, Decl *d) {
  Environment *env = c->m->env;
  ab->decide_every = 1;
  if (!d) return true;
  if (strcmp(d->name, "decide") != 0 || !d->value) return false;
  Expr *e = expr_strip(d->value);
  if (e->kind == EX_NAME && strcmp(e->text, "episode") == 0) {
    ab->decide_every = 0; /* once per episode, at its end */
    return true;
  }
  double t;
  if (!constant(c, d->value, dim_time(), "the time between decisions", &t)) return false;
  double k = t / env->window;
  if (!(k >= 1 - 1e-9) || fabs(k - (double)llround(k)) > 1e-6 * k) {
    diag_error(c->d, d->value->span, "the agents decide after environment steps: every %g ms "
               "is not a whole number of windows of %g ms", t * 1e3, env->window * 1e3);
    return false;
  }
  ab->decide_every = llround(k);
  return true;
}

/* baseline = mean_return(K): with decisions per episode, the reward is the
   episode's minus the mean of the K before it. */
static bool check_baseline(Checker *c, AgentsBlock *ab, Decl *d) {
  ab->baseline = 0;
  if (!d) return true;
  Expr *e = expr_strip(d->value);
  if (d->kind != D_ALIAS || e->kind != EX_CALL || strcmp(e->text, "mean_return") != 0 ||
      expr_count(e->args) != 1) {
    diag_error(c->d, d->span, "a baseline is 'baseline = mean_return(K)': the mean of the "
               "agents' rewards in the last K episodes");
    return false;
  }
  if (ab->decide_every != 0) {
    diag_error(c->d, d->span, "a baseline of returns needs decisions once per episode: "
               "'decide every episode'");
    return false;
  }
  SavedContext saved = enter_context(c, &c->m->globals, 0, "in an agents block");
  bool ok = require_count(c, e->args, "the episodes of the baseline", 100000, &ab->baseline);
  leave_context(c, saved);
  return ok;
}

static bool check_reward(Checker *c, AgentsBlock *ab, Decl *d) {
  ab->reward_scale = 1;
  ab->reward_terminated = ab->reward_offset = 0;
  if (!d) return true;
  RewardAffine a;
  if (d->kind != D_ALIAS || !reward_affine(c, d->value, &a)) return false;
  if ((a.scale == 0 && a.terminated == 0) || !dim_is_none(a.dim)) {
    diag_error(c->d, d->value->span, "the agents' reward is a number that depends on %s.reward "
               "or %s.terminated", c->m->env->name, c->m->env->name);
    return false;
  }
  ab->reward_scale = a.scale;
  ab->reward_terminated = a.terminated;
  ab->reward_offset = a.offset;
  return true;
}

/* --- Sizes ------------------------------------------------------------------------- */

/* The most synapses the rule can make (files: unknown, 0). */
static double synapse_bound(const Projection *p) {
  double npre = (double)p->pre->size, npost = (double)p->post->size;
  switch (p->rule) {
  case RULE_ONE_TO_ONE: return fmin(npre, npost);
  case RULE_FANIN: return (double)p->fan * npost;
  case RULE_FANOUT: return (double)p->fan * npre;
  case RULE_FILE: return 0;
  default: return npre * npost;
  }
}

static void check_table_size(Checker *c, AgentsBlock *ab) {
  double tables = ab->table == TABLE_SHARED ? 1
                  : ab->table == TABLE_PER_POST ? (double)ab->proj->post->size
                                                : synapse_bound(ab->proj);
  double bytes = tables * (double)ab->nstates * ab->naction * sizeof(double);
  double memory = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
  if (memory > 0 && bytes > memory)
    diag_error(c->d, ab->decl->span, "the Q-tables would take %.3g GB (%.3g tables of %lld "
               "states x %d actions), more than this machine's %.3g GB; use fewer bins or "
               "features, or a shared table", bytes / 1e9, tables, (long long)ab->nstates,
               ab->naction, memory / 1e9);
}

/* --- A block ----------------------------------------------------------------------- */

static Projection *agents_projection(Checker *c, Decl *d) {
  Projection *found = NULL;
  for (int k = 0; k < c->m->projections.len; k++) {
    Projection *p = c->m->projections.items[k];
    if (strcmp(p->pre->name, d->name) != 0 || strcmp(p->post->name, d->type_name) != 0) continue;
    if (found) {
      diag_error(c->d, d->span, "there are several connections %s -> %s; agents need one",
                 d->name, d->type_name);
      return NULL;
    }
    found = p;
  }
  if (!found)
    diag_error(c->d, d->span, "there is no connection %s -> %s for the agents", d->name,
               d->type_name);
  return found;
}

static void check_agents_block(Checker *c, Decl *d) {
  if (strcmp(d->text, "on") != 0) {
    diag_error(c->d, d->text_span, "expected 'agents on %s -> %s'", d->name, d->type_name);
    return;
  }
  if (!c->m->env) {
    diag_error(c->d, d->span, "agents learn from an environment's reward: declare one, as in "
               "'environment cart = cartpole(seed = 7)'");
    return;
  }
  AgentsBlock *ab = arena_alloc(c->a, sizeof *ab);
  ab->decl = d;
  if (!known_settings(c, d) || !(ab->proj = agents_projection(c, d)) || !ab->proj->synapse)
    return;
  for (int k = 0; k < c->m->agents.len; k++)
    if (((AgentsBlock *)c->m->agents.items[k])->proj == ab->proj) {
      diag_error(c->d, d->span, "the synapses of %s -> %s already have an agents block",
                 d->name, d->type_name);
      return;
    }
  if (!check_weight(c, ab, find_setting(d, "weight")) ||
      !check_actions(c, ab, find_setting(d, "actions")) ||
      !check_policy(c, ab, find_setting(d, "policy")) ||
      !check_table(c, ab, find_setting(d, "table")) ||
      !check_decide(c, ab, find_setting(d, "decide")) ||
      !check_baseline(c, ab, find_setting(d, "baseline")) ||
      !check_reward(c, ab, find_setting(d, "reward")))
    return;
  FeatureLookup lookup = {ab->proj};
  FeatureContext fc = {ab->proj->pre->size, ab->proj->post->size, ab->w_low, ab->w_high,
                       ab->weight->dim, synapse_value, post_state, &lookup};
  Decl *features = find_setting(d, "features");
  /* One feature is a definition (name = expr), several a list. */
  Expr *list = !features ? NULL : features->kind == D_ALIAS ? features->value : features->args;
  if (features && (features->kind == D_SETTING && (features->flags & DF_SET))) {
    diag_error(c->d, features->span, "features are a list, as in 'features = weight(bins = 8), "
               "position'");
    return;
  }
  if (features && !check_features(c, ab, list, features->span, &fc)) return;
  if (!features) ab->features = "", ab->nstates = 1;
  check_table_size(c, ab);
  vec_push(&c->m->agents, ab);
}

void check_agents(Checker *c) {
  for (Module *mod = c->m->modules; mod; mod = mod->next)
    for (Decl *d = mod->instances ? mod->items : NULL; d; d = d->next)
      if (d->kind == D_AGENTS) check_agents_block(c, d);
}
