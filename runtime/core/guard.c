/*
** guard.c: the runaway-firing guard of the step loop.
**
** A population whose activity has run away (a sign change in a weight, a
** threshold below rest) produces garbage at great cost.  The guard counts
** each neuron population's spikes over consecutive windows of 100 ms of
** simulated time and stops the run at the end of a window whose mean rate
** exceeds the limit (`--max-rate`, or SnnSimConfig.max_rate; 0 turns it
** off).  It runs inside sim_run, so `snnc run`, native binaries and programs
** on the stepping API all stop at the same step for the same model.  At the
** end of a run the last, shorter window is judged too (if it spans at
** least 10 ms: one spike in a step is no rate), so that a run shorter than
** a window is not exempt.
*/
#include <math.h>
#include <stdlib.h>

#include "sim.h"

bool guard_setup(Sim *s) {
  s->guard_counts = calloc((size_t)s->model->npop + 1, sizeof(uint64_t));
  if (!s->guard_counts) return sim_fail(s, "out of memory");
  s->guard_window = llround(0.1 / s->opt.dt);
  if (s->guard_window < 1) s->guard_window = 1;
  guard_restart(s);
  return true;
}

/* Starts a window at `step`, counting from the spikes so far. */
static void restart_at(Sim *s, int64_t step) {
  s->guard_start = step;
  for (int64_t k = 0; k < s->model->npop; k++) s->guard_counts[k] = s->pops[k].total_spikes;
}

void guard_restart(Sim *s) { restart_at(s, s->step); }

/* Judges the window from guard_start to the end of step `last`. */
static bool judge(Sim *s, int64_t last) {
  int64_t steps = last + 1 - s->guard_start;
  double span = (double)steps * s->opt.dt;
  double t_end = (double)(last + 1) * s->opt.dt;
  bool ok = true;
  for (int64_t k = 0; ok && k < s->model->npop; k++) {
    const RtPop *p = &s->pops[k];
    if (p->desc->kind != SNN_POP_NEURONS || p->size == 0) continue;
    double rate = (double)(p->total_spikes - s->guard_counts[k]) / ((double)p->size * span);
    if (rate > s->opt.max_rate)
      ok = sim_fail(s, "population '%s' fired at %.0f Hz on average over the %g ms before "
                    "t = %g ms, above the rate limit of %.0f Hz (--max-rate): the activity has "
                    "run away (last spiking neuron: %d)", p->desc->name, rate, span * 1e3,
                    t_end * 1e3, s->opt.max_rate,
                    p->spikes.len ? p->spikes.items[p->spikes.len - 1] : -1);
  }
  return ok;
}

bool guard_after_step(Sim *s) {
  int64_t steps = s->step + 1 - s->guard_start;
  if (!(s->opt.max_rate > 0) || steps < s->guard_window) return true;
  bool ok = judge(s, s->step);
  restart_at(s, s->step + 1); /* this step's spikes are counted already */
  return ok;
}

bool guard_finish(Sim *s) {
  int64_t steps = s->step - s->guard_start;
  if (!(s->opt.max_rate > 0) || steps < 1 || (double)steps * s->opt.dt < 0.01 - 1e-12)
    return true;
  return judge(s, s->step - 1);
}
