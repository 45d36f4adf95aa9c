"""Small, seeded data sets made on the spot: nothing is downloaded."""
from __future__ import annotations

import numpy as np


def pass_fail(n: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The lecture's "Will I pass this class?" data.

    -> X: float32 (n, 2), columns (lectures attended 0-12, hours spent on the final project 0-12);
       y: float32 (n,), 1.0 = passed. Students who attend more and work longer pass more often.
    """
    rng = np.random.default_rng(seed)
    lectures = rng.integers(0, 13, size=n).astype(np.float32)
    hours = rng.uniform(0, 12, size=n).astype(np.float32)
    logit = 0.6 * lectures + 0.7 * hours - 7.5
    passed = rng.uniform(size=n) < 1 / (1 + np.exp(-logit))
    return np.stack([lectures, hours], axis=1), passed.astype(np.float32)


def final_grades(n: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The "Will I pass this class?" students, now with their final grade: a regression target.

    -> X: float32 (n, 2), columns (lectures attended 0-12, hours spent on the final project 0-12);
       grade: float32 (n,), the final grade in percent (0-100). More lectures and more hours mean
       a higher grade, plus noise.
    """
    rng = np.random.default_rng(seed)
    lectures = rng.integers(0, 13, size=n).astype(np.float32)
    hours = rng.uniform(0, 12, size=n).astype(np.float32)
    grade = np.clip(30 + 2.5 * lectures + 2.5 * hours + rng.normal(0, 8, size=n), 0, 100)
    return np.stack([lectures, hours], axis=1), grade.astype(np.float32)


def noisy_sine(n_train: int = 15, n_val: int = 100, noise: float = 0.25, seed: int = 0):
    """A small noisy 1-D regression set for under- and overfitting: y = sin(pi x) + noise.

    x is uniform in [-1, 1]; the noise is Gaussian with standard deviation `noise`.
    -> x_train (n_train,), y_train (n_train,), x_val (n_val,), y_val (n_val,), all float32.
    """
    rng = np.random.default_rng(seed)

    def sample(n):
        x = rng.uniform(-1, 1, size=n)
        y = np.sin(np.pi * x) + noise * rng.normal(size=n)
        return x.astype(np.float32), y.astype(np.float32)

    return (*sample(n_train), *sample(n_val))


def two_rings(n: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two classes no straight line can separate: a ring of radius 0.5 (class 1) inside one of radius 1 (class 0).

    Each point lies at a uniform angle on its class's ring, plus Gaussian noise of standard deviation `noise`
    in each coordinate; the classes are half each (one more of class 0 when n is odd), in random order.
    -> X: float32 (n, 2); y: float32 (n,), 1.0 = inner ring.
    """
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(n) % 2).astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi, size=n)
    radius = np.where(y == 1, 0.5, 1.0)
    X = radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1) + rng.normal(scale=noise, size=(n, 2))
    return X.astype(np.float32), y
