/*
** cartpole.c: CartPole-v1 (Barto, Sutton & Anderson 1983) as Gymnasium
** defines it (gymnasium/envs/classic_control/cartpole.py).
**
** A pole hinged on a cart that moves on a frictionless track; the action
** pushes the cart left (0) or right (1) with a fixed force.  The state
** [x, x_dot, theta, theta_dot] advances by one explicit Euler step of tau
** (Gymnasium's default "euler" kinematics: positions from the old
** velocities, velocities from the accelerations), in exactly Gymnasium's
** order of operations so that trajectories agree to the last bits.  The
** episode terminates when |x| > 2.4 or |theta| > 12 degrees (checked on the
** new state); the reward is 1 for every step, the terminating one included;
** the time limit is 500 steps.  Reset draws the four values uniformly from
** [-0.05, 0.05) with NumPy's generator, as reset(seed=...) does.
*/
#include <math.h>
#include <stdlib.h>

#include "env_classes.h"
#include "pcg64.h"

enum { P_GRAVITY, P_CART_MASS, P_POLE_MASS, P_HALF_LENGTH, P_FORCE, P_TAU, NPARAM };

static const char *const param_names[NPARAM] = {"gravity", "cart_mass", "pole_mass",
                                                "half_length", "force", "tau"};
static const double param_defaults[NPARAM] = {9.8, 1.0, 0.1, 0.5, 10.0, 0.02};
static const char *const observation_names[4] = {"cart_position", "cart_velocity", "pole_angle",
                                                 "pole_angular_velocity"};
static const char *const action_names[2] = {"push_left", "push_right"};

#define X_THRESHOLD 2.4

typedef struct CartPole {
  double p[NPARAM];
  double theta_threshold; /* radians */
  double state[4];
  double low[4], high[4];
  Pcg64 rng;
} CartPole;

static void *cartpole_create(const double *params, uint64_t seed, char *err, size_t errlen) {
  for (int k = 0; k < NPARAM; k++)
    if (!(params[k] > 0) || !isfinite(params[k])) {
      snprintf(err, errlen, "parameter '%s' must be positive and finite (got %g)",
               param_names[k], params[k]);
      return NULL;
    }
  CartPole *c = calloc(1, sizeof *c);
  if (!c) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  for (int k = 0; k < NPARAM; k++) c->p[k] = params[k];
  c->theta_threshold = 12 * 2 * M_PI / 360;
  /* Gymnasium's observation bounds: twice the termination limits, and the
     largest float for the velocities. */
  double high[4] = {X_THRESHOLD * 2, ENV_FLOAT32_MAX, c->theta_threshold * 2, ENV_FLOAT32_MAX};
  for (int k = 0; k < 4; k++) c->high[k] = high[k], c->low[k] = -high[k];
  pcg64_seed(&c->rng, seed);
  return c;
}

static void cartpole_destroy(void *env) { free(env); }

static void cartpole_spaces(void *env, SnnSpace *observation, SnnSpace *action) {
  CartPole *c = env;
  *observation = (SnnSpace){SNN_SPACE_BOX, 4, c->low, c->high, observation_names};
  *action = (SnnSpace){SNN_SPACE_DISCRETE, 2, NULL, NULL, action_names};
}

static bool cartpole_reset(void *env, double *observation, char *err, size_t errlen) {
  CartPole *c = env;
  for (int k = 0; k < 4; k++) c->state[k] = pcg64_uniform(&c->rng, -0.05, 0.05);
  for (int k = 0; k < 4; k++) observation[k] = c->state[k];
  return true;
}

static bool cartpole_step(void *env, const double *action, double *observation,
                          SnnEnvOutcome *out, char *err, size_t errlen) {
  CartPole *c = env;
  const double *p = c->p;
  double x = c->state[0], x_dot = c->state[1], theta = c->state[2], theta_dot = c->state[3];
  double force = action[0] == 1 ? p[P_FORCE] : -p[P_FORCE];
  double costheta = cos(theta), sintheta = sin(theta);
  double total_mass = p[P_POLE_MASS] + p[P_CART_MASS];
  double polemass_length = p[P_POLE_MASS] * p[P_HALF_LENGTH];
  double temp = (force + polemass_length * (theta_dot * theta_dot) * sintheta) / total_mass;
  double thetaacc =
      (p[P_GRAVITY] * sintheta - costheta * temp) /
      (p[P_HALF_LENGTH] * (4.0 / 3.0 - p[P_POLE_MASS] * (costheta * costheta) / total_mass));
  double xacc = temp - polemass_length * thetaacc * costheta / total_mass;
  x = x + p[P_TAU] * x_dot;
  x_dot = x_dot + p[P_TAU] * xacc;
  theta = theta + p[P_TAU] * theta_dot;
  theta_dot = theta_dot + p[P_TAU] * thetaacc;
  c->state[0] = x, c->state[1] = x_dot, c->state[2] = theta, c->state[3] = theta_dot;
  for (int k = 0; k < 4; k++) observation[k] = c->state[k];
  out->terminated = x < -X_THRESHOLD || x > X_THRESHOLD || theta < -c->theta_threshold ||
                    theta > c->theta_threshold;
  out->reward = 1.0;
  return true;
}

const SnnEnvClass snn_env_cartpole = {
    SNN_ENV_ABI_VERSION,
    "cartpole",
    "CartPole-v1: balance a pole on a cart by pushing it left or right",
    NPARAM,
    param_names,
    param_defaults,
    500,
    cartpole_create,
    cartpole_destroy,
    cartpole_spaces,
    cartpole_reset,
    cartpole_step,
};
