/*
** test_agents.c: the synapse agents of Strategy A (learn/agents.c) against
** values worked out by hand, and on a task whose best policy is known.
**
** - States: the mixed-radix composition of binned, index and history
**   features, for inputs chosen so that each digit is known.
** - Q-learning: one synapse, one state, the updates of three decisions and
**   an episode's end computed by hand (alpha 0.5, gamma 0.9).
** - A bandit for synapses: the reward pays for raising the weight, so with
**   any kind of table every weight must end at its upper bound.
** - Reproducibility, the tables' layout and size limits, and broken inputs
**   (NaN) that still give valid states.
*/
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent_features.h"
#include "agents.h"
#include "test.h"

static AgentSpec base_spec(void) {
  AgentSpec s;
  memset(&s, 0, sizeof s);
  s.naction = 2;
  s.action[0] = 0.1;
  s.action[1] = -0.1;
  s.update = AGENT_ADD;
  s.w_low = 0;
  s.w_high = 1;
  s.alpha = 0.5;
  s.gamma = 0.9;
  s.epsilon = 0;
  s.table = AGENT_TABLE_SHARED;
  s.seed = 7;
  s.stream = 3;
  return s;
}

static void test_states(void) {
  AgentSpec s = base_spec();
  s.nfeature = 3;
  s.feature[0] = (AgentFeature){AGENT_WEIGHT, 4, 0, 0, 1, -1};
  s.feature[1] = (AgentFeature){AGENT_POST_INDEX, 2, 0, 0, 0, -1};
  s.feature[2] = (AgentFeature){AGENT_POST_RATE, 5, 0, 0, 100, -1};
  CHECK(agents_state_count(&s) == 40);
  Agents a;
  char err[256];
  CHECK(agents_init(&a, &s, 3, 2, 4, err, sizeof err));
  double w[3] = {0.6, 1.5, NAN};
  int32_t pre[3] = {0, 1, 1}, post[3] = {3, 1, 2};
  double post_rate[4] = {0, 10, 55, 250};
  AgentInputs in = {w, pre, post, NULL, post_rate, NULL, NULL};
  /* w 0.6 -> bin 2 of 4; post 3 of 4 -> bin 1 of 2; 250 Hz -> bin 4 of 5 (clipped). */
  CHECK(agents_state_of(&a, &in, 0) == (2 * 2 + 1) * 5 + 4);
  /* w 1.5 -> bin 3 (clipped); post 1 -> bin 0; 10 Hz -> bin 0. */
  CHECK(agents_state_of(&a, &in, 1) == (3 * 2 + 0) * 5 + 0);
  /* NaN weight -> bin 0; post 2 -> bin 1; 55 Hz -> bin 2. */
  CHECK(agents_state_of(&a, &in, 2) == (0 * 2 + 1) * 5 + 2);
  agents_free(&a);
}

/* Index bins against integer division, for sizes and bins that do not
   divide each other. */
static void test_index_bins(void) {
  for (int64_t size = 1; size <= 37; size++)
    for (int64_t bins = 1; bins <= 12; bins++) {
      AgentSpec s = base_spec();
      s.nfeature = 1;
      s.feature[0] = (AgentFeature){AGENT_PRE_INDEX, bins, 0, 0, 0, -1};
      Agents a;
      char err[256];
      CHECK(agents_init(&a, &s, size, size, 1, err, sizeof err));
      int32_t pre[37], post[37] = {0};
      double w[37] = {0};
      for (int64_t i = 0; i < size; i++) pre[i] = (int32_t)i;
      AgentInputs in = {w, pre, post, NULL, NULL, NULL, NULL};
      int wrong = 0;
      for (int64_t i = 0; i < size; i++) wrong += agents_state_of(&a, &in, i) != i * bins / size;
      CHECK(wrong == 0);
      agents_free(&a);
    }
}

static void test_histories(void) {
  AgentSpec s = base_spec();
  s.naction = 3;
  s.action[2] = 0;
  s.nfeature = 2;
  s.feature[0] = (AgentFeature){AGENT_REWARD_HISTORY, 0, 2, 0, 0, -1};
  s.feature[1] = (AgentFeature){AGENT_ACTION_HISTORY, 0, 1, 0, 0, -1};
  CHECK(agents_state_count(&s) == 27);
  Agents a;
  char err[256];
  CHECK(agents_init(&a, &s, 1, 1, 1, err, sizeof err));
  double w = 0.5;
  int32_t zero = 0;
  AgentInputs in = {&w, &zero, &zero, NULL, NULL, NULL, NULL};
  agents_decide(&a, &in, 1.0);   /* rewards seen: + */
  int64_t first = a.last_action[0];
  agents_decide(&a, &in, -0.5);  /* rewards seen: +, - */
  /* Reward digits: + is 2, - is 0, the latest least significant: 2 * 3 + 0;
     the action history holds the action of the last decision. */
  CHECK(agents_state_of(&a, &in, 0) == (2 * 3 + 0) * 3 + a.last_action[0]);
  CHECK(a.last_state[0] == (2 * 3 + 0) * 3 + first);
  agents_free(&a);
}

static void test_q_learning_by_hand(void) {
  AgentSpec s = base_spec();
  Agents a;
  char err[256];
  CHECK(agents_init(&a, &s, 1, 1, 1, err, sizeof err));
  double w = 0.5;
  int32_t zero = 0;
  AgentInputs in = {&w, &zero, &zero, NULL, NULL, NULL, NULL};
  agents_decide(&a, &in, 0);       /* no transition yet: a tie, broken at random */
  int64_t a1 = a.last_action[0], other = 1 - a1;
  CHECK(a.q[0] == 0 && a.q[1] == 0);
  CHECK_NEAR(w, 0.5 + s.action[a1], 1e-15);
  agents_decide(&a, &in, 1);       /* Q[a1] = 0 + 0.5 (1 + 0.9 * 0 - 0) = 0.5 */
  CHECK_NEAR(a.q[a1], 0.5, 1e-15);
  CHECK(a.last_action[0] == a1);   /* greedy: the better action */
  CHECK_NEAR(a.mean_td_error, 1.0, 1e-15);
  agents_decide(&a, &in, -1);      /* Q[a1] = 0.5 + 0.5 (-1 + 0.9 * 0.5 - 0.5) = -0.025 */
  CHECK_NEAR(a.q[a1], -0.025, 1e-15);
  CHECK(a.last_action[0] == other);
  agents_end_episode(&a, &in, 2);  /* no future: Q[other] = 0 + 0.5 (2 - 0) = 1 */
  CHECK_NEAR(a.q[other], 1.0, 1e-15);
  CHECK(a.last_state[0] == -1);
  double q_before[2] = {a.q[0], a.q[1]};
  agents_decide(&a, &in, 5);       /* a new episode: nothing to learn from yet */
  CHECK(a.q[0] == q_before[0] && a.q[1] == q_before[1]);
  CHECK(a.last_action[0] == other);
  agents_free(&a);
}

/* Raising the weight pays: +1 per synapse that chose +dw at the last
   decision, as a fraction of all (a global reward).  One state: with a
   state of their own histories, a synapse that went down first would have
   to explore the other state too, which takes longer than this test. */
static void run_rising(AgentTable table, double *w, int64_t nsyn, int64_t decisions) {
  AgentSpec s = base_spec();
  s.action[0] = 0.02;
  s.action[1] = -0.02;
  s.epsilon = 0.1;
  s.alpha = 0.1;
  s.table = table;
  Agents a;
  char err[256];
  CHECK(agents_init(&a, &s, nsyn, nsyn, 2, err, sizeof err));
  int32_t *pre = malloc(sizeof(int32_t) * (size_t)nsyn), *post = malloc(sizeof(int32_t) * (size_t)nsyn);
  for (int64_t k = 0; k < nsyn; k++) pre[k] = (int32_t)k, post[k] = (int32_t)(k % 2), w[k] = 0.5;
  AgentInputs in = {w, pre, post, NULL, NULL, NULL, NULL};
  double reward = 0;
  for (int64_t d = 0; d < decisions; d++) {
    agents_decide(&a, &in, reward);
    int64_t up = 0;
    for (int64_t k = 0; k < nsyn; k++) up += a.last_action[k] == 0;
    reward = (double)up / (double)nsyn;
  }
  CHECK(a.ntables == (table == AGENT_TABLE_SHARED ? 1 : table == AGENT_TABLE_PER_POST ? 2 : nsyn));
  CHECK(a.explored > 0 && a.explored < 0.3);
  agents_free(&a);
  free(pre);
  free(post);
}

/* A synapse's own share of the reward is 1/nsyn: with a table of its own
   it learns from that share alone, so that case has fewer synapses. */
static void test_rising(void) {
  AgentTable tables[3] = {AGENT_TABLE_SHARED, AGENT_TABLE_PER_POST, AGENT_TABLE_PER_SYNAPSE};
  int64_t sizes[3] = {40, 40, 4};
  for (int t = 0; t < 3; t++) {
    double w[40];
    int64_t n = sizes[t];
    run_rising(tables[t], w, n, 3000);
    int high = 0;
    for (int k = 0; k < n; k++) high += w[k] >= 0.9;
    /* Exploration still moves a weight down now and then (one step of 0.02). */
    if (high != n) fprintf(stderr, "table %d: %d of %lld weights high\n", t, high, (long long)n);
    CHECK(high == n);
    double again[40];
    run_rising(tables[t], again, n, 3000);
    CHECK(memcmp(w, again, sizeof(double) * (size_t)n) == 0);
  }
}

static void test_limits(void) {
  AgentSpec s = base_spec();
  s.nfeature = 3;
  s.feature[0] = (AgentFeature){AGENT_WEIGHT, 1000, 0, 0, 1, -1};
  s.feature[1] = (AgentFeature){AGENT_PRE_INDEX, 1000, 0, 0, 0, -1};
  s.feature[2] = (AgentFeature){AGENT_POST_INDEX, 1000, 0, 0, 0, -1};
  s.table = AGENT_TABLE_PER_SYNAPSE;
  CHECK(agents_table_bytes(&s, 1000000, 1000) == -1 ||
        agents_table_bytes(&s, 1000000, 1000) > (int64_t)1 << 50);
  s.table = AGENT_TABLE_SHARED;
  CHECK(agents_table_bytes(&s, 1000000, 1000) == (int64_t)1000000000 * 2 * 8);
  AgentSpec bad = base_spec();
  bad.alpha = 0;
  Agents a;
  char err[256] = "";
  CHECK(!agents_init(&a, &bad, 1, 1, 1, err, sizeof err) && strstr(err, "alpha"));
  bad = base_spec();
  bad.nfeature = 1;
  bad.feature[0] = (AgentFeature){AGENT_ACTION_HISTORY, 0, 9, 0, 0, -1};
  CHECK(!agents_init(&a, &bad, 1, 1, 1, err, sizeof err) && strstr(err, "history"));
  bad.feature[0] = (AgentFeature){AGENT_WEIGHT, 4, 0, 1, 1, -1};
  CHECK(!agents_init(&a, &bad, 1, 1, 1, err, sizeof err) && strstr(err, "range"));
}

/* A synapse with per-synapse values w (nS) and c (1), onto neurons with v (V). */
static int64_t value_of(void *ctx, const char *name, Dim *dim) {
  (void)ctx;
  if (strcmp(name, "c") == 0) return *dim = dim_none(), 1;
  return -1;
}

static int64_t state_of(void *ctx, const char *name, Dim *dim) {
  (void)ctx;
  Dim volt = {{2, 1, -3, -1, 0, 0, 0}};
  if (strcmp(name, "v") == 0) return *dim = volt, 0;
  return -1;
}

static bool parse(const char *text, AgentSpec *s, int *where, char *err) {
  FeatureContext c = {40, 2, 0, 2, dim_none(), value_of, state_of, NULL};
  *s = base_spec();
  return features_parse(text, &c, s, where, err, 256);
}

static void test_feature_text(void) {
  AgentSpec s;
  int where;
  char err[256];
  CHECK(parse("weight(bins = 8), position, action_history(3), reward_history(length = 2), "
              "pre_rate(bins = 4, high = 50 Hz), eligibility(c, low = -0.5, high = 0.5), "
              "membrane(bins = 3, low = -70 mV, high = -50 mV)", &s, &where, err));
  CHECK(s.nfeature == 8);
  CHECK(s.feature[0].kind == AGENT_WEIGHT && s.feature[0].bins == 8 && s.feature[0].high == 2);
  /* position: 40 presynaptic neurons in 16 bins, 2 postsynaptic in 2. */
  CHECK(s.feature[1].kind == AGENT_PRE_INDEX && s.feature[1].bins == 16);
  CHECK(s.feature[2].kind == AGENT_POST_INDEX && s.feature[2].bins == 2);
  CHECK(s.feature[3].kind == AGENT_ACTION_HISTORY && s.feature[3].length == 3);
  CHECK(s.feature[4].kind == AGENT_REWARD_HISTORY && s.feature[4].length == 2);
  CHECK(s.feature[5].kind == AGENT_PRE_RATE && s.feature[5].high == 50);
  CHECK(s.feature[6].kind == AGENT_ELIGIBILITY && s.feature[6].index == 1 &&
        s.feature[6].low == -0.5);
  CHECK(s.feature[7].kind == AGENT_POST_STATE && s.feature[7].index == 0 &&
        fabs(s.feature[7].low + 0.070) < 1e-15 && s.feature[7].bins == 3);
  CHECK(agents_state_count(&s) == 8 * 16 * 2 * 8 * 9 * 4 * 4 * 3);
  CHECK(parse("", &s, &where, err) && s.nfeature == 0);

  static const struct {
    const char *text, *message;
    int where;
  } bad[] = {
    {"weight, wieght", "unknown feature 'wieght'", 8},
    {"weight(bins = 2.5)", "whole number", 14},
    {"pre_rate(high = 50 mV)", "must be", 16},
    {"eligibility(z)", "no per-synapse value 'z'", 12},
    {"post_state(v)", "give its range", 0},
    {"weight(size = 3)", "unexpected argument size", 7},
    {"action_history(9)", "from 1 to 8", 15},
    {"weight position", "expected ','", 7},
    {"weight(low = 3, high = 1)", "below", 0},
    {"pre_rate(bins = 4 Hz)", "must be a dimensionless", 16},
  };
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    bool ok = parse(bad[k].text, &s, &where, err);
    CHECK(!ok);
    if (!ok && (!strstr(err, bad[k].message) || where != bad[k].where))
      fprintf(stderr, "'%s': at %d, %s\n", bad[k].text, where, err);
    CHECK(!ok && strstr(err, bad[k].message) && where == bad[k].where);
  }
}

int main(void) {
  test_feature_text();
  test_states();
  test_index_bins();
  test_histories();
  test_q_learning_by_hand();
  test_rising();
  test_limits();
  return test_report("test_agents");
}
