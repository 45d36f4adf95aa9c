"""Results -> feedback pages, lms.csv, summary.html and a table for the terminal (grades.csv: autograder.record)."""
from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

from autograder.contracts import Result, Status
from autograder.record import atomic_write, exercise_columns, format_points

HIDDEN_TESTS = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", re.S)

def collect_feedback(results: list[Result], out: Path) -> list[Path]:
    """Each graded notebook's feedback HTML, at out/<student>/<lab>/<notebook>.html (copied if elsewhere)."""
    copied = []
    for r in results:
        if r.feedback and r.feedback.exists():
            target = out / r.student / r.lab / f"{r.notebook}.html"
            if target.resolve() != r.feedback.resolve():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(r.feedback, target)
            copied.append(target)
    return copied


def format_table(results: list[Result]) -> str:
    """A plain-text grade table."""
    rows = [("student", "lab", "notebook", "score", "status")]
    rows += [(r.student, r.lab, r.notebook or "-", f"{format_points(r.total)}/{format_points(r.max_score)}", r.status_text)
             for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths)) + "  " + row[4] for row in rows]
    lines.insert(1, "-" * min(120, len(lines[0]) + 10))
    return "\n".join(lines)


# ---------------------------------------------------------------- feedback, LMS export, summary

def write_feedback(nb, result: Result, folder: Path) -> Path:
    """The feedback page of a judged notebook, at folder/<student>/<lab>/<notebook>.html."""
    path = folder / result.student / result.lab / f"{result.notebook}.html"
    atomic_write(path, feedback_html(nb, result))
    return path


def feedback_html(nb, result) -> str:
    """A student's feedback page: points per exercise and why; the notebook without hidden test code."""
    import html


    esc = html.escape
    rows = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and cell.cell_type == "code":
            grade_id = meta.get("grade_id", "")
            earned = result.scores.get(grade_id, 0.0)
            why = result.messages.get(grade_id, "all checks passed")
            rows.append(f"<tr><td>{esc(grade_id)}</td><td>{format_points(earned)}/{format_points(float(meta.get('points', 0)))}"
                        f"</td><td>{esc(why)}</td></tr>")
    parts = [f"<!doctype html><meta charset='utf-8'><title>{esc(result.student)}: {esc(result.notebook)}</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:auto}pre{background:#f6f8fa;padding:6px;"
             "white-space:pre-wrap}td{border-bottom:1px solid #ddd;padding:4px;vertical-align:top}"
             ".err{color:#cf222e}</style>",
             f"<h1>{esc(result.notebook)} · {esc(result.student)}</h1>",
             f"<p><b>Score: {format_points(result.total)}/{format_points(result.max_score)}</b> ({esc(result.status_text)})</p>",
             "<table><tr><th>exercise</th><th>points</th><th>result</th></tr>", *rows, "</table><hr>"]
    for cell in nb.cells:
        source = HIDDEN_TESTS.sub("# (hidden tests run here when grading)\n", cell.source)
        if cell.cell_type == "markdown":
            parts.append(f"<div>{esc(source)}</div>")
            continue
        if cell.cell_type != "code":
            continue
        parts.append(f"<pre>{esc(source)}</pre>")
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "stream":
                parts.append(f"<pre>{esc(str(output.get('text', ''))[:5000])}</pre>")
            elif kind == "error":
                parts.append(f"<pre class='err'>{esc(output.get('ename', ''))}: {esc(str(output.get('evalue', ''))[:3000])}</pre>")
            elif kind in ("display_data", "execute_result"):
                text = output.get("data", {}).get("text/plain", "")
                parts.append(f"<pre>{esc(str(text)[:5000])}</pre>")
    return "\n".join(parts)


MAXIMUM_ROW = "(maximum)"  # lms.csv's first row, in the student column: each lab's maximum points


def write_lms_csv(results: list[Result], path: Path) -> Path:
    """One row per student, one column per lab (the best of its notebooks: a student picks one framework) and a
    total, under a first row of each lab's maximum points (student MAXIMUM_ROW). A lab the student handed nothing
    in for is an empty cell; a hand-in that earned nothing (or could not be graded) is a 0."""
    labs = sorted({r.lab for r in results if r.lab})
    maximum = {lab: max(r.max_score for r in results if r.lab == lab) for lab in labs}
    best: dict[str, dict[str, float]] = {}
    for r in results:
        lab_scores = best.setdefault(r.student, {})
        if r.lab:
            lab_scores[r.lab] = max(lab_scores.get(r.lab, 0.0), r.total)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", *labs, "total"])
        writer.writerow([MAXIMUM_ROW, *(format_points(maximum[lab]) for lab in labs), format_points(sum(maximum.values()))])
        for student in sorted(best):
            scores = best[student]
            writer.writerow([student, *(format_points(scores[lab]) if lab in scores else "" for lab in labs),
                             format_points(sum(scores.values()))])
    return path


def _png(figure) -> str:
    import base64
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode()


def write_summary_html(results: list[Result], path: Path, sandbox_line: str = "") -> Path:
    """Score distribution per lab and per exercise, the most common failure messages, submissions in error."""
    import html
    from collections import Counter

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    esc = html.escape
    parts = ["<!doctype html><meta charset='utf-8'><title>Grading summary</title>",
             "<style>body{font-family:sans-serif;max-width:70em;margin:auto}td,th{border-bottom:1px solid #ddd;"
             "padding:3px 8px;text-align:left}</style><h1>Grading summary</h1>",
             f"<p>{len(results)} submissions; {sum(r.status is Status.GRADED for r in results)} graded. {esc(sandbox_line)}</p>"]
    for lab in sorted({r.lab for r in results if r.lab}):
        graded = [r for r in results if r.lab == lab and r.status in (Status.GRADED, Status.FLAGGED)]
        if not graded:
            continue
        figure, axes = plt.subplots(1, 2, figsize=(11, 3.2))
        axes[0].hist([r.total for r in graded], bins=20, color="#4c72b0")
        axes[0].set(title=f"{lab}: total score", xlabel="points", ylabel="submissions")
        exercises = exercise_columns(graded)
        means = [sum(r.scores.get(e, 0) for r in graded) / len(graded) for e in exercises]
        axes[1].barh(exercises, means, color="#55a868")
        axes[1].set(title="mean points per exercise", xlabel="points")
        parts.append(f"<h2>{esc(lab)}</h2><img src='data:image/png;base64,{_png(figure)}'>")
        plt.close(figure)
    failures = Counter(message.split(": ", 1)[-1][:160] for r in results for message in r.messages.values())
    parts.append("<h2>Most common failure messages</h2><table><tr><th>count</th><th>message</th></tr>")
    parts += [f"<tr><td>{n}</td><td>{esc(m)}</td></tr>" for m, n in failures.most_common(20)]
    parts.append("</table><h2>Submissions in error</h2><table><tr><th>student</th><th>notebook</th>"
                 "<th>origin</th><th>status</th></tr>")
    parts += [f"<tr><td>{esc(r.student)}</td><td>{esc(r.notebook)}</td><td>{esc(r.origin)}</td>"
              f"<td>{esc(r.status_text)}</td></tr>" for r in results if not r.ok]
    parts.append("</table>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(parts))
    return path
