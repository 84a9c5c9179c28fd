"""snn_words.py: the words of the snn language, read from its sources, for
the editor tests (check_vim.py, check_textmate.py).

The reserved words come from the scanner (grammar/snn.l), the built-in
functions from their table (compiler/check/builtins.c) and the unit names
from what the compiler accepts: candidate spellings are built from the unit
and prefix tables of runtime/numeric/units.c (every prefix on every
spelling, so most are not units) and `snnc check` says which are units.
A word added to any of these files then fails the tests until the syntax
files know it."""

import os
import re
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read()


def keywords():
    """Every reserved word of the scanner: its quoted rules that spell a word."""
    text = read("grammar/snn.l")
    rules = text.split("\n%%\n")[1]
    words = re.findall(r'^"([A-Za-z_][A-Za-z_-]*)"\s+\w+\(', rules, re.M)
    if len(words) < 40 or "import" not in words or "event-driven" not in words:
        raise SystemExit(f"grammar/snn.l: found only {len(words)} keywords: {words}")
    return words


def builtins():
    """The names of the built-in functions."""
    names = re.findall(r'^\s*\{"(\w+)", FN_\w+,', read("compiler/check/builtins.c"), re.M)
    if len(names) < 20 or "exp" not in names:
        raise SystemExit(f"compiler/check/builtins.c: found only {names}")
    return names


def unit_candidates():
    """Spellings to try as units: every unit spelling, alone and after every
    prefix (short or long), and words that are no units."""
    text = read("runtime/numeric/units.c")
    table = text[text.index("named_units[] = {"):]
    table = table[:table.index("};")]
    spellings = set()
    for sym, long_name, alias in re.findall(
            r'\{(NULL|"\w+"), "(\w+)", (NULL|"\w+"),', table):
        for s in (sym, long_name, alias):
            if s != "NULL":
                spellings.add(s.strip('"'))
    block = text[text.index("prefixes[] = {"):]
    block = block[:block.index("};")]
    prefixes = re.findall(r'\{"(\w+)", "(\w+)", [0-9e.-]+\}', block)
    if len(spellings) < 30 or len(prefixes) < 6:
        raise SystemExit(f"units.c: found {sorted(spellings)} and {prefixes}")
    out = set(spellings)
    for short, long_name in prefixes:
        for s in spellings:
            out.add(short + s)
            out.add(long_name + s)
    out.update(["tau", "mv", "hz", "msec", "volts", "Vm", "sec"])
    return sorted(out)


def compiler_units(snnc, candidates):
    """The candidates that `snnc check` accepts as the unit of a number."""
    rejected = set()
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        # Fewer than snnc's 100 errors reported per file.
        for start in range(0, len(candidates), 80):
            path = os.path.join(tmp, f"units{start}.snn")
            with open(path, "w") as f:
                for k, name in enumerate(candidates[start:start + 80]):
                    f.write(f"param u_{k} = 1 {name}\n")
            files.append(path)
        run = subprocess.run([snnc, "check", *files], capture_output=True, text=True)
        for line in run.stderr.splitlines():
            m = re.search(r"error: unknown unit '(\w+)'", line)
            if m:
                rejected.add(m.group(1))
            elif ": error:" in line:
                raise SystemExit(f"unexpected error from snnc check: {line}")
    accepted = [c for c in candidates if c not in rejected]
    if not rejected or len(accepted) < 100 or "mV" not in accepted:
        raise SystemExit(f"snnc check: {len(accepted)} accepted, {len(rejected)} rejected")
    return accepted


# What fixture.snn must look like: (line, text, Vim group, TextMate scope).
# The text is found on the line (its first occurrence); only the part in
# [brackets], if any, is checked, every character of it.  A Vim group ""
# means no highlighting; a scope "!SCOPE" means the scope is absent.
FIXTURE = "fixture.snn"
EXPECTED = [
    (1, "[#] fixture.snn", "snnComment", "comment.line.number-sign.snn"),
    (1, "a small model", "snnComment", "comment.line.number-sign.snn"),
    (2, "TODO", "snnTodo", "keyword.other.todo.snn"),
    (3, "timestep", "snnDeclaration", "keyword.other.declaration.snn"),
    (3, "0.1", "snnNumber", "constant.numeric.snn"),
    (3, "0.1 [ms]", "snnUnit", "keyword.other.unit.snn"),
    (6, "param", "snnDeclaration", "keyword.other.declaration.snn"),
    (6, "[tau] =", "snnDeclName", "variable.other.definition.snn"),
    (6, "[=] 20", "snnOperator", "keyword.operator.snn"),
    (6, "20", "snnNumber", "constant.numeric.snn"),
    (6, "# a time constant", "snnComment", "comment.line.number-sign.snn"),
    (7, "uF", "snnUnit", "keyword.other.unit.snn"),
    (7, "cm", "snnUnit", "keyword.other.unit.snn"),
    (7, "cm^[2]", "snnUnitPower", "constant.numeric.snn"),
    (8, "Hz", "snnUnit", "keyword.other.unit.snn"),
    (9, "const", "snnDeclaration", "keyword.other.declaration.snn"),
    (10, "extern", "snnDeclaration", "keyword.other.declaration.snn"),
    (10, "erfc", "snnFunctionName", "entity.name.function.snn"),
    (10, "f64", "snnType", "storage.type.snn"),
    (10, "->", "snnOperator", "keyword.operator.snn"),
    (10, "from", "snnKeyword", "keyword.other.snn"),
    (10, '"libm.so.6"', "snnString", "string.quoted.double.snn"),
    (12, "neuron", "snnDeclaration", "keyword.other.declaration.snn"),
    (12, "Cell", "snnModelName", "entity.name.type.snn"),
    (13, "state", "snnMember", "keyword.other.member.snn"),
    (13, ": [mV]", "snnUnit", "keyword.other.unit.snn"),
    (13, "-[65] mV", "snnNumber", "constant.numeric.snn"),
    (13, "65 [mV]", "snnUnit", "keyword.other.unit.snn"),
    (14, "[in] [", "snnKeyword", "keyword.other.snn"),
    (14, "10 [nS]", "snnUnit", "keyword.other.unit.snn"),
    (15, "input", "snnDeclaration", "keyword.other.declaration.snn"),
    (15, "uA", "snnUnit", "keyword.other.unit.snn"),
    (15, "/ [cm]", "snnUnit", "keyword.other.unit.snn"),
    (16, "dv/dt", "snnDerivative", "entity.name.function.derivative.snn"),
    (16, "[C_m] *", "", "!keyword.other.unit.snn"),
    (16, "2 [ms]", "snnUnit", "keyword.other.unit.snn"),
    (16, "Mohm", "snnUnit", "keyword.other.unit.snn"),
    (16, "nA", "snnUnit", "keyword.other.unit.snn"),
    (16, "nS * [ms]", "snnUnit", "keyword.other.unit.snn"),
    (16, "unless", "snnKeyword", "keyword.other.snn"),
    (16, "refractory", "snnMember", "keyword.other.member.snn"),
    (17, "-[g] /", "", "!keyword.other.unit.snn"),
    (18, "spike", "snnMember", "keyword.other.member.snn"),
    (18, "when", "snnKeyword", "keyword.other.snn"),
    (18, ">", "snnOperator", "keyword.operator.snn"),
    (18, "and", "snnWordOperator", "keyword.operator.word.snn"),
    (18, "not", "snnWordOperator", "keyword.operator.word.snn"),
    (18, "false", "snnBoolean", "constant.language.boolean.snn"),
    (19, "reset", "snnMember", "keyword.other.member.snn"),
    (21, "method", "snnMember", "keyword.other.member.snn"),
    (24, "synapse", "snnDeclaration", "keyword.other.declaration.snn"),
    (24, "Kick", "snnModelName", "entity.name.type.snn"),
    (25, ": [1]", "snnUnitOne", "constant.numeric.snn"),
    (25, "uniform", "snnFunction", "support.function.snn"),
    (26, "trace", "snnMember", "keyword.other.member.snn"),
    (26, ": [tau]", "", "!keyword.other.unit.snn"),
    (27, "1 [s]", "snnUnit", "keyword.other.unit.snn"),
    (27, "clock-driven", "snnKeyword", "keyword.other.snn"),
    (28, "on_pre", "snnMember", "keyword.other.member.snn"),
    (28, "post", "snnBuiltinName", "variable.language.snn"),
    (28, "post.[v]", "snnField", "variable.other.member.snn"),
    (28, "+=", "snnOperator", "keyword.operator.snn"),
    (28, "w * [mV]", "snnUnit", "keyword.other.unit.snn"),
    (31, "poisson", "snnBuiltinKind", "support.function.kind.snn"),
    (31, "[rate] =", "", "!support.function.snn"),
    (32, "population", "snnDeclaration", "keyword.other.declaration.snn"),
    (32, "= [Cell]", "snnModelName", "entity.name.type.snn"),
    (33, "connect", "snnDeclaration", "keyword.other.declaration.snn"),
    (33, "via", "snnKeyword", "keyword.other.snn"),
    (33, "via [Kick]", "snnModelName", "entity.name.type.snn"),
    (33, "exp", "snnFunction", "support.function.snn"),
    (33, "1.5e-1", "snnNumber", "constant.numeric.snn"),
    (34, "spikes", "snnBuiltinKind", "support.function.kind.snn"),
    (35, "monitor [state]", "snnMember", "keyword.other.member.snn"),
    (35, "every", "snnMember", "keyword.other.member.snn"),
    (36, "run", "snnDeclaration", "keyword.other.declaration.snn"),
    (36, "100", "snnNumber", "constant.numeric.snn"),
]

# The Vim groups and TextMate scopes a reserved word may have.
KEYWORD_GROUPS = {"snnDeclaration", "snnMember", "snnKeyword", "snnBoolean", "snnWordOperator"}
KEYWORD_SCOPES = {"keyword.other.declaration.snn", "keyword.other.member.snn",
                  "keyword.other.snn", "keyword.operator.word.snn",
                  "constant.language.boolean.snn"}


def locate(line_text, spec):
    """The 0-based columns [start, end) that an EXPECTED text checks."""
    plain = spec.replace("[", "").replace("]", "")
    at = line_text.find(plain)
    if at < 0:
        raise SystemExit(f"{spec!r} is not on the line {line_text!r}")
    if "[" not in spec:
        return at, at + len(plain)
    start = at + spec.index("[")
    return start, start + spec.index("]") - spec.index("[") - 1


def probe_lines(accepted_units, candidates):
    """Lines that probe every keyword, function and unit candidate, each
    with the 0-based columns to look at and what they must be:
    (text, start, end, kind, word) with kind one of keyword, function,
    unit, not-unit."""
    probes = []
    for kw in keywords():
        probes.append((kw, 0, len(kw), "keyword", kw))
        text = f"    x = a {kw} b"
        probes.append((text, 10, 10 + len(kw), "keyword", kw))
    for fn in builtins():
        text = f"x = {fn}(1)"
        probes.append((text, 4, 4 + len(fn), "function", fn))
    accepted = set(accepted_units)
    for name in candidates:
        kind = "unit" if name in accepted else "not-unit"
        text = f"param u = 1 {name}"
        probes.append((text, 12, 12 + len(name), kind, name))
        text = f"    state u : {name} = 0"
        probes.append((text, 14, 14 + len(name), kind, name))
        if len(name) > 1:
            text = f"x = y * {name}"
            probes.append((text, 8, 8 + len(name), kind, name))
    return probes


# The failures a check has found so far; both checks report them alike.
failures = []


def fail(msg):
    failures.append(msg)


def report():
    """Prints the failures; the exit status of the check."""
    for msg in failures:
        print("FAIL:", msg)
    if failures:
        print(f"{len(failures)} failures")
        return 1
    print("ok")
    return 0
