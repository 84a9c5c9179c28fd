/*
** plot_options.c: the options of snnc plot, snnc run --plot-* and the
** REPL's plot command, parsed from their text into SnnPlotOptions:
**   --at T,T,...        times of the synaptic histograms (0s,600s)
**   --neurons SEL,...   neuron subsets: 0:100, E[0:100], E, E[7], :50, 10:
**   --window A:B        a time window with units (0.5s:1s, :200ms, 1s:)
**   --size WxH          figure size in pixels (1200x800)
**   --format F,...      png, svg, pdf
** One parser serves every caller, so the options mean the same everywhere.
*/
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_internal.h"
#include "snnrt.h"
#include "units.h"

/* Formats err and returns -1: what every bad value returns. */
static int opt_fail(char *err, size_t errlen, const char *fmt, ...) PLOT_PRINTF(3, 4);
static int opt_fail(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (err && errlen) vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  return -1;
}

/* A time such as "600s" or "0.5 s" into seconds; false after saying why. */
static bool opt_time(const char *opt, const char *text, double *out, char *err, size_t errlen) {
  Dim d;
  char why[160] = "";
  if (!unit_parse_quantity(text, out, &d, why, sizeof why) || !dim_eq(d, dim_time())) {
    opt_fail(err, errlen, "%s: '%s' is not a time (as 600s or 250ms): %s", opt, text,
             why[0] ? why : "it has another unit");
    return false;
  }
  return true;
}

/* --at 0s,10min,3600s */
static int opt_at(SnnPlotOptions *o, const char *list, char *err, size_t errlen) {
  char buf[512];
  if (strlen(list) >= sizeof buf) return opt_fail(err, errlen, "--at: the list is too long");
  snprintf(buf, sizeof buf, "%s", list);
  o->nat = 0;
  for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    if (o->nat == SNN_PLOT_MAX_AT)
      return opt_fail(err, errlen, "--at: at most %d times", SNN_PLOT_MAX_AT);
    if (!opt_time("--at", tok, &o->at[o->nat], err, errlen)) return -1;
    o->nat++;
  }
  if (o->nat == 0) return opt_fail(err, errlen, "--at needs times, as --at 0s,600s");
  return 0;
}

/* A neuron index at *p (digits), advancing past it; -1 if there is none. */
static int64_t opt_index(const char **p) {
  if (!isdigit((unsigned char)**p)) return -1;
  char *end;
  long long v = strtoll(*p, &end, 10);
  *p = end;
  return v > INT32_MAX ? INT32_MAX : (int64_t)v;
}

/* "0:100", ":50", "10:", "7" into [lo, hi) (hi -1: to the last neuron). */
static int opt_slice(const char *text, const char *whole, SnnPlotNeurons *n, char *err,
                     size_t errlen) {
  const char *p = text;
  int64_t lo = opt_index(&p), hi;
  if (*p == 0 && lo >= 0) {
    n->lo = lo, n->hi = lo + 1;
    return 0;
  }
  if (*p != ':')
    return opt_fail(err, errlen, "--neurons %s: write a slice of neuron indices, as 0:100, "
                    "E[0:100] or E", whole);
  p++;
  hi = *p ? opt_index(&p) : -1;
  if (*p || (hi < 0 && p[-1] != ':'))
    return opt_fail(err, errlen, "--neurons %s: write a slice of neuron indices (0 or more), "
                    "as 0:100", whole);
  n->lo = lo < 0 ? 0 : lo;
  n->hi = hi;
  if (hi >= 0 && hi <= n->lo)
    return opt_fail(err, errlen, "--neurons %s selects no neuron: the end of a slice must be "
                    "above its start, as in %lld:%lld", whole, (long long)n->lo,
                    (long long)n->lo + 1);
  return 0;
}

/* One selection: "0:100", "E", "E[0:100]". */
static int opt_selection(const char *tok, SnnPlotNeurons *n, char *err, size_t errlen) {
  memset(n, 0, sizeof *n);
  const char *open = strchr(tok, '[');
  if (isdigit((unsigned char)tok[0]) || tok[0] == ':') return opt_slice(tok, tok, n, err, errlen);
  size_t len = open ? (size_t)(open - tok) : strlen(tok);
  if (len == 0 || len >= sizeof n->pop)
    return opt_fail(err, errlen, "--neurons %s: name a population (as E) or a slice", tok);
  memcpy(n->pop, tok, len);
  n->pop[len] = 0;
  n->hi = -1;
  if (!open) return 0;
  char inner[64];
  size_t m = strlen(open + 1);
  if (m == 0 || open[m] != ']' || m - 1 >= sizeof inner)
    return opt_fail(err, errlen, "--neurons %s: close the slice with ']', as E[0:100]", tok);
  memcpy(inner, open + 1, m - 1);
  inner[m - 1] = 0;
  return opt_slice(inner, tok, n, err, errlen);
}

/* --neurons 0:100 or E[0:100],I[0:20] */
static int opt_neurons(SnnPlotOptions *o, const char *list, char *err, size_t errlen) {
  char buf[512];
  if (strlen(list) >= sizeof buf) return opt_fail(err, errlen, "--neurons: the list is too long");
  snprintf(buf, sizeof buf, "%s", list);
  o->nneurons = 0;
  for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    if (o->nneurons == SNN_PLOT_MAX_NEURONS)
      return opt_fail(err, errlen, "--neurons: at most %d selections", SNN_PLOT_MAX_NEURONS);
    if (opt_selection(tok, &o->neurons[o->nneurons], err, errlen) != 0) return -1;
    o->nneurons++;
  }
  if (o->nneurons == 0) return opt_fail(err, errlen, "--neurons needs neurons, as --neurons 0:100");
  return 0;
}

/* --window 0.5s:1s, :200ms, 1s: */
static int opt_window(SnnPlotOptions *o, const char *text, char *err, size_t errlen) {
  char buf[128];
  const char *colon = strchr(text, ':');
  if (!colon || strlen(text) >= sizeof buf)
    return opt_fail(err, errlen, "--window %s: write START:END with units, as 0.5s:1s "
                    "(either may be left out)", text);
  snprintf(buf, sizeof buf, "%.*s", (int)(colon - text), text);
  double a = 0, b = INFINITY;
  if (buf[0] && !opt_time("--window", buf, &a, err, errlen)) return -1;
  if (colon[1] && !opt_time("--window", colon + 1, &b, err, errlen)) return -1;
  if (a < 0) return opt_fail(err, errlen, "--window %s: the run starts at 0 s", text);
  if (!(b > a))
    return opt_fail(err, errlen, "--window %s: the end must come after the start", text);
  o->window = true;
  o->t_start = a;
  o->t_stop = b;
  return 0;
}

/* --size 1200x800 */
static int opt_size(SnnPlotOptions *o, const char *text, char *err, size_t errlen) {
  char *end;
  long w = strtol(text, &end, 10), h = -1;
  if (end != text && (*end == 'x' || *end == 'X') && isdigit((unsigned char)end[1]))
    h = strtol(end + 1, &end, 10);
  if (h < 0 || *end)
    return opt_fail(err, errlen, "--size %s: write WIDTHxHEIGHT in pixels, as 1200x800", text);
  if (w < PLOT_MIN_SIDE || w > PLOT_MAX_SIDE || h < PLOT_MIN_SIDE || h > PLOT_MAX_SIDE)
    return opt_fail(err, errlen, "--size %s: width and height must be %d to %d pixels", text,
                    PLOT_MIN_SIDE, PLOT_MAX_SIDE);
  o->width = (int)w;
  o->height = (int)h;
  return 0;
}

/* --format png,svg,pdf */
static int opt_format(SnnPlotOptions *o, const char *list, char *err, size_t errlen) {
  static const char *const names[3] = {"png", "svg", "pdf"};
  char buf[64];
  if (strlen(list) >= sizeof buf) return opt_fail(err, errlen, "--format %s: use png, svg or pdf",
                                                  list);
  snprintf(buf, sizeof buf, "%s", list);
  o->formats = 0;
  for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    int k = 0;
    while (k < 3 && strcmp(tok, names[k]) != 0) k++;
    if (k == 3) return opt_fail(err, errlen, "--format %s: use png, svg or pdf (or a list, as "
                                "png,pdf)", tok);
    o->formats |= 1u << k;
  }
  if (!o->formats) return opt_fail(err, errlen, "--format needs a format: png, svg or pdf");
  return 0;
}

int snnrt_plot_option(SnnPlotOptions *o, const char *name, const char *value, char *err,
                      size_t errlen) {
  if (!value) value = "";
  if (strcmp(name, "--at") == 0) return opt_at(o, value, err, errlen);
  if (strcmp(name, "--neurons") == 0) return opt_neurons(o, value, err, errlen);
  if (strcmp(name, "--window") == 0) return opt_window(o, value, err, errlen);
  if (strcmp(name, "--size") == 0) return opt_size(o, value, err, errlen);
  if (strcmp(name, "--format") == 0) return opt_format(o, value, err, errlen);
  return 1;
}
