"""--cluster: a real `dask scheduler` and two `dask worker` processes on loopback grade a batch."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.cli import main
from tests.grading_helpers import read_totals, small_batch

DASK = Path(sys.executable).parent / "dask"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cluster(tmp_path):
    if not DASK.exists():
        pytest.skip("dask[distributed] is not installed")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    procs = [subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    time.sleep(2)
    for _ in range(2):
        procs.append(subprocess.Popen([str(DASK), "worker", address, "--nthreads", "1", "--nworkers", "1",
                                       "--no-dashboard", "--memory-limit", "0"], env=env, cwd=tmp_path,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    from distributed import Client

    with Client(address, timeout="60s") as client:
        client.wait_for_workers(2, timeout=120)
    yield address
    for proc in reversed(procs):
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_dask_cluster_gives_the_local_scores(cluster, tmp_path):
    subs = tmp_path / "subs"
    expected = small_batch(subs, 4)
    assert main(["grade", str(subs), "--out", str(tmp_path / "dask"), "--cluster", cluster, "--quiet"]) == 0
    assert main(["grade", str(subs), "--out", str(tmp_path / "local"), "--jobs", "2", "--quiet"]) == 0
    assert read_totals(tmp_path / "dask") == read_totals(tmp_path / "local") == expected
    log = (tmp_path / "dask" / "grading.log").read_text()
    workers = {line.rsplit(" on ", 1)[-1].rstrip(")\n") for line in log.splitlines() if " on " in line}
    assert len(workers) == 2, log  # both dask workers graded
