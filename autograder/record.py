"""Steps 3 and 4, apply verdicts and save grades: the judge's verdicts -> points -> the gradebook and grades.csv.

Apply verdicts (`apply_verdicts`), the rule in one place: a graded test cell earns all of its points when the
judge's verdict on its exercise is "passed", and none otherwise (not attempted, failed, no verdict because the
judge or the notebook stopped, or a submission flagged for using the reference implementations). It is carried to
nbgrader as nbgrader reads it: SaveAutoGrades gives a grade cell 0 points when its outputs hold an error and full
points otherwise (nbgrader.utils.determine_grade), so a cell that did not pass gets an AssertionError output
naming why, after the verdict's own display (the check's coloured box). Other code cells keep the outputs the
notebook produced.

Save grades (`save_grades`, `write_grades_csv`): the points in the Result are the points nbgrader's
SaveAutoGrades gives the notebook's grade cells (determine_grade on the same cells), so grades.csv and the
gradebook agree; the lab is recorded in the course gradebook as one notebook (autograder.lab_gradebook: a student
who handed in both frameworks keeps the better); every file is written atomically (a killed grader leaves no
half-written file).
"""
from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder import lab_gradebook
from autograder.contracts import RegisteredNotebook, Result, RunResult, Status, Task, Verdict
from autograder.course import IGNORED_STDERR, Lab
from autograder.intake import Submission
from mitdl_utils.checking import FAILED, PASSED, Outcome
from mitdl_utils.lab import display_data


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


def verdict_for(exercise: str, run: RunResult, flagged: str | None) -> Verdict:
    """What decides the exercise's points (see the rule above)."""
    if flagged:
        return Verdict(FAILED, f"not graded: {flagged}")
    verdict = run.verdicts.get(exercise)
    if verdict is None:
        return Verdict(FAILED, f"the grader could not judge this exercise "
                               f"({run.judge_error or run.problem or 'no verdict'})")
    return verdict


def apply_verdicts(nb: nbformat.NotebookNode, task: Task, run: RunResult, flagged: str | None) -> dict[str, str]:
    """Put the run's outputs and the verdicts into `nb` (in place); -> grade id -> why it earned nothing."""
    messages = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        exercise = task.grade_cells.get(str(index))
        if exercise is None:
            cell.outputs = [nbformat.from_dict(o) for o in run.cells.get(str(index), []) if isinstance(o, dict)]
            continue
        verdict = verdict_for(exercise, run, flagged)
        points = cell.metadata.get("nbgrader", {}).get("points", 0)
        cell.outputs = [nbformat.v4.new_output("display_data", data=display_data(
            Outcome(exercise, verdict.status, verdict.message, points)))]
        if verdict.status != PASSED:
            text = f"{exercise}: {verdict.status}: {verdict.message}"[:2000]
            cell.outputs.append(nbformat.v4.new_output("error", ename="AssertionError", evalue=text,
                                                       traceback=[f"AssertionError: {text}"]))
            messages[exercise] = text
    return messages


def save_grades(nb: nbformat.NotebookNode, submission: Submission, lab: Lab, registered: RegisteredNotebook,
                run: RunResult, messages: dict[str, str], flagged: str | None, books: Books) -> Result:
    """Record the judged notebook `nb` (its verdicts applied: `apply_verdicts`) -> its Result."""
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
    recorded = lab_gradebook.should_record(books.course_url, books.workdir, submission.student, lab,
                                           submission.notebook, result.total)
    if recorded:
        SaveAutoGrades().preprocess(nb, lab_gradebook.resources(books.course_url, books.workdir, submission.student,
                                                                lab))
    text = nbformat.writes(nb)
    if recorded:
        atomic_write(lab_gradebook.autograded_path(books.workdir, submission.student, lab), text)
    graded = books.workdir / "graded" / submission.student / submission.lab / f"{submission.notebook}.ipynb"
    atomic_write(graded, text)  # every graded notebook, recorded or not
    if flagged:
        result.status, result.reason = Status.FLAGGED, flagged
    elif run.problem:
        result.reason = run.problem
    elif run.judge_error:
        result.status, result.reason = Status.ERROR, run.judge_error
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


FIXED_COLUMNS = ["student", "lab", "notebook"]


def exercise_columns(results: list[Result]) -> list[str]:
    """Every grade id that appears, in first-seen order."""
    columns: dict[str, None] = {}
    for result in results:
        columns.update(dict.fromkeys(result.scores))
    return list(columns)


def write_grades_csv(results: list[Result], path: Path) -> Path:
    """One row per student and notebook: student, lab, notebook, points per exercise, total, max, status."""
    exercises = exercise_columns(results)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(FIXED_COLUMNS + exercises + ["total", "max", "status"])
    for r in results:
        points = [format_points(r.scores[e]) if e in r.scores else "" for e in exercises]
        writer.writerow([r.student, r.lab, r.notebook, *points, format_points(r.total), format_points(r.max_score),
                         r.status_text])
    atomic_write(path, text.getvalue())
    return path


def format_points(value: float) -> str:
    """Points as grades.csv and the feedback write them: 13, 1.5."""
    return f"{value:g}"
