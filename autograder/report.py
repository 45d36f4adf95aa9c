"""Results -> feedback pages, lms.csv, summary.html and a table for the terminal (grades.csv: autograder.record)."""
from __future__ import annotations

import csv
import functools
import html
import re
import shutil
from pathlib import Path

from autograder.contracts import Result, Status
from autograder.record import atomic_write, exercise_columns, format_points

HIDDEN_TESTS = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", re.S)

def collect_feedback(results: list[Result], out: Path) -> list[Path]:
    """Each result's feedback page at out/<student>/<lab>/<notebook>.html: a graded notebook's page (copied if it
    was written elsewhere), and for a hand-in that was rejected or could not be graded, a page that says why and
    what to hand in instead (`rejection_html`)."""
    pages = []
    for r in results:
        if r.feedback and r.feedback.exists():
            target = out / r.student / r.lab / f"{r.notebook}.html"
            if target.resolve() != r.feedback.resolve():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(r.feedback, target)
            pages.append(target)
        elif r.status in (Status.REJECTED, Status.ERROR):
            r.feedback = write_rejection_page(r, out)
            pages.append(r.feedback)
    return pages


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


def feedback_html(nb, result: Result) -> str:
    """A student's feedback page: the points per exercise and why, then the notebook as nbgrader's feedback shows
    it (markdown and math rendered by nbconvert's filters, code highlighted), without the hidden test code, and
    each failure once (the check's verdict with its diagnosis, not nbgrader's error copy of it)."""
    esc = html.escape
    rows = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and cell.cell_type == "code":
            grade_id = meta.get("grade_id", "")
            earned = result.scores.get(grade_id, 0.0)
            why = result.messages.get(grade_id, "all checks passed")
            rows.append(f"<tr><td>{esc(grade_id)}</td><td>{format_points(earned)}/"
                        f"{format_points(float(meta.get('points', 0)))}</td><td>{esc(why)}</td></tr>")
    parts = [_page_head(f"{result.student}: {result.notebook}"),
             f"<h1>{esc(result.notebook)} · {esc(result.student)}</h1>",
             f"<p><b>Score: {format_points(result.total)}/{format_points(result.max_score)}</b> "
             f"({esc(result.status_text)})</p>",
             "<table><tr><th>exercise</th><th>points</th><th>result</th></tr>", *rows, "</table><hr>"]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(f"<div class='md'>{_markdown(cell.source)}</div>")
        elif cell.cell_type == "code":
            source = HIDDEN_TESTS.sub("# (hidden tests run here when grading)\n", cell.source)
            parts.append(f"<div class='code'>{_code(source)}</div>")
            parts += _outputs(cell.get("outputs", []))
    return "\n".join(parts) + "</body></html>"


def rejection_html(result: Result) -> str:
    """The page of a hand-in that was not graded: why, and what to hand in instead."""
    esc = html.escape
    advice = {Status.REJECTED: "Hand in the lab's own notebook (the .ipynb file you downloaded for this lab, "
                               "with your answers filled in), under its original file name.",
              Status.SUPERSEDED: "Nothing to do: your later hand-in of this notebook was graded instead.",
              Status.ERROR: "Open the notebook, run it from the top (Kernel > Restart and Run All), fix what stops "
                            "it, save, and hand it in again. If it runs for you, tell your instructor."}
    return "\n".join([_page_head(f"{result.student}: {result.notebook or result.origin}"),
                      f"<h1>{esc(result.notebook or Path(result.origin).name)} · {esc(result.student)}</h1>",
                      f"<p><b>Not graded</b> ({esc(result.status_text)}).</p>",
                      f"<p>Why: {esc(result.reason or 'no reason recorded')}</p>",
                      f"<p>What to do: {esc(advice.get(result.status, advice[Status.ERROR]))}</p>",
                      "</body></html>"])


def write_rejection_page(result: Result, folder: Path) -> Path:
    """rejection_html at folder/<student>/<lab or 'other'>/<notebook or file name>.html."""
    name = result.notebook or Path(result.origin).stem
    path = folder / result.student / (result.lab or "other") / f"{name}.html"
    atomic_write(path, rejection_html(result))
    return path


@functools.cache
def _mathjax_url() -> str:
    from nbconvert.exporters.html import HTMLExporter

    # the MathJax that nbconvert's (and so nbgrader's feedback) pages load; read from the class, since making an
    # exporter looks for its templates, which an environment without nbconvert's share/ folder lacks
    return HTMLExporter.class_traits()["mathjax_url"].default_value


def _page_head(title: str) -> str:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<script src='{_mathjax_url()}' async></script>"
            "<style>body{font-family:sans-serif;max-width:60em;margin:auto}pre{background:#f6f8fa;padding:6px;"
            "white-space:pre-wrap;margin:2px 0}td{border-bottom:1px solid #ddd;padding:4px;vertical-align:top}"
            ".err{color:#cf222e}.code .highlight{background:#f6f8fa;padding:2px 6px;border-left:3px solid #aaa}"
            ".md img{max-width:100%}</style></head><body>")


@functools.lru_cache(maxsize=4096)
def _markdown(source: str) -> str:
    """A markdown cell as nbconvert renders it (mistune, with $...$ math left for MathJax); the same source is
    rendered once per batch (most cells are the instructor's, the same in every submission)."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(source)


@functools.lru_cache(maxsize=4096)
def _code(source: str) -> str:
    from nbconvert.filters.highlight import Highlight2HTML

    return Highlight2HTML(pygments_lexer="ipython3")(source)


def _outputs(outputs: list) -> list[str]:
    """A code cell's outputs as HTML: text escaped, images inline, the check's verdict as its box; the student's
    own HTML is shown as text (a feedback page runs no script of theirs)."""
    from mitdl_utils.checking import Outcome
    from mitdl_utils.lab import CHECK_MIMETYPE, COLOURS, display_data

    esc = html.escape
    parts, verdict_shown = [], False
    for output in outputs:
        kind = output.get("output_type")
        data = output.get("data", {}) if kind in ("display_data", "execute_result") else {}
        if kind == "stream":
            parts.append(f"<pre>{esc(str(output.get('text', ''))[:5000])}</pre>")
        elif kind == "error":
            if verdict_shown and output.get("ename") == "AssertionError":
                continue  # nbgrader's copy of the verdict shown above (what makes the cell earn no points)
            parts.append(f"<pre class='err'>{esc(output.get('ename', ''))}: "
                         f"{esc(str(output.get('evalue', ''))[:3000])}</pre>")
        elif isinstance(data.get(CHECK_MIMETYPE), dict) and str(data[CHECK_MIMETYPE].get("status")) in COLOURS:
            check = data[CHECK_MIMETYPE]  # rebuilt from its data: the box the notebook shows, its text escaped
            outcome = Outcome(str(check.get("exercise", "")), str(check["status"]), str(check.get("message", "")), 0)
            parts.append(display_data(outcome)["text/html"])
            verdict_shown = True
        elif isinstance(data.get("image/png"), str):
            parts.append(f"<img alt='a figure' src='data:image/png;base64,{esc(data['image/png'].strip())}'>")
        elif data:
            parts.append(f"<pre>{esc(str(data.get('text/plain', ''))[:5000])}</pre>")
    return parts


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
