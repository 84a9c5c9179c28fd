"""The command-line conventions of snnc and of native binaries.

A mistyped option is reported as an unknown option, by name, with the option
it is likely a typo of (not taken for a second model file); a missing value
is named; the global options (--color, --stdlib, --version) work after the
command as before it; 'snnc help [COMMAND]' prints what '--help' does; a
native binary answers --version with its model and compiler.

usage: check_cli.py SNNC REFERENCE_DIR
"""
import os
import subprocess
import tempfile

from snntest import check, main, model, snnc_path


def sh(*cmd):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True)


def expect_usage_error(r, *phrases):
    check(r.returncode == 2, "exit %d (expected 2): %s", r.returncode, r.stderr)
    for p in phrases:
        check(p in r.stderr, "'%s' not in: %s", p, r.stderr)


def test_unknown_options(snnc, lif):
    r = sh(snnc, "run", lif, "--duraton", "1s")
    expect_usage_error(r, "unknown option '--duraton'", "did you mean '--duration'?")
    check("model file" not in r.stderr, "taken for a file: %s", r.stderr)
    expect_usage_error(sh(snnc, "run", lif, "-o", "x"), "unknown option '-o'", "'--out'")
    expect_usage_error(sh(snnc, "run", lif, "--s", "1"), "'--seed' or '--set'")
    expect_usage_error(sh(snnc, "run", lif, "--duration=1s", "--xyzzy"),
                       "unknown option '--xyzzy'", "snnc run --help")
    expect_usage_error(sh(snnc, "run", lif, "--duration"), "'--duration' needs a value")
    # Abbreviations that name one option are still options (as getopt takes them).
    out = tempfile.mkdtemp(prefix="snncli-")
    r = sh(snnc, "run", lif, "--dur", "20ms", "--quiet", "--out", out)
    check(r.returncode == 0 and os.path.exists(os.path.join(out, "summary.json")),
          "--dur 20ms: %d %s", r.returncode, r.stderr)
    for cmd, bad, near in (("check", "--hlep", "--help"), ("build", "--ouput", "--output"),
                           ("repl", "--sed", "--seed"), ("fmt", "--chek", "--check")):
        r = subprocess.run([snnc, cmd, bad, lif], capture_output=True, text=True,
                           stdin=subprocess.DEVNULL)
        expect_usage_error(r, "%s: unknown option '%s'" % (cmd, bad), "did you mean '%s'?" % near)
    expect_usage_error(sh(snnc, "build", lif, "-o"), "option '-o' needs a value")


def test_global_options_after_command(snnc, lif):
    work = tempfile.mkdtemp(prefix="snncli-")
    bad = os.path.join(work, "bad.snn")
    with open(bad, "w") as f:
        f.write("param tau = 1 mV + 1 ms\n")
    before = sh(snnc, "--color=always", "check", bad)
    after = sh(snnc, "check", bad, "--color=always")
    check(before.returncode == 1 and "\x1b[" in before.stderr, "colour before: %r", before.stderr)
    check(after.returncode == 1 and after.stderr == before.stderr,
          "colour after the command differs:\n%r\n%r", after.stderr, before.stderr)
    never = sh(snnc, "check", "--color", "never", bad)
    check(never.returncode == 1 and "\x1b[" not in never.stderr, "--color never: %r", never.stderr)
    expect_usage_error(sh(snnc, "check", bad, "--color=blue"), "auto, always or never")

    # --stdlib after the command: an import is looked up in the given folder.
    lib = os.path.join(work, "lib")
    os.makedirs(lib)
    with open(os.path.join(lib, "mine.snn"), "w") as f:
        f.write("param tau_mine = 3 ms\n")
    user = os.path.join(work, "user.snn")
    with open(user, "w") as f:
        f.write("import \"mine.snn\"\nparam tau2 = 2 * tau_mine\n")
    r = sh(snnc, "check", user, "--stdlib", lib)
    check(r.returncode == 0, "--stdlib after check: %s", r.stderr)
    r = sh(snnc, "check", user, "--stdlib=" + work)
    check(r.returncode == 1 and "mine" in r.stderr, "a wrong --stdlib: %s", r.stderr)
    # After '--' a word is not an option.
    r = sh(snnc, "check", "--", "--color=always")
    check(r.returncode == 1 and "--color=always" in r.stderr, "after --: %s", r.stderr)

    version = sh(snnc, "--version").stdout
    check(version.startswith("snnc "), "--version: %r", version)
    for cmd in ("check", "build", "fmt"):
        r = sh(snnc, cmd, "--version")
        check(r.returncode == 0 and r.stdout == version, "%s --version: %r", cmd, r.stdout)


def test_help(snnc):
    top = sh(snnc, "help")
    check(top.returncode == 0 and top.stdout == sh(snnc, "--help").stdout, "help: %r", top.stdout)
    for cmd in ("run", "check", "build", "fmt", "repl", "plot", "env", "emit-llvm"):
        r = sh(snnc, "help", cmd)
        direct = sh(snnc, cmd, "--help")
        check(r.returncode == 0 and r.stdout and r.stdout == direct.stdout,
              "help %s: %r against %r", cmd, r.stdout[:80], direct.stdout[:80])
    expect_usage_error(sh(snnc, "help", "nope"), "no command 'nope'")
    expect_usage_error(sh(snnc, "help", "run", "check"), "one command name")


def test_native(snnc, lif):
    work = tempfile.mkdtemp(prefix="snncli-")
    exe = os.path.join(work, "lif")
    b = sh(snnc, "build", lif, "-o", exe)
    check(b.returncode == 0, "build: %s", b.stderr)
    v = sh(exe, "--version")
    version = sh(snnc, "--version").stdout.strip()
    check(v.returncode == 0 and "model 'lif_const'" in v.stdout and lif in v.stdout and
          version in v.stdout and "double precision" in v.stdout, "native --version: %r", v.stdout)
    jit = sh(snnc, "run", lif, "--version")
    check(jit.returncode == 0 and "model 'lif_const'" in jit.stdout and "(JIT)" in jit.stdout,
          "run --version: %r", jit.stdout)
    expect_usage_error(sh(exe, "--duraton", "1s"), "unknown option '--duraton'",
                       "did you mean '--duration'?")
    expect_usage_error(sh(exe, "-x"), "unknown option '-x'", "--help' lists the options")
    expect_usage_error(sh(exe, "--seed"), "'--seed' needs a value")
    expect_usage_error(sh(exe, "stray"), "unexpected argument 'stray'")


def test():
    snnc = snnc_path()
    lif = model("lif_const.snn")
    test_unknown_options(snnc, lif)
    test_global_options_after_command(snnc, lif)
    test_help(snnc)
    test_native(snnc, lif)


main(test)
