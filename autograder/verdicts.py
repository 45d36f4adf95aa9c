"""Step 3, apply verdicts: the judge's verdicts become the graded notebook's test-cell outputs, and so points.

The rule, in one place: a graded test cell earns all of its points when the judge's verdict on its exercise is
"passed", and none otherwise (not attempted, failed, no verdict because the judge or the notebook stopped, or a
submission flagged for using the reference implementations). It is carried to nbgrader as nbgrader reads it:
SaveAutoGrades gives a grade cell 0 points when its outputs hold an error and full points otherwise
(nbgrader.utils.determine_grade), so a cell that did not pass gets an AssertionError output naming why, after the
verdict's own display (the check's coloured box). Other code cells keep the outputs the notebook produced.
"""
from __future__ import annotations

import nbformat

from autograder.contracts import RunResult, Task, Verdict
from mitdl_utils.checking import FAILED, PASSED, Outcome
from mitdl_utils.lab import display_data


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
