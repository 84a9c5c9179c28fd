/*
** agents_probe.c: the speed of Strategy A's decision kernel against the
** machine's own limit for random table lookups.
**
** A decision of one synapse composes its state, reads a row of its
** Q-table, updates one entry of the row of its last state, draws its
** choice and changes its weight (learn/agents.c).  The limit is the bare
** memory work of that: for every synapse, read a row of `actions` values
** at a random place in a table of the same size, and write one value at
** another, with nothing else around it.  Both run in this process, in
** alternation, and the medians are printed as decisions per second.
**
** usage: agents_probe SYNAPSES shared|per_synapse [REPEATS]
** prints: synapses table states table_bytes kernel_per_s limit_per_s
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agents.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t next_random(uint64_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

static int compare_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The memory work of one decision per synapse, at random places. */
static double limit_pass(double *table, int64_t rows, int64_t naction, int64_t nsyn,
                         uint64_t *rng) {
  double sink = 0;
  for (int64_t s = 0; s < nsyn; s++) {
    const double *row = table + (int64_t)(next_random(rng) % (uint64_t)rows) * naction;
    double best = row[0];
    for (int64_t a = 1; a < naction; a++) best = best > row[a] ? best : row[a];
    table[(int64_t)(next_random(rng) % (uint64_t)rows) * naction] += 1e-3 * best;
    sink += best;
  }
  return sink;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s SYNAPSES shared|per_synapse [REPEATS]\n", argv[0]);
    return 2;
  }
  int64_t nsyn = atoll(argv[1]);
  bool shared = strcmp(argv[2], "shared") == 0;
  int repeats = argc > 3 ? atoi(argv[3]) : 5;
  if (nsyn < 1 || repeats < 1 || repeats > 64) return 2;
  int64_t npre = nsyn / 10 > 0 ? nsyn / 10 : 1, npost = 10;

  /* M5 with a shared table (weight and position: 8 x 16 x 10 states), or
     the weight alone with a table per synapse (8 states each). */
  AgentSpec spec;
  memset(&spec, 0, sizeof spec);
  spec.naction = 3;
  spec.action[0] = -0.01, spec.action[1] = 0, spec.action[2] = 0.01;
  spec.w_low = 0, spec.w_high = 1;
  spec.alpha = 0.1, spec.gamma = 0.9, spec.epsilon = 0.05;
  spec.table = shared ? AGENT_TABLE_SHARED : AGENT_TABLE_PER_SYNAPSE;
  spec.seed = 1, spec.stream = 1;
  spec.feature[spec.nfeature++] = (AgentFeature){AGENT_WEIGHT, 8, 0, 0, 1, -1};
  if (shared) {
    spec.feature[spec.nfeature++] = (AgentFeature){AGENT_PRE_INDEX, 16, 0, 0, 0, -1};
    spec.feature[spec.nfeature++] = (AgentFeature){AGENT_POST_INDEX, 10, 0, 0, 0, -1};
  }
  Agents a;
  char err[256];
  if (!agents_init(&a, &spec, nsyn, npre, npost, err, sizeof err)) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }
  double *w = malloc(sizeof(double) * (size_t)nsyn);
  int32_t *pre = malloc(sizeof(int32_t) * (size_t)nsyn), *post = malloc(sizeof(int32_t) * (size_t)nsyn);
  uint64_t rng = 88172645463325252ull;
  for (int64_t s = 0; s < nsyn; s++) {
    w[s] = (double)(next_random(&rng) % 1000) / 1000;
    pre[s] = (int32_t)(s / npost);
    post[s] = (int32_t)(next_random(&rng) % (uint64_t)npost);
  }
  AgentInputs in = {w, pre, post, NULL, NULL, NULL, NULL};
  int64_t rows = a.ntables * a.nstates;
  double *table = calloc((size_t)(rows * spec.naction), sizeof(double));
  if (!w || !pre || !post || !table) return 1;
  double kernel[64], limit[64], sink = 0;
  agents_decide(&a, &in, 0); /* warm up: tables touched, first choices made */
  for (int r = 0; r < repeats; r++) {
    double t0 = now();
    agents_decide(&a, &in, (double)(r % 3) - 1);
    kernel[r] = (double)nsyn / (now() - t0);
    t0 = now();
    sink += limit_pass(table, rows, spec.naction, nsyn, &rng);
    limit[r] = (double)nsyn / (now() - t0);
  }
  qsort(kernel, (size_t)repeats, sizeof(double), compare_double);
  qsort(limit, (size_t)repeats, sizeof(double), compare_double);
  printf("%lld %s %lld %lld %.4g %.4g\n", (long long)nsyn, shared ? "shared" : "per_synapse",
         (long long)a.nstates, (long long)(rows * spec.naction * 8), kernel[repeats / 2],
         limit[repeats / 2]);
  fprintf(stderr, "(checksum %g)\n", sink);
  agents_free(&a);
  free(w);
  free(pre);
  free(post);
  free(table);
  return 0;
}
