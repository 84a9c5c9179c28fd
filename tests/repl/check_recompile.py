"""Changing a constant at the prompt recompiles only the kernels it touches.

The session loads twopop.snn, where the constant K enters population A's
equations only, and sets K = 4.  Checked:
- the JIT compiled exactly one kernel (A's step) and reused the others;
- the spikes of the following run are byte-identical to those of
  `snnc run` on a copy of the file with K = 4 written in it, so the mix of
  new and reused machine code computes what a full compilation computes;
- setting K back to 3 compiles nothing (generation 0's code is reused) and
  reproduces `snnc run` on the original file.

usage: check_recompile.py SNNC
"""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, "twopop.snn")


def fail(msg, *args):
    print("FAILED:", msg % args)
    sys.exit(1)


def repl(snnc, work, script):
    r = subprocess.run([snnc, "--color=never", "repl", MODEL], input=script, text=True,
                       capture_output=True, cwd=work, env=dict(os.environ, HOME=work))
    if r.returncode != 0:
        fail("the session failed (%d):\n%s%s", r.returncode, r.stdout, r.stderr)
    return r.stdout


def reuse_counts(output):
    """(compiled, reused) from each `time` report, in order."""
    return [(int(a), int(b)) for a, b in
            re.findall(r"\((\d+) kernels? compiled, (\d+) reused\)", output)]


def run_file(snnc, path, out):
    r = subprocess.run([snnc, "run", path, "--quiet", "--duration", "100ms", "--out", out],
                       capture_output=True, text=True)
    if r.returncode != 0:
        fail("snnc run %s failed:\n%s", path, r.stderr)


def same_spikes(dir_a, dir_b):
    for pop in ("A", "B"):
        for part in ("t", "i"):
            name = "%s_spikes_%s.npy" % (pop, part)
            with open(os.path.join(dir_a, name), "rb") as a, \
                 open(os.path.join(dir_b, name), "rb") as b:
                if a.read() != b.read():
                    return name
    return None


def main():
    snnc = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="snn-recompile-")
    out = repl(snnc, work, "time\nset K = 4\ntime\nrun 100 ms\nsave k4\n"
                           "reset\nset K = 3\ntime\nrun 100 ms\nsave k3\n")
    counts = reuse_counts(out)
    if len(counts) != 3:
        fail("expected three compilation reports, got %s:\n%s", counts, out)
    first, changed, back = counts
    if first[1] != 0 or first[0] < 3:
        fail("the first compilation should compile everything: %s", first)
    total = first[0]
    if changed != (1, total - 1):
        fail("K = 4 should recompile A's kernel alone: %s of %d", changed, total)
    if back != (0, total):
        fail("K = 3 again should reuse every kernel: %s of %d", back, total)

    # The same models compiled whole, from files.
    with open(MODEL) as f:
        text = f.read()
    k4 = os.path.join(work, "k4.snn")
    with open(k4, "w") as f:
        f.write(text.replace("const K = 3", "const K = 4"))
    run_file(snnc, k4, os.path.join(work, "ref4"))
    run_file(snnc, MODEL, os.path.join(work, "ref3"))
    for saved, ref in (("k4", "ref4"), ("k3", "ref3")):
        diff = same_spikes(os.path.join(work, saved), os.path.join(work, ref))
        if diff:
            fail("%s differs between the session (%s) and snnc run (%s)", diff, saved, ref)
    print("ok: %d kernels; K = 4 compiled %d and reused %d" % (total, changed[0], changed[1]))


main()
