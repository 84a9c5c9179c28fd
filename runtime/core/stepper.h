/*
** stepper.h: what the two halves of the stepping API (snnrt_sim.h) share.
**
** An SnnSim wraps the internal Sim with what stepping from outside adds:
** an error message that lasts until the caller clears it (the Sim's own
** error is set afresh by each internal call), the after-step hook, whether
** the monitor files are open, and the state of the max-rate guard.
**   stepper.c         life cycle, stepping, the hook, parameters, sessions
**   stepper_access.c  names, state and synaptic values, input, spikes
*/
#ifndef SNNRT_STEPPER_H
#define SNNRT_STEPPER_H

#include "sim.h"
#include "snnrt_sim.h"

struct SnnSim {
  Sim sim;
  char error[SIM_ERRLEN];  /* the last failure reported to the caller */
  bool has_error;
  SnnSimHook hook;
  void *hook_ctx;
  bool in_hook;            /* inside the hook: the current step counts as done */
  bool files_open;         /* monitors are writing to out_dir */
  bool finished;           /* the monitor files are closed: no more steps */
  char *out_dir;           /* the sim's own copy of config.out_dir, or NULL */
};

/* Records a message for snnrt_sim_error (the latest wins); returns false. */
bool stepper_fail(SnnSim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The index of the next step to run (inside the hook, the one after the step just done). */
int64_t stepper_next_step(const SnnSim *s);

#endif
