/*
** env.c: the host side of environments (snnrt_env.h): finding a class
** among the built-ins or in a user's library, opening it with named
** parameters, and stepping it behind checks.
**
** Every class, built-in or loaded, goes through the same wrapper, so the
** rules hold for all: parameters are given by name and the unknown ones
** refused with the list of known ones; the time limit (max_steps) is the
** host's, as Gymnasium's TimeLimit wrapper is; an action outside the
** action space, a step before reset or after the end of an episode is
** refused; an observation or reward that is NaN or infinite is reported
** with the class's name, the value's name and the step, since it would
** otherwise poison a whole run.  Observations outside the space's bounds
** pass, as in Gymnasium (the bounds describe, they do not clip).
*/
#include <dlfcn.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env_classes.h"

#define ENV_ERROR_SIZE 512

struct SnnEnv {
  const SnnEnvClass *cls;
  void *state;
  double *params;       /* cls->nparams values, defaults filled in */
  int64_t max_steps;    /* 0: no time limit */
  SnnSpace observation, action;
  int64_t episode_steps, episodes;
  bool in_episode;      /* reset and not yet ended */
  char error[ENV_ERROR_SIZE];
};

static const SnnEnvClass *const builtins[] = {&snn_env_cartpole, &snn_env_mountain_car,
                                              &snn_env_acrobot, &snn_env_xor};
#define NBUILTIN ((int)(sizeof builtins / sizeof builtins[0]))

int snnrt_env_builtin_count(void) { return NBUILTIN; }

const SnnEnvClass *snnrt_env_builtin(int k) {
  return k >= 0 && k < NBUILTIN ? builtins[k] : NULL;
}

const SnnEnvClass *snnrt_env_find(const char *name) {
  for (int k = 0; k < NBUILTIN; k++)
    if (name && strcmp(builtins[k]->name, name) == 0) return builtins[k];
  return NULL;
}

/* --- Loading a user's class ------------------------------------------------- */

/* A class is used only if everything the host calls is there. */
static bool class_complete(const SnnEnvClass *c) {
  return c->name && c->create && c->destroy && c->spaces && c->reset && c->step &&
         c->nparams >= 0 && (c->nparams == 0 || (c->param_names && c->param_defaults)) &&
         c->max_steps >= 0;
}

const SnnEnvClass *snnrt_env_load(const char *library, char *err, size_t errlen) {
  /* The library stays loaded for the life of the process: its class is
     constant data inside it. */
  void *handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    snprintf(err, errlen, "cannot load environment library '%s': %s", library, dlerror());
    return NULL;
  }
  SnnEnvEntry entry;
  void *symbol = dlsym(handle, SNN_ENV_ENTRY);
  memcpy(&entry, &symbol, sizeof entry);
  if (!symbol) {
    snprintf(err, errlen,
             "environment library '%s' does not export %s() (see snnrt_env.h)", library,
             SNN_ENV_ENTRY);
    dlclose(handle);
    return NULL;
  }
  const SnnEnvClass *c = entry();
  if (!c) {
    snprintf(err, errlen, "environment library '%s': %s() returned no class", library,
             SNN_ENV_ENTRY);
    return NULL;
  }
  if (c->abi_version != SNN_ENV_ABI_VERSION) {
    snprintf(err, errlen,
             "environment library '%s' was built for version %d of snnrt_env.h; this runtime "
             "has version %d (rebuild it against this snnrt_env.h)",
             library, c->abi_version, SNN_ENV_ABI_VERSION);
    return NULL;
  }
  if (!class_complete(c)) {
    snprintf(err, errlen,
             "environment library '%s': its class lacks a name, a function or parameter "
             "names (every field of SnnEnvClass must be set)",
             library);
    return NULL;
  }
  return c;
}

/* --- Opening ------------------------------------------------------------------ */

static int param_index(const SnnEnvClass *c, const char *name) {
  for (int k = 0; k < c->nparams; k++)
    if (strcmp(c->param_names[k], name) == 0) return k;
  return -1;
}

/* "gravity, cart_mass, ... and max_steps": the names an environment takes. */
static void known_params(const SnnEnvClass *c, char *out, size_t len) {
  size_t used = 0;
  out[0] = 0;
  for (int k = 0; k < c->nparams && used < len; k++)
    used += (size_t)snprintf(out + used, len - used, "%s, ", c->param_names[k]);
  if (used < len) snprintf(out + used, len - used, "max_steps");
}

static bool space_valid(const SnnSpace *s, const char *what, const SnnEnvClass *c, char *err,
                        size_t errlen) {
  if (s->kind != SNN_SPACE_BOX && s->kind != SNN_SPACE_DISCRETE)
    return ENV_REFUSE(err, errlen, "environment '%s': its %s space has no kind", c->name, what);
  if (s->size < 1)
    return ENV_REFUSE(err, errlen, "environment '%s': its %s space has %d %s", c->name, what,
                      (int)s->size, s->kind == SNN_SPACE_BOX ? "values" : "choices");
  if (s->kind == SNN_SPACE_DISCRETE) return true;
  if (!s->low || !s->high)
    return ENV_REFUSE(err, errlen, "environment '%s': its %s space has no bounds", c->name,
                      what);
  for (int k = 0; k < s->size; k++)
    if (!(s->low[k] <= s->high[k]))
      return ENV_REFUSE(err, errlen, "environment '%s': bounds [%g, %g] of %s value %d", c->name,
                        s->low[k], s->high[k], what, k);
  return true;
}

SnnEnv *snnrt_env_open(const SnnEnvClass *cls, const SnnEnvParam *params, int nparams,
                       uint64_t seed, char *err, size_t errlen) {
  SnnEnv *e = calloc(1, sizeof *e);
  if (!e || !(e->params = calloc((size_t)cls->nparams + 1, sizeof(double)))) {
    free(e);
    snprintf(err, errlen, "out of memory for environment '%s'", cls->name);
    return NULL;
  }
  e->cls = cls;
  e->max_steps = cls->max_steps;
  for (int k = 0; k < cls->nparams; k++) e->params[k] = cls->param_defaults[k];
  for (int k = 0; k < nparams; k++) {
    const char *name = params[k].name;
    double v = params[k].value;
    int at = param_index(cls, name);
    if (strcmp(name, "max_steps") == 0) {
      if (!(v >= 0 && v <= 1e15 && v == floor(v))) {
        snprintf(err, errlen, "environment '%s': max_steps must be a whole number >= 0 (got %g)",
                 cls->name, v);
        goto fail;
      }
      e->max_steps = (int64_t)v;
    } else if (at < 0) {
      char known[256];
      known_params(cls, known, sizeof known);
      snprintf(err, errlen, "environment '%s' has no parameter '%s' (it takes %s)", cls->name,
               name, known);
      goto fail;
    } else {
      e->params[at] = v;
    }
  }
  char why[ENV_ERROR_SIZE] = "";
  e->state = cls->create(e->params, seed, why, sizeof why);
  if (!e->state) {
    snprintf(err, errlen, "environment '%s': %s", cls->name, why[0] ? why : "creation failed");
    goto fail;
  }
  cls->spaces(e->state, &e->observation, &e->action);
  if (!space_valid(&e->observation, "observation", cls, err, errlen) ||
      !space_valid(&e->action, "action", cls, err, errlen)) {
    cls->destroy(e->state);
    goto fail;
  }
  return e;
fail:
  free(e->params);
  free(e);
  return NULL;
}

void snnrt_env_close(SnnEnv *env) {
  if (!env) return;
  env->cls->destroy(env->state);
  free(env->params);
  free(env);
}

const SnnEnvClass *snnrt_env_class(const SnnEnv *env) { return env->cls; }
const SnnSpace *snnrt_env_observation_space(const SnnEnv *env) { return &env->observation; }
const SnnSpace *snnrt_env_action_space(const SnnEnv *env) { return &env->action; }
int64_t snnrt_env_episode_steps(const SnnEnv *env) { return env->episode_steps; }
int64_t snnrt_env_episodes(const SnnEnv *env) { return env->episodes; }
const char *snnrt_env_error(const SnnEnv *env) { return env->error; }

double snnrt_env_param(const SnnEnv *env, const char *name) {
  if (strcmp(name, "max_steps") == 0) return (double)env->max_steps;
  int k = param_index(env->cls, name);
  return k < 0 ? NAN : env->params[k];
}

/* --- Episodes ----------------------------------------------------------------- */

static bool env_fail(SnnEnv *e, const char *fmt, ...) {
  int used = snprintf(e->error, sizeof e->error, "environment '%s': ", e->cls->name);
  va_list ap;
  va_start(ap, fmt);
  if (used > 0 && (size_t)used < sizeof e->error)
    vsnprintf(e->error + used, sizeof e->error - (size_t)used, fmt, ap);
  va_end(ap);
  return false;
}

/* "value 2 (pole_angle)" */
static void value_name(const SnnSpace *s, int k, char *out, size_t len) {
  if (s->names && s->names[k])
    snprintf(out, len, "value %d (%s)", k, s->names[k]);
  else
    snprintf(out, len, "value %d", k);
}

static bool observation_finite(SnnEnv *e, const double *obs, const char *when) {
  for (int k = 0; k < e->observation.size; k++)
    if (!isfinite(obs[k])) {
      char name[96];
      value_name(&e->observation, k, name, sizeof name);
      return env_fail(e, "observation %s is %g %s of episode %lld", name, obs[k], when,
                      (long long)e->episodes);
    }
  return true;
}

bool snnrt_env_reset(SnnEnv *env, double *observation) {
  char why[ENV_ERROR_SIZE] = "";
  env->episodes++;
  env->episode_steps = 0;
  env->in_episode = false;
  if (!env->cls->reset(env->state, observation, why, sizeof why))
    return env_fail(env, "reset failed: %s", why[0] ? why : "no reason given");
  if (!observation_finite(env, observation, "at the start")) return false;
  env->in_episode = true;
  env->error[0] = 0;
  return true;
}

static bool action_valid(SnnEnv *e, const double *action) {
  const SnnSpace *a = &e->action;
  if (a->kind == SNN_SPACE_DISCRETE) {
    if (!(action[0] >= 0 && action[0] < a->size && action[0] == floor(action[0])))
      return env_fail(e, "action %g is not one of its %d choices (0 to %d)", action[0],
                      (int)a->size, (int)a->size - 1);
    return true;
  }
  for (int k = 0; k < a->size; k++)
    if (!isfinite(action[k])) {
      char name[96];
      value_name(a, k, name, sizeof name);
      return env_fail(e, "action %s is %g", name, action[k]);
    }
  return true;
}

bool snnrt_env_step(SnnEnv *env, const double *action, double *observation,
                    SnnEnvOutcome *out) {
  if (!env->in_episode)
    return env_fail(env, env->episodes == 0 ? "stepped before its first reset"
                                            : "stepped after the end of episode %lld (reset "
                                              "it first)",
                    (long long)env->episodes);
  if (!action_valid(env, action)) return false;
  char why[ENV_ERROR_SIZE] = "";
  *out = (SnnEnvOutcome){0, false, false};
  if (!env->cls->step(env->state, action, observation, out, why, sizeof why)) {
    env->in_episode = false;
    return env_fail(env, "step %lld of episode %lld failed: %s",
                    (long long)env->episode_steps + 1, (long long)env->episodes,
                    why[0] ? why : "no reason given");
  }
  env->episode_steps++;
  char when[64];
  snprintf(when, sizeof when, "after step %lld", (long long)env->episode_steps);
  if (!observation_finite(env, observation, when)) return env->in_episode = false;
  if (!isfinite(out->reward)) {
    env->in_episode = false;
    return env_fail(env, "reward %g after step %lld of episode %lld", out->reward,
                    (long long)env->episode_steps, (long long)env->episodes);
  }
  if (env->max_steps > 0 && env->episode_steps >= env->max_steps) out->truncated = true;
  if (out->terminated || out->truncated) env->in_episode = false;
  return true;
}
