"""poisson_input: n independent Poisson sources onto every neuron, without synapses.

poisson_drive.snn counts what neurons receive.  After S steps a neuron of
Small holds a Binomial(100 S, 50 Hz * 0.1 ms) count (the inversion path), a
neuron of Large 0.5 times a Binomial(100000 S, 100 Hz * 0.1 ms) count (the
rejection path): the population mean and variance must match those of the
binomial within 5 standard errors.  Frozen is refractory from its spike at
step 0 on: what its drive sends afterwards is dropped, so its values stay
those after step 0.  Two threads give the same file byte for byte.  A rate
that gives one source more than one event per step is refused at run time.
"""
import math
import os

import numpy as np

from snntest import check, main, model, run, snnc_path

DT = 1e-4


def moments(v, n, p, w, what):
    mean, var = n * p * w, n * p * (1 - p) * w * w
    got_mean, got_var = v.mean(), v.var()
    se_mean = math.sqrt(var / len(v))
    se_var = var * math.sqrt(2.0 / (len(v) - 1))
    check(abs(got_mean - mean) < 5 * se_mean, "%s: mean %.6g, expected %.6g (se %.3g)",
          what, got_mean, mean, se_mean)
    check(abs(got_var - var) < 5 * se_var, "%s: variance %.6g, expected %.6g (se %.3g)",
          what, got_var, var, se_var)


def refused(snnc):
    r = run(snnc, model("poisson_drive_fast.snn"), expect_fail=True)
    check("poisson_input 'Drive'" in r.stderr and "more than one" in r.stderr,
          "a rate of 2 events per step per source: %s", r.stderr)


def test():
    snnc = snnc_path()
    r = run(snnc, model("poisson_drive.snn"), "--threads", "1")
    t = r.npy("Small_v_t")
    for k in range(1, len(t)):
        steps = int(round(t[k] / DT))
        moments(r.npy("Small_v")[k], 100 * steps, 50 * DT, 1.0, "Small after %d steps" % steps)
        moments(r.npy("Large_v")[k], 100000 * steps, 100 * DT, 0.5,
                "Large after %d steps" % steps)
    frozen = r.npy("Frozen_v")
    check(np.array_equal(frozen[1], frozen[-1]) and frozen[1].sum() > 0,
          "Frozen got input while refractory: %s -> %s", frozen[1][:8], frozen[-1][:8])
    r2 = run(snnc, model("poisson_drive.snn"), "--threads", "2")
    for pop in ("Small", "Large", "Frozen"):
        a = open(os.path.join(r.out, pop + "_v.npy"), "rb").read()
        b = open(os.path.join(r2.out, pop + "_v.npy"), "rb").read()
        check(a == b, "%s differs between 1 and 2 threads", pop)
    refused(snnc)


main(test)
