#!/usr/bin/python3
"""Plasticity benchmarks: snnc against Brian2 2.5 (cpp_standalone), side by side.

Measures, on this machine, in one run, one thread each:
  1. Song, Miller & Abbott 2000 (examples/song2000.snn), 100 s simulated;
  2. CUBA with STDP on E -> E (tests/bench/cuba_stdp.snn), 4000 neurons, 10 s;
  3. Izhikevich 2007 (examples/izhikevich2007.snn), 600 s simulated, and one
     hour of snnc alone against the budget of 3 minutes of wall time;
  4. memory: bytes per synapse of every plastic projection, in double and in
     single precision.
The Brian2 side is tests/bench/brian2_plasticity.py (the same models).  The
simulation loop is compared: snnc's `simulate` phase against Brian2's own
measurement of its loop.  Runs of the two alternate, and every figure is a
median (the machine is shared).  Prints Markdown tables and writes the raw
numbers to bench-plasticity.json.

usage: plasticity.py SNNC [--quick] [--no-brian2]
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from run import machine, table  # noqa: E402  (the machine and tables as bench/run.py gives them)
BRIAN2 = os.path.join(HERE, "brian2_plasticity.py")

CASES = [  # name, snnc model, Brian2 model, simulated seconds
    ("Song 2000", os.path.join(ROOT, "examples", "song2000.snn"), "song", 100.0),
    ("CUBA + STDP", os.path.join(HERE, "cuba_stdp.snn"), "cuba_stdp", 10.0),
    ("Izhikevich 2007", os.path.join(ROOT, "examples", "izhikevich2007.snn"), "izhikevich", 600.0),
]


def run_snnc(snnc, path, T, seed, extra=()):
    out = tempfile.mkdtemp(prefix="snnbench-")
    r = subprocess.run([snnc, "run", path, "--quiet", "--out", out, "--duration", "%gs" % T,
                        "--seed", str(seed), "--threads", "1"] + list(extra),
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("snnc failed: " + r.stderr)
    with open(os.path.join(out, "summary.json")) as f:
        s = json.load(f)
    subprocess.run(["rm", "-rf", out])
    return {"simulate": s["phases_s"]["simulate"],
            "spikes": sum(p["spikes"] for p in s["populations"]),
            "projections": s["projections"]}


def run_brian2(model, T, seed):
    r = subprocess.run(["/usr/bin/python3", BRIAN2, model, str(T), str(seed)],
                       capture_output=True, text=True)
    line = [l for l in r.stdout.splitlines() if l.startswith("RESULT ")]
    if r.returncode != 0 or not line:
        raise RuntimeError("Brian2 failed: " + r.stderr[-2000:])
    return json.loads(line[0][7:])


def single_precision(path, tmp):
    """The model with `precision single` as its first line."""
    out = os.path.join(tmp, "single_" + os.path.basename(path))
    with open(path) as f, open(out, "w") as g:
        g.write("precision single\n" + f.read())
    return out


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    snnc = sys.argv[1]
    quick = "--quick" in sys.argv
    with_brian2 = "--no-brian2" not in sys.argv
    reps_snnc, reps_brian = (2, 1) if quick else (5, 3)
    tmp = tempfile.mkdtemp(prefix="snnbench-plastic-")
    results = {"machine": machine(), "cases": []}
    print("machine:", results["machine"], flush=True)

    rows = []
    for name, path, b2model, T in CASES:
        ours, theirs = [], []
        for k in range(max(reps_snnc, reps_brian)):
            if k < reps_snnc:
                ours.append(run_snnc(snnc, path, T, seed=k + 1))
            if with_brian2 and k < reps_brian:
                theirs.append(run_brian2(b2model, T, seed=k + 1))
        sim = statistics.median(r["simulate"] for r in ours)
        row = [name, "%g s" % T, "%.3f" % sim]
        case = {"name": name, "T": T, "snnc": ours, "brian2": theirs}
        if theirs:
            loop = statistics.median(r["loop_s"] for r in theirs)
            row += ["%.3f" % loop, "**%.1fx**" % (loop / sim)]
        rows.append(row)
        results["cases"].append(case)
        print(name, row, flush=True)
    header = ["model", "simulated", "snnc loop (s)"]
    if with_brian2:
        header += ["Brian2 loop (s)", "ratio"]
    text = ["## Plastic networks, one thread\n", table(rows, header)]

    # One hour of Izhikevich 2007 against the budget of 3 minutes.
    hour = [run_snnc(snnc, CASES[2][1], 3600.0, seed=k + 1) for k in range(1 if quick else 2)]
    results["hour"] = hour
    per_hour = statistics.median(r["simulate"] for r in hour)
    text += ["\n## Izhikevich 2007, one hour of simulated time\n",
             table([["%.1f s" % per_hour, "%.1fx" % (180.0 / per_hour)]],
                   ["snnc loop", "margin on the 3-minute budget"])]
    print("hour", per_hour, flush=True)

    # Memory per synapse of the plastic projections.
    rows = []
    for name, path, _, _ in CASES:
        for precision, model in (("double", path), ("single", single_precision(path, tmp))):
            r = run_snnc(snnc, model, 0.01, seed=1)
            for p in r["projections"]:
                if p["synapses"] < 100:
                    continue
                rows.append([name, p["name"], precision, p["synapses"],
                             "%.2f" % p["synapse_bytes_per_synapse"],
                             "%.2f" % p["bytes_per_synapse"]])
    results["memory"] = rows
    text += ["\n## Bytes per synapse\n",
             table(rows, ["model", "projection", "precision", "synapses", "per synapse",
                          "with per-neuron data"])]

    with open("bench-plasticity.json", "w") as f:
        json.dump(results, f, indent=1)
    print("\n" + "\n".join(text))


if __name__ == "__main__":
    main()
