"""One source per lab -> the TensorFlow and PyTorch solution notebooks (nbgrader's source).

A lab is written once, as a jupytext "percent" file. Cell headers carry:
  fw="tensorflow" | fw="torch"   the cell goes into that framework's notebook only; such cells come in
                                 adjacent pairs (one per framework), so both notebooks have the same shape
  solution="<exercise>"          a cell with ### BEGIN/END SOLUTION regions
  tests="<exercise>"             an empty cell that becomes the exercise's locked, graded test cell: its visible
                                 check, then its hidden tests between ### BEGIN/END HIDDEN TESTS
Text may use {{framework}} (TensorFlow / PyTorch), {{fw}} (tensorflow / torch), {{exercise:<name>}}
("Exercise 3 (2 points)") and {{choices:<name>}} (a prediction's lettered options, from its question). An exercise's number and points are declared once, in its lab's spec
(`EXERCISES` in mitdl_utils/labs/<lab>/__init__.py): the build writes them into the prose and the metadata.
Every notebook starts with an "Open in Colab" badge and a setup cell that installs mitdl_utils in Colab only,
both pointing at the repository and ref that pyproject.toml declares (`course.repository`).
"""
from __future__ import annotations

from pathlib import Path

import importlib
import re

import jupytext
import nbformat

from autograder.course import FRAMEWORK_LABELS, FRAMEWORKS, Lab, Repository, find_labs, repository

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"


def colab_package(repo: Repository) -> str:
    """What the Colab setup cell installs: this repository's one distribution (it holds mitdl_utils), at the
    pinned ref. Only the base package: Colab already has TensorFlow and PyTorch, and its builds must stay."""
    return f"mitdl-labs @ git+{repo.url}@{repo.ref}"


def colab_setup(repo: Repository) -> str:
    return f'''\
# Setup for Google Colab only: installs this course's helper package (mitdl_utils) from the
# repository. Anywhere else (JupyterLab, VS Code, the grader) this cell does nothing.
import subprocess
import sys

if "google.colab" in sys.modules:
    package = "{colab_package(repo)}"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", package], check=True)'''


class SourceError(ValueError):
    """The lab source breaks one of the rules above."""


def test_cell_source(exercise: str) -> str:
    """What a test cell holds: the visible check, then the hidden tests (nbgrader strips them from the release)."""
    return f'lab.check("{exercise}")\n### BEGIN HIDDEN TESTS\nlab.grade("{exercise}")\n### END HIDDEN TESTS'


def exercise_points(lab: Lab) -> dict[str, int]:
    """Each exercise's points, in the lab's order: from its spec, where they are declared."""
    return {e.name: e.points for e in importlib.import_module(f"mitdl_utils.labs.{lab.stem}").EXERCISES}


def _exercise_titles(text: str, points: dict[str, int], lab: Lab) -> str:
    """{{exercise:name}} -> "Exercise N (P points)", N its place in the spec."""
    order = list(points)

    def title(match):
        name = match.group(1)
        if name not in points:
            raise SourceError(f"{lab.source}: {{{{exercise:{name}}}}} names no exercise of the lab's spec")
        count = points[name]
        return f"Exercise {order.index(name) + 1} ({count} point{'' if count == 1 else 's'})"

    return re.sub(r"\{\{exercise:(\w+)\}\}", title, text)


def _choices(text: str, lab: Lab) -> str:
    """{{choices:name}} -> the options of the exercise's question (mitdl_utils.prediction), one per line."""
    questions = {e.name: e.question for e in importlib.import_module(f"mitdl_utils.labs.{lab.stem}").EXERCISES}

    def options(match):
        question = questions.get(match.group(1))
        if isinstance(question, dict):
            return "\n\n".join(f"*{choice.question}*\n\n{choice.markdown()}" for choice in question.values())
        if not hasattr(question, "markdown"):
            raise SourceError(f"{lab.source}: {{{{choices:{match.group(1)}}}}} names no exercise with a Choice")
        return question.markdown()

    return re.sub(r"\{\{choices:(\w+)\}\}", options, text)


def _nbgrader_metadata(cell, lab: Lab, counters: dict, points: dict[str, int]) -> dict | None:
    meta = cell.metadata
    if "solution" in meta:
        exercise = meta["solution"]
        counters[exercise] = counters.get(exercise, 0) + 1
        return {"grade": False, "grade_id": f"{exercise}_solution_{counters[exercise]}", "locked": False,
                "schema_version": 3, "solution": True, "task": False}
    if "tests" in meta:
        if "points" in meta:
            raise SourceError(f"{lab.source}: tests cell {meta['tests']!r} has points=: an exercise's points are "
                              "declared once, in the lab's spec (EXERCISES)")
        if meta["tests"] not in points:
            raise SourceError(f"{lab.source}: tests cell {meta['tests']!r} names no exercise of the lab's spec")
        if cell.source.strip():
            raise SourceError(f"{lab.source}: tests cell {meta['tests']!r} should be empty: the build writes it")
        return {"grade": True, "grade_id": meta["tests"], "locked": True, "points": points[meta["tests"]],
                "schema_version": 3, "solution": False, "task": False}
    return None


def _check_pairs(cells, lab: Lab) -> None:
    """Framework-specific cells must come as adjacent tensorflow/torch twins of the same kind."""
    i = 0
    while i < len(cells):
        fw = cells[i].metadata.get("fw")
        if fw is None:
            i += 1
            continue
        if fw not in FRAMEWORKS:
            raise SourceError(f"{lab.source}: unknown fw={fw!r} (use {', '.join(FRAMEWORKS)})")
        twin = cells[i + 1] if i + 1 < len(cells) else None
        kind = lambda c: (c.cell_type, c.metadata.get("solution"), c.metadata.get("tests"), c.metadata.get("points"))
        if twin is None or twin.metadata.get("fw") in (None, fw) or kind(twin) != kind(cells[i]):
            first = cells[i].source.splitlines()[0] if cells[i].source else ""
            raise SourceError(f"{lab.source}: the fw={fw!r} cell starting {first!r} has no twin for the "
                              "other framework right after it, of the same kind")
        i += 2


def colab_url(lab: Lab, framework: str, repo: Repository) -> str:
    """Where Colab opens the student notebook of `lab` straight from the repository, at the pinned ref."""
    return (f"https://colab.research.google.com/github/{repo.owner_name}/blob/{repo.ref}/"
            f"labs/{lab.name}/{lab.notebook_name(framework)}.ipynb")


def _front_cells(lab: Lab, framework: str, repo: Repository) -> list[nbformat.NotebookNode]:
    """The "Open in Colab" badge and the Colab-only setup cell that start every notebook."""
    badge = nbformat.v4.new_markdown_cell(
        f"[![Open in Colab]({COLAB_BADGE})]({colab_url(lab, framework, repo)})\n\n"
        "Working in Colab? Run the next cell first: it installs the course's helper package there. "
        "Elsewhere it does nothing."
    )
    return [badge, nbformat.v4.new_code_cell(colab_setup(repo))]


def build_notebook(lab: Lab, framework: str, repo: Repository | None = None) -> nbformat.NotebookNode:
    """The solution notebook of `lab` for `framework` ("tensorflow" or "torch"); its Colab badge and setup cell
    point at `repo` (default: the one pyproject.toml declares)."""
    source = jupytext.read(lab.source, fmt="py:percent")
    _check_pairs(source.cells, lab)
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {
        "kernelspec": KERNELSPEC,
        "language_info": {"name": "python"},
        "mitdl": {"lab": lab.name, "framework": framework, "notebook": lab.notebook_name(framework)},
    }
    counters: dict[str, int] = {}
    points = exercise_points(lab)
    for new in _front_cells(lab, framework, repo or repository()):
        new.id = f"{lab.stem}-{len(notebook.cells):02d}"
        notebook.cells.append(new)
    for cell in source.cells:
        if cell.metadata.get("fw", framework) != framework:
            continue
        text = cell.source.replace("{{framework}}", FRAMEWORK_LABELS[framework]).replace("{{fw}}", framework)
        text = _choices(_exercise_titles(text, points, lab), lab)
        if "tests" in cell.metadata:
            text = test_cell_source(cell.metadata["tests"]) if not cell.source.strip() else text
        new = nbformat.v4.new_markdown_cell(text) if cell.cell_type == "markdown" else nbformat.v4.new_code_cell(text)
        nbgrader = _nbgrader_metadata(cell, lab, counters, points)
        if nbgrader:
            new.metadata["nbgrader"] = nbgrader
        new.id = f"{lab.stem}-{len(notebook.cells):02d}"
        notebook.cells.append(new)
    nbformat.validate(notebook)
    return notebook


def build(labs: list[Lab] | None = None, out: Path | None = None) -> list[Path]:
    """Write every lab's solution notebooks (next to their source, or under `out/<lab>/`)."""
    written = []
    for lab in labs or find_labs():
        folder = (out / lab.name) if out else lab.source.parent
        folder.mkdir(parents=True, exist_ok=True)
        for framework in FRAMEWORKS:
            path = folder / f"{lab.notebook_name(framework)}.ipynb"
            nbformat.write(build_notebook(lab, framework), path)
            written.append(path)
    return written
