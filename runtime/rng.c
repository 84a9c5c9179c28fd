/* rng.c: interim Philox4x32-10 (to be replaced by the full module). */
#include "rng.h"

#include <math.h>

static void mulhilo(uint32_t a, uint32_t b, uint32_t *hi, uint32_t *lo) {
  uint64_t p = (uint64_t)a * b;
  *hi = (uint32_t)(p >> 32);
  *lo = (uint32_t)p;
}

void rng_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]) {
  uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3], k0 = key[0], k1 = key[1];
  for (int r = 0; r < 10; r++) {
    uint32_t hi0, lo0, hi1, lo1;
    mulhilo(0xD2511F53u, c0, &hi0, &lo0);
    mulhilo(0xCD9E8D57u, c2, &hi1, &lo1);
    uint32_t n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
    c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

void rng_stream_init(RngStream *s, uint64_t seed, uint32_t stream, uint64_t a, uint32_t b) {
  s->key[0] = (uint32_t)seed;
  s->key[1] = (uint32_t)(seed >> 32) ^ (stream * 0x9E3779B9u);
  s->ctr[0] = (uint32_t)a;
  s->ctr[1] = (uint32_t)(a >> 32);
  s->ctr[2] = b;
  s->ctr[3] = 0;
  s->used = 4;
}

uint32_t rng_next_u32(RngStream *s) {
  if (s->used == 4) {
    rng_philox4x32_10(s->ctr, s->key, s->buf);
    s->ctr[3]++;
    s->used = 0;
  }
  return s->buf[s->used++];
}

double rng_next_uniform(RngStream *s) {
  uint64_t hi = rng_next_u32(s) >> 5, lo = rng_next_u32(s) >> 6;
  return (double)(hi * 67108864u + lo) * (1.0 / 9007199254740992.0);
}

double rng_next_uniform_open(RngStream *s) {
  double u;
  do u = rng_next_uniform(s); while (u == 0.0);
  return u;
}

double rng_next_normal(RngStream *s) {
  double u1 = rng_next_uniform_open(s), u2 = rng_next_uniform(s);
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

uint64_t rng_next_below(RngStream *s, uint64_t n) {
  uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  for (;;) {
    uint64_t x = ((uint64_t)rng_next_u32(s) << 32) | rng_next_u32(s);
    if (x < limit) return x % n;
  }
}
