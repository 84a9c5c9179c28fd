/*
** snnrt_env.h: environments, the worlds a network acts in.
**
** An environment is a class of C functions (SnnEnvClass): create it with
** parameters and a seed, reset it to start an episode, step it with an
** action to get the next observation, the reward and whether the episode
** ended (terminated: the task's own end; truncated: its time limit).  The
** observation is a box of doubles with bounds, the action a choice among n
** (discrete) or a box of doubles; the compiler checks a model's encoders
** and decoders against these spaces.
**
** Built-ins (cartpole, mountain_car, acrobot) follow Gymnasium's
** CartPole-v1, MountainCar-v0 and Acrobot-v1 exactly, their reset draws
** included (NumPy's generator seeded as reset(seed=...) seeds it); see
** docs/environments.md.  A user's environment is a shared library that
** exports
**
**     const SnnEnvClass *snn_environment(void);
**
** returning a class with abi_version = SNN_ENV_ABI_VERSION.  The host side
** (snnrt_env_open and the rest) wraps every class alike: it fills in
** parameter defaults and refuses unknown names, applies the time limit,
** and checks what the class returns (finite observations within the
** space's size, a finite reward, actions within the action space), so that
** a faulty library is reported by name instead of corrupting a run.
*/
#ifndef SNNRT_ENV_H
#define SNNRT_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SNN_ENV_ABI_VERSION 1

/* --- What an environment implements ---------------------------------------- */

typedef enum SnnSpaceKind { SNN_SPACE_BOX = 1, SNN_SPACE_DISCRETE = 2 } SnnSpaceKind;

/* An observation or action space. */
typedef struct SnnSpace {
  SnnSpaceKind kind;
  int32_t size;              /* box: the number of values; discrete: of choices */
  const double *low, *high;  /* box: the bounds of each value (may be infinite) */
  const char *const *names;  /* optional: a name for each value or choice */
} SnnSpace;

/* What a step gives besides the observation. */
typedef struct SnnEnvOutcome {
  double reward;
  bool terminated; /* the episode reached an end of the task (a goal, a failure) */
  bool truncated;  /* the episode was cut short (set by the host's time limit) */
} SnnEnvOutcome;

/* An environment class.  A class's functions report failure by returning
   NULL or false with a message in err (at most errlen bytes). */
typedef struct SnnEnvClass {
  int abi_version;          /* SNN_ENV_ABI_VERSION */
  const char *name;         /* for messages and listings */
  const char *summary;      /* one line: what the task is */
  int nparams;              /* the parameters it takes, by name, with defaults */
  const char *const *param_names;
  const double *param_defaults;
  int64_t max_steps;        /* the default time limit of an episode; 0: none */
  /* A new environment from params[0 .. nparams) (defaults filled in) and a seed. */
  void *(*create)(const double *params, uint64_t seed, char *err, size_t errlen);
  /* Frees what create made. */
  void (*destroy)(void *env);
  /* The spaces; constant for the life of env. */
  void (*spaces)(void *env, SnnSpace *observation, SnnSpace *action);
  /* Starts an episode: writes the first observation. */
  bool (*reset)(void *env, double *observation, char *err, size_t errlen);
  /* Acts: action[0] is the choice (discrete) or action[0 .. size) the values
     (box); writes the next observation and the outcome (truncated may be
     left false: the host applies the time limit). */
  bool (*step)(void *env, const double *action, double *observation, SnnEnvOutcome *out,
               char *err, size_t errlen);
} SnnEnvClass;

/* The symbol a user's library exports. */
typedef const SnnEnvClass *(*SnnEnvEntry)(void);
#define SNN_ENV_ENTRY "snn_environment"

/* --- Using one (the host side) --------------------------------------------- */

typedef struct SnnEnv SnnEnv;

/* A parameter given by name. */
typedef struct SnnEnvParam {
  const char *name;
  double value;
} SnnEnvParam;

/* The built-in classes: their number, and the k-th (NULL past the end). */
int snnrt_env_builtin_count(void);
const SnnEnvClass *snnrt_env_builtin(int k);
/* The built-in class of that name, or NULL. */
const SnnEnvClass *snnrt_env_find(const char *name);
/* Loads the class a shared library exports (a path, or a name dlopen
   searches for); NULL with a message naming the library on failure. */
const SnnEnvClass *snnrt_env_load(const char *library, char *err, size_t errlen);

/* An environment of a class, with parameters by name (a "max_steps"
   parameter, accepted by every class, sets the time limit; 0: none) and a
   seed; NULL with a message on failure (an unknown parameter, a refusal of
   the class, spaces that make no sense). */
SnnEnv *snnrt_env_open(const SnnEnvClass *cls, const SnnEnvParam *params, int nparams,
                       uint64_t seed, char *err, size_t errlen);
/* Destroys the environment; NULL is fine. */
void snnrt_env_close(SnnEnv *env);
/* Its class and spaces. */
const SnnEnvClass *snnrt_env_class(const SnnEnv *env);
const SnnSpace *snnrt_env_observation_space(const SnnEnv *env);
const SnnSpace *snnrt_env_action_space(const SnnEnv *env);
/* The value of a parameter after defaults (NaN if it has no such one). */
double snnrt_env_param(const SnnEnv *env, const char *name);

/* Starts an episode, writing observation_space->size values. */
bool snnrt_env_reset(SnnEnv *env, double *observation);
/* One step (see SnnEnvClass.step); refused before a reset, after the end of
   an episode, or with an action outside the action space. */
bool snnrt_env_step(SnnEnv *env, const double *action, double *observation,
                    SnnEnvOutcome *out);
/* Steps taken in the current episode, and episodes started. */
int64_t snnrt_env_episode_steps(const SnnEnv *env);
int64_t snnrt_env_episodes(const SnnEnv *env);
/* The message of the last failure ("" if none). */
const char *snnrt_env_error(const SnnEnv *env);

#endif
