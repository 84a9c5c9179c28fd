/*
** crash.c: a run that crashes says where.
**
** A model may call C functions of the user's own libraries (`extern fn`);
** one that dereferences a bad pointer or overflows its stack used to take
** the run down with the shell's bare "Segmentation fault".  While a run
** is going, a handler for SIGSEGV, SIGBUS, SIGFPE and SIGILL (on a stack
** of its own, so that a stack overflow can be reported too) looks up the
** faulting instruction with dladdr and prints which function and library
** it was in, and the model time, then exits with status 1.  The handler
** may only read what was set before the run, hence the file-scope values
** below (a handler has no context argument); it formats with snprintf and
** writes with write, and does nothing else before _exit.
*/
#define _GNU_SOURCE
#include "crash.h"

#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

static const char *crash_prog;        /* for the message */
static const volatile double *crash_time; /* the run's model time (s), or NULL */
static char crash_stack[65536];       /* where the handler runs */
static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
enum { NSIGNALS = sizeof crash_signals / sizeof crash_signals[0] };
static struct sigaction crash_old[NSIGNALS];
static bool crash_own_stack;          /* ours was installed (there was none) */

static const char *describe(int sig) {
  switch (sig) {
  case SIGSEGV: return "a segmentation fault (SIGSEGV: a bad pointer, or a stack overflow)";
  case SIGBUS: return "a bus error (SIGBUS)";
  case SIGFPE: return "an arithmetic exception (SIGFPE: an integer division by zero?)";
  default: return "an illegal instruction (SIGILL)";
  }
}

static void *program_counter(void *context) {
  const ucontext_t *uc = context;
#if defined(__x86_64__)
  return (void *)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
  return (void *)uc->uc_mcontext.pc;
#else
  (void)uc;
  return NULL;
#endif
}

static bool system_file(const char *path) {
  return strncmp(path, "/usr/lib/", 9) == 0 || strncmp(path, "/lib/", 5) == 0 ||
         strncmp(path, "/lib64/", 7) == 0;
}

static void on_crash(int sig, siginfo_t *info, void *context) {
  (void)info;
  char msg[1200];
  void *pc = program_counter(context);
  Dl_info where, self;
  bool found = pc && dladdr(pc, &where) && where.dli_fname;
  bool ours = found && dladdr((void *)on_crash, &self) && self.dli_fname &&
              strcmp(self.dli_fname, where.dli_fname) == 0;
  const char *fn = found && where.dli_sname ? where.dli_sname : "?";
  double t_ms = crash_time ? *crash_time * 1e3 : 0;
  if (found && !ours && !system_file(where.dli_fname))
    snprintf(msg, sizeof msg, "%s: error: the extern function '%s' in %s crashed with %s at "
             "t = %g ms; the run stopped (its output folder is incomplete)\n", crash_prog, fn,
             where.dli_fname, describe(sig), t_ms);
  else if (found)
    snprintf(msg, sizeof msg, "%s: error: the run crashed with %s at t = %g ms, in %s (%s); "
             "this is a bug of snnc: please report it with the model\n", crash_prog,
             describe(sig), t_ms, fn, where.dli_fname);
  else
    snprintf(msg, sizeof msg, "%s: error: the run crashed with %s at t = %g ms, in the model's "
             "generated code; this is a bug of snnc: please report it with the model\n",
             crash_prog, describe(sig), t_ms);
  ssize_t ignored = write(2, msg, strlen(msg));
  (void)ignored;
  _exit(1);
}

void crash_report_install(const char *prog, const volatile double *model_time) {
  crash_prog = prog;
  crash_time = model_time;
  /* A thread that has an alternate stack already (a sanitizer's, say)
     keeps it: its owner frees it when the thread ends. */
  stack_t old;
  crash_own_stack = sigaltstack(NULL, &old) == 0 && (old.ss_flags & SS_DISABLE);
  if (crash_own_stack) {
    stack_t alt = {.ss_sp = crash_stack, .ss_size = sizeof crash_stack, .ss_flags = 0};
    sigaltstack(&alt, NULL);
  }
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_sigaction = on_crash;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  for (int k = 0; k < NSIGNALS; k++) sigaction(crash_signals[k], &action, &crash_old[k]);
}

void crash_report_remove(void) {
  for (int k = 0; k < NSIGNALS; k++) sigaction(crash_signals[k], &crash_old[k], NULL);
  if (crash_own_stack) {
    stack_t off = {.ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE};
    sigaltstack(&off, NULL);
    crash_own_stack = false;
  }
  crash_time = NULL;
}
