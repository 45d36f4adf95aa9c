"""One verdict everywhere: every answer in the corpus (tests/verdicts) gets the same verdict from the notebook's own
check, from `python -m autograder validate` and from `python -m autograder grade`.

- grade: each variant is one student's hand-in (the solved notebook with the variant in its exercise's cell); all
  of them, and every lab's solved notebook, are graded in one batch through the CLI.
- check and validate: per lab and framework, one notebook holds every variant right after its exercise's check
  cell, each followed by a check of its own and the solution again; validate's machinery runs it in a real
  kernel. What each inserted check shows there is both the notebook's verdict and the one validate reads.
  `validate()` itself runs on a few one-variant notebooks, to show the command says the same.

A mistake must fail its check and lose its exercise's points; an alternative must pass and get them all; a mistake
only the hidden tests look for passes its check and loses the points; a solved notebook passes every check and gets
full marks.
"""
from __future__ import annotations

import ast
import csv
import importlib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import nbformat
import pytest

from autograder import validate
from autograder.cli import main
from autograder.course import FRAMEWORKS, find_labs
from mitdl_utils.checking import FAILED, PASSED
from tests.verdicts.corpus import CORPUS
from tests.verdicts.notebooks import CheckSlot, checks_notebook, handed_in, notebook_name, solution_source, solved
from tests.verdicts.variant import ALTERNATIVE, HIDDEN_ONLY, MISTAKE, Variant

NOTEBOOKS = sorted({(variant.lab, variant.framework) for variant in CORPUS})
# grading the whole corpus (some 1,500 hand-ins) is one fixture: it takes 10 to 20 minutes on 2 cores
pytestmark = pytest.mark.timeout(3600)
EXPECTED_CHECK = {MISTAKE: FAILED, ALTERNATIVE: PASSED, HIDDEN_ONLY: PASSED}  # kind -> the notebook check's status


def solved_student(framework: str) -> str:
    """The student who hands in every lab's solved notebook of one framework (one twin per lab and student)."""
    return f"solved-{FRAMEWORKS[framework]}"


def exercises(lab: str) -> dict[str, int]:
    """The lab's exercises -> their points, from its spec in mitdl_utils."""
    return {e.name: e.points for e in importlib.import_module(f"mitdl_utils.labs.{lab[3:]}").EXERCISES}


def case(variant: Variant):
    """The variant as a pytest parameter; one whose paths disagree today is a strict xfail naming the disagreement."""
    marks = [pytest.mark.xfail(strict=True, reason=variant.known_disagreement)] if variant.known_disagreement else []
    return pytest.param(variant, id=variant.id, marks=marks)


# ------------------------------------------------------------------ both paths, run once

@dataclass
class Graded:
    """What grading gave one notebook: points per exercise, the judge's verdict per exercise, its status."""

    points: dict[str, float]
    verdicts: dict[str, validate.Verdict]
    status: str


@dataclass
class Shown:
    """What one check cell of a checks notebook showed, and the error its variant's cell raised ("" if none)."""

    verdict: validate.Verdict
    cell_error: str


@dataclass
class Verdicts:
    """grade's exit code and what it gave each (student, notebook); each checks notebook's checks, in order."""

    code: int
    graded: dict[tuple[str, str], Graded]
    checked: dict[tuple[str, str], list[tuple[CheckSlot, Shown]]]  # (lab, framework) -> [(slot, what it showed)]

    def grade(self, variant: Variant) -> Graded:
        return self.graded[variant.student, notebook_name(variant.lab, variant.framework)]

    def check(self, variant: Variant) -> Shown:
        [shown] = [shown for slot, shown in self.checked[variant.lab, variant.framework] if slot.variant == variant]
        return shown


def grade_batch(folder, out) -> tuple[int, dict[tuple[str, str], Graded]]:
    """Every variant as `<variant.student>_<notebook>.ipynb` and every solved notebook, graded by one
    `python -m autograder grade` -> (exit code, {(student, notebook): Graded})."""
    for variant in CORPUS:
        name = notebook_name(variant.lab, variant.framework)
        nbformat.write(handed_in(variant), folder / f"{variant.student}_{name}.ipynb")
    for lab, framework in NOTEBOOKS:
        name = notebook_name(lab, framework)
        nbformat.write(solved(lab, framework), folder / f"{solved_student(framework)}_{name}.ipynb")
    code = main(["grade", str(folder), "--out", str(out), "--quiet"])
    graded = {}
    for row in csv.DictReader(open(out / "grades.csv")):
        path = out / "nbgrader" / "graded" / row["student"] / row["lab"] / f"{row['notebook']}.ipynb"
        shown = validate.check_verdicts(nbformat.read(path, as_version=4)) if path.exists() else []
        points = {name: float(row[name]) for name in exercises(row["lab"]) if row.get(name)}
        graded[row["student"], row["notebook"]] = Graded(points, {v.exercise: v for v in shown}, row["status"])
    return code, graded


def run_checks_notebook(lab: str, framework: str, folder) -> list[tuple[CheckSlot, Shown]]:
    """The lab's checks notebook, run by validate's machinery in a real kernel -> [(slot, what its check showed)]."""
    notebook, slots = checks_notebook(lab, framework, [v for v in CORPUS if (v.lab, v.framework) == (lab, framework)])
    path = folder / f"{notebook_name(lab, framework)}.ipynb"
    nbformat.write(notebook, path)
    executed = validate.execute(path)
    shown = validate.check_verdicts(executed)
    assert [v.exercise for v in shown] == [slot.exercise for slot in slots], \
        f"{path.name}: the checks that ran are not the checks the notebook holds (a cell hung or was skipped?)"
    return [(slot, Shown(verdict, _error(executed.cells[slot.cell - 1]))) for slot, verdict in zip(slots, shown)]


def _error(cell) -> str:
    return "; ".join(f"{o.ename}: {o.evalue}" for o in cell.get("outputs", []) if o.output_type == "error")


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory) -> Verdicts:
    """Both paths on the whole corpus. The checks notebooks run one after another in a thread while the batch is
    graded: their kernels use the cores the grader leaves idle while it sets up and finishes."""
    checks = tmp_path_factory.mktemp("checks")
    with ThreadPoolExecutor(max_workers=1) as pool:
        checked = pool.submit(lambda: {key: run_checks_notebook(*key, checks) for key in NOTEBOOKS})
        code, graded = grade_batch(tmp_path_factory.mktemp("hand-ins"), tmp_path_factory.mktemp("graded"))
        return Verdicts(code, graded, checked.result())


# ------------------------------------------------------------------ the corpus itself

MISTAKES_PER_EXERCISE, ALTERNATIVES_PER_EXERCISE = 6, 2  # per exercise and framework, at least
NAMED_AT_LEAST = 0.95  # the share of each lab's mistakes whose message names them


def test_every_exercise_has_six_mistakes_and_two_alternatives_in_both_frameworks():
    count = Counter((v.lab, v.framework, v.exercise, v.kind == ALTERNATIVE) for v in CORPUS)
    short = [f"{lab.name} {framework} {exercise}: {count[lab.name, framework, exercise, False]} mistakes, "
             f"{count[lab.name, framework, exercise, True]} alternatives"
             for lab in find_labs() for framework in FRAMEWORKS for exercise in exercises(lab.name)
             if count[lab.name, framework, exercise, False] < MISTAKES_PER_EXERCISE
             or count[lab.name, framework, exercise, True] < ALTERNATIVES_PER_EXERCISE]
    assert not short, "\n".join(short)


def test_every_mistake_says_which_words_name_it():
    assert not [v.id for v in CORPUS if v.kind != ALTERNATIVE and not v.names]


def test_variants_have_distinct_ids_and_student_ids_the_grader_keeps_whole():
    assert len({v.id for v in CORPUS}) == len({v.student for v in CORPUS}) == len(CORPUS)
    assert all(len(v.student) <= 64 and v.student.replace("-", "").isalnum() for v in CORPUS)


@pytest.mark.parametrize("variant", CORPUS, ids=[v.id for v in CORPUS])
def test_a_variant_defines_every_name_of_its_solution_cell_that_it_uses(variant):
    """A whole cell, so the checks notebook (where the solution ran before) and a hand-in see the same names: a
    variant that leaves out one of the solution's functions (train_step, say) must not call it either."""
    def defined(source: str) -> set[str]:
        return {node.name for node in ast.parse(source).body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}

    solution = solution_source(solved(variant.lab, variant.framework), variant.exercise)
    used = {node.id for node in ast.walk(ast.parse(variant.source)) if isinstance(node, ast.Name)}
    assert not (defined(solution) - defined(variant.source)) & used, defined(solution) - defined(variant.source)


# ------------------------------------------------------------------ one verdict

def test_the_batch_grades_every_hand_in(verdicts):
    assert len(verdicts.graded) == len(CORPUS) + len(NOTEBOOKS)
    assert verdicts.code == 0, [f"{student}: {g.status}" for (student, _), g in verdicts.graded.items()
                                if g.status != "graded"]


@pytest.mark.parametrize("lab,framework", NOTEBOOKS, ids=[f"{lab}-{FRAMEWORKS[fw]}" for lab, fw in NOTEBOOKS])
def test_a_solved_notebook_passes_every_check_and_gets_full_marks(verdicts, lab, framework):
    own = {slot.exercise: shown.verdict for slot, shown in verdicts.checked[lab, framework] if slot.variant is None}
    assert {e: v.status for e, v in own.items()} == {e: PASSED for e in exercises(lab)}, own
    grade = verdicts.graded[solved_student(framework), notebook_name(lab, framework)]
    assert grade.points == {e: float(p) for e, p in exercises(lab).items()}, grade.verdicts


@pytest.mark.parametrize("variant", [case(v) for v in CORPUS])
def test_the_notebook_check_and_the_grade_give_a_variant_one_verdict(verdicts, variant):
    """A mistake fails its check and scores 0 on its exercise; an alternative passes and gets the full points;
    a hidden-only mistake passes its check and scores 0."""
    shown, grade = verdicts.check(variant), verdicts.grade(variant)
    full = exercises(variant.lab)[variant.exercise]
    points = grade.points.get(variant.exercise)
    judge = grade.verdicts.get(variant.exercise)
    said = (f"{variant.lab} {variant.framework} {variant.exercise} {variant.kind} {variant.name!r}:\n"
            f"  notebook check: {shown.verdict.status}: {shown.verdict.message}\n"
            f"  grade: {points}/{full} points ({grade.status}); "
            f"judge: {judge.status + ': ' + judge.message if judge else 'no verdict'}"
            + (f"\n  the variant's cell raised {shown.cell_error}" if shown.cell_error else ""))
    assert shown.verdict.status == EXPECTED_CHECK[variant.kind], said
    assert points == (float(full) if variant.kind == ALTERNATIVE else 0.0), said


# ------------------------------------------------------------------ the validate command on single hand-ins

VALIDATED = [v for v in CORPUS if (v.lab, v.framework, v.exercise, v.name) in {
    ("01_perceptron", "torch", "collapse", "first_bias_dropped"),
    ("01_perceptron", "torch", "activations", "other_formulas")}]


@pytest.mark.parametrize("variant", VALIDATED, ids=[v.id for v in VALIDATED])
def test_validate_says_what_the_notebook_check_says(tmp_path, verdicts, variant):
    path = tmp_path / f"{notebook_name(variant.lab, variant.framework)}.ipynb"
    nbformat.write(handed_in(variant), path)
    lines = []
    code = validate.validate(path, out=lines.append)
    shown = verdicts.check(variant).verdict
    [line] = [line for line in lines if f" {variant.exercise} (" in line]
    assert (code, shown.status) == ((1, FAILED) if variant.kind == MISTAKE else (0, PASSED)), lines
    assert line.endswith(f"{shown.status}: {shown.message}" if variant.kind == MISTAKE else shown.status), lines


# ------------------------------------------------------------------ mistakes named

def naming_message(verdicts: Verdicts, variant: Variant) -> str:
    """What the student reads about the mistake: the notebook check's message, or for a mistake only the hidden
    tests find, the judge's (the feedback page's)."""
    if variant.kind == HIDDEN_ONLY:
        judge = verdicts.grade(variant).verdicts.get(variant.exercise)
        return judge.message if judge else ""
    return verdicts.check(variant).verdict.message


def test_each_labs_messages_name_at_least_95_percent_of_its_mistakes(verdicts):
    """Caught is not enough: the message must say what went wrong. Prints the figures per lab."""
    mistakes = [v for v in CORPUS if v.kind != ALTERNATIVE]
    unnamed = [v for v in mistakes if not v.is_named_by(naming_message(verdicts, v))]
    print(f"\n{'lab':<22}{'mistakes':>9}{'named':>7}{'share':>8}")
    shares = {}
    for lab in sorted({v.lab for v in mistakes}):
        total = sum(v.lab == lab for v in mistakes)
        named = total - sum(v.lab == lab for v in unnamed)
        shares[lab] = named / total
        print(f"{lab:<22}{total:>9}{named:>7}{shares[lab]:>8.0%}")
    below = {lab: share for lab, share in shares.items() if share < NAMED_AT_LEAST}
    assert not below, (below, [f"{v.id} {v.names}: {naming_message(verdicts, v)}" for v in unnamed])
