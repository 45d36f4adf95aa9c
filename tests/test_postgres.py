"""--db postgresql+psycopg://...: the gradebook on a real PostgreSQL server, started on loopback."""
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.cli import main
from tests.grading_helpers import LAB, read_totals, small_batch


def _bin(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else None


@pytest.fixture
def postgres(tmp_path_factory):
    if not _bin("initdb") and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql",
                       shell=True, check=False, capture_output=True, timeout=600)
    if not _bin("initdb"):
        pytest.skip("PostgreSQL is not installed (the Debian package `postgresql`; .ci/run installs it)")
    root = Path(tempfile.mkdtemp(prefix="mitdl-pg-"))  # not under pytest's root-only folder: postgres runs it
    data, sockets = root / "data", root / "sock"
    sockets.mkdir()
    as_postgres = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
        os.chmod(root, 0o755)
        as_postgres = ["runuser", "-u", "postgres", "--"]
    made = subprocess.run(as_postgres + [_bin("initdb"), "-D", str(data), "-U", "grader", "--auth=trust"],
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run(as_postgres + [_bin("pg_ctl"), "-D", str(data), "-w", "-l", str(root / "log"), "-o",
                                  f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1", "start"],
                   check=True, capture_output=True)
    url = f"postgresql+psycopg://grader@127.0.0.1:{port}/postgres"
    yield url
    subprocess.run(as_postgres + [_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
    shutil.rmtree(root, ignore_errors=True)


def test_postgres_gradebook(postgres, tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "out"
    expected = small_batch(subs, 3)
    assert main(["grade", str(subs), "--out", str(out), "--db", postgres, "--jobs", "2", "--quiet"]) == 0
    assert read_totals(out) == expected
    assert not (out / "nbgrader" / "gradebook.db").exists()
    with Gradebook(postgres) as gradebook:
        for student, total in expected.items():
            assert gradebook.find_submission(LAB, student).score == total
