"""The plasticity models of the standard library against a second implementation.

stdlib_plasticity.snn connects three spike trains to two relays through every
plasticity model of stdlib/synapses (stdp.snn, reward.snn, short_term.snn).
This script takes the spike times the run recorded and recomputes every
monitored variable of every synapse, sample by sample, with an event-driven
implementation of the rules as the model files state them, in which each
synapse keeps its own copy of every trace (the compiler keeps per-neuron
copies where it can: the results must not tell).  The step follows
docs/language.md, section 15: samples at t_n, then every blocks, then the
clock-driven equations, then on_pre of the step's presynaptic spikes before
on_post of its postsynaptic ones; dopamine decays with tau 200 ms and gets
0.5 at the end of every 20 ms.
"""
import math

import numpy as np

from snntest import check, main, model, run, snnc_path

DT = 1e-4
STEPS = 2000
SAMPLE = 10   # every 1 ms


class Trace:
    """x' = (rest - x) / tau between events, solved exactly."""

    def __init__(self, tau, value=0.0, rest=0.0):
        self.tau, self.value, self.rest, self.step = tau, value, rest, 0

    def at(self, n):
        f = math.exp(-((n - self.step) * DT) / self.tau)
        return self.rest + (self.value - self.rest) * f

    def set(self, n, v):
        self.value, self.step = v, n


def dopamine():
    decay, m, value = math.exp(-DT / 0.2), np.empty(STEPS), 0.0
    for n in range(STEPS):
        m[n] = value
        value = value * decay + (0.5 if (n + 1) % 200 == 0 else 0.0)
    return m


class Synapse:
    def __init__(self, rule):
        self.rule = rule
        ms = 1e-3
        if rule in ("Add", "Near", "Mult"):
            self.w = 0.5
            self.apre, self.apost = Trace(20 * ms), Trace(20 * ms)
        elif rule == "Trip":
            self.w = 0.5
            self.r1, self.r2 = Trace(16.8 * ms), Trace(101 * ms)
            self.o1, self.o2 = Trace(33.7 * ms), Trace(125 * ms)
        elif rule == "Da":
            self.w, self.c = 1.0, 0.0
            self.apre, self.apost = Trace(19.5 * ms), Trace(19.5 * ms)
        elif rule in ("Flor", "FlorB"):
            self.w = 0.5
            self.apre, self.apost = Trace(20 * ms), Trace(20 * ms)
            self.z = Trace(25 * ms)
        elif rule == "Stp":
            self.u, self.x = Trace(50 * ms, 0.5, 0.5), Trace(200 * ms, 1.0, 1.0)

    def sample(self, n):
        r = self.rule
        if r == "Da":
            return {"w": self.w, "c": self.c}
        if r in ("Flor", "FlorB"):
            return {"w": self.w, "z": self.z.at(n)}
        if r == "Stp":
            return {"u": self.u.at(n), "x": self.x.at(n)}
        return {"w": self.w}

    def every(self, n, da):
        if self.rule == "Da" and n % 100 == 0:
            self.w = min(max(self.w + (0.002 + da) * self.c, 0.0), 4.0)
            self.c *= 0.99
        if self.rule == "FlorB" and n % 10 == 0:  # every 1 ms, Euler, kept in [0, 1]
            self.w = min(max(self.w + 200.0 * da * self.z.at(n) * 1e-3, 0.0), 1.0)

    def clock(self, n, da):
        if self.rule == "Flor":
            self.w += DT * 200.0 * da * self.z.at(n)

    def on_pre(self, n):
        r = self.rule
        clip = lambda v: min(max(v, 0.0), 1.0)
        if r in ("Add", "Near"):
            self.apre.set(n, 0.01 if r == "Near" else self.apre.at(n) + 0.01)
            self.w = clip(self.w - self.apost.at(n))
        elif r == "Mult":
            self.apre.set(n, self.apre.at(n) + 0.01)
            self.w = max(self.w - self.w * self.apost.at(n), 0.0)
        elif r == "Trip":
            self.w = clip(self.w - self.o1.at(n) * (7e-3 + 2.3e-4 * self.r2.at(n)))
            self.r1.set(n, self.r1.at(n) + 1)
            self.r2.set(n, self.r2.at(n) + 1)
        elif r == "Da":
            self.apre.set(n, 0.1)
            self.c -= 1.5 * self.apost.at(n)
        elif r in ("Flor", "FlorB"):
            self.apre.set(n, self.apre.at(n) + 1)
            self.z.set(n, self.z.at(n) + self.apost.at(n))
        elif r == "Stp":
            u = self.u.at(n)
            u += 0.5 * (1 - u)
            self.u.set(n, u)
            x = self.x.at(n)
            self.x.set(n, x - u * x)

    def on_post(self, n):
        r = self.rule
        clip = lambda v: min(max(v, 0.0), 1.0)
        if r in ("Add", "Near"):
            self.apost.set(n, 0.0105 if r == "Near" else self.apost.at(n) + 0.0105)
            self.w = clip(self.w + self.apre.at(n))
        elif r == "Mult":
            self.apost.set(n, self.apost.at(n) + 0.003)
            self.w = self.w + self.apre.at(n)
        elif r == "Trip":
            self.w = clip(self.w + self.r1.at(n) * (0.005 + 6.2e-3 * self.o2.at(n)))
            self.o1.set(n, self.o1.at(n) + 1)
            self.o2.set(n, self.o2.at(n) + 1)
        elif r == "Da":
            self.apost.set(n, 0.1)
            self.c += self.apre.at(n)
        elif r in ("Flor", "FlorB"):
            self.apost.set(n, self.apost.at(n) - 1)
            self.z.set(n, self.z.at(n) + self.apre.at(n))


def reference(rule, pairs, pre_steps, post_steps, da):
    syns = [Synapse(rule) for _ in pairs]
    samples = []
    for n in range(STEPS):
        if n % SAMPLE == 0:
            samples.append([s.sample(n) for s in syns])
        for s in syns:
            s.every(n, da[n])
            s.clock(n, da[n])
        for s, (i, j) in zip(syns, pairs):
            if n in pre_steps[i]:
                s.on_pre(n)
        for s, (i, j) in zip(syns, pairs):
            if n in post_steps[j]:
                s.on_post(n)
    # A synaptic monitor also records the values the run ends with.
    samples.append([s.sample(STEPS) for s in syns])
    return samples


def steps_by_neuron(t, idx, n):
    out = [set() for _ in range(n)]
    for time, i in zip(t, idx):
        out[int(i)].add(int(round(time / DT)))
    return out


def test():
    r = run(snnc_path(), model("stdlib_plasticity.snn"))
    pre = steps_by_neuron(*r.spikes("pre"), 3)
    post = steps_by_neuron(*r.spikes("Q"), 2)
    check([sorted(p) for p in post] == [[150, 320, 550, 900], [120, 450, 700]],
          "relay spikes %s", post)
    da = dopamine()
    check(np.max(np.abs(r.npy("dopamine")[::1] - da)) < 1e-12, "dopamine differs")
    rules = {"Add": ["w"], "Near": ["w"], "Mult": ["w"], "Trip": ["w"], "Da": ["w", "c"],
             "Flor": ["w", "z"], "FlorB": ["w", "z"], "Stp": ["u", "x"]}
    for rule, names in rules.items():
        pairs = list(zip(r.npy(rule + "_%s_i" % names[0]).tolist(),
                         r.npy(rule + "_%s_j" % names[0]).tolist()))
        check(len(pairs) == 6, "%s: %d synapses", rule, len(pairs))
        want = reference(rule, pairs, pre, post, da)
        for name in names:
            got = r.npy(rule + "_" + name)
            ref = np.array([[s[name] for s in row] for row in want])
            check(got.shape == ref.shape, "%s.%s: shape %s, expected %s", rule, name, got.shape,
                  ref.shape)
            worst = np.max(np.abs(got - ref))
            check(worst < 1e-12, "%s.%s differs by %g (sample %d)", rule, name, worst,
                  int(np.argmax(np.max(np.abs(got - ref), axis=1))))
            check(np.ptp(ref) > 1e-3, "%s.%s hardly moves: the test would not see a wrong rule",
                  rule, name)


main(test)
