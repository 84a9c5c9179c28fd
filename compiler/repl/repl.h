/*
** repl.h: the interactive session (snnc repl).
**
** A Session is a model that grows and runs under the user's hands: the
** model file's text, the declarations typed since, the compiled code, and
** a running simulation.  Each structural change checks the whole model
** again, but the JIT compiles only the kernels whose code changed, and the
** simulation's state is carried over to the new network, so a run
** continues where it stopped; a parameter change needs no compilation.
** The simulation is driven through the runtime's stepping API
** (snnrt_sim.h), as any program that embeds the runtime drives it.
*/
#ifndef SNN_REPL_H
#define SNN_REPL_H

#include "compile.h"
#include "jit.h"
#include "snnrt_sim.h"

/* Spikes recorded at the prompt, per population. */
typedef struct SpikeRecord {
  int64_t *step;
  int32_t *index;
  int64_t n, cap;
} SpikeRecord;

/* Samples of a state monitor of the model, recorded at the prompt: n rows
   of the values of neurons [lo, hi) of pop.var, in the variable's unit. */
typedef struct StateRecord {
  char pop[64], var[64];
  int64_t popi, vari;        /* their indices in the current model */
  int64_t lo, hi;
  int64_t every;             /* steps between samples */
  double *t, *v;
  int64_t n, cap;
} StateRecord;

typedef struct Session {
  DriverOptions opt;
  bool interactive;          /* a terminal: prompts, history, completion */
  FILE *out;                 /* results */
  const char *model_path;    /* the file given on the command line, or NULL */
  PtrVec names, texts;       /* model source pieces: [0] the file, then inputs */
  int inputs_seen;           /* numbers the "<input N>" names */
  /* the current compilation */
  Compiled *compiled;
  Jit *jit;                  /* machine code of every compilation so far */
  JitReuse reuse;            /* what the last compilation compiled and reused */
  LLVMModuleRef ir;          /* a copy of the unoptimised module, for show ir/asm */
  const SnnModel *model;
  /* the current run, through the stepping API (snnrt_sim.h); NULL before the first build */
  SnnSim *sim;
  uint64_t seed;
  double dt;
  double *param;             /* values set at the prompt, by parameter name */
  PtrVec set_names;          /* char*: parameters set at the prompt */
  SpikeRecord *spikes;       /* per population of the current model */
  int nspikes;
  StateRecord *states;       /* per state monitor of the current model */
  int nstates;
  PtrVec completions;        /* tab completion candidates (char*) */
  int completion_next;
  /* where time went */
  double t_parse, t_check, t_codegen, t_jit, t_build, t_simulate;
  double simulated;
} Session;

/* A value computed at the prompt: a scalar or a population's values. */
typedef struct Value {
  ValueType type;            /* TY_NUMBER or TY_BOOL */
  Dim dim;
  int64_t n;
  bool vector;
  double *v;                 /* n values, SI (conditions as 0 and 1) */
  const char *unit;          /* the unit to show it in, or NULL */
  double unit_scale;
} Value;

/* Runs the session reading commands from `in`; returns the exit status. */
int repl_main(Session *s, FILE *in);
/* Whether Ctrl-C was pressed since the last call; forgets it (repl_term.c). */
bool repl_interrupted(void);
/* readline(prompt), given up by Ctrl-C: NULL with *interrupted set. */
char *repl_readline(const char *prompt, bool *interrupted);
/* Evaluates a checked expression; false after reporting an error at its span. */
bool repl_eval(Session *s, Diags *d, const Expr *e, Value *out);
/* Writes a value with its unit ("20 ms", "[-65, -64.2, ...] mV"). */
void repl_format(const Value *v, StrBuf *out);
/* Frees a value's storage. */
void repl_value_free(Value *v);
/* The index of a parameter of the current model by name, or -1. */
int64_t repl_param_index(const Session *s, const char *name);
/* The index of a population of the current model by name, or -1. */
int64_t repl_population_index(const Session *s, const char *name);
/* plot raster E I | plot E.v | plot state, with options; false after an error (repl_plot.c). */
bool repl_plot(Session *s, const char *args);
/* Samples the state monitors due at step (the state now being that of step * dt). */
void repl_states_sample(Session *s, int64_t step);
/* New state records for the session's current model and sim; with carry, those of
   the same population, variable and neurons keep their samples. */
void repl_states_rebuild(Session *s, bool carry);
/* Frees n state records. */
void repl_states_free(StateRecord *r, int n);

#endif
