"""One synapse model on two connections whose target models differ.

Each connection is checked and compiled with its own copy of the synapse
code: `post.k` is the constant 2 for targets of model Two and 3 for Three,
and `post.gain` is each target's own definition (10 g with g = 1, and
100 g with g = 2), read through the event code.  A kick arriving in step
11 (the input spikes at 1 ms) decays for 9 steps of 0.1 ms with tau = 10 ms
by t = 2 ms, exactly.
"""
import math

import numpy as np

from snntest import check, main, model, run, snnc_path


def test():
    r = run(snnc_path(), model("two_ends.snn"))
    decay = math.exp(-0.9 / 10)
    for pop, kick in (("A", 2), ("B", 3), ("C", 10), ("D", 200)):
        v = r.npy(pop + "_v")
        check(v.shape == (3, 1) and v[0, 0] == 0 and v[1, 0] == 0,
              "%s: %s before the kick", pop, v[:, 0])
        check(abs(v[2, 0] - kick * decay) < 1e-12 * kick,
              "%s: v(2 ms) = %r mV, expected %r", pop, v[2, 0], kick * decay)


main(test)
