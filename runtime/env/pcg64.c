/*
** pcg64.c: NumPy's SeedSequence and PCG64, bit for bit (see pcg64.h).
**
** SeedSequence (NumPy's bit_generator, after M. O'Neill's seed_seq_fe):
** the seed becomes its little-endian 32-bit words (at least one); a pool of
** four words is filled by hashing them, then every word is mixed into every
** other; generate_state cycles over the pool through a second hash.  PCG64
** (O'Neill 2014, the "setseq 128 XSL-RR 64" member): state' = state * M +
** increment, output = rotr64(high ^ low, high >> 58) of the new state.
*/
#include "pcg64.h"

#define POOL_SIZE 4
#define INIT_A 0x43b0d7e5u
#define MULT_A 0x931e8875u
#define INIT_B 0x8b51f9ddu
#define MULT_B 0x58f38dedu
#define MIX_MULT_L 0xca01f9ddu
#define MIX_MULT_R 0x4973f715u
#define XSHIFT 16

#define PCG_MULTIPLIER                                                          \
  (((unsigned __int128)0x2360ed051fc65da4ull << 64) | 0x4385df649fccf645ull)

static uint32_t hashmix(uint32_t value, uint32_t *hash_const) {
  value ^= *hash_const;
  *hash_const *= MULT_A;
  value *= *hash_const;
  value ^= value >> XSHIFT;
  return value;
}

static uint32_t mix(uint32_t x, uint32_t y) {
  uint32_t result = MIX_MULT_L * x - MIX_MULT_R * y;
  return result ^ (result >> XSHIFT);
}

static void fill_pool(uint64_t seed, uint32_t pool[POOL_SIZE]) {
  uint32_t words[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
  int nwords = words[1] ? 2 : 1;
  uint32_t hash_const = INIT_A;
  for (int i = 0; i < POOL_SIZE; i++)
    pool[i] = hashmix(i < nwords ? words[i] : 0, &hash_const);
  for (int src = 0; src < POOL_SIZE; src++)
    for (int dst = 0; dst < POOL_SIZE; dst++)
      if (src != dst) pool[dst] = mix(pool[dst], hashmix(pool[src], &hash_const));
  /* Entropy beyond the pool's four words would be mixed in here; a 64-bit
     seed has at most two. */
}

void pcg64_seed_sequence(uint64_t seed, uint32_t *out, int n) {
  uint32_t pool[POOL_SIZE];
  fill_pool(seed, pool);
  uint32_t hash_const = INIT_B;
  for (int i = 0; i < n; i++) {
    uint32_t v = pool[i % POOL_SIZE] ^ hash_const;
    hash_const *= MULT_B;
    v *= hash_const;
    out[i] = v ^ (v >> XSHIFT);
  }
}

static void pcg_step(Pcg64 *g) { g->state = g->state * PCG_MULTIPLIER + g->increment; }

void pcg64_seed(Pcg64 *g, uint64_t seed) {
  uint32_t w[8];
  pcg64_seed_sequence(seed, w, 8);
  /* generate_state(4, uint64): pairs of words, the first the low half. */
  uint64_t v[4];
  for (int k = 0; k < 4; k++) v[k] = (uint64_t)w[2 * k] | (uint64_t)w[2 * k + 1] << 32;
  unsigned __int128 initstate = (unsigned __int128)v[0] << 64 | v[1];
  unsigned __int128 initseq = (unsigned __int128)v[2] << 64 | v[3];
  g->state = 0;
  g->increment = initseq << 1 | 1;
  pcg_step(g);
  g->state += initstate;
  pcg_step(g);
}

uint64_t pcg64_next64(Pcg64 *g) {
  pcg_step(g);
  uint64_t high = (uint64_t)(g->state >> 64), low = (uint64_t)g->state;
  uint64_t x = high ^ low;
  unsigned rot = (unsigned)(high >> 58);
  return (x >> rot) | (x << ((64 - rot) & 63));
}

double pcg64_next_double(Pcg64 *g) {
  return (double)(pcg64_next64(g) >> 11) * (1.0 / 9007199254740992.0);
}

double pcg64_uniform(Pcg64 *g, double low, double high) {
  return low + (high - low) * pcg64_next_double(g);
}
