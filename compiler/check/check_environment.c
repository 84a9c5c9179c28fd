/*
** check_environment.c: checking the closed loop.
**
**   environment cart = cartpole(seed = 7)
**   encode cart.observation -> In as population_rate(per_value = 8, max_rate = 200 Hz)
**   decode Out -> cart.action as spike_count(window = 20 ms)
**   reward cart.reward -> dopamine
**   train 500 episodes until mean_return(100) >= 195
**
** The environment's class is opened here, at compile time, with the
** model's settings: its parameters are checked by the class itself and its
** spaces are what the encoders and the decoder are checked against (sizes,
** ranges, the number of actions), so that a mismatch is an error at the
** line that makes it.  Everything is a compile-time constant: the loop's
** shape is fixed by the model, only parameters of the network change with
** --set.
*/
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "externs.h"
#include "snnrt_env.h"

#define ENV_ERR 512
/* Bounds beyond this are "unbounded" (Gymnasium gives the largest float). */
#define ENV_HUGE 1e30

/* --- The environment ---------------------------------------------------------- */

static const SnnEnvClass *env_class(Checker *c, Decl *d, Environment *env) {
  char err[ENV_ERR];
  if (d->text) {
    const char *lib = extern_library(c->a, d);
    char *real = realpath(lib, NULL);
    env->library = real ? arena_strdup(c->a, real) : lib;
    free(real);
    const SnnEnvClass *cls = snnrt_env_load(env->library, err, sizeof err);
    if (!cls) diag_error(c->d, d->text_span, "%s", err);
    return cls;
  }
  const SnnEnvClass *cls = snnrt_env_find(d->type_name);
  if (!cls) {
    StrBuf names = {0};
    for (int k = 0; k < snnrt_env_builtin_count(); k++)
      sb_printf(&names, "%s%s", k ? ", " : "", snnrt_env_builtin(k)->name);
    diag_error(c->d, d->type_span, "no built-in environment '%s' (there are %s; a library of "
               "your own is 'extern \"libname.so\"(...)')", d->type_name, names.data);
    sb_free(&names);
    return NULL;
  }
  env->cls = cls->name;
  return cls;
}

static bool known_setting(const SnnEnvClass *cls, const char *name) {
  if (strcmp(name, "max_steps") == 0) return true;
  for (int k = 0; k < cls->nparams; k++)
    if (strcmp(cls->param_names[k], name) == 0) return true;
  return false;
}

/* The settings: named constants, checked by name here and by value by the class. */
static bool env_settings(Checker *c, Decl *d, Environment *env, const SnnEnvClass *cls) {
  int n = expr_count(d->args);
  env->setting_names = arena_alloc(c->a, sizeof(char *) * (size_t)(n + 1));
  env->setting_values = arena_alloc(c->a, sizeof(double) * (size_t)(n + 1));
  env->seed = -1;
  bool ok = true;
  SavedContext saved = enter_context(c, &c->m->globals, 0, "in an environment's settings");
  for (Expr *a = d->args; a; a = a->next) {
    if (!a->arg_name) {
      diag_error(c->d, a->span, "an environment's settings are named, as in cartpole(seed = 7)");
      ok = false;
      continue;
    }
    bool is_seed = strcmp(a->arg_name, "seed") == 0;
    if (!is_seed && !known_setting(cls, a->arg_name)) {
      StrBuf names = {0};
      for (int k = 0; k < cls->nparams; k++) sb_printf(&names, "%s, ", cls->param_names[k]);
      diag_error(c->d, a->arg_name_span, "environment '%s' has no setting '%s' (it takes %s"
                 "max_steps and seed)", cls->name, a->arg_name, names.data ? names.data : "");
      sb_free(&names);
      ok = false;
      continue;
    }
    char what[96];
    snprintf(what, sizeof what, "the setting '%s'", a->arg_name);
    if (!check_number_dim(c, a, dim_none(), what) || !require_const(c, a, what)) {
      ok = false;
      continue;
    }
    if (is_seed) {
      if (a->cval != floor(a->cval) || a->cval < 0 || a->cval > 9.2e18) {
        diag_error(c->d, a->span, "an environment's seed is a whole number >= 0, not %g", a->cval);
        ok = false;
      }
      env->seed = (int64_t)a->cval;
      continue;
    }
    env->setting_names[env->nsettings] = a->arg_name;
    env->setting_values[env->nsettings++] = a->cval;
  }
  leave_context(c, saved);
  return ok;
}

/* Opens the environment to learn its spaces (and to have the class refuse bad values). */
static bool env_spaces(Checker *c, Decl *d, Environment *env, const SnnEnvClass *cls) {
  SnnEnvParam *params = arena_alloc(c->a, sizeof(SnnEnvParam) * (size_t)(env->nsettings + 1));
  for (int k = 0; k < env->nsettings; k++)
    params[k] = (SnnEnvParam){env->setting_names[k], env->setting_values[k]};
  char err[ENV_ERR];
  SnnEnv *e = snnrt_env_open(cls, params, env->nsettings, 0, err, sizeof err);
  if (!e) {
    diag_error(c->d, d->span, "%s", err);
    return false;
  }
  const SnnSpace *obs = snnrt_env_observation_space(e), *act = snnrt_env_action_space(e);
  env->obs_size = obs->kind == SNN_SPACE_BOX ? obs->size : 1;
  env->obs_low = arena_alloc(c->a, sizeof(double) * (size_t)env->obs_size);
  env->obs_high = arena_alloc(c->a, sizeof(double) * (size_t)env->obs_size);
  for (int k = 0; k < env->obs_size; k++) {
    env->obs_low[k] = obs->kind == SNN_SPACE_BOX ? obs->low[k] : 0;
    env->obs_high[k] = obs->kind == SNN_SPACE_BOX ? obs->high[k] : obs->size - 1;
  }
  env->discrete_action = act->kind == SNN_SPACE_DISCRETE;
  env->nactions = act->size;
  snnrt_env_close(e);
  return true;
}

static void check_environment_decl(Checker *c, Decl *d) {
  Model *m = c->m;
  if (m->env) {
    diag_error(c->d, d->name_span, "a model has one environment; '%s' is already it",
               m->env->name);
    diag_note(c->d, m->env->decl->name_span, "declared here");
    return;
  }
  Environment *env = arena_alloc(c->a, sizeof *env);
  env->decl = d;
  env->name = d->name;
  env->window = 0.02;
  const SnnEnvClass *cls = env_class(c, d, env);
  if (!cls || !env_settings(c, d, env, cls) || !env_spaces(c, d, env, cls)) return;
  if (d->sym) d->sym->used = true;
  m->env = env;
}

/* --- Encoders ------------------------------------------------------------------ */

/* cart.observation, cart.observation[k] or cart.observation[a:b]: false after saying why. */
static bool observation_slice(Checker *c, Expr *v, Encoder *en) {
  Environment *env = c->m->env;
  Expr *e = expr_strip(v), *base = e->kind == EX_INDEX ? expr_strip(e->lhs) : e;
  if (base->kind != EX_MEMBER || expr_strip(base->lhs)->kind != EX_NAME ||
      strcmp(expr_strip(base->lhs)->text, env->name) != 0 ||
      strcmp(base->text, "observation") != 0) {
    diag_error(c->d, v->span, "an encoder reads the observation, as in '%s.observation' or "
               "'%s.observation[0:2]'", env->name, env->name);
    return false;
  }
  en->first = 0;
  en->count = env->obs_size;
  if (e->kind != EX_INDEX) return true;
  SavedContext saved = enter_context(c, &c->m->globals, 0, "as an observation index");
  bool ok = check_number_dim(c, e->rhs, dim_none(), "an observation index") &&
            require_const(c, e->rhs, "an observation index") &&
            (!e->is_slice || (check_number_dim(c, e->hi, dim_none(), "an observation index") &&
                              require_const(c, e->hi, "an observation index")));
  leave_context(c, saved);
  if (!ok) return false;
  double lo = e->rhs->cval, hi = e->is_slice ? e->hi->cval : lo + 1;
  if (lo != floor(lo) || hi != floor(hi) || lo < 0 || hi > (double)env->obs_size || lo >= hi) {
    diag_error(c->d, e->span, "the observation of '%s' has %lld values (0 to %lld); [%g:%g] is "
               "not a range of them", env->name, (long long)env->obs_size,
               (long long)env->obs_size - 1, lo, hi);
    return false;
  }
  en->first = (int64_t)lo;
  en->count = (int64_t)(hi - lo);
  return true;
}

/* The value of a named setting `name` of an encoder or decoder, checked to
   have dimension `dim` and be constant; NULL when not given. */
static Expr *setting(Checker *c, Decl *d, const char *name, Dim dim, bool *ok) {
  for (Expr *a = d->args; a; a = a->next) {
    if (!a->arg_name || strcmp(a->arg_name, name) != 0) continue;
    char what[96];
    snprintf(what, sizeof what, "the setting '%s' of %s", name, d->type_name);
    SavedContext saved = enter_context(c, &c->m->globals, 0, "in an encoder or decoder");
    bool good = check_number_dim(c, a, dim, what) && require_const(c, a, what);
    leave_context(c, saved);
    if (!good) *ok = false;
    return good ? a : NULL;
  }
  return NULL;
}

/* Every argument is named and one of `names` (NULL-terminated). */
static bool settings_known(Checker *c, Decl *d, const char *const *names) {
  bool ok = true;
  for (Expr *a = d->args; a; a = a->next) {
    const char *const *n = names;
    while (*n && (!a->arg_name || strcmp(*n, a->arg_name) != 0)) n++;
    if (*n) continue;
    StrBuf list = {0};
    for (n = names; *n; n++) sb_printf(&list, "%s%s", n == names ? "" : ", ", *n);
    diag_error(c->d, a->arg_name ? a->arg_name_span : a->span, "%s takes the settings %s, "
               "each named, as in %s = ...", d->type_name, list.data, names[0]);
    sb_free(&list);
    ok = false;
  }
  return ok;
}

/* The range [low, high] of a rate encoder: given, or the space's bounds. */
static bool encoder_range(Checker *c, Decl *d, Encoder *en, bool *ok) {
  Environment *env = c->m->env;
  Expr *lo = setting(c, d, "low", dim_none(), ok), *hi = setting(c, d, "high", dim_none(), ok);
  if (!*ok) return false;
  en->low = lo ? lo->cval : INFINITY;
  en->high = hi ? hi->cval : -INFINITY;
  for (int64_t k = en->first; k < en->first + en->count; k++) {
    if (!lo) en->low = fmin(en->low, env->obs_low[k]);
    if (!hi) en->high = fmax(en->high, env->obs_high[k]);
  }
  if (!(fabs(en->low) < ENV_HUGE && fabs(en->high) < ENV_HUGE)) {
    diag_error(c->d, d->type_span, "the observation values %lld to %lld of '%s' are unbounded: "
               "give the range to encode, as in %s(low = -3, high = 3)", (long long)en->first,
               (long long)(en->first + en->count - 1), env->name, d->type_name);
    return false;
  }
  if (!(en->low < en->high)) {
    diag_error(c->d, d->type_span, "the range of %s is [%g, %g]: low must be below high",
               d->type_name, en->low, en->high);
    return false;
  }
  return true;
}

static void check_encoder(Checker *c, Decl *d) {
  Environment *env = c->m->env;
  Encoder *en = arena_alloc(c->a, sizeof *en);
  en->decl = d;
  bool ok = observation_slice(c, d->value, en);
  en->pop = named_population(c, d->name, d->name_span);
  if (!ok || !en->pop) return;
  for (int k = 0; k < env->encoders.len; k++)
    if (((Encoder *)env->encoders.items[k])->pop == en->pop) {
      diag_error(c->d, d->name_span, "'%s' is already the target of an encoder", en->pop->name);
      return;
    }
  Dim hz = dim_div(dim_none(), dim_time());
  if (strcmp(d->type_name, "population_rate") == 0 || strcmp(d->type_name, "poisson_rate") == 0) {
    bool fields = strcmp(d->type_name, "population_rate") == 0;
    static const char *const field_names[] = {"per_value", "max_rate", "width", "low", "high",
                                              NULL};
    static const char *const rate_names[] = {"max_rate", "low", "high", NULL};
    if (!settings_known(c, d, fields ? field_names : rate_names)) return;
    en->kind = fields ? ENCODE_POPULATION_RATE : ENCODE_POISSON_RATE;
    Expr *per = fields ? setting(c, d, "per_value", dim_none(), &ok) : NULL;
    Expr *rate = setting(c, d, "max_rate", hz, &ok), *width = setting(c, d, "width", dim_none(), &ok);
    if (!ok || !encoder_range(c, d, en, &ok)) return;
    en->per_value = fields ? 8 : 1;
    if (per && !require_count(c, per, "per_value", 4096, &en->per_value)) return;
    if (fields && en->per_value < 2) {
      diag_error(c->d, per->span, "population_rate needs at least 2 neurons per value");
      return;
    }
    en->max_rate = rate ? rate->cval : 100.0;
    en->width = width ? width->cval : 1.0;
    if (!(en->max_rate > 0) || !(en->width > 0)) {
      diag_error(c->d, (rate && !(en->max_rate > 0) ? rate : width)->span,
                 "max_rate and width must be positive");
      return;
    }
    if (en->pop->kind != POP_POISSON) {
      diag_error(c->d, d->name_span, "%s sets the rates of a Poisson input: declare '%s' as "
                 "'input %s = poisson[%lld](rate = 0 Hz)'", d->type_name, en->pop->name,
                 en->pop->name, (long long)(en->count * en->per_value));
      return;
    }
    if (en->pop->size != en->count * en->per_value) {
      diag_error(c->d, d->name_span, "'%s' has %lld neurons, but %lld observation values at %lld "
                 "a value need %lld", en->pop->name, (long long)en->pop->size,
                 (long long)en->count, (long long)en->per_value,
                 (long long)(en->count * en->per_value));
      return;
    }
  } else if (strcmp(d->type_name, "current") == 0) {
    static const char *const names[] = {"port", "scale", NULL};
    if (!settings_known(c, d, names)) return;
    en->kind = ENCODE_CURRENT;
    if (en->pop->kind != POP_NEURONS) {
      diag_error(c->d, d->name_span, "current adds to a port of neurons; '%s' is an input",
                 en->pop->name);
      return;
    }
    Expr *port = NULL;
    for (Expr *a = d->args; a; a = a->next)
      if (strcmp(a->arg_name, "port") == 0) port = expr_strip(a);
    if (!port || port->kind != EX_NAME) {
      diag_error(c->d, port ? port->span : d->type_span, "current needs the port it adds to, "
                 "as in current(port = I_in, scale = 1 nA)");
      return;
    }
    if (!en->pop->model) return; /* its neuron model is unknown: reported already */
    en->port = neuron_member(en->pop->model, port->text);
    if (!en->port || (en->port->kind != SYM_PORT && en->port->kind != SYM_STATE)) {
      diag_error(c->d, port->span, "neuron model '%s' of '%s' has no port or state '%s'",
                 en->pop->model->name, en->pop->name, port->text);
      return;
    }
    Expr *scale = setting(c, d, "scale", en->port->dim, &ok);
    if (!ok) return;
    en->scale = scale ? scale->cval : 1.0;
    if (!scale && !dim_is_none(en->port->dim)) {
      diag_error(c->d, d->type_span, "current needs a scale in the unit of '%s', as in scale = "
                 "1 %s", port->text, en->port->unit_text ? en->port->unit_text : "nA");
      return;
    }
    if (en->pop->size != en->count) {
      diag_error(c->d, d->name_span, "'%s' has %lld neurons, but current gives one to each of "
                 "the %lld observation values", en->pop->name, (long long)en->pop->size,
                 (long long)en->count);
      return;
    }
  } else {
    diag_error(c->d, d->type_span, "unknown encoder '%s'; there are population_rate, "
               "poisson_rate and current", d->type_name);
    return;
  }
  vec_push(&env->encoders, en);
}

/* --- The decoder ---------------------------------------------------------------- */

static void check_decoder(Checker *c, Decl *d) {
  Environment *env = c->m->env;
  if (env->decoder_decl) {
    diag_error(c->d, d->span, "the action of '%s' already has a decoder", env->name);
    diag_note(c->d, env->decoder_decl->span, "it is here");
    return;
  }
  env->decoder_written = true;
  Expr *v = expr_strip(d->value);
  if (v->kind != EX_MEMBER || expr_strip(v->lhs)->kind != EX_NAME ||
      strcmp(expr_strip(v->lhs)->text, env->name) != 0 || strcmp(v->text, "action") != 0) {
    diag_error(c->d, d->value->span, "a decoder gives the action, as in 'decode Out -> %s.action "
               "as spike_count'", env->name);
    return;
  }
  Population *pop = named_population(c, d->name, d->name_span);
  if (!pop) return;
  static const char *const names[] = {"window", "var", NULL};
  if (!settings_known(c, d, names)) return;
  bool ok = true;
  Expr *window = setting(c, d, "window", dim_time(), &ok);
  if (!ok) return;
  if (!env->discrete_action) {
    diag_error(c->d, d->span, "the action of '%s' is a box of %lld values; decoders give a "
               "choice among actions (discrete spaces) for now", env->name,
               (long long)env->nactions);
    return;
  }
  if (strcmp(d->type_name, "spike_count") == 0 || strcmp(d->type_name, "first_spike") == 0) {
    env->decoder = d->type_name[0] == 's' ? DECODE_SPIKE_COUNT : DECODE_FIRST_SPIKE;
    if (pop->size % env->nactions != 0) {
      diag_error(c->d, d->name_span, "'%s' has %lld neurons, which do not split into %lld equal "
                 "groups, one per action of '%s'", pop->name, (long long)pop->size,
                 (long long)env->nactions, env->name);
      return;
    }
  } else if (strcmp(d->type_name, "membrane") == 0) {
    env->decoder = DECODE_MEMBRANE;
    Expr *var = NULL;
    for (Expr *a = d->args; a; a = a->next)
      if (strcmp(a->arg_name, "var") == 0) var = expr_strip(a);
    const char *name = var && var->kind == EX_NAME ? var->text : "v";
    if (pop->kind == POP_NEURONS && !pop->model) return; /* reported already */
    Symbol *s = pop->kind == POP_NEURONS ? neuron_member(pop->model, name) : NULL;
    if (!s || s->kind != SYM_STATE) {
      diag_error(c->d, var ? var->span : d->type_span, "membrane reads a state variable of the "
                 "neurons of '%s'%s; '%s' is not one (name it: membrane(var = v))", pop->name,
                 pop->kind == POP_NEURONS ? "" : ", which is an input", name);
      return;
    }
    env->decoder_var = s;
    if (pop->size != env->nactions) {
      diag_error(c->d, d->name_span, "membrane needs one neuron per action: '%s' has %lld, '%s' "
                 "has %lld actions", pop->name, (long long)pop->size, env->name,
                 (long long)env->nactions);
      return;
    }
  } else {
    diag_error(c->d, d->type_span, "unknown decoder '%s'; there are spike_count, first_spike "
               "and membrane", d->type_name);
    return;
  }
  if (window) {
    double k = window->cval / c->m->dt;
    if (window->cval <= 0 || fabs(k - (double)llround(k)) > 1e-6 * k || k < 1 - 1e-9) {
      diag_error(c->d, window->span, "the window (%g ms) must be a positive whole number of "
                 "time steps of %g ms", window->cval * 1e3, c->m->dt * 1e3);
      return;
    }
    env->window = window->cval;
  }
  env->decoder_decl = d;
  env->decoder_pop = pop;
}

/* --- The reward ------------------------------------------------------------------- */

/* l + r or l - r (sign -1), term by term. */
static RewardAffine affine_sum(RewardAffine l, RewardAffine r, double sign) {
  return (RewardAffine){l.scale + sign * r.scale, l.terminated + sign * r.terminated,
                        l.offset + sign * r.offset, l.dim};
}

/* l * k for a constant k, term by term (dimension d). */
static RewardAffine affine_times(RewardAffine l, double k, Dim d) {
  return (RewardAffine){l.scale * k, l.terminated * k, l.offset * k, d};
}

static bool depends(const RewardAffine *a) { return a->scale != 0 || a->terminated != 0; }

bool reward_affine(Checker *c, Expr *e, RewardAffine *out) {
  Environment *env = c->m->env;
  e = expr_strip(e);
  if (e->kind == EX_MEMBER && expr_strip(e->lhs)->kind == EX_NAME &&
      strcmp(expr_strip(e->lhs)->text, env->name) == 0) {
    bool reward = strcmp(e->text, "reward") == 0, end = strcmp(e->text, "terminated") == 0;
    if (!reward && !end) {
      diag_error(c->d, e->name_span, "an environment's reward is read as '%s.reward' (and "
                 "'%s.terminated' is 1 at the step that ends an episode, else 0)", env->name,
                 env->name);
      return false;
    }
    *out = (RewardAffine){reward, end, 0, dim_none()};
    return true;
  }
  if (e->kind == EX_UNARY && (e->op == OP_NEG || e->op == OP_PLUS)) {
    if (!reward_affine(c, e->lhs, out)) return false;
    if (e->op == OP_NEG) *out = affine_times(*out, -1, out->dim);
    return true;
  }
  if (e->kind == EX_BINARY && (e->op == OP_ADD || e->op == OP_SUB || e->op == OP_MUL ||
                               e->op == OP_DIV)) {
    RewardAffine l, r;
    if (!reward_affine(c, e->lhs, &l) || !reward_affine(c, e->rhs, &r)) return false;
    switch (e->op) {
    case OP_ADD: case OP_SUB:
      if (!dim_eq(l.dim, r.dim)) {
        diag_error(c->d, e->span, "the two sides of '%s' have different units", op_text(e->op));
        return false;
      }
      *out = affine_sum(l, r, e->op == OP_ADD ? 1 : -1);
      return true;
    case OP_MUL:
      if (depends(&l) && depends(&r)) break;
      *out = depends(&l) ? affine_times(l, r.offset, dim_mul(l.dim, r.dim))
                         : affine_times(r, l.offset, dim_mul(l.dim, r.dim));
      return true;
    default: /* OP_DIV */
      if (depends(&r) || r.offset == 0) break;
      *out = affine_times(l, 1 / r.offset, dim_div(l.dim, r.dim));
      return true;
    }
    diag_error(c->d, e->span, "a reward is a constant multiple of %s.reward, plus one of "
               "%s.terminated and a constant, as in 0.1 * %s.reward - %s.terminated",
               env->name, env->name, env->name, env->name);
    return false;
  }
  SavedContext saved = enter_context(c, &c->m->globals, 0, "in a reward");
  bool ok = (check_expr(c, e), e->type == TY_NUMBER) && require_const(c, e, "a reward's factor");
  leave_context(c, saved);
  if (e->type != TY_NUMBER && e->type != TY_UNKNOWN)
    diag_error(c->d, e->span, "a reward is a number");
  if (!ok) return false;
  *out = (RewardAffine){0, 0, e->cval, e->dim};
  return true;
}

static void check_env_reward(Checker *c, Decl *d) {
  Environment *env = c->m->env;
  if (env->reward_decl) {
    diag_error(c->d, d->span, "the reward of '%s' already goes to a modulator", env->name);
    diag_note(c->d, env->reward_decl->span, "here");
    return;
  }
  Symbol *s = scope_lookup(&c->m->globals, d->name);
  if (!s || s->kind != SYM_MODULATOR) {
    if (!s) report_unknown_name(c, d->name_span, d->name, "modulator");
    else diag_error(c->d, d->name_span, "an environment's reward goes to a modulator; '%s' is "
                    "not one", d->name);
    return;
  }
  s->used = true;
  RewardAffine a;
  if (!reward_affine(c, d->value, &a)) return;
  if (!depends(&a)) {
    diag_error(c->d, d->value->span, "this reward does not depend on %s.reward or %s.terminated",
               env->name, env->name);
    return;
  }
  if (!dim_eq(a.dim, s->dim)) {
    char want[96], got[96];
    dim_describe(s->dim, want, sizeof want);
    dim_describe(a.dim, got, sizeof got);
    diag_error(c->d, d->value->span, "modulator '%s' is %s, but this reward is %s", s->name,
               want, got);
    return;
  }
  env->reward_decl = d;
  env->reward_mod = c->m->modulators.items[s->index];
  env->reward_scale = a.scale;
  env->reward_terminated = a.terminated;
  env->reward_offset = a.offset;
}

/* --- Training ---------------------------------------------------------------------- */

/* until mean_return(K) >= X */
static bool until_condition(Checker *c, Expr *e, Environment *env) {
  Expr *x = expr_strip(e), *call = x->kind == EX_BINARY ? expr_strip(x->lhs) : NULL;
  if (!call || (x->op != OP_GE && x->op != OP_GT) || call->kind != EX_CALL ||
      strcmp(call->text, "mean_return") != 0 || !call->args || call->args->next) {
    bool reward = call && call->kind == EX_CALL && strcmp(call->text, "mean_reward") == 0;
    diag_error(c->d, e->span, "training stops 'until mean_return(K) >= X': when the mean "
               "return of the last K episodes reaches X%s", reward ? " (an episode's return "
               "is the sum of its rewards: mean_return, not mean_reward)" : "");
    return false;
  }
  SavedContext saved = enter_context(c, &c->m->globals, 0, "in a train statement");
  bool ok = require_count(c, call->args, "the number of episodes averaged", 1000000,
                          &env->until_window) &&
            check_number_dim(c, x->rhs, dim_none(), "the return to reach") &&
            require_const(c, x->rhs, "the return to reach");
  leave_context(c, saved);
  if (!ok) return false;
  /* > X is >= the next double up: one comparison at run time. */
  env->until_return = x->op == OP_GE ? x->rhs->cval : nextafter(x->rhs->cval, INFINITY);
  return true;
}

static void check_train(Checker *c, Decl *d) {
  Environment *env = c->m->env;
  if (env->train) {
    diag_error(c->d, d->span, "a model has one train statement");
    diag_note(c->d, env->train->span, "it is here");
    return;
  }
  env->train_written = true;
  SavedContext saved = enter_context(c, &c->m->globals, 0, "in a train statement");
  bool ok = require_count(c, d->value, "the number of episodes", 100000000, &env->episodes);
  leave_context(c, saved);
  if (!ok || (d->window && !until_condition(c, d->window, env))) return;
  env->train = d;
}

/* --- All of it ----------------------------------------------------------------------- */

static bool loop_decl(const Decl *d) {
  return d->kind == D_ENCODE || d->kind == D_DECODE || d->kind == D_TRAIN ||
         (d->kind == D_REWARD && strcmp(d->type_name, "environment") == 0);
}

void check_environment(Checker *c) {
  Model *m = c->m;
  for (Module *mod = m->modules; mod; mod = mod->next)
    for (Decl *d = mod->instances ? mod->items : NULL; d; d = d->next)
      if (d->kind == D_ENVIRONMENT) check_environment_decl(c, d);
  bool declared = false;
  for (Module *mod = m->modules; mod; mod = mod->next)
    for (Decl *d = mod->instances ? mod->items : NULL; d; d = d->next) {
      if (d->kind == D_ENVIRONMENT) declared = true;
      if (!loop_decl(d)) continue;
      if (!m->env) {
        if (!declared)
          diag_error(c->d, d->span, "this %s needs an environment, as in 'environment cart = "
                     "cartpole(seed = 7)'", decl_kind_name(d->kind));
        continue; /* the environment's own error was reported */
      }
      switch (d->kind) {
      case D_ENCODE: check_encoder(c, d); break;
      case D_DECODE: check_decoder(c, d); break;
      case D_TRAIN: check_train(c, d); break;
      default: check_env_reward(c, d); break;
      }
    }
  Environment *env = m->env;
  if (!env) return;
  if (!env->decoder_written)
    diag_error(c->d, env->decl->span, "environment '%s' has no decoder: say which population "
               "chooses its action, as in 'decode Out -> %s.action as spike_count'", env->name,
               env->name);
  if (!env->train_written)
    diag_error(c->d, env->decl->span, "environment '%s' is never trained: add 'train 100 "
               "episodes'", env->name);
  for (int k = 0; k < m->runs.len; k++) {
    Decl *run = m->runs.items[k];
    diag_error(c->d, run->span, "a model with an environment runs by episodes ('train'), not "
               "by 'run'");
  }
}
