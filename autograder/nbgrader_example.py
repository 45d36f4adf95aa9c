"""nbgrader's own example course, the reference case of `grade --course`: copied out of the installed nbgrader
package (docs/source/user_guide: source/ps1, submitted/bitdiddle, submitted/hacker), never from this repository.

  copy_example_course(folder, students)   the course in `folder`: nbgrader_config.py, source/ps1 and each
                                          student's submission (`students`: bitdiddle-01, hacker-01, ... in turn)
  stock_autograde(folder) -> StockRun     stock `nbgrader generate_assignment` and `nbgrader autograde` on it, and
                                          the points its gradebook then holds
  stock_nbgrader(folder, *arguments)      one stock nbgrader command, run in the course folder
  gradebook_points(db_url, assignment)    student -> notebook -> grade id -> auto score, read with nbgrader's API
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ASSIGNMENT = "ps1"
STUDENTS = ("bitdiddle", "hacker")
CONFIG = 'c = get_config()\nc.CourseDirectory.course_id = "example"\n'


def example_folder() -> Path:
    """The example course inside the installed nbgrader package."""
    import nbgrader

    return Path(nbgrader.__file__).parent / "docs" / "source" / "user_guide"


def copy_example_course(folder: Path, students: int | None = None) -> Path:
    """nbgrader's example course in `folder` (made if needed) -> `folder`. With `students`, that many students
    hand in bitdiddle's and hacker's submissions in turn: bitdiddle-01, hacker-01, bitdiddle-02, ..."""
    example = example_folder()
    folder = Path(folder)
    shutil.copytree(example / "source" / ASSIGNMENT, folder / "source" / ASSIGNMENT)
    names = {student: student for student in STUDENTS} if students is None else \
        {f"{STUDENTS[i % 2]}-{i // 2 + 1:02d}": STUDENTS[i % 2] for i in range(students)}
    for name, student in names.items():
        shutil.copytree(example / "submitted" / student / ASSIGNMENT, folder / "submitted" / name / ASSIGNMENT)
    (folder / "nbgrader_config.py").write_text(CONFIG)
    return folder


@dataclass
class StockRun:
    points: dict[str, dict[str, dict[str, float | None]]]  # student -> notebook -> grade id -> auto score
    totals: dict[str, float]  # student -> the assignment's score
    seconds: float  # autograde alone


def stock_autograde(folder: Path) -> StockRun:
    """Run stock nbgrader on the course in `folder` (generate_assignment, then autograde) -> what it recorded."""
    from nbgrader.api import Gradebook

    stock_nbgrader(folder, "generate_assignment", ASSIGNMENT, "--force")
    started = time.monotonic()
    stock_nbgrader(folder, "autograde", ASSIGNMENT)
    seconds = time.monotonic() - started
    db_url = f"sqlite:///{Path(folder).resolve() / 'gradebook.db'}"
    with Gradebook(db_url) as gradebook:
        totals = {student.id: float(gradebook.find_submission(ASSIGNMENT, student.id).score)
                  for student in gradebook.students}
    return StockRun(gradebook_points(db_url, ASSIGNMENT), totals, seconds)


def stock_nbgrader(folder: Path, *arguments: str) -> None:
    """One stock nbgrader command, run in the course folder as an instructor runs it."""
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    subprocess.run([sys.executable, "-m", "nbgrader", *arguments], cwd=folder, env=env, check=True,
                   capture_output=True)


def gradebook_points(db_url: str, assignment: str) -> dict[str, dict[str, dict[str, float | None]]]:
    """student -> notebook -> grade id -> auto score, as nbgrader's gradebook holds them."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        return {student.id: {notebook.name: {grade.name: grade.auto_score for grade in notebook.grades}
                             for notebook in gradebook.find_submission(assignment, student.id).notebooks}
                for student in gradebook.students}
