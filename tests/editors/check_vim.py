"""check_vim.py SNNC [VIM]: checks the Vim files of the snn language
(tools/editors/vim: ftdetect, ftplugin, syntax) in a real Vim.

Vim runs without any user configuration (vim -Nu NONE -es, runtimepath set
to tools/editors/vim and Vim's own runtime) and check_vim.vim reports, for
an example model, tests/editors/fixture.snn and a file of probe lines, the
filetype, the comment settings, the errors that loading gave and the syntax
group at chosen positions.  They must be: filetype snn, no error, the
fixture's expected groups, every reserved word of grammar/snn.l a keyword,
every built-in function a function, and exactly the names that
`snnc check` accepts as units a unit."""

import os
import re
import shutil
import subprocess
import sys
import tempfile

import snn_words

ROOT = snn_words.ROOT
HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.join(ROOT, "examples/cuba.snn")

failures = snn_words.failures
fail = snn_words.fail


def main():
    snnc = sys.argv[1]
    vim = sys.argv[2] if len(sys.argv) > 2 else shutil.which("vim") or "/usr/bin/vim"
    if not os.access(vim, os.X_OK):
        print(f"FAIL: no vim at {vim} (the Debian package vim; the Makefile's deps installs it)")
        return 1

    fixture = os.path.join(HERE, snn_words.FIXTURE)
    with open(fixture) as f:
        fixture_lines = f.read().split("\n")
    candidates = snn_words.unit_candidates()
    accepted = snn_words.compiler_units(snnc, candidates)
    probes = snn_words.probe_lines(accepted, candidates)

    with tempfile.TemporaryDirectory() as tmp:
        probe_path = os.path.join(tmp, "probes.snn")
        with open(probe_path, "w") as f:
            f.write("".join(p[0] + "\n" for p in probes))
        queries = [f"F\t{EXAMPLE}", "Q\t1\t1", f"F\t{fixture}"]
        wanted = [("example", None)]
        for line_no, spec, group, _scope in snn_words.EXPECTED:
            a, b = snn_words.locate(fixture_lines[line_no - 1], spec)
            for col in range(a, b):
                queries.append(f"Q\t{line_no}\t{col + 1}")
                wanted.append(("fixture", (line_no, spec, group)))
        queries.append(f"F\t{probe_path}")
        for k, (text, a, b, kind, word) in enumerate(probes):
            for col in range(a, b):
                queries.append(f"Q\t{k + 1}\t{col + 1}")
                wanted.append(("probe", (text, kind, word)))
        query_path = os.path.join(tmp, "queries.txt")
        out_path = os.path.join(tmp, "out.txt")
        with open(query_path, "w") as f:
            f.write("\n".join(queries) + "\n")
        env = dict(os.environ, SNN_VIM_RTP=os.path.join(ROOT, "tools/editors/vim"),
                   SNN_VIM_QUERIES=query_path, SNN_VIM_OUT=out_path, HOME=tmp)
        run = subprocess.run([vim, "-Nu", "NONE", "-i", "NONE", "-es",
                              "-S", os.path.join(HERE, "check_vim.vim")],
                             env=env, capture_output=True, text=True, timeout=300,
                             stdin=subprocess.DEVNULL)
        if run.returncode != 0:
            fail(f"vim exited with {run.returncode}: {run.stdout}{run.stderr}")
        if not os.path.exists(out_path):
            fail("vim wrote no results")
            return snn_words.report()
        with open(out_path) as f:
            out = f.read().split("\n")

    files = [r.split("\t") for r in out if r.startswith("F\t")]
    results = [r.split("\t") for r in out if r.startswith("Q\t")]
    for r in out:
        if r.startswith("X\t"):
            fail(f"vim raised {r[2:]}")
        if r.startswith("E\t") and r[2:]:
            fail(f"vim reported the error {r[2:]!r}")
        if r.startswith("M\t") and re.match(r"E\d+:", r[2:]):
            fail(f"vim's messages hold an error: {r[2:]!r}")
    if len(files) != 3:
        fail(f"vim opened {len(files)} files, not 3")
    for f in files:
        _, path, filetype, syntax, commentstring, comments, undo = (f + [""] * 7)[:7]
        if filetype != "snn" or syntax != "snn":
            fail(f"{path}: filetype {filetype!r} and syntax {syntax!r}, not snn")
        if commentstring != "# %s":
            fail(f"{path}: commentstring {commentstring!r}, not '# %s'")
        if ":#" not in comments.split(","):
            fail(f"{path}: comments {comments!r} lack ':#'")
        if "commentstring<" not in undo:
            fail(f"{path}: b:undo_ftplugin {undo!r} does not undo commentstring")
    if len(results) != len(wanted):
        fail(f"vim answered {len(results)} of {len(wanted)} positions")
        return snn_words.report()

    reported = set()
    counts = {}
    for (_, line, col, name, trans), (what, info) in zip(results, wanted):
        if name.startswith("snn") and (not trans or trans.startswith("snn")):
            fail(f"the group {name} links to no standard highlight group ({trans!r})")
        if what == "fixture":
            line_no, spec, group = info
            if name != group and (line_no, spec) not in reported:
                reported.add((line_no, spec))
                fail(f"fixture.snn:{line}:{col} ({spec!r}): group {name!r}, not {group!r}")
        elif what == "probe":
            text, kind, word = info
            counts[kind] = counts.get(kind, 0) + 1
            if kind == "keyword":
                ok = name in snn_words.KEYWORD_GROUPS
            elif kind == "function":
                ok = name == "snnFunction"
            elif kind == "unit":
                ok = name == "snnUnit"
            else:
                ok = name != "snnUnit"
            if not ok and text not in reported:
                reported.add(text)
                fail(f"{text!r}: {word!r} ({kind}) has the group {name!r}")
    print(f"checked {len(snn_words.EXPECTED)} fixture spans and probe characters: {counts}")
    return snn_words.report()


if __name__ == "__main__":
    sys.exit(main())
