/*
** probe_env.c: an environment whose answers are known, for the tests of
** the closed loop (tests/models/check_closed_loop.py).
**
** The observation is constant: [x, 1 - x] for the parameter x in [0, 1],
** so what an encoder makes of it can be compared with the formula.  The
** reward of a step is the index of the action taken, so an episode's return
** counts the actions above 0 that the network chose.  An episode ends after
** `steps` steps (terminated).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "snnrt_env.h"

enum { P_X, P_STEPS, P_ACTIONS, NPARAM };
static const char *const param_names[NPARAM] = {"x", "steps", "actions"};
static const double param_defaults[NPARAM] = {0.3, 50, 2};
static const double low[2] = {0, 0}, high[2] = {1, 1};

typedef struct Probe {
  double x;
  int64_t steps, taken;
  int actions;
} Probe;

static void *probe_create(const double *params, uint64_t seed, char *err, size_t errlen) {
  (void)seed;
  if (!(params[P_X] >= 0 && params[P_X] <= 1)) {
    snprintf(err, errlen, "x must lie in [0, 1] (got %g)", params[P_X]);
    return NULL;
  }
  if (!(params[P_STEPS] >= 1) || params[P_STEPS] != floor(params[P_STEPS]) ||
      !(params[P_ACTIONS] >= 2 && params[P_ACTIONS] <= 8) ||
      params[P_ACTIONS] != floor(params[P_ACTIONS])) {
    snprintf(err, errlen, "steps must be a whole number >= 1 and actions one from 2 to 8");
    return NULL;
  }
  Probe *p = calloc(1, sizeof *p);
  if (!p) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  p->x = params[P_X];
  p->steps = (int64_t)params[P_STEPS];
  p->actions = (int)params[P_ACTIONS];
  return p;
}

static void probe_destroy(void *env) { free(env); }

static void probe_spaces(void *env, SnnSpace *observation, SnnSpace *action) {
  *observation = (SnnSpace){SNN_SPACE_BOX, 2, low, high, NULL};
  *action = (SnnSpace){SNN_SPACE_DISCRETE, ((Probe *)env)->actions, NULL, NULL, NULL};
}

static bool probe_reset(void *env, double *observation, char *err, size_t errlen) {
  (void)err, (void)errlen;
  Probe *p = env;
  p->taken = 0;
  observation[0] = p->x;
  observation[1] = 1 - p->x;
  return true;
}

static bool probe_step(void *env, const double *action, double *observation,
                       SnnEnvOutcome *out, char *err, size_t errlen) {
  (void)err, (void)errlen;
  Probe *p = env;
  p->taken++;
  observation[0] = p->x;
  observation[1] = 1 - p->x;
  out->reward = action[0];
  out->terminated = p->taken >= p->steps;
  out->truncated = false;
  return true;
}

static const SnnEnvClass probe_class = {
    SNN_ENV_ABI_VERSION, "probe", "a constant observation; the reward is the action",
    NPARAM, param_names, param_defaults, 0,
    probe_create, probe_destroy, probe_spaces, probe_reset, probe_step,
};

const SnnEnvClass *snn_environment(void) { return &probe_class; }
