/*
** plot_traces.c: state traces against time drawn with cairo.  Traces with
** more samples than pixels are reduced to the minimum and maximum of each
** pixel column, which draws the same picture.
*/
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

#include "plot_internal.h"

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
  if (spec->nmarks < 0 || (spec->nmarks > 0 && !spec->marks))
    return plot_fail(err, errlen, PLOT_EARG, "%s: no mark times given", who);
  if (spec->t_stop < spec->t_start || isnan(spec->t_start) || isnan(spec->t_stop))
    return plot_fail(err, errlen, PLOT_EARG, "%s: time window [%g, %g] is not valid", who,
                     spec->t_start, spec->t_stop);
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

/* Whether spec asks for a time window. */
static int plot_windowed(const PlotTraces *spec) {
  return isfinite(spec->t_start) && isfinite(spec->t_stop) && spec->t_stop > spec->t_start;
}

/* Whether sample i is drawn: inside the window, or next to a sample inside
** it, so lines run on to the edges of the data area (which clips them). */
static int plot_sample_drawn(const PlotTraces *spec, int64_t i) {
  int64_t k;
  if (!plot_windowed(spec)) return 1;
  for (k = i > 0 ? i - 1 : 0; k <= i + 1 && k < spec->nsamples; k++)
    if (spec->times[k] >= spec->t_start && spec->times[k] <= spec->t_stop) return 1;
  return 0;
}

/* The extent of the finite values of the samples inside the window (all
** without one); lo > hi when there are none. */
static void plot_value_extent(const PlotTraces *spec, double *lo, double *hi) {
  int64_t i, total = spec->nsamples * spec->ntraces;
  if (!plot_windowed(spec)) {
    plot_extent(spec->values, total, 1, lo, hi);
    return;
  }
  *lo = INFINITY;
  *hi = -INFINITY;
  for (i = 0; i < spec->nsamples; i++) {
    double a, b;
    if (!(spec->times[i] >= spec->t_start && spec->times[i] <= spec->t_stop)) continue;
    plot_extent(spec->values + i * spec->ntraces, spec->ntraces, 1, &a, &b);
    *lo = fmin(*lo, a);
    *hi = fmax(*hi, b);
  }
}

/* Time and value ranges of the traces, padded so lines clear the frame. */
static void plot_traces_ranges(const PlotTraces *spec, TracePlan *p) {
  double lo, hi, d;
  plot_extent(spec->times, spec->nsamples, 1, &lo, &hi);
  if (plot_windowed(spec)) lo = spec->t_start, hi = spec->t_stop;
  if (!(lo <= hi)) lo = hi = 0;
  if (hi - lo <= 0) lo -= 0.5e-3, hi += 0.5e-3;
  p->t0 = lo;
  p->t1 = hi;
  plot_value_extent(spec, &lo, &hi);
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
  if (spec->xlabel) {
    p->tscale = 1;
    p->xtitle = spec->xlabel;
  } else {
    plot_time_unit(p->t0, p->t1, &p->tscale, &p->xtitle);
  }
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
    if (!plot_sample_drawn(spec, i)) continue;
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

/* The marks: ticks hanging from the top edge, in ink, at their times. */
static void plot_trace_marks(cairo_t *cr, const PlotTraces *spec, const TracePlan *p) {
  PlotRect r = p->area;
  double len = 8 * p->st.s;
  plot_ink(cr);
  cairo_set_line_width(cr, p->st.lw);
  for (int64_t k = 0; k < spec->nmarks; k++) {
    double t = spec->marks[k];
    if (!isfinite(t) || t < p->t0 || t > p->t1) continue;
    double x = plot_snap(r.x + plot_frac(t, p->t0, p->t1) * r.w, p->st.lw);
    cairo_move_to(cr, x, r.y);
    cairo_line_to(cr, x, r.y + len);
  }
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
  plot_begin_area(cr, st, p->area, spec->title);
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_width(cr, 1.5 * st->s);
  for (j = 0; j < spec->ntraces; j++) {
    plot_colour(cr, j, 1);
    plot_trace_line(cr, spec, p, j);
  }
  plot_trace_marks(cr, spec, p);
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
