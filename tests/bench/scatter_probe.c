/*
** scatter_probe.c: the machine's own limit for synaptic event delivery.
**
** Delivering a spike adds a weight into the input of each target neuron:
** a scatter-add `acc[target[q]] += w` over a row of sorted random targets.
** This probe times exactly that, with no simulator around it, for a given
** number of neurons and synapses per row, and prints events per second.
** The benchmark reports the simulator's delivery rate as a fraction of it.
**
** usage: scatter_probe NEURONS FANOUT [SECONDS]
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

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

static int compare_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s NEURONS FANOUT [SECONDS]\n", argv[0]);
    return 2;
  }
  long n = atol(argv[1]), k = atol(argv[2]);
  double seconds = argc > 3 ? atof(argv[3]) : 1.0;
  if (n < 1 || k < 1 || k > n) {
    fprintf(stderr, "need 1 <= FANOUT <= NEURONS\n");
    return 2;
  }
  int32_t *target = malloc(sizeof(int32_t) * (size_t)(n * k));
  double *acc = calloc((size_t)n, sizeof(double));
  int32_t *order = malloc(sizeof(int32_t) * (size_t)n);
  if (!target || !acc || !order) return 1;
  uint64_t s = 88172645463325252ull;
  for (long i = 0; i < n; i++) {
    for (long q = 0; q < k; q++) target[i * k + q] = (int32_t)(next_random(&s) % (uint64_t)n);
    qsort(target + i * k, (size_t)k, sizeof(int32_t), compare_int);
  }
  for (long i = 0; i < n; i++) order[i] = (int32_t)(next_random(&s) % (uint64_t)n);
  /* Rows are visited in random order, as spikes come from random neurons. */
  double t0 = now(), elapsed = 0;
  long events = 0, r = 0;
  while (elapsed < seconds) {
    for (int rep = 0; rep < 1000; rep++) {
      const int32_t *row = target + (long)order[r] * k;
      for (long q = 0; q < k; q++) acc[row[q]] += 0.5;
      events += k;
      if (++r == n) r = 0;
    }
    elapsed = now() - t0;
  }
  double sum = 0;
  for (long i = 0; i < n; i++) sum += acc[i];
  printf("{\"neurons\": %ld, \"fanout\": %ld, \"events_per_s\": %.6g, \"check\": %.3g}\n", n, k,
         (double)events / elapsed, sum);
  free(target);
  free(acc);
  free(order);
  return 0;
}
