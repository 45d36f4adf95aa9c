"""`python -m autograder validate`: the student's pre-submission check, with an exit code."""
import subprocess
import sys

import pytest

LAB = "01_perceptron"


def validate(path):
    result = subprocess.run([sys.executable, "-m", "autograder", "validate", str(path)],
                            capture_output=True, text=True, timeout=300)
    return result.returncode, result.stdout


@pytest.mark.parametrize("framework", ["tf", "torch"])
def test_solution_validates_with_exit_code_0(repo, framework):
    code, out = validate(repo / "solutions" / LAB / f"perceptron_{framework}.ipynb")
    assert code == 0, out
    assert "6/6 exercises pass" in out


def test_untouched_notebook_exits_1_and_says_not_attempted(repo):
    code, out = validate(repo / "labs" / LAB / "perceptron_torch.ipynb")
    assert code == 1
    assert out.count("not attempted") == 6


def test_broken_file_exits_2(tmp_path):
    bad = tmp_path / "x.ipynb"
    bad.write_text("nope")
    code, out = validate(bad)
    assert code == 2 and "invalid JSON" in out
