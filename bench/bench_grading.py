"""Stock `nbgrader autograde` against `python -m autograder grade` on the same submissions.

Every lab, both frameworks, --students students (default 50): a third hand in the solution, a third the
untouched notebook, a third the solution with its last exercise undone. Both graders run in this one
invocation; the script checks that every score is identical and prints throughput and the ratio.

    python bench/bench_grading.py                       # the full size (slow: stock nbgrader is serial)
    python bench/bench_grading.py --students 4 --jobs 1 2   # a quick run, with the scaling over workers

Stock nbgrader gets every core of the machine. Ours with N workers runs on N cores (its processes are
pinned to the first N the machine allows), so the rows show how throughput scales as workers are added
with a core each; --no-pin gives every run every core.
"""
from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
warnings.filterwarnings("ignore")

import nbformat  # noqa: E402

from autograder.course import FRAMEWORKS, REPO, find_labs, nbgrader_config  # noqa: E402
from autograder.samples import with_last_exercise_undone  # noqa: E402


LABS: list = []


def make_submissions(folder: Path, students: int) -> int:
    count = 0
    for lab in LABS:
        for framework in FRAMEWORKS:
            name = lab.notebook_name(framework)
            solution = nbformat.read(REPO / "solutions" / lab.name / f"{name}.ipynb", 4)
            stub = nbformat.read(REPO / "labs" / lab.name / f"{name}.ipynb", 4)
            for i in range(students):
                kind = i % 3
                nb = solution if kind == 0 else stub if kind == 1 else \
                    with_last_exercise_undone(nbformat.from_dict(solution), stub)
                target = folder / f"s{i:04d}" / lab.name / f"{name}.ipynb"
                target.parent.mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, target)
                count += 1
    return count


def stock(submissions: Path, work: Path) -> tuple[float, dict]:
    """nbgrader's own autograde, as its CLI runs it: serial, one kernel per notebook."""
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI

    assert "autograder.gradebook_speed" not in sys.modules, "stock nbgrader must run with its gradebook untuned"
    work.mkdir(parents=True, exist_ok=True)
    db = f"sqlite:///{work / 'gradebook.db'}"
    api = NbGraderAPI(config=nbgrader_config(work, db, release=work / "release"))
    labs = LABS
    for lab in labs:
        result = api.generate_assignment(lab.name, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader generate_assignment {lab.name} failed:\n{result['log'][-2000:]}")
    shutil.copytree(submissions, work / "submitted")
    started = time.monotonic()
    for student in sorted(p.name for p in (work / "submitted").iterdir()):
        for lab in labs:
            api.autograde(lab.name, student, force=True, create=True)
    elapsed = time.monotonic() - started
    scores = {}
    with Gradebook(db) as gradebook:
        for lab in labs:
            for submission in gradebook.find_assignment(lab.name).submissions:
                for nb in submission.notebooks:
                    scores[(submission.student.id, nb.name)] = float(nb.score)
    return elapsed, scores


def ours(submissions: Path, out: Path, jobs: int, cores: list[int]) -> tuple[float, float, dict]:
    """`python -m autograder grade` with `jobs` workers, all its processes on `cores`."""
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "autograder", "grade", str(submissions), "--out", str(out), "--jobs",
                    str(jobs), "--quiet"], check=False, stdout=subprocess.DEVNULL, cwd=REPO,
                   preexec_fn=lambda: os.sched_setaffinity(0, cores))
    elapsed = time.monotonic() - started
    scores = {(r["student"], r["notebook"]): float(r["total"]) for r in csv.DictReader(open(out / "grades.csv"))}
    stamps = [line[:19] for line in (out / "grading.log").read_text().splitlines() if " on " in line]
    first = time.mktime(time.strptime(stamps[0], "%Y-%m-%d %H:%M:%S")) if stamps else 0
    last = time.mktime(time.strptime(stamps[-1], "%Y-%m-%d %H:%M:%S")) if stamps else 0
    steady = (len(stamps) - 1) / max(last - first, 1) if len(stamps) > 1 else 0.0
    return elapsed, steady, scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=50)
    available = sorted(os.sched_getaffinity(0))
    parser.add_argument("--jobs", type=int, nargs="+", default=[len(available)],
                        help="worker counts to run ours with (several: a scaling table)")
    parser.add_argument("--skip-stock", action="store_true", help="only ours (no comparison of scores)")
    parser.add_argument("--no-pin", action="store_true", help="every run on every core (default: N workers on N cores)")
    parser.add_argument("--lab", action="append", help="only this lab (repeatable; default: every lab)")
    args = parser.parse_args()
    LABS[:] = [lab for lab in find_labs() if not args.lab or lab.name in args.lab]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        n = make_submissions(tmp / "submissions", args.students)
        print(f"{n} notebooks: {args.students} students x {len(LABS)} lab(s) x {len(FRAMEWORKS)} frameworks")
        rows = []
        stock_scores = None
        if not args.skip_stock:
            seconds, stock_scores = stock(tmp / "submissions", tmp / "stock")
            rows.append(("stock nbgrader autograde", 1, len(available), seconds, n / seconds, None))
            print(f"stock nbgrader autograde: {seconds:.1f} s", flush=True)
        ours_scores = {}
        for run, jobs in enumerate(args.jobs):  # a fresh folder each run: a repeated count is graded again, not resumed
            cores = available if args.no_pin else available[:jobs]
            seconds, steady, scores = ours(tmp / "submissions", tmp / f"ours-{run}", jobs, cores)
            ours_scores[run] = scores
            print(f"python -m autograder grade --jobs {jobs}: {seconds:.1f} s", flush=True)
            rows.append((f"python -m autograder grade --jobs {jobs}", jobs, len(cores), seconds, n / seconds, steady))
        base = rows[0][4]
        print(f"\n{'grader':<38} {'workers':>7} {'cores':>5} {'seconds':>8} {'nb/s':>7} {'steady nb/s':>12} "
              f"{'vs first':>9}")
        for name, jobs, cores, seconds, rate, steady in rows:
            steady_text = f"{steady:.2f}" if steady is not None else "-"
            print(f"{name:<38} {jobs:>7} {cores:>5} {seconds:>8.1f} {rate:>7.2f} {steady_text:>12} {rate / base:>8.1f}x")
        differ = {}  # the table is printed first: a run whose scores differ still shows what it measured
        for scores in ours_scores.values() if stock_scores is not None else ():
            differ.update({k: (stock_scores.get(k), scores.get(k)) for k in set(stock_scores) | set(scores)
                           if stock_scores.get(k) != scores.get(k)})
        if differ:
            print(f"\nSCORES DIFFER on {len(differ)} of {n} notebooks (stock, ours): {dict(list(differ.items())[:10])}")
            return 1
        if stock_scores is not None:
            print(f"\nscores identical for all {n} notebooks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
