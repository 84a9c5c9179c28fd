/*
** rng.h: counter-based random numbers (Philox4x32-10).
**
** Every random number the simulator draws is a pure function of a seed, a
** stream and a position, never of the order in which threads happen to run.
** That is what a counter-based generator gives: Philox4x32-10 (Salmon,
** Moraes, Dror and Shaw, "Parallel random numbers: as easy as 1, 2, 3",
** SC 2011) maps a 128-bit counter and a 64-bit key to 128 random bits, and
** any block can be computed without computing the ones before it.
**
** Layout of a stream.  rng_stream_init(s, seed, stream, a, b) sets
**
**     key = { lo32(seed), hi32(seed) ^ (stream * 0x9E3779B9) }
**     ctr = { lo32(a),    hi32(a),    b,    0 }
**
** where the product is taken modulo 2^32.  Multiplying by an odd constant is
** a bijection, so distinct streams under one seed get distinct keys; the
** constant spreads small stream numbers over all 32 bits.  (a, b) names the
** position, typically a = neuron or synapse index and b = time step, so a
** draw for neuron i at step t is the same whichever thread makes it.
**
** ctr[3] counts blocks inside one position: each block gives four 32-bit
** words, consumed in order from buf; when they run out, the next block is
** computed and ctr[3] is incremented.  One position thus holds 2^32 blocks
** (2^34 words), far more than one neuron uses in one step.
**
** Word consumption is fixed per call so that sequences are reproducible:
** rng_next_u32 takes 1 word, rng_next_uniform and rng_next_uniform_open 2,
** rng_next_normal 4, rng_next_exponential 2.  rng_next_below,
** rng_next_binomial and rng_next_poisson use rejection and take a variable,
** but still deterministic, number of words.
**
** The discrete samplers are exact, not approximations: below a mean of 10
** they invert the distribution function by sequential search (expected
** cost: mean + 1 steps); above it they use W. Hormann's transformed
** rejection with squeeze, BTRS for the binomial ("The generation of
** binomial random variates", J. Statist. Comput. Simul. 46, 1993) and PTRS
** for the Poisson ("The transformed rejection method for generating
** Poisson random variables", Insurance: Math. Econom. 12, 1993), whose
** cost does not grow with the mean and whose acceptance test uses the
** exact probability ratio.  The binomial needs n <= 2^53 and the Poisson
** mean < 4e15, so that every count is exact in a double.
**
** A RngStream is a small value: make one on the stack at each position.
*/
#ifndef SNN_RNG_H
#define SNN_RNG_H

#include <stdint.h>

/* One Philox4x32 block with 10 rounds. */
void rng_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

/* Binomial and Poisson draws with a mean below this use inversion (one
   uniform, about mean + 1 steps), above it rejection (rng.c). */
#define RNG_REJECTION_MEAN 10.0

/* How many counters rng_philox4x32_10_lanes takes at once. */
enum { RNG_LANES = 128 };

/* RNG_LANES blocks under one key, in structure-of-arrays form (word k of
   lane i is ctr[k][i] and out[k][i]): the same values as RNG_LANES calls
   of rng_philox4x32_10, computed in vector registers. */
void rng_philox4x32_10_lanes(const uint32_t ctr[4][RNG_LANES], const uint32_t key[2],
                             uint32_t out[4][RNG_LANES]);

typedef struct RngStream {
  uint32_t key[2]; /* from (seed, stream), see above */
  uint32_t ctr[4]; /* counter of the next block to compute */
  uint32_t buf[4]; /* words of the current block */
  int used;        /* words of buf already handed out, 0..4 */
} RngStream;

/* Starts the stream keyed by (seed, stream) at position (a, b): e.g. a = neuron index, b = time step. */
void rng_stream_init(RngStream *s, uint64_t seed, uint32_t stream, uint64_t a, uint32_t b);

/* Moves the stream to word `word` of its position (the words that `word`
   calls of rng_next_u32 after rng_stream_init would have passed). */
void rng_stream_seek(RngStream *s, uint64_t word);
/* Next 32 random bits (inline: it runs per neuron per step; rng.c holds the external definition). */
inline uint32_t rng_next_u32(RngStream *s) {
  if (s->used >= 4) {
    rng_philox4x32_10(s->ctr, s->key, s->buf);
    s->ctr[3]++;
    s->used = 0;
  }
  return s->buf[s->used++];
}

/* Uniform in [0, 1): k / 2^53 with k made of 27 + 26 bits of two words. */
inline double rng_next_uniform(RngStream *s) {
  uint64_t hi = rng_next_u32(s) >> 5;
  uint64_t lo = rng_next_u32(s) >> 6;
  return (double)((hi << 26) | lo) * (1.0 / 9007199254740992.0);
}

/* Uniform in (0, 1), safe to take the log of: (k + 1/2) / 2^52 from two words. */
double rng_next_uniform_open(RngStream *s);
/* Standard normal by Box-Muller, cosine branch only, so nothing is carried between calls. */
double rng_next_normal(RngStream *s);
/* Unbiased integer in [0, n) for n > 0, by Lemire's multiply-and-reject. */
uint64_t rng_next_below(RngStream *s, uint64_t n);
/* Exponential with mean 1: -log of an open uniform. */
double rng_next_exponential(RngStream *s);
/* Binomial(n, p), exact: inversion if n min(p, 1-p) < 10, else BTRS; p <= 0 gives 0, p >= 1 gives n. */
uint64_t rng_next_binomial(RngStream *s, uint64_t n, double p);
/* Poisson(mean), exact: inversion if mean < 10, else PTRS; mean <= 0 gives 0. */
uint64_t rng_next_poisson(RngStream *s, double mean);
/* log(k!) to about 1e-15 relative, from Stirling's series (shared by the samplers, checked by tests). */
double rng_log_factorial(uint64_t k);

#endif
