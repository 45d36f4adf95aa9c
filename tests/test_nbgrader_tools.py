"""nbgrader's own tools tell the same truth as the course's checks.

`nbgrader validate` (and the Validate button, which runs the same Validator) on a student notebook:
untouched and part done fail, fully solved succeeds, as `python -m autograder validate` says.
nbgrader's views of a batch graded by `python -m autograder grade` (`nbgrader export`, `generate_feedback`, formgrader
in a real Jupyter server): each lab out of its own maximum, a student who did it in one framework at full marks;
lms.csv with a row of maximum points and an empty cell for a lab never handed in.
"""
from __future__ import annotations

import importlib
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


# ---------------------------------------------------------------- (B) nbgrader's views of a graded batch
# alice: lab 01 in PyTorch and lab 02 in PyTorch, solved; bob: both labs in TensorFlow, untouched;
# carol: lab 01 twice, TensorFlow solved and PyTorch untouched, and no lab 02.
DENSE = find_labs()[1]
HANDED_IN = {"alice": [(LAB, "torch", "solutions"), (DENSE, "torch", "solutions")],
             "bob": [(LAB, "tensorflow", "labs"), (DENSE, "tensorflow", "labs")],
             "carol": [(LAB, "tensorflow", "solutions"), (LAB, "torch", "labs")]}
LAB_POINTS = {lab.name: float(sum(e.points for e in importlib.import_module(f"mitdl_utils.labs.{lab.stem}").EXERCISES))
              for lab in (LAB, DENSE)}  # from the specs, where points are declared


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The batch above graded by `python -m autograder grade`: its output folder."""
    import shutil

    from autograder.cli import main

    subs, out = tmp_path_factory.mktemp("submissions"), tmp_path_factory.mktemp("out")
    for student, notebooks in HANDED_IN.items():
        for lab, framework, folder in notebooks:
            name = f"{lab.notebook_name(framework)}.ipynb"
            shutil.copy(REPO / folder / lab.name / name, subs / f"{student}_{name}")
    assert main(["grade", str(subs), "--out", str(out), "--quiet"]) == 0
    return out


def nbgrader(out: Path, *args: str) -> subprocess.CompletedProcess:
    """A real `nbgrader` command on the course folder the grader wrote, with its gradebook."""
    root = out / "nbgrader"
    return subprocess.run([str(BIN / "nbgrader"), *args, f"--CourseDirectory.root={root}",
                           f"--CourseDirectory.db_url=sqlite:///{root / 'gradebook.db'}"],
                          cwd=root, env=ENV, capture_output=True, text=True, timeout=300)


def test_nbgrader_export_gives_each_lab_its_own_maximum_and_a_one_framework_student_full_marks(course, tmp_path):
    import csv

    result = nbgrader(course, "export", f"--to={tmp_path / 'export.csv'}")
    assert result.returncode == 0, result.stderr[-2000:]
    rows = {(r["student_id"], r["assignment"]): r for r in csv.DictReader(open(tmp_path / "export.csv"))}
    assert {lab for _, lab in rows} == set(LAB_POINTS)
    assert all(float(r["max_score"]) == LAB_POINTS[lab] for (_, lab), r in rows.items())
    assert float(rows["alice", LAB.name]["score"]) == LAB_POINTS[LAB.name] and float(rows["alice", DENSE.name]["score"]) == LAB_POINTS[DENSE.name]
    assert float(rows["bob", LAB.name]["score"]) == 0


def test_a_student_who_handed_in_both_twins_is_recorded_with_the_better(course):
    from nbgrader.apps import NbGraderAPI

    from autograder.course import nbgrader_config

    root = course / "nbgrader"
    api = NbGraderAPI(config=nbgrader_config(root, f"sqlite:///{root / 'gradebook.db'}"))
    submission = api.get_submission(LAB.name, "carol")
    assert (submission["score"], submission["max_score"]) == (LAB_POINTS[LAB.name],) * 2
    [notebook] = api.get_student_notebook_submissions("carol", LAB.name)
    assert notebook["name"] == LAB.stem and (notebook["score"], notebook["max_score"]) == (LAB_POINTS[LAB.name],) * 2


def test_an_untouched_twin_says_no_response_from_its_own_sources(course):
    """The TensorFlow stubs of lab 02 differ from the PyTorch ones: each solution cell of bob's untouched
    TensorFlow notebook is known as unchanged (nbgrader's "No response.") only if it was sanitized with its own twin."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'nbgrader' / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(DENSE.stem, DENSE.name, "bob")
        assert notebook.comments and all(c.auto_comment == "No response." for c in notebook.comments)


def test_nbgrader_generate_feedback_writes_each_students_lab(course):
    result = nbgrader(course, "generate_feedback", LAB.name)
    assert result.returncode == 0, result.stderr[-2000:]
    full = LAB_POINTS[LAB.name]
    for student in HANDED_IN:
        page = (course / "nbgrader" / "feedback" / student / LAB.name / f"{LAB.stem}.html").read_text()
        assert (f"Score: 0.0 / {full:.1f}" if student == "bob" else f"Score: {full:.1f} / {full:.1f}") in page


def test_lms_csv_has_a_row_of_maximum_points_and_leaves_a_lab_never_handed_in_empty(course):
    import csv

    from autograder.report import MAXIMUM_ROW

    rows = {r["student"]: r for r in csv.DictReader(open(course / "lms.csv"))}
    dense, total = f"{LAB_POINTS[DENSE.name]:g}", f"{sum(LAB_POINTS.values()):g}"
    assert rows[MAXIMUM_ROW] == {"student": MAXIMUM_ROW, LAB.name: f"{LAB_POINTS[LAB.name]:g}", DENSE.name: dense, "total": total}
    assert rows["carol"][DENSE.name] == "" and rows["carol"][LAB.name] == f"{LAB_POINTS[LAB.name]:g}"
    assert rows["bob"][DENSE.name] == "0" and rows["bob"]["total"] == "0"
    assert rows["alice"]["total"] == total


@pytest.fixture(scope="module")
def formgrader(course, tmp_path_factory):
    """nbgrader's formgrader in a real Jupyter server (loopback, random port and token) on the graded course."""
    import json
    import secrets
    import socket
    import time
    import urllib.request

    root, home = course / "nbgrader", tmp_path_factory.mktemp("jupyter")
    (root / "nbgrader_config.py").write_text(f"c.CourseDirectory.root = {str(root)!r}\n"
                                             f"c.CourseDirectory.db_url = 'sqlite:///{root / 'gradebook.db'}'\n")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = secrets.token_hex(16)
    env = {**ENV, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
    server = subprocess.Popen([sys.executable, "-m", "jupyter_server", "--no-browser", "--ServerApp.ip=127.0.0.1",
                               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--allow-root",
                               f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}"],
                              cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def get(path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}?token={token}", timeout=60) as reply:
                return reply.status, reply.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    deadline = time.monotonic() + 90
    while True:
        try:
            if get("/formgrader/api/status")[0] == 200:
                break
        except OSError:
            pass
        assert server.poll() is None and time.monotonic() < deadline, "the Jupyter server did not start"
        time.sleep(0.5)
    try:
        yield lambda path: (lambda status, body: (status, json.loads(body) if "/api/" in path else body))(*get(path))
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_formgrader_shows_a_one_framework_student_the_lab_out_of_its_own_maximum(formgrader):
    status, notebooks = formgrader(f"/formgrader/api/notebooks/{LAB.name}")
    assert status == 200 and [(n["name"], n["max_score"]) for n in notebooks] == [(LAB.stem, LAB_POINTS[LAB.name])]
    status, submissions = formgrader(f"/formgrader/api/submissions/{LAB.name}")
    alice = next(s for s in submissions if s["student"] == "alice")
    assert (alice["score"], alice["max_score"]) == (LAB_POINTS[LAB.name],) * 2
    status, students = formgrader("/formgrader/api/students")
    assert next(s for s in students if s["id"] == "alice")["max_score"] == sum(LAB_POINTS.values())


def test_formgrader_opens_the_graded_lab_notebook_for_manual_grading(formgrader):
    status, [notebook] = formgrader(f"/formgrader/api/student_notebook_submissions/alice/{LAB.name}")
    assert status == 200
    status, page = formgrader(f"/formgrader/submissions/{notebook['id']}/")
    assert status == 200, page[-2000:]
    assert "sigmoid" in page and "torch" in page and all(grade in page for grade in ("activations", "collapse"))
