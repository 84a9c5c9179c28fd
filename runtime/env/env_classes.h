/*
** env_classes.h: the built-in environment classes (one file each) and the
** helpers they share.
*/
#ifndef SNN_ENV_CLASSES_H
#define SNN_ENV_CLASSES_H

#include <stdio.h>

#include "snnrt_env.h"

extern const SnnEnvClass snn_env_cartpole;
extern const SnnEnvClass snn_env_mountain_car;
extern const SnnEnvClass snn_env_acrobot;
extern const SnnEnvClass snn_env_xor;

/* The largest float, which Gymnasium gives as the bound of unbounded values. */
#define ENV_FLOAT32_MAX 3.4028234663852886e38

/* Formats a message into err (a class's way of refusing). */
#define ENV_REFUSE(err, errlen, ...) (snprintf((err), (errlen), __VA_ARGS__), false)

#endif
