"""The hostile and broken corpus (tests/hostile/corpus.py), graded in one batch.

Every case gets exactly the score it deserves, the batch completes, the submissions are not
modified, no connection leaves the sandbox and no file outside it is read or written.
"""
import csv
import hashlib
import json
import socket
import threading

import nbformat
import pytest

from autograder.cli import main
from autograder.course import REPO
from autograder.sandbox import probe
from tests.hostile.corpus import DENSE, DIGITS, FULL, POINTS, build


def _listen():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.5)
    hits = []
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                hits.append(conn.recv(100))
                conn.close()
            except OSError:
                pass

    threading.Thread(target=serve, daemon=True).start()
    return server, hits, stop


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


# The memory bombs are graded in a batch of their own, with a smaller memory limit and a longer cell limit. On
# a virtual machine whose memory the host backs lazily, the first write to each page of guest memory is slow
# (measured here: 0.75 s of CPU per fresh 50 MB, 65 MB/s, against 0.02 s for a page used before), so filling
# 1 GB took 15 s of CPU on a fresh machine and ran into the 6 s cell limit: the time a bomb takes to reach its
# limit is the machine's, not the grader's. 256 MB takes at most 4 s at that speed, well inside 30 s.
BOMBS = ("membomb", "membomb2", "membomb3")


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    subs, out, secrets = root / "submissions", root / "out", root / "secrets"
    secrets.mkdir()
    (secrets / "secret.txt").write_text("TOP SECRET")
    server, hits, stop = _listen()
    canary = {
        "port": server.getsockname()[1],
        "read": [str(out / "nbgrader" / "gradebook.db"), str(REPO / "solutions" / "01_perceptron" / "perceptron_torch.ipynb"),
                 str(subs / "good_perceptron_torch.ipynb"), str(secrets / "secret.txt"), "/root/.bashrc"],
        "write": [str(REPO / "pwned.txt"), str(out / "pwned.txt"), str(subs / "pwned.txt"), str(secrets / "pwned.txt"),
                  str(REPO / "mitdl_utils" / "pwned.txt")],
    }
    cases = build(subs, canary)
    bombs = root / "bombs"
    bombs.mkdir()
    for student in BOMBS:
        for path in subs.glob(f"{student}_*"):
            path.rename(bombs / path.name)
    before = _digest(subs)
    try:
        code = main(["grade", str(subs), "--out", str(out), "--jobs", "2", "--cell-timeout", "6",
                     "--timeout", "120", "--memory-mb", "1024", "--quiet"])
    finally:
        stop.set()
        server.close()
    main(["grade", str(bombs), "--out", str(root / "bombs_out"), "--jobs", "2", "--cell-timeout", "30",
          "--timeout", "120", "--memory-mb", "256", "--quiet"])
    rows = {}
    for grades in (out / "grades.csv", root / "bombs_out" / "grades.csv"):
        for row in csv.DictReader(open(grades)):
            rows.setdefault(row["student"], []).append(row)
    return {"cases": cases, "rows": rows, "code": code, "out": out, "subs": subs, "hits": hits, "canary": canary,
            "unchanged": before == _digest(subs)}


def test_the_batch_completes_with_one_row_per_submission(batch):
    assert batch["code"] == 1  # some submissions are rejected, and the exit code says so
    assert set(batch["rows"]) == set(batch["cases"])
    assert len(batch["rows"]["twice"]) == 2
    assert all(len(rows) == 1 for student, rows in batch["rows"].items() if student != "twice")


CASES = ["good", "goodtf", "untouched", "loopcell", "loopfn", "deafloop", "membomb", "membomb2", "membomb3", "exits", "segfault",
         "sysexit", "forkbomb", "flood", "spy", "fakelab", "patchcheck", "patchnumpy", "alwaysequal", "opaque", "reference",
         "reference2", "edittests", "deletedtests", "retyped", "duplicated", "fakeprint", "swallow", "badjson",
         "empty", "oldformat", "reordered", "addedcells", "renamed", "notazip", "zipslip", "fakelab02", "patched02",
         "good06", "lastweights06", "printer", "memorized"]


@pytest.mark.parametrize("student", CASES)
def test_each_case_gets_exactly_the_score_it_deserves(batch, student):
    case = batch["cases"][student]
    [row] = batch["rows"][student]
    assert row["status"].startswith(case.status), row["status"]
    assert float(row["total"]) == case.total, (row["status"], {e: row.get(e) for e in POINTS | DENSE | DIGITS})
    assert float(row["max"]) == case.max_score
    for exercise in case.lost:
        assert float(row[exercise] or 0) == 0


def test_a_duplicate_submission_is_rejected_and_the_first_kept(batch):
    rows = sorted(batch["rows"]["twice"], key=lambda r: r["status"])
    assert rows[0]["status"] == "graded" and float(rows[0]["total"]) == FULL
    assert rows[1]["status"].startswith("rejected: duplicate submission") and float(rows[1]["total"]) == 0


def test_no_connection_leaves_the_sandbox(batch):
    assert batch["hits"] == []


def test_no_file_outside_the_submission_is_read_or_written(batch):
    for path in batch["canary"]["write"]:
        assert not __import__("os").path.exists(path), path
    spy = nbformat.read(batch["out"] / "nbgrader" / "graded" / "spy" / "01_perceptron" / "perceptron_torch.ipynb", 4)
    text = "".join(str(o.get("text", "")) for c in spy.cells if c.cell_type == "code" for o in c.outputs)
    assert "cannot read" in text and "READ" not in text and "WROTE" not in text
    assert "no network" in text


def test_submissions_are_never_modified(batch):
    assert batch["unchanged"]


def test_feedback_says_what_failed_without_hidden_test_source(batch):
    html = (batch["out"] / "feedback" / "patchnumpy" / "01_perceptron" / "perceptron_torch.html").read_text()
    assert "activations" in html and "expected" in html
    assert "lab.grade" not in html and "BEGIN HIDDEN TESTS" not in html


def test_what_student_code_prints_during_hidden_tests_is_not_shown(batch):
    """Test cells show the judge's verdicts only: a print in the student's function would show hidden inputs."""
    nb = nbformat.read(batch["out"] / "nbgrader" / "graded" / "printer" / "01_perceptron" / "perceptron_torch.ipynb",
                       4)
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    shown = "".join(json.dumps(o) for c in graded for o in c.outputs)
    assert "SPY" not in shown and "activations: passed" in shown
    demos = "".join(json.dumps(o) for c in nb.cells if c.cell_type == "code" and c not in graded for o in c.outputs)
    assert "SPY" in demos  # the student's own cells still show what it prints


def test_reports_are_written(batch):
    out = batch["out"]
    lms = list(csv.DictReader(open(out / "lms.csv")))
    assert {r["student"] for r in lms} >= {"good", "untouched"}
    assert next(r for r in lms if r["student"] == "good")["01_perceptron"] == str(FULL)
    summary = (out / "summary.html").read_text()
    assert "data:image/png;base64" in summary and "Submissions in error" in summary and "zipslip" in summary
    assert (out / "grading.log").read_text().count("\n") >= len(batch["cases"])


def test_the_sandbox_uses_what_this_machine_allows():
    caps = probe()
    if caps.root:
        assert caps.netns and caps.mountns, caps.describe()
