"""Framework-neutral checking: compare what a student's code returned with what it should be.

An exercise is a test function `test(t: Trial)`; the Trial calls the student's
functions, converts tensors to NumPy and raises
- `NotAttempted` when a function is missing, still raises NotImplementedError or returns None,
- `CheckFailed` with an expected-vs-got message that names the likely mistake.
"""
from __future__ import annotations

import ast
import inspect
import itertools
import textwrap
import zlib
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from mitdl_utils.diagnosis import describe, explain_error

PASSED, NOT_ATTEMPTED, FAILED = "passed", "not attempted", "failed"


class NotAttempted(Exception):
    """The student has not written this part yet."""


class CheckFailed(AssertionError):
    """A student-facing reason why an answer is wrong."""


def to_numpy(value) -> np.ndarray:
    """tf.Tensor, tf.Variable, torch.Tensor, ndarray or number -> ndarray, without importing a framework."""
    module = type(value).__module__
    if module.startswith("torch"):
        value = value.detach().cpu()
    if hasattr(value, "numpy"):
        value = value.numpy()
    return np.asarray(value)


def _short(array: np.ndarray) -> str:
    with np.printoptions(precision=4, suppress=True, threshold=8, edgeitems=3):
        return np.array2string(np.asarray(array), separator=", ")


def assert_close(got, expected, what: str, *, rtol=1e-4, atol=1e-5, mistakes: dict | None = None):
    """Raise CheckFailed unless `got` matches `expected` in shape and values.

    `mistakes` maps a description of a plausible mistake to the array that mistake
    would produce; when `got` matches one of them the message names it.
    """
    got, expected = to_numpy(got), np.asarray(expected)
    if got.shape != expected.shape:
        message = f"{what}: wrong shape: expected {expected.shape}, got {got.shape}"
        for mistake, wrong in (mistakes or {}).items():
            if np.asarray(wrong).shape == got.shape and np.allclose(got, wrong, rtol=rtol, atol=atol):
                raise CheckFailed(f"{message}. Likely mistake: {mistake}")
        raise CheckFailed(_with_diagnosis(message, got, expected))
    if not np.issubdtype(got.dtype, np.number) and got.dtype != bool:
        raise CheckFailed(f"{what}: expected numbers, got dtype {got.dtype}")
    if np.allclose(got.astype(np.float64), expected, rtol=rtol, atol=atol, equal_nan=False):
        return
    message = f"{what}: expected {_short(expected)}, got {_short(got)}"
    for mistake, wrong in (mistakes or {}).items():  # the exercise's own, hand-written mistakes come first
        wrong = np.asarray(wrong)
        if wrong.shape == got.shape and np.allclose(got, wrong, rtol=rtol, atol=atol):
            raise CheckFailed(f"{message}. Likely mistake: {mistake}")
    raise CheckFailed(_with_diagnosis(message, got, expected))


def _with_diagnosis(message: str, got, expected) -> str:
    """The message, and what the numbers say about the mistake when diagnosis finds a relation."""
    try:
        relation = describe(got, expected)
    except (ValueError, TypeError, FloatingPointError):
        relation = None
    return f"{message}. What the numbers say: {relation}" if relation else message


def attempt(what: str, fn, *args, **kwargs):
    """Run code that touches the student's work: NotImplementedError means not attempted; any other
    error is the student's own bug, reported as a failed check instead of crashing the check."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise NotAttempted(f"{what} still raises NotImplementedError") from None
    except (NotAttempted, CheckFailed):
        raise
    except Exception as error:
        advice = explain_error(error)
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        if advice:
            raise CheckFailed(f"{what} raised {type(error).__name__}: {advice}. (The error: {first[:300]})") \
                from error
        raise CheckFailed(f"{what} raised {type(error).__name__}: {error}") from error


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
        if not self.fw.is_tensor(value):
            raise CheckFailed(
                f"{what} should return a {self.fw.tensor_type_name}, got {type(value).__name__}: "
                f"use {self.fw.label} operations so that autograd can follow them"
            )

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
    """A graded exercise: the functions it needs, its test, its points and its hints."""

    name: str
    title: str
    points: int
    test: Callable[[Trial], None]
    hints: list[str] = field(default_factory=list)


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
