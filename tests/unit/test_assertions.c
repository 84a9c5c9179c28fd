/*
** test_assertions.c: the runtime keeps its assert()s exactly when the build
** says it does.
**
** Optimised build types pass -DNDEBUG, which compiles every assert() out;
** SNN_ASSERTIONS=ON (make test, the sanitized build) takes it away again.
** CMake tells this test what to expect (SNN_EXPECT_ASSERTIONS).  Looking at
** NDEBUG here would only say how this file was compiled, so the test breaks
** a precondition of real runtime code instead, in a child process, and
** looks at how the child ended: killed by SIGABRT when the runtime's
** assertions are live, a normal exit when they were compiled out.  Both the
** runtime core (sim.c) and a numeric module (rng.c) are probed, since they
** are separate objects of the library.
*/
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rng.h"
#include "sim.h"
#include "test.h"

#ifndef SNN_EXPECT_ASSERTIONS
#error "CMake defines SNN_EXPECT_ASSERTIONS to 0 or 1 for this test"
#endif

/* A thread index one past the team: sim_range asserts thread < nthreads. */
static void thread_outside_team(void) {
  int64_t begin, end;
  sim_range(100, 2, 2, &begin, &end);
}

/* A draw below 0: rng_next_below asserts n > 0. */
static void draw_below_zero(void) {
  RngStream r;
  rng_stream_init(&r, 1, 0, 0, 0);
  (void)rng_next_below(&r, 0);
}

/* Whether fn, run in a child, ended by SIGABRT (an assertion that fired).
   The child's stderr goes to /dev/null: the message of an assertion that
   is meant to fire would read like a failure in the test log. */
static bool aborts(void (*fn)(void)) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    exit(2);
  }
  if (pid == 0) {
    if (!freopen("/dev/null", "w", stderr)) _exit(3);
    fn();
    _exit(0);
  }
  int status;
  if (waitpid(pid, &status, 0) != pid) {
    perror("waitpid");
    exit(2);
  }
  if (WIFSIGNALED(status)) return WTERMSIG(status) == SIGABRT;
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0); /* no other way out */
  return false;
}

int main(void) {
  bool expected = SNN_EXPECT_ASSERTIONS;
  fprintf(stderr, "assertions expected %s in the runtime\n", expected ? "on" : "off");
  CHECK(aborts(thread_outside_team) == expected);
  CHECK(aborts(draw_below_zero) == expected);
  return test_report("test_assertions");
}
