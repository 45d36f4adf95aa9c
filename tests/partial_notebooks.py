"""Student notebooks part done: the released notebook with some exercises' solution cells from the reference."""
from __future__ import annotations

import nbformat

from autograder.course import REPO, Lab


def student_notebook(lab: Lab, framework: str, done: list[str]) -> nbformat.NotebookNode:
    """labs/<lab>/<notebook>.ipynb with the solution cells of the exercises in `done` filled in as in
    solutions/; every other cell (the locked check cells included) exactly as released."""
    name = f"{lab.notebook_name(framework)}.ipynb"
    reference = {cell.metadata["nbgrader"]["grade_id"]: cell.source
                 for cell in nbformat.read(REPO / "solutions" / lab.name / name, as_version=4).cells
                 if "nbgrader" in cell.metadata}
    notebook = nbformat.read(REPO / "labs" / lab.name / name, as_version=4)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if any(grade_id.startswith(f"{exercise}_solution") for exercise in done):
            cell.source = reference[grade_id]
    return notebook
