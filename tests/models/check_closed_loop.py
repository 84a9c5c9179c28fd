"""The closed loop: a network trained on an environment (environment,
encode, decode, reward, train; docs/environments.md).

- Decisions: a network that always chooses action 1 reproduces, episode by
  episode, what `snnc env run cartpole --actions 1,1,...` gives from the same
  seed (returns and lengths in episode_return.npy, episode_length.npy and
  summary.json), in the JIT and in a native binary, byte for byte.
- Encoders against their formulas, on the probe environment (a constant
  observation; tests/envs/probe_env.c): population_rate's Gaussian fields
  and poisson_rate's linear rate, counted over 20 s; current's input, through
  the LIF equation's closed-form solution.
- Decoders: membrane and first_spike choose the neuron they should; a silent
  network's ties are broken at random (about half of the actions), the same
  way for the same seed and otherwise for another.
- Rewards: each step's `2 * reward - 0.5` reaches the modulator, once per
  step, and `+ 3 * ENV.terminated` adds 3 at the step that ends an episode.
- Training: --episodes overrides the train statement; until stops early;
  the bandit example (examples/bandit_rstdp.snn) learns the better lever,
  and does not with its learning rate set to 0; its learning signals (the
  reward given to dopamine, the mean weight) agree with the returns and with
  the weight monitor.
- Strategy A (agents on In -> Out): with weight and position as state the
  agents learn the probe's rewarded action (raising the weights onto its
  neuron), with one state (--features "") they do not; the explored
  fraction is epsilon; deciding once per episode against a baseline of
  recent returns, they learn it too; the same seed learns the same in two threads and in
  a native binary; a bad --features is refused naming the projection.
- examples/ablate.py: one row per state space and the baseline, every
  seed's curve, each row run with its own --features; a bad spaces file
  is refused with its line.
- Bad input: a missing library at run time, --episodes on a model without an
  environment or with a bad count, an environment whose observation turns
  NaN or whose step fails mid-episode: clear errors naming it, status 1,
  summary.json "stopped on an error" and valid episode files.

usage: check_closed_loop.py SNNC REFERENCE_DIR LIBPROBE LIBBANDIT LIBFAULTY1 LIBFAULTY6
"""
import filecmp
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

from snntest import ROOT as ROOT_DIR, check, main, model, run, snnc_path

WORK = tempfile.mkdtemp(prefix="snnloop-")


def staged(name, libs, replace=()):
    """A copy of model `name` in WORK with the environment libraries beside
    it (libprobe.so, libbandit.so), optionally with text replaced."""
    with open(model(name)) as f:
        text = f.read()
    for old, new in replace:
        check(old in text, "%s has no '%s' to replace", name, old)
        text = text.replace(old, new)
    d = tempfile.mkdtemp(dir=WORK)
    for lib, path in libs.items():
        shutil.copy(path, os.path.join(d, lib))
    path = os.path.join(d, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def episodes(r):
    ret, length = r.npy("episode_return"), r.npy("episode_length")
    t = r.summary["training"]
    check(list(ret) == t["returns"] and list(length) == t["lengths"],
          "the .npy files and summary.json disagree: %s %s / %s", ret, length, t)
    check(length.dtype == np.int64 and ret.dtype == np.float64, "dtypes %s %s", ret.dtype,
          length.dtype)
    check("episode_return.npy" in r.summary["files"], "files: %s", r.summary["files"])
    return ret, length


def test_cartpole_right(snnc):
    r = run(snnc, model("loop_cartpole_right.snn"))
    ret, length = episodes(r)
    env = subprocess.run([snnc, "env", "run", "cartpole", "--seed", "42", "--episodes", "3",
                          "--actions", ",".join(["1"] * 600)], capture_output=True, text=True)
    check(env.returncode == 0, "snnc env run failed: %s", env.stderr)
    steps = [json.loads(line) for line in env.stdout.splitlines()]
    want_len = [sum(1 for s in steps if s.get("episode") == e and "action" in s)
                for e in (1, 2, 3)]
    check(list(length) == want_len and list(ret) == want_len,
          "always pushing right: episodes %s, returns %s; snnc env run gives %s",
          list(length), list(ret), want_len)
    t = r.summary["training"]
    check(t["episodes"] == 3 and t["environment_steps"] == sum(want_len) and
          t["environment"] == "cart", "training record %s", t)
    # The network ran one window of 20 ms per environment step.
    check(abs(r.summary["simulated_s"] - 0.02 * sum(want_len)) < 1e-9,
          "simulated %s s for %d steps", r.summary["simulated_s"], sum(want_len))

    exe = os.path.join(WORK, "right")
    b = subprocess.run([snnc, "build", model("loop_cartpole_right.snn"), "-o", exe],
                       capture_output=True, text=True)
    check(b.returncode == 0, "snnc build failed: %s", b.stderr)
    out = os.path.join(WORK, "right-native")
    n = subprocess.run([exe, "--quiet", "--out", out], capture_output=True, text=True)
    check(n.returncode == 0, "the native binary failed: %s", n.stderr)
    for f in ("episode_return.npy", "episode_length.npy", "In_spikes_t.npy", "In_spikes_i.npy"):
        check(filecmp.cmp(os.path.join(r.out, f), os.path.join(out, f), False),
              "%s differs between snnc run and the native binary", f)

    more = run(snnc, model("loop_cartpole_right.snn"), "--episodes", "7")
    check(len(episodes(more)[0]) == 7 and more.summary["training"]["episodes_planned"] == 7,
          "--episodes 7 gave %s", more.summary["training"])
    bad = run(snnc, model("loop_cartpole_right.snn"), "--episodes", "0", expect_fail=True)
    check("--episodes" in bad.stderr, "--episodes 0: %s", bad.stderr)
    bad = run(snnc, model("loop_cartpole_right.snn"), "--duration", "1s", expect_fail=True)
    check(bad.returncode == 2 and "--episodes" in bad.stderr, "--duration: %s", bad.stderr)
    bad = run(snnc, model("lif_const.snn"), "--episodes", "3", expect_fail=True)
    check("no environment" in bad.stderr, "--episodes without an environment: %s", bad.stderr)


def test_rates(snnc, libs):
    path = staged("loop_rates.snn", libs)
    r = run(snnc, path, "--episodes", "2")
    ret, length = episodes(r)
    check(list(length) == [500, 500], "lengths %s", length)
    seconds = r.summary["simulated_s"]
    check(abs(seconds - 20.0) < 1e-9, "simulated %s s", seconds)
    t, i = r.spikes("Fields")
    x, spacing = 0.3, 1 / 7
    for m in range(8):
        rate = 200 * math.exp(-0.5 * ((x - m * spacing) / spacing) ** 2)
        n = int(np.sum(i == m))
        expected = rate * seconds
        check(abs(n - expected) <= 5 * math.sqrt(expected) + 2,
              "Fields[%d]: %d spikes, expected %.1f (a Gaussian field at %.3f)", m, n,
              expected, m * spacing)
    _, ri = r.spikes("Rate")
    expected = 100 * (1 - x) * seconds
    check(abs(len(ri) - expected) <= 5 * math.sqrt(expected),
          "Rate: %d spikes, expected %.0f", len(ri), expected)
    # A silent Out: every decision a coin flip.  Return = actions of 1.
    ones = float(ret.sum())
    check(abs(ones - 500) <= 5 * math.sqrt(250), "%d of 1000 tie-breaks chose 1", ones)
    again = run(snnc, path, "--episodes", "2")
    check(list(episodes(again)[0]) == list(ret), "the same seed chose otherwise")
    other = run(snnc, path, "--episodes", "2", "--seed", "5")
    check(list(episodes(other)[0]) != list(ret), "seed 5 made the same choices as seed 1")
    two = run(snnc, path, "--episodes", "2", "--threads", "2")
    check(list(episodes(two)[0]) == list(ret), "two threads chose otherwise")
    for f in ("Fields_spikes_t.npy", "Fields_spikes_i.npy"):
        check(filecmp.cmp(os.path.join(r.out, f), os.path.join(two.out, f), False),
              "%s differs with two threads", f)


def test_current_and_membrane(snnc, libs):
    r = run(snnc, staged("loop_current.snn", libs))
    ret, length = episodes(r)
    check(list(length) == [20] * 3 and list(ret) == [20.0] * 3,
          "membrane decoder: returns %s (always action 1 expected)", ret)
    t, v = r.npy("Out_v_t"), r.npy("Out_v")
    check(len(t) == 3 * 20 * 50, "%d samples of v", len(t))
    tau, E_L, R = 0.020, -0.070, 80e6
    for k, current in ((0, 0.3e-9), (1, 0.7e-9)):
        want = E_L + R * current * (1 - np.exp(-t / tau))
        err = np.max(np.abs(v[:, k] * 1e-3 - want))
        check(err < 1e-9, "Out[%d].v differs from the closed form by %g V", k, err)
    rt, ra = r.npy("score_rewards_t"), r.npy("score_rewards")
    check(len(ra) == 60 and np.allclose(ra, 1.5), "rewards to score: %s", ra[:5])
    # One reward after each 5 ms window (given to the step that follows it).
    check(np.allclose(np.diff(rt), 0.005), "reward times %s", rt[:5])

    # ENV.terminated is 1 at the step that ends an episode: +3 there.
    ended = run(snnc, staged("loop_current.snn", libs, [
        ("reward 2 * probe.reward - 0.5", "reward 2 * probe.reward - 0.5 + 3 * probe.terminated")]))
    ra = ended.npy("score_rewards")
    want = np.tile([1.5] * 19 + [4.5], 3)
    check(len(ra) == 60 and np.allclose(ra, want), "rewards with the episode's end: %s", ra[15:25])
    flipped = run(snnc, staged("loop_current.snn", libs, [("x = 0.3", "x = 0.8")]))
    check(list(episodes(flipped)[0]) == [0.0] * 3, "x = 0.8 should choose action 0: %s",
          episodes(flipped)[0])


def decisions_against_spikes(r, window, steps, rule, max_ties):
    """Each decision (from the rewards monitor of `chosen`: action + 1)
    against the spikes of Out in its window; `rule` gives the expected action
    from the spike steps of neurons 0 and 1, or None for a tie."""
    chosen = r.npy("chosen_rewards") - 1
    t, i = r.spikes("Out")
    check(len(chosen) == steps, "%d decisions recorded for %d steps", len(chosen), steps)
    step = np.rint(t / 1e-4).astype(np.int64)
    per = int(round(window / 1e-4))
    ties = 0
    for k in range(steps):
        inside = (step >= k * per) & (step < (k + 1) * per)
        want = rule(step[inside & (i == 0)], step[inside & (i == 1)])
        if want is None:
            ties += 1
            continue
        check(chosen[k] == want, "window %d: spikes at steps %s of Out[0] and %s of Out[1], "
              "action %d, expected %d", k, step[inside & (i == 0)], step[inside & (i == 1)],
              chosen[k], want)
    check(ties <= max_ties, "%d ties in %d windows", ties, steps)
    return chosen


def first_rule(s0, s1):
    f0 = s0.min() if len(s0) else None
    f1 = s1.min() if len(s1) else None
    if f0 is None and f1 is None or f0 == f1:
        return None
    return 0 if f1 is None or (f0 is not None and f0 < f1) else 1


def count_rule(s0, s1):
    return None if len(s0) == len(s1) else int(len(s1) > len(s0))


def test_first_spike(snnc, libs):
    r = run(snnc, staged("loop_first_spike.snn", libs))
    ret, length = episodes(r)
    chosen = decisions_against_spikes(r, 0.01, 200, first_rule, 20)
    check(length[0] == 200 and ret[0] == chosen.sum(), "return %s, decisions %s", ret, chosen)
    # The same network decoded by spike count: another rule, other choices.
    r = run(snnc, staged("loop_first_spike.snn", libs, [("first_spike", "spike_count")]))
    counted = decisions_against_spikes(r, 0.01, 200, count_rule, 100)
    check(not np.array_equal(chosen, counted), "first_spike and spike_count chose alike")


def test_until(snnc, libs):
    # The probe's return is the count of 1s; with the current encoder every
    # episode returns 20 >= 15, so training stops after 4 episodes.
    path = staged("loop_current.snn", libs, [("train 3 episodes",
                                              "train 50 episodes until mean_return(4) >= 15")])
    r = run(snnc, path)
    t = r.summary["training"]
    check(t["episodes"] == 4 and t["solved_at_episode"] == 4 and t["episodes_planned"] == 50,
          "until: %s", t)


def check_signals(r, ret):
    """episode_signals.npy: what the reward gave dopamine per episode (the
    return minus 0.5 per pull), and the mean weight at each episode's end,
    which the weight monitor (every 1 s, one episode) samples at that moment."""
    g = r.npy("episode_signals")
    names = r.summary["training"]["signals"]
    check(names == ["reward to dopamine", "mean w of Cue -> Out"], "signals %s", names)
    check(g.shape == (40, 2), "episode_signals.npy has shape %s", g.shape)
    check(np.allclose(g[:, 0], ret - 0.5 * 20, atol=1e-12), "reward to dopamine %s", g[:5, 0])
    w = r.npy("Cue-Out_w").mean(axis=1)
    err = np.max(np.abs(g[:, 1] - w[1:41]))
    check(err < 1e-12, "mean weights differ from the monitor's by %g", err)
    check("episode_signals.npy" in r.summary["files"], "files %s", r.summary["files"])


def test_agents(snnc, libs):
    """Strategy A: the agents learn the probe's better action with their
    weight and position as state, and do not with one state."""
    path = staged("loop_agents.snn", libs)
    for seed in (1, 2, 3):
        r = run(snnc, path, "--seed", seed)
        ret, length = episodes(r)
        check(list(length) == [40] * 60, "lengths %s", length)
        late = ret[-20:].mean()
        check(late >= 30, "seed %d: the agents return %.2f over the last 20 episodes (40 for "
              "always the rewarded action, 20 by chance)", seed, late)
        # Over the last 20 episodes (one sample a second, one episode a
        # second): the agents keep moving, the averages must be apart.
        w, j = r.npy("In-Out_w")[-20:], r.npy("In-Out_w_j")
        up, down = w[:, j == 1].mean(), w[:, j == 0].mean()
        check(up > down + 0.2, "seed %d: the weights onto Out[1] (%.3f) are not above those "
              "onto Out[0] (%.3f)", seed, up, down)
        t = r.summary["training"]
        names = t["signals"]
        explored = r.npy("episode_signals")[:, names.index(
            "explored fraction of the agents on In -> Out")]
        check(0.07 < explored.mean() < 0.13, "explored %.3f of the choices, epsilon is 0.1",
              explored.mean())
        check(t["agent_features"] == ["weight(bins = 10), position(pre_bins = 1, post_bins = 2)"],
              "agent_features %s", t["agent_features"])
        if seed == 1:
            first = ret
    blind = run(snnc, path, "--features", "")
    late = episodes(blind)[0][-20:].mean()
    check(late <= 25, "with one state the agents still return %.2f", late)
    check(blind.summary["training"]["agent_features"] == [""], "--features was not recorded")
    two = run(snnc, path, "--threads", "2")
    check(list(episodes(two)[0]) == list(first), "two threads learned otherwise")
    exe = os.path.join(WORK, "agents")
    b = subprocess.run([snnc, "build", path, "-o", exe], capture_output=True, text=True)
    check(b.returncode == 0, "snnc build failed: %s", b.stderr)
    out = os.path.join(WORK, "agents-native")
    n = subprocess.run([exe, "--quiet", "--out", out], capture_output=True, text=True)
    check(n.returncode == 0, "the native binary failed: %s", n.stderr)
    check(list(np.load(os.path.join(out, "episode_return.npy"))) == list(first),
          "the native binary learned otherwise")
    # Decisions once per episode, on the episode's return against the mean
    # of the last 5: trial and error in weight space, between episodes.
    episodic = staged("loop_agents.snn", libs, [
        ("    reward = probe.reward - 0.5",
         "    reward = probe.reward\n    decide every episode\n    baseline = mean_return(5)"),
        ("gamma = 0.5", "gamma = 0"), ("steps = 40", "steps = 10"),
        ("train 60 episodes", "train 300 episodes")])
    for seed in (1, 2, 3):
        ret = episodes(run(snnc, episodic, "--seed", seed))[0]
        check(ret[-50:].mean() >= 8.5, "seed %d: per-episode agents return %.2f of 10 over the "
              "last 50 episodes (5 by chance)", seed, ret[-50:].mean())
    blind = episodes(run(snnc, episodic, "--features", ""))[0]
    check(blind[-50:].mean() <= 6.5, "per episode with one state: %.2f", blind[-50:].mean())
    bad = run(snnc, path, "--features", "weight(bins = 4), wieght", expect_fail=True)
    check(bad.returncode == 1 and "unknown feature 'wieght'" in bad.stderr and
          "In -> Out" in bad.stderr, "a bad --features: %s", bad.stderr)
    big = subprocess.run([snnc, "check", model("agents_big_table.snn")], capture_output=True,
                         text=True)
    check(big.returncode == 1 and "the Q-tables would take" in big.stderr and
          "more than this machine's" in big.stderr and "agents_big_table.snn:" in big.stderr,
          "a table too large: %s", big.stderr)
    bad = run(snnc, model("loop_cartpole_right.snn"), "--features", "weight", expect_fail=True)
    check(bad.returncode == 2 and "no agents block" in bad.stderr, "--features: %s", bad.stderr)


def test_bandit(snnc, libs):
    path = staged("bandit_rstdp.snn", libs)
    for seed in (1, 2, 3):
        r = run(snnc, path, "--seed", seed, "--plot")
        ret, _ = episodes(r)
        check(len(ret) == 40, "%d episodes", len(ret))
        late = ret[-20:].mean()
        check(late >= 14.5, "seed %d: the bandit returns %.2f on average over the last 20 "
              "episodes (16 for always the better lever, 10 by chance)", seed, late)
        check(os.path.exists(os.path.join(r.out, "learning_curve.png")), "no learning curve")
        if seed == 1:
            check_signals(r, ret)
    frozen = run(snnc, path, "--set", "Cue->Out.eta=0")
    late = episodes(frozen)[0][-20:].mean()
    check(late < 13.5, "without learning the bandit still returns %.2f", late)

    gone = staged("bandit_rstdp.snn", libs)
    exe = os.path.join(WORK, "bandit")
    b = subprocess.run([snnc, "build", gone, "-o", exe], capture_output=True, text=True)
    check(b.returncode == 0, "snnc build failed: %s", b.stderr)
    os.remove(os.path.join(os.path.dirname(gone), "libbandit.so"))
    n = subprocess.run([exe, "--quiet", "--out", os.path.join(WORK, "gone")], capture_output=True,
                       text=True)
    check(n.returncode == 1 and "libbandit.so" in n.stderr and "bandit" in n.stderr,
          "a vanished library: status %d, %s", n.returncode, n.stderr)


FAULTY = """import "neurons/lif.snn"
input In = poisson[2](rate = 0 Hz)
population Out = LIF[2]
environment f = extern "libfaulty.so"(level = 1)
encode f.observation -> In as poisson_rate
decode Out -> f.action as spike_count
train 3 episodes
"""


def test_faulty(snnc, lib, message):
    d = tempfile.mkdtemp(dir=WORK)
    shutil.copy(lib, os.path.join(d, "libfaulty.so"))
    path = os.path.join(d, "faulty.snn")
    with open(path, "w") as f:
        f.write(FAULTY)
    out = os.path.join(d, "out")
    r = run(snnc, path, out=out, expect_fail=True)
    check(r.returncode == 1 and "environment 'faulty'" in r.stderr and message in r.stderr,
          "a faulty environment: status %d, %s", r.returncode, r.stderr)
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    check(summary["status"] == "stopped on an error" and message in summary["error"],
          "summary.json after a failure: %s %s", summary["status"], summary["error"])
    check(np.load(os.path.join(out, "episode_return.npy")).shape == (0,),
          "episode_return.npy is not an empty, valid array")


def test_ablate(snnc):
    """examples/ablate.py: one row per state space (and the baseline), the
    curves of every seed; each row's runs differ only in --features."""
    spaces = os.path.join(WORK, "spaces.txt")
    with open(spaces, "w") as f:
        f.write("# two rows\nA: weight(bins = 3)\n\nB: weight(bins = 3), position\n")
    out = os.path.join(WORK, "ablation")
    r = subprocess.run([sys.executable, os.path.join(ROOT_DIR, "examples", "ablate.py"), snnc,
                        os.path.join(ROOT_DIR, "examples", "cartpole_agents.snn"), spaces,
                        "--baseline", os.path.join(ROOT_DIR, "examples", "cartpole_rstdp.snn"),
                        "--seeds", "2", "--episodes", "4", "--out", out],
                       capture_output=True, text=True)
    check(r.returncode == 0, "ablate.py failed: %s%s", r.stdout, r.stderr)
    rows = [l for l in r.stdout.splitlines() if l.startswith("| ") and not l.startswith("| state")]
    check([l.split("|")[1].strip() for l in rows] == ["R-STDP", "A", "B"], "rows: %s", rows)
    with open(os.path.join(out, "curves.json")) as f:
        curves = json.load(f)
    check(sorted(curves) == ["A", "B", "R-STDP"] and all(
        len(c) == 2 and all(len(x) == 4 for x in c) for c in curves.values()), "curves %s", curves)
    with open(os.path.join(out, "B-1", "summary.json")) as f:
        used = json.load(f)["training"]["agent_features"]
    check(used == ["weight(bins = 3), position"] * 2, "row B ran with %s", used)
    bad = os.path.join(WORK, "bad.txt")
    with open(bad, "w") as f:
        f.write("no colon here\n")
    r = subprocess.run([sys.executable, os.path.join(ROOT_DIR, "examples", "ablate.py"), snnc,
                        os.path.join(ROOT_DIR, "examples", "cartpole_agents.snn"), bad],
                       capture_output=True, text=True)
    check(r.returncode != 0 and "bad.txt:1" in r.stderr, "a bad spaces file: %s", r.stderr)


def test():
    snnc = snnc_path()
    libs = {"libprobe.so": sys.argv[3], "libbandit.so": sys.argv[4]}
    test_faulty(snnc, sys.argv[5], "is nan after step 3 of episode 1")
    test_faulty(snnc, sys.argv[6], "the simulated device went away")
    test_cartpole_right(snnc)
    test_rates(snnc, libs)
    test_current_and_membrane(snnc, libs)
    test_first_spike(snnc, libs)
    test_until(snnc, libs)
    test_agents(snnc, libs)
    test_bandit(snnc, libs)
    test_ablate(snnc)
    shutil.rmtree(WORK)


if __name__ == "__main__":
    main(test)
