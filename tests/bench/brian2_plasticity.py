#!/usr/bin/python3
"""The Brian2 side of the plasticity benchmarks (tests/bench/plasticity.py):
the same models as snnc's, in Brian2 2.5 with the cpp_standalone device, one
thread.  Prints one line `RESULT {json}` with Brian2's own measurement of
its simulation loop (loop_s), the whole build and run (total_s), and what
the run produced (spikes, mean weight) so that the two sides can be seen to
simulate the same thing.

  song       examples/song2000.snn: 1000 Poisson inputs onto one neuron,
             additive STDP (the model of tests/reference/brian2/song2000_reference.py)
  cuba_stdp  tests/bench/cuba_stdp.snn: CUBA, 4000 neurons, STDP on E -> E
  izhikevich examples/izhikevich2007.snn: 1000 Izhikevich neurons, dopamine-
             modulated STDP with eligibility traces, rewards of a pair

usage: brian2_plasticity.py MODEL T_SECONDS [SEED]
"""
import json
import os
import shutil
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "reference", "brian2"))


def device(b2, seed):
    build = tempfile.mkdtemp(prefix="b2plastic-")
    b2.set_device("cpp_standalone", directory=build, build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = 0
    b2.start_scope()
    b2.seed(seed)
    return build


def cuba_stdp(b2, T, seed):
    ms, mV = b2.ms, b2.mV
    b2.defaultclock.dt = 0.1 * ms
    N, Ne = 4000, 3200
    ns = dict(taum=20 * ms, taue=5 * ms, taui=10 * ms, Vt=-50 * mV, Vr=-60 * mV,
              El=-49 * mV, we=1.62 * mV, wi=-9 * mV, taupre=20 * ms, taupost=20 * ms,
              Ap=0.01, Am=0.0105)
    P = b2.NeuronGroup(N, """dv/dt = (ge + gi - (v - El)) / taum : volt (unless refractory)
                             dge/dt = -ge / taue : volt
                             dgi/dt = -gi / taui : volt""",
                       threshold="v > Vt", reset="v = Vr", refractory=5 * ms,
                       method="exact", namespace=ns)
    P.v = "Vr + rand() * (Vt - Vr)"
    E, I = P[:Ne], P[Ne:]
    ee = b2.Synapses(E, E, """w : volt
                              dapre/dt = -apre / taupre : 1 (event-driven)
                              dapost/dt = -apost / taupost : 1 (event-driven)""",
                     on_pre="""ge += w
                               apre += Ap
                               w = clip(w - apost * we, 0 * mV, 2 * we)""",
                     on_post="""apost += Am
                                w = clip(w + apre * we, 0 * mV, 2 * we)""", namespace=ns)
    ee.connect(p=0.02)
    ee.w = "we"
    ei = b2.Synapses(E, I, on_pre="ge += we", namespace=ns)
    ei.connect(p=0.02)
    ci = b2.Synapses(I, P, on_pre="gi += wi", namespace=ns)
    ci.connect(p=0.02)
    spikes = b2.SpikeMonitor(P, record=False)
    b2.run(T * b2.second)
    return lambda: {"spikes": int(spikes.num_spikes), "mean_w_mV": float(np.mean(ee.w / mV)),
                    "synapses": int(len(ee) + len(ei) + len(ci))}


def izhikevich(b2, T, seed):
    ms, second = b2.ms, b2.second
    b2.defaultclock.dt = 1 * ms
    N, Ne, n1, n2 = 1000, 800, 0, 400
    rng = np.random.default_rng(seed)
    # Excitatory neurons to 100 distinct targets among all (n1 among all but
    # n2), inhibitory ones to 100 distinct excitatory targets; and the
    # rewarded synapse n1 -> n2, starting at 0, as in the snn model.
    others = np.delete(np.arange(N), n2)
    post_e = np.concatenate([rng.choice(others if i == n1 else N, 100, replace=False)
                             for i in range(Ne)] + [[n2]])
    pre_e = np.concatenate([np.repeat(np.arange(Ne), 100), [n1]])
    pre_i = np.repeat(np.arange(Ne, N), 100)
    post_i = np.concatenate([rng.choice(Ne, 100, replace=False) for _ in range(N - Ne)])
    G = b2.NeuronGroup(N, """a : 1
                             d : 1
                             v : 1
                             u : 1
                             I_syn : 1
                             DA : 1
                             due : second (linked)""", threshold="v >= 30", reset="v = -65; u += d")
    G.a = np.where(np.arange(N) < Ne, 0.02, 0.1)
    G.d = np.where(np.arange(N) < Ne, 8.0, 2.0)
    G.v = -65
    G.u = -13
    # Euler in two half steps for v and u together (snnc's method
    # euler(substeps = 2)), with the input of this step: the noise and what
    # the synapses added in the previous step.
    G.run_regularly("""I = 13 * (rand() - 0.5) + I_syn
                       v0 = v
                       v += 0.5 * (0.04 * v0**2 + 5 * v0 + 140 - u + I)
                       u += 0.5 * a * (0.2 * v0 - u)
                       v1 = v
                       v += 0.5 * (0.04 * v1**2 + 5 * v1 + 140 - u + I)
                       u += 0.5 * a * (0.2 * v1 - u)
                       I_syn = 0""", when="groups")
    # Dopamine: one value, kept by every neuron (synapses read DA_pre), from
    # the reward time that D holds.
    D = b2.NeuronGroup(1, """last1 : second
                             due : second""")
    D.last1 = -1 * second
    D.due = -1 * second
    G.due = b2.linked_var(D, "due", index=np.zeros(N, dtype=int))
    G.run_regularly("DA = DA * 0.995 + 0.5 * int(abs(t - due) < 0.5 * ms)", when="end")
    decay = -1 * ms / np.log(0.95)
    ns = dict(taus=decay)
    exc = b2.Synapses(G, G, """w : 1
                               c : 1
                               dapre/dt = -apre / taus : 1 (event-driven)
                               dapost/dt = -apost / taus : 1 (event-driven)""",
                      on_pre="""I_syn_post += w
                                apre = 0.1
                                c -= 1.5 * apost""",
                      on_post="""apost = 0.1
                                 c += apre""", namespace=ns)
    exc.connect(i=pre_e, j=post_e)
    exc.w = np.concatenate([np.ones(len(pre_e) - 1), [0.0]])
    exc.run_regularly("""w = clip(w + (0.002 + DA_pre) * c, 0, 4)
                         c *= 0.99""", dt=10 * ms)
    inh = b2.Synapses(G, G, on_pre="I_syn_post -= 1")
    inh.connect(i=pre_i, j=post_i)
    # Rewards: n1's spikes are remembered; a spike of n2 less than 20 ms later
    # sets the time of a reward 1 to 3 s ahead (one pending reward at a time).
    r1 = b2.Synapses(G, D, on_pre="last1_post = t")
    r1.connect(i=n1, j=0)
    r2 = b2.Synapses(G, D, on_pre="""due_post = int(t - last1_post < 20 * ms and t > last1_post) * (t + (1 + 2 * rand()) * second) + int(not (t - last1_post < 20 * ms and t > last1_post)) * due_post""")
    r2.connect(i=n2, j=0)
    spikes = b2.SpikeMonitor(G, record=False)
    b2.run(T * second)
    return lambda: {"spikes": int(spikes.num_spikes), "w_n1_n2": float(exc.w[:][-1]),
                    "mean_w": float(np.mean(exc.w[:][:-1]))}


def main():
    model, T = sys.argv[1], float(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    t0 = time.perf_counter()
    import brian2 as b2
    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    if model == "song":
        from song2000_reference import song as run_song
        build = tempfile.mkdtemp(prefix="b2plastic-")
        w, spike_t, loop = run_song(seed, T, build)
        result = {"loop_s": loop, "spikes": int(len(spike_t)), "mean_w": float(np.mean(w))}
    else:
        build = device(b2, seed)
        collect = {"cuba_stdp": cuba_stdp, "izhikevich": izhikevich}[model](b2, T, seed)
        b2.device.build(directory=build, compile=True, run=True)
        result = {"loop_s": float(b2.device._last_run_time)}
        result.update(collect())
    result.update({"model": model, "T": T, "seed": seed, "import_s": t_import,
                   "total_s": time.perf_counter() - t0})
    shutil.rmtree(build, ignore_errors=True)
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
