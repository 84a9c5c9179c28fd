/*
** interrupt.h: stopping a run cleanly on SIGINT or SIGTERM (interrupt.c).
*/
#ifndef SNN_INTERRUPT_H
#define SNN_INTERRUPT_H

#include <signal.h>

/* Catches SIGINT and SIGTERM until interrupt_remove; returns the flag the
   step loop reads (the signal's number once one arrived, else 0). */
const volatile sig_atomic_t *interrupt_install(void);
/* Puts back the handlers that were there before. */
void interrupt_remove(void);
/* The signal that asked the run to stop, or 0. */
int interrupt_signal(void);

#endif
