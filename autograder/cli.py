"""python -m autograder {release, grade, demo, validate} (also installed as `mitdl-autograder`)"""
from __future__ import annotations

import sys
from pathlib import Path

# jsonschema checks the "iri" string formats only when the optional rfc3987_syntax is importable, and importing
# it compiles 39 lark grammars (about 1 s of every command's start). No schema this process checks (nbformat's,
# nbgrader's cell metadata) uses a string format, so the grader's own process goes without it. Here, not in
# __main__, so that the installed `mitdl-autograder` command starts as fast as `python -m autograder`.
sys.modules.setdefault("rfc3987_syntax", None)

from tqdm.auto import tqdm  # noqa: E402

from autograder.preflight import BadInvocation, Parser, check_grade, positive_float, positive_int  # noqa: E402


def cmd_release(args) -> int:
    from autograder.course import find_labs
    from autograder.release import release

    labs = [lab for lab in find_labs() if not args.lab or lab.name in args.lab]
    if not labs:
        print(f"error: no lab named {', '.join(args.lab)}", file=sys.stderr)
        return 2
    for path in release(labs):
        print(f"wrote {path}")
    return 0


def cmd_grade(args) -> int:
    if args.course:
        return cmd_grade_course(args)
    if not args.submissions or not args.out:
        print("error: give a SUBMISSIONS folder and --out DIR, or --course DIR (a stock nbgrader course)",
              file=sys.stderr)
        return 2
    try:  # before the grader's imports, so that a bad invocation is answered at once
        check_grade(Path(args.submissions), Path(args.out), args.db, args.cluster)
    except BadInvocation as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    from autograder.course import CourseNotFound, course_root
    from autograder.grading import grade_folder

    out = Path(args.out)
    try:
        course = course_root(Path(args.source) if args.source else None)
    except CourseNotFound as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    limits, jobs = _limits(args), _jobs(args)
    return _grade_and_report(lambda log, progress, on_total, on_regrade: grade_folder(
        Path(args.submissions), out / "nbgrader", db_url=args.db, progress=progress, jobs=jobs, cluster=args.cluster,
        limits=limits, log=log, on_total=on_total, on_regrade=on_regrade, course=course), out, jobs, args)


def cmd_grade_course(args) -> int:
    """grade --course DIR: every submitted assignment of a stock nbgrader course, into that course's gradebook."""
    if args.submissions or args.source:
        print("error: --course DIR grades the course's own submissions: give no SUBMISSIONS folder or --source "
              "with it", file=sys.stderr)
        return 2
    from autograder.foreign_course import open_course

    try:
        course = open_course(Path(args.course), args.db)
        out = Path(args.out) if args.out else course.root / "grading"
        check_grade(Path(args.course), out, args.db, args.cluster)
    except BadInvocation as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    from autograder.foreign_grading import grade_course, per_assignment

    limits, jobs = _limits(args), _jobs(args)
    return _grade_and_report(lambda log, progress, on_total, on_regrade: grade_course(
        course, out, jobs, cluster=args.cluster, limits=limits, log=log, progress=progress, on_total=on_total,
        on_regrade=on_regrade), out, jobs, args, per_assignment)


def _limits(args):
    from autograder.sandbox import Limits

    return Limits(cell_timeout=args.cell_timeout, notebook_timeout=args.timeout, memory_mb=args.memory_mb)


def _jobs(args) -> int:
    from autograder.schedule import default_jobs

    return args.jobs or default_jobs()


def _grade_and_report(grade, out: Path, jobs: int, args, lms_rows=None) -> int:
    """Run `grade(log, progress, on_total, on_regrade) -> results` with the grading log and a progress bar, then
    write grades.csv, lms.csv (of `lms_rows(results)` where given), summary.html and the feedback, and print the
    table -> the exit code."""
    import time

    from autograder.contracts import Status
    from autograder.record import write_grades_csv
    from autograder.report import collect_feedback, format_table, write_lms_csv, write_summary_html
    from autograder.sandbox import probe

    started = time.monotonic()
    regraded: list[str] = []  # submissions graded again because their notebook changed since the journal's grade
    with open(out / "grading.log", "a") as log_file:
        def log(line: str) -> None:
            log_file.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}\n")
            log_file.flush()

        try:
            with tqdm(desc="grading", unit="notebook", disable=args.quiet) as bar:
                def total(n):
                    bar.total = n
                    bar.refresh()
                results = grade(log, bar.update, total, regraded.append)
        except FileNotFoundError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    elapsed = time.monotonic() - started
    for r in results:
        if not r.ok:
            print(f"{r.origin}: {r.status_text}", file=sys.stderr)
    csv_path = write_grades_csv(results, out / "grades.csv")
    write_lms_csv(lms_rows(results) if lms_rows else results, out / "lms.csv")
    write_summary_html(results, out / "summary.html", probe().describe())
    feedback = collect_feedback(results, out / "feedback")
    print(format_table(results))
    superseded = sum(r.status is Status.SUPERSEDED for r in results)
    print(f"\n{sum(r.ok for r in results) - superseded}/{len(results) - superseded} graded ({len(regraded)} regraded: "
          f"changed since the last run; {superseded} superseded by a later hand-in, not graded) in {elapsed:.1f} s "
          f"({'cluster ' + args.cluster if args.cluster else f'{jobs} workers'}); wrote {csv_path}, "
          f"{out / 'lms.csv'}, {out / 'summary.html'} and {len(feedback)} feedback files under {out / 'feedback'}")
    if not args.quiet:
        print(probe().describe(), file=sys.stderr)
    return 0 if all(r.ok for r in results) else 1


def cmd_demo(args) -> int:
    from autograder.release import release
    from autograder.samples import write_samples

    out = Path(args.out)
    print(f"1/3 releasing the student notebooks: {len(release())} notebooks under labs/")
    print(f"2/3 writing sample submissions: {len(write_samples(out / 'submissions'))} files")
    print("3/3 autograding them through nbgrader")
    code = main(["grade", str(out / "submissions"), "--out", str(out)] + (["--quiet"] if args.quiet else []))
    print("(the demo includes one broken file on purpose, so its exit status is 1)" if code == 1 else "")
    return 0 if code in (0, 1) else code


def cmd_validate(args) -> int:
    from autograder.validate import validate

    return max(validate(Path(path)) for path in args.notebooks)


def main(argv: list[str] | None = None) -> int:
    from autograder.sandbox import Limits

    parser = Parser(prog="python -m autograder", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    release = commands.add_parser("release", help="regenerate solutions/*.ipynb and labs/ from the lab sources")
    release.add_argument("--lab", action="append", help="only this lab (e.g. 01_perceptron); repeatable")
    release.set_defaults(run=cmd_release)

    grade = commands.add_parser("grade", help="autograde a folder of submissions, or a stock nbgrader course")
    grade.add_argument("submissions", nargs="?", help="<student>/<lab>/<notebook>.ipynb, or loose .ipynb/.zip files")
    grade.add_argument("--out", default=None, help="where grades.csv, feedback/ and nbgrader's files go (with "
                       "--course: grades.csv, the log and feedback/; default DIR/grading)")
    grade.add_argument("--course", default=None, help="a stock nbgrader course folder (nbgrader_config.py, source/, "
                       "submitted/): grade every submitted assignment into its own gradebook")
    grade.add_argument("--source", default=None, help="the course folder, with solutions/*/*.lab.py (default: "
                       "$MITDL_COURSE, else the checkout holding this package, else the current folder or a parent)")
    grade.add_argument("--db", default=None, help="gradebook SQLAlchemy URL (default: SQLite under --out)")
    grade.add_argument("--quiet", action="store_true", help="no progress bar")
    grade.add_argument("--jobs", "-j", type=positive_int, default=None, help="parallel workers (default: all cores)")
    grade.add_argument("--cluster", default=None, help="grade on this Dask scheduler (e.g. tcp://10.0.0.5:8786)")
    limits = Limits()  # the defaults, declared once there
    grade.add_argument("--cell-timeout", type=positive_float, default=limits.cell_timeout,
                       help=f"CPU seconds per cell (default {limits.cell_timeout:g}; a cell also stops after "
                            f"{limits.cell_wall_timeout / limits.cell_timeout:g}x that on the clock)")
    grade.add_argument("--timeout", type=positive_float, default=limits.notebook_timeout,
                       help=f"seconds per notebook (default {limits.notebook_timeout:g})")
    grade.add_argument("--memory-mb", type=positive_int, default=limits.memory_mb,
                       help=f"memory per submission (default {limits.memory_mb})")
    grade.set_defaults(run=cmd_grade)

    demo = commands.add_parser("demo", help="release, make sample submissions, grade them (what `make demo` runs)")
    demo.add_argument("--out", default="demo-out")
    demo.add_argument("--quiet", action="store_true")
    demo.set_defaults(run=cmd_demo)

    validate = commands.add_parser("validate", help="run a notebook's visible checks before submitting")
    validate.add_argument("notebooks", nargs="+")
    validate.set_defaults(run=cmd_validate)

    args = parser.parse_args(argv)
    return args.run(args)
