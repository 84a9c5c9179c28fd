"""snnc plot's options, and figures drawn from CSV output.

- --neurons and --window restrict what is drawn: the spikes of a raster
  (counted as the dots of its SVG, and as coloured pixels of its PNG) are
  exactly those of the chosen neurons in the window, state figures show and
  name only the chosen neurons, and records of no chosen neuron are left out;
- --size gives the PNG's dimensions, --format every figure's format (a PDF
  that starts with %PDF, SVG that parses as XML), titles name the model;
- a run with --format csv gives the same figures as with .npy, for spikes,
  state, synaptic and modulator records, with and without options, and
  snnc run --plot draws from CSV;
- bad options are refused with a message naming them and a non-zero exit.
"""
import os
import re
import struct
import subprocess
import xml.etree.ElementTree as ET
import zlib

import numpy as np

from snntest import check, main, model, run, snnc_path

BLUE = "0%,44.7%,69.8%"        # the first group's colour (plot_palette)
VERMILLION = "83.5%,36.9%,0%"  # the second's


def plot(snnc, out, *args):
    r = subprocess.run([snnc, "plot", out] + list(args), capture_output=True, text=True)
    return r


def plot_ok(snnc, out, *args):
    r = plot(snnc, out, *args)
    check(r.returncode == 0, "snnc plot %s %s failed: %s", out, args, r.stderr)


def clean(out):
    for f in os.listdir(out):
        if f.endswith((".png", ".svg", ".pdf")):
            os.remove(os.path.join(out, f))


def read(path):
    with open(path, "rb") as f:
        return f.read()


def png_pixels(path):
    """Width, height and rows of (r, g, b) of an 8-bit RGB(A) PNG."""
    data = read(path)
    check(data[:8] == b"\x89PNG\r\n\x1a\n", "%s is not a PNG", path)
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, colour = struct.unpack(">IIBB", body[:10])
            check(depth == 8 and colour in (2, 6), "%s: PNG colour type %d", path, colour)
            bpp = 4 if colour == 6 else 3
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, bpp)])
        prev = line
    return w, h, rows


def count_pixels(rows, rgb, y1):
    """Pixels of colour rgb (within a few levels) above row y1."""
    return sum(1 for row in rows[:y1] for p in row
               if all(abs(p[k] - rgb[k]) <= 6 for k in range(3)))


def svg_root(path):
    return ET.parse(path).getroot()


def svg_texts(path):
    root = svg_root(path)
    ns = "{http://www.w3.org/2000/svg}"
    return root.find(ns + "title").text or "", (root.find(ns + "desc").text or "").split("\n")


def dots(path, colour):
    """Spike dots of a colour in a raster SVG: the closed rectangles of its fills."""
    svg = read(path).decode()
    pat = r'<path style=" stroke:none;fill-rule:nonzero;fill:rgb\(%s\);fill-opacity:1;" d="([^"]*)"'
    return sum(m.group(1).count("Z") for m in re.finditer(pat % re.escape(colour), svg))


def test_subsets(snnc, a):
    t, i = a.spikes("E")
    clean(a.out)
    plot_ok(snnc, a.out, "--neurons", "E[100:300]", "--window", "100ms:300ms", "--format", "svg")
    want = int(np.sum((i >= 100) & (i < 300) & (t >= 0.1) & (t <= 0.3)))
    raster = os.path.join(a.out, "raster.svg")
    got = dots(raster, BLUE)
    check(want > 50 and got == want, "E[100:300] in 100-300 ms: %d dots, %d spikes", got, want)
    check(dots(raster, VERMILLION) == 0, "I was drawn though --neurons names only E")
    title, words = svg_texts(raster)
    check(title == "cuba: spikes of E[100:300]", "raster title '%s'", title)
    check("neuron (E[100:300])" in words and "time (ms)" in words and "rate (Hz)" in words,
          "raster axis titles: %s", words)
    check("300" in words and "100" in words and "400" not in words and "450" not in words,
          "time ticks outside the window: %s", words)
    # The state records hold neurons 0..4: none of them is chosen.
    for name in ("E_v.svg", "I_v.svg"):
        check(not os.path.exists(os.path.join(a.out, name)), "%s drawn for no chosen neuron", name)
    # Whole run: all of E's spikes in the window.
    clean(a.out)
    plot_ok(snnc, a.out, "--neurons", "E", "--window", "100ms:", "--format", "svg")
    want = int(np.sum(t >= 0.1))
    check(dots(raster, BLUE) == want, "E from 100 ms: %d dots, %d spikes", dots(raster, BLUE), want)

    # A bare slice applies to every population: state figures show those neurons.
    clean(a.out)
    plot_ok(snnc, a.out, "--neurons", "2:4", "--window", "100ms:300ms", "--format", "svg,png")
    title, words = svg_texts(os.path.join(a.out, "E_v.svg"))
    check(title == "cuba: E.v", "state title '%s'", title)
    check("v (mV)" in words and "time (ms)" in words, "state axis titles: %s", words)
    check("E[2]" in words and "E[3]" in words and "E[1]" not in words and "E[4]" not in words,
          "state legend: %s", words)
    check("450" not in words and "200" in words, "state time ticks outside the window: %s", words)
    ti, ii = a.spikes("I")
    want = int(np.sum((ii >= 2) & (ii < 4) & (ti >= 0.1) & (ti <= 0.3)))
    check(dots(raster, VERMILLION) == want, "I[2:4]: %d dots, %d spikes",
          dots(raster, VERMILLION), want)

    # The pixels of a PNG: only E's colour in the raster when only E is chosen.
    y_rate = 400  # the raster panel lies above this row at the default size
    clean(a.out)
    plot_ok(snnc, a.out)
    _, _, rows = png_pixels(os.path.join(a.out, "raster.png"))
    orange = count_pixels(rows, (213, 94, 0), y_rate)
    check(orange > 100, "I's spikes are not in the default raster (%d pixels)", orange)
    plot_ok(snnc, a.out, "--neurons", "E")
    _, _, rows = png_pixels(os.path.join(a.out, "raster.png"))
    check(count_pixels(rows, (213, 94, 0), y_rate) == 0, "I's colour in a raster of E alone")
    check(count_pixels(rows, (0, 114, 178), y_rate) > 100, "no spikes of E in a raster of E")


def test_size_format(snnc, a):
    clean(a.out)
    plot_ok(snnc, a.out, "--size", "1200x800")
    for name in ("raster.png", "E_v.png", "I_v.png"):
        w, h = struct.unpack(">II", read(os.path.join(a.out, name))[16:24])
        check((w, h) == (1200, 800), "%s is %dx%d, not 1200x800", name, w, h)
    clean(a.out)
    plot_ok(snnc, a.out, "--format", "pdf")
    names = sorted(os.listdir(a.out))
    check("raster.pdf" in names and "E_v.pdf" in names and "I_v.pdf" in names,
          "--format pdf wrote %s", names)
    check(not any(n.endswith((".png", ".svg")) for n in names), "--format pdf wrote %s", names)
    pdf = read(os.path.join(a.out, "raster.pdf"))
    check(pdf.startswith(b"%PDF-") and b"%%EOF" in pdf[-32:], "raster.pdf is not a PDF")
    check(b"/Title (cuba: spikes of E, I)" in pdf, "raster.pdf has no title naming the model")
    check(b"/Title (cuba: E.v)" in read(os.path.join(a.out, "E_v.pdf")), "E_v.pdf title")
    clean(a.out)
    plot_ok(snnc, a.out, "--format", "svg")
    for name in ("raster.svg", "E_v.svg", "I_v.svg"):
        title, _ = svg_texts(os.path.join(a.out, name))
        check(title.startswith("cuba: "), "%s title '%s'", name, title)


def same_figures(npy, csv, names, what):
    for name in names:
        p, q = os.path.join(npy.out, name), os.path.join(csv.out, name)
        check(os.path.exists(p) and os.path.exists(q), "%s: no %s", what, name)
        check(read(p) == read(q), "%s: %s differs between .npy and .csv output", what, name)


def test_csv(snnc, a):
    b = run(snnc, model("cuba.snn"), "--duration", "500ms", "--format", "csv")
    check(os.path.exists(os.path.join(b.out, "E_v.csv")), "no CSV output")
    for args in ([], ["--neurons", "E[100:300],I[0:3]", "--window", "100ms:300ms",
                      "--size", "800x600"]):
        clean(a.out)
        clean(b.out)
        plot_ok(snnc, a.out, *args)
        plot_ok(snnc, b.out, *args)
        state = "I_v.png" if args else "E_v.png"  # E[100:300] holds no recorded neuron
        same_figures(a, b, ["raster.png", "raster.svg", state], "cuba %s" % args)
    # snnc run --plot on CSV output (once refused), with the options.
    c = run(snnc, model("cuba.snn"), "--duration", "200ms", "--format", "csv", "--plot-format",
            "pdf", "--plot-neurons", "0:10")
    check(read(os.path.join(c.out, "raster.pdf")).startswith(b"%PDF"), "run --plot on CSV")

    # Synaptic records (trajectories and histograms) and modulators.
    s1 = run(snnc, model("song2000.snn"), "--duration", "2s")
    s2 = run(snnc, model("song2000.snn"), "--duration", "2s", "--format", "csv")
    plot_ok(snnc, s1.out, "--at", "0s,1s,2s")
    plot_ok(snnc, s2.out, "--at", "0s,1s,2s")
    same_figures(s1, s2, ["raster.png", "Inputs-Out_w.png", "Inputs-Out_w_hist.png",
                          "Inputs-Out_apre.png"], "song2000")
    m1 = run(snnc, model("modulators.snn"))
    m2 = run(snnc, model("modulators.snn"), "--format", "csv")
    plot_ok(snnc, m1.out)
    plot_ok(snnc, m2.out)
    same_figures(m1, m2, ["dopamine.png", "dopamine_rewards.png", "lottery.png", "P_v.png"],
                 "modulators")
    # A damaged CSV file is named, with its line.
    with open(os.path.join(b.out, "E_v.csv"), "a") as f:
        f.write("0.5,1,2\n")
    r = plot(snnc, b.out)
    check(r.returncode == 1 and "E_v.csv' line" in r.stderr, "damaged CSV: %d %s", r.returncode,
          r.stderr)


def test_bad(snnc, a):
    for args, code, msg in ((["--size", "0x5"], 2, "--size 0x5"),
                            (["--size", "big"], 2, "WIDTHxHEIGHT"),
                            (["--neurons", "5:2"], 2, "--neurons 5:2 selects no neuron"),
                            (["--neurons", "E[1:"], 2, "close the slice"),
                            (["--format", "gif"], 2, "--format gif: use png, svg or pdf"),
                            (["--window", "2s:3s"], 1, "outside the run"),
                            (["--window", "300ms:100ms"], 2, "the end must come after"),
                            (["--window", "1s"], 2, "START:END"),
                            (["--window", "1mV:2s"], 2, "is not a time"),
                            (["--neurons", "X[0:3]"], 1, "no population 'X'"),
                            (["--neurons", "5000:6000"], 1, "selects none of the recorded"),
                            (["--colour", "red"], 2, "unknown option '--colour'"),
                            (["--size"], 2, "--size needs a value")):
        r = plot(snnc, a.out, *args)
        check(r.returncode == code and msg in r.stderr, "plot %s: exit %d, %s", args,
              r.returncode, r.stderr)
    r = subprocess.run([snnc, "run", model("cuba.snn"), "--quiet", "--out", a.out,
                        "--plot-size", "0x5"], capture_output=True, text=True)
    check(r.returncode == 2 and "--plot-size 0x5" in r.stderr, "run --plot-size 0x5: %d %s",
          r.returncode, r.stderr)


def test():
    snnc = snnc_path()
    a = run(snnc, model("cuba.snn"), "--duration", "500ms")
    test_subsets(snnc, a)
    test_size_format(snnc, a)
    test_csv(snnc, a)
    test_bad(snnc, a)


main(test)
