/*
** interrupt.c: SIGINT and SIGTERM stop a run at a step boundary.
**
** The first signal only records itself; the step loop reads the record
** before every step (Sim.stop_request) and stops there, so the monitors
** are flushed, summary.json says "interrupted" with the time reached, and
** the process exits with 128 + the signal's number (130, 143), as a shell
** expects of a program a signal ended.  A second signal is not waited
** for: it ends the process at once, the way it would without a handler.
** The record is file-scope because a handler has no context argument.
*/
#include "interrupt.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t stop_signal;
static struct sigaction old_int, old_term;

static void on_stop(int sig) {
  stop_signal = sig;
  /* The next one takes the default action: the process ends. */
  struct sigaction plain;
  memset(&plain, 0, sizeof plain);
  plain.sa_handler = SIG_DFL;
  sigemptyset(&plain.sa_mask);
  sigaction(sig, &plain, NULL);
}

const volatile sig_atomic_t *interrupt_install(void) {
  stop_signal = 0;
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_stop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &old_int);
  sigaction(SIGTERM, &action, &old_term);
  return &stop_signal;
}

void interrupt_remove(void) {
  sigaction(SIGINT, &old_int, NULL);
  sigaction(SIGTERM, &old_term, NULL);
}

int interrupt_signal(void) { return stop_signal; }
