/*
** expm.h: matrix exponential and exact propagators.
*/
#ifndef SNN_EXPM_H
#define SNN_EXPM_H

/* out = exp(A) for an n x n row-major matrix; returns 0, or -1. */
int expm(int n, const double *A, double *out);
/* P = exp(A dt), Phi = integral_0^dt exp(A s) ds; returns 0, or -1. */
int expm_propagator(int n, const double *A, double dt, double *P, double *Phi);

#endif
