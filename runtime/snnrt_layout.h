/*
** snnrt_layout.h: the field table of every structure that generated code
** and the runtime share, written once for both sides.
**
** snnrt.h defines the structures in C, for the runtime and for readers.
** The code generator cannot read C: it builds the same structures as LLVM
** struct types, loads argument fields by position and emits the constant
** descriptor field by field.  This table is what it builds them from, so
** the two sides cannot drift apart silently:
**
**   - each <Struct>_FIELDS(X) lists the fields in order, with their
**     kind: PTR (any pointer), F64 (double) or I64 (int64_t, uint64_t);
**   - `enum <Struct>Field` numbers them (SnnKernelArgs_dt, ...), and the
**     code generator names fields only through these constants;
**   - snnrt_layout_of(Struct) gives the fields' kinds as a string
**     ("ppppppddiii"), from which the code generator builds the LLVM type;
**   - the static assertions at the end check, whenever the runtime or the
**     compiler is built, that every field of the C structure is 8 bytes
**     wide, of the kind the table gives, at the offset the table implies,
**     and that the table lists them all.
**
** Changing a structure in snnrt.h therefore means changing its row here
** (and bumping SNN_ABI_VERSION); the build fails until both agree.
** Included at the end of snnrt.h; do not include it on its own.
*/
#ifndef SNNRT_LAYOUT_H
#define SNNRT_LAYOUT_H

#include <stddef.h>

/* --- The table ------------------------------------------------------------ */

#define SnnKernelArgs_FIELDS(X)        \
  X(SnnKernelArgs, state, PTR)           \
  X(SnnKernelArgs, input, PTR)           \
  X(SnnKernelArgs, refractory, PTR)      \
  X(SnnKernelArgs, spiked, PTR)          \
  X(SnnKernelArgs, param, PTR)           \
  X(SnnKernelArgs, own_param, PTR)       \
  X(SnnKernelArgs, coef, PTR)            \
  X(SnnKernelArgs, t, F64)               \
  X(SnnKernelArgs, dt, F64)              \
  X(SnnKernelArgs, step, I64)            \
  X(SnnKernelArgs, size, I64)            \
  X(SnnKernelArgs, seed, I64)            \
  X(SnnKernelArgs, modulator, PTR)

#define SnnSynapseArgs_FIELDS(X)       \
  X(SnnSynapseArgs, param, PTR)          \
  X(SnnSynapseArgs, seed, I64)           \
  X(SnnSynapseArgs, pre, PTR)            \
  X(SnnSynapseArgs, post, PTR)           \
  X(SnnSynapseArgs, value, PTR)          \
  X(SnnSynapseArgs, delay, PTR)          \
  X(SnnSynapseArgs, first, I64)          \
  X(SnnSynapseArgs, dt, F64)

#define SnnEventArgs_FIELDS(X)         \
  X(SnnEventArgs, param, PTR)            \
  X(SnnEventArgs, value, PTR)            \
  X(SnnEventArgs, pre_value, PTR)        \
  X(SnnEventArgs, post_value, PTR)       \
  X(SnnEventArgs, pre_state, PTR)        \
  X(SnnEventArgs, post_state, PTR)       \
  X(SnnEventArgs, post_input, PTR)       \
  X(SnnEventArgs, row, PTR)              \
  X(SnnEventArgs, target, PTR)           \
  X(SnnEventArgs, post_row, PTR)         \
  X(SnnEventArgs, post_syn, PTR)         \
  X(SnnEventArgs, last_pre, PTR)         \
  X(SnnEventArgs, last_post, PTR)        \
  X(SnnEventArgs, last_update, PTR)      \
  X(SnnEventArgs, last_every, I64)       \
  X(SnnEventArgs, npre, I64)             \
  X(SnnEventArgs, t, F64)                \
  X(SnnEventArgs, dt, F64)               \
  X(SnnEventArgs, seed, I64)             \
  X(SnnEventArgs, step, I64)             \
  X(SnnEventArgs, modulator, PTR)        \
  X(SnnEventArgs, modulator_add, PTR)    \
  X(SnnEventArgs, decay, PTR)            \
  X(SnnEventArgs, row_block, PTR)        \
  X(SnnEventArgs, block_shift, I64)

#define SnnParam_FIELDS(X)              \
  X(SnnParam, name, PTR)                 \
  X(SnnParam, unit, PTR)                 \
  X(SnnParam, unit_scale, F64)           \
  X(SnnParam, value, F64)                \
  X(SnnParam, dim, I64)                  \
  X(SnnParam, derive, PTR)

#define SnnVariable_FIELDS(X)           \
  X(SnnVariable, name, PTR)              \
  X(SnnVariable, unit, PTR)              \
  X(SnnVariable, unit_scale, F64)

#define SnnPopulation_FIELDS(X)         \
  X(SnnPopulation, name, PTR)            \
  X(SnnPopulation, kind, I64)            \
  X(SnnPopulation, size, I64)            \
  X(SnnPopulation, nstate, I64)          \
  X(SnnPopulation, state, PTR)           \
  X(SnnPopulation, ninput, I64)          \
  X(SnnPopulation, input, PTR)           \
  X(SnnPopulation, ncoef, I64)           \
  X(SnnPopulation, init, PTR)            \
  X(SnnPopulation, step, PTR)            \
  X(SnnPopulation, coef, PTR)            \
  X(SnnPopulation, rate, PTR)            \
  X(SnnPopulation, rate_varies, I64)     \
  X(SnnPopulation, nspikes, I64)         \
  X(SnnPopulation, spike_index, PTR)     \
  X(SnnPopulation, spike_time, PTR)     \
  X(SnnPopulation, stream, I64)          \
  X(SnnPopulation, rate_window, F64)     \
  X(SnnPopulation, param_base, I64)      \
  X(SnnPopulation, method, PTR)

#define SnnAdditive_FIELDS(X)           \
  X(SnnAdditive, input_slot, I64)        \
  X(SnnAdditive, state, I64)             \
  X(SnnAdditive, value, I64)             \
  X(SnnAdditive, weight, PTR)

#define SnnProjection_FIELDS(X)         \
  X(SnnProjection, name, PTR)            \
  X(SnnProjection, pre, I64)             \
  X(SnnProjection, post, I64)            \
  X(SnnProjection, rule, I64)            \
  X(SnnProjection, p, F64)               \
  X(SnnProjection, p_fn, PTR)            \
  X(SnnProjection, where_fn, PTR)        \
  X(SnnProjection, nbound, I64)          \
  X(SnnProjection, bound, PTR)           \
  X(SnnProjection, fan, I64)             \
  X(SnnProjection, autapses, I64)        \
  X(SnnProjection, file, PTR)            \
  X(SnnProjection, delay_kind, I64)      \
  X(SnnProjection, delay, PTR)           \
  X(SnnProjection, nvalue, I64)          \
  X(SnnProjection, value, PTR)           \
  X(SnnProjection, init, PTR)            \
  X(SnnProjection, nadditive, I64)       \
  X(SnnProjection, additive, PTR)        \
  X(SnnProjection, on_pre, PTR)          \
  X(SnnProjection, stream, I64)          \
  X(SnnProjection, npre_value, I64)      \
  X(SnnProjection, pre_value, PTR)       \
  X(SnnProjection, pre_init, PTR)        \
  X(SnnProjection, npost_value, I64)     \
  X(SnnProjection, post_value, PTR)      \
  X(SnnProjection, post_init, PTR)       \
  X(SnnProjection, on_post, PTR)         \
  X(SnnProjection, post_index, I64)      \
  X(SnnProjection, nevery, I64)          \
  X(SnnProjection, every, PTR)           \
  X(SnnProjection, clock_step, PTR)      \
  X(SnnProjection, synapse_clock, I64)   \
  X(SnnProjection, current, PTR)         \
  X(SnnProjection, ndecay, I64)          \
  X(SnnProjection, decay_fill, PTR)

#define SnnPairBound_FIELDS(X)          \
  X(SnnPairBound, offset, PTR)           \
  X(SnnPairBound, index, I64)            \
  X(SnnPairBound, equal, I64)

#define SnnEvery_FIELDS(X)              \
  X(SnnEvery, interval, F64)             \
  X(SnnEvery, run, PTR)

#define SnnRewardArgs_FIELDS(X)          \
  X(SnnRewardArgs, param, PTR)           \
  X(SnnRewardArgs, modulator, PTR)       \
  X(SnnRewardArgs, sim, PTR)             \
  X(SnnRewardArgs, t, F64)               \
  X(SnnRewardArgs, dt, F64)              \
  X(SnnRewardArgs, seed, I64)            \
  X(SnnRewardArgs, count, I64)           \
  X(SnnRewardArgs, step, I64)

#define SnnModSource_FIELDS(X)           \
  X(SnnModSource, population, I64)       \
  X(SnnModSource, amount, PTR)

#define SnnModulator_FIELDS(X)           \
  X(SnnModulator, name, PTR)             \
  X(SnnModulator, unit, PTR)             \
  X(SnnModulator, unit_scale, F64)       \
  X(SnnModulator, tau, PTR)              \
  X(SnnModulator, baseline, PTR)         \
  X(SnnModulator, nsource, I64)          \
  X(SnnModulator, source, PTR)

#define SnnReward_FIELDS(X)              \
  X(SnnReward, kind, I64)                \
  X(SnnReward, modulator, I64)           \
  X(SnnReward, spike_pop, I64)           \
  X(SnnReward, spike_neuron, I64)        \
  X(SnnReward, since_pop, I64)           \
  X(SnnReward, since_neuron, I64)        \
  X(SnnReward, window, F64)              \
  X(SnnReward, interval, F64)            \
  X(SnnReward, rate, PTR)                \
  X(SnnReward, amount, PTR)              \
  X(SnnReward, delay, PTR)               \
  X(SnnReward, stream, I64)

#define SnnMonitor_FIELDS(X)            \
  X(SnnMonitor, kind, I64)               \
  X(SnnMonitor, population, I64)         \
  X(SnnMonitor, variable, I64)           \
  X(SnnMonitor, lo, I64)                 \
  X(SnnMonitor, hi, I64)                 \
  X(SnnMonitor, interval, F64)           \
  X(SnnMonitor, select, PTR)             \
  X(SnnMonitor, start, F64)              \
  X(SnnMonitor, stop, F64)

#define SnnEnvSetting_FIELDS(X)          \
  X(SnnEnvSetting, name, PTR)            \
  X(SnnEnvSetting, value, F64)

#define SnnEncoder_FIELDS(X)             \
  X(SnnEncoder, kind, I64)               \
  X(SnnEncoder, population, I64)         \
  X(SnnEncoder, input_slot, I64)         \
  X(SnnEncoder, first, I64)              \
  X(SnnEncoder, count, I64)              \
  X(SnnEncoder, per_value, I64)          \
  X(SnnEncoder, max_rate, F64)           \
  X(SnnEncoder, width, F64)              \
  X(SnnEncoder, low, F64)                \
  X(SnnEncoder, high, F64)               \
  X(SnnEncoder, scale, F64)

#define SnnAgents_FIELDS(X)              \
  X(SnnAgents, projection, I64)          \
  X(SnnAgents, features, PTR)            \
  X(SnnAgents, naction, I64)             \
  X(SnnAgents, action, PTR)              \
  X(SnnAgents, scale, I64)               \
  X(SnnAgents, weight, PTR)              \
  X(SnnAgents, w_low, F64)               \
  X(SnnAgents, w_high, F64)              \
  X(SnnAgents, alpha, F64)               \
  X(SnnAgents, gamma, F64)               \
  X(SnnAgents, epsilon, F64)             \
  X(SnnAgents, table, I64)               \
  X(SnnAgents, decide_every, I64)        \
  X(SnnAgents, baseline, I64)            \
  X(SnnAgents, reward_scale, F64)        \
  X(SnnAgents, reward_terminated, F64)   \
  X(SnnAgents, reward_offset, F64)       \
  X(SnnAgents, stream, I64)

#define SnnEnvironment_FIELDS(X)         \
  X(SnnEnvironment, name, PTR)           \
  X(SnnEnvironment, cls, PTR)            \
  X(SnnEnvironment, library, PTR)        \
  X(SnnEnvironment, nsetting, I64)       \
  X(SnnEnvironment, setting, PTR)        \
  X(SnnEnvironment, seed, I64)           \
  X(SnnEnvironment, window, F64)         \
  X(SnnEnvironment, decoder, I64)        \
  X(SnnEnvironment, decoder_population, I64) \
  X(SnnEnvironment, decoder_variable, I64) \
  X(SnnEnvironment, nencoder, I64)       \
  X(SnnEnvironment, encoder, PTR)        \
  X(SnnEnvironment, reward_modulator, I64) \
  X(SnnEnvironment, reward_scale, F64)   \
  X(SnnEnvironment, reward_terminated, F64) \
  X(SnnEnvironment, reward_offset, F64)  \
  X(SnnEnvironment, episodes, I64)       \
  X(SnnEnvironment, until_window, I64)   \
  X(SnnEnvironment, until_return, F64)   \
  X(SnnEnvironment, stream, I64)         \
  X(SnnEnvironment, nagents, I64)        \
  X(SnnEnvironment, agents, PTR)

#define SnnModel_FIELDS(X)              \
  X(SnnModel, abi_version, I64)          \
  X(SnnModel, name, PTR)                 \
  X(SnnModel, source, PTR)               \
  X(SnnModel, precision, I64)            \
  X(SnnModel, dt, F64)                   \
  X(SnnModel, duration, F64)             \
  X(SnnModel, seed, I64)                 \
  X(SnnModel, nparam, I64)               \
  X(SnnModel, param, PTR)                \
  X(SnnModel, npop, I64)                 \
  X(SnnModel, pop, PTR)                  \
  X(SnnModel, nproj, I64)                \
  X(SnnModel, proj, PTR)                 \
  X(SnnModel, nmonitor, I64)             \
  X(SnnModel, monitor, PTR)              \
  X(SnnModel, nmodulator, I64)           \
  X(SnnModel, modulator, PTR)            \
  X(SnnModel, nreward, I64)              \
  X(SnnModel, reward, PTR)               \
  X(SnnModel, environment, PTR)          \
  X(SnnModel, ndrive, I64)               \
  X(SnnModel, drive, PTR)                \
  X(SnnModel, compiler, PTR)

#define SnnDrive_FIELDS(X)              \
  X(SnnDrive, name, PTR)                 \
  X(SnnDrive, pop, I64)                  \
  X(SnnDrive, slot, I64)                 \
  X(SnnDrive, count, I64)                \
  X(SnnDrive, stream, I64)               \
  X(SnnDrive, rate, PTR)                 \
  X(SnnDrive, weight, PTR)

/* Every shared structure; S##_FIELDS is its field list. */
#define SNN_SHARED_STRUCTS(X) \
  X(SnnKernelArgs)            \
  X(SnnSynapseArgs)           \
  X(SnnEventArgs)             \
  X(SnnParam)                 \
  X(SnnVariable)              \
  X(SnnPopulation)            \
  X(SnnAdditive)              \
  X(SnnPairBound)             \
  X(SnnProjection)            \
  X(SnnEvery)                 \
  X(SnnRewardArgs)            \
  X(SnnModSource)             \
  X(SnnModulator)             \
  X(SnnReward)                \
  X(SnnMonitor)               \
  X(SnnEnvSetting)            \
  X(SnnEncoder)               \
  X(SnnAgents)                \
  X(SnnEnvironment)           \
  X(SnnDrive)                 \
  X(SnnModel)

/* --- Derived from the table ----------------------------------------------- */

/* The kind of a field as a character, and as a one-character string. */
#define SNN_KIND_CHAR_PTR 'p'
#define SNN_KIND_CHAR_F64 'd'
#define SNN_KIND_CHAR_I64 'i'
#define SNN_KIND_STRING_PTR "p"
#define SNN_KIND_STRING_F64 "d"
#define SNN_KIND_STRING_I64 "i"

/* Field numbers: enum SnnKernelArgsField { SnnKernelArgs_state, ... }. */
#define SNN_FIELD_NUMBER(S, f, k) S##_##f,
#define SNN_FIELD_ENUM(S) enum S##Field { S##_FIELDS(SNN_FIELD_NUMBER) S##_field_count };
SNN_SHARED_STRUCTS(SNN_FIELD_ENUM)

/* The most fields a shared structure may have (the code generator's
   buffers are this size; a static assertion below checks every one). */
#define SNN_MAX_FIELDS 64

/* What the code generator needs of one structure. */
typedef struct SnnLayout {
  const char *name;        /* the C name, for the LLVM type */
  const char *kinds;       /* one character per field: 'p', 'd' or 'i' */
  int nfields;
} SnnLayout;

/* The kinds of a structure's fields as one string literal ("ppppppddiii"). */
#define SNN_FIELD_KIND_STRING(S, f, k) SNN_KIND_STRING_##k
#define SNN_KINDS(S) S##_FIELDS(SNN_FIELD_KIND_STRING)
/* The layout of a structure: snnrt_layout_of(SnnKernelArgs). */
#define snnrt_layout_of(S) ((SnnLayout){#S, SNN_KINDS(S), S##_field_count})

/* --- Checks, at every build of either side -------------------------------- */

/* The kind of a C field, from its type (the field is not evaluated). */
#define SNN_C_KIND(x) _Generic((x), double: 'd', int64_t: 'i', uint64_t: 'i', default: 'p')

#define SNN_CHECK_FIELD(S, f, k)                                                        \
  _Static_assert(sizeof(((S *)0)->f) == 8, #S "." #f " is not 8 bytes wide");            \
  _Static_assert(offsetof(S, f) == 8 * (size_t)S##_##f,                                   \
                 #S "." #f " is not at the place snnrt_layout.h gives it");               \
  _Static_assert(SNN_C_KIND(((S *)0)->f) == SNN_KIND_CHAR_##k,                           \
                 #S "." #f " has another type than snnrt_layout.h says");
#define SNN_CHECK_STRUCT(S)                                                              \
  S##_FIELDS(SNN_CHECK_FIELD)                                                            \
  _Static_assert(sizeof(S) == 8 * (size_t)S##_field_count,                               \
                 #S " has fields that snnrt_layout.h does not list");                    \
  _Static_assert(S##_field_count <= SNN_MAX_FIELDS, #S " has more than SNN_MAX_FIELDS fields");
SNN_SHARED_STRUCTS(SNN_CHECK_STRUCT)

#endif
