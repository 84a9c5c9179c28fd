"""What Brian2 does with synaptic input that reaches a refractory neuron:
the reference for tests/models/check_refractory_input.py.

31 neurons spike at t = 0 (they start above threshold) and are refractory
for 2 ms; neuron k then gets one kick of 1 mV at k * 0.1 ms, k = 0 ... 30,
through three pathways: `v_post += 1*mV` with no delay, the same with a
0.5 ms delay, and `v_post += w` with a per-synapse weight.  Brian2 drops a
write to a variable marked `(unless refractory)` while its neuron is
refractory (the variable's conditional write), so the kicks that arrive
before 2 ms are lost and the later ones stay.  Writes v of every neuron at
3.9 ms (a StateMonitor at the start of the last step) for each pathway.

usage: /usr/bin/python3 refractory_input.py OUT_JSON
"""
import json
import sys

from brian2 import (NeuronGroup, SpikeGeneratorGroup, StateMonitor, Synapses, defaultclock,
                    mV, ms, prefs, run)

N = 31
prefs.codegen.target = "numpy"
defaultclock.dt = 0.1 * ms


def pathway(on_pre, delay=None, weight=False):
    G = NeuronGroup(N, "dv/dt = -v / (10*ms) : volt (unless refractory)", threshold="v > 10*mV",
                    reset="v = 0*mV", refractory=2 * ms, method="exact")
    G.v = 11 * mV
    kicks = SpikeGeneratorGroup(N, list(range(N)), [k * 0.1 for k in range(N)] * ms)
    S = Synapses(kicks, G, "w : volt" if weight else "", on_pre=on_pre)
    S.connect(j="i")
    if weight:
        S.w = 1 * mV
    if delay is not None:
        S.delay = delay
    M = StateMonitor(G, "v", record=True)
    return G, kicks, S, M


def main():
    from brian2 import Network
    result = {}
    for name, args in (("direct", ("v_post += 1*mV",)), ("delayed", ("v_post += 1*mV", 0.5 * ms)),
                       ("weighted", ("v_post += w", None, True))):
        objs = pathway(*args)
        net = Network(*objs)
        net.run(4 * ms)
        M = objs[-1]
        result[name] = [float(x) for x in M.v[:, -1] / mV]  # at 3.9 ms
    with open(sys.argv[1], "w") as f:
        json.dump({"source": "Brian2 %s, tests/reference/brian2/refractory_input.py" %
                   __import__("brian2").__version__, "t_ms": 3.9, "v_mV": result}, f, indent=1)


main()
