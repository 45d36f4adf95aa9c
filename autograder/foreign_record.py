"""Save a foreign course's graded notebook into the course's own gradebook, as nbgrader's autograde does.

  begin(course, handed)        the student and the submission (with its timestamp.txt) in the gradebook, the
                               files beside the notebooks copied to autograded/ (nbgrader's Autograde.init_assignment);
                               a notebook of the assignment that was not handed in scores 0, as nbgrader scores it
  apply_outputs(nb, task, run, placement)  each code cell's outputs: the student's process's for its own cells and
                               for the test cells run there (marked so), the judge's for the test cells it ran
  save(course, nb, submission, run, ...) -> Result   nbgrader's autograde preprocessors on the judged notebook
                               (IgnorePattern, LimitOutput, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata,
                               as configured), autograded/<student>/<assignment>/<notebook>.ipynb; the Result's
                               points are the ones nbgrader recorded
  save_failure(course, submission, reason) -> Result  a notebook that could not be graded: 0 in the gradebook

Points follow nbgrader's own rule (nbgrader.utils.determine_grade): a test cell earns nothing when its outputs
hold an error or anything on stderr, the value of a number its last line shows when there is one, else all its
points. A test cell that did not run (the notebook stopped before it, or the judge failed) gets an error output.
"""
from __future__ import annotations

import base64

import nbformat

from autograder.contracts import Result, RunResult, Status, Task
from autograder.foreign_course import ForeignCourse, HandedIn, is_autograded_test
from autograder.intake import Submission
from autograder.record import atomic_write

IN_STUDENT_PROCESS = "judged in the student's process, as stock nbgrader judges every test cell"


def begin(course: ForeignCourse, handed: HandedIn, files: dict[str, str]) -> None:
    """The submission in the gradebook and its files in autograded/; notebooks not handed in score 0."""
    from nbgrader.api import Gradebook

    timestamp = course.coursedir.get_existing_timestamp(str(handed.folder))
    with Gradebook(course.db_url) as gradebook:
        if course.creates_students():
            gradebook.update_or_create_student(handed.student)
        else:
            gradebook.find_student(handed.student)  # MissingEntry: nbgrader refuses a student it does not know
        gradebook.update_or_create_submission(handed.assignment, handed.student,
                                              **({"timestamp": timestamp} if timestamp else {}))
        for notebook in gradebook.find_assignment(handed.assignment).notebooks:
            if notebook.name not in handed.notebooks:
                _score_zero(gradebook, notebook.name, handed.assignment, handed.student)
    folder = course.autograded_folder(handed.student, handed.assignment)
    for relative, content in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(base64.b64decode(content))


def missing_notebooks(course: ForeignCourse, handed: HandedIn, registered: dict) -> list[Result]:
    """A Result for each notebook of the assignment the student did not hand in (0 points, as nbgrader gives)."""
    return [Result(handed.student, handed.assignment, name, str(handed.folder / f"{name}.ipynb"),
                   reason="not handed in: 0 points, as nbgrader gives", max_score=notebook.max_score)
            for name, notebook in registered.items() if name not in handed.notebooks]


def apply_outputs(nb: nbformat.NotebookNode, task: Task, run: RunResult, placement: dict[str, str]) -> None:
    """Put each code cell's outputs into `nb` (in place): see the module's docstring."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        produced = [output for output in run.cells.get(str(index), []) if isinstance(output, dict)]
        grade_id = task.grade_cells.get(str(index))
        if grade_id is not None:  # run in the judge: the student's stderr while tested, then the test's own outputs
            verdict = run.verdicts.get(grade_id)
            if run.judge_error or verdict is None or verdict.outputs is None:
                why = run.judge_error or (verdict.message if verdict else run.problem or "no verdict")
                outputs = [_error(f"this test cell could not be judged: {why}")]
            else:
                outputs = produced + verdict.outputs
        elif is_autograded_test(cell):
            grade_id = cell.metadata["nbgrader"]["grade_id"]
            note = nbformat.v4.new_output("display_data", data={
                "text/plain": f"[{IN_STUDENT_PROCESS}: {placement.get(grade_id, '')}]"})
            outputs = [note, *produced] if str(index) in run.cells else \
                [note, _error(f"this test cell did not run: {run.problem or 'the notebook stopped before it'}")]
        else:
            outputs = produced
        cell.outputs = [nbformat.from_dict(output) for output in outputs]


def save(course: ForeignCourse, nb: nbformat.NotebookNode, submission: Submission, run: RunResult,
         in_student_process: int) -> Result:
    """nbgrader's autograde steps on the judged notebook `nb` -> its Result (points as the gradebook has them).
    `in_student_process`: how many of its test cells were judged in the student's process."""
    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, IgnorePattern, LimitOutput,
                                        SaveAutoGrades)

    folder = course.autograded_folder(submission.student, submission.lab)
    resources = {"nbgrader": {"db_url": course.db_url, "assignment": submission.lab, "notebook": submission.notebook,
                              "student": submission.student}, "metadata": {"path": str(folder)}}
    for step in (IgnorePattern, LimitOutput, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata):
        nb, resources = step(config=course.config)(nb, resources)  # each as configured (IgnorePattern: if enabled)
    atomic_write(folder / f"{submission.notebook}.ipynb", nbformat.writes(nb))
    tests = [cell.metadata["nbgrader"]["grade_id"] for cell in nb.cells if is_autograded_test(cell)]
    with Gradebook(course.db_url) as gradebook:
        recorded = gradebook.find_submission_notebook(submission.notebook, submission.lab, submission.student)
        auto = {grade.name: grade.auto_score for grade in recorded.grades}
        total, max_score = float(recorded.score), float(recorded.max_score)
    scores = {grade_id: float(auto.get(grade_id) or 0.0) for grade_id in tests}
    notes = [f"{in_student_process} test cell{'s' * (in_student_process != 1)} {IN_STUDENT_PROCESS}"] \
        if in_student_process else []
    if run.problem:
        notes.insert(0, run.problem)
    result = Result(submission.student, submission.lab, submission.notebook, submission.origin, scores=scores,
                    total=total, max_score=max_score, messages=_why_lost(nb, scores), seconds=run.seconds,
                    reason="; ".join(notes)[:500])
    if run.judge_error:
        result.status, result.reason = Status.ERROR, run.judge_error
    return result


def save_failure(course: ForeignCourse, submission: Submission, reason: str, max_score: float) -> Result:
    """A notebook that could not be graded: 0 points in the gradebook (where it knows the notebook)."""
    from nbgrader.api import Gradebook, MissingEntry

    try:
        with Gradebook(course.db_url) as gradebook:
            _score_zero(gradebook, submission.notebook, submission.lab, submission.student)
    except MissingEntry:
        pass  # the student or the submission is not in the gradebook: grades.csv still has the row
    return Result(submission.student, submission.lab, submission.notebook, submission.origin, status=Status.ERROR,
                  reason=reason[:400], max_score=max_score)


def _score_zero(gradebook, notebook: str, assignment: str, student: str) -> None:
    """nbgrader's score for a notebook that is missing: every grade 0, none to grade by hand."""
    for grade in gradebook.find_submission_notebook(notebook, assignment, student).grades:
        grade.auto_score, grade.needs_manual_grade = 0, False
    gradebook.db.commit()


def _why_lost(nb: nbformat.NotebookNode, scores: dict[str, float]) -> dict[str, str]:
    """grade id -> why an autograded test cell earned less than its points (its error, or its stderr)."""
    messages = {}
    for cell in nb.cells:
        if not is_autograded_test(cell):
            continue
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        if scores.get(grade_id, 0.0) >= float(cell.metadata["nbgrader"].get("points", 0)):
            continue
        error = next((o for o in cell.outputs if o.get("output_type") == "error"), None)
        stderr = next((o for o in cell.outputs if o.get("output_type") == "stream" and o.get("name") == "stderr"), None)
        if error is not None:
            messages[grade_id] = ": ".join(part for part in (error.get("ename"), error.get("evalue")) if part)[:2000]
        elif stderr is not None:
            messages[grade_id] = f"the cell wrote to stderr: {str(stderr.get('text', ''))[:300]}"
        else:
            messages[grade_id] = "partial credit, as the cell's last value says"
    return messages


def _error(text: str) -> dict:
    return {"output_type": "error", "ename": "AssertionError", "evalue": text, "traceback": [f"AssertionError: {text}"]}
