"""The object a notebook talks to: `lab.check(...)`, `lab.hint(...)`, `lab.progress()`."""
from __future__ import annotations

import html
import importlib
import os
import sys
import warnings

from mitdl_utils.budget import grading
from mitdl_utils.checking import FAILED, NOT_ATTEMPTED, PASSED, Outcome, run_exercise
from mitdl_utils.frameworks import get_framework
from mitdl_utils.seeding import seed_everything

CHECK_MIMETYPE = "application/vnd.mitdl.check+json"
ICONS = {PASSED: "✅", NOT_ATTEMPTED: "⏳", FAILED: "❌"}
COLOURS = {PASSED: "#1a7f37", NOT_ATTEMPTED: "#6e7781", FAILED: "#cf222e"}


def open_lab(name: str, framework: str, seed: int = 0) -> "Lab":
    """Load lab `name` (e.g. "perceptron") for "tensorflow" or "torch", seeded."""
    fw = get_framework(framework)
    seed_everything(seed, frameworks=(fw.name,))
    if grading():  # nbgrader scores a test cell 0 if it writes to stderr: keep library warnings out of it
        warnings.simplefilter("ignore")
    return Lab(name, fw)


def validating() -> bool:
    """True while nbgrader's Validator runs the notebook: it sets NBGRADER_VALIDATING in the kernel's environment."""
    return bool(os.environ.get("NBGRADER_VALIDATING"))


class Lab:
    """The exercises of one lab in one framework."""

    def __init__(self, name: str, fw):
        self.name = name
        self.fw = fw
        spec = importlib.import_module(f"mitdl_utils.labs.{name}")
        self.exercises = {exercise.name: exercise for exercise in spec.EXERCISES}
        self.reference = importlib.import_module(f"mitdl_utils.labs.{name}.reference_{fw.name}")
        self._hints_shown: dict[str, int] = {}

    def tensor(self, array, dtype="float32"):
        """A NumPy array or list as a float32 tensor of this lab's framework."""
        return self.fw.tensor(array, dtype)

    def _exercise(self, name: str):
        try:
            return self.exercises[name]
        except KeyError:
            known = ", ".join(self.exercises)
            raise KeyError(f"lab {self.name!r} has no exercise {name!r}; it has: {known}") from None

    def run(self, name: str, namespace: dict, hidden: bool = False) -> Outcome:
        """Run exercise `name` against the functions in `namespace`, without showing anything."""
        return run_exercise(self._exercise(name), namespace, self.fw, self.reference, hidden=hidden)

    def check(self, name: str, namespace: dict | None = None) -> None:
        """Show whether exercise `name` passes its visible checks. It never raises while a student runs the
        notebook; while nbgrader validates it (its Validate button, `nbgrader validate`), an exercise not
        passed (not attempted included) raises AssertionError, so nbgrader's verdict is the check's."""
        namespace = namespace if namespace is not None else sys._getframe(1).f_globals
        outcome = self.run(name, namespace)
        show(outcome)
        if validating() and not outcome.passed:
            raise AssertionError(f"{name}: {outcome.status}: {outcome.message}")

    def grade(self, name: str, namespace: dict | None = None) -> None:
        """Grading: visible and hidden checks; raises AssertionError unless all pass."""
        namespace = namespace if namespace is not None else sys._getframe(1).f_globals
        outcome = self.run(name, namespace, hidden=True)
        show(outcome)
        if not outcome.passed:
            raise AssertionError(f"{name}: {outcome.status}: {outcome.message}")

    def ready(self, name: str, namespace: dict | None = None) -> bool:
        """True when exercise `name` passes its visible checks; otherwise says why a cell that
        depends on it is skipped. Guard demo cells with it so "Run all" works on untouched stubs:
            if lab.ready("gradient_step"): train(...)
        """
        namespace = namespace if namespace is not None else sys._getframe(1).f_globals
        outcome = self.run(name, namespace)
        if not outcome.passed:
            state = "not attempted yet" if outcome.status == NOT_ATTEMPTED else "not passing yet"
            print(f"(skipped: this cell needs exercise {name!r}, which is {state}; "
                  "come back when its check passes)")
        return outcome.passed

    def hint(self, name: str) -> None:
        """Show the next hint for exercise `name`; each call reveals a more specific one."""
        hints = self._exercise(name).hints
        shown = self._hints_shown.get(name, 0)
        if shown >= len(hints):
            print(f"No more hints for {name!r}. Re-read the formula above the exercise, then ask on the forum.")
            return
        self._hints_shown[name] = shown + 1
        print(f"Hint {shown + 1}/{len(hints)} for {name!r}: {hints[shown]}")

    def progress(self, namespace: dict | None = None) -> list[Outcome]:
        """Run every visible check and show a summary table; returns the outcomes."""
        if grading():  # the grader judges every exercise itself; the summary is for students
            print("(progress summary skipped while grading)")
            return Progress([])
        namespace = namespace if namespace is not None else sys._getframe(1).f_globals
        outcomes = [self.run(name, namespace) for name in self.exercises]
        passed = [o for o in outcomes if o.passed]
        total = sum(o.points for o in outcomes)
        lines = [f"{ICONS[o.status]} {o.exercise:<24} {o.status:<14} {o.points} pt" for o in outcomes]
        lines.append(
            f"{len(passed)}/{len(outcomes)} exercises pass their visible checks "
            f"({sum(o.points for o in passed)}/{total} points; hidden tests decide the grade)"
        )
        print("\n".join(lines))
        return Progress(outcomes)


class Progress(list):
    """The outcomes `progress()` returns: a plain list, which Jupyter does not echo under the summary
    (as the last line of a cell it would otherwise print every Outcome again)."""

    def _ipython_display_(self):
        pass


def show(outcome: Outcome) -> None:
    """Display an outcome: coloured HTML in Jupyter, plain text elsewhere, and JSON for tools."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None
    if get_ipython is None or get_ipython() is None:
        print(display_data(outcome)["text/plain"])
        return
    display(display_data(outcome), raw=True)


def display_data(outcome: Outcome) -> dict:
    """An outcome as a Jupyter display bundle: plain text, coloured HTML, and JSON under CHECK_MIMETYPE."""
    text = f"{ICONS[outcome.status]} {outcome.exercise}: {outcome.status}"
    if outcome.status != PASSED:
        text += f": {outcome.message}"
    colour = COLOURS[outcome.status]
    markup = (
        f'<div class="mitdl-check mitdl-{outcome.status.replace(" ", "-")}" '
        f'style="border-left:4px solid {colour};padding:4px 8px;margin:4px 0">'
        f"{html.escape(text)}</div>"
    )
    return {
        "text/plain": text,
        "text/html": markup,
        CHECK_MIMETYPE: {
            "exercise": outcome.exercise,
            "status": outcome.status,
            "message": outcome.message,
            "points": outcome.points,
        },
    }
