"""Brunel (2000), model A in the asynchronous irregular regime, in Brian2:
the reference for tests/models/check_brunel2000.py (examples/brunel2000.snn).

10,000 excitatory and 2,500 inhibitory LIF neurons (tau = 20 ms, theta =
20 mV, Vr = 10 mV, 2 ms refractory, v frozen while refractory); each has
exactly 1,000 excitatory inputs of J = 0.1 mV and 250 inhibitory ones of
-g J (g = 5), drawn without replacement, all with a 1.5 ms delay, and 1,000
external Poisson sources at 20 Hz as a PoissonInput of weight J.  Input to
a refractory neuron is dropped (Brian2's conditional write).  Runs 1 s with
dt = 0.1 ms (cpp_standalone) and prints one RESULT line: the mean rate of E
(Hz) and the mean ISI CV of the E neurons with at least 3 spikes.

usage: /usr/bin/python3 brunel2000.py SEED BUILD_DIR
"""
import json
import sys
import time

import numpy as np
from brian2 import (Network, NeuronGroup, PoissonInput, SpikeMonitor, Synapses, defaultclock,
                    Hz, mV, ms, second, seed, set_device)

SEED, BUILD = int(sys.argv[1]), sys.argv[2]
set_device("cpp_standalone", directory=BUILD)
seed(SEED)
defaultclock.dt = 0.1 * ms
J, G, NU_EXT = 0.1 * mV, 5, 20 * Hz
EQS = "dv/dt = -v / (20*ms) : volt (unless refractory)"


def group(n):
    return NeuronGroup(n, EQS, threshold="v > 20*mV", reset="v = 10*mV", refractory=2 * ms,
                       method="exact")


E, I = group(10000), group(2500)
rng = np.random.default_rng(SEED)
synapses = []
for tgt in (E, I):
    for src, k, w in ((E, 1000, J), (I, 250, -G * J)):
        S = Synapses(src, tgt, on_pre="v_post += %r*mV" % float(w / mV))
        pre = np.concatenate([rng.choice(len(src), size=k, replace=False)
                              for _ in range(len(tgt))])
        S.connect(i=pre, j=np.repeat(np.arange(len(tgt)), k))
        S.delay = 1.5 * ms
        synapses.append(S)
drives = [PoissonInput(tgt, "v", 1000, NU_EXT, weight=J) for tgt in (E, I)]
M = SpikeMonitor(E)
net = Network(E, I, M, *synapses, *drives)
t0 = time.time()
net.run(1 * second)
wall = time.time() - t0
t, i = np.asarray(M.t / second), np.asarray(M.i)
cvs = []
for n in range(10000):
    d = np.diff(t[i == n])
    if len(d) >= 2:
        cvs.append(d.std() / d.mean())
print("RESULT", json.dumps({"seed": SEED, "rate_hz": len(t) / 10000 / 1.0,
                            "cv": float(np.mean(cvs)), "wall_s": wall}))
