"""Modulators and reward rules (modulators.snn) against a second method.

The values of `dopamine` are recomputed in Python from the rules as the
language reference states them: each step M <- b + (M - b) exp(-dt / tau)
+ what the step added; the increments are those the rules imply for the
fixed spike trains (synapse code, a spike pair within its window given 5 ms
later, the spikes of VTA, every 100 ms).  The follower neuron P integrates
10 mV * dopamine exactly over each step.  Random rewards of `lottery` come
at the right rate, and its delayed rewards 10 to 30 ms after their spikes,
each drawn anew; the same seed repeats them and another does not.
"""
import math

import numpy as np

from snntest import check, main, model, run, snnc_path

DT = 1e-4
STEPS = 3000


def step_of(ms):
    return int(round(ms * 1e-3 / DT))


def expected_dopamine():
    add = np.zeros(STEPS)
    for ms in (10, 150):                 # synapse code: a spike of src[0]
        add[step_of(ms)] += 0.25
    for ms in (70, 80, 80):              # VTA: three spikes
        add[step_of(ms)] += 0.1
    # pairs: src[2] within 25 ms after the last src[1] (and not together):
    # 60 ms (20 ms after 40 ms) yes; 150 ms (30 ms after 120) no; 201 ms
    # (1 ms after 200) yes; each given 5 ms later.
    for ms in (60, 201):
        add[step_of(ms + 5)] += 0.5
    for k in range(1, STEPS + 1):        # every 100 ms: at the end of step 999, ...
        if k % 1000 == 0:
            add[k - 1] += 1
    decay, base = math.exp(-DT / 0.2), 0.01
    m = np.empty(STEPS)
    value = base
    for n in range(STEPS):
        m[n] = value
        value = base + (value - base) * decay + add[n]
    return m, add


def test():
    snnc = snnc_path()
    r = run(snnc, model("modulators.snn"))
    want, add = expected_dopamine()
    got = r.npy("dopamine")
    check(got.shape == (STEPS,), "dopamine samples: %s", got.shape)
    worst = np.max(np.abs(got - want))
    check(worst < 1e-12, "dopamine differs by %g (first at step %d)", worst,
          int(np.argmax(np.abs(got - want) > 1e-12)))
    rt, ra = r.npy("dopamine_rewards_t"), r.npy("dopamine_rewards")
    check(np.allclose(rt, [0.065, 0.0999, 0.1999, 0.206, 0.2999]) and
          np.allclose(ra, [0.5, 1, 1, 0.5, 1]), "dopamine rewards at %s: %s", rt, ra)
    # P follows 10 mV * dopamine, the modulator constant over each step.
    v, e = r.npy("P_v")[:, 0], math.exp(-DT / 0.01)
    ref = np.zeros(STEPS)
    for n in range(1, STEPS):
        ref[n] = 10 * want[n - 1] + (ref[n - 1] - 10 * want[n - 1]) * e
    check(np.max(np.abs(v - ref)) < 1e-9, "P.v differs by %g mV", np.max(np.abs(v - ref)))

    lt, la = r.npy("lottery_rewards_t"), r.npy("lottery_rewards")
    random = lt[la == 1]
    delayed = lt[la == 2]
    check(abs(len(random) - 6) <= 3 * math.sqrt(6) + 1, "%d random rewards in 0.3 s at 20 Hz",
          len(random))
    spikes = np.arange(5, 15) * 1e-3
    check(len(delayed) == 10, "%d delayed rewards, expected 10", len(delayed))
    gaps = np.sort(delayed) - spikes
    check(np.all(gaps >= 0.01 - 1e-9) and np.all(gaps <= 0.03 + 1e-9) and len(set(np.round(gaps, 4))) > 3,
          "delays %s", gaps)
    again = run(snnc, model("modulators.snn"))
    check(np.array_equal(again.npy("lottery_rewards_t"), lt), "the same seed gave other rewards")
    other = run(snnc, model("modulators.snn"), "--seed", "9")
    check(not np.array_equal(other.npy("lottery_rewards_t"), lt), "another seed gave the same")


main(test)
