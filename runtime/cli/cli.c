/*
** cli.c: running a model from the command line (snnrt_main).
**
** Native binaries call snnrt_main from main(); `snnc run` calls
** snnrt_main_ex after compiling, passing its own phase times.  Both parse
** the same options, run the same loop and write the same files, which is
** what makes a binary's output byte-identical to the JIT's.
*/
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crash.h"
#include "interrupt.h"
#include "loop.h"
#include "outdir.h"
#include "sim.h"
#include "summary.h"
#include "units.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void cli_error(const char *prog, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "%s: error: ", prog);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

static Dim unpack_dim(int64_t packed) {
  Dim d;
  for (int k = 0; k < DIM_COUNT; k++) d.e[k] = (signed char)(((packed >> (8 * k)) & 0xff) - 64);
  return d;
}

static const struct option run_options[] = {
  {"duration", required_argument, NULL, 'T'},
  {"seed", required_argument, NULL, 'S'},
  {"set", required_argument, NULL, 's'},
  {"dt", required_argument, NULL, 'd'},
  {"out", required_argument, NULL, 'o'},
  {"threads", required_argument, NULL, 'j'},
  {"format", required_argument, NULL, 'f'},
  {"max-rate", required_argument, NULL, 'm'},
  {"max-output", required_argument, NULL, 'M'},
  {"episodes", required_argument, NULL, 'e'},
  {"features", required_argument, NULL, 'F'},
  {"plot", no_argument, NULL, 'p'},
  {"plot-neurons", required_argument, NULL, 1001},
  {"plot-window", required_argument, NULL, 1002},
  {"plot-size", required_argument, NULL, 1003},
  {"plot-format", required_argument, NULL, 1004},
  {"quiet", no_argument, NULL, 'q'},
  {"no-progress", no_argument, NULL, 'P'},
  {"help", no_argument, NULL, 'h'},
  {"version", no_argument, NULL, 'V'},
  {NULL, 0, NULL, 0},
};

/* The run option that "--name" or "--name=value" names: exactly, or as
   the one option it abbreviates (getopt_long takes "--dur" for
   "--duration"); NULL if none or several. */
static const struct option *find_option(const char *arg) {
  if (arg[0] != '-' || arg[1] != '-') return NULL;
  const char *name = arg + 2;
  size_t len = strcspn(name, "=");
  const struct option *match = NULL;
  int nmatch = 0;
  for (const struct option *o = run_options; o->name; o++) {
    if (strncmp(name, o->name, len) != 0) continue;
    if (strlen(o->name) == len) return o;
    match = o;
    nmatch++;
  }
  return nmatch == 1 ? match : NULL;
}

/* "did you mean '--duration'?" for a mistyped option ("--duraton"), or
   the options an ambiguous one ("--s", "-o") may stand for; "" if none is
   near. */
static void suggest_options(const char *arg, char *buf, size_t n) {
  char name[64];
  snprintf(name, sizeof name, "%.*s", (int)strcspn(arg + strspn(arg, "-"), "="),
           arg + strspn(arg, "-"));
  size_t len = strlen(name), used = 0;
  buf[0] = 0;
  int nprefix = 0;
  for (const struct option *o = run_options; o->name && len > 0; o++) {
    if (strncmp(name, o->name, len) != 0) continue;
    used += (size_t)snprintf(buf + used, used < n ? n - used : 0, "%s'--%s'",
                             nprefix ? " or " : "did you mean ", o->name);
    nprefix++;
  }
  if (nprefix) {
    if (used + 2 < n) strcat(buf, "?");
    return;
  }
  const char *best = NULL;
  int best_d = len <= 3 ? 2 : 3;
  for (const struct option *o = run_options; o->name; o++) {
    int d = edit_distance(name, o->name);
    if (d < best_d) {
      best_d = d;
      best = o->name;
    }
  }
  if (best) snprintf(buf, n, "did you mean '--%s'?", best);
}

int snnrt_option_kind(const char *arg, char *hint, size_t n) {
  if (hint && n) hint[0] = 0;
  if (strcmp(arg, "-h") == 0) return SNN_OPTION_FLAG;
  const struct option *o = find_option(arg);
  if (o) return o->has_arg == required_argument && !strchr(arg, '=') ? SNN_OPTION_VALUE
                                                                      : SNN_OPTION_FLAG;
  if (hint && n) suggest_options(arg, hint, n);
  return SNN_OPTION_UNKNOWN;
}

/* Says what is wrong with the option getopt_long refused. */
static void report_bad_option(const char *prog, int c, int argc, char **argv) {
  const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
  if (c == ':') {
    cli_error(prog, "option '%s' needs a value (see '%s --help')", arg, prog);
    return;
  }
  char shown[64], hint[160];
  if (optopt) snprintf(shown, sizeof shown, "-%c", optopt);
  else snprintf(shown, sizeof shown, "%.*s", (int)strcspn(arg, "="), arg);
  suggest_options(shown, hint, sizeof hint);
  if (hint[0]) cli_error(prog, "unknown option '%s'; %s", shown, hint);
  else cli_error(prog, "unknown option '%s'; '%s --help' lists the options", shown, prog);
}

/* --version: the model, where it came from and what compiled it. */
static void print_version(const SnnModel *m, const char *prog, const SnnCompileInfo *info) {
  const char *compiler = info && info->compiler ? info->compiler
                         : m->compiler ? m->compiler : "an unknown compiler";
  printf("%s: model '%s' from %s, compiled by %s; runtime interface %d, %s precision\n",
         prog, m->name, m->source, compiler, SNN_ABI_VERSION,
         m->precision == 4 ? "single" : "double");
}

/* Computes derived parameters; false after naming one that is not finite. */
static bool check_derived_params(const char *prog, const SnnModel *m, double *param, double dt,
                                 const bool *fixed) {
  int64_t bad = snnrt_derive_params(m, param, dt, fixed);
  if (bad >= 0) {
    cli_error(prog, "parameter '%s' is %g; check the parameters it is computed from",
              m->param[bad].name, param[bad]);
    return false;
  }
  return true;
}

static void print_help(const SnnModel *m, const char *prog) {
  printf("usage: %s [options]\n"
         "Runs the model '%s' (%s).\n\n"
         "Options:\n"
         "  --duration T       simulated time, with a unit (default %g s)\n"
         "  --dt D             time step, with a unit (default %g ms)\n"
         "  --seed S           random seed: the same seed gives the same run (default %lld)\n"
         "  --set NAME=VALUE   change a parameter, with its unit: --set taum=10ms\n"
         "  --out DIR          output folder (default out/%s)\n"
         "  --threads N        worker threads (default: 1, or 2 from 200,000 neurons);\n"
         "                     results do not depend on N\n"
         "  --format npy|csv   monitor file format (default npy)\n"
         "  --plot             draw the figures of 'snnc plot' in the output folder\n"
         "  --plot-neurons SEL, --plot-window A:B, --plot-size WxH, --plot-format F\n"
         "                     --plot with the options --neurons, --window, --size and\n"
         "                     --format of 'snnc plot'\n"
         "  --max-rate HZ      stop if a population fires faster on average (default 1000)\n"
         "  --max-output SIZE  warn when the monitors would write more (default 10G; 0: never)\n"
         "  --episodes N       train for N episodes instead of the model's count (models\n"
         "                     with an environment; --duration does not apply to them)\n"
         "  --features LIST    the agents' feature list instead of the model's (models with\n"
         "                     an agents block), as in --features \"weight(bins = 8), position\"\n"
         "  --quiet            print nothing but errors\n"
         "  --no-progress      no progress line\n"
         "  --version          the model's source and the compiler that built it\n\n",
         prog, m->name, m->source, m->duration, m->dt * 1e3, (long long)m->seed, m->name);
  if (m->nparam == 0) {
    printf("The model has no parameters.\n");
    return;
  }
  printf("Parameters (--set NAME=VALUE):\n");
  double *values = calloc((size_t)m->nparam + 1, sizeof(double));
  if (!values) return;
  for (int64_t k = 0; k < m->nparam; k++) values[k] = m->param[k].value;
  check_derived_params(prog, m, values, m->dt, NULL);
  for (int64_t k = 0; k < m->nparam; k++) {
    const SnnParam *p = &m->param[k];
    char dims[64];
    dim_format(unpack_dim(p->dim), dims, sizeof dims);
    printf("  %-20s = %-12.6g %-8s (%s)%s\n", p->name, values[k] / p->unit_scale, p->unit,
           dims, p->derive ? "  computed from other parameters" : "");
  }
  free(values);
}

/* Parses a time such as "10s", "250 ms" into seconds. */
static bool parse_time(const char *prog, const char *opt, const char *text, double *out) {
  double v;
  Dim d;
  char err[160];
  if (!unit_parse_quantity(text, &v, &d, err, sizeof err)) {
    cli_error(prog, "%s %s: %s", opt, text, err);
    return false;
  }
  if (dim_is_none(d)) {
    cli_error(prog, "%s %s: give a unit, as in %s 10s or %s 0.1ms", opt, text, opt, opt);
    return false;
  }
  if (!dim_eq(d, dim_time())) {
    char desc[96];
    dim_describe(d, desc, sizeof desc);
    cli_error(prog, "%s %s: expected a time, but this is %s", opt, text, desc);
    return false;
  }
  if (!(v > 0) || !isfinite(v)) {
    cli_error(prog, "%s %s: must be positive", opt, text);
    return false;
  }
  *out = v;
  return true;
}

/* "a voltage", "a dimensionless number", "a quantity in kg*m^2/s^3". */
static const char *quantity_phrase(Dim d, char *out, size_t n) {
  const char *q = dim_quantity(d);
  char units[96];
  dim_format(d, units, sizeof units);
  if (dim_is_none(d))
    snprintf(out, n, "a dimensionless number");
  else if (q)
    snprintf(out, n, "%s %s", strchr("aeiou", q[0]) ? "an" : "a", q);
  else
    snprintf(out, n, "a quantity in %s", units);
  return out;
}

/* --set NAME=VALUE: the value must have the parameter's dimension. */
static bool apply_set(const char *prog, const SnnModel *m, double *param, bool *fixed,
                      const char *arg) {
  const char *eq = strchr(arg, '=');
  if (!eq || eq == arg) {
    cli_error(prog, "--set %s: expected NAME=VALUE, as in --set taum=10ms", arg);
    return false;
  }
  size_t n = (size_t)(eq - arg);
  for (int64_t k = 0; k < m->nparam; k++) {
    const SnnParam *p = &m->param[k];
    if (strlen(p->name) != n || strncmp(p->name, arg, n) != 0) continue;
    double v;
    Dim d;
    char err[160];
    if (!unit_parse_quantity(eq + 1, &v, &d, err, sizeof err)) {
      cli_error(prog, "--set %s: %s", arg, err);
      return false;
    }
    Dim want = unpack_dim(p->dim);
    if (!dim_eq(d, want)) {
      char qw[128], qg[128];
      cli_error(prog, "--set %s: '%.*s' is %s (in %s), but %s is %s", arg, (int)n, arg,
                quantity_phrase(want, qw, sizeof qw), p->unit, eq + 1,
                quantity_phrase(d, qg, sizeof qg));
      return false;
    }
    param[k] = v;
    fixed[k] = true;
    return true;
  }
  cli_error(prog, "--set %s: the model has no parameter '%.*s' (see --help for the list)", arg,
            (int)n, arg);
  return false;
}

static bool parse_count(const char *prog, const char *opt, const char *text, long lo, long hi,
                        long *out) {
  char *end;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (errno || end == text || *end || v < lo || v > hi) {
    cli_error(prog, "%s %s: expected a whole number from %ld to %ld", opt, text, lo, hi);
    return false;
  }
  *out = v;
  return true;
}

/* One thread for small networks, where a step is too short to share
   (synchronising costs more than it saves), two from about 200,000 neurons,
   where the state no longer fits in one core's caches; measured in
   docs/benchmarks.md. */
static int default_threads(const SnnModel *m) {
  int64_t neurons = 0;
  for (int64_t k = 0; k < m->npop; k++) neurons += m->pop[k].size;
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  return neurons >= 200000 && cores >= 2 ? 2 : 1;
}

/* Parses the command line into opt and the parameter table; returns -1 to
   go on, or an exit status. */
static int parse_options(const SnnModel *m, const SnnCompileInfo *info, int argc, char **argv,
                         RunOptions *opt, double *param, bool *fixed, char *out_buf,
                         size_t out_len) {
  const char *prog = argv[0];
  opt->duration = m->duration > 0 ? m->duration : 1.0;
  opt->dt = m->dt;
  opt->seed = (uint64_t)m->seed;
  opt->threads = 0; /* chosen after parsing: see default_threads */
  opt->max_rate = 1000;
  opt->max_output = 10.0 * 1073741824.0;
  opt->progress = isatty(2);
  snprintf(out_buf, out_len, "out/%s", m->name);
  opt->out_dir = out_buf;
  for (int64_t k = 0; k < m->nparam; k++) param[k] = m->param[k].value;
  optind = 0;
  int c;
  long v;
  opterr = 0; /* report_bad_option says it better */
  while ((c = getopt_long(argc, argv, ":h", run_options, NULL)) != -1) {
    switch (c) {
    case 'T':
      if (m->environment) {
        cli_error(prog, "--duration: the model trains on '%s' by episodes; give their number "
                  "with --episodes N", m->environment->name);
        return 2;
      }
      if (!parse_time(prog, "--duration", optarg, &opt->duration)) return 2;
      break;
    case 'd': if (!parse_time(prog, "--dt", optarg, &opt->dt)) return 2; break;
    case 'S':
      if (!parse_count(prog, "--seed", optarg, 0, 2147483647L, &v)) return 2;
      opt->seed = (uint64_t)v;
      break;
    case 's': if (!apply_set(prog, m, param, fixed, optarg)) return 2; break;
    case 'o': opt->out_dir = optarg; break;
    case 'j':
      if (!parse_count(prog, "--threads", optarg, 1, SIM_MAX_THREADS, &v)) return 2;
      opt->threads = (int)v;
      break;
    case 'f':
      if (strcmp(optarg, "csv") == 0) opt->csv = true;
      else if (strcmp(optarg, "npy") != 0) {
        cli_error(prog, "--format %s: use npy or csv", optarg);
        return 2;
      }
      break;
    case 'm':
      if (!parse_count(prog, "--max-rate", optarg, 1, 1000000000L, &v)) return 2;
      opt->max_rate = (double)v;
      break;
    case 'M': {
      /* bytes, or a number with K, M or G (powers of 1024) */
      char *end;
      double size = strtod(optarg, &end);
      double scale = *end == 'K' ? 1024.0 : *end == 'M' ? 1048576.0
                     : *end == 'G' ? 1073741824.0 : 1.0;
      if (scale != 1.0) end++;
      if (!(size >= 0) || *end || end == optarg) {
        cli_error(prog, "--max-output takes a size such as 500M or 20G, not '%s'", optarg);
        return 2;
      }
      opt->max_output = size * scale;
      break;
    }
    case 'e':
      if (!m->environment) {
        cli_error(prog, "--episodes: the model has no environment to train on");
        return 2;
      }
      if (!parse_count(prog, "--episodes", optarg, 1, 1000000000L, &v)) return 2;
      opt->episodes = v;
      break;
    case 'F':
      if (!m->environment || m->environment->nagents == 0) {
        cli_error(prog, "--features: the model has no agents block");
        return 2;
      }
      opt->features = optarg;
      break;
    case 'p': opt->plot = true; break;
    case 1001: case 1002: case 1003: case 1004: {
      /* --plot-neurons is snnc plot's --neurons, and so on. */
      static const char *const names[] = {"--neurons", "--window", "--size", "--format"};
      char err[512];
      if (snnrt_plot_option(&opt->plot_opt, names[c - 1001], optarg, err, sizeof err) != 0) {
        cli_error(prog, "--plot-%s", err + 2);
        return 2;
      }
      opt->plot = true;
      break;
    }
    case 'q': opt->quiet = true; opt->progress = false; break;
    case 'P': opt->progress = false; break;
    case 'h': print_help(m, prog); return 0;
    case 'V': print_version(m, prog, info); return 0;
    default:
      report_bad_option(prog, c, argc, argv);
      return 2;
    }
  }
  if (optind < argc) {
    cli_error(prog, "unexpected argument '%s'", argv[optind]);
    return 2;
  }
  if (!check_derived_params(prog, m, param, opt->dt, fixed)) return 2;
  if (opt->threads == 0) opt->threads = default_threads(m);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  if (cores > 0 && opt->threads > cores && !opt->quiet)
    fprintf(stderr, "%s: warning: --threads %d, but this machine has %ld core%s: threads beyond "
            "them only wait on each other (the results do not change)\n", prog, opt->threads,
            cores, cores == 1 ? "" : "s");
  if (opt->dt > opt->duration) {
    cli_error(prog, "the time step (%g ms) is longer than the run (%g ms)", opt->dt * 1e3,
              opt->duration * 1e3);
    return 2;
  }
  /* The step counter is exact far beyond this; a run this long is a typo. */
  double steps = opt->duration / opt->dt;
  if (!(steps <= SIM_MAX_STEPS) && !m->environment) {
    cli_error(prog, "a run of %g s in steps of %g s would take %.3g steps, more than the %.0e "
              "this runtime takes; give a shorter --duration or a longer --dt", opt->duration,
              opt->dt, steps, (double)SIM_MAX_STEPS);
    return 2;
  }
  return -1;
}

typedef struct Progress {
  double start, last;
  int64_t total;
} Progress;

static void show_progress(const Sim *s, void *ctx) {
  Progress *pr = ctx;
  double t = now();
  if (t - pr->last < 0.2) return;
  pr->last = t;
  double sim_t = (double)s->step * s->opt.dt, wall = t - pr->start;
  double frac = (double)s->step / (double)pr->total;
  double eta = frac > 0 ? wall * (1 - frac) / frac : 0;
  fprintf(stderr, "\r  t = %.3f s of %.3f s  |  wall %.1f s  |  %.2fx real time  |  ETA %.1f s   ",
          sim_t, (double)pr->total * s->opt.dt, wall, wall > 0 ? sim_t / wall : 0, eta);
  fflush(stderr);
}

/* Runs the whole duration; the rate guard stops a runaway run (guard.c). */
static bool run_all(Sim *s, bool progress) {
  int64_t total = (int64_t)llround(s->opt.duration / s->opt.dt);
  Progress pr = {now(), 0, total};
  bool ok = sim_run(s, total - s->step, progress ? show_progress : NULL, &pr);
  ok = ok && guard_finish(s);
  if (progress) fprintf(stderr, "\r%*s\r", 100, "");
  s->t = (double)s->step * s->opt.dt;
  return ok;
}

int snnrt_main_ex(const SnnModel *model, int argc, char **argv, const SnnCompileInfo *info) {
  const char *prog = argc > 0 ? argv[0] : model->name;
  if (model->abi_version != SNN_ABI_VERSION) {
    cli_error(prog, "the model was compiled for runtime interface %lld, this runtime is %d",
              (long long)model->abi_version, SNN_ABI_VERSION);
    return 1;
  }
  RunOptions opt;
  memset(&opt, 0, sizeof opt);
  double *param = calloc((size_t)model->nparam + 1, sizeof(double));
  bool *fixed = calloc((size_t)model->nparam + 1, sizeof(bool));
  char out_buf[1024];
  if (!param || !fixed) {
    free(param);
    free(fixed);
    cli_error(prog, "out of memory");
    return 1;
  }
  int rc = parse_options(model, info, argc, argv, &opt, param, fixed, out_buf, sizeof out_buf);
  if (rc >= 0) {
    free(param);
    free(fixed);
    return rc;
  }
  /* The folder is this run's alone, and holds nothing of an earlier run. */
  OutDir outdir;
  char why[SIM_ERRLEN];
  if (!sim_make_dirs(opt.out_dir)) {
    cli_error(prog, "cannot create the output folder '%s': %s", opt.out_dir, strerror(errno));
    free(param);
    free(fixed);
    return 1;
  }
  if (!outdir_claim(opt.out_dir, &outdir, why, sizeof why)) {
    cli_error(prog, "%s", why);
    free(param);
    free(fixed);
    return 1;
  }
  PhaseTimes times = summary_compile_times(info);
  Sim sim;
  memset(&sim, 0, sizeof sim);
  crash_report_install(prog, &sim.t);
  const volatile sig_atomic_t *stop = interrupt_install();
  double t0 = now();
  bool ok = sim_setup(&sim, model, &opt, param, fixed);
  times.build = now() - t0;
  free(param);
  free(fixed);
  bool opened = ok && monitors_open(&sim);
  ok = opened;
  StepProfile profile = {{0}};
  const char *prof_env = getenv("SNNRT_PROFILE");
  if (prof_env && *prof_env && *prof_env != '0') sim.profile = &profile;
  Training training;
  memset(&training, 0, sizeof training);
  if (model->environment) sim.training = &training;
  sim.stop_request = stop;
  t0 = now();
  bool progress = opt.progress && !opt.quiet;
  if (ok) ok = model->environment ? loop_train(&sim, &training, progress) : run_all(&sim, progress);
  times.simulate = now() - t0;
  crash_report_remove();
  /* From here on a signal is not waited for: the files are being closed. */
  interrupt_remove();
  if (sim.interrupted && !opt.quiet)
    fprintf(stderr, "%s: interrupted at t = %g ms; the output so far is in %s\n", prog,
            (double)sim.step * sim.opt.dt * 1e3, opt.out_dir);
  if (sim.profile)
    fprintf(stderr, "step loop: integrate %.3f s, collect %.3f s, route %.3f s, monitors "
            "%.3f s\n", profile.seconds[PHASE_INTEGRATE], profile.seconds[PHASE_COLLECT],
            profile.seconds[PHASE_ROUTE], profile.seconds[PHASE_MONITORS]);
  t0 = now();
  bool closed = monitors_close(&sim);
  ok = ok && closed;
  times.write = now() - t0;
  if (sim.failed) cli_error(prog, "%s", sim.error);
  bool summary_ok = true;
  /* No summary when the output folder itself is what failed: one error is enough. */
  if ((sim.monitors || sim.step > 0) && !monitors_output_lost(&sim) &&
      (opened || sim_make_dirs(opt.out_dir)))
    summary_ok = summary_write(&sim, &times, info, ok);
  /* The plot reads summary.json (title, units), so it comes after. */
  char plot_err[512] = "";
  bool plotted = true;
  if (ok && opt.plot) plotted = monitors_plot(&sim, plot_err, sizeof plot_err);
  if (!plotted) cli_error(prog, "cannot draw the plot: %s", plot_err);
  if (!opt.quiet && sim.step > 0) summary_print(&sim, &times, stdout);
  bool interrupted = sim.interrupted;
  monitors_free(&sim);
  sim_free(&sim);
  training_free(&training);
  outdir_release(&outdir);
  if (!(ok && plotted && summary_ok)) return 1;
  return interrupted ? 128 + interrupt_signal() : 0;
}

int snnrt_main(const SnnModel *model, int argc, char **argv) {
  return snnrt_main_ex(model, argc, argv, NULL);
}
