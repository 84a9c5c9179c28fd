"""Poisson sources at more than one spike per step (poisson_high_rate.snn).

At 20 kHz and dt = 0.1 ms a source's number of spikes per step must be
Poisson(2): mean and variance 2, and the frequencies of 0..6 spikes those of
the Poisson distribution (chi-square); before, it was exactly one a step.
A rate that varies in time does the same at its mean.  Every spike is
delivered: a counter neuron's trace is the running count of its source's
spikes.  At 5 kHz a source still fires at most once a step (mean 0.5).
Each high rate is warned about; 1 and 2 threads give the same spikes.

usage: check_poisson_rates.py SNNC REFERENCE_DIR
"""
import filecmp
import math
import os
import subprocess
import tempfile

import numpy as np

from snntest import check, main, model, run, snnc_path

DT, STEPS = 1e-4, 5000


def counts(t, i, size):
    """Spikes per (source, step)."""
    c = np.zeros((size, STEPS), dtype=np.int64)
    np.add.at(c, (i, np.round(t / DT).astype(np.int64)), 1)
    return c


def check_poisson(c, mean, what):
    m, v = c.mean(), c.var()
    n = c.size
    # sd of the sample mean sqrt(mean/n); of the variance about mean*sqrt(2/n)
    check(abs(m - mean) < 5 * math.sqrt(mean / n), "%s: mean %g per step, want %g", what, m,
          mean)
    check(abs(v - mean) < 6 * mean * math.sqrt(2.0 / n + 1.0 / (mean * n)),
          "%s: variance %g per step, want %g (Poisson)", what, v, mean)
    chi2 = 0.0
    for k in range(7):
        want = n * math.exp(-mean) * mean ** k / math.factorial(k)
        chi2 += (np.sum(c == k) - want) ** 2 / want
    check(chi2 < 30, "%s: chi-square %g over 0..6 spikes (7 cells)", what, chi2)


def test():
    snnc = snnc_path()
    out = tempfile.mkdtemp(prefix="snnpois-")
    cmd = [snnc, "run", model("poisson_high_rate.snn"), "--out", out, "--no-progress"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    check(r.returncode == 0, "run failed: %s", r.stderr)
    check("input 'hi': a rate of 20000 Hz is 2 spikes per step" in r.stderr and
          "input 'mid': a rate of 5000 Hz is 0.5 spikes per step" in r.stderr and
          "at most once a step" in r.stderr, "warnings: %s", r.stderr)
    res = run(snnc, model("poisson_high_rate.snn"), out=tempfile.mkdtemp(prefix="snnpois-"))
    hi = counts(*res.spikes("hi"), 400)
    check_poisson(hi, 2.0, "hi")
    check(hi.max() >= 6, "hi: at most %d spikes in a step", hi.max())
    vary = counts(*res.spikes("vary"), 400)
    steps = np.arange(STEPS) * DT
    rate = 2.0 * (1 + 0.5 * np.sin(2 * np.pi * steps / 0.1))
    m = vary.mean(axis=0)
    check(abs(m.mean() - rate.mean()) < 0.01, "vary: mean %g per step, want %g", m.mean(),
          rate.mean())
    # Per step, the count's variance over the 400 sources equals its mean (Poisson).
    ratio = vary.var(axis=0).sum() / m.sum()
    check(abs(ratio - 1) < 0.03, "vary: variance / mean = %g, want 1", ratio)
    mid = counts(*res.spikes("mid"), 400)
    check(mid.max() == 1 and abs(mid.mean() - 0.5) < 0.005, "mid: max %d, mean %g per step",
          mid.max(), mid.mean())

    # Delivery: the counters' traces are the running counts of their sources' spikes.
    v = res.npy("C_v")
    for col, c in ((0, hi[0]), (1, vary[0])):
        want = np.concatenate([[0], np.cumsum(c)[:-1]]) * 1.0
        # (mV summed in volts: rounding reaches 1e-9 mV; one spike is 1 mV)
        check(np.allclose(v[:, col], want, rtol=0, atol=1e-6),
              "counter %d: the trace is not the running count (%g against %g at the end)",
              col, v[-1, col], want[-1])

    two = run(snnc, model("poisson_high_rate.snn"), "--threads", "2",
              out=tempfile.mkdtemp(prefix="snnpois-"))
    for name in ("hi_spikes_t", "hi_spikes_i", "vary_spikes_i", "C_v"):
        check(filecmp.cmp(os.path.join(res.out, name + ".npy"), os.path.join(two.out, name + ".npy"),
                          shallow=False), "%s differs between 1 and 2 threads", name)


main(test)
