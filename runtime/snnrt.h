/*
** snnrt.h: the interface between generated code and the runtime.
**
** The compiler lowers a model to a module that defines one constant SnnModel
** (the symbol `snn_model`) describing populations, projections, inputs,
** monitors and parameters, with pointers to the generated functions: per
** population an initialiser and a fused step kernel, per projection the
** functions that evaluate connection rules and synaptic values.  The runtime
** builds the network from that description and runs it.  The same module
** serves the JIT (snnc run) and native binaries (snnc build), so both take
** exactly the same path through the runtime.
**
** Layout rule: every field of the structures the compiler emits is 8 bytes
** wide (int64_t, double or a pointer), so the C layout has no padding and
** the code generator can build them as plain LLVM structs.  The order and
** kind of the fields are also written in snnrt_layout.h, the table the code
** generator builds them from; its static assertions fail the build when a
** structure here and its row there disagree.
*/
#ifndef SNNRT_H
#define SNNRT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SNN_ABI_VERSION 13

/* The run-time parameter table that every generated function receives as
   `const double *param` has SnnModel.nparam + 1 entries: the parameters in
   the order of SnnModel.param, then the time step (s).  So any function
   that may read parameters may read dt too, and a --dt given on the
   command line reaches them all. */

/* Exact integration computes an n x n propagator (from a 2n x 2n matrix
   exponential) and multiplies by it every step: the compiler chooses it
   for at most this many integrated variables per neuron, and refuses
   `method exact` beyond. */
#define SNN_MAX_EXACT_VARIABLES 32

/* Lazy synaptic variables decay by factors exp(rate k dt) that are tabled
   for k below this many steps (beyond it they are computed). */
#define SNN_DECAY_TABLE_BITS 10
#define SNN_DECAY_TABLE (1 << SNN_DECAY_TABLE_BITS)
/* A lazy variable's decay table: SNN_DECAY_TABLE factors for 0, 1, 2, ...
   steps, then SNN_DECAY_TABLE for 0, 1, 2, ... times SNN_DECAY_TABLE steps,
   so that any gap under SNN_DECAY_TABLE^2 steps costs two loads. */
#define SNN_DECAY_STRIDE (2 * SNN_DECAY_TABLE)

/* Synaptic delays are stored in steps as 16-bit numbers. */
#define SNN_MAX_DELAY_STEPS 65535

/* Arguments of the per-population functions.  `state[k]` is the array of
   state variable k, `input[k]` the accumulator row of input slot k for the
   current step (both in the model's precision). */
typedef struct SnnKernelArgs {
  void *const *state;
  void *const *input;
  int32_t *refractory;     /* steps left in the refractory period */
  uint8_t *spiked;         /* out: 1 where the neuron spiked this step */
  const double *param;     /* the run-time parameter table */
  const double *own_param; /* param + SnnPopulation.param_base: the population's own
                              parameters, read relative to it so that populations of one
                              model share their kernels */
  const double *coef;      /* this population's derived constants */
  double t;                /* time at the start of the step (s) */
  double dt;               /* the time step (s) */
  int64_t step;
  int64_t size;            /* neurons in the population */
  uint64_t seed;
  const double *modulator; /* the modulators' values during this step (SI) */
} SnnKernelArgs;

/* Advances neurons [begin, end) by one step; returns 1 if a state variable
   became NaN or infinite, else 0. */
typedef int32_t (*SnnStepFn)(const SnnKernelArgs *a, int64_t begin, int64_t end);
/* Sets the initial state of neurons [begin, end). */
typedef void (*SnnInitFn)(const SnnKernelArgs *a, int64_t begin, int64_t end);
/* Computes a population's derived constants (propagators) from the
   parameters and dt; returns 0, or nonzero if they cannot be computed. */
typedef int32_t (*SnnCoefFn)(const double *param, const double *own_param, double dt,
                             double *coef);

/* Arguments of the per-projection functions. */
typedef struct SnnSynapseArgs {
  const double *param;
  uint64_t seed;
  const int32_t *pre;      /* presynaptic index of each synapse in the range */
  const int32_t *post;     /* postsynaptic index of each synapse in the range */
  void *const *value;      /* per synaptic value k: its array (model precision) */
  double *delay;           /* out: per-synapse delay (s), or NULL */
  int64_t first;           /* global index of the first synapse of the range */
  double dt;
} SnnSynapseArgs;

/* The probability of a connection from i to j. */
typedef double (*SnnPairProbFn)(const double *param, int64_t i, int64_t j);
/* Whether i may connect to j (a `where` condition). */
typedef int32_t (*SnnPairCondFn)(const double *param, int64_t i, int64_t j);
/* A bound that a `where` condition sets on one index of a pair given the
   other (compiler/lower/pair_bounds.h): wherever the condition holds,
   D(i, j) <= 0 (or == 0 when `equal`), D affine in the bounded index, so
   D at 0 and at 1 of that index give the bound. */
typedef struct SnnPairBound {
  SnnPairProbFn offset;    /* D(param, i, j) */
  int64_t index;           /* 0: bounds i given j; 1: bounds j given i */
  int64_t equal;
} SnnPairBound;
/* Fills the synaptic values (and delays) of synapses [0, n) of the range. */
typedef void (*SnnSynapseInitFn)(const SnnSynapseArgs *a, int64_t n);

/* Arguments of a projection's synapse code: on_pre that is not a plain
   sum, on_post, every blocks and clock-driven equations.  A variable kept
   per neuron (a presynaptic trace) is in pre_value or post_value, indexed
   by neuron; the rest of the synapse's variables in value, by synapse. */
typedef struct SnnEventArgs {
  const double *param;
  void *const *value;      /* per-synapse values */
  void *const *pre_value;  /* values kept per presynaptic neuron */
  void *const *post_value; /* values kept per postsynaptic neuron */
  void *const *pre_state;  /* state arrays of the source population */
  void *const *post_state; /* state arrays of the target population */
  void *const *post_input; /* input accumulators of the target, this step */
  const int64_t *row;      /* synapses of presynaptic neuron i: row[i] .. row[i + 1] - 1 */
  const int32_t *target;   /* the postsynaptic neuron of each synapse */
  const int64_t *post_row; /* the synapses onto neuron j are post_syn[post_row[j] ..] */
  const int32_t *post_syn; /* synapse numbers, by target neuron, or NULL */
  int64_t *last_pre;       /* per presynaptic neuron: step of its last on_pre here */
  int64_t *last_post;      /* per postsynaptic neuron: step of its last on_post here */
  int64_t *last_update;    /* per synapse: step it was last brought up to date, or NULL */
  int64_t last_every;      /* step of the last every block */
  int64_t npre;            /* presynaptic neurons */
  double t;                /* time of the step (s) */
  double dt;
  uint64_t seed;
  int64_t step;            /* the step the code runs in */
  const double *modulator; /* the modulators' values during this step */
  double *modulator_add;   /* what synapse code adds to them this step */
  const double *decay;     /* per lazy variable: SNN_DECAY_STRIDE decay factors */
  const int32_t *row_block; /* with post_syn: the row of synapse b << block_shift, by b */
  int64_t block_shift;
} SnnEventArgs;

/* on_pre for synapses [first, last) of presynaptic neuron `neuron` (its
   whole row, or one synapse when delays differ per synapse); on_post for
   entries [first, last) of post_syn, the synapses onto `neuron`.
   Both return 1 if they stored a synaptic value that is NaN or infinite. */
typedef int32_t (*SnnEventFn)(const SnnEventArgs *a, int64_t neuron, int64_t first, int64_t last);
/* An every block, or one step of the clock-driven equations, over the
   synapses of presynaptic neurons [begin, end); returns as SnnEventFn. */
typedef int32_t (*SnnRowsFn)(const SnnEventArgs *a, int64_t begin, int64_t end);
/* Fills the decay tables of a projection's lazy variables for step dt:
   out[t * SNN_DECAY_STRIDE + k] = exp(rate_t k dt) and
   out[t * SNN_DECAY_STRIDE + SNN_DECAY_TABLE + k] = exp(rate_t k SNN_DECAY_TABLE dt). */
typedef void (*SnnDecayFillFn)(const double *param, double dt, double *out);
/* Initial values of the variables kept per neuron, for neurons [0, n). */
typedef void (*SnnNeuronValuesFn)(const double *param, void *const *value, int64_t n);

/* The up-to-date value of per-synapse value `value` of synapse syn (a lazy
   variable is brought from its last event to the step of `a`). */
typedef double (*SnnValueFn)(const SnnEventArgs *a, int64_t value, int64_t syn);

/* An every block of a projection. */
typedef struct SnnEvery {
  double interval;         /* s; it runs at the start of steps 0, k, 2k, ... */
  SnnRowsFn run;
} SnnEvery;

/* Rate of a Poisson input (Hz) for neuron i at time t. */
typedef double (*SnnRateFn)(const double *param, double t, int64_t i);

/* A value computed from the parameters: a derived parameter, a weight or a
   delay that is the same for every synapse (SI). */
typedef double (*SnnUniformFn)(const double *param);

/* A run-time parameter: --set name=value. */
typedef struct SnnParam {
  const char *name;        /* "taum", or "I.tau" for a population's own */
  const char *unit;        /* display unit as written ("ms"), or "1" */
  double unit_scale;       /* SI value of one display unit */
  double value;            /* default (SI), unless derived */
  int64_t dim;             /* packed dimension: byte k = exponent k + 64 */
  SnnUniformFn derive;     /* computes it from other parameters, or NULL */
} SnnParam;

/* A state variable, as monitors and messages name it. */
typedef struct SnnVariable {
  const char *name;
  const char *unit;
  double unit_scale;
} SnnVariable;

enum SnnPopKind { SNN_POP_NEURONS = 0, SNN_POP_POISSON = 1, SNN_POP_SPIKE_TIMES = 2 };

typedef struct SnnPopulation {
  const char *name;
  int64_t kind;            /* enum SnnPopKind */
  int64_t size;
  int64_t nstate;
  const SnnVariable *state;
  int64_t ninput;          /* input accumulator slots */
  const SnnVariable *input;
  int64_t ncoef;
  SnnInitFn init;
  SnnStepFn step;
  SnnCoefFn coef;
  SnnRateFn rate;          /* SNN_POP_POISSON */
  int64_t rate_varies;     /* 1 if the rate depends on t (draw every step) */
  int64_t nspikes;         /* SNN_POP_SPIKE_TIMES */
  const int64_t *spike_index;
  const double *spike_time; /* sorted by time (s) */
  int64_t stream;          /* SNN_POP_POISSON: the random stream of its spikes */
  double rate_window;      /* the longest window rate(P, last = W) asks of it (s), or 0 */
  int64_t param_base;      /* the slot of its neuron model's first parameter */
  const char *method;      /* the integrator ("exact", "rk4", ...), or NULL: none */
} SnnPopulation;

enum SnnRule {
  SNN_RULE_ALL = 0, SNN_RULE_ONE_TO_ONE = 1, SNN_RULE_PROBABILITY = 2,
  SNN_RULE_FANIN = 3, SNN_RULE_FANOUT = 4, SNN_RULE_FILE = 5,
};


/* `post.x += expr` reduced to a sum into an input slot of the target. */
typedef struct SnnAdditive {
  int64_t input_slot;      /* accumulator of the target population, or -1 */
  int64_t state;           /* with no accumulator: the state summed into */
  int64_t value;           /* synaptic value holding the weight, or -1 */
  SnnUniformFn weight;     /* the weight when value == -1 */
} SnnAdditive;

enum SnnDelayKind { SNN_DELAY_NONE = 0, SNN_DELAY_CONSTANT = 1, SNN_DELAY_PER_SYNAPSE = 2 };

typedef struct SnnProjection {
  const char *name;        /* "E -> I" */
  int64_t pre, post;       /* population indices */
  int64_t rule;            /* enum SnnRule */
  double p;                /* constant probability, or -1 if p_fn decides */
  SnnPairProbFn p_fn;
  SnnPairCondFn where_fn;  /* NULL: every pair qualifies */
  int64_t nbound;          /* what where_fn implies about i given j and j given i */
  const SnnPairBound *bound;
  int64_t fan;             /* fanin or fanout */
  int64_t autapses;        /* allow i == j within one population */
  const char *file;        /* SNN_RULE_FILE */
  int64_t delay_kind;      /* enum SnnDelayKind */
  SnnUniformFn delay;      /* SNN_DELAY_CONSTANT: the delay (s) */
  int64_t nvalue;          /* synaptic values stored per synapse */
  const SnnVariable *value;
  SnnSynapseInitFn init;   /* fills values and delays; NULL if none */
  int64_t nadditive;
  const SnnAdditive *additive;
  SnnEventFn on_pre;       /* NULL: on_pre is only sums */
  int64_t stream;          /* random stream of the connection rule */
  int64_t npre_value;      /* variables kept per presynaptic neuron */
  const SnnVariable *pre_value;
  SnnNeuronValuesFn pre_init;
  int64_t npost_value;     /* variables kept per postsynaptic neuron */
  const SnnVariable *post_value;
  SnnNeuronValuesFn post_init;
  SnnEventFn on_post;      /* NULL: no on_post code */
  int64_t post_index;      /* 1: list the synapses by target (on_post needs it) */
  int64_t nevery;
  const SnnEvery *every;
  SnnRowsFn clock_step;    /* clock-driven equations, every step; or NULL */
  int64_t synapse_clock;   /* 1: keep last_update per synapse */
  SnnValueFn current;      /* reads lazy per-synapse values up to date; NULL: none */
  int64_t ndecay;          /* decay tables (lazy variables with a rate) */
  SnnDecayFillFn decay_fill;
} SnnProjection;

/* --- Modulators and rewards ----------------------------------------------- */

/* What a reward's amount and delay are computed from. */
typedef struct SnnRewardArgs {
  const double *param;
  const double *modulator; /* the modulators' values this step */
  const void *sim;         /* for snnrt_rate */
  double t;
  double dt;
  uint64_t seed;
  int64_t count;           /* rewards this rule gave before this one (random draws) */
  int64_t step;
} SnnRewardArgs;

/* A reward's amount (in the modulator's SI unit) or delay (s). */
typedef double (*SnnRewardFn)(const SnnRewardArgs *a);

/* Each spike of a population adds `amount` to a modulator. */
typedef struct SnnModSource {
  int64_t population;
  SnnUniformFn amount;
} SnnModSource;

/* A global signal that decays to its baseline, read by neuron and synapse
   code: modulator dopamine { tau = 200 ms; baseline = 0 }. */
typedef struct SnnModulator {
  const char *name;
  const char *unit;        /* display unit ("1" when dimensionless) */
  double unit_scale;
  SnnUniformFn tau;        /* the time constant (s) */
  SnnUniformFn baseline;   /* what it decays to (SI) */
  int64_t nsource;
  const SnnModSource *source;
} SnnModulator;

enum SnnRewardKind {
  SNN_REWARD_SPIKE = 0,    /* when `spike` spikes */
  SNN_REWARD_PAIR = 1,     /* when `spike` spikes within `window` after `since` */
  SNN_REWARD_POISSON = 2,  /* at random times, `rate` per second */
  SNN_REWARD_EVERY = 3,    /* every `interval` */
};

typedef struct SnnReward {
  int64_t kind;            /* enum SnnRewardKind */
  int64_t modulator;
  int64_t spike_pop, spike_neuron;  /* neuron -1: any neuron of the population */
  int64_t since_pop, since_neuron;
  double window;           /* SNN_REWARD_PAIR (s) */
  double interval;         /* SNN_REWARD_EVERY (s) */
  SnnUniformFn rate;       /* SNN_REWARD_POISSON (Hz) */
  SnnRewardFn amount;      /* with its sign */
  SnnRewardFn delay;       /* NULL: at once */
  int64_t stream;          /* random stream of its times (SNN_REWARD_POISSON) */
} SnnReward;

enum SnnMonitorKind {
  SNN_MON_SPIKES = 0, SNN_MON_STATE = 1, SNN_MON_RATE = 2, SNN_MON_WEIGHTS = 3,
  SNN_MON_MODULATOR = 4,   /* population: the modulator's index */
  SNN_MON_REWARDS = 5,     /* population: the modulator; records each reward it gets */
};

typedef struct SnnMonitor {
  int64_t kind;            /* enum SnnMonitorKind */
  int64_t population;      /* or projection, for SNN_MON_WEIGHTS */
  int64_t variable;        /* state or synaptic value index */
  int64_t lo, hi;          /* recorded neurons [lo, hi) */
  double interval;         /* sampling interval or rate bin (s); 0: every step */
  SnnPairCondFn select;    /* SNN_MON_WEIGHTS: the synapses (i, j) recorded; NULL: all */
  double start, stop;      /* records from start to stop (s); stop 0: to the end */
} SnnMonitor;

/* --- Environments in the loop ---------------------------------------------- */

/* A parameter of the environment, by name (runtime/snnrt_env.h). */
typedef struct SnnEnvSetting {
  const char *name;
  double value;
} SnnEnvSetting;

enum SnnEncoderKind {
  SNN_ENCODE_POPULATION_RATE = 1, /* Gaussian receptive fields: per_value Poisson neurons a value */
  SNN_ENCODE_POISSON_RATE = 2,    /* one Poisson neuron a value, its rate linear in the value */
  SNN_ENCODE_CURRENT = 3,         /* scale * value into an input slot of one neuron a value */
};

/* encode ENV.observation[first : first + count] -> population as KIND(...) */
typedef struct SnnEncoder {
  int64_t kind;            /* enum SnnEncoderKind */
  int64_t population;
  int64_t input_slot;      /* SNN_ENCODE_CURRENT: the slot added to */
  int64_t first, count;    /* the observation values encoded */
  int64_t per_value;       /* SNN_ENCODE_POPULATION_RATE: neurons per value */
  double max_rate;         /* Hz: the rate at a field's centre, or at `high` */
  double width;            /* a receptive field's standard deviation, in centre spacings */
  double low, high;        /* the range values are clipped to (rate encoders) */
  double scale;            /* SNN_ENCODE_CURRENT: SI input per unit of the value */
} SnnEncoder;

enum SnnDecoderKind {
  SNN_DECODE_SPIKE_COUNT = 1, /* the group of neurons with the most spikes in the window */
  SNN_DECODE_FIRST_SPIKE = 2, /* the group that spikes first in the window */
  SNN_DECODE_MEMBRANE = 3,    /* the neuron whose variable is largest at the window's end */
};

enum SnnAgentsTable { SNN_TABLE_SHARED = 0, SNN_TABLE_PER_POST = 1, SNN_TABLE_PER_SYNAPSE = 2 };

/* agents on A -> B { ... }: the synapses of a projection as Q-learning
   agents (Strategy A; runtime/learn/agents.h). */
typedef struct SnnAgents {
  int64_t projection;
  const char *features;    /* the feature list, as text (runtime/learn/agent_features.h) */
  int64_t naction;
  const double *action;    /* SI, in the weight's unit (or dimensionless with scale) */
  int64_t scale;           /* 1: w += w * a; 0: w += a */
  const char *weight;      /* the per-synapse value the actions change */
  double w_low, w_high;
  double alpha, gamma, epsilon;
  int64_t table;           /* enum SnnAgentsTable */
  int64_t decide_every;    /* environment steps per decision; 0: at each episode's end */
  int64_t baseline;        /* decide_every 0: minus the mean of the last K episodes, or 0 */
  double reward_scale, reward_terminated, reward_offset; /* the agents' reward, as below */
  int64_t stream;          /* random stream of their choices */
} SnnAgents;

/* The closed loop: environment, encoders, decoder, reward and training. */
typedef struct SnnEnvironment {
  const char *name;        /* the model's name for it ("cart") */
  const char *cls;         /* a built-in class, or NULL */
  const char *library;     /* extern "libmyenv.so" (as resolved), or NULL */
  int64_t nsetting;
  const SnnEnvSetting *setting;
  int64_t seed;            /* its seed, or -1: the run's seed */
  double window;           /* model time simulated per environment step (s) */
  int64_t decoder;         /* enum SnnDecoderKind */
  int64_t decoder_population;
  int64_t decoder_variable; /* SNN_DECODE_MEMBRANE: the state read */
  int64_t nencoder;
  const SnnEncoder *encoder;
  int64_t reward_modulator; /* the modulator that gets the rewards, or -1 */
  /* The modulator gets reward_scale * reward + reward_terminated * terminated
     + reward_offset (SI) after each step; terminated is 1 at the step at
     which the task ends the episode, else 0. */
  double reward_scale, reward_terminated, reward_offset;
  int64_t episodes;        /* train N episodes */
  int64_t until_window;    /* until mean_return(K) >= X: K, or 0 */
  double until_return;     /* X */
  int64_t stream;          /* random stream of tie-breaks between actions */
  int64_t nagents;
  const SnnAgents *agents;
} SnnEnvironment;

/* input drive = poisson_input(n = N, rate = R, weight = W) -> E.v: in every
   step each neuron of `pop` gets W times a Binomial(N, R dt) number of
   events in input slot `slot` (runtime/core/inputs.c). */
typedef struct SnnDrive {
  const char *name;
  int64_t pop;
  int64_t slot;
  int64_t count;           /* N */
  int64_t stream;          /* the random stream of the counts */
  SnnUniformFn rate;       /* R per source (Hz) */
  SnnUniformFn weight;     /* W, in the SI unit of the variable */
} SnnDrive;

typedef struct SnnModel {
  int64_t abi_version;
  const char *name;        /* the model file's base name */
  const char *source;      /* the model file's path */
  int64_t precision;       /* 8: double, 4: single */
  double dt;               /* default time step (s) */
  double duration;         /* default duration: the sum of the runs (s) */
  int64_t seed;            /* default seed */
  int64_t nparam;
  const SnnParam *param;
  int64_t npop;
  const SnnPopulation *pop;
  int64_t nproj;
  const SnnProjection *proj;
  int64_t nmonitor;
  const SnnMonitor *monitor;
  int64_t nmodulator;
  const SnnModulator *modulator;
  int64_t nreward;
  const SnnReward *reward;
  const SnnEnvironment *environment; /* the closed loop, or NULL */
  int64_t ndrive;
  const SnnDrive *drive;
  const char *compiler;    /* the compiler that built it: "snnc 0.1.0" */
} SnnModel;

/* --- Functions that generated code calls --------------------------------- */

/* Uniform draw in [0, 1) keyed by (seed, stream, index, counter). */
double snnrt_uniform(uint64_t seed, int64_t stream, int64_t index, int64_t counter);
/* Standard normal draw keyed like snnrt_uniform. */
double snnrt_normal(uint64_t seed, int64_t stream, int64_t index, int64_t counter);
/* Exact propagators of dx/dt = A x + b (n x n, row-major) for step dt:
   P = exp(A dt), Phi = integral of exp(A s) over [0, dt]. Returns 0 or -1. */
int32_t snnrt_propagator(int64_t n, const double *A, double dt, double *P, double *Phi);

/* The mean rate (Hz) of population pop over the last `window` seconds of
   the run that `sim` (SnnRewardArgs.sim) is. */
double snnrt_rate(const void *sim, int64_t pop, double window);
/* The presynaptic neuron whose row holds synapse syn (row as in
   SnnEventArgs, npre rows). */
int64_t snnrt_row_of(const int64_t *row, int64_t npre, int64_t syn);

/* --- Running a model ------------------------------------------------------ */

/* What the compiler reports about its own phases (s), for summary.json. */
typedef struct SnnCompileInfo {
  double parse, check, codegen, jit;
  const char *compiler;    /* "snnc 0.1.0 (JIT, LLVM 14)" */
} SnnCompileInfo;

/* Parses the command line (--duration, --seed, --set, --dt, --out, --threads,
   --format, --plot, --help) and runs the model; returns the exit status.
   Native binaries call it from main. */
int snnrt_main(const SnnModel *model, int argc, char **argv);
/* snnrt_main with the compiler's phase times (snnc run). */
int snnrt_main_ex(const SnnModel *model, int argc, char **argv, const SnnCompileInfo *info);
/* Stores the time step dt in param[m->nparam] and computes the derived
   parameters (param tau = C / gl) from the others, except those marked
   fixed (set explicitly; NULL: none); returns -1, or the index of the
   first parameter that is not finite. */
int64_t snnrt_derive_params(const SnnModel *m, double *param, double dt, const bool *fixed);
/* What a command-line word starting with '-' is to snnrt_main. */
enum { SNN_OPTION_UNKNOWN = -1, SNN_OPTION_FLAG = 0, SNN_OPTION_VALUE = 1 };
/* The kind of a run option (as "--seed": SNN_OPTION_VALUE, its value being
   the next word); for an unknown one, hint (if given, n bytes) says which
   options it may be a typo of, as "did you mean '--seed'?", or is "". */
int snnrt_option_kind(const char *arg, char *hint, size_t n);
enum { SNN_PLOT_MAX_AT = 8, SNN_PLOT_MAX_NEURONS = 8 };
/* Figure formats, the bits of SnnPlotOptions.formats. */
enum { SNN_PLOT_PNG = 1, SNN_PLOT_SVG = 2, SNN_PLOT_PDF = 4 };
/* Neurons [lo, hi) of the population pop (""; of every population); hi -1: to the last. */
typedef struct SnnPlotNeurons {
  char pop[64];
  int64_t lo, hi;
} SnnPlotNeurons;
/* What snnc plot draws besides the defaults (all zero: the defaults). */
typedef struct SnnPlotOptions {
  double at[SNN_PLOT_MAX_AT]; /* times (s) for the histograms of synaptic records */
  int nat;                    /* 0: the first, middle and last samples */
  SnnPlotNeurons neurons[SNN_PLOT_MAX_NEURONS]; /* rasters and state figures show these */
  int nneurons;               /* 0: every neuron */
  bool window;                /* only the time [t_start, t_stop] (t_stop may be INFINITY) */
  double t_start, t_stop;
  int width, height;          /* figure size; 0: the default */
  unsigned formats;           /* SNN_PLOT_* bits; 0: raster.png and .svg, others .png */
} SnnPlotOptions;
/* Parses one plot option into o: name is "--at", "--neurons", "--window",
   "--size" or "--format", with its value.  0; -1 with a message in err for
   a bad value; 1 if name is not a plot option. */
int snnrt_plot_option(SnnPlotOptions *o, const char *name, const char *value, char *err,
                      size_t errlen);
/* Draws raster.png/.svg and the figures of state, synaptic and modulator
   records from an output folder (.npy or .csv; opt may be NULL); 0, or -1
   with a message in err. */
int snnrt_plot_dir(const char *dir, const SnnPlotOptions *opt, char *err, size_t errlen);

#include "snnrt_layout.h"

#endif
