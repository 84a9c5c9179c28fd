"""An output folder removed or replaced while a run writes into it.

The open monitor files would go on writing into removed files and the
run would end "successfully" with nothing on disk.  The run must stop at
its next flush (every 2 s of wall time) with a message naming the folder,
exit 1, and not recreate the folder; when the folder was moved away and a
new one put in its place, the moved folder keeps valid .npy files.

usage: check_output_lost.py SNNC REFERENCE_DIR
"""
import os
import shutil
import subprocess
import tempfile
import time

import numpy as np

from snntest import check, main, model, snnc_path


def start(snnc, out):
    cmd = [snnc, "run", model("cuba.snn"), "--duration", "1000s", "--out", out, "--no-progress"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = os.path.join(out, "E_spikes_t.npy")
    for _ in range(600):
        if os.path.exists(first) or proc.poll() is not None:
            break
        time.sleep(0.05)
    check(proc.poll() is None and os.path.exists(first), "the run did not start writing")
    time.sleep(0.3)
    return proc


def finish(proc):
    try:
        _, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("the run went on after its output folder was lost")
    return proc.returncode, err


def test():
    snnc = snnc_path()
    work = tempfile.mkdtemp(prefix="snnlost-")

    out = os.path.join(work, "removed")
    proc = start(snnc, out)
    shutil.rmtree(out)
    rc, err = finish(proc)
    check(rc == 1 and "the output folder '%s' is gone" % out in err, "removed: %d %s", rc, err)
    check(not os.path.exists(out), "the folder was created again")

    out = os.path.join(work, "replaced")
    moved = os.path.join(work, "moved")
    proc = start(snnc, out)
    os.rename(out, moved)
    os.mkdir(out)
    rc, err = finish(proc)
    check(rc == 1 and "'%s' was replaced by another" % out in err, "replaced: %d %s", rc, err)
    check(os.listdir(out) == [], "files went to the new folder: %s", os.listdir(out))
    t = np.load(os.path.join(moved, "E_spikes_t.npy"))
    i = np.load(os.path.join(moved, "E_spikes_i.npy"))
    check(len(t) == len(i) and len(t) > 1000, "the moved folder's files: %d and %d rows",
          len(t), len(i))


main(test)
