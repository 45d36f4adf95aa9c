"""Grade every submitted assignment of a stock nbgrader course into its own gradebook (`grade --course DIR`).

  1. the course as nbgrader reads it (foreign_course); an assignment the gradebook does not know is registered
     by nbgrader's generate_assignment
  2. each test cell placed: in the clean judge, or in the student's process (cell_placement), the judge's part
     tried first on the assignment's own solution (a calibration run through the same workers)
  3. the batch of grading.grade_items (journal, workers, regrades), with CourseGrader's steps: sanitize (nbgrader's
     OverwriteCells and the rest, autograder.sanitize) -> run and judge (engine, cell_judge) -> save
     (foreign_record: nbgrader's SaveAutoGrades and the rest) -> feedback page (report)

The sandbox, limits, journal, --jobs and --cluster are the labs' own; only the judge differs (autograder.cell_judge).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import nbformat

from autograder import foreign_record, gradebook_speed
from autograder.cell_placement import builtins_defined, judge_imports, place
from autograder.contracts import NBGRADER, CellTests, RegisteredNotebook, Result, RunResult, Status, Task
from autograder.foreign_course import MAX_FILES_BYTES, ForeignCourse, HandedIn, is_autograded_test
from autograder.grading import grade_items
from autograder.intake import Rejected, Submission, parse_notebook
from autograder.report import write_feedback
from autograder.sandbox import Limits
from autograder.sanitize import NotThisLab, sanitize
from autograder.schedule import local_pool, run_all
from mitdl_utils.checking import FAILED

SOLUTION = "(the assignment's own solution)"  # the student of a calibration run


@dataclass
class NotebookPlan:
    """How a notebook of the assignment is judged: its registration, where each test cell runs, what the judge
    imports itself and which builtins' names are the student's."""

    registered: RegisteredNotebook
    placement: dict[str, str]  # grade id -> why that test cell runs in the student's process
    imports: dict[str, list]
    builtins_defined: list[str]


def make_task(key: str, student: str, nb: nbformat.NotebookNode, plan: NotebookPlan, files: dict[str, str],
              limits: Limits) -> Task:
    """The worker's task for a sanitized notebook: the test cells the judge runs travel in cell_tests, their
    sources blanked in the notebook the student's process gets."""
    judged = {str(index): cell.metadata["nbgrader"]["grade_id"] for index, cell in enumerate(nb.cells)
              if is_autograded_test(cell) and cell.metadata["nbgrader"]["grade_id"] not in plan.placement}
    content = json.loads(nbformat.writes(nb))
    sources = {}
    for index in judged:
        sources[index] = nb.cells[int(index)].source
        content["cells"][int(index)]["source"] = ""
    return Task(key=key, student=student, lab=plan.registered.lab, notebook=plan.registered.name, spec="",
                framework="", nb=content, grade_cells=judged, sources={}, limits=limits, secret="",
                course=NBGRADER, cell_tests=CellTests(sources, plan.imports, plan.builtins_defined), files=files)


class CourseGrader:
    """grading.grade_items's grader for a foreign course: prepare, finish, failed, not_graded."""

    def __init__(self, course: ForeignCourse, out: Path, limits: Limits, log):
        self.tuning_notes = gradebook_speed.tune()  # before nbgrader opens a gradebook
        self.course, self.out, self.limits, self.log = course, Path(out), limits, log
        self.handed = {(h.student, h.assignment): h for h in course.handed_in()}
        self.plans: dict[tuple[str, str], NotebookPlan] = {}
        self.broken: dict[str, str] = {}  # assignment -> why it cannot be graded
        self.begun: set[tuple[str, str]] = set()
        self._files: dict[tuple[str, str], dict[str, str]] = {}
        for assignment in sorted({h.assignment for h in self.handed.values()}):
            registered, problem = course.register(assignment)
            if problem:
                self.broken[assignment] = problem
                log(problem)
            for name, notebook in registered.items():
                cells = course.source_cells(assignment, name) or []
                own = course.own_modules(assignment)
                self.plans[assignment, name] = NotebookPlan(notebook, place(cells, own), judge_imports(cells, own),
                                                            builtins_defined(cells))

    def calibrate(self, pool, cluster: str | None) -> None:
        """Run each assignment's own solution with its test cells in the judge; a test cell that does not pass
        there is placed in the student's process. Each notebook's placement goes to the log."""
        tasks = {}
        for (assignment, name), plan in self.plans.items():
            path = self.course.source_folder(assignment) / f"{name}.ipynb"
            try:
                nb = nbformat.read(path, as_version=4)
            except (OSError, ValueError):
                continue
            tasks[assignment, name] = make_task(f"{SOLUTION}/{assignment}/{name}", SOLUTION, nb, plan,
                                                self.course.source_files(assignment), self.limits)
        runs = _run_now(list(tasks.values()), pool, cluster)
        for (assignment, name), task in tasks.items():
            plan, run = self.plans[assignment, name], runs.get(task.key)
            if not isinstance(run, RunResult) or run.judge_error:
                self.log(f"{assignment}/{name}: the calibration run on the assignment's solution failed "
                         f"({getattr(run, 'judge_error', None) or run}): its test cells are judged in the judge")
                continue
            failed = {grade_id: verdict.message for grade_id, verdict in run.verdicts.items()
                      if verdict.status == FAILED}
            cells = self.course.source_cells(assignment, name) or []
            plan.placement = place(cells, self.course.own_modules(assignment), failed)
        for (assignment, name), plan in self.plans.items():
            tests = sum(cell.test is not None for cell in self.course.source_cells(assignment, name) or [])
            placed = "; ".join(f"{grade_id} ({why})" for grade_id, why in plan.placement.items())
            self.log(f"{assignment}/{name}: {tests - len(plan.placement)} of {tests} test cells judged in the "
                     f"judge" + (f"; in the student's process: {placed}" if placed else ""))

    def items(self) -> list[Submission | Rejected]:
        """Every handed-in notebook of a registered assignment: a Submission, or a Rejected with its reason."""
        items = []
        for handed in self.handed.values():
            for name, path in handed.notebooks.items():
                origin = str(path.relative_to(self.course.root)) if path.is_relative_to(self.course.root) else str(path)
                if handed.assignment in self.broken:
                    items.append(Rejected(handed.student, handed.assignment, name, origin,
                                          self.broken[handed.assignment]))
                    continue
                if (handed.assignment, name) not in self.plans:
                    self.log(f"{origin}: not a notebook of {handed.assignment} in the gradebook: skipped, "
                             "as nbgrader skips it")
                    continue
                try:
                    items.append(Submission(handed.student, handed.assignment, name, origin,
                                            parse_notebook(path.read_bytes())))
                except (OSError, ValueError) as error:
                    items.append(Rejected(handed.student, handed.assignment, name, origin, str(error)))
        return items

    def missing(self) -> list[Result]:
        """A Result for each notebook of a graded assignment that a student did not hand in (0 points)."""
        results = []
        for handed in self.handed.values():
            if handed.assignment not in self.broken:
                registered = {name: plan.registered for (assignment, name), plan in self.plans.items()
                              if assignment == handed.assignment}
                missing = foreign_record.missing_notebooks(self.course, handed, registered)
                if missing:
                    self.begin(handed.student, handed.assignment)  # records their zeros
                results += missing
        return results

    def begin(self, student: str, assignment: str) -> None:
        """The submission in the gradebook, once per student and assignment (foreign_record.begin)."""
        if (student, assignment) not in self.begun:
            handed = self.handed[student, assignment]
            foreign_record.begin(self.course, handed, self.files_of(handed))
            self.begun.add((student, assignment))

    def files_of(self, handed: HandedIn) -> dict[str, str]:
        """The files put beside the student's notebooks (read once; those left out for their size are logged)."""
        if (handed.student, handed.assignment) not in self._files:
            files, left_out = self.course.files(handed)
            if left_out:
                self.log(f"{handed.folder}: files not put beside the notebooks (over {MAX_FILES_BYTES >> 20} MiB "
                         f"together): {', '.join(left_out)}")
            self._files[handed.student, handed.assignment] = files
        return self._files[handed.student, handed.assignment]

    def prepare(self, submission: Submission, warm_specs) -> tuple[Task, nbformat.NotebookNode, None]:
        plan = self.plans[submission.lab, submission.notebook]
        self.begin(submission.student, submission.lab)
        resources = {"nbgrader": {"db_url": self.course.db_url, "assignment": submission.lab,
                                  "notebook": submission.notebook, "student": submission.student},
                     "metadata": {"path": str(self.course.autograded_folder(submission.student, submission.lab))}}
        try:
            nb = sanitize(submission.content, plan.registered, resources)
        except NotThisLab:
            raise NotThisLab(f"not {submission.lab}'s notebook {submission.notebook}: it has none of its graded "
                             "cells") from None
        task = make_task(f"{submission.student}/{submission.lab}/{submission.notebook}", submission.student, nb,
                         plan, self.files_of(self.handed[submission.student, submission.lab]), self.limits)
        return task, nb, None

    def finish(self, submission: Submission, task: Task, nb: nbformat.NotebookNode, flagged, run: RunResult) -> Result:
        plan = self.plans[submission.lab, submission.notebook]
        foreign_record.apply_outputs(nb, task, run, plan.placement)
        in_student_process = sum(1 for cell in nb.cells if is_autograded_test(cell)) - len(task.grade_cells)
        result = foreign_record.save(self.course, nb, submission, run, in_student_process)
        result.feedback = write_feedback(nb, result, self.out / "feedback")
        return result

    def failed(self, submission: Submission, reason: str) -> Result:
        plan = self.plans.get((submission.lab, submission.notebook))
        return foreign_record.save_failure(self.course, submission, reason, plan.registered.max_score if plan else 0)

    def not_graded(self, item: Rejected) -> Result:
        plan = self.plans.get((item.lab, item.notebook))
        if plan is not None:  # a notebook of the assignment that cannot be read: 0 in the gradebook, as nbgrader
            self.begin(item.student, item.lab)
            foreign_record.save_failure(self.course, Submission(item.student, item.lab, item.notebook, item.origin,
                                                                None), item.reason, plan.registered.max_score)
        return Result(item.student, item.lab, item.notebook, item.origin, status=Status.REJECTED, reason=item.reason,
                      max_score=plan.registered.max_score if plan else 0.0)


def _run_now(tasks: list[Task], pool, cluster: str | None) -> dict[str, RunResult | BaseException]:
    """Run `tasks` on the workers and wait for all of them -> task key -> what came back."""
    if cluster:
        return {task.key: run for _, task, run in run_all(((None, task) for task in tasks), 1, (), (), cluster)}
    from autograder import engine

    futures = {task.key: pool.submit(engine.grade_task, task) for task in tasks}
    runs = {}
    for key, future in futures.items():
        try:
            runs[key] = future.result()
        except Exception as error:
            runs[key] = error
    return runs


def grade_course(course: ForeignCourse, out: Path, jobs: int, cluster: str | None = None,
                 limits: Limits | None = None, log=None, progress=None, on_total=None,
                 on_regrade=None) -> list[Result]:
    """Grade every submitted notebook of `course` into its gradebook -> a Result per notebook (those not handed
    in included); the journal, grading log and feedback pages go under `out`."""
    from autograder import engine

    log = log or (lambda line: None)
    out = Path(out)
    journal_mode = sqlite_journal_mode(course.db_url)
    pool = None
    if not cluster:  # started first: the workers warm up while the gradebook is set up
        pool = local_pool(jobs, (), ())
        for _ in range(jobs):
            pool.submit(engine.ping)
    try:
        try:
            grader = CourseGrader(course, out, limits or Limits(), log)
            grader.calibrate(pool, cluster)
            items = grader.items()
        except BaseException:
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
            raise
        results = grade_items(items, grader, out, jobs=jobs, frameworks=(), specs=[], cluster=cluster, pool=pool,
                              progress=progress, log=log, on_total=on_total, on_regrade=on_regrade)
        results += grader.missing()
    finally:  # the tuning's write-ahead log is this batch's: the course's gradebook is left as it was found
        sqlite_journal_mode(course.db_url, set_to=journal_mode or "delete")
    return sorted(results, key=lambda r: (r.student, r.lab, r.notebook, r.origin))


def sqlite_journal_mode(db_url: str, set_to: str | None = None) -> str | None:
    """A SQLite gradebook file's journal mode (after setting it to `set_to`); None for another database, or a
    file not made yet or held by another connection."""
    import sqlite3

    from sqlalchemy.engine import make_url

    url = make_url(db_url)
    if url.get_backend_name() != "sqlite" or not url.database or not Path(url.database).is_file():
        return None
    try:
        with sqlite3.connect(url.database) as connection:
            if set_to:
                connection.execute(f"PRAGMA journal_mode={set_to}")
            return connection.execute("PRAGMA journal_mode").fetchone()[0]
    except sqlite3.Error:
        return None


def per_assignment(results: list[Result]) -> list[Result]:
    """One Result per student and assignment, its notebooks' points summed (what lms.csv lists)."""
    summed: dict[tuple[str, str], Result] = {}
    for r in results:
        if (r.student, r.lab) not in summed:
            summed[r.student, r.lab] = replace(r, notebook="", scores={}, total=0.0, max_score=0.0, messages={})
        summed[r.student, r.lab].total += r.total
        summed[r.student, r.lab].max_score += r.max_score
    return list(summed.values())
