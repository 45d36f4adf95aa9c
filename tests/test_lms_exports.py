"""LMS downloads as Canvas, Moodle and Gradescope write them, graded through the CLI: who the student is, which
hand-in counts, and what an earlier hand-in becomes (a 'superseded' row that does not fail the batch)."""
import contextlib
import csv
import io
import shutil
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.cli import main
from autograder.course import REPO, find_labs
from autograder.intake import Rejected, Submission, collect
from tests.grading_helpers import FULL, LAB, NB

SOLUTION = REPO / "solutions" / LAB / f"{NB}.ipynb"  # FULL points
UNTOUCHED = REPO / "labs" / LAB / f"{NB}.ipynb"  # 0
METADATA = Path(__file__).parent / "lms" / "submission_metadata.yml"


def collapse_broken(path: Path) -> None:
    """The solution with the collapse exercise wrong: FULL less its 2 points."""
    notebook = nbformat.read(SOLUTION, 4)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "collapse_solution_1":
            cell.source = "def collapse_linear(W1, b1, W2, b2):\n    return W1 @ W2, b2\n"
    nbformat.write(notebook, path)


def grade(submissions: Path, out: Path) -> tuple[int, dict[str, list[dict]], str]:
    """Exit code, grades.csv rows by student (a student may have several), the last line printed."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["grade", str(submissions), "--out", str(out), "--quiet"])
    rows: dict[str, list[dict]] = {}
    for row in csv.DictReader(open(out / "grades.csv")):
        rows.setdefault(row["student"], []).append(row)
    return code, rows, printed.getvalue().strip().splitlines()[-1]


def by_status(rows: list[dict]) -> dict[str, dict]:
    return {row["status"].split(" ")[0]: row for row in rows}


@pytest.fixture(scope="module")
def canvas_and_moodle(tmp_path_factory):
    """One folder with Canvas's loose files, Moodle's folders and files, and a student in nbgrader's layout."""
    subs = tmp_path_factory.mktemp("export")
    shutil.copy(UNTOUCHED, subs / f"kimlee_223344_5566778_{NB}.ipynb")  # first hand-in
    shutil.copy(SOLUTION, subs / f"kimlee_223344_5569001_{NB}-1.ipynb")  # the same file handed in again
    collapse_broken(subs / f"obrien_LATE_445566_5567002_{NB}.ipynb")
    folder = subs / "Ana Díaz_1001_assignsubmission_file_"  # Moodle 3.x's trailing '_'
    folder.mkdir()
    shutil.copy(SOLUTION, folder / f"{NB}.ipynb")
    text = subs / "Ana Díaz_1001_assignsubmission_onlinetext_"
    text.mkdir()
    (text / "onlinetext.html").write_text("<p>see my notebook</p>")
    shutil.copy(UNTOUCHED, subs / f"Cem Ay_1003_assignsubmission_file_{NB}.ipynb")  # "download in folders" off
    (subs / "dave" / LAB).mkdir(parents=True)
    shutil.copy(SOLUTION, subs / "dave" / LAB / f"{NB}.ipynb")
    return grade(subs, tmp_path_factory.mktemp("out"))


def test_canvas_student_is_name_and_user_id_not_the_file_decoration(canvas_and_moodle):
    _, rows, _ = canvas_and_moodle
    assert {"kimlee_223344", "obrien_445566"} <= set(rows)
    assert not [student for student in rows if "5566778" in student or "5569001" in student or NB in student]


def test_canvas_latest_resubmission_is_graded_and_the_earlier_is_superseded(canvas_and_moodle):
    _, rows, _ = canvas_and_moodle
    kim = by_status(rows["kimlee_223344"])
    assert set(kim) == {"graded", "superseded"}
    assert float(kim["graded"]["total"]) == FULL
    assert kim["superseded"]["status"].startswith("superseded by ") and kim["superseded"]["status"].endswith(
        f"kimlee_223344_5569001_{NB}-1.ipynb")
    assert float(kim["superseded"]["total"]) == 0 and kim["superseded"]["activations"] == ""


def test_late_canvas_submission_is_graded_for_its_student(canvas_and_moodle):
    _, rows, _ = canvas_and_moodle
    [obrien] = rows["obrien_445566"]
    assert obrien["status"] == "graded" and float(obrien["total"]) == FULL - 2


def test_moodle_student_is_the_full_name(canvas_and_moodle):
    _, rows, _ = canvas_and_moodle
    [ana], [cem] = rows["Ana_Diaz"], rows["Cem_Ay"]
    assert ana["status"] == "graded" and float(ana["total"]) == FULL
    assert cem["status"] == "graded" and float(cem["total"]) == 0


def test_one_row_per_hand_in_none_for_moodle_online_text_and_nbgrader_layout_kept(canvas_and_moodle):
    _, rows, _ = canvas_and_moodle
    assert sorted((student, len(r)) for student, r in rows.items()) == \
        [("Ana_Diaz", 1), ("Cem_Ay", 1), ("dave", 1), ("kimlee_223344", 2), ("obrien_445566", 1)]
    [dave] = rows["dave"]
    assert dave["status"] == "graded" and float(dave["total"]) == FULL


def test_a_superseded_hand_in_does_not_fail_the_batch(canvas_and_moodle):
    code, _, summary = canvas_and_moodle
    assert code == 0
    assert summary.startswith("5/5 graded") and "1 superseded" in summary


@pytest.fixture(scope="module")
def gradescope(tmp_path_factory):
    """Gradescope's export zip, unzipped: assignment_<id>_export/ with the metadata and a folder per submission."""
    unzipped = tmp_path_factory.mktemp("gradescope")
    export = unzipped / "assignment_987_export"
    (export / "submission_100").mkdir(parents=True)
    shutil.copy(METADATA, export / "submission_metadata.yml")
    shutil.copy(UNTOUCHED, export / "submission_100" / f"{NB}.ipynb")  # Kim and Bo together, first
    (export / "submission_200" / "work").mkdir(parents=True)
    shutil.copy(SOLUTION, export / "submission_200" / "work" / f"{NB}.ipynb")  # Kim alone, a day later
    return grade(unzipped, tmp_path_factory.mktemp("out"))


def test_gradescope_student_is_the_sid_and_the_latest_submission_counts(gradescope):
    code, rows, summary = gradescope
    kim = by_status(rows["123456"])
    assert float(kim["graded"]["total"]) == FULL
    assert kim["superseded"]["status"].endswith(f"submission_200/work/{NB}.ipynb")
    assert code == 0 and summary.startswith("2/2 graded")


def test_gradescope_group_member_without_sid_is_graded_under_their_email(gradescope):
    _, rows, _ = gradescope
    [bo] = rows["bo.osei_example.edu"]
    assert bo["status"] == "graded" and float(bo["total"]) == 0
    assert set(rows) == {"123456", "bo.osei_example.edu"}


# ------------------------------------------------------------------ intake alone (no grading run)

def test_a_broken_latest_hand_in_wins_and_the_batch_fails(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(SOLUTION, subs / f"kimlee_223344_5566778_{NB}.ipynb")
    (subs / f"kimlee_223344_5569001_{NB}-1.ipynb").write_text("{ not json")
    code, rows, _ = grade(subs, tmp_path / "out")
    kim = by_status(rows["kimlee_223344"])
    assert set(kim) == {"superseded", "rejected:"} and "invalid JSON" in kim["rejected:"]["status"]
    assert code == 1


def test_canvas_late_marker_is_read_in_either_case(tmp_path):
    shutil.copy(SOLUTION, tmp_path / f"obrien_late_445566_5567002_{NB}.ipynb")  # what canvas-lms writes (downcased)
    shutil.copy(SOLUTION, tmp_path / f"ngo_LATE_778899_5567003_{NB}.ipynb")
    assert sorted(item.student for item in collect(tmp_path, find_labs())) == ["ngo_778899", "obrien_445566"]


def test_canvas_zip_is_read_as_its_student(tmp_path):
    with zipfile.ZipFile(tmp_path / "kimlee_223344_5566778_lab01.zip", "w") as archive:
        archive.write(SOLUTION, f"{LAB}/{NB}.ipynb")
    [item] = collect(tmp_path, find_labs())
    assert isinstance(item, Submission) and item.student == "kimlee_223344" and item.notebook == NB


def test_moodle_participants_sharing_a_name_are_told_apart_by_their_id(tmp_path):
    for participant in ("5001", "5002"):  # blind marking: every folder is "Participant"
        folder = tmp_path / f"Participant_{participant}_assignsubmission_file"
        folder.mkdir()
        shutil.copy(SOLUTION, folder / f"{NB}.ipynb")
    assert sorted(item.student for item in collect(tmp_path, find_labs())) == ["Participant_5001", "Participant_5002"]


def test_moodle_submission_without_a_notebook_is_rejected(tmp_path):
    folder = tmp_path / "Ben Ode_1002_assignsubmission_file_"
    folder.mkdir()
    (folder / "report.pdf").write_bytes(b"%PDF-1.4")
    [item] = collect(tmp_path, find_labs())
    assert isinstance(item, Rejected) and item.student == "Ben_Ode" and "no .ipynb" in item.reason


def test_gradescope_folder_missing_from_the_metadata_is_rejected(tmp_path):
    shutil.copy(METADATA, tmp_path / "submission_metadata.yml")
    (tmp_path / "submission_300").mkdir()
    shutil.copy(SOLUTION, tmp_path / "submission_300" / f"{NB}.ipynb")
    [item] = collect(tmp_path, find_labs())
    assert isinstance(item, Rejected) and "no submitter in submission_metadata.yml" in item.reason


def test_unreadable_gradescope_metadata_is_one_rejected_row(tmp_path):
    (tmp_path / "submission_metadata.yml").write_text("submission_100: [unclosed\n")
    (tmp_path / "submission_100").mkdir()
    shutil.copy(SOLUTION, tmp_path / "submission_100" / f"{NB}.ipynb")
    [item] = collect(tmp_path, find_labs())
    assert isinstance(item, Rejected) and item.reason.startswith("cannot read submission_metadata.yml")


def test_superseded_is_decided_per_notebook(tmp_path):
    shutil.copy(SOLUTION, tmp_path / f"kimlee_223344_5566778_{NB}.ipynb")
    shutil.copy(REPO / "solutions" / LAB / "perceptron_tf.ipynb", tmp_path / "kimlee_223344_5569001_perceptron_tf.ipynb")
    items = collect(tmp_path, find_labs())
    assert [type(item) for item in items] == [Submission, Submission]
    assert {item.student for item in items} == {"kimlee_223344"}


def test_the_export_zip_as_the_lms_gives_it_is_read_like_its_folder(tmp_path):
    with zipfile.ZipFile(tmp_path / "submissions.zip", "w") as archive:  # Canvas: loose files at the top
        archive.write(UNTOUCHED, f"kimlee_223344_5566778_{NB}.ipynb")
        archive.write(SOLUTION, f"kimlee_223344_5569001_{NB}-1.ipynb")
        archive.writestr(f"__MACOSX/._kimlee_223344_5566778_{NB}.ipynb", b"resource fork")
    superseded, kept = collect(tmp_path / "submissions.zip", find_labs())
    assert isinstance(kept, Submission) and kept.student == "kimlee_223344"
    assert kept.origin == f"{tmp_path / 'submissions.zip'}:kimlee_223344_5569001_{NB}-1.ipynb"
    assert superseded.reason == f"superseded by {kept.origin}"


def test_a_gradescope_export_zip_is_read_through_its_top_folder(tmp_path):
    with zipfile.ZipFile(tmp_path / "assignment_987_export.zip", "w") as archive:
        archive.write(METADATA, "assignment_987_export/submission_metadata.yml")
        archive.write(SOLUTION, f"assignment_987_export/submission_200/{NB}.ipynb")
    [kim] = collect(tmp_path / "assignment_987_export.zip", find_labs())
    assert isinstance(kim, Submission) and kim.student == "123456"


@pytest.mark.parametrize("member,reason", [("../outside.ipynb", "escapes its folder"), (None, "not a zip")])
def test_an_export_zip_that_cannot_be_unpacked_safely_is_refused(tmp_path, capsys, member, reason):
    export = tmp_path / "submissions.zip"
    if member:
        with zipfile.ZipFile(export, "w") as archive:
            archive.write(SOLUTION, member)
    else:
        export.write_text("not a zip")
    assert main(["grade", str(export), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert reason in capsys.readouterr().err and not (tmp_path / "outside.ipynb").exists()
