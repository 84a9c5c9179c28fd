/*
** check.h: the checker's internal interface, shared by check_*.c.
**
** A Checker walks declarations with a current scope and a set of flags
** that say what an expression may use where it stands: a parameter's value
** may not read state variables, only initial values may draw random
** numbers, only synapse code may say pre. and post., and so on.  The
** `context` string names the place in messages ("in the spike condition").
*/
#ifndef SNN_CHECK_H
#define SNN_CHECK_H

#include "builtins.h"
#include "model.h"

/* What an expression may use. */
enum ExprFlags {
  EF_STATE = 1 << 0,    /* state variables, aliases, ports, traces */
  EF_TIME = 1 << 1,     /* t */
  EF_I = 1 << 2,        /* i (and N): the neuron or presynaptic index */
  EF_J = 1 << 3,        /* j: the postsynaptic index */
  EF_RANDOM = 1 << 4,   /* rand(), uniform(), ... */
  EF_PREPOST = 1 << 5,  /* pre.x and post.x */
  EF_MEMBERS = 1 << 6,  /* E.v: members of populations (monitors, inputs) */
  EF_INDEXING = 1 << 7, /* E.v[0:10] */
  EF_PARAMS = 1 << 8,   /* parameters (overridable): not in constant contexts */
  EF_REPL = 1 << 9,     /* at the REPL prompt: reductions and spike queries */
  EF_REWARD = 1 << 10,  /* a reward's amount: rate(P, last = W) and modulators */
};

/* A typical set: everything a neuron's equations may read. */
#define EF_EQUATION (EF_STATE | EF_TIME | EF_I | EF_PARAMS)

typedef struct Checker {
  Model *m;
  Diags *d;
  Arena *a;
  Scope *scope;          /* innermost scope */
  int flags;             /* enum ExprFlags */
  const char *context;   /* "in the spike condition" */
  NeuronModel *pre, *post; /* the neuron models behind pre. and post. */
  Decl *connect;         /* the connect that gave them, for notes */
  Scope builtins;        /* t, dt, i, j, N, pi, e, units met so far */
  const Decl *init_owner; /* checking an initial value of this model's state... */
  int init_limit;        /* ...number init_limit: only earlier states are set */
} Checker;

/* What enter_context saves: the place an expression is checked in. */
typedef struct SavedContext {
  Scope *scope;
  int flags;
  const char *context;
} SavedContext;

/* Switches to a scope, flags and context name; returns what to restore. */
SavedContext enter_context(Checker *c, Scope *scope, int flags, const char *context);
/* Restores what enter_context saved. */
void leave_context(Checker *c, SavedContext saved);

/* What kind of thing a symbol is ("parameter", "state variable", ...). */
const char *sym_kind_name(SymKind k);
/* What a symbol is, with its article ("a parameter", "the simulation
   time"); may use buf (n bytes) for the text. */
const char *symbol_description(const Symbol *s, char *buf, size_t n);
/* Reports an ODE right side v whose dimension is not that of s per time. */
void check_ode_dimension(Checker *c, const Symbol *s, Expr *v);
/* The value of a binary operator on two numbers (conditions as 0 and 1). */
double check_fold_binary(Op op, double a, double b);
/* Marks e as having an error (TY_UNKNOWN), which silences later ones. */
void expr_set_unknown(Expr *e);
/* Marks e as a number of dimension d. */
void expr_set_number(Expr *e, Dim d);
/* Checks a call (e->kind == EX_CALL): arguments, dimension rules, folding. */
void check_call(Checker *c, Expr *e);
/* Checks an expression: type, dimension, constant value. */
void check_expr(Checker *c, Expr *e);
/* Checks e and requires a number of dimension `want`; `what` names the
   place ("the initial value of 'v'"); returns false after reporting. */
bool check_number_dim(Checker *c, Expr *e, Dim want, const char *what);
/* Checks e and requires a boolean. */
bool check_bool(Checker *c, Expr *e, const char *what);
/* Requires a checked number to be a compile-time constant. */
bool require_const(Checker *c, Expr *e, const char *what);
/* Requires a constant positive integer below limit; stores it. */
/* Whether an input declaration drives neurons directly (current(...) or
   poisson_input(...) -> P.x) instead of being a spike source. */
bool input_is_drive(const Decl *d);
bool require_count(Checker *c, Expr *e, const char *what, int64_t limit, int64_t *out);
/* Checks the definition of a symbol (param, const, alias) if not done. */
void check_symbol(Checker *c, Symbol *s);
/* Gives a state, port or modulator the unit of its declaration's unit
   expression (dimension, scale, the text as written). */
void check_unit_symbol(Checker *c, Symbol *s);
/* Checks a unit annotation (": mV") and returns its unit. */
bool check_unit_expr(Checker *c, Expr *e, Unit *out);
/* True if e is a bare literal 0, which any dimension accepts. */
bool is_bare_zero(const Expr *e);
/* Adds "note: 'v' is declared here as mV" for a named operand. */
void note_declared_unit(Checker *c, const Expr *e);
/* Reports an unknown name, with a suggestion from the scope if one is close. */
void report_unknown_name(Checker *c, Span span, const char *name, const char *what);
/* The population a modulator, reward or the closed loop names (marked used),
   or NULL after saying why (check_modulation.c). */
Population *named_population(Checker *c, const char *name, Span span);

/* Creates a symbol in a scope, reporting duplicates; NULL if a duplicate. */
Symbol *declare(Checker *c, Scope *s, SymKind kind, const char *name, Span span, Decl *d);
/* Checks a neuron model declaration. */
void check_neuron(Checker *c, Decl *d);
/* Checks a synapse model declaration on its own (pre./post. unresolved). */
void check_synapse(Checker *c, Decl *d);
/* Binds a synapse model to a connection: checks a copy of its code against
   the concrete pre and post models (NULL for a spike source). */
SynapseInstance *check_synapse_code(Checker *c, SynapseModel *s, NeuronModel *pre,
                                    NeuronModel *post, Decl *connect);
/* Checks the statements of a block; `target_flags` says what may be assigned. */
void check_block(Checker *c, Stmt *body, const char *context, bool synapse);
/* Checks a delay whose value is known: not negative, and within the
   steps a delay can hold at the model's time step. */
void check_constant_delay(Checker *c, const Expr *v);
/* Gives every modulator its unit (before any code that reads one). */
void check_modulator_units(Checker *c);
/* Checks the modulators' members and the reward rules (after populations). */
void check_modulation(Checker *c);
/* Checks the closed loop: the environment, encoders, decoder, its reward
   and the train statement (check_environment.c). */
void check_environment(Checker *c);
/* An environment's reward as scale * ENV.reward + terminated *
   ENV.terminated + offset, with its dimension; false after saying why when
   it is not of that form. */
typedef struct RewardAffine {
  double scale, terminated, offset;
  Dim dim;
} RewardAffine;
bool reward_affine(Checker *c, Expr *e, RewardAffine *out);
/* Strategy A: the agents blocks, against their projections and the
   environment (check_agents.c). */
void check_agents(Checker *c);
/* Checks populations, inputs, connections, monitors and runs. */
void check_network(Checker *c);
/* Checks one monitor declaration (check_monitor.c). */
void check_monitor(Checker *c, Decl *d);
/* The population (neurons or spike input) a connection end names, or NULL
   after saying why not; `target`: it must be able to receive spikes. */
Population *connect_end(Checker *c, Expr *name, bool target);

#endif
