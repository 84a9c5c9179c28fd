/*
** mountain_car.c: MountainCar-v0 (Moore 1990; Sutton & Barto) as Gymnasium
** defines it (gymnasium/envs/classic_control/mountain_car.py).
**
** An underpowered car in a valley must rock back and forth to reach the
** flag on the right hill.  Actions: accelerate left (0), not at all (1),
** right (2).  One step: velocity += (action - 1) * force - cos(3 position)
** * gravity, clipped to +-0.07; position += velocity, clipped to
** [-1.2, 0.6]; at the left wall a leftward velocity becomes 0.  The
** episode terminates when position >= 0.5 and velocity >= goal_velocity;
** every step costs -1; the time limit is 200 steps.  Reset: position
** uniform in [-0.6, -0.4) from NumPy's generator, velocity 0.
*/
#include <math.h>
#include <stdlib.h>

#include "env_classes.h"
#include "pcg64.h"

enum { P_FORCE, P_GRAVITY, P_GOAL_VELOCITY, NPARAM };

static const char *const param_names[NPARAM] = {"force", "gravity", "goal_velocity"};
static const double param_defaults[NPARAM] = {0.001, 0.0025, 0.0};
static const char *const observation_names[2] = {"position", "velocity"};
static const char *const action_names[3] = {"left", "none", "right"};

#define MIN_POSITION -1.2
#define MAX_POSITION 0.6
#define MAX_SPEED 0.07
#define GOAL_POSITION 0.5

typedef struct MountainCar {
  double p[NPARAM];
  double position, velocity;
  double low[2], high[2];
  Pcg64 rng;
} MountainCar;

static double clip(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

static void *mountain_car_create(const double *params, uint64_t seed, char *err,
                                 size_t errlen) {
  for (int k = 0; k < NPARAM; k++)
    if (!isfinite(params[k]) || (k != P_GOAL_VELOCITY && !(params[k] > 0))) {
      snprintf(err, errlen, "parameter '%s' must be %s and finite (got %g)", param_names[k],
               k == P_GOAL_VELOCITY ? "a number" : "positive", params[k]);
      return NULL;
    }
  MountainCar *m = calloc(1, sizeof *m);
  if (!m) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  for (int k = 0; k < NPARAM; k++) m->p[k] = params[k];
  m->low[0] = MIN_POSITION, m->low[1] = -MAX_SPEED;
  m->high[0] = MAX_POSITION, m->high[1] = MAX_SPEED;
  pcg64_seed(&m->rng, seed);
  return m;
}

static void mountain_car_destroy(void *env) { free(env); }

static void mountain_car_spaces(void *env, SnnSpace *observation, SnnSpace *action) {
  MountainCar *m = env;
  *observation = (SnnSpace){SNN_SPACE_BOX, 2, m->low, m->high, observation_names};
  *action = (SnnSpace){SNN_SPACE_DISCRETE, 3, NULL, NULL, action_names};
}

static bool mountain_car_reset(void *env, double *observation, char *err, size_t errlen) {
  MountainCar *m = env;
  m->position = pcg64_uniform(&m->rng, -0.6, -0.4);
  m->velocity = 0;
  observation[0] = m->position, observation[1] = m->velocity;
  return true;
}

static bool mountain_car_step(void *env, const double *action, double *observation,
                              SnnEnvOutcome *out, char *err, size_t errlen) {
  MountainCar *m = env;
  double velocity = m->velocity, position = m->position;
  velocity += (action[0] - 1) * m->p[P_FORCE] + cos(3 * position) * (-m->p[P_GRAVITY]);
  velocity = clip(velocity, -MAX_SPEED, MAX_SPEED);
  position += velocity;
  position = clip(position, MIN_POSITION, MAX_POSITION);
  if (position == MIN_POSITION && velocity < 0) velocity = 0;
  m->position = position, m->velocity = velocity;
  observation[0] = position, observation[1] = velocity;
  out->terminated = position >= GOAL_POSITION && velocity >= m->p[P_GOAL_VELOCITY];
  out->reward = -1.0;
  return true;
}

const SnnEnvClass snn_env_mountain_car = {
    SNN_ENV_ABI_VERSION,
    "mountain_car",
    "MountainCar-v0: drive an underpowered car up a hill by rocking it",
    NPARAM,
    param_names,
    param_defaults,
    200,
    mountain_car_create,
    mountain_car_destroy,
    mountain_car_spaces,
    mountain_car_reset,
    mountain_car_step,
};
