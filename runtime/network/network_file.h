/*
** network_file.h: connections read from a CSV file.
*/
#ifndef SNNRT_NETWORK_FILE_H
#define SNNRT_NETWORK_FILE_H

#include "sim.h"

/* The synapses of a file, in file order. */
typedef struct FileSynapses {
  const char *path;
  int64_t n, cap;
  int64_t *pre, *post;
  int64_t *line;           /* per synapse: its line in the file */
  int ncols;             /* synaptic value columns */
  int width;             /* fields per line */
  int role[32];          /* per field: -1 i, -2 j, else the synaptic value */
  double *values;        /* n * ncols, SI */
} FileSynapses;

/* Reads p's connection file; false + s->error naming file and line. */
bool network_file_read(Sim *s, RtProj *p, FileSynapses *f);
/* Frees what network_file_read allocated. */
void network_file_free(FileSynapses *f);

#endif
