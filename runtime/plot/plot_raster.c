/*
** plot_raster.c: raster and population-rate figures drawn with cairo
** (the trace figure is in plot_traces.c, shared parts in plot_common.c).
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
** in SVG.  Memory use never depends on the number of spikes.
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
    if ((int64_t)grp->index[k] - grp->first + 1 > rows)
      rows = (int64_t)grp->index[k] - grp->first + 1;
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
    if (grp->count < 0 || grp->size < 0 || grp->first < 0 || grp->first > INT32_MAX ||
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
      if (i < grp->first)
        return plot_fail(err, errlen, PLOT_EARG,
                         "%s: group '%s' spike %lld has neuron "
                         "index %ld below its first neuron %lld",
                         who, name, (long long)k, (long)i, (long long)grp->first);
      if (grp->size > 0 && i - grp->first >= grp->size)
        return plot_fail(err, errlen, PLOT_EARG,
                         "%s: group '%s' spike %lld has neuron index %ld "
                         "outside %lld..%lld",
                         who, name, (long long)k, (long)i, (long long)grp->first,
                         (long long)(grp->first + grp->size - 1));
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
static void plot_neuron_ticks(const PlotRaster *spec, RasterPlan *p) {
  double first = (double)spec->groups[0].first;
  double top = first + (double)(p->lay.nrows - 1);
  plot_ticks(first, top, p->lay.raster.h / (45 * p->st.s), &p->nt);
  if (p->nt.step < 1) plot_ticks_step(first, top, 1, &p->nt);
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
  if (spec->ngroups == 1) plot_neuron_ticks(spec, p);
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
  row = (double)(plot_group_offset(spec, group) + index - spec->groups[group].first);
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
          ((double)(off + grp->index[k] - grp->first) + 0.5) * rh - dh / 2;
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
      y = (int)(h - ((double)(off + grp->index[k] - grp->first) + 0.5) * rh) - dh / 2;
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
    /* Ticks sit on row centres: neuron i spans [i - 0.5, i + 0.5]. */
    double first = (double)spec->groups[0].first;
    plot_axis_left(cr, st, r, first - 0.5, first + (double)lay->nrows - 0.5, &p->nt, 1);
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

int plot_raster(const PlotRaster *spec, const char *path, char *err,
                size_t errlen) {
  RasterPlan p;
  int rc = plot_raster_plan(spec, path, &p, err, errlen);
  if (rc != PLOT_OK) return rc;
  return plot_render(path, p.lay.width, p.lay.height, plot_raster_draw, spec,
                     &p, err, errlen);
}
