"""Extern C functions: in equations (JIT and native binaries) and at the prompt.

- libm's erf inside an equation gives the values an independent Python
  computation of the same Euler sums gives;
- a user library (libsnnstim.so, built by the tests) drives a model the same
  way through the JIT and through a native binary (byte-identical output),
  and its functions can be called at the REPL prompt with the declared C
  types (double and int32) through libffi;
- a missing library or symbol is an error naming both, from snnc run,
  snnc build and the REPL;
- a library function that crashes (a null pointer at t = 3 ms) is reported
  by name, with its library and the time, with status 1, from snnc run and
  from a native binary (the shell's bare "Segmentation fault" before).

usage: check_extern.py SNNC REFERENCE_DIR LIBSNNSTIM
"""
import filecmp
import math
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

from snntest import check, main, model, run, snnc_path


def euler_sum(f, dt, n):
    x, out = 0.0, []
    for k in range(n):
        out.append(x)
        x = x + dt * f(k * dt)
    return np.array(out)


def test():
    snnc = snnc_path()
    lib = sys.argv[3]
    dt = 1e-4
    r = run(snnc, model("extern_libm.snn"))
    x = r.npy("A_x")[:, 0]
    want = euler_sum(lambda t: math.erf(t / 0.01 - 2) / 1e-3, dt, len(x))
    check(np.allclose(x, want, rtol=1e-12, atol=1e-12), "erf in an equation: %s, expected %s",
          x[-3:], want[-3:])

    # The user library next to a copy of the model, as a user would ship it.
    work = tempfile.mkdtemp(prefix="snnextern-")
    shutil.copy(lib, os.path.join(work, "libsnnstim.so"))
    shutil.copy(model("extern_user.snn"), work)
    path = os.path.join(work, "extern_user.snn")
    a = run(snnc, path)
    xs, ys = a.npy("D_x")[:, 0], a.npy("D_y")[:, 0]
    want_x = euler_sum(lambda t: (1.0 if math.fmod(t * 1e3, 20) < 5 else 0.0) / 1e-3, dt, len(xs))
    want_y = euler_sum(lambda t: math.sin(2 * math.pi * (5 * t + 50 * t * t)) / 1e-3, dt, len(ys))
    check(np.allclose(xs, want_x, rtol=1e-9, atol=1e-9), "pulse_train: %s vs %s", xs[-3:],
          want_x[-3:])
    check(np.allclose(ys, want_y, rtol=1e-9, atol=1e-9), "chirp: %s vs %s", ys[-3:], want_y[-3:])
    exe = os.path.join(work, "driven")
    b = subprocess.run([snnc, "build", path, "-o", exe], capture_output=True, text=True)
    check(b.returncode == 0, "snnc build failed: %s", b.stderr)
    out = os.path.join(work, "native")
    n = subprocess.run([exe, "--quiet", "--out", out], capture_output=True, text=True, cwd="/")
    check(n.returncode == 0, "the native binary failed: %s", n.stderr)
    for f in ("D_x.npy", "D_y.npy", "D_x_t.npy"):
        check(filecmp.cmp(os.path.join(a.out, f), os.path.join(out, f), False),
              "%s differs between the JIT and the native binary", f)

    # At the prompt, through libffi.
    script = ("extern fn fibonacci(n: i32) -> i32 from \"libsnnstim.so\"\n"
              "fibonacci(20)\nchirp(0.01, 5, 100)\nerf(0.5)\n")
    p = subprocess.run([snnc, "repl", path], input="extern fn erf(x: f64) -> f64 from "
                       "\"libm.so.6\"\n" + script, capture_output=True, text=True, cwd=work)
    check(p.returncode == 0, "REPL failed: %s", p.stderr)
    lines = p.stdout.split()
    check(lines[0] == "6765", "fibonacci(20) printed %s", p.stdout)
    check(abs(float(lines[1]) - math.sin(2 * math.pi * (0.05 + 0.005))) < 1e-6,
          "chirp printed %s", p.stdout)
    check(abs(float(lines[2]) - math.erf(0.5)) < 1e-6, "erf printed %s", p.stdout)

    # Errors name the library and the function.
    for name, msg in (("extern_missing.snn", "cannot load the library 'libdoesnotexist.so' of "
                       "extern function 'nothing'"),
                      ("extern_nosymbol.snn", "the library 'libm.so.6' has no function "
                       "'not_in_libm'")):
        r = run(snnc, model(name), expect_fail=True)
        check(msg in r.stderr, "snnc run %s: %s", name, r.stderr)
    p = subprocess.run([snnc, "build", model("extern_missing.snn"), "-o",
                        os.path.join(work, "nothing")], capture_output=True, text=True)
    check(p.returncode != 0 and "libdoesnotexist.so" in p.stderr, "snnc build: %s", p.stderr)
    shutil.copy(model("extern_crash.snn"), work)
    crash = os.path.join(work, "extern_crash.snn")
    r = run(snnc, crash, expect_fail=True)
    check(r.returncode == 1 and "the extern function 'crash_after' in " in r.stderr and
          "libsnnstim.so crashed with a segmentation fault" in r.stderr and "t = 3" in r.stderr,
          "a crashing extern function: status %d, %s", r.returncode, r.stderr)
    exe = os.path.join(work, "crash")
    b = subprocess.run([snnc, "build", crash, "-o", exe], capture_output=True, text=True)
    check(b.returncode == 0, "snnc build failed: %s", b.stderr)
    n = subprocess.run([exe, "--quiet", "--out", os.path.join(work, "crash_out")],
                       capture_output=True, text=True, cwd="/")
    check(n.returncode == 1 and "'crash_after'" in n.stderr, "the native binary: status %d, %s",
          n.returncode, n.stderr)
    p = subprocess.run([snnc, "repl"], input="extern fn f(x: f64) -> f64 from \"libnope.so\"\n"
                       "f(1)\n", capture_output=True, text=True)
    check(p.returncode == 1 and "libnope.so" in p.stderr, "REPL: %s", p.stderr)
    shutil.rmtree(work)


main(test)
