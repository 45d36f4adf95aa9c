"""A student's feedback page (autograder.report): rendered like nbgrader's, each failure once, no hidden tests."""
import html
import re
import types

import nbformat

from autograder.contracts import Result, RunResult, Status, Verdict
from autograder.course import REPO
from autograder.record import apply_verdicts
from autograder.report import collect_feedback, feedback_html
from autograder.sanitize import graded_test_cells
from mitdl_utils.checking import FAILED, PASSED

NOTEBOOK = REPO / "solutions" / "01_perceptron" / "perceptron_torch.ipynb"
WHY = "expected 0.731, got 0.269: your answer is the expected one negated"


def _judged_page() -> tuple[str, str, str]:
    """-> (page, the exercise that failed, one that passed), for the lab 01 solution with one exercise failed."""
    nb = nbformat.read(NOTEBOOK, 4)
    cells = graded_test_cells(nb)
    failed, passed = list(cells.values())[:2]
    run = RunResult(verdicts={name: Verdict(PASSED, "all checks passed") for name in cells.values()})
    run.verdicts[failed] = Verdict(FAILED, WHY)
    messages = apply_verdicts(nb, types.SimpleNamespace(grade_cells=cells), run, None)
    result = Result("ada", "01_perceptron", "perceptron_torch", "ada.ipynb", messages=messages, max_score=13,
                    scores={name: 0.0 if name == failed else 1.0 for name in cells.values()}, total=12)
    return feedback_html(nb, result), failed, passed


def _text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_markdown_and_math_are_rendered_not_shown_raw():
    page, _, _ = _judged_page()
    assert "<strong>" in page and "<h1" in page and "<table>" in page  # bold, headings, tables: as HTML
    prose = "".join(chunk.split("<div class='code'>")[0] for chunk in page.split("<div class='md'>")[1:])
    assert "**" not in prose and "\n# " not in prose and "|---" not in prose  # no markdown markup left over
    assert "$\\sigma(z) = " in page and "mathjax" in page  # math kept for MathJax to typeset, as nbconvert does


def test_each_failure_is_shown_once_in_the_notebook_with_its_diagnosis():
    page, failed, _ = _judged_page()
    body = page.split("</table><hr>", 1)[1]  # the notebook, after the score table
    assert html.unescape(body).count(WHY) == 1
    assert "AssertionError" not in body  # nbgrader's copy of the verdict (what gives the cell 0 points) is not shown
    assert f"{failed}: failed" in html.unescape(body)


def test_the_hidden_test_code_is_not_on_the_page():
    page, _, _ = _judged_page()
    assert "lab.grade(" not in page and "BEGIN HIDDEN TESTS" not in page
    assert "lab.check(" in _text(page)  # the visible check stays


def test_a_students_own_html_output_is_shown_as_text():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("show()", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/html": "<script>alert(1)</script>", "text/plain": "<script>alert(1)</script>"})])])
    page = feedback_html(nb, Result("ada", "01_perceptron", "perceptron_torch", "x"))
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page


def test_a_rejected_hand_in_gets_a_page_that_says_why_and_what_to_resubmit(tmp_path):
    rejected = Result("bob", "01_perceptron", "", "bob/notes.txt", status=Status.REJECTED,
                      reason="not a notebook: notes.txt")
    graded_elsewhere = Result("ada", "01_perceptron", "perceptron_torch", "ada.ipynb")
    pages = collect_feedback([rejected, graded_elsewhere], tmp_path)
    assert pages == [rejected.feedback] and rejected.feedback.is_relative_to(tmp_path / "bob")
    text = html.unescape(rejected.feedback.read_text())
    assert "not a notebook: notes.txt" in text and "Hand in the lab's own notebook" in text
