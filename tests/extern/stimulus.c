/*
** stimulus.c: a small user library of stimulus waveforms, loaded by models
** through `extern fn` declarations in the tests (libsnnstim.so).
*/
#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* A rectangular pulse train: 1 during the first `width` ms of every
   `period` ms, else 0 (times in ms). */
double pulse_train(double t_ms, double period_ms, double width_ms) {
  double phase = fmod(t_ms, period_ms);
  return phase < width_ms ? 1.0 : 0.0;
}

/* A chirp whose frequency rises linearly from f0 (Hz) at rate k (Hz/s). */
double chirp(double t_s, double f0, double k) {
  return sin(2.0 * 3.14159265358979323846 * (f0 * t_s + 0.5 * k * t_s * t_s));
}

/* Integer arguments and result: the n-th Fibonacci number. */
int32_t fibonacci(int32_t n) {
  int32_t a = 0, b = 1;
  for (int32_t k = 0; k < n; k++) {
    int32_t c = a + b;
    a = b;
    b = c;
  }
  return a;
}

/* A function with a bug: from `at_ms` on it writes through a null pointer
   (the tests check that the run says which function crashed). */
double crash_after(double t_ms, double at_ms) {
  if (t_ms >= at_ms) {
    volatile double *nowhere = NULL;
    *nowhere = t_ms;
    return *nowhere;
  }
  return 0.0;
}
