"""Name the mistake nobody wrote down: how a wrong answer relates to the right one, in a student's words.

`describe(got, expected)` looks for a relation between what came back and what was expected (same shape:
negated, scaled or shifted by a constant, reciprocal, squared or square-rooted, clipped, in another order, one
step off, mostly right; other shapes: transposed, an extra or a missing axis of size 1, one element too many or
too few, reduced to one number) and says it with the numbers, or returns None. NaN, inf and integer results get
their own sentence. `assert_close` adds it to its message when none of an exercise's hand-written mistakes
matches. Arrays in, a sentence out: no framework here.
"""
from __future__ import annotations

import numpy as np

RTOL, ATOL = 1e-4, 1e-5


def _close(a, b) -> bool:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=RTOL, atol=ATOL))


def _number(x: float) -> str:
    for name, value in (("2", 2.0), ("1/2", 0.5), ("-1", -1.0)):
        if np.isclose(x, value, rtol=1e-4):
            return name
    if np.isclose(x, round(x), rtol=1e-6):
        return str(int(round(x)))
    if abs(x) > 1e-6 and np.isclose(1 / x, round(1 / x), rtol=1e-4):
        return f"1/{int(round(1 / x))}"
    return f"{x:.4g}"


def describe(got, expected) -> str | None:
    """A sentence on how `got` relates to `expected` (arrays or numbers), or None when no relation is found."""
    got, expected = np.asarray(got), np.asarray(expected, np.float64)
    special = _special_values(got, expected)
    if special:
        return special
    if got.dtype.kind in "biu" and expected.dtype.kind == "f" and not np.all(expected == np.round(expected)):
        return (f"the result holds {'booleans' if got.dtype.kind == 'b' else 'integers'} ({got.dtype}) where "
                "real numbers are expected: compute in float32 (an integer division, a comparison, or integer "
                "inputs that were never cast)")
    got = got.astype(np.float64)
    if got.shape != expected.shape:
        return _shape_relation(got, expected)
    return _value_relation(got, expected)


def _special_values(got, expected) -> str | None:
    if got.dtype.kind != "f":
        return None
    nan, inf = np.isnan(got), np.isinf(got)
    if got.shape == expected.shape:  # only what the expected values do not have themselves
        nan, inf = nan & ~np.isnan(expected), inf & ~np.isinf(expected)
    if nan.any():
        return (f"{int(nan.sum())} of {got.size} values are NaN: typically log(0) * 0, 0 / 0 or inf - inf; "
                "keep log's argument above 0 (clip it) and divide only by numbers that cannot be 0")
    if inf.any():
        return (f"{int(inf.sum())} of {got.size} values are infinite: typically exp of a large number or a division "
                "by 0; subtract the maximum before exp, or clip what you take the log of")
    return None


def _shape_relation(got, expected) -> str | None:
    if got.ndim == expected.ndim == 2 and got.shape == expected.shape[::-1] and _close(got.T, expected):
        return f"the values are right but transposed: shape {got.shape} where {expected.shape} is expected"
    if got.size == expected.size and got.size > 0 and _close(got.reshape(expected.shape), expected):
        extra = "an extra axis of size 1" if got.ndim > expected.ndim else "a missing axis" \
            if got.ndim < expected.ndim else "its axes in another arrangement"
        return (f"the values are right but the shape is {got.shape}, not {expected.shape}: {extra} "
                "(squeeze it, or reduce without keepdims; (n, 1) against (n,) also broadcasts to (n, n))")
    if got.size == 1 and expected.size > 1:
        return (f"one number where {expected.shape} is expected: the result was reduced over every axis "
                "(a sum or mean without an axis?)")
    if got.ndim == expected.ndim and got.shape[1:] == expected.shape[1:] and abs(got.shape[0] - expected.shape[0]) == 1:
        return (f"{'one item too many' if got.shape[0] > expected.shape[0] else 'one item too few'}: "
                f"{got.shape[0]} where {expected.shape[0]} are expected (a range or slice one off at its end?)")
    if expected.ndim >= 1 and got.ndim == expected.ndim - 1:
        return (f"shape {got.shape} where {expected.shape} is expected: an axis that should stay was reduced "
                "(reduce over the other axis?)")
    return None


def _value_relation(got, expected) -> str | None:
    if _close(got, -expected):
        return "the result has the opposite sign everywhere: a minus sign is missing or one too many"
    significant = np.abs(expected) > 1e-6
    if significant.any():
        ratio = float(np.median(got[significant] / expected[significant]))
        if np.isfinite(ratio) and not np.isclose(ratio, 1.0) and abs(ratio) > 1e-6 and _close(got, ratio * expected):
            return (f"every value is {_number(ratio)} times the expected one: a factor is missing or extra "
                    "(a sum where a mean is asked, or the mean of a sum; a batch size, learning rate or "
                    "number of classes in the wrong place?)")
    shift = float(np.median(got - expected))
    if not np.isclose(shift, 0.0, atol=ATOL) and _close(got, expected + shift):
        return f"every value is off by the same {shift:+.4g}: a constant term (a bias, a 1) added or left out"
    if np.all(np.abs(expected) > 1e-6) and _close(got, 1 / expected):
        return "the result is the reciprocal of the expected one (1/x): numerator and denominator are swapped"
    if _close(got, expected ** 2):
        return "the result is the square of the expected one: a square too many (or a missing square root)"
    if np.all(expected >= 0) and _close(got ** 2, expected):
        return "the result is the square root of the expected one: a square is missing"
    low, high = float(got.min()), float(got.max())
    if (expected < low - ATOL).any() or (expected > high + ATOL).any():
        if _close(got, np.clip(expected, low, high)):
            return f"the result matches, but cut off to [{low:.4g}, {high:.4g}]: a clip or min/max that should not be there"
    if got.size > 1 and _close(np.sort(got.ravel()), np.sort(expected.ravel())):
        return "the right values, in another order: check the axis order, or an index or shuffle applied twice"
    if got.ndim >= 1 and len(got) > 2:
        if _close(got[1:], expected[:-1]) or _close(got[:-1], expected[1:]):
            return "the right values, shifted one step along the first axis: an index or a range one off"
    wrong = ~np.isclose(got, expected, rtol=RTOL, atol=ATOL)
    if got.size >= 4 and 0 < wrong.sum() <= max(1, got.size // 4):
        where = tuple(int(i) for i in np.argwhere(wrong)[0])
        return (f"{int(wrong.sum())} of {got.size} values differ, the first at index {where if len(where) > 1 else where[0]} "
                f"(expected {expected[where]:.4g}, got {got[where]:.4g}): a special case (0, a boundary, "
                "the last item) handled differently?")
    return None


# ---------------------------------------------------------------- framework errors, in a student's words

# (pattern of the error's message, what to do); the first match wins; {0}, {1}... are the pattern's groups
_FRAMEWORK_ERRORS = [
    (r"unsupported operand type\(s\) for [^:]+: '(?:\w+)' and 'NoneType'|unsupported operand type\(s\) for "
     r"[^:]+: 'NoneType'|'NoneType' object has no attribute '(?:numpy|shape|assign_sub|sub_|data)'",
     "a value is None where a tensor is expected; most often a gradient: compute the loss inside "
     "`with tf.GradientTape() as tape:` (or call loss.backward() before reading .grad), ask for the gradient of "
     "the tf.Variable itself, and update it with .assign_sub(...) instead of replacing it"),
    (r"No gradients provided for any variable",
     "the optimizer got no gradients: compute the loss inside the GradientTape, from the model's variables"),
    (r"mat1 and mat2 shapes cannot be multiplied \((\d+)x(\d+) and (\d+)x(\d+)\)",
     "a matrix product of shapes ({0}, {1}) and ({2}, {3}): the inner sizes {1} and {2} must agree; transpose "
     "one of them, or check which axis holds the examples (X is (n, inputs), W is (inputs, outputs))"),
    (r"Matrix size-incompatible: In\[0\]: \[(\d+),(\d+)\], In\[1\]: \[(\d+),(\d+)\]",
     "a matrix product of shapes ({0}, {1}) and ({2}, {3}): the inner sizes {1} and {2} must agree; transpose "
     "one of them, or check which axis holds the examples (X is (n, inputs), W is (inputs, outputs))"),
    (r"In\[\d\] (?:ndims must be >= 2|is not a matrix)|both arguments to matmul need to be at least 1D",
     "tf.matmul needs matrices (2-D) on both sides: for a matrix times a vector use tf.linalg.matvec, or give "
     "the vector a second axis (x[:, None]) and remove it afterwards"),
    (r"a leaf Variable that requires grad is being used in an in-place operation",
     "a tensor that autograd tracks was changed in place (W -= ..., W[...] = ...): update weights inside "
     "`with torch.no_grad():`, or compute a new tensor instead"),
    (r"Trying to backward through the graph a second time",
     "backward() ran twice through the same graph: compute the loss afresh for every step (inside the loop)"),
    (r"element 0 of tensors does not require grad and does not have a grad_fn",
     "backward() on a loss autograd did not follow: the weights need requires_grad=True, and the loss must be "
     "computed from them with torch operations (no .numpy(), float() or .item() on the way)"),
    (r"Can't call numpy\(\) on Tensor that requires grad",
     "a tensor autograd tracks was turned into NumPy: call .detach() first (or stay in torch operations)"),
    (r"Target size \(torch.Size\(\[([\d, ]*)\]\)\) must be the same as input size \(torch.Size\(\[([\d, ]*)\]\)\)",
     "the loss got targets of shape [{0}] and predictions of shape [{1}]: make them the same shape (squeeze the "
     "model's output) and pass them in the loss's order: (input, target)"),
    (r"(?:has never been called|is not built|You must build the layer|You must call `?build\(\)`?|"
     r"weights.*not created|has no defined input shape)",
     "the Keras layer or model is used before it is built: call it once on an input (or start the model with "
     "tf.keras.Input(shape=...)) before reading its weights"),
    (r"EagerTensor' object has no attribute '(?:_unique_id|assign\w*)'",
     "a plain tf.Tensor was used where a tf.Variable is needed (optimizers and .assign update Variables only): "
     "keep the weights as tf.Variable and update them in place"),
    (r"expected scalar type|expected m1 and m2 to have the same dtype|mat1 and mat2 must have "
     r"the same dtype|expected both vectors to have same dtype|found dtype (\w+) but expected (\w+)|"
     r"cannot compute \w+ as input #\d+\(zero-based\) was expected to be a (\w+) tensor but is a (\w+) tensor",
     "two tensors of different dtypes meet in one operation: make both float32 (tf.cast(x, tf.float32) or "
     "x.float())"),
    (r"Incompatible shapes: \[([\d,]*)\] vs\. \[([\d,]*)\]|The size of tensor a \((\d+)\) must match the size of "
     r"tensor b \((\d+)\)",
     "two tensors whose shapes do not broadcast together: line up their axes (a missing or extra axis of size 1, "
     "or a transposed operand?)"),
]


def explain_error(error: BaseException | str) -> str | None:
    """One sentence on what to do about an error a framework raised in the student's code, or None."""
    import re

    text = str(error)
    for pattern, advice in _FRAMEWORK_ERRORS:
        match = re.search(pattern, text, re.S)
        if match:
            groups = [g for g in match.groups() if g is not None]
            try:
                return advice.format(*groups)
            except IndexError:
                return advice
    return None
