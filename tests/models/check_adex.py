"""AdEx (stdlib neurons/adex.snn) with the default integrator, rk4.

A Runge-Kutta stage that passes the spike cut evaluates the exponential
term far above threshold; with the cut at 0 mV it overflowed to inf and the
run stopped on a NaN at 11.8 ms.  The stages now see the spiking variable
at most at its threshold.  Checked against an independent reference: the
same equations by forward Euler at a 1 us step in Python.  The spike count
must agree and the times converge with the step (dt = 0.1 ms: within 2 ms
after 17 spikes and their adaptation; dt = 0.01 ms: within 0.1 ms); the
subthreshold trace before the first spike agrees to 0.05 mV.

usage: check_adex.py SNNC REFERENCE_DIR
"""
import math

import numpy as np

from snntest import check, main, model, run, snnc_path

C, GL, EL, VT, DT = 281e-12, 30e-9, -70.6e-3, -50.4e-3, 2e-3
TAU_W, A, B, V_RESET, I = 144e-3, 4e-9, 0.0805e-9, -70.6e-3, 1e-9


def reference(v_peak, duration=0.5, dt=1e-6):
    """Spike times and v at 0.1 ms intervals, by forward Euler."""
    v, w, spikes, trace = EL, 0.0, [], []
    every = int(round(1e-4 / dt))
    for k in range(int(round(duration / dt))):
        if k % every == 0:
            trace.append(v)
        dv = (-GL * (v - EL) + GL * DT * math.exp((v - VT) / DT) - w + I) / C
        dw = (A * (v - EL) - w) / TAU_W
        v += dt * dv
        w += dt * dw
        if v > v_peak:
            spikes.append((k + 1) * dt)
            v, w = V_RESET, w + B
    return np.array(spikes), np.array(trace)


def test():
    snnc = snnc_path()
    runs = {dt: run(snnc, model("adex.snn"), "--dt", dt) for dt in ("0.1ms", "0.01ms")}
    for pop, v_peak in (("Low", -40.4e-3), ("High", 0.0)):
        ref, ref_v = reference(v_peak)
        check(len(ref) > 10, "the reference fires %d times", len(ref))
        for dt, tol in (("0.1ms", 2e-3), ("0.01ms", 1e-4)):
            r = runs[dt]
            t, _ = r.spikes(pop)
            check(len(t) == len(ref), "%s at %s: %d spikes, the reference %d", pop, dt, len(t),
                  len(ref))
            err = np.max(np.abs(t - ref))
            check(err < tol, "%s at %s: spike times off by up to %.3g ms", pop, dt, err * 1e3)
            for var in ("v", "w"):
                x = r.npy("%s_%s" % (pop, var))
                check(np.all(np.isfinite(x)), "%s.%s at %s is not finite", pop, var, dt)
        v = runs["0.1ms"].npy(pop + "_v")[:, 0] * 1e-3
        first = int(ref[0] / 1e-4) - 5
        dev = np.max(np.abs(v[:first] - ref_v[:first]))
        check(dev < 5e-5, "%s: the trace before the first spike is off by %.3g mV", pop, dev * 1e3)


main(test)
