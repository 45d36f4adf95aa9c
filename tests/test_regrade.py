"""A corrected resubmission graded into the same --out is graded again; unchanged submissions are not."""
import contextlib
import io
import json
import shutil

import pytest
from nbgrader.api import Gradebook

from autograder.cli import main
from autograder.course import REPO
from tests.grading_helpers import FULL, LAB, NB, POINTS, read_totals, small_batch

WRONG = FULL - POINTS["collapse"]  # s02: collapse wrong


@pytest.fixture(scope="module")
def regraded(tmp_path_factory):
    """s00 the solution (FULL), s01 the untouched notebook (0), s02 collapse wrong (WRONG), graded; then s01 replaces
    its notebook by the solution and the same command runs again."""
    subs, out = tmp_path_factory.mktemp("subs"), tmp_path_factory.mktemp("out")
    small_batch(subs, 3)
    command = ["grade", str(subs), "--out", str(out), "--quiet"]
    first = main(command)
    first_totals = read_totals(out)
    shutil.copy(REPO / "solutions" / LAB / f"{NB}.ipynb", subs / f"s01_{NB}.ipynb")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        second = main(command)
    return {"codes": (first, second), "first": first_totals, "out": out,
            "summary": printed.getvalue().strip().splitlines()[-1]}


def test_a_changed_submission_is_graded_again_and_grades_csv_has_only_its_new_grade(regraded):
    assert regraded["first"] == {"s00": FULL, "s01": 0, "s02": WRONG}
    rows = (regraded["out"] / "grades.csv").read_text().splitlines()[1:]
    assert sorted(row.split(",")[0] for row in rows) == ["s00", "s01", "s02"]
    assert read_totals(regraded["out"]) == {"s00": FULL, "s01": FULL, "s02": WRONG}
    assert regraded["codes"] == (0, 0)


def test_the_gradebook_holds_the_new_score(regraded):
    with Gradebook(f"sqlite:///{regraded['out'] / 'nbgrader' / 'gradebook.db'}") as gradebook:
        assert {s: gradebook.find_submission(LAB, s).score for s in ("s00", "s01", "s02")} == \
            {"s00": FULL, "s01": FULL, "s02": WRONG}


def test_unchanged_submissions_are_not_graded_again(regraded):
    lines = (regraded["out"] / "journal.jsonl").read_text().splitlines()
    keys = [json.loads(line)["key"] for line in lines]
    assert sorted(keys) == sorted([f"s00/{LAB}/{NB}", f"s01/{LAB}/{NB}", f"s01/{LAB}/{NB}", f"s02/{LAB}/{NB}"])


def test_the_summary_line_says_how_many_were_regraded(regraded):
    assert regraded["summary"].startswith("3/3 graded (1 regraded")


def test_the_log_names_the_regraded_submission_and_counts_them(regraded):
    log = (regraded["out"] / "grading.log").read_text()
    assert f"s01_{NB}.ipynb: changed since it was graded (graded 0/{FULL:g}): grading it again" in log
    counts = [line.split(" ", 2)[2] for line in log.splitlines() if " regraded: " in line]
    assert [count.split(" ")[0] for count in counts] == ["0", "1"]  # the first run, then the second
