/*
** ode.h: analysis of a neuron model's differential equations.
**
** ode_analyze() looks at the system dx/dt = f(x) of a neuron model and
** picks the integrator, as the language promises:
**   exact              f is linear in x with constant coefficients:
**                      f(x) = A x + b, A made of parameters and constants,
**                      b free of the integrated variables and of t.  The
**                      step is x' = P x + Phi b with P = exp(A dt) and
**                      Phi = integral of exp(A s) ds, computed when the
**                      run starts (parameters may change between runs).
**   exponential_euler  each f_k is linear in its own x_k: f_k = a_k x_k + b_k
**                      with a_k and b_k free of x_k (conditionally linear,
**                      as Hodgkin-Huxley gates are).
**   rk4                anything else; euler and rk2 only when asked for.
**                      Their intermediate stages are capped at the spike
**                      threshold of a variable that the reset sets.
** `method X` forces a choice; an impossible `method exact` is an error.
*/
#ifndef SNN_ODE_H
#define SNN_ODE_H

#include "model.h"

typedef struct OdeSystem {
  Method method;        /* the integrator chosen */
  int substeps;         /* explicit methods: smaller steps per step (at least 1) */
  int n;                /* integrated variables */
  Symbol **var;         /* their symbols, in equation order */
  Expr **rhs;           /* right-hand sides, as written (aliases not inlined) */
  bool *clamped;        /* frozen while refractory (unless refractory) */
  /* METHOD_EXACT: f = A x + b.  NULL entries are structural zeros. */
  Expr **A;             /* n * n, row-major */
  Expr **b;             /* n */
  bool *reach;          /* n * n: x_k depends on x_j through A (k == j included) */
  bool *row_changes;    /* n: the row of x_k differs while refractory */
  /* METHOD_EXPONENTIAL_EULER (and METHOD_EULER when every equation is linear
     in its own variable): f_k = a_k x_k + b_k. */
  Expr **lin_a, **lin_b;
  /* rk2, rk4: the variable of `spike when x > T` (its index, -1: none) and
     T.  Where a stage of the step passes T, the right-hand sides see
     x = T instead (as NEST's aeif models cap V at V_peak): the neuron
     spikes and is reset anyway, and an exponential term evaluated far
     past the threshold would overflow to inf and NaN. */
  int stage_cap;
  Expr *stage_cap_value;
} OdeSystem;

/* Chooses and prepares the integrator of a neuron model; false after
   reporting an error (an impossible forced method). */
bool ode_analyze(Arena *arena, Diags *diags, const NeuronModel *n, OdeSystem *out);
/* Writes rhs as coef * x + rest with coef and rest free of x (NULL: zero);
   false if rhs is not of that form.  (Other names count as constants.) */
bool ode_affine(Arena *arena, Expr *rhs, Symbol *x, Expr **coef, Expr **rest);
/* ode_affine, and both parts the same for every synapse and step:
   parameters, constants and dt only.  Such an equation is solved exactly
   between events: x(t + s) = r + (x(t) - r) exp(coef s), r = -rest/coef. */
bool ode_affine_constant(Arena *arena, Expr *rhs, Symbol *x, Expr **coef, Expr **rest);
/* True if e has one value for a whole run: parameters, constants, dt. */
bool ode_invariant(const Expr *e);
/* The index of a symbol among the integrated variables, or -1. */
int ode_var_index(const OdeSystem *s, const Symbol *sym);

#endif
