"""Song, Miller & Abbott (2000) in Brian2, over several seeds: the reference
that examples/song2000.snn is compared with (tests/models/check_song2000.py).

The model is Brian2's example synapses/STDP.py, written out here with the
parameters of examples/song2000.snn: 1000 Poisson inputs at 15 Hz onto one
conductance-based integrate-and-fire neuron (forward Euler, dt = 0.1 ms)
through additive all-to-all STDP, weights starting uniform in [0, gmax].
For each seed it records, after 100 s, the histogram of w / gmax (20 bins),
the fractions of weights within 10 % of 0 and of gmax, and the output rate
in 10 s bins.  The runs use the cpp_standalone device, so the same script
measures Brian2's simulation loop for bench/plasticity.py.

usage: /usr/bin/python3 song2000_reference.py OUT_JSON [SEEDS]
"""
import json
import os
import sys
import tempfile

import numpy as np

N = 1000
T_S = 100.0
SEEDS = (1, 2, 3, 4, 5)
BINS = 20


def song(seed, duration_s=T_S, build_dir=None):
    """One run; returns (w / gmax, output spike times in s, loop seconds)."""
    import brian2 as b2
    b2.device.reinit()
    b2.device.activate()
    b2.set_device("cpp_standalone", directory=build_dir or tempfile.mkdtemp(prefix="b2song-"),
                  build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = 0
    b2.start_scope()
    b2.seed(seed)
    ms, mV, Hz = b2.ms, b2.mV, b2.Hz
    b2.defaultclock.dt = 0.1 * ms
    taum, taupre, taupost, taue = 10 * ms, 20 * ms, 20 * ms, 5 * ms
    Ee, vt, vr, El = 0 * mV, -54 * mV, -60 * mV, -74 * mV
    gmax, dApre = 0.01, 0.01
    dApost = -dApre * taupre / taupost * 1.05
    dApost *= gmax
    dApre *= gmax
    inputs = b2.PoissonGroup(N, rates=15 * Hz)
    neuron = b2.NeuronGroup(1, """dv/dt = (ge * (Ee - v) + El - v) / taum : volt
                                  dge/dt = -ge / taue : 1""",
                            threshold="v > vt", reset="v = vr", method="euler")
    neuron.v = vr
    syn = b2.Synapses(inputs, neuron,
                      """w : 1
                         dApre/dt = -Apre / taupre : 1 (event-driven)
                         dApost/dt = -Apost / taupost : 1 (event-driven)""",
                      on_pre="""ge += w
                                Apre += dApre
                                w = clip(w + Apost, 0, gmax)""",
                      on_post="""Apost += dApost
                                 w = clip(w + Apre, 0, gmax)""")
    syn.connect()
    syn.w = "rand() * gmax"
    spikes = b2.SpikeMonitor(neuron)
    b2.run(duration_s * b2.second, profile=False)
    b2.device.build(run=True, compile=True)
    loop = float(b2.device._last_run_time)
    w = np.array(syn.w[:]) / gmax
    t = np.array(spikes.t / b2.second)
    b2.device.reinit()
    return w, t, loop


def summary(w, t, duration_s=T_S):
    hist, _ = np.histogram(w, bins=BINS, range=(0.0, 1.0))
    rate, _ = np.histogram(t, bins=int(duration_s / 10), range=(0.0, duration_s))
    return {
        "hist": [int(h) for h in hist],
        "near_zero": float(np.mean(w < 0.1)),
        "near_max": float(np.mean(w > 0.9)),
        "mean_w": float(np.mean(w)),
        "rate_10s_hz": [float(r) / 10.0 for r in rate],
    }


def main():
    out = sys.argv[1]
    seeds = [int(s) for s in sys.argv[2].split(",")] if len(sys.argv) > 2 else SEEDS
    runs = {}
    for s in seeds:
        w, t, loop = song(s)
        runs[str(s)] = summary(w, t)
        print("seed %d: near 0 %.3f, near max %.3f, last rate %.2f Hz, loop %.2f s" % (
            s, runs[str(s)]["near_zero"], runs[str(s)]["near_max"],
            runs[str(s)]["rate_10s_hz"][-1], loop))
    doc = {"model": "Song, Miller & Abbott (2000), Brian2 example synapses/STDP.py",
           "brian2": __import__("brian2").__version__, "duration_s": T_S, "bins": BINS,
           "runs": runs}
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)


if __name__ == "__main__":
    main()
