"""Lab 07 reference code that needs no framework: the data, its split and scaling, the confusion matrix."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
# Imported here, not when the data is first needed: the grader's workers import the labs' modules before they
# fork a child per submission, so the children share this import (about a second) instead of each paying it.
from sklearn.datasets import load_digits

N_CLASSES = 10


@cache
def digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's handwritten digits, read from the copy inside the installed package (no download).

    -> X: float64 (1797, 64), pixel intensities 0-16 of 8x8 images, row by row; y: int64 (1797,), 0-9.
    """
    data = load_digits()
    return data.data.astype(np.float64), data.target.astype(np.int64)


def stratified_split(y, val_fraction, test_fraction, seed):
    """Indices of a train / validation / test split that keeps each class's share in every split.

    For each class with n examples, in an order shuffled by a generator seeded with `seed`: the first
    round(test_fraction * n) go to the test split, the next round(val_fraction * n) to validation, the rest
    to training. -> (train, val, test): int64 index arrays.
    """
    rng = np.random.default_rng(seed)
    train, val, test = [], [], []
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(np.asarray(y) == label))
        n_test, n_val = round(test_fraction * len(members)), round(val_fraction * len(members))
        test.append(members[:n_test])
        val.append(members[n_test:n_test + n_val])
        train.append(members[n_test + n_val:])
    return tuple(np.concatenate(part).astype(np.int64) for part in (train, val, test))


def standardize(X_train, X_val, X_test):
    """Scale each feature (column) by the mean and standard deviation of the training split only; a feature
    that is constant in training (std 0) is only centred. -> the three splits, scaled."""
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return tuple((X - mean) / std for X in (X_train, X_val, X_test))


def predict_linear_baseline():
    """The prediction before the linear baseline trains: within 3 points of the MLP's validation accuracy."""
    return "c"


def bug_museum():
    """Each exhibit of the bug museum -> the letter of why it goes wrong."""
    return {"softmax_first": "b", "own_statistics": "c", "dropout_on": "a"}


def confusion_matrix(y_true, y_pred, n_classes):
    """(n,), (n,) labels -> int64 (n_classes, n_classes): entry [i, j] counts examples of class i predicted j."""
    matrix = np.zeros((n_classes, n_classes), np.int64)
    np.add.at(matrix, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return matrix


@dataclass(frozen=True)
class Split:
    """One train / validation / test split of the digits, scaled with its training statistics.
    X_*: float32 (n, 64); y_*: int64 (n,)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def scaled_split(val_fraction: float, test_fraction: float, seed: int) -> Split:
    """The digits split by `stratified_split` and scaled by `standardize` (the reference's)."""
    X, y = digits()
    train, val, test = stratified_split(y, val_fraction, test_fraction, seed)
    X_train, X_val, X_test = (a.astype(np.float32) for a in standardize(X[train], X[val], X[test]))
    return Split(X_train, y[train], X_val, y[val], X_test, y[test])
