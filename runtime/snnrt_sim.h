/*
** snnrt_sim.h: the stepping API, a simulation driven one step at a time
** by the program that embeds it.
**
** snnrt_main runs a model from start to end on its own.  Programs that
** need to act between steps use this interface instead: the REPL (run a
** little, look, change a parameter, grow the model), closed-loop
** environments (an encoder adds input before each decision step, a decoder
** reads the spikes and membrane potentials after it) and learning
** controllers (read and write synaptic values, add reward to a modulating
** variable).  It is built on the same step loop as snnrt_main, so a sim
** stepped here computes exactly what `snnc run` computes.
**
** Objects are named by index: populations, state variables and input
** slots, projections and synaptic values, parameters, in the order of the
** SnnModel descriptor (snnrt_sim_model gives it, with names and units);
** the lookup functions turn names into indices.  Synapses of a projection
** are numbered in storage order: by presynaptic neuron, then by target.
**
** Units: every value that crosses this interface is SI (volts, seconds,
** amperes, siemens, ...) in double precision, whatever the model's own
** precision; the descriptor's unit and unit_scale say how to display it.
**
** Errors: a function that fails returns false, -1 (indices, counts) or
** NaN (values) and records a message naming the object concerned, which
** snnrt_sim_error returns until the next failure or snnrt_sim_clear_error.
** A refused call changes nothing (no partial writes); a step that fails
** keeps the steps before it, and the sim can still be read, changed and
** stepped again.  Only
** snnrt_sim_create, having no sim yet, reports into a caller's buffer.  A
** NULL sim is refused without a message.
**
** Threads: one thread at a time may call these functions on one sim (the
** sim's own worker threads, with config.threads > 1, are internal).
*/
#ifndef SNNRT_STEPPING_API_H
#define SNNRT_STEPPING_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snnrt.h"

typedef struct SnnSim SnnSim;

/* How a sim runs; snnrt_sim_config gives the defaults. */
typedef struct SnnSimConfig {
  double dt;               /* time step (s) */
  uint64_t seed;           /* the same seed gives the same run */
  int threads;             /* 1 to 64; results do not depend on it */
  const char *out_dir;     /* monitor files are written here; NULL: none */
  bool csv;                /* monitor files as .csv instead of .npy */
  double max_rate;         /* Hz: a step fails when a population's mean rate
                              over 100 ms exceeds it; 0: no guard */
} SnnSimConfig;

/* Called after every step, with the index of the step just done (its
   spikes are those of t = step * dt); see snnrt_sim_set_hook. */
typedef void (*SnnSimHook)(SnnSim *sim, int64_t step, void *ctx);

/* --- Life cycle and errors ---------------------------------------------- */

/* The defaults for a model: its dt and seed, one thread, no files, no rate guard. */
SnnSimConfig snnrt_sim_config(const SnnModel *model);
/* Builds the network and its initial state; param (model->nparam values, or
   NULL for the defaults) and fixed (values set explicitly, not recomputed
   from others; NULL: none); NULL with a message in err on failure. */
SnnSim *snnrt_sim_create(const SnnModel *model, const SnnSimConfig *config, const double *param,
                         const bool *fixed, char *err, size_t errlen);
/* Closes the monitor files (if still open) and frees everything; NULL is fine. */
void snnrt_sim_free(SnnSim *sim);
/* Finishes and closes the monitor files; false if data was lost.  The sim
   can still be read afterwards, but not stepped. */
bool snnrt_sim_finish(SnnSim *sim);
/* The message of the last failure, or "" when there is none. */
const char *snnrt_sim_error(const SnnSim *sim);
/* Forgets the last failure. */
void snnrt_sim_clear_error(SnnSim *sim);
/* The model the sim runs (names, units, sizes of everything). */
const SnnModel *snnrt_sim_model(const SnnSim *sim);

/* --- Stepping and time ---------------------------------------------------- */

/* Runs n steps (n >= 0), writing the monitors if the sim has an output
   folder; false when a step fails (it is then not counted). */
bool snnrt_sim_step(SnnSim *sim, int64_t n);
/* Steps done so far: the index of the next step (-1 for NULL). */
int64_t snnrt_sim_step_index(const SnnSim *sim);
/* Time simulated so far, step index * dt (s); NaN for NULL. */
double snnrt_sim_time(const SnnSim *sim);
/* The time step (s); NaN for NULL. */
double snnrt_sim_dt(const SnnSim *sim);
/* Sets the function called after every step (NULL: none).  During the
   call the step counts as done: input added goes into the next step, and
   the sim may be read and changed but not stepped, finished or freed. */
void snnrt_sim_set_hook(SnnSim *sim, SnnSimHook hook, void *ctx);

/* --- Names and sizes ---------------------------------------------------- */

/* The index of a population, or -1. */
int64_t snnrt_sim_population(SnnSim *sim, const char *name);
/* The index of a state variable of a population, or -1. */
int64_t snnrt_sim_state_var(SnnSim *sim, int64_t pop, const char *name);
/* The index of an input slot (a port, or the accumulator of a state) of a population, or -1. */
int64_t snnrt_sim_input_slot(SnnSim *sim, int64_t pop, const char *name);
/* The index of a projection named "A -> B" (spaces optional), or -1. */
int64_t snnrt_sim_projection(SnnSim *sim, const char *name);
/* The index of a synaptic value stored per synapse of a projection, or -1. */
int64_t snnrt_sim_synaptic_value(SnnSim *sim, int64_t proj, const char *name);
/* The neurons of a population, or -1. */
int64_t snnrt_sim_population_size(SnnSim *sim, int64_t pop);
/* The synapses of a projection, or -1. */
int64_t snnrt_sim_synapse_count(SnnSim *sim, int64_t proj);

/* --- State and synapses (SI, double) ------------------------------------ */

/* Copies state variable var of neurons [lo, hi) into out[0 .. hi - lo). */
bool snnrt_sim_read_state(SnnSim *sim, int64_t pop, int64_t var, int64_t lo, int64_t hi,
                          double *out);
/* Sets state variable var of neurons [lo, hi) from in[0 .. hi - lo) (finite values). */
bool snnrt_sim_write_state(SnnSim *sim, int64_t pop, int64_t var, int64_t lo, int64_t hi,
                           const double *in);
/* Copies synaptic value `value` of synapses [lo, hi) into out[0 .. hi - lo). */
bool snnrt_sim_read_synapses(SnnSim *sim, int64_t proj, int64_t value, int64_t lo, int64_t hi,
                             double *out);
/* Sets synaptic value `value` of synapses [lo, hi) from in[0 .. hi - lo) (finite values). */
bool snnrt_sim_write_synapses(SnnSim *sim, int64_t proj, int64_t value, int64_t lo, int64_t hi,
                              const double *in);
/* The presynaptic and postsynaptic neuron of synapses [lo, hi); either array may be NULL. */
bool snnrt_sim_synapse_ends(SnnSim *sim, int64_t proj, int64_t lo, int64_t hi, int32_t *pre,
                            int32_t *post);

/* --- Input and events --------------------------------------------------- */

/* Adds in[0 .. hi - lo) to input slot `slot` of neurons [lo, hi) for the
   next step: the value enters that step's integration exactly as a
   synaptic sum delivered by a spike of the step just done, and is then
   cleared (it does not persist). */
bool snnrt_sim_add_input(SnnSim *sim, int64_t pop, int64_t slot, int64_t lo, int64_t hi,
                         const double *in);
/* The neurons of a population that spiked in the last step, ascending, in
   *indices (valid until the next step); their number, or -1. */
int64_t snnrt_sim_spikes(SnnSim *sim, int64_t pop, const int32_t **indices);
/* The spikes of a population since step 0 (carried over by transfer), or -1. */
int64_t snnrt_sim_spike_count(SnnSim *sim, int64_t pop);

/* --- Parameters ------------------------------------------------------- */

/* The index of a parameter ("taum", "I.tau"), or -1. */
int64_t snnrt_sim_param_index(SnnSim *sim, const char *name);
/* The current value of parameter k (SI), or NaN. */
double snnrt_sim_param(SnnSim *sim, int64_t k);
/* Sets parameter k, marks it fixed (no longer computed from others) and
   recomputes everything that depends on it (derived parameters,
   propagators, weights, delays, rates); if any of them is refused, the old
   value and fixed flag are restored and false is returned. */
bool snnrt_sim_set_param(SnnSim *sim, int64_t k, double value);

/* --- Sessions ------------------------------------------------------------- */

/* Carries the state of everything `from` and `to` share, matched by name
   (state, refractory counters, pending input, sources, spike counts,
   synaptic values of projections with the same synapses), and the step
   index into `to`, a new sim without an output folder that has not run. */
bool snnrt_sim_transfer(SnnSim *to, SnnSim *from);
/* Writes summary.json into dir (NULL: the output folder), creating the
   folder; info (or NULL) and the wall times of the network build and of
   the simulation (s) are recorded as given. */
bool snnrt_sim_write_summary(SnnSim *sim, const char *dir, const SnnCompileInfo *info,
                             double build_s, double simulate_s);

#endif
