#!/usr/bin/python3
"""How long building a network takes, per rule, at 100,000 and 1,000,000 neurons.

Each rule connects one population of LIF neurons to itself with about 100
synapses per neuron (10^7 and 10^8 synapses), and the network-building
phase of summary.json is read (medians of --repeats runs of `snnc run`
for 0.1 ms, one thread).  Building is linear in the synapses made when the
time per synapse stays the same from 10^5 to 10^6 neurons: the last column
is that ratio (1.0: linear; a quadratic builder gives 10).

usage: network_build.py SNNC [--repeats K] [--sizes 100000,1000000]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

RULES = [
    ("fanin = 100", "fanin = 100"),
    ("fanout = 100", "fanout = 100"),
    ("p = 100 / N (constant p)", "p = 100.0 / %(n)d"),
    ("where abs(i - j) <= 50", "where abs(i - j) <= 50"),
    ("p = f(i, j), where band", "p = exp(-abs(i - j) / 100.0); where abs(i - j) < 100"),
    ("fanin = 100, where band", "fanin = 100; where abs(i - j) < 500"),
]


def build_time(snnc, rule, n, repeats):
    d = tempfile.mkdtemp(prefix="snnbuild-")
    path = os.path.join(d, "m.snn")
    with open(path, "w") as f:
        f.write('import "neurons/lif.snn"\nimport "synapses/static.snn"\n'
                "population A = LIF[%d]\nconnect A -> A via Static { %s }\nrun 0.1 ms\n"
                % (n, rule % {"n": n}))
    times, synapses = [], 0
    for _ in range(repeats):
        out = os.path.join(d, "out")
        r = subprocess.run([snnc, "run", path, "--quiet", "--out", out, "--threads", "1"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit("%s: %s" % (rule, r.stderr))
        with open(os.path.join(out, "summary.json")) as f:
            s = json.load(f)
        times.append(s["phases_s"]["network_build"])
        synapses = s["projections"][0]["synapses"]
    return statistics.median(times), synapses


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("snnc")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--sizes", default="100000,1000000")
    a = ap.parse_args()
    sizes = [int(x) for x in a.sizes.split(",")]
    print("| rule | " + " | ".join("%d neurons: synapses, build (s), ns per synapse" % n
                                   for n in sizes) + " | ns per synapse, largest / smallest |")
    print("|---|" + "---|" * (len(sizes) + 1))
    for name, rule in RULES:
        cells, per = [], []
        for n in sizes:
            t, syn = build_time(a.snnc, rule, n, a.repeats)
            per.append(t / syn * 1e9 if syn else float("nan"))
            cells.append("%.3g, %.3g, %.1f" % (syn, t, per[-1]))
        print("| %s | %s | %.2f |" % (name, " | ".join(cells), per[-1] / per[0]), flush=True)


if __name__ == "__main__":
    main()
