/*
** plot_internal.h: what the figure modules (plot_*.c) share: sizes, the
** palette, ticks, text, axes, legends and the PNG/SVG/PDF output.  Not part of
** the runtime's interface (that is plot.h).
*/
#ifndef SNN_PLOT_INTERNAL_H
#define SNN_PLOT_INTERNAL_H

#include <cairo.h>
#include <stdint.h>
#include <stdio.h>

#include "plot.h"

#define PLOT_DEFAULT_W 960
#define PLOT_DEFAULT_H 720
#define PLOT_TRACES_H 540 /* traces look best wider than tall */
#define PLOT_MIN_SIDE 200
#define PLOT_MAX_SIDE 8192

/* Above this many visible spikes the raster is drawn pixel by pixel. */
#define PLOT_DENSE_SPIKES 200000

/* More rate bins than this cannot be told apart on any figure. */
#define PLOT_MAX_BINS 20000

/* Dots are collected into one path and filled in batches of this size, to
** bound the memory cairo spends on the path. */
#define PLOT_FILL_BATCH 4096

/* Legends list at most this many entries. */
#define PLOT_LEGEND_MAX 12

#define PLOT_NAME_BYTES 64

#define PLOT_PI 3.14159265358979323846

/* Group colours (plot_common.c). */
#define PLOT_NCOLOURS 7
extern const double plot_palette[PLOT_NCOLOURS][3];

/* Ink for axes and text: a very dark grey reads softer than black. */
#define PLOT_INK 0.13

typedef enum PlotBackend { PLOT_PNG, PLOT_SVG, PLOT_PDF } PlotBackend;

/* Tick marks at first + i * step for i in [0, n). */
typedef struct PlotTicks {
  double first, step;
  int n;
  int decimals; /* digits after the point in the labels */
} PlotTicks;

/* Sizes that scale with the figure. */
typedef struct PlotStyle {
  double s;     /* 1 at the default size */
  double font;  /* tick labels and axis titles */
  double tfont; /* figure title */
  double tick;  /* tick length */
  double gap;   /* space between a tick, its label and the axis title */
  double pad;   /* space at the figure edges and between panels */
  double lw;    /* axis line width */
} PlotStyle;

#if defined(__GNUC__)
#define PLOT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PLOT_PRINTF(a, b)
#endif

/* Draws a planned figure on cr; snap asks for marks on whole pixels, which
** keeps small dots crisp in a bitmap. */
typedef int (*PlotDrawFn)(cairo_t *cr, const void *spec, const void *plan,
                          int snap, char *err, size_t errlen);

/* Formats a message into err (if the caller gave one) and returns code. */
int plot_fail(char *err, size_t errlen, int code, const char *fmt, ...) PLOT_PRINTF(4, 5);
/* v limited to [lo, hi]. */
double plot_clamp(double v, double lo, double hi);
/* A number of the form 1, 2 or 5 times a power of ten near raw: the
** smallest one >= raw when up is nonzero (bin widths, which must not make
** too many bins), else the nearest (tick steps).  0 if raw is not a
** positive finite number. */
double plot_nice(double raw, int up);
/* Ticks at multiples of step inside [lo, hi]. */
void plot_ticks_step(double lo, double hi, double step, PlotTicks *t);
/* About target ticks with a 1-2-5 step inside [lo, hi]. */
void plot_ticks(double lo, double hi, double target, PlotTicks *t);
/* Selects the figure's sans-serif face. */
void plot_font(cairo_t *cr, double size, int bold);
/* Advance width of s in the current font. */
double plot_text_width(cairo_t *cr, const char *s);
/* s, or its longest prefix that fits in maxw followed by an ellipsis,
** copied to buf; long names must not run off the figure. */
const char *plot_fit(cairo_t *cr, const char *s, double maxw, char *buf, size_t cap);
/* Draws s anchored at (x, y): ha 0/0.5/1 puts x at its left/centre/right,
** va 0/0.5/1 puts y at the top/middle/baseline of a digit, so labels of
** different text line up. */
void plot_text(cairo_t *cr, double x, double y, const char *s, double ha, double va);
/* Draws s rotated to read upwards, centred on (x, y). */
void plot_text_up(cairo_t *cr, double x, double y, const char *s);
/* Height of a digit at the current font: the unit of vertical spacing. */
double plot_digit_height(cairo_t *cr);
/* Widest tick label of t. */
double plot_ticks_width(cairo_t *cr, const PlotTicks *t);
/* A context on a 1x1 image for measuring text; NULL if cairo fails. */
cairo_t *plot_scratch(void);
/* Sizes for a figure of width x height: text and lines grow with it. */
void plot_style(int width, int height, PlotStyle *st);
/* Resolves a requested figure side (0 = default) or reports it. */
int plot_side(const char *who, int want, int def, const char *what, char *err, size_t errlen,
              int *out);
/* Picks the time unit: milliseconds unless the span is long. */
void plot_time_unit(double t0, double t1, double *scale, const char **title);
/* Sets the colour of axes and text. */
void plot_ink(cairo_t *cr);
/* Sets the colour of group or trace i. */
void plot_colour(cairo_t *cr, int i, double alpha);
/* Moves a coordinate onto the pixel grid so a line of width lw is crisp. */
double plot_snap(double v, double lw);
/* The bottom axis of r for the range [lo, hi] in axis units: spine, ticks,
** and, if title is not NULL, labels and the title. */
void plot_axis_bottom(cairo_t *cr, const PlotStyle *st, PlotRect r, double lo, double hi,
                      const PlotTicks *t, const char *title);
/* The left spine of r with ticks; lo and hi are the values at the bottom
** and top edges.  Labels when labels is nonzero. */
void plot_axis_left(cairo_t *cr, const PlotStyle *st, PlotRect r, double lo, double hi,
                    const PlotTicks *t, int labels);
/* A one-line legend ending at x_right, centred on y, at most maxw wide: a
** short line of each colour and its name; entries that do not fit are
** summarised.  It sits outside the data area, so it never hides data. */
void plot_legend(cairo_t *cr, const PlotStyle *st, double x_right, double y, double maxw,
                 const char *const *names, int n, int total);
/* A white figure with its title over the data area r, and the drawing
** clipped to r until the caller's cairo_restore. */
void plot_begin_area(cairo_t *cr, const PlotStyle *st, PlotRect r, const char *title);
/* The figure title, centred on cx at the top. */
void plot_title(cairo_t *cr, const PlotStyle *st, double cx, const char *title);
/* Creates path, draws the figure into it, and removes it again if anything
** failed, so no truncated figure is left behind. */
int plot_render(const char *path, int w, int h, PlotDrawFn draw, const void *spec, const void *plan,
                char *err, size_t errlen);

#endif
