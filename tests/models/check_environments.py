"""Environments (`snnc env`) against Gymnasium and against their rules.

- CartPole-v1: the three trajectories of Gymnasium's equations in
  reference/gymnasium/cartpole_trajectories.json (the reset of seed 42
  included), every state to 1e-12.
- MountainCar-v0 and Acrobot-v1: the trajectories of a second
  implementation (reference/gymnasium/make_classic_control.py, Gymnasium's
  equations in NumPy), truncated and terminated episodes, every value to
  1e-12; the reset draws of NumPy's generator for seeds up to 2^63.
- The example library of a user's environment (examples/environments/
  bandit.c): it loads, runs, pays as its probabilities say, and the same
  seed repeats it.
- Bad input: an unknown environment or parameter, an action outside the
  space, libraries that are missing, lack the entry point, were built for
  another ABI, lack a function, refuse their parameters, fail a step,
  return NaN or an infinite reward: each a clear message and a non-zero
  exit, never a crash.
"""
import json
import os
import subprocess
import sys

from snntest import check, reference_dir, snnc_path

TOL = 1e-12


def env_run(snnc, env, *args, expect_fail=False):
    cmd = [snnc, "env", "run", env] + [str(a) for a in args]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if expect_fail:
        check(r.returncode > 0, "expected %s to fail cleanly, got status %d:\n%s",
              " ".join(cmd), r.returncode, r.stderr)
        return r
    check(r.returncode == 0, "%s failed (%d):\n%s", " ".join(cmd), r.returncode, r.stderr)
    return [json.loads(line) for line in r.stdout.splitlines()]


def close(a, b, tol=TOL):
    return len(a) == len(b) and all(abs(x - y) <= tol * max(1.0, abs(y)) for x, y in zip(a, b))


def compare(snnc, env, traj, label, tol=TOL):
    """Replays the actions of a reference trajectory and compares every step."""
    actions = ",".join(str(s["action"]) for s in traj["steps"][1:])
    got = env_run(snnc, env, "--seed", traj["reset_seed"], "--actions", actions)
    ref = traj["steps"]
    check(len(got) == len(ref), "%s: %d records, reference has %d", label, len(got), len(ref))
    worst = 0.0
    for k, (g, r) in enumerate(zip(got, ref)):
        check(close(g["obs"], r["obs"], tol), "%s step %d: %s, reference %s", label, k, g["obs"],
              r["obs"])
        worst = max([worst] + [abs(x - y) for x, y in zip(g["obs"], r["obs"])])
        if k:
            check(g["reward"] == r["reward"] and g["terminated"] == r["terminated"] and
                  g["truncated"] == r["truncated"], "%s step %d: outcome %s, reference %s",
                  label, k, g, r)
    print("%s: %d steps, largest difference %.3g" % (label, len(ref) - 1, worst))


def check_builtins(snnc, ref):
    with open(os.path.join(ref, "gymnasium", "cartpole_trajectories.json")) as f:
        cartpole = json.load(f)["trajectories"]
    seed42 = env_run(snnc, "cartpole", "--seed", 42, "--actions", "0")[0]["obs"]
    # The reset state of Gymnasium's reset(seed=42), as the reference states it.
    for x, y in zip(seed42, [0.0273956, -0.0061122, 0.0358598, 0.0197368]):
        check(abs(x - y) < 5e-8, "cartpole reset(seed=42): %s", seed42)
    for t in cartpole:
        compare(snnc, "cartpole", t, "cartpole seed %d" % t["reset_seed"])
    with open(os.path.join(ref, "gymnasium", "classic_control_trajectories.json")) as f:
        classic = json.load(f)
    ends = set()
    for name in ("mountain_car", "acrobot"):
        for t in classic[name]:
            compare(snnc, name, t, "%s seed %d" % (name, t["reset_seed"]))
            last = t["steps"][-1]
            ends.add((name, last["terminated"], last["truncated"]))
    # Gymnasium's Acrobot calls NumPy's cos and sin, which on some CPUs differ
    # from libm's in the last bit; the chaotic motion makes that ~1e-8 after
    # 500 steps (docs/environments.md).
    for t in classic["acrobot_numpy_trig"]:
        compare(snnc, "acrobot", t, "acrobot seed %d, NumPy's trigonometry" % t["reset_seed"],
                tol=1e-6)
    check(len(ends) == 4, "the references should end by termination and by truncation: %s",
          ends)
    for seed, r in classic["resets"].items():
        got = env_run(snnc, "cartpole", "--seed", seed, "--actions", "0")[0]["obs"]
        check(got == r["cartpole"], "cartpole reset for seed %s: %s, NumPy gives %s", seed, got,
              r["cartpole"])
    # Episodes go on from the same generator, as repeated resets do in Gymnasium.
    two = env_run(snnc, "cartpole", "--seed", 3, "--episodes", 2)
    starts = [r["obs"] for r in two if r["step"] == 0]
    check(len(starts) == 2 and starts[0] != starts[1], "two episodes start alike: %s", starts)
    # The time limit is a parameter of every environment.
    short = env_run(snnc, "mountain_car", "--set", "max_steps=7")
    check(len(short) == 8 and short[-1]["truncated"], "max_steps=7: %d records", len(short))


def check_bandit(snnc, lib):
    pulls = env_run(snnc, lib, "--seed", 5, "--set", "pulls=2000", "--set", "p0=0.1",
                    "--set", "p1=0.9", "--random-actions")
    check(len(pulls) == 2001 and pulls[-1]["terminated"], "bandit: %d records", len(pulls))
    for arm, p in ((0, 0.1), (1, 0.9)):
        got = [r["reward"] for r in pulls[1:] if r["action"][0] == arm]
        rate = sum(got) / len(got)
        check(len(got) > 800 and abs(rate - p) < 0.05, "bandit arm %d pays %.3f of %d, not %g",
              arm, rate, len(got), p)
    again = env_run(snnc, lib, "--seed", 5, "--set", "pulls=2000", "--set", "p0=0.1",
                    "--set", "p1=0.9", "--random-actions")
    check(again == pulls, "the same seed should repeat the bandit")
    r = env_run(snnc, lib, "--set", "arms=7", expect_fail=True)
    check("arms must be 2, 3 or 4" in r.stderr and "bandit" in r.stderr, "%s", r.stderr)


def expect_message(snnc, args, *words):
    cmd = [snnc, "env"] + [str(a) for a in args]
    r = subprocess.run(cmd, capture_output=True, text=True)
    check(r.returncode > 0, "%s: status %d (a crash is negative)\n%s", " ".join(cmd),
          r.returncode, r.stderr)
    for w in words:
        check(w in r.stderr, "%s: the message should say %r:\n%s", " ".join(cmd), w, r.stderr)


def check_bad_input(snnc, faulty):
    expect_message(snnc, ["run", "cartpol"], "no built-in environment 'cartpol'", "cartpole")
    expect_message(snnc, ["run", "cartpole", "--set", "gravty=3"], "no parameter 'gravty'",
                   "gravity")
    expect_message(snnc, ["run", "cartpole", "--set", "gravity=-3"], "'gravity'", "positive")
    expect_message(snnc, ["run", "cartpole", "--actions", "0,2"], "action 2", "2 choices")
    expect_message(snnc, ["run", "cartpole", "--actions", "0,x"], "not a number")
    expect_message(snnc, ["run", "cartpole", "--set", "max_steps=1.5"], "max_steps")
    expect_message(snnc, ["run", "/nonexistent/libenv.so"], "cannot load", "/nonexistent")
    messages = {
        1: ["observation value 1 is nan after step 3"],
        2: ["reward inf after step 1"],
        3: ["version 42", "rebuild"],
        4: ["does not export snn_environment"],
        5: ["level 1 is too high"],
        6: ["step 2 of episode 1 failed", "device went away"],
        7: ["lacks"],
        8: ["returned no class"],
    }
    for fault, lib in enumerate(faulty, start=1):
        expect_message(snnc, ["run", lib, "--actions", "0,1,0,1,0"], *messages[fault])
    print("bad input: %d cases, each a message and a clean exit" % (7 + len(faulty)))


def main():
    snnc = snnc_path()
    ref = reference_dir()
    libs = sys.argv[3:]
    check(len(libs) == 9, "expected the bandit and 8 faulty libraries, got %d", len(libs))
    check_builtins(snnc, ref)
    check_bandit(snnc, libs[0])
    check_bad_input(snnc, libs[1:])


if __name__ == "__main__":
    main()
