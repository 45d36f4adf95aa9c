"""grade --course DIR: a stock nbgrader course, graded into its own gradebook, its test cells judged in the judge.

The reference case is nbgrader's own example course, copied out of the installed nbgrader package at test time
(autograder.nbgrader_example): stock nbgrader 0.9.6 gives bitdiddle 1.5 and hacker 3.0 of its 13 points, and so must
this grader, cell by cell, in the course's own gradebook, read back with nbgrader's API. Then a hostile corpus built
on ps1's problem1: each trick wins stock nbgrader the points and wins nothing here.
"""
from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from autograder.cell_placement import Cell, judge_imports, place
from autograder.cli import main
from autograder.nbgrader_example import ASSIGNMENT, copy_example_course, example_folder, gradebook_points, \
    stock_autograde, stock_nbgrader
from tests.test_cluster import cluster  # noqa: F401 (the fixture: a dask scheduler and two workers)

EXPECTED = {"bitdiddle": 1.5, "hacker": 3.0}
AUTOGRADED = ["correct_squares", "squares_invalid_input", "correct_sum_of_squares", "sum_of_squares_uses_squares"]


def db_of(course: Path) -> str:
    return f"sqlite:///{course.resolve() / 'gradebook.db'}"


def totals(db_url: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        return {student.id: float(gradebook.find_submission(ASSIGNMENT, student.id).score)
                for student in gradebook.students}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The example course graded by `grade --course`, and a copy of it graded by stock nbgrader."""
    ours = copy_example_course(tmp_path_factory.mktemp("ours"))
    code = main(["grade", "--course", str(ours), "--quiet"])
    stock = stock_autograde(copy_example_course(tmp_path_factory.mktemp("stock")))
    return ours, code, stock


def test_the_example_course_gets_stock_nbgraders_scores_in_its_own_gradebook(graded):
    ours, code, stock = graded
    assert code == 0
    assert stock.totals == EXPECTED  # what the issue says stock nbgrader 0.9.6 gives
    assert totals(db_of(ours)) == EXPECTED
    assert gradebook_points(db_of(ours), ASSIGNMENT) == stock.points  # every grade cell, manual ones included


def test_nbgraders_own_tools_carry_on_from_the_gradebook(graded):
    ours, _, _ = graded
    for student in EXPECTED:
        assert (ours / "autograded" / student / ASSIGNMENT / "problem1.ipynb").exists()
        assert (ours / "autograded" / student / ASSIGNMENT / "jupyter.png").exists()  # beside it, as nbgrader puts it
    stock_nbgrader(ours, "generate_feedback", ASSIGNMENT)
    stock_nbgrader(ours, "export")
    exported = {row["student_id"]: float(row["score"]) for row in csv.DictReader(open(ours / "grades.csv"))}
    assert exported == EXPECTED
    feedback = (ours / "feedback" / "hacker" / ASSIGNMENT / "problem1.html").read_text()
    assert "judged in the student&#x27;s process" in feedback or "judged in the student's process" in feedback


def test_the_grading_log_says_where_each_test_cell_ran_and_how_it_was_sandboxed(graded):
    ours, _, _ = graded
    log = (ours / "grading" / "grading.log").read_text()
    assert "ps1/problem1: 3 of 4 test cells judged in the judge; in the student's process: " \
           "sum_of_squares_uses_squares (it deletes the notebook's name 'squares')" in log
    assert "sandbox: " in log
    rows = {(row["student"], row["notebook"]): row for row in csv.DictReader(open(ours / "grading" / "grades.csv"))}
    assert rows["hacker", "problem1"]["status"] == \
        "graded: 1 test cell judged in the student's process, as stock nbgrader judges every test cell"
    assert [rows["bitdiddle", "problem1"][grade_id] for grade_id in AUTOGRADED] == ["0", "1", "0", "0.5"]
    lms = {row["student"]: row for row in csv.DictReader(open(ours / "grading" / "lms.csv"))}
    assert (lms["(maximum)"][ASSIGNMENT], lms["bitdiddle"][ASSIGNMENT], lms["hacker"][ASSIGNMENT]) == ("13", "1.5", "3")


def test_a_rerun_grades_nothing_again_and_db_takes_another_gradebook(tmp_path):
    course = copy_example_course(tmp_path / "course")
    other = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    assert main(["grade", "--course", str(course), "--db", other, "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert totals(other) == EXPECTED and not (course / "gradebook.db").exists()
    graded_lines = (tmp_path / "out" / "grading.log").read_text().count(" s on ")
    assert main(["grade", "--course", str(course), "--db", other, "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert (tmp_path / "out" / "grading.log").read_text().count(" s on ") == graded_lines == 4
    assert totals(other) == EXPECTED


def test_killed_with_sigkill_and_run_again_every_notebook_ends_with_one_grade(tmp_path):
    course = copy_example_course(tmp_path / "course", students=20)
    command = [sys.executable, "-m", "autograder", "grade", "--course", str(course), "--quiet", "--jobs", "1"]
    journal = course / "grading" / "journal.jsonl"
    grader = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and grader.poll() is None and \
            (not journal.exists() or journal.read_text().count("\n") < 3):
        time.sleep(0.1)
    os.killpg(grader.pid, signal.SIGKILL)
    grader.wait()
    done_before = journal.read_text().count("\n")
    assert 3 <= done_before < 40, "the grader was not killed in the middle of the batch"
    assert subprocess.run(command, stdout=subprocess.DEVNULL).returncode == 0
    keys = [json.loads(line)["key"] for line in journal.read_text().splitlines()]
    assert len(keys) == len(set(keys)) == 40  # 20 students x 2 notebooks, each graded once
    assert totals(db_of(course)) == {f"{student}-{n:02d}": EXPECTED[student] for student in EXPECTED
                                     for n in range(1, 11)}


def test_bad_submissions_get_a_reason_and_the_batch_goes_on(tmp_path):
    course = copy_example_course(tmp_path / "course")
    (course / "submitted" / "hacker" / ASSIGNMENT / "problem2.ipynb").write_text("{ not json")
    for student, assignment, name in (("carol", "ps9", "problem1"), ("dave", ASSIGNMENT, "extra")):
        (course / "submitted" / student / assignment).mkdir(parents=True)
        (course / "submitted" / student / assignment / f"{name}.ipynb").write_bytes(
            (course / "submitted" / "hacker" / ASSIGNMENT / "problem1.ipynb").read_bytes())
    assert main(["grade", "--course", str(course), "--quiet"]) == 1
    rows = {(row["student"], row["notebook"]): row["status"]
            for row in csv.DictReader(open(course / "grading" / "grades.csv"))}
    assert rows["hacker", "problem2"].startswith("rejected: not a notebook: invalid JSON")
    assert rows["carol", "problem1"].startswith("rejected: unknown assignment 'ps9'")
    assert rows["dave", "problem2"] == "graded: not handed in: 0 points, as nbgrader gives"
    assert ("dave", "extra") not in rows  # a notebook the assignment does not have: skipped, as nbgrader skips it
    assert totals(db_of(course)) == {**EXPECTED, "dave": 0.0}


def test_a_dask_cluster_gives_the_same_grades(cluster, tmp_path):  # noqa: F811
    course = copy_example_course(tmp_path / "course")
    assert main(["grade", "--course", str(course), "--cluster", cluster, "--quiet"]) == 0
    assert totals(db_of(course)) == EXPECTED


@pytest.mark.parametrize("arguments, message", [
    (["--course", "{missing}"], "no such folder"),
    (["--course", "{course}", "{course}/submitted"], "give no SUBMISSIONS folder"),
    (["--course", "{course}", "--jobs", "0"], "must be a positive whole number"),
    (["--course", "{course}", "--db", "nonsense"], "is not a database URL"),
    (["--course", "{broken}"], "nbgrader_config.py cannot be read (NameError"),
    (["--course", "{empty}"], "no submissions found"),
    ([], "give a SUBMISSIONS folder and --out DIR, or --course DIR"),
])
def test_a_bad_invocation_is_refused_in_one_line_before_any_work(tmp_path, capsys, arguments, message):
    course = copy_example_course(tmp_path / "course")
    broken = copy_example_course(tmp_path / "broken")
    (broken / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.root = undefined_name\n")
    (tmp_path / "empty" / "source").mkdir(parents=True)
    paths = {"missing": tmp_path / "missing", "course": course, "broken": broken, "empty": tmp_path / "empty"}
    started = time.monotonic()
    try:
        code = main(["grade", *(argument.format(**paths) for argument in arguments)])
    except SystemExit as refused:  # argparse's own refusal of an option
        code = refused.code
    assert code == 2
    assert time.monotonic() - started < 15
    error = capsys.readouterr().err.strip()
    assert message in error and len(error.splitlines()) == 1, error
    assert not (course / "gradebook.db").exists() and not (course / "autograded").exists()



# ---------------------------------------------------------------- where test cells run (the instructor's notebook)

def test_a_test_cell_that_changes_the_students_names_runs_in_the_students_process():
    cells = [Cell(None, "import numpy as np\ndef f(x):\n    return x"), Cell("reads", "assert f(1) == 1"),
             Cell("mocks", "f = lambda x: 0\nassert g(1) == 0"), Cell("deletes", "del f"),
             Cell("magic", "%timeit f(1)"), Cell("local", "import helpers\nassert helpers.check(f)"),
             Cell("provides", "from math import sqrt"), Cell(None, "print(sqrt(4))")]
    placed = place(cells, own_modules={"helpers"})
    assert set(placed) == {"mocks", "deletes", "magic", "local", "provides"}
    assert "reads" not in placed
    assert place(cells, {"helpers"}, calibrated={"reads": "TypeError: ..."})["reads"].startswith(
        "on the assignment's own solution it does not pass in the judge")
    assert judge_imports(cells, {"helpers"}) == {"np": ["numpy", None], "sqrt": ["math", "sqrt"]}


# ---------------------------------------------------------------- the hostile corpus, against ps1's problem1

HIDDEN_TEST = "\n### BEGIN HIDDEN TESTS\nassert squares(12) == [i ** 2 for i in range(1, 13)]\n### END HIDDEN TESTS\n"
OFF_BY_ONE = '''def squares(n):
    if n < 1:
        raise ValueError("n must be at least 1")
    return [i ** 2 for i in range(n)]
'''
SUM = "def sum_of_squares(n):\n    return sum(squares(n))\n"
CASES = {  # student -> (trick cell, squares, sum_of_squares, the points each autograded test cell deserves)
    "always_equal": ('''class AlwaysEqual:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False
''', '''def squares(n):
    if n < 1:
        raise ValueError("n must be at least 1")
    return AlwaysEqual()
''', "def sum_of_squares(n):\n    squares(n)\n    return AlwaysEqual()\n", [0, 1, 0, 0.5]),
    "patched_assert": ('''import ast

class NoAsserts(ast.NodeTransformer):
    def visit_Assert(self, node):
        return ast.Pass()

get_ipython().ast_transformers.append(NoAsserts())
''', OFF_BY_ONE, SUM, [0, 1, 0, 0.5]),
    "redefined_builtins": ("import builtins\nbuiltins.ValueError = Exception\n", '''def squares(n):
    if n < 1:
        raise TypeError("n must be at least 1")
    return [i ** 2 for i in range(1, n + 1)]
''', SUM, [1, 0, 0.5, 0.5]),
    "swallowed_exception": ('''def swallow(lines):  # every later cell, the test cells too, inside try: ... except: pass
    return ["try:\\n", *("    " + line for line in lines), "\\nexcept BaseException:\\n    pass\\n"]

get_ipython().input_transformers_post.append(swallow)
''', OFF_BY_ONE, SUM, [0, 1, 0, 0.5]),
    "reads_test_source": ('''import gc, glob, inspect, linecache, re

def tests_seen():
    texts = []
    for pattern in ("*.ipynb", "../*/*.ipynb", "../../../source/*/*.ipynb"):  # the course's own folders
        for path in glob.glob(pattern):
            texts.append(open(path).read().replace("\\\\n", "\\n"))
    for frame in inspect.stack():
        texts += linecache.getlines(frame.filename)
    for holder in gc.get_objects():
        if isinstance(holder, (dict, list)):
            texts += [v for v in (holder.values() if isinstance(holder, dict) else holder)
                      if isinstance(v, str) and "assert squares(" in v]
    return "\\n".join(texts)
''', '''def squares(n):
    if n < 1:
        raise ValueError("n must be at least 1")
    seen = tests_seen()
    if "range(1, 13)" in seen and n == 12:
        return [i ** 2 for i in range(1, 13)]
    found = re.search(r"assert squares\\(%d\\) == (\\[[0-9, ]*\\])" % n, seen)
    return eval(found.group(1)) if found else [i ** 2 for i in range(n)]
''', SUM, [0, 1, 0, 0.5]),
}
STOCK_GIVES = {student: 3.0 for student in CASES}  # each trick wins every autograded point from stock nbgrader
PROBE = '''import os, stat
print("sees:", [path for path in {paths!r} if os.path.exists(path)])
print("pipes:", sum(stat.S_ISFIFO(os.fstat(fd).st_mode) or stat.S_ISSOCK(os.fstat(fd).st_mode)
                     for fd in range(3, 1024) if _is_open(fd)))
'''
IS_OPEN = "import os\ndef _is_open(fd):\n    try:\n        os.fstat(fd)\n        return True\n    except OSError:\n        return False\n"


def code_cell(source: str) -> nbformat.NotebookNode:
    """A code cell for ps1's notebooks (nbformat 4.0: cells without ids)."""
    return nbformat.from_dict({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                               "source": source})


def hostile_course(folder: Path) -> Path:
    """The example course with a hidden test in correct_squares and one student per trick (problem1 only)."""
    course = copy_example_course(folder)
    source = course / "source" / ASSIGNMENT / "problem1.ipynb"
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "correct_squares":
            cell.source += HIDDEN_TEST
    nbformat.write(nb, source)
    honest = example_folder() / "submitted" / "hacker" / ASSIGNMENT / "problem1.ipynb"
    peek = [str(course / "gradebook.db"), str(source), str(course / "submitted" / "hacker" / ASSIGNMENT)]
    for student, (trick, squares, sum_of_squares, _) in CASES.items():
        nb = nbformat.read(honest, as_version=4)
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            cell.source = {"squares": squares, "sum_of_squares": sum_of_squares}.get(grade_id, cell.source)
        nb.cells[2:2] = [code_cell(trick)]
        if student == "reads_test_source":  # and what it can see of the machine, written to its own output
            nb.cells[2:2] = [code_cell(IS_OPEN + PROBE.format(paths=peek))]
        (course / "submitted" / student / ASSIGNMENT).mkdir(parents=True)
        nbformat.write(nb, course / "submitted" / student / ASSIGNMENT / "problem1.ipynb")
    return course


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    ours = hostile_course(tmp_path_factory.mktemp("hostile"))
    code = main(["grade", "--course", str(ours), "--quiet"])
    stock = stock_autograde(hostile_course(tmp_path_factory.mktemp("hostile-stock")))
    return ours, code, stock


@pytest.mark.parametrize("student", sorted(CASES))
def test_each_trick_gets_exactly_the_score_it_deserves(hostile, student):
    ours, code, stock = hostile
    points = gradebook_points(db_of(ours), ASSIGNMENT)[student]["problem1"]
    assert [points[grade_id] for grade_id in AUTOGRADED] == CASES[student][3]
    assert sum(points[grade_id] for grade_id in AUTOGRADED) < stock.totals[student] == STOCK_GIVES[student]


def test_the_honest_students_keep_their_points_next_to_the_tricks(hostile):
    ours, code, stock = hostile
    assert code == 0
    assert {student: totals(db_of(ours))[student] for student in EXPECTED} == EXPECTED
    assert {student: stock.totals[student] for student in EXPECTED} == EXPECTED


def test_the_student_sees_no_course_file_and_no_pipe_of_the_worker(hostile):
    ours, _, _ = hostile
    nb = nbformat.read(ours / "autograded" / "reads_test_source" / ASSIGNMENT / "problem1.ipynb", as_version=4)
    printed = "".join(output.get("text", "") for output in nb.cells[2].outputs)
    assert "sees: []" in printed and "pipes: 3" in printed, printed  # its own three pipes to the grader, no more
