/*
** plot_load.h: reading what the monitors of a run wrote, for snnc plot:
** the .npy files of a monitor, or its one .csv file (--format csv), into
** the same arrays, so every figure is drawn the same from either.
*/
#ifndef SNN_PLOT_LOAD_H
#define SNN_PLOT_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "npy.h"

/* A record of values over time. */
typedef struct PlotRecordData {
  NpyArray v;         /* float64: one value per sample, or samples x columns */
  NpyArray t;         /* float64: the sample times (s) */
  NpyArray pre, post; /* int32, synaptic records: the ends of each column's synapse */
  int64_t first;      /* state records from CSV: the first neuron; -1 if not known */
  bool synaptic;
} PlotRecordData;

/* Reads the record STEM of dir: STEM.npy with STEM_t.npy (and STEM_i.npy,
** STEM_j.npy for synapses), or STEM.csv, whose times are put on the grid
** of the run's time step dt (0: unknown); false with a message naming the
** file. */
bool plot_load_record(const char *dir, const char *stem, double dt, bool csv, PlotRecordData *r,
                      char *err, size_t errlen);
/* Frees the arrays of r. */
void plot_record_free(PlotRecordData *r);
/* Reads the spikes of population pop: POP_spikes_t.npy and _i.npy, or
** POP_spikes.csv (its times put on the grid of dt, as plot_load_record
** does), into t (float64) and i (int32). */
bool plot_load_spikes(const char *dir, const char *pop, double dt, bool csv, NpyArray *t,
                      NpyArray *i, char *err, size_t errlen);
/* Whether dir holds the file STEM followed by suffix. */
bool plot_file_exists(const char *dir, const char *stem, const char *suffix);

#endif
