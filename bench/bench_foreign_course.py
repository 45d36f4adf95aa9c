"""Stock `nbgrader autograde` against `python -m autograder grade --course` on a copy of nbgrader's example course.

--students students (default 50) hand in bitdiddle's and hacker's ps1 in turn (autograder.nbgrader_example copies
them out of the installed nbgrader package): two notebooks each. Both graders grade their own copy of the course
in this one invocation, with ps1 registered first in both (nbgrader generate_assignment, as at release time); the
script checks that both gradebooks hold the same points for every grade cell of every student, and prints the
seconds, notebooks per second and the ratio.

    python bench/bench_foreign_course.py                    # the full size (slow: stock nbgrader is serial)
    python bench/bench_foreign_course.py --students 5       # a quick run

Stock nbgrader gets every core; ours with N workers (--jobs, default all cores) runs pinned to N cores. Both times
are whole commands, start-up included.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograder.nbgrader_example import (ASSIGNMENT, copy_example_course, gradebook_points,  # noqa: E402
                                         stock_autograde, stock_nbgrader)

REPO = Path(__file__).resolve().parent.parent


def ours(course: Path, jobs: int, cores: list[int]) -> float:
    """`python -m autograder grade --course` with `jobs` workers, all its processes on `cores` -> seconds."""
    stock_nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")  # registered as at release, not timed
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "autograder", "grade", "--course", str(course), "--jobs", str(jobs),
                    "--quiet"], check=True, stdout=subprocess.DEVNULL, cwd=REPO,
                   preexec_fn=lambda: os.sched_setaffinity(0, cores))
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=50)
    available = sorted(os.sched_getaffinity(0))
    parser.add_argument("--jobs", type=int, default=len(available), help="ours: workers (a core each)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        notebooks = 2 * args.students
        print(f"{notebooks} notebooks: {args.students} students x ps1's 2 notebooks (nbgrader's example course)")
        stock = stock_autograde(copy_example_course(tmp / "stock", args.students))
        course = copy_example_course(tmp / "ours", args.students)
        seconds = ours(course, args.jobs, available[:args.jobs])
        db_url = f"sqlite:///{course / 'gradebook.db'}"
        points = gradebook_points(db_url, ASSIGNMENT)
        if points != stock.points:
            differ = {student: (stock.points.get(student), points.get(student))
                      for student in set(points) | set(stock.points) if points.get(student) != stock.points.get(student)}
            print(f"POINTS DIFFER (stock, ours): {dict(list(differ.items())[:5])}")
            return 1
        rows = [("stock nbgrader autograde", 1, len(available), stock.seconds),
                (f"python -m autograder grade --course --jobs {args.jobs}", args.jobs, args.jobs, seconds)]
        print(f"\n{'grader':<48} {'workers':>7} {'cores':>5} {'seconds':>8} {'nb/s':>7} {'vs stock':>9}")
        for name, jobs, cores, elapsed in rows:
            print(f"{name:<48} {jobs:>7} {cores:>5} {elapsed:>8.1f} {notebooks / elapsed:>7.2f} "
                  f"{stock.seconds / elapsed:>8.1f}x")
        print(f"\npoints identical for every grade cell of all {args.students} students "
              f"(totals: {sorted(set(stock.totals.values()))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
