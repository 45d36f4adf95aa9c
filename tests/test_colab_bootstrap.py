"""Colab in one click: every student notebook has a badge to its own path and a Colab-only setup cell,
and that setup cell really installs a working mitdl_utils (proved in a fresh venv, without Colab)."""
from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nbformat
import pytest

from autograder.build import build_notebook, colab_package
from autograder.course import repository
from conftest import LABS, NOTEBOOK_IDS, NOTEBOOKS

REPOSITORY = repository()
COLAB_PACKAGE = colab_package(REPOSITORY)
BADGE = re.compile(r"\[!\[Open in Colab\]\(https://colab\.research\.google\.com/assets/colab-badge\.svg\)\]"
                   r"\(https://colab\.research\.google\.com/github/(?P<repo>[\w.-]+/[\w.-]+)/blob/"
                   r"(?P<branch>[\w.-]+)/(?P<path>[^)]+)\)")


def student_notebook(repo, lab, framework):
    return nbformat.read(repo / "labs" / lab.name / f"{lab.notebook_name(framework)}.ipynb", as_version=4)


def first_code_cell(notebook):
    return next(cell for cell in notebook.cells if cell.cell_type == "code")


@pytest.mark.parametrize("lab,framework", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_badge_opens_this_very_notebook_from_the_repository(repo, lab, framework):
    notebook = student_notebook(repo, lab, framework)
    badge = BADGE.search(notebook.cells[0].source)
    assert notebook.cells[0].cell_type == "markdown" and badge, "the first cell is the Open in Colab badge"
    assert f"https://github.com/{badge['repo']}" == REPOSITORY.url and badge["branch"] == REPOSITORY.ref
    assert badge["path"] == f"labs/{lab.name}/{lab.notebook_name(framework)}.ipynb"
    assert (repo / badge["path"]).is_file()


@pytest.mark.parametrize("lab,framework", NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_setup_cell_installs_in_colab_only(repo, lab, framework):
    """Outside Colab the first code cell starts no process at all; in Colab it pip-installs the package."""
    source = first_code_cell(student_notebook(repo, lab, framework)).source
    assert "google.colab" in source and COLAB_PACKAGE in source
    assert not any(line.lstrip().startswith(("%", "!")) for line in source.splitlines()), \
        "plain Python, so that it runs the same in any kernel"
    calls = []
    fake_subprocess = type(sys)("subprocess")
    fake_subprocess.run = lambda *args, **kwargs: calls.append(args[0])
    saved = {name: sys.modules.get(name) for name in ("subprocess", "google.colab")}
    try:
        sys.modules["subprocess"] = fake_subprocess
        sys.modules.pop("google.colab", None)
        exec(source, {})
        assert calls == [], "outside Colab the setup cell must do nothing"
        sys.modules["google.colab"] = type(sys)("google.colab")
        exec(source, {})
        assert len(calls) == 1 and calls[0][1:4] == ["-m", "pip", "install"] and calls[0][-1] == COLAB_PACKAGE
    finally:
        for name, module in saved.items():
            sys.modules.pop(name, None) if module is None else sys.modules.__setitem__(name, module)


def test_colab_package_is_this_repository_at_a_pinned_release():
    assert COLAB_PACKAGE == f"mitdl-labs @ git+{REPOSITORY.url}@{REPOSITORY.ref}"
    assert REPOSITORY.ref not in ("main", "master", "HEAD"), "a moving branch: students would get unreleased code"
    assert "[" not in COLAB_PACKAGE.split("@")[0], "no extras: Colab's own TensorFlow and PyTorch must stay"


def test_a_fork_changes_one_setting_and_its_badges_and_install_follow(tmp_path):
    """pyproject.toml's Repository URL and colab-ref are the only place the notebooks' links come from."""
    text = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    fork = tmp_path / "pyproject.toml"
    fork.write_text(text.replace(REPOSITORY.url, "https://github.com/some-school/dl-labs")
                    .replace(f'colab-ref = "{REPOSITORY.ref}"', 'colab-ref = "fall-2027"'))
    notebook = build_notebook(LABS[0], "torch", repository(fork))
    badge = BADGE.search(notebook.cells[0].source)
    assert badge["repo"] == "some-school/dl-labs" and badge["branch"] == "fall-2027"
    assert "git+https://github.com/some-school/dl-labs@fall-2027" in first_code_cell(notebook).source
    assert REPOSITORY.url not in json.dumps(notebook)


# --------------------------------------------------------------- the bootstrap, for real

NO_NETWORK = textwrap.dedent("""
    import socket
    def _refuse(*args, **kwargs):
        raise OSError("network access is disabled in this test")
    socket.socket.connect = socket.socket.connect_ex = socket.create_connection = _refuse
""")

RUN_CELLS = textwrap.dedent("""
    import json, sys, types
    cells = json.load(open(sys.argv[1]))
    if sys.argv[2] == "colab":
        sys.modules["google.colab"] = types.ModuleType("google.colab")  # what Colab's kernel has loaded
        exec(cells[0], {})
        print("BOOTSTRAP DONE")
    else:
        exec(NO_NETWORK, {})
        namespace = {"__name__": "__main__"}
        for cell in cells:  # the setup cell too: outside Colab it must do nothing, offline or not
            exec(cell, namespace)
        import mitdl_utils
        print("MITDL_UTILS FROM", mitdl_utils.__file__)
""")


NUMPY_ONLY = textwrap.dedent("""
    from mitdl_utils import data, plots
    from mitdl_utils.checking import CheckFailed, assert_close
    X, y = data.pass_fail(20)
    assert X.shape == (20, 2)
    try:
        assert_close(X[:, 0] + 1, X[:, 0], "x + 1", mistakes={"one too many": X[:, 0] + 1})
    except CheckFailed as failure:
        assert "Likely mistake: one too many" in str(failure)
    plots.plot_functions({"identity": lambda z: z}, lambda a: a, title="identity", ylabel="z")
    print("NUMPY-ONLY PARTS OK")
""")


def _local_cpu_torch_wheel() -> Path | None:
    """torch==2.13.0's CPU wheel in one of pip's local find-links folders, if there is one."""
    folders = os.environ.get("PIP_FIND_LINKS", "").split() + ["/opt/wheels"]
    for folder in folders:
        wheels = sorted(Path(folder).glob("torch-2.13.0+cpu-*.whl")) if Path(folder).is_dir() else []
        if wheels:
            return wheels[0]
    return None


def test_bootstrap_installs_a_working_package_in_a_fresh_venv(tmp_path, repo):
    """Build the wheel from the checkout, make a fresh venv (no system site packages), run the notebook's
    setup cell as Colab would (with the wheel in place of the repository URL), then run the whole
    untouched PyTorch student notebook in that venv with the network cut off."""
    lab = LABS[0]
    notebook = student_notebook(repo, lab, "torch")
    started = time.perf_counter()

    checkout = tmp_path / "checkout"  # a clean copy of what the wheel is built from
    checkout.mkdir()
    for part in ("pyproject.toml", "README.md"):
        shutil.copy(repo / part, checkout / part)
    for package in ("mitdl_utils", "autograder"):
        shutil.copytree(repo / package, checkout / package, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(tmp_path / "dist"), str(checkout)], check=True, timeout=300)
    wheel = next((tmp_path / "dist").glob("mitdl_labs-*.whl"))

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["MPLBACKEND"] = "Agg"
    probe = subprocess.run([python, "-c", "import mitdl_utils"], capture_output=True, env=env)
    assert probe.returncode != 0, "the fresh venv must not see mitdl_utils before the setup cell runs"

    setup = first_code_cell(notebook).source
    assert setup.count(COLAB_PACKAGE) == 1
    code_cells = [setup.replace(COLAB_PACKAGE, str(wheel))] + \
                 [c.source for c in notebook.cells if c.cell_type == "code"][1:]
    (tmp_path / "cells.json").write_text(json.dumps(code_cells))
    (tmp_path / "run_cells.py").write_text(f"NO_NETWORK = {NO_NETWORK!r}\n" + RUN_CELLS)
    run = [python, str(tmp_path / "run_cells.py"), str(tmp_path / "cells.json")]

    colab = subprocess.run(run + ["colab"], capture_output=True, text=True, env=env, timeout=600, cwd=tmp_path)
    assert colab.returncode == 0 and "BOOTSTRAP DONE" in colab.stdout, colab.stderr[-3000:]
    # the framework this notebook needs: Colab has it already; here only the pinned CPU build from local disk
    # (a plain `torch` from the index would be a multi-GB CUDA build)
    local_torch = _local_cpu_torch_wheel()
    if local_torch is None:  # still prove the installed package works offline, on its NumPy-only parts
        (tmp_path / "cells.json").write_text(json.dumps([code_cells[0], NUMPY_ONLY]))
    else:
        subprocess.run([python, "-m", "pip", "install", "--quiet", str(local_torch)], check=True, env=env,
                       timeout=600)

    lab_run = subprocess.run(run + ["offline"], capture_output=True, text=True, env=env, timeout=600, cwd=tmp_path)
    assert lab_run.returncode == 0, lab_run.stderr[-3000:]
    out = lab_run.stdout
    assert f"MITDL_UTILS FROM {venv}" in out, "mitdl_utils came from the installed wheel, not the checkout"
    if local_torch is None:
        assert "NUMPY-ONLY PARTS OK" in out
    else:
        for exercise in importlib.import_module(f"mitdl_utils.labs.{lab.stem}").EXERCISES:
            assert f"{exercise.name}: not attempted" in out
        assert "exercises pass their visible checks" in out
    print(f"bootstrap test took {time.perf_counter() - started:.0f} s")
