"""Sample submissions for the demo, made from the current labs so they never go stale.

For every lab notebook: "ada" hands in the solution, "ben" the untouched student
version, "cy" the solution with its last exercise left undone; "dot" sends a
file that is not a notebook at all.
"""
from __future__ import annotations

from pathlib import Path

import nbformat

from autograder.course import FRAMEWORKS, REPO, find_labs


def with_last_exercise_undone(solution, student):
    """The solution notebook, with the last exercise's solution cells taken from the student version."""
    stubs = {c.metadata["nbgrader"]["grade_id"]: c.source for c in student.cells
             if c.metadata.get("nbgrader", {}).get("solution")}
    last = [gid for gid in stubs][-1].rsplit("_solution_", 1)[0]
    for cell in solution.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id.startswith(f"{last}_solution_"):
            cell.source = stubs[grade_id]
    return solution


def write_samples(folder: Path, repo: Path = REPO) -> list[Path]:
    """Write the sample submissions, LMS style (<student>_<notebook>.ipynb), into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for lab in find_labs(repo / "solutions"):
        for framework in FRAMEWORKS:
            name = lab.notebook_name(framework)
            solution = nbformat.read(repo / "solutions" / lab.name / f"{name}.ipynb", as_version=4)
            student = nbformat.read(repo / "labs" / lab.name / f"{name}.ipynb", as_version=4)
            for who, notebook in [("ada", solution), ("ben", student),
                                  ("cy", with_last_exercise_undone(nbformat.from_dict(solution), student))]:
                path = folder / f"{who}_{name}.ipynb"
                nbformat.write(notebook, path)
                written.append(path)
    broken = folder / "dot_perceptron_tf.ipynb"
    broken.write_text('{"cells": [ this is not JSON')
    return written + [broken]
