"""LIF with constant drive against its closed-form solution.

- exact integration: every sample within 1e-9 relative of the analytic
  trajectory, and spikes on exactly the steps the time-step rule predicts
  from the analytic period (reference README, single_neurons.json);
- euler, rk2, rk4: errors at t = 40 ms shrink with dt at orders 1, 2, 4;
- a neuron with more linear equations than exact integration takes (33)
  runs with the integrator chosen next, exact for independent decays.
"""
import json
import math
import os

import numpy as np

from snntest import check, main, model, reference_dir, run, snnc_path

TAU, V_REST, RI, VT, VR, T_REF = 20e-3, -60e-3, 15e-3, -50e-3, -60e-3, 5e-3
V_INF = V_REST + RI


def analytic_trajectory(dt, nsamples, spike_steps):
    """v(t_n) in mV from the closed form, restarting after each spike."""
    ref_steps = round(T_REF / dt)
    v = np.empty(nsamples)
    start, v0 = 0, V_REST
    spikes = list(spike_steps)
    for n in range(nsamples):
        if spikes and n > spikes[0]:
            s = spikes.pop(0)
            start, v0 = s + ref_steps, VR   # integration resumes in step s + R
        if n <= start:
            v[n] = v0   # before the first step, or frozen while refractory
        else:
            v[n] = V_INF + (v0 - V_INF) * math.exp(-(n - start) * dt / TAU)
    return v * 1e3


def check_exact(snnc, dt):
    r = run(snnc, model("lif_const.snn"), "--dt", "%gms" % (dt * 1e3))
    t, _ = r.spikes("N")
    steps = np.rint(t / dt).astype(int)
    with open(os.path.join(reference_dir(), "single_neurons.json")) as f:
        ref = json.load(f)["lif"]
    t_c = ref["analytic"]["time_to_threshold_from_reset_ms"] * 1e-3
    first = math.ceil(t_c / dt) - 1
    isi = round(T_REF / dt) + math.ceil(t_c / dt) - 1
    want = [first + k * isi for k in range(len(steps))]
    check(len(steps) == 11, "dt %g ms: %d spikes, expected 11", dt * 1e3, len(steps))
    check(list(steps) == want, "dt %g ms: spike steps %s, expected %s", dt * 1e3,
          list(steps), want)
    brian = ref["brian2_exact"]["dt_%gms" % (dt * 1e3)]["spike_times_ms"]
    check(np.allclose(t * 1e3, brian, atol=1e-9), "dt %g ms: spike times %s differ from "
          "Brian2's %s", dt * 1e3, list(t * 1e3), brian)
    v = r.npy("N_v")[:, 0]
    expected = analytic_trajectory(dt, len(v), steps)
    rel = np.abs(v - expected) / np.abs(expected)
    worst = int(np.argmax(rel))
    check(rel.max() <= 1e-9, "dt %g ms: v(t_%d) = %.15g mV, analytic %.15g mV (relative "
          "error %.3g)", dt * 1e3, worst, v[worst], expected[worst], rel[worst])


def error_at_40ms(snnc, dt, pop):
    r = run(snnc, model("lif_methods.snn"), "--dt", "%gms" % (dt * 1e3))
    v = r.npy(pop + "_v")[:, 0]
    n = round(40e-3 / dt)
    exact = (V_INF + (V_REST - V_INF) * math.exp(-n * dt / TAU)) * 1e3
    return abs(v[n] - exact)


def check_order(snnc, pop, dts, order):
    errors = [error_at_40ms(snnc, dt, pop) for dt in dts]
    for k in range(len(dts) - 1):
        ratio = errors[k] / errors[k + 1]
        observed = math.log(ratio, dts[k] / dts[k + 1])
        check(abs(observed - order) < 0.2, "%s: errors %s at dt %s give order %.2f, expected "
              "%d", pop, errors, dts, observed, order)


def test():
    snnc = snnc_path()
    for dt in (1e-4, 1e-5):
        check_exact(snnc, dt)
    check(error_at_40ms(snnc, 1e-4, "A") < 1e-11, "exact method is not exact")
    check_order(snnc, "B", [4e-4, 2e-4, 1e-4], 1)
    check_order(snnc, "C", [1e-3, 5e-4, 2.5e-4], 2)
    check_order(snnc, "D", [4e-3, 2e-3, 1e-3], 4)
    check_many_linear(snnc)


def check_many_linear(snnc):
    r = run(snnc, model("many_linear.snn"))
    t = r.npy("P_x0_t")
    for k, name in ((0, "P_x0"), (32, "P_x32")):
        want = (k + 1) * np.exp(-t / ((k + 1) * 1e-3))
        got = r.npy(name)
        check(got.shape == (len(t), 2) and np.allclose(got, want[:, None], rtol=1e-12, atol=0),
              "%s: %s, expected %s", name, got[:3, 0], want[:3])


main(test)
