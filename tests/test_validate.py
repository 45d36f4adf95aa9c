"""`python -m autograder validate`: the student's pre-submission check, with an exit code."""
import subprocess
import sys

import nbformat
import pytest

from tests.grading_helpers import FULL, POINTS

LAB = "01_perceptron"


def validate(path):
    result = subprocess.run([sys.executable, "-m", "autograder", "validate", str(path)],
                            capture_output=True, text=True, timeout=300)
    return result.returncode, result.stdout


@pytest.mark.parametrize("framework", ["tf", "torch"])
def test_solution_validates_with_exit_code_0(repo, framework):
    code, out = validate(repo / "solutions" / LAB / f"perceptron_{framework}.ipynb")
    assert code == 0, out
    assert f"{len(POINTS)}/{len(POINTS)} exercises pass" in out


def test_untouched_notebook_exits_1_and_says_not_attempted(repo):
    code, out = validate(repo / "labs" / LAB / "perceptron_torch.ipynb")
    assert code == 1
    assert out.count("not attempted") == len(POINTS)


def test_broken_file_exits_2(tmp_path):
    bad = tmp_path / "x.ipynb"
    bad.write_text("nope")
    code, out = validate(bad)
    assert code == 2 and "invalid JSON" in out


def test_wrong_answer_exits_1_and_names_the_mistake(tmp_path, repo):
    """The same verdict and message as the check in the notebook: expected vs got, the likely mistake."""
    notebook = nbformat.read(repo / "solutions" / LAB / "perceptron_torch.ipynb", as_version=4)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id", "").startswith("collapse_solution"):
            cell.source = "def collapse_linear(W1, b1, W2, b2):\n    return W1 @ W2, b2\n"
    nbformat.write(notebook, tmp_path / "perceptron_torch.ipynb")
    code, out = validate(tmp_path / "perceptron_torch.ipynb")
    assert code == 1, out
    assert f"{len(POINTS) - 1}/{len(POINTS)} exercises pass" in out
    assert f"({FULL - POINTS['collapse']:g}/{FULL:g} points)" in out
    failed = [line for line in out.splitlines() if line.startswith("❌")]
    assert len(failed) == 1 and "collapse" in failed[0], out
    assert "expected" in failed[0] and "got" in failed[0] and "Likely mistake: the first bias" in failed[0]


def test_missing_file_and_non_lab_notebook_exit_2(tmp_path):
    code, out = validate(tmp_path / "nowhere.ipynb")
    assert code == 2 and "nowhere.ipynb" in out
    plain = nbformat.v4.new_notebook()
    plain.cells = [nbformat.v4.new_code_cell("print(1 + 1)")]
    nbformat.write(plain, tmp_path / "plain.ipynb")
    code, out = validate(tmp_path / "plain.ipynb")
    assert code == 2 and "No checks ran" in out


def test_deleted_check_cell_is_reported_and_exits_1(tmp_path, repo):
    notebook = nbformat.read(repo / "solutions" / LAB / "perceptron_torch.ipynb", as_version=4)
    notebook.cells = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "collapse"]
    nbformat.write(notebook, tmp_path / "perceptron_torch.ipynb")
    code, out = validate(tmp_path / "perceptron_torch.ipynb")
    assert code == 1, out
    assert "no check of 'collapse' ran" in out and f"{len(POINTS) - 1}/{len(POINTS) - 1} exercises pass" in out
