"""Name the mistake nobody wrote down: how a wrong answer relates to the right one, in a student's words.

`describe(got, expected, evidence)` looks for a relation between what came back and what was expected and says
it with the numbers, or returns None. A relation is said only when it reproduces `got` within the check's own
tolerance: a wrong diagnosis is worse than none. Same shape: another case's answer (typed in), the input
unchanged, negated, scaled (by a named number: the batch size, the learning rate), shifted, one off, reciprocal,
squared or square-rooted, a step from an input of the wrong size, clipped, in another order, one step along,
mostly right. Other shapes: transposed, an axis of size 1 too many or too few, an (n, 1) against (n,) table,
reduced over every axis or over one too many, reduced over another axis of an input, cut short. NaN, inf and
integer results get their own sentence, with the input that causes them where one does.

`Evidence` is what else a check knows (`checking.assert_close` fills it in): the inputs of the student's call,
the exercise's named numbers, the answers of other cases. Arrays in, a sentence out: no framework here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

RTOL, ATOL = 1e-4, 1e-5


@dataclass
class Evidence:
    """What a check knows besides the two arrays.

    inputs: what the student's function was given, as it was before the call: label -> array, the label as it
        is shown (a parameter's name in backquotes, `z`, or "the input");
    constants: the exercise's numbers, what each is -> value ("the learning rate" -> 0.1);
    answers: the expected answers of other cases (the visible example, earlier cases): description -> array;
    calls: how many times the student's code was called with these same inputs, this call included.
    """

    inputs: dict[str, np.ndarray] = field(default_factory=dict)
    constants: dict[str, float] = field(default_factory=dict)
    answers: dict[str, np.ndarray] = field(default_factory=dict)
    calls: int = 1


@dataclass
class _Case:
    """One wrong result under examination: got and expected as float64, what else is known, the tolerance."""

    got: np.ndarray
    expected: np.ndarray
    evidence: Evidence
    rtol: float
    atol: float

    def close(self, a, b) -> bool:
        a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
        return a.shape == b.shape and bool(np.allclose(a, b, rtol=self.rtol, atol=self.atol))

    def inputs(self, shape=None):
        """(label, float64 array) of the inputs, only those of `shape` when it is given."""
        for label, value in self.evidence.inputs.items():
            value = np.asarray(value)
            if value.dtype.kind in "biuf" and (shape is None or value.shape == shape):
                yield label, value.astype(np.float64)


def describe(got, expected, evidence: Evidence | None = None, *, rtol=RTOL, atol=ATOL) -> str | None:
    """A sentence on how `got` relates to `expected` (arrays or numbers), or None when no relation explains it."""
    raw, expected = np.asarray(got), np.asarray(expected, np.float64)
    if raw.dtype.kind not in "biuf":
        return None
    case = _Case(raw.astype(np.float64), expected, evidence or Evidence(), rtol, atol)
    special = _special_values(case, raw) or _integer_result(raw, expected)
    if special:
        return special
    if case.got.shape == expected.shape and np.allclose(case.got, expected, rtol=10 * rtol, atol=10 * atol):
        worst = float(np.max(np.abs(case.got - expected) / np.maximum(np.abs(expected), atol)))
        return (f"every value is within {worst:.1e} (relative) of the expected one, but not within the check's "
                f"tolerance ({rtol:g}): a small constant differs (an eps, a clip bound), or the computation lost "
                "precision (a lower-precision dtype, or a formula that subtracts nearly equal numbers)")
    relations = _SHAPE_RELATIONS if case.got.shape != expected.shape else _VALUE_RELATIONS
    for relation in relations:
        sentence = relation(case)
        if sentence:
            return sentence
    return None


# ---------------------------------------------------------------- NaN, inf, integers

def _special_values(case: _Case, raw: np.ndarray) -> str | None:
    got, expected = case.got, case.expected
    if raw.dtype.kind != "f":
        return None
    nan, inf = np.isnan(got), np.isinf(got)
    if got.shape == expected.shape:  # only what the expected values do not have themselves
        nan, inf = nan & ~np.isnan(expected), inf & ~np.isinf(expected)
    bad = nan | inf
    if not bad.any():
        return None
    kind = "NaN" if not inf.any() else "infinite" if not nan.any() else "NaN or infinite"
    count = f"{int(bad.sum())} of {got.size} values are {kind}"
    cause = _cause_in_inputs(case, bad)
    if cause:
        return f"{count}, {cause}"
    if not nan.any() and np.all(got[inf] < 0):
        return f"{count} (-inf): log(0) is -inf; keep what goes into the log above 0 (clip it to [eps, 1 - eps])"
    if nan.any():
        return (f"{count}: typically log(0) * 0, 0 / 0 or inf - inf; keep log's argument above 0 (clip it) and "
                "divide only by numbers that cannot be 0")
    return (f"{count}: typically exp of a large number or a division by 0; subtract the maximum before exp, or "
            "clip what you divide by")


def _cause_in_inputs(case: _Case, bad: np.ndarray) -> str | None:
    """Where an input of the result's shape explains the bad values: exactly its largest values, or its 0s and 1s."""
    for label, value in case.inputs(case.got.shape):
        at, elsewhere = np.abs(value[bad]), np.abs(value[~bad])
        if at.min() > 20 and (elsewhere.size == 0 or at.min() > elsewhere.max()):
            return (f"exactly where |{label}| is largest (from {at.min():.4g} up, e.g. {label} = "
                    f"{value[bad][np.argmax(at)]:.4g}): an exp overflows there (e^88.7 is already beyond float32, "
                    "and inf / inf or inf - inf is NaN); rewrite the formula so that exp only sees numbers that "
                    "cannot be large, e.g. e^(-|z|)")
        zero_or_one = (value == 0) | (value == 1)
        if zero_or_one[bad].all() and not zero_or_one[~bad].any() and elsewhere.size:
            return (f"exactly where {label} is 0 or 1: log(0) is -inf there (log(p) at p = 0, log(1 - p) at p = 1; "
                    "and 0 * log(0) is NaN); clip p to [eps, 1 - eps] before the log, or work from logits")
    return None


def _integer_result(raw: np.ndarray, expected: np.ndarray) -> str | None:
    if raw.dtype.kind in "biu" and not np.all(expected == np.round(expected)):
        return (f"the result holds {'booleans' if raw.dtype.kind == 'b' else 'integers'} ({raw.dtype}) where "
                "real numbers are expected: compute in float32 (an integer division, a comparison, or integer "
                "inputs that were never cast)")
    return None


# ---------------------------------------------------------------- numbers with a name

def _nice(x: float, rtol: float = 1e-4) -> str | None:
    """'2', '-3', '1/8' for a whole number or its reciprocal (up to 10000), else None."""
    if np.isclose(x, 0.5, rtol=rtol):
        return "1/2"
    if 1 - rtol <= abs(x) <= 1e4 and np.isclose(x, round(x), rtol=rtol):
        return str(int(round(x)))
    if 1e-4 <= abs(x) < 1 and np.isclose(1 / x, round(1 / x), rtol=rtol):
        return f"{'-' if x < 0 else ''}1/{abs(int(round(1 / x)))}"
    return None


def _plain(x: float) -> str:
    return str(int(round(x))) if np.isclose(x, round(x), rtol=1e-6) else f"{x:.4g}"


def _known_numbers(case: _Case) -> list[tuple[float, str, str]]:
    """(value, what it is, what using it wrongly means) for the exercise's constants and the inputs' sizes."""
    known = [(float(v), what, f"{what} applied where it should not be, or left out")
             for what, v in case.evidence.constants.items()]
    if case.evidence.calls > 1:
        known.append((float(case.evidence.calls), "the number of calls so far with these same inputs",
                      "gradients add up in .grad across backward() calls: set them to zero before each backward() "
                      "(optimizer.zero_grad(), or w.grad = None), or take them with torch.autograd.grad"))
    for label, value in case.inputs():
        if value.size == 1 and value.ndim <= 1:
            v = float(value.ravel()[0])
            if v not in (0.0, 1.0, -1.0):
                known.append((v, f"{label} = {v:.4g}", f"{label} applied where it should not be, or left out"))
            continue
        for axis, size in enumerate(value.shape):
            if size > 1:
                if value.ndim == 1:
                    what = f"the length of {label}"
                elif axis == 0:
                    what = f"the number of rows of {label} (its examples)"
                elif axis == value.ndim - 1:
                    what = f"the number of columns of {label} (its features or classes)"
                else:
                    what = f"the size of axis {axis} of {label}"
                known.append((float(size), what, "a sum where a mean is asked, or a mean where a sum is"))
    return known


def _named(case: _Case, x: float) -> tuple[str | None, str, str]:
    """(x as shown, ' (x is what)' or '', why it happens); x as shown is None when x is neither named nor whole.

    The exercise's own constants (and the number of identical calls) come first, then 2 and 1/2 (a derivative's 2 is likelier than an axis of size 2),
    then the inputs' values and sizes.
    """
    known = _known_numbers(case)
    constants = len(case.evidence.constants) + (case.evidence.calls > 1)
    nice = _nice(x, max(case.rtol, 1e-4))
    for rank, (value, what, why) in enumerate(known):
        if rank >= constants and nice in ("2", "1/2"):
            break
        if np.isclose(x, value, rtol=max(case.rtol, 1e-4)):
            return _plain(value), f" ({_plain(value)} is {what})", why
        if value != 0 and np.isclose(x * value, 1.0, rtol=max(case.rtol, 1e-4)):
            shown = f"1/{_plain(value)}" if np.isclose(value, round(value)) else _plain(1 / value)
            return shown, f" (one over {what})", why
    if nice in ("2", "1/2"):
        return nice, "", ("a factor 2 too many or too few (the 2 of the derivative of a square, or the 1/2 in front "
                          "of a squared error)")
    return nice, "", ("a factor is missing or extra (a sum where a mean is asked, or the mean of a sum; a batch "
                      "size, learning rate or number of classes in the wrong place?)")


# ---------------------------------------------------------------- same shape

def _each(case: _Case) -> str:
    return "every value is" if case.got.size > 1 else "the result is"


def _answer_of_another_case(case: _Case) -> str | None:
    for what, answer in case.evidence.answers.items():
        answer = np.asarray(answer, np.float64)
        trivial = answer.size > 0 and np.all(answer == answer.ravel()[0]) and answer.ravel()[0] in (0, 1, -1, 0.5)
        if not trivial and case.close(case.got, answer) and not case.close(answer, case.expected):
            return (f"this is exactly the answer to {what}, not to these inputs: the result does not follow the "
                    "inputs (an answer typed in, or computed from something other than the arguments?)")
    return None


def _input_unchanged(case: _Case) -> str | None:
    for label, value in case.inputs(case.got.shape):
        if value.size == 1 and value.ravel()[0] in (0, 1, -1):
            continue  # a count, a flag or a sign that equals the result by chance
        if case.close(case.got, value):
            return (f"the result is {label} itself, unchanged: the function gives back its input (an operation left "
                    "out, or the result computed into another name and the input returned?)")
    return None


def _negated(case: _Case) -> str | None:
    if case.close(case.got, -case.expected):
        return "the result has the opposite sign everywhere: a minus sign is missing or one too many"
    return None


def _scaled(case: _Case) -> str | None:
    got, expected = case.got, case.expected
    significant = np.abs(expected) > max(case.atol, 1e-12)
    if not significant.any():
        return None
    ratio = float(np.median(got[significant] / expected[significant]))
    # a ratio this close to 1 is no factor a slip explains (it would read "1 times the expected one")
    if not np.isfinite(ratio) or abs(ratio) < 1e-9 or np.isclose(abs(ratio), 1.0, rtol=1e-3) or \
            not case.close(got, ratio * expected):
        return None
    label, where, why = _named(case, ratio)
    whole_numbers = np.all(got == np.round(got)) and np.all(expected == np.round(expected))
    if significant.sum() < 2 and (label is None or (not where and whole_numbers)):
        return None  # one number is always some multiple of another (two counts often a whole one): only a named
        # factor, or a whole factor between real numbers, says something
    return f"{_each(case)} {label or f'{ratio:.4g}'} times the expected one{where}: {why}"


def _shifted(case: _Case) -> str | None:
    got, expected = case.got, case.expected
    shift = float(np.median(got - expected))
    if np.isclose(shift, 0.0, atol=case.atol) or not case.close(got, expected + shift):
        return None
    one_off = np.isclose(abs(shift), 1.0, atol=1e-6) and np.all(expected == np.round(expected))
    if one_off:
        return (f"{_each(case)} one {'more' if shift > 0 else 'less'} than expected: counting from 1 instead of 0 "
                "(or the other way round), or a range or a comparison (< against <=) one off")
    if got.size == 1:
        return None  # one number is always some other number plus a constant
    return f"every value is off by the same {shift:+.4g}: a constant term (a bias, a 1) added or left out"


def _inverse_or_power(case: _Case) -> str | None:
    got, expected = case.got, case.expected
    if np.all(np.abs(expected) > 1e-6) and case.close(got, 1 / expected):
        return "the result is the reciprocal of the expected one (1/x): numerator and denominator are swapped"
    if case.close(got, expected ** 2):
        return "the result is the square of the expected one: a square too many (or a missing square root)"
    if np.all(expected >= 0) and case.close(got ** 2, expected):
        return "the result is the square root of the expected one: a square is missing"
    return None


def _step_from_input(case: _Case) -> str | None:
    """got = w + c (expected - w) for an input w: a step (an update of w) of the wrong size or direction."""
    for label, base in case.inputs(case.got.shape):
        wanted, moved = case.expected - base, case.got - base
        significant = np.abs(wanted) > max(case.atol, 1e-12)
        if not significant.any():
            continue
        c = float(np.median(moved[significant] / wanted[significant]))
        if not np.isfinite(c) or np.isclose(c, 1.0) or np.isclose(c, 0.0) or not case.close(case.got, base + c * wanted):
            continue
        if np.isclose(c, -1.0):
            return (f"the step from {label} goes the wrong way: {label} + step where {label} - step is meant "
                    "(or the gradient's sign is flipped)")
        label_c, where, why = _named(case, c)
        if where:  # only a named factor (a learning rate, a batch size): any other c could be chance
            return f"the change from {label} is {label_c} times the expected change{where}: {why}"
    return None


def _clipped(case: _Case) -> str | None:
    got, expected = case.got, case.expected
    if got.size < 3:
        return None
    low, high = float(got.min()), float(got.max())
    below, above = expected < low - case.atol, expected > high + case.atol
    inside = (expected > low + case.atol) & (expected < high - case.atol)
    if not (below | above).any() or not inside.any() or not case.close(got, np.clip(expected, low, high)):
        return None
    return f"the result matches, but cut off to [{low:.4g}, {high:.4g}]: a clip or min/max that should not be there"


def _reordered(case: _Case) -> str | None:
    got, expected = case.got, case.expected
    if got.size > 1 and case.close(np.sort(got.ravel()), np.sort(expected.ravel())):
        return "the right values, in another order: check the axis order, or an index or shuffle applied twice"
    return None


def _one_step_along(case: _Case) -> str | None:
    got, expected = case.got, case.expected
    for axis in sorted({0, got.ndim - 1}) if got.ndim else ():
        n = got.shape[axis]
        if n > 2:
            head, tail = (np.take(a, range(1, n), axis=axis) for a in (got, expected))
            start_got, start_expected = (np.take(a, range(n - 1), axis=axis) for a in (got, expected))
            if case.close(head, start_expected) or case.close(start_got, tail):
                where = "the first axis" if axis == 0 else f"axis {axis}"
                return f"the right values, shifted one step along {where}: an index or a range one off"
    return None


def _mostly_right(case: _Case) -> str | None:
    got, expected = case.got, case.expected
    wrong = ~np.isclose(got, expected, rtol=case.rtol, atol=case.atol)
    if got.size >= 4 and 0 < wrong.sum() <= max(1, got.size // 4):
        where = tuple(int(i) for i in np.argwhere(wrong)[0])
        return (f"{int(wrong.sum())} of {got.size} values differ, the first at index "
                f"{where if len(where) > 1 else where[0]} (expected {expected[where]:.6g}, got {got[where]:.6g}): "
                "a special case (0, a boundary, the last item) handled differently?")
    return None


_VALUE_RELATIONS = (_answer_of_another_case, _input_unchanged, _negated, _scaled, _shifted, _inverse_or_power,
                    _step_from_input, _clipped, _reordered, _one_step_along, _mostly_right)


# ---------------------------------------------------------------- other shapes

def _transposed(case: _Case) -> str | None:
    got, expected = case.got, case.expected
    if got.ndim == expected.ndim >= 2 and got.shape == expected.shape[::-1] and case.close(got.T, expected):
        return f"the values are right but transposed: shape {got.shape} where {expected.shape} is expected"
    return None


def _reshaped(case: _Case) -> str | None:
    got, expected = case.got, case.expected
    if got.size != expected.size or got.size == 0 or not case.close(got.reshape(expected.shape), expected):
        return None
    extra = "an extra axis of size 1" if got.ndim > expected.ndim else "a missing axis" \
        if got.ndim < expected.ndim else "its axes in another arrangement"
    return (f"the values are right but the shape is {got.shape}, not {expected.shape}: {extra} (squeeze it, or "
            "reduce without keepdims; (n, 1) against (n,) also broadcasts to (n, n))")


def _broadcast_table(case: _Case) -> str | None:
    got, expected = case.got, case.expected
    n = expected.size
    if n < 2 or got.shape != (n, n) or expected.shape not in ((n,), (n, 1), (1, n)):
        return None
    if case.close(np.diagonal(got), expected.ravel()):
        return (f"shape {got.shape} where {expected.shape} is expected: an (n, 1) and an (n,) array were combined, "
                f"and broadcasting paired every value of one with every value of the other (a {n} x {n} table whose "
                "diagonal is the right answer): give both the same shape (squeeze the (n, 1) one)")
    return None


def _reduced_everything(case: _Case) -> str | None:
    got, expected = case.got, case.expected
    if got.size != 1 or expected.size < 2:
        return None
    for name, reduce in (("mean", np.mean), ("sum", np.sum)):
        if case.close(got.ravel(), [reduce(expected)]):
            return (f"one number, the {name} of the {expected.size} expected values: the result was reduced over "
                    f"every axis, and shape {expected.shape} is expected (a {name} without axis=, or one too many)")
    return None


def _reduced_one_axis_too_many(case: _Case) -> str | None:
    got, expected = case.got, case.expected
    if got.ndim != expected.ndim - 1:
        return None
    for axis in range(expected.ndim):
        for name, reduce in (("averaged", np.mean), ("summed", np.sum)):
            reduced = reduce(expected, axis=axis)
            if reduced.shape == got.shape and case.close(got, reduced):
                return (f"the expected values {name} over axis {axis}: that axis should stay, shape "
                        f"{expected.shape} is expected")
    return None


def _reduced_other_axis(case: _Case) -> str | None:
    """got and expected are an input's shape with one axis removed each: the reduction is over the wrong axis."""
    for label, value in case.inputs():
        if value.ndim < 2:
            continue
        without = [tuple(s for i, s in enumerate(value.shape) if i != axis) for axis in range(value.ndim)]
        got_axes = [a for a, shape in enumerate(without) if shape == case.got.shape]
        expected_axes = [a for a, shape in enumerate(without) if shape == case.expected.shape]
        if len(got_axes) == 1 and len(expected_axes) == 1 and got_axes != expected_axes:
            return (f"shape {case.got.shape} is the shape {value.shape} of {label} without axis {got_axes[0]}, and "
                    f"the expected {case.expected.shape} is it without axis {expected_axes[0]}: reduce over axis "
                    f"{expected_axes[0]} instead (axis={expected_axes[0]})")
    return None


def _cut_short_or_too_long(case: _Case) -> str | None:
    got, expected = case.got, case.expected
    if got.ndim != expected.ndim or got.ndim == 0 or got.shape[1:] != expected.shape[1:]:
        return None
    k, n = got.shape[0], expected.shape[0]
    if k < n and case.close(got, expected[:k]):
        if n - k == 1:
            return (f"one item too few: {k} where {n} are expected, and the last one is the one missing (a range "
                    "or slice that stops one early?)")
        return (f"the first {k} values are right and the other {n - k} are missing: the result's length does not "
                "follow the input's (a fixed size, or an answer typed in for one example?)")
    if k < n and n - k == 1 and case.close(got, expected[1:]):
        return f"one item too few: {k} where {n} are expected, and the first one is the one missing"
    if k > n and (case.close(got[:n], expected) or case.close(got[k - n:], expected)):
        extra = "one item too many" if k - n == 1 else f"{k - n} items too many"
        end = "end" if case.close(got[:n], expected) else "start"
        return f"{extra}: {k} where {n} are expected, the right ones and the extra at the {end} (a range one off?)"
    return None


_SHAPE_RELATIONS = (_answer_of_another_case, _transposed, _reshaped, _broadcast_table, _reduced_everything,
                    _reduced_one_axis_too_many, _reduced_other_axis, _cut_short_or_too_long)
