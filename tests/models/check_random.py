"""Random draws in synapse code (stochastic.snn).

Each synapse draws anew at each event, with a stream of its own connection:
over 40 events of 200 synapses with probability 0.3, the counts per synapse
are binomial(40, 0.3) (mean and variance), two connections of one synapse
model are uncorrelated, and so are the random initial values of two
populations of one neuron model.  The same seed gives the same draws with
one or two threads; another seed gives others.
"""
import math

import numpy as np

from snntest import check, main, model, run, snnc_path

N_EVENTS, P = 40, 0.3


def counts(r, proj):
    w = r.npy("src-%s_w" % proj)
    # Samples at 0 and 45 ms, and the values at the end (46 ms).
    check(w.shape == (3, 200) and np.all(w[0] == 0), "%s: weights %s", proj, w.shape)
    return w[1]


def test():
    snnc = snnc_path()
    r = run(snnc, model("stochastic.snn"))
    a, b = counts(r, "A"), counts(r, "B")
    mean_sd = math.sqrt(P * (1 - P) / (N_EVENTS * len(a)))
    var = N_EVENTS * P * (1 - P)
    for name, c in (("A", a), ("B", b)):
        check(abs(c.mean() / N_EVENTS - P) < 4 * mean_sd, "%s: mean %g, expected %g",
              name, c.mean() / N_EVENTS, P)
        check(0.6 * var < c.var() < 1.5 * var, "%s: variance %g, binomial %g (were the "
              "draws the same at every event?)", name, c.var(), var)
    check(abs(np.corrcoef(a, b)[0, 1]) < 0.25, "connections A and B drew alike: r = %g",
          np.corrcoef(a, b)[0, 1])
    ua, ub = r.npy("A_u")[0], r.npy("B_u")[0]
    check(abs(np.corrcoef(ua, ub)[0, 1]) < 0.25 and 0.4 < ua.mean() < 0.6,
          "initial values of A and B: r = %g", np.corrcoef(ua, ub)[0, 1])

    two = run(snnc, model("stochastic.snn"), "--threads", "2")
    check(np.array_equal(counts(two, "A"), a) and np.array_equal(counts(two, "B"), b),
          "two threads drew differently")
    other = run(snnc, model("stochastic.snn"), "--seed", "7")
    check(not np.array_equal(counts(other, "A"), a), "another seed drew the same")


main(test)
