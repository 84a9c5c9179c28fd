/*
** faulty_env.c: environment libraries that break the rules of
** snnrt_env.h on purpose, one per FAULT (a compile definition), for the
** tests of how the host reports them:
**   1 an observation turns NaN at step 3     2 the reward is infinite
**   3 built for another version of the ABI   4 no snn_environment symbol
**   5 create refuses its parameters          6 step fails with a message
**   7 the class lacks its step function      8 snn_environment returns NULL
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "snnrt_env.h"

static const char *const param_names[1] = {"level"};
static const double param_defaults[1] = {1};
static const double low[2] = {-1, -1}, high[2] = {1, 1};

typedef struct Faulty {
  int steps;
} Faulty;

static void *faulty_create(const double *params, uint64_t seed, char *err, size_t errlen) {
  if (FAULT == 5) {
    snprintf(err, errlen, "level %g is too high for this test", params[0]);
    return NULL;
  }
  return calloc(1, sizeof(Faulty));
}

static void faulty_destroy(void *env) { free(env); }

static void faulty_spaces(void *env, SnnSpace *observation, SnnSpace *action) {
  *observation = (SnnSpace){SNN_SPACE_BOX, 2, low, high, NULL};
  *action = (SnnSpace){SNN_SPACE_DISCRETE, 2, NULL, NULL, NULL};
}

static bool faulty_reset(void *env, double *observation, char *err, size_t errlen) {
  ((Faulty *)env)->steps = 0;
  observation[0] = observation[1] = 0;
  return true;
}

static bool faulty_step(void *env, const double *action, double *observation,
                        SnnEnvOutcome *out, char *err, size_t errlen) {
  Faulty *f = env;
  f->steps++;
  observation[0] = 0.5;
  observation[1] = FAULT == 1 && f->steps == 3 ? NAN : 0.25;
  out->reward = FAULT == 2 ? INFINITY : 1;
  if (FAULT == 6 && f->steps == 2) {
    snprintf(err, errlen, "the simulated device went away");
    return false;
  }
  return true;
}

static const SnnEnvClass faulty_class = {
    FAULT == 3 ? SNN_ENV_ABI_VERSION + 41 : SNN_ENV_ABI_VERSION,
    "faulty",
    "an environment that breaks a rule on purpose",
    1,
    param_names,
    param_defaults,
    0,
    faulty_create,
    faulty_destroy,
    faulty_spaces,
    faulty_reset,
    FAULT == 7 ? NULL : faulty_step,
};

#if FAULT == 4
const SnnEnvClass *some_other_name(void) { return &faulty_class; }
#else
const SnnEnvClass *snn_environment(void) { return FAULT == 8 ? NULL : &faulty_class; }
#endif
