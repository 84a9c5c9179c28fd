/*
** bandit.c: a user's environment for snn, a multi-armed bandit: each step
** the agent pulls one of `arms` levers; lever k pays 1 with probability
** p_k and 0 otherwise.  The observation is the reward of the last pull
** (0 at the start), so a network sees what it got; an episode lasts
** `pulls` steps (the host's time limit, max_steps, can cut it shorter).
**
** Build it against snnrt_env.h and load it from a model or try it alone:
**     cc -shared -fPIC -O2 -I runtime examples/environments/bandit.c -o libbandit.so
**     snnc env run ./libbandit.so --set arms=3 --set p2=0.9 --random-actions
** Everything an environment needs is in snnrt_env.h: a class of functions
** (create, destroy, spaces, reset, step) returned by snn_environment().
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "snnrt_env.h"

#define MAX_ARMS 4

enum { P_ARMS, P_PULLS, P_0, P_1, P_2, P_3, NPARAM };
static const char *const param_names[NPARAM] = {"arms", "pulls", "p0", "p1", "p2", "p3"};
static const double param_defaults[NPARAM] = {2, 100, 0.2, 0.8, 0.5, 0.5};
static const char *const observation_names[1] = {"last_reward"};
static const double observation_low[1] = {0}, observation_high[1] = {1};

typedef struct Bandit {
  int arms;
  int64_t pulls, pulled;
  double p[MAX_ARMS];
  double last_reward;
  uint64_t rng; /* splitmix64 */
} Bandit;

static double next_uniform(Bandit *b) {
  uint64_t z = (b->rng += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return (double)((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}

static void *bandit_create(const double *params, uint64_t seed, char *err, size_t errlen) {
  int arms = (int)params[P_ARMS];
  if (params[P_ARMS] != arms || arms < 2 || arms > MAX_ARMS) {
    snprintf(err, errlen, "arms must be 2, 3 or 4 (got %g)", params[P_ARMS]);
    return NULL;
  }
  if (!(params[P_PULLS] >= 1) || params[P_PULLS] != floor(params[P_PULLS])) {
    snprintf(err, errlen, "pulls must be a whole number >= 1 (got %g)", params[P_PULLS]);
    return NULL;
  }
  for (int k = 0; k < arms; k++)
    if (!(params[P_0 + k] >= 0 && params[P_0 + k] <= 1)) {
      snprintf(err, errlen, "p%d is a probability, in [0, 1] (got %g)", k, params[P_0 + k]);
      return NULL;
    }
  Bandit *b = calloc(1, sizeof *b);
  if (!b) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  b->arms = arms;
  b->pulls = (int64_t)params[P_PULLS];
  for (int k = 0; k < arms; k++) b->p[k] = params[P_0 + k];
  b->rng = seed;
  return b;
}

static void bandit_destroy(void *env) { free(env); }

static void bandit_spaces(void *env, SnnSpace *observation, SnnSpace *action) {
  Bandit *b = env;
  *observation = (SnnSpace){SNN_SPACE_BOX, 1, observation_low, observation_high,
                            observation_names};
  *action = (SnnSpace){SNN_SPACE_DISCRETE, b->arms, NULL, NULL, NULL};
}

static bool bandit_reset(void *env, double *observation, char *err, size_t errlen) {
  Bandit *b = env;
  b->pulled = 0;
  b->last_reward = 0;
  observation[0] = 0;
  return true;
}

static bool bandit_step(void *env, const double *action, double *observation,
                        SnnEnvOutcome *out, char *err, size_t errlen) {
  Bandit *b = env;
  int arm = (int)action[0]; /* the host has checked 0 <= arm < arms */
  b->last_reward = next_uniform(b) < b->p[arm] ? 1.0 : 0.0;
  b->pulled++;
  observation[0] = b->last_reward;
  out->reward = b->last_reward;
  out->terminated = b->pulled >= b->pulls;
  return true;
}

static const SnnEnvClass bandit_class = {
    SNN_ENV_ABI_VERSION,
    "bandit",
    "a multi-armed bandit: pull the lever that pays most often",
    NPARAM,
    param_names,
    param_defaults,
    0,
    bandit_create,
    bandit_destroy,
    bandit_spaces,
    bandit_reset,
    bandit_step,
};

const SnnEnvClass *snn_environment(void) { return &bandit_class; }
