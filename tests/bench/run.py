#!/usr/bin/python3
"""Benchmarks: snnc against Brian2 2.5 (cpp_standalone), side by side.

Measures, on this machine, in one run:
  1. CUBA and COBA, 4000 neurons, 10 s: simulation wall time and end-to-end
     time (source file to results, compilation included), one thread each;
  2. a scale series at about 80 synapses per neuron (4,000, 40,000 and
     400,000 neurons): wall time per simulated second and bytes per synapse,
     with Brian2 at the sizes it manages, and snnc's 2-thread speedup;
  3. synaptic events per second against the machine's own limit for random
     scatter-adds (scatter_probe.c).
Every figure is the median of several repetitions (the machine is shared).
Prints Markdown tables and writes the raw numbers to bench-results.json.

usage: run.py SNNC SCATTER_PROBE [--quick] [--no-brian2]
"""
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BRIAN2_BENCH = os.path.join(ROOT, "..", "shared", "reference", "brian2", "bench")


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) / 1048576
    llvm = subprocess.run(["llvm-config", "--version"], capture_output=True,
                          text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem, 1),
            "kernel": platform.release(), "llvm": llvm}


def bench_model(kind, ne, ni, p, tmp):
    """The example model resized, recording spikes only (as Brian2's bench does)."""
    src = open(os.path.join(ROOT, "examples", kind + ".snn")).read()
    out, n = re.subn(r"\[3200\]", "[%d]" % ne, src)
    assert n == 1, "E size not found in %s" % kind
    out, n = re.subn(r"\[800\]", "[%d]" % ni, out)
    assert n == 1, "I size not found in %s" % kind
    out, n = re.subn(r"p = 0\.02", "p = %.10g" % p, out)
    assert n == 2, "connection probability not found in %s" % kind
    out = "\n".join(l for l in out.splitlines()
                    if not l.startswith("monitor ") or l.startswith("monitor spikes"))
    path = os.path.join(tmp, "%s_%d.snn" % (kind, ne + ni))
    with open(path, "w") as f:
        f.write(out + "\n")
    return path


def run_snnc(snnc, path, T, threads=1, seed=1, binary=None):
    """snnc run (or a native binary built from the model) and its summary."""
    out = tempfile.mkdtemp(prefix="snnbench-")
    t0 = time.perf_counter()
    env = dict(os.environ, SNNRT_PROFILE="1")
    cmd = [binary] if binary else [snnc, "run", path]
    r = subprocess.run(cmd + ["--quiet", "--out", out, "--duration", "%gs" % T,
                              "--seed", str(seed), "--threads", str(threads)],
                       capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        raise RuntimeError("snnc failed: " + r.stderr)
    with open(os.path.join(out, "summary.json")) as f:
        s = json.load(f)
    spikes = sum(p["spikes"] for p in s["populations"])
    synapses = sum(p["synapses"] for p in s["projections"])
    syn_bytes = sum(p["bytes"] for p in s["projections"])
    n = sum(p["neurons"] for p in s["populations"])
    ph = s["phases_s"]
    subprocess.run(["rm", "-rf", out])
    m = re.search(r"route ([0-9.]+) s", r.stderr)
    return {"wall": wall, "simulate": ph["simulate"], "build": ph["network_build"],
            "route": float(m.group(1)) if m else None,
            "compile": ph["parse"] + ph["check"] + ph["codegen"] + ph["jit"],
            "spikes": spikes, "synapses": synapses, "bytes_per_synapse": syn_bytes / synapses,
            "events": spikes * synapses / n, "rate_hz": spikes / (n * T)}


def run_brian2(kind, n, T, k=None):
    script = os.path.join(BRIAN2_BENCH, kind + ".py")
    args = ["/usr/bin/python3", script, "--target", "cpp_standalone", "--N", str(n),
            "--T", str(T)]
    if k:
        args += ["--k", str(k)]
    t0 = time.perf_counter()
    r = subprocess.run(args, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    line = [l for l in r.stdout.splitlines() if l.startswith("RESULT ")]
    if r.returncode != 0 or not line:
        raise RuntimeError("Brian2 failed: " + r.stderr[-2000:])
    res = json.loads(line[0][7:])
    res["process_wall"] = wall
    return res


def median_of(runs, key):
    return statistics.median(r[key] for r in runs)


def table(rows, header):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    snnc, probe = sys.argv[1], sys.argv[2]
    quick = "--quick" in sys.argv
    with_brian2 = "--no-brian2" not in sys.argv and os.path.exists(BRIAN2_BENCH)
    reps_snnc, reps_brian = (2, 1) if quick else (5, 3)
    tmp = tempfile.mkdtemp(prefix="snnbench-models-")
    results = {"machine": machine(), "cases": [], "scale": [], "probe": []}
    print("machine:", results["machine"], flush=True)

    # 1. CUBA and COBA, 4000 neurons, 10 s.
    rows = []
    for kind in ("cuba", "coba"):
        path = bench_model(kind, 3200, 800, 0.02, tmp)
        ours = [run_snnc(snnc, path, 10.0, seed=s + 1) for s in range(reps_snnc)]
        case = {"model": kind, "snnc": ours}
        row = [kind.upper(), "%.3f" % median_of(ours, "compile"), "%.3f" % median_of(ours, "simulate"),
               "%.3f" % median_of(ours, "wall")]
        if with_brian2:
            theirs = [run_brian2(kind, 4000, 10.0) for _ in range(reps_brian)]
            case["brian2"] = theirs
            loop, total = median_of(theirs, "loop_s"), median_of(theirs, "total_s")
            row += ["%.3f" % loop, "%.2f" % total,
                    "**%.1fx**" % (loop / median_of(ours, "simulate")),
                    "**%.0fx**" % (total / median_of(ours, "wall"))]
        results["cases"].append(case)
        rows.append(row)
        print(kind, row, flush=True)
    header = ["model", "snnc compile (s)", "snnc simulate (s)", "snnc end-to-end (s)"]
    if with_brian2:
        header += ["Brian2 loop (s)", "Brian2 total (s)", "simulate ratio", "end-to-end ratio"]
    text = ["## CUBA and COBA, 4000 neurons, 10 s, one thread\n", table(rows, header)]

    # 1b. The native binary against the JIT, on CUBA (alternating runs).
    path = bench_model("cuba", 3200, 800, 0.02, tmp)
    exe = os.path.join(tmp, "cuba_native")
    subprocess.run([snnc, "build", path, "-o", exe], check=True)
    jit, native = [], []
    for s in range(reps_snnc):
        jit.append(run_snnc(snnc, path, 10.0, seed=s + 1))
        native.append(run_snnc(snnc, path, 10.0, seed=s + 1, binary=exe))
    results["native"] = {"jit": jit, "native": native}
    ratio = median_of(jit, "simulate") / median_of(native, "simulate")
    text += ["\n## Native binary against the JIT, CUBA 10 s\n",
             table([["%.3f" % median_of(jit, "simulate"), "%.3f" % median_of(native, "simulate"),
                     "%.2f" % ratio, "%.3f" % median_of(native, "wall")]],
                   ["JIT simulate (s)", "native simulate (s)", "JIT / native",
                    "native end-to-end (s)"])]
    print("native", ratio, flush=True)

    # 2. Scale series at 80 synapses per neuron (CUBA dynamics).
    rows = []
    sizes = [(4000, 10.0), (40000, 2.0), (400000, 1.0)]
    for n, T in sizes:
        ne, ni = n * 4 // 5, n // 5
        path = bench_model("cuba", ne, ni, 80.0 / n, tmp)
        reps = 1 if n >= 400000 else max(1, reps_snnc // 2 + 1)
        one = [run_snnc(snnc, path, T, threads=1) for _ in range(reps)]
        two = [run_snnc(snnc, path, T, threads=2) for _ in range(reps)]
        entry = {"neurons": n, "T": T, "snnc_1": one, "snnc_2": two}
        per_s1 = median_of(one, "simulate") / T
        per_s2 = median_of(two, "simulate") / T
        row = [n, "%.3g" % median_of(one, "synapses"), "%.2f" % median_of(one, "bytes_per_synapse"),
               "%.1f" % median_of(one, "rate_hz"), "%.3f" % per_s1, "%.2fx" % (per_s1 / per_s2)]
        if with_brian2:
            try:
                b = [run_brian2("cuba", n, T, k=80) for _ in range(1 if n >= 40000 else reps_brian)]
                entry["brian2"] = b
                per_b = median_of(b, "loop_s") / T
                row += ["%.3f" % per_b, "**%.1fx**" % (per_b / per_s1)]
            except RuntimeError as e:
                row += ["failed", "-"]
                entry["brian2_error"] = str(e)[-300:]
        results["scale"].append(entry)
        rows.append(row)
        print("scale", row, flush=True)
    header = ["neurons", "synapses", "bytes/synapse", "rate (Hz)",
              "snnc s per simulated s", "2-thread speedup"]
    if with_brian2:
        header += ["Brian2 s per simulated s", "ratio"]
    text += ["\n## Scale series, 80 synapses per neuron\n", table(rows, header)]

    # 3. Synaptic events per second against the scatter-add limit.
    rows = []
    for n, T in sizes:
        p = subprocess.run([probe, str(n), "80", "1.0"], capture_output=True, text=True)
        limit = json.loads(p.stdout)["events_per_s"]
        entry = next(e for e in results["scale"] if e["neurons"] == n)
        loop = statistics.median(r["events"] / r["simulate"] for r in entry["snnc_1"])
        delivery = statistics.median(r["events"] / r["route"] for r in entry["snnc_1"])
        results["probe"].append({"neurons": n, "limit": limit, "snnc_loop": loop,
                                 "snnc_delivery": delivery})
        rows.append([n, "%.3g" % limit, "%.3g" % delivery, "%.0f%%" % (100 * delivery / limit),
                     "%.3g" % loop])
        print("probe", rows[-1], flush=True)
    text += ["\n## Synaptic events per second against the scatter-add limit\n",
             table(rows, ["neurons", "probe limit (events/s)", "snnc delivery phase (events/s)",
                          "fraction of limit", "snnc whole loop (events/s)"])]

    with open("bench-results.json", "w") as f:
        json.dump(results, f, indent=1)
    print("\n" + "\n".join(text))


if __name__ == "__main__":
    main()
