"""The plots of lab 06 (matplotlib, colour-blind-safe palette). They take NumPy arrays or tensors."""
from __future__ import annotations

import functools

import numpy as np

from mitdl_utils.budget import grading
from mitdl_utils.checking import to_numpy
from mitdl_utils.plots import PALETTE, SEQUENTIAL_MAP, pyplot


def _not_while_grading(plot):
    """Skip the plot while nbgrader autogrades: nothing in a plot is graded, and drawing costs seconds."""
    @functools.wraps(plot)
    def wrapper(*args, **kwargs):
        if not grading():
            plot(*args, **kwargs)
    return wrapper


@_not_while_grading
def plot_data(x_train, y_train, x_val, y_val, title="A small noisy data set: y = sin(πx) + noise"):
    """The training and validation points, and the curve they were drawn from."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.5))
    _draw_data(ax, x_train, y_train, x_val, y_val)
    ax.set(title=title, xlabel="x (unitless)", ylabel="y (unitless)")
    ax.legend(loc="lower right")
    plt.show()


def _draw_data(ax, x_train, y_train, x_val, y_val):
    grid = np.linspace(-1, 1, 200)
    ax.plot(grid, np.sin(np.pi * grid), color="grey", linestyle=":", label="the true curve")
    ax.scatter(to_numpy(x_val), to_numpy(y_val), s=12, color=PALETTE[5], alpha=0.6, label="validation")
    ax.scatter(to_numpy(x_train), to_numpy(y_train), s=30, color=PALETTE[0], edgecolor="black", label="training")


@_not_while_grading
def plot_capacity(degrees, train_mse, val_mse):
    """Training and validation error against the polynomial degree, log scale, best degree marked."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    ax.semilogy(degrees, train_mse, "o-", color=PALETTE[0], label="training error")
    ax.semilogy(degrees, val_mse, "s-", color=PALETTE[3], label="validation error")
    best = degrees[int(np.argmin(val_mse))]
    ax.axvline(best, color=PALETTE[2], linestyle="--", label=f"lowest validation error (degree {best})")
    ax.set(title="Error against model capacity", xlabel="polynomial degree (the model has degree + 1 weights)",
           ylabel="mean squared error (log scale)")
    ax.legend()
    plt.show()


@_not_while_grading
def plot_fits(fits: dict, data):
    """One panel per fit: fits maps a title to a callable x_grid (n,) -> y_hat (n,); data = the four arrays."""
    plt = pyplot()
    fig, axes = plt.subplots(1, len(fits), figsize=(4 * len(fits), 3.3), sharey=True)
    grid = np.linspace(-1, 1, 300)
    for ax, (title, predict) in zip(np.atleast_1d(axes), fits.items()):
        _draw_data(ax, *data)
        ax.plot(grid, to_numpy(predict(grid)), color=PALETTE[1], linewidth=2.5, label="model")
        ax.set(title=title, xlabel="x (unitless)", ylim=(-2.5, 2.5))
    np.atleast_1d(axes)[0].set_ylabel("y (unitless)")
    np.atleast_1d(axes)[0].legend(loc="lower right", fontsize=8)
    plt.show()


@_not_while_grading
def show_dropout(outputs: dict):
    """One image per output of dropout applied to a tensor of ones: dark = dropped, bright = kept (scaled)."""
    plt = pyplot()
    fig, axes = plt.subplots(1, len(outputs), figsize=(3.4 * len(outputs), 2.6))
    for ax, (title, out) in zip(np.atleast_1d(axes), outputs.items()):
        out = to_numpy(out)
        ax.imshow(out, cmap=SEQUENTIAL_MAP, vmin=0, vmax=2.5)
        ax.set(title=f"{title}\nzeros {np.mean(out == 0):.0%}, mean {out.mean():.2f}", xticks=[], yticks=[])
        ax.title.set_fontsize(9)
    fig.suptitle("Dropout with p = 0.5 on a tensor of ones (dark: dropped; bright: kept and scaled)", fontsize=10)
    plt.show()


@_not_while_grading
def plot_early_stopping(train_losses, val_losses, best_epoch, stop_epoch, extra: dict | None = None):
    """Train and validation curves of a run that did not stop, with the stopping point and the best epoch marked.
    extra: more validation curves to overlay, label -> losses."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(9.5, 4))
    epochs = np.arange(len(val_losses))
    ax.plot(epochs, train_losses, color=PALETTE[0], label="training loss")
    ax.plot(epochs, val_losses, color=PALETTE[3], label="validation loss")
    for (label, losses), colour in zip((extra or {}).items(), PALETTE[4:]):
        ax.plot(np.arange(len(losses)), losses, color=colour, linestyle="-.", label=label)
    ax.axvspan(0, best_epoch, color=PALETTE[5], alpha=0.08)
    ax.axvspan(best_epoch, len(val_losses), color=PALETTE[1], alpha=0.08)
    ax.axvline(stop_epoch, color="black", linestyle="--", label=f"stopped (epoch {stop_epoch})")
    ax.scatter([best_epoch], [val_losses[best_epoch]], marker="*", s=180, color=PALETTE[2], zorder=3,
               label=f"best weights, restored (epoch {best_epoch})")
    top = max(val_losses[min(5, len(val_losses) - 1)], 2 * min(val_losses))
    ax.text(best_epoch / 2, top * 0.95, "still learning", ha="center", va="top")
    ax.text((best_epoch + len(val_losses)) / 2, top * 0.95, "overfitting", ha="center", va="top")
    ax.set(title="Early stopping: stop when the validation loss stops improving", xlabel="epoch",
           ylabel="mean squared error (unitless)", ylim=(0, top))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    fig.tight_layout()
    plt.show()


@_not_while_grading
def plot_dropout_runs(runs: dict, window: int = 10):
    """Training (left) and validation (right) loss per epoch of several runs, runs: label -> (training losses,
    validation losses); thin lines per epoch, thick lines their running mean over `window` epochs."""
    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8), sharey=True)
    for (label, curves), colour in zip(runs.items(), (PALETTE[3], PALETTE[0], PALETTE[2], PALETTE[4])):
        for ax, losses in zip(axes, curves):
            losses = np.asarray(losses, np.float64)
            smooth = np.convolve(losses, np.ones(window) / window, mode="valid")
            ax.plot(np.arange(len(losses)), losses, color=colour, linewidth=0.6, alpha=0.35)
            ax.plot(np.arange(window - 1, len(losses)), smooth, color=colour, linewidth=2.2, label=label)
    for ax, title in zip(axes, ("Training loss (dropout on, as it trains)", "Validation loss (dropout off)")):
        ax.set(title=title, xlabel="epoch", ylim=(0, 1))
    axes[0].set_ylabel("mean squared error (unitless)")
    axes[1].legend()
    fig.tight_layout()
    plt.show()
