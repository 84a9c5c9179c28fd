/* expm.c: interim scaling-and-squaring Taylor exponential (to be replaced). */
#include "expm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void matmul(int n, const double *a, const double *b, double *c) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double s = 0;
      for (int k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
      c[i * n + j] = s;
    }
}

int expm(int n, const double *A, double *out) {
  double norm = 0;
  for (int i = 0; i < n * n; i++) {
    if (!isfinite(A[i])) return -1;
    norm = fmax(norm, fabs(A[i]));
  }
  int sq = 0;
  double scale = 1;
  while (norm * n * scale > 0.5) { scale *= 0.5; sq++; }
  double *term = malloc(sizeof(double) * n * n), *tmp = malloc(sizeof(double) * n * n);
  double *a = malloc(sizeof(double) * n * n);
  if (!term || !tmp || !a) { free(term); free(tmp); free(a); return -1; }
  for (int i = 0; i < n * n; i++) a[i] = A[i] * scale;
  memset(out, 0, sizeof(double) * n * n);
  memset(term, 0, sizeof(double) * n * n);
  for (int i = 0; i < n; i++) out[i * n + i] = term[i * n + i] = 1;
  for (int k = 1; k <= 24; k++) {
    matmul(n, term, a, tmp);
    for (int i = 0; i < n * n; i++) { term[i] = tmp[i] / k; out[i] += term[i]; }
  }
  for (int s = 0; s < sq; s++) {
    matmul(n, out, out, tmp);
    memcpy(out, tmp, sizeof(double) * n * n);
  }
  free(term); free(tmp); free(a);
  return 0;
}

int expm_propagator(int n, const double *A, double dt, double *P, double *Phi) {
  int m = 2 * n;
  double *B = calloc((size_t)m * m, sizeof(double)), *E = malloc(sizeof(double) * m * m);
  if (!B || !E) { free(B); free(E); return -1; }
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) B[i * m + j] = A[i * n + j] * dt;
    B[i * m + n + i] = dt;
  }
  int rc = expm(m, B, E);
  if (rc == 0)
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) {
        P[i * n + j] = E[i * m + j];
        Phi[i * n + j] = E[i * m + n + j];
      }
  free(B); free(E);
  return rc;
}
