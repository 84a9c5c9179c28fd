/*
** test_expm.c: the matrix exponential and propagators against closed
** forms: scalars, diagonal, rotation, nilpotent, the CUBA membrane system,
** large-norm matrices that need many squarings, and identities that hold
** for any matrix.
*/
#include "expm.h"

#include <math.h>
#include <stdlib.h>

#include "test.h"

/* |got - want| <= rel |want|, for want != 0. */
#define CHECK_REL(got, want, rel) CHECK_NEAR(got, want, (rel) * fabs((double)(want)))

static void test_scalar(void) {
  static const double xs[] = {-50, -1, 0, 1e-8, 3, -3.125, 5.3, 5.4, 20};
  for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
    double e;
    CHECK_EQ_INT(expm(1, &xs[i], &e), 0);
    CHECK_REL(e, exp(xs[i]), 1e-14);
  }
}

/* Growing modes: [[a, c], [0, b]] and [[a, c], [c, a]] in closed form. */
static void test_positive(void) {
  double t[4] = {3, 1, 0, 2}, e[4];
  CHECK_EQ_INT(expm(2, t, e), 0);
  CHECK_REL(e[0], exp(3.0), 1e-14);
  CHECK_REL(e[1], exp(3.0) - exp(2.0), 1e-14);
  CHECK_NEAR(e[2], 0, 0);
  CHECK_REL(e[3], exp(2.0), 1e-14);

  double c = 2, s[4] = {4, c, c, 4};
  CHECK_EQ_INT(expm(2, s, e), 0);
  CHECK_REL(e[0], exp(4.0) * cosh(c), 1e-14);
  CHECK_REL(e[1], exp(4.0) * sinh(c), 1e-14);
  CHECK_REL(e[2], exp(4.0) * sinh(c), 1e-14);
  CHECK_REL(e[3], exp(4.0) * cosh(c), 1e-14);
}

static void test_diagonal(void) {
  double d[4] = {-3, 0.5, 2, -7.25}, a[16] = {0}, e[16];
  for (int i = 0; i < 4; i++) a[i * 4 + i] = d[i];
  CHECK_EQ_INT(expm(4, a, e), 0);
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++) {
      if (i == j) CHECK_REL(e[i * 4 + j], exp(d[i]), 1e-14);
      else CHECK_NEAR(e[i * 4 + j], 0, 0);
    }
}

static void test_rotation(void) {
  static const double ws[] = {1e-3, 0.5, 1, 3, 10, 100};
  for (size_t k = 0; k < sizeof ws / sizeof ws[0]; k++) {
    double w = ws[k], a[4] = {0, -w, w, 0}, e[4];
    CHECK_EQ_INT(expm(2, a, e), 0);
    /* cos and sin of w themselves are only known to about w ulps. */
    double tol = 1e-15 * fmax(1, w) * 4;
    CHECK_NEAR(e[0], cos(w), tol);
    CHECK_NEAR(e[1], -sin(w), tol);
    CHECK_NEAR(e[2], sin(w), tol);
    CHECK_NEAR(e[3], cos(w), tol);
  }
}

static void test_nilpotent(void) {
  double a[4] = {0, 1, 0, 0}, e[4];
  CHECK_EQ_INT(expm(2, a, e), 0);
  CHECK_NEAR(e[0], 1, 1e-15);
  CHECK_NEAR(e[1], 1, 1e-15);
  CHECK_NEAR(e[2], 0, 0);
  CHECK_NEAR(e[3], 1, 1e-15);

  /* A 3 x 3 shift: exp = I + N + N^2 / 2, here with a large entry. */
  double n3[9] = {0, 40, 0, 0, 0, 40, 0, 0, 0}, e3[9];
  CHECK_EQ_INT(expm(3, n3, e3), 0);
  double want[9] = {1, 40, 800, 0, 1, 40, 0, 0, 1};
  for (int i = 0; i < 9; i++) CHECK_NEAR(e3[i], want[i], 1e-13 * fmax(1, want[i]));
}

/*
** Current-based synapses: state (v, ge, gi) with dv/dt = (ge + gi - v)/tm,
** dge/dt = -ge/te, dgi/dt = -gi/ti.  With ge(s) = ge0 e^(-s/te) and v0 = 0,
** v(dt) = (ge0/tm) int_0^dt e^(-(dt-s)/tm) e^(-s/te) ds
**       = ge0 te (e^(-dt/tm) - e^(-dt/te)) / (tm - te),
** so P[v][ge] = te (e^(-dt/tm) - e^(-dt/te)) / (tm - te); likewise for gi.
** Integrating P over [0, dt] gives Phi:
** Phi[v][ge] = te (tm (1 - e^(-dt/tm)) - te (1 - e^(-dt/te))) / (tm - te).
*/
static double cuba_p(double tm, double ts, double dt) {
  return ts * (expm1(-dt / tm) - expm1(-dt / ts)) / (tm - ts);
}

static double cuba_phi(double tm, double ts, double dt) {
  return ts * (-tm * expm1(-dt / tm) + ts * expm1(-dt / ts)) / (tm - ts);
}

static void test_cuba(void) {
  const double tm = 20e-3, te = 5e-3, ti = 10e-3;
  const double a[9] = {-1 / tm, 1 / tm, 1 / tm, 0, -1 / te, 0, 0, 0, -1 / ti};
  static const double dts[] = {1e-4, 1e-3, 0.1};
  for (size_t k = 0; k < sizeof dts / sizeof dts[0]; k++) {
    double dt = dts[k], p[9], phi[9];
    CHECK_EQ_INT(expm_propagator(3, a, dt, p, phi), 0);
    CHECK_REL(p[0], exp(-dt / tm), 1e-13);
    CHECK_REL(p[1], cuba_p(tm, te, dt), 1e-13);
    CHECK_REL(p[2], cuba_p(tm, ti, dt), 1e-13);
    CHECK_REL(p[4], exp(-dt / te), 1e-13);
    CHECK_REL(p[8], exp(-dt / ti), 1e-13);
    /* Upper triangular in, upper triangular out, exactly. */
    CHECK_NEAR(p[3], 0, 0);
    CHECK_NEAR(p[5], 0, 0);
    CHECK_NEAR(p[6], 0, 0);
    CHECK_NEAR(p[7], 0, 0);

    CHECK_REL(phi[0], -tm * expm1(-dt / tm), 1e-13);
    CHECK_REL(phi[1], cuba_phi(tm, te, dt), 1e-13);
    CHECK_REL(phi[2], cuba_phi(tm, ti, dt), 1e-13);
    CHECK_REL(phi[4], -te * expm1(-dt / te), 1e-13);
    CHECK_REL(phi[8], -ti * expm1(-dt / ti), 1e-13);
  }
}

static void test_scalar_propagator(void) {
  /* a = -1/tau: P = e^(-dt/tau), Phi = tau (1 - e^(-dt/tau)). */
  static const double dts[] = {1e-4, 0.02, 1};
  for (size_t k = 0; k < sizeof dts / sizeof dts[0]; k++) {
    double tau = 20e-3, a = -1 / tau, dt = dts[k], p, phi;
    CHECK_EQ_INT(expm_propagator(1, &a, dt, &p, &phi), 0);
    CHECK_REL(p, exp(-dt / tau), 1e-14);
    CHECK_REL(phi, -tau * expm1(-dt / tau), 1e-14);
  }

  /* a = 0: a pure integrator, Phi = dt. */
  double zero = 0, p, phi;
  CHECK_EQ_INT(expm_propagator(1, &zero, 1e-4, &p, &phi), 0);
  CHECK_REL(p, 1, 1e-15);
  CHECK_REL(phi, 1e-4, 1e-15);

  /* dt = 0: nothing happens. */
  CHECK_EQ_INT(expm_propagator(1, &zero, 0, &p, &phi), 0);
  CHECK_NEAR(p, 1, 0);
  CHECK_NEAR(phi, 0, 0);

  /* Double integrator, singular: P = [[1, dt], [0, 1]], Phi = [[dt, dt^2/2], [0, dt]]. */
  double a2[4] = {0, 1, 0, 0}, p2[4], phi2[4], dt = 0.5;
  CHECK_EQ_INT(expm_propagator(2, a2, dt, p2, phi2), 0);
  CHECK_NEAR(p2[0], 1, 1e-15);
  CHECK_NEAR(p2[1], dt, 1e-15);
  CHECK_NEAR(p2[3], 1, 1e-15);
  CHECK_NEAR(phi2[0], dt, 1e-15);
  CHECK_NEAR(phi2[1], dt * dt / 2, 1e-15);
  CHECK_NEAR(phi2[2], 0, 0);
  CHECK_NEAR(phi2[3], dt, 1e-15);
}

static void test_large_norm(void) {
  /* -1000 I + N with N strictly upper triangular commute, so
  ** exp((-1000 I + N) dt) = e^(-1000 dt) (I + N dt + (N dt)^2 / 2). */
  const double a[9] = {-1000, 1000, 1000, 0, -1000, 1000, 0, 0, -1000};
  double dt = 0.01, p[9], phi[9];
  CHECK_EQ_INT(expm_propagator(3, a, dt, p, phi), 0);
  double e = exp(-10), want[9] = {e, 10 * e, 60 * e, 0, e, 10 * e, 0, 0, e};
  for (int i = 0; i < 9; i++)
    if (want[i] != 0) CHECK_REL(p[i], want[i], 1e-13);
    else CHECK_NEAR(p[i], 0, 0);

  /* Distinct eigenvalues l1, l2 and coupling c: the off-diagonal entry is
  ** c (e^l1 - e^l2) / (l1 - l2). */
  double l1 = -30, l2 = -35, c = 1000, b[4] = {l1, c, 0, l2}, eb[4];
  CHECK_EQ_INT(expm(2, b, eb), 0);
  CHECK_REL(eb[0], exp(l1), 1e-13);
  CHECK_REL(eb[1], c * exp(l2) * expm1(l1 - l2) / (l1 - l2), 1e-13);
  CHECK_NEAR(eb[2], 0, 0);
  CHECK_REL(eb[3], exp(l2), 1e-13);

  /* A damped fast rotation: -20 I + w J, exp = e^-20 (cos w I + sin w J). */
  double w = 100, r[4] = {-20, -w, w, -20}, er[4];
  CHECK_EQ_INT(expm(2, r, er), 0);
  double tol = 1e-13 * exp(-20);
  CHECK_NEAR(er[0], exp(-20) * cos(w), tol);
  CHECK_NEAR(er[1], -exp(-20) * sin(w), tol);
  CHECK_NEAR(er[2], exp(-20) * sin(w), tol);
  CHECK_NEAR(er[3], exp(-20) * cos(w), tol);
}

/* A reproducible dense matrix with entries in [-scale, scale]. */
static void fill(int n, double scale, unsigned seed, double *a) {
  for (int i = 0; i < n * n; i++) {
    seed = seed * 1664525u + 1013904223u;
    a[i] = scale * ((double)(seed >> 8) / 8388608.0 - 1);
  }
}

/* Max |x_ij - y_ij|. */
static double maxdiff(int n, const double *x, const double *y) {
  double d = 0;
  for (int i = 0; i < n * n; i++) d = fmax(d, fabs(x[i] - y[i]));
  return d;
}

/* Identities valid for every A: exp(A) exp(-A) = I and A Phi = P - I. */
static void test_identities(void) {
  enum { N = 16 };
  static double a[N * N], neg[N * N], e[N * N], f[N * N], prod[N * N], eye[N * N];
  static double p[N * N], phi[N * N], lhs[N * N], rhs[N * N];
  static const int ns[] = {2, 5, 16};
  static const double scales[] = {0.01, 0.3, 2};
  for (int i = 0; i < N; i++) eye[i * N + i] = 1;
  for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
    for (size_t q = 0; q < sizeof scales / sizeof scales[0]; q++) {
      int n = ns[k];
      fill(n, scales[q], (unsigned)(k * 10 + q), a);
      for (int i = 0; i < n * n; i++) neg[i] = -a[i];
      CHECK_EQ_INT(expm(n, a, e), 0);
      CHECK_EQ_INT(expm(n, neg, f), 0);
      for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
          double s = 0;
          for (int l = 0; l < n; l++) s += e[i * n + l] * f[l * n + j];
          prod[i * n + j] = s;
          lhs[i * n + j] = i == j;
        }
      CHECK(maxdiff(n, prod, lhs) < 1e-12);

      double dt = 0.7;
      CHECK_EQ_INT(expm_propagator(n, a, dt, p, phi), 0);
      for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
          double s = 0;
          for (int l = 0; l < n; l++) s += a[i * n + l] * phi[l * n + j];
          lhs[i * n + j] = s;
          rhs[i * n + j] = p[i * n + j] - (i == j);
        }
      CHECK(maxdiff(n, lhs, rhs) < 1e-12);
      /* And P agrees with expm(A dt). */
      for (int i = 0; i < n * n; i++) neg[i] = a[i] * dt;
      CHECK_EQ_INT(expm(n, neg, e), 0);
      CHECK(maxdiff(n, p, e) < 1e-13);
    }
  }
  (void)eye;

  /* out may be the input. */
  double m[4] = {0, -1, 1, 0};
  CHECK_EQ_INT(expm(2, m, m), 0);
  CHECK_NEAR(m[0], cos(1.0), 1e-15);
  CHECK_NEAR(m[2], sin(1.0), 1e-15);
}

static void test_errors(void) {
  double a[4] = {1, 2, NAN, 4}, e[4], p[4], phi[4];
  CHECK_EQ_INT(expm(2, a, e), -1);
  a[2] = INFINITY;
  CHECK_EQ_INT(expm(2, a, e), -1);
  a[2] = -INFINITY;
  CHECK_EQ_INT(expm_propagator(2, a, 0.1, p, phi), -1);
  a[2] = 3;
  CHECK_EQ_INT(expm_propagator(2, a, NAN, p, phi), -1);
  CHECK_EQ_INT(expm_propagator(2, a, INFINITY, p, phi), -1);
  CHECK_EQ_INT(expm(0, a, e), -1);
  /* exp(1000) overflows. */
  double big = 1000;
  CHECK_EQ_INT(expm(1, &big, e), -1);
  CHECK_EQ_INT(expm_propagator(2, a, 0.1, p, phi), 0);
}

int main(void) {
  test_scalar();
  test_positive();
  test_diagonal();
  test_rotation();
  test_nilpotent();
  test_cuba();
  test_scalar_propagator();
  test_large_norm();
  test_identities();
  test_errors();
  return test_report("test_expm");
}
