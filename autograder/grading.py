"""Grade a folder of submissions through nbgrader: autograde, gradebook, feedback.

nbgrader does the grading: it puts the locked and hidden test cells back from the
gradebook, runs the notebook, and records a grade cell's points when it runs
without error. This module feeds it the submissions and reads the scores back.
"""
from __future__ import annotations

import re
import shutil
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI

from autograder.course import Lab, find_labs, nbgrader_config
from autograder.intake import Rejected, Submission, collect

GRADED = "graded"
# nbgrader's own session handling warns on every autograde; it is not our users' concern
warnings.filterwarnings("ignore", message=".*not in session.*")


@dataclass
class Result:
    """One row of grades.csv: a student's notebook and what it earned."""

    student: str
    lab: str
    notebook: str
    origin: str
    status: str = GRADED  # "graded", or "error: ..." / "rejected: ..." with a one-line reason
    scores: dict[str, float] = field(default_factory=dict)  # grade id -> points earned
    total: float = 0.0
    max_score: float = 0.0
    feedback: Path | None = None

    @property
    def ok(self) -> bool:
        return self.status == GRADED


def _error_line(log: str) -> str:
    """The most telling line of an nbgrader log."""
    lines = [line for line in log.splitlines() if line.startswith("[ERROR]")]
    lines = [line for line in lines if "see the the above traceback" not in line and "Traceback" not in line]
    line = lines[-1] if lines else (log.strip().splitlines() or ["unknown error"])[-1]
    return re.sub(r"^\[ERROR\]\s*", "", line).strip()[:300]


class Grader:
    """A course directory under `workdir` whose gradebook knows every lab in `labs`."""

    def __init__(self, workdir: Path, db_url: str | None = None, labs: list[Lab] | None = None,
                 cell_timeout: int = 120):
        self.workdir = Path(workdir).resolve()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.db_url = db_url or f"sqlite:///{self.workdir / 'gradebook.db'}"
        self.labs = labs or find_labs()
        release = self.workdir / "release"
        self.api = NbGraderAPI(config=nbgrader_config(self.workdir, self.db_url, release=release,
                                                      cell_timeout=cell_timeout))
        for lab in self.labs:  # records every notebook's grade cells, points and checksums in the gradebook
            result = self.api.generate_assignment(lab.name, force=True, create=True)
            if not result["success"]:
                raise RuntimeError(f"could not register {lab.name} in the gradebook: {_error_line(result['log'])}")
        self.max_scores = self._max_scores()

    def _max_scores(self) -> dict[str, float]:
        with Gradebook(self.db_url) as gradebook:
            return {nb.name: nb.max_score for lab in self.labs for nb in gradebook.find_assignment(lab.name).notebooks}

    def grade_student_lab(self, student: str, lab: str, submissions: list[Submission]) -> list[Result]:
        """Autograde one student's notebooks of one lab; one Result per notebook."""
        folder = self.workdir / "submitted" / student / lab
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for submission in submissions:
            nbformat.write(submission.content, folder / f"{submission.notebook}.ipynb")
        outcome = self.api.autograde(lab, student, force=True, create=True)
        error = None if outcome["success"] else _error_line(outcome["log"] or outcome.get("error") or "")
        feedback = self.api.generate_feedback(lab, student, force=True) if error is None else None
        results = []
        for submission in submissions:
            result = self._read_scores(submission)
            if error and result.ok:
                result.status = f"error: {error}"
            if feedback and feedback["success"]:
                html = self.workdir / "feedback" / student / lab / f"{submission.notebook}.html"
                result.feedback = html if html.exists() else None
            results.append(result)
        return results

    def _read_scores(self, submission: Submission) -> Result:
        result = Result(submission.student, submission.lab, submission.notebook, submission.origin,
                        max_score=self.max_scores.get(submission.notebook, 0.0))
        with Gradebook(self.db_url) as gradebook:
            try:
                notebook = gradebook.find_submission_notebook(submission.notebook, submission.lab, submission.student)
            except MissingEntry:
                result.status = "error: nbgrader recorded no grade for this notebook"
                return result
            result.scores = {grade.name: float(grade.score or 0) for grade in notebook.grades}
            result.total = float(notebook.score or 0)
            result.max_score = float(notebook.max_score or result.max_score)
        return result

    def rejected(self, item: Rejected) -> Result:
        return Result(item.student, item.lab, item.notebook, item.origin, status=f"rejected: {item.reason}",
                      max_score=self.max_scores.get(item.notebook, 0.0))


def grade_folder(submissions: Path, workdir: Path, db_url: str | None = None, progress=None) -> list[Result]:
    """Grade every submission under `submissions`; never raises for a bad submission."""
    grader = Grader(workdir, db_url)
    items = collect(submissions, grader.labs)
    results = [grader.rejected(item) for item in items if isinstance(item, Rejected)]
    groups: dict[tuple[str, str], list[Submission]] = {}
    for item in items:
        if isinstance(item, Submission):
            groups.setdefault((item.student, item.lab), []).append(item)
    for (student, lab), group in groups.items():
        results.extend(grader.grade_student_lab(student, lab, group))
        if progress:
            progress(len(group))
    return sorted(results, key=lambda r: (r.student, r.lab, r.notebook, r.origin))
