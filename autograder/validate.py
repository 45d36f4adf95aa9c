"""What a student runs before submitting: execute the notebook, collect every check's verdict."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from autograder.intake import parse_notebook
from mitdl_utils.checking import PASSED
from mitdl_utils.lab import CHECK_MIMETYPE, ICONS

ALL_PASSED, NOT_ALL_PASSED, BROKEN = 0, 1, 2  # exit codes


@dataclass
class Verdict:
    exercise: str
    status: str
    message: str
    points: int


def execute(path: Path, timeout: int = 300) -> nbformat.NotebookNode:
    """Run a copy of the notebook in a fresh kernel (the file is not modified); a cell's error stays in its outputs."""
    notebook = parse_notebook(Path(path).read_bytes())
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(Path(path).parent.resolve())}})
    client.execute()
    return notebook


def check_verdicts(notebook) -> list[Verdict]:
    """Every check verdict an executed notebook shows, in the order its cells ran (a check run twice: twice)."""
    return [Verdict(**output.data[CHECK_MIMETYPE]) for cell in notebook.cells for output in cell.get("outputs", [])
            if CHECK_MIMETYPE in output.get("data", {})]


def run_checks(path: Path, timeout: int = 300) -> tuple[list[Verdict], list[str]]:
    """Execute the notebook (a copy: the file is not modified); -> (first verdict per exercise, cell errors)."""
    notebook = execute(path, timeout)
    verdicts: dict[str, Verdict] = {}
    for verdict in check_verdicts(notebook):
        verdicts.setdefault(verdict.exercise, verdict)
    errors = [f"a cell raised {output.ename}: {output.evalue}".strip()[:200]
              for cell in notebook.cells for output in cell.get("outputs", []) if output.output_type == "error"]
    for exercise in expected_exercises(notebook):
        if exercise not in verdicts:
            errors.append(f"no check of {exercise!r} ran: is its check cell deleted? "
                          "Copy it back from the original notebook, or the grader cannot score it")
    return list(verdicts.values()), errors


def expected_exercises(notebook) -> list[str]:
    """The exercises of the lab this notebook belongs to, from its metadata and the installed `mitdl_utils`
    alone (a student's install has no solutions/ folder), or [] if unknown."""
    import importlib

    from autograder.course import FRAMEWORKS

    meta = notebook.metadata.get("mitdl", {})
    suffix = "_" + FRAMEWORKS.get(str(meta.get("framework")), "?")
    name = str(meta.get("notebook", ""))
    if not name.endswith(suffix) or not name[: -len(suffix)].isidentifier():
        return []
    try:
        spec = importlib.import_module(f"mitdl_utils.labs.{name[: -len(suffix)]}")
    except ImportError:
        return []
    return [exercise.name for exercise in getattr(spec, "EXERCISES", [])]


def validate(path: Path, out=print) -> int:
    """Print each check's verdict and a summary; return an exit code (0 all passed, 1 not yet, 2 broken)."""
    try:
        verdicts, errors = run_checks(path)
    except (ValueError, OSError) as error:
        out(f"{path}: {error}")
        return BROKEN
    except (CellTimeoutError, DeadKernelError) as error:
        out(f"{path}: the notebook did not finish: {str(error).strip().splitlines()[0]}")
        return BROKEN
    for v in verdicts:
        detail = "" if v.status == PASSED else f": {v.message}"
        out(f"{ICONS[v.status]} {v.exercise} ({v.points} pt): {v.status}{detail}")
    for error in errors:
        out(f"⚠ {error}")
    passed = [v for v in verdicts if v.status == PASSED]
    points = sum(v.points for v in passed), sum(v.points for v in verdicts)
    out(f"{len(passed)}/{len(verdicts)} exercises pass their visible checks ({points[0]}/{points[1]} points).")
    if not verdicts:
        out("No checks ran: is this a lab notebook?")
        return BROKEN
    return ALL_PASSED if len(passed) == len(verdicts) and not errors else NOT_ALL_PASSED
