/*
** acrobot.c: Acrobot-v1 (Sutton 1996; Sutton & Barto 2018) as Gymnasium
** defines it (gymnasium/envs/classic_control/acrobot.py).
**
** Two links hang from a fixed joint; a torque of -1, 0 or +1 (actions 0,
** 1, 2) on the middle joint must swing the tip above a line one link
** length over the pivot.  The state [theta1, theta2, dtheta1, dtheta2]
** advances by one classical Runge-Kutta step of dt = 0.2 s on the book's
** equations (Gymnasium's default, book_or_nips = "book"), with the torque
** held as a fifth component whose derivative is 0, in Gymnasium's order of
** operations; then the angles wrap to [-pi, pi] and the velocities are
** bounded to +-4 pi and +-9 pi.  The episode terminates when
** -cos(theta1) - cos(theta1 + theta2) > 1; each step costs -1 until then
** (0 on the terminating step); the time limit is 500 steps.  Reset draws
** the four values uniformly from [-0.1, 0.1) with NumPy's generator and
** rounds them to float, as Gymnasium does.  The observation is
** [cos theta1, sin theta1, cos theta2, sin theta2, dtheta1, dtheta2].
*/
#include <math.h>
#include <stdlib.h>

#include "env_classes.h"
#include "pcg64.h"

enum { P_LINK_MASS_1, P_LINK_MASS_2, P_LINK_LENGTH_1, P_TORQUE_NOISE, NPARAM };

static const char *const param_names[NPARAM] = {"link_mass_1", "link_mass_2", "link_length_1",
                                                "torque_noise"};
static const double param_defaults[NPARAM] = {1.0, 1.0, 1.0, 0.0};
static const char *const observation_names[6] = {"cos_theta1", "sin_theta1", "cos_theta2",
                                                 "sin_theta2", "theta1_dot", "theta2_dot"};
static const char *const action_names[3] = {"torque_negative", "torque_zero", "torque_positive"};

#define DT 0.2
#define LINK_COM_POS_1 0.5
#define LINK_COM_POS_2 0.5
#define LINK_MOI 1.0
#define MAX_VEL_1 (4 * M_PI)
#define MAX_VEL_2 (9 * M_PI)
#define NS 5 /* the state and the torque */

typedef struct Acrobot {
  double p[NPARAM];
  double s[4];
  double low[6], high[6];
  Pcg64 rng;
} Acrobot;

static void *acrobot_create(const double *params, uint64_t seed, char *err, size_t errlen) {
  for (int k = 0; k < NPARAM; k++)
    if (!isfinite(params[k]) || params[k] < 0 || (k != P_TORQUE_NOISE && params[k] == 0)) {
      snprintf(err, errlen, "parameter '%s' must be %s and finite (got %g)", param_names[k],
               k == P_TORQUE_NOISE ? "at least 0" : "positive", params[k]);
      return NULL;
    }
  Acrobot *a = calloc(1, sizeof *a);
  if (!a) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  for (int k = 0; k < NPARAM; k++) a->p[k] = params[k];
  double high[6] = {1.0, 1.0, 1.0, 1.0, (float)MAX_VEL_1, (float)MAX_VEL_2};
  for (int k = 0; k < 6; k++) a->high[k] = high[k], a->low[k] = -high[k];
  pcg64_seed(&a->rng, seed);
  return a;
}

static void acrobot_destroy(void *env) { free(env); }

static void acrobot_spaces(void *env, SnnSpace *observation, SnnSpace *action) {
  Acrobot *a = env;
  *observation = (SnnSpace){SNN_SPACE_BOX, 6, a->low, a->high, observation_names};
  *action = (SnnSpace){SNN_SPACE_DISCRETE, 3, NULL, NULL, action_names};
}

static void observe(const Acrobot *a, double *observation) {
  observation[0] = cos(a->s[0]), observation[1] = sin(a->s[0]);
  observation[2] = cos(a->s[1]), observation[3] = sin(a->s[1]);
  observation[4] = a->s[2], observation[5] = a->s[3];
}

static bool acrobot_reset(void *env, double *observation, char *err, size_t errlen) {
  Acrobot *a = env;
  for (int k = 0; k < 4; k++) a->s[k] = (float)pcg64_uniform(&a->rng, -0.1, 0.1);
  observe(a, observation);
  return true;
}

/* The book's equations of motion: the derivative of [theta1, theta2,
   dtheta1, dtheta2, torque].  Squares are libm's pow(x, 2), as Python's
   x**2 is: it differs from x * x in the last bit now and then, and the
   system is chaotic (this file is compiled with -fno-builtin-pow). */
static void derivative(const Acrobot *a, const double y[NS], double dy[NS]) {
  double m1 = a->p[P_LINK_MASS_1], m2 = a->p[P_LINK_MASS_2], l1 = a->p[P_LINK_LENGTH_1];
  double lc1 = LINK_COM_POS_1, lc2 = LINK_COM_POS_2, I1 = LINK_MOI, I2 = LINK_MOI, g = 9.8;
  double torque = y[4], theta1 = y[0], theta2 = y[1], dtheta1 = y[2], dtheta2 = y[3];
  double d1 = m1 * pow(lc1, 2) + m2 * (pow(l1, 2) + pow(lc2, 2) + 2 * l1 * lc2 * cos(theta2)) +
              I1 + I2;
  double d2 = m2 * (pow(lc2, 2) + l1 * lc2 * cos(theta2)) + I2;
  double phi2 = m2 * lc2 * g * cos(theta1 + theta2 - M_PI / 2.0);
  double phi1 = -m2 * l1 * lc2 * pow(dtheta2, 2) * sin(theta2) -
                2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sin(theta2) +
                (m1 * lc1 + m2 * l1) * g * cos(theta1 - M_PI / 2) + phi2;
  double ddtheta2 =
      (torque + d2 / d1 * phi1 - m2 * l1 * lc2 * pow(dtheta1, 2) * sin(theta2) - phi2) /
      (m2 * pow(lc2, 2) + I2 - pow(d2, 2) / d1);
  double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  dy[0] = dtheta1, dy[1] = dtheta2, dy[2] = ddtheta1, dy[3] = ddtheta2, dy[4] = 0.0;
}

/* Gymnasium's rk4 over [0, dt]: k1 .. k4, then y + dt / 6 (k1 + 2 k2 + 2 k3 + k4). */
static void rk4(const Acrobot *a, double y[NS]) {
  double dt = DT - 0.0, dt2 = dt / 2.0;
  double k1[NS], k2[NS], k3[NS], k4[NS], t[NS];
  derivative(a, y, k1);
  for (int i = 0; i < NS; i++) t[i] = y[i] + dt2 * k1[i];
  derivative(a, t, k2);
  for (int i = 0; i < NS; i++) t[i] = y[i] + dt2 * k2[i];
  derivative(a, t, k3);
  for (int i = 0; i < NS; i++) t[i] = y[i] + dt * k3[i];
  derivative(a, t, k4);
  for (int i = 0; i < NS; i++) y[i] = y[i] + dt / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
}

static double wrap(double x, double m, double M) {
  double diff = M - m;
  while (x > M) x = x - diff;
  while (x < m) x = x + diff;
  return x;
}

static double bound(double x, double m, double M) { return fmin(fmax(x, m), M); }

static bool acrobot_step(void *env, const double *action, double *observation,
                         SnnEnvOutcome *out, char *err, size_t errlen) {
  Acrobot *a = env;
  static const double torques[3] = {-1.0, 0.0, +1.0};
  double torque = torques[(int)action[0]];
  if (a->p[P_TORQUE_NOISE] > 0)
    torque += pcg64_uniform(&a->rng, -a->p[P_TORQUE_NOISE], a->p[P_TORQUE_NOISE]);
  double y[NS] = {a->s[0], a->s[1], a->s[2], a->s[3], torque};
  rk4(a, y);
  a->s[0] = wrap(y[0], -M_PI, M_PI);
  a->s[1] = wrap(y[1], -M_PI, M_PI);
  a->s[2] = bound(y[2], -MAX_VEL_1, MAX_VEL_1);
  a->s[3] = bound(y[3], -MAX_VEL_2, MAX_VEL_2);
  observe(a, observation);
  out->terminated = -cos(a->s[0]) - cos(a->s[1] + a->s[0]) > 1.0;
  out->reward = out->terminated ? 0.0 : -1.0;
  return true;
}

const SnnEnvClass snn_env_acrobot = {
    SNN_ENV_ABI_VERSION,
    "acrobot",
    "Acrobot-v1: swing the tip of a two-link pendulum above a line by a torque on its elbow",
    NPARAM,
    param_names,
    param_defaults,
    500,
    acrobot_create,
    acrobot_destroy,
    acrobot_spaces,
    acrobot_reset,
    acrobot_step,
};
