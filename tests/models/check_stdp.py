"""Spike-timing-dependent plasticity against independent references.

- The STDP window (stdp_window.snn): 41 isolated pre/post pairs, one per
  synapse, at dt = t_post - t_pre from -100 ms to +100 ms; each weight
  change is the analytic A+ exp(-dt / tau+) or -A- exp(dt / tau-) to 1e-12
  relative (the traces are solved exactly between events).
- Brian2 2.5 (the script and its numbers in tests/reference/): pair STDP
  (with and without a delay), triplet STDP, short-term plasticity (u and x
  kept per presynaptic neuron) and an eligibility-trace rule with an every
  block (c clock-driven and event-driven, one delay and delays per
  synapse), all to all, driven by fixed spike trains for 1 s; every
  weight agrees to 1e-9 relative, and the same with two threads.
- Feedback (stdp_feedback.snn): weights that decide the spikes give the
  same spikes and weights with two threads, and at the REPL with the model
  grown mid-run.
"""
import json
import math
import os
import shutil
import subprocess
import tempfile

import numpy as np

from snntest import check, main, model, reference_dir, run, snnc_path

AP, AM, TAU = 0.01, 0.0105, 20e-3


def check_window(snnc):
    r = run(snnc, model("stdp_window.snn"))
    t_pre, i_pre = r.spikes("pre")
    t_post, i_post = r.spikes("Q")
    pre, post = dict(zip(i_pre.tolist(), t_pre)), dict(zip(i_post.tolist(), t_post))
    check(sorted(pre) == list(range(41)) and sorted(post) == list(range(41)),
          "one spike per neuron: %d pre, %d post", len(t_pre), len(t_post))
    w, wi, wj = r.npy("pre-Q_w"), r.npy("pre-Q_w_i"), r.npy("pre-Q_w_j")
    check(np.array_equal(wi, wj) and np.all(w[0] == 0), "synapses %s", list(zip(wi, wj)))
    for col, k in enumerate(wi.tolist()):
        dt = post[k] - pre[k]
        want = AP * math.exp(-dt / TAU) if dt >= 0 else -AM * math.exp(dt / TAU)
        got = w[-1, col]
        check(abs(got - want) <= 1e-12 * abs(want), "dt = %g ms: dw = %r, expected %r",
              dt * 1e3, got, want)


def final_values(r, proj, var, at=1.0):
    """The values of every synapse at t = at (s): the sample taken then."""
    w, wi, wj = r.npy(proj + "_" + var), r.npy(proj + "_%s_i" % var), r.npy(proj + "_%s_j" % var)
    rows = np.nonzero(np.abs(r.npy(proj + "_%s_t" % var) - at) < 1e-9)[0]
    check(len(rows) == 1, "%s.%s: no sample at %g s", proj, var, at)
    return {(int(a), int(b)): x for a, b, x in zip(wi, wj, w[rows[0]])}


def check_brian2(snnc):
    with open(os.path.join(reference_dir(), "brian2_stdp.json")) as f:
        ref = json.load(f)
    cases = (("stdp_brian2_pair.snn", "pre-Q", "w", "pair"),
             ("stdp_brian2_pair.snn", "pre-R", "w", "pair_delay_2ms"),
             ("stdp_brian2_triplet.snn", "pre-Q", "w", "triplet"),
             ("stdp_brian2_stp.snn", "pre-Q", "eff", "stp_eff"),
             ("stdp_brian2_eligibility.snn", "pre-Q", "w", "eligibility"),
             ("stdp_brian2_eligibility.snn", "pre-R", "w", "eligibility_event"),
             ("stdp_brian2_eligibility.snn", "pre-S", "w", "eligibility_event_delays"),
             ("stdp_brian2_eligibility.snn", "pre-T", "w", "eligibility_delays"))
    runs = {}
    for name, proj, var, key in cases:
        for threads in ("1", "2"):
            if (name, threads) not in runs:
                runs[name, threads] = run(snnc, model(name), "--threads", threads)
            got = final_values(runs[name, threads], proj, var)
            want = {tuple(int(x) for x in k.split(",")): v for k, v in ref[key].items()}
            check(sorted(got) == sorted(want), "%s: synapses differ", key)
            worst = max(abs(got[k] - v) / abs(v) if v else abs(got[k]) for k, v in want.items())
            check(worst < 1e-9, "%s (%s threads): weights differ from Brian2's by %g relative",
                  key, threads, worst)
            start = 0 if var == "eff" else None
            moved = sum(1 for k, v in want.items()
                        if abs(v - (start if start is not None else (10 * k[0] + k[1]) / 200)) > 1e-3)
            check(moved > 100, "%s: only %d weights moved; the test would not see a wrong rule",
                  key, moved)


def check_feedback(snnc):
    """Weights that decide the spikes: the same with 2 threads, and at the
    REPL when the model grows mid-run (state carried into new code)."""
    one = run(snnc, model("stdp_feedback.snn"))
    two = run(snnc, model("stdp_feedback.snn"), "--threads", "2")
    for f in ("Out_spikes_t", "Out_spikes_i", "inputs-Out_w"):
        check(np.array_equal(one.npy(f), two.npy(f)), "%s differs with two threads", f)
    w = one.npy("inputs-Out_w")
    check(np.abs(w[-1] - w[0]).max() > 1e-4 and len(one.npy("Out_spikes_t")) > 50,
          "the weights or spikes hardly moved")
    work = tempfile.mkdtemp(prefix="snnrepl-")
    script = "run 200 ms\npopulation Extra = LIF[1]\nrun 300 ms\nsave saved\n"
    p = subprocess.run([snnc, "repl", model("stdp_feedback.snn")], input=script, cwd=work,
                       capture_output=True, text=True)
    check(p.returncode == 0, "REPL failed: %s", p.stderr)
    for f in ("Out_spikes_t", "Out_spikes_i"):
        got = np.load(os.path.join(work, "saved", f + ".npy"))
        check(np.array_equal(got, one.npy(f)), "%s differs at the REPL (%d against %d spikes)",
              f, len(got), len(one.npy(f)))
    shutil.rmtree(work)


def test():
    snnc = snnc_path()
    check_window(snnc)
    check_brian2(snnc)
    check_feedback(snnc)


main(test)
