"""Synaptic delays: each relay neuron fires on exactly the predicted step.

A spike of step n through a synapse with a delay of d steps is added to its
target at the start of step n + d + 1; a kick above threshold then makes
the target fire in that very step.  So along a chain s_(k+1) = s_k + d_k + 1.

Delays and kicks written with `dt` (delays_dt.snn) are checked at two time
steps: a delay of 5 dt is 5 steps at either, through bulk sums, per-synapse
delays and event code alike, and a kick of 150 mV * dt / ms still fires
each relay (15 mV or 7.5 mV against a 5 mV threshold).
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
    check_chains(r, chains, dt, 10)
    for dt in (1e-4, 5e-5):
        r = run(snnc, model("delays_dt.snn"), "--dt", "%gms" % (dt * 1e3))
        first = int(round(1e-3 / dt))
        s_in, _ = steps(r, "stim", dt)
        check(s_in == [first], "dt %g: the input fired at steps %s, expected [%d]", dt, s_in, first)
        check_chains(r, {"U": [5] * 5, "P": [3] + [2 * (k + 1) for k in range(4)],
                         "E": [5] * 5}, dt, first)


def check_chains(r, chains, dt, first):
    for pop, delays in chains.items():
        got, idx = steps(r, pop, dt)
        want, s = [], first
        for d in delays:
            s = s + d + 1
            want.append(s)
        check(idx == list(range(5)), "%s: neurons %s fired, expected 0..4 once each", pop, idx)
        check(got == want, "%s: spikes at steps %s, expected %s (dt %g)", pop, got, want, dt)


main(test)
