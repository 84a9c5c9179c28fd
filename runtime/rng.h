/*
** rng.h: counter-based random numbers (Philox4x32-10).
*/
#ifndef SNN_RNG_H
#define SNN_RNG_H

#include <stdint.h>

/* One Philox4x32 block with 10 rounds. */
void rng_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

typedef struct RngStream {
  uint32_t key[2];
  uint32_t ctr[4];
  uint32_t buf[4];
  int used;
} RngStream;

/* Starts the stream keyed by (seed, stream) at position (a, b). */
void rng_stream_init(RngStream *s, uint64_t seed, uint32_t stream, uint64_t a, uint32_t b);
/* 32 random bits. */
uint32_t rng_next_u32(RngStream *s);
/* Uniform in [0, 1). */
double rng_next_uniform(RngStream *s);
/* Uniform in (0, 1). */
double rng_next_uniform_open(RngStream *s);
/* Standard normal. */
double rng_next_normal(RngStream *s);
/* Uniform integer in [0, n). */
uint64_t rng_next_below(RngStream *s, uint64_t n);

#endif
