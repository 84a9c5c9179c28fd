"""SIGINT and SIGTERM stop a run at a step boundary, and lose nothing.

A run far too long to finish (CUBA for 1000 s; CartPole training for
100,000 episodes; a native binary) gets the signal after two seconds.  It
must exit with 128 + the signal (130, 143), write summary.json with
"status": "interrupted" and the time it reached, and leave every .npy
file valid: the spike times all before that time, the episode files as
long as the episode count in the summary.  Before this, the process died
with the signal and summary.json was missing.
"""
import json
import os
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


def test():
    snnc = snnc_path()
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
