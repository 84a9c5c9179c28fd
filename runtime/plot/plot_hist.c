/*
** plot_hist.c: histograms of values, several sets overlaid (the weights of
** a connection at chosen times).  Each set is drawn as a filled step
** outline in its palette colour; a legend names the sets.  Non-finite
** values are left out of the counts; values outside the range go to the
** outermost bins, so that every finite value is counted once.
*/
#include <cairo.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot_internal.h"

#define PLOT_HIST_BINS 40
#define PLOT_HIST_MAX_BINS 1000

/* Everything plot_histogram decides before drawing. */
typedef struct HistPlan {
  const char *who;
  int width, height;
  PlotStyle st;
  PlotHistLayout lay;
  int64_t *counts; /* nsets x bins */
  PlotTicks xt, yt;
  double ytitle_x;
} HistPlan;

static int hist_check(const PlotHistogram *spec, const char *who, char *err, size_t errlen) {
  if (!spec || spec->nsets < 0 || (spec->nsets > 0 && !spec->sets))
    return plot_fail(err, errlen, PLOT_EARG, "%s: no sets given", who);
  if (spec->bins < 0 || spec->bins > PLOT_HIST_MAX_BINS)
    return plot_fail(err, errlen, PLOT_EARG, "%s: %d bins; give 1 to %d (0: %d)", who,
                     spec->bins, PLOT_HIST_MAX_BINS, PLOT_HIST_BINS);
  for (int k = 0; k < spec->nsets; k++)
    if (spec->sets[k].count < 0 || (spec->sets[k].count > 0 && !spec->sets[k].values))
      return plot_fail(err, errlen, PLOT_EARG, "%s: set %d has no values", who, k);
  if (!(spec->lo <= spec->hi) || !isfinite(spec->lo) || !isfinite(spec->hi))
    return plot_fail(err, errlen, PLOT_EARG, "%s: the range [%g, %g] is not a range", who,
                     spec->lo, spec->hi);
  return PLOT_OK;
}

/* The range of the bins: the one asked for, else that of the finite values. */
static void hist_range(const PlotHistogram *spec, double *lo, double *hi) {
  *lo = spec->lo;
  *hi = spec->hi;
  if (*hi > *lo) return;
  *lo = INFINITY;
  *hi = -INFINITY;
  for (int k = 0; k < spec->nsets; k++)
    for (int64_t q = 0; q < spec->sets[k].count; q++) {
      double v = spec->sets[k].values[q];
      if (!isfinite(v)) continue;
      *lo = fmin(*lo, v);
      *hi = fmax(*hi, v);
    }
  if (!(*lo <= *hi)) *lo = 0, *hi = 1;
  if (*hi == *lo) {
    double d = *lo != 0 ? fabs(*lo) * 0.1 : 1;
    *lo -= d;
    *hi += d;
  }
}

int plot_histogram_counts(const PlotHistogram *spec, int64_t *counts, double *lo, double *hi,
                          int *bins, char *err, size_t errlen) {
  int rc = hist_check(spec, "histogram", err, errlen);
  if (rc != PLOT_OK) return rc;
  int nb = spec->bins ? spec->bins : PLOT_HIST_BINS;
  hist_range(spec, lo, hi);
  *bins = nb;
  if (!counts) return PLOT_OK;
  memset(counts, 0, sizeof(int64_t) * (size_t)(nb * spec->nsets));
  /* Halving keeps the width finite for ranges near the largest doubles. */
  double half_width = *hi / 2 - *lo / 2;
  for (int k = 0; k < spec->nsets; k++)
    for (int64_t q = 0; q < spec->sets[k].count; q++) {
      double v = spec->sets[k].values[q];
      if (!isfinite(v)) continue;
      double at = (v / 2 - *lo / 2) / half_width * nb;
      int b = at < 0 ? 0 : at >= nb ? nb - 1 : (int)at;
      counts[k * nb + b]++;
    }
  return PLOT_OK;
}

static int hist_plan(const PlotHistogram *spec, const char *path, HistPlan *p, char *err,
                     size_t errlen) {
  memset(p, 0, sizeof *p);
  p->who = path ? path : "histogram";
  int rc = hist_check(spec, p->who, err, errlen);
  if (rc == PLOT_OK)
    rc = plot_side(p->who, spec->width, PLOT_DEFAULT_W, "width", err, errlen, &p->width);
  if (rc == PLOT_OK)
    rc = plot_side(p->who, spec->height, PLOT_TRACES_H, "height", err, errlen, &p->height);
  if (rc != PLOT_OK) return rc;
  PlotHistLayout *lay = &p->lay;
  plot_histogram_counts(spec, NULL, &lay->lo, &lay->hi, &lay->bins, err, errlen);
  p->counts = calloc((size_t)(lay->bins * spec->nsets + 1), sizeof(int64_t));
  if (!p->counts) return plot_fail(err, errlen, PLOT_ENOMEM, "%s: out of memory", p->who);
  plot_histogram_counts(spec, p->counts, &lay->lo, &lay->hi, &lay->bins, err, errlen);
  int64_t top = 0;
  for (int q = 0; q < lay->bins * spec->nsets; q++)
    if (p->counts[q] > top) top = p->counts[q];
  lay->count_max = top > 0 ? (double)top * 1.05 : 1;
  plot_style(p->width, p->height * PLOT_DEFAULT_H / PLOT_TRACES_H, &p->st);
  const PlotStyle *st = &p->st;
  cairo_t *cr = plot_scratch();
  if (!cr) {
    free(p->counts);
    return plot_fail(err, errlen, PLOT_ECAIRO, "%s: cairo failed", p->who);
  }
  plot_font(cr, st->font, 0);
  double digit = plot_digit_height(cr);
  double top_edge = st->pad + (spec->title && spec->title[0] ? st->tfont + st->pad : 0);
  if (spec->nsets > 0) top_edge += digit + st->pad;
  double bottom = st->tick + st->gap + digit + 3 * st->gap + digit + st->pad;
  lay->area.y = round(top_edge);
  lay->area.h = round(p->height - top_edge - bottom);
  plot_ticks(0, lay->count_max, lay->area.h / (45 * st->s), &p->yt);
  double left = st->pad + digit + 3 * st->gap + plot_ticks_width(cr, &p->yt) + st->gap + st->tick;
  cairo_destroy(cr);
  p->ytitle_x = st->pad + digit / 2;
  lay->area.x = round(left);
  lay->area.w = round(p->width - left - 3 * st->pad);
  plot_ticks(lay->lo, lay->hi, lay->area.w / (90 * st->s), &p->xt);
  return PLOT_OK;
}

int plot_histogram_layout(const PlotHistogram *spec, PlotHistLayout *out, char *err,
                          size_t errlen) {
  HistPlan p;
  int rc = hist_plan(spec, NULL, &p, err, errlen);
  if (rc != PLOT_OK) return rc;
  *out = p.lay;
  free(p.counts);
  return PLOT_OK;
}

/* The outline of set k: up and down the bin edges, back along the base. */
static void hist_outline(cairo_t *cr, const HistPlan *p, int k) {
  const PlotHistLayout *lay = &p->lay;
  PlotRect r = lay->area;
  double base = r.y + r.h, bw = r.w / lay->bins;
  cairo_move_to(cr, r.x, base);
  for (int b = 0; b < lay->bins; b++) {
    double y = base - (double)p->counts[k * lay->bins + b] / lay->count_max * r.h;
    cairo_line_to(cr, r.x + b * bw, y);
    cairo_line_to(cr, r.x + (b + 1) * bw, y);
  }
  cairo_line_to(cr, r.x + r.w, base);
}

static int hist_draw(cairo_t *cr, const void *spec_, const void *p_, int snap, char *err,
                     size_t errlen) {
  const PlotHistogram *spec = spec_;
  const HistPlan *p = p_;
  const PlotStyle *st = &p->st;
  const PlotHistLayout *lay = &p->lay;
  (void)snap;
  (void)err;
  (void)errlen;
  plot_begin_area(cr, st, lay->area, spec->title);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
  cairo_set_line_width(cr, 1.5 * st->s);
  for (int k = 0; k < spec->nsets; k++) {
    hist_outline(cr, p, k);
    plot_colour(cr, k, 0.18);
    cairo_fill_preserve(cr);
    plot_colour(cr, k, 1);
    cairo_stroke(cr);
  }
  cairo_restore(cr);
  plot_axis_left(cr, st, lay->area, 0, lay->count_max, &p->yt, 1);
  plot_axis_bottom(cr, st, lay->area, lay->lo, lay->hi, &p->xt,
                   spec->xlabel && spec->xlabel[0] ? spec->xlabel : "value");
  plot_ink(cr);
  plot_font(cr, st->font, 0);
  plot_text_up(cr, p->ytitle_x, lay->area.y + lay->area.h / 2,
               spec->ylabel && spec->ylabel[0] ? spec->ylabel : "count");
  const char *names[PLOT_LEGEND_MAX];
  int n = 0;
  for (; n < spec->nsets && n < PLOT_LEGEND_MAX; n++)
    names[n] = spec->sets[n].label ? spec->sets[n].label : "";
  if (n > 0)
    plot_legend(cr, st, lay->area.x + lay->area.w, lay->area.y - st->pad, lay->area.w, names,
                n, spec->nsets);
  return PLOT_OK;
}

int plot_histogram(const PlotHistogram *spec, const char *path, char *err, size_t errlen) {
  HistPlan p;
  int rc = hist_plan(spec, path, &p, err, errlen);
  if (rc != PLOT_OK) return rc;
  rc = plot_render(path, p.width, p.height, hist_draw, spec, &p, err, errlen);
  free(p.counts);
  return rc;
}
