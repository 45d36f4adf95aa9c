"""kill -9 the grader at different moments, run the same command again: every submission ends with exactly one record."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from nbgrader.api import Gradebook

from tests.grading_helpers import LAB, read_totals, small_batch

STUDENTS = 6


def _journal_lines(journal) -> int:
    return len(journal.read_text().splitlines()) if journal.exists() else 0


def _run_and_kill(command, out, when: int) -> None:
    """Start the grader and kill -9 its whole process group once the journal holds `when` lines
    (0: as soon as the gradebook exists, while nbgrader registers the lab and the workers start)."""
    first = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    journal, gradebook = out / "journal.jsonl", out / "nbgrader" / "gradebook.db"
    deadline = time.monotonic() + 400
    while time.monotonic() < deadline and first.poll() is None:
        if (_journal_lines(journal) >= when) if when else gradebook.exists():
            break
        time.sleep(0.05)
    assert first.poll() is None, "the run finished before it could be killed"
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()


@pytest.mark.parametrize("kills", [[2], [0], [1, 3]], ids=["mid-batch", "during-setup", "twice"])
def test_kill_and_resume(tmp_path, kills):
    subs, out = tmp_path / "subs", tmp_path / "out"
    expected = small_batch(subs, STUDENTS)
    command = [sys.executable, "-m", "autograder", "grade", str(subs), "--out", str(out), "--jobs", "2", "--quiet"]
    for when in kills:
        _run_and_kill(command, out, when)
    assert _journal_lines(out / "journal.jsonl") < STUDENTS
    second = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr[-2000:]
    assert read_totals(out) == expected
    keys = [json.loads(line)["key"] for line in (out / "journal.jsonl").read_text().splitlines()]
    assert sorted(keys) == sorted(set(keys)) and len(keys) == STUDENTS  # nothing graded twice, nothing lost
    with Gradebook(f"sqlite:///{out / 'nbgrader' / 'gradebook.db'}") as gradebook:
        for student, total in expected.items():
            assert gradebook.find_submission(LAB, student).score == total
        assert len(gradebook.find_assignment(LAB).submissions) == STUDENTS
