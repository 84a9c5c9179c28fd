/*
** test_plot.c: unit tests for the figures of runtime/plot.c.
**
** Draws a synthetic raster with a known pattern (a dense burst, a silent
** window) to PNG and SVG, reloads the PNG and checks pixels at places
** computed from plot_raster_layout; then edge cases (no spikes, one spike,
** empty time range, NaN, tiny figures, ten million spikes), trace figures,
** and the error paths.  Set SNN_TEST_KEEP=1 to keep the figures.
*/
#define _POSIX_C_SOURCE 200809L
#include "plot.h"
#include "test.h"

#include <cairo.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static char tmpdir[64];

static const char *tmp_path(char *buf, size_t cap, const char *name) {
  snprintf(buf, cap, "%s/%s", tmpdir, name);
  return buf;
}

/* A growable spike list for building test groups. */
typedef struct Spikes {
  double *t;
  int32_t *i;
  int64_t n, cap;
} Spikes;

static void spikes_add(Spikes *s, double t, int32_t i) {
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 1024;
    s->t = realloc(s->t, sizeof(double) * (size_t)s->cap);
    s->i = realloc(s->i, sizeof(int32_t) * (size_t)s->cap);
    if (!s->t || !s->i) abort();
  }
  s->t[s->n] = t;
  s->i[s->n] = i;
  s->n++;
}

static void spikes_free(Spikes *s) {
  free(s->t);
  free(s->i);
  memset(s, 0, sizeof *s);
}

/* A deterministic pseudo-random number in [0, 1). */
static double lcg(uint64_t *state) {
  *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(*state >> 11) / 9007199254740992.0;
}

/* The synthetic network: 80 excitatory neurons firing irregularly at about
** 15 Hz, all of them every millisecond during a burst at 200-250 ms, and
** 20 inhibitory neurons at about 40 Hz; nobody fires in 700-800 ms. */
static void make_network(Spikes *exc, Spikes *inh) {
  uint64_t seed = 12345;
  int32_t n;
  double t;
  for (n = 0; n < 80; n++) {
    for (t = lcg(&seed) * 0.06; t < 1.0; t += 0.02 + lcg(&seed) * 0.09)
      if (!(t >= 0.7 && t < 0.8) && !(t >= 0.2 && t < 0.25))
        spikes_add(exc, t, n);
    for (t = 0.2; t < 0.25 - 1e-9; t += 1e-3) spikes_add(exc, t + 2e-4, n);
  }
  for (n = 0; n < 20; n++)
    for (t = lcg(&seed) * 0.02; t < 1.0; t += 0.005 + lcg(&seed) * 0.04)
      if (!(t >= 0.7 && t < 0.8)) spikes_add(inh, t, n);
}

/* Pixel (x, y) of an ARGB32 image as 0xRRGGBB. */
static uint32_t pixel(cairo_surface_t *img, int x, int y) {
  const unsigned char *d = cairo_image_surface_get_data(img);
  uint32_t v;
  memcpy(&v,
         d + (size_t)y * (size_t)cairo_image_surface_get_stride(img) +
             (size_t)x * 4,
         4);
  return v & 0xffffffu;
}

/* Non-white pixels in the rectangle [x0, x1) x [y0, y1). */
static long count_ink(cairo_surface_t *img, int x0, int y0, int x1, int y1) {
  long n = 0;
  int x, y;
  for (y = y0; y < y1; y++)
    for (x = x0; x < x1; x++) n += pixel(img, x, y) != 0xffffffu;
  return n;
}

/* Pixels whose colour is clearly not grey (drawn by a coloured line). */
static long count_colour(cairo_surface_t *img) {
  int w = cairo_image_surface_get_width(img);
  int h = cairo_image_surface_get_height(img), x, y;
  long n = 0;
  for (y = 0; y < h; y++)
    for (x = 0; x < w; x++) {
      uint32_t p = pixel(img, x, y);
      int r = (int)(p >> 16), g = (int)(p >> 8 & 0xff), b = (int)(p & 0xff);
      n += abs(r - g) > 60 || abs(g - b) > 60 || abs(r - b) > 60;
    }
  return n;
}

static int file_contains(const char *path, const char *needle) {
  FILE *f = fopen(path, "rb");
  char buf[4096];
  size_t n;
  int found = 0;
  if (!f) return 0;
  n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  found = strstr(buf, needle) != NULL;
  fclose(f);
  return found;
}

static void test_raster_png(void) {
  Spikes exc = {0}, inh = {0};
  PlotSpikeGroup groups[2];
  PlotRaster spec;
  PlotLayout lay;
  cairo_surface_t *img;
  char path[128], err[256] = "";
  double x0, y0, x1, y1;
  make_network(&exc, &inh);
  groups[0] = (PlotSpikeGroup){"exc", exc.t, exc.i, exc.n, 80, 0};
  groups[1] = (PlotSpikeGroup){"inh", inh.t, inh.i, inh.n, 20, 0};
  spec = (PlotRaster){"Synthetic network", 0.0, 1.0, groups, 2, 0, 0, 0};
  CHECK_EQ_INT(plot_raster_layout(&spec, &lay, err, sizeof err), PLOT_OK);
  CHECK_EQ_INT(lay.width, 960);
  CHECK_EQ_INT(lay.height, 720);
  CHECK_EQ_INT(lay.nrows, 100);
  CHECK(lay.raster.x > 30 && lay.raster.x + lay.raster.w < lay.width);
  CHECK(lay.raster.y > 20 && lay.raster.y + lay.raster.h < lay.rate.y);
  CHECK(lay.rate.y + lay.rate.h < lay.height - 30);
  CHECK_NEAR(lay.rate_bin, 0.005, 1e-12);
  /* During the burst every exc neuron fires at 1 kHz. */
  CHECK(lay.rate_max >= 1000 && lay.rate_max <= 1500);

  CHECK_EQ_INT(plot_raster(&spec, tmp_path(path, sizeof path, "raster.png"),
                           err, sizeof err),
               PLOT_OK);
  img = cairo_image_surface_create_from_png(path);
  CHECK(cairo_surface_status(img) == CAIRO_STATUS_SUCCESS);
  if (cairo_surface_status(img) == CAIRO_STATUS_SUCCESS) {
    CHECK_EQ_INT(cairo_image_surface_get_width(img), 960);
    CHECK_EQ_INT(cairo_image_surface_get_height(img), 720);
    CHECK(cairo_image_surface_get_format(img) == CAIRO_FORMAT_ARGB32 ||
          cairo_image_surface_get_format(img) == CAIRO_FORMAT_RGB24);
    CHECK_EQ_INT(pixel(img, 2, 2), 0xffffff); /* white background */
    /* The burst: exc neurons 5..75, 205..245 ms, densely inked (rows keep
    ** a thin gap between them, so not solid). */
    plot_raster_point(&spec, &lay, 0, 75, 0.205, &x0, &y0);
    plot_raster_point(&spec, &lay, 0, 5, 0.245, &x1, &y1);
    CHECK(count_ink(img, (int)x0, (int)y0, (int)x1, (int)y1) >
          0.6 * (x1 - x0) * (y1 - y0));
    /* The silent window: inside 710..790 ms no ink from row 1 to row 98
    ** (the band separator lies between the groups, at row 20). */
    plot_raster_point(&spec, &lay, 0, 78, 0.71, &x0, &y0);
    plot_raster_point(&spec, &lay, 0, 2, 0.79, &x1, &y1);
    CHECK_EQ_INT(count_ink(img, (int)x0, (int)y0, (int)x1, (int)y1), 0);
    plot_raster_point(&spec, &lay, 1, 18, 0.71, &x0, &y0);
    plot_raster_point(&spec, &lay, 1, 1, 0.79, &x1, &y1);
    CHECK_EQ_INT(count_ink(img, (int)x0, (int)y0, (int)x1, (int)y1), 0);
    /* The rate panel: under the burst the curve (filled) reaches above
    ** 900 Hz; in the silent window it is at zero. */
    {
      int xb = (int)(lay.rate.x + 0.225 * lay.rate.w);
      int xs = (int)(lay.rate.x + 0.75 * lay.rate.w);
      int y900 = (int)(lay.rate.y + lay.rate.h * (1 - 900 / lay.rate_max));
      CHECK(pixel(img, xb, y900) != 0xffffff);
      CHECK_EQ_INT(count_ink(img, xs - 5, (int)lay.rate.y, xs + 5,
                             (int)(lay.rate.y + lay.rate.h - 3)),
                   0);
    }
    /* Coloured ink: both groups' colours are present. */
    CHECK(count_colour(img) > 5000);
  }
  cairo_surface_destroy(img);

  CHECK_EQ_INT(plot_raster(&spec, tmp_path(path, sizeof path, "raster.svg"),
                           err, sizeof err),
               PLOT_OK);
  CHECK(file_contains(path, "<svg"));
  /* Upper-case extensions are fine too. */
  CHECK_EQ_INT(plot_raster(&spec, tmp_path(path, sizeof path, "RASTER.PNG"),
                           err, sizeof err),
               PLOT_OK);
  spikes_free(&exc);
  spikes_free(&inh);
}

/* Draws spec to name.png and name.svg, expecting success. */
static void draw_both(const PlotRaster *spec, const char *name) {
  char path[128], file[64], err[256] = "";
  snprintf(file, sizeof file, "%s.png", name);
  CHECK_EQ_INT(
      plot_raster(spec, tmp_path(path, sizeof path, file), err, sizeof err),
      PLOT_OK);
  if (err[0]) fprintf(stderr, "%s: %s\n", name, err);
  snprintf(file, sizeof file, "%s.svg", name);
  CHECK_EQ_INT(
      plot_raster(spec, tmp_path(path, sizeof path, file), err, sizeof err),
      PLOT_OK);
}

static void test_raster_edges(void) {
  static const double one_t[] = {0.5};
  static const int32_t one_i[] = {3};
  static const double odd_t[] = {0.1, NAN, 0.3, -5.0, 99.0, INFINITY};
  static const int32_t odd_i[] = {0, 1, 2, 3, 4, 5};
  PlotSpikeGroup g[3];
  PlotRaster spec;
  PlotLayout lay;
  char err[256];

  /* No spikes at all. */
  g[0] = (PlotSpikeGroup){"silent", NULL, NULL, 0, 10, 0};
  spec = (PlotRaster){"No spikes", 0.0, 1.0, g, 1, 0, 0, 0};
  draw_both(&spec, "empty");
  CHECK_EQ_INT(plot_raster_layout(&spec, &lay, err, sizeof err), PLOT_OK);
  CHECK_NEAR(lay.rate_max, 1, 0);

  /* One spike, and t_stop == t_start: the range comes from the spike. */
  g[0] = (PlotSpikeGroup){"one", one_t, one_i, 1, 0, 0};
  spec = (PlotRaster){NULL, 0.0, 0.0, g, 1, 0, 0, 0};
  draw_both(&spec, "one");
  CHECK_EQ_INT(plot_raster_layout(&spec, &lay, err, sizeof err), PLOT_OK);
  CHECK(lay.t0 < 0.5 && lay.t1 > 0.5);
  CHECK_EQ_INT(lay.nrows, 4); /* inferred: largest index + 1 */

  /* No groups; equal start and stop with no spikes. */
  spec = (PlotRaster){"Nothing", 2.0, 2.0, NULL, 0, 0, 0, 0};
  draw_both(&spec, "nogroups");

  /* NaN, infinite and out-of-range times are skipped; unnamed groups. */
  g[0] = (PlotSpikeGroup){NULL, odd_t, odd_i, 6, 6, 0};
  g[1] = (PlotSpikeGroup){"", one_t, one_i, 1, 4, 0};
  g[2] = (PlotSpikeGroup){
      "a very long group name that goes on and on and on "
      "and on",
      one_t, one_i, 1, 4, 0};
  spec = (PlotRaster){"Odd input", 0.0, 1.0, g, 3, 1e-3, 200, 200};
  draw_both(&spec, "odd");
  spec.width = 4000;
  spec.height = 300;
  draw_both(&spec, "wide");
  /* A tiny bin on a long span is widened, not allocated. */
  spec = (PlotRaster){"Long", 0.0, 1e6, g, 1, 1e-9, 0, 0};
  CHECK_EQ_INT(plot_raster_layout(&spec, &lay, err, sizeof err), PLOT_OK);
  CHECK(lay.rate_bin >= 1e6 / 20000);
}

static void test_raster_errors(void) {
  static const double t[] = {0.1, 0.2};
  static const int32_t bad_i[] = {0, 10};
  static const int32_t neg_i[] = {0, -1};
  PlotSpikeGroup g = {"exc", t, bad_i, 2, 10, 0};
  PlotRaster spec = {"x", 0.0, 1.0, &g, 1, 0, 0, 0};
  PlotLayout lay;
  char err[256] = "", path[128];

  CHECK_EQ_INT(plot_raster(&spec, "/tmp/never.png", err, sizeof err),
               PLOT_EARG);
  CHECK(strstr(err, "exc") != NULL && strstr(err, "index 10") != NULL);
  if (!strstr(err, "index 10")) fprintf(stderr, "message: %s\n", err);
  CHECK(strstr(err, "/tmp/never.png") != NULL);
  CHECK(access("/tmp/never.png", F_OK) != 0);
  g.index = neg_i;
  CHECK_EQ_INT(plot_raster_layout(&spec, &lay, err, sizeof err), PLOT_EARG);
  g.size = 0;
  CHECK_EQ_INT(plot_raster_layout(&spec, &lay, err, sizeof err), PLOT_EARG);
  g.index = bad_i;
  g.size = 20;

  spec.t_stop = -1;
  CHECK_EQ_INT(plot_raster_layout(&spec, &lay, err, sizeof err), PLOT_EARG);
  CHECK(strstr(err, "time range") != NULL);
  spec.t_start = -1e308;
  spec.t_stop = 1e308;
  CHECK_EQ_INT(plot_raster_layout(&spec, &lay, err, sizeof err), PLOT_EARG);
  CHECK(strstr(err, "too large") != NULL);
  spec.t_start = 0;
  spec.t_stop = NAN;
  CHECK_EQ_INT(plot_raster_layout(&spec, &lay, err, sizeof err), PLOT_EARG);
  spec.t_stop = 1;
  spec.rate_bin = -1;
  CHECK_EQ_INT(plot_raster_layout(&spec, &lay, err, sizeof err), PLOT_EARG);
  spec.rate_bin = 0;
  spec.width = 50;
  CHECK_EQ_INT(plot_raster_layout(&spec, &lay, err, sizeof err), PLOT_EARG);
  CHECK(strstr(err, "width") != NULL);
  spec.width = 0;
  g.count = -1;
  CHECK_EQ_INT(plot_raster_layout(&spec, &lay, err, sizeof err), PLOT_EARG);
  g.count = 2;
  CHECK_EQ_INT(plot_raster_layout(NULL, &lay, err, sizeof err), PLOT_EARG);

  /* Output problems: unwritable place, unknown format, no file. */
  CHECK_EQ_INT(plot_raster(&spec, "/nonexistent-dir/fig.png", err, sizeof err),
               PLOT_EIO);
  CHECK(strstr(err, "/nonexistent-dir/fig.png") != NULL);
  CHECK_EQ_INT(plot_raster(&spec, "/nonexistent-dir/fig.svg", err, sizeof err),
               PLOT_EIO);
  CHECK_EQ_INT(plot_raster(&spec, tmp_path(path, sizeof path, "fig.jpg"), err,
                           sizeof err),
               PLOT_EARG);
  CHECK(strstr(err, "fig.jpg") != NULL);
  CHECK_EQ_INT(plot_raster(&spec, NULL, err, sizeof err), PLOT_EARG);
  /* A full disk is reported and the partial file removed. */
  if (access("/dev/full", W_OK) == 0) {
    /* /dev/full has no extension, so a symlink gives it one. */
    tmp_path(path, sizeof path, "full.svg");
    if (symlink("/dev/full", path) == 0) {
      CHECK_EQ_INT(plot_raster(&spec, path, err, sizeof err), PLOT_EIO);
      CHECK(strstr(err, "full.svg") != NULL);
    }
  }
  /* A NULL message buffer is allowed. */
  CHECK_EQ_INT(plot_raster(&spec, "/nonexistent-dir/fig.png", NULL, 0),
               PLOT_EIO);
}

/* Ten million spikes: must finish in seconds with bounded extra memory. */
static void test_raster_large(void) {
  const int64_t n = 10000000;
  const int32_t size = 10000;
  double *t = malloc(sizeof(double) * (size_t)n);
  int32_t *idx = malloc(sizeof(int32_t) * (size_t)n);
  PlotSpikeGroup g[2];
  PlotRaster spec;
  PlotLayout lay;
  cairo_surface_t *img;
  char path[128], err[256] = "";
  uint64_t seed = 7;
  clock_t c0;
  double secs, x, y;
  int64_t k;
  if (!t || !idx) {
    printf("test_plot: no memory for the large raster; skipping\n");
    free(t);
    free(idx);
    return;
  }
  /* A rate that rises along the run, plus a silent band of neurons. */
  for (k = 0; k < n; k++) {
    double u = lcg(&seed);
    t[k] = 10.0 * sqrt(u);
    idx[k] = (int32_t)(lcg(&seed) * size);
    if (idx[k] >= 4000 && idx[k] < 4500) idx[k] -= 1000;
  }
  g[0] = (PlotSpikeGroup){"exc", t, idx, n - n / 5, size, 0};
  g[1] =
      (PlotSpikeGroup){"inh", t + (n - n / 5), idx + (n - n / 5), n / 5, size, 0};
  spec = (PlotRaster){"10 million spikes", 0.0, 10.0, g, 2, 0, 0, 0};
  c0 = clock();
  CHECK_EQ_INT(plot_raster(&spec, tmp_path(path, sizeof path, "large.png"), err,
                           sizeof err),
               PLOT_OK);
  secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
  printf("test_plot: 1e7 spikes drawn in %.2f s\n", secs);
  CHECK(secs < 60);
  CHECK_EQ_INT(plot_raster_layout(&spec, &lay, err, sizeof err), PLOT_OK);
  img = cairo_image_surface_create_from_png(path);
  if (cairo_surface_status(img) == CAIRO_STATUS_SUCCESS) {
    /* Late in the run the raster is solid; the silent band is blank. */
    plot_raster_point(&spec, &lay, 0, 2000, 9.5, &x, &y);
    CHECK(pixel(img, (int)x, (int)y) != 0xffffff);
    plot_raster_point(&spec, &lay, 0, 4250, 9.5, &x, &y);
    CHECK_EQ_INT(
        count_ink(img, (int)x - 20, (int)y - 3, (int)x + 20, (int)y + 3), 0);
  } else {
    CHECK(0);
  }
  cairo_surface_destroy(img);
  CHECK_EQ_INT(plot_raster(&spec, tmp_path(path, sizeof path, "large.svg"), err,
                           sizeof err),
               PLOT_OK);
  free(t);
  free(idx);
}

/* Membrane-like traces: three lines, a NaN gap, a constant line. */
static void test_traces(void) {
  enum { N = 2001, M = 3 };
  static double times[N], values[N * M];
  static const char *const labels[M] = {"v[0]", "v[1]", "threshold"};
  PlotTraces spec;
  cairo_surface_t *img;
  char path[128], err[256] = "";
  int i;
  for (i = 0; i < N; i++) {
    double t = i * 1e-4;
    times[i] = t;
    values[i * M + 0] = -65 + 10 * sin(2 * 3.14159265 * 8 * t) +
                        (fmod(t, 0.05) < 1e-4 ? 25 : 0);
    values[i * M + 1] = -70 + 12 * (1 - exp(-t / 0.03)) * cos(40 * t);
    values[i * M + 2] = -50;
  }
  for (i = 800; i < 900; i++) values[i * M + 1] = NAN;
  spec = (PlotTraces){
      "Membrane potential", times, N, M, values, "v (mV)", labels, 0, 0, NULL, 0, NULL, 0, 0};
  CHECK_EQ_INT(plot_traces(&spec, tmp_path(path, sizeof path, "traces.png"),
                           err, sizeof err),
               PLOT_OK);
  img = cairo_image_surface_create_from_png(path);
  CHECK(cairo_surface_status(img) == CAIRO_STATUS_SUCCESS);
  if (cairo_surface_status(img) == CAIRO_STATUS_SUCCESS) {
    CHECK_EQ_INT(cairo_image_surface_get_width(img), 960);
    CHECK(count_colour(img) > 2000);
  }
  cairo_surface_destroy(img);
  CHECK_EQ_INT(plot_traces(&spec, tmp_path(path, sizeof path, "traces.svg"),
                           err, sizeof err),
               PLOT_OK);
  CHECK(file_contains(path, "<svg"));

  /* Edge cases: no samples, no traces, all NaN, one sample, no labels. */
  spec.nsamples = 0;
  CHECK_EQ_INT(plot_traces(&spec, tmp_path(path, sizeof path, "t_empty.png"),
                           err, sizeof err),
               PLOT_OK);
  spec.nsamples = N;
  spec.ntraces = 0;
  spec.labels = NULL;
  CHECK_EQ_INT(plot_traces(&spec, tmp_path(path, sizeof path, "t_none.png"),
                           err, sizeof err),
               PLOT_OK);
  for (i = 0; i < N * M; i++) values[i] = NAN;
  spec.ntraces = M;
  CHECK_EQ_INT(plot_traces(&spec, tmp_path(path, sizeof path, "t_nan.svg"), err,
                           sizeof err),
               PLOT_OK);
  values[0] = 1;
  spec.nsamples = 1;
  CHECK_EQ_INT(plot_traces(&spec, tmp_path(path, sizeof path, "t_one.png"), err,
                           sizeof err),
               PLOT_OK);
  values[3] = 1e308;
  values[4] = -1e308;
  spec.nsamples = 2;
  CHECK_EQ_INT(plot_traces(&spec, tmp_path(path, sizeof path, "t_huge.png"),
                           err, sizeof err),
               PLOT_OK);

  /* Errors. */
  spec.times = NULL;
  CHECK_EQ_INT(plot_traces(&spec, tmp_path(path, sizeof path, "t_bad.png"), err,
                           sizeof err),
               PLOT_EARG);
  spec.times = times;
  spec.nsamples = -1;
  CHECK_EQ_INT(plot_traces(&spec, tmp_path(path, sizeof path, "t_bad.png"), err,
                           sizeof err),
               PLOT_EARG);
  spec.nsamples = 2;
  CHECK_EQ_INT(plot_traces(&spec, "/nonexistent-dir/t.svg", err, sizeof err),
               PLOT_EIO);
  CHECK(strstr(err, "/nonexistent-dir/t.svg") != NULL);
  CHECK_EQ_INT(plot_traces(NULL, "/tmp/x.png", err, sizeof err), PLOT_EARG);
}

/* Histograms: the counts of known values, ink where the tallest bin is,
** none above an empty one, marks on traces, and the error paths. */
static void test_histogram(void) {
  enum { N = 1000 };
  static double a[N], b[N];
  PlotHistSet sets[2];
  PlotHistogram spec;
  PlotHistLayout lay;
  int64_t counts[2 * 10];
  double lo, hi;
  int bins, i;
  char path[128], err[256] = "";
  /* a: 700 values in bin 0, 300 in bin 9; b: uniform, one NaN. */
  for (i = 0; i < N; i++) {
    a[i] = i < 700 ? 0.01 : 0.99;
    b[i] = (i + 0.5) / N;
  }
  b[5] = NAN;
  sets[0] = (PlotHistSet){"t = 0 s", a, N};
  sets[1] = (PlotHistSet){"t = 100 s", b, N};
  memset(&spec, 0, sizeof spec);
  spec.title = "weights";
  spec.xlabel = "w";
  spec.sets = sets;
  spec.nsets = 2;
  spec.bins = 10;
  spec.lo = 0;
  spec.hi = 1;
  CHECK_EQ_INT(plot_histogram_counts(&spec, counts, &lo, &hi, &bins, err, sizeof err), PLOT_OK);
  CHECK_EQ_INT(bins, 10);
  CHECK_EQ_INT(counts[0], 700);
  CHECK_EQ_INT(counts[9], 300);
  CHECK_EQ_INT(counts[5], 0);
  CHECK_EQ_INT(counts[10 + 3], 100);
  CHECK_EQ_INT(counts[10 + 0], 99); /* the NaN is left out */
  CHECK_EQ_INT(plot_histogram_layout(&spec, &lay, err, sizeof err), PLOT_OK);
  CHECK(lay.count_max >= 700 && lay.count_max < 800);
  CHECK_EQ_INT(plot_histogram(&spec, tmp_path(path, sizeof path, "hist.png"), err, sizeof err),
               PLOT_OK);
  cairo_surface_t *img = cairo_image_surface_create_from_png(path);
  CHECK(cairo_surface_status(img) == CAIRO_STATUS_SUCCESS);
  if (cairo_surface_status(img) == CAIRO_STATUS_SUCCESS) {
    /* Bin 0 of set 0 reaches 700: ink just below that height; bin 5 holds
       only set 1's 100: nothing drawn at 400 in its column. */
    double bw = lay.area.w / lay.bins;
    int y700 = (int)(lay.area.y + lay.area.h - 690 / lay.count_max * lay.area.h);
    int y400 = (int)(lay.area.y + lay.area.h - 400 / lay.count_max * lay.area.h);
    int x0 = (int)(lay.area.x + bw / 2), x5 = (int)(lay.area.x + 5.5 * bw);
    CHECK(count_ink(img, x0 - 2, y700 - 2, x0 + 3, y700 + 3) > 0);
    CHECK_EQ_INT(count_ink(img, x5 - 2, y400 - 2, x5 + 3, y400 + 3), 0);
  }
  cairo_surface_destroy(img);
  CHECK_EQ_INT(plot_histogram(&spec, tmp_path(path, sizeof path, "hist.svg"), err, sizeof err),
               PLOT_OK);
  CHECK(file_contains(path, "<svg"));
  /* Out of range values go to the outer bins; no range: the values'. */
  spec.lo = 0.2;
  spec.hi = 0.8;
  CHECK_EQ_INT(plot_histogram_counts(&spec, counts, &lo, &hi, &bins, err, sizeof err), PLOT_OK);
  CHECK_EQ_INT(counts[0] + counts[9], 1000);
  spec.lo = spec.hi = 0;
  CHECK_EQ_INT(plot_histogram_counts(&spec, NULL, &lo, &hi, &bins, err, sizeof err), PLOT_OK);
  CHECK(lo == 0.0005 && hi == 0.9995);
  /* Empty sets, all NaN, no sets. */
  sets[0].count = 0;
  for (i = 0; i < N; i++) b[i] = NAN;
  CHECK_EQ_INT(plot_histogram(&spec, tmp_path(path, sizeof path, "h_empty.png"), err, sizeof err),
               PLOT_OK);
  spec.nsets = 0;
  CHECK_EQ_INT(plot_histogram(&spec, tmp_path(path, sizeof path, "h_none.png"), err, sizeof err),
               PLOT_OK);
  /* Errors. */
  spec.nsets = 2;
  spec.bins = -1;
  CHECK_EQ_INT(plot_histogram(&spec, tmp_path(path, sizeof path, "h_bad.png"), err, sizeof err),
               PLOT_EARG);
  CHECK(strstr(err, "bins") != NULL);
  spec.bins = 10;
  spec.lo = 1;
  spec.hi = 0;
  CHECK_EQ_INT(plot_histogram(&spec, tmp_path(path, sizeof path, "h_bad.png"), err, sizeof err),
               PLOT_EARG);
  spec.lo = spec.hi = 0;
  sets[1].values = NULL;
  CHECK_EQ_INT(plot_histogram(&spec, tmp_path(path, sizeof path, "h_bad.png"), err, sizeof err),
               PLOT_EARG);
  CHECK_EQ_INT(plot_histogram(NULL, tmp_path(path, sizeof path, "h_bad.png"), err, sizeof err),
               PLOT_EARG);
  sets[1].values = b;
  CHECK_EQ_INT(plot_histogram(&spec, "/nonexistent-dir/h.png", err, sizeof err), PLOT_EIO);
}

/* Marks along the top of a trace figure: ink at their columns only. */
static void test_trace_marks(void) {
  static double t[101], v[101];
  static const double marks[2] = {0.25, 0.75};
  char path[128], err[256] = "";
  for (int i = 0; i <= 100; i++) {
    t[i] = i * 0.01;
    v[i] = 0;
  }
  PlotTraces spec = {"dopamine", t, 101, 1, v, "dopamine", NULL, 0, 0, marks, 2, NULL, 0, 0};
  CHECK_EQ_INT(plot_traces(&spec, tmp_path(path, sizeof path, "marks.png"), err, sizeof err),
               PLOT_OK);
  spec.nmarks = 0;
  CHECK_EQ_INT(plot_traces(&spec, tmp_path(path, sizeof path, "nomarks.png"), err, sizeof err),
               PLOT_OK);
  cairo_surface_t *with = cairo_image_surface_create_from_png(tmp_path(path, sizeof path,
                                                                       "marks.png"));
  cairo_surface_t *without = cairo_image_surface_create_from_png(tmp_path(path, sizeof path,
                                                                          "nomarks.png"));
  CHECK(cairo_surface_status(with) == CAIRO_STATUS_SUCCESS &&
        cairo_surface_status(without) == CAIRO_STATUS_SUCCESS);
  if (cairo_surface_status(with) == CAIRO_STATUS_SUCCESS &&
      cairo_surface_status(without) == CAIRO_STATUS_SUCCESS) {
    int w = cairo_image_surface_get_width(with), h = cairo_image_surface_get_height(with);
    CHECK(count_ink(with, 0, 0, w, h) > count_ink(without, 0, 0, w, h) + 10);
  }
  cairo_surface_destroy(with);
  cairo_surface_destroy(without);
  spec.marks = NULL;
  spec.nmarks = 3;
  CHECK_EQ_INT(plot_traces(&spec, tmp_path(path, sizeof path, "m_bad.png"), err, sizeof err),
               PLOT_EARG);
}

/* A million samples per trace are reduced per pixel column. */
static void test_traces_large(void) {
  const int64_t n = 1000000;
  double *t = malloc(sizeof(double) * (size_t)n);
  double *v = malloc(sizeof(double) * (size_t)n * 2);
  PlotTraces spec;
  char path[128], err[256] = "";
  int64_t i;
  if (!t || !v) {
    free(t);
    free(v);
    return;
  }
  for (i = 0; i < n; i++) {
    t[i] = (double)i * 1e-5;
    v[2 * i] = sin((double)i * 0.001) + 0.3 * sin((double)i * 0.37);
    v[2 * i + 1] = i % 1000 < 10 ? NAN : cos((double)i * 0.0002);
  }
  spec = (PlotTraces){"Long run", t, n, 2, v, "x", NULL, 0, 0, NULL, 0, NULL, 0, 0};
  CHECK_EQ_INT(plot_traces(&spec, tmp_path(path, sizeof path, "t_large.png"),
                           err, sizeof err),
               PLOT_OK);
  CHECK_EQ_INT(plot_traces(&spec, tmp_path(path, sizeof path, "t_large.svg"),
                           err, sizeof err),
               PLOT_OK);
  free(t);
  free(v);
}

/* A subset of neurons 100..109: rows from its first neuron, spikes outside
** it refused; a PDF figure is a PDF. */
static void test_raster_first(void) {
  static const double t[] = {0.25, 0.75};
  static const int32_t idx[] = {100, 109};
  static const int32_t below[] = {99, 100};
  PlotSpikeGroup g = {"sub", t, idx, 2, 10, 100};
  PlotRaster spec = {"Subset", 0.0, 1.0, &g, 1, 0, 0, 0};
  PlotLayout lay;
  char path[128], err[256] = "", head[8] = "";
  double x0, y0, x1, y1;
  cairo_surface_t *img;
  FILE *f;
  CHECK_EQ_INT(plot_raster_layout(&spec, &lay, err, sizeof err), PLOT_OK);
  CHECK_EQ_INT(lay.nrows, 10);
  plot_raster_point(&spec, &lay, 0, 100, 0.25, &x0, &y0);
  plot_raster_point(&spec, &lay, 0, 109, 0.75, &x1, &y1);
  /* Neuron 100 on the lowest row, 109 on the highest. */
  CHECK_NEAR(y0, lay.raster.y + lay.raster.h - 0.5 * lay.raster.h / 10, 1e-9);
  CHECK_NEAR(y1, lay.raster.y + 0.5 * lay.raster.h / 10, 1e-9);
  CHECK_EQ_INT(plot_raster(&spec, tmp_path(path, sizeof path, "first.png"), err, sizeof err),
               PLOT_OK);
  img = cairo_image_surface_create_from_png(path);
  CHECK(count_ink(img, (int)x0 - 2, (int)y0 - 2, (int)x0 + 3, (int)y0 + 3) > 0);
  CHECK(count_ink(img, (int)x1 - 2, (int)y1 - 2, (int)x1 + 3, (int)y1 + 3) > 0);
  cairo_surface_destroy(img);
  CHECK_EQ_INT(plot_raster(&spec, tmp_path(path, sizeof path, "first.pdf"), err, sizeof err),
               PLOT_OK);
  f = fopen(path, "rb");
  CHECK(f != NULL);
  if (f) {
    CHECK(fread(head, 1, 5, f) == 5 && memcmp(head, "%PDF-", 5) == 0);
    fclose(f);
  }
  g.index = below;
  CHECK_EQ_INT(plot_raster_layout(&spec, &lay, err, sizeof err), PLOT_EARG);
  CHECK(strstr(err, "below its first neuron 100") != NULL);
}

/* A time window: the axis spans it and values outside it do not widen the
** value axis, so a spike of the trace outside the window leaves the trace
** inside it filling the height. */
static void test_traces_window(void) {
  enum { N = 1001 };
  static double t[N], v[N];
  char path[128], err[256] = "";
  cairo_surface_t *img;
  int i;
  for (i = 0; i < N; i++) {
    t[i] = i * 1e-3;
    v[i] = i < 500 ? 1000 : (i % 2 ? 1 : -1);
  }
  PlotTraces spec = {"window", t, N, 1, v, "v", NULL, 0, 0, NULL, 0, NULL, 0.6, 0.9};
  CHECK_EQ_INT(plot_traces(&spec, tmp_path(path, sizeof path, "window.png"), err, sizeof err),
               PLOT_OK);
  img = cairo_image_surface_create_from_png(path);
  /* In the middle of the figure the zigzag between -1 and 1 spans most of
     its height (were the 1000s before the window counted, it would be a
     flat line at the bottom there). */
  {
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    int x, y, top = h, bottom = -1;
    for (y = 0; y < h; y++)
      for (x = w * 3 / 5; x < w * 4 / 5; x++) {
        uint32_t p = pixel(img, x, y);
        int r = (int)(p >> 16), b = (int)(p & 0xff);
        if (abs(r - b) > 60) {
          if (y < top) top = y;
          bottom = y;
        }
      }
    CHECK(bottom - top > h / 2);
  }
  cairo_surface_destroy(img);
  spec.t_start = 1;
  spec.t_stop = 0.5;
  CHECK_EQ_INT(plot_traces(&spec, tmp_path(path, sizeof path, "bad.png"), err, sizeof err),
               PLOT_EARG);
  CHECK(strstr(err, "time window") != NULL);
}

int main(void) {
  char cmd[128];
  const char *keep = getenv("SNN_TEST_KEEP");
  snprintf(tmpdir, sizeof tmpdir, "/tmp/test_plot_XXXXXX");
  if (!mkdtemp(tmpdir)) {
    perror("mkdtemp");
    return 1;
  }
  test_raster_png();
  test_raster_edges();
  test_raster_errors();
  test_raster_large();
  test_traces();
  test_traces_large();
  test_histogram();
  test_trace_marks();
  test_raster_first();
  test_traces_window();
  /* Drop cairo's font caches so the leak checker sees a clean exit. */
  cairo_debug_reset_static_data();
  if (test_failures == 0 && !(keep && *keep)) {
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
  } else {
    printf("test_plot: figures kept in %s\n", tmpdir);
    fflush(stdout);
  }
  return test_report("test_plot");
}
