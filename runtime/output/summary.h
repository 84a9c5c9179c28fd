/*
** summary.h: the record of a run (summary.json) and its printed summary.
*/
#ifndef SNNRT_SUMMARY_H
#define SNNRT_SUMMARY_H

#include "sim.h"

/* Writes <out>/summary.json; `ok` says whether the run completed.  On
   failure it prints the reason to stderr. */
bool summary_write(Sim *s, const PhaseTimes *times, const SnnCompileInfo *info, bool ok);
/* summary_write, with the reason for a failure in err instead. */
bool summary_write_report(Sim *s, const PhaseTimes *times, const SnnCompileInfo *info, bool ok,
                          char *err, size_t errlen);
/* Prints a short table of rates, synapses and phase times. */
void summary_print(const Sim *s, const PhaseTimes *times, FILE *out);
/* The compiler's phase times (zero when info is NULL); the run's are zero. */
PhaseTimes summary_compile_times(const SnnCompileInfo *info);

#endif
