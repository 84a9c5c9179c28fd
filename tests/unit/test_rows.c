/*
** test_rows.c: finding the presynaptic row of a synapse: snnrt_row_of, and
** the coarse table that on_post code starts from (plasticity_row_blocks)
** followed by its forward walk, against a linear scan, on random rows with
** empty ones among them.
*/
#include <stdint.h>
#include <stdlib.h>

#include "rng.h"
#include "sim.h"
#include "snnrt.h"
#include "test.h"

/* The row holding syn, by the definition: row[i] <= syn < row[i + 1]. */
static int64_t scan(const int64_t *row, int64_t npre, int64_t syn) {
  for (int64_t i = 0; i < npre; i++)
    if (row[i] <= syn && syn < row[i + 1]) return i;
  return -1;
}

/* What generated on_post code does: the block's row, then forward. */
static int64_t block_walk(const int64_t *row, const int32_t *blocks, int64_t shift, int64_t syn) {
  int64_t i = blocks[syn >> shift];
  while (row[i + 1] <= syn) i++;
  return i;
}

static void test_random_rows(uint32_t trial) {
  RngStream r;
  rng_stream_init(&r, 7, trial, 0, 0);
  int64_t npre = 1 + (int64_t)rng_next_below(&r, 300);
  int64_t longest = 1 + (int64_t)rng_next_below(&r, trial % 2 ? 6 : 200);
  int64_t *row = malloc(sizeof(int64_t) * (size_t)(npre + 1));
  row[0] = 0;
  for (int64_t i = 0; i < npre; i++)
    row[i + 1] = row[i] + (rng_next_below(&r, 3) == 0 ? 0 : (int64_t)rng_next_below(&r, (uint32_t)longest));
  int64_t nsyn = row[npre];
  int64_t shift = plasticity_block_shift(npre, nsyn);
  CHECK(shift >= 2 && shift <= 16);
  /* A block holds no more synapses than a mean row (or 4). */
  CHECK(shift == 2 || ((int64_t)1 << shift) * npre <= nsyn);
  int32_t *blocks = malloc(sizeof(int32_t) * (size_t)((nsyn >> shift) + 1));
  plasticity_row_blocks(row, npre, shift, blocks);
  for (int64_t syn = 0; syn < nsyn; syn++) {
    int64_t want = scan(row, npre, syn);
    CHECK_EQ_INT(snnrt_row_of(row, npre, syn), want);
    CHECK(blocks[syn >> shift] <= want);
    CHECK_EQ_INT(block_walk(row, blocks, shift, syn), want);
  }
  free(blocks);
  free(row);
}

int main(void) {
  for (uint32_t trial = 0; trial < 200; trial++) test_random_rows(trial);
  /* one row only, and rows that are all empty but the last */
  int64_t one[2] = {0, 5};
  CHECK_EQ_INT(snnrt_row_of(one, 1, 4), 0);
  int64_t late[5] = {0, 0, 0, 0, 3};
  CHECK_EQ_INT(snnrt_row_of(late, 4, 2), 3);
  int32_t blocks[1];
  plasticity_row_blocks(late, 4, plasticity_block_shift(4, 3), blocks);
  CHECK_EQ_INT(block_walk(late, blocks, plasticity_block_shift(4, 3), 0), 3);
  return test_report("test_rows");
}
