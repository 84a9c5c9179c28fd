/*
** crash.h: reporting a crash of the run, with the function at fault (crash.c).
*/
#ifndef SNN_CRASH_H
#define SNN_CRASH_H

#include <stdbool.h>

/* Until crash_report_remove, a crash prints where it happened (an extern
   function and its library, or the generated code) and the model time
   read from *model_time, and exits with status 1. */
void crash_report_install(const char *prog, const volatile double *model_time);
/* Puts back the handlers that were there before. */
void crash_report_remove(void);

#endif
