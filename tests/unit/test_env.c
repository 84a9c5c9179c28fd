/*
** test_env.c: NumPy's generator (pcg64.c) against NumPy's own outputs, and
** the rules of the environment host (env.c) on the built-in CartPole.
**
** The expected numbers are NumPy 1.24's: np.random.PCG64(seed).random_raw(3)
** and np.random.SeedSequence(seed).generate_state(n).
*/
#include <math.h>
#include <stdint.h>

#include "pcg64.h"
#include "snnrt_env.h"
#include "test.h"

static void test_pcg64(void) {
  static const struct {
    uint64_t seed, raw[3];
  } cases[] = {
    {0, {11749869230777074271ull, 4976686463289251617ull, 755828109848996024ull}},
    {42, {14276969152011380360ull, 8095878257575067585ull, 15838336090824644132ull}},
    {9223372036854775819ull,
     {3134404187912038416ull, 14898973193536483131ull, 4864460490941996748ull}},
  };
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    Pcg64 g;
    pcg64_seed(&g, cases[c].seed);
    for (int k = 0; k < 3; k++) CHECK(pcg64_next64(&g) == cases[c].raw[k]);
  }
  uint32_t w[5];
  pcg64_seed_sequence(42, w, 4);
  CHECK(w[0] == 3444837047u && w[1] == 2669555309u && w[2] == 2046530742u &&
        w[3] == 3581440988u);
  /* Two 32-bit words of entropy, and a fifth word that cycles the pool. */
  pcg64_seed_sequence((1ull << 40) + 3, w, 5);
  CHECK(w[0] == 2789635316u && w[1] == 1410910647u && w[4] == 1649660561u);
  Pcg64 g;
  pcg64_seed(&g, 42);
  double u = pcg64_uniform(&g, -0.05, 0.05);
  CHECK(u == 0.027395604855596334); /* Gymnasium's CartPole reset(seed=42), first value */
}

static void test_host_rules(void) {
  char err[256];
  const SnnEnvClass *c = snnrt_env_find("cartpole");
  CHECK(c && !snnrt_env_find("cart"));
  SnnEnvParam bad = {"masspole", 0.2};
  CHECK(!snnrt_env_open(c, &bad, 1, 0, err, sizeof err));
  CHECK(strstr(err, "no parameter 'masspole'") && strstr(err, "pole_mass"));
  SnnEnvParam params[2] = {{"pole_mass", 0.2}, {"max_steps", 3}};
  SnnEnv *e = snnrt_env_open(c, params, 2, 1, err, sizeof err);
  CHECK(e != NULL);
  if (!e) return;
  CHECK(snnrt_env_param(e, "pole_mass") == 0.2 && snnrt_env_param(e, "gravity") == 9.8);
  CHECK(snnrt_env_param(e, "max_steps") == 3 && isnan(snnrt_env_param(e, "nothing")));
  double obs[4], push = 1;
  SnnEnvOutcome out;
  CHECK(!snnrt_env_step(e, &push, obs, &out));
  CHECK(strstr(snnrt_env_error(e), "before its first reset") != NULL);
  CHECK(snnrt_env_reset(e, obs));
  double not_a_choice = 0.5;
  CHECK(!snnrt_env_step(e, &not_a_choice, obs, &out));
  CHECK(strstr(snnrt_env_error(e), "not one of its 2 choices") != NULL);
  for (int k = 0; k < 3; k++) {
    CHECK(snnrt_env_step(e, &push, obs, &out));
    CHECK(out.reward == 1 && out.truncated == (k == 2));
  }
  CHECK(snnrt_env_episode_steps(e) == 3 && snnrt_env_episodes(e) == 1);
  CHECK(!snnrt_env_step(e, &push, obs, &out));
  CHECK(strstr(snnrt_env_error(e), "after the end of episode 1") != NULL);
  CHECK(snnrt_env_reset(e, obs) && snnrt_env_episodes(e) == 2 && snnrt_env_episode_steps(e) == 0);
  snnrt_env_close(e);
  snnrt_env_close(NULL);
  CHECK(snnrt_env_builtin_count() == 4 && snnrt_env_builtin(4) == NULL);
  CHECK(!snnrt_env_load("/nonexistent/libx.so", err, sizeof err) &&
        strstr(err, "/nonexistent/libx.so"));
}

/* Florian's XOR: every round shows the four patterns once each, in a
   shuffled order; the reward says whether the answer was a XOR b. */
static void test_xor(void) {
  SnnEnvParam params[2] = {{"rounds", 50}, {"reward_wrong", -0.5}};
  char err[256];
  SnnEnv *e = snnrt_env_open(snnrt_env_find("xor"), params, 2, 11, err, sizeof err);
  CHECK(e != NULL);
  if (!e) return;
  double obs[2];
  CHECK(snnrt_env_reset(e, obs));
  int orders_seen[256] = {0};
  SnnEnvOutcome out = {0};
  for (int round = 0; round < 50; round++) {
    int seen = 0, code = 0;
    for (int k = 0; k < 4; k++) {
      int pattern = (int)obs[0] * 2 + (int)obs[1];
      seen |= 1 << pattern;
      code = code * 4 + pattern;
      double answer = (double)(round % 2 ? ((int)obs[0] ^ (int)obs[1]) : 1);
      double want = round % 2 || ((int)obs[0] ^ (int)obs[1]) ? 1 : -0.5;
      CHECK(snnrt_env_step(e, &answer, obs, &out));
      CHECK(out.reward == want);
      CHECK(out.terminated == (round == 49 && k == 3));
    }
    CHECK(seen == 15);
    orders_seen[code] = 1; /* the round's order, as four base-4 digits */
  }
  int distinct = 0;
  for (int k = 0; k < 256; k++) distinct += orders_seen[k];
  CHECK(distinct > 12 && distinct <= 24); /* 50 shuffles cover most of the 24 orders */
  snnrt_env_close(e);
  SnnEnvParam bad = {"rounds", 0};
  CHECK(!snnrt_env_open(snnrt_env_find("xor"), &bad, 1, 1, err, sizeof err) &&
        strstr(err, "rounds"));

  /* Other truth tables: AND (8), "a" (12), "always one" (15); the right
     answer to (a, b) is bit a * 2 + b of the table. */
  static const int tables[] = {8, 12, 15};
  for (int t = 0; t < 3; t++) {
    SnnEnvParam table = {"truth_table", tables[t]};
    e = snnrt_env_open(snnrt_env_find("xor"), &table, 1, 5, err, sizeof err);
    CHECK(e != NULL);
    if (!e) return;
    CHECK(snnrt_env_reset(e, obs));
    for (int k = 0; k < 20; k++) {
      int pattern = (int)obs[0] * 2 + (int)obs[1];
      double answer = k % 2;
      bool right = (int)answer == ((tables[t] >> pattern) & 1);
      CHECK(snnrt_env_step(e, &answer, obs, &out));
      CHECK(out.reward == (right ? 1 : -1));
    }
    snnrt_env_close(e);
  }
  SnnEnvParam odd_table = {"truth_table", 16};
  CHECK(!snnrt_env_open(snnrt_env_find("xor"), &odd_table, 1, 1, err, sizeof err) &&
        strstr(err, "truth_table"));
}

int main(void) {
  test_pcg64();
  test_host_rules();
  test_xor();
  return test_report("test_env");
}
