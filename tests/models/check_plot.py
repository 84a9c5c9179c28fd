"""snnc plot on the output of plastic runs.

- Song 2000 for 20 s (spikes, a rate, the weights of all 1000 synapses and
  two variables of four of them): raster.png, one trajectory figure per
  synaptic record with a histogram figure for the record of every synapse;
  --at picks the histograms' times;
- a run with modulators and rewards: one figure per modulator and one of
  the rewards it got;
- bad --at values and a corrupt record are refused with a message naming
  them, and a non-zero exit.
Every figure is checked to be a PNG of the default size (the pixels are
checked by the unit test of the figure modules, tests/unit/test_plot.c).
"""
import os
import shutil
import struct
import subprocess

from snntest import check, main, model, run, snnc_path


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    check(head[:8] == b"\x89PNG\r\n\x1a\n", "%s is not a PNG", path)
    return struct.unpack(">II", head[16:24])


def plot(snnc, *args):
    return subprocess.run([snnc, "plot"] + list(args), capture_output=True, text=True)


def test():
    snnc = snnc_path()
    song = run(snnc, model("song2000.snn"), "--duration", "20s")
    r = plot(snnc, song.out, "--at", "0s,10s,20s")
    check(r.returncode == 0, "snnc plot failed: %s", r.stderr)
    for name in ("raster.png", "Inputs-Out_w.png", "Inputs-Out_w_hist.png", "Inputs-Out_w_2.png",
                 "Inputs-Out_apre.png", "raster.svg"):
        path = os.path.join(song.out, name)
        check(os.path.exists(path), "snnc plot wrote no %s", name)
        if name.endswith(".png"):
            check(png_size(path)[0] == 960, "%s: width %d", name, png_size(path)[0])
    # Four synapses recorded: trajectories only.
    check(not os.path.exists(os.path.join(song.out, "Inputs-Out_w_2_hist.png")),
          "a histogram of a record of four synapses")

    mod = run(snnc, model("modulators.snn"))
    # A record that summary.json does not list (another run's) is not drawn.
    shutil.copy(os.path.join(mod.out, "P_v.npy"), os.path.join(mod.out, "Q_v.npy"))
    shutil.copy(os.path.join(mod.out, "P_v_t.npy"), os.path.join(mod.out, "Q_v_t.npy"))
    r = plot(snnc, mod.out)
    check(not os.path.exists(os.path.join(mod.out, "Q_v.png")), "plot drew a file of no run")
    check(r.returncode == 0, "snnc plot failed: %s", r.stderr)
    for name in ("dopamine.png", "dopamine_rewards.png", "lottery.png", "P_v.png"):
        check(os.path.exists(os.path.join(mod.out, name)), "snnc plot wrote no %s", name)

    for bad, msg in ((["--at", "10mV"], "is not a time"), (["--at", ""], "needs times"),
                     (["--at", "1s,2s,3s,4s,5s,6s,7s,8s,9s"], "at most 8"),
                     (["--at"], "usage")):
        r = plot(snnc, song.out, *bad)
        check(r.returncode == 2 and msg in r.stderr, "plot %s: exit %d, %s", bad, r.returncode,
              r.stderr)
    with open(os.path.join(song.out, "Inputs-Out_w_2_t.npy"), "wb") as f:
        f.write(b"not a numpy file")
    r = plot(snnc, song.out)
    check(r.returncode == 1 and "Inputs-Out_w_2_t.npy" in r.stderr,
          "corrupt record: exit %d, %s", r.returncode, r.stderr)


main(test)
