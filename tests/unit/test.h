/*
** test.h: a minimal assertion kit for the C unit tests.
**
** Each unit test is one executable: it calls CHECK* as often as it likes and
** returns test_report() from main.  A failed check prints file:line and the
** expression, and makes the executable exit non-zero, which CTest records.
*/
#ifndef SNN_TEST_H
#define SNN_TEST_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int test_failures;
static int test_checks;

#define CHECK(cond)                                                          \
  do {                                                                       \
    test_checks++;                                                           \
    if (!(cond)) {                                                           \
      test_failures++;                                                       \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,       \
              #cond);                                                        \
    }                                                                        \
  } while (0)

/* |a - b| <= tol, printing both values on failure. */
#define CHECK_NEAR(a, b, tol)                                                \
  do {                                                                       \
    double check_a_ = (a), check_b_ = (b), check_t_ = (tol);                 \
    test_checks++;                                                           \
    if (!(fabs(check_a_ - check_b_) <= check_t_)) {                          \
      test_failures++;                                                       \
      fprintf(stderr, "%s:%d: %s = %.17g, expected %s = %.17g (tol %g)\n",   \
              __FILE__, __LINE__, #a, check_a_, #b, check_b_, check_t_);     \
    }                                                                        \
  } while (0)

#define CHECK_EQ_INT(a, b)                                                   \
  do {                                                                       \
    long long check_a_ = (long long)(a), check_b_ = (long long)(b);          \
    test_checks++;                                                           \
    if (check_a_ != check_b_) {                                              \
      test_failures++;                                                       \
      fprintf(stderr, "%s:%d: %s = %lld, expected %lld\n", __FILE__,         \
              __LINE__, #a, check_a_, check_b_);                             \
    }                                                                        \
  } while (0)

#define CHECK_STR(a, b)                                                      \
  do {                                                                       \
    const char *check_a_ = (a), *check_b_ = (b);                             \
    test_checks++;                                                           \
    if (!check_a_ || strcmp(check_a_, check_b_) != 0) {                      \
      test_failures++;                                                       \
      fprintf(stderr, "%s:%d: %s = \"%s\", expected \"%s\"\n", __FILE__,     \
              __LINE__, #a, check_a_ ? check_a_ : "(null)", check_b_);       \
    }                                                                        \
  } while (0)

/* Prints the tally; the return value is main's exit status. */
static inline int test_report(const char *name) {
  fprintf(stderr, "%s: %d checks, %d failed\n", name, test_checks,
          test_failures);
  return test_failures ? 1 : 0;
}

#endif
