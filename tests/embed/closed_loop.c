/*
** closed_loop.c: a program that embeds a compiled model and drives it
** through the stepping API (runtime/snnrt_sim.h), the way a closed-loop
** environment does: input pushed in before every step, spikes watched
** after it, synaptic values read and changed on the way.
**
** loop.snn has two identical LIF populations.  Driven gets a constant
** current and delayed pulses through synapses from a spike source, all from
** the model; Pushed gets the same from this program: the current with
** snnrt_sim_add_input before every step, and each pulse scheduled by the
** after-step hook when it sees the source spike, delay steps later, with
** the synaptic weights read from the projection.  Between the source's two
** spikes the program doubles those weights, as a learning rule would.  If add-input enters
** a step exactly as a synaptic sum and a current do, both populations have
** the same membrane potentials after every step, bit for bit, and the same
** spikes.  Exits 0 when they do, 1 with a message when they do not.
**
** Built by tests/embed/run.sh: snnc build --keep-object gives the object
** that defines snn_model, linked with libsnnrt.a.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snnrt_sim.h"

extern const SnnModel snn_model;

/* The cue spikes in steps 10 and 25; its weights double before step 20. */
enum { SIZE = 3, MAX_PULSES = 8, STEPS = 300, DOUBLE_AT = 20 };

typedef struct Loop {
  int64_t driven, pushed, cue, proj, v, slot;
  int64_t delay_steps;
  int64_t due[MAX_PULSES];     /* step at which each pulse enters Pushed */
  double amount[MAX_PULSES][SIZE];
  int npulses;
} Loop;

static int fail(SnnSim *sim, const char *what) {
  fprintf(stderr, "closed_loop: %s%s%s\n", what, sim ? ": " : "", sim ? snnrt_sim_error(sim) : "");
  return 1;
}

/* After-step hook: a spike of the cue in step n reaches Driven's input in
   step n + 1 + delay, with the weights it was routed with. */
static void watch_cue(SnnSim *sim, int64_t step, void *ctx) {
  Loop *l = ctx;
  const int32_t *spikes;
  if (snnrt_sim_spikes(sim, l->cue, &spikes) <= 0 || l->npulses == MAX_PULSES) return;
  double w[SIZE];
  int32_t post[SIZE];
  if (!snnrt_sim_read_synapses(sim, l->proj, 0, 0, SIZE, w) ||
      !snnrt_sim_synapse_ends(sim, l->proj, 0, SIZE, NULL, post))
    return;
  for (int q = 0; q < SIZE; q++) l->amount[l->npulses][post[q]] = w[q];
  l->due[l->npulses++] = step + 1 + l->delay_steps;
}

/* The input of Pushed for the next step: the current, and any pulse due. */
static bool push_input(SnnSim *sim, const Loop *l, double drive) {
  double current[SIZE] = {drive, drive, drive};
  if (!snnrt_sim_add_input(sim, l->pushed, l->slot, 0, SIZE, current)) return false;
  for (int k = 0; k < l->npulses; k++)
    if (l->due[k] == snnrt_sim_step_index(sim) &&
        !snnrt_sim_add_input(sim, l->pushed, l->slot, 0, SIZE, l->amount[k]))
      return false;
  return true;
}

/* Whether both populations are in the same state and spiked alike. */
static bool same(SnnSim *sim, const Loop *l) {
  double a[SIZE], b[SIZE];
  const int32_t *sa, *sb;
  if (!snnrt_sim_read_state(sim, l->driven, l->v, 0, SIZE, a) ||
      !snnrt_sim_read_state(sim, l->pushed, l->v, 0, SIZE, b))
    return false;
  int64_t na = snnrt_sim_spikes(sim, l->driven, &sa), nb = snnrt_sim_spikes(sim, l->pushed, &sb);
  return memcmp(a, b, sizeof a) == 0 && na == nb &&
         (na == 0 || memcmp(sa, sb, sizeof(int32_t) * (size_t)na) == 0);
}

static bool look_up(SnnSim *sim, Loop *l) {
  l->driven = snnrt_sim_population(sim, "Driven");
  l->pushed = snnrt_sim_population(sim, "Pushed");
  l->cue = snnrt_sim_population(sim, "cue");
  l->proj = snnrt_sim_projection(sim, "cue -> Driven");
  l->v = snnrt_sim_state_var(sim, l->driven, "v");
  l->slot = snnrt_sim_input_slot(sim, l->pushed, "I_syn");
  return l->driven >= 0 && l->pushed >= 0 && l->cue >= 0 && l->proj >= 0 && l->v >= 0 &&
         l->slot >= 0 && snnrt_sim_synapse_count(sim, l->proj) == SIZE;
}

int main(void) {
  char err[512];
  SnnSim *sim = snnrt_sim_create(&snn_model, NULL, NULL, NULL, err, sizeof err);
  if (!sim) {
    fprintf(stderr, "closed_loop: %s\n", err);
    return 1;
  }
  Loop l;
  memset(&l, 0, sizeof l);
  int status = 0;
  if (!look_up(sim, &l)) status = fail(sim, "looking up the model's objects");
  double drive = snnrt_sim_param(sim, snnrt_sim_param_index(sim, "I_drive"));
  l.delay_steps = llround(0.5e-3 / snnrt_sim_dt(sim));
  snnrt_sim_set_hook(sim, watch_cue, &l);
  for (int n = 0; status == 0 && n < STEPS; n++) {
    if (n == DOUBLE_AT) {
      double w[SIZE];
      bool ok = snnrt_sim_read_synapses(sim, l.proj, 0, 0, SIZE, w);
      for (int q = 0; q < SIZE; q++) w[q] *= 2;
      if (!ok || !snnrt_sim_write_synapses(sim, l.proj, 0, 0, SIZE, w))
        status = fail(sim, "doubling the weights");
    }
    if (status == 0 && !push_input(sim, &l, drive)) status = fail(sim, "adding input");
    if (status == 0 && !snnrt_sim_step(sim, 1)) status = fail(sim, "stepping");
    if (status == 0 && !same(sim, &l)) {
      fprintf(stderr, "closed_loop: Pushed differs from Driven after step %d\n", n);
      status = 1;
    }
  }
  /* The test means something only if pulses came and neurons spiked. */
  if (status == 0 && (l.npulses != 2 || snnrt_sim_spike_count(sim, l.pushed) == 0 ||
                      l.amount[1][SIZE - 1] != 2 * l.amount[0][SIZE - 1])) {
    fprintf(stderr, "closed_loop: %d pulses (the last of %g A) and %lld spikes; expected 2 "
            "pulses, the second twice the first, and spikes\n", l.npulses,
            l.amount[l.npulses ? l.npulses - 1 : 0][SIZE - 1],
            (long long)snnrt_sim_spike_count(sim, l.pushed));
    status = 1;
  }
  if (status == 0)
    printf("closed_loop: %d steps, %lld spikes in each population, identical\n", STEPS,
           (long long)snnrt_sim_spike_count(sim, l.pushed));
  snnrt_sim_free(sim);
  return status;
}
