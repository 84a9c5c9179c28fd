/*
** team.h: a fixed team of worker threads that run one phase at a time.
**
** team_run() hands the same function to every thread (the caller is
** thread 0) and returns when all have finished it.  Workers wait at a
** barrier that spins briefly and then sleeps on a condition variable, so
** an oversubscribed machine does not burn the other threads' time.
*/
#ifndef SNNRT_TEAM_H
#define SNNRT_TEAM_H

#include <stdint.h>

#include "sim.h"

/* Starts nthreads - 1 workers for s; false if threads cannot be created. */
bool team_start(Sim *s, int nthreads);
/* Runs fn(s, thread, nthreads) on every thread and waits for all. */
void team_run(Sim *s, void (*fn)(Sim *, int, int));
/* Stops and joins the workers. */
void team_stop(Sim *s);
/* The number of threads, the caller included. */
int team_size(const Team *t);
/* Per-population flags shared by the threads of a step. */
int32_t *team_scratch(Team *t);

#endif
