"""A lab's corpus tried in this process, in seconds: each variant's visible check, its hidden tests, and whether
the message names the mistake. A maintainer's loop while writing variants or mending a check;
tests/test_one_verdict.py is the real run (a kernel, `validate` and `grade`).

    python -m tests.verdicts.quick 03_losses [exercise]

A variant's namespace is its hand-in's setup cell, solution cells and given cells that only define functions and
classes, run in order (no plots, no demos), so a variant that leans on a demo cell's names can behave differently
here than in the notebook. Each cell's source is put in linecache, as Jupyter puts it, so that checks that read
the student's code see it.
"""
from __future__ import annotations

import ast
import linecache
import sys

from mitdl_utils.checking import FAILED, PASSED
from tests.verdicts.corpus import CORPUS
from tests.verdicts.notebooks import grade_id, handed_in
from tests.verdicts.variant import ALTERNATIVE, HIDDEN_ONLY, MISTAKE, Variant

EXPECTED = {MISTAKE: (FAILED, FAILED), ALTERNATIVE: (PASSED, PASSED), HIDDEN_ONLY: (PASSED, FAILED)}


def namespace(variant: Variant) -> dict:
    """The variant's hand-in with its setup cell (the one that opens the lab) and its solution cells executed."""
    space: dict = {}
    for cell in handed_in(variant).cells:
        if cell.cell_type == "code" and ("open_lab(" in cell.source or grade_id(cell).endswith("_solution_1")
                                         or _only_definitions(cell.source)):
            filename = f"<cell {grade_id(cell) or 'setup'}>"
            # as Jupyter does: the cell's source where inspect.getsource finds it (checks read the student's code)
            linecache.cache[filename] = (len(cell.source), None, cell.source.splitlines(True), filename)
            exec(compile(cell.source, filename, "exec"), space)
    return space


def _only_definitions(source: str) -> bool:
    """A given cell that only defines functions and classes or imports (a helper the exercises use), not a demo."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    return bool(body) and all(isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom))
                              for node in body)


def verdict(variant: Variant) -> tuple[str, str, str, str]:
    """-> (visible status, hidden status, the message that should name it, "ok" or what is wrong)."""
    try:
        space = namespace(variant)
    except Exception as error:  # the variant's cell itself raised: the notebook shows the error, no check runs
        return "error", "error", f"{type(error).__name__}: {error}", "the cell raises"
    lab = space["lab"]
    shown, graded = lab.run(variant.exercise, space), lab.run(variant.exercise, space, hidden=True)
    message = graded.message if variant.kind == HIDDEN_ONLY else shown.message
    wrong = []
    if (shown.status, graded.status) != EXPECTED[variant.kind]:
        wrong.append(f"expected {EXPECTED[variant.kind]}")
    if variant.kind != ALTERNATIVE and not variant.is_named_by(message):
        wrong.append(f"not named by {variant.names}")
    return shown.status, graded.status, message, "; ".join(wrong) or "ok"


def main(argv: list[str]) -> int:
    lab, exercise = argv[0], (argv[1] if len(argv) > 1 else None)
    chosen = [v for v in CORPUS if v.lab == lab and exercise in (None, v.exercise)]
    bad = 0
    for variant in chosen:
        visible, hidden, message, judged = verdict(variant)
        bad += judged != "ok"
        print(f"{'  ' if judged == 'ok' else '!!'} {variant.id}: check {visible}, hidden {hidden}: {judged}\n"
              f"     {message[:400]}")
    print(f"{len(chosen) - bad}/{len(chosen)} as expected")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
