"""The plots of lab 07 (matplotlib, colour-blind-safe palette). They take NumPy arrays or tensors."""
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


def _image_grid(images, titles, suptitle, columns=12):
    plt = pyplot()
    images = to_numpy(images).reshape(-1, 8, 8)
    rows = max(1, int(np.ceil(len(images) / columns)))
    fig, axes = plt.subplots(rows, columns, figsize=(columns * 0.95, rows * 1.25), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, image, title in zip(axes.ravel(), images, titles):
        ax.imshow(image, cmap="gray_r", vmin=min(0.0, image.min()), vmax=image.max() or 1.0)
        ax.set_title(title, fontsize=8)
    fig.suptitle(suptitle, fontsize=10)
    fig.tight_layout()
    plt.show()


@_not_while_grading
def show_digits(images, labels, title="Some of the digits, with their labels"):
    """A grid of 8x8 digits. images: (n, 64) pixel rows; labels: (n,)."""
    _image_grid(images, [f"label {int(label)}" for label in to_numpy(labels)], title)


@_not_while_grading
def show_misclassified(images, y_true, y_pred, most=24, title="Test digits the network got wrong"):
    """The first `most` examples whose prediction differs from their label, each titled true / predicted."""
    y_true, y_pred = to_numpy(y_true), to_numpy(y_pred)
    wrong = np.flatnonzero(y_true != y_pred)[:most]
    if len(wrong) == 0:
        print("(no test digit was misclassified)")
        return
    _image_grid(to_numpy(images)[wrong], [f"true {y_true[i]}, said {y_pred[i]}" for i in wrong],
                f"{title}: {int(np.sum(y_true != y_pred))} of {len(y_true)}, the first {len(wrong)} shown")


@_not_while_grading
def plot_learning_curves(histories: dict):
    """Loss and accuracy per epoch, training (solid) and validation (dashed), for each run.
    histories: run name -> {"loss", "accuracy", "val_loss", "val_accuracy"}, one value per epoch."""
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for (name, history), colour in zip(histories.items(), PALETTE):
        epochs = np.arange(1, len(history["loss"]) + 1)
        for ax, key in ((left, "loss"), (right, "accuracy")):
            ax.plot(epochs, history[key], color=colour, label=f"{name}, training")
            ax.plot(epochs, history[f"val_{key}"], color=colour, linestyle="--", label=f"{name}, validation")
        best = int(np.argmin(history["val_loss"]))
        left.scatter([best + 1], [history["val_loss"][best]], marker="*", s=150, color=colour, zorder=3)
    left.set(title="Loss (star: the epoch whose weights are kept)", xlabel="epoch",
             ylabel="cross-entropy (nats)", yscale="log")
    right.set(title="Accuracy", xlabel="epoch", ylabel="fraction classified right")
    right.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    plt.show()


@_not_while_grading
def plot_confusion_matrix(matrix, title="Confusion matrix on the test split"):
    """matrix (k, k) counts, row = true class, column = predicted class; the counts written in each cell."""
    plt = pyplot()
    matrix = to_numpy(matrix)
    fig, ax = plt.subplots(figsize=(5.5, 5))
    image = ax.imshow(matrix, cmap=SEQUENTIAL_MAP)
    for (i, j), count in np.ndenumerate(matrix):
        if count:
            ax.text(j, i, str(count), ha="center", va="center", fontsize=8,
                    color="black" if count > matrix.max() / 2 else "white")
    ticks = np.arange(len(matrix))
    ax.set(xticks=ticks, yticks=ticks, xlabel="predicted class", ylabel="true class", title=title)
    fig.colorbar(image, ax=ax, label="test digits")
    plt.show()


@_not_while_grading
def plot_accuracies(accuracies: dict, title="Test accuracy"):
    """One bar per model: name -> fraction of the test split classified right, the number written on it."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 0.6 * len(accuracies) + 1.2))
    names, values = list(accuracies), [accuracies[name] for name in accuracies]
    ax.barh(names, values, color=PALETTE[:len(names)])
    for y, value in enumerate(values):
        ax.text(value - 0.002, y, f"{value:.1%} ({round((1 - value) * 100, 1):g}% wrong)", ha="right",
                va="center", color="white", fontsize=9)
    low = min(values)
    ax.set(xlim=(max(0.0, low - 0.05), 1.0), xlabel="fraction of the test digits classified right", title=title)
    ax.invert_yaxis()
    fig.tight_layout()
    plt.show()
