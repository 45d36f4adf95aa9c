"""How long each lab takes: a solution notebook top to bottom (kernel start included), the same
notebook as nbgrader runs it while autograding (NBGRADER_EXECUTION set: short training), and the
slowest visible check. Budgets: 60 s, 10 s and 1 s.

The 10 s grading budget is for the notebook's own cells: the grader's workers import the framework
once and fork a child per submission, so kernel start and `import tensorflow` (several seconds here)
are not paid per notebook. The fresh-kernel total is printed beside it.

    python bench/bench_notebooks.py [--lab 01_perceptron] [--framework torch]
"""
from __future__ import annotations

import argparse
import os
from datetime import datetime
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from autograder.course import FRAMEWORKS, REPO, find_labs  # noqa: E402

BUDGET_RUN, BUDGET_GRADING, BUDGET_CHECK = 60.0, 10.0, 1.0
CHECK_TIMER = """
import time as _t
_slowest = 0.0
for _name in lab.exercises:
    _start = _t.perf_counter(); lab.run(_name, globals()); _slowest = max(_slowest, _t.perf_counter() - _start)
print(f"SLOWEST_CHECK {_slowest:.3f}")
"""


def _cell_seconds(cell) -> float:
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = lambda stamp: datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return (parse(end) - parse(start)).total_seconds()


def own_seconds(notebook) -> float:
    """Time in the notebook's cells, less the cells that import a framework (paid once per grading worker)."""
    return sum(_cell_seconds(cell) for cell in notebook.cells if cell.cell_type == "code"
               and "import tensorflow" not in cell.source and "import torch" not in cell.source)


def run(path: Path, grading: bool, time_checks: bool = False) -> tuple[float, float, float | None, int]:
    """-> (seconds top to bottom, seconds in the notebook's own cells, slowest visible check in s or None,
    number of cell errors)."""
    notebook = nbformat.read(path, as_version=4)
    if time_checks:
        notebook.cells.append(nbformat.v4.new_code_cell(CHECK_TIMER))
    os.environ.pop("NBGRADER_EXECUTION", None)
    if grading:  # the kernel inherits this environment, as under nbgrader autograde
        os.environ["NBGRADER_EXECUTION"] = "autograde"
    start = time.perf_counter()
    try:
        NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    finally:
        os.environ.pop("NBGRADER_EXECUTION", None)
    seconds = time.perf_counter() - start
    outputs = [o for c in notebook.cells for o in c.get("outputs", [])]
    errors = sum(o.output_type == "error" for o in outputs)
    slowest = next((float(o.text.split()[1]) for o in outputs
                    if o.output_type == "stream" and o.text.startswith("SLOWEST_CHECK")), None)
    return seconds, own_seconds(notebook), slowest, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lab", action="append")
    parser.add_argument("--framework", action="append", choices=list(FRAMEWORKS))
    args = parser.parse_args()
    rows, over = [], 0
    for lab in find_labs():
        if args.lab and lab.name not in args.lab:
            continue
        for framework in args.framework or FRAMEWORKS:
            path = REPO / "solutions" / lab.name / f"{lab.notebook_name(framework)}.ipynb"
            full, _, slowest, errors = run(path, grading=False, time_checks=True)
            grading_total, grading, _, grading_errors = run(path, grading=True)
            ok = full <= BUDGET_RUN and grading <= BUDGET_GRADING and (slowest or 0) <= BUDGET_CHECK
            over += not ok or bool(errors or grading_errors)
            rows.append((lab.name, framework, f"{full:.1f}", f"{grading:.1f}", f"{grading_total:.1f}",
                         f"{slowest or 0:.2f}", str(errors + grading_errors), "ok" if ok else "OVER BUDGET"))
            print(" | ".join(rows[-1]), flush=True)
    header = ("lab", "framework", f"run all (s, <= {BUDGET_RUN:g})",
              f"grading mode, own cells (s, <= {BUDGET_GRADING:g})", "grading mode, fresh kernel (s)",
              f"slowest check (s, <= {BUDGET_CHECK:g})", "cell errors", "verdict")
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    print()
    for row in [header] + rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)))
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
