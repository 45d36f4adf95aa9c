"""kill -9 the grader mid-batch, run the same command again: every submission ends with exactly one record."""
import json
import os
import signal
import subprocess
import sys
import time

from nbgrader.api import Gradebook

from tests.grading_helpers import LAB, NB, read_totals, small_batch


def test_kill_and_resume(tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "out"
    expected = small_batch(subs, 6)
    command = [sys.executable, "-m", "autograder", "grade", str(subs), "--out", str(out), "--jobs", "2", "--quiet"]
    first = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    journal = out / "journal.jsonl"
    deadline = time.monotonic() + 400
    while time.monotonic() < deadline and first.poll() is None:
        if journal.exists() and len(journal.read_text().splitlines()) >= 2:
            break
        time.sleep(0.2)
    assert first.poll() is None, "the first run finished before it could be killed"
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    done_before = len(journal.read_text().splitlines())
    assert 2 <= done_before < 6
    second = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr[-2000:]
    assert read_totals(out) == expected
    keys = [json.loads(line)["key"] for line in journal.read_text().splitlines()]
    assert sorted(keys) == sorted(set(keys)) and len(keys) == 6  # nothing graded twice, nothing lost
    with Gradebook(f"sqlite:///{out / 'nbgrader' / 'gradebook.db'}") as gradebook:
        for student, total in expected.items():
            assert gradebook.find_submission_notebook(NB, LAB, student).score == total
        assert len(gradebook.find_assignment(LAB).submissions) == 6
