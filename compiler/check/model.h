/*
** model.h: the checked model, the contract between the checker and the
** lowering stages.
**
** The checker (check.c, check_expr.c) turns the modules of a compilation
** into one Model: every name resolved to a Symbol, every expression given a
** type and a dimension, constants folded, and the declarations sorted into
** neuron and synapse models, populations, projections, inputs, monitors and
** the run schedule.  Values are in SI units throughout.
*/
#ifndef SNN_MODEL_H
#define SNN_MODEL_H

#include <stdint.h>

#include "ast.h"

typedef enum SymKind {
  SYM_PARAM,      /* overridable at run time */
  SYM_CONST,      /* folded at compile time */
  SYM_STATE,      /* per neuron or per synapse */
  SYM_ALIAS,      /* algebraic definition, inlined where used */
  SYM_PORT,       /* input port: summed into by synapses, cleared each step */
  SYM_TRACE,      /* synaptic trace, decays between events */
  SYM_NEURON,     /* a neuron model */
  SYM_SYNAPSE,    /* a synapse model */
  SYM_POPULATION, /* a population or a spike-source input */
  SYM_CURRENT,    /* a current input */
  SYM_EXTERN,     /* an extern C function */
  SYM_FUNCTION,   /* a built-in function */
  SYM_VARIABLE,   /* built-in variable: t, dt, i, j, N */
  SYM_CONSTANT,   /* built-in constant: pi, e */
  SYM_UNIT,       /* a unit used as a value: 60 * mV */
  SYM_NAMESPACE,  /* pre, post */
  SYM_MODULATOR,  /* a global neuromodulator: dopamine */
  SYM_CONNECTION, /* a named connection: connect A -> B via S as Name */
  SYM_ENVIRONMENT, /* environment cart = cartpole(seed = 7) */
} SymKind;

/* The built-in variables. */
typedef enum BuiltinVar { VAR_T, VAR_DT, VAR_I, VAR_J, VAR_N } BuiltinVar;

typedef struct NeuronModel NeuronModel;
typedef struct SynapseModel SynapseModel;
typedef struct SynapseInstance SynapseInstance;
typedef struct Population Population;

/* The two ends of a synapse, as `pre.` and `post.` name them: the symbol
   of the name `pre` or `post` in a checked `pre.x` has this in `builtin`. */
typedef enum SynapseEnd { END_PRE, END_POST } SynapseEnd;

/* What a name denotes. */
struct Symbol {
  SymKind kind;
  const char *name;
  Decl *decl;           /* declaring node, NULL for built-ins */
  Span span;            /* where it was declared (the name) */
  Dim dim;
  const char *unit_text; /* the unit as the user wrote it ("mV"), or NULL */
  double unit_scale;     /* SI value of one such unit (1e-3 for mV) */
  bool has_value;        /* value is known at compile time */
  double value;          /* SI; for a param, its default */
  Expr *expr;            /* alias definition, state initial value, param default */
  int index;             /* position among the owner's symbols of this kind */
  int builtin;           /* BuiltinVar or the function id */
  bool checking;         /* set while its definition is checked (cycle detection) */
  bool checked;
  bool used;
  union {
    NeuronModel *neuron;
    SynapseModel *synapse;
    Population *population;
    struct Projection *projection; /* SYM_CONNECTION */
  } of;                  /* SYM_NEURON, SYM_SYNAPSE, SYM_POPULATION */
  Decl *owner;           /* enclosing neuron or synapse declaration, or NULL */
  struct Scope *home;    /* the scope its definition is read in */
  int home_flags;        /* what its definition may use (enum ExprFlags) */
};

/* A list of symbols searched innermost first. */
typedef struct Scope {
  struct Scope *parent;
  PtrVec syms;
  /* A hash index of syms by name once there are many (scope_add keeps it),
     so that a model of 10^5 declarations is checked in linear time. */
  Symbol **index;
  int index_cap;           /* a power of two, or 0 while there is none */
} Scope;

typedef enum Method {
  METHOD_AUTO, METHOD_EXACT, METHOD_EXPONENTIAL_EULER, METHOD_EULER,
  METHOD_RK2, METHOD_RK4,
} Method;

struct NeuronModel {
  Decl *decl;
  const char *name;
  Scope scope;
  PtrVec params;        /* Symbol* SYM_PARAM */
  PtrVec consts;        /* Symbol* SYM_CONST */
  PtrVec states;        /* Symbol* SYM_STATE, in declaration order */
  PtrVec aliases;       /* Symbol* SYM_ALIAS */
  PtrVec ports;         /* Symbol* SYM_PORT */
  PtrVec odes;          /* Decl* D_ODE, in declaration order */
  Decl *spike;          /* D_SPIKE or NULL */
  Decl *reset;          /* D_RESET or NULL */
  Decl *refractory;     /* D_REFRACTORY or NULL */
  bool refractory_is_condition; /* refractory while a condition holds */
  bool refractory_keeps_input;  /* `refractory T, input = keep`: synaptic input to frozen
                                   variables is added while refractory (default: dropped) */
  Method method;
  int substeps;         /* method euler(substeps = k): k smaller steps per step */
  Decl *method_decl;
  struct OdeSystem *ode; /* the integrator chosen (lower/ode.c), once checked clean */
};

struct SynapseModel {
  Decl *decl;
  const char *name;
  Scope scope;
  PtrVec params, consts, states, aliases, traces; /* Symbol* */
  PtrVec odes;          /* Decl* D_ODE */
  PtrVec every;         /* Decl* D_EVERY */
  Decl *on_pre, *on_post;
  Expr *delay;          /* the `delay = ...` definition, or NULL */
  Span delay_span;      /* its declaration, for notes */
  Symbol *delay_sym;
  Method method;
  Decl *method_decl;
  bool refused;         /* a construct it uses was refused (reported once) */
};

typedef enum PopKind {
  POP_NEURONS,          /* population E = LIF[3200] */
  POP_POISSON,          /* input noise = poisson[1000](rate = 15 Hz) */
  POP_SPIKE_TIMES,      /* input cue = spike_times[2]((0: 10 ms), ...) */
} PopKind;

/* One spike of a spike_times input. */
typedef struct TimedSpike {
  int64_t index;
  double time;
} TimedSpike;

struct Population {
  Decl *decl;
  const char *name;
  PopKind kind;
  int64_t size;
  int index;            /* position in Model.populations */
  NeuronModel *model;   /* POP_NEURONS */
  PtrVec overrides;     /* Decl* D_ALIAS: param values and state initialisers */
  Expr *rate;           /* POP_POISSON: may use t and i */
  TimedSpike *spikes;   /* POP_SPIKE_TIMES, sorted by time then index */
  int64_t nspikes;
};

/* `input drive = current(expr) -> E.I_ext`: added to a port every step. */
typedef struct CurrentInput {
  Decl *decl;
  const char *name;
  Population *target;
  Symbol *port;         /* SYM_PORT or SYM_STATE of the target's model */
  Expr *value;          /* may use t and i */
} CurrentInput;

/* input drive = poisson_input(n = 1000, rate = 20 Hz, weight = 0.1 mV) -> E.v: each
   step, every neuron of the target gets weight times a Binomial(n, rate dt)
   number of events, as from n independent Poisson sources, without the
   sources or their synapses (Brian2's PoissonInput). */
typedef struct PoissonDrive {
  Decl *decl;
  const char *name;
  int index;
  Population *target;
  Symbol *var;          /* SYM_STATE or SYM_PORT of the target's model */
  int64_t count;        /* n */
  Expr *rate;           /* per source; parameters only */
  Expr *weight;         /* per event, in the unit of var; parameters only */
} PoissonDrive;

typedef enum ConnectRule {
  RULE_ALL, RULE_ONE_TO_ONE, RULE_PROBABILITY, RULE_FANIN, RULE_FANOUT, RULE_FILE,
} ConnectRule;

/* One connect statement for one (source, target) pair. */
typedef struct Projection {
  Decl *decl;
  int index;
  const char *name;     /* its name (`as Name`), or NULL: "A -> B" */
  Population *pre, *post;
  SynapseModel *synapse;
  ConnectRule rule;
  Expr *p;              /* RULE_PROBABILITY: may use i and j */
  int64_t fan;          /* RULE_FANIN, RULE_FANOUT */
  Expr *where;          /* optional filter on (i, j) */
  Span where_span;      /* the `where` declaration, for notes */
  const char *file;     /* RULE_FILE: resolved path */
  bool autapses;        /* allow i == j when pre == post */
  Expr *delay;          /* overrides the synapse model's delay, or NULL */
  PtrVec inits;         /* Decl* D_ALIAS: synapse param/state values */
  SynapseInstance *inst; /* the synapse model bound to this connection */
} Projection;

/* A synapse model bound to one connection.  Synapse code means different
   things for different neurons at its ends (`post.ge` is whatever `ge` is
   in the target's model, with its unit), so each connection checks a copy
   of its own: every `pre.x` / `post.x` in it is resolved to the symbol of
   that neuron model (Expr.sym) and to its end (the base name's symbol),
   every expression has the dimension and constant value it has here.
   Later stages read the instance, never the model's shared text. */
struct SynapseInstance {
  SynapseModel *model;
  Projection *proj;
  NeuronModel *pre, *post; /* the models at the ends; NULL for a spike source */
  Scope scope;          /* the copied definitions, in front of the model's scope */
  PtrVec aliases;       /* Symbol* SYM_ALIAS: copies of the model's definitions */
  PtrVec odes;          /* Decl* D_ODE: copies */
  PtrVec every;         /* Decl* D_EVERY: copies */
  Decl *on_pre, *on_post; /* copies, or NULL */
};

/* modulator dopamine { tau = 200 ms; baseline = 0; from VTA += 0.01 }: a
   global signal that decays to its baseline, read by name in neuron and
   synapse code, raised by synapse code, reward rules and spikes. */
typedef struct ModSource {
  Decl *decl;
  Population *pop;      /* each of its spikes adds `amount` */
  Expr *amount;
} ModSource;

typedef struct Modulator {
  Decl *decl;
  const char *name;
  Symbol *sym;
  int index;            /* position in Model.modulators */
  Expr *tau, *baseline; /* tau: a time (parameters allowed); baseline: the modulator's unit */
  PtrVec sources;       /* ModSource* */
} Modulator;

typedef enum RewardKind {
  REWARD_SPIKE,         /* reward when spiked(P[k]): ... */
  REWARD_PAIR,          /* reward when spiked(A) within W after spiked(B): ... */
  REWARD_POISSON,       /* reward when poisson(rate = R): at random times */
  REWARD_EVERY,         /* reward every T: ... */
} RewardKind;

/* A spike condition's neuron: one neuron of a population, or any (-1). */
typedef struct SpikeEnd {
  Population *pop;
  int64_t neuron;
} SpikeEnd;

typedef struct RewardRule {
  Decl *decl;
  int index;
  RewardKind kind;
  SpikeEnd spike;       /* REWARD_SPIKE, REWARD_PAIR: the spike that rewards */
  SpikeEnd since;       /* REWARD_PAIR: the spike it must follow */
  double window;        /* REWARD_PAIR: by less than this (s) */
  double interval;      /* REWARD_EVERY (s) */
  Expr *rate;           /* REWARD_POISSON (Hz; parameters allowed) */
  Modulator *target;
  bool subtract;        /* -= */
  Expr *amount;         /* may use t, parameters, modulators, rate(P, last = W), random draws */
  Expr *delay;          /* after DELAY (may draw), or NULL */
} RewardRule;

typedef enum MonitorKind {
  MON_SPIKES, MON_STATE, MON_RATE, MON_WEIGHTS, MON_MODULATOR, MON_REWARDS,
} MonitorKind;

typedef struct Monitor {
  Decl *decl;
  MonitorKind kind;
  Population *pop;      /* MON_SPIKES, MON_STATE, MON_RATE */
  Symbol *var;          /* MON_STATE, MON_WEIGHTS */
  int64_t lo, hi;       /* recorded indices [lo, hi) */
  double every;         /* sampling interval (s), MON_STATE and MON_WEIGHTS */
  double bin;           /* MON_RATE bin width (s) */
  Projection *proj;     /* MON_WEIGHTS */
  Expr *where;          /* MON_WEIGHTS: which synapses (a condition on i, j), or NULL */
  Modulator *mod;       /* MON_MODULATOR, MON_REWARDS */
  double start, stop;   /* records in [start, stop) (s); stop 0: to the end */
} Monitor;

/* encode cart.observation[0:2] -> In as population_rate(per_value = 8): a
   slice of the observation turned into the input of a population before
   each environment step. */
typedef enum EncoderKind { ENCODE_POPULATION_RATE, ENCODE_POISSON_RATE, ENCODE_CURRENT } EncoderKind;

typedef struct Encoder {
  Decl *decl;
  EncoderKind kind;
  Population *pop;      /* a Poisson input (rate encoders) or neurons (current) */
  Symbol *port;         /* ENCODE_CURRENT: the port or state it adds to */
  int64_t first, count; /* the observation values [first, first + count) */
  int64_t per_value;    /* ENCODE_POPULATION_RATE */
  double max_rate;      /* Hz */
  double width;         /* receptive field sigma, in centre spacings */
  double low, high;     /* the range of the values (rate encoders) */
  double scale;         /* ENCODE_CURRENT: SI input per unit of the value */
} Encoder;

typedef enum DecoderKind { DECODE_SPIKE_COUNT, DECODE_FIRST_SPIKE, DECODE_MEMBRANE } DecoderKind;

/* environment cart = cartpole(seed = 7) with its encoders, decoder, reward
   and train statement: the closed loop.  The spaces are those of the class,
   opened at compile time to check the model against them. */
typedef struct Environment {
  Decl *decl;
  const char *name;
  const char *cls;      /* built-in class name, or NULL */
  const char *library;  /* extern "path", resolved; or NULL */
  int nsettings;
  const char **setting_names;
  double *setting_values;
  int64_t seed;         /* -1: the run's seed */
  int64_t obs_size;
  double *obs_low, *obs_high;
  bool discrete_action;
  int64_t nactions;     /* choices, or values of a box action */
  PtrVec encoders;      /* Encoder* */
  Decl *decoder_decl;
  DecoderKind decoder;
  Population *decoder_pop;
  Symbol *decoder_var;  /* DECODE_MEMBRANE */
  double window;        /* model time per environment step (s) */
  Decl *reward_decl;
  Modulator *reward_mod;
  double reward_scale, reward_terminated, reward_offset;
  Decl *train;
  bool decoder_written, train_written; /* seen, valid or not: no second error for a missing one */
  int64_t episodes;
  int64_t until_window; /* until mean_return(K) >= X: K, or 0 */
  double until_return;
} Environment;

typedef enum AgentsTable { TABLE_SHARED, TABLE_PER_POST, TABLE_PER_SYNAPSE } AgentsTable;

/* agents on A -> B { ... }: Strategy A, the synapses of one projection as
   Q-learning agents (check_agents.c; runtime/learn/agents.h). */
typedef struct AgentsBlock {
  Decl *decl;
  Projection *proj;
  const char *features; /* the feature list, as canonical text */
  int64_t nstates;
  int naction;
  double action[16];
  bool scale;           /* scale in {...}: w += w * a; dw in {...}: w += a */
  Symbol *weight;       /* the synapse state the actions change */
  double w_low, w_high;
  double alpha, gamma, epsilon;
  AgentsTable table;
  int64_t decide_every; /* environment steps per decision; 0: one at each episode's end */
  int64_t baseline;     /* per episode: minus the mean of the last K episodes' rewards, or 0 */
  double reward_scale, reward_terminated, reward_offset;
} AgentsBlock;

typedef enum Precision { PRECISION_DOUBLE, PRECISION_SINGLE } Precision;

/* The checked model. */
typedef struct Model {
  Arena *arena;
  Diags *diags;
  Module *modules;      /* all parsed files; the main file first */
  Module *main;
  Scope globals;
  Symbol *ends[2];      /* the names `pre` and `post` (SynapseEnd) */
  PtrVec params;        /* global Symbol* SYM_PARAM */
  PtrVec consts;
  PtrVec externs;       /* Symbol* SYM_EXTERN */
  PtrVec neurons;       /* NeuronModel* */
  PtrVec synapses;      /* SynapseModel* */
  PtrVec populations;   /* Population*, spike-source inputs included */
  PtrVec currents;      /* CurrentInput* */
  PtrVec drives;        /* PoissonDrive* */
  PtrVec projections;   /* Projection* */
  PtrVec monitors;      /* Monitor* */
  PtrVec modulators;    /* Modulator* */
  PtrVec rewards;       /* RewardRule* */
  PtrVec runs;          /* Decl* D_RUN, in order */
  Environment *env;     /* the closed loop, or NULL */
  PtrVec agents;        /* AgentsBlock* */
  double duration;      /* sum of the runs (s) */
  Precision precision;
  double dt;            /* s */
  uint64_t seed;
  bool seed_given;
  Decl *dt_decl;
  double parse_seconds;  /* time spent reading and parsing files */
} Model;

/* Options of a compilation. */
typedef struct CheckOptions {
  const char *const *search_path; /* import folders, NULL-terminated */
  bool allow_instances_in_imports;
  const char *search_note; /* added to "cannot find" errors: a folder missing from search_path */
} CheckOptions;

/* Parses path and everything it imports, then checks the whole model.
   Returns NULL when the file cannot be read; otherwise a Model whose
   diags->errors tells whether it is usable. */
Model *model_load(Arena *arena, Diags *diags, const char *path, const CheckOptions *opt);
/* model_load for the REPL: the file (with path NULL: texts[0], named
   names[0], or an empty model when there are no texts) followed by
   declarations typed at the prompt, each parsed as its own source file
   named names[k], so that messages point into what was typed. */
Model *model_load_session(Arena *arena, Diags *diags, const char *path,
                          const char *const *names, const char *const *texts, int ntexts,
                          const CheckOptions *opt);
/* Checks already parsed modules (the first is the main file). */
Model *model_check(Arena *arena, Diags *diags, Module *modules);
/* Checks an expression typed at the REPL prompt against a checked model:
   parameters, constants, population members (E.v[0:5]), t, and the
   prompt's reductions and spike queries; false after reporting errors. */
bool check_repl_expr(Model *m, Diags *d, Expr *e);
/* Frees the heap parts of a model (its arena belongs to the caller). */
void model_free(Model *m);

/* Finds a symbol by name in a scope chain, or NULL. */
Symbol *scope_lookup(const Scope *s, const char *name);
/* Finds a symbol in one scope only, or NULL. */
Symbol *scope_find_local(const Scope *s, const char *name);
/* Appends a symbol to a scope (the first of a name is the one found). */
void scope_add(Scope *s, Symbol *sym);
/* Frees a scope's lists (not its symbols, which live in an arena). */
void scope_release(Scope *s);
/* The population with this name, or NULL. */
Population *model_population(const Model *m, const char *name);
/* The state, alias or port named `name` of a neuron model, or NULL. */
Symbol *neuron_member(const NeuronModel *n, const char *name);
/* The symbol named `name` of a synapse model, or NULL. */
Symbol *synapse_member(const SynapseModel *s, const char *name);
/* The end (END_PRE or END_POST) that a checked `pre.x` / `post.x` reads. */
SynapseEnd member_end(const Expr *member);
/* The name of a method ("rk4"). */
const char *method_name(Method m);

#endif
