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

/* Refuses a projection whose expected size cannot fit in memory. */
static bool check_size(Sim *s, RtProj *p, double expected) {
  const SnnProjection *d = p->desc;
  double per_synapse = 4.0 + (double)d->nvalue * (double)s->real_size +
                       (d->delay_kind == SNN_DELAY_PER_SYNAPSE ? 10.0 : 0.0);
  double bytes = expected * per_synapse + 8.0 * ((double)p->pre->size + 1);
  uint64_t avail = sim_available_memory();
  if (expected > 2147483647.0 * 64 || bytes > (double)avail)
    return sim_fail(s, "projection '%s' would hold about %.3g synapses (%.3g GiB), more than "
                    "the %.3g GiB of memory available", d->name, expected, bytes / 1073741824.0,
                    (double)avail / 1073741824.0);
  return true;
}

static bool build_all(Builder *b) {
  Sim *s = b->s;
  RtProj *p = b->p;
  for (int64_t i = 0; i < p->pre->size; i++) {
    p->row[i] = b->n;
    for (int64_t j = 0; j < p->post->size; j++)
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

/* p given by a function of (i, j): one draw per pair. */
static bool build_pairwise(Builder *b) {
  Sim *s = b->s;
  RtProj *p = b->p;
  const SnnProjection *d = p->desc;
  for (int64_t i = 0; i < p->pre->size; i++) {
    p->row[i] = b->n;
    RngStream r;
    rng_stream_init(&r, s->opt.seed, (uint32_t)d->stream, (uint64_t)i, 0);
    for (int64_t j = 0; j < p->post->size; j++) {
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

/* K distinct values from [0, n) that pass `ok`, by Floyd's algorithm over
   the candidates; `out` must hold n flags. Returns the number chosen. */
static int64_t choose_distinct(RngStream *r, int64_t n, int64_t k, uint8_t *chosen) {
  assert(k >= 0 && k <= n);
  memset(chosen, 0, (size_t)n);
  for (int64_t m = n - k; m < n; m++) {
    int64_t v = (int64_t)rng_next_below(r, (uint64_t)m + 1);
    chosen[chosen[v] ? m : v] = 1;
  }
  return k;
}

/* fanin / fanout: K distinct partners per neuron (excluding autapses and
   `where` failures by choosing among the allowed candidates only). */
static bool build_fixed_degree(Builder *b, bool fanin) {
  Sim *s = b->s;
  RtProj *p = b->p;
  int64_t nself = fanin ? p->post->size : p->pre->size;
  int64_t nother = fanin ? p->pre->size : p->post->size;
  int64_t k = p->desc->fan;
  int64_t *cand = malloc(sizeof(int64_t) * (size_t)(nother + 1));
  uint8_t *chosen = malloc((size_t)nother + 1);
  int64_t *pairs_i = NULL, *pairs_j = NULL;
  int64_t npairs = 0;
  if (fanin) {
    pairs_i = malloc(sizeof(int64_t) * (size_t)(nself * k + 1));
    pairs_j = malloc(sizeof(int64_t) * (size_t)(nself * k + 1));
  }
  bool ok = cand && chosen && (!fanin || (pairs_i && pairs_j));
  if (!ok) sim_fail(s, "out of memory building projection '%s'", b->name);
  for (int64_t a = 0; ok && a < nself; a++) {
    int64_t ncand = 0;
    for (int64_t c = 0; c < nother; c++)
      if (fanin ? allowed(s, p, c, a) : allowed(s, p, a, c)) cand[ncand++] = c;
    if (ncand == 0 && p->desc->where_fn) {
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
    choose_distinct(&r, ncand, k, chosen);
    if (!fanin) p->row[a] = b->n;
    for (int64_t c = 0; c < ncand; c++) {
      if (!chosen[c]) continue;
      if (fanin) {
        pairs_i[npairs] = cand[c];
        pairs_j[npairs++] = a;
      } else if (!add_target(b, cand[c])) {
        ok = false;
        break;
      }
    }
  }
  if (ok && fanin) ok = pairs_to_rows(b, pairs_i, pairs_j, npairs, NULL);
  free(cand);
  free(chosen);
  free(pairs_i);
  free(pairs_j);
  return ok;
}

/* Expected number of synapses, for the memory check. */
static double expected_synapses(const RtProj *p) {
  double pairs = (double)p->pre->size * (double)p->post->size;
  const SnnProjection *d = p->desc;
  switch (d->rule) {
  case SNN_RULE_ONE_TO_ONE: return (double)p->pre->size;
  case SNN_RULE_PROBABILITY: return d->p >= 0 ? pairs * d->p : pairs;
  case SNN_RULE_FANIN: return (double)d->fan * (double)p->post->size;
  case SNN_RULE_FANOUT: return (double)d->fan * (double)p->pre->size;
  default: return pairs;
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
  if (!check_size(s, p, expected_synapses(p))) return false;
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
