"""The REPL's plot command draws state monitors and takes snnc plot's options.

Checked on examples/cuba.snn (monitor state(E.v[0:5], I.v[0:5], every = 0.1 ms)):
- `plot E.v` after `run 100 ms` is byte for byte the figure snnc plot draws of
  a run with the same samples (the session records from t = 0 to now, a run
  of 100.1 ms from 0 to 100 ms), with and without --neurons and --window;
- the state figure names only the chosen neurons, its time axis only the
  window; --size gives the PNG's size, --format pdf a PDF titled after the
  model; `plot state` draws every state monitor;
- a monitor typed at the prompt is recorded from then on, its samples carried
  through a recompilation; reset starts the records again;
- bad options and names stop a scripted session with a message.

usage: check_plot.py SNNC MODEL
"""
import os
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def fail(msg, *args):
    print("FAILED:", msg % args)
    sys.exit(1)


def check(cond, msg, *args):
    if not cond:
        fail(msg, *args)


def repl(snnc, model, work, script, status=0):
    r = subprocess.run([snnc, "--color=never", "repl", model], input=script, text=True,
                       capture_output=True, cwd=work, env=dict(os.environ, HOME=work))
    check(r.returncode == status, "session exit %d, not %d:\n%s\n%s%s", r.returncode, status,
          script, r.stdout, r.stderr)
    return r


def read(path):
    with open(path, "rb") as f:
        return f.read()


def words(path):
    root = ET.parse(path).getroot()
    return root.find(SVG + "title").text, root.find(SVG + "desc").text.split("\n")


def main():
    snnc, model = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix="snn-repl-plot-")
    out = os.path.join(work, "run")
    r = subprocess.run([snnc, "run", model, "--quiet", "--duration", "100.1ms", "--out", out],
                       capture_output=True, text=True)
    check(r.returncode == 0, "snnc run failed: %s", r.stderr)

    # The same samples give the same figures as snnc plot's.
    opts = "--neurons 1:3 --window 20ms:80ms"
    for args in ("", opts):
        r = subprocess.run([snnc, "plot", out] + args.split(), capture_output=True, text=True)
        check(r.returncode == 0, "snnc plot %s: %s", args, r.stderr)
        r = repl(snnc, model, work, "run 100 ms\nplot E.v %s\n" % args)
        check("wrote cuba_E_v.png" in r.stdout, "plot E.v: %s", r.stdout)
        check(read(os.path.join(work, "cuba_E_v.png")) == read(os.path.join(out, "E_v.png")),
              "plot E.v %s differs from snnc plot's E_v.png", args)

    r = repl(snnc, model, work, "run 100 ms\nplot E.v %s --format svg\n"
             "plot state --size 800x600\nplot raster E --neurons E[0:100] --format pdf\n" % opts)
    title, text = words(os.path.join(work, "cuba_E_v.svg"))
    check(title == "cuba: E.v", "title '%s'", title)
    check("E[1]" in text and "E[2]" in text and "E[0]" not in text and "E[3]" not in text,
          "legend of --neurons 1:3: %s", text)
    check("v (mV)" in text and "time (ms)" in text, "axis titles: %s", text)
    check("80" in text and "20" in text and "90" not in text and "10" not in text,
          "time ticks outside the window: %s", text)
    for name in ("cuba_E_v.png", "cuba_I_v.png"):
        size = struct.unpack(">II", read(os.path.join(work, name))[16:24])
        check(size == (800, 600), "%s is %dx%d", name, *size)
    pdf = read(os.path.join(work, "cuba_raster.pdf"))
    check(pdf.startswith(b"%PDF-") and b"/Title (cuba: spikes of E[0:100])" in pdf,
          "the raster PDF")

    # A monitor typed at the prompt; a recompile keeps its samples, reset drops them.
    script = ("run 10 ms\nmonitor state(I.v[0:2], every = 1 ms)\nrun 20 ms\n"
              "monitor rate(I, bin = 1 ms)\nrun 20 ms\nplot I.v --format svg\n")
    r = repl(snnc, model, work, script)
    check("wrote cuba_I_v.svg" in r.stdout and "wrote cuba_I_v_2.svg" in r.stdout,
          "two monitors of I.v: %s", r.stdout)
    _, text = words(os.path.join(work, "cuba_I_v_2.svg"))
    check("10" in text and "50" in text and "0" not in text and "I[1]" in text and
          "I[2]" not in text, "a typed monitor of I[0:2], from 10 to 50 ms: %s", text)
    _, text = words(os.path.join(work, "cuba_I_v.svg"))
    check("0" in text and "50" in text and "I[4]" in text, "the model's monitor of I.v: %s",
          text)
    repl(snnc, model, work, "run 50 ms\nreset\nrun 5 ms\nplot E.v --format svg\n")
    _, text = words(os.path.join(work, "cuba_E_v.svg"))
    check("5.0" in text and "10" not in text and "50" not in text, "after reset: %s", text)

    for line, msg in (("plot E.v --size 0x5", "--size 0x5"),
                      ("plot E.v --neurons 5:2", "--neurons 5:2 selects no neuron"),
                      ("plot E.v --format gif", "--format gif"),
                      ("plot E.v --window 1s:2s", "outside the run"),
                      ("plot E.v --neurons 7:9", "select nothing of E.v (neurons 0 to 4"),
                      ("plot raster --neurons X", "no population 'X'"),
                      ("plot E.w", "no state monitor of E.w"),
                      ("plot E.v --at 1s", "not '--at'"),
                      ("plot E.v --size", "needs a value"),
                      ("plot", "write 'plot raster'")):
        r = repl(snnc, model, work, "run 100 ms\n%s\n" % line, status=1)
        check(msg in r.stderr, "%s: %s", line, r.stderr)
    print("ok")


main()
