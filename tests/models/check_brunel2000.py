"""Brunel (2000) in the asynchronous irregular regime against Brian2.

examples/brunel2000.snn runs for 1 s with two seeds; the mean rate of E and
the mean ISI CV of its neurons (those with at least 3 spikes) must lie in
the band of Brian2 2.5.1 running the same network (its script is
reference/brian2/brunel2000.py; the per-seed results are in
reference/brian2_brunel2000.json): the Brian2 mean +- 4 standard deviations
of its seeds, at least +- 1.5 % for the rate and +- 0.01 for the CV.  Before
input to refractory neurons was dropped, this model gave 38.1 Hz and a CV of
0.469, far outside both.

With the argument `short` (the sanitized build) one seed runs 300 ms and
only the rate is compared, within 10 %.

usage: check_brunel2000.py SNNC REFERENCE_DIR [short]
"""
import json
import os
import sys

import numpy as np

from snntest import check, main, model, reference_dir, run, snnc_path

NE = 10000


def statistics(r, duration):
    t, i = r.spikes("E")
    rate = len(t) / NE / duration
    order = np.lexsort((t, i))
    t, i = t[order], i[order]
    cvs = []
    starts = np.searchsorted(i, np.arange(NE + 1))
    for n in range(NE):
        d = np.diff(t[starts[n]:starts[n + 1]])
        if len(d) >= 2:
            cvs.append(d.std() / d.mean())
    return rate, float(np.mean(cvs))


def band(values, floor):
    m, sd = float(np.mean(values)), float(np.std(values, ddof=1))
    half = max(4 * sd, floor(m))
    return m - half, m + half


def test():
    snnc = snnc_path()
    with open(os.path.join(reference_dir(), "brian2_brunel2000.json")) as f:
        ref = json.load(f)
    rates = [row["rate_hz"] for row in ref["seeds"]]
    cvs = [row["cv"] for row in ref["seeds"]]
    check(len(rates) >= 4, "the reference has %d seeds", len(rates))
    if "short" in sys.argv[3:]:
        r = run(snnc, model("brunel2000.snn"), "--duration", "300ms", "--seed", "1")
        rate, _ = statistics(r, 0.3)
        m = float(np.mean(rates))
        check(abs(rate - m) < 0.1 * m, "E rate over 300 ms: %.2f Hz, Brian2 %.2f Hz", rate, m)
        return
    rate_band = band(rates, lambda m: 0.015 * m)
    cv_band = band(cvs, lambda m: 0.01)
    for seed in (1, 2):
        r = run(snnc, model("brunel2000.snn"), "--seed", seed)
        rate, cv = statistics(r, 1.0)
        check(rate_band[0] <= rate <= rate_band[1], "seed %d: E rate %.2f Hz outside Brian2's "
              "band %.2f .. %.2f Hz", seed, rate, *rate_band)
        check(cv_band[0] <= cv <= cv_band[1], "seed %d: ISI CV %.3f outside Brian2's band "
              "%.3f .. %.3f", seed, cv, *cv_band)
        print("seed %d: E %.2f Hz, CV %.3f (Brian2 %.2f +- %.2f Hz, CV %.3f +- %.3f)" % (
            seed, rate, cv, np.mean(rates), np.std(rates, ddof=1), np.mean(cvs),
            np.std(cvs, ddof=1)))


main(test)
