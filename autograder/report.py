"""Results -> grades.csv, per-student feedback folders, and a table for the terminal."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

from autograder.grading import Result

FIXED_COLUMNS = ["student", "lab", "notebook"]


def exercise_columns(results: list[Result]) -> list[str]:
    """Every grade id that appears, in first-seen order."""
    columns: dict[str, None] = {}
    for result in results:
        columns.update(dict.fromkeys(result.scores))
    return list(columns)


def write_grades_csv(results: list[Result], path: Path) -> Path:
    """One row per student and notebook: student, lab, notebook, points per exercise, total, max, status."""
    exercises = exercise_columns(results)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(FIXED_COLUMNS + exercises + ["total", "max", "status"])
        for r in results:
            points = [_number(r.scores[e]) if e in r.scores else "" for e in exercises]
            writer.writerow([r.student, r.lab, r.notebook, *points, _number(r.total), _number(r.max_score), r.status])
    return path


def collect_feedback(results: list[Result], out: Path) -> list[Path]:
    """Copy each graded notebook's feedback HTML to out/<student>/<lab>/<notebook>.html."""
    copied = []
    for r in results:
        if r.feedback and r.feedback.exists():
            target = out / r.student / r.lab / f"{r.notebook}.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(r.feedback, target)
            copied.append(target)
    return copied


def format_table(results: list[Result]) -> str:
    """A plain-text grade table."""
    rows = [("student", "lab", "notebook", "score", "status")]
    rows += [(r.student, r.lab, r.notebook or "-", f"{_number(r.total)}/{_number(r.max_score)}", r.status)
             for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths)) + "  " + row[4] for row in rows]
    lines.insert(1, "-" * min(120, len(lines[0]) + 10))
    return "\n".join(lines)


def _number(value: float) -> str:
    return f"{value:g}"
