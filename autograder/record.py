"""Step 4, save grades: a judged notebook -> nbgrader's gradebook, the graded notebook, the feedback, a Result.

Guarantees: the points in the Result are the points nbgrader's SaveAutoGrades gives the notebook's grade cells
(nbgrader.utils.determine_grade on the same cells), so grades.csv and the gradebook agree; the lab is recorded in
the course gradebook as one notebook (autograder.lab_gradebook: a student who handed in both frameworks keeps
the better); every file is written atomically (a killed grader leaves no half-written file).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder import lab_gradebook
from autograder.contracts import RegisteredNotebook, Result, RunResult, Status
from autograder.course import IGNORED_STDERR, Lab
from autograder.intake import Submission


@dataclass
class Books:
    """Where grades go: nbgrader's course folder (DIR/nbgrader) and its two gradebooks."""

    workdir: Path
    course_url: str  # the course gradebook: one notebook per lab (what formgrader and `nbgrader export` read)
    sources_url: str  # the sources gradebook: each framework's notebook with its own cells (for sanitizing)

    def resources(self, lab: str, notebook: str, student: str) -> dict:
        """nbgrader's resources for a submission's own notebook, against the sources gradebook."""
        return {"nbgrader": {"db_url": self.sources_url, "assignment": lab, "notebook": notebook, "student": student},
                "metadata": {"path": str(self.workdir)}}


def save_grades(nb: nbformat.NotebookNode, submission: Submission, lab: Lab, registered: RegisteredNotebook,
                run: RunResult, messages: dict[str, str], flagged: str | None, books: Books) -> Result:
    """Record the judged notebook `nb` (its verdicts applied: autograder.verdicts) -> its Result."""
    from nbgrader.preprocessors import IgnorePattern, LimitOutput, SaveAutoGrades
    from nbgrader.utils import determine_grade, is_grade

    resources = books.resources(submission.lab, submission.notebook, submission.student)
    for pp in (IgnorePattern(pattern=IGNORED_STDERR), LimitOutput()):
        nb, resources = pp.preprocess(nb, resources)
    result = Result(submission.student, submission.lab, submission.notebook, submission.origin,
                    max_score=registered.max_score, messages=messages, seconds=run.seconds)
    result.scores = {cell.metadata["nbgrader"]["grade_id"]: float(determine_grade(cell)[0] or 0)
                     for cell in nb.cells if is_grade(cell)}
    result.total = sum(result.scores.values())
    lab_gradebook.mark_twin(nb, submission.notebook)
    if lab_gradebook.should_record(books.course_url, books.workdir, submission.student, lab, submission.notebook,
                                   result.total):
        SaveAutoGrades().preprocess(nb, lab_gradebook.resources(books.course_url, books.workdir, submission.student,
                                                                lab))
        atomic_write(lab_gradebook.autograded_path(books.workdir, submission.student, lab), nbformat.writes(nb))
    graded = books.workdir / "graded" / submission.student / submission.lab / f"{submission.notebook}.ipynb"
    atomic_write(graded, nbformat.writes(nb))  # every graded notebook, recorded or not
    if flagged:
        result.status, result.reason = Status.FLAGGED, flagged
    elif run.problem:
        result.reason = run.problem
    elif run.judge_error:
        result.status, result.reason = Status.ERROR, run.judge_error
    from autograder.report import feedback_html

    feedback = books.workdir.parent / "feedback" / submission.student / submission.lab / f"{submission.notebook}.html"
    atomic_write(feedback, feedback_html(nb, result))
    result.feedback = feedback
    return result


def save_failure(submission: Submission, lab: Lab | None, max_score: float, reason: str, books: Books) -> Result:
    """A submission that could not be graded at all: 0 points, recorded in the course gradebook too (unless the
    student's other framework's notebook of the lab is recorded there)."""
    from nbgrader.api import MissingEntry

    try:
        if lab is not None and lab_gradebook.should_record(books.course_url, books.workdir, submission.student, lab,
                                                           submission.notebook, None):
            lab_gradebook.record_zero(books.course_url, books.workdir, submission.student, lab)
    except MissingEntry:
        pass  # the lab is not in the gradebook (it could not be registered): grades.csv still has the row
    return Result(submission.student, submission.lab, submission.notebook, submission.origin, status=Status.ERROR,
                  reason=reason[:400], max_score=max_score)


def atomic_write(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and a rename (never half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)
