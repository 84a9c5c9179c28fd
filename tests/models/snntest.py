"""Helpers for the model-level tests: run snnc, read its output, compare.

Each check_*.py script is one CTest test.  It runs `snnc run` on models in
this folder (or in examples/), loads the .npy files and summary.json the run
wrote, and compares them with independent references: closed-form
solutions, the Brian2 reference data in the reference folder, or a second
run of the same model at a smaller time step.  A failed comparison raises
AssertionError with the numbers involved, which makes the test fail.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def snnc_path():
    if len(sys.argv) < 2:
        sys.exit("usage: %s SNNC [REFERENCE_DIR]" % sys.argv[0])
    return os.path.abspath(sys.argv[1])


def reference_dir():
    """The reference data folder (second argument, or the default location)."""
    if len(sys.argv) > 2:
        return sys.argv[2]
    return os.path.join(ROOT, "tests", "reference")


def model(name):
    """Path of a test model in this folder, or of an example."""
    p = os.path.join(HERE, name)
    return p if os.path.exists(p) else os.path.join(ROOT, "examples", name)


class Run:
    """The output of one `snnc run`."""

    def __init__(self, out):
        self.out = out
        with open(os.path.join(out, "summary.json")) as f:
            self.summary = json.load(f)

    def npy(self, name):
        return np.load(os.path.join(self.out, name + ".npy"))

    def spikes(self, pop):
        return self.npy(pop + "_spikes_t"), self.npy(pop + "_spikes_i")

    def population(self, name):
        for p in self.summary["populations"]:
            if p["name"] == name:
                return p
        raise KeyError(name)


def run(snnc, path, *args, expect_fail=False, out=None):
    """Runs snnc run PATH ARGS into a fresh folder and returns a Run."""
    out = out or tempfile.mkdtemp(prefix="snntest-")
    cmd = [snnc, "run", path, "--quiet", "--out", out] + [str(a) for a in args]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if expect_fail:
        # A signal (negative status) is a crash, not a clean failure.
        assert r.returncode > 0, "expected %s to fail cleanly, got status %d:\n%s" % (
            " ".join(cmd), r.returncode, r.stderr)
        return r
    if r.returncode != 0:
        raise AssertionError("%s failed (%d):\n%s%s" % (" ".join(cmd), r.returncode,
                                                        r.stdout, r.stderr))
    return Run(out)


def check(cond, fmt, *args):
    if not cond:
        raise AssertionError(fmt % args)


def main(fn):
    try:
        fn()
    except AssertionError as e:
        print("FAILED:", e)
        sys.exit(1)
    print("ok")
