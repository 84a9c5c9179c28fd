/*
** xor.c: the exclusive-or task of R. V. Florian (2007), Neural Comput.
** 19:1468-1502, section 4.3, as an environment: a network must learn the
** mapping from two input bits to their XOR from a reward alone.
**
** Each step presents one of the four input patterns (a, b), observed as
** the two values a and b in {0, 1} (an encoder turns them into spike
** trains: Florian's inputs fire at a high rate for 1 and not at all for
** 0); the action says what the network answers, 0 or 1, and the reward is
** `reward_right` for a XOR b and `reward_wrong` otherwise.  An episode
** presents the four patterns `rounds` times, each round in an order
** shuffled from the seed (Fisher-Yates with NumPy's generator), so its
** return counts the right answers.
**
** `truth_table` names another function of the two bits by its four
** answers, bit a * 2 + b holding the answer to (a, b): 6 (0110) is XOR,
** the default; 8 is AND, 14 OR, 12 "a".  The linearly separable ones are
** the control that tells a network which cannot learn from reward at all
** from one whose hidden layer does not give it XOR.
*/
#include <math.h>
#include <stdlib.h>

#include "env_classes.h"
#include "pcg64.h"

enum { P_ROUNDS, P_RIGHT, P_WRONG, P_TABLE, NPARAM };

static const char *const param_names[NPARAM] = {"rounds", "reward_right", "reward_wrong",
                                                "truth_table"};
static const double param_defaults[NPARAM] = {5, 1, -1, 6};
static const char *const observation_names[2] = {"a", "b"};
static const char *const action_names[2] = {"zero", "one"};
static const double observation_low[2] = {0, 0}, observation_high[2] = {1, 1};

typedef struct Xor {
  int64_t rounds, shown;
  int truth_table;         /* bit a * 2 + b: the right answer to (a, b) */
  double right, wrong;
  int order[4];            /* the patterns of the current round, as a * 2 + b */
  Pcg64 rng;
} Xor;

static void *xor_create(const double *params, uint64_t seed, char *err, size_t errlen) {
  if (!(params[P_ROUNDS] >= 1 && params[P_ROUNDS] <= 1e9) ||
      params[P_ROUNDS] != floor(params[P_ROUNDS])) {
    snprintf(err, errlen, "rounds must be a whole number >= 1 (got %g)", params[P_ROUNDS]);
    return NULL;
  }
  if (!(params[P_TABLE] >= 0 && params[P_TABLE] <= 15) ||
      params[P_TABLE] != floor(params[P_TABLE])) {
    snprintf(err, errlen, "truth_table must be a whole number from 0 to 15 (got %g)",
             params[P_TABLE]);
    return NULL;
  }
  if (!isfinite(params[P_RIGHT]) || !isfinite(params[P_WRONG])) {
    snprintf(err, errlen, "the rewards must be finite");
    return NULL;
  }
  Xor *x = calloc(1, sizeof *x);
  if (!x) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  x->rounds = (int64_t)params[P_ROUNDS];
  x->truth_table = (int)params[P_TABLE];
  x->right = params[P_RIGHT];
  x->wrong = params[P_WRONG];
  pcg64_seed(&x->rng, seed);
  return x;
}

static void xor_destroy(void *env) { free(env); }

static void xor_spaces(void *env, SnnSpace *observation, SnnSpace *action) {
  (void)env;
  *observation = (SnnSpace){SNN_SPACE_BOX, 2, observation_low, observation_high,
                            observation_names};
  *action = (SnnSpace){SNN_SPACE_DISCRETE, 2, NULL, NULL, action_names};
}

static void shuffle_round(Xor *x) {
  for (int k = 0; k < 4; k++) x->order[k] = k;
  for (int k = 3; k > 0; k--) {
    int j = (int)floor(pcg64_uniform(&x->rng, 0, (double)(k + 1)));
    if (j > k) j = k;
    int t = x->order[k];
    x->order[k] = x->order[j];
    x->order[j] = t;
  }
}

static void show(const Xor *x, double *observation) {
  int pattern = x->order[x->shown % 4];
  observation[0] = pattern >> 1;
  observation[1] = pattern & 1;
}

static bool xor_reset(void *env, double *observation, char *err, size_t errlen) {
  (void)err, (void)errlen;
  Xor *x = env;
  x->shown = 0;
  shuffle_round(x);
  show(x, observation);
  return true;
}

static bool xor_step(void *env, const double *action, double *observation, SnnEnvOutcome *out,
                     char *err, size_t errlen) {
  (void)err, (void)errlen;
  Xor *x = env;
  int pattern = x->order[x->shown % 4];
  int target = (x->truth_table >> pattern) & 1;
  out->reward = (int)action[0] == target ? x->right : x->wrong;
  x->shown++;
  out->terminated = x->shown >= 4 * x->rounds;
  if (x->shown % 4 == 0 && !out->terminated) shuffle_round(x);
  show(x, observation);
  return true;
}

const SnnEnvClass snn_env_xor = {
    SNN_ENV_ABI_VERSION,
    "xor",
    "Florian's XOR: answer a XOR b for two input bits, learned from reward alone",
    NPARAM,
    param_names,
    param_defaults,
    0,
    xor_create,
    xor_destroy,
    xor_spaces,
    xor_reset,
    xor_step,
};
