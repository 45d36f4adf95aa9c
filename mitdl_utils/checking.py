"""Framework-neutral checking: compare what a student's code returned with what it should be.

An exercise is a test function `test(t: Trial)`; the Trial calls the student's
functions, converts tensors to NumPy and raises
- `NotAttempted` when a function is missing, still raises NotImplementedError or returns None,
- `CheckFailed` with an expected-vs-got message that names the likely mistake: one of the exercise's own, or
  else what `diagnosis.describe` finds, given what the run has seen (the inputs of the student's last call,
  the answers of the cases that passed); an error raised in the student's code is translated
  (`framework_errors.explain_error`).
"""
from __future__ import annotations

import ast
import inspect
import itertools
import re
import textwrap
import zlib
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from mitdl_utils.arrays import to_numpy
from mitdl_utils.diagnosis import Evidence, describe
from mitdl_utils.framework_errors import explain_error, unwrapped
from mitdl_utils.run_record import call_inputs, current_record, recording

PASSED, NOT_ATTEMPTED, FAILED = "passed", "not attempted", "failed"


class NotAttempted(Exception):
    """The student has not written this part yet."""


class CheckFailed(AssertionError):
    """A student-facing reason why an answer is wrong."""


def _short(array: np.ndarray, precision: int = 4) -> str:
    """The array in at most `precision` decimals, a whole float as 4.0 (NumPy writes "4.", which ends a sentence)."""
    with np.printoptions(precision=precision, suppress=True, threshold=8, edgeitems=3):
        text = np.array2string(np.asarray(array), separator=", ")
    return re.sub(r"(?<=\d)\. ?(?!\d)", ".0", text)  # "1. " padded to the width of "2.5": the pad goes


def _compared(expected: np.ndarray, got: np.ndarray, rtol: float, atol: float) -> str:
    """'expected A, got B' with the digits it takes to tell them apart, and the largest difference where 4 digits
    do not (never "expected 0.0025, got 0.0025")."""
    for precision in (4, 6, 9):
        shown_expected, shown_got = _short(expected, precision), _short(got, precision)
        if shown_expected != shown_got:
            break
    text = f"expected {shown_expected}, got {shown_got}"
    if precision == 4:
        return text
    with np.errstate(invalid="ignore"):
        difference = np.abs(got.astype(np.float64) - expected)
    if not np.isfinite(difference).all():
        return text
    index = np.unravel_index(np.argmax(difference), difference.shape)
    largest, scale = float(difference[index]), abs(float(expected[index]))
    where = f" at index {index if len(index) > 1 else index[0]}" if expected.ndim else ""
    relative = f", {largest / scale:.2g} of the expected value" if scale > 0 else ""
    return (f"{text} (the largest difference is {largest:.3g}{where}{relative}; the check allows "
            f"{rtol:g} of it plus {atol:g})")


def _dtype_problem(got: np.ndarray, asked: str) -> str | None:
    """What is wrong with the result's dtype when `asked` (e.g. "float32") is not what came back, else None."""
    if got.dtype == np.dtype(asked):
        return None
    kind = {"b": "booleans", "i": "integers", "u": "integers"}.get(got.dtype.kind, "numbers")
    if got.dtype.kind == "f":
        return (f"the values are right, but as {got.dtype} where {asked} is asked (float64 usually comes from "
                f"NumPy on the way): cast to {asked}")
    return (f"the values are right, but as {kind} ({got.dtype}) where {asked} is asked: a comparison or a rounding "
            f"gives {kind}; cast the result to {asked} (tf.cast(x, tf.{asked}), x.to(torch.{asked}))")


def assert_close(got, expected, what: str, *, rtol=1e-4, atol=1e-5, mistakes: dict | None = None,
                 constants: dict | None = None, visible=None, dtype: str | None = None):
    """Raise CheckFailed unless `got` matches `expected` in shape and values.

    `mistakes` maps a description of a plausible mistake to the array that mistake would produce; when `got`
    matches one of them the message names it. Otherwise the diagnosis speaks, given `constants` (what a number
    is -> its value: {"the learning rate": 0.1}), the answer to the `visible` example (a result that equals it
    on other inputs is typed in) and what this run has seen. `dtype` (e.g. "float32"): the dtype asked for.
    """
    got, expected = to_numpy(got), np.asarray(expected)
    if got.shape != expected.shape:
        message = f"{what}: wrong shape: expected {expected.shape}, got {got.shape}"
        for mistake, wrong in (mistakes or {}).items():
            if np.asarray(wrong).shape == got.shape and np.allclose(got, wrong, rtol=rtol, atol=atol):
                raise CheckFailed(f"{message}. Likely mistake: {mistake}")
        raise CheckFailed(_with_diagnosis(message, got, expected, _evidence(constants, visible), rtol, atol))
    if not np.issubdtype(got.dtype, np.number) and got.dtype != bool:
        raise CheckFailed(f"{what}: expected numbers, got dtype {got.dtype}")
    if np.allclose(got.astype(np.float64), expected, rtol=rtol, atol=atol, equal_nan=False):
        problem = dtype and _dtype_problem(got, dtype)
        if problem:
            raise CheckFailed(f"{what}: {problem}")
        record = current_record()
        if record is not None:
            record.passed(what, expected)
        return
    message = f"{what}: {_compared(expected, got, rtol, atol)}"
    for mistake, wrong in (mistakes or {}).items():  # the exercise's own, hand-written mistakes come first
        wrong = np.asarray(wrong)
        if wrong.shape == got.shape and np.allclose(got, wrong, rtol=rtol, atol=atol):
            raise CheckFailed(f"{message}. Likely mistake: {mistake}")
    raise CheckFailed(_with_diagnosis(message, got, expected, _evidence(constants, visible), rtol, atol))


def _evidence(constants: dict | None, visible) -> Evidence:
    """What the diagnosis may use: this run's record (inputs, answers that passed), the check's own constants."""
    record = current_record()
    evidence = record.evidence() if record is not None else Evidence()
    evidence.constants = dict(constants or {})
    if visible is not None:
        evidence.answers["the visible example"] = np.asarray(to_numpy(visible), np.float64)
    return evidence


def _with_diagnosis(message: str, got, expected, evidence: Evidence, rtol: float, atol: float) -> str:
    """The message, and what the numbers say about the mistake when diagnosis finds a relation."""
    try:
        with np.errstate(all="ignore"):
            relation = describe(got, expected, evidence, rtol=rtol, atol=atol)
    except (ValueError, TypeError, FloatingPointError):
        relation = None
    return f"{message}. What the numbers say: {relation}" if relation else message


# ---------------------------------------------------------------- running the student's code

def _raised(what: str, error: BaseException, advice: str) -> str:
    lines = unwrapped(error).strip().splitlines()
    return f"{what} raised {type(error).__name__}: {advice}. (The error: {lines[0][:300] if lines else ''})"


def attempt(what: str, fn, *args, **kwargs):
    """Run code that touches the student's work. The stub's NotImplementedError means not attempted (one a
    framework raises, e.g. for a module without `forward`, is a mistake); any other error is the student's own
    bug, reported as a failed check (translated where it is a framework's) instead of crashing the check."""
    inputs = call_inputs(fn, args, kwargs)
    record = current_record()
    if record is not None:
        record.called(what, inputs)
    try:
        return fn(*args, **kwargs)
    except NotImplementedError as error:
        advice = explain_error(error) if unwrapped(error).strip() else None
        if advice is None:
            raise NotAttempted(f"{what} still raises NotImplementedError") from None
        raise CheckFailed(_raised(what, error, advice)) from error
    except (NotAttempted, CheckFailed):
        raise
    except Exception as error:
        shapes = {label: value.shape for label, value in inputs.items() if value.ndim}
        advice = explain_error(error, shapes)
        if advice:
            raise CheckFailed(_raised(what, error, advice)) from error
        raise CheckFailed(f"{what} raised {type(error).__name__}: {unwrapped(error).strip()}") from error


def take(iterable, most: int, what: str) -> list:
    """Up to `most` items of the student's `iterable`, as a list; CheckFailed if it holds more.

    Work on a student's iterable is bounded by count, never by the clock: an endless generator fails here
    at once, whatever the load of the machine. An object that lives in the grader's sandboxed notebook (a
    handle) is asked for `most + 1` items at most, so the notebook never builds more than that either.
    """
    bounded = getattr(type(iterable), "__mitdl_take__", None)
    try:
        items = bounded(iterable, most + 1) if bounded else list(itertools.islice(iter(iterable), most + 1))
    except TypeError as error:
        raise CheckFailed(f"{what} cannot be iterated over ({error})") from None
    if len(items) > most:
        raise CheckFailed(f"{what} gave more than {most} items and did not stop: it should run out after one "
                          "pass over the data (an endless generator, or a dataset repeated forever?)")
    return items


def expect(condition: bool, message: str) -> None:
    """Raise CheckFailed(message) unless condition holds."""
    if not condition:
        raise CheckFailed(message)


@dataclass
class Trial:
    """One run of an exercise's test against a student's namespace.

    fw: the framework adapter (mitdl_utils.frameworks); ref: the reference module
    for that framework; hidden: also run the grading-only cases; rng: seeded per exercise.
    """

    namespace: dict
    fw: object
    ref: object
    hidden: bool
    rng: np.random.Generator

    def function(self, name: str) -> Callable:
        fn = self.namespace.get(name)
        if fn is None:
            raise NotAttempted(f"`{name}` is not defined yet: run the cell that defines it")
        if not callable(fn):
            raise CheckFailed(f"`{name}` should be a function, got {type(fn).__name__}")
        return fn

    def call(self, name: str, *args, **kwargs):
        """Call the student's `name`; NotImplementedError or None means not attempted."""
        result = attempt(f"`{name}`", self.function(name), *args, **kwargs)
        if result is None:
            raise NotAttempted(f"`{name}` returned None: fill in the TODO")
        return result

    def tensor_result(self, name: str, *args, **kwargs) -> np.ndarray:
        """Call `name`, insist on a framework tensor back, and return it as float64 NumPy."""
        result = self.call(name, *args, **kwargs)
        self.require_tensor(result, f"`{name}`")
        return to_numpy(result).astype(np.float64)

    def require_tensor(self, value, what: str) -> None:
        if self.fw.is_tensor(value):
            return
        if isinstance(value, np.ndarray) or isinstance(value, np.generic):
            how = (f"a NumPy {type(value).__name__}: the computation left {self.fw.label} on the way (an np.* "
                   "function, .numpy(), np.array(...)), and autograd cannot follow it there")
        elif isinstance(value, (int, float)):
            how = (f"a Python {type(value).__name__}: float(), .item() or .numpy() turned the tensor into a "
                   "number, and autograd cannot follow it there")
        else:
            how = type(value).__name__
        raise CheckFailed(f"{what} should return a {self.fw.tensor_type_name}, got {how}: use {self.fw.label} "
                          "operations throughout")

    def require_number(self, value, what: str) -> float:
        """A Python number asked for: a tensor (one still holding its autograd graph, above all) is refused."""
        if isinstance(value, (int, float, np.floating, np.integer)) and not isinstance(value, bool):
            return float(value)
        if self.fw.is_tensor(value):
            graph = " that still holds its autograd graph" if getattr(value, "requires_grad", False) else ""
            how = "loss.item()" if self.fw.name == "torch" else "float(loss)"
            raise CheckFailed(f"{what} should be a Python float, got a {self.fw.tensor_type_name}{graph}: "
                              f"convert it with {how} (keeping the tensor also keeps every step's graph alive)")
        raise CheckFailed(f"{what} should be a Python float, got {type(value).__name__}")

    def require_dtype(self, value, what: str, dtype: str = "float32") -> None:
        """CheckFailed unless the student's tensor has `dtype` (a bool or int64 result where float32 is asked)."""
        problem = _dtype_problem(to_numpy(value), dtype)
        if problem:
            raise CheckFailed(f"{what}: {problem}")

    def forbid_calls(self, name: str, *forbidden: str) -> None:
        """Fail if the student's `name` calls a function called one of `forbidden` (e.g. tf.math.sigmoid)."""
        fn = self.function(name)
        try:
            source = getattr(fn, "__mitdl_source__", None) or inspect.getsource(fn)
            tree = ast.parse(textwrap.dedent(source))
        except (OSError, TypeError, SyntaxError):
            return  # source not available (e.g. defined by exec): nothing to inspect
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if callee in forbidden:
                    raise CheckFailed(
                        f"`{name}` calls `{callee}`: write it from its formula with basic operations "
                        f"(exp, division, maximum), not with the framework's own `{callee}`"
                    )

    def tensor(self, array, dtype="float32"):
        return self.fw.tensor(array, dtype)

    def uniform(self, *shape, low=-4.0, high=4.0) -> np.ndarray:
        return self.rng.uniform(low, high, size=shape).astype(np.float32)

    def normal(self, *shape, scale=1.0) -> np.ndarray:
        return (self.rng.normal(size=shape) * scale).astype(np.float32)


@dataclass
class Exercise:
    """A graded exercise: the functions it needs, its test, its points and its hints; for a prediction, its question
    (mitdl_utils.prediction: a Choice, an Estimate, or a dict of Choices), whose options the notebook lists."""

    name: str
    title: str
    points: int
    test: Callable[[Trial], None]
    hints: list[str] = field(default_factory=list)
    question: object = None


@dataclass
class Outcome:
    exercise: str
    status: str
    message: str
    points: int

    @property
    def passed(self) -> bool:
        return self.status == PASSED


def run_exercise(exercise: Exercise, namespace: dict, fw, ref, *, hidden: bool, secret: str = "") -> Outcome:
    """Run one exercise's test and turn what happened into an Outcome (never raises).

    The test's random inputs follow from the exercise's name; the grader adds a `secret` of its own, so
    that the hidden inputs it uses cannot be worked out from this package's source in advance.
    """
    salt = b"hidden" if hidden else b"visible"
    rng = np.random.default_rng(zlib.crc32(exercise.name.encode() + salt + secret.encode()))
    trial = Trial(namespace=namespace, fw=fw, ref=ref, hidden=hidden, rng=rng)
    with recording():
        try:
            exercise.test(trial)
        except NotAttempted as reason:
            return Outcome(exercise.name, NOT_ATTEMPTED, str(reason), exercise.points)
        except CheckFailed as reason:
            return Outcome(exercise.name, FAILED, str(reason), exercise.points)
        except Exception as error:  # an answer so far off that the test itself could not go on
            message = f"the check could not run on your answer: {type(error).__name__}: {error}"
            return Outcome(exercise.name, FAILED, message, exercise.points)
    return Outcome(exercise.name, PASSED, "all checks passed", exercise.points)
