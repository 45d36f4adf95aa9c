"""Small batches of lab 01 submissions with known scores, for the resume, Dask and PostgreSQL tests."""
import csv
import shutil

import nbformat

from autograder.course import REPO
from mitdl_utils.labs import perceptron

LAB, NB = "01_perceptron", "perceptron_torch"
POINTS = {exercise.name: exercise.points for exercise in perceptron.EXERCISES}
FULL = float(sum(POINTS.values()))  # the lab's total, from its spec


def small_batch(folder, n: int = 3) -> dict[str, float]:
    """n students: the solution (FULL), the untouched notebook (0), collapse wrong (FULL less its points), cycling;
    -> expected totals."""
    folder.mkdir(parents=True, exist_ok=True)
    solution = REPO / "solutions" / LAB / f"{NB}.ipynb"
    expected = {}
    for i in range(n):
        student = f"s{i:02d}"
        kind = i % 3
        if kind == 0:
            shutil.copy(solution, folder / f"{student}_{NB}.ipynb")
            expected[student] = FULL
        elif kind == 1:
            shutil.copy(REPO / "labs" / LAB / f"{NB}.ipynb", folder / f"{student}_{NB}.ipynb")
            expected[student] = 0.0
        else:
            nb = nbformat.read(solution, 4)
            for cell in nb.cells:
                if cell.metadata.get("nbgrader", {}).get("grade_id") == "collapse_solution_1":
                    cell.source = "def collapse_linear(W1, b1, W2, b2):\n    return W1 @ W2, b2\n"
            nbformat.write(nb, folder / f"{student}_{NB}.ipynb")
            expected[student] = FULL - POINTS["collapse"]
    return expected


def read_totals(out) -> dict[str, float]:
    return {row["student"]: float(row["total"]) for row in csv.DictReader(open(out / "grades.csv"))}
