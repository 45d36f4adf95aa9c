"""Shared fixtures: the labs, and notebooks executed once per test session in a real kernel."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.course import FRAMEWORKS, REPO, find_labs
from mitdl_utils.frameworks import get_framework
from mitdl_utils.lab import CHECK_MIMETYPE

# nbgrader and the kernels are started from this environment's bin/
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")

LABS = find_labs()
NOTEBOOKS = [(lab, fw) for lab in LABS for fw in FRAMEWORKS]
NOTEBOOK_IDS = [f"{lab.name}-{fw}" for lab, fw in NOTEBOOKS]


def execute(path: Path, env: dict | None = None) -> nbformat.NotebookNode:
    """Run a copy of the notebook top to bottom in a fresh kernel; errors stay in the outputs."""
    notebook = nbformat.read(path, as_version=4)
    old = {key: os.environ.get(key) for key in (env or {})}
    os.environ.update(env or {})
    try:
        NotebookClient(notebook, timeout=300, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        for key, value in old.items():
            os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)
    return notebook


def errors(notebook) -> list[str]:
    return [f"{o.ename}: {o.evalue}" for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]


def check_outputs(notebook) -> list[dict]:
    return [o.data[CHECK_MIMETYPE] for c in notebook.cells for o in c.get("outputs", [])
            if CHECK_MIMETYPE in o.get("data", {})]


_executed: dict[Path, nbformat.NotebookNode] = {}


@pytest.fixture(scope="session")
def executed():
    """executed(path) -> the notebook run once per session (cached)."""
    def run(path: Path):
        if path not in _executed:
            _executed[path] = execute(path)
        return _executed[path]
    return run


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


def student(lab, **functions) -> dict:
    """A student namespace: the reference implementations, with some functions replaced."""
    namespace = {name: getattr(lab.reference, name) for name in dir(lab.reference) if not name.startswith("_")}
    namespace.update(functions)
    return namespace


def graded(lab, exercise: str, **functions):
    """The hidden-test Outcome of `exercise` for the reference namespace with `functions` replaced."""
    return lab.run(exercise, student(lab, **functions), hidden=True)


@pytest.fixture(scope="session", params=list(FRAMEWORKS))
def framework(request):
    return request.param


@pytest.fixture(scope="module")
def xp(framework):
    """The framework's module (tensorflow or torch), for writing test answers once for both."""
    fw = get_framework(framework)
    return fw.tf if framework == "tensorflow" else fw.torch


def is_tf(xp) -> bool:
    """Whether `xp` (from the xp fixture) is TensorFlow."""
    return hasattr(xp, "GradientTape")
