"""Notebooks made from a lab's student notebook and the corpus: one student's hand-in, and the checks notebook.

The student notebook (labs/<lab>/<name>_<fw>.ipynb, what students get) is filled in with the solution's code
(solutions/<lab>/<name>_<fw>.ipynb, matched by nbgrader grade id): that is a student who solved everything,
with test cells exactly as students see them (the visible check only).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache

import nbformat

from autograder.course import FRAMEWORKS, REPO
from tests.verdicts.variant import Variant


def notebook_name(lab: str, framework: str) -> str:
    """'01_perceptron', 'torch' -> 'perceptron_torch'."""
    return f"{lab[3:]}_{FRAMEWORKS[framework]}"


def grade_id(cell) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def solution_id(exercise: str) -> str:
    return f"{exercise}_solution_1"


def solved(lab: str, framework: str) -> nbformat.NotebookNode:
    """The student notebook with every solution cell holding the solution's code (a fresh copy)."""
    return copy.deepcopy(_solved(lab, framework))


@cache
def _solved(lab: str, framework: str) -> nbformat.NotebookNode:
    name = notebook_name(lab, framework)
    student = nbformat.read(REPO / "labs" / lab / f"{name}.ipynb", as_version=4)
    solution = nbformat.read(REPO / "solutions" / lab / f"{name}.ipynb", as_version=4)
    sources = {grade_id(cell): cell.source for cell in solution.cells if grade_id(cell).endswith("_solution_1")}
    for cell in student.cells:
        if grade_id(cell) in sources:
            cell.source = sources.pop(grade_id(cell))
    assert not sources, f"solution cells missing from the student notebook: {sorted(sources)}"
    return student


def solution_source(notebook, exercise: str) -> str:
    [source] = [cell.source for cell in notebook.cells if grade_id(cell) == solution_id(exercise)]
    return source


def handed_in(variant: Variant) -> nbformat.NotebookNode:
    """The solved notebook with the variant in its exercise's solution cell: one student's hand-in."""
    notebook = solved(variant.lab, variant.framework)
    [cell] = [cell for cell in notebook.cells if grade_id(cell) == solution_id(variant.exercise)]
    cell.source = variant.source
    return notebook


@dataclass(frozen=True)
class CheckSlot:
    """One check cell of the checks notebook: the exercise it checks, the variant it holds (None: the solution),
    and its index among the notebook's cells (the variant's own cell is the one before it)."""

    exercise: str
    variant: Variant | None
    cell: int


def checks_notebook(lab: str, framework: str, variants: list[Variant],
                    check=lambda variant: f'lab.check("{variant.exercise}")'
                    ) -> tuple[nbformat.NotebookNode, list[CheckSlot]]:
    """The solved notebook where, after each exercise's check cell, every variant of that exercise follows as
    [the variant's cell, check(variant): `lab.check(exercise)` unless told, the solution's cell again] (so later
    cells see the solution). -> (notebook, its check cells in the order they run: one slot per check cell)."""
    notebook = solved(lab, framework)
    cells, slots = [], []
    for cell in notebook.cells:
        cells.append(cell)
        exercise = grade_id(cell) if cell.metadata.get("nbgrader", {}).get("grade") else ""
        if not exercise:
            continue
        slots.append(CheckSlot(exercise, None, len(cells) - 1))
        for variant in (v for v in variants if v.exercise == exercise):
            cells += [nbformat.v4.new_code_cell(variant.source), nbformat.v4.new_code_cell(check(variant))]
            slots.append(CheckSlot(exercise, variant, len(cells) - 1))
            cells.append(nbformat.v4.new_code_cell(solution_source(notebook, exercise)))
    unknown = {v.exercise for v in variants} - {slot.exercise for slot in slots}
    assert not unknown, f"no check cell for {sorted(unknown)} in {notebook_name(lab, framework)}"
    notebook.cells = cells
    return notebook, slots
