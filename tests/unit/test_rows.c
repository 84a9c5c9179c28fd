/*
** test_rows.c: finding the presynaptic row of a synapse (snnrt_row_of,
** snnrt_row_after), against a linear scan, on rows with empty ones among
** them, and from every possible starting row.
*/
#include <stdint.h>
#include <stdlib.h>

#include "rng.h"
#include "snnrt.h"
#include "test.h"

/* The row holding syn, by the definition: row[i] <= syn < row[i + 1]. */
static int64_t scan(const int64_t *row, int64_t npre, int64_t syn) {
  for (int64_t i = 0; i < npre; i++)
    if (row[i] <= syn && syn < row[i + 1]) return i;
  return -1;
}

static void test_random_rows(uint32_t trial) {
  RngStream r;
  rng_stream_init(&r, 7, trial, 0, 0);
  int64_t npre = 1 + (int64_t)rng_next_below(&r, 300);
  int64_t *row = malloc(sizeof(int64_t) * (size_t)(npre + 1));
  row[0] = 0;
  for (int64_t i = 0; i < npre; i++)
    row[i + 1] = row[i] + (rng_next_below(&r, 3) == 0 ? 0 : (int64_t)rng_next_below(&r, 6));
  int64_t nsyn = row[npre];
  for (int64_t syn = 0; syn < nsyn; syn++) {
    int64_t want = scan(row, npre, syn);
    CHECK_EQ_INT(snnrt_row_of(row, npre, syn), want);
    for (int64_t from = 0; from <= want; from += 1 + from / 4)
      CHECK_EQ_INT(snnrt_row_after(row, npre, syn, from), want);
  }
  free(row);
}

int main(void) {
  for (uint32_t trial = 0; trial < 200; trial++) test_random_rows(trial);
  /* one row only, and rows that are all empty but the last */
  int64_t one[2] = {0, 5};
  CHECK_EQ_INT(snnrt_row_of(one, 1, 4), 0);
  int64_t late[5] = {0, 0, 0, 0, 3};
  CHECK_EQ_INT(snnrt_row_of(late, 4, 2), 3);
  CHECK_EQ_INT(snnrt_row_after(late, 4, 0, 1), 3);
  return test_report("test_rows");
}
