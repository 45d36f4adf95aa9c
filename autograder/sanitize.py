"""Step 1, sanitize: a submitted notebook -> the notebook to run, with the instructor's cells restored.

Guarantees: every graded and locked cell (its source, hidden tests, points, grade id, checksum) is the one in
the sources gradebook for this notebook's framework (nbgrader's OverwriteCells, which also puts back deleted
cells); nbgrader metadata the gradebook does not know is dropped first, so a made-up, repeated or retyped
graded cell is an ordinary cell; outputs and kernelspec are the grader's. A notebook with none of the lab's
graded cells (another course's, renamed) raises NotThisLab. Which exercise a test cell judges is its grade id.
"""
from __future__ import annotations

import ast
import json

import nbformat

from autograder.contracts import RegisteredNotebook


class NotThisLab(ValueError):
    """A notebook named like one of the lab's that has none of its nbgrader cells: rejected, not graded."""


def sanitize(content: dict, notebook: RegisteredNotebook, resources: dict) -> nbformat.NotebookNode:
    """The sanitized copy of `content` (a submitted notebook; not modified). `resources`: nbgrader's, naming
    the sources gradebook, the assignment, the notebook and the student."""
    from nbgrader.preprocessors import (CheckCellMetadata, ClearOutput, DeduplicateIds, OverwriteCells,
                                        OverwriteKernelspec)

    nb = nbformat.from_dict(json.loads(json.dumps(content)))
    _drop_foreign_metadata(nb, notebook.cells)
    if not any("nbgrader" in cell.metadata for cell in nb.cells):
        raise NotThisLab(f"not this lab's notebook: it has none of {notebook.name}'s graded cells")
    for pp in (ClearOutput(), DeduplicateIds(), OverwriteKernelspec(), OverwriteCells(add_missing_cells=True),
               CheckCellMetadata()):
        nb, resources = pp.preprocess(nb, resources)
    return nb


def graded_test_cells(nb) -> dict[str, str]:
    """Index of each graded test (code) cell -> the exercise it judges: its grade id, which the lab's build
    gives the exercise's name (and which OverwriteCells has just restored from the gradebook)."""
    return {str(index): cell.metadata["nbgrader"]["grade_id"] for index, cell in enumerate(nb.cells)
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")}


def student_code(nb):
    """The sources of the cells the student may edit (code cells that are not locked)."""
    return [cell.source for cell in nb.cells
            if cell.cell_type == "code" and not cell.metadata.get("nbgrader", {}).get("locked")]


def function_sources(nb) -> dict[str, str]:
    """name -> source of the last top-level `def name` or `class name` in the student's cells (for checks on how
    it is written)."""
    sources = {}
    for code in student_code(nb):
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                sources[node.name] = ast.get_source_segment(code, node) or ""
    return sources


def _drop_foreign_metadata(nb, known: dict[str, str]) -> None:
    """nbgrader metadata the gradebook does not know (a made-up or repeated grade id, a cell retyped)
    is removed, so the cell is an ordinary one; OverwriteCells then puts every missing graded cell back."""
    seen = set()
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta is None:
            continue
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        if grade_id not in known or grade_id in seen or known[grade_id] != cell.cell_type:
            del cell.metadata["nbgrader"]
        else:
            seen.add(grade_id)
