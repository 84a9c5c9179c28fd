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

int64_t snnrt_row_of(const int64_t *row, int64_t npre, int64_t syn) {
  /* The last i with row[i] <= syn: rows may be empty, so several i can
     share an offset; the row that holds syn is the last of them. */
  int64_t lo = 0, hi = npre - 1;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo + 1) / 2;
    if (row[mid] <= syn) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
