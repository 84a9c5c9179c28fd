"""SIGINT and SIGTERM stop a run at a step boundary, and lose nothing.

A run far too long to finish (CUBA for 1000 s; CartPole training for
100,000 episodes; a native binary) gets the signal after two seconds.  It
must exit with 128 + the signal (130, 143), write summary.json with
"status": "interrupted" and the time it reached, and leave every .npy
file valid: the spike times all before that time, the episode files as
long as the episode count in the summary.  Before this, the process died
with the signal and summary.json was missing.

Monitors that would write more than --max-output (default 10 GiB) are
warned about before the run (sampled ones, by their size) and when the
written data passes it (spikes, which cannot be foreseen); a size that is
not a size is refused.

A write that fails (a file size limit standing in for a full disk) stops
the run with the file's path and the system's reason, and every .npy file
still loads, its header matching the rows written.
"""
import json
import os
import resource
import signal
import subprocess
import tempfile
import time

import numpy as np

from snntest import check, main, model, snnc_path


def interrupt(cmd, sig, wait=2.0):
    out = tempfile.mkdtemp(prefix="snnint-")
    p = subprocess.Popen(cmd + ["--quiet", "--out", out], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    time.sleep(wait)
    p.send_signal(sig)
    _, err = p.communicate(timeout=60)
    check(p.returncode == 128 + sig, "%s after %s: status %d, %s", cmd[:3], sig.name,
          p.returncode, err)
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    check(summary["status"] == "interrupted", "status %s", summary["status"])
    return out, summary


def limited_files():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2000000, 2000000))


def test_write_failure(snnc):
    out = tempfile.mkdtemp(prefix="snnfull-")
    r = subprocess.run([snnc, "run", model("cuba.snn"), "--quiet", "--out", out, "--duration",
                        "5s"], preexec_fn=limited_files, capture_output=True, text=True)
    check(r.returncode == 1 and "E_v.npy: write failed" in r.stderr and "File too large" in
          r.stderr, "a write that fails: status %d, %s", r.returncode, r.stderr)
    for name in os.listdir(out):
        if name.endswith(".npy"):
            a = np.load(os.path.join(out, name))
            check(a.shape[0] > 0, "%s holds no rows", name)


def test_output_size(snnc):
    def run_cuba(*args, text=None):
        path = model("cuba.snn")
        if text is not None:
            path = os.path.join(tempfile.mkdtemp(prefix="snnsize-"), "m.snn")
            with open(path, "w") as f:
                f.write(text)
        return subprocess.run([snnc, "run", path, "--no-progress", "--out",
                               tempfile.mkdtemp(prefix="snnsize-")] + list(args),
                              capture_output=True, text=True)
    r = run_cuba("--duration", "20s", "--max-output", "5M")
    check(r.returncode == 0 and "warning: the monitors will write about 0.0185 GiB" in r.stderr
          and "E_v.npy alone" in r.stderr, "planned size: %s", r.stderr)
    r = run_cuba("--duration", "20s")
    check("warning" not in r.stderr, "under the default limit: %s", r.stderr)
    with open(model("cuba.snn")) as f:
        spikes_only = "".join(line for line in f if not line.startswith(("monitor rate",
                                                                          "monitor state")))
    r = run_cuba("--duration", "20s", "--max-output", "1M", text=spikes_only)
    check(r.returncode == 0 and "warning: the monitors have written" in r.stderr,
          "written size: %s", r.stderr)
    r = run_cuba("--duration", "20s", "--max-output", "0", text=spikes_only)
    check("warning" not in r.stderr, "--max-output 0: %s", r.stderr)
    r = run_cuba("--max-output", "lots")
    check(r.returncode == 2 and "--max-output takes a size" in r.stderr, "a bad size: %s",
          r.stderr)


def test():
    snnc = snnc_path()
    test_output_size(snnc)
    test_write_failure(snnc)
    for sig in (signal.SIGINT, signal.SIGTERM):
        out, s = interrupt([snnc, "run", model("cuba.snn"), "--duration", "1000s"], sig)
        reached = s["simulated_s"]
        check(0 < reached < 1000 and s["steps"] == round(reached / s["dt_s"]),
              "%s: reached %s s in %s steps", sig.name, reached, s["steps"])
        t = np.load(os.path.join(out, "E_spikes_t.npy"))
        i = np.load(os.path.join(out, "E_spikes_i.npy"))
        check(len(t) == len(i) > 1000 and t.max() < reached + 1e-9,
              "%s: %d spikes, the last at %s s of %s", sig.name, len(t), t.max(), reached)
    out, s = interrupt([snnc, "run", model("cartpole_agents.snn"), "--episodes", "100000"],
                       signal.SIGINT)
    episodes = s["training"]["episodes"]
    returns = np.load(os.path.join(out, "episode_return.npy"))
    lengths = np.load(os.path.join(out, "episode_length.npy"))
    check(0 < episodes < 100000 and len(returns) == len(lengths) == episodes,
          "training: %d episodes in the summary, %d returns, %d lengths", episodes, len(returns),
          len(lengths))
    exe = os.path.join(tempfile.mkdtemp(prefix="snnint-"), "cuba")
    b = subprocess.run([snnc, "build", model("cuba.snn"), "-o", exe], capture_output=True,
                       text=True)
    check(b.returncode == 0, "snnc build: %s", b.stderr)
    out, s = interrupt([exe, "--duration", "1000s"], signal.SIGTERM, wait=1.0)
    check(0 < s["simulated_s"] < 1000, "native binary: reached %s s", s["simulated_s"])


if __name__ == "__main__":
    main(test)
