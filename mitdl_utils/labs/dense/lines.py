"""The best a straight line can do: the highest accuracy of any linear classifier on points of the plane."""
import numpy as np


def best_line_accuracy(X, y, directions: int = 720) -> float:
    """X (n, 2), y (n,) of 0/1 -> the highest accuracy of "class 1 on one side of a line, class 0 on the other".

    Tries `directions` directions for the line's normal, evenly spread over half a turn, both sides of each
    line, and every offset that falls between two points: the best of them, a float in [0.5, 1].
    """
    X, y = np.asarray(X, np.float64), np.asarray(y, np.float64)
    angle = np.linspace(0, np.pi, directions, endpoint=False)
    projection = X @ np.stack([np.cos(angle), np.sin(angle)])  # (n, directions): each point along each normal
    labels = y[np.argsort(projection, axis=0)]  # the labels in the order of the points along each normal
    zeros_below = np.vstack([np.zeros(directions), np.cumsum(1 - labels, axis=0)])  # (n + 1, directions)
    ones_above = labels.sum(axis=0) - np.vstack([np.zeros(directions), np.cumsum(labels, axis=0)])
    right = (zeros_below + ones_above) / len(y)  # class 0 below the offset, class 1 above it
    return float(max(right.max(), (1 - right).max()))  # or the other way round
