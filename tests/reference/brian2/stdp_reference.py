"""Reference weights of pair, triplet, short-term and eligibility-trace
plasticity from Brian2, and the snn models that must reproduce them.

Both rules run all to all between 20 presynaptic and 10 postsynaptic spike
trains, fixed in advance (Bernoulli spikes at 15 Hz on the 0.1 ms grid, from
a seeded generator), for 1 s; every synapse starts from its own weight
(10 i + j) / 200.  The pair rule runs twice, without delay and with a 2 ms
axonal delay.  Short-term plasticity (Tsodyks-Markram, u and x of each
presynaptic neuron, event-driven) accumulates u x per synapse.  The
eligibility rule (pair traces feeding a decaying eligibility c, turned into
weight every 10 ms by a run_regularly / every block) runs with c
clock-driven and event-driven, each without delays and with delays that
differ per synapse ((i % 3) ms); Brian2's every block reads an
event-driven c decayed from its last event, which is its value then.  Brian2 drives both ends with SpikeGeneratorGroups; in snn the
postsynaptic neurons are relays that fire one step after their drive, so
the drive trains are the Brian2 trains shifted back by one step.

usage: /usr/bin/python3 stdp_reference.py OUT_JSON MODELS_DIR
(writes OUT_JSON and MODELS_DIR/stdp_brian2_pair.snn, stdp_brian2_triplet.snn)
"""
import json
import os
import sys

import numpy as np

DT_MS = 0.1
T_MS = 1000.0
NPRE, NPOST = 20, 10
RATE_HZ = 15.0
SEED = 20261202

PAIR = dict(taupre=20.0, taupost=20.0, Ap=0.01, Am=0.0105, wmax=1.0)
# Pfister & Gerstner (2006), visual cortex, all-to-all interactions.
STP = dict(U=0.2, tau_f=200.0, tau_d=100.0)
ELIG = dict(taupre=20.0, taupost=20.0, Ap=0.01, Am=0.0105, tau_c=200.0, eta=0.5, wmax=1.0)
TRIPLET = dict(tau_plus=16.8, tau_minus=33.7, tau_x=101.0, tau_y=125.0,
               A2p=5e-10, A3p=6.2e-3, A2m=7e-3, A3m=2.3e-4, wmax=1.0)


def trains(rng, n, first_step):
    """Per neuron, the steps at which it spikes (at least first_step)."""
    steps = int(round(T_MS / DT_MS))
    p = RATE_HZ * DT_MS * 1e-3
    out = []
    for _ in range(n):
        hits = np.nonzero(rng.random(steps) < p)[0]
        out.append([int(k) for k in hits if k >= first_step])
    return out


def brian2_drivers(pre_steps, post_steps):
    """A fresh Brian2 scope at DT_MS with generators replaying both trains."""
    import brian2 as b2
    b2.prefs.codegen.target = "numpy"
    b2.start_scope()
    b2.defaultclock.dt = DT_MS * b2.ms
    ms = b2.ms

    def generator(n, steps):
        idx = [i for i, s in enumerate(steps) for _ in s]
        times = [k * DT_MS for s in steps for k in s]
        return b2.SpikeGeneratorGroup(n, idx, np.array(times) * ms)

    return b2, ms, generator(NPRE, pre_steps), generator(NPOST, post_steps)


def brian2_weights(pre_steps, post_steps, rule, delay_ms):
    b2, ms, pre, post = brian2_drivers(pre_steps, post_steps)
    if rule == "pair":
        c = PAIR
        ns = dict(taupre=c["taupre"] * ms, taupost=c["taupost"] * ms, Ap=c["Ap"], Am=c["Am"],
                  wmax=c["wmax"])
        model = """w : 1
                   dapre/dt = -apre / taupre : 1 (event-driven)
                   dapost/dt = -apost / taupost : 1 (event-driven)"""
        on_pre = "apre += Ap\nw = clip(w - apost, 0, wmax)"
        on_post = "apost += Am\nw = clip(w + apre, 0, wmax)"
    else:
        c = TRIPLET
        ns = {k: (v * ms if k.startswith("tau") else v) for k, v in c.items()}
        model = """w : 1
                   dr1/dt = -r1 / tau_plus : 1 (event-driven)
                   dr2/dt = -r2 / tau_x : 1 (event-driven)
                   do1/dt = -o1 / tau_minus : 1 (event-driven)
                   do2/dt = -o2 / tau_y : 1 (event-driven)"""
        on_pre = "w = clip(w - o1 * (A2m + A3m * r2), 0, wmax)\nr1 += 1\nr2 += 1"
        on_post = "w = clip(w + r1 * (A2p + A3p * o2), 0, wmax)\no1 += 1\no2 += 1"
    syn = b2.Synapses(pre, post, model=model, on_pre=on_pre, on_post=on_post, namespace=ns)
    syn.connect()
    syn.w = "(10 * i + j) / 200.0"
    if delay_ms:
        syn.pre.delay = delay_ms * ms
    net = b2.Network(pre, post, syn)
    net.run(T_MS * ms)
    return {"%d,%d" % (i, j): float(w) for i, j, w in zip(syn.i[:], syn.j[:], syn.w[:])}


def brian2_other(pre_steps, post_steps, rule, delays, event_driven=False):
    """STP (the sum of u x per synapse) or the eligibility rule (weights)."""
    b2, ms, pre, post = brian2_drivers(pre_steps, post_steps)
    if rule == "stp":
        c = STP
        ns = dict(U=c["U"], tau_f=c["tau_f"] * ms, tau_d=c["tau_d"] * ms)
        syn = b2.Synapses(pre, post, model="""eff : 1
            du/dt = (U - u) / tau_f : 1 (event-driven)
            dx/dt = (1 - x) / tau_d : 1 (event-driven)""",
                          on_pre="u += U * (1 - u)\neff += u * x\nx -= u * x", namespace=ns)
        syn.connect()
        syn.u = c["U"]
        syn.x = 1
        net = b2.Network(pre, post, syn)
        net.run(T_MS * ms)
        return {"%d,%d" % (i, j): float(v) for i, j, v in zip(syn.i[:], syn.j[:], syn.eff[:])}
    c = ELIG
    ns = dict(taupre=c["taupre"] * ms, taupost=c["taupost"] * ms, Ap=c["Ap"], Am=c["Am"],
              tau_c=c["tau_c"] * ms, eta=c["eta"], wmax=c["wmax"])
    kind = "event-driven" if event_driven else "clock-driven"
    syn = b2.Synapses(pre, post, model="""w : 1
        dc/dt = -c / tau_c : 1 (%s)
        dapre/dt = -apre / taupre : 1 (event-driven)
        dapost/dt = -apost / taupost : 1 (event-driven)""" % kind,
                      on_pre="apre += Ap\nc -= apost", on_post="apost += Am\nc += apre",
                      method="exact", namespace=ns)
    syn.connect()
    syn.w = "(10 * i + j) / 200.0"
    if delays:
        syn.pre.delay = "(i % 3) * ms"
    # An event-driven c is stored as of its synapse's last event: the
    # every block reads its value now, which is that, decayed since.
    now = "c * exp(-(t - lastupdate) / tau_c)" if event_driven else "c"
    syn.run_regularly("w = clip(w + eta * %s, 0, wmax)" % now, dt=10 * ms)
    net = b2.Network(pre, post, syn)
    net.run(T_MS * ms)
    return {"%d,%d" % (i, j): float(w) for i, j, w in zip(syn.i[:], syn.j[:], syn.w[:])}


def spike_list(steps, shift):
    groups = []
    for i, s in enumerate(steps):
        if s:
            groups.append("(%d: %s)" % (i, ", ".join("%.1f ms" % ((k + shift) * DT_MS) for k in s)))
    return ",\n        ".join(groups)


def write_model(path, rule, pre_steps, post_steps):
    if rule == "stp":
        c = STP
        synapse = """synapse Depressing {
    param U = %g
    state u : 1 = U
    state x : 1 = 1
    state eff : 1 = 0
    du/dt = (U - u) / (%g ms) event-driven
    dx/dt = (1 - x) / (%g ms) event-driven
    on_pre {
        u += U * (1 - u)
        eff += u * x
        x -= u * x
    }
}""" % (c["U"], c["tau_f"], c["tau_d"])
        connects = "connect pre -> Q via Depressing\nmonitor synapses(pre -> Q, eff, every = 1000 ms)"
    elif rule == "eligibility":
        c = ELIG
        body = """    param Ap = %g
    param Am = %g
    param eta = %g
    param wmax = %g
    state w : 1 = (10 * i + j) / 200
    state c : 1 = 0
    trace apre : tau = %g ms
    trace apost : tau = %g ms
    dc/dt = -c / (%g ms) %%s
    on_pre {
        apre += Ap
        c -= apost
    }
    on_post {
        apost += Am
        c += apre
    }
    every 10 ms { w = clip(w + eta * c, 0, wmax) }""" % (c["Ap"], c["Am"], c["eta"], c["wmax"],
                                                     c["taupre"], c["taupost"], c["tau_c"])
        synapse = ("synapse EligibleClock {\n" + body % "clock-driven" + "\n}\n" +
                   "synapse EligibleEvent {\n" + body % "event-driven" + "\n}")
        connects = ("connect pre -> Q via EligibleClock\nconnect pre -> R via EligibleEvent\n"
                    "connect pre -> S via EligibleEvent { delay = (i % 3) * ms }\n"
                    "connect pre -> T via EligibleClock { delay = (i % 3) * ms }\n"
                    "monitor weights(pre -> Q, every = 1000 ms)\n"
                    "monitor weights(pre -> R, every = 1000 ms)\n"
                    "monitor weights(pre -> S, every = 1000 ms)\n"
                    "monitor weights(pre -> T, every = 1000 ms)")
    elif rule == "pair":
        c = PAIR
        synapse = """synapse Pair {
    param Ap = %g
    param Am = %g
    param wmax = %g
    state w : 1 = (10 * i + j) / 200
    trace apre : tau = %g ms
    trace apost : tau = %g ms
    on_pre {
        apre += Ap
        w = clip(w - apost, 0, wmax)
    }
    on_post {
        apost += Am
        w = clip(w + apre, 0, wmax)
    }
}""" % (c["Ap"], c["Am"], c["wmax"], c["taupre"], c["taupost"])
        connects = ("connect pre -> Q via Pair\nconnect pre -> R via Pair { delay = 2 ms }\n"
                    "monitor weights(pre -> Q, every = 1000 ms)\n"
                    "monitor weights(pre -> R, every = 1000 ms)")
    else:
        c = TRIPLET
        synapse = """synapse Triplet {
    param A2p = %g
    param A3p = %g
    param A2m = %g
    param A3m = %g
    param wmax = %g
    state w : 1 = (10 * i + j) / 200
    trace r1 : tau = %g ms
    trace r2 : tau = %g ms
    trace o1 : tau = %g ms
    trace o2 : tau = %g ms
    on_pre {
        w = clip(w - o1 * (A2m + A3m * r2), 0, wmax)
        r1 += 1
        r2 += 1
    }
    on_post {
        w = clip(w + r1 * (A2p + A3p * o2), 0, wmax)
        o1 += 1
        o2 += 1
    }
}""" % (c["A2p"], c["A3p"], c["A2m"], c["A3m"], c["wmax"], c["tau_plus"], c["tau_x"],
        c["tau_minus"], c["tau_y"])
        connects = "connect pre -> Q via Triplet\nmonitor weights(pre -> Q, every = 1000 ms)"
    targets = {"pair": "QR", "eligibility": "QRST"}.get(rule, "Q")
    relays = ""
    for name in targets:
        relays += ("population %s = Relay[%d]\nconnect drive -> %s via Kick { one_to_one }\n" %
                   (name, NPOST, name))
    text = """# %s plasticity, all to all, from fixed spike trains: generated with the Brian2
# reference weights by tests/reference/brian2/stdp_reference.py (do not edit).
# The relays fire one step after their drive, on the Brian2 post trains.
neuron Relay {
    state v : mV = 0 mV
    dv/dt = -v / (10 ms)
    spike when v > 10 mV
    reset { v = 0 mV }
}
synapse Kick { on_pre { post.v += 20 mV } }
%s
input pre = spike_times[%d](
        %s)
input drive = spike_times[%d](
        %s)
%s%s
run 1000.1 ms
""" % ({"stp": "Short-term", "eligibility": "Eligibility-trace"}.get(rule, rule.capitalize() + " STDP"), synapse, NPRE, spike_list(pre_steps, 0), NPOST,
       spike_list(post_steps, -1), relays, connects)
    with open(path, "w") as f:
        f.write(text)


def main():
    out_json, models = sys.argv[1], sys.argv[2]
    rng = np.random.default_rng(SEED)
    pre_steps = trains(rng, NPRE, 0)
    post_steps = trains(rng, NPOST, 1)
    import brian2
    result = {
        "brian2": brian2.__version__,
        "dt_ms": DT_MS, "duration_ms": T_MS, "npre": NPRE, "npost": NPOST,
        "pair": brian2_weights(pre_steps, post_steps, "pair", 0),
        "pair_delay_2ms": brian2_weights(pre_steps, post_steps, "pair", 2.0),
        "triplet": brian2_weights(pre_steps, post_steps, "triplet", 0),
        "stp_eff": brian2_other(pre_steps, post_steps, "stp", False),
        "eligibility": brian2_other(pre_steps, post_steps, "eligibility", False),
        "eligibility_delays": brian2_other(pre_steps, post_steps, "eligibility", True),
        "eligibility_event": brian2_other(pre_steps, post_steps, "eligibility", False, True),
        "eligibility_event_delays": brian2_other(pre_steps, post_steps, "eligibility", True,
                                                 True),
        "pre_spikes": sum(len(s) for s in pre_steps),
        "post_spikes": sum(len(s) for s in post_steps),
    }
    with open(out_json, "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
    write_model(os.path.join(models, "stdp_brian2_pair.snn"), "pair", pre_steps, post_steps)
    write_model(os.path.join(models, "stdp_brian2_triplet.snn"), "triplet", pre_steps, post_steps)
    write_model(os.path.join(models, "stdp_brian2_stp.snn"), "stp", pre_steps, post_steps)
    write_model(os.path.join(models, "stdp_brian2_eligibility.snn"), "eligibility", pre_steps,
                post_steps)


if __name__ == "__main__":
    main()
