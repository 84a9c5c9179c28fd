"""Trajectories of MountainCar-v0 and Acrobot-v1, and reset states, for the
environment tests (a second implementation of the built-ins).

Gymnasium is not a Debian package, so this file transcribes the equations
of gymnasium/envs/classic_control/mountain_car.py and acrobot.py (Gymnasium
1.0) into NumPy, evaluating them as Gymnasium does: Python floats and NumPy
float64 arrays, Acrobot's reset rounded to float32, its RK4 over [0, dt]
on arrays with the torque appended.  Resets draw from
np.random.default_rng(seed), the generator of reset(seed=...).  Actions come
from np.random.default_rng(1000 + seed).  Run: /usr/bin/python3
make_classic_control.py  (writes classic_control_trajectories.json).
"""
import json
import math

import numpy as np


class MountainCar:
    min_position, max_position, max_speed, goal_position = -1.2, 0.6, 0.07, 0.5
    force, gravity, goal_velocity = 0.001, 0.0025, 0.0

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def reset(self):
        self.state = np.array([self.rng.uniform(low=-0.6, high=-0.4), 0])
        return [float(v) for v in self.state]

    def step(self, action):
        position, velocity = self.state
        velocity += (action - 1) * self.force + math.cos(3 * position) * (-self.gravity)
        velocity = np.clip(velocity, -self.max_speed, self.max_speed)
        position += velocity
        position = np.clip(position, self.min_position, self.max_position)
        if position == self.min_position and velocity < 0:
            velocity = 0
        terminated = bool(position >= self.goal_position and velocity >= self.goal_velocity)
        self.state = (position, velocity)
        return [float(position), float(velocity)], -1.0, terminated


class Acrobot:
    """With libm's cos and sin (math.cos); Gymnasium calls NumPy's (below)."""
    cos, sin = staticmethod(math.cos), staticmethod(math.sin)
    dt = 0.2
    l1, m1, m2, lc1, lc2, moi = 1.0, 1.0, 1.0, 0.5, 0.5, 1.0
    max_vel_1, max_vel_2 = 4 * math.pi, 9 * math.pi
    torques = [-1.0, 0.0, +1]

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def reset(self):
        self.state = self.rng.uniform(low=-0.1, high=0.1, size=(4,)).astype(np.float32)
        return self.observe()

    def observe(self):
        s = self.state
        return [self.cos(s[0]), self.sin(s[0]), self.cos(s[1]), self.sin(s[1]), float(s[2]),
                float(s[3])]

    def dsdt(self, sa):
        m1, m2, l1, lc1, lc2, I1, I2, g = self.m1, self.m2, self.l1, self.lc1, self.lc2, \
            self.moi, self.moi, 9.8
        a = sa[-1]
        theta1, theta2, dtheta1, dtheta2 = sa[0], sa[1], sa[2], sa[3]
        d1 = m1 * lc1**2 + m2 * (l1**2 + lc2**2 + 2 * l1 * lc2 * self.cos(theta2)) + I1 + I2
        d2 = m2 * (lc2**2 + l1 * lc2 * self.cos(theta2)) + I2
        phi2 = m2 * lc2 * g * self.cos(theta1 + theta2 - math.pi / 2.0)
        phi1 = (-m2 * l1 * lc2 * dtheta2**2 * self.sin(theta2)
                - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * self.sin(theta2)
                + (m1 * lc1 + m2 * l1) * g * self.cos(theta1 - math.pi / 2) + phi2)
        ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * dtheta1**2 * self.sin(theta2) - phi2) \
            / (m2 * lc2**2 + I2 - d2**2 / d1)
        ddtheta1 = -(d2 * ddtheta2 + phi1) / d1
        return dtheta1, dtheta2, ddtheta1, ddtheta2, 0.0

    def rk4(self, y0, t):
        yout = np.zeros((len(t), len(y0)), np.float64)
        yout[0] = y0
        for i in np.arange(len(t) - 1):
            dt = t[i + 1] - t[i]
            dt2 = dt / 2.0
            y0 = yout[i]
            k1 = np.asarray(self.dsdt(y0))
            k2 = np.asarray(self.dsdt(y0 + dt2 * k1))
            k3 = np.asarray(self.dsdt(y0 + dt2 * k2))
            k4 = np.asarray(self.dsdt(y0 + dt * k3))
            yout[i + 1] = y0 + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        return yout[-1][:4]

    @staticmethod
    def wrap(x, m, M):
        diff = M - m
        while x > M:
            x = x - diff
        while x < m:
            x = x + diff
        return x

    def step(self, a):
        ns = self.rk4(np.append(self.state, self.torques[a]), [0, self.dt])
        ns[0] = self.wrap(ns[0], -math.pi, math.pi)
        ns[1] = self.wrap(ns[1], -math.pi, math.pi)
        ns[2] = min(max(ns[2], -self.max_vel_1), self.max_vel_1)
        ns[3] = min(max(ns[3], -self.max_vel_2), self.max_vel_2)
        self.state = ns
        s = self.state
        terminated = bool(-self.cos(s[0]) - self.cos(s[1] + s[0]) > 1.0)
        return self.observe(), (-1.0 if not terminated else 0.0), terminated


class AcrobotNumpyTrig(Acrobot):
    """Exactly as Gymnasium evaluates it: NumPy's cos and sin, whose float64
    results depend on the CPU (NumPy's own vector code on AVX-512 machines)."""
    cos = staticmethod(lambda x: float(np.cos(x)))
    sin = staticmethod(lambda x: float(np.sin(x)))


def trajectory(env_class, seed, limit, choose):
    env = env_class(seed)
    rng = np.random.default_rng(1000 + seed)
    obs = env.reset()
    steps = [{"obs": obs}]
    for k in range(limit):
        a = choose(rng, k, obs)
        obs, r, term = env.step(a)
        trunc = k + 1 >= limit
        steps.append({"action": a, "obs": obs, "reward": r, "terminated": term,
                      "truncated": trunc})
        if term or trunc:
            break
    return {"reset_seed": seed, "steps": steps}


def main():
    random3 = lambda rng, k, obs: int(rng.integers(0, 3))
    # Pushing along the velocity pumps energy in: the car reaches the flag,
    # the acrobot's tip the line (terminated episodes).
    out = {"about": "MountainCar-v0 and Acrobot-v1 trajectories (float64 state; see "
                    "make_classic_control.py); resets of reset(seed=...) for several seeds",
           "mountain_car": [trajectory(MountainCar, 42, 200, random3),
                            trajectory(MountainCar, 5, 200, lambda rng, k, obs: 2 if obs[1] >= 0
                                       else 0)],
           "acrobot": [trajectory(Acrobot, 42, 500, random3),
                       trajectory(Acrobot, 3, 500, lambda rng, k, obs: 2 if obs[5] >= 0 else 0)],
           "acrobot_numpy_trig": [trajectory(AcrobotNumpyTrig, 42, 500, random3)],
           "resets": {}}
    for seed in (0, 1, 42, 123456789, 2**32 + 7, 2**63 + 11):
        rng = np.random.default_rng(seed)
        out["resets"][str(seed)] = {
            "cartpole": [float(v) for v in rng.uniform(-0.05, 0.05, size=4)]}
    json.dump(out, open("classic_control_trajectories.json", "w"))


if __name__ == "__main__":
    main()
