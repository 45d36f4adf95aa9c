"""nbgrader's own tools tell the same truth as the course's checks.

`nbgrader validate` (and the Validate button, which runs the same Validator) on a student notebook:
untouched and part done fail, fully solved succeeds, as `python -m autograder validate` says.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.course import REPO, find_labs
from mitdl_utils.lab import open_lab
from partial_notebooks import student_notebook

LAB = find_labs()[0]
FRAMEWORK = "torch"
NOTEBOOK = f"{LAB.notebook_name(FRAMEWORK)}.ipynb"
SUCCESS = "Success! Your notebook passes all the tests."
BIN = Path(sys.executable).parent
ENV = {**os.environ, "PYTHONPATH": str(REPO)}  # the kernels import this checkout's mitdl_utils


def _exercises() -> list[str]:
    return list(open_lab(LAB.stem, FRAMEWORK).exercises)


def nbgrader_validate(folder: Path, done: list[str]) -> str:
    """`nbgrader validate` on the student notebook with the exercises in `done` solved; -> what it prints."""
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(student_notebook(LAB, FRAMEWORK, done), folder / NOTEBOOK)
    result = subprocess.run([str(BIN / "nbgrader"), "validate", NOTEBOOK], cwd=folder, env=ENV,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]  # nbgrader's validate exits 0 whatever it finds
    return result.stdout


def test_nbgrader_validate_says_an_untouched_student_notebook_fails(tmp_path):
    out = nbgrader_validate(tmp_path, done=[])
    assert SUCCESS not in out
    assert f"VALIDATION FAILED ON {len(_exercises())} CELL(S)" in out
    assert "not attempted" in out


def test_nbgrader_validate_fails_a_part_done_notebook_on_the_rest_as_autograder_validate_does(tmp_path):
    first, *rest = _exercises()
    out = nbgrader_validate(tmp_path, done=[first])
    assert SUCCESS not in out
    assert f"VALIDATION FAILED ON {len(rest)} CELL(S)" in out
    assert f'lab.check("{first}")' not in out
    assert all(f'lab.check("{name}")' in out for name in rest)
    ours = subprocess.run([sys.executable, "-m", "autograder", "validate", str(tmp_path / NOTEBOOK)], env=ENV,
                          capture_output=True, text=True, timeout=300)
    assert ours.returncode == 1, ours.stdout
    assert f"1/{len(_exercises())} exercises pass" in ours.stdout


def test_nbgrader_validate_says_a_solved_student_notebook_passes(tmp_path):
    out = nbgrader_validate(tmp_path, done=_exercises())
    assert SUCCESS in out and "FAILED" not in out


def test_check_raises_only_while_nbgrader_validates(monkeypatch, capsys):
    """A student's run never raises (the check shows its verdict); nbgrader's Validator sets NBGRADER_VALIDATING
    in the kernel, and then a check not passed raises with its message, a passed one does not."""
    lab = open_lab(LAB.stem, FRAMEWORK)
    solved = {name: getattr(lab.reference, name) for name in dir(lab.reference) if not name.startswith("_")}
    first = _exercises()[0]
    monkeypatch.delenv("NBGRADER_VALIDATING", raising=False)
    lab.check(first, {})
    assert f"{first}: not attempted" in capsys.readouterr().out
    monkeypatch.setenv("NBGRADER_VALIDATING", "1")
    with pytest.raises(AssertionError, match=f"{first}: not attempted: "):
        lab.check(first, {})
    lab.check(first, solved)
    assert f"{first}: passed" in capsys.readouterr().out
