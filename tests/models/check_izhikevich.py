"""Izhikevich (2003) regular-spiking, fast-spiking and chattering neurons.

- RS: first five spike times equal the reference (Brian2, euler and rk4, at
  dt = 0.1 ms and 0.01 ms, single_neurons.json);
- FS and CH: first spike times equal those of an independent Python
  integration of the same scheme, and the firing patterns have the shapes
  of the paper: FS fires fast without adaptation, CH fires in bursts.
"""
import json
import os

import numpy as np

from snntest import check, main, model, reference_dir, run, snnc_path


def python_euler(a, b, c, d, I, dt_ms, T_ms):
    """Simultaneous forward Euler in the paper's units (mV, ms)."""
    v, u, spikes = -65.0, b * -65.0, []
    for n in range(int(round(T_ms / dt_ms))):
        dv = 0.04 * v * v + 5 * v + 140 - u + I
        du = a * (b * v - u)
        v, u = v + dt_ms * dv, u + dt_ms * du
        if v >= 30:
            spikes.append(n * dt_ms)
            v, u = c, u + d
    return np.array(spikes)


def isis(t):
    return np.diff(t)


def test():
    snnc = snnc_path()
    with open(os.path.join(reference_dir(), "single_neurons.json")) as f:
        ref = json.load(f)["izhikevich_rs"]["results"]
    for dt in (0.1, 0.01):
        r = run(snnc, model("izhikevich.snn"), "--dt", "%gms" % dt)
        for pop, key in (("RS", "brian2_euler_dt_%gms"), ("RS4", "brian2_rk4_dt_%gms")):
            t, _ = r.spikes(pop)
            want = ref[key % dt]["first5_spike_times_ms"]
            check(len(t) == 5, "%s at dt %g ms: %d spikes in 200 ms, expected 5", pop, dt, len(t))
            check(np.allclose(t[:5] * 1e3, want, atol=1e-6), "%s at dt %g ms: spikes %s ms, "
                  "reference %s", pop, dt, list(np.round(t * 1e3, 4)), want)
        for pop, (a, b, c, d) in (("FS", (0.1, 0.2, -65, 2)), ("CH", (0.02, 0.2, -50, 2))):
            t, _ = r.spikes(pop)
            want = python_euler(a, b, c, d, 10, dt, 200)
            n = min(10, len(want))
            check(len(t) == len(want) and np.allclose(t[:n] * 1e3, want[:n], atol=1e-6),
                  "%s at dt %g ms: spikes %s ms, independent integration %s", pop, dt,
                  list(np.round(t[:n] * 1e3, 3)), list(np.round(want[:n], 3)))
    r = run(snnc, model("izhikevich.snn"), "--dt", "0.1ms")
    rs, fs, ch = (r.spikes(p)[0] * 1e3 for p in ("RS", "FS", "CH"))
    # Regular spiking adapts: the intervals grow.
    check(isis(rs)[0] < isis(rs)[-1], "RS intervals do not grow: %s", list(isis(rs)))
    # Fast spiking: many spikes, intervals nearly constant after the first.
    fi = isis(fs)[1:]
    check(len(fs) > 3 * len(rs) and fi.std() / fi.mean() < 0.1,
          "FS is not fast tonic spiking: %d spikes, intervals %s", len(fs), list(fi))
    # Chattering: short intervals inside bursts, long ones between.
    ci = isis(ch)
    check(ci.min() < 10 and ci.max() > 20 and (ci < 10).sum() >= len(ci) / 2,
          "CH does not burst: intervals %s ms", list(np.round(ci, 2)))


main(test)
