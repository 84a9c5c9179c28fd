/*
** expm.c: the matrix exponential by scaling and squaring (Higham 2005).
**
** exp(A) = exp(A / 2^s)^(2^s).  s is the smallest that brings ||A / 2^s||_1
** under theta_13; for small norms a lower degree m with ||A||_1 <= theta_m
** is used instead and s = 0.  The degree-m diagonal Pade approximant is
** r_m = (V - U)^-1 (V + U) with U the odd and V the even part of the
** numerator p_m(A) = sum b_j A^j; the system is solved by Gaussian
** elimination with partial pivoting, then r_m is squared s times.  A
** positive mean eigenvalue is shifted out first (see shift_trace).
**
** All matrices are n x n, row-major, in one malloc'd block.
*/
#include "expm.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
** theta_m: the largest 1-norm for which the degree-m approximant has
** backward error at most 2^-53 (Higham 2005, Table 2.3).
*/
static const double theta[5] = {1.495585217958292e-2, 2.539398330063230e-1,
                                9.504178996162932e-1, 2.097847961257068e0,
                                5.371920351148152e0};
static const int degree[5] = {3, 5, 7, 9, 13};

/*
** Coefficients of p_m(x) = sum_j b_j x^j, where b_j is proportional to
** (2m - j)! m! / ((2m)! j! (m - j)!); scaled so that b_m = 1, all are
** integers, exact in a double.
*/
static const double b3[] = {120, 60, 12, 1};
static const double b5[] = {30240, 15120, 3360, 420, 30, 1};
static const double b7[] = {17297280, 8648640, 1995840, 277200, 25200, 1512, 56, 1};
static const double b9[] = {17643225600., 8821612800., 2075673600., 302702400., 30270240.,
                            2162160.,     110880.,     3960.,       90.,         1.};
static const double b13[] = {64764752532480000., 32382376266240000., 7771770303897600.,
                             1187353796428800.,  129060195264000.,   10559470521600.,
                             670442572800.,      33522128640.,       1323241920.,
                             40840800.,          960960.,            16380.,
                             182.,               1.};

/* Scratch matrices, each n x n, carved from one allocation. */
enum { SA, SA2, SA4, SA6, SA8, SU, SV, ST, NSCRATCH };

/* Largest column sum of absolute values. */
static double norm1(int n, const double *a) {
  double best = 0;
  for (int j = 0; j < n; j++) {
    double sum = 0;
    for (int i = 0; i < n; i++) sum += fabs(a[i * n + j]);
    if (sum > best) best = sum;
  }
  return best;
}

/* c = a b; c must not overlap a or b. */
static void matmul(int n, const double *a, const double *b, double *c) {
  assert(c != a && c != b);
  for (int i = 0; i < n; i++) {
    double *ci = c + i * n;
    for (int j = 0; j < n; j++) ci[j] = 0;
    /* i-k-j order walks rows of b contiguously. */
    for (int k = 0; k < n; k++) {
      double aik = a[i * n + k];
      const double *bk = b + k * n;
      for (int j = 0; j < n; j++) ci[j] += aik * bk[j];
    }
  }
}

/* y += alpha x over n x n entries. */
static void axpy(int n, double alpha, const double *x, double *y) {
  for (int i = 0; i < n * n; i++) y[i] += alpha * x[i];
}

/* y = alpha I. */
static void set_identity(int n, double alpha, double *y) {
  memset(y, 0, sizeof(double) * (size_t)n * (size_t)n);
  for (int i = 0; i < n; i++) y[i * n + i] = alpha;
}

/*
** Solves m x = rhs for n right-hand-side columns, overwriting rhs with x
** and m with its LU factors.  Partial pivoting: each step takes the largest
** remaining entry of the column as pivot, which keeps the multipliers at
** most 1 in magnitude.  The row operations are applied to rhs as they are
** made, so forward substitution needs no separate pass or pivot vector.
** Returns -1 if m is singular to working precision.
*/
static int solve_pivoted(int n, double *m, double *rhs) {
  for (int k = 0; k < n; k++) {
    int p = k;
    for (int i = k + 1; i < n; i++)
      if (fabs(m[i * n + k]) > fabs(m[p * n + k])) p = i;
    if (m[p * n + k] == 0) return -1;
    if (p != k) {
      for (int j = 0; j < n; j++) {
        double t = m[k * n + j]; m[k * n + j] = m[p * n + j]; m[p * n + j] = t;
        t = rhs[k * n + j]; rhs[k * n + j] = rhs[p * n + j]; rhs[p * n + j] = t;
      }
    }
    for (int i = k + 1; i < n; i++) {
      double l = m[i * n + k] / m[k * n + k];
      m[i * n + k] = l;
      for (int j = k + 1; j < n; j++) m[i * n + j] -= l * m[k * n + j];
      for (int j = 0; j < n; j++) rhs[i * n + j] -= l * rhs[k * n + j];
    }
  }
  /* Back substitution with the upper factor, row by row from the bottom. */
  for (int i = n - 1; i >= 0; i--) {
    for (int j = 0; j < n; j++) {
      double sum = rhs[i * n + j];
      for (int k = i + 1; k < n; k++) sum -= m[i * n + k] * rhs[k * n + j];
      rhs[i * n + j] = sum / m[i * n + i];
    }
  }
  return 0;
}

/*
** U and V of the degree-13 approximant with six products (Higham 2005,
** eq. 2.12): U = A [A6 (b13 A6 + b11 A4 + b9 A2) + b7 A6 + b5 A4 + b3 A2
** + b1 I], V = A6 (b12 A6 + b10 A4 + b8 A2) + b6 A6 + b4 A4 + b2 A2 + b0 I.
*/
static void pade13(int n, double **w) {
  const double *b = b13;
  double *a = w[SA], *a2 = w[SA2], *a4 = w[SA4], *a6 = w[SA6], *u = w[SU], *v = w[SV],
         *t = w[ST];
  matmul(n, a, a, a2);
  matmul(n, a2, a2, a4);
  matmul(n, a4, a2, a6);

  set_identity(n, 0, t);
  axpy(n, b[13], a6, t); axpy(n, b[11], a4, t); axpy(n, b[9], a2, t);
  matmul(n, a6, t, v); /* v as scratch for the odd part */
  axpy(n, b[7], a6, v); axpy(n, b[5], a4, v); axpy(n, b[3], a2, v);
  for (int i = 0; i < n; i++) v[i * n + i] += b[1];
  matmul(n, a, v, u);

  set_identity(n, 0, t);
  axpy(n, b[12], a6, t); axpy(n, b[10], a4, t); axpy(n, b[8], a2, t);
  matmul(n, a6, t, v);
  axpy(n, b[6], a6, v); axpy(n, b[4], a4, v); axpy(n, b[2], a2, v);
  for (int i = 0; i < n; i++) v[i * n + i] += b[0];
}

/* U and V of a degree-m approximant, m in {3, 5, 7, 9}, from the even
** powers A^2 .. A^(m-1) summed term by term. */
static void pade_low(int n, int m, const double *b, double **w) {
  double *pow2[4] = {w[SA2], w[SA4], w[SA6], w[SA8]};
  double *a = w[SA], *u = w[SU], *v = w[SV], *t = w[ST];
  int half = (m - 1) / 2; /* even powers needed: A^2 .. A^(2 half) */
  assert(half >= 1 && half <= 4);
  matmul(n, a, a, pow2[0]);
  for (int i = 1; i < half; i++) matmul(n, pow2[i - 1], pow2[0], pow2[i]);
  set_identity(n, b[1], t);
  set_identity(n, b[0], v);
  for (int i = 1; i <= half; i++) {
    axpy(n, b[2 * i + 1], pow2[i - 1], t);
    axpy(n, b[2 * i], pow2[i - 1], v);
  }
  matmul(n, a, t, u);
}

/* Picks the degree (index into theta) and the number of squarings. */
static int choose_degree(double norm, int *squarings) {
  *squarings = 0;
  for (int i = 0; i < 4; i++)
    if (norm <= theta[i]) return i;
  if (norm > theta[4]) {
    /* s = ceil(log2(norm / theta_13)), exactly, from the binary exponent. */
    int e;
    double f = frexp(norm / theta[4], &e);
    *squarings = f == 0.5 ? e - 1 : e;
  }
  return 4;
}

/*
** Shifts A by mu = trace(A) / n when that is positive, using
** exp(A) = e^mu exp(A - mu I), and returns the shift.  With a positive
** spectrum the Pade denominator is a sum of alternating terms that cancel
** by about e^||A||, costing digits the shift saves (a scalar becomes
** exact).  A negative shift is not applied: it could overflow exp(A - mu I)
** when the result itself is representable.
*/
static double shift_trace(int n, double *a) {
  double mu = 0;
  for (int i = 0; i < n; i++) mu += a[i * n + i];
  mu /= n;
  if (!(mu > 0)) return 0;
  for (int i = 0; i < n; i++) a[i * n + i] -= mu;
  return mu;
}

/* Runs the method on w[SA]; the result goes to out. */
static int expm_scratch(int n, double **w, double *out) {
  size_t nn = (size_t)n * (size_t)n;
  double mu = shift_trace(n, w[SA]);
  int s, d = choose_degree(norm1(n, w[SA]), &s);
  if (s > 0)
    for (size_t i = 0; i < nn; i++) w[SA][i] = ldexp(w[SA][i], -s); /* exact */
  if (d == 4) {
    pade13(n, w);
  } else {
    static const double *const bs[4] = {b3, b5, b7, b9};
    pade_low(n, degree[d], bs[d], w);
  }
  /* (V - U) r = (V + U), the denominator overwriting V. */
  for (size_t i = 0; i < nn; i++) {
    out[i] = w[SV][i] + w[SU][i];
    w[SV][i] -= w[SU][i];
  }
  if (solve_pivoted(n, w[SV], out) != 0) return -1;
  for (int i = 0; i < s; i++) {
    matmul(n, out, out, w[ST]);
    memcpy(out, w[ST], sizeof(double) * nn);
  }
  double scale = exp(mu); /* 1 when unshifted */
  for (size_t i = 0; i < nn; i++) {
    out[i] *= scale;
    if (!isfinite(out[i])) return -1;
  }
  return 0;
}

int expm(int n, const double *A, double *out) {
  if (n < 1) return -1;
  size_t nn = (size_t)n * (size_t)n;
  for (size_t i = 0; i < nn; i++)
    if (!isfinite(A[i])) return -1;
  double *block = malloc(sizeof(double) * nn * NSCRATCH);
  if (!block) return -1;
  double *w[NSCRATCH];
  for (int i = 0; i < NSCRATCH; i++) w[i] = block + (size_t)i * nn;
  memcpy(w[SA], A, sizeof(double) * nn); /* read A before out is written */
  int rc = expm_scratch(n, w, out);
  free(block);
  return rc;
}

/*
** exp([[A, I], [0, 0]] dt) = [[exp(A dt), Phi], [0, I]], since the upper
** right block of the series is sum_k A^k dt^(k+1) / (k+1)!, which is the
** integral of exp(A s) over [0, dt].  No inverse of A appears, so singular
** A (pure integrators, constant inputs) needs no special case.
*/
int expm_propagator(int n, const double *A, double dt, double *P, double *Phi) {
  if (n < 1 || !isfinite(dt)) return -1;
  int m = 2 * n;
  size_t mm = (size_t)m * (size_t)m;
  double *b = calloc(2 * mm, sizeof(double));
  if (!b) return -1;
  double *e = b + mm;
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) b[i * m + j] = A[i * n + j] * dt;
    b[i * m + n + i] = dt;
  }
  int rc = expm(m, b, e);
  if (rc == 0) {
    for (int i = 0; i < n; i++) {
      memcpy(P + i * n, e + i * m, sizeof(double) * (size_t)n);
      memcpy(Phi + i * n, e + i * m + n, sizeof(double) * (size_t)n);
    }
  }
  free(b);
  return rc;
}
