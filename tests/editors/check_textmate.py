"""check_textmate.py SNNC: checks the TextMate grammar of the snn language
(tools/editors/textmate/snn.tmLanguage.json, the file the VS Code extension
in tools/editors/vscode uses) and that extension's manifest.

The grammar must have its required keys, every include must resolve and
every regular expression must compile with Python's re (the grammar keeps
to the syntax Oniguruma and Python share).  A small tokenizer that follows
TextMate's rules for `match` and one-line `begin`/`end` rules then scopes
tests/editors/fixture.snn (a model snnc accepts) and probe lines: the
fixture's expected scopes, every reserved word of grammar/snn.l as a
keyword, every built-in function as a function, and exactly the names that
`snnc check` accepts as units."""

import json
import os
import re
import subprocess
import sys

import snn_words

ROOT = snn_words.ROOT
TM_PATH = os.path.join(ROOT, "tools/editors/textmate/snn.tmLanguage.json")
VSCODE = os.path.join(ROOT, "tools/editors/vscode")

failures = snn_words.failures
fail = snn_words.fail


class Grammar:
    """A TextMate grammar, tokenizing one line at a time."""

    def __init__(self, g):
        self.g = g
        self.repo = g.get("repository", {})
        self.cache = {}

    def regex(self, text):
        if text not in self.cache:
            self.cache[text] = re.compile(text)
        return self.cache[text]

    def expand(self, patterns, seen=()):
        """The match and begin rules of a pattern list, includes resolved."""
        out = []
        for p in patterns:
            if "include" in p:
                ref = p["include"]
                if ref == "$self":
                    out += self.expand(self.g["patterns"], seen)
                elif ref.startswith("#") and ref[1:] in self.repo:
                    if ref in seen:
                        raise SystemExit(f"include loop at {ref}")
                    out += self.expand([self.repo[ref[1:]]], seen + (ref,))
                else:
                    raise SystemExit(f"unresolved include {ref!r}")
            elif "match" in p or "begin" in p:
                out.append(p)
            elif "patterns" in p:
                out += self.expand(p["patterns"], seen)
        return out

    def tokenize(self, lines):
        """A list of scope lists for each character of each line."""
        result = []
        stack = []  # open begin/end rules: (rule, compiled end)
        for line in lines:
            scopes = [None] * len(line)

            def base():
                return ["source.snn"] + [r["name"] for r, _ in stack if "name" in r]

            def paint(a, b, extra):
                for k in range(a, min(b, len(line))):
                    scopes[k] = base() + [s for s in extra if s]

            def paint_captures(m, caps, extra):
                for idx, cap in sorted(caps.items(), key=lambda kv: int(kv[0])):
                    k = int(idx)
                    if m.group(k) is not None and "name" in cap:
                        paint(m.start(k), m.end(k), extra + [cap["name"]])

            pos = 0
            while pos <= len(line):
                rule_list = self.expand(stack[-1][0].get("patterns", [])) if stack else \
                    self.expand(self.g["patterns"])
                best = None
                if stack:
                    m = stack[-1][1].search(line, pos)
                    if m:
                        best = (m.start(), "end", m)
                for rule in rule_list:
                    m = self.regex(rule.get("match") or rule["begin"]).search(line, pos)
                    # The earliest match wins; at a tie the end pattern, then
                    # the first rule in order.
                    if m and (best is None or m.start() < best[0]):
                        best = (m.start(), rule, m)
                if best is None:
                    paint(pos, len(line), [])
                    break
                start, rule, m = best
                paint(pos, start, [])
                if rule == "end":
                    top = stack[-1][0]
                    paint(start, m.end(), [])
                    paint_captures(m, top.get("endCaptures", top.get("captures", {})), [])
                    stack.pop()
                    pos = m.end()
                elif "match" in rule:
                    name = [rule.get("name")]
                    paint(start, m.end(), name)
                    paint_captures(m, rule.get("captures", {}), name)
                    if m.end() == start:
                        paint(start, start + 1, [])
                        pos = start + 1
                    else:
                        pos = m.end()
                else:
                    name = [rule.get("name")]
                    stack.append((rule, self.regex(rule["end"])))
                    # The begin text belongs to the rule's scope.
                    paint(start, m.end(), [])
                    paint_captures(m, rule.get("beginCaptures", rule.get("captures", {})), [])
                    if m.end() == start and pos == start and len(stack) > 50:
                        raise SystemExit(f"begin rule loops on {line!r}")
                    pos = m.end()
            if stack:
                fail(f"a begin/end rule stays open after the line {line!r}: "
                     f"{[r.get('name', r['begin']) for r, _ in stack]}")
                stack = []
            result.append(scopes)
        return result


def check_structure(g):
    for key, want in (("scopeName", "source.snn"), ("name", "snn")):
        if g.get(key) != want:
            fail(f"grammar: {key} is {g.get(key)!r}, not {want!r}")
    if "snn" not in g.get("fileTypes", []):
        fail(f"grammar: fileTypes {g.get('fileTypes')!r} lacks 'snn'")
    if not isinstance(g.get("patterns"), list) or not g["patterns"]:
        fail("grammar: no top-level patterns")
    if not isinstance(g.get("repository"), dict):
        fail("grammar: no repository")
    count = 0

    def walk(node, where):
        nonlocal count
        if isinstance(node, dict):
            for key in ("match", "begin", "end"):
                if key in node:
                    count += 1
                    text = node[key]
                    try:
                        re.compile(text)
                    except re.error as e:
                        fail(f"{where}.{key}: {text!r} does not compile: {e}")
                    # Constructs that mean something else (or nothing) in Oniguruma.
                    for bad in (r"(?P", r"\h", r"\Z", r"(?<name>"):
                        if bad in text:
                            fail(f"{where}.{key}: {text!r} uses {bad!r}")
            if "begin" in node and "end" not in node:
                fail(f"{where}: begin without end")
            if "end" in node and "begin" not in node:
                fail(f"{where}: end without begin")
            for k, v in node.items():
                walk(v, f"{where}.{k}")
        elif isinstance(node, list):
            for k, v in enumerate(node):
                walk(v, f"{where}[{k}]")

    walk(g, "grammar")
    if count < 20:
        fail(f"grammar: only {count} regular expressions found")
    grammar = Grammar(g)
    grammar.expand(g["patterns"])
    for name, rule in g.get("repository", {}).items():
        grammar.expand([rule])


def check_vscode(g):
    with open(os.path.join(VSCODE, "package.json")) as f:
        pkg = json.load(f)
    for key in ("name", "displayName", "version", "publisher", "engines"):
        if key not in pkg:
            fail(f"package.json: no {key!r}")
    langs = pkg.get("contributes", {}).get("languages", [])
    grams = pkg.get("contributes", {}).get("grammars", [])
    if len(langs) != 1 or langs[0].get("id") != "snn" or ".snn" not in langs[0].get("extensions", []):
        fail(f"package.json: languages {langs!r} should declare snn for .snn")
        return
    if len(grams) != 1 or grams[0].get("language") != "snn" or \
       grams[0].get("scopeName") != g.get("scopeName"):
        fail(f"package.json: grammars {grams!r} should give the snn grammar")
        return
    path = os.path.join(VSCODE, grams[0].get("path", ""))
    real = os.path.realpath(path)
    if not os.path.isfile(path) or not real.startswith(os.path.realpath(VSCODE) + os.sep):
        fail(f"package.json: the grammar {path} must be a file inside the extension")
    elif not os.path.samefile(path, TM_PATH):
        fail(f"{path} and {TM_PATH} are not the same file")
    conf_path = os.path.join(VSCODE, langs[0].get("configuration", ""))
    with open(conf_path) as f:
        conf = json.load(f)
    if conf.get("comments", {}).get("lineComment") != "#":
        fail(f"language-configuration.json: lineComment is not '#': {conf.get('comments')!r}")
    if "blockComment" in conf.get("comments", {}):
        fail("language-configuration.json: the language has no block comments")
    pairs = {tuple(p) for p in conf.get("brackets", [])}
    closing = {(p["open"], p["close"]) if isinstance(p, dict) else tuple(p)
               for p in conf.get("autoClosingPairs", [])}
    for pair in (("{", "}"), ("[", "]"), ("(", ")")):
        if pair not in pairs:
            fail(f"language-configuration.json: brackets lack {pair}")
        if pair not in closing:
            fail(f"language-configuration.json: autoClosingPairs lack {pair}")
    if ('"', '"') not in closing:
        fail("language-configuration.json: autoClosingPairs lack the string quote")


def has(scopes, want):
    if want.startswith("!"):
        return want[1:] not in scopes
    return want in scopes


def main():
    snnc = sys.argv[1]
    with open(TM_PATH) as f:
        g = json.load(f)
    check_structure(g)
    check_vscode(g)
    if failures:
        return snn_words.report()
    grammar = Grammar(g)

    fixture = os.path.join(os.path.dirname(os.path.abspath(__file__)), snn_words.FIXTURE)
    # The fixture is a model snnc accepts as it is written.
    for cmd in (["check"], ["fmt", "--check"]):
        run = subprocess.run([snnc, *cmd, fixture], capture_output=True, text=True)
        if run.returncode != 0:
            fail(f"snnc {' '.join(cmd)} fixture.snn: {run.stdout}{run.stderr}")
    with open(fixture) as f:
        lines = f.read().split("\n")
    scoped = grammar.tokenize(lines)
    for line_no, spec, _vim, scope in snn_words.EXPECTED:
        a, b = snn_words.locate(lines[line_no - 1], spec)
        for col in range(a, b):
            if not has(scoped[line_no - 1][col], scope):
                fail(f"fixture.snn:{line_no}:{col + 1} ({spec!r}): scopes "
                     f"{scoped[line_no - 1][col]} should {'lack' if scope[0] == '!' else 'have'} "
                     f"{scope.lstrip('!')}")
                break

    candidates = snn_words.unit_candidates()
    accepted = snn_words.compiler_units(snnc, candidates)
    probes = snn_words.probe_lines(accepted, candidates)
    scoped = grammar.tokenize([p[0] for p in probes])
    counts = {}
    for (text, a, b, kind, word), scopes in zip(probes, scoped):
        counts[kind] = counts.get(kind, 0) + 1
        for col in range(a, b):
            s = scopes[col]
            if kind == "keyword":
                ok = any(x in snn_words.KEYWORD_SCOPES for x in s)
            elif kind == "function":
                ok = "support.function.snn" in s
            elif kind == "unit":
                ok = "keyword.other.unit.snn" in s
            else:
                ok = "keyword.other.unit.snn" not in s
            if not ok:
                fail(f"{text!r}: {word!r} ({kind}) has the scopes {s}")
                break
    print(f"checked {len(snn_words.EXPECTED)} fixture spans and probes: {counts}")
    return snn_words.report()


if __name__ == "__main__":
    sys.exit(main())
