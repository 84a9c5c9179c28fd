/*
** stepper.c: the stepping API (snnrt_sim.h), first half: creating and
** freeing a sim, errors, stepping with the after-step hook and the
** parameters, carrying state into a new sim, and
** summary.json.  Reading and writing values is in stepper_access.c.
**
** Every internal call (sim_setup, sim_run, sim_refresh_params, ...)
** reports through the Sim's own error, which records only the first
** failure of a call; the wrapper clears it before the call and moves the
** message into its own, which lasts until the caller clears it.  The hook
** runs in the middle of sim_run, where the Sim may already hold a failure
** of the step under way: calls made from the hook keep it intact.
*/
#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stepper.h"
#include "summary.h"

bool stepper_fail(SnnSim *s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->error, sizeof s->error, fmt, ap);
  va_end(ap);
  s->has_error = true;
  return false;
}

int64_t stepper_next_step(const SnnSim *s) {
  /* sim_run counts a step only after the hook has returned. */
  return s->sim.step + (s->in_hook ? 1 : 0);
}

/* --- Internal calls ------------------------------------------------------ */

/* The Sim's failure from before an internal call, put back after it. */
typedef struct Pending {
  bool failed;
  char error[SIM_ERRLEN];
} Pending;

static void internal_begin(SnnSim *s, Pending *p) {
  p->failed = s->sim.failed;
  if (p->failed) memcpy(p->error, s->sim.error, sizeof p->error);
  s->sim.failed = false;
  s->sim.error[0] = 0;
}

static void restore_pending(SnnSim *s, const Pending *p) {
  s->sim.failed = p->failed;
  if (p->failed)
    memcpy(s->sim.error, p->error, sizeof p->error);
  else
    s->sim.error[0] = 0;
}

/* Moves a failure of the call into the caller's error; returns whether it succeeded. */
static bool internal_end(SnnSim *s, const Pending *p, bool ok) {
  if (!ok || s->sim.failed) {
    stepper_fail(s, "%s", s->sim.error[0] ? s->sim.error : "the simulation failed");
    ok = false;
  }
  restore_pending(s, p);
  return ok;
}

/* Sim.after_step: the caller's hook, with the step counted as done. */
static void run_hook(Sim *sim, void *ctx) {
  SnnSim *s = ctx;
  assert(&s->sim == sim);
  if (!s->hook) return;
  s->in_hook = true;
  s->hook(s, sim->step, s->hook_ctx);
  s->in_hook = false;
}

/* --- Life cycle ---------------------------------------------------------- */

SnnSimConfig snnrt_sim_config(const SnnModel *model) {
  SnnSimConfig c;
  memset(&c, 0, sizeof c);
  c.threads = 1;
  if (model) {
    c.dt = model->dt;
    c.seed = (uint64_t)model->seed;
  }
  return c;
}

static SnnSim *create_fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static SnnSim *create_fail(char *err, size_t errlen, const char *fmt, ...) {
  if (err && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return NULL;
}

/* What snnrt_sim_create refuses before building anything: a message in
   err, or an empty err. */
static void check_request(const SnnModel *m, const SnnSimConfig *c, char *err, size_t len) {
  err[0] = 0;
  if (m->abi_version != SNN_ABI_VERSION)
    snprintf(err, len, "the model '%s' was compiled for runtime interface %lld, this runtime is "
             "%d", m->name, (long long)m->abi_version, SNN_ABI_VERSION);
  else if (m->precision != 4 && m->precision != 8)
    snprintf(err, len, "the model '%s' has a precision of %lld bytes; 4 or 8 are supported",
             m->name, (long long)m->precision);
  else if (!(c->dt > 0) || !isfinite(c->dt))
    snprintf(err, len, "the time step must be positive and finite, not %g s", c->dt);
  else if (c->threads < 1 || c->threads > SIM_MAX_THREADS)
    snprintf(err, len, "%d threads: use 1 to %d", c->threads, SIM_MAX_THREADS);
  else if (!(c->max_rate >= 0) || !isfinite(c->max_rate))
    snprintf(err, len, "the rate guard must be 0 (none) or a positive rate, not %g Hz",
             c->max_rate);
  else if (c->out_dir && !c->out_dir[0])
    snprintf(err, len, "the output folder name is empty (NULL means no files)");
}

/* A new sim's run options, from its configuration. */
static RunOptions run_options(const SnnSim *s, const SnnSimConfig *c) {
  RunOptions opt;
  memset(&opt, 0, sizeof opt);
  opt.dt = c->dt;
  opt.seed = c->seed;
  opt.threads = c->threads;
  opt.out_dir = s->out_dir;
  opt.csv = c->csv;
  opt.max_rate = c->max_rate;
  return opt;
}

/* Builds the network and opens the monitors; false + s->sim.error. */
static bool build(SnnSim *s, const SnnModel *m, const SnnSimConfig *c, const double *param,
                  const bool *fixed) {
  double *defaults = NULL;
  if (!param) {
    defaults = calloc((size_t)m->nparam + 1, sizeof(double));
    if (!defaults) return false;
    for (int64_t k = 0; k < m->nparam; k++) defaults[k] = m->param[k].value;
    param = defaults;
  }
  RunOptions opt = run_options(s, c);
  bool ok = sim_setup(&s->sim, m, &opt, param, fixed);
  free(defaults);
  if (ok && s->out_dir) {
    s->files_open = true;
    ok = monitors_open(&s->sim);
  }
  return ok;
}

SnnSim *snnrt_sim_create(const SnnModel *model, const SnnSimConfig *config, const double *param,
                         const bool *fixed, char *err, size_t errlen) {
  if (err && errlen) err[0] = 0;
  if (!model) return create_fail(err, errlen, "no model given");
  SnnSimConfig c = config ? *config : snnrt_sim_config(model);
  char refused[SIM_ERRLEN];
  check_request(model, &c, refused, sizeof refused);
  if (refused[0]) return create_fail(err, errlen, "%s", refused);
  SnnSim *s = calloc(1, sizeof *s);
  if (!s) return create_fail(err, errlen, "out of memory");
  s->out_dir = c.out_dir ? strdup(c.out_dir) : NULL;
  bool ok = (!c.out_dir || s->out_dir) && build(s, model, &c, param, fixed);
  if (!ok) {
    create_fail(err, errlen, "%s", s->sim.error[0] ? s->sim.error : "out of memory");
    snnrt_sim_free(s);
    return NULL;
  }
  s->sim.failed = false;
  s->sim.after_step = run_hook;
  s->sim.after_step_ctx = s;
  return s;
}

void snnrt_sim_free(SnnSim *s) {
  if (!s) return;
  assert(!s->in_hook && "a sim cannot be freed from its own after-step hook");
  if (s->files_open) monitors_close(&s->sim);
  monitors_free(&s->sim);
  /* sim_free copes with a Sim that sim_setup left half built, but not with
     one it never saw. */
  if (s->sim.model) sim_free(&s->sim);
  free(s->out_dir);
  free(s);
}

bool snnrt_sim_finish(SnnSim *s) {
  if (!s) return false;
  if (s->in_hook) return stepper_fail(s, "cannot finish the files from inside the after-step hook");
  s->finished = true;
  if (!s->files_open) return true;
  s->files_open = false;
  Pending p;
  internal_begin(s, &p);
  return internal_end(s, &p, monitors_close(&s->sim));
}

const char *snnrt_sim_error(const SnnSim *s) {
  return s && s->has_error ? s->error : "";
}

void snnrt_sim_clear_error(SnnSim *s) {
  if (!s) return;
  s->has_error = false;
  s->error[0] = 0;
}

const SnnModel *snnrt_sim_model(const SnnSim *s) {
  return s ? s->sim.model : NULL;
}

/* --- Stepping ---------------------------------------------------------------- */

void snnrt_sim_set_hook(SnnSim *s, SnnSimHook hook, void *ctx) {
  if (!s) return;
  s->hook = hook;
  s->hook_ctx = ctx;
}

bool snnrt_sim_step(SnnSim *s, int64_t n) {
  if (!s) return false;
  if (s->in_hook) return stepper_fail(s, "cannot step from inside the after-step hook");
  if (s->finished)
    return stepper_fail(s, "the sim of model '%s' is finished (its files are closed); create a "
                        "new one to run further", s->sim.model->name);
  if (n < 0 || n > INT64_MAX / 2 - s->sim.step)
    return stepper_fail(s, "cannot run %lld steps", (long long)n);
  /* The rate guard runs inside sim_run (guard.c), as for snnc run. */
  Pending p;
  internal_begin(s, &p);
  bool ok = sim_run(&s->sim, n, NULL, NULL);
  /* sim_run leaves t at the start of its last step; the API's time is
     the time simulated. */
  s->sim.t = (double)s->sim.step * s->sim.opt.dt;
  return internal_end(s, &p, ok);
}

int64_t snnrt_sim_step_index(const SnnSim *s) {
  return s ? stepper_next_step(s) : -1;
}

double snnrt_sim_time(const SnnSim *s) {
  return s ? (double)stepper_next_step(s) * s->sim.opt.dt : NAN;
}

double snnrt_sim_dt(const SnnSim *s) {
  return s ? s->sim.opt.dt : NAN;
}

/* --- Parameters ------------------------------------------------------------ */

static bool check_param(SnnSim *s, int64_t k) {
  const SnnModel *m = s->sim.model;
  if (k < 0 || k >= m->nparam)
    return stepper_fail(s, "model '%s' has no parameter %lld (it has %lld)", m->name,
                        (long long)k, (long long)m->nparam);
  return true;
}

int64_t snnrt_sim_param_index(SnnSim *s, const char *name) {
  if (!s) return -1;
  const SnnModel *m = s->sim.model;
  if (!name) {
    stepper_fail(s, "no parameter name given");
    return -1;
  }
  for (int64_t k = 0; k < m->nparam; k++)
    if (strcmp(m->param[k].name, name) == 0) return k;
  stepper_fail(s, "model '%s' has no parameter named '%s'", m->name, name);
  return -1;
}

double snnrt_sim_param(SnnSim *s, int64_t k) {
  if (!s || !check_param(s, k)) return NAN;
  return s->sim.param[k];
}

bool snnrt_sim_set_param(SnnSim *s, int64_t k, double value) {
  if (!s || !check_param(s, k)) return false;
  double old = s->sim.param[k];
  bool old_fixed = s->sim.param_fixed[k];
  s->sim.param[k] = value;
  s->sim.param_fixed[k] = true;
  Pending p;
  internal_begin(s, &p);
  if (internal_end(s, &p, sim_refresh_params(&s->sim))) return true;
  /* Put back the old value, and everything computed from it (a refresh
     that failed half way has changed some of it already). */
  s->sim.param[k] = old;
  s->sim.param_fixed[k] = old_fixed;
  internal_begin(s, &p);
  bool restored = sim_refresh_params(&s->sim);
  assert(restored && "values that were accepted before are accepted again");
  (void)restored;
  restore_pending(s, &p);
  return false;
}

/* --- Sessions ------------------------------------------------------------- */

bool snnrt_sim_transfer(SnnSim *to, SnnSim *from) {
  if (!to) return false;
  if (!from) return stepper_fail(to, "no sim to carry the state from");
  if (to == from) return stepper_fail(to, "cannot carry a sim's state into itself");
  if (to->in_hook || from->in_hook)
    return stepper_fail(to, "cannot carry state from inside an after-step hook");
  if (to->sim.step != 0)
    return stepper_fail(to, "the sim of model '%s' has already run %lld steps; carry state "
                        "only into a new one", to->sim.model->name, (long long)to->sim.step);
  if (to->files_open)
    return stepper_fail(to, "the sim of model '%s' writes monitor files, which would start at "
                        "the carried step; carry state into a sim without an output folder",
                        to->sim.model->name);
  sim_transfer(&to->sim, &from->sim);
  guard_restart(&to->sim);
  return true;
}

bool snnrt_sim_write_summary(SnnSim *s, const char *dir, const SnnCompileInfo *info,
                             double build_s, double simulate_s) {
  if (!s) return false;
  if (s->in_hook) return stepper_fail(s, "cannot write the summary from inside the after-step hook");
  if (!dir) dir = s->out_dir;
  if (!dir) return stepper_fail(s, "the sim has no output folder; name the folder for summary.json");
  if (!sim_make_dirs(dir)) return stepper_fail(s, "cannot create the folder '%s'", dir);
  PhaseTimes times = summary_compile_times(info);
  times.build = build_s;
  times.simulate = simulate_s;
  /* summary.c reads the folder, the duration and a failure from the Sim. */
  RunOptions saved = s->sim.opt;
  s->sim.opt.out_dir = dir;
  s->sim.opt.duration = (double)s->sim.step * s->sim.opt.dt;
  s->sim.failed = s->has_error;
  snprintf(s->sim.error, sizeof s->sim.error, "%s", s->has_error ? s->error : "");
  char err[SIM_ERRLEN];
  bool ok = summary_write_report(&s->sim, &times, info, !s->has_error, err, sizeof err);
  s->sim.opt = saved;
  s->sim.failed = false;
  s->sim.error[0] = 0;
  return ok || stepper_fail(s, "%s", err);
}
