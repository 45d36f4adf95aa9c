"""Every notebook runs top to bottom in a real Jupyter kernel."""
import pytest

from conftest import NOTEBOOK_IDS, NOTEBOOKS, check_outputs, errors


@pytest.mark.parametrize("lab,framework", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_solution_runs_clean_and_passes_every_check(lab, framework, repo, executed):
    notebook = executed(repo / "solutions" / lab.name / f"{lab.notebook_name(framework)}.ipynb")
    assert errors(notebook) == []
    checks = check_outputs(notebook)
    assert checks, "the solution notebook showed no check at all"
    assert [c for c in checks if c["status"] != "passed"] == []


@pytest.mark.parametrize("lab,framework", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_untouched_student_notebook_runs_and_says_not_attempted(lab, framework, repo, executed):
    notebook = executed(repo / "labs" / lab.name / f"{lab.notebook_name(framework)}.ipynb")
    assert errors(notebook) == []
    checks = check_outputs(notebook)
    graded = {c.metadata["nbgrader"]["grade_id"] for c in notebook.cells
              if c.metadata.get("nbgrader", {}).get("grade")}
    assert {c["exercise"] for c in checks} >= graded, "every graded exercise shows a check"
    assert {c["status"] for c in checks} == {"not attempted"}
