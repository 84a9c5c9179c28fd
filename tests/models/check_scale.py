"""Models with many declarations: checked and compiled in linear time, and
populations of one neuron model sharing their kernels without sharing
their parameters.

- 40,000 parameters: a duplicate among them is reported at its line, and
  the last one is found by name (at the prompt of --set too); the
  checker's scopes look names up through a hash index past 32 entries,
  where a linear search made 80,000 parameters take 30 s.
- 4000 populations of LIF: the compiled module holds one step kernel,
  one initialiser and one propagator function, not 4000 of each
  (emit-llvm), and the run completes (it took 67 s of JIT at 8000, and the
  code generator allocated a table of every parameter per function).
- Shared kernels read each population's own parameters: of three
  populations of one model, the one given a bias current fires and the
  others do not, also when the bias is set with --set on one of them;
  two neuron models give two step kernels.
"""
import os
import re
import subprocess
import tempfile

from snntest import check, main, run, snnc_path


def write(text, name="m.snn"):
    d = tempfile.mkdtemp(prefix="snnscale-")
    path = os.path.join(d, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def test_many_params(snnc):
    n = 40000
    lines = ["param p%d = %d mV" % (k, k) for k in range(n)]
    dup = write("\n".join(lines[:30000] + ["param p12345 = 1 mV"] + lines[30000:]) + "\n")
    r = subprocess.run([snnc, "check", dup], capture_output=True, text=True)
    check(r.returncode == 1 and "%s:30001:7: error: 'p12345' is already declared" % dup in r.stderr
          and ":12346:" in r.stderr, "a duplicate among %d parameters: %s", n, r.stderr[:400])
    model = write('import "neurons/lif.snn"\n' + "\n".join(lines) +
                  "\npopulation P = LIF[1] { E_L = -70 mV + 0 * p%d }\nrun 1 ms\n" % (n - 1))
    r = run(snnc, model, "--set", "p%d=5mV" % (n - 1))
    check(r.summary["status"] == "completed", "the last of %d parameters", n)
    bad = run(snnc, model, "--set", "p%d=5mV" % n, expect_fail=True)
    check("no parameter 'p%d'" % n in bad.stderr, "an unknown parameter: %s", bad.stderr)


def test_many_populations(snnc):
    n = 4000
    text = 'import "neurons/lif.snn"\n' + "".join(
        "population P%d = LIF[2]\n" % k for k in range(n)) + "run 1 ms\n"
    path = write(text)
    ir = subprocess.run([snnc, "emit-llvm", path], capture_output=True, text=True)
    check(ir.returncode == 0, "emit-llvm: %s", ir.stderr[-300:])
    defined = re.findall(r"^define [^@]*@(snn_(?:step|init|coef)_\d+)\(", ir.stdout, re.M)
    check(len(defined) == 3, "%d populations of one model: kernels %s", n, defined[:10])
    r = run(snnc, path)
    check(r.summary["status"] == "completed", "%d populations", n)


def test_own_parameters(snnc):
    text = """import "neurons/lif.snn"
import "neurons/izhikevich.snn"
population A = LIF[1] { I_bias = 0.5 nA }
population B = LIF[1]
population C = LIF[1]
population D = Izhikevich[1]
monitor spikes(A, B, C)
run 200 ms
"""
    path = write(text)
    ir = subprocess.run([snnc, "emit-llvm", path], capture_output=True, text=True)
    steps = re.findall(r"^define [^@]*@(snn_step_\d+)\(", ir.stdout, re.M)
    check(len(steps) == 2, "two neuron models: step kernels %s", steps)
    r = run(snnc, path)
    counts = {p: len(r.spikes(p)[0]) for p in "ABC"}
    check(counts["A"] > 5 and counts["B"] == 0 and counts["C"] == 0,
          "one kernel, own parameters: spikes %s", counts)
    r = run(snnc, path, "--set", "C.I_bias=0.5nA")
    counts = {p: len(r.spikes(p)[0]) for p in "ABC"}
    check(counts["A"] == counts["C"] > 5 and counts["B"] == 0,
          "--set C.I_bias: spikes %s", counts)


def test():
    snnc = snnc_path()
    test_many_params(snnc)
    test_many_populations(snnc)
    test_own_parameters(snnc)


if __name__ == "__main__":
    main(test)
