"""End to end through nbgrader on real submission files."""
import csv
import json
import shutil
import zipfile

import nbformat
import pytest

from autograder.cli import main
from tests.grading_helpers import FULL

LAB, NB = "01_perceptron", "perceptron_torch"


def sabotage(notebook, exercise: str, wrong_code: str):
    """Replace the solution cell(s) of `exercise` by `wrong_code`."""
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id", "").startswith(f"{exercise}_solution"):
            cell.source = wrong_code
    return notebook


@pytest.fixture(scope="module")
def graded(tmp_path_factory, repo):
    """A batch of loose LMS-style files, graded once: {student: row}, exit code, output folder."""
    subs = tmp_path_factory.mktemp("submissions")
    solution = repo / "solutions" / LAB / f"{NB}.ipynb"
    shutil.copy(solution, subs / f"alice_{NB}.ipynb")
    shutil.copy(repo / "labs" / LAB / f"{NB}.ipynb", subs / f"bob_{NB}.ipynb")
    wrong = sabotage(nbformat.read(solution, 4), "collapse",
                     "def collapse_linear(W1, b1, W2, b2):\n    return W1 @ W2, b2\n")
    nbformat.write(wrong, subs / f"carol_{NB}.ipynb")
    (subs / f"dave_{NB}.ipynb").write_text("{ not json")
    (subs / f"erin_{NB}.ipynb").write_text("")
    (subs / "frank.zip").write_text("this is not a zip")
    with zipfile.ZipFile(subs / "grace.zip", "w") as archive:
        archive.write(solution, f"{LAB}/{NB}.ipynb")
    before = {p.name: p.read_bytes() for p in subs.iterdir()}
    out = tmp_path_factory.mktemp("out")
    code = main(["grade", str(subs), "--out", str(out), "--quiet"])
    after = {p.name: p.read_bytes() for p in subs.iterdir()}
    rows = {row["student"]: row for row in csv.DictReader(open(out / "grades.csv"))}
    return rows, code, out, before == after


def test_solution_scores_full_marks(graded):
    rows, *_ = graded
    assert rows["alice"]["status"] == "graded"
    assert float(rows["alice"]["total"]) == float(rows["alice"]["max"]) == FULL


def test_untouched_student_version_scores_zero(graded):
    rows, *_ = graded
    assert rows["bob"]["status"] == "graded" and float(rows["bob"]["total"]) == 0


def test_one_wrong_exercise_loses_exactly_its_points(graded):
    rows, *_ = graded
    carol = rows["carol"]
    assert float(carol["collapse"]) == 0
    assert float(carol["total"]) == FULL - 2
    assert all(float(carol[e]) > 0 for e in ["activations", "derivatives", "perceptron", "decision_boundary"])


def test_zip_submission_is_graded(graded):
    rows, *_ = graded
    assert rows["grace"]["status"] == "graded" and float(rows["grace"]["total"]) == FULL


@pytest.mark.parametrize("student,reason", [("dave", "invalid JSON"), ("erin", "empty file"),
                                            ("frank", "not a zip")])
def test_bad_input_is_reported_and_the_batch_goes_on(graded, student, reason):
    rows, code, *_ = graded
    assert rows[student]["status"].startswith("rejected") and reason in rows[student]["status"]
    assert float(rows[student]["total"]) == 0
    assert code == 1  # some submission failed, and the exit code says so


def test_feedback_html_is_written_per_student(graded):
    _, _, out, _ = graded
    for student in ["alice", "bob", "carol"]:
        html = (out / "feedback" / student / LAB / f"{NB}.html").read_text()
        assert "collapse" in html


def test_inputs_are_never_modified(graded):
    *_, unchanged = graded
    assert unchanged


def test_missing_folder_is_a_clear_error(tmp_path, capsys):
    assert main(["grade", str(tmp_path / "nope"), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert "not found" in capsys.readouterr().err


def test_wrong_lab_notebook_is_rejected(tmp_path, repo):
    from autograder.course import find_labs
    from autograder.intake import Rejected, collect

    # the perceptron notebook renamed as if it were another notebook of the same course
    notebook = json.loads((repo / "solutions" / LAB / f"{NB}.ipynb").read_text())
    notebook["metadata"]["mitdl"]["notebook"] = "dense_torch"
    notebook["metadata"]["mitdl"]["lab"] = "02_dense"
    (tmp_path / f"zoe_{NB}.ipynb").write_text(json.dumps(notebook))
    [item] = collect(tmp_path, find_labs())
    assert isinstance(item, Rejected) and "wrong notebook" in item.reason


def test_a_new_gradebook_is_stamped_without_the_alembic_command(tmp_path, monkeypatch):
    """nbgrader stamps a new gradebook with its schema's alembic head; the grader reads it in-process: the same
    revision the `alembic` command prints, with no `alembic` on PATH to run."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from nbgrader.api import Gradebook
    from nbgrader.dbutil import _temp_alembic_ini
    from sqlalchemy import text

    from autograder import gradebook_speed

    gradebook_speed.tune()

    with _temp_alembic_ini("sqlite:///unused.db") as ini:
        command = subprocess.run([str(Path(sys.executable).parent / "alembic"), "-c", ini, "heads"],
                                 capture_output=True, text=True, check=True)
    head = command.stdout.split()[0]
    monkeypatch.setenv("PATH", os.defpath)
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gradebook:
        assert gradebook.db.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
