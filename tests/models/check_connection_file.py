"""Connections read from a CSV file (connect ... { from "file.csv" }).

A file with a header (i, j and a synaptic value in the variable's unit),
comments and blank lines builds exactly its synapses, with their values;
one without a header gives pairs only.  Bad files are refused with the
file and line: a value that is NaN or infinite, a pair listed twice, an
index outside the population, a field that is not a number, a wrong
number of fields, an unknown column.
"""
import os
import tempfile

import numpy as np

from snntest import check, main, run, snnc_path

MODEL = """import "neurons/lif.snn"
import "synapses/static.snn"
input src = spike_times[3]((0: 1 ms))
population P = LIF[4]
connect src -> P via StaticCurrent { from "conn.csv" }
monitor weights(src -> P)
run 2 ms
"""


def with_file(text):
    d = tempfile.mkdtemp(prefix="snnconn-")
    with open(os.path.join(d, "m.snn"), "w") as f:
        f.write(MODEL)
    with open(os.path.join(d, "conn.csv"), "w") as f:
        f.write(text)
    return os.path.join(d, "m.snn")


def test():
    snnc = snnc_path()
    r = run(snnc, with_file("i,j,w\n0,1,0.5\n2,3,0.25\n# a comment\n\n1,0,1.5\n"))
    w, i, j = r.npy("src-P_w"), r.npy("src-P_w_i"), r.npy("src-P_w_j")
    got = sorted(zip(i.tolist(), j.tolist(), w[0].tolist()))
    check(got == [(0, 1, 0.5), (1, 0, 1.5), (2, 3, 0.25)], "synapses %s", got)
    check(r.summary["units"]["src-P_w.npy"] == "nA", "units %s", r.summary["units"])
    plain = run(snnc, with_file("0,1\n1,2\n2,3\n"))
    check(plain.summary["projections"][0]["synapses"] == 3, "pairs only: %s",
          plain.summary["projections"])

    bad = [
        ("i,j,w\n0,1,0.5\n1,2,nan\n", ":3: the value of 'w' is nan; synaptic values must be finite"),
        ("i,j,w\n0,1,-inf\n", ":2: the value of 'w' is -inf"),
        ("i,j,w\n0,1,0.5\n1,1,1\n0,1,2\n", ":4: the synapse 0 -> 1 is listed again (first on line 2)"),
        ("0,1\n2,2\n0,1\n", ":3: the synapse 0 -> 1 is listed again (first on line 1)"),
        ("0,1\n3,0\n", ":2: source index 3 is outside 0 .. 2"),
        ("0,1\n0,x\n", ":2: not a whole number: x"),
        ("i,j,w\n0,1\n", ":2: expected 3 fields, found 2"),
        ("i,j,weight\n0,1,2\n", ":1: unknown column weight"),
    ]
    for text, message in bad:
        r = run(snnc, with_file(text), expect_fail=True)
        check(r.returncode == 1 and "conn.csv" + message in r.stderr,
              "%r: status %d, %s (expected '%s')", text, r.returncode, r.stderr, message)


main(test)
