"""The gradebook nbgrader's own views read (formgrader, `nbgrader export`, `generate_feedback`): one notebook per lab.

nbgrader's generate_assignment makes a lab's framework twins (perceptron_tf, perceptron_torch) two notebooks of one
assignment, and an assignment's maximum is the sum of its notebooks': 26 for a 13-point lab, so a student who did
the lab in one framework would show 50%. The grader therefore keeps two gradebooks:

- the sources gradebook (DIR/nbgrader/sources.db, internal): what generate_assignment records, each twin with its
  own source cells and checksums. It is used only to sanitize a submission: OverwriteCells puts back its own
  twin's locked and hidden test cells.
- the course gradebook (`--db`; by default DIR/nbgrader/gradebook.db): assignment <lab> with one notebook named
  after the lab (e.g. "perceptron": `Lab.stem`) holding the grade cells (ids, points) and solution cells the twins
  share; a lab whose twins differ there is refused. A graded submission of either twin is recorded in it by
  nbgrader's SaveAutoGrades, and its graded notebook is autograded/<student>/<lab>/<stem>.ipynb, the file formgrader
  and generate_feedback open. A student who hands in both twins keeps the better one there (as lms.csv does); a
  twin graded again replaces its own record. Every graded twin, recorded or not, is also kept as
  DIR/nbgrader/graded/<student>/<lab>/<notebook>.ipynb (outside autograded/, where nbgrader would look it up).
"""
from __future__ import annotations

import json
from pathlib import Path

from autograder.course import Lab

SOURCES_DB = "sources.db"


def register_lab(course_url: str, sources_url: str, lab: Lab) -> str | None:
    """Copy the cells the lab's twins share from the sources gradebook into the course gradebook as one notebook;
    -> None, or why the lab cannot be one notebook (its twins' grade or solution cells differ)."""
    from nbgrader.api import Gradebook

    with Gradebook(sources_url) as sources:
        twins = {nb.name: (sorted((c.name, c.max_score, c.cell_type) for c in nb.grade_cells),
                           sorted(c.name for c in nb.solution_cells))
                 for nb in sources.find_assignment(lab.name).notebooks}
    if len(set(map(repr, twins.values()))) != 1:
        return f"lab {lab.name}: its notebooks {', '.join(sorted(twins))} differ in their graded cells or points"
    grade_cells, solution_cells = next(iter(twins.values()))
    with Gradebook(course_url) as course:
        course.update_or_create_assignment(lab.name)
        course.update_or_create_notebook(lab.stem, lab.name)
        for name, points, cell_type in grade_cells:
            course.update_or_create_grade_cell(name, lab.stem, lab.name, max_score=points, cell_type=cell_type)
        for name in solution_cells:
            course.update_or_create_solution_cell(name, lab.stem, lab.name)
    return None


def autograded_path(workdir: Path, student: str, lab: Lab) -> Path:
    """The graded notebook recorded for the student's lab: where formgrader and generate_feedback look."""
    return Path(workdir) / "autograded" / student / lab.name / f"{lab.stem}.ipynb"


def should_record(course_url: str, workdir: Path, student: str, lab: Lab, twin: str, score: float | None) -> bool:
    """Whether a result of `score` points for `twin` (None: it could not be graded) becomes the student's record of
    the lab: yes unless the other twin is recorded there with more points (or at all, against None)."""
    from nbgrader.api import Gradebook

    with Gradebook(course_url) as course:
        course.update_or_create_student(student)
        course.update_or_create_submission(lab.name, student)
        recorded = course.find_submission_notebook(lab.stem, lab.name, student)
        graded = any(grade.auto_score is not None for grade in recorded.grades)
        if not graded or _recorded_twin(autograded_path(workdir, student, lab)) == twin:
            return True
        return score is not None and float(recorded.score or 0) <= score


def resources(course_url: str, workdir: Path, student: str, lab: Lab) -> dict:
    """nbgrader's resources for recording into the student's lab notebook of the course gradebook."""
    return {"nbgrader": {"db_url": course_url, "assignment": lab.name, "notebook": lab.stem, "student": student},
            "metadata": {"path": str(workdir)}}


def mark_twin(nb, twin: str) -> None:
    """Say in the graded notebook which twin it is (the next `should_record` reads it back from autograded_path)."""
    nb.metadata.setdefault("mitdl", {})["notebook"] = twin


def record_zero(course_url: str, workdir: Path, student: str, lab: Lab) -> None:
    """The student's lab notebook scores 0 (a submission that could not be graded) and has no graded notebook."""
    from nbgrader.api import Gradebook

    with Gradebook(course_url) as course:
        notebook = course.find_submission_notebook(lab.stem, lab.name, student)
        for grade in notebook.grades:
            grade.auto_score, grade.needs_manual_grade = 0, False
        course.db.commit()
    autograded_path(workdir, student, lab).unlink(missing_ok=True)


def _recorded_twin(path: Path) -> str | None:
    try:
        return json.loads(path.read_text())["metadata"]["mitdl"]["notebook"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
