"""Tensors of any framework as NumPy arrays, without importing a framework."""
from __future__ import annotations

import numpy as np

_FRAMEWORK_MODULES = ("numpy", "torch", "tensorflow", "keras")


def to_numpy(value) -> np.ndarray:
    """tf.Tensor, tf.Variable, torch.Tensor, ndarray or number -> ndarray, without importing a framework."""
    module = type(value).__module__
    if module.startswith("torch"):
        value = value.detach().cpu()
    if hasattr(value, "numpy"):
        value = value.numpy()
    return np.asarray(value)


def snapshot(value, most: int = 100_000) -> np.ndarray | None:
    """A copy of a number, an ndarray or a tensor (at most `most` values) as NumPy; None for anything else
    (layers, models, lists, objects that live in the grader's sandbox)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float, np.number)):
        return np.asarray(value, np.float64)
    if type(value).__module__.split(".")[0] not in _FRAMEWORK_MODULES or not hasattr(value, "shape") \
            or not hasattr(value, "dtype"):
        return None
    try:
        array = to_numpy(value)
    except Exception:  # a tensor that has no value (symbolic): nothing to keep
        return None
    return np.array(array) if array.dtype.kind in "biuf" and array.size <= most else None
