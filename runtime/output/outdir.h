/*
** outdir.h: a run's claim on its output folder (outdir.c): an exclusive
** lock, and the removal of what the previous run there wrote.
*/
#ifndef SNNRT_OUTDIR_H
#define SNNRT_OUTDIR_H

#include <stdbool.h>
#include <stddef.h>

typedef struct OutDir {
  int fd;                  /* the locked .snn-lock, or -1 */
} OutDir;

/* Locks dir (which must exist) for this process and removes the files the
   last run there listed in its summary.json; false with a message in err
   when another run holds it or it cannot be used. */
bool outdir_claim(const char *dir, OutDir *od, char *err, size_t errlen);
/* Removes the files dir's summary.json lists, and the summary; their count. */
int outdir_remove_listed(const char *dir);
/* Releases the lock. */
void outdir_release(OutDir *od);

#endif
