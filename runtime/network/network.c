/*
** network.c: building a projection's synapses from its connection rule.
**
** Synapses are stored as compressed rows by presynaptic neuron: row[i] ..
** row[i+1] index the targets of neuron i, in ascending order.  Every random
** choice draws from a stream keyed by (seed, projection stream, row), so the
** network depends on the seed alone, never on threads or on the order in
** which rows are built.
**   all          every pair (i, j)
**   one_to_one   (i, i)
**   p = const    per row, geometric skips between successes: O(synapses)
**   p = f(i, j)  per pair, a uniform draw against f
**   fanin = K    per target, K distinct sources (Floyd's algorithm)
**   fanout = K   per source, K distinct targets
**   from "file"  CSV rows i,j (and named synaptic values)
** `where` filters any rule; `autapses = false` drops (i, i) within one
** population.  Before allocating, the expected size is compared with the
** memory available, so an impossible network fails with a message rather
** than taking the machine down.
*/
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "network_file.h"
#include "rng.h"
#include "sim.h"

/* A growable array of synapse targets with row offsets. */
typedef struct Builder {
  Sim *s;
  RtProj *p;
  int32_t *target;
  int64_t n, cap;
  const char *name;
} Builder;

static bool add_target(Builder *b, int64_t j) {
  if (b->n == b->cap) {
    int64_t cap = b->cap ? b->cap * 2 : 1024;
    int32_t *t = realloc(b->target, sizeof(int32_t) * (size_t)cap);
    if (!t)
      return sim_fail(b->s, "out of memory building projection '%s' after %lld synapses",
                      b->name, (long long)b->n);
    b->target = t;
    b->cap = cap;
  }
  b->target[b->n++] = (int32_t)j;
  return true;
}

/* Whether the pair may be connected at all (autapses, where). */
static bool allowed(const Sim *s, const RtProj *p, int64_t i, int64_t j) {
  const SnnProjection *d = p->desc;
  if (!d->autapses && p->pre == p->post && i == j) return false;
  return !d->where_fn || d->where_fn(s->param, i, j);
}

/* The indices x in [*lo, *hi] (x = i when `index` is 0, j when 1) outside
   of which the where condition fails for the other index `other`, from
   the bounds the compiler found (pair_bounds.h): each says D <= 0 (or
   D == 0) with D affine in x, so x * a + r with a = D(1) - D(0), r = D(0).
   The bound is widened by one on each side against rounding; the
   condition still decides every pair inside.  An empty range has
   *lo > *hi. */
static void where_range(const Sim *s, const RtProj *p, int index, int64_t other, int64_t n,
                        int64_t *lo, int64_t *hi) {
  const SnnProjection *d = p->desc;
  double low = 0, high = (double)n - 1;
  for (int64_t k = 0; k < d->nbound && low <= high; k++) {
    const SnnPairBound *b = &d->bound[k];
    if (b->index != index) continue;
    double r = index ? b->offset(s->param, other, 0) : b->offset(s->param, 0, other);
    double a = (index ? b->offset(s->param, other, 1) : b->offset(s->param, 1, other)) - r;
    double x = -r / a;
    if (!(a != 0) || !isfinite(x)) continue;
    if (a > 0 || b->equal) high = fmin(high, floor(x) + 1);
    if (a < 0 || b->equal) low = fmax(low, ceil(x) - 1);
  }
  *lo = (int64_t)fmax(low, 0);
  *hi = (int64_t)fmin(high, (double)n - 1);
  if (low > high) *lo = 1, *hi = 0;
}

/* The bytes of a projection of `synapses` synapses. */
static double projection_bytes(const Sim *s, const RtProj *p, double synapses) {
  const SnnProjection *d = p->desc;
  double per_synapse = 4.0 + (double)d->nvalue * (double)s->real_size +
                       (d->delay_kind == SNN_DELAY_PER_SYNAPSE ? 10.0 : 0.0);
  return synapses * per_synapse + 8.0 * ((double)p->pre->size + 1);
}

/* Reserves the expected size of a projection (memory.c), refusing one
   that cannot fit beside what the model reserved before it. */
static bool check_size(Sim *s, RtProj *p, double expected) {
  char what[SIM_ERRLEN / 2];
  snprintf(what, sizeof what, "projection '%s' (about %.3g synapses)", p->desc->name, expected);
  if (!sim_reserve(s, projection_bytes(s, p, expected), what)) return false;
  if (expected > 2147483647.0 * 64)
    return sim_fail(s, "projection '%s' would hold about %.3g synapses, more than this "
                    "runtime can index", p->desc->name, expected);
  return true;
}

static bool build_all(Builder *b) {
  Sim *s = b->s;
  RtProj *p = b->p;
  for (int64_t i = 0; i < p->pre->size; i++) {
    p->row[i] = b->n;
    int64_t lo, hi;
    where_range(s, p, 1, i, p->post->size, &lo, &hi);
    for (int64_t j = lo; j <= hi; j++)
      if (allowed(s, p, i, j) && !add_target(b, j)) return false;
  }
  return true;
}

static bool build_one_to_one(Builder *b) {
  RtProj *p = b->p;
  for (int64_t i = 0; i < p->pre->size; i++) {
    p->row[i] = b->n;
    if (i < p->post->size && allowed(b->s, p, i, i) && !add_target(b, i)) return false;
  }
  return true;
}

/* Constant p: the gap to the next success is geometric. */
static bool build_geometric(Builder *b, double prob) {
  Sim *s = b->s;
  RtProj *p = b->p;
  int64_t npost = p->post->size;
  double log_q = log1p(-prob);
  for (int64_t i = 0; i < p->pre->size; i++) {
    p->row[i] = b->n;
    if (prob <= 0) continue;
    RngStream r;
    rng_stream_init(&r, s->opt.seed, (uint32_t)p->desc->stream, (uint64_t)i, 0);
    for (int64_t j = 0; j < npost; j++) {
      if (prob < 1) {
        double gap = floor(log(rng_next_uniform_open(&r)) / log_q);
        if (gap >= (double)(npost - j)) break;
        j += (int64_t)gap;
      }
      if (allowed(s, p, i, j) && !add_target(b, j)) return false;
    }
  }
  return true;
}

/* p given by a function of (i, j), or a where condition: one draw per
   pair, the pair (i, j) taking words 2j and 2j + 1 of row i's stream, so
   that the pairs outside the where condition's range need not be drawn. */
static bool build_pairwise(Builder *b) {
  Sim *s = b->s;
  RtProj *p = b->p;
  const SnnProjection *d = p->desc;
  for (int64_t i = 0; i < p->pre->size; i++) {
    p->row[i] = b->n;
    int64_t lo, hi;
    where_range(s, p, 1, i, p->post->size, &lo, &hi);
    if (lo > hi) continue;
    RngStream r;
    rng_stream_init(&r, s->opt.seed, (uint32_t)d->stream, (uint64_t)i, 0);
    rng_stream_seek(&r, 2 * (uint64_t)lo);
    for (int64_t j = lo; j <= hi; j++) {
      double prob = d->p_fn ? d->p_fn(s->param, i, j) : d->p;
      double u = rng_next_uniform(&r);
      if (!(prob >= 0 && prob <= 1) || isnan(prob))
        return sim_fail(s, "projection '%s': the connection probability is %g for i = %lld, "
                        "j = %lld; it must lie between 0 and 1", d->name, prob, (long long)i,
                        (long long)j);
      if (u < prob && allowed(s, p, i, j) && !add_target(b, j)) return false;
    }
  }
  return true;
}

/* Orders a list of (pre, post) pairs into rows with ascending targets;
   perm[q] is the pair that became synapse q (NULL if not wanted). */
static bool pairs_to_rows(Builder *b, const int64_t *pre, const int64_t *post, int64_t n,
                          int64_t **perm_out) {
  Sim *s = b->s;
  RtProj *p = b->p;
  int64_t npre = p->pre->size;
  int64_t *start = calloc((size_t)npre + 2, sizeof(int64_t));
  int64_t *perm = malloc(sizeof(int64_t) * (size_t)(n + 1));
  int32_t *target = malloc(sizeof(int32_t) * (size_t)(n + 1));
  if (!start || !perm || !target) {
    free(start);
    free(perm);
    free(target);
    return sim_fail(s, "out of memory building projection '%s'", b->name);
  }
  for (int64_t q = 0; q < n; q++) start[pre[q] + 1]++;
  for (int64_t i = 0; i < npre; i++) start[i + 1] += start[i];
  assert(start[npre] == n);
  for (int64_t i = 0; i <= npre; i++) p->row[i] = start[i];
  for (int64_t q = 0; q < n; q++) perm[start[pre[q]]++] = q;
  /* Within a row, targets ascending (insertion sort: rows are short and
     usually sorted already). */
  for (int64_t i = 0; i < npre; i++) {
    for (int64_t q = p->row[i] + 1; q < p->row[i + 1]; q++) {
      int64_t x = perm[q], r = q;
      while (r > p->row[i] && post[perm[r - 1]] > post[x]) {
        perm[r] = perm[r - 1];
        r--;
      }
      perm[r] = x;
    }
  }
  for (int64_t q = 0; q < n; q++) target[q] = (int32_t)post[perm[q]];
  free(start);
  b->target = target;
  b->n = b->cap = n;
  if (perm_out)
    *perm_out = perm;
  else
    free(perm);
  return true;
}

/* A set of candidate indices for Floyd's algorithm: open addressing in a
   table of at least twice the size of the sample, so that choosing K of n
   costs O(K) whatever n is. */
typedef struct SampleSet {
  int64_t *slot;           /* -1: empty */
  int64_t mask;
} SampleSet;

static bool sample_set_init(SampleSet *t, int64_t k) {
  int64_t size = 16;
  while (size < 2 * k) size *= 2;
  t->slot = malloc(sizeof(int64_t) * (size_t)size);
  t->mask = size - 1;
  return t->slot != NULL;
}

static void sample_set_clear(SampleSet *t) {
  memset(t->slot, 0xff, sizeof(int64_t) * (size_t)(t->mask + 1));
}

/* Inserts v; false if it was there already. */
static bool sample_set_insert(SampleSet *t, int64_t v) {
  uint64_t h = (uint64_t)v * 0x9E3779B97F4A7C15ull;
  for (int64_t q = (int64_t)(h >> 32) & t->mask;; q = (q + 1) & t->mask) {
    if (t->slot[q] == v) return false;
    if (t->slot[q] < 0) {
      t->slot[q] = v;
      return true;
    }
  }
}

static int compare_int64(const void *x, const void *y) {
  int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
  return (a > b) - (a < b);
}

/* K distinct values of [0, n) by Floyd's algorithm, in ascending order in
   `out`: for m = n - K .. n - 1, draw v in [0, m] and take v, or m if v is
   taken already. */
static void choose_distinct(RngStream *r, int64_t n, int64_t k, SampleSet *set, int64_t *out) {
  assert(k >= 0 && k <= n);
  sample_set_clear(set);
  int64_t taken = 0;
  for (int64_t m = n - k; m < n; m++) {
    int64_t v = (int64_t)rng_next_below(r, (uint64_t)m + 1);
    out[taken++] = sample_set_insert(set, v) ? v : (sample_set_insert(set, m), m);
  }
  qsort(out, (size_t)k, sizeof(int64_t), compare_int64);
}

/* The partners that neuron a may connect to under `where`, in ascending
   order, into cand; returns how many. */
static int64_t candidates(const Sim *s, const RtProj *p, bool fanin, int64_t a, int64_t nother,
                          int64_t *cand) {
  int64_t n = 0, lo, hi;
  where_range(s, p, fanin ? 0 : 1, a, nother, &lo, &hi);
  for (int64_t c = lo; c <= hi; c++)
    if (fanin ? allowed(s, p, c, a) : allowed(s, p, a, c)) cand[n++] = c;
  return n;
}

/* fanin / fanout: K distinct partners per neuron (excluding autapses and
   `where` failures by choosing among the allowed candidates only).  With
   no `where`, candidate c is neuron c, or c + 1 from a on where a itself
   is excluded, and nothing of size n is touched per neuron: O(K log K). */
static bool build_fixed_degree(Builder *b, bool fanin) {
  Sim *s = b->s;
  RtProj *p = b->p;
  int64_t nself = fanin ? p->post->size : p->pre->size;
  int64_t nother = fanin ? p->pre->size : p->post->size;
  int64_t k = p->desc->fan;
  bool scan = p->desc->where_fn != NULL;
  bool no_self = !p->desc->autapses && p->pre == p->post;
  int64_t *cand = scan ? malloc(sizeof(int64_t) * (size_t)(nother + 1)) : NULL;
  int64_t *pick = malloc(sizeof(int64_t) * (size_t)(k + 1));
  SampleSet set = {NULL, 0};
  int64_t *pairs_i = NULL, *pairs_j = NULL;
  int64_t npairs = 0;
  if (fanin) {
    pairs_i = malloc(sizeof(int64_t) * (size_t)(nself * k + 1));
    pairs_j = malloc(sizeof(int64_t) * (size_t)(nself * k + 1));
  }
  bool ok = (!scan || cand) && pick && sample_set_init(&set, k) &&
            (!fanin || (pairs_i && pairs_j));
  if (!ok) sim_fail(s, "out of memory building projection '%s'", b->name);
  for (int64_t a = 0; ok && a < nself; a++) {
    int64_t ncand = scan ? candidates(s, p, fanin, a, nother, cand)
                         : nother - (no_self && a < nother ? 1 : 0);
    if (ncand == 0 && scan) {
      /* The condition leaves this neuron no partner at all: it takes no
         part in the connection (a subset of sources or targets). */
      if (!fanin) p->row[a] = b->n;
      continue;
    }
    if (ncand < k) {
      ok = sim_fail(s, "projection '%s': neuron %lld has only %lld possible %s, fewer than "
                    "%s = %lld", b->name, (long long)a, (long long)ncand,
                    fanin ? "sources" : "targets", fanin ? "fanin" : "fanout", (long long)k);
      break;
    }
    RngStream r;
    rng_stream_init(&r, s->opt.seed, (uint32_t)p->desc->stream, (uint64_t)a, 1);
    choose_distinct(&r, ncand, k, &set, pick);
    if (!fanin) p->row[a] = b->n;
    for (int64_t q = 0; q < k; q++) {
      int64_t c = scan ? cand[pick[q]] : no_self && pick[q] >= a ? pick[q] + 1 : pick[q];
      if (fanin) {
        pairs_i[npairs] = c;
        pairs_j[npairs++] = a;
      } else if (!add_target(b, c)) {
        ok = false;
        break;
      }
    }
  }
  if (ok && fanin) ok = pairs_to_rows(b, pairs_i, pairs_j, npairs, NULL);
  free(cand);
  free(pick);
  free(set.slot);
  free(pairs_i);
  free(pairs_j);
  return ok;
}

/* The expected synapses of row i under `all` or `p` with a where
   condition or p = f(i, j): over the where range, every pair when it is
   short, else 4096 pairs spread evenly, scaled up. */
static double row_estimate(const Sim *s, const RtProj *p, int64_t i) {
  const SnnProjection *d = p->desc;
  int64_t lo, hi;
  where_range(s, p, 1, i, p->post->size, &lo, &hi);
  if (lo > hi) return 0;
  int64_t len = hi - lo + 1, samples = len < 4096 ? len : 4096;
  double sum = 0;
  for (int64_t q = 0; q < samples; q++) {
    int64_t j = lo + (int64_t)((double)q * (double)len / (double)samples);
    if (!allowed(s, p, i, j)) continue;
    double prob = d->rule != SNN_RULE_PROBABILITY ? 1 : d->p_fn ? d->p_fn(s->param, i, j) : d->p;
    sum += prob >= 1 ? 1 : prob > 0 ? prob : 0;
  }
  return sum * (double)len / (double)samples;
}

/* Expected number of synapses, for the memory check: exact for the plain
   rules, and from 64 rows spread evenly when a where condition or p =
   f(i, j) decides (so that `where abs(i - j) < 5` on 10^5 neurons is sized
   as 10^6 synapses, not as the 10^10 pairs). */
static double expected_synapses(const Sim *s, const RtProj *p) {
  double npre = (double)p->pre->size, npost = (double)p->post->size;
  const SnnProjection *d = p->desc;
  switch (d->rule) {
  case SNN_RULE_ONE_TO_ONE: return npre;
  case SNN_RULE_FANIN: return (double)d->fan * npost;
  case SNN_RULE_FANOUT: return (double)d->fan * npre;
  case SNN_RULE_FILE: return 0; /* counted when read */
  case SNN_RULE_ALL:
  case SNN_RULE_PROBABILITY: {
    if (!d->where_fn && !d->p_fn) return d->rule == SNN_RULE_ALL ? npre * npost : npre * npost * d->p;
    int64_t rows = p->pre->size < 64 ? p->pre->size : 64;
    double sum = 0;
    for (int64_t k = 0; k < rows; k++)
      sum += row_estimate(s, p, (int64_t)((double)k * npre / (double)rows));
    return rows ? sum * npre / (double)rows : 0;
  }
  default: return npre * npost;
  }
}

/* Refuses a synaptic initial value that is NaN or infinite (a parameter
   set to 0 that it divides by, say), naming the synapse. */
static bool check_initial_values(Sim *s, const RtProj *p, void *const *values,
                                 const int32_t *pre, const int32_t *post, int64_t first,
                                 int64_t n) {
  const SnnProjection *d = p->desc;
  for (int64_t v = 0; v < d->nvalue; v++) {
    for (int64_t q = 0; q < n; q++) {
      double x = s->real_size == 8 ? ((const double *)values[v])[q]
                                   : ((const float *)values[v])[q];
      if (!isfinite(x))
        return sim_fail(s, "projection '%s': the initial value of '%s' is %g for synapse %lld "
                        "(%d -> %d); check the parameters it is computed from", d->name,
                        d->value[v].name, x, (long long)(first + q), pre[q], post[q]);
    }
  }
  return true;
}

/* Values, weights and delays of the synapses, in chunks. */
static bool init_synapses(Sim *s, RtProj *p) {
  const SnnProjection *d = p->desc;
  p->value = calloc((size_t)d->nvalue + 1, sizeof(void *));
  if (!p->value) return sim_fail(s, "out of memory");
  for (int64_t v = 0; v < d->nvalue; v++)
    if (!(p->value[v] = sim_alloc((size_t)p->nsyn * s->real_size)))
      return sim_fail(s, "out of memory for the synaptic values of '%s'", d->name);
  p->weight = calloc((size_t)d->nadditive + 1, sizeof(double));
  if (!p->weight) return sim_fail(s, "out of memory");
  if (!derive_projection(s, p, true)) return false;
  bool per_syn_delay = d->delay_kind == SNN_DELAY_PER_SYNAPSE;
  if (per_syn_delay && !(p->delay = malloc(sizeof(uint16_t) * (size_t)(p->nsyn + 1))))
    return sim_fail(s, "out of memory for the delays of '%s'", d->name);
  if (!d->init) return true;
  enum { CHUNK = 65536 };
  int32_t *pre = malloc(sizeof(int32_t) * CHUNK);
  int32_t *post = malloc(sizeof(int32_t) * CHUNK);
  double *delay = per_syn_delay ? malloc(sizeof(double) * CHUNK) : NULL;
  void **values = calloc((size_t)d->nvalue + 1, sizeof(void *));
  bool ok = pre && post && values && (!per_syn_delay || delay);
  if (!ok) sim_fail(s, "out of memory");
  int64_t i = 0;
  for (int64_t first = 0; ok && first < p->nsyn; first += CHUNK) {
    int64_t n = p->nsyn - first < CHUNK ? p->nsyn - first : CHUNK;
    for (int64_t q = 0; q < n; q++) {
      while (p->row[i + 1] <= first + q) i++;
      assert(i < p->pre->size);
      pre[q] = (int32_t)i;
      post[q] = p->target[first + q];
    }
    for (int64_t v = 0; v < d->nvalue; v++)
      values[v] = (char *)p->value[v] + (size_t)first * s->real_size;
    SnnSynapseArgs a = {s->param, s->opt.seed, pre, post, values, delay, first, s->opt.dt};
    d->init(&a, n);
    ok = check_initial_values(s, p, values, pre, post, first, n);
    for (int64_t q = 0; per_syn_delay && q < n; q++) {
      double steps = delay[q] / s->opt.dt;
      if (!(steps >= 0) || steps > SNN_MAX_DELAY_STEPS) {
        ok = sim_fail(s, "projection '%s': synapse %lld (%d -> %d) has delay %g ms, negative or "
                      "longer than %d steps", d->name, (long long)(first + q), pre[q],
                      post[q], delay[q] * 1e3, SNN_MAX_DELAY_STEPS);
        break;
      }
      p->delay[first + q] = (uint16_t)llround(steps);
      if (p->delay[first + q] > p->max_delay) p->max_delay = p->delay[first + q];
    }
  }
  free(pre);
  free(post);
  free(delay);
  free(values);
  return ok;
}

/* Values read from a connection file replace the initial values. */
static void apply_file_values(Sim *s, RtProj *p, const FileSynapses *f, const int64_t *perm) {
  int col = 0;
  for (int c = 0; c < f->width; c++) {
    int k = f->role[c];
    if (k < 0) continue;
    for (int64_t q = 0; q < p->nsyn; q++) {
      double v = f->values[perm[q] * f->ncols + col];
      if (s->real_size == 8)
        ((double *)p->value[k])[q] = v;
      else
        ((float *)p->value[k])[q] = (float)v;
    }
    col++;
  }
}

#ifndef NDEBUG
/* The layout route.c relies on: rows that start at 0, never shrink and end
   at nsyn; targets inside the target population and ascending within each
   row (threads cut rows where targets cross into the next range). */
static bool rows_are_well_formed(const RtProj *p) {
  if (p->row[0] != 0 || p->row[p->pre->size] != p->nsyn) return false;
  for (int64_t i = 0; i < p->pre->size; i++) {
    if (p->row[i + 1] < p->row[i]) return false;
    for (int64_t q = p->row[i]; q < p->row[i + 1]; q++) {
      if (p->target[q] < 0 || p->target[q] >= p->post->size) return false;
      if (q > p->row[i] && p->target[q] < p->target[q - 1]) return false;
    }
  }
  return true;
}

/* Every delay within max_delay, which sizes the target's ring and the
   event queue, and within what a uint16_t per synapse holds. */
static bool delays_within_max(const RtProj *p) {
  if (p->max_delay < 0 || p->max_delay > 65535 || p->delay_steps > p->max_delay) return false;
  for (int64_t q = 0; p->delay && q < p->nsyn; q++)
    if (p->delay[q] > p->max_delay) return false;
  return true;
}
#endif

bool network_build(Sim *s, RtProj *p) {
  const SnnProjection *d = p->desc;
  double expected = expected_synapses(s, p);
  if (!check_size(s, p, expected)) return false;
  p->row = calloc((size_t)p->pre->size + 1, sizeof(int64_t));
  if (!p->row) return sim_fail(s, "out of memory for projection '%s'", d->name);
  Builder b = {s, p, NULL, 0, 0, d->name};
  FileSynapses file;
  memset(&file, 0, sizeof file);
  int64_t *perm = NULL;
  bool ok;
  switch (d->rule) {
  case SNN_RULE_ALL: ok = build_all(&b); break;
  case SNN_RULE_ONE_TO_ONE: ok = build_one_to_one(&b); break;
  case SNN_RULE_PROBABILITY:
    ok = d->p_fn || d->where_fn ? build_pairwise(&b) : build_geometric(&b, d->p);
    break;
  case SNN_RULE_FANIN: ok = build_fixed_degree(&b, true); break;
  case SNN_RULE_FANOUT: ok = build_fixed_degree(&b, false); break;
  case SNN_RULE_FILE:
    ok = network_file_read(s, p, &file) && pairs_to_rows(&b, file.pre, file.post, file.n, &perm);
    break;
  default: ok = sim_fail(s, "projection '%s': unknown rule %lld", d->name, (long long)d->rule);
  }
  if (!ok) {
    free(b.target);
    network_file_free(&file);
    free(perm);
    return false;
  }
  p->row[p->pre->size] = b.n;
  p->nsyn = b.n;
  p->target = b.target ? b.target : malloc(sizeof(int32_t));
  if (!p->target) return sim_fail(s, "out of memory");
  ok = init_synapses(s, p);
  if (ok && file.ncols) apply_file_values(s, p, &file, perm);
  network_file_free(&file);
  free(perm);
  if (!ok) return false;
  assert(rows_are_well_formed(p));
  assert(delays_within_max(p));
  /* The estimate gives way to what was built (a file's synapses, a rule's
     random count). */
  sim_unreserve(s, projection_bytes(s, p, expected));
  char what[SIM_ERRLEN / 2];
  snprintf(what, sizeof what, "projection '%s' (%lld synapses built)", d->name,
           (long long)p->nsyn);
  if (!sim_reserve(s, projection_bytes(s, p, (double)p->nsyn), what)) return false;
  p->synapse_bytes = (size_t)p->nsyn * (4 + (size_t)d->nvalue * s->real_size + (p->delay ? 2 : 0));
  p->bytes = p->synapse_bytes + (size_t)(p->pre->size + 1) * sizeof(int64_t);
  return true;
}

void network_free(RtProj *p) {
  for (int64_t v = 0; p->value && v < p->desc->nvalue; v++) sim_release(p->value[v]);
  free(p->value);
  free(p->row);
  free(p->target);
  free(p->delay);
  free(p->weight);
  free(p->split);
  memset(p, 0, sizeof *p);
}
