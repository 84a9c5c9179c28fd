/*
** builtins.c: the table of built-in functions and their constant folding.
*/
#include "builtins.h"

#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "units.h"

static const Builtin builtins[] = {
  {"exp", FN_EXP, 1, 1, DR_DIMENSIONLESS, false, false, "exp(x)"},
  {"log", FN_LOG, 1, 1, DR_DIMENSIONLESS, false, false, "log(x)"},
  {"log10", FN_LOG10, 1, 1, DR_DIMENSIONLESS, false, false, "log10(x)"},
  {"sin", FN_SIN, 1, 1, DR_DIMENSIONLESS, false, false, "sin(x)"},
  {"cos", FN_COS, 1, 1, DR_DIMENSIONLESS, false, false, "cos(x)"},
  {"tan", FN_TAN, 1, 1, DR_DIMENSIONLESS, false, false, "tan(x)"},
  {"sinh", FN_SINH, 1, 1, DR_DIMENSIONLESS, false, false, "sinh(x)"},
  {"cosh", FN_COSH, 1, 1, DR_DIMENSIONLESS, false, false, "cosh(x)"},
  {"tanh", FN_TANH, 1, 1, DR_DIMENSIONLESS, false, false, "tanh(x)"},
  {"asin", FN_ASIN, 1, 1, DR_DIMENSIONLESS, false, false, "asin(x)"},
  {"acos", FN_ACOS, 1, 1, DR_DIMENSIONLESS, false, false, "acos(x)"},
  {"atan", FN_ATAN, 1, 1, DR_DIMENSIONLESS, false, false, "atan(x)"},
  {"exprel", FN_EXPREL, 1, 1, DR_DIMENSIONLESS, false, false, "exprel(x)"},
  {"sqrt", FN_SQRT, 1, 1, DR_SQRT, false, false, "sqrt(x)"},
  {"abs", FN_ABS, 1, 1, DR_SAME, false, false, "abs(x)"},
  {"floor", FN_FLOOR, 1, 1, DR_DIMENSIONLESS, false, false, "floor(x)"},
  {"ceil", FN_CEIL, 1, 1, DR_DIMENSIONLESS, false, false, "ceil(x)"},
  {"round", FN_ROUND, 1, 1, DR_DIMENSIONLESS, false, false, "round(x)"},
  {"sign", FN_SIGN, 1, 1, DR_STEP, false, false, "sign(x)"},
  {"min", FN_MIN, 2, 2, DR_SAME, false, false, "min(a, b)"},
  {"max", FN_MAX, 2, 2, DR_SAME, false, false, "max(a, b)"},
  {"clip", FN_CLIP, 3, 3, DR_SAME, false, false, "clip(x, low, high)"},
  {"ifelse", FN_IFELSE, 3, 3, DR_IFELSE, false, false, "ifelse(condition, a, b)"},
  {"heaviside", FN_HEAVISIDE, 1, 1, DR_STEP, false, false, "heaviside(x)"},
  {"rand", FN_RAND, 0, 0, DR_NONE, true, false, "rand()"},
  {"randn", FN_RANDN, 0, 0, DR_NONE, true, false, "randn()"},
  {"uniform", FN_UNIFORM, 2, 2, DR_SAME, true, false, "uniform(low, high)"},
  {"normal", FN_NORMAL, 2, 2, DR_SAME, true, false, "normal(mean, sd)"},
  {"mean", FN_MEAN, 1, 1, DR_SAME, false, true, "mean(values)"},
  {"sum", FN_SUM, 1, 1, DR_SAME, false, true, "sum(values)"},
  {"std", FN_STD, 1, 1, DR_SAME, false, true, "std(values)"},
  {"count", FN_SPIKE_COUNT, 1, 1, DR_NONE, false, true, "count(E.spikes)"},
  {"rate", FN_SPIKE_RATE, 1, 2, DR_NONE, false, true, "rate(E, last = 100 ms)"},
};

enum { NUM_BUILTINS = sizeof builtins / sizeof builtins[0] };

const Builtin *builtin_lookup(const char *name) {
  for (int i = 0; i < NUM_BUILTINS; i++)
    if (strcmp(builtins[i].name, name) == 0) return &builtins[i];
  return NULL;
}

const char *builtin_suggest(const char *name) {
  const char *best = NULL;
  int best_d = 3;
  for (int i = 0; i < NUM_BUILTINS; i++) {
    int d = edit_distance(name, builtins[i].name);
    if (d < best_d) {
      best_d = d;
      best = builtins[i].name;
    }
  }
  return best;
}

/* (exp(x) - 1) / x, accurate near 0 where the quotient is 0/0. */
static double exprel(double x) {
  if (fabs(x) < 1e-8) return 1.0 + x / 2.0;
  return expm1(x) / x;
}

double builtin_eval(BuiltinId id, const double *a, int n) {
  (void)n;
  switch (id) {
  case FN_EXP: return exp(a[0]);
  case FN_LOG: return log(a[0]);
  case FN_LOG10: return log10(a[0]);
  case FN_SIN: return sin(a[0]);
  case FN_COS: return cos(a[0]);
  case FN_TAN: return tan(a[0]);
  case FN_SINH: return sinh(a[0]);
  case FN_COSH: return cosh(a[0]);
  case FN_TANH: return tanh(a[0]);
  case FN_ASIN: return asin(a[0]);
  case FN_ACOS: return acos(a[0]);
  case FN_ATAN: return atan(a[0]);
  case FN_EXPREL: return exprel(a[0]);
  case FN_SQRT: return sqrt(a[0]);
  case FN_ABS: return fabs(a[0]);
  case FN_FLOOR: return floor(a[0]);
  case FN_CEIL: return ceil(a[0]);
  case FN_ROUND: return round(a[0]);
  case FN_SIGN: return (a[0] > 0) - (a[0] < 0);
  case FN_MIN: return a[0] < a[1] ? a[0] : a[1];
  case FN_MAX: return a[0] > a[1] ? a[0] : a[1];
  case FN_CLIP: return a[0] < a[1] ? a[1] : a[0] > a[2] ? a[2] : a[0];
  case FN_IFELSE: return a[0] != 0 ? a[1] : a[2];
  case FN_HEAVISIDE: return a[0] >= 0 ? 1.0 : 0.0;
  case FN_RAND: case FN_RANDN: case FN_UNIFORM: case FN_NORMAL: case FN_MEAN: case FN_SUM:
  case FN_STD: case FN_SPIKE_COUNT: case FN_SPIKE_RATE: case FN_COUNT_:
    break;
  }
  assert(!"builtin_eval: not a constant function");
  return NAN;
}
