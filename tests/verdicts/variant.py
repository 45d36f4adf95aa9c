"""A variant: one exercise's solution cell as a student might write it (see tests/verdicts/__init__.py)."""
from __future__ import annotations

import textwrap
from dataclasses import dataclass

from autograder.course import FRAMEWORKS

MISTAKE, ALTERNATIVE = "mistake", "alternative"
HIDDEN_ONLY = "hidden_only"  # a mistake the visible check does not look for: only the hidden tests catch it


@dataclass(frozen=True)
class Variant:
    """One exercise's solution cell, rewritten. lab: e.g. "01_perceptron"; framework: "tensorflow" or "torch"."""

    lab: str
    framework: str
    exercise: str
    kind: str  # MISTAKE, ALTERNATIVE or HIDDEN_ONLY
    name: str  # unique within (lab, framework, exercise)
    source: str
    known_disagreement: str = ""  # what the paths say where they disagree today ("" when they agree)
    names: tuple[str, ...] = ()  # a mistake's naming words: each must be in its message ("a|b": either will do)

    def is_named_by(self, message: str) -> bool:
        """Whether `message` names this mistake: it holds each of `names` (case does not matter)."""
        said = message.lower()
        return bool(self.names) and all(any(word.lower() in said for word in entry.split("|")) for entry in self.names)

    @property
    def id(self) -> str:
        """lab-fw-exercise-kind-name, for pytest ids and messages."""
        return f"{self.lab}-{FRAMEWORKS[self.framework]}-{self.exercise}-{self.kind}-{self.name}"

    @property
    def student(self) -> str:
        """The variant as a student id for the grader: short, no underscores (l01tf-collapse-m-no-first-bias)."""
        student = f"l{self.lab[:2]}{FRAMEWORKS[self.framework]}-{self.exercise}-{self.kind[0]}-{self.name}"
        return student.replace("_", "-")


def variants(lab: str, kind: str, exercise: str, name: str, *, tensorflow: str | None = None,
             torch: str | None = None, both: str | None = None, known_disagreement: str = "",
             names: tuple[str, ...] = ()) -> list[Variant]:
    """The variant for each framework given a source: `both` is one source for the two frameworks' notebooks
    (an exercise whose cell is shared); sources are dedented. `names`: the words that name a mistake."""
    sources = {"tensorflow": both, "torch": both} if both is not None else {"tensorflow": tensorflow, "torch": torch}
    return [Variant(lab, framework, exercise, kind, name, textwrap.dedent(source).strip() + "\n", known_disagreement,
                    tuple(names)) for framework, source in sources.items() if source is not None]
