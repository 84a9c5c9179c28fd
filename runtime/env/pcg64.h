/*
** pcg64.h: NumPy's default random generator (SeedSequence seeding a PCG64),
** so that environments reset from a seed exactly as Gymnasium's
** reset(seed=...) does.
**
** Gymnasium draws its reset states with np.random.default_rng(seed):
** SeedSequence(seed) hashes the seed's 32-bit words into a pool of four,
** generates 128 bits of state and 128 of increment for PCG64 (a 128-bit
** LCG with the XSL-RR output), and uniform(low, high) is
** low + (high - low) * (next64 >> 11) * 2^-53.  The simulator's own
** randomness is Philox (numeric/rng.h); this generator serves only the
** environments, whose results must compare with the literature.
*/
#ifndef SNN_PCG64_H
#define SNN_PCG64_H

#include <stdint.h>

typedef struct Pcg64 {
  unsigned __int128 state, increment;
} Pcg64;

/* Seeds g as np.random.PCG64(np.random.SeedSequence(seed)). */
void pcg64_seed(Pcg64 *g, uint64_t seed);
/* The next 64 random bits (PCG64.random_raw()). */
uint64_t pcg64_next64(Pcg64 *g);
/* A double in [0, 1) (Generator.random()). */
double pcg64_next_double(Pcg64 *g);
/* low + (high - low) * next_double (Generator.uniform(low, high)). */
double pcg64_uniform(Pcg64 *g, double low, double high);
/* The words SeedSequence(seed).generate_state(n, uint32) gives, into out[0 .. n). */
void pcg64_seed_sequence(uint64_t seed, uint32_t *out, int n);

#endif
