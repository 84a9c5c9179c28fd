/*
** builtins.h: the built-in functions of the language.
**
** One table describes each function's arity, how the dimensions of its
** arguments must relate, and where it may be used; the checker enforces it
** and the code generator maps the id to a machine operation.
*/
#ifndef SNN_BUILTINS_H
#define SNN_BUILTINS_H

#include <stdbool.h>

typedef enum BuiltinId {
  FN_EXP, FN_LOG, FN_LOG10, FN_SIN, FN_COS, FN_TAN, FN_SINH, FN_COSH, FN_TANH,
  FN_ASIN, FN_ACOS, FN_ATAN, FN_EXPREL,
  FN_SQRT, FN_ABS, FN_FLOOR, FN_CEIL, FN_ROUND, FN_SIGN,
  FN_MIN, FN_MAX, FN_CLIP, FN_IFELSE, FN_HEAVISIDE,
  FN_RAND, FN_RANDN, FN_UNIFORM, FN_NORMAL,
  FN_MEAN, FN_SUM, FN_STD, FN_SPIKE_COUNT, FN_SPIKE_RATE,
  FN_COUNT_
} BuiltinId;

/* How argument and result dimensions relate. */
typedef enum DimRule {
  DR_DIMENSIONLESS, /* every argument and the result are pure numbers */
  DR_SAME,          /* arguments share one dimension, the result has it */
  DR_SQRT,          /* result has half the argument's exponents */
  DR_IFELSE,        /* ifelse(condition, a, b): a and b share a dimension */
  DR_STEP,          /* any argument, dimensionless result */
  DR_NONE,          /* no arguments, dimensionless result */
} DimRule;

typedef struct Builtin {
  const char *name;
  BuiltinId id;
  int min_args, max_args;
  DimRule rule;
  bool random;      /* draws random numbers: only in initial values */
  bool repl_only;   /* works on recorded data: only at the REPL prompt */
  const char *signature; /* for messages: "exp(x)" */
} Builtin;

/* The built-in function with this name, or NULL. */
const Builtin *builtin_lookup(const char *name);
/* The nearest built-in function name (for "did you mean"), or NULL. */
const char *builtin_suggest(const char *name);
/* Evaluates a non-random built-in on constant arguments. */
double builtin_eval(BuiltinId id, const double *args, int nargs);

#endif
