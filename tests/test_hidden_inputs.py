"""The grade does not depend on the draw: the hidden tests give a corpus variant the same verdict whatever secret
the grader picks their random inputs with (one per course and student, autograder.grading), so two students who
hand in the same code get the same points.

Each hidden-only mistake of the corpus (tests/verdicts) must fail the hidden tests under every secret of SECRETS,
and each correct alternative pass them under the first ALTERNATIVE_SECRETS of them (they are many more, and their
checks compare with the reference on any input, so a few draws suffice), run in a real kernel on the solved
notebook with the variant in place (tests.verdicts.notebooks.checks_notebook). `tests/test_one_verdict.py`
grades each variant under one random secret per run; this asks the same of many secrets at once.
"""
from __future__ import annotations

import hashlib
import json

import nbformat
import pytest

from autograder import validate
from mitdl_utils.checking import FAILED, PASSED
from tests.verdicts.corpus import CORPUS
from tests.verdicts.notebooks import checks_notebook, notebook_name
from tests.verdicts.variant import ALTERNATIVE, HIDDEN_ONLY, Variant

# secrets as the grader makes them (hex digests); "25x" is one under which the hidden tests of pass_rate_near
# used to pass the lecture's point typed in (3% of secrets did, before they had a fixed second point)
SECRETS = ["25x"] + [hashlib.sha256(f"course/student-{n}/notebook".encode()).hexdigest() for n in range(11)]
ALTERNATIVE_SECRETS = 3
VARIANTS = [variant for variant in CORPUS if variant.kind in (HIDDEN_ONLY, ALTERNATIVE)]
NOTEBOOKS = sorted({(variant.lab, variant.framework) for variant in VARIANTS})
pytestmark = pytest.mark.timeout(1800)


def secrets(variant: Variant) -> list[str]:
    return SECRETS if variant.kind == HIDDEN_ONLY else SECRETS[:ALTERNATIVE_SECRETS]


def hidden_statuses(variant: Variant) -> str:
    """A cell that prints, as one JSON list, the status its exercise's hidden tests give under each secret."""
    return ("import importlib, json\nfrom mitdl_utils.checking import run_exercise\n"
            f"exercise = {{e.name: e for e in importlib.import_module(f'mitdl_utils.labs.{{lab.name}}').EXERCISES}}"
            f"[{variant.exercise!r}]\n"
            f"print(json.dumps([run_exercise(exercise, globals(), lab.fw, lab.reference, hidden=True, secret=secret)"
            f".status for secret in {secrets(variant)!r}]))")


@pytest.fixture(scope="module")
def statuses(tmp_path_factory) -> dict:
    """{variant: [its hidden tests' status under each secret]}, one kernel per lab and framework."""
    folder, found = tmp_path_factory.mktemp("secrets"), {}
    for lab, framework in NOTEBOOKS:
        notebook, slots = checks_notebook(lab, framework, [v for v in VARIANTS if (v.lab, v.framework) ==
                                                           (lab, framework)], check=hidden_statuses)
        path = folder / f"{notebook_name(lab, framework)}.ipynb"
        nbformat.write(notebook, path)
        executed = validate.execute(path, timeout=600)
        for slot in (slot for slot in slots if slot.variant):
            outputs = executed.cells[slot.cell].get("outputs", [])
            printed = "".join(o.text for o in outputs if o.get("name") == "stdout")
            errors = [f"{o.ename}: {o.evalue}" for o in outputs if o.output_type == "error"]
            found[slot.variant] = json.loads(printed.strip().splitlines()[-1]) if printed.strip() else errors
    return found


@pytest.mark.parametrize("variant", VARIANTS, ids=[variant.id for variant in VARIANTS])
def test_the_hidden_tests_give_a_variant_one_verdict_under_every_secret(statuses, variant):
    """A hidden-only mistake fails under each secret, an alternative passes under each."""
    expected = FAILED if variant.kind == HIDDEN_ONLY else PASSED
    assert statuses[variant] == [expected] * len(secrets(variant)), list(zip(statuses[variant], secrets(variant)))
