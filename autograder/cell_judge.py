"""The judge of a foreign nbgrader course: each test cell's own code, run in the clean judge process.

A test cell of an nbgrader course is ordinary Python (`assert`s, numpy.testing, prints). The judge runs it here,
never in the student's process, with the notebook's names visible through autograder.remote: the student's functions
are called across the boundary, what they return comes back as data (numbers, strings, lists, tuples and dicts of
them, NumPy arrays) and anything else stays in the student's process as a handle. The names a test cell reads are,
in this order:

  the test cells' own names   what the notebook's earlier test cells (run here) and this one have bound
  the assignment's imports    a name the assignment's own notebook binds by an import (`np`, `assert_allclose`) is
                              the judge's own import, provided the student's notebook has the name at all
  builtins                    the judge's own, unless the assignment's own notebook defines that name itself
  the student's names         looked up in the student's process at the moment the test reads them

So an object whose `==` always answers True compares as what it is (a handle is equal to nothing but itself), a
patched `assert` helper or redefined builtin stays in the student's process, and an exception the student's code
raises reaches the test as the builtin exception of its name (`except ValueError:` in the test catches it) and
nothing the student's code does can swallow it. A handle's truth value is not read here: it would be the student's
code's answer. What a test cell prints, the value of its last line and its error are its outputs, which nbgrader
scores as it always does (autograder.foreign_record).
"""
from __future__ import annotations

import ast
import base64
import builtins
import importlib
import io
import os
import re
import shutil
import sys
import tempfile
import time
import traceback
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path, PurePosixPath

import numpy as np

from autograder import sandbox
from autograder.contracts import CellTests, Task
from autograder.remote import Handle, RemoteFunction, RemoteNamespace, Student, StudentGone, decode, send

BUILTIN_NAMES = frozenset(dir(builtins))
HIDDEN_BLOCK = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", re.S)


class PlainPython:
    """The framework adapter of a foreign course's notebook: values cross the wire as Python and NumPy."""

    name = "python"
    label = "Python"
    tensor_type_name = "numpy.ndarray"
    activations: dict = {}

    def tensor(self, array, dtype="float32"):
        return np.asarray(array, dtype=dtype)

    def is_tensor(self, value) -> bool:
        return False


PLAIN_PYTHON = PlainPython()


def put_files(folder: Path, files: dict[str, str], importable: bool = False) -> None:
    """Write `files` (relative path -> base64 content) under `folder`; with `importable`, the folder goes first on
    sys.path, as a kernel's working folder does (only in the student's process: the judge never imports them)."""
    root = Path(folder).resolve()
    for relative, content in files.items():
        parts = PurePosixPath(relative).parts
        if not parts or PurePosixPath(relative).is_absolute() or ".." in parts:
            continue
        path = root.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(content))
    if importable:
        sys.path.insert(0, str(root))


# ---------------------------------------------------------------- the student's values, as the judge holds them

class NotebookObject(Handle):
    """An object of the student's process that is not data: its attributes, items, calls and iteration are requests
    to that process; its truth value is not read (it would be the student's code's answer), and it is equal only to
    itself."""

    __slots__ = ()

    def __bool__(self):
        raise TypeError(f"the test needs the truth value of a {type(self).__name__} object of the notebook, "
                        "which is not data")


_OBJECT_CLASSES: dict[str, type] = {}


def _object_class(type_name: str) -> type:
    """A NotebookObject subclass named after the object's type, so that messages say what the student returned."""
    name = type_name if type_name.isidentifier() else "object"
    if name not in _OBJECT_CLASSES:
        _OBJECT_CLASSES[name] = type(name, (NotebookObject,), {"__slots__": ()})
    return _OBJECT_CLASSES[name]


def _as_builtin(error: Exception) -> Exception:
    """An error of the student's code, as the judge receives it (its type's name and message), as the builtin
    exception of that name where there is one, so that the test's `except ValueError:` catches it."""
    kind = getattr(builtins, type(error).__name__, None)
    if not (isinstance(kind, type) and issubclass(kind, Exception)) or type(error) is kind:
        return error
    try:
        return kind(*error.args)
    except Exception:
        return error


class CellStudent(Student):
    """The judge's end of the wire for test cells: errors of the student's code arrive as builtin exceptions,
    objects as NotebookObjects, and once the student's process has stopped answering during a cell (`gone`),
    every further request in that cell fails at once, whatever the test catches."""

    def __init__(self, requests_fd: int, replies_fd: int, fw, timeout: float):
        super().__init__(requests_fd, replies_fd, fw, timeout)
        self.gone: StudentGone | None = None

    @classmethod
    def like(cls, student: Student) -> "CellStudent":
        """A CellStudent on the same pipes as `student` (one that has received nothing yet)."""
        return cls(student.requests_fd, student.replies_fd, student.fw, student.timeout)

    def ask(self, op: str, **fields):
        if self.gone is not None:
            raise self.gone
        try:
            return super().ask(op, **fields)
        except StudentGone as gone:
            self.gone = gone
            raise
        except Exception as error:
            raise _as_builtin(error) from None

    def decode(self, obj):
        return decode(obj, self.fw, self._value_of)

    def _value_of(self, obj: dict):
        kind = obj.get("t")
        if kind == "obj":
            name = obj.get("name")
            return _object_class(str(obj.get("type", "object")))(self, int(obj["id"]),
                                                                   name[:100] if type(name) is str else None)
        if kind == "global":
            return RemoteFunction(self, str(obj.get("name")), None)
        raise ValueError(f"the notebook sent an unknown kind of value ({str(kind)[:40]})")


class TestNamespace(dict):
    """The globals a test cell runs with in the judge (see the module's docstring for the order of lookup)."""

    def __init__(self, notebook: RemoteNamespace, tests: CellTests):
        super().__init__(__name__="__main__", __builtins__=builtins)
        self._notebook = notebook
        self._imports = {name: tuple(target) for name, target in tests.imports.items()}
        self._builtins_defined = frozenset(tests.builtins_defined)

    def __missing__(self, name: str):
        if name in BUILTIN_NAMES and name not in self._builtins_defined:
            raise KeyError(name)  # Python goes on to the judge's builtins
        value = self._notebook.get(name)
        if value is None:
            raise KeyError(name)  # a NameError, as in the student's kernel
        if name in self._imports:
            try:
                return _imported(*self._imports[name])
            except ImportError:
                return value
        if isinstance(value, Handle) and type(value).__name__ == "module" \
                and getattr(value, "__name__", None) in sys.modules:
            return sys.modules[value.__name__]  # a module the judge has: its own copy, not the student's
        return value


def _imported(module: str, attribute: str | None):
    imported = importlib.import_module(module)
    if attribute is None:
        return imported
    try:
        return getattr(imported, attribute)
    except AttributeError:
        return importlib.import_module(f"{module}.{attribute}")


# ---------------------------------------------------------------- one test cell

def run_test_cell(source: str, names: TestNamespace, student: CellStudent, label: str,
                  max_output: int = 1 << 20) -> dict:
    """Run one test cell's code in `names` -> {status, message, outputs}: its outputs as IPython gives them
    (stdout, stderr, the value of a last expression, the error) and a one-line account. `student.gone` is None
    when it starts."""
    from mitdl_utils.checking import FAILED, PASSED

    filename = f"<test cell {label}>"
    stdout, stderr = io.StringIO(), io.StringIO()
    value, error = None, None
    try:
        body = ast.parse(source, filename).body
        last = body.pop() if body and isinstance(body[-1], ast.Expr) and not source.rstrip().endswith(";") else None
        with redirect_stdout(stdout), redirect_stderr(stderr):
            exec(compile(ast.Module(body, type_ignores=[]), filename, "exec"), names)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), filename, "eval"), names)
    except BaseException as caught:  # the test's verdict (StudentGone included: the student stopped answering)
        error = caught
    error = student.gone or error  # a test that swallowed the student's stopping still failed
    outputs = [{"output_type": "stream", "name": name, "text": text[:max_output]}
               for name, text in (("stdout", stdout.getvalue()), ("stderr", stderr.getvalue())) if text]
    if error is None and value is not None:
        outputs.append({"output_type": "execute_result", "execution_count": None, "metadata": {},
                        "data": {"text/plain": _shown(value)[:max_output]}})
    if error is not None:
        outputs.append(_error_output(error, source, filename))
        message = ": ".join(part for part in (outputs[-1]["ename"], outputs[-1]["evalue"]) if part)
        return {"status": FAILED, "message": message[:2000], "outputs": outputs}
    if stderr.getvalue():
        return {"status": FAILED, "message": "the test wrote to stderr", "outputs": outputs}
    return {"status": PASSED, "message": "passed", "outputs": outputs}


def _shown(value) -> str:
    """The text IPython shows for a cell's last value."""
    if isinstance(value, Handle):
        return repr(value)
    from IPython.lib.pretty import pretty

    try:
        return pretty(value)
    except Exception:
        return repr(value)


def _error_output(error: BaseException, source: str, filename: str) -> dict:
    """An nbformat error output: the test cell's own lines of the traceback (a hidden test's line is not shown)."""
    name = type(error).__name__[:100]
    value = str(error)[:2000]
    hidden = {line for match in HIDDEN_BLOCK.finditer(source)
              for line in range(source.count("\n", 0, match.start()) + 1, source.count("\n", 0, match.end()) + 2)}
    source_lines = source.splitlines()
    lines = ["Traceback (most recent call last):"]
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == filename and 0 < (frame.lineno or 0) <= len(source_lines):
            shown = "(a hidden test)" if frame.lineno in hidden else source_lines[frame.lineno - 1].strip()
            lines.append(f"  test cell, line {frame.lineno}: {shown}")
    return {"output_type": "error", "ename": name, "evalue": value, "traceback": [*lines, f"{name}: {value}"]}


# ---------------------------------------------------------------- the judge

def judge_cells(task: Task, student: Student, wait: float) -> dict[str, dict]:
    """Run each test cell of `task.cell_tests` when the notebook reaches it -> {grade id: {status, message,
    outputs}} (outputs None: the cell was never reached). Runs in the judge child, in a working folder of its own
    holding the assignment's files (`task.files`), none of which it imports."""
    from mitdl_utils.checking import NOT_ATTEMPTED

    student = CellStudent.like(student)
    names = TestNamespace(RemoteNamespace(student), task.cell_tests)
    folder = Path(tempfile.mkdtemp(prefix="nbgrader-judge-"))
    put_files(folder, task.files)
    os.chdir(folder)
    sys.path[:] = [entry for entry in sys.path if os.path.isabs(entry)]  # "" would be the folder: never imported
    waiting = dict(task.grade_cells)
    verdicts: dict[str, dict] = {}
    try:
        while waiting:
            try:
                message = student.receive(wait)
            except StudentGone:
                break
            if message.get("op") != "serve":
                continue
            index = str(message.get("cell"))
            grade_id = waiting.pop(index, None)
            student.gone = None
            if grade_id is not None:
                verdicts[grade_id] = run_test_cell(task.cell_tests.sources.get(index, ""), names, student, grade_id,
                                                   task.limits.max_output_bytes)
            if student.gone is not None:
                continue  # the student's process left this cell: it is not waiting for "done"
            try:
                send(student.requests_fd, {"op": "done"}, time.monotonic() + sandbox.GRACE_SECONDS)
            except (OSError, TimeoutError):
                break
    finally:
        os.chdir("/")
        shutil.rmtree(folder, ignore_errors=True)
    for grade_id in waiting.values():
        verdicts[grade_id] = {"status": NOT_ATTEMPTED, "outputs": None,
                              "message": "this test cell did not run: the notebook stopped before it"}
    return verdicts
