/*
** sim.h: the runtime's simulation state and its modules.
**
** A Sim is everything one run of a model owns: the parameter table, the
** populations (state arrays, input ring buffers, spike lists), the
** projections (compressed synapse rows), the monitors and the thread team.
** The modules each own one part:
**   network.c   building projections from connection rules
**   sim.c       allocation, initialisation, the step loop
**   route.c     spike delivery through the ring buffers
**   inputs.c    Poisson and spike-time sources
**   monitor.c   monitors streaming to .npy or .csv files
**   team.c      worker threads and their barrier
**   cli.c       the command line, summary.json and the progress line
*/
#ifndef SNNRT_SIM_H
#define SNNRT_SIM_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "snnrt.h"

enum { SIM_ERRLEN = 512, SIM_MAX_THREADS = 64 };
/* The longest run in steps (10^12: 3 years of model time at 0.1 ms). */
#define SIM_MAX_STEPS 1e12

/* A growable list of neuron indices. */
typedef struct IndexList {
  int32_t *items;
  int64_t len, cap;
} IndexList;

/* A population at run time. */
/* The spikes one thread found in its range of a population, on a cache
   line of its own so that threads do not write to each other's lines. */
typedef struct SpikePart {
  IndexList list;
  bool failed;             /* out of memory while collecting */
} __attribute__((aligned(64))) SpikePart;

typedef struct RtPop {
  const SnnPopulation *desc;
  int64_t size;
  void **state;            /* per state variable: array of `size` reals */
  int64_t ring;            /* rows per input ring: max incoming delay + 1 */
  void **input;            /* per input slot: ring * size reals */
  void **input_row;        /* per input slot: the row of the current step */
  int32_t *refractory;
  uint8_t *spiked;
  double *coef;
  IndexList spikes;        /* who spiked in the current step, ascending (a Poisson source
                              with several spikes in the step appears as often) */
  SpikePart *part;         /* per thread: the spikes in its range */
  uint64_t total_spikes;
  uint32_t *window;        /* spikes per step over the last window_steps (rate() in rewards) */
  int64_t window_steps;
  /* Poisson sources */
  int64_t *next_spike;     /* step of each neuron's next spike */
  uint64_t *drawn;         /* draws made per neuron (RNG counter) */
  double *rate;            /* per neuron rate (Hz), when constant in time */
  /* spike-time sources */
  int64_t cursor;
} RtPop;

/* Events waiting for their delay, for projections with on_pre code: per
   step, the presynaptic neurons whose rows are due (one delay for the
   whole projection), or the synapses that are (delays per synapse). */
typedef struct EventQueue {
  int64_t slots;           /* ring length */
  int64_t *len, *cap;      /* per slot */
  int64_t **item;          /* per slot: neuron or synapse numbers */
} EventQueue;

/* A projection at run time: synapses grouped by presynaptic neuron. */
typedef struct RtProj {
  const SnnProjection *desc;
  RtPop *pre, *post;
  int64_t nsyn;
  int64_t *row;            /* pre size + 1 offsets into target */
  int32_t *target;         /* postsynaptic index per synapse */
  void **value;            /* per synaptic value: array (reals) */
  uint16_t *delay;         /* per-synapse delay in steps, or NULL */
  int64_t delay_steps;     /* the delay when it is the same for all */
  int64_t max_delay;
  double *weight;          /* per additive sum: the uniform weight */
  int64_t *split;          /* threads > 1: per row, per thread, first synapse */
  EventQueue events;
  int32_t *pre_of;         /* per synapse: presynaptic index (per-synapse delays) */
  /* plasticity (learn/plasticity.c) */
  void **pre_value;        /* per variable kept per presynaptic neuron: array */
  void **post_value;       /* ... per postsynaptic neuron */
  int64_t *last_pre;       /* per presynaptic neuron: step of its last on_pre */
  int64_t *last_post;      /* per postsynaptic neuron: step of its last on_post */
  int64_t *last_update;    /* per synapse, with synapse_clock */
  int64_t last_every;      /* step of the last every block */
  int64_t *every_steps;    /* per every block: its interval in steps */
  double *decay;           /* decay tables of lazy variables (ndecay * SNN_DECAY_STRIDE) */
  int64_t *post_row;       /* post index: synapses onto j are post_syn[post_row[j] ..] */
  int32_t *post_syn;
  int32_t *row_block;      /* with the post index: the row of synapse b << block_shift */
  int64_t block_shift;
  size_t bytes;            /* memory held per synapse data, for the summary */
  size_t synapse_bytes;    /* the part of it held per synapse (not per neuron) */
} RtProj;

typedef struct Monitors Monitors;
typedef struct Team Team;
typedef struct Training Training;

/* Options of a run, from the command line. */
typedef struct RunOptions {
  double duration;         /* s */
  double dt;               /* s */
  uint64_t seed;
  int threads;
  const char *out_dir;
  bool csv;
  bool plot;
  SnnPlotOptions plot_opt; /* --plot-neurons, --plot-window, --plot-size, --plot-format */
  bool progress;           /* progress line on stderr */
  bool quiet;
  double max_rate;         /* Hz: stop when a population exceeds it */
  double max_output;       /* bytes: warn when the monitors would write more (0: never) */
  int64_t episodes;        /* closed loop: episodes to train, 0 for the model's count */
  const char *features;    /* closed loop: every agents block's feature list, or NULL */
} RunOptions;

/* Wall time of the phases of a run (s). */
typedef struct PhaseTimes {
  double parse, check, codegen, jit, build, simulate, write;
} PhaseTimes;

/* Where the step loop spends its time (SNNRT_PROFILE=1). */
enum StepPhase { PHASE_INTEGRATE, PHASE_COLLECT, PHASE_ROUTE, PHASE_MONITORS, PHASE_COUNT };
typedef struct StepProfile {
  double seconds[PHASE_COUNT];
} StepProfile;

/* A reward waiting for its delay. */
typedef struct PendingReward {
  int64_t step;            /* the step it is given in */
  int64_t order;           /* the order it was scheduled in: ties keep it */
  int64_t modulator;
  double amount;
} PendingReward;

/* What a reward rule remembers. */
typedef struct RewardState {
  int64_t last_since;      /* REWARD_PAIR: the step of the last `since` spike, or -1 */
  int64_t count;           /* rewards given so far */
  int64_t every_steps;     /* SNN_REWARD_EVERY */
  double chance;           /* SNN_REWARD_POISSON: rate * dt */
} RewardState;

typedef struct Sim Sim;
struct Sim {
  const SnnModel *model;
  RunOptions opt;
  size_t real_size;        /* 8 or 4 */
  double *param;           /* nparam values, then the time step (snnrt.h) */
  bool *param_fixed;       /* set explicitly: not recomputed from others */
  RtPop *pops;
  RtProj *projs;
  int64_t step, nsteps;
  double t;
  Monitors *monitors;
  Team *team;
  int nthreads;            /* threads stepping the network (1: the caller) */
  StepProfile *profile;    /* NULL unless profiling */
  /* modulators and rewards (learn/modulators.c) */
  double *mod;             /* per modulator: its value during this step (SI) */
  double *mod_add;         /* per modulator: what code and rewards add this step */
  double *mod_decay;       /* per modulator: exp(-dt / tau) */
  double *mod_baseline;
  RewardState *reward;     /* per reward rule */
  double *drive_p;         /* per poisson_input: each source's chance of an event this step */
  double *drive_w;         /* per poisson_input: the weight of an event (SI) */
  PendingReward *pending;  /* a binary heap by (step, order) */
  int64_t npending, cap_pending, scheduled;
  uint64_t *guard_counts;  /* rate guard: spikes per population at the window's start */
  int64_t guard_start, guard_window; /* first step and length of the window */
  Training *training;      /* the closed loop's record (env/loop.h), or NULL */
  /* Called after every step with the step's spikes collected (the REPL
     records them); NULL for none. */
  void (*after_step)(Sim *s, void *ctx);
  void *after_step_ctx;
  /* Read before every step: non-zero asks the run to stop there (SIGINT or
     SIGTERM, cli/interrupt.c); NULL for none.  `interrupted` says it did. */
  const volatile sig_atomic_t *stop_request;
  bool interrupted;
  double memory_limit;     /* what the run may promise (memory.c); 0 until read */
  double memory_reserved;  /* what it has promised so far */
  const char *memory_source; /* what sets the limit, for messages */
  char error[SIM_ERRLEN];  /* set when a run stops on an error */
  bool failed;
};

/* sim.c */
/* Allocates state, builds the network and initialises it from the
   parameter values `param` (model->nparam of them; derived ones are
   computed unless marked in `fixed`, which may be NULL); false + s->error
   on failure. */
bool sim_setup(Sim *s, const SnnModel *model, const RunOptions *opt, const double *param,
               const bool *fixed);
/* Runs nsteps steps (the monitors must be open); false if the run stopped on an error. */
bool sim_run(Sim *s, int64_t nsteps, void (*progress)(const Sim *, void *), void *ctx);
/* Carries the state of what `from` and `to` share (by name) into `to`. */
void sim_transfer(Sim *to, const Sim *from);
/* Frees everything a Sim owns. */
void sim_free(Sim *s);
/* Records an error message; always returns false. */
bool sim_fail(Sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Allocates n zeroed bytes aligned to 64; NULL on failure. */
void *sim_alloc(size_t n);
/* mkdir -p; true if the folder exists afterwards. */
bool sim_make_dirs(const char *path);
/* memory.c */
/* Bytes of memory the run may use: MemAvailable, the control group's
   limit or SNN_MEMORY_LIMIT, the least of them; *source says which
   ("memory available", ...). */
double sim_memory_limit(const char **source);
/* Adds `bytes` to what the run has promised; false + error naming `what`
   when the total would exceed the limit. */
bool sim_reserve(Sim *s, double bytes, const char *what);
/* Gives back part of a reservation (an estimate that proved too high). */
void sim_unreserve(Sim *s, double bytes);
/* Frees a block from sim_alloc (NULL is fine). */
void sim_release(void *p);
/* The contiguous range [begin, end) of a population that a thread owns. */
void sim_range(int64_t size, int thread, int nthreads, int64_t *begin, int64_t *end);
/* Appends an index to a list; false when out of memory. */
bool index_push(IndexList *l, int32_t i);

/* derive.c: values computed from the parameters and the time step */
/* Sets the time step's slot and the derived parameters; false + s->error
   naming a parameter that is not finite. */
bool derive_params(Sim *s);
/* A population's propagators, or a Poisson source's constant rates. */
bool derive_population(Sim *s, RtPop *p);
/* A projection's uniform weights and constant delay; when `building`, the
   delay sets max_delay, afterwards it must fit within it. */
bool derive_projection(Sim *s, RtProj *p, bool building);
/* Everything of the above, after s->param changed during a run. */
bool sim_refresh_params(Sim *s);

/* learn/modulators.c: modulators and reward rules */
/* Allocates the modulators (at their baselines) and the rules' state. */
bool modulators_setup(Sim *s);
/* Their decay factors and baselines from the parameters and dt; false +
   s->error for one that is not finite. */
bool modulators_derive(Sim *s);
/* End of a step: rewards given, spikes of the sources, decay; the values
   are those of the next step. */
bool modulators_step(Sim *s);
/* Adds `amount` to modulator k in this step, as a reward rule would
   (counted by the rewards monitors); false + s->error when not finite. */
bool modulators_give(Sim *s, int64_t k, double amount);
/* Frees what modulators_setup allocated. */
void modulators_free(Sim *s);

/* guard.c: the runaway-firing guard, run by sim_run after every step */
/* Allocates the guard's counters and starts its first window. */
bool guard_setup(Sim *s);
/* Starts a new window at the current step (after state was carried in). */
void guard_restart(Sim *s);
/* At the end of a window, fails naming a population whose mean rate over
   it exceeds opt.max_rate (0: no limit). */
bool guard_after_step(Sim *s);
/* At the end of a run: the last window, shorter than the others, if it spans
   at least 10 ms; false + s->error as guard_after_step. */
bool guard_finish(Sim *s);

/* network.c */
/* Builds the synapses of projection k from its rule; false + s->error on failure. */
bool network_build(Sim *s, RtProj *p);
/* Frees a projection's synapses. */
void network_free(RtProj *p);

/* route.c */
/* Delivers this step's spikes of every projection (threads share the work). */
void route_spikes(Sim *s, int thread, int nthreads);
/* Prepares the per-thread row splits of a projection. */
bool route_prepare(Sim *s, RtProj *p, int nthreads);
/* The accumulator row of an input slot for delivery `delay` steps ahead. */
void *route_ring_row(const Sim *s, const RtPop *post, int64_t slot, int64_t delay);

/* learn/plasticity.c: running synapse code */
/* Allocates what a projection's synapse code needs (per-neuron values and
   clocks, the post index, the event queue) and sets the initial values. */
bool plasticity_prepare(Sim *s, RtProj *p);
/* Runs the every blocks due at the start of this step. */
bool plasticity_every(Sim *s);
/* One step of the clock-driven synaptic equations; false + s->error when a
   value became NaN or infinite (so for the other two). */
bool plasticity_clock(Sim *s);
/* Queues this step's spikes for on_pre and runs the on_pre code due now,
   then on_post for this step's spikes of the targets (one thread). */
bool plasticity_events(Sim *s);
/* Per-synapse value `value` of synapse syn as of the current step (a lazy
   one brought up to date, without changing what is stored). */
double plasticity_value(Sim *s, RtProj *p, int64_t value, int64_t syn);
/* The decay tables of a projection's lazy variables, from the parameters
   and dt (derive.c calls it when they change). */
bool plasticity_derive(Sim *s, RtProj *p);
/* Frees what plasticity_prepare allocated. */
void plasticity_free(RtProj *p);
/* The name and unit of value `value` of a projection, numbered as
   SnnMonitor.variable: per-synapse values, then those kept per presynaptic
   and per postsynaptic neuron. */
const SnnVariable *plasticity_value_desc(const SnnProjection *d, int64_t value);
/* log2 of the synapses per entry of the coarse row table: about the mean row length. */
int64_t plasticity_block_shift(int64_t npre, int64_t nsyn);
/* out[b] = the row holding synapse b << shift, for b = 0 .. (row[npre] >> shift). */
void plasticity_row_blocks(const int64_t *row, int64_t npre, int64_t shift, int32_t *out);

/* inputs.c */
/* Prepares a Poisson or spike-time source. */
bool inputs_setup(Sim *s, RtPop *p);
/* Fills p->spikes for the current step. */
void inputs_step(Sim *s, RtPop *p);
/* Sets the rate of neuron i of a Poisson source with constant rates (an
   encoder's), from the current step on; false + s->error for a rate that
   is negative or not finite. */
bool inputs_set_rate(Sim *s, RtPop *p, int64_t i, double rate);
/* Allocates what the poisson_input drives need; false after sim_fail. */
bool drives_setup(Sim *s);
/* Evaluates every drive's chance and weight for this step from the
   parameters (the REPL may have changed them); false after sim_fail. */
bool drives_prepare(Sim *s);
/* Adds the drives' events for this step to neurons [begin, end) of
   population pop, in its input slots; reproducible whatever the split. */
void drives_apply(Sim *s, int64_t pop, int64_t begin, int64_t end);
void drives_free(Sim *s);

/* monitor.c */
/* Opens the monitor files in opt->out_dir; false + s->error on failure. */
bool monitors_open(Sim *s);
/* Records what the monitors sample at the start of a step (state). */
bool monitors_before_step(Sim *s);
/* Records this step's spikes (spike and rate monitors). */
bool monitors_after_step(Sim *s);
/* Flushes the files so that they are readable now; false + s->error if
   the output folder was removed or replaced since they were opened. */
bool monitors_flush(Sim *s);
/* True if the output folder the files were opened in is gone or replaced. */
bool monitors_output_lost(const Sim *s);
/* Finishes and closes every file; false + s->error if data was lost. */
bool monitors_close(Sim *s);
/* Frees the monitors (after monitors_close). */
void monitors_free(Sim *s);
/* Calls fn for the path of every file the monitors write. */
void monitors_list_files(const Sim *s, void (*fn)(const char *path, void *ctx), void *ctx);
/* Calls fn for each file of values with the unit its numbers are in. */
void monitors_list_units(const Sim *s, void (*fn)(const char *path, const char *unit, void *ctx),
                         void *ctx);
/* Calls fn with the file of each state monitor and the first neuron it
   records (its columns are that neuron and the ones after it). */
void monitors_list_neurons(const Sim *s,
                           void (*fn)(const char *path, int64_t first, void *ctx), void *ctx);
/* Records a reward given to a modulator this step (rewards monitors). */
bool monitors_reward(Sim *s, int64_t modulator, double amount);
/* Draws the figures of snnc plot in the output folder; false + message. */
bool monitors_plot(const Sim *s, char *err, size_t errlen);

#endif
