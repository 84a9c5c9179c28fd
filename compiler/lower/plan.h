/*
** plan.h: the kernel plan, the lowering decisions made before any IR.
**
** From the checked Model, plan_build() decides the layout of everything
** the generated code and the runtime share:
**   - the run-time parameter table: global parameters, then each
**     population's copy of its neuron model's parameters, then each
**     projection's copy of its synapse model's parameters;
**   - per population: the integrator (OdeSystem), the input slots (one per
**     port and one per state that synapses add into) and the derived
**     constants (propagator matrices);
**   - per projection: which on_pre statements reduce to sums into an input
**     slot (weights that never change), what is stored per synapse, and
**     whether an event function is needed for the rest;
**   - the random streams: every consumer of random numbers (a Poisson
**     source, a connection rule, each random call of the model as used by
**     one population or projection) gets its own Philox stream number,
**     assigned here and nowhere else, so no two can share draws.
*/
#ifndef SNN_PLAN_H
#define SNN_PLAN_H

#include "model.h"
#include "ode.h"

/* An input slot: an accumulator that synapses add into, cleared each step. */
typedef struct InputSlot {
  Symbol *var;          /* the port, or the state variable summed into */
  bool is_port;
  bool refractory_gated; /* a variable frozen while refractory: what arrives while the
                            neuron is refractory is dropped (section 15 of the language) */
} InputSlot;

/* A random call site as evaluated for one population or projection. */
typedef struct RandomSite {
  const Expr *call;     /* rand(), uniform(a, b), ... */
  int pop, proj;        /* whose code it is (the other one -1) */
  int stream;
} RandomSite;

typedef struct PopPlan {
  Population *pop;
  int stream;           /* POP_POISSON: the source's random stream, else -1 */
  int param_base;       /* first parameter slot of this population's copy */
  OdeSystem ode;
  InputSlot *inputs;
  int ninputs;
  int ncoef;            /* derived constants */
  int coef_refractory;  /* offset of the refractory-variant propagators, or -1 */
  PtrVec currents;      /* CurrentInput* driving this population */
  bool delayed;         /* some incoming projection has a delay */
} PopPlan;

/* `post.x += weight` handled as a sum into an input slot. */
typedef struct AdditivePlan {
  Stmt *stmt;
  int input_slot;       /* the target's accumulator, or -1 ... */
  int target_state;     /* ... when the sum goes straight into this state */
  Expr *weight;         /* with the sign of -= folded in at code generation */
  bool negate;
  bool uniform;         /* the same for every synapse (parameters only) */
  int value;            /* synaptic value index holding it, if not uniform */
} AdditivePlan;

/* Where a synaptic variable is stored.  A variable that only the spikes
   of one end change (a presynaptic trace: written only in on_pre, from
   values every synapse of the neuron shares) is the same for all synapses
   of that neuron, so it is kept once per neuron, as NEST's spike archive
   and GeNN's pre/post variables do. */
typedef enum SynStorage {
  STORE_SYNAPSE,        /* one value per synapse */
  STORE_PRE,            /* one per presynaptic neuron */
  STORE_POST,           /* one per postsynaptic neuron */
} SynStorage;

/* A synaptic variable of a projection: a state or a trace of its model. */
typedef struct SynVar {
  Symbol *sym;
  SynStorage storage;
  int slot;             /* its array among those of its storage */
  bool written;         /* some code or equation changes it */
  /* Between the events that touch it, a lazy variable follows
     dx/dt = rate x + drift exactly (traces and event-driven equations):
     it is brought up to date when an event touches its synapse or neuron. */
  bool lazy;
  Expr *rate, *drift;   /* invariant; NULL: zero */
  int table;            /* its decay table (lazy, with a rate), or -1 */
  Decl *clock_ode;      /* a clock-driven equation: integrated every step */
  Expr *ode_coef, *ode_rest; /* its form coef x + rest, if affine in x (else NULL, NULL) */
  bool ode_affine;
} SynVar;

/* How a per-synapse lazy variable knows when it was last brought up to
   date: from the last events of its two neurons and of the every blocks
   (one number per neuron, none per synapse), or, when delays differ per
   synapse and so do arrival times, from a clock per synapse. */
typedef enum SynClock { CLOCK_NONE, CLOCK_DERIVED, CLOCK_PER_SYNAPSE } SynClock;

typedef struct ProjPlan {
  Projection *proj;
  int param_base;       /* first parameter slot of this projection's copy */
  int stream;           /* random stream of the connection rule */
  AdditivePlan *additive;
  int nadditive;
  Stmt **event_stmts;   /* on_pre statements needing the event function */
  int nevent;
  SynVar *vars;         /* the model's states, then its traces */
  int nvars;
  Symbol **values;      /* per-synapse stored variables, in slot order */
  int nvalues;          /* such variables, then per-synapse weights */
  int nweights;         /* per-synapse weights appended to the values */
  int npre_values, npost_values; /* variables kept per neuron */
  bool has_on_pre;      /* an on_pre function runs per arriving spike */
  bool has_on_post;     /* an on_post function runs per spike of the target */
  bool post_index;      /* synapses listed by target neuron (on_post) */
  bool clock_driven;    /* some variable is integrated every step */
  SynClock clock;
  int ndecay;           /* decay tables of lazy variables */
  Expr *delay;          /* the delay expression, or NULL */
  bool delay_uniform;   /* the same for every synapse */
} ProjPlan;

typedef struct Plan {
  Model *m;
  int nparams;
  Symbol **param_sym;   /* per slot */
  const char **param_name; /* per slot: "taum", "E.tau", "E->I.w" */
  Decl **param_override; /* per slot: a population or connect value, or NULL */
  int *param_pop;       /* per slot: the population whose copy it is, or -1 */
  int *param_proj;      /* per slot: the projection whose copy it is, or -1 */
  PopPlan *pops;        /* per population */
  ProjPlan *projs;      /* per projection */
  int *reward_stream;   /* per reward rule: the stream of its random times */
  int *drive_slot;      /* per poisson_input: the target's input slot it adds to */
  int *drive_stream;    /* per poisson_input: the stream of its event counts */
  int env_stream;       /* the closed loop's tie-breaks, or 0 */
  RandomSite *sites;    /* every random call site, with its stream */
  int nsites;
  int nstreams;         /* streams assigned: 1 .. nstreams */
} Plan;

/* Builds the plan of a model that checked clean.  It reports nothing:
   every user error is the checker's to find (the integrators, too, are
   chosen there). */
void plan_build(Arena *arena, Model *m, Plan *out);
/* The parameter slot of a symbol as seen from a population or projection
   (pass -1 for the one that does not apply). */
int plan_param_slot(const Plan *p, const Symbol *sym, int pop, int proj);
/* The expression that gives parameter slot k its value. */
const Expr *plan_param_value(const Plan *p, int slot);
/* Decides how a projection's synapse code runs: sums, events, storage of
   its variables (plan_synapse.c). */
void plan_synapses(Arena *arena, Plan *p, ProjPlan *jp);
/* The variable of a projection for a synaptic state or trace symbol. */
const SynVar *plan_syn_var(const ProjPlan *jp, const Symbol *sym);
/* The random stream of a call site as evaluated for population `pop` or
   projection `proj` (-1 for the other). */
int plan_random_stream(const Plan *p, const Expr *call, int pop, int proj);
/* The initial value of a neuron state for a population: its override in
   the population block, else the model's (NULL: zero). */
const Expr *population_initial(const Population *p, const Symbol *s);
/* The initial value of a synaptic state for a projection: its connect
   block's, else the synapse model's, else NULL. */
const Expr *synapse_initial(const Projection *pr, const Symbol *s);
/* The input slot of a target population fed by a variable, adding one if
   there is none yet. */
int plan_add_input_slot(Arena *a, PopPlan *pp, Symbol *var, bool is_port);
/* Whether synaptic input to a state variable of the population is dropped
   while its neuron is refractory (`unless refractory`, unless the model says
   `refractory T, input = keep`). */
bool plan_input_dropped_when_refractory(const PopPlan *pp, const Symbol *var);
/* The input slot of a target population fed by a variable, or -1. */
int plan_input_slot(const PopPlan *pp, const Symbol *var);

#endif
