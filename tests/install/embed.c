/*
** embed.c: the smallest program that embeds a compiled model, built by
** check_install.sh with only `pkg-config --cflags --libs snnrt` of an
** installed runtime: it steps model.snn for 200 ms through the stepping
** API and prints the spike count of its population.
*/
#include <math.h>
#include <stdio.h>

#include "snnrt_sim.h"

extern const SnnModel snn_model;

int main(void) {
  char err[512];
  SnnSimConfig config = snnrt_sim_config(&snn_model);
  config.out_dir = NULL;
  SnnSim *sim = snnrt_sim_create(&snn_model, &config, NULL, NULL, err, sizeof err);
  if (!sim) {
    fprintf(stderr, "embed: %s\n", err);
    return 1;
  }
  int64_t cells = snnrt_sim_population(sim, "Cells");
  if (cells < 0 || !snnrt_sim_step(sim, llround(0.2 / snnrt_sim_dt(sim)))) {
    fprintf(stderr, "embed: %s\n", snnrt_sim_error(sim));
    snnrt_sim_free(sim);
    return 1;
  }
  printf("%lld\n", (long long)snnrt_sim_spike_count(sim, cells));
  snnrt_sim_free(sim);
  return 0;
}
