"""What passes between the grader's steps, typed: the worker's task, what the worker sends back, a row of grades.

  RegisteredNotebook  a lab notebook as registered from the course's sources
  Task       grading -> a worker (local pool or Dask): one sanitized submission and what grading it needs
  CellTests  a foreign nbgrader course's test cells, for the judge to run itself (Task.cell_tests)
  Verdict    the judge's word on one exercise (a status of mitdl_utils.checking and a message)
  RunResult  a worker -> grading: each code cell's outputs, the judge's verdicts, what went wrong if anything
  Result     one row of grades.csv (and one journal line): a student's notebook, its status and its points

All of them pickle (the pool and Dask send them between processes) and Result round-trips through JSON.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from pathlib import Path

from autograder.sandbox import Limits

LABS = "labs"  # Task.course: a notebook of this repository's labs, judged by its lab's exercises
NBGRADER = "nbgrader"  # Task.course: a notebook of a foreign nbgrader course, judged by its own test cells


class Status(str, Enum):
    """What became of a submission. Only GRADED and SUPERSEDED leave the batch's exit code at 0."""

    GRADED = "graded"  # graded; its reason, if any, notes what the code ran into (a time limit, a crash)
    FLAGGED = "flagged"  # uses the course's reference implementations: 0 points
    ERROR = "error"  # could not be graded (the judge failed, nbgrader refused the notebook)
    REJECTED = "rejected"  # never reached a kernel: not a notebook, unknown lab, duplicate, ...
    SUPERSEDED = "superseded"  # an earlier hand-in of a notebook the student handed in again: not graded


@dataclass
class RegisteredNotebook:
    """A lab notebook as the course's sources say it is (read once, when the lab is registered)."""

    name: str  # e.g. "perceptron_torch"
    lab: str  # e.g. "01_perceptron"
    spec: str  # e.g. "perceptron"
    framework: str  # from the source notebook's metadata
    max_score: float
    cells: dict[str, str]  # grade id -> cell type, of every nbgrader cell the gradebook knows


@dataclass
class Task:
    """One sanitized submission for a worker. `nb` is the notebook as plain JSON (nbformat's dict)."""

    key: str  # student/lab/notebook: the journal's key
    student: str
    lab: str  # e.g. "01_perceptron"
    notebook: str  # e.g. "perceptron_torch"
    spec: str  # the exercises' module under mitdl_utils.labs, e.g. "perceptron"
    framework: str  # "tensorflow" or "torch"
    nb: dict
    grade_cells: dict[str, str]  # index of a graded test cell -> the exercise it judges (its grade_id)
    sources: dict[str, str]  # function name -> its source in the student's cells (checks read how it is written)
    limits: Limits
    secret: str  # picks the hidden tests' inputs; the judge's alone (dropped before any student code runs)
    warm_specs: list[str] = field(default_factory=list)  # every spec of the batch: what a worker imports once
    course: str = LABS  # LABS or NBGRADER
    cell_tests: CellTests | None = None  # NBGRADER: the test cells the judge runs (dropped before student code runs)
    files: dict[str, str] = field(default_factory=dict)  # NBGRADER: relative path -> base64 content, the files put
    # in the notebook's working folder (the submission's own, then the assignment's, as nbgrader copies them)


@dataclass
class CellTests:
    """A foreign course's test cells that the judge runs itself (autograder.cell_judge); the judge's alone."""

    sources: dict[str, str]  # index of each such test cell -> its source, hidden tests included
    imports: dict[str, list]  # name -> [module, attribute or None]: what the assignment's own notebook imports
    builtins_defined: list[str]  # builtins' names the assignment's own notebook defines: the student's are used


@dataclass
class Verdict:
    status: str  # mitdl_utils.checking: PASSED, NOT_ATTEMPTED or FAILED
    message: str
    outputs: list[dict] | None = None  # NBGRADER: what the test cell produced in the judge (nbformat outputs)


@dataclass
class RunResult:
    """What a worker found: outputs per code cell (index -> nbformat outputs as dicts) and the judge's verdicts."""

    cells: dict[str, list[dict]] = field(default_factory=dict)
    verdicts: dict[str, Verdict] = field(default_factory=dict)  # exercise -> verdict
    problem: str | None = None  # what the notebook ran into (time or memory limit, a dead kernel)
    judge_error: str | None = None  # the judge itself failed: no verdict can be trusted
    seconds: float = 0.0
    worker: str = "?"


@dataclass
class Result:
    """One row of grades.csv: a student's notebook and what it earned."""

    student: str
    lab: str
    notebook: str
    origin: str  # where it came from, for messages
    status: Status = Status.GRADED
    reason: str = ""  # why (for GRADED: a note on what the code ran into, if anything)
    scores: dict[str, float] = field(default_factory=dict)  # grade id -> points earned
    total: float = 0.0
    max_score: float = 0.0
    feedback: Path | None = None
    messages: dict[str, str] = field(default_factory=dict)  # grade id -> why it lost its points
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Graded, or superseded (the student's later hand-in has its own row, and that one's status decides)."""
        return self.status in (Status.GRADED, Status.SUPERSEDED)

    @property
    def status_text(self) -> str:
        """The status column: "graded", "graded: <note>", "rejected: <why>", "superseded by <origin>", ..."""
        if not self.reason:
            return self.status.value
        return f"{self.status.value} {self.reason}" if self.status is Status.SUPERSEDED else \
            f"{self.status.value}: {self.reason}"

    def to_json(self) -> dict:
        data = asdict(self)
        data["status"] = self.status.value
        data["feedback"] = str(self.feedback) if self.feedback else None
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Result":
        data = dict(data)
        data["status"] = Status(data["status"])
        data["feedback"] = Path(data["feedback"]) if data.get("feedback") else None
        return cls(**data)
