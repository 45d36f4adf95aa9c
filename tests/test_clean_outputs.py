"""Every solution notebook and every untouched student notebook runs with nothing on stderr and no warning in its
outputs, in the environment a student's Jupyter gives it: none of the TensorFlow settings this test process may
hold (the Makefile's, or those mitdl_utils sets on import) reaches the kernel.

What the kernel process itself writes to its stderr counts too: TensorFlow's C++ start-up lines go there, and
whether Jupyter copies them into the cell's output in time is a race, so the cell outputs alone would miss some.
"""
from __future__ import annotations

import os
import re
import tempfile

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import NOTEBOOK_IDS, NOTEBOOKS

# what a student's environment does not set (mitdl_utils sets the first two in the notebook's own process)
STUDENT_UNSET = ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS", "NBGRADER_EXECUTION")
WARNING = re.compile(r"\bwarn(ing)?s?\b", re.IGNORECASE)
# the kernel's own notice about how this test connects to it: nothing a notebook does, and never in a cell
HARNESS = re.compile(r"^\[IPKernelApp\] WARNING \| Kernel is running over TCP without encryption")
# ipykernel 7's race at shutdown, after the last cell: its control channel answers the shutdown request, then
# fails to flush the stream that closed meanwhile (kernelbase.py, `_publish_status_and_flush("idle", "control",
# ...)`); on a busy machine it lands on the kernel's stderr. One traceback, forgiven only whole and only for that.
SHUTDOWN_RACE = re.compile(r"^ERROR:tornado\.general:Uncaught exception in ZMQStream callback\n"
                           r"Traceback \(most recent call last\):\n(?:[ \t].*\n)+\S.*$\n?", re.MULTILINE)


def without_shutdown_race(kernel_stderr: str) -> str:
    return SHUTDOWN_RACE.sub(lambda block: "" if '"idle", "control"' in block[0] else block[0], kernel_stderr)


def execute_as_a_student(path) -> tuple[nbformat.NotebookNode, str]:
    """Run the notebook top to bottom in a fresh kernel started without STUDENT_UNSET
    -> (the executed notebook, what the kernel process wrote to its stderr, less HARNESS and SHUTDOWN_RACE)."""
    notebook = nbformat.read(path, as_version=4)
    saved = {key: os.environ.pop(key) for key in STUDENT_UNSET if key in os.environ}
    try:
        with tempfile.TemporaryFile("w+") as stderr:
            NotebookClient(notebook, timeout=300, kernel_name="python3", allow_errors=True,
                           resources={"metadata": {"path": str(path.parent)}}).execute(stderr=stderr)
            stderr.seek(0)
            kernel_stderr = "\n".join(line for line in without_shutdown_race(stderr.read()).splitlines()
                                      if not HARNESS.match(line))
    finally:
        os.environ.update(saved)
    return notebook, kernel_stderr


def unclean(notebook, kernel_stderr: str) -> list[str]:
    """The kernel's stderr, each cell output on stderr and each other text output that warns, as '[where] text'."""
    found = [f"[kernel stderr] {kernel_stderr.strip()[:600]}"] if kernel_stderr.strip() else []
    for number, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                text = output.text
                if output.name == "stderr" and text.strip() or WARNING.search(text):
                    found.append(f"[cell {number}] {output.name}: {text.strip()[:300]}")
            elif output.output_type in ("display_data", "execute_result"):
                text = output.get("data", {}).get("text/plain", "")
                if WARNING.search(text):
                    found.append(f"[cell {number}] {output.output_type}: {text.strip()[:300]}")
            elif output.output_type == "error":
                found.append(f"[cell {number}] error: {output.ename}: {output.evalue}")
    return found


# labs whose TensorFlow notebook still imports TensorFlow before mitdl_utils, so its start-up lines show; the fix
# is that order in the lab's setup cell (as labs 01 and 03 to 06 have it), then this entry goes
NOT_YET_QUIET: set[str] = set()


def case(lab, framework):
    marks = [pytest.mark.xfail(strict=True, reason="imports TensorFlow before mitdl_utils")] \
        if lab.name in NOT_YET_QUIET and framework == "tensorflow" else []
    return pytest.param(lab, framework, marks=marks)


@pytest.mark.parametrize("folder", ["solutions", "labs"])
@pytest.mark.parametrize("lab,framework", [case(*notebook) for notebook in NOTEBOOKS], ids=NOTEBOOK_IDS)
def test_a_notebook_runs_without_stderr_or_warnings(lab, framework, folder, repo):
    path = repo / folder / lab.name / f"{lab.notebook_name(framework)}.ipynb"
    assert unclean(*execute_as_a_student(path)) == []


def test_the_test_sees_what_tensorflow_prints_when_imported_first(tmp_path):
    """The test can fail: a notebook that imports TensorFlow before mitdl_utils shows its start-up lines."""
    path = tmp_path / "loud.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import tensorflow as tf\nimport mitdl_utils\ntf.constant(1.0) + 1")]), path)
    assert any("oneDNN" in found for found in unclean(*execute_as_a_student(path)))


def _zmq_traceback(frame: str) -> str:
    return ("ERROR:tornado.general:Uncaught exception in ZMQStream callback\nTraceback (most recent call last):\n"
            '  File "/env/ipykernel/kernelbase.py", line 409, in dispatch_control\n'
            f"    {frame}\nzmq.error.ZMQError: Socket operation on non-socket\n")


def test_only_the_kernels_shutdown_race_is_forgiven():
    race = _zmq_traceback('self._publish_status_and_flush("idle", "control", self.control_stream)')
    other = _zmq_traceback('self._publish_status_and_flush("idle", "shell", stream)')
    assert without_shutdown_race("before\n" + race + "after\n") == "before\nafter\n"
    assert without_shutdown_race(other) == other
    assert without_shutdown_race("UserWarning: something\n") == "UserWarning: something\n"
