"""Song, Miller & Abbott (2000): examples/song2000.snn against Brian2.

1000 Poisson inputs at 15 Hz onto one integrate-and-fire neuron through
additive STDP, 100 s, five seeds here; the reference is Brian2 2.5 running
the same model (tests/reference/brian2/song2000_reference.py) over its own
seeds, in brian2_song2000.json.  The runs are random, so what must agree are
the distributions:

- in every seed the weights end bimodal: the first and the last of 20 bins
  of w / wmax each hold more than twice as many weights as the middle bins
  on average (Brian2's runs hold three to five times as many);
- the fractions of weights within 10 % of 0 and of wmax, averaged over the
  seeds, agree with Brian2's to 0.03; the mean histograms differ by less
  than 0.06 in total variation;
- the output rate settles: in every seed it falls from the first 10 s to
  the last 10 s, and the mean rate of the last 10 s agrees with Brian2's
  within four standard errors of the difference of the two means.

And exactly: the same neuron and rule driven by fixed spike trains
(song2000_fixed.snn, generated with Brian2's results by
tests/reference/brian2/song2000_fixed.py) give Brian2's output spike times
and every final weight to 1e-9 relative.
"""
import json
import os

import numpy as np

from snntest import check, main, model, reference_dir, run, snnc_path

SEEDS = (1, 2, 3, 4, 5)
BINS = 20


def summary(r):
    w = r.npy("Inputs-Out_w")[-1]
    t = r.npy("Out_spikes_t")
    check(abs(r.npy("Inputs-Out_w_t")[-1] - 100.0) < 1e-9, "the last weights are not at 100 s")
    hist, _ = np.histogram(w, bins=BINS, range=(0.0, 1.0))
    rate, _ = np.histogram(t, bins=10, range=(0.0, 100.0))
    return {"hist": hist, "near_zero": np.mean(w < 0.1), "near_max": np.mean(w > 0.9),
            "rate_10s_hz": rate / 10.0}


def bimodal(hist):
    middle = np.mean(hist[5:15])
    return min(hist[0], hist[-1]) / middle


def check_fixed_trains(snnc):
    with open(os.path.join(reference_dir(), "brian2_song2000_fixed.json")) as f:
        ref = json.load(f)
    r = run(snnc, model("song2000_fixed.snn"))
    t, want_t = r.npy("Out_spikes_t"), np.array(ref["spikes_s"])
    check(len(t) == len(want_t) and len(t) > 20 and np.allclose(t, want_t, rtol=0, atol=1e-9),
          "fixed trains: %d output spikes, Brian2 %d; first difference near %s", len(t),
          len(want_t), t[:len(want_t)][np.abs(t[:len(want_t)] - want_t[:len(t)]) > 1e-9][:1])
    w, want_w = r.npy("Inputs-Out_w")[-1], np.array(ref["w_over_gmax"])
    worst = np.max(np.abs(w - want_w) / np.maximum(np.abs(want_w), 1e-300))
    check(worst < 1e-9, "fixed trains: weights differ from Brian2's by %g relative", worst)
    check(np.ptp(w - r.npy("Inputs-Out_w")[0]) > 1e-3, "fixed trains: the weights hardly move")


def test():
    snnc = snnc_path()
    check_fixed_trains(snnc)
    with open(os.path.join(reference_dir(), "brian2_song2000.json")) as f:
        ref = [dict(v, hist=np.array(v["hist"]), rate_10s_hz=np.array(v["rate_10s_hz"]))
               for v in json.load(f)["runs"].values()]
    ours = [summary(run(snnc, model("song2000.snn"), "--seed", s)) for s in SEEDS]
    for s, o in zip(SEEDS, ours):
        check(bimodal(o["hist"]) > 2, "seed %d: not bimodal: %s", s, o["hist"])
        check(o["rate_10s_hz"][-1] < o["rate_10s_hz"][0],
              "seed %d: the rate does not settle: %s", s, o["rate_10s_hz"])
    for b in ref:
        assert bimodal(b["hist"]) > 2, "the Brian2 reference itself is not bimodal"
    for key in ("near_zero", "near_max"):
        mine, theirs = np.mean([o[key] for o in ours]), np.mean([b[key] for b in ref])
        check(abs(mine - theirs) < 0.03, "%s: %.3f, Brian2 %.3f", key, mine, theirs)
    h1 = np.mean([o["hist"] / o["hist"].sum() for o in ours], axis=0)
    h2 = np.mean([b["hist"] / b["hist"].sum() for b in ref], axis=0)
    tv = 0.5 * np.abs(h1 - h2).sum()
    check(tv < 0.06, "histograms differ by %.3f in total variation:\n%s\n%s", tv, h1, h2)
    last = np.array([o["rate_10s_hz"][-1] for o in ours])
    last_ref = np.array([b["rate_10s_hz"][-1] for b in ref])
    se = np.sqrt(last.var(ddof=1) / len(last) + last_ref.var(ddof=1) / len(last_ref))
    check(abs(last.mean() - last_ref.mean()) < 4 * se,
          "rate of the last 10 s: %.2f Hz, Brian2 %.2f Hz (standard error %.2f)",
          last.mean(), last_ref.mean(), se)
    print("near 0: %.3f (Brian2 %.3f), near wmax: %.3f (%.3f), last rate %.1f Hz (%.1f), "
          "total variation %.3f" % (np.mean([o["near_zero"] for o in ours]),
                                    np.mean([b["near_zero"] for b in ref]),
                                    np.mean([o["near_max"] for o in ours]),
                                    np.mean([b["near_max"] for b in ref]), last.mean(),
                                    last_ref.mean(), tv))


main(test)
