/*
** plot.h: figures of simulation results, drawn with cairo.
**
** plot_raster draws a spike raster (top panel) above the binned population
** rate of each group (bottom panel); plot_traces draws state variables
** against time.  The file name picks the backend: ".png" for a bitmap,
** ".svg" or ".pdf" for a vector figure.
**
** Coordinates are pixels (PNG) or points (SVG) with the origin at the top
** left; by default a raster figure is 960 x 720 and a trace figure
** 960 x 540.  plot_raster_layout reports where the data areas are, and
** plot_raster_point where a given spike lands, so a caller (or a test) can
** find data in the picture.
**
** All functions return PLOT_OK (zero) on success or a PLOT_E* code, with a
** message naming the file and the problem in err (which may be NULL).
*/
#ifndef SNN_PLOT_H
#define SNN_PLOT_H

#include <stddef.h>
#include <stdint.h>

/* Result codes. */
enum {
  PLOT_OK = 0,
  PLOT_EARG = 1,   /* invalid specification or file name */
  PLOT_EIO = 2,    /* the file could not be created or written */
  PLOT_ENOMEM = 3, /* out of memory */
  PLOT_ECAIRO = 4  /* cairo reported an error while drawing */
};

/* The spikes of one neuron group: spike k is neuron index[k] at times[k]
** seconds.  The group's rows are the neurons [first, first + size); size 0
** means up to the largest index.  Indices must lie in that range. */
typedef struct PlotSpikeGroup {
  const char *name;
  const double *times;
  const int32_t *index;
  int64_t count;
  int64_t size;
  int64_t first; /* the neuron of the group's lowest row: a subset need not start at 0 */
} PlotSpikeGroup;

/* A raster figure.  Spikes outside [t_start, t_stop] are not drawn; when
** t_stop equals t_start the range is taken from the spikes.  rate_bin is
** the width of a rate bin in seconds, 0 for an automatic choice.  width
** and height are the figure size, 0 for the default. */
typedef struct PlotRaster {
  const char *title;
  double t_start, t_stop;
  const PlotSpikeGroup *groups;
  int ngroups;
  double rate_bin;
  int width, height;
} PlotRaster;

/* A trace figure: ntraces lines sampled at nsamples times (seconds);
** values is nsamples x ntraces, row-major.  Non-finite values leave gaps.
** labels (optional, ntraces entries) fill a legend.  marks (optional,
** nmarks times in seconds) are drawn as ticks along the top edge: the
** events behind the traces, such as the rewards a modulator got. */
typedef struct PlotTraces {
  const char *title;
  const double *times;
  int64_t nsamples;
  int ntraces;
  const double *values;
  const char *ylabel;
  const char *const *labels;
  int width, height;
  const double *marks;
  int64_t nmarks;
  const char *xlabel;      /* NULL: times is time in s; else x as given, under this label */
  double t_start, t_stop;  /* t_stop > t_start: only the samples in this window, on an axis
                              spanning it; else the range of the times */
} PlotTraces;

/* One set of values of a histogram figure, named in its legend. */
typedef struct PlotHistSet {
  const char *label;
  const double *values;
  int64_t count;
} PlotHistSet;

/* A histogram figure: the sets overlaid, counted in `bins` bins (0: 40)
** over [lo, hi] (lo == hi: the range of the finite values). */
typedef struct PlotHistogram {
  const char *title;
  const char *xlabel, *ylabel; /* NULL: "value", "count" */
  const PlotHistSet *sets;
  int nsets;
  int bins;
  double lo, hi;
  int width, height;
} PlotHistogram;

/* A rectangle: left, top, width, height. */
typedef struct PlotRect {
  double x, y, w, h;
} PlotRect;

/* Where plot_raster draws.  The raster's rows are stacked with row 0 at the
** bottom: the first group takes the top rows, the last group the bottom
** rows, and within a group its first neuron is lowest.  Time t maps to
** x = raster.x + (t - t0) / (t1 - t0) * raster.w, row r to the band from
** y = raster.y + raster.h - (r + 1) * raster.h / nrows downwards; neuron
** i of a group is its row i - first. */
typedef struct PlotLayout {
  int width, height; /* the whole figure */
  PlotRect raster;   /* data area of the raster panel */
  PlotRect rate;     /* data area of the rate panel (same x mapping) */
  double t0, t1;     /* time range of the x axis, seconds */
  int64_t nrows;     /* rows of the raster, the sum of the group sizes */
  double rate_bin;   /* bin width used for the rates, seconds */
  double rate_max;   /* top of the rate axis, Hz */
} PlotLayout;

/* Where plot_histogram draws: bin b of the range [lo, hi] spans
** x = area.x + b * area.w / bins onwards, and a count c reaches up to
** y = area.y + area.h - c / count_max * area.h. */
typedef struct PlotHistLayout {
  PlotRect area;
  double lo, hi;
  int bins;
  double count_max;
} PlotHistLayout;

/* Computes the layout plot_raster would use for spec. */
int plot_raster_layout(const PlotRaster *spec, PlotLayout *out, char *err,
                       size_t errlen);

/* Figure coordinates of the centre of a spike of neuron index of group
** group at time t, under layout lay of spec. */
void plot_raster_point(const PlotRaster *spec, const PlotLayout *lay, int group,
                       int64_t index, double t, double *x, double *y);

/* Draws a raster (top, groups stacked with different colours and labelled
** on the y axis) and the population rate in Hz of each group (bottom
** panel, binned), to path (".png", ".svg" or ".pdf" picks the backend). */
int plot_raster(const PlotRaster *spec, const char *path, char *err,
                size_t errlen);

/* Draws the traces of spec as lines against time to path (".png", ".svg"
** or ".pdf"). */
int plot_traces(const PlotTraces *spec, const char *path, char *err,
                size_t errlen);

/* The counts plot_histogram draws: counts[set * bins + b] (counts may be
** NULL to learn the range and the number of bins only). */
int plot_histogram_counts(const PlotHistogram *spec, int64_t *counts, double *lo, double *hi,
                          int *bins, char *err, size_t errlen);
/* The layout plot_histogram would use for spec. */
int plot_histogram_layout(const PlotHistogram *spec, PlotHistLayout *out, char *err,
                          size_t errlen);
/* Draws the histograms of spec, overlaid, to path (".png", ".svg" or ".pdf"). */
int plot_histogram(const PlotHistogram *spec, const char *path, char *err, size_t errlen);

#endif
