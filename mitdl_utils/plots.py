"""Plotting helpers for the labs (matplotlib), in a colour-blind-safe palette.

Every helper takes plain callables on NumPy arrays or tensors; if a student's
function is not written yet, the helper says so instead of crashing.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mitdl_utils.checking import to_numpy

# Okabe & Ito's palette: distinguishable with every common colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
SEQUENTIAL_MAP = "cividis"


def pyplot():
    """matplotlib.pyplot with the colour-blind-safe palette as the default colour cycle."""
    import matplotlib.pyplot as plt
    from cycler import cycler

    plt.rcParams["axes.prop_cycle"] = cycler(color=PALETTE)
    return plt


def evaluate(fn, *args, name: str | None = None):
    """fn(*args) as NumPy, or None (with a note naming `name`, else fn's own name) if the student has not
    written it yet."""
    try:
        result = fn(*args)
    except NotImplementedError:
        result = None
    if result is None:
        name = name or getattr(fn, "__name__", "")
        print(f"(`{name}` is not written yet: the plot leaves it out)" if name.isidentifier() else
              "(a function this plot needs is not written yet: the plot leaves it out)")
        return None
    return to_numpy(result)


def plot_functions(functions: dict, to_tensor, z_range=(-5.0, 5.0), title="", ylabel="output"):
    """One line per function on a shared axis. functions: label -> fn(tensor (n,)) -> tensor (n,)."""
    plt = pyplot()
    z = np.linspace(*z_range, 401, dtype=np.float32)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for label, fn in functions.items():
        y = evaluate(fn, to_tensor(z))
        if y is not None:
            ax.plot(z, y, label=label, linewidth=2)
    ax.axhline(0, color="grey", linewidth=0.5)
    ax.axvline(0, color="grey", linewidth=0.5)
    ax.set(title=title, xlabel="z (pre-activation, unitless)", ylabel=ylabel)
    if ax.get_legend_handles_labels()[0]:  # only lines with labels (the axes are lines too)
        ax.legend()
    plt.show()


def plot_decision_plane(predict, boundary_x2=None, to_tensor=None, points=None, lim=4.0,
                        title="Perceptron output over the input plane", predict_name: str | None = None):
    """Colour the plane (x1, x2) by predict(X) for X (n, 2); draw x2 = boundary_x2(x1) and optional points.
    `predict_name`: the student's function that `predict` calls, for the note when it is not written yet."""
    plt = pyplot()
    to_tensor = to_tensor or (lambda a: a)
    grid = np.linspace(-lim, lim, 121, dtype=np.float32)
    x1, x2 = np.meshgrid(grid, grid)
    X = np.stack([x1.ravel(), x2.ravel()], axis=1)
    y = evaluate(predict, to_tensor(X), name=predict_name)
    fig, ax = plt.subplots(figsize=(5, 4.5))
    if y is not None:
        image = ax.contourf(x1, x2, y.reshape(x1.shape), levels=20, cmap=SEQUENTIAL_MAP)
        fig.colorbar(image, ax=ax, label="y_hat (probability)")
    if boundary_x2 is not None:
        line = evaluate(boundary_x2, to_tensor(grid))
        if line is not None:
            ax.plot(grid, line, color=PALETTE[3], linewidth=2.5, label="decision boundary")
    if points is not None:
        points = np.asarray(points)
        ax.scatter(points[:, 0], points[:, 1], color=PALETTE[1], edgecolor="black", s=60, zorder=3,
                   label="test points")
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), title=title, xlabel="x1 (unitless)", ylabel="x2 (unitless)")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="lower right")
    plt.show()


def plane_grid(lim: float, size: int = 61) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The square [-lim, lim]^2 as a grid -> x1 (size, size), x2 (size, size) and points (size * size, 2), float32."""
    line = np.linspace(-lim, lim, size, dtype=np.float32)
    x1, x2 = np.meshgrid(line, line)
    return x1, x2, np.stack([x1.ravel(), x2.ravel()], axis=1)


@dataclass
class BoundarySnapshot:
    """A classifier at one step of its training: its P(class 1) over a plane_grid, shape (size, size), and its
    accuracy on the training points."""

    step: int
    probability: np.ndarray
    accuracy: float


def plot_boundary_snapshots(rows: dict, X, y, lim: float, class_names=("class 0", "class 1")):
    """One row of pictures per classifier, one column per snapshot. rows: label -> list of BoundarySnapshot on
    plane_grid(lim); X (n, 2), y (n,) of 0/1: the training points. Each picture fills the plane with P(class 1),
    draws the decision boundary P = 0.5 and the points."""
    plt = pyplot()
    columns = max(len(snapshots) for snapshots in rows.values())
    fig, axes = plt.subplots(len(rows), columns, figsize=(2.3 * columns + 1, 2.5 * len(rows)), squeeze=False,
                             sharex=True, sharey=True, layout="constrained")
    X, y = np.asarray(X), np.asarray(y)
    image = None
    for row, (label, snapshots) in zip(axes, rows.items()):
        for ax, snapshot in zip(row, snapshots):
            x1, x2, _ = plane_grid(lim, len(snapshot.probability))
            image = ax.contourf(x1, x2, snapshot.probability, levels=np.linspace(0, 1, 11), cmap=SEQUENTIAL_MAP)
            if snapshot.probability.min() < 0.5 < snapshot.probability.max():
                ax.contour(x1, x2, snapshot.probability, levels=[0.5], colors=PALETTE[3], linewidths=2)
            for value, colour, marker in [(0, PALETTE[1], "x"), (1, PALETTE[5], "o")]:
                ax.scatter(*X[y == value].T, c=colour, marker=marker, s=10, linewidths=1, edgecolors="black"
                           if marker == "o" else None, label=class_names[value])
            ax.set_title(f"{label}\nstep {snapshot.step}: {snapshot.accuracy:.0%} right", fontsize=9)
            ax.set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal")
        for ax in row[len(snapshots):]:
            ax.axis("off")
    for ax in axes[-1]:
        ax.set_xlabel("x1 (unitless)")
    for ax in axes[:, 0]:
        ax.set_ylabel("x2 (unitless)")
    axes[0, 0].legend(loc="lower left", fontsize=7)
    if image is not None:
        fig.colorbar(image, ax=axes, label="P(class 1) predicted; red line: P = 0.5")
    plt.show()
