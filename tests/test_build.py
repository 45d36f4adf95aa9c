"""One source per lab: the TensorFlow and PyTorch notebooks cannot drift, and nothing committed is stale."""
import importlib
import json

import nbformat
import pytest

from autograder.build import SourceError, build_notebook
from autograder.course import FRAMEWORK_LABELS, FRAMEWORKS, Lab
from autograder.release import release
from conftest import LABS


def graded_structure(notebook):
    """What must be identical between frameworks: cell kinds, grade ids, points, and the prose
    (up to the framework's name)."""
    meta = notebook.metadata["mitdl"]
    label, name = FRAMEWORK_LABELS[meta["framework"]], meta["notebook"]
    rows = []
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        rows.append((cell.cell_type, meta.get("grade_id"), meta.get("points"), meta.get("solution", False),
                     cell.source.replace(label, "{{framework}}").replace(name, "{{notebook}}") if cell.cell_type == "markdown" else None))
    return rows


def test_there_are_labs():
    assert [lab.name for lab in LABS][:1] == ["01_perceptron"]


@pytest.mark.parametrize("lab", LABS, ids=[lab.name for lab in LABS])
def test_frameworks_share_structure_points_and_prose(lab):
    tf_nb, torch_nb = (build_notebook(lab, fw) for fw in FRAMEWORKS)
    assert graded_structure(tf_nb) == graded_structure(torch_nb)
    assert "PyTorch" not in json.dumps([c.source for c in tf_nb.cells if c.cell_type == "markdown"])
    assert "TensorFlow" not in json.dumps([c.source for c in torch_nb.cells if c.cell_type == "markdown"])


@pytest.mark.parametrize("lab", LABS, ids=[lab.name for lab in LABS])
def test_points_in_notebook_match_the_exercise_specs(lab):
    spec = importlib.import_module(f"mitdl_utils.labs.{lab.stem}")
    notebook = build_notebook(lab, "torch")
    points = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"] for c in notebook.cells
              if c.metadata.get("nbgrader", {}).get("grade")}
    assert points == {e.name: e.points for e in spec.EXERCISES}


def test_unpaired_framework_cell_is_refused(tmp_path):
    source = tmp_path / "x" / "bad.lab.py"
    source.parent.mkdir()
    source.write_text('# %% fw="tensorflow"\nimport tensorflow\n\n# %%\nprint(1)\n')
    with pytest.raises(SourceError, match="no twin"):
        build_notebook(Lab("x", source), "tensorflow")


def test_committed_solutions_and_labs_are_fresh(tmp_path, repo):
    """labs/ and solutions/*.ipynb are exactly what `python -m autograder release` makes from the sources."""
    for lab in LABS:
        for fw in FRAMEWORKS:
            name = f"{lab.notebook_name(fw)}.ipynb"
            committed = nbformat.read(repo / "solutions" / lab.name / name, as_version=4)
            assert committed == build_notebook(lab, fw), f"solutions/{lab.name}/{name} is stale: run make release"
    release(out=tmp_path / "labs", rebuild_solutions=False)
    for lab in LABS:
        for fw in FRAMEWORKS:
            name = f"{lab.notebook_name(fw)}.ipynb"
            fresh = (tmp_path / "labs" / lab.name / name).read_text()
            assert (repo / "labs" / lab.name / name).read_text() == fresh, f"labs/{lab.name}/{name} is stale"


def test_committed_notebooks_carry_no_outputs(repo):
    for path in list((repo / "labs").glob("*/*.ipynb")) + list((repo / "solutions").glob("*/*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        dirty = [c for c in notebook.cells if c.cell_type == "code" and (c.outputs or c.execution_count)]
        assert not dirty, f"{path} has outputs"


def test_points_and_numbers_are_declared_once_in_the_spec(tmp_path):
    """A source may not repeat an exercise's points; the prose title and the metadata come from the spec."""
    source = tmp_path / "01_perceptron" / "perceptron.lab.py"
    source.parent.mkdir()
    text = LABS[0].source.read_text()
    source.write_text(text)
    notebook = build_notebook(Lab("01_perceptron", source), "torch")
    titles = [line for cell in notebook.cells for line in cell.source.splitlines() if "**Exercise " in line]
    assert titles[0].startswith("**Exercise 1 (3 points).**"), titles[0]
    assert any("Exercise 4 (1 point)." in title for title in titles)
    source.write_text(text.replace('# %% tests="collapse"', '# %% tests="collapse" points=2'))
    with pytest.raises(SourceError, match="declared once"):
        build_notebook(Lab("01_perceptron", source), "torch")
    source.write_text(text.replace("{{exercise:collapse}}", "{{exercise:colapse}}"))
    with pytest.raises(SourceError, match="names no exercise"):
        build_notebook(Lab("01_perceptron", source), "torch")
