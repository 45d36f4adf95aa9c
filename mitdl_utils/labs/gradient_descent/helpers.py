"""Lab 04 helpers: its two data sets, the gradient check's error measure, and its plots.

NumPy and matplotlib only; every plot tolerates a student function that is not written yet.
While nbgrader autogrades, the plots are skipped: nobody looks at them, and drawing costs seconds.
"""
from __future__ import annotations

import numpy as np

from mitdl_utils.budget import grading
from mitdl_utils.checking import to_numpy
from mitdl_utils.data import pass_fail
from mitdl_utils.plots import PALETTE, SEQUENTIAL_MAP, evaluate, pyplot

TEACHER = (1.5, 2.0)  # the (w1, w2) that made the tiny network's targets
START = (-2.0, -1.0)  # where every run on the tiny network starts: on a plateau, far from the minimum
W1_RANGE, W2_RANGE = (-4.0, 4.0), (-3.0, 4.0)


def tiny_data(n: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The tiny network's data: x float32 (n,) in [-3, 3], y float32 (n,) = 2 sigmoid(1.5 x) + noise."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, size=n)
    y = TEACHER[1] / (1 + np.exp(-TEACHER[0] * x)) + rng.normal(0, 0.1, size=n)
    return x.astype(np.float32), y.astype(np.float32)


def standardized_pass_fail(n: int = 200, seed: int = 0):
    """The pass/fail data with each feature scaled to mean 0 and standard deviation 1.

    -> X_std float32 (n, 2), y float32 (n,), and the features' mean (2,) and std (2,) in original units.
    """
    X, y = pass_fail(n, seed)
    mean, std = X.mean(axis=0), X.std(axis=0)
    return ((X - mean) / std).astype(np.float32), y, mean, std


def relative_error(a, b) -> float:
    """The largest |a - b| / max(|a|, |b|) over the entries: 1e-7 means 7 digits agree."""
    a, b = (np.atleast_1d(to_numpy(v)).astype(np.float64) for v in (a, b))
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-12)
    return float(np.max(np.abs(a - b) / scale))


def plot_landscape(loss_on_grid, to_tensor, paths: dict | None = None, size: int = 81,
                   title: str = "Loss landscape J(w1, w2) of the tiny network"):
    """Contour plot of J over (w1, w2), with optional trajectories.

    loss_on_grid(w1, w2): tensors (m, 1) -> J (m,), one loss per weight pair.
    paths: label -> array (k, 2) of (w1, w2) visited, drawn from START to where they end.
    """
    if grading():
        return
    from matplotlib.colors import LogNorm

    plt = pyplot()
    w1, w2 = np.meshgrid(np.linspace(*W1_RANGE, size), np.linspace(*W2_RANGE, size))
    column = lambda a: to_tensor(a.reshape(-1, 1).astype(np.float32))
    J = evaluate(loss_on_grid, column(w1), column(w2))
    fig, ax = plt.subplots(figsize=(6.5, 5))
    if J is not None:
        levels = np.geomspace(max(J.min(), 1e-3), J.max(), 25)
        image = ax.contourf(w1, w2, J.reshape(w1.shape), levels=levels, cmap=SEQUENTIAL_MAP,
                            norm=LogNorm())
        fig.colorbar(image, ax=ax, label="J (mean squared error, log scale)")
    for colour, (label, path) in zip(PALETTE[1:], (paths or {}).items()):
        path = np.asarray(path, dtype=np.float64)
        path = path[np.all(np.isfinite(path), axis=1)]
        ax.plot(path[:, 0], path[:, 1], "-", color=colour, linewidth=2, label=label)
        ax.plot(path[-1, 0], path[-1, 1], "o", color=colour, markeredgecolor="black")
    ax.plot(*START, "s", color="white", markeredgecolor="black", label="start")
    ax.plot(*TEACHER, "*", color=PALETTE[6], markeredgecolor="black", markersize=14, label="weights behind the data")
    ax.set(xlim=W1_RANGE, ylim=W2_RANGE, title=title, xlabel="w1 (unitless)", ylabel="w2 (unitless)")
    ax.legend(loc="lower right", fontsize=8)
    plt.show()


def plot_loss_curves(curves: dict, title: str = "Training loss", ylabel: str = "loss J",
                     max_loss: float | None = None):
    """One loss curve per label (label -> list of losses per step), on a log scale.

    Curves that blow up are cut at max_loss (marked with an x) so the others stay readable.
    """
    if grading():
        return
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    for colour, (label, losses) in zip(PALETTE[1:], curves.items()):  # the colours of plot_landscape's paths
        losses = np.asarray(losses, dtype=np.float64)
        if max_loss is not None:
            over = ~(losses <= max_loss)  # also catches nan and inf
            if over.any():
                losses = losses[: int(np.argmax(over)) + 1].copy()
                losses[-1] = max_loss
                ax.plot(len(losses) - 1, max_loss, "x", color="black", markersize=10)
        ax.plot(losses, color=colour, linewidth=2, label=label)
    ax.set_yscale("log")
    ax.set(title=title, xlabel="step", ylabel=ylabel)
    if ax.lines:
        ax.legend()
    plt.show()


def plot_boundaries(X, y, mean, std, boundaries: dict,
                    title: str = "Will I pass this class? Decision boundary before and after training"):
    """The pass/fail data in original units with the line w0 + x_std . W = 0 of each (w0, W).

    X (n, 2) standardized as in standardized_pass_fail (mean, std undo it); boundaries: label -> (w0, W).
    """
    if grading():
        return
    plt = pyplot()
    X = to_numpy(X) * std + mean
    y = to_numpy(y)
    fig, ax = plt.subplots(figsize=(6, 4.8))
    ax.scatter(*X[y == 0].T, marker="x", color=PALETTE[3], label="failed")
    ax.scatter(*X[y == 1].T, marker="o", facecolor="none", edgecolor=PALETTE[0], label="passed")
    lectures = np.linspace(-0.5, 12.5, 50)
    for style, colour, (label, (w0, W)) in zip(["--", "-"], [PALETTE[7], PALETTE[2]], boundaries.items()):
        w0, W = float(np.ravel(to_numpy(w0))[0]), np.ravel(to_numpy(W)).astype(np.float64)
        if abs(W[1]) < 1e-9:
            continue
        # w0 + W1 (lectures - m1) / s1 + W2 (hours - m2) / s2 = 0, solved for hours
        hours = mean[1] - std[1] / W[1] * (w0 + W[0] * (lectures - mean[0]) / std[0])
        ax.plot(lectures, hours, style, color=colour, linewidth=2.5, label=label)
    ax.set(xlim=(-0.5, 12.5), ylim=(-0.5, 12.5), title=title,
           xlabel="lectures attended", ylabel="hours spent on the final project (h)")
    ax.legend(loc="lower left", fontsize=8)
    plt.show()
