"""Monitors bounded in time: start = T, stop = T.

monitor_window.snn records everything twice: once for the whole run and once
inside a window (some with a subset of neurons).  Each windowed file must be
exactly the part of the whole-run file that falls in [start, stop): spikes
by time and index, state samples on the grid start, start + every, ...;
rate bins that start at `start` (the last one cut at `stop`) and agree with
the spikes; synaptic values sampled in the window plus their values at
`stop`; modulator samples and rewards by time.  Bad windows are refused at
compile time, a window that is not on the grid of a --dt at run time, and a
window after the end of the run warns.

usage: check_monitor_window.py SNNC REFERENCE_DIR
"""
import os
import subprocess
import tempfile

import numpy as np

from snntest import check, main, model, run, snnc_path

DT = 1e-4


def steps(t):
    return np.round(np.asarray(t) / DT).astype(np.int64)


def in_window(t, start, stop):
    k = steps(t)
    return (k >= round(start / DT)) & (k < round(stop / DT))


def check_spikes(r, pop, lo, hi, start, stop):
    t, i = r.spikes(pop)
    tw, iw = r.npy(pop + "_spikes_2_t"), r.npy(pop + "_spikes_2_i")
    keep = in_window(t, start, stop) & (i >= lo) & (i < hi)
    check(keep.sum() > 20, "%s: too few spikes in the window (%d) to test", pop, keep.sum())
    check(np.array_equal(tw, t[keep]) and np.array_equal(iw, i[keep]),
          "%s: windowed spikes differ (%d against %d)", pop, len(tw), keep.sum())


def check_state(r, var, start, stop, cols):
    full, t = r.npy("Out_" + var), r.npy("Out_%s_t" % var)
    win, tw = r.npy("Out_%s_2" % var), r.npy("Out_%s_2_t" % var)
    k0, k1 = round(start / DT), round(stop / DT)
    want_t = np.arange(k0, k1, 5) * DT
    check(np.allclose(tw, want_t, rtol=0, atol=1e-12), "%s: sample times %s ... %s", var,
          tw[:3], tw[-3:])
    # Samples on the whole-run grid (every 0.5 ms from 0) where the two grids meet.
    kw, kf = steps(tw), steps(t)
    common = np.intersect1d(kw, kf)
    check(len(common) > 10, "%s: no common samples", var)
    a = win[np.searchsorted(kw, common)]
    b = full[np.searchsorted(kf, common)][:, cols]
    check(np.array_equal(a, b), "%s: windowed samples differ from the whole run's", var)


def check_rate(r, start, stop, bin_s, size):
    rate, t0 = r.npy("Out_rate_2"), r.npy("Out_rate_2_t")
    edges = np.arange(start, stop + 1e-12, bin_s)
    if edges[-1] < stop - 1e-12:
        edges = np.append(edges, stop)
    check(np.allclose(t0, edges[:-1], atol=1e-12), "rate: bin starts %s", t0)
    t, _ = r.spikes("Out")
    k = steps(t)
    for b in range(len(t0)):
        k0, k1 = round(edges[b] / DT), round(edges[b + 1] / DT)
        n = ((k >= k0) & (k < k1)).sum()
        want = n / (size * (k1 - k0) * DT)
        check(abs(rate[b] - want) < 1e-9, "rate bin %d: %g Hz, from the spikes %g Hz", b,
              rate[b], want)


def check_weights(r, start, stop):
    full, t = r.npy("In-Out_w"), r.npy("In-Out_w_t")
    win, tw = r.npy("In-Out_w_2"), r.npy("In-Out_w_2_t")
    want = list(np.arange(round(start / DT), round(stop / DT), 100)) + [round(stop / DT)]
    check(np.array_equal(steps(tw), np.array(want)), "weights: sample times %s", tw)
    kf = steps(t)
    for row, k in enumerate(want):
        if k in kf:
            check(np.array_equal(win[row], full[list(kf).index(k)]),
                  "weights at step %d differ", k)
    check(not np.array_equal(win[0], win[-1]), "weights did not change in the window")
    check(np.array_equal(r.npy("In-Out_w_2_i"), r.npy("In-Out_w_i")), "synapse order differs")


def check_modulator(r, start, end):
    v, t = r.npy("dopamine"), r.npy("dopamine_t")
    vw, tw = r.npy("dopamine_2"), r.npy("dopamine_2_t")
    keep = steps(t) >= round(start / DT)
    check(np.array_equal(tw, t[keep]) and np.array_equal(vw, v[keep]),
          "modulator: windowed samples differ")
    check(abs(tw[-1] - (end - 1e-3)) < 1e-9, "modulator: last sample at %g", tw[-1])
    a, ta = r.npy("dopamine_rewards"), r.npy("dopamine_rewards_t")
    aw, taw = r.npy("dopamine_rewards_2"), r.npy("dopamine_rewards_2_t")
    keep = in_window(ta, 0.1, 0.2)
    check(keep.sum() >= 2, "too few rewards in the window")
    check(np.array_equal(taw, ta[keep]) and np.array_equal(aw, a[keep]),
          "rewards: windowed ones differ")


def check_errors(snnc):
    work = tempfile.mkdtemp(prefix="snnwin-")
    base = ("neuron C {\n    state v : 1 = 0\n}\npopulation P = C[4]\n"
            "monitor %s\nrun 100 ms\n")
    bad = [("spikes(P, start = 50 ms, stop = 20 ms)", "stops (20 ms) before it starts (50 ms)"),
           ("spikes(P, start = -1 ms)", "'start' must be 0 or later"),
           ("state(P.v, stop = 0 ms)", "'stop' must be after 0"),
           ("rate(P, start = 1 mV)", "'start'"),
           ("spikes(P, start = 0.05 ms)", "not a whole number of time steps"),
           ("spikes(P, start = 1 ms, start = 2 ms)", "'start' is given twice")]
    for k, (mon, msg) in enumerate(bad):
        path = os.path.join(work, "bad%d.snn" % k)
        with open(path, "w") as f:
            f.write(base % mon)
        c = subprocess.run([snnc, "check", path], capture_output=True, text=True)
        check(c.returncode == 1 and msg in c.stderr and "bad%d.snn:5:" % k in c.stderr,
              "%s: exit %d, %s", mon, c.returncode, c.stderr)
    good = os.path.join(work, "good.snn")
    with open(good, "w") as f:
        f.write(base % "spikes(P, start = 50 ms)")
    # On the grid of 0.1 ms but not of 0.3 ms: refused by the run.
    r = run(snnc, good, "--dt", "0.3ms", expect_fail=True)
    check("start of 50 ms is not a whole number of time steps of 0.3 ms" in r.stderr,
          "--dt off the window: %s", r.stderr)
    out = tempfile.mkdtemp(prefix="snnwin-")
    r = subprocess.run([snnc, "run", good, "--duration", "20ms", "--out", out],
                       capture_output=True, text=True)
    check(r.returncode == 0 and "starts at 0.05 s, when the run (0.02 s) is over" in r.stderr,
          "late window: %d %s", r.returncode, r.stderr)


def test():
    snnc = snnc_path()
    r = run(snnc, model("monitor_window.snn"))
    check_spikes(r, "In", 5, 20, 0.1, 0.35)
    check_spikes(r, "Out", 2, 7, 0.1, 0.35)
    check_state(r, "v", 0.101, 0.35, slice(0, 10))
    check_state(r, "ge", 0.101, 0.35, slice(0, 3))
    check_rate(r, 0.11, 0.35, 0.02, 10)
    check_weights(r, 0.105, 0.3)
    check_modulator(r, 0.05, 0.5)
    check_errors(snnc)


main(test)
