"""Grade a folder of submissions: nbgrader's preprocessors and gradebook, a sandboxed parallel engine.

One process (this one) owns the gradebook. For each submission it
  1. sanitizes the notebook with nbgrader's own preprocessors (ClearOutput, DeduplicateIds,
     OverwriteKernelspec, OverwriteCells with add_missing_cells, CheckCellMetadata): locked and hidden
     test cells, points, grade ids and checksums come back from the gradebook;
  2. hands it to a worker (a local pool, `--jobs`, or a Dask cluster, `--cluster`) which runs it in a
     sandbox and has a clean process judge the hidden tests (autograder.engine);
  3. puts the outputs back, sets each graded test cell's result to the judge's verdict, and runs
     nbgrader's IgnorePattern, LimitOutput and SaveAutoGrades into the gradebook (one notebook per lab:
     autograder.lab_gradebook);
  4. appends the result to DIR/journal.jsonl (fsync'd), with a hash of the notebook. A rerun after a crash or
     `kill -9` skips every submission already in the journal with the same content, so each ends with exactly
     one grade record; a submission whose notebook changed since (a corrected resubmission) is graded again.
Submissions are only read.
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import warnings
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import nbformat

from autograder import gradebook_speed, lab_gradebook
from autograder.course import Lab, course_root, find_labs, nbgrader_config
from autograder.intake import Rejected, Submission, Superseded, collect
from autograder.reference_scan import reference_use
from autograder.sandbox import Limits, probe
from mitdl_utils.checking import FAILED, PASSED, Outcome
from mitdl_utils.lab import display_data

GRADED = "graded"
SUPERSEDED = "superseded"

gradebook_speed.tune()
warnings.filterwarnings("ignore", message=".*not in session.*")
_GRADE_CALL = re.compile(r"""\blab\.grade\(\s*["']([A-Za-z0-9_]+)["']""")
_OPEN_LAB = re.compile(r"""open_lab\(\s*["']([A-Za-z0-9_]+)["']\s*,\s*(?:framework\s*=\s*)?["']([a-z]+)["']""")
_HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", re.S)


@dataclass
class Result:
    """One row of grades.csv: a student's notebook and what it earned."""

    student: str
    lab: str
    notebook: str
    origin: str
    status: str = GRADED  # "graded", or "error: ..." / "rejected: ..." / "flagged: ..." with a reason,
    # or "superseded by <origin>" (an earlier hand-in of a notebook the student handed in again: not graded)
    scores: dict[str, float] = field(default_factory=dict)  # grade id -> points earned
    total: float = 0.0
    max_score: float = 0.0
    feedback: Path | None = None
    messages: dict[str, str] = field(default_factory=dict)  # grade id -> why it lost its points
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Graded (possibly with a note on what the submission's code ran into: a time limit, a crash), or
        superseded: its student's later hand-in of the notebook has its own row, and that one's status decides
        (so the exit code is 1 only where a submission that should have been graded was not)."""
        return self.status == GRADED or self.status.startswith((GRADED + ":", SUPERSEDED))

    def to_json(self) -> dict:
        data = asdict(self)
        data["feedback"] = str(self.feedback) if self.feedback else None
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Result":
        data = dict(data)
        data["feedback"] = Path(data["feedback"]) if data.get("feedback") else None
        return cls(**data)


def _error_line(log: str) -> str:
    lines = [line for line in log.splitlines() if line.startswith("[ERROR]")]
    line = lines[-1] if lines else (log.strip().splitlines() or ["unknown error"])[-1]
    return re.sub(r"^\[ERROR\]\s*", "", line).strip()[:300]


def _key(student: str, notebook: str, lab: str) -> str:
    return f"{student}/{lab}/{notebook}"


def _fingerprint(item: Submission | Rejected | Superseded) -> str:
    """What the journal compares to tell that a submission changed: a hash of its notebook (for one that is not
    graded, of the reason why)."""
    text = json.dumps(item.content, sort_keys=True) if isinstance(item, Submission) else item.reason
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class Recorded:
    """One journal line: the fingerprint of what was graded ('' in a journal older than fingerprints) and its result."""

    content: str
    result: Result


class Journal:
    """DIR/journal.jsonl: one fsync'd line per finished submission; a key's last line is what a rerun compares."""

    def __init__(self, path: Path):
        self.path = path
        self.done: dict[str, Recorded] = {}
        if path.exists():
            for line in path.read_text().splitlines():
                try:
                    entry = json.loads(line)
                    self.done[entry["key"]] = Recorded(entry.get("content", ""), Result.from_json(entry["result"]))
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut short by a crash: that submission is graded again
        self._handle = open(path, "a")

    def add(self, key: str, content: str, result: Result) -> None:
        self._handle.write(json.dumps({"key": key, "content": content, "result": result.to_json()}) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self.done[key] = Recorded(content, result)

    def close(self) -> None:
        self._handle.close()


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


class NotThisLab(ValueError):
    """A notebook named like one of the lab's that has none of its nbgrader cells: rejected, not graded."""


class Grader:
    """A course directory under `workdir` whose gradebook knows every lab in `labs`."""

    def __init__(self, workdir: Path, db_url: str | None = None, labs: list[Lab] | None = None,
                 limits: Limits | None = None, solutions: Path | None = None, register: bool = True):
        from nbgrader.apps import NbGraderAPI

        self.workdir = Path(workdir).resolve()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.db_url = db_url or f"sqlite:///{self.workdir / 'gradebook.db'}"  # the course's (lab_gradebook)
        self.sources_url = f"sqlite:///{self.workdir / lab_gradebook.SOURCES_DB}"  # what generate_assignment writes
        self.solutions = solutions or course_root() / "solutions"  # the course's sources
        self.labs = labs or find_labs(self.solutions)
        self.limits = limits or Limits()
        self.api = NbGraderAPI(config=nbgrader_config(self.workdir, self.sources_url, source=self.solutions,
                                                             release=self.workdir / "release"))
        self.secret = _secret(self.workdir / "hidden-inputs.secret")
        self.notebooks: dict[str, dict] = {}  # notebook name -> spec, framework, max score, known cells
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
            problem = lab_gradebook.register_lab(self.db_url, self.sources_url, lab)
            if problem:
                self.broken[lab.name] = problem
                continue
            with Gradebook(self.sources_url) as gradebook:
                for nb in gradebook.find_assignment(lab.name).notebooks:
                    self.notebooks[nb.name] = {"max": nb.max_score, "lab": lab.name,
                                               "cells": {c.name: c.cell_type for c in nb.source_cells}}
            for name in lab.notebook_names:
                path = self.solutions / lab.name / f"{name}.ipynb"
                if name in self.notebooks and path.exists():
                    code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
                    match = _OPEN_LAB.search(code)
                    if match:
                        self.notebooks[name].update(spec=match.group(1), framework=match.group(2))

    def _lab(self, name: str) -> Lab:
        return next(lab for lab in self.labs if lab.name == name)

    # ------------------------------------------------------------ step 1: sanitize
    def _resources(self, lab: str, notebook: str, student: str) -> dict:
        return {"nbgrader": {"db_url": self.sources_url, "assignment": lab, "notebook": notebook, "student": student},
                "metadata": {"path": str(self.workdir)}}

    def prepare(self, submission: Submission) -> dict:
        """The sanitized notebook and everything a worker needs (JSON-able)."""
        from nbgrader.preprocessors import (CheckCellMetadata, ClearOutput, DeduplicateIds, OverwriteCells,
                                            OverwriteKernelspec)

        if submission.lab in self.broken:
            raise ValueError(self.broken[submission.lab])
        info = self.notebooks.get(submission.notebook, {})
        if "spec" not in info:
            raise ValueError(f"notebook {submission.notebook!r} has no open_lab(...) in its source")
        nb = nbformat.from_dict(json.loads(json.dumps(submission.content)))
        _drop_foreign_metadata(nb, info.get("cells", {}))
        if not any("nbgrader" in cell.metadata for cell in nb.cells):  # another course's notebook, renamed
            raise NotThisLab(f"not this lab's notebook: it has none of {submission.notebook}'s graded cells")
        resources = self._resources(submission.lab, submission.notebook, submission.student)
        for pp in (ClearOutput(), DeduplicateIds(), OverwriteKernelspec(), OverwriteCells(add_missing_cells=True),
                   CheckCellMetadata()):
            nb, resources = pp.preprocess(nb, resources)
        grade_cells = {}
        for index, cell in enumerate(nb.cells):
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade") and cell.cell_type == "code":
                exercises = _GRADE_CALL.findall(cell.source)
                if exercises:
                    grade_cells[str(index)] = exercises
        return {
            "key": _key(submission.student, submission.notebook, submission.lab),
            "student": submission.student, "lab": submission.lab, "notebook": submission.notebook,
            "nb": nb, "spec": info["spec"], "framework": info["framework"],
            "frameworks": [info["framework"]],
            "specs": sorted({i["spec"] for i in self.notebooks.values() if "spec" in i}),
            "grade_cells": grade_cells, "sources": _function_sources(nb),
            "reference_use": reference_use(cell.source for cell in _code_cells(nb)),
            "limits": asdict(self.limits),
            # the hidden tests' random inputs differ per student and cannot be worked out from the public
            # package; the same submission graded again (a resumed batch) gets the same ones
            "secret": hashlib.sha256(f"{self.secret}/{submission.student}/{submission.notebook}".encode()).hexdigest(),
        }

    # ------------------------------------------------------------ step 3: record
    def finish(self, submission: Submission, task: dict, run: dict) -> Result:
        """Outputs and verdicts back into the notebook, then nbgrader's SaveAutoGrades into the course gradebook
        (unless the student's other twin of the lab is recorded there with more points: lab_gradebook)."""
        from nbgrader.preprocessors import IgnorePattern, LimitOutput, SaveAutoGrades
        from nbgrader.utils import determine_grade, is_grade

        from autograder.course import IGNORED_STDERR

        nb = task["nb"]
        verdicts = run.get("verdicts", {})
        flagged = task.get("reference_use")
        messages = {}
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            outputs = [nbformat.from_dict(o) for o in run["cells"].get(str(index), []) if isinstance(o, dict)]
            meta = cell.metadata.get("nbgrader", {})
            exercises = task["grade_cells"].get(str(index))
            if meta.get("grade") and exercises:  # its output is the judge's verdict, shown as a check shows one
                outputs, failed = [], []
                for name in exercises:
                    verdict = verdicts.get(name)
                    if flagged:
                        status, why = FAILED, f"not graded: {flagged}"
                    elif verdict is None:
                        status, why = FAILED, (f"the grader could not judge this exercise "
                                               f"({run.get('judge_error') or run.get('problem') or 'no verdict'})")
                    else:
                        status, why = str(verdict.get("status")), str(verdict.get("message"))
                    outputs.append(nbformat.v4.new_output("display_data", data=display_data(
                        Outcome(name, status, why, meta.get("points", 0)))))
                    if status != PASSED:
                        failed.append(f"{name}: {status}: {why}")
                if failed:
                    text = "; ".join(failed)[:2000]
                    outputs.append(nbformat.v4.new_output("error", ename="AssertionError", evalue=text,
                                                          traceback=[f"AssertionError: {text}"]))
                    messages[meta.get("grade_id", str(index))] = text
            cell.outputs = outputs
        resources = self._resources(submission.lab, submission.notebook, submission.student)
        for pp in (IgnorePattern(pattern=IGNORED_STDERR), LimitOutput()):
            nb, resources = pp.preprocess(nb, resources)
        result = Result(submission.student, submission.lab, submission.notebook, submission.origin,
                        max_score=self.notebooks.get(submission.notebook, {}).get("max", 0.0),
                        messages=messages, seconds=run.get("seconds", 0.0))
        # the points SaveAutoGrades gives each grade cell
        result.scores = {cell.metadata["nbgrader"]["grade_id"]: float(determine_grade(cell)[0] or 0)
                         for cell in nb.cells if is_grade(cell)}
        result.total = sum(result.scores.values())
        lab = self._lab(submission.lab)
        lab_gradebook.mark_twin(nb, submission.notebook)
        if lab_gradebook.should_record(self.db_url, self.workdir, submission.student, lab, submission.notebook,
                                       result.total):
            SaveAutoGrades().preprocess(nb, lab_gradebook.resources(self.db_url, self.workdir, submission.student, lab))
            _atomic_write(lab_gradebook.autograded_path(self.workdir, submission.student, lab), nbformat.writes(nb))
        graded = self.workdir / "graded" / submission.student / submission.lab / f"{submission.notebook}.ipynb"
        _atomic_write(graded, nbformat.writes(nb))  # every graded notebook, recorded or not
        if flagged:
            result.status = f"flagged: {flagged}"
        elif run.get("problem"):
            result.status = f"graded: {run['problem']}"
        elif run.get("judge_error"):
            result.status = f"error: {run['judge_error']}"
        from autograder.report import feedback_html

        feedback = self.workdir.parent / "feedback" / submission.student / submission.lab / f"{submission.notebook}.html"
        _atomic_write(feedback, feedback_html(nb, result))
        result.feedback = feedback
        return result

    def failed(self, submission: Submission, reason: str) -> Result:
        """A submission that could not be graded at all: 0 points, recorded in the course gradebook too (unless the
        student's other twin of the lab is recorded there)."""
        from nbgrader.api import MissingEntry

        try:
            lab = self._lab(submission.lab)
            if lab_gradebook.should_record(self.db_url, self.workdir, submission.student, lab, submission.notebook, None):
                lab_gradebook.record_zero(self.db_url, self.workdir, submission.student, lab)
        except MissingEntry:
            pass  # the lab is not in the gradebook (it could not be registered): grades.csv still has the row
        return Result(submission.student, submission.lab, submission.notebook, submission.origin,
                      status=f"error: {reason}"[:400], max_score=self.notebooks.get(submission.notebook, {}).get("max", 0))

    def rejected(self, item: Rejected) -> Result:
        return Result(item.student, item.lab, item.notebook, item.origin, status=f"rejected: {item.reason}",
                      max_score=self.notebooks.get(item.notebook, {}).get("max", 0.0))


def _secret(path: Path) -> str:
    """A random secret kept in the course folder (out of the sandbox's sight), made on first use."""
    if not path.exists():
        _atomic_write(path, os.urandom(16).hex())
    return path.read_text().strip()


def _drop_foreign_metadata(nb, known: dict[str, str]) -> None:
    """nbgrader metadata the gradebook does not know (a made-up or repeated grade id, a cell retyped)
    is removed, so the cell is an ordinary one; OverwriteCells then puts every missing graded cell back."""
    seen = set()
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta is None:
            continue
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        if grade_id not in known or grade_id in seen or known[grade_id] != cell.cell_type:
            del cell.metadata["nbgrader"]
        else:
            seen.add(grade_id)


def _code_cells(nb):
    for cell in nb.cells:
        if cell.cell_type == "code" and not cell.metadata.get("nbgrader", {}).get("locked"):
            yield cell


def _function_sources(nb) -> dict[str, str]:
    """name -> source of the last top-level `def name` in the student's cells (for checks on how it is written)."""
    sources = {}
    for cell in _code_cells(nb):
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                sources[node.name] = ast.get_source_segment(cell.source, node) or ""
    return sources


def default_jobs() -> int:
    """One worker per core this process may run on (a container's or `taskset`'s limit, not the machine's)."""
    return len(os.sched_getaffinity(0))


def _pool(jobs: int, frameworks, specs):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from autograder import engine

    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=engine.warm_up, initargs=(tuple(frameworks), tuple(specs), True))


def grade_folder(submissions: Path, workdir: Path, db_url: str | None = None, progress=None, jobs: int | None = None,
                 cluster: str | None = None, limits: Limits | None = None, log=None, on_total=None,
                 on_regrade=None, course: Path | None = None) -> list[Result]:
    """Grade every submission under `submissions`; never raises for a bad submission (FileNotFoundError: no such
    folder, or no submission in it).

    `workdir` is nbgrader's course folder (DIR/nbgrader); the journal, grades and feedback go to its parent.
    A submission in the journal with the same content keeps its result; one whose notebook changed is graded
    again (`on_regrade(origin)` is called for it) and its new result replaces the old in what is returned.
    Submissions are prepared, graded and recorded as a pipeline: workers start on the first one while this
    process prepares the next and records those that are done. `course`: the course folder, whose solutions/
    are the labs (found by `course.course_root` when not given).
    """
    workdir = Path(workdir)
    out = workdir.parent
    out.mkdir(parents=True, exist_ok=True)
    from autograder.course import FRAMEWORKS

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
    executor = None
    if not cluster and frameworks:  # start the workers now: they warm up while the gradebook is set up
        from autograder import engine

        executor = _pool(jobs, frameworks, specs)
        for _ in range(jobs):
            executor.submit(engine.ping)
    grader = Grader(workdir, db_url, labs=labs, limits=limits, solutions=solutions, register=False)
    grader.register(graded_labs)
    journal = Journal(out / "journal.jsonl")
    if on_total:
        on_total(len(items))
    log = log or (lambda line: None)
    log(probe().describe())
    results: list[Result] = []

    fingerprints: dict[str, str] = {}  # journal key -> fingerprint of the item being recorded under it
    regraded: list[str] = []

    def record(key: str, result: Result, line: str) -> None:
        journal.add(key, fingerprints[key], result)
        results.append(result)
        log(line)
        if progress:
            progress(1)

    def to_grade():
        """(submission, task) for each submission to grade: not in the journal, or changed since it was graded
        there. The others are recorded on the way, or their result taken from the journal (unchanged)."""
        for item in items:
            key = _key(item.student, item.notebook, item.lab) + ("" if isinstance(item, Submission) else
                                                               "#" + hashlib.sha1(item.origin.encode()).hexdigest()[:8])
            fingerprints[key] = _fingerprint(item)
            earlier = journal.done.get(key)
            if earlier is not None and earlier.content == fingerprints[key]:
                results.append(replace(earlier.result, origin=item.origin))  # the same notebook, wherever it lies now
                if progress:
                    progress(1)
                continue
            if earlier is not None and isinstance(item, Submission):
                regraded.append(item.origin)
                log(f"{item.origin}: changed since it was graded ({earlier.result.status} "
                    f"{earlier.result.total:g}/{earlier.result.max_score:g}): grading it again")
                if on_regrade:
                    on_regrade(item.origin)
            if isinstance(item, Superseded):
                result = Result(item.student, item.lab, item.notebook, item.origin, status=f"{SUPERSEDED} by {item.by}",
                                max_score=grader.notebooks.get(item.notebook, {}).get("max", 0.0))
            elif isinstance(item, Rejected):
                result = grader.rejected(item)
            else:
                try:
                    yield item, grader.prepare(item)
                    continue
                except NotThisLab as error:
                    result = grader.rejected(Rejected(item.student, item.lab, item.notebook, item.origin, str(error)))
                except Exception as error:  # nbgrader refuses the notebook (bad metadata, ...)
                    result = grader.failed(item, f"cannot grade this notebook: {str(error).splitlines()[0][:300]}")
            record(key, result, f"{item.origin}: {result.status}")

    try:
        for submission, task, run in _run_all(to_grade(), jobs, frameworks, specs, cluster, executor):
            try:
                if isinstance(run, BaseException):
                    raise run
                result = grader.finish(submission, task, run)
            except Exception as error:
                result = grader.failed(submission, f"{type(error).__name__}: {error}")
            run = run if isinstance(run, dict) else {}
            record(task["key"], result, f"{submission.origin}: {result.status} {result.total:g}/{result.max_score:g}"
                                        f" ({run.get('seconds', 0):.1f} s on {run.get('worker', '?')})")
        log(f"{len(regraded)} regraded: submissions whose notebook changed since the journal's grade")
    finally:
        journal.close()
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
    return sorted(results, key=lambda r: (r.student, r.lab, r.notebook, r.origin))


def _payload(task: dict) -> dict:
    """What a worker gets: the task with its notebook as plain JSON."""
    return {**task, "nb": json.loads(nbformat.writes(task["nb"]))}


def _run_all(to_grade, jobs, frameworks, specs, cluster, executor=None):
    """(submission, task, run-or-exception) as workers finish. Tasks are taken from `to_grade` only as workers
    need them (two per worker in flight), so preparing, grading and recording overlap."""
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    from autograder import engine

    to_grade = iter(to_grade)
    if cluster:
        from distributed import Client
        from distributed import wait as dask_wait

        with Client(cluster, timeout="30s") as client:
            window = 2 * max(sum(client.nthreads().values()), 1)
            yield from _pipeline(to_grade, window, lambda task: client.submit(
                engine.grade_task, _payload(task), key=f"grade-{task['key']}-{os.getpid()}", pure=False),
                lambda futures: dask_wait(list(futures), return_when="FIRST_COMPLETED").done)
        return
    pool, retry = executor or _pool(jobs, frameworks, specs), []
    while True:
        broken: list = []
        finished = 0

        def source():
            yield from retry
            while not broken:  # a broken pool takes no more work
                try:
                    yield next(to_grade)
                except StopIteration:
                    return

        with pool:
            for submission, task, run in _pipeline(source(), 2 * jobs,
                                                   lambda task: pool.submit(engine.grade_task, _payload(task)),
                                                   lambda futures: wait(futures, return_when=FIRST_COMPLETED).done):
                if isinstance(run, BrokenProcessPool):
                    broken.append((submission, task))
                else:
                    finished += 1
                    yield submission, task, run
        if not broken:
            return
        if not finished:  # the workers die before finishing anything (they cannot start): do not retry forever
            for submission, task in [*broken, *to_grade]:
                yield submission, task, RuntimeError("the grading workers died before finishing any submission")
            return
        # a worker died (not a submission: those run in children). The first is reported, the others retried.
        yield (*broken[0], RuntimeError("a grading worker died while grading this submission"))
        retry, pool = broken[1:], _pool(jobs, frameworks, specs)


def _pipeline(source, window: int, submit, first_done):
    """Keep up to `window` tasks from `source` running; yield (submission, task, run-or-exception) as they end."""
    in_flight: dict = {}
    while True:
        while len(in_flight) < window:
            try:
                submission, task = next(source)
            except StopIteration:
                break
            try:
                in_flight[submit(task)] = (submission, task)
            except Exception as error:  # e.g. the pool broke
                yield submission, task, error
        if not in_flight:
            return
        for future in first_done(in_flight):
            submission, task = in_flight.pop(future)
            try:
                run = future.result()
            except Exception as error:
                run = error
            yield submission, task, run
