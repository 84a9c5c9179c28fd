/*
** rng.c: the Philox4x32-10 block function and the distributions drawn from
** it.
**
** The block function follows Salmon et al. (SC 2011): ten rounds, each two
** 32x32->64 multiplications whose halves are mixed with the other two words
** and the round key, the key advancing by a Weyl sequence between rounds.
** Distributions are built only from rng_next_u32, so they inherit its
** reproducibility; each is documented in rng.h.  The discrete samplers are
** exact: their acceptance tests evaluate the true probability ratio (up to
** floating-point rounding), never a normal approximation.
*/
#include "rng.h"

#include <assert.h>
#include <math.h>

/* The external definitions of the inline functions in rng.h. */
extern inline uint32_t rng_next_u32(RngStream *s);
extern inline double rng_next_uniform(RngStream *s);

/* Round multipliers and key increments of Philox4x32 (from the paper). */
#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u /* golden ratio */
#define PHILOX_W1 0xBB67AE85u /* sqrt(3) - 1 */

/* Multiplier that spreads the stream number over the high key word. */
#define RNG_STREAM_MIX 0x9E3779B9u

#define HALF_LOG_2PI 0.91893853320467274178 /* log(2 pi) / 2 */
#define TWO_PI 6.28318530717958647693

/* One Philox S-box round on x, with round key k. */
static inline void philox_round(uint32_t x[4], uint32_t k0, uint32_t k1) {
  uint64_t p0 = (uint64_t)PHILOX_M0 * x[0];
  uint64_t p1 = (uint64_t)PHILOX_M1 * x[2];
  uint32_t y0 = (uint32_t)(p1 >> 32) ^ x[1] ^ k0;
  uint32_t y2 = (uint32_t)(p0 >> 32) ^ x[3] ^ k1;
  x[0] = y0;
  x[1] = (uint32_t)p1;
  x[2] = y2;
  x[3] = (uint32_t)p0;
}

void rng_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]) {
  uint32_t x[4] = {ctr[0], ctr[1], ctr[2], ctr[3]};
  uint32_t k0 = key[0], k1 = key[1];
  /* Written out, not looped: the compiler then keeps everything in
  ** registers without relying on its unrolling heuristics. */
  philox_round(x, k0, k1); k0 += PHILOX_W0; k1 += PHILOX_W1;
  philox_round(x, k0, k1); k0 += PHILOX_W0; k1 += PHILOX_W1;
  philox_round(x, k0, k1); k0 += PHILOX_W0; k1 += PHILOX_W1;
  philox_round(x, k0, k1); k0 += PHILOX_W0; k1 += PHILOX_W1;
  philox_round(x, k0, k1); k0 += PHILOX_W0; k1 += PHILOX_W1;
  philox_round(x, k0, k1); k0 += PHILOX_W0; k1 += PHILOX_W1;
  philox_round(x, k0, k1); k0 += PHILOX_W0; k1 += PHILOX_W1;
  philox_round(x, k0, k1); k0 += PHILOX_W0; k1 += PHILOX_W1;
  philox_round(x, k0, k1); k0 += PHILOX_W0; k1 += PHILOX_W1;
  philox_round(x, k0, k1);
  out[0] = x[0];
  out[1] = x[1];
  out[2] = x[2];
  out[3] = x[3];
}

/* The lane loop is straight-line code of a fixed length, so the compiler
** turns it into vector multiplies (32 x 32 -> 64 bits per lane); it is
** compiled once for AVX2 and once for the baseline, and the loader picks
** the one this machine runs.  The sanitizers' instrumentation does not
** mix with ifunc resolution, so their builds keep one version. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__)
__attribute__((target_clones("avx2", "default")))
#endif
void rng_philox4x32_10_lanes(const uint32_t ctr[4][RNG_LANES], const uint32_t key[2],
                             uint32_t out[4][RNG_LANES]) {
  for (int i = 0; i < RNG_LANES; i++) {
    uint32_t x[4] = {ctr[0][i], ctr[1][i], ctr[2][i], ctr[3][i]};
    uint32_t k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; round++) {
      philox_round(x, k0, k1);
      k0 += PHILOX_W0;
      k1 += PHILOX_W1;
    }
    for (int k = 0; k < 4; k++) out[k][i] = x[k];
  }
}

void rng_stream_init(RngStream *s, uint64_t seed, uint32_t stream, uint64_t a, uint32_t b) {
  assert(s != 0);
  s->key[0] = (uint32_t)seed;
  s->key[1] = (uint32_t)(seed >> 32) ^ (uint32_t)(stream * RNG_STREAM_MIX);
  s->ctr[0] = (uint32_t)a;
  s->ctr[1] = (uint32_t)(a >> 32);
  s->ctr[2] = b;
  s->ctr[3] = 0;
  s->buf[0] = s->buf[1] = s->buf[2] = s->buf[3] = 0;
  s->used = 4; /* empty: the first draw computes block 0 */
}

void rng_stream_seek(RngStream *s, uint64_t word) {
  assert(word / 4 <= UINT32_MAX);
  s->ctr[3] = (uint32_t)(word / 4);
  s->used = 4;
  for (uint64_t k = 0; k < word % 4; k++) (void)rng_next_u32(s);
}

/* 64 random bits from two words, the first word high. */
static uint64_t next_u64(RngStream *s) {
  uint64_t hi = rng_next_u32(s);
  return (hi << 32) | rng_next_u32(s);
}

double rng_next_uniform_open(RngStream *s) {
  uint64_t hi = rng_next_u32(s) >> 6; /* 26 bits */
  uint64_t lo = rng_next_u32(s) >> 6; /* 26 bits */
  /* k + 1/2 needs 53 significant bits for k < 2^52, so it is exact and the
  ** result lies in [2^-53, 1 - 2^-53]. */
  return ((double)((hi << 26) | lo) + 0.5) * (1.0 / 4503599627370496.0);
}

double rng_next_normal(RngStream *s) {
  double r = sqrt(-2.0 * log(rng_next_uniform_open(s)));
  return r * cos(TWO_PI * rng_next_uniform(s));
}

double rng_next_exponential(RngStream *s) {
  return -log(rng_next_uniform_open(s));
}

/*
** Lemire's method ("Fast random integer generation in an interval", 2019):
** the high half of x * n is uniform on [0, n) once the few x whose low half
** falls below 2^w mod n are rejected.  The modulo is only computed on the
** rare path where rejection is possible at all.
*/
static uint64_t below_u32(RngStream *s, uint64_t n) {
  assert(n > 0 && n <= 0x100000000u);
  uint64_t m = (uint64_t)rng_next_u32(s) * n;
  if ((uint32_t)m < n) {
    uint64_t t = (0x100000000u - n) % n; /* 2^32 mod n */
    while ((uint32_t)m < t) m = (uint64_t)rng_next_u32(s) * n;
  }
  return m >> 32;
}

/* High 64 bits of a * b; *lo receives the low 64.  Portable schoolbook
** multiplication on 32-bit halves. */
static uint64_t mul_hi64(uint64_t a, uint64_t b, uint64_t *lo) {
  uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
  uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10; /* < 3 * 2^32 */
  *lo = a * b;
  return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

static uint64_t below_u64(RngStream *s, uint64_t n) {
  uint64_t lo, hi = mul_hi64(next_u64(s), n, &lo);
  if (lo < n) {
    uint64_t t = (0 - n) % n; /* 2^64 mod n */
    while (lo < t) hi = mul_hi64(next_u64(s), n, &lo);
  }
  return hi;
}

uint64_t rng_next_below(RngStream *s, uint64_t n) {
  assert(n > 0);
  /* One word suffices up to 2^32, and that is the common case. */
  return n <= 0x100000000u ? below_u32(s, n) : below_u64(s, n);
}

/*
** Stirling-series remainder: log(k!) = (k + 1/2) log(k + 1) - (k + 1)
** + log(2 pi) / 2 + stirling_tail(k).  Small k come from a table (computed
** to 50 digits); from k = 16 on, five terms of the asymptotic series leave
** an error below 1e-16.
*/
static double stirling_tail(double k) {
  static const double table[16] = {
      0.08106146679532726,   0.0413406959554093,    0.02767792568499834,
      0.020790672103765093,  0.016644691189821193,  0.013876128823070748,
      0.01189670994589177,   0.010411265261972096,  0.009255462182712733,
      0.00833056343336287,   0.007573675487951841,  0.00694284010720953,
      0.006408994188004207,  0.0059513701127588475, 0.005554733551962801,
      0.0052076559196096404,
  };
  assert(k >= 0);
  if (k < 16) return table[(int)k];
  double z = k + 1, z2 = z * z;
  return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - (1.0 / 1680 - 1.0 / (1188 * z2)) / z2) / z2) / z2) / z;
}

double rng_log_factorial(uint64_t k) {
  double x = (double)k;
  return (x + 0.5) * log(x + 1) - (x + 1) + HALF_LOG_2PI + stirling_tail(x);
}

/*
** Binomial by inversion: walk the probabilities f(0), f(1), ... subtracting
** each from one uniform until it is used up.  Expected steps: n p + 1.  If
** rounding leaves u above the whole (slightly short) sum, f eventually
** reaches 0 and the draw starts over rather than returning a bogus tail.
*/
static uint64_t binomial_inversion(RngStream *s, uint64_t n, double p) {
  double r = p / (1 - p), f0 = exp((double)n * log1p(-p));
  assert(f0 > 0); /* n p < 10 and p <= 1/2 keep it above e^-14 */
  for (;;) {
    double u = rng_next_uniform(s), f = f0;
    uint64_t k = 0;
    while (u > f && f > 0) {
      u -= f;
      k++;
      f *= r * ((double)(n - k + 1) / (double)k); /* f(k) / f(k-1) */
    }
    if (f > 0) return k;
  }
}

/*
** Binomial by BTRS, transformed rejection with squeeze (W. Hormann, "The
** generation of binomial random variates", J. Statist. Comput. Simul. 46,
** 1993), for p <= 1/2 and n p >= 10.  A pair (U, V) maps to k through a
** hat that dominates f(k) / f(m), m the mode; most pairs land in a box
** that is accepted at once, the rest are accepted when log V falls under
** log(f(k) / f(m)), computed from Stirling's series with its tail terms.
*/
typedef struct Btrs {
  double n, r, a, b, c, alpha, vr, m, h;
} Btrs;

static void btrs_setup(Btrs *t, double n, double p) {
  double spq = sqrt(n * p * (1 - p));
  t->n = n;
  t->r = p / (1 - p);
  t->b = 1.15 + 2.53 * spq;
  t->a = -0.0873 + 0.0248 * t->b + 0.01 * p;
  t->c = n * p + 0.5;
  t->alpha = (2.83 + 5.1 / t->b) * spq;
  t->vr = 0.92 - 4.2 / t->b;
  t->m = floor((n + 1) * p);
  /* The mode's share of log(f(k) / f(m)), the same for every k. */
  t->h = (t->m + 0.5) * log((t->m + 1) / (t->r * (n - t->m + 1))) + stirling_tail(t->m) +
         stirling_tail(n - t->m);
}

/* log(f(k) / f(m)) for 0 <= k <= n. */
static double btrs_log_ratio(const Btrs *t, double k) {
  double nk = t->n - k + 1;
  /* (n+1) log((n-m+1) / nk), through log1p because the ratio is near 1 and
  ** the factor n + 1 is large. */
  double mid = (t->n + 1) * log1p((k - t->m) / nk);
  return t->h + mid + (k + 0.5) * log(nk * t->r / (k + 1)) - stirling_tail(k) -
         stirling_tail(t->n - k);
}

static uint64_t binomial_btrs(RngStream *s, uint64_t n, double p) {
  Btrs t;
  btrs_setup(&t, (double)n, p);
  for (;;) {
    double u = rng_next_uniform_open(s) - 0.5, v = rng_next_uniform_open(s);
    double us = 0.5 - fabs(u);
    double k = floor((2 * t.a / us + t.b) * u + t.c);
    if (k < 0 || k > t.n) continue; /* before any conversion to integer */
    if (us >= 0.07 && v <= t.vr) return (uint64_t)k;
    double lv = log(v * t.alpha / (t.a / (us * us) + t.b));
    if (lv <= btrs_log_ratio(&t, k)) return (uint64_t)k;
  }
}

uint64_t rng_next_binomial(RngStream *s, uint64_t n, double p) {
  assert(!isnan(p));
  assert(n <= ((uint64_t)1 << 53)); /* counts must be exact in a double */
  if (n == 0 || !(p > 0)) return 0;
  if (p >= 1) return n;
  /* Both methods want p <= 1/2; 1 - p is exact there. */
  if (p > 0.5) return n - rng_next_binomial(s, n, 1 - p);
  if ((double)n * p < RNG_REJECTION_MEAN) return binomial_inversion(s, n, p);
  return binomial_btrs(s, n, p);
}

/* Poisson by inversion, as for the binomial: expected steps mean + 1. */
static uint64_t poisson_inversion(RngStream *s, double mean) {
  double f0 = exp(-mean);
  for (;;) {
    double u = rng_next_uniform(s), f = f0;
    uint64_t k = 0;
    while (u > f && f > 0) {
      u -= f;
      k++;
      f *= mean / (double)k;
    }
    if (f > 0) return k;
  }
}

/*
** log(mean^k e^-mean / k!) written so that no two large terms cancel:
** with d = k + 1 - mean, it is -k log1p(d / mean) + d - log(k+1)/2
** - log(2 pi)/2 - tail(k).  The naive k log(mean) - log(k!) loses
** about log10(k log k) digits, which matters for large means.
*/
static double poisson_log_pmf(double k, double mean) {
  double d = k + 1 - mean;
  return -k * log1p(d / mean) + d - 0.5 * log(k + 1) - HALF_LOG_2PI - stirling_tail(k);
}

/*
** Poisson by PTRS, transformed rejection with squeeze (W. Hormann, "The
** transformed rejection method for generating Poisson random variables",
** Insurance: Mathematics and Economics 12, 1993), for mean >= 10.
*/
static uint64_t poisson_ptrs(RngStream *s, double mean) {
  double b = 0.931 + 2.53 * sqrt(mean);
  double a = -0.059 + 0.02483 * b;
  double log_inv_alpha = log(1.1239 + 1.1328 / (b - 3.4));
  double vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    double u = rng_next_uniform_open(s) - 0.5, v = rng_next_uniform_open(s);
    double us = 0.5 - fabs(u);
    double k = floor((2 * a / us + b) * u + mean + 0.43);
    /* Checked before any conversion to integer.  Near |u| = 1/2 the hat
    ** sends k far out, where the probability is 0 in double precision. */
    if (k < 0 || k > 0x1p62) continue;
    if (us >= 0.07 && v <= vr) return (uint64_t)k;
    if (us < 0.013 && v > us) continue; /* outside the hat's support */
    double lv = log(v) + log_inv_alpha - log(a / (us * us) + b);
    if (lv <= poisson_log_pmf(k, mean)) return (uint64_t)k;
  }
}

uint64_t rng_next_poisson(RngStream *s, double mean) {
  assert(!isnan(mean));
  assert(mean < 4e15); /* draws must stay exact in a double */
  if (!(mean > 0)) return 0;
  if (mean < RNG_REJECTION_MEAN) return poisson_inversion(s, mean);
  return poisson_ptrs(s, mean);
}
