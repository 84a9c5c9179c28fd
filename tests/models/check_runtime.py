"""Run-time behaviour: guards, output formats and the run record.

- a state that blows up stops the run, naming population, variable, neuron
  and time, and what was recorded before is kept;
- a population that fires faster than --max-rate stops the run;
- a population or projection that cannot fit in memory is refused before
  it is allocated;
- --format csv writes the same spikes as the .npy files;
- monitors of parts record exactly their neurons and synapses, and a
  synaptic monitor ends with the values at the end of the run;
- summary.json records counts, rates, synapses and phase times;
- bad command-line values and an unusable output folder are refused with a
  message.
"""
import fcntl
import os
import subprocess
import tempfile

import numpy as np

from snntest import check, main, model, run, snnc_path


def test():
    snnc = snnc_path()
    r = run(snnc, model("blowup.snn"), expect_fail=True)
    check("population 'P', variable 'v', neuron 0 became infinite at t = 1.2 ms" in r.stderr and
          "integrated by rk4 with dt = 0.1 ms (its other variables then: w = 0)" in r.stderr and
          "try a smaller --dt" in r.stderr, "blow-up message: %s", r.stderr)
    # Propagators that cannot be computed name the parameter that broke them.
    r = run(snnc, model("lif_const.snn"), "--set", "tau=0ms", expect_fail=True)
    check("cannot compute the exact propagators for dt = 0.1 ms" in r.stderr and
          "tau = 0 ms" in r.stderr, "a zero time constant: %s", r.stderr)
    lif = os.path.join(tempfile.mkdtemp(prefix="snnprop-"), "m.snn")
    with open(lif, "w") as f:
        f.write('import "neurons/lif.snn"\npopulation P = LIF[2]\nrun 1 ms\n')
    r = run(snnc, lif, "--set", "P.C_m=0pF", expect_fail=True)
    check("divide by zero or are not finite with P.C_m = 0 pF" in r.stderr,
          "a zero capacitance: %s", r.stderr)
    r = run(snnc, model("runaway.snn"), expect_fail=True)
    check("population 'P' fired at" in r.stderr and "--max-rate" in r.stderr,
          "runaway message: %s", r.stderr)
    # More threads than cores: the run is right, and a warning says it cannot pay.
    many = str((os.cpu_count() or 1) + 1)
    r = subprocess.run([snnc, "run", model("lif_const.snn"), "--threads", many, "--out",
                        tempfile.mkdtemp(prefix="snnthr-"), "--no-progress"],
                       capture_output=True, text=True)
    check(r.returncode == 0 and "warning: --threads " + many in r.stderr, "--threads %s: %s",
          many, r.stderr)
    # Delays and durations count whole steps: a rounded one is warned about.
    rounded = os.path.join(tempfile.mkdtemp(prefix="snnrd-"), "rounded.snn")
    with open(rounded, "w") as f:
        f.write('import "neurons/lif.snn"\nimport "synapses/static.snn"\n'
                'population P = LIF[2]\nconnect P -> P via Static { all; delay = 0.25 ms }\n'
                'run 1.05 ms\nrun 1 ms\n')
    r = subprocess.run([snnc, "check", rounded], capture_output=True, text=True)
    check(r.returncode == 0 and r.stderr.count("warning:") == 2 and
          "a delay of 0.25 ms is 2.5 steps of 0.1 ms: it is rounded to 3 steps (0.3 ms)"
          in r.stderr and "a run of 1.05 ms is 10.5 steps" in r.stderr,
          "rounding warnings: %s", r.stderr)
    # A 200,000-character name and control bytes in a model: the messages
    # stay short and print no control byte.
    d = tempfile.mkdtemp(prefix="snnmsg-")
    with open(os.path.join(d, "long.snn"), "w") as f:
        f.write('import "neurons/lif.snn"\npopulation P = LIF[1]\nmonitor spikes(%s)\n'
                'run 1 ms\n' % ("A" * 200000))
    with open(os.path.join(d, "raw.snn"), "wb") as f:
        f.write(b'import "neurons/lif.snn"\npopulation P = LIF[1]\nmonitor spikes(Q\x01\x1b[2J)\n')
    r = subprocess.run([snnc, "check", os.path.join(d, "long.snn")], capture_output=True)
    check(r.returncode == 1 and len(r.stderr) < 2000 and b"(200000 characters)" in r.stderr,
          "a long name: %d bytes of messages", len(r.stderr))
    r = subprocess.run([snnc, "check", os.path.join(d, "raw.snn")], capture_output=True)
    check(r.returncode == 1 and b"unexpected byte 0x01" in r.stderr and
          not any(c < 0x20 and c not in (0x0a, 0x09) for c in r.stderr),
          "raw bytes reach the terminal: %r", r.stderr[:300])
    # A folder or a device as the model: said so, not a misleading system text.
    empty = tempfile.mkdtemp(prefix="snndir-")
    for path, why in ((empty, "it is a folder, not a model file"),
                      ("/dev/null", "it is not a regular file"),
                      (os.path.join(empty, "none.snn"), "No such file")):
        r = subprocess.run([snnc, "check", path], capture_output=True, text=True)
        check(r.returncode == 1 and why in r.stderr, "%s: %s", path, r.stderr)
    # One output folder, one run: a second run into a folder in use is refused
    # (the lock is what a running snnc holds), and a run removes what the last
    # run there listed, but nothing else.
    folder = tempfile.mkdtemp(prefix="snnout-")
    fd = os.open(os.path.join(folder, ".snn-lock"), os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    busy = run(snnc, model("lif_const.snn"), out=folder, expect_fail=True)
    check(busy.returncode == 1 and "is in use by another run" in busy.stderr, "busy: %s",
          busy.stderr)
    os.close(fd)
    first = run(snnc, model("weights.snn"), out=folder)
    with open(os.path.join(folder, "notes.txt"), "w") as f:
        f.write("mine\n")
    second = run(snnc, model("lif_const.snn"), out=folder)
    left = set(os.listdir(folder)) - {".snn-lock"}
    check(left == set(second.summary["files"]) | {"summary.json", "notes.txt"},
          "after a second run the folder holds %s; the first wrote %s", sorted(left),
          first.summary["files"])
    # Spike times of one neuron in one step: one spike, and a warning that says so.
    src = os.path.join(tempfile.mkdtemp(prefix="snnsp-"), "merged.snn")
    with open(src, "w") as f:
        f.write('import "neurons/lif.snn"\n'
                'input src = spike_times[2]((0: 10 ms, 10.02 ms, 20 ms), (1: 5 ms, 5 ms))\n'
                'population P = LIF[1]\nmonitor spikes(src)\nrun 30 ms\n')
    w = subprocess.run([snnc, "check", src], capture_output=True, text=True)
    check(w.returncode == 0 and w.stderr.count("warning:") == 2 and
          "neuron 0 spikes at 10 ms and 10.02 ms, in one step of 0.1 ms" in w.stderr,
          "merged spike times: %s", w.stderr)
    merged = run(snnc, src)
    check(list(merged.spikes("src")[1]) == [1, 0, 0], "merged spikes %s", merged.spikes("src"))
    # A run shorter than the guard's window of 100 ms is judged at its end.
    r = run(snnc, model("runaway.snn"), "--duration", "50ms", expect_fail=True)
    check("population 'P' fired at" in r.stderr and "over the 50 ms before t = 50 ms" in r.stderr,
          "a short runaway run: %s", r.stderr)
    r = run(snnc, model("huge.snn"), expect_fail=True)
    check("projection 'A -> A' (about" in r.stderr and "GiB" in r.stderr and "memory available" in r.stderr, "memory message: %s", r.stderr)
    r = run(snnc, model("huge_population.snn"), expect_fail=True)
    check("population 'A' (" in r.stderr and "GiB, more than" in r.stderr, "memory message: %s", r.stderr)
    # Step counts that overflow or could never finish are refused with the numbers
    # (they used to run 0 steps and say "completed", or run for ever).
    for args, steps in ((["--duration", "1e30s"], "1e+34 steps"),
                        (["--dt", "1e-20s", "--duration", "1ms"], "1e+17 steps")):
        r = run(snnc, model("lif_const.snn"), *args, expect_fail=True)
        check(r.returncode == 2 and steps in r.stderr and "1e+12" in r.stderr,
              "%s: status %d, %s", args, r.returncode, r.stderr)

    # The blow-up run keeps its data: summary and the samples before the error.
    out = os.path.join(os.environ.get("TMPDIR", "/tmp"), "snn-blowup-%d" % os.getpid())
    run(snnc, model("blowup.snn"), expect_fail=True, out=out)
    v = np.load(os.path.join(out, "P_v.npy"))
    check(v.shape == (13, 3) and np.all(np.isfinite(v)), "kept samples: shape %s", v.shape)
    import json
    with open(os.path.join(out, "summary.json")) as f:
        s = json.load(f)
    check(s["status"] == "stopped on an error" and "infinite" in s["error"], "summary %s", s)

    # A synaptic value that blows up stops the run the same way.
    r = run(snnc, model("plastic_blowup.snn"), expect_fail=True, out=out + "-plastic")
    check("projection 'src -> P', synapse 3 (1 -> 0), variable 'w' became infinite at t = 2 ms"
          in r.stderr, "plastic blow-up message: %s", r.stderr)
    w = np.load(os.path.join(out + "-plastic", "src-P_w.npy"))
    check(w.shape == (5, 6) and np.all(np.isfinite(w)), "kept weights: shape %s", w.shape)
    r = run(snnc, model("plastic_blowup_trace.snn"), expect_fail=True)
    check("projection 'src -> P', variable 'apre' of presynaptic neuron 1 became infinite at "
          "t = 2 ms" in r.stderr, "trace blow-up message: %s", r.stderr)

    # An output "folder" that is a file: one clear message, no crash.
    blocker = out + "-file"
    with open(blocker, "w") as f:
        f.write("not a folder\n")
    r = run(snnc, model("lif_const.snn"), expect_fail=True, out=blocker)
    check("cannot create the output folder" in r.stderr and "Not a directory" in r.stderr
          and r.stderr.count("error") == 1, "output folder message: %s", r.stderr)

    a = run(snnc, model("lif_const.snn"))
    b = run(snnc, model("lif_const.snn"), "--format", "csv")
    t, i = a.spikes("N")
    rows = np.loadtxt(os.path.join(b.out, "N_spikes.csv"), delimiter=",", skiprows=1, ndmin=2)
    check(np.allclose(rows[:, 0], t) and np.array_equal(rows[:, 1], i),
          "csv spikes %s differ from npy %s", rows[:3], t[:3])
    p = a.population("N")
    check(p["spikes"] == 11 and p["neurons"] == 1 and abs(p["rate_hz"] - 11 / 0.3) < 1e-9,
          "summary population %s", p)
    for phase in ("parse", "check", "codegen", "jit", "network_build", "simulate"):
        check(phase in a.summary["phases_s"], "phase %s missing", phase)
    check(a.summary["parameters"]["tau"]["unit"] == "ms" and
          a.summary["parameters"]["tau"]["value"] == 20, "parameter record %s",
          a.summary["parameters"]["tau"])

    # Derived parameters follow the parameters they are computed from
    # (tau = C / gl; Q's copy is 2 tau), unless set themselves.
    d = run(snnc, model("derived.snn"))
    e = run(snnc, model("derived.snn"), "--set", "gl=20nS")
    f = run(snnc, model("derived.snn"), "--set", "gl=20nS", "--set", "P.tauv=20ms")
    counts = [(r.population("P")["spikes"], r.population("Q")["spikes"]) for r in (d, e, f)]
    check(counts[0][0] > counts[0][1] and counts[1][0] > counts[0][0] and
          counts[1][1] == counts[0][0] and counts[2][0] == counts[0][0],
          "derived parameters: spike counts %s", counts)
    check(abs(e.summary["parameters"]["tau"]["value"] - 10) < 1e-9,
          "derived tau: %s", e.summary["parameters"]["tau"])

    # Weights: columns are synapses, named by the _i/_j files (npy) or by
    # the header (csv), in the same order.
    pairs = [(i, j) for i in range(3) for j in range(4) if (i + j) % 2 == 0]
    w = run(snnc, model("weights.snn"))
    vals, wi, wj = w.npy("src-P_w"), w.npy("src-P_w_i"), w.npy("src-P_w_j")
    check(list(zip(wi.tolist(), wj.tolist())) == pairs, "weight columns %s", list(zip(wi, wj)))
    # Samples at 0, 1 and 2 ms, and the values at the end (3 ms).
    check(vals.shape == (4, len(pairs)) and
          np.array_equal(vals[0], [10 * i + j for i, j in pairs]), "weights %s", vals)
    wc = run(snnc, model("weights.snn"), "--format", "csv")
    with open(os.path.join(wc.out, "src-P_w.csv")) as f:
        header = f.readline().strip().split(",")
    want = ["t_s"] + ["w[%d->%d]_mV" % p for p in pairs]
    check(header == want, "csv weight header %s, expected %s", header, want)
    rows = np.loadtxt(os.path.join(wc.out, "src-P_w.csv"), delimiter=",", skiprows=1, ndmin=2)
    check(np.allclose(rows[:, 1:], vals), "csv weights %s differ from npy %s", rows, vals)

    # Values computed from parameters are checked after --set too.
    run(snnc, model("derived_weight.snn"))
    for name, msg in (("taus", "projection 'src -> A': the synaptic weight is inf"),
                      ("tauw", "projection 'src -> B': the initial value of 'w' is inf for "
                               "synapse 0 (0 -> 0)")):
        r = run(snnc, model("derived_weight.snn"), "--set", name + "=0ms", expect_fail=True)
        check(msg in r.stderr, "--set %s=0ms: %s", name, r.stderr)

    c = run(snnc, model("lif_const.snn"), "--set", "RI=20mV")
    check(c.population("N")["spikes"] > 11, "--set RI=20mV did not raise the rate")
    for bad, msg in ((["--set", "RI=20ms"], "is a voltage (in mV), but 20ms is a time"),
                     (["--set", "nope=1"], "has no parameter 'nope'"),
                     (["--duration", "10"], "give a unit"),
                     (["--dt", "-1ms"], "must be positive"),
                     (["--threads", "0"], "expected a whole number")):
        r = subprocess.run([snnc, "run", model("lif_const.snn")] + bad, capture_output=True,
                           text=True)
        check(r.returncode == 2 and msg in r.stderr, "%s: exit %d, %s", bad, r.returncode,
              r.stderr)


    m = run(snnc, model("monitor_subsets.snn"))
    t3, i3 = m.spikes("src")
    t58, i58 = m.npy("src_spikes_2_t"), m.npy("src_spikes_2_i")
    check(list(i3) == [3, 3] and np.allclose(t3, [0.5e-3, 1.5e-3]), "spikes(src[3]): %s %s",
          i3, t3)
    check(list(i58) == [5, 7] and np.allclose(t58, [0.2e-3, 1.1e-3]), "spikes(src[5:8]): %s %s",
          i58, t58)
    w, wt = m.npy("src-P_w"), m.npy("src-P_w_t")
    check(list(m.npy("src-P_w_i")) == [3, 4] and list(m.npy("src-P_w_j")) == [1, 1],
          "weights(where = ...) columns: %s %s", m.npy("src-P_w_i"), m.npy("src-P_w_j"))
    # One increment per arrival: source 3 at 0.5 and 1.5 ms, source 4 at 0.7 ms.
    check(np.allclose(wt, [0, 1e-3, 2e-3, 2.5e-3]), "weight sample times %s", wt)
    check(np.array_equal(w, [[31, 41], [32, 42], [33, 42], [33, 42]]), "weights %s", w)

    # A plastic synapse's unchanging weight feeds a sum (it crashed the compiler once).
    u = run(snnc, model("unwritten_weight.snn"))
    v = u.npy("P_v")[-1]
    want = [0.1 * (1 + 11 + 11), 0.1 * (2 + 12 + 12)]
    check(np.allclose(v, want, rtol=1e-12), "unwritten weight: v %s, expected %s", v, want)

main(test)
