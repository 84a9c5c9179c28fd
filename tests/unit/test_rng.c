/*
** test_rng.c: known answers for Philox4x32-10, the stream layout, and
** statistical checks of every distribution in rng.h.
**
** Statistical checks use fixed seeds, so they are deterministic; their
** bounds are 5 standard deviations of the statistic, which a correct
** generator exceeds with probability below 1e-6 and a biased one (wrong
** constants, modulo bias, an off-by-one in a sampler) exceeds at once.
*/
#include "rng.h"

#include <stdint.h>
#include <stdlib.h>

#include "test.h"

#define NDRAWS 1000000

/* Known-answer vectors: Random123 1.14, tests/kat_vectors, lines 27-29
** ("philox4x32 10" rows: counter[4], key[2], expected output[4]). */
static void test_known_answers(void) {
  static const struct {
    uint32_t ctr[4], key[2], out[4];
  } kat[] = {
      {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
      {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
       {0xffffffff, 0xffffffff},
       {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
      {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
       {0xa4093822, 0x299f31d0},
       {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
  };
  for (size_t i = 0; i < sizeof kat / sizeof kat[0]; i++) {
    uint32_t out[4];
    rng_philox4x32_10(kat[i].ctr, kat[i].key, out);
    for (int j = 0; j < 4; j++) CHECK_EQ_INT(out[j], kat[i].out[j]);
  }
}

/* The vector form gives, lane by lane, the blocks of the scalar one: the
** known answers in three lanes, and counters and a key that set every bit. */
static void test_lanes(void) {
  static uint32_t ctr[4][RNG_LANES], out[4][RNG_LANES];
  uint32_t key[2] = {0xa4093822, 0x299f31d0};
  for (int i = 0; i < RNG_LANES; i++)
    for (int k = 0; k < 4; k++) ctr[k][i] = (uint32_t)(i * 0x9E3779B9u) ^ (uint32_t)k << 30;
  ctr[0][5] = 0x243f6a88, ctr[1][5] = 0x85a308d3, ctr[2][5] = 0x13198a2e, ctr[3][5] = 0x03707344;
  for (int k = 0; k < 4; k++) ctr[k][RNG_LANES - 1] = 0xffffffff;
  rng_philox4x32_10_lanes(ctr, key, out);
  CHECK_EQ_INT(out[0][5], 0xd16cfe09);
  CHECK_EQ_INT(out[3][5], 0x24126ea1);
  int same = 1;
  for (int i = 0; i < RNG_LANES; i++) {
    uint32_t c[4] = {ctr[0][i], ctr[1][i], ctr[2][i], ctr[3][i]}, want[4];
    rng_philox4x32_10(c, key, want);
    for (int k = 0; k < 4; k++) same &= out[k][i] == want[k];
  }
  CHECK(same);
}

/* The stream hands out the words of blocks (lo a, hi a, b, 0), (.., 1), ...
** under the documented key. */
static void test_stream_layout(void) {
  uint64_t seed = 0x0123456789abcdefull, a = 0xfedcba9876543210ull;
  uint32_t stream = 7, b = 99;
  uint32_t key[2] = {0x89abcdefu, 0x01234567u ^ (uint32_t)(7u * 0x9E3779B9u)};
  uint32_t ctr[4] = {0x76543210u, 0xfedcba98u, 99, 0}, want[4];
  RngStream s;
  rng_stream_init(&s, seed, stream, a, b);
  /* Through a pointer too, so the external definition must exist. */
  uint32_t (*next)(RngStream *) = rng_next_u32;
  for (uint32_t block = 0; block < 3; block++) {
    ctr[3] = block;
    rng_philox4x32_10(ctr, key, want);
    for (int j = 0; j < 4; j++) CHECK_EQ_INT(next(&s), want[j]);
  }
}

/* Same position, same words; any other seed, stream, a or b, other words. */
static void test_reproducible(void) {
  enum { N = 64 };
  uint32_t ref[N];
  RngStream s;
  rng_stream_init(&s, 42, 3, 1000, 17);
  for (int i = 0; i < N; i++) ref[i] = rng_next_u32(&s);

  RngStream t;
  rng_stream_init(&t, 42, 3, 1000, 17);
  int same = 1;
  for (int i = 0; i < N; i++) same &= rng_next_u32(&t) == ref[i];
  CHECK(same);

  static const struct { uint64_t seed; uint32_t stream; uint64_t a; uint32_t b; } other[] = {
      {43, 3, 1000, 17}, {42, 4, 1000, 17}, {42, 3, 1001, 17},
      {42, 3, 1000, 18}, {42, 3, 1000ull << 32 | 1000, 17}, {42ull << 32 | 42, 3, 1000, 17},
  };
  for (size_t k = 0; k < sizeof other / sizeof other[0]; k++) {
    rng_stream_init(&t, other[k].seed, other[k].stream, other[k].a, other[k].b);
    int equal = 0;
    for (int i = 0; i < N; i++) equal += rng_next_u32(&t) == ref[i];
    CHECK(equal <= 1); /* a chance match of one word is 64 / 2^32 */
  }

  /* Interleaving draws of two streams changes neither: no shared state. */
  RngStream x, y;
  rng_stream_init(&x, 42, 3, 1000, 17);
  rng_stream_init(&y, 42, 5, 1000, 17);
  same = 1;
  for (int i = 0; i < N; i++) {
    (void)rng_next_normal(&y);
    same &= rng_next_u32(&x) == ref[i];
  }
  CHECK(same);
}

/* |x - want| <= 5 sd, with the values printed on failure. */
#define CHECK_SIGMA(x, want, sd) CHECK_NEAR(x, want, 5 * (sd))

/* Pearson chi-square of counts against equal expectations. */
static double chi_square_flat(const uint64_t *count, int bins, double total) {
  double e = total / bins, chi = 0;
  for (int i = 0; i < bins; i++) chi += (count[i] - e) * (count[i] - e) / e;
  return chi;
}

/* True if a chi-square with df degrees of freedom is within 5 sd of df. */
static int chi_square_plausible(double chi, int df) {
  double sd = sqrt(2.0 * df);
  if (chi > df + 5 * sd || chi < df - 5 * sd)
    fprintf(stderr, "chi-square %.1f with %d degrees of freedom\n", chi, df);
  return chi <= df + 5 * sd && chi >= df - 5 * sd;
}

static void test_uniform(void) {
  RngStream s;
  rng_stream_init(&s, 1, 0, 0, 0);
  uint64_t count[100] = {0};
  double sum = 0, sum2 = 0, lo = 1, hi = 0;
  for (int i = 0; i < NDRAWS; i++) {
    double u = rng_next_uniform(&s);
    sum += u;
    sum2 += (u - 0.5) * (u - 0.5);
    lo = fmin(lo, u);
    hi = fmax(hi, u);
    count[(int)(u * 100)]++;
  }
  CHECK(lo >= 0 && hi < 1);
  CHECK_SIGMA(sum / NDRAWS, 0.5, sqrt(1.0 / 12 / NDRAWS));
  CHECK_SIGMA(sum2 / NDRAWS, 1.0 / 12, sqrt(1.0 / 180 / NDRAWS));
  CHECK(chi_square_plausible(chi_square_flat(count, 100, NDRAWS), 99));

  /* The open variant: never 0 or 1, same mean. */
  sum = 0;
  lo = 1;
  hi = 0;
  for (int i = 0; i < NDRAWS; i++) {
    double u = rng_next_uniform_open(&s);
    sum += u;
    lo = fmin(lo, u);
    hi = fmax(hi, u);
  }
  CHECK(lo > 0 && hi < 1);
  CHECK_SIGMA(sum / NDRAWS, 0.5, sqrt(1.0 / 12 / NDRAWS));

  /* 53 bits: the low bit of u * 2^53 is as often 1 as 0. */
  uint64_t odd = 0;
  for (int i = 0; i < NDRAWS; i++) odd += (uint64_t)(rng_next_uniform(&s) * 9007199254740992.0) & 1;
  CHECK_SIGMA((double)odd / NDRAWS, 0.5, sqrt(0.25 / NDRAWS));
}

static void test_normal(void) {
  RngStream s;
  rng_stream_init(&s, 2, 0, 0, 0);
  double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
  for (int i = 0; i < NDRAWS; i++) {
    double z = rng_next_normal(&s), z2 = z * z;
    m1 += z;
    m2 += z2;
    m3 += z2 * z;
    m4 += z2 * z2;
  }
  /* Moments of N(0,1): 0, 1, 0, 3; variances of z^k: 1, 2, 15, 96. */
  CHECK_SIGMA(m1 / NDRAWS, 0, sqrt(1.0 / NDRAWS));
  CHECK_SIGMA(m2 / NDRAWS, 1, sqrt(2.0 / NDRAWS));
  CHECK_SIGMA(m3 / NDRAWS, 0, sqrt(15.0 / NDRAWS));
  CHECK_SIGMA(m4 / NDRAWS, 3, sqrt(96.0 / NDRAWS));
}

static void test_exponential(void) {
  RngStream s;
  rng_stream_init(&s, 3, 0, 0, 0);
  double m1 = 0, m2 = 0, lo = 1;
  for (int i = 0; i < NDRAWS; i++) {
    double x = rng_next_exponential(&s);
    m1 += x;
    m2 += (x - 1) * (x - 1);
    lo = fmin(lo, x);
  }
  CHECK(lo > 0);
  CHECK_SIGMA(m1 / NDRAWS, 1, sqrt(1.0 / NDRAWS));
  CHECK_SIGMA(m2 / NDRAWS, 1, sqrt(8.0 / NDRAWS));
}

/* Fractions of draws in [0, n/3) and of draws divisible by 3, for
** n = 3 * 2^k: reducing modulo n over-represents small values (1/2 instead
** of 1/3 land low), and a multiply without rejection over-represents
** multiples of 3 (also 1/2 instead of 1/3). */
static void check_unbiased(RngStream *s, uint64_t n) {
  uint64_t low = 0, by3 = 0;
  for (int i = 0; i < NDRAWS; i++) {
    uint64_t x = rng_next_below(s, n);
    low += x < n / 3;
    by3 += x % 3 == 0;
  }
  double sd = sqrt(2.0 / 9 / NDRAWS);
  CHECK_SIGMA((double)low / NDRAWS, 1.0 / 3, sd);
  CHECK_SIGMA((double)by3 / NDRAWS, 1.0 / 3, sd);
}

static void test_below(void) {
  RngStream s;
  rng_stream_init(&s, 4, 0, 0, 0);
  static const uint64_t ns[] = {1, 2, 3, 7, 1000, 0xffffffffu, 0x100000000u, 0x100000001u,
                                0x8000000000000001u, UINT64_MAX};
  for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
    int inside = 1;
    uint64_t hi = 0;
    for (int i = 0; i < 10000; i++) {
      uint64_t x = rng_next_below(&s, ns[k]);
      inside &= x < ns[k];
      if (x > hi) hi = x;
    }
    CHECK(inside);
    if (ns[k] > 1000) CHECK(hi > ns[k] / 2); /* the upper half is reached */
  }

  uint64_t count[10] = {0};
  for (int i = 0; i < NDRAWS; i++) count[rng_next_below(&s, 10)]++;
  CHECK(chi_square_plausible(chi_square_flat(count, 10, NDRAWS), 9));

  check_unbiased(&s, 3ull << 30); /* one-word path */
  check_unbiased(&s, 3ull << 62); /* two-word path */
}

static void test_log_factorial(void) {
  static const uint64_t ks[] = {0, 1, 2, 5, 9, 10, 15, 16, 17, 30, 100, 1000, 123456, 1ull << 40};
  for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++) {
    double want = lgamma((double)ks[i] + 1);
    CHECK_NEAR(rng_log_factorial(ks[i]), want, 2e-15 * fmax(1, want));
  }
}

/* A discrete distribution under test: a sampler and its exact log pmf. */
typedef struct Discrete {
  const char *name;
  double n, p; /* binomial; for Poisson n is unused and p is the mean */
  uint64_t (*draw)(RngStream *, const struct Discrete *);
  double (*log_pmf)(const struct Discrete *, double k);
  double mean, var, mu4; /* exact moments */
} Discrete;

static uint64_t draw_binomial(RngStream *s, const Discrete *d) {
  return rng_next_binomial(s, (uint64_t)d->n, d->p);
}

static double binomial_log_pmf(const Discrete *d, double k) {
  return lgamma(d->n + 1) - lgamma(k + 1) - lgamma(d->n - k + 1) + k * log(d->p) +
         (d->n - k) * log1p(-d->p);
}

static Discrete binomial(double n, double p) {
  double v = n * p * (1 - p);
  Discrete d = {"binomial", n, p, draw_binomial, binomial_log_pmf, n * p, v,
                3 * v * v + v * (1 - 6 * p * (1 - p))};
  return d;
}

static uint64_t draw_poisson(RngStream *s, const Discrete *d) {
  return rng_next_poisson(s, d->p);
}

static double poisson_log_pmf(const Discrete *d, double k) {
  return k * log(d->p) - d->p - lgamma(k + 1);
}

static Discrete poisson(double mean) {
  Discrete d = {"poisson", 0, mean, draw_poisson, poisson_log_pmf, mean, mean,
                3 * mean * mean + mean};
  return d;
}

/* Sample mean and variance within 5 sd of the exact ones. */
static void check_moments(const Discrete *d, int draws, uint32_t stream) {
  RngStream s;
  rng_stream_init(&s, 5, stream, 0, 0);
  double sum = 0, sum2 = 0, lo = INFINITY, hi = -INFINITY;
  for (int i = 0; i < draws; i++) {
    /* Deviations from the exact mean keep the sums small and exact-ish. */
    double x = (double)d->draw(&s, d), dev = x - d->mean;
    sum += dev;
    sum2 += dev * dev;
    lo = fmin(lo, x);
    hi = fmax(hi, x);
  }
  if (d->var == 0) {
    CHECK_NEAR(lo, d->mean, 0);
    CHECK_NEAR(hi, d->mean, 0);
    return;
  }
  if (d->n > 0) CHECK(hi <= d->n);
  /* The mean square about the exact mean estimates the variance, and its
  ** own variance is (mu4 - var^2) / draws exactly. */
  CHECK_SIGMA(sum / draws, 0, sqrt(d->var / draws));
  CHECK_SIGMA(sum2 / draws, d->var, sqrt((d->mu4 - d->var * d->var) / draws));
}

/*
** Pearson chi-square of a histogram against the exact pmf.  Cells are runs
** of consecutive k with expected count at least 20; the mass outside
** [lo, hi] joins the last run, and a last run still short of 20 joins the
** cell before it.
*/
static void check_pmf(const Discrete *d, int draws, uint32_t stream) {
  double sd = sqrt(d->var);
  uint64_t lo = (uint64_t)fmax(0, floor(d->mean - 12 * sd - 20));
  uint64_t hi = (uint64_t)ceil(d->mean + 12 * sd + 20);
  if (d->n > 0 && hi > d->n) hi = (uint64_t)d->n;
  size_t width = (size_t)(hi - lo + 1);
  uint64_t *count = calloc(width + 1, sizeof *count); /* [width]: outside */
  double *cell_e = calloc(width + 1, sizeof *cell_e);
  double *cell_o = calloc(width + 1, sizeof *cell_o);
  CHECK(count && cell_e && cell_o);
  if (!count || !cell_e || !cell_o) goto done;

  RngStream s;
  rng_stream_init(&s, 6, stream, 0, 0);
  for (int i = 0; i < draws; i++) {
    uint64_t k = d->draw(&s, d);
    count[k >= lo && k <= hi ? k - lo : width]++;
  }
  int cells = 0;
  double covered = 0;
  for (size_t i = 0; i < width; i++) {
    double pk = exp(d->log_pmf(d, (double)(lo + i)));
    covered += pk;
    cell_e[cells] += pk * draws;
    cell_o[cells] += (double)count[i];
    if (cell_e[cells] >= 20) cells++;
  }
  cell_e[cells] += fmax(0, 1 - covered) * draws;
  cell_o[cells] += (double)count[width];
  if (cell_e[cells] > 0) cells++;
  if (cells > 1 && cell_e[cells - 1] < 20) {
    cell_e[cells - 2] += cell_e[cells - 1];
    cell_o[cells - 2] += cell_o[cells - 1];
    cells--;
  }
  double chi = 0;
  for (int c = 0; c < cells; c++) chi += (cell_o[c] - cell_e[c]) * (cell_o[c] - cell_e[c]) / cell_e[c];
  int ok = chi_square_plausible(chi, cells - 1);
  if (!ok) fprintf(stderr, "  %s(n=%g, p=%g)\n", d->name, d->n, d->p);
  CHECK(ok);
done:
  free(count);
  free(cell_e);
  free(cell_o);
}

static void test_binomial(void) {
  RngStream s;
  rng_stream_init(&s, 7, 0, 0, 0);
  CHECK_EQ_INT(rng_next_binomial(&s, 0, 0.3), 0);
  CHECK_EQ_INT(rng_next_binomial(&s, 0, 1.0), 0);
  CHECK_EQ_INT(rng_next_binomial(&s, 1000, 0.0), 0);
  CHECK_EQ_INT(rng_next_binomial(&s, 1000, 1.0), 1000);
  CHECK_EQ_INT(rng_next_binomial(&s, 1ull << 53, 1.0), 1ull << 53);

  /* Both methods, both sides of p = 1/2, and n from 1 to 1e9. */
  const Discrete cases[] = {
      binomial(0, 0.3),     binomial(10, 0),         binomial(10, 1),      binomial(1, 0.5),
      binomial(20, 0.2),    binomial(50, 0.1),       binomial(19, 0.5),    binomial(30, 0.4),
      binomial(100, 0.5),   binomial(1000, 0.9),     binomial(1e6, 0.02),  binomial(1e9, 1e-9),
      binomial(1e9, 0.001), binomial(1e12, 0.3),
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) check_moments(&cases[i], NDRAWS, (uint32_t)i);

  const Discrete shapes[] = {binomial(20, 0.2), binomial(19, 0.5), binomial(30, 0.4),
                             binomial(100, 0.3), binomial(1000, 0.9), binomial(1e6, 0.02)};
  for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) check_pmf(&shapes[i], NDRAWS, (uint32_t)i);
}

static void test_poisson(void) {
  RngStream s;
  rng_stream_init(&s, 8, 0, 0, 0);
  CHECK_EQ_INT(rng_next_poisson(&s, 0), 0);
  CHECK_EQ_INT(rng_next_poisson(&s, -1), 0);

  const Discrete cases[] = {poisson(0),    poisson(1e-3), poisson(1),   poisson(9.99),
                            poisson(10),   poisson(100),  poisson(1e4), poisson(1e9)};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) check_moments(&cases[i], NDRAWS, (uint32_t)i);

  const Discrete shapes[] = {poisson(0.5), poisson(3), poisson(9.99), poisson(10), poisson(30), poisson(1e4)};
  for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) check_pmf(&shapes[i], NDRAWS, (uint32_t)i);
}

int main(void) {
  test_known_answers();
  test_lanes();
  test_stream_layout();
  test_reproducible();
  test_uniform();
  test_normal();
  test_exponential();
  test_below();
  test_log_factorial();
  test_binomial();
  test_poisson();
  return test_report("test_rng");
}
