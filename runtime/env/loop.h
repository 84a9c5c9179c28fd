/*
** loop.h: training a network on its environment, episode by episode
** (loop.c), and the record the training leaves for summary.json.
*/
#ifndef SNNRT_LOOP_H
#define SNNRT_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "sim.h"

/* The learning signals recorded per episode. */
enum TrainingSignal {
  SIGNAL_REWARD,           /* what the reward gave its modulator over the episode */
  SIGNAL_MEAN_WEIGHT,      /* the mean weight of a projection at the episode's end */
  SIGNAL_TD_ERROR,         /* an agents block's mean |TD error| over the episode */
  SIGNAL_EXPLORED,         /* ... the fraction of its choices that explored */
};

/* What a training run did: one return and one length per episode. */
typedef struct Training {
  int64_t planned;         /* episodes asked for (train N, or --episodes) */
  int64_t episodes;        /* episodes finished */
  int64_t cap;             /* room in returns and lengths */
  int64_t env_steps;       /* environment steps over all episodes */
  int64_t solved_at;       /* the episode that met `until`, or -1 */
  int64_t mean_window;     /* episodes in the running mean: until's K, or 100 */
  double *returns;         /* per episode: the sum of its rewards */
  int64_t *lengths;        /* per episode: its steps */
  char *return_path, *length_path, *signal_path; /* the .npy files, or NULL */
  /* Learning signals, one row per episode (episode_signals.npy): what the
     reward gave its modulator over the episode, then the mean weight `w`
     of each plastic projection at the episode's end. */
  int64_t nsignal;
  char **signal_names;     /* "reward to dopamine", "mean w of Cue -> Out" */
  int64_t *signal_kind;    /* per signal: enum TrainingSignal */
  int64_t *signal_index;   /* per signal: the projection, or the agents block */
  int64_t *signal_value;   /* SIGNAL_MEAN_WEIGHT: the value index of its w */
  double *signals;         /* episodes x nsignal */
  char **agent_features;   /* per agents block: the feature list used */
  int64_t nagents;
  const char *environment; /* the model's name for the environment */
} Training;

/* Trains for the planned episodes (or until the model's condition holds);
   false + s->error on failure, with what was done kept in tr. */
bool loop_train(Sim *s, Training *tr, bool progress);
/* The mean return of the last `window` episodes (fewer at the start; NaN with none). */
double training_mean_return(const Training *tr, int64_t window);
/* Frees what loop_train recorded. */
void training_free(Training *tr);

#endif
