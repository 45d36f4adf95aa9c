"""What one run of an exercise has seen of the student's code, for the diagnosis (mitdl_utils.diagnosis).

`recording()` holds a `RunRecord` for one run (checking.run_exercise opens it); `checking.attempt` notes every
call into the student's code with `call_inputs(fn, args, kwargs)` (the numeric inputs, named after the
parameters), `checking.assert_close` every answer that passed; `RunRecord.evidence()` is what the diagnosis
may use when a later comparison fails.
"""
from __future__ import annotations

import ast
import contextlib
import contextvars
import inspect
import textwrap
import types
import zlib
from dataclasses import dataclass, field

import numpy as np

from mitdl_utils.arrays import snapshot
from mitdl_utils.diagnosis import Evidence


@dataclass
class RunRecord:
    """inputs: the last call's numeric inputs (label -> array, taken before the call); calls: how often each call
    was made with the same inputs (what and the inputs' checksums -> count; `last`: the last call's key);
    answers: the expected answers of the comparisons that passed (description -> array)."""

    inputs: dict = field(default_factory=dict)
    calls: dict = field(default_factory=dict)
    last: tuple = ()
    answers: dict = field(default_factory=dict)

    def called(self, what: str, inputs: dict) -> None:
        self.inputs = inputs
        self.last = (what, *((label, value.shape, zlib.crc32(value.tobytes())) for label, value in inputs.items()))
        self.calls[self.last] = self.calls.get(self.last, 0) + 1

    def passed(self, what: str, expected) -> None:
        self.answers[f"the case checked before ({what})"] = np.array(expected, np.float64)

    def evidence(self) -> Evidence:
        return Evidence(inputs=dict(self.inputs), answers=dict(self.answers), calls=self.calls.get(self.last, 1))


_CURRENT: contextvars.ContextVar[RunRecord | None] = contextvars.ContextVar("mitdl_run_record", default=None)


@contextlib.contextmanager
def recording():
    """A fresh RunRecord for the code inside, the current one (`current_record()`) until it ends."""
    token = _CURRENT.set(RunRecord())
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)


def current_record() -> RunRecord | None:
    """The record of the run in progress; None outside a run (a check called on its own)."""
    return _CURRENT.get()


def call_inputs(fn, args: tuple, kwargs: dict) -> dict[str, np.ndarray]:
    """The numeric inputs of a call, label -> copy: `name` for a named parameter, else "the input" / "input 2"."""
    names = _parameter_names(fn) or []
    labelled = [(f"`{names[i]}`" if i < len(names) else "the input" if len(args) == 1 else f"input {i + 1}", value)
                for i, value in enumerate(args)] + [(f"`{name}`", value) for name, value in kwargs.items()]
    found = {}
    for label, value in labelled:
        array = snapshot(value)
        if array is not None:
            found[label] = array
    return found


def _names_in_source(source: str) -> list[str] | None:
    """The parameters of the function (or the class's __init__, without self) that `source` defines."""
    try:
        node = ast.parse(textwrap.dedent(source)).body[0]
    except (SyntaxError, IndexError):
        return None
    if isinstance(node, ast.ClassDef):
        init = [n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"]
        return [a.arg for a in init[0].args.posonlyargs + init[0].args.args][1:] if init else None
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return [a.arg for a in node.args.posonlyargs + node.args.args]
    return None


def _parameter_names(fn) -> list[str] | None:
    """The names of `fn`'s positional parameters: a function, a class, a torch module or a Keras layer; a
    function of the grader's sandboxed notebook by its source."""
    source = getattr(fn, "__mitdl_source__", None)
    if isinstance(source, str):
        return _names_in_source(source)
    skip = 0
    if not isinstance(fn, (types.FunctionType, types.MethodType, type)):
        fn = getattr(type(fn), "forward", None) or getattr(type(fn), "call", None)
        skip = 1  # self
    if fn is None:
        return None
    try:
        parameters = list(inspect.signature(fn).parameters.values())[skip:]
    except (TypeError, ValueError):
        return None
    return [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
