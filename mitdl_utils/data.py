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
