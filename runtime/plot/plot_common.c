/*
** plot_common.c: the parts of every figure: ticks, text, axes, legends,
** titles, and rendering to PNG, SVG or PDF (see plot_raster.c and
** plot_traces.c for the figures themselves).
*/
#include <assert.h>
#include <cairo-pdf.h>
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

/* Group colours: a palette that stays distinguishable with colour blindness
** (the yellow is left out: it vanishes on white). */
const double plot_palette[PLOT_NCOLOURS][3] = {
    {0.000, 0.447, 0.698}, /* blue */
    {0.835, 0.369, 0.000}, /* vermillion */
    {0.000, 0.620, 0.451}, /* bluish green */
    {0.800, 0.475, 0.655}, /* reddish purple */
    {0.902, 0.624, 0.000}, /* orange */
    {0.337, 0.706, 0.914}, /* sky blue */
    {0.000, 0.000, 0.000}, /* black */
};

/* The leak checker of sanitized builds reads this hook (in any program that
** draws figures: snnc, native binaries, the tests).  Fontconfig keeps its
** parsed configuration for the life of the process; that is not a leak of
** ours.  Other builds never call it. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) {
  return "leak:libfontconfig.so\n";
}

/* Formats a message into err (if the caller gave one) and returns code. */
int plot_fail(char *err, size_t errlen, int code, const char *fmt, ...) {
  va_list ap;
  if (err && errlen > 0) {
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return code;
}

/* v limited to [lo, hi]. */
double plot_clamp(double v, double lo, double hi) {
  return v < lo ? lo : v > hi ? hi : v;
}

/* ----------------------------------------------------------- ticks, text */

/* A number of the form 1, 2 or 5 times a power of ten near raw: the
** smallest one >= raw when up is nonzero (bin widths, which must not make
** too many bins), else the nearest (tick steps).  0 if raw is not a
** positive finite number. */
double plot_nice(double raw, int up) {
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
void plot_ticks_step(double lo, double hi, double step, PlotTicks *t) {
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
void plot_ticks(double lo, double hi, double target, PlotTicks *t) {
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
void plot_font(cairo_t *cr, double size, int bold) {
  cairo_select_font_face(
      cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
      bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}

/* Advance width of s in the current font. */
double plot_text_width(cairo_t *cr, const char *s) {
  cairo_text_extents_t te;
  cairo_text_extents(cr, s, &te);
  return te.x_advance;
}

/* s, or its longest prefix that fits in maxw followed by an ellipsis,
** copied to buf; long names must not run off the figure. */
const char *plot_fit(cairo_t *cr, const char *s, double maxw, char *buf,
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

/* ------------------------------------------------------------- the words */

/* The words drawn on a vector figure, kept to write into its file as text:
** SVG and PDF draw text as glyph outlines, which no search can find. */
typedef struct PlotWords {
  char *text; /* every text drawn, one per line */
  size_t len, cap;
  char title[256];
} PlotWords;

/* The key of a context's PlotWords (cairo user data; only its address matters). */
static const cairo_user_data_key_t plot_words_key;

/* Appends s and a newline to the context's words, if it keeps them. */
static void plot_words_add(cairo_t *cr, const char *s) {
  PlotWords *w = cairo_get_user_data(cr, &plot_words_key);
  size_t n = strlen(s);
  if (!w) return;
  if (w->len + n + 2 > w->cap) {
    size_t cap = (w->cap ? w->cap * 2 : 1024) + n;
    char *bigger = realloc(w->text, cap);
    if (!bigger) return; /* the words are a courtesy; the figure does not need them */
    w->text = bigger;
    w->cap = cap;
  }
  memcpy(w->text + w->len, s, n);
  w->len += n;
  w->text[w->len++] = '\n';
  w->text[w->len] = 0;
}

/* Draws s anchored at (x, y): ha 0/0.5/1 puts x at its left/centre/right,
** va 0/0.5/1 puts y at the top/middle/baseline of a digit, so labels of
** different text line up. */
void plot_text(cairo_t *cr, double x, double y, const char *s, double ha,
                      double va) {
  cairo_text_extents_t te, digit;
  cairo_text_extents(cr, s, &te);
  cairo_text_extents(cr, "0", &digit);
  cairo_move_to(cr, x - ha * te.x_advance, y + (1 - va) * digit.height);
  cairo_show_text(cr, s);
  plot_words_add(cr, s);
}

/* Draws s rotated to read upwards, centred on (x, y). */
void plot_text_up(cairo_t *cr, double x, double y, const char *s) {
  cairo_save(cr);
  cairo_translate(cr, x, y);
  cairo_rotate(cr, -PLOT_PI / 2);
  plot_text(cr, 0, 0, s, 0.5, 0.5);
  cairo_restore(cr);
}

/* Height of a digit at the current font: the unit of vertical spacing. */
double plot_digit_height(cairo_t *cr) {
  cairo_text_extents_t te;
  cairo_text_extents(cr, "0", &te);
  return te.height;
}

/* Widest tick label of t. */
double plot_ticks_width(cairo_t *cr, const PlotTicks *t) {
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
cairo_t *plot_scratch(void) {
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
void plot_style(int width, int height, PlotStyle *st) {
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
int plot_side(const char *who, int want, int def, const char *what,
                     char *err, size_t errlen, int *out) {
  *out = want == 0 ? def : want;
  if (*out < PLOT_MIN_SIDE || *out > PLOT_MAX_SIDE)
    return plot_fail(err, errlen, PLOT_EARG,
                     "%s: figure %s %d is outside %d..%d", who, what, want,
                     PLOT_MIN_SIDE, PLOT_MAX_SIDE);
  return PLOT_OK;
}

/* Picks the time unit: milliseconds unless the span is long. */
void plot_time_unit(double t0, double t1, double *scale,
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
void plot_ink(cairo_t *cr) {
  cairo_set_source_rgb(cr, PLOT_INK, PLOT_INK, PLOT_INK);
}

/* Sets the colour of group or trace i. */
void plot_colour(cairo_t *cr, int i, double alpha) {
  const double *c = plot_palette[i % PLOT_NCOLOURS];
  cairo_set_source_rgba(cr, c[0], c[1], c[2], alpha);
}

/* Moves a coordinate onto the pixel grid so a line of width lw is crisp. */
double plot_snap(double v, double lw) {
  return ((long)lw % 2) ? floor(v) + 0.5 : round(v);
}

/* The bottom axis of r for the range [lo, hi] in axis units: spine, ticks,
** and, if title is not NULL, labels and the title. */
void plot_axis_bottom(cairo_t *cr, const PlotStyle *st, PlotRect r,
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
void plot_axis_left(cairo_t *cr, const PlotStyle *st, PlotRect r,
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
void plot_legend(cairo_t *cr, const PlotStyle *st, double x_right,
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
void plot_begin_area(cairo_t *cr, const PlotStyle *st, PlotRect r, const char *title) {
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  plot_title(cr, st, r.x + r.w / 2, title);
  cairo_save(cr);
  cairo_rectangle(cr, r.x, r.y, r.w, r.h);
  cairo_clip(cr);
}

void plot_title(cairo_t *cr, const PlotStyle *st, double cx,
                       const char *title) {
  PlotWords *w = cairo_get_user_data(cr, &plot_words_key);
  if (!title || !*title) return;
  if (w) snprintf(w->title, sizeof w->title, "%s", title);
  plot_ink(cr);
  plot_font(cr, st->tfont, 1);
  plot_text(cr, cx, st->pad, title, 0.5, 0);
}

/* --------------------------------------------------------------- output */


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
  if (strcmp(ext, ".pdf") == 0) return PLOT_PDF;
  return -1;
}

/* cairo's output callback: appends to the FILE given as closure. */
static cairo_status_t plot_write(void *closure, const unsigned char *data,
                                 unsigned int len) {
  return fwrite(data, 1, len, (FILE *)closure) == len
             ? CAIRO_STATUS_SUCCESS
             : CAIRO_STATUS_WRITE_ERROR;
}

/* What an SVG surface writes, gathered to add the words before writing. */
typedef struct PlotBuffer {
  unsigned char *data;
  size_t len, cap;
} PlotBuffer;

/* cairo's output callback for a PlotBuffer. */
static cairo_status_t plot_gather(void *closure, const unsigned char *data,
                                  unsigned int len) {
  PlotBuffer *b = closure;
  if (b->len + len > b->cap) {
    size_t cap = (b->cap ? b->cap * 2 : 65536) + len;
    unsigned char *bigger = realloc(b->data, cap);
    if (!bigger) return CAIRO_STATUS_NO_MEMORY;
    b->data = bigger;
    b->cap = cap;
  }
  memcpy(b->data + b->len, data, len);
  b->len += len;
  return CAIRO_STATUS_SUCCESS;
}

/* Writes s to f with XML's special characters escaped. */
static void plot_xml(FILE *f, const char *s) {
  for (; *s; s++) {
    if (*s == '&') fputs("&amp;", f);
    else if (*s == '<') fputs("&lt;", f);
    else if (*s == '>') fputs("&gt;", f);
    else fputc(*s, f);
  }
}

/* The gathered SVG to f, with the figure's title and words as <title> and
** <desc> right after the opening <svg> tag, where viewers and searches
** look for them. */
static cairo_status_t plot_svg_out(FILE *f, const PlotBuffer *b, const PlotWords *w) {
  size_t head = 0, k;
  /* The end of the tag that opens with "<svg". */
  for (k = 0; k + 4 <= b->len && memcmp(b->data + k, "<svg", 4) != 0; k++) {
  }
  while (k < b->len && b->data[k] != '>') k++;
  if (k < b->len) head = k + 1;
  if (fwrite(b->data, 1, head, f) != head) return CAIRO_STATUS_WRITE_ERROR;
  if (head) {
    fputs("\n<title>", f);
    plot_xml(f, w->title);
    fputs("</title>\n<desc>", f);
    plot_xml(f, w->text ? w->text : "");
    fputs("</desc>", f);
  }
  if (fwrite(b->data + head, 1, b->len - head, f) != b->len - head || ferror(f))
    return CAIRO_STATUS_WRITE_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

/* Draws onto a surface of the backend, then writes it to f. */
static int plot_emit(FILE *f, int backend, int w, int h, PlotDrawFn draw,
                     const void *spec, const void *plan, const char *path,
                     char *err, size_t errlen) {
  cairo_surface_t *sf;
  cairo_t *cr;
  cairo_status_t cs;
  PlotWords words;
  PlotBuffer svg;
  int rc;
  memset(&words, 0, sizeof words);
  memset(&svg, 0, sizeof svg);
  if (backend == PLOT_PNG)
    sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
  else if (backend == PLOT_SVG)
    sf = cairo_svg_surface_create_for_stream(plot_gather, &svg, w, h);
  else
    sf = cairo_pdf_surface_create_for_stream(plot_write, f, w, h);
  cr = cairo_create(sf);
  if (backend != PLOT_PNG) cairo_set_user_data(cr, &plot_words_key, &words, NULL);
  plot_setup(cr);
  rc = cairo_status(cr) == CAIRO_STATUS_SUCCESS
           ? draw(cr, spec, plan, backend == PLOT_PNG, err, errlen)
           : PLOT_OK;
  cs = cairo_status(cr);
  cairo_destroy(cr);
  if (rc == PLOT_OK && cs == CAIRO_STATUS_SUCCESS) {
    if (backend == PLOT_PNG)
      cs = cairo_surface_write_to_png_stream(sf, plot_write, f);
    if (backend == PLOT_PDF)
      cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, words.title);
    cairo_surface_finish(sf); /* an SVG or PDF is written out here */
    if (cs == CAIRO_STATUS_SUCCESS) cs = cairo_surface_status(sf);
    if (cs == CAIRO_STATUS_SUCCESS && backend == PLOT_SVG) cs = plot_svg_out(f, &svg, &words);
  }
  cairo_surface_destroy(sf);
  free(words.text);
  free(svg.data);
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
int plot_render(const char *path, int w, int h, PlotDrawFn draw,
                       const void *spec, const void *plan, char *err,
                       size_t errlen) {
  int backend, rc;
  FILE *f;
  if (!path)
    return plot_fail(err, errlen, PLOT_EARG, "plot: no output file given");
  backend = plot_backend(path);
  if (backend < 0)
    return plot_fail(err, errlen, PLOT_EARG,
                     "%s: unknown figure format (use .png, .svg or .pdf)", path);
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
