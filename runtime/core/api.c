/*
** api.c: the runtime functions that generated code calls (see snnrt.h).
*/
#include "expm.h"
#include "rng.h"
#include "snnrt.h"

double snnrt_uniform(uint64_t seed, int64_t stream, int64_t index, int64_t counter) {
  RngStream r;
  rng_stream_init(&r, seed, (uint32_t)stream, (uint64_t)index, (uint32_t)counter);
  return rng_next_uniform(&r);
}

double snnrt_normal(uint64_t seed, int64_t stream, int64_t index, int64_t counter) {
  RngStream r;
  rng_stream_init(&r, seed, (uint32_t)stream, (uint64_t)index, (uint32_t)counter);
  return rng_next_normal(&r);
}

int32_t snnrt_propagator(int64_t n, const double *A, double dt, double *P, double *Phi) {
  if (n <= 0 || n > SNN_MAX_EXACT_VARIABLES) return -1;
  return expm_propagator((int)n, A, dt, P, Phi) == 0 ? 0 : -1;
}
