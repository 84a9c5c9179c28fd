/*
** plot.c: raster, population-rate and trace figures drawn with cairo.
**
** A figure is made in two steps.  A plan fixes everything that can be
** decided without drawing: axis ranges, ticks, margins sized to the labels,
** rate bins.  Then one drawing routine runs on an image surface (PNG) or an
** SVG surface.  Text is measured on a scratch image surface with metric
** hinting off, so the plan is the same for both backends and
** plot_raster_layout reports exactly what plot_raster draws.
**
** Large inputs stay cheap.  Up to PLOT_DENSE_SPIKES spikes are drawn as
** vector dots; beyond that they are written straight into a pixel buffer
** (one pass, no path) that is painted into the figure, as an embedded bitmap
** in SVG.  Traces with more samples than pixels are reduced to the minimum
** and maximum of each pixel column, which draws the same picture.  Memory
** use never depends on the number of spikes or samples.
*/
#include "plot.h"

#include <assert.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Group colours: a palette that stays distinguishable with colour blindness
** (the yellow is left out: it vanishes on white). */
static const double plot_palette[][3] = {
    {0.000, 0.447, 0.698}, /* blue */
    {0.835, 0.369, 0.000}, /* vermillion */
    {0.000, 0.620, 0.451}, /* bluish green */
    {0.800, 0.475, 0.655}, /* reddish purple */
    {0.902, 0.624, 0.000}, /* orange */
    {0.337, 0.706, 0.914}, /* sky blue */
    {0.000, 0.000, 0.000}, /* black */
};
#define PLOT_NCOLOURS ((int)(sizeof plot_palette / sizeof plot_palette[0]))

/* Ink for axes and text: a very dark grey reads softer than black. */
#define PLOT_INK 0.13

typedef enum PlotBackend { PLOT_PNG, PLOT_SVG } PlotBackend;

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

/* Everything plot_raster decides before drawing. */
typedef struct RasterPlan {
  const char *who; /* the file name, or "raster": starts each message */
  PlotLayout lay;
  PlotStyle st;
  double tscale;      /* seconds to the unit of the time axis */
  const char *xtitle; /* time axis title, with that unit */
  PlotTicks xt;       /* time ticks, in axis units */
  PlotTicks nt;       /* neuron ticks (a single group only) */
  PlotTicks rt;       /* rate ticks, Hz */
  double ytitle_x;    /* x of the rotated y axis titles */
  double label_max;   /* widest group name left of the raster */
  int64_t nbins;
  int64_t visible; /* spikes inside [t0, t1] */
} RasterPlan;

/* Everything plot_traces decides before drawing. */
typedef struct TracePlan {
  const char *who; /* the file name, or "traces": starts each message */
  int width, height;
  PlotStyle st;
  PlotRect area;
  double t0, t1; /* seconds */
  double v0, v1; /* value range of the y axis */
  double tscale;
  const char *xtitle;
  PlotTicks xt, yt;
  double ytitle_x;
} TracePlan;

#if defined(__GNUC__)
#define PLOT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PLOT_PRINTF(a, b)
#endif

/* Formats a message into err (if the caller gave one) and returns code. */
static int plot_fail(char *err, size_t errlen, int code, const char *fmt, ...)
    PLOT_PRINTF(4, 5);
static int plot_fail(char *err, size_t errlen, int code, const char *fmt, ...) {
  va_list ap;
  if (err && errlen > 0) {
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return code;
}

/* v limited to [lo, hi]. */
static double plot_clamp(double v, double lo, double hi) {
  return v < lo ? lo : v > hi ? hi : v;
}

/* ----------------------------------------------------------- ticks, text */

/* A number of the form 1, 2 or 5 times a power of ten near raw: the
** smallest one >= raw when up is nonzero (bin widths, which must not make
** too many bins), else the nearest (tick steps).  0 if raw is not a
** positive finite number. */
static double plot_nice(double raw, int up) {
  double p, f;
  if (!(raw > 0) || !isfinite(raw)) return 0;
  p = pow(10, floor(log10(raw)));
  f = raw / p;
  if (!up) return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * p;
  /* The tolerance keeps 2.0000000001 (rounding noise) from becoming 5. */
  if (f <= 1 + 1e-9) return p;
  if (f <= 2 + 1e-9) return 2 * p;
  if (f <= 5 + 1e-9) return 5 * p;
  return 10 * p;
}

/* Ticks at multiples of step inside [lo, hi]. */
static void plot_ticks_step(double lo, double hi, double step, PlotTicks *t) {
  double n;
  memset(t, 0, sizeof *t);
  if (!(step > 0) || !isfinite(step) || !(hi >= lo) || !isfinite(hi - lo))
    return;
  t->step = step;
  t->first = ceil(lo / step - 1e-9) * step;
  n = floor((hi - t->first) / step + 1e-9) + 1;
  t->n = (int)plot_clamp(n, 0, 100);
  t->decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
}

/* About target ticks with a 1-2-5 step inside [lo, hi]. */
static void plot_ticks(double lo, double hi, double target, PlotTicks *t) {
  plot_ticks_step(lo, hi, plot_nice((hi - lo) / (target < 1 ? 1 : target), 0),
                  t);
}

/* The value of tick i. */
static double plot_tick_value(const PlotTicks *t, int i) {
  double v = t->first + i * t->step;
  /* 0.1 * 3 - 0.3 is not zero; a label must not read "-0.0". */
  return fabs(v) < t->step * 1e-6 ? 0 : v;
}

/* A tick label: fixed decimals, or %g when fixed would be unreadable. */
static void plot_format(double v, int decimals, char *buf, size_t cap) {
  if (decimals > 6 || fabs(v) >= 1e9)
    snprintf(buf, cap, "%g", v);
  else
    snprintf(buf, cap, "%.*f", decimals, v);
}

/* Common settings for every context, the scratch one included, so text
** measures the same everywhere. */
static void plot_setup(cairo_t *cr) {
  cairo_font_options_t *fo = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
  cairo_set_font_options(cr, fo);
  cairo_font_options_destroy(fo);
  cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
}

/* Selects the figure's sans-serif face. */
static void plot_font(cairo_t *cr, double size, int bold) {
  cairo_select_font_face(
      cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
      bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

/* Advance width of s in the current font. */
static double plot_text_width(cairo_t *cr, const char *s) {
  cairo_text_extents_t te;
  cairo_text_extents(cr, s, &te);
  return te.x_advance;
}

/* s, or its longest prefix that fits in maxw followed by an ellipsis,
** copied to buf; long names must not run off the figure. */
static const char *plot_fit(cairo_t *cr, const char *s, double maxw, char *buf,
                            size_t cap) {
  static const char ellipsis[] = "\xe2\x80\xa6"; /* U+2026 in UTF-8 */
  size_t n = strlen(s);
  assert(cap > sizeof ellipsis);
  if (plot_text_width(cr, s) <= maxw) return s;
  if (n > cap - sizeof ellipsis) n = cap - sizeof ellipsis;
  for (;;) {
    /* Never cut inside a UTF-8 sequence: skip back over continuations. */
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80) n--;
    memcpy(buf, s, n);
    memcpy(buf + n, ellipsis, sizeof ellipsis);
    if (n == 0 || plot_text_width(cr, buf) <= maxw) return buf;
    n--;
  }
}

/* Draws s anchored at (x, y): ha 0/0.5/1 puts x at its left/centre/right,
** va 0/0.5/1 puts y at the top/middle/baseline of a digit, so labels of
** different text line up. */
static void plot_text(cairo_t *cr, double x, double y, const char *s, double ha,
                      double va) {
  cairo_text_extents_t te, digit;
  cairo_text_extents(cr, s, &te);
  cairo_text_extents(cr, "0", &digit);
  cairo_move_to(cr, x - ha * te.x_advance, y + (1 - va) * digit.height);
  cairo_show_text(cr, s);
}

/* Draws s rotated to read upwards, centred on (x, y). */
static void plot_text_up(cairo_t *cr, double x, double y, const char *s) {
  cairo_save(cr);
  cairo_translate(cr, x, y);
  cairo_rotate(cr, -PLOT_PI / 2);
  plot_text(cr, 0, 0, s, 0.5, 0.5);
  cairo_restore(cr);
}

/* Height of a digit at the current font: the unit of vertical spacing. */
static double plot_digit_height(cairo_t *cr) {
  cairo_text_extents_t te;
  cairo_text_extents(cr, "0", &te);
  return te.height;
}

/* Widest tick label of t. */
static double plot_ticks_width(cairo_t *cr, const PlotTicks *t) {
  char buf[64];
  double w = 0;
  int i;
  for (i = 0; i < t->n; i++) {
    plot_format(plot_tick_value(t, i), t->decimals, buf, sizeof buf);
    if (plot_text_width(cr, buf) > w) w = plot_text_width(cr, buf);
  }
  return w;
}

/* A context on a 1x1 image for measuring text; NULL if cairo fails. */
static cairo_t *plot_scratch(void) {
  cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t *cr = cairo_create(sf);
  cairo_surface_destroy(sf); /* the context holds its own reference */
  if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
    cairo_destroy(cr);
    return NULL;
  }
  plot_setup(cr);
  return cr;
}

/* Sizes for a figure of width x height: text and lines grow with it. */
static void plot_style(int width, int height, PlotStyle *st) {
  /* Below 0.6 text would be too small to read. */
  double s = plot_clamp(
      fmin(width / (double)PLOT_DEFAULT_W, height / (double)PLOT_DEFAULT_H),
      0.6, 4);
  st->s = s;
  st->font = 13 * s;
  st->tfont = 16 * s;
  st->tick = 5 * s;
  st->gap = 4 * s;
  st->pad = 12 * s;
  st->lw = fmax(1, round(s));
}

/* Resolves a requested figure side (0 = default) or reports it. */
static int plot_side(const char *who, int want, int def, const char *what,
                     char *err, size_t errlen, int *out) {
  *out = want == 0 ? def : want;
  if (*out < PLOT_MIN_SIDE || *out > PLOT_MAX_SIDE)
    return plot_fail(err, errlen, PLOT_EARG,
                     "%s: figure %s %d is outside %d..%d", who, what, want,
                     PLOT_MIN_SIDE, PLOT_MAX_SIDE);
  return PLOT_OK;
}

/* Picks the time unit: milliseconds unless the span is long. */
static void plot_time_unit(double t0, double t1, double *scale,
                           const char **title) {
  if (t1 - t0 < 10) {
    *scale = 1e3;
    *title = "time (ms)";
  } else {
    *scale = 1;
    *title = "time (s)";
  }
}

/* --------------------------------------------------------------- drawing */

/* Sets the colour of axes and text. */
static void plot_ink(cairo_t *cr) {
  cairo_set_source_rgb(cr, PLOT_INK, PLOT_INK, PLOT_INK);
}

/* Sets the colour of group or trace i. */
static void plot_colour(cairo_t *cr, int i, double alpha) {
  const double *c = plot_palette[i % PLOT_NCOLOURS];
  cairo_set_source_rgba(cr, c[0], c[1], c[2], alpha);
}

/* Moves a coordinate onto the pixel grid so a line of width lw is crisp. */
static double plot_snap(double v, double lw) {
  return ((long)lw % 2) ? floor(v) + 0.5 : round(v);
}

/* The bottom axis of r for the range [lo, hi] in axis units: spine, ticks,
** and, if title is not NULL, labels and the title. */
static void plot_axis_bottom(cairo_t *cr, const PlotStyle *st, PlotRect r,
                             double lo, double hi, const PlotTicks *t,
                             const char *title) {
  double y = r.y + r.h + st->lw / 2, digit;
  char buf[64];
  int i;
  plot_ink(cr);
  cairo_set_line_width(cr, st->lw);
  cairo_move_to(cr, r.x - st->lw, y);
  cairo_line_to(cr, r.x + r.w, y);
  for (i = 0; i < t->n; i++) {
    double x =
        plot_snap(r.x + (plot_tick_value(t, i) - lo) / (hi - lo) * r.w, st->lw);
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x, y + st->tick);
  }
  cairo_stroke(cr);
  if (!title) return;
  plot_font(cr, st->font, 0);
  digit = plot_digit_height(cr);
  for (i = 0; i < t->n; i++) {
    double v = plot_tick_value(t, i);
    plot_format(v, t->decimals, buf, sizeof buf);
    plot_text(cr, r.x + (v - lo) / (hi - lo) * r.w, y + st->tick + st->gap, buf,
              0.5, 0);
  }
  plot_text(cr, r.x + r.w / 2, y + st->tick + 3 * st->gap + digit, title, 0.5,
            0);
}

/* The left spine of r with ticks; lo and hi are the values at the bottom
** and top edges.  Labels when labels is nonzero. */
static void plot_axis_left(cairo_t *cr, const PlotStyle *st, PlotRect r,
                           double lo, double hi, const PlotTicks *t,
                           int labels) {
  double x = r.x - st->lw / 2;
  char buf[64];
  int i;
  plot_ink(cr);
  cairo_set_line_width(cr, st->lw);
  cairo_move_to(cr, x, r.y);
  cairo_line_to(cr, x, r.y + r.h + st->lw);
  for (i = 0; i < t->n; i++) {
    double y = plot_snap(
        r.y + r.h - (plot_tick_value(t, i) - lo) / (hi - lo) * r.h, st->lw);
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x - st->tick, y);
  }
  cairo_stroke(cr);
  if (!labels) return;
  plot_font(cr, st->font, 0);
  for (i = 0; i < t->n; i++) {
    double v = plot_tick_value(t, i);
    plot_format(v, t->decimals, buf, sizeof buf);
    plot_text(cr, x - st->tick - st->gap,
              r.y + r.h - (v - lo) / (hi - lo) * r.h, buf, 1, 0.5);
  }
}

/* A one-line legend ending at x_right, centred on y, at most maxw wide: a
** short line of each colour and its name; entries that do not fit are
** summarised.  It sits outside the data area, so it never hides data. */
static void plot_legend(cairo_t *cr, const PlotStyle *st, double x_right,
                        double y, double maxw, const char *const *names, int n,
                        int total) {
  double sample = 16 * st->s, space = 1.5 * st->pad, w = 0, x, more_w;
  char fitted[PLOT_LEGEND_MAX][PLOT_NAME_BYTES], more[48];
  const char *shown[PLOT_LEGEND_MAX];
  double width[PLOT_LEGEND_MAX];
  int i, k = 0;
  assert(n <= PLOT_LEGEND_MAX);
  plot_font(cr, st->font, 0);
  snprintf(more, sizeof more, "(+%d more)", total);
  more_w = plot_text_width(cr, more) + space;
  for (i = 0; i < n; i++) {
    shown[i] = plot_fit(cr, names[i], maxw / 4, fitted[i], sizeof fitted[i]);
    width[i] = sample + st->gap + plot_text_width(cr, shown[i]) + space;
  }
  /* As many entries as fit, leaving room for the summary if one is due. */
  while (k < n && w + width[k] + (k + 1 < total ? more_w : 0) <= maxw + space)
    w += width[k++];
  if (k < total) {
    snprintf(more, sizeof more, "(+%d more)", total - k);
    w += plot_text_width(cr, more) + space;
  }
  x = x_right - (w - space);
  for (i = 0; i < k; i++) {
    plot_colour(cr, i, 1);
    cairo_set_line_width(cr, 2 * st->s);
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x + sample, y);
    cairo_stroke(cr);
    plot_ink(cr);
    plot_text(cr, x + sample + st->gap, y, shown[i], 0, 0.5);
    x += width[i];
  }
  if (k < total) plot_text(cr, x, y, more, 0, 0.5);
}

/* The figure title, centred on cx at the top. */
static void plot_title(cairo_t *cr, const PlotStyle *st, double cx,
                       const char *title) {
  if (!title || !*title) return;
  plot_ink(cr);
  plot_font(cr, st->tfont, 1);
  plot_text(cr, cx, st->pad, title, 0.5, 0);
}

/* --------------------------------------------------------- raster: plan */

/* The name of group g, or "group g" written into buf. */
static const char *plot_group_name(const PlotRaster *spec, int g, char *buf,
                                   size_t cap) {
  if (spec->groups[g].name && spec->groups[g].name[0])
    return spec->groups[g].name;
  snprintf(buf, cap, "group %d", g);
  return buf;
}

/* Rows group g occupies: its size, or one past its largest index. */
static int64_t plot_group_rows(const PlotSpikeGroup *grp) {
  int64_t k, rows = 1;
  if (grp->size > 0) return grp->size;
  for (k = 0; k < grp->count; k++)
    if ((int64_t)grp->index[k] + 1 > rows) rows = (int64_t)grp->index[k] + 1;
  return rows;
}

/* Checks what the drawing code relies on: pointers, counts, index ranges. */
static int plot_raster_check(const PlotRaster *spec, const char *who, char *err,
                             size_t errlen) {
  int g;
  if (!spec || spec->ngroups < 0 || (spec->ngroups > 0 && !spec->groups))
    return plot_fail(err, errlen, PLOT_EARG, "%s: no spike groups given", who);
  if (!isfinite(spec->t_start) || !isfinite(spec->t_stop) ||
      spec->t_stop < spec->t_start)
    return plot_fail(err, errlen, PLOT_EARG,
                     "%s: time range [%g, %g] is not valid", who, spec->t_start,
                     spec->t_stop);
  if (!(spec->rate_bin >= 0) || !isfinite(spec->rate_bin))
    return plot_fail(err, errlen, PLOT_EARG, "%s: rate bin %g is not valid",
                     who, spec->rate_bin);
  for (g = 0; g < spec->ngroups; g++) {
    const PlotSpikeGroup *grp = &spec->groups[g];
    char buf[PLOT_NAME_BYTES];
    const char *name = plot_group_name(spec, g, buf, sizeof buf);
    int64_t k;
    if (grp->count < 0 || grp->size < 0 ||
        (grp->count > 0 && (!grp->times || !grp->index)))
      return plot_fail(err, errlen, PLOT_EARG,
                       "%s: group '%s' has no data or a negative count", who,
                       name);
    if (grp->size > INT32_MAX + (int64_t)1)
      return plot_fail(err, errlen, PLOT_EARG,
                       "%s: group '%s' size %lld exceeds the index range", who,
                       name, (long long)grp->size);
    for (k = 0; k < grp->count; k++) {
      int32_t i = grp->index[k];
      if (i < 0)
        return plot_fail(err, errlen, PLOT_EARG,
                         "%s: group '%s' spike %lld has negative neuron "
                         "index %ld",
                         who, name, (long long)k, (long)i);
      if (grp->size > 0 && i >= grp->size)
        return plot_fail(err, errlen, PLOT_EARG,
                         "%s: group '%s' spike %lld has neuron index %ld "
                         "outside 0..%lld",
                         who, name, (long long)k, (long)i,
                         (long long)grp->size - 1);
    }
  }
  return PLOT_OK;
}

/* The time axis range: as given, or the span of the spikes when the given
** range is empty; never of zero width. */
static void plot_raster_range(const PlotRaster *spec, double *t0, double *t1) {
  double lo = INFINITY, hi = -INFINITY;
  int g;
  int64_t k;
  if (spec->t_stop > spec->t_start) {
    *t0 = spec->t_start;
    *t1 = spec->t_stop;
    return;
  }
  for (g = 0; g < spec->ngroups; g++) {
    const PlotSpikeGroup *grp = &spec->groups[g];
    for (k = 0; k < grp->count; k++) {
      if (!isfinite(grp->times[k])) continue;
      lo = fmin(lo, grp->times[k]);
      hi = fmax(hi, grp->times[k]);
    }
  }
  if (!(lo <= hi)) lo = hi = spec->t_start;
  if (hi - lo <= 0) {
    /* A single instant: centre it in one millisecond. */
    lo -= 0.5e-3;
    hi += 0.5e-3;
  }
  *t0 = lo;
  *t1 = hi;
}

/* Spikes of all groups inside [t0, t1]. */
static int64_t plot_visible(const PlotRaster *spec, double t0, double t1) {
  int64_t n = 0, k;
  int g;
  for (g = 0; g < spec->ngroups; g++)
    for (k = 0; k < spec->groups[g].count; k++) {
      double t = spec->groups[g].times[k];
      n += t >= t0 && t <= t1;
    }
  return n;
}

/* Fills rate[0..nbins) with the population rate of group g in Hz: spikes
** per neuron per second, using the true width of a last, partial bin. */
static void plot_rate(const PlotRaster *spec, const PlotLayout *lay, int g,
                      int64_t nbins, double *rate) {
  const PlotSpikeGroup *grp = &spec->groups[g];
  double rows = (double)plot_group_rows(grp);
  int64_t k;
  memset(rate, 0, sizeof(double) * (size_t)nbins);
  for (k = 0; k < grp->count; k++) {
    double t = grp->times[k];
    int64_t b;
    if (!(t >= lay->t0 && t <= lay->t1)) continue;
    b = (int64_t)((t - lay->t0) / lay->rate_bin);
    rate[b < nbins ? b : nbins - 1] += 1;
  }
  for (k = 0; k < nbins; k++) {
    double a = lay->t0 + k * lay->rate_bin;
    double b = fmin(lay->t1, a + lay->rate_bin);
    rate[k] = b > a ? rate[k] / (rows * (b - a)) : 0;
  }
}

/* The rate bin width: as asked, or about 200 bins; widened if needed to
** keep at most PLOT_MAX_BINS. */
static double plot_rate_bin(double asked, double span) {
  double bin = asked > 0 ? asked : plot_nice(span / 200, 1);
  if (span / bin > PLOT_MAX_BINS) bin = plot_nice(span / PLOT_MAX_BINS, 1);
  return bin;
}

/* Highest rate of any group in any bin. */
static int plot_rate_peak(const PlotRaster *spec, RasterPlan *p, double *peak,
                          char *err, size_t errlen) {
  double *rate = malloc(sizeof(double) * (size_t)p->nbins);
  int g;
  int64_t k;
  *peak = 0;
  if (!rate)
    return plot_fail(err, errlen, PLOT_ENOMEM, "%s: out of memory", p->who);
  for (g = 0; g < spec->ngroups; g++) {
    plot_rate(spec, &p->lay, g, p->nbins, rate);
    for (k = 0; k < p->nbins; k++) *peak = fmax(*peak, rate[k]);
  }
  free(rate);
  return PLOT_OK;
}

/* Rate ticks and axis top: a 1-2-5 step, and the first tick at or above
** the peak with a little headroom, so the top of the axis is labelled. */
static void plot_rate_axis(double peak, double height, const PlotStyle *st,
                           RasterPlan *p) {
  double target = fmax(2, height / (40 * st->s));
  double top = peak > 0 ? peak * 1.02 : 1;
  double step = plot_nice(top / target, 0);
  top = ceil(top / step - 1e-9) * step;
  p->lay.rate_max = top;
  plot_ticks_step(0, top, step, &p->rt);
}

/* The widest label left of the raster panel: group names (which get at
** most p->label_max) or neuron ticks. */
static double plot_raster_label_width(cairo_t *cr, const PlotRaster *spec,
                                      const RasterPlan *p) {
  char buf[PLOT_NAME_BYTES];
  double w = 0;
  int g;
  if (spec->ngroups <= 1) return plot_ticks_width(cr, &p->nt);
  for (g = 0; g < spec->ngroups && w < p->label_max; g++)
    w = fmax(w, plot_text_width(cr, plot_group_name(spec, g, buf, sizeof buf)));
  return fmin(w, p->label_max);
}

/* Vertical layout: title, raster panel (two thirds), gap, rate panel, room
** for the time labels; all of it depends on the font height only. */
static void plot_raster_rows(cairo_t *cr, const PlotRaster *spec,
                             RasterPlan *p) {
  const PlotStyle *st = &p->st;
  PlotLayout *lay = &p->lay;
  double digit, top, bottom, mid, avail, rh;
  plot_font(cr, st->font, 0);
  digit = plot_digit_height(cr);
  top = st->pad + (spec->title && spec->title[0] ? st->tfont + st->pad : 0);
  bottom = st->tick + st->gap + digit + 3 * st->gap + digit + st->pad;
  /* Between the panels: the raster's ticks and the rate legend. */
  mid = st->tick + 2.5 * st->pad;
  avail = lay->height - top - bottom - mid;
  rh = round(avail * 0.66);
  lay->raster.y = round(top);
  lay->raster.h = rh;
  lay->rate.y = round(top + rh + mid);
  lay->rate.h = round(avail - rh);
  p->ytitle_x = st->pad + digit / 2;
}

/* Horizontal layout: the left margin fits the widest y label; then the
** time ticks for the resulting width. */
static void plot_raster_columns(cairo_t *cr, const PlotRaster *spec,
                                RasterPlan *p) {
  const PlotStyle *st = &p->st;
  PlotLayout *lay = &p->lay;
  double digit, labels, left, right = 3 * st->pad;
  plot_font(cr, st->font, 0);
  digit = plot_digit_height(cr);
  /* Group names may take up to a quarter of the figure's width. */
  p->label_max = lay->width * 0.25;
  labels =
      fmax(plot_raster_label_width(cr, spec, p), plot_ticks_width(cr, &p->rt));
  left = st->pad + digit + 3 * st->gap + labels + st->gap + st->tick;
  lay->raster.x = lay->rate.x = round(left);
  lay->raster.w = lay->rate.w = round(lay->width - left - right);
  plot_ticks(lay->t0 * p->tscale, lay->t1 * p->tscale,
             lay->raster.w / (90 * st->s), &p->xt);
}

/* Neuron ticks of a single-group raster: whole numbers on row centres. */
static void plot_neuron_ticks(RasterPlan *p) {
  double top = (double)(p->lay.nrows - 1);
  plot_ticks(0, top, p->lay.raster.h / (45 * p->st.s), &p->nt);
  if (p->nt.step < 1) plot_ticks_step(0, top, 1, &p->nt);
}

/* Decides everything about a raster figure short of drawing it. */
static int plot_raster_plan(const PlotRaster *spec, const char *path,
                            RasterPlan *p, char *err, size_t errlen) {
  PlotLayout *lay = &p->lay;
  cairo_t *cr;
  double peak;
  int g, rc;
  memset(p, 0, sizeof *p);
  p->who = path ? path : "raster";
  if ((rc = plot_raster_check(spec, p->who, err, errlen)) != PLOT_OK ||
      (rc = plot_side(p->who, spec->width, PLOT_DEFAULT_W, "width", err, errlen,
                      &lay->width)) != PLOT_OK ||
      (rc = plot_side(p->who, spec->height, PLOT_DEFAULT_H, "height", err,
                      errlen, &lay->height)) != PLOT_OK)
    return rc;
  plot_style(lay->width, lay->height, &p->st);
  plot_raster_range(spec, &lay->t0, &lay->t1);
  if (!isfinite(lay->t1 - lay->t0))
    return plot_fail(err, errlen, PLOT_EARG,
                     "%s: time span [%g, %g] is too large to plot", p->who,
                     lay->t0, lay->t1);
  plot_time_unit(lay->t0, lay->t1, &p->tscale, &p->xtitle);
  for (g = 0; g < spec->ngroups; g++)
    lay->nrows += plot_group_rows(&spec->groups[g]);
  if (lay->nrows == 0) lay->nrows = 1;
  p->visible = plot_visible(spec, lay->t0, lay->t1);
  lay->rate_bin = plot_rate_bin(spec->rate_bin, lay->t1 - lay->t0);
  p->nbins = (int64_t)ceil((lay->t1 - lay->t0) / lay->rate_bin - 1e-9);
  if (p->nbins < 1) p->nbins = 1;
  if ((rc = plot_rate_peak(spec, p, &peak, err, errlen)) != PLOT_OK) return rc;
  cr = plot_scratch();
  if (!cr)
    return plot_fail(err, errlen, PLOT_ECAIRO, "%s: cairo failed", p->who);
  plot_raster_rows(cr, spec, p);
  plot_rate_axis(peak, lay->rate.h, &p->st, p);
  if (spec->ngroups == 1) plot_neuron_ticks(p);
  plot_raster_columns(cr, spec, p);
  cairo_destroy(cr);
  return PLOT_OK;
}

int plot_raster_layout(const PlotRaster *spec, PlotLayout *out, char *err,
                       size_t errlen) {
  RasterPlan p;
  int rc = plot_raster_plan(spec, NULL, &p, err, errlen);
  assert(out);
  *out = p.lay;
  return rc;
}

/* Row offset (from the bottom) of group g: the rows of the groups after it. */
static int64_t plot_group_offset(const PlotRaster *spec, int g) {
  int64_t off = 0;
  int h;
  for (h = g + 1; h < spec->ngroups; h++)
    off += plot_group_rows(&spec->groups[h]);
  return off;
}

void plot_raster_point(const PlotRaster *spec, const PlotLayout *lay, int group,
                       int64_t index, double t, double *x, double *y) {
  double row;
  assert(spec && lay && x && y && group >= 0 && group < spec->ngroups);
  row = (double)(plot_group_offset(spec, group) + index);
  *x = lay->raster.x + (t - lay->t0) / (lay->t1 - lay->t0) * lay->raster.w;
  *y = lay->raster.y + lay->raster.h -
       (row + 0.5) * lay->raster.h / (double)lay->nrows;
}

/* ------------------------------------------------------ raster: drawing */

/* Spikes as filled vector dots, sized to the row height. */
static void plot_spikes_vector(cairo_t *cr, const PlotRaster *spec,
                               const RasterPlan *p, int snap) {
  const PlotLayout *lay = &p->lay;
  double rh = lay->raster.h / (double)lay->nrows;
  double dh = plot_clamp(rh * 0.8, 1, 3 * p->st.s);
  double dw = plot_clamp(dh, 1.5 * p->st.s, 3 * p->st.s);
  int64_t off = 0;
  int g;
  if (snap) {
    dh = fmax(1, round(dh));
    dw = fmax(1, round(dw));
  }
  for (g = spec->ngroups - 1; g >= 0; g--) {
    const PlotSpikeGroup *grp = &spec->groups[g];
    int64_t k, batch = 0;
    plot_colour(cr, g, 1);
    for (k = 0; k < grp->count; k++) {
      double t = grp->times[k], x, y;
      if (!(t >= lay->t0 && t <= lay->t1)) continue;
      x = lay->raster.x + (t - lay->t0) / (lay->t1 - lay->t0) * lay->raster.w -
          dw / 2;
      y = lay->raster.y + lay->raster.h -
          ((double)(off + grp->index[k]) + 0.5) * rh - dh / 2;
      if (snap) {
        x = round(x);
        y = round(y);
      }
      cairo_rectangle(cr, x, y, dw, dh);
      if (++batch == PLOT_FILL_BATCH) {
        cairo_fill(cr);
        batch = 0;
      }
    }
    cairo_fill(cr);
    off += plot_group_rows(grp);
  }
}

/* Spikes as single pixels (taller when rows are tall) written straight into
** an image the size of the panel, then painted into the figure. */
static int plot_spikes_pixels(cairo_t *cr, const PlotRaster *spec,
                              const RasterPlan *p) {
  const PlotLayout *lay = &p->lay;
  int w = (int)lay->raster.w, h = (int)lay->raster.h, stride, g;
  double rh = h / (double)lay->nrows;
  int dh = (int)plot_clamp(round(rh * 0.8), 1, 3);
  int64_t off = 0;
  cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
  unsigned char *data;
  if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(img);
    return PLOT_ENOMEM;
  }
  cairo_surface_flush(img);
  data = cairo_image_surface_get_data(img);
  stride = cairo_image_surface_get_stride(img);
  for (g = spec->ngroups - 1; g >= 0; g--) {
    const PlotSpikeGroup *grp = &spec->groups[g];
    const double *c = plot_palette[g % PLOT_NCOLOURS];
    uint32_t px = 0xff000000u | (uint32_t)lround(c[0] * 255) << 16 |
                  (uint32_t)lround(c[1] * 255) << 8 |
                  (uint32_t)lround(c[2] * 255);
    int64_t k;
    for (k = 0; k < grp->count; k++) {
      double t = grp->times[k];
      int x, y, i;
      if (!(t >= lay->t0 && t <= lay->t1)) continue;
      x = (int)((t - lay->t0) / (lay->t1 - lay->t0) * w);
      if (x >= w) x = w - 1;
      y = (int)(h - ((double)(off + grp->index[k]) + 0.5) * rh) - dh / 2;
      for (i = 0; i < dh; i++) {
        int yy = y + i;
        if (yy >= 0 && yy < h)
          memcpy(data + (size_t)yy * (size_t)stride + (size_t)x * 4, &px, 4);
      }
    }
    off += plot_group_rows(grp);
  }
  cairo_surface_mark_dirty(img);
  cairo_set_source_surface(cr, img, lay->raster.x, lay->raster.y);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
  cairo_paint(cr);
  cairo_surface_destroy(img);
  return PLOT_OK;
}

/* Light lines between the group bands, under the spikes; left out where
** the bands are too thin for lines to help. */
static void plot_raster_bands(cairo_t *cr, const PlotRaster *spec,
                              const RasterPlan *p) {
  const PlotLayout *lay = &p->lay;
  PlotRect r = lay->raster;
  double rh = r.h / (double)lay->nrows, above = 0;
  int64_t off = lay->nrows;
  int g;
  cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
  cairo_set_line_width(cr, p->st.lw);
  for (g = 0; g < spec->ngroups; g++) {
    double band = (double)plot_group_rows(&spec->groups[g]) * rh;
    double y = plot_snap(r.y + r.h - (double)off * rh, p->st.lw);
    if (g > 0 && above >= 4 && band >= 4) {
      cairo_move_to(cr, r.x, y);
      cairo_line_to(cr, r.x + r.w, y);
    }
    off -= plot_group_rows(&spec->groups[g]);
    above = band;
  }
  cairo_stroke(cr);
}

/* The left side of the raster: neuron ticks for one group; otherwise a
** coloured name per group band and ticks between the bands. */
static void plot_raster_yaxis(cairo_t *cr, const PlotRaster *spec,
                              const RasterPlan *p) {
  const PlotStyle *st = &p->st;
  const PlotLayout *lay = &p->lay;
  PlotRect r = lay->raster;
  PlotTicks none;
  double rh = r.h / (double)lay->nrows, last_y = -1e9, digit;
  char buf[PLOT_NAME_BYTES], fit[PLOT_NAME_BYTES], title[PLOT_NAME_BYTES + 16];
  int64_t off;
  int g;
  memset(&none, 0, sizeof none);
  plot_font(cr, st->font, 0);
  if (spec->ngroups == 1) {
    /* Ticks sit on row centres: row i spans [i - 0.5, i + 0.5]. */
    plot_axis_left(cr, st, r, -0.5, (double)lay->nrows - 0.5, &p->nt, 1);
    plot_ink(cr);
    snprintf(title, sizeof title, "neuron (%s)",
             plot_fit(cr, plot_group_name(spec, 0, buf, sizeof buf), r.h * 0.7,
                      fit, sizeof fit));
    plot_text_up(cr, p->ytitle_x, r.y + r.h / 2, title);
    return;
  }
  plot_axis_left(cr, st, r, 0, 1, &none, 0);
  digit = plot_digit_height(cr);
  /* From the top down, skipping names that would overlap the one above. */
  off = lay->nrows;
  for (g = 0; g < spec->ngroups; g++) {
    int64_t rows = plot_group_rows(&spec->groups[g]);
    double ytop = r.y + r.h - (double)off * rh;
    double ymid = ytop + (double)rows * rh / 2;
    off -= rows;
    if (g > 0) {
      double y = plot_snap(ytop, st->lw);
      plot_ink(cr);
      cairo_set_line_width(cr, st->lw);
      cairo_move_to(cr, r.x - st->lw, y);
      cairo_line_to(cr, r.x - st->lw - st->tick, y);
      cairo_stroke(cr);
    }
    if (ymid - last_y < digit * 1.6) continue;
    last_y = ymid;
    plot_colour(cr, g, 1);
    plot_text(cr, r.x - st->tick - st->gap - st->lw, ymid,
              plot_fit(cr, plot_group_name(spec, g, buf, sizeof buf),
                       p->label_max, fit, sizeof fit),
              1, 0.5);
  }
  plot_ink(cr);
  plot_text_up(cr, p->ytitle_x, r.y + r.h / 2, "neuron");
}

/* The stairs outline of rate[]: open for stroking, or closed down to the
** baseline for filling. */
static void plot_stairs(cairo_t *cr, const RasterPlan *p, const double *rate,
                        int closed) {
  const PlotLayout *lay = &p->lay;
  PlotRect r = lay->rate;
  double span = lay->t1 - lay->t0, base = r.y + r.h;
  int64_t k;
  for (k = 0; k < p->nbins; k++) {
    double a = lay->t0 + k * lay->rate_bin;
    double b = fmin(lay->t1, a + lay->rate_bin);
    double xa = r.x + (a - lay->t0) / span * r.w;
    double xb = r.x + (b - lay->t0) / span * r.w;
    double y = base - fmin(rate[k], lay->rate_max) / lay->rate_max * r.h;
    if (k == 0) {
      if (closed)
        cairo_move_to(cr, xa, base), cairo_line_to(cr, xa, y);
      else
        cairo_move_to(cr, xa, y);
    } else {
      cairo_line_to(cr, xa, y);
    }
    cairo_line_to(cr, xb, y);
    if (closed && k == p->nbins - 1) {
      cairo_line_to(cr, xb, base);
      cairo_close_path(cr);
    }
  }
}

/* The rate panel: a lightly filled stairs line per group, axes, legend. */
static int plot_rate_panel(cairo_t *cr, const PlotRaster *spec,
                           const RasterPlan *p, char *err, size_t errlen) {
  const PlotStyle *st = &p->st;
  const PlotLayout *lay = &p->lay;
  const char *names[PLOT_LEGEND_MAX];
  char bufs[PLOT_LEGEND_MAX][PLOT_NAME_BYTES];
  double *rate = malloc(sizeof(double) * (size_t)p->nbins);
  int g, n = 0;
  if (!rate)
    return plot_fail(err, errlen, PLOT_ENOMEM, "%s: out of memory", p->who);
  for (g = 0; g < spec->ngroups; g++) {
    plot_rate(spec, lay, g, p->nbins, rate);
    plot_colour(cr, g, 0.12);
    plot_stairs(cr, p, rate, 1);
    cairo_fill(cr);
    plot_colour(cr, g, 1);
    cairo_set_line_width(cr, 1.3 * st->s);
    plot_stairs(cr, p, rate, 0);
    cairo_stroke(cr);
  }
  free(rate);
  plot_axis_left(cr, st, lay->rate, 0, lay->rate_max, &p->rt, 1);
  plot_axis_bottom(cr, st, lay->rate, lay->t0 * p->tscale, lay->t1 * p->tscale,
                   &p->xt, p->xtitle);
  plot_ink(cr);
  plot_font(cr, st->font, 0);
  plot_text_up(cr, p->ytitle_x, lay->rate.y + lay->rate.h / 2, "rate (Hz)");
  if (spec->ngroups > 1) {
    for (n = 0; n < spec->ngroups && n < PLOT_LEGEND_MAX; n++)
      names[n] = plot_group_name(spec, n, bufs[n], sizeof bufs[n]);
    plot_legend(cr, st, lay->rate.x + lay->rate.w, lay->rate.y - st->pad,
                lay->rate.w, names, n, spec->ngroups);
  }
  return PLOT_OK;
}

/* Draws the whole raster figure planned in p. */
static int plot_raster_draw(cairo_t *cr, const void *spec_, const void *p_,
                            int snap, char *err, size_t errlen) {
  const PlotRaster *spec = spec_;
  const RasterPlan *p = p_;
  const PlotLayout *lay = &p->lay;
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  plot_title(cr, &p->st, lay->raster.x + lay->raster.w / 2, spec->title);
  plot_raster_bands(cr, spec, p);
  if (p->visible > PLOT_DENSE_SPIKES) {
    if (plot_spikes_pixels(cr, spec, p) != PLOT_OK)
      return plot_fail(err, errlen, PLOT_ENOMEM,
                       "%s: out of memory for the spike layer", p->who);
  } else {
    plot_spikes_vector(cr, spec, p, snap);
  }
  plot_raster_yaxis(cr, spec, p);
  plot_axis_bottom(cr, &p->st, lay->raster, lay->t0 * p->tscale,
                   lay->t1 * p->tscale, &p->xt, NULL);
  return plot_rate_panel(cr, spec, p, err, errlen);
}

/* --------------------------------------------------------------- output */

/* Draws a planned figure on cr; snap asks for marks on whole pixels, which
** keeps small dots crisp in a bitmap. */
typedef int (*PlotDrawFn)(cairo_t *cr, const void *spec, const void *plan,
                          int snap, char *err, size_t errlen);

/* The backend the file name asks for, or -1. */
static int plot_backend(const char *path) {
  size_t n = strlen(path);
  char ext[5];
  int i;
  if (n < 4) return -1;
  for (i = 0; i < 4; i++)
    ext[i] = (char)tolower((unsigned char)path[n - 4 + i]);
  ext[4] = '\0';
  if (strcmp(ext, ".png") == 0) return PLOT_PNG;
  if (strcmp(ext, ".svg") == 0) return PLOT_SVG;
  return -1;
}

/* cairo's output callback: appends to the FILE given as closure. */
static cairo_status_t plot_write(void *closure, const unsigned char *data,
                                 unsigned int len) {
  return fwrite(data, 1, len, (FILE *)closure) == len
             ? CAIRO_STATUS_SUCCESS
             : CAIRO_STATUS_WRITE_ERROR;
}

/* Draws onto a surface of the backend, then writes it to f. */
static int plot_emit(FILE *f, int backend, int w, int h, PlotDrawFn draw,
                     const void *spec, const void *plan, const char *path,
                     char *err, size_t errlen) {
  cairo_surface_t *sf;
  cairo_t *cr;
  cairo_status_t cs;
  int rc;
  if (backend == PLOT_PNG)
    sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
  else
    sf = cairo_svg_surface_create_for_stream(plot_write, f, w, h);
  cr = cairo_create(sf);
  plot_setup(cr);
  rc = cairo_status(cr) == CAIRO_STATUS_SUCCESS
           ? draw(cr, spec, plan, backend == PLOT_PNG, err, errlen)
           : PLOT_OK;
  cs = cairo_status(cr);
  cairo_destroy(cr);
  if (rc == PLOT_OK && cs == CAIRO_STATUS_SUCCESS) {
    if (backend == PLOT_PNG)
      cs = cairo_surface_write_to_png_stream(sf, plot_write, f);
    cairo_surface_finish(sf); /* the SVG is written out here */
    if (cs == CAIRO_STATUS_SUCCESS) cs = cairo_surface_status(sf);
  }
  cairo_surface_destroy(sf);
  if (rc != PLOT_OK) return rc;
  if (cs == CAIRO_STATUS_WRITE_ERROR)
    return plot_fail(err, errlen, PLOT_EIO, "%s: write failed: %s", path,
                     strerror(errno));
  if (cs != CAIRO_STATUS_SUCCESS)
    return plot_fail(err, errlen, PLOT_ECAIRO, "%s: cairo: %s", path,
                     cairo_status_to_string(cs));
  return PLOT_OK;
}

/* Creates path, draws the figure into it, and removes it again if anything
** failed, so no truncated figure is left behind. */
static int plot_render(const char *path, int w, int h, PlotDrawFn draw,
                       const void *spec, const void *plan, char *err,
                       size_t errlen) {
  int backend, rc;
  FILE *f;
  if (!path)
    return plot_fail(err, errlen, PLOT_EARG, "plot: no output file given");
  backend = plot_backend(path);
  if (backend < 0)
    return plot_fail(err, errlen, PLOT_EARG,
                     "%s: unknown figure format (use .png or .svg)", path);
  errno = 0;
  f = fopen(path, "wb");
  if (!f)
    return plot_fail(err, errlen, PLOT_EIO, "%s: cannot create: %s", path,
                     errno ? strerror(errno) : "unknown error");
  rc = plot_emit(f, backend, w, h, draw, spec, plan, path, err, errlen);
  errno = 0;
  if (fclose(f) != 0 && rc == PLOT_OK)
    rc = plot_fail(err, errlen, PLOT_EIO, "%s: write failed: %s", path,
                   errno ? strerror(errno) : "unknown error");
  if (rc != PLOT_OK) remove(path);
  return rc;
}

int plot_raster(const PlotRaster *spec, const char *path, char *err,
                size_t errlen) {
  RasterPlan p;
  int rc = plot_raster_plan(spec, path, &p, err, errlen);
  if (rc != PLOT_OK) return rc;
  return plot_render(path, p.lay.width, p.lay.height, plot_raster_draw, spec,
                     &p, err, errlen);
}

/* ---------------------------------------------------------------- traces */

/* Checks counts and pointers before anything is read. */
static int plot_traces_check(const PlotTraces *spec, const char *who, char *err,
                             size_t errlen) {
  if (!spec || spec->nsamples < 0 || spec->ntraces < 0)
    return plot_fail(err, errlen, PLOT_EARG,
                     "%s: negative sample or trace count", who);
  if (spec->ntraces > 0 && spec->nsamples > INT64_MAX / spec->ntraces)
    return plot_fail(err, errlen, PLOT_EARG, "%s: too many samples", who);
  if (spec->nsamples > 0 &&
      (!spec->times || (spec->ntraces > 0 && !spec->values)))
    return plot_fail(err, errlen, PLOT_EARG, "%s: no times or values given",
                     who);
  return PLOT_OK;
}

/* The extent of the finite entries of a[i * stride], i < n, into lo/hi;
** lo > hi when there are none. */
static void plot_extent(const double *a, int64_t n, int64_t stride, double *lo,
                        double *hi) {
  int64_t i;
  *lo = INFINITY;
  *hi = -INFINITY;
  for (i = 0; i < n; i++) {
    double v = a[i * stride];
    if (!isfinite(v)) continue;
    *lo = fmin(*lo, v);
    *hi = fmax(*hi, v);
  }
}

/* Time and value ranges of the traces, padded so lines clear the frame. */
static void plot_traces_ranges(const PlotTraces *spec, TracePlan *p) {
  double lo, hi, d;
  int64_t total = spec->nsamples * spec->ntraces;
  plot_extent(spec->times, spec->nsamples, 1, &lo, &hi);
  if (!(lo <= hi)) lo = hi = 0;
  if (hi - lo <= 0) lo -= 0.5e-3, hi += 0.5e-3;
  p->t0 = lo;
  p->t1 = hi;
  plot_extent(spec->values, total, 1, &lo, &hi);
  if (!(lo <= hi)) lo = 0, hi = 1;
  if (hi == lo) {
    /* A constant: show it in the middle of a band around it. */
    d = lo != 0 ? fabs(lo) * 0.1 : 1;
    lo -= d;
    hi += d;
  }
  d = hi - lo;
  p->v0 = lo - d * 0.05;
  p->v1 = hi + d * 0.05;
  /* Near the largest doubles the padding would overflow: go without. */
  if (!isfinite(p->v1 - p->v0)) p->v0 = lo, p->v1 = hi;
}

/* Decides ranges, ticks and margins of a trace figure. */
static int plot_traces_plan(const PlotTraces *spec, const char *path,
                            TracePlan *p, char *err, size_t errlen) {
  const PlotStyle *st = &p->st;
  double digit, top, bottom, left, ylabel_w;
  cairo_t *cr;
  int rc;
  memset(p, 0, sizeof *p);
  p->who = path ? path : "traces";
  if ((rc = plot_traces_check(spec, p->who, err, errlen)) != PLOT_OK ||
      (rc = plot_side(p->who, spec->width, PLOT_DEFAULT_W, "width", err, errlen,
                      &p->width)) != PLOT_OK ||
      (rc = plot_side(p->who, spec->height, PLOT_TRACES_H, "height", err,
                      errlen, &p->height)) != PLOT_OK)
    return rc;
  /* Scale text as on a raster figure of the same width. */
  plot_style(p->width, p->height * PLOT_DEFAULT_H / PLOT_TRACES_H, &p->st);
  plot_traces_ranges(spec, p);
  plot_time_unit(p->t0, p->t1, &p->tscale, &p->xtitle);
  cr = plot_scratch();
  if (!cr)
    return plot_fail(err, errlen, PLOT_ECAIRO, "%s: cairo failed", p->who);
  plot_font(cr, st->font, 0);
  digit = plot_digit_height(cr);
  top = st->pad + (spec->title && spec->title[0] ? st->tfont + st->pad : 0);
  if (spec->labels && spec->ntraces > 0) top += digit + st->pad;
  bottom = st->tick + st->gap + digit + 3 * st->gap + digit + st->pad;
  p->area.y = round(top);
  p->area.h = round(p->height - top - bottom);
  plot_ticks(p->v0, p->v1, p->area.h / (45 * st->s), &p->yt);
  ylabel_w = plot_ticks_width(cr, &p->yt);
  cairo_destroy(cr);
  left = st->pad + digit + 3 * st->gap + ylabel_w + st->gap + st->tick;
  p->ytitle_x = st->pad + digit / 2;
  p->area.x = round(left);
  p->area.w = round(p->width - left - 3 * st->pad);
  plot_ticks(p->t0 * p->tscale, p->t1 * p->tscale, p->area.w / (90 * st->s),
             &p->xt);
  return PLOT_OK;
}

/* Where v lies between lo and hi (0 to 1).  Halving first keeps every
** difference finite, even for values near the largest doubles that a
** diverging simulation can produce. */
static double plot_frac(double v, double lo, double hi) {
  return (v / 2 - lo / 2) / (hi / 2 - lo / 2);
}

/* A point of a trace in figure coordinates. */
typedef struct PlotPoint {
  double x, y;
} PlotPoint;

/* The consecutive samples of a trace that fall in one pixel column, kept
** as the four that matter for drawing: the first, the last, the lowest and
** the highest.  Joining those in order of occurrence draws the same pixels
** as joining every sample. */
typedef struct PlotColumn {
  long col;
  int64_t n;
  PlotPoint first, last, lo, hi;
  int lo_before_hi; /* the lowest point came before the highest */
} PlotColumn;

/* Appends p to the current line, or starts a line there. */
static void plot_line_point(cairo_t *cr, PlotPoint p, int *open) {
  if (*open) {
    cairo_line_to(cr, p.x, p.y);
  } else {
    /* A lone point still shows: round caps draw a zero-length segment. */
    cairo_move_to(cr, p.x, p.y);
    cairo_line_to(cr, p.x, p.y);
    *open = 1;
  }
}

/* Adds the column's points to the line and empties it. */
static void plot_column_flush(cairo_t *cr, PlotColumn *c, int *open) {
  if (c->n == 0) return;
  plot_line_point(cr, c->first, open);
  if (c->n > 2) {
    plot_line_point(cr, c->lo_before_hi ? c->lo : c->hi, open);
    plot_line_point(cr, c->lo_before_hi ? c->hi : c->lo, open);
  }
  if (c->n > 1) plot_line_point(cr, c->last, open);
  c->n = 0;
}

/* Adds sample point pt, in pixel column col, to the column bucket c. */
static void plot_column_add(cairo_t *cr, PlotColumn *c, long col, PlotPoint pt,
                            int *open) {
  if (c->n > 0 && col == c->col) {
    /* y grows downwards: the lowest value has the largest y. */
    if (pt.y > c->lo.y) c->lo = pt, c->lo_before_hi = 0;
    if (pt.y < c->hi.y) c->hi = pt, c->lo_before_hi = 1;
    c->last = pt;
    c->n++;
    return;
  }
  plot_column_flush(cr, c, open);
  c->col = col;
  c->first = c->last = c->lo = c->hi = pt;
  c->lo_before_hi = 1;
  c->n = 1;
}

/* Strokes trace j; non-finite samples break the line.  Samples are
** bucketed per pixel column, so a million samples cost a few thousand
** path points. */
static void plot_trace_line(cairo_t *cr, const PlotTraces *spec,
                            const TracePlan *p, int j) {
  PlotRect r = p->area;
  PlotColumn c;
  int open = 0;
  int64_t i;
  memset(&c, 0, sizeof c);
  for (i = 0; i < spec->nsamples; i++) {
    double t = spec->times[i], v = spec->values[i * spec->ntraces + j];
    PlotPoint pt;
    if (!isfinite(t) || !isfinite(v)) {
      plot_column_flush(cr, &c, &open);
      open = 0;
      continue;
    }
    pt.x = r.x + plot_frac(t, p->t0, p->t1) * r.w;
    pt.y = r.y + r.h - plot_frac(v, p->v0, p->v1) * r.h;
    plot_column_add(cr, &c, (long)floor(pt.x), pt, &open);
  }
  plot_column_flush(cr, &c, &open);
  cairo_stroke(cr);
}

/* Draws the whole trace figure planned in p. */
static int plot_traces_draw(cairo_t *cr, const void *spec_, const void *p_,
                            int snap, char *err, size_t errlen) {
  const PlotTraces *spec = spec_;
  const TracePlan *p = p_;
  const PlotStyle *st = &p->st;
  const char *names[PLOT_LEGEND_MAX];
  int j, n = 0;
  (void)snap; /* lines are antialiased on every backend */
  (void)err;
  (void)errlen;
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  plot_title(cr, st, p->area.x + p->area.w / 2, spec->title);
  cairo_save(cr);
  cairo_rectangle(cr, p->area.x, p->area.y, p->area.w, p->area.h);
  cairo_clip(cr);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_width(cr, 1.5 * st->s);
  for (j = 0; j < spec->ntraces; j++) {
    plot_colour(cr, j, 1);
    plot_trace_line(cr, spec, p, j);
  }
  cairo_restore(cr);
  plot_axis_left(cr, st, p->area, p->v0, p->v1, &p->yt, 1);
  plot_axis_bottom(cr, st, p->area, p->t0 * p->tscale, p->t1 * p->tscale,
                   &p->xt, p->xtitle);
  plot_ink(cr);
  plot_font(cr, st->font, 0);
  if (spec->ylabel && spec->ylabel[0])
    plot_text_up(cr, p->ytitle_x, p->area.y + p->area.h / 2, spec->ylabel);
  if (spec->labels) {
    for (n = 0; n < spec->ntraces && n < PLOT_LEGEND_MAX; n++)
      names[n] = spec->labels[n] ? spec->labels[n] : "";
    plot_legend(cr, st, p->area.x + p->area.w, p->area.y - st->pad, p->area.w,
                names, n, spec->ntraces);
  }
  return PLOT_OK;
}

int plot_traces(const PlotTraces *spec, const char *path, char *err,
                size_t errlen) {
  TracePlan p;
  int rc = plot_traces_plan(spec, path, &p, err, errlen);
  if (rc != PLOT_OK) return rc;
  return plot_render(path, p.width, p.height, plot_traces_draw, spec, &p, err,
                     errlen);
}
