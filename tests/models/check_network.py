"""CUBA and COBA networks against the Brian2 reference statistics.

For each model and duration (1 s and 10 s), several seeds are run; every
statistic of every run must fall inside the reference band (min - 3 sd,
max + 3 sd over Brian2's 12 seeds), and the mean over our seeds must lie
within 4 standard errors of Brian2's mean (sd * sqrt(1/k + 1/12), as the
reference README prescribes).  The statistics follow the reference
definitions exactly (window [100 ms, T), E = neurons 0..3199, I = 3200..3999).
Also: the same seed gives byte-identical spikes with 1 and 2 threads and on
a second run.

usage: check_network.py SNNC REFERENCE_DIR MODEL (cuba or coba)
"""
import filecmp
import json
import math
import os
import sys

import numpy as np

from snntest import check, main, model, reference_dir, run, snnc_path

NE, NI = 3200, 800
N = NE + NI
SEEDS = {1.0: [101, 102, 103], 10.0: [1, 2, 3]}
# Statistics compared in every run; Fano only on 10 s runs (the 1 s band is
# uninformative, as the reference README notes).
STATS = ["rate_E_hz", "rate_I_hz", "rate_all_hz", "cv_isi", "cv_isi_E", "cv_isi_I",
         "silent_frac", "silent_frac_E", "silent_frac_I", "n_cv_neurons", "spikes_window",
         "synapses", "synapses_E", "synapses_I"]
MEAN_CHECKED = ["rate_E_hz", "rate_I_hz", "cv_isi"]


def cv_of(trains):
    cvs = []
    for t in trains:
        if len(t) >= 3:
            isi = np.diff(t)
            cvs.append(isi.std() / isi.mean())
    return cvs


def statistics(r, T):
    te, ie = r.spikes("E")
    ti, ii = r.spikes("I")
    t = np.concatenate([te, ti])
    i = np.concatenate([ie, ii.astype(np.int64) + NE])
    keep = (t >= 0.1 - 1e-9) & (t < T - 1e-9)
    t, i = t[keep], i[keep]
    window = T - 0.1
    counts = np.bincount(i, minlength=N)
    trains = [np.sort(t[i == k]) for k in range(N)]
    cv_all, cv_e, cv_i = cv_of(trains), cv_of(trains[:NE]), cv_of(trains[NE:])
    nbins = int(round(window / 0.01))
    hist = np.histogram(t, bins=nbins, range=(0.1, 0.1 + nbins * 0.01))[0]
    syn = {p["name"]: p["synapses"] for p in r.summary["projections"]}
    syn_e = syn["E -> E"] + syn["E -> I"]
    syn_i = syn["I -> E"] + syn["I -> I"]
    return {
        "rate_E_hz": counts[:NE].sum() / (NE * window),
        "rate_I_hz": counts[NE:].sum() / (NI * window),
        "rate_all_hz": counts.sum() / (N * window),
        "cv_isi": np.mean(cv_all), "cv_isi_E": np.mean(cv_e), "cv_isi_I": np.mean(cv_i),
        "n_cv_neurons": len(cv_all),
        "silent_frac": np.mean(counts == 0), "silent_frac_E": np.mean(counts[:NE] == 0),
        "silent_frac_I": np.mean(counts[NE:] == 0),
        "fano_pop_10ms": hist.var() / hist.mean(),
        "spikes_window": len(t),
        "synapses": syn_e + syn_i, "synapses_E": syn_e, "synapses_I": syn_i,
    }


def check_determinism(snnc, path):
    a = run(snnc, path, "--seed", 7, "--duration", "300ms", "--threads", 1)
    b = run(snnc, path, "--seed", 7, "--duration", "300ms", "--threads", 2)
    c = run(snnc, path, "--seed", 7, "--duration", "300ms", "--threads", 1)
    for pop in ("E", "I"):
        for part in ("t", "i"):
            name = "%s_spikes_%s.npy" % (pop, part)
            check(filecmp.cmp(os.path.join(a.out, name), os.path.join(b.out, name), False),
                  "%s differs between 1 and 2 threads", name)
            check(filecmp.cmp(os.path.join(a.out, name), os.path.join(c.out, name), False),
                  "%s differs between two runs with the same seed", name)
    d = run(snnc, path, "--seed", 8, "--duration", "300ms")
    check(not filecmp.cmp(os.path.join(a.out, "E_spikes_i.npy"),
                          os.path.join(d.out, "E_spikes_i.npy"), False),
          "seeds 7 and 8 give the same spikes")


def test():
    snnc = snnc_path()
    name = sys.argv[3]
    path = model(name + ".snn")
    with open(os.path.join(reference_dir(), "brian2_cuba_coba.json")) as f:
        ref = json.load(f)["models"][name.upper()]
    for T, seeds in SEEDS.items():
        summary = ref["T_%ds" % T]["summary"]
        stats = [statistics(run(snnc, path, "--duration", "%gs" % T, "--seed", s), T)
                 for s in seeds]
        names = STATS + (["fano_pop_10ms"] if T == 10.0 else [])
        for s, st in zip(seeds, stats):
            for key in names:
                lo, hi = summary[key]["band"]
                check(lo <= st[key] <= hi, "%s T=%g s seed %d: %s = %.5g outside the band "
                      "[%.5g, %.5g]", name, T, s, key, st[key], lo, hi)
        for key in MEAN_CHECKED:
            mean = np.mean([st[key] for st in stats])
            sd = summary[key]["std"] * math.sqrt(1 / len(seeds) + 1 / 12)
            check(abs(mean - summary[key]["mean"]) <= 4 * sd, "%s T=%g s: mean %s over seeds "
                  "%s is %.5g, Brian2's is %.5g (sd of the difference %.3g)", name, T, key,
                  seeds, mean, summary[key]["mean"], sd)
        print("%s T=%g s:" % (name, T), {k: round(float(np.mean([st[k] for st in stats])), 4)
                                          for k in ("rate_E_hz", "rate_I_hz", "cv_isi",
                                                    "silent_frac", "fano_pop_10ms")})
    check_determinism(snnc, path)


main(test)
