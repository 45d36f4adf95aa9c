"""Same grade from any folder and any install (issue 10 A).

The same two correct lab 03 (losses) notebooks, PyTorch and TensorFlow, are graded through the real CLI in
four ways: from the repository root, from an unrelated temporary folder, with an editable install of a
checkout that lies in a temporary folder (a checkout under /tmp or /home is what the old sandbox hid), and
with the package installed from a wheel into a folder on PYTHONPATH (the course's sources then come from
--source: they never ship in the wheel). Every way gives the same grades, full marks, and no ImportError.
"""
import csv
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from autograder import course
from autograder.course import REPO, CourseNotFound, course_root
from mitdl_utils.labs import losses

LAB = "03_losses"
NOTEBOOKS = ("losses_torch", "losses_tf")
FULL = float(sum(e.points for e in losses.EXERCISES))  # the lab's total, from its spec


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", course.COURSE_ENV)}
    return {**env, "TF_CPP_MIN_LOG_LEVEL": "2", **extra}


def _run(args, cwd, **env) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=_env(**env), capture_output=True, text=True, timeout=600)


def _imports_from(python, cwd, **env) -> list[Path]:
    code = "import autograder, mitdl_utils; print(autograder.__file__); print(mitdl_utils.__file__)"
    return [Path(line).parent.parent for line in _run([python, "-c", code], cwd, **env).stdout.split()]


@pytest.fixture(scope="module")
def submissions(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("submissions")
    for name in NOTEBOOKS:
        shutil.copy(REPO / "solutions" / LAB / f"{name}.ipynb", folder / f"alice_{name}.ipynb")
    return folder


@pytest.fixture(scope="module")
def grade(submissions, tmp_path_factory):
    """grade(python, cwd, *options, **env) -> (exit code, {notebook: grades.csv row}, feedback pages' text)."""
    def run(python, cwd, *options, **env):
        out = tmp_path_factory.mktemp("out")
        done = _run([python, "-m", "autograder", "grade", str(submissions), "--out", str(out), "--jobs", "1",
                     "--quiet", *options], cwd, **env)
        assert (out / "grades.csv").exists(), done.stderr[-3000:]
        rows = {row["notebook"]: row for row in csv.DictReader(open(out / "grades.csv"))}
        pages = "".join(page.read_text() for page in sorted((out / "feedback").rglob("*.html")))
        return done.returncode, rows, pages
    return run


@pytest.fixture(scope="module")
def from_the_root(grade):
    return grade(sys.executable, REPO)


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """A copy of the checkout (what a clone holds that grading needs) in a temporary folder."""
    copy = tmp_path_factory.mktemp("clone") / "mitdl-labs"
    copy.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, copy / name)
    for name in ("autograder", "mitdl_utils", "solutions"):
        shutil.copytree(REPO / name, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return copy


def test_grading_from_the_repository_root_gives_full_marks_and_no_import_error(from_the_root):
    code, rows, pages = from_the_root
    assert code == 0
    assert {name: (row["status"], float(row["total"])) for name, row in rows.items()} == \
        {name: ("graded", FULL) for name in NOTEBOOKS}
    assert "ImportError" not in pages and "ModuleNotFoundError" not in pages


def test_grading_from_an_unrelated_folder_gives_the_same_grades(grade, from_the_root, tmp_path):
    assert grade(sys.executable, tmp_path) == from_the_root


def test_an_editable_install_of_a_checkout_in_a_temporary_folder_gives_the_same_grades(grade, from_the_root,
                                                                                       checkout, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    site = venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    # the frameworks and nbgrader come from this environment; the course's packages from the checkout
    (site / "zz_dependencies.pth").write_text(f"import site; site.addsitedir({sysconfig.get_paths()['purelib']!r})\n")
    _run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "-e", str(checkout)],
         tmp_path).check_returncode()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert _imports_from(python, elsewhere) == [checkout, checkout]
    assert grade(python, elsewhere) == from_the_root


@pytest.fixture(scope="module")
def wheel_install(checkout, tmp_path_factory) -> tuple[Path, Path]:
    """(the wheel, the folder it is installed in with pip --target)."""
    dist, target = tmp_path_factory.mktemp("dist"), tmp_path_factory.mktemp("site")
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(dist),
          str(checkout)], dist).check_returncode()
    [wheel] = dist.glob("*.whl")
    _run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
         dist).check_returncode()
    return wheel, target


def test_the_wheel_ships_no_course_sources(wheel_install):
    names = zipfile.ZipFile(wheel_install[0]).namelist()
    assert any(name.startswith("mitdl_utils/") for name in names)
    assert not [name for name in names if name.endswith((".lab.py", ".ipynb")) or "solutions/" in name]


def test_a_wheel_install_gives_the_same_grades_with_the_course_named_by_source(grade, from_the_root,
                                                                               wheel_install, tmp_path):
    target = wheel_install[1]
    assert _imports_from(sys.executable, tmp_path, PYTHONPATH=str(target)) == [target, target]
    assert grade(sys.executable, tmp_path, "--source", str(REPO), PYTHONPATH=str(target)) == from_the_root


def test_a_wheel_install_with_no_course_folder_says_so_in_one_line_and_exits_2(wheel_install, submissions,
                                                                               tmp_path):
    done = _run([sys.executable, "-m", "autograder", "grade", str(submissions), "--out", str(tmp_path / "out"),
                 "--quiet"], tmp_path, PYTHONPATH=str(wheel_install[1]))
    assert done.returncode == 2
    assert [line for line in done.stderr.splitlines() if line.strip()] == [done.stderr.strip()]
    assert "--source" in done.stderr and "solutions/" in done.stderr


@pytest.fixture
def installed_without_sources(monkeypatch, tmp_path):
    """As in a wheel install: no solutions/ beside the package."""
    monkeypatch.setattr(course, "REPO", tmp_path / "site-packages")
    monkeypatch.delenv(course.COURSE_ENV, raising=False)


def test_the_course_is_found_from_a_folder_inside_it(installed_without_sources, checkout, monkeypatch):
    monkeypatch.chdir(checkout / "solutions" / LAB)
    assert course_root() == checkout


def test_the_course_is_found_from_the_environment_variable(installed_without_sources, checkout, monkeypatch,
                                                           tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(course.COURSE_ENV, str(checkout))
    assert course_root() == checkout


def test_a_named_folder_without_sources_is_refused(checkout):
    with pytest.raises(CourseNotFound, match="--source"):
        course_root(checkout / "autograder")
    assert course_root(checkout) == checkout
