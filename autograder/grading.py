"""Grade a folder of submissions: the chain of steps, nbgrader-style, and the batch around it.

Each submission goes through these steps, in this order (the module that does each in brackets):

  intake        a file or an LMS export -> a Submission, or a Rejected/Superseded with its reason (intake, lms)
  sanitize      the instructor's cells restored from the sources gradebook (sanitize)
  run and judge a worker runs the notebook in a sandbox while a clean process judges it (schedule, engine)
  apply verdicts  the judge's verdict on each exercise -> the test cell's outputs, and so its points (record)
  save grades   nbgrader's SaveAutoGrades into the course gradebook, the graded notebook (record); feedback (report)
  record        the Result appended to DIR/journal.jsonl: what a rerun skips or grades again (journal)

One process (this one) owns the gradebooks; the steps run as a pipeline, so workers grade while this process
sanitizes the next submission and records finished ones. Submissions are only read.
"""
from __future__ import annotations

import hashlib
import os
import re
import warnings
from dataclasses import replace
from pathlib import Path

import nbformat

from autograder import gradebook_speed, lab_gradebook
from autograder.contracts import RegisteredNotebook, Result, RunResult, Status, Task
from autograder.course import FRAMEWORKS, Lab, course_root, find_labs, nbgrader_config
from autograder.intake import Rejected, Submission, Superseded, collect
from autograder.journal import Journal, fingerprint, key
from autograder.record import Books, apply_verdicts, atomic_write, save_failure, save_grades
from autograder.report import write_feedback
from autograder.reference_scan import reference_use
from autograder.sandbox import Limits, probe
from autograder.sanitize import NotThisLab, function_sources, graded_test_cells, sanitize, student_code
from autograder.schedule import default_jobs, local_pool, run_all

warnings.filterwarnings("ignore", message=".*not in session.*")


class Grader:
    """A course directory under `workdir` whose gradebooks know every lab in `labs`."""

    def __init__(self, workdir: Path, db_url: str | None = None, labs: list[Lab] | None = None,
                 limits: Limits | None = None, solutions: Path | None = None, register: bool = True):
        from nbgrader.apps import NbGraderAPI

        self.tuning_notes = gradebook_speed.tune()  # before nbgrader opens a gradebook
        workdir = Path(workdir).resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        self.books = Books(workdir, db_url or f"sqlite:///{workdir / 'gradebook.db'}",
                           f"sqlite:///{workdir / lab_gradebook.SOURCES_DB}")
        self.workdir = workdir
        self.solutions = solutions or course_root() / "solutions"  # the course's sources
        self.labs = labs or find_labs(self.solutions)
        self.limits = limits or Limits()
        self.api = NbGraderAPI(config=nbgrader_config(workdir, self.books.sources_url, source=self.solutions,
                                                      release=workdir / "release"))
        self.secret = course_secret(workdir / "hidden-inputs.secret")
        self.notebooks: dict[str, RegisteredNotebook] = {}
        self.broken: dict[str, str] = {}  # lab -> why it could not be registered
        if register:
            self.register([lab.name for lab in self.labs])

    def register(self, lab_names) -> None:
        """Record each lab's grade cells, points and checksums in the sources gradebook (nbgrader's
        generate_assignment), and the lab as one notebook in the course gradebook (lab_gradebook)."""
        from nbgrader.api import Gradebook

        for lab in [lab for lab in self.labs if lab.name in set(lab_names)]:
            result = self.api.generate_assignment(lab.name, force=True, create=True)
            if not result["success"]:
                self.broken[lab.name] = f"lab {lab.name} could not be registered: {_error_line(result['log'])}"
                continue
            problem = lab_gradebook.register_lab(self.books.course_url, self.books.sources_url, lab)
            if problem:
                self.broken[lab.name] = problem
                continue
            with Gradebook(self.books.sources_url) as gradebook:
                for nb in gradebook.find_assignment(lab.name).notebooks:
                    framework = _source_framework(self.solutions / lab.name / f"{nb.name}.ipynb")
                    if framework:
                        self.notebooks[nb.name] = RegisteredNotebook(
                            nb.name, lab.name, lab.stem, framework, float(nb.max_score),
                            {c.name: c.cell_type for c in nb.source_cells})

    def lab(self, name: str) -> Lab | None:
        return next((lab for lab in self.labs if lab.name == name), None)

    def max_score(self, notebook: str) -> float:
        registered = self.notebooks.get(notebook)
        return registered.max_score if registered else 0.0

    def prepare(self, submission: Submission, warm_specs: list[str]) -> tuple[Task, nbformat.NotebookNode, str | None]:
        """Sanitize -> (the worker's task, the sanitized notebook, why it is flagged or None)."""
        if submission.lab in self.broken:
            raise ValueError(self.broken[submission.lab])
        registered = self.notebooks.get(submission.notebook)
        if registered is None:
            raise ValueError(f"notebook {submission.notebook!r} is not among the course's registered notebooks")
        nb = sanitize(submission.content, registered,
                      self.books.resources(submission.lab, submission.notebook, submission.student))
        task = Task(
            key=f"{submission.student}/{submission.lab}/{submission.notebook}", student=submission.student,
            lab=submission.lab, notebook=submission.notebook, spec=registered.spec, framework=registered.framework,
            nb=_as_json(nb), grade_cells=graded_test_cells(nb),
            sources=function_sources(nb), limits=self.limits, warm_specs=warm_specs,
            # the hidden tests' random inputs differ per student and cannot be worked out from the public
            # package; the same submission graded again (a resumed batch) gets the same ones
            secret=hashlib.sha256(f"{self.secret}/{submission.student}/{submission.notebook}".encode()).hexdigest())
        return task, nb, reference_use(student_code(nb))

    def finish(self, submission: Submission, task: Task, nb: nbformat.NotebookNode, flagged: str | None,
               run: RunResult) -> Result:
        """Apply verdicts, save grades, write the feedback page."""
        messages = apply_verdicts(nb, task, run, flagged)
        result = save_grades(nb, submission, self.lab(submission.lab), self.notebooks[submission.notebook], run,
                             messages, flagged, self.books)
        result.feedback = write_feedback(nb, result, self.workdir.parent / "feedback")
        return result

    def failed(self, submission: Submission, reason: str) -> Result:
        return save_failure(submission, self.lab(submission.lab), self.max_score(submission.notebook), reason,
                            self.books)

    def not_graded(self, item: Rejected | Superseded) -> Result:
        if isinstance(item, Superseded):
            return Result(item.student, item.lab, item.notebook, item.origin, status=Status.SUPERSEDED,
                          reason=f"by {item.by}", max_score=self.max_score(item.notebook))
        return Result(item.student, item.lab, item.notebook, item.origin, status=Status.REJECTED, reason=item.reason,
                      max_score=self.max_score(item.notebook))


def _as_json(nb) -> dict:
    """The notebook as plain JSON (what crosses to a worker): plain dicts and lists, nothing nbformat adds."""
    import json

    return json.loads(json.dumps(nb))


def _source_framework(path: Path) -> str | None:
    """The framework a course's source notebook is written for: its metadata says (autograder.build writes it)."""
    try:
        framework = nbformat.read(path, as_version=4).metadata.get("mitdl", {}).get("framework")
    except (OSError, ValueError):
        return None
    return framework if framework in FRAMEWORKS else None


def _error_line(log: str) -> str:
    lines = [line for line in log.splitlines() if line.startswith("[ERROR]")]
    line = lines[-1] if lines else (log.strip().splitlines() or ["unknown error"])[-1]
    return re.sub(r"^\[ERROR\]\s*", "", line).strip()[:300]


def course_secret(path: Path) -> str:
    """A random secret kept in the course folder (out of the sandbox's sight), made on first use."""
    if not path.exists():
        atomic_write(path, os.urandom(16).hex())
    return path.read_text().strip()


def grade_folder(submissions: Path, workdir: Path, db_url: str | None = None, progress=None, jobs: int | None = None,
                 cluster: str | None = None, limits: Limits | None = None, log=None, on_total=None,
                 on_regrade=None, course: Path | None = None) -> list[Result]:
    """Grade every submission under `submissions`; never raises for a bad submission (FileNotFoundError: no such
    folder, or no submission in it).

    `workdir` is nbgrader's course folder (DIR/nbgrader); the journal, grades and feedback go to its parent.
    A submission in the journal with the same content keeps its result; one whose notebook changed is graded
    again (`on_regrade(origin)` is called for it) and its new result replaces the old in what is returned.
    `course`: the course folder, whose solutions/ are the labs (found by `course.course_root` when not given).
    """
    workdir = Path(workdir)
    out = workdir.parent
    out.mkdir(parents=True, exist_ok=True)
    solutions = course_root(course) / "solutions"
    labs = find_labs(solutions)
    items = collect(submissions, labs)
    if not items:
        raise FileNotFoundError(f"no submissions found in {submissions}")
    frameworks = sorted({fw for item in items if isinstance(item, Submission) for fw, suffix in FRAMEWORKS.items()
                         if item.notebook.endswith("_" + suffix)})
    graded_labs = {item.lab for item in items if isinstance(item, Submission)}
    specs = sorted(lab.stem for lab in labs if lab.name in graded_labs)
    jobs = jobs or default_jobs()
    pool = None
    if not cluster and frameworks:  # start the workers now: they warm up while the gradebook is set up
        from autograder import engine

        pool = local_pool(jobs, frameworks, specs)
        for _ in range(jobs):
            pool.submit(engine.ping)
    grader = Grader(workdir, db_url, labs=labs, limits=limits, solutions=solutions, register=False)
    grader.register(graded_labs)
    return grade_items(items, grader, out, jobs=jobs, frameworks=frameworks, specs=specs, cluster=cluster, pool=pool,
                       progress=progress, log=log, on_total=on_total, on_regrade=on_regrade)


def grade_items(items: list, grader, out: Path, *, jobs: int, frameworks, specs, cluster: str | None, pool=None,
                progress=None, log=None, on_total=None, on_regrade=None) -> list[Result]:
    """The batch around the steps: each item not in out/journal.jsonl (or changed since) is prepared by `grader`,
    run and judged on the workers (`pool`, else a pool of `jobs` started here, or the Dask `cluster`), finished by
    `grader` and appended to the journal; -> every item's Result. `grader` is a Grader or another course's
    equivalent: prepare(submission, specs) -> (task, notebook, flagged), finish, failed, not_graded, tuning_notes."""
    journal = Journal(out / "journal.jsonl")
    if on_total:
        on_total(len(items))
    log = log or (lambda line: None)
    log(probe().describe())
    for note in grader.tuning_notes:
        log(note)
    results: list[Result] = []
    fingerprints: dict[str, str] = {}  # journal key -> fingerprint of the item being recorded under it
    regraded: list[str] = []

    def record(item_key: str, result: Result, line: str) -> None:
        journal.add(item_key, fingerprints[item_key], result)
        results.append(result)
        log(line)
        if progress:
            progress(1)

    def to_grade():
        """((submission, notebook, flagged), task) for each submission to grade: not in the journal, or changed
        since it was graded there. The others are recorded on the way, or taken from the journal (unchanged)."""
        for item in items:
            item_key = key(item)
            fingerprints[item_key] = fingerprint(item)
            earlier = journal.done.get(item_key)
            if earlier is not None and earlier.content == fingerprints[item_key]:
                results.append(replace(earlier.result, origin=item.origin))  # the same notebook, wherever it lies now
                if progress:
                    progress(1)
                continue
            if earlier is not None and isinstance(item, Submission):
                regraded.append(item.origin)
                log(f"{item.origin}: changed since it was graded ({earlier.result.status_text} "
                    f"{earlier.result.total:g}/{earlier.result.max_score:g}): grading it again")
                if on_regrade:
                    on_regrade(item.origin)
            if not isinstance(item, Submission):
                result = grader.not_graded(item)
            else:
                try:
                    task, nb, flagged = grader.prepare(item, specs)
                    yield (item, nb, flagged), task
                    continue
                except NotThisLab as error:
                    result = grader.not_graded(Rejected(item.student, item.lab, item.notebook, item.origin, str(error)))
                except Exception as error:  # nbgrader refuses the notebook (bad metadata, ...)
                    result = grader.failed(item, f"cannot grade this notebook: {str(error).splitlines()[0][:300]}")
            record(item_key, result, f"{item.origin}: {result.status_text}")

    try:
        for (submission, nb, flagged), task, run in run_all(to_grade(), jobs, frameworks, specs, cluster, pool):
            try:
                if isinstance(run, BaseException):
                    raise run
                result = grader.finish(submission, task, nb, flagged, run)
            except Exception as error:
                result = grader.failed(submission, f"{type(error).__name__}: {error}")
            where = f" ({run.seconds:.1f} s on {run.worker})" if isinstance(run, RunResult) else ""
            record(task.key, result, f"{submission.origin}: {result.status_text} "
                                     f"{result.total:g}/{result.max_score:g}{where}")
        log(f"{len(regraded)} regraded: submissions whose notebook changed since the journal's grade")
    finally:
        journal.close()
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
    return sorted(results, key=lambda r: (r.student, r.lab, r.notebook, r.origin))
