"""The same submissions get the same grades on a quiet machine and beside two busy CPU hogs.

Work on a student's objects is bounded by count (an endless dataset fails at once, in the notebook's
check and in the judge alike), and a cell's time limit counts the CPU time of the student's own code, not
the clock: a slow machine, or the judge's own work between the student's answers, costs the student nothing.
"""
import csv
import subprocess
import sys

import nbformat
import pytest

from autograder.cli import main
from autograder.course import REPO
from tests.grading_helpers import FULL

ENDLESS = {  # make_batches that never runs out: a common slip when copying a training input pipeline
    "tensorflow": "def make_batches(X, y, batch_size, seed):\n"
                  "    dataset = tf.data.Dataset.from_tensor_slices((X, y))\n"
                  "    return dataset.shuffle(buffer_size=X.shape[0], seed=seed).batch(batch_size).repeat()\n",
    "torch": "class Forever:\n"
             "    def __init__(self, X, y, batch_size, seed):\n"
             "        self.X, self.y, self.batch_size = X, y, batch_size\n"
             "        self.generator = torch.Generator().manual_seed(seed)\n"
             "    def __iter__(self):\n"
             "        while True:\n"
             "            order = torch.randperm(len(self.X), generator=self.generator)\n"
             "            for i in range(0, len(order), self.batch_size):\n"
             "                yield self.X[order[i:i + self.batch_size]], self.y[order[i:i + self.batch_size]]\n\n"
             "def make_batches(X, y, batch_size, seed):\n"
             "    return Forever(X, y, batch_size, seed)\n",
}
# a student's own cell that computes for a while (well inside the cell limit on a quiet machine)
BUSY = "import time\n_until = time.process_time() + 2.5\nwhile time.process_time() < _until:\n    pass\n"
CELL_LIMIT = "4"


def _replace_solution(notebook, exercise: str, source: str):
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id", "").startswith(f"{exercise}_solution"):
            cell.source = source
    return notebook


def _submissions(folder):
    for framework, suffix in [("tensorflow", "tf"), ("torch", "torch")]:
        notebook = nbformat.read(REPO / "solutions" / "05_minibatches" / f"minibatches_{suffix}.ipynb", 4)
        nbformat.write(_replace_solution(notebook, "make_batches", ENDLESS[framework]),
                       folder / f"endless_minibatches_{suffix}.ipynb")
    notebook = nbformat.read(REPO / "solutions" / "01_perceptron" / "perceptron_torch.ipynb", 4)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id", "").startswith("activations_solution"):
            cell.source = BUSY + cell.source
    nbformat.write(notebook, folder / "busy_perceptron_torch.ipynb")


def _grade(subs, out) -> dict:
    main(["grade", str(subs), "--out", str(out), "--quiet", "--jobs", "2", "--cell-timeout", CELL_LIMIT])
    rows = list(csv.DictReader(open(out / "grades.csv")))
    skip = {"student", "lab", "notebook", "status"}
    return {(r["student"], r["notebook"]): {k: v for k, v in r.items() if k not in skip and v != ""} for r in rows}


@pytest.fixture(scope="module")
def scores(tmp_path_factory):
    subs = tmp_path_factory.mktemp("submissions")
    _submissions(subs)
    quiet = _grade(subs, tmp_path_factory.mktemp("quiet"))
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        busy = _grade(subs, tmp_path_factory.mktemp("busy"))
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    return quiet, busy


def test_scores_are_identical_on_a_quiet_and_a_busy_machine(scores):
    quiet, busy = scores
    assert quiet == busy


@pytest.mark.parametrize("notebook", ["minibatches_tf", "minibatches_torch"])
def test_an_endless_dataset_loses_only_its_own_exercise(scores, notebook):
    for grades in scores:
        row = grades[("endless", notebook)]
        assert float(row["make_batches"]) == 0
        assert float(row["total"]) == float(row["max"]) - 2, row


def test_a_long_but_legitimate_cell_keeps_its_points(scores):
    for grades in scores:
        row = grades[("busy", "perceptron_torch")]
        assert float(row["total"]) == float(row["max"]) == FULL, row
