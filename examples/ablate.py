#!/usr/bin/python3
"""The ablation of state spaces for Strategy A, in one command.

Runs a model with agents once per state space and seed, swapping only the
feature list (`snnc run --features`, no recompilation of the rest), and
optionally a baseline model (reward-modulated STDP on the same network),
then prints one Markdown row per state space: the mean return of the last
100 episodes (mean and spread over seeds), the episodes until the running
mean of 100 reached each of --levels (195 and 475 by default: CartPole's;
median over the seeds that did, and how many did), and the wall time of the row.  The learning curves go to
OUT/curves.json, one list of returns per row and seed, and with --figure
to an SVG of the running means.

    /usr/bin/python3 examples/ablate.py build/compiler/snnc \\
        examples/cartpole_agents.snn examples/state_spaces.txt \\
        --baseline examples/cartpole_rstdp.snn --seeds 5 --episodes 1000

SPACES has one state space per line, `NAME: feature list`; '#' starts a
comment (examples/state_spaces.txt: the study's M1-M6).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np


def read_spaces(path):
    spaces = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            if ":" not in line:
                sys.exit("%s:%d: expected 'NAME: feature list'" % (path, n))
            name, features = line.split(":", 1)
            spaces.append((name.strip(), features.strip()))
    if not spaces:
        sys.exit("%s: no state spaces" % path)
    return spaces


def train(snnc, model, seed, episodes, features, out):
    cmd = [snnc, "run", model, "--quiet", "--out", out, "--seed", str(seed),
           "--episodes", str(episodes)]
    if features is not None:
        cmd += ["--features", features]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("%s failed:\n%s" % (" ".join(cmd), r.stderr))
    return np.load(os.path.join(out, "episode_return.npy"))


def reached(returns, level, window=100):
    """The first episode (1-based) at which the mean of the last `window` reached level."""
    c = np.cumsum(np.insert(returns, 0, 0.0))
    for e in range(window, len(returns) + 1):
        if (c[e] - c[e - window]) / window >= level:
            return e
    return None


def describe(hits):
    done = [h for h in hits if h is not None]
    if not done:
        return "not reached (0/%d)" % len(hits)
    return "%d (%d/%d)" % (statistics.median(done), len(done), len(hits))


COLOURS = ["#000000", "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00",
           "#f0e442"]


def figure(curves, path, window=100):
    """An SVG of each row's running mean over `window` episodes, averaged
    over seeds, against the episode (no plotting library needed)."""
    W, H, L, R, T, B = 720, 420, 60, 150, 20, 45
    series = {}
    for name, runs in curves.items():
        n = min(len(r) for r in runs)
        mean = np.mean([np.asarray(r[:n]) for r in runs], axis=0)
        c = np.cumsum(np.insert(mean, 0, 0.0))
        k = np.arange(1, n + 1)
        lo = np.maximum(0, k - window)
        series[name] = (c[k] - c[lo]) / (k - lo)
    n = max(len(v) for v in series.values())
    top = max(float(v.max()) for v in series.values())
    top = max(10.0, 10 ** np.floor(np.log10(top)) * np.ceil(top / 10 ** np.floor(np.log10(top))))
    lowest = min(0.0, min(float(v.min()) for v in series.values()))
    x = lambda e: L + (W - L - R) * e / max(n - 1, 1)
    y = lambda v: T + (H - T - B) * (1 - (v - lowest) / (top - lowest))
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="12">' % (W, H),
           '<rect width="100%" height="100%" fill="white"/>']
    step = 10 ** np.floor(np.log10(top - lowest))
    while (top - lowest) / step < 4:
        step /= 2
    for v in np.arange(np.ceil(lowest / step) * step, top + step / 2, step):
        out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>' % (
            L, y(v), W - R, y(v)))
        out.append('<text x="%d" y="%.1f" text-anchor="end">%g</text>' % (L - 6, y(v) + 4, v + 0.0))
    for e in range(0, n + 1, max(1, n // 5)):
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%d</text>' % (x(e), H - B + 16, e))
    out.append('<text x="%d" y="%d" text-anchor="middle">episode</text>' % ((L + W - R) / 2, H - 8))
    out.append('<text x="14" y="%d" transform="rotate(-90 14 %d)" text-anchor="middle">'
               'return, mean of the last %d (mean over seeds)</text>' % (H / 2, H / 2, window))
    for i, (name, v) in enumerate(series.items()):
        colour = COLOURS[i % len(COLOURS)]
        pts = " ".join("%.1f,%.1f" % (x(e), y(float(v[e]))) for e in range(0, len(v), 2))
        out.append('<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"/>' % (
            colour, pts))
        out.append('<text x="%d" y="%d" fill="%s">%s</text>' % (W - R + 10, T + 16 * (i + 1),
                                                                  colour, name))
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("snnc")
    ap.add_argument("model", help="a model with an agents block")
    ap.add_argument("spaces", help="state spaces, one 'NAME: features' per line")
    ap.add_argument("--baseline", help="a model to run beside them (reward-modulated STDP)")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--episodes", type=int, default=1000)
    ap.add_argument("--out", default=None, help="folder for the runs and curves.json")
    ap.add_argument("--figure", default=None, help="an SVG of the learning curves")
    ap.add_argument("--levels", default="195,475",
                    help="returns whose reaching (mean of 100 episodes) is reported")
    a = ap.parse_args()
    out = a.out or tempfile.mkdtemp(prefix="ablation-")
    os.makedirs(out, exist_ok=True)
    rows = [(name, a.model, features) for name, features in read_spaces(a.spaces)]
    if a.baseline:
        rows.insert(0, ("R-STDP", a.baseline, None))
    print("%d episodes, seeds 1 to %d; the mean of the last 100 episodes over seeds\n" % (
        a.episodes, a.seeds))
    levels = [float(x) for x in a.levels.split(",") if x.strip()]
    print("| state space | features | last 100: mean (sd) | per seed | %s | wall (s) |" % (
        " | ".join("episodes to %g" % v for v in levels)))
    print("|---|---|---|---|%s---|" % ("---|" * len(levels)))
    curves = {}
    for name, model, features in rows:
        t0 = time.perf_counter()
        lasts, hits = [], [[] for _ in levels]
        for seed in range(1, a.seeds + 1):
            ret = train(a.snnc, model, seed, a.episodes, features,
                        os.path.join(out, "%s-%d" % (name, seed)))
            curves.setdefault(name, []).append([float(x) for x in ret])
            lasts.append(float(ret[-100:].mean()))
            for k, v in enumerate(levels):
                hits[k].append(reached(ret, v))
        sd = statistics.stdev(lasts) if len(lasts) > 1 else 0.0
        print("| %s | `%s` | %.1f (%.1f) | %s | %s | %.1f |" % (
            name, features if features is not None else os.path.basename(model),
            statistics.mean(lasts), sd, ", ".join("%.1f" % x for x in lasts),
            " | ".join(describe(h) for h in hits), time.perf_counter() - t0), flush=True)
    with open(os.path.join(out, "curves.json"), "w") as f:
        json.dump(curves, f)
    print("\ncurves: %s" % os.path.join(out, "curves.json"))
    if a.figure:
        figure(curves, a.figure)
        print("figure: %s" % a.figure)


if __name__ == "__main__":
    main()
