"""Synaptic delays: each relay neuron fires on exactly the predicted step.

A spike of step n through a synapse with a delay of d steps is added to its
target at the start of step n + d + 1; a kick above threshold then makes
the target fire in that very step.  So along a chain s_(k+1) = s_k + d_k + 1.
"""
import numpy as np

from snntest import check, main, model, run, snnc_path


def steps(r, pop, dt):
    t, i = r.spikes(pop)
    order = np.argsort(i)
    return [int(round(x / dt)) for x in t[order]], list(i[order])


def test():
    snnc = snnc_path()
    dt = 1e-4
    r = run(snnc, model("delays.snn"))
    s_in, _ = steps(r, "stim", dt)
    check(s_in == [10], "the input fired at steps %s, expected [10]", s_in)
    chains = {
        "D": [3] + [5 * (k + 1) for k in range(4)],  # 0.3 ms, then (i + 1) * 0.5 ms
        "C": [20] * 5,                                 # 2 ms everywhere
        "Z": [0] * 5,                                  # no delay
    }
    for pop, delays in chains.items():
        got, idx = steps(r, pop, dt)
        want, s = [], 10
        for d in delays:
            s = s + d + 1
            want.append(s)
        check(idx == list(range(5)), "%s: neurons %s fired, expected 0..4 once each", pop, idx)
        check(got == want, "%s: spikes at steps %s, expected %s", pop, got, want)


main(test)
