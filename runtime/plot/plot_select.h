/*
** plot_select.h: figures of recorded data under the user's plot options
** (SnnPlotOptions: neuron subsets, a time window, the size, the formats).
** snnc plot (plot_dir.c) draws from files with it, the REPL from what it
** recorded at the prompt, so both apply the options the same way.
**
** Figures are written to STEM.png, STEM.svg and/or STEM.pdf, STEM being a
** path without its extension.  Functions return 0 after drawing, 1 when
** the options select nothing of the data (nothing is written), and -1 with
** a message in err.
*/
#ifndef SNN_PLOT_SELECT_H
#define SNN_PLOT_SELECT_H

#include "plot.h"
#include "snnrt.h"

/* A state record: nsamples rows of ncols values (row-major, in unit),
** column c holding neuron first + c of population pop. */
typedef struct PlotStateRecord {
  const char *pop, *var, *unit; /* unit "" or "1": no unit on the axis */
  int64_t first;
  const double *t, *v;
  int64_t nsamples, ncols;
} PlotStateRecord;

/* The formats to write (SNN_PLOT_* bits): o's, else defaults. */
unsigned plot_formats(const SnnPlotOptions *o, unsigned defaults);
/* The time window of o for a run of t_end seconds (0: unknown) into
** [*t0, *t1]; false (and the whole run) without one. */
bool plot_window(const SnnPlotOptions *o, double t_end, double *t0, double *t1);
/* -1 with a message if o's window lies outside a run of t_end seconds. */
int plot_check_window(const SnnPlotOptions *o, double t_end, char *err, size_t errlen);
/* -1 with a message if o names a population that is not among names[0..n). */
int plot_check_populations(const SnnPlotOptions *o, const char *const *names, int n, char *err,
                           size_t errlen);
/* The neurons o selects of population pop of size neurons, into [*lo, *hi);
** false if o selects none (without a selection: all, even of size 0). */
bool plot_selected(const SnnPlotOptions *o, const char *pop, int64_t size, int64_t *lo,
                   int64_t *hi);
/* Draws spec (its size taken from o) to STEM in every format. */
int plot_traces_files(PlotTraces *spec, const SnnPlotOptions *o, unsigned defaults,
                      const char *stem, char *err, size_t errlen);
/* Draws spec (its size taken from o) to STEM in every format. */
int plot_hist_files(PlotHistogram *spec, const SnnPlotOptions *o, unsigned defaults,
                    const char *stem, char *err, size_t errlen);
/* The raster of whole populations (groups[k].first 0, size their neuron
** count or 0) of a run of t_end seconds, titled after model and limited to
** o's neurons and window; by default in the formats defaults. */
int plot_spikes_files(const PlotSpikeGroup *groups, int n, double t_end, const char *model,
                      const SnnPlotOptions *o, unsigned defaults, const char *stem, char *err,
                      size_t errlen);
/* The recorded neurons of r that o selects (at most 20) against time,
** titled after model, each named in the legend; by default STEM.png. */
int plot_state_files(const PlotStateRecord *r, const char *model,
                     const SnnPlotOptions *o, const char *stem, char *err, size_t errlen);

#endif
