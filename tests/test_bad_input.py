"""A bad invocation of `grade` is refused before any work starts: exit status 2, one line on stderr naming the
reason, no traceback, no gradebook. A notebook that is not one of ours is one submission's rejection."""
import csv
import os
import shutil
import socket
from pathlib import Path

import nbformat
import pytest

from autograder.cli import main
from tests.grading_helpers import FULL, LAB, NB


def _free_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _read_only_folder(tmp_path: Path) -> Path:
    """A folder that cannot be made: under a read-only folder, or (root may write anywhere) under /sys."""
    if os.geteuid() == 0:
        return Path("/sys/mitdl-autograder-test-out")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    return locked / "out"


def _grade(argv) -> int:
    try:
        return main(argv)
    except SystemExit as exit:  # argparse refuses an option this way
        return exit.code


@pytest.fixture
def submissions(tmp_path, repo):
    """One correct submission: any failure below is the invocation's."""
    folder = tmp_path / "subs"
    folder.mkdir()
    shutil.copy(repo / "solutions" / LAB / f"{NB}.ipynb", folder / f"alice_{NB}.ipynb")
    return folder


def _refused(argv, capsys, out: Path, reason: str) -> None:
    assert _grade(argv) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1, err
    assert reason in err and "Traceback" not in err
    assert not (out / "nbgrader").exists() and not (out / "grades.csv").exists()


CASES = {
    "a malformed --db": (["--db", "notaurl"], "is not a database URL"),
    "an unreachable PostgreSQL": (["--db", "postgresql+psycopg://u@127.0.0.1:{port}/x"], "cannot connect"),
    "--db with a driver that is not installed": (["--db", "postgresql+nosuchdriver://u@127.0.0.1/x"],
                                                 "unknown kind of database"),
    "an unreachable --cluster": (["--cluster", "tcp://127.0.0.1:{port}"], "cannot reach the scheduler"),
    "a --cluster that is not an address": (["--cluster", "tcp://host:port"], "not a scheduler address"),
    "--jobs -1": (["--jobs", "-1"], "argument --jobs/-j: must be a positive whole number, got '-1'"),
    "--jobs 0": (["--jobs", "0"], "argument --jobs/-j: must be a positive whole number"),
    "--cell-timeout 0": (["--cell-timeout", "0"], "argument --cell-timeout: must be a positive number"),
    "--timeout -5": (["--timeout", "-5"], "argument --timeout: must be a positive number"),
    "--timeout abc": (["--timeout", "abc"], "argument --timeout: must be a positive number, got 'abc'"),
    "--memory-mb -1": (["--memory-mb", "-1"], "argument --memory-mb: must be a positive whole number"),
}


@pytest.mark.timeout(30)
@pytest.mark.parametrize("options,reason", CASES.values(), ids=CASES.keys())
def test_a_bad_option_is_one_line_and_exit_2(submissions, tmp_path, capsys, options, reason):
    out = tmp_path / "out"
    options = [option.format(port=_free_port()) for option in options]
    _refused(["grade", str(submissions), "--out", str(out), "--quiet", *options], capsys, out, reason)


@pytest.mark.timeout(30)
def test_an_out_that_is_a_file_is_one_line_and_exit_2(submissions, tmp_path, capsys):
    out = tmp_path / "out.txt"
    out.write_text("not a folder")
    _refused(["grade", str(submissions), "--out", str(out), "--quiet"], capsys, out, "is a file, not a folder")


@pytest.mark.timeout(30)
def test_an_out_that_cannot_be_written_is_one_line_and_exit_2(submissions, tmp_path, capsys):
    out = _read_only_folder(tmp_path)
    _refused(["grade", str(submissions), "--out", str(out), "--quiet"], capsys, out, "cannot write there")


@pytest.mark.timeout(30)
def test_an_empty_submissions_folder_is_one_line_and_exit_2(tmp_path, capsys):
    (tmp_path / "subs").mkdir()
    (tmp_path / "subs" / ".DS_Store").write_text("hidden files are not submissions")
    out = tmp_path / "out"
    _refused(["grade", str(tmp_path / "subs"), "--out", str(out), "--quiet"], capsys, out,
             f"no submissions found in {tmp_path / 'subs'}")


@pytest.mark.timeout(30)
def test_a_folder_whose_files_hold_no_submission_is_one_line_and_exit_2(tmp_path, capsys):
    notes = tmp_path / "subs" / "alice" / LAB
    notes.mkdir(parents=True)
    (notes / "notes.txt").write_text("not a notebook")  # nbgrader's layout takes only .ipynb files
    out = tmp_path / "out"
    _refused(["grade", str(tmp_path / "subs"), "--out", str(out), "--quiet"], capsys, out, "no submissions found")


@pytest.mark.timeout(120)
def test_a_foreign_notebook_named_like_a_lab_is_rejected_and_the_batch_goes_on(submissions, tmp_path, capsys):
    foreign = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# CS 101, homework 3"),
                                              nbformat.v4.new_code_cell("print(sum(range(10)))")])
    nbformat.write(foreign, submissions / f"bob_{NB}.ipynb")
    out = tmp_path / "out"
    assert main(["grade", str(submissions), "--out", str(out), "--quiet"]) == 1
    rows = {row["student"]: row for row in csv.DictReader(open(out / "grades.csv"))}
    assert rows["bob"]["status"] == "rejected: not this lab's notebook: it has none of perceptron_torch's graded cells"
    assert float(rows["bob"]["total"]) == 0
    assert (rows["alice"]["status"], float(rows["alice"]["total"])) == ("graded", FULL)
    assert "Traceback" not in capsys.readouterr().err
