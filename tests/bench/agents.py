#!/usr/bin/python3
"""Benchmarks of Strategy A and the closed loop, on this machine, in one run.

1. Synapse decisions per second of the agents' kernel (learn/agents.c:
   state, Q update, epsilon-greedy choice, weight change) at 10k, 100k and
   1M synapses, with a shared table (the study's Model 5: 1280 states) and
   with a table per synapse (8 states each), against the machine's own
   limit for the same memory work at random places (agents_probe.c).
2. CartPole environment steps per second in the closed loop, network
   window of 20 ms included, for examples/cartpole_agents.snn, and for the
   same network without its agents block (what the agents cost), and the
   wall time of one ablation row (5 seeds of 1000 episodes).
Every figure is a median of repetitions (the machine is shared).

usage: agents.py SNNC AGENTS_PROBE [--quick]
"""
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def probe(exe, nsyn, table, repeats):
    r = subprocess.run([exe, str(nsyn), table, str(repeats)], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    n, kind, states, nbytes, kernel, limit = r.stdout.split()
    return int(states), int(nbytes), float(kernel), float(limit)


def closed_loop(snnc, path, episodes, seed):
    out = tempfile.mkdtemp(prefix="snnbench-")
    t0 = time.perf_counter()
    r = subprocess.run([snnc, "run", path, "--quiet", "--out", out, "--episodes", str(episodes),
                        "--seed", str(seed)], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        raise RuntimeError(r.stderr)
    with open(os.path.join(out, "summary.json")) as f:
        s = json.load(f)
    steps = s["training"]["environment_steps"]
    return steps, s["phases_s"]["simulate"], wall


def without_agents(tmp):
    src = open(os.path.join(ROOT, "examples", "cartpole_agents.snn")).read()
    out, n = re.subn(r"\nagents on \w+ -> \w+ \{.*?\n\}", "", src, flags=re.S)
    assert n >= 1, "no agents block found"
    path = os.path.join(tmp, "cartpole_no_agents.snn")
    with open(path, "w") as f:
        f.write(out)
    return path


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    snnc, exe = sys.argv[1], sys.argv[2]
    quick = "--quick" in sys.argv
    repeats = 3 if quick else 7
    print("## Strategy A: synapse decisions per second\n")
    print("| synapses | table | states | table bytes | kernel (decisions/s) | "
          "random-lookup limit (/s) | fraction of the limit |")
    print("|---|---|---|---|---|---|---|")
    for nsyn in (10000, 100000, 1000000):
        for table in ("shared", "per_synapse"):
            runs = [probe(exe, nsyn, table, repeats) for _ in range(3)]
            states, nbytes = runs[0][0], runs[0][1]
            kernel = statistics.median(r[2] for r in runs)
            limit = statistics.median(r[3] for r in runs)
            print("| %d | %s | %d | %d | %.3g | %.3g | %.2f |" % (
                nsyn, table, states, nbytes, kernel, limit, kernel / limit))
    tmp = tempfile.mkdtemp(prefix="snnbench-")
    model = os.path.join(ROOT, "examples", "cartpole_agents.snn")
    plain = without_agents(tmp)
    episodes = 100 if quick else 300
    with_a, without = [], []
    for seed in range(1, 4 if quick else 6):  # alternating, same seeds
        with_a.append(closed_loop(snnc, model, episodes, seed))
        without.append(closed_loop(snnc, plain, episodes, seed))
    rate = statistics.median(s / t for s, t, _ in with_a)
    rate0 = statistics.median(s / t for s, t, _ in without)
    print("\n## The closed loop: CartPole steps per second (20 ms of network each)\n")
    print("| model | environment steps/s | model time / wall time |")
    print("|---|---|---|")
    print("| examples/cartpole_agents.snn (32 agents) | %.4g | %.0fx |" % (rate, rate * 0.02))
    print("| the same without its agents block | %.4g | %.0fx |" % (rate0, rate0 * 0.02))
    t0 = time.perf_counter()
    for seed in range(1, 6):
        closed_loop(snnc, model, 200 if quick else 1000, seed)
    print("\nOne ablation row (5 seeds x %d episodes, one after another): %.1f s wall" % (
        200 if quick else 1000, time.perf_counter() - t0))


if __name__ == "__main__":
    main()
