"""Connection rules with `where`: the synapses built against a brute-force
enumeration of the condition, and the memory check against its limit.

The builder visits only the pairs inside the range that the condition's
comparisons imply (compiler/lower/pair_bounds.c); whether it finds every
synapse is checked here by listing all pairs in Python: for `all`, the set
of synapses must equal the set of pairs that satisfy the condition,
whatever form its comparisons take (abs, chains of `and`, equalities,
negative and fractional coefficients, a parameter changed at run time,
`or`, which bounds nothing).  `fanin`/`fanout` must give each neuron K
partners that satisfy it, `p` with a condition a count near p times the
allowed pairs.  A banded condition on 200,000 neurons builds exactly its
synapses (it was quadratic before, and this test timed out).

Memory: SNN_MEMORY_LIMIT sets the limit, so that the checks are the same
on every machine: two populations that each fit but not together, an
input ring that a long delay makes too large, and a banded `where` on
100,000 neurons that fits (it was sized as every pair) are each told apart.
"""
import os
import subprocess
import tempfile

import numpy as np

from snntest import check, main, run, snnc_path

NA, NB = 300, 120

# Each condition as the language writes it and as NumPy computes it.
CONDITIONS = [
    ("abs(i - 2 * j) < 7", lambda i, j, w: abs(i - 2 * j) < 7),
    ("j >= i - 3 and j <= i + 3 and i != j", lambda i, j, w: (j >= i - 3) & (j <= i + 3) & (i != j)),
    ("i == 3 * j + 1", lambda i, j, w: i == 3 * j + 1),
    ("(i - j) % 5 == 0 or abs(i - j) < 2", lambda i, j, w: ((i - j) % 5 == 0) | (abs(i - j) < 2)),
    ("abs(i - width * j) <= 10", lambda i, j, w: abs(i - w * j) <= 10),
    ("i - j > 2.5 and i - j < 9.5", lambda i, j, w: (i - j > 2.5) & (i - j < 9.5)),
    ("2 * i + 3 >= 5 * j and -j > -i / 4 - 20",
     lambda i, j, w: (2 * i + 3 >= 5 * j) & (-j > -i / 4 - 20)),
    ("10 > abs(j * 3 - i / 2) and i % 2 == 0", lambda i, j, w: (10 > abs(j * 3 - i / 2)) & (i % 2 == 0)),
    ("j / 2 == floor(i / 5)", lambda i, j, w: j / 2 == np.floor(i / 5)),
]


def model_text(conn, src="A", dst="B", extra=""):
    return """import "neurons/lif.snn"
import "synapses/static.snn"
param width = 2
population A = LIF[%d]
population B = LIF[%d]
connect %s -> %s via Static { %s }
monitor synapses(%s -> %s, w)
%s
run 0.1 ms
""" % (NA, NB, src, dst, conn, src, dst, extra)


def write(text):
    d = tempfile.mkdtemp(prefix="snnrules-")
    path = os.path.join(d, "m.snn")
    with open(path, "w") as f:
        f.write(text)
    return path


def pairs(fn, n_pre, n_post, width=2):
    i, j = np.meshgrid(np.arange(n_pre, dtype=float), np.arange(n_post, dtype=float),
                       indexing="ij")
    ii, jj = np.nonzero(fn(i, j, width))
    return set(zip(ii.tolist(), jj.tolist()))


def synapses(r, name):
    return set(zip(r.npy(name + "_w_i").tolist(), r.npy(name + "_w_j").tolist()))


def test_all(snnc):
    for cond, fn in CONDITIONS:
        for src, dst, n_pre, n_post in (("A", "B", NA, NB), ("B", "A", NB, NA)):
            r = run(snnc, write(model_text("all; where " + cond, src, dst)))
            want = pairs(fn, n_pre, n_post)
            got = synapses(r, src + "-" + dst)
            check(got == want, "all; where %s (%s -> %s): %d synapses, %d pairs qualify; "
                  "missing %s, extra %s", cond, src, dst, len(got), len(want),
                  sorted(want - got)[:5], sorted(got - want)[:5])
    # A parameter of the condition changed at run time moves the range.
    r = run(snnc, write(model_text("all; where abs(i - width * j) <= 10")), "--set", "width=3")
    check(synapses(r, "A-B") == pairs(CONDITIONS[4][1], NA, NB, width=3),
          "--set width=3 is not what the condition gives")


def test_fixed_degree(snnc):
    # fanin onto B (each of its 120 neurons picks 5 of the 300 of A), and
    # fanout from B (each picks 3 targets in A), both under one condition.
    for rule, k, src, dst, cond, fn in (
            ("fanin", 5, "A", "B", "abs(i - 2 * j) < 12", lambda i, j, w: abs(i - 2 * j) < 12),
            ("fanout", 3, "B", "A", "abs(j - 2 * i) < 12", lambda i, j, w: abs(j - 2 * i) < 12)):
        n_pre, n_post = (NA, NB) if src == "A" else (NB, NA)
        ok = pairs(fn, n_pre, n_post)
        r = run(snnc, write(model_text("%s = %d; where %s" % (rule, k, cond), src, dst)))
        got = synapses(r, src + "-" + dst)
        check(got <= ok, "%s: synapses outside the condition: %s", rule, sorted(got - ok)[:5])
        side = 1 if rule == "fanin" else 0
        counts = np.bincount([p[side] for p in got])
        check(set(counts.tolist()) == {k}, "%s = %d: partner counts %s", rule, k,
              sorted(set(counts.tolist())))


def test_probability(snnc):
    cond = "abs(i - 2 * j) < 20"
    allowed = pairs(lambda i, j, w: abs(i - 2 * j) < 20, NA, NB)
    total = 0
    for seed in (1, 2, 3):
        r = run(snnc, write(model_text("p = 0.3; where " + cond)), "--seed", seed)
        got = synapses(r, "A-B")
        check(got <= allowed, "p with where: synapses outside the condition")
        total += len(got)
    mean, sd = 3 * 0.3 * len(allowed), (3 * 0.3 * 0.7 * len(allowed)) ** 0.5
    check(abs(total - mean) < 5 * sd, "p = 0.3: %d synapses over 3 seeds, expected %.0f +- %.0f",
          total, mean, sd)


def test_large_band(snnc):
    n = 200000
    r = run(snnc, write("""import "neurons/lif.snn"
import "synapses/static.snn"
population A = LIF[%d]
connect A -> A via Static { where abs(i - j) < 3 }
run 0.1 ms
""" % n))
    got = r.summary["projections"][0]["synapses"]
    check(got == 5 * n - 6, "banded where on %d neurons: %d synapses, want %d", n, got, 5 * n - 6)


def limited(snnc, text, limit, expect_fail):
    env = dict(os.environ, SNN_MEMORY_LIMIT=limit)
    out = tempfile.mkdtemp(prefix="snnmem-")
    r = subprocess.run([snnc, "run", write(text), "--quiet", "--out", out], env=env,
                       capture_output=True, text=True)
    check((r.returncode != 0) == expect_fail and r.returncode >= 0,
          "SNN_MEMORY_LIMIT=%s: status %d, stderr %s", limit, r.returncode, r.stderr)
    return r.stderr


def test_memory(snnc):
    head = 'import "neurons/lif.snn"\nimport "synapses/static.snn"\n'
    one = head + "population A = LIF[1000000]\nrun 0.1 ms\n"
    two = head + "population A = LIF[1000000]\npopulation B = LIF[1000000]\nrun 0.1 ms\n"
    limited(snnc, one, "60M", False)
    err = limited(snnc, two, "60M", True)
    check("population 'B'" in err and "parts of the model before it" in err and
          "SNN_MEMORY_LIMIT" in err, "two populations over the limit: %s", err)
    ring = head + ("population A = LIF[100000]\n"
                   "connect A -> A via Static { fanin = 1; delay = 6 s }\nrun 0.1 ms\n")
    err = limited(snnc, ring, "2G", True)
    check("synaptic input of population 'A'" in err and "60001 steps" in err,
          "a 6 s delay on 100,000 neurons: %s", err)
    band = head + ("population A = LIF[100000]\n"
                   "connect A -> A via Static { where abs(i - j) < 5 }\nrun 0.1 ms\n")
    limited(snnc, band, "100M", False)
    # A container's limit (cgroup v2 and v1 files at the top of a hierarchy
    # of the test's own): 100 MB allowed, 40 MB used.
    for v1 in (False, True):
        root = tempfile.mkdtemp(prefix="snncgroup-")
        top = os.path.join(root, "memory") if v1 else root
        os.makedirs(top, exist_ok=True)
        names = ("memory.limit_in_bytes", "memory.usage_in_bytes") if v1 else \
            ("memory.max", "memory.current")
        for name, value in zip(names, (100 << 20, 40 << 20)):
            with open(os.path.join(top, name), "w") as f:
                f.write("%d\n" % value)
        env = dict(os.environ, SNN_CGROUP_ROOT=root)
        out = tempfile.mkdtemp(prefix="snnmem-")
        r = subprocess.run([snnc, "run", write(two), "--quiet", "--out", out], env=env,
                           capture_output=True, text=True)
        check(r.returncode == 1 and "memory the container allows" in r.stderr and
              "0.0586 GiB of memory the container allows" in r.stderr, "a container's limit (v1 %s): %s", v1, r.stderr)
        r = subprocess.run([snnc, "run", write(one), "--quiet", "--out", out], env=env,
                           capture_output=True, text=True)
        check(r.returncode == 0, "one population within the container's limit: %s", r.stderr)
    err = limited(snnc, two, "lots", True)
    check("SNN_MEMORY_LIMIT=lots is not a size" in err, "a bad SNN_MEMORY_LIMIT: %s", err)


def test():
    snnc = snnc_path()
    test_all(snnc)
    test_fixed_degree(snnc)
    test_probability(snnc)
    test_large_band(snnc)
    test_memory(snnc)


if __name__ == "__main__":
    main(test)
