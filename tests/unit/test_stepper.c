/*
** test_stepper.c: unit tests for the stepping API (runtime/snnrt_sim.h).
**
** The model is written by hand here, descriptor and kernels, so that the
** API is tested against answers worked out on paper, independently of the
** compiler:
**   N  4 neurons: each step v += I + drive (I: input slot, a port), then
**      a spike and v = 0 when v >= thresh; initially v = i U
**   S  3 spike times: neuron 1 at 0.2 ms, neurons 0 and 2 at 0.5 ms
**   S -> N  all to all, w = (4 pre + post + 1) U / 8 per synapse, summed
**      into I; no delay, or a constant delay of 3 steps
**   parameters drive = U, thresh = 10.5 U, inv_thresh = 1 / thresh (derived)
** with U = 2^-10 V and dt = 0.1 ms.  Every value is then a small multiple
** of U / 8, exact in single precision as well as double, so the expected
** values are compared exactly.
**
** Without delay, in units of U / 8, v after each step is
**   step 0..2: 8 (j + 1 + n); S1 spikes at step 2
**   step 3: 37 + 9 j    (w from S1 = 5 + j)
**   step 5: 53 62 71 80; S0 and S2 spike
**   step 6: 71 82 93 104 + spikes of 2 and 3 (w = 10 + 2 j), so N spikes
**   [2 3] at step 6, [1] at step 7, [0] at step 8, and none until step 17.
*/
#define _POSIX_C_SOURCE 200809L
#include "snnrt_sim.h"
#include "npy.h"
#include "test.h"

#include <stdlib.h>
#include <unistd.h>

#define U (1.0 / 1024)
#define DT 1e-4

enum { P_DRIVE, P_THRESH, P_INV_THRESH, NPARAM };
enum { POP_N, POP_S };

/* --- The hand-written model ---------------------------------------------------- */

#define DEFINE_KERNELS(SUFFIX, REAL)                                                   \
  static void init_##SUFFIX(const SnnKernelArgs *a, int64_t begin, int64_t end) {      \
    REAL *v = a->state[0];                                                             \
    for (int64_t i = begin; i < end; i++) v[i] = (REAL)((double)i * U);                \
  }                                                                                    \
  static int32_t step_##SUFFIX(const SnnKernelArgs *a, int64_t begin, int64_t end) {   \
    REAL *v = a->state[0], *in = a->input[0];                                          \
    int32_t bad = 0;                                                                   \
    for (int64_t i = begin; i < end; i++) {                                            \
      v[i] += in[i] + (REAL)a->param[P_DRIVE];                                         \
      in[i] = 0;                                                                       \
      a->spiked[i] = v[i] >= (REAL)a->param[P_THRESH];                                 \
      if (a->spiked[i]) v[i] = 0;                                                      \
      if (!isfinite(v[i])) bad = 1;                                                    \
    }                                                                                  \
    return bad;                                                                        \
  }                                                                                    \
  static void weights_##SUFFIX(const SnnSynapseArgs *a, int64_t n) {                   \
    REAL *w = a->value[0];                                                             \
    for (int64_t q = 0; q < n; q++) w[q] = (REAL)((4 * a->pre[q] + a->post[q] + 1) * U / 8); \
  }

DEFINE_KERNELS(d, double)
DEFINE_KERNELS(f, float)

static double inv_thresh(const double *param) { return 1.0 / param[P_THRESH]; }
static double three_steps(const double *param) { return 3 * param[NPARAM]; }

static const SnnParam params[NPARAM] = {
  {"drive", "mV", 1e-3, U, 0, NULL},
  {"thresh", "mV", 1e-3, 10.5 * U, 0, NULL},
  {"inv_thresh", "1/V", 1.0, 0, 0, inv_thresh},
};
static const SnnVariable n_state[] = {{"v", "mV", 1e-3}};
static const SnnVariable n_input[] = {{"I", "mV", 1e-3}};
static const int64_t s_index[] = {1, 0, 2};
static const double s_time[] = {0.2e-3, 0.5e-3, 0.5e-3};
static const SnnVariable syn_values[] = {{"w", "mV", 1e-3}};
static const SnnAdditive sum_into_i[] = {{0, -1, 0, NULL}};
static const SnnMonitor spike_monitor[] = {{SNN_MON_SPIKES, POP_N, -1, 0, 4, 0, NULL, 0, 0}};

/* A model of the given precision (8 or 4), with or without the delay. */
typedef struct TestModel {
  SnnPopulation pop[2];
  SnnProjection proj[1];
  SnnModel model;
} TestModel;

static const SnnModel *make_model(TestModel *t, int precision, bool delayed) {
  memset(t, 0, sizeof *t);
  bool dbl = precision == 8;
  t->pop[POP_N] = (SnnPopulation){.name = "N", .kind = SNN_POP_NEURONS, .size = 4, .nstate = 1,
                                  .state = n_state, .ninput = 1, .input = n_input,
                                  .init = dbl ? init_d : init_f, .step = dbl ? step_d : step_f};
  t->pop[POP_S] = (SnnPopulation){.name = "S", .kind = SNN_POP_SPIKE_TIMES, .size = 3,
                                  .nspikes = 3, .spike_index = s_index, .spike_time = s_time};
  t->proj[0] = (SnnProjection){.name = "S -> N", .pre = POP_S, .post = POP_N,
                               .rule = SNN_RULE_ALL, .p = -1, .autapses = 1,
                               .delay_kind = delayed ? SNN_DELAY_CONSTANT : SNN_DELAY_NONE,
                               .delay = delayed ? three_steps : NULL, .nvalue = 1,
                               .value = syn_values, .init = dbl ? weights_d : weights_f,
                               .nadditive = 1, .additive = sum_into_i, .stream = 7};
  t->model = (SnnModel){.abi_version = SNN_ABI_VERSION, .name = "handmade", .source = "test",
                        .precision = precision, .dt = DT, .duration = 1e-3, .seed = 5,
                        .nparam = NPARAM, .param = params, .npop = 2, .pop = t->pop,
                        .nproj = 1, .proj = t->proj, .nmonitor = 1, .monitor = spike_monitor};
  return &t->model;
}

static SnnSim *new_sim(const SnnModel *m) {
  char err[512];
  SnnSim *s = snnrt_sim_create(m, NULL, NULL, NULL, err, sizeof err);
  if (!s) fprintf(stderr, "snnrt_sim_create: %s\n", err);
  CHECK(s != NULL);
  return s;
}

/* v of neuron i, in units of U / 8. */
static double v_of(SnnSim *s, int64_t i) {
  double v = NAN;
  CHECK(snnrt_sim_read_state(s, POP_N, 0, i, i + 1, &v));
  return v / (U / 8);
}

static bool error_has(SnnSim *s, const char *text) {
  bool found = strstr(snnrt_sim_error(s), text) != NULL;
  if (!found) fprintf(stderr, "  error was \"%s\", expected \"%s\" in it\n", snnrt_sim_error(s), text);
  snnrt_sim_clear_error(s);
  return found;
}

/* --- Stepping, time, state -------------------------------------------------------- */

static void test_steps_and_state(int precision) {
  TestModel t;
  SnnSim *s = new_sim(make_model(&t, precision, false));
  if (!s) return;
  CHECK_EQ_INT(snnrt_sim_step_index(s), 0);
  CHECK(snnrt_sim_time(s) == 0);
  CHECK(snnrt_sim_dt(s) == DT);
  CHECK(snnrt_sim_model(s) == &t.model);
  for (int64_t i = 0; i < 4; i++) CHECK(v_of(s, i) == 8.0 * (double)i);
  CHECK(snnrt_sim_step(s, 3));
  CHECK_EQ_INT(snnrt_sim_step_index(s), 3);
  CHECK_NEAR(snnrt_sim_time(s), 3 * DT, 1e-18);
  /* S1's spike of step 2 is pending: not in v yet. */
  for (int64_t i = 0; i < 4; i++) CHECK(v_of(s, i) == 8.0 * (double)(i + 3));
  CHECK(snnrt_sim_step(s, 1));
  for (int64_t i = 0; i < 4; i++) CHECK(v_of(s, i) == 37 + 9.0 * (double)i);
  CHECK(snnrt_sim_step(s, 0));
  CHECK_EQ_INT(snnrt_sim_step_index(s), 4);

  /* Writing a range: only [1, 3) changes, and the kernel continues from it. */
  double in[2] = {2 * U, 3 * U}, out[4];
  CHECK(snnrt_sim_write_state(s, POP_N, 0, 1, 3, in));
  CHECK(snnrt_sim_read_state(s, POP_N, 0, 0, 4, out));
  CHECK(out[0] == 37 * U / 8 && out[1] == 2 * U && out[2] == 3 * U && out[3] == 64 * U / 8);
  CHECK(snnrt_sim_step(s, 1));
  CHECK(v_of(s, 1) == 24 && v_of(s, 2) == 32);

  /* Values are rounded to the model's precision. */
  double tenth = 0.1;
  CHECK(snnrt_sim_write_state(s, POP_N, 0, 0, 1, &tenth));
  CHECK(snnrt_sim_read_state(s, POP_N, 0, 0, 1, out));
  CHECK(out[0] == (precision == 8 ? 0.1 : (double)(float)0.1));
  CHECK(precision == 8 || out[0] != 0.1);
  snnrt_sim_free(s);
}

/* --- Synapses ----------------------------------------------------------------------- */

static void test_synapses(int precision) {
  TestModel t;
  SnnSim *s = new_sim(make_model(&t, precision, false));
  if (!s) return;
  int64_t proj = snnrt_sim_projection(s, "S -> N");
  CHECK_EQ_INT(proj, 0);
  CHECK_EQ_INT(snnrt_sim_projection(s, "S->N"), 0);
  CHECK_EQ_INT(snnrt_sim_synaptic_value(s, proj, "w"), 0);
  CHECK_EQ_INT(snnrt_sim_synapse_count(s, proj), 12);
  int32_t pre[12], post[12];
  double w[12];
  CHECK(snnrt_sim_synapse_ends(s, proj, 0, 12, pre, post));
  CHECK(snnrt_sim_read_synapses(s, proj, 0, 0, 12, w));
  for (int q = 0; q < 12; q++) {
    CHECK_EQ_INT(pre[q], q / 4);
    CHECK_EQ_INT(post[q], q % 4);
    CHECK(w[q] == (q + 1) * U / 8);
  }
  /* A range from the middle of a row, with one of the arrays left out. */
  int32_t some[3] = {-1, -1, -1};
  CHECK(snnrt_sim_synapse_ends(s, proj, 3, 6, some, NULL));
  CHECK(some[0] == 0 && some[1] == 1 && some[2] == 1);
  CHECK(snnrt_sim_synapse_ends(s, proj, 9, 11, NULL, some));
  CHECK(some[0] == 1 && some[1] == 2);

  /* New weights from S1 (synapses 4..7) are what its spike delivers. */
  double nw[4] = {U / 2, U, 1.5 * U, 2 * U};
  CHECK(snnrt_sim_write_synapses(s, proj, 0, 4, 8, nw));
  CHECK(snnrt_sim_read_synapses(s, proj, 0, 3, 9, w));
  CHECK(w[0] == 4 * U / 8 && w[1] == U / 2 && w[4] == 2 * U && w[5] == 9 * U / 8);
  CHECK(snnrt_sim_step(s, 4));
  for (int64_t j = 0; j < 4; j++) CHECK(v_of(s, j) == 8.0 * (double)(j + 4) + 4.0 * (double)(j + 1));
  snnrt_sim_free(s);
}

/* --- Input ---------------------------------------------------------------------- */

/* add_input enters the next step only, with or without delays in the rings. */
static void test_add_input(int precision, bool delayed) {
  TestModel t;
  SnnSim *s = new_sim(make_model(&t, precision, delayed));
  if (!s) return;
  int64_t slot = snnrt_sim_input_slot(s, POP_N, "I");
  CHECK_EQ_INT(slot, 0);
  CHECK(snnrt_sim_step(s, 1));
  double x[4] = {4, 8, 0, 16}; /* units of U / 8 */
  for (int i = 0; i < 4; i++) x[i] *= U / 8;
  CHECK(snnrt_sim_add_input(s, POP_N, slot, 0, 4, x));
  for (int64_t i = 0; i < 4; i++) CHECK(v_of(s, i) == 8.0 * (double)(i + 1));
  CHECK(snnrt_sim_step(s, 1));
  for (int64_t i = 0; i < 4; i++) CHECK(v_of(s, i) == 8.0 * (double)(i + 2) + x[i] / (U / 8));
  CHECK(snnrt_sim_step(s, 1));
  for (int64_t i = 0; i < 4; i++) CHECK(v_of(s, i) == 8.0 * (double)(i + 3) + x[i] / (U / 8));
  /* Two additions to one neuron add up. */
  double one = U / 8;
  CHECK(snnrt_sim_add_input(s, POP_N, slot, 2, 3, &one));
  CHECK(snnrt_sim_add_input(s, POP_N, slot, 2, 3, &one));
  CHECK(snnrt_sim_step(s, 1));
  /* Without delay S1's spike of step 2 enters step 3 too: w = 7 for neuron 2. */
  CHECK(v_of(s, 2) == 8.0 * 6 + 2 + (delayed ? 0 : 7));
  if (delayed) {
    /* S1's spike of step 2 arrives 3 steps later than without delay, at step 6. */
    CHECK(snnrt_sim_step(s, 2));
    CHECK(v_of(s, 0) == 8.0 * 6 + 4);
    CHECK(snnrt_sim_step(s, 1));
    CHECK(v_of(s, 0) == 8.0 * 7 + 4 + 5);
  }
  snnrt_sim_free(s);
}

/* --- Events ------------------------------------------------------------------- */

typedef struct HookLog {
  int calls;
  int64_t last_step;
  int64_t steps[16];       /* the step of each N spike */
  int32_t index[16];
  int n;
  bool time_ok;            /* the step index counts the step during the call */
  bool step_refused;       /* stepping from the hook is refused */
} HookLog;

static void log_spikes(SnnSim *s, int64_t step, void *ctx) {
  HookLog *log = ctx;
  log->calls++;
  log->last_step = step;
  log->time_ok = snnrt_sim_step_index(s) == step + 1;
  const int32_t *idx;
  int64_t n = snnrt_sim_spikes(s, POP_N, &idx);
  for (int64_t k = 0; k < n && log->n < 16; k++) {
    log->steps[log->n] = step;
    log->index[log->n++] = idx[k];
  }
  if (step == 4) {
    log->step_refused = !snnrt_sim_step(s, 1);
    snnrt_sim_clear_error(s);
  }
}

static void test_spikes_and_hook(int precision) {
  TestModel t;
  SnnSim *s = new_sim(make_model(&t, precision, false));
  if (!s) return;
  HookLog log;
  memset(&log, 0, sizeof log);
  snnrt_sim_set_hook(s, log_spikes, &log);
  const int32_t *idx = NULL;
  CHECK(snnrt_sim_step(s, 3));
  CHECK_EQ_INT(snnrt_sim_spikes(s, POP_S, &idx), 1);
  CHECK(idx && idx[0] == 1);
  CHECK_EQ_INT(snnrt_sim_spikes(s, POP_N, &idx), 0);
  CHECK(snnrt_sim_step(s, 3));
  CHECK_EQ_INT(snnrt_sim_spikes(s, POP_S, &idx), 2);
  CHECK(idx[0] == 0 && idx[1] == 2);
  CHECK(snnrt_sim_step(s, 1));
  CHECK_EQ_INT(snnrt_sim_spikes(s, POP_S, &idx), 0);
  CHECK_EQ_INT(snnrt_sim_spikes(s, POP_N, &idx), 2);
  CHECK(idx[0] == 2 && idx[1] == 3);
  CHECK(snnrt_sim_step(s, 5));
  CHECK_EQ_INT(snnrt_sim_step_index(s), 12);
  CHECK_EQ_INT(log.calls, 12);
  CHECK_EQ_INT(log.last_step, 11);
  CHECK(log.time_ok);
  CHECK(log.step_refused);
  CHECK_EQ_INT(snnrt_sim_step_index(s), 12); /* the refused step did not run */
  static const int64_t want_step[] = {6, 6, 7, 8};
  static const int32_t want_index[] = {2, 3, 1, 0};
  CHECK_EQ_INT(log.n, 4);
  for (int k = 0; k < 4 && k < log.n; k++) {
    CHECK_EQ_INT(log.steps[k], want_step[k]);
    CHECK_EQ_INT(log.index[k], want_index[k]);
  }
  CHECK_EQ_INT(snnrt_sim_spike_count(s, POP_N), 4);
  CHECK_EQ_INT(snnrt_sim_spike_count(s, POP_S), 3);
  snnrt_sim_set_hook(s, NULL, NULL);
  CHECK(snnrt_sim_step(s, 1));
  CHECK_EQ_INT(log.calls, 12);
  snnrt_sim_free(s);
}

/* Input added from the hook enters the step after the one just done. */
static void kick_neuron_0(SnnSim *s, int64_t step, void *ctx) {
  (void)ctx;
  double x = 16 * U / 8;
  if (step == 0) CHECK(snnrt_sim_add_input(s, POP_N, 0, 0, 1, &x));
}

static void test_input_from_hook(void) {
  TestModel t;
  SnnSim *s = new_sim(make_model(&t, 8, true));
  if (!s) return;
  snnrt_sim_set_hook(s, kick_neuron_0, NULL);
  CHECK(snnrt_sim_step(s, 1));
  CHECK(v_of(s, 0) == 8);
  CHECK(snnrt_sim_step(s, 1));
  CHECK(v_of(s, 0) == 16 + 16);
  snnrt_sim_free(s);
}

/* --- Parameters ------------------------------------------------------------------ */

static void test_params(void) {
  TestModel t;
  const SnnModel *m = make_model(&t, 8, false);
  SnnSim *s = new_sim(m);
  if (!s) return;
  int64_t drive = snnrt_sim_param_index(s, "drive");
  int64_t thresh = snnrt_sim_param_index(s, "thresh");
  int64_t inv = snnrt_sim_param_index(s, "inv_thresh");
  CHECK(drive == P_DRIVE && thresh == P_THRESH && inv == P_INV_THRESH);
  CHECK(snnrt_sim_param(s, drive) == U);
  CHECK(snnrt_sim_param(s, inv) == 1 / (10.5 * U));

  /* A new drive takes effect from the next step. */
  CHECK(snnrt_sim_set_param(s, drive, 2 * U));
  CHECK(snnrt_sim_step(s, 1));
  CHECK(v_of(s, 0) == 16);
  /* A derived parameter follows what it is computed from. */
  CHECK(snnrt_sim_set_param(s, thresh, 8 * U));
  CHECK(snnrt_sim_param(s, inv) == 128);
  /* thresh = 0 makes inv_thresh infinite: refused, everything restored. */
  CHECK(!snnrt_sim_set_param(s, thresh, 0));
  CHECK(error_has(s, "parameter 'inv_thresh' is inf"));
  CHECK(snnrt_sim_param(s, thresh) == 8 * U);
  CHECK(snnrt_sim_param(s, inv) == 128);
  /* A refused value of the derived one leaves it derived (not fixed). */
  CHECK(!snnrt_sim_set_param(s, inv, NAN));
  CHECK(error_has(s, "inv_thresh"));
  CHECK(snnrt_sim_param(s, inv) == 128);
  CHECK(snnrt_sim_set_param(s, thresh, 4 * U));
  CHECK(snnrt_sim_param(s, inv) == 256);
  /* Set explicitly, it is no longer computed. */
  CHECK(snnrt_sim_set_param(s, inv, 5));
  CHECK(snnrt_sim_set_param(s, thresh, 2 * U));
  CHECK(snnrt_sim_param(s, inv) == 5);
  /* The kernel sees thresh = 2 U: every v, (i + 2) U, is above it after one more step. */
  CHECK(snnrt_sim_step(s, 1));
  const int32_t *idx;
  CHECK_EQ_INT(snnrt_sim_spikes(s, POP_N, &idx), 4);
  snnrt_sim_free(s);

  /* Values and fixed flags given at creation. */
  double values[NPARAM] = {U, 10.5 * U, 7};
  bool fixed[NPARAM] = {false, false, true};
  char err[256];
  s = snnrt_sim_create(m, NULL, values, fixed, err, sizeof err);
  CHECK(s && snnrt_sim_param(s, inv) == 7);
  snnrt_sim_free(s);
  s = snnrt_sim_create(m, NULL, values, NULL, err, sizeof err);
  CHECK(s && snnrt_sim_param(s, inv) == 1 / (10.5 * U));
  snnrt_sim_free(s);
}

/* --- Sessions, files, guard, threads --------------------------------------------- */

static void test_transfer(void) {
  TestModel t;
  const SnnModel *m = make_model(&t, 8, true);
  SnnSim *a = new_sim(m), *b = new_sim(m), *c = new_sim(m);
  if (!a || !b || !c) return;
  /* After 4 steps S1's spike (step 2) is still in the ring, due at step 6. */
  CHECK(snnrt_sim_step(a, 4));
  CHECK(snnrt_sim_transfer(b, a));
  CHECK_EQ_INT(snnrt_sim_step_index(b), 4);
  CHECK_EQ_INT(snnrt_sim_spike_count(b, POP_S), 1);
  CHECK(snnrt_sim_step(a, 8) && snnrt_sim_step(b, 8));
  for (int64_t i = 0; i < 4; i++) CHECK(v_of(a, i) == v_of(b, i));
  CHECK_EQ_INT(snnrt_sim_spike_count(b, POP_N), snnrt_sim_spike_count(a, POP_N));
  CHECK(snnrt_sim_spike_count(b, POP_N) > 0);
  CHECK(!snnrt_sim_transfer(b, a));
  CHECK(error_has(b, "has already run 12 steps"));
  CHECK(!snnrt_sim_transfer(c, c));
  CHECK(error_has(c, "into itself"));
  snnrt_sim_free(a);
  snnrt_sim_free(b);
  snnrt_sim_free(c);
}

static void remove_folder(const char *dir) {
  static const char *const names[] = {"N_spikes_t.npy", "N_spikes_i.npy", "summary.json", NULL};
  char path[512];
  for (int k = 0; names[k]; k++) {
    snprintf(path, sizeof path, "%s/%s", dir, names[k]);
    unlink(path);
  }
  rmdir(dir);
}

static void test_output_folder(void) {
  char dir[] = "/tmp/snn-stepper-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  TestModel t;
  const SnnModel *m = make_model(&t, 4, false);
  SnnSimConfig c = snnrt_sim_config(m);
  c.out_dir = dir;
  char err[256];
  SnnSim *s = snnrt_sim_create(m, &c, NULL, NULL, err, sizeof err);
  CHECK(s != NULL);
  if (!s) return;
  CHECK(snnrt_sim_step(s, 12));
  CHECK(snnrt_sim_finish(s));
  CHECK(!snnrt_sim_step(s, 1));
  CHECK(error_has(s, "finished"));
  CHECK(snnrt_sim_write_summary(s, NULL, NULL, 0.5, 0.25));
  char path[512];
  NpyArray a;
  snprintf(path, sizeof path, "%s/N_spikes_i.npy", dir);
  CHECK(npy_read(path, &a, err, sizeof err) == NPY_OK);
  CHECK_EQ_INT(a.shape[0], 4);
  CHECK(a.type == NPY_I32 && ((int32_t *)a.data)[0] == 2 && ((int32_t *)a.data)[3] == 0);
  npy_array_free(&a);
  snprintf(path, sizeof path, "%s/summary.json", dir);
  FILE *f = fopen(path, "r");
  char text[8192] = "";
  if (f) {
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fclose(f);
  }
  CHECK(strstr(text, "\"steps\": 12") != NULL);
  CHECK(strstr(text, "\"status\": \"completed\"") != NULL);
  snnrt_sim_free(s);
  remove_folder(dir);
}

static void test_rate_guard(void) {
  TestModel t;
  const SnnModel *m = make_model(&t, 8, false);
  SnnSimConfig c = snnrt_sim_config(m);
  c.max_rate = 100;
  char err[256];
  SnnSim *s = snnrt_sim_create(m, &c, NULL, NULL, err, sizeof err);
  CHECK(s != NULL);
  if (!s) return;
  /* N fires every 11 steps, about 900 Hz: the guard stops at the first 100 ms. */
  CHECK(snnrt_sim_step(s, 999));
  CHECK(!snnrt_sim_step(s, 500));
  CHECK_EQ_INT(snnrt_sim_step_index(s), 1000);
  CHECK(error_has(s, "population 'N' fired at"));
  /* The next window is checked afresh: stopped again at its end. */
  CHECK(!snnrt_sim_step(s, 1500));
  CHECK_EQ_INT(snnrt_sim_step_index(s), 2000);
  snnrt_sim_free(s);
  /* Without the guard, the same activity runs on. */
  s = new_sim(m);
  CHECK(s && snnrt_sim_step(s, 1500) && snnrt_sim_step(s, 1000));
  CHECK_EQ_INT(snnrt_sim_step_index(s), 2500);
  snnrt_sim_free(s);
}

static void test_threads(void) {
  TestModel t;
  const SnnModel *m = make_model(&t, 8, true);
  SnnSimConfig c = snnrt_sim_config(m);
  c.threads = 2;
  char err[256];
  SnnSim *two = snnrt_sim_create(m, &c, NULL, NULL, err, sizeof err), *one = new_sim(m);
  CHECK(two != NULL);
  if (!two || !one) return;
  CHECK(snnrt_sim_step(two, 40) && snnrt_sim_step(one, 40));
  for (int64_t i = 0; i < 4; i++) CHECK(v_of(one, i) == v_of(two, i));
  CHECK_EQ_INT(snnrt_sim_spike_count(two, POP_N), snnrt_sim_spike_count(one, POP_N));
  snnrt_sim_free(two);
  snnrt_sim_free(one);
}

/* --- Arguments refused ----------------------------------------------------------- */

static void test_bad_arguments(void) {
  TestModel t;
  const SnnModel *m = make_model(&t, 8, false);
  char err[256];
  CHECK(snnrt_sim_create(NULL, NULL, NULL, NULL, err, sizeof err) == NULL);
  CHECK(strstr(err, "no model") != NULL);
  SnnSimConfig c = snnrt_sim_config(m);
  c.dt = 0;
  CHECK(snnrt_sim_create(m, &c, NULL, NULL, err, sizeof err) == NULL);
  CHECK(strstr(err, "time step") != NULL);
  c = snnrt_sim_config(m);
  c.threads = 0;
  CHECK(snnrt_sim_create(m, &c, NULL, NULL, err, sizeof err) == NULL);
  CHECK(strstr(err, "threads") != NULL);
  t.model.abi_version = 1;
  CHECK(snnrt_sim_create(m, NULL, NULL, NULL, err, sizeof err) == NULL);
  CHECK(strstr(err, "runtime interface") != NULL);
  t.model.abi_version = SNN_ABI_VERSION;
  /* A failure while building is reported too: thresh = 0 makes inv_thresh infinite. */
  double values[NPARAM] = {U, 0, 0};
  CHECK(snnrt_sim_create(m, NULL, values, NULL, err, sizeof err) == NULL);
  CHECK(strstr(err, "inv_thresh") != NULL);

  SnnSim *s = new_sim(m);
  if (!s) return;
  double buf[8] = {0};
  const int32_t *idx;
  CHECK(snnrt_sim_error(s)[0] == 0);
  CHECK_EQ_INT(snnrt_sim_population(s, "X"), -1);
  CHECK(error_has(s, "no population named 'X'"));
  CHECK_EQ_INT(snnrt_sim_population(s, NULL), -1);
  CHECK(error_has(s, "no population"));
  CHECK_EQ_INT(snnrt_sim_population(s, "S"), POP_S);
  CHECK_EQ_INT(snnrt_sim_state_var(s, POP_N, "u"), -1);
  CHECK(error_has(s, "population 'N' has no state variable named 'u'"));
  CHECK_EQ_INT(snnrt_sim_input_slot(s, POP_N, "J"), -1);
  CHECK(error_has(s, "no input slot named 'J'"));
  CHECK_EQ_INT(snnrt_sim_projection(s, "N -> S"), -1);
  CHECK(error_has(s, "no projection named 'N -> S'"));
  CHECK_EQ_INT(snnrt_sim_synaptic_value(s, 0, "x"), -1);
  CHECK(error_has(s, "stores no synaptic value named 'x'"));
  CHECK_EQ_INT(snnrt_sim_param_index(s, "tau"), -1);
  CHECK(error_has(s, "no parameter named 'tau'"));
  CHECK(!snnrt_sim_read_state(s, 5, 0, 0, 1, buf));
  CHECK(error_has(s, "model 'handmade' has no population 5 (it has 2)"));
  CHECK(!snnrt_sim_read_state(s, POP_N, 3, 0, 1, buf));
  CHECK(error_has(s, "population 'N' has no state variable 3"));
  CHECK(!snnrt_sim_read_state(s, POP_N, 0, 2, 9, buf));
  CHECK(error_has(s, "population 'N': [2, 9) is not a range of its 4 neurons"));
  CHECK(!snnrt_sim_read_state(s, POP_N, 0, 3, 2, buf));
  CHECK(error_has(s, "[3, 2)"));
  CHECK(!snnrt_sim_read_state(s, POP_N, 0, 0, 2, NULL));
  CHECK(error_has(s, "no buffer"));
  CHECK(!snnrt_sim_read_state(s, POP_S, 0, 0, 1, buf));
  CHECK(error_has(s, "population 'S' is a spike source"));
  CHECK(snnrt_sim_read_state(s, POP_N, 0, 2, 2, NULL)); /* an empty range needs no buffer */
  double bad[2] = {U, NAN};
  CHECK(!snnrt_sim_write_state(s, POP_N, 0, 0, 2, bad));
  CHECK(error_has(s, "the value for neuron 1 is nan"));
  CHECK(v_of(s, 0) == 0); /* nothing was written */
  CHECK(!snnrt_sim_add_input(s, POP_N, 1, 0, 1, buf));
  CHECK(error_has(s, "population 'N' has no input slot 1"));
  CHECK(!snnrt_sim_add_input(s, POP_N, 0, 0, 2, bad));
  CHECK(error_has(s, "'I': the value for neuron 1 is nan"));
  CHECK(!snnrt_sim_read_synapses(s, 1, 0, 0, 1, buf));
  CHECK(error_has(s, "no projection 1"));
  CHECK(!snnrt_sim_read_synapses(s, 0, 1, 0, 1, buf));
  CHECK(error_has(s, "projection 'S -> N' has no synaptic value 1"));
  CHECK(!snnrt_sim_write_synapses(s, 0, 0, 10, 13, buf));
  CHECK(error_has(s, "projection 'S -> N': [10, 13) is not a range of its 12 synapses"));
  CHECK(!snnrt_sim_synapse_ends(s, 0, 0, 2, NULL, NULL));
  CHECK(error_has(s, "no buffer"));
  CHECK_EQ_INT(snnrt_sim_spikes(s, POP_N, NULL), -1);
  CHECK(error_has(s, "population 'N'"));
  CHECK_EQ_INT(snnrt_sim_spikes(s, -1, &idx), -1);
  CHECK(error_has(s, "no population -1"));
  CHECK_EQ_INT(snnrt_sim_spike_count(s, 2), -1);
  CHECK(error_has(s, "no population 2"));
  CHECK_EQ_INT(snnrt_sim_population_size(s, 9), -1);
  CHECK_EQ_INT(snnrt_sim_synapse_count(s, 9), -1);
  CHECK(error_has(s, "no projection 9"));
  CHECK(isnan(snnrt_sim_param(s, NPARAM)));
  CHECK(error_has(s, "has no parameter 3 (it has 3)"));
  CHECK(!snnrt_sim_set_param(s, -1, 1));
  CHECK(error_has(s, "no parameter -1"));
  CHECK(!snnrt_sim_step(s, -1));
  CHECK(error_has(s, "cannot run -1 steps"));
  CHECK(!snnrt_sim_transfer(s, NULL));
  CHECK(error_has(s, "no sim"));
  CHECK(!snnrt_sim_write_summary(s, NULL, NULL, 0, 0));
  CHECK(error_has(s, "no output folder"));
  /* The latest failure is the one reported; clearing forgets it. */
  snnrt_sim_population(s, "A");
  snnrt_sim_population(s, "B");
  CHECK(strstr(snnrt_sim_error(s), "'B'") != NULL);
  snnrt_sim_clear_error(s);
  CHECK_STR(snnrt_sim_error(s), "");
  /* Refused calls changed nothing, and the sim still runs. */
  CHECK_EQ_INT(snnrt_sim_step_index(s), 0);
  CHECK(snnrt_sim_step(s, 1));
  CHECK(v_of(s, 0) == 8);
  snnrt_sim_free(s);

  /* NULL sims are refused quietly. */
  CHECK(!snnrt_sim_step(NULL, 1));
  CHECK_EQ_INT(snnrt_sim_step_index(NULL), -1);
  CHECK(isnan(snnrt_sim_time(NULL)));
  CHECK_STR(snnrt_sim_error(NULL), "");
  CHECK_EQ_INT(snnrt_sim_population(NULL, "N"), -1);
  CHECK(!snnrt_sim_read_state(NULL, 0, 0, 0, 1, buf));
  snnrt_sim_free(NULL);
}

int main(void) {
  for (int precision = 8; precision >= 4; precision -= 4) {
    test_steps_and_state(precision);
    test_synapses(precision);
    test_add_input(precision, false);
    test_add_input(precision, true);
    test_spikes_and_hook(precision);
  }
  test_input_from_hook();
  test_params();
  test_transfer();
  test_output_folder();
  test_rate_guard();
  test_threads();
  test_bad_arguments();
  return test_report("test_stepper");
}
