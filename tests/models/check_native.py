"""Native binaries (snnc build).

A binary is built by a copy of snnc and its runtime in a temporary folder
laid out as an installation (bin/snnc, lib/libsnnrt.a), where the copy finds
its runtime relative to itself; the copy is then deleted and the binary must still run: it needs neither
LLVM nor the compiler (ldd), lists the model's parameters with units and
defaults in --help, honours --duration --seed --set --out, and writes
byte-identical spike files and the same spike counts as snnc run; a model
with plastic synapses writes byte-identical weights.

usage: check_native.py SNNC REFERENCE_DIR RUNTIME_DIR
"""
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile

from snntest import check, main, model, run, snnc_path


def test():
    snnc = snnc_path()
    runtime = sys.argv[3]
    tree = tempfile.mkdtemp(prefix="snntree-")
    os.makedirs(os.path.join(tree, "bin"))
    os.makedirs(os.path.join(tree, "lib"))
    shutil.copy(snnc, os.path.join(tree, "bin", "snnc"))
    for lib in ("libsnnrt.a", "libsnnrt_main.a"):
        shutil.copy(os.path.join(runtime, lib), os.path.join(tree, "lib", lib))
    work = tempfile.mkdtemp(prefix="snnnative-")
    exe = os.path.join(work, "cuba")
    env = {k: v for k, v in os.environ.items() if k != "SNN_RUNTIME_DIR"}
    b = subprocess.run([os.path.join(tree, "bin", "snnc"), "build", model("cuba.snn"), "-o", exe],
                       capture_output=True, text=True, env=env)
    check(b.returncode == 0, "snnc build failed: %s", b.stderr)
    shutil.rmtree(tree)  # the compiler and its runtime are gone

    ldd = subprocess.run(["ldd", exe], capture_output=True, text=True).stdout
    check("LLVM" not in ldd and "snn" not in ldd.replace(work, ""),
          "the binary depends on LLVM or the build:\n%s", ldd)
    h = subprocess.run([exe, "--help"], capture_output=True, text=True)
    check(h.returncode == 0 and "taum" in h.stdout and "ms" in h.stdout and "-49" in h.stdout,
          "--help does not list the parameters: %s", h.stdout)

    args = ["--duration", "300ms", "--seed", "3", "--set", "taum=15ms"]
    out = os.path.join(work, "native")
    n = subprocess.run([exe, "--quiet", "--out", out] + args, capture_output=True, text=True,
                       cwd="/")
    check(n.returncode == 0, "the binary failed: %s", n.stderr)
    jit = run(snnc, model("cuba.snn"), *args)
    for f in sorted(os.listdir(jit.out)):
        if f.endswith(".npy"):
            check(filecmp.cmp(os.path.join(jit.out, f), os.path.join(out, f), False),
                  "%s differs between snnc run and the native binary", f)
    with open(os.path.join(out, "summary.json")) as f:
        native = json.load(f)
    for a, b in zip(jit.summary["populations"], native["populations"]):
        check(a["spikes"] == b["spikes"] and a["spikes"] > 0, "spike counts %s vs %s", a, b)
    check(native["parameters"]["taum"]["value"] == 15, "--set was ignored: %s",
          native["parameters"]["taum"])
    bad = subprocess.run([exe, "--set", "taum=3mV"], capture_output=True, text=True)
    check(bad.returncode == 2 and "is a time" in bad.stderr, "bad --set: %s", bad.stderr)

    # Plastic synapses: every synapse-code path (per-neuron and per-synapse
    # variables, derived and per-synapse clocks, every blocks, clock-driven
    # equations) gives the same weights in a native binary.
    plastic = os.path.join(work, "plastic")
    b = subprocess.run([snnc, "build", model("stdp_brian2_eligibility.snn"), "-o", plastic],
                       capture_output=True, text=True)
    check(b.returncode == 0, "snnc build failed: %s", b.stderr)
    out = os.path.join(work, "plastic-out")
    n = subprocess.run([plastic, "--quiet", "--out", out], capture_output=True, text=True)
    check(n.returncode == 0, "the plastic binary failed: %s", n.stderr)
    jit = run(snnc, model("stdp_brian2_eligibility.snn"))
    files = [f for f in sorted(os.listdir(jit.out)) if f.endswith("_w.npy")]
    check(len(files) == 4, "weight files %s", files)
    for f in files:
        check(filecmp.cmp(os.path.join(jit.out, f), os.path.join(out, f), False),
              "%s differs between snnc run and the native binary", f)

    # The Izhikevich 2007 example for 30 s (inline random input, every
    # blocks, the post index, a modulator with delayed random rewards): the
    # JIT with one thread, the JIT with two and a native binary with two
    # write the same bytes.
    izh = os.path.join(work, "izh")
    b = subprocess.run([snnc, "build", model("izhikevich2007.snn"), "-o", izh],
                       capture_output=True, text=True)
    check(b.returncode == 0, "snnc build failed: %s", b.stderr)
    one = run(snnc, model("izhikevich2007.snn"), "--duration", "30s", "--threads", "1")
    two = run(snnc, model("izhikevich2007.snn"), "--duration", "30s", "--threads", "2")
    out = os.path.join(work, "izh-out")
    n = subprocess.run([izh, "--quiet", "--out", out, "--duration", "30s", "--threads", "2"],
                       capture_output=True, text=True)
    check(n.returncode == 0, "the Izhikevich binary failed: %s", n.stderr)
    files = [f for f in sorted(os.listdir(one.out)) if f.endswith(".npy")]
    check(len(files) >= 12 and len(one.npy("dopamine_rewards_t")) > 0,
          "Izhikevich files %s, no rewards?", files)
    for other in (two.out, out):
        for f in files:
            check(filecmp.cmp(os.path.join(one.out, f), os.path.join(other, f), False),
                  "%s differs between one thread and %s", f, other)
    shutil.rmtree(work)


main(test)
