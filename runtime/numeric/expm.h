/*
** expm.h: matrix exponential and exact propagators of linear ODE systems.
**
** For dx/dt = A x + u with u constant over a step, the exact update is
**
**     x(t + dt) = P x(t) + Phi u,   P = exp(A dt),   Phi = int_0^dt exp(A s) ds,
**
** which the compiler uses for "exact" integration of linear dynamics.  The
** matrices are small (n up to about 16), dense, real and row-major.
**
** Method: scaling and squaring with diagonal Pade approximants of degree
** 3, 5, 7, 9 or 13, chosen from the 1-norm with the thresholds theta_m of
** N. J. Higham, "The scaling and squaring method for the matrix
** exponential revisited", SIAM J. Matrix Anal. Appl. 26(4), 2005, after
** shifting A by trace(A)/n when that is positive.  The truncation error of
** the approximant is a backward error ||E||_1 <= 2^-53 ||A||_1 with
** exp(A + E) computed; rounding adds roughly ||A||_1 ulps more.
**
** Scratch space comes from malloc (8 n^2 doubles for expm; 40 n^2 for a
** propagator, whose block matrix is 2n x 2n) and is freed before return.
*/
#ifndef SNN_EXPM_H
#define SNN_EXPM_H

/* out = exp(A) for an n x n row-major matrix (out may be A); returns 0, or -1 if A has a non-finite entry. */
int expm(int n, const double *A, double *out);
/* P = exp(A*dt) and Phi = \int_0^dt exp(A s) ds, via the block matrix [[A, I],[0, 0]]*dt (works for singular A). */
int expm_propagator(int n, const double *A, double dt, double *P, double *Phi);

/*
** Both also return -1, leaving the outputs unspecified, when n < 1, dt is
** not finite, scratch memory cannot be allocated, or the result overflows.
*/

#endif
