"""Hodgkin-Huxley (RK4): convergence in dt and the type II onset.

- the spike times of a run at dt = 0.01 ms and of a run at 0.005 ms agree
  to within one step for the first 500 ms;
- the f-I curve starts repetitive firing between 5.5 and 7.5 uA/cm^2
  (about 6.2 for the classic parameters) and starts it at a high rate, as
  a type II (Hopf) neuron does, instead of rising from zero.
"""
import numpy as np

from snntest import check, main, model, run, snnc_path

DI = 0.25  # uA/cm^2 per neuron index, as in hh.snn


def spikes_by_neuron(t, i, n):
    return [t[i == k] * 1e3 for k in range(n)]


def test():
    snnc = snnc_path()
    a = run(snnc, model("hh.snn"), "--dt", "0.01ms")
    b = run(snnc, model("hh.snn"), "--dt", "0.005ms")
    sa = spikes_by_neuron(*a.spikes("P"), 61)
    sb = spikes_by_neuron(*b.spikes("P"), 61)
    for k in range(61):
        check(len(sa[k]) == len(sb[k]), "I = %g: %d spikes at dt 0.01 ms, %d at 0.005 ms",
              k * DI, len(sa[k]), len(sb[k]))
        if len(sa[k]):
            worst = np.abs(sa[k] - sb[k]).max()
            check(worst <= 0.01 + 1e-9, "I = %g: spike times differ by %.4f ms between dt "
                  "0.01 and 0.005 ms", k * DI, worst)
    # Rate over the last 300 ms, after the transient.
    rates = np.array([((s > 200) & (s <= 500)).sum() / 0.3 for s in sa])
    firing = np.nonzero(rates > 0)[0]
    check(len(firing) > 0, "no neuron fires repetitively")
    onset = firing[0] * DI
    check(5.5 <= onset <= 7.5, "repetitive firing starts at %g uA/cm^2, expected 5.5 to 7.5",
          onset)
    check(rates[firing[0]] > 40, "firing starts at %.1f Hz; a type II neuron starts near "
          "50 Hz", rates[firing[0]])
    check(np.all(rates[firing[0]:] > 0), "firing stops again above the onset: %s", rates)
    check(rates[-1] > rates[firing[0]], "the rate does not grow with the current: %s", rates)


main(test)
