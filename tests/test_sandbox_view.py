"""The student's file system is an allowlist (issue 10 B): a submission that searches the whole machine finds
no copy of the course's sources, wherever it lies, while its own cells still work and it earns full marks.

Copies of a lab's source and solution notebook, named with a token, are planted under /var/tmp, /opt and a
temporary folder; two correct notebooks (PyTorch, TensorFlow) with an extra cell that walks the file system
from "/" are graded, and the test reads what that cell printed on their feedback pages.
"""
import csv
import ctypes
import html
import importlib.util
import os
import shutil
import sys
import uuid
from pathlib import Path

import nbformat
import pytest

from autograder import rootview
from autograder.cli import main
from autograder.course import REPO
from autograder.sandbox import probe
from tests.hostile.corpus import FULL, LAB, after_setup, solution

TOKEN = f"plant{uuid.uuid4().hex[:8]}"

WALKER = """
import os, time
TOKEN, PLANTED = {token!r}, {planted!r}
found, seen, started = [], 0, time.monotonic()
for top in sorted(os.listdir('/')):  # each top-level folder gets its share of the budget
    if top in ('proc', 'sys'):
        continue
    top_started = time.monotonic()
    for folder, dirs, files in os.walk('/' + top):
        seen += len(dirs) + len(files)
        found += [os.path.join(folder, n) for n in dirs + files
                  if TOKEN in n or n.endswith('.lab.py') or n == 'hidden-inputs.secret']
        if time.monotonic() - top_started > 8 or time.monotonic() - started > 40:
            print('BUDGET', folder)
            break
found += [path for path in PLANTED if os.path.exists(path)]
open('mine.txt', 'w').write('my own file')
print('WALKED', seen)
print('FOUND', sorted(set(found)))
print('OWN', os.getcwd(), open('mine.txt').read())
"""


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    """Plant the copies, grade the walkers -> {framework: its feedback page}, grades.csv rows."""
    temp = tmp_path_factory.mktemp("course-copy")
    planted, roots = [], []
    for base in (Path("/var/tmp"), Path("/opt"), temp):
        root = base / f"mitdl-{TOKEN}"
        lab = root / "solutions" / LAB
        lab.mkdir(parents=True)
        shutil.copy(REPO / "solutions" / LAB / "perceptron.lab.py", lab / f"perceptron-{TOKEN}.lab.py")
        shutil.copy(REPO / "solutions" / LAB / "perceptron_torch.ipynb", lab / f"perceptron_torch-{TOKEN}.ipynb")
        planted += [str(lab / f"perceptron-{TOKEN}.lab.py"), str(lab / f"perceptron_torch-{TOKEN}.ipynb")]
        roots.append(root)
    subs, out = tmp_path_factory.mktemp("submissions"), tmp_path_factory.mktemp("out")
    planted += [str(REPO / "solutions" / LAB / "perceptron.lab.py"), str(out / "nbgrader" / "gradebook.db"), str(subs)]
    walker = WALKER.format(token=TOKEN, planted=planted)
    for fw in ("torch", "tf"):
        nbformat.write(after_setup(solution(fw), walker), subs / f"walker_perceptron_{fw}.ipynb")
    try:
        code = main(["grade", str(subs), "--out", str(out), "--jobs", "1", "--quiet"])
    finally:
        for root in roots:
            shutil.rmtree(root, ignore_errors=True)
    printed = {fw: html.unescape((out / "feedback" / "walker" / LAB / f"perceptron_{fw}.html").read_text())
               for fw in ("torch", "tf")}  # the feedback page shows the walker's cell and what it printed
    rows = {row["notebook"]: row for row in csv.DictReader(open(out / "grades.csv"))}
    return {"code": code, "printed": printed, "rows": rows}


needs_private_root = pytest.mark.skipif(not probe().private_root, reason="this machine cannot build a private root")


def test_a_grader_with_root_builds_the_private_root():
    caps = probe()
    if caps.root:
        assert caps.private_root and "private_root" in caps.describe(), caps.describe()


@needs_private_root
@pytest.mark.parametrize("fw", ["torch", "tf"])
def test_a_submission_that_walks_the_file_system_finds_no_copy_of_the_course(walked, fw):
    text = walked["printed"][fw]
    assert "WALKED" in text, text
    assert "FOUND []" in text, text


@needs_private_root
@pytest.mark.parametrize("fw", ["torch", "tf"])
def test_the_walk_did_search_what_the_student_may_see(walked, fw):
    """Python, the system's libraries and the course package are there: the walk was not an empty one."""
    seen = int(walked["printed"][fw].split("WALKED ")[1].split()[0])
    assert seen > 10_000, walked["printed"][fw]


@needs_private_root
@pytest.mark.parametrize("fw", ["torch", "tf"])
def test_the_walker_still_works_in_its_own_folder_and_gets_full_marks(walked, fw):
    assert "OWN /tmp/submission my own file" in walked["printed"][fw]
    assert walked["code"] == 0
    row = walked["rows"][f"perceptron_{fw}"]
    assert row["status"] == "graded" and float(row["total"]) == FULL, row


def test_the_view_holds_python_and_the_course_package_but_no_course_folder():
    view = rootview.plan()
    assert view.shows(os.path.realpath(os.path.dirname(rootview.__file__)))  # the grader's own package
    import mitdl_utils

    assert view.shows(os.path.realpath(os.path.dirname(mitdl_utils.__file__)))
    assert not view.shows(str(REPO / "solutions")) and not view.shows(str(REPO))
    assert not any(rootview.holds_course(path) for path in view.binds)


def test_the_view_is_worked_out_again_once_a_module_from_a_new_place_is_imported(tmp_path):
    """The worker works the view out before forking and each child inherits it: a module the worker imports
    later from a file the view does not show yet must be in the next view."""
    file = tmp_path / f"late_{TOKEN}.py"
    file.write_text("VALUE = 1\n")
    before = rootview.plan()
    assert rootview.plan() is before  # nothing imported since: the same view, not worked out again
    spec = importlib.util.spec_from_file_location(file.stem, file)
    sys.modules[file.stem] = importlib.util.module_from_spec(spec)  # sys.path unchanged
    try:
        spec.loader.exec_module(sys.modules[file.stem])
        assert not before.shows(str(file)) and rootview.plan().shows(str(file))
    finally:
        sys.modules.pop(file.stem)


def _in_user_namespace(check) -> int:
    """Run `check()` in a forked child entered into the view as root of a fresh user namespace (what a grader
    without root gets); -> the child's exit code."""
    libc = ctypes.CDLL(None, use_errno=True)
    uid, gid = os.getuid(), os.getgid()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            assert libc.unshare(0x10000000 | 0x00020000) == 0  # CLONE_NEWUSER | CLONE_NEWNS
            Path("/proc/self/setgroups").write_text("deny")
            Path("/proc/self/uid_map").write_text(f"0 {uid} 1")
            Path("/proc/self/gid_map").write_text(f"0 {gid} 1")
            assert libc.mount(b"none", b"/", None, (1 << 14) | (1 << 18), None) == 0  # MS_REC | MS_PRIVATE
            rootview.enter(rootview.plan(), "size=1m,mode=1777", with_proc=False)
            code = 0 if check() else 2
        finally:
            os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


@pytest.mark.skipif(not (probe().root or probe().userns), reason="no user namespaces here")
def test_the_view_works_in_a_user_namespace_too(tmp_path):
    """Without root (a user namespace): same view, no /proc (the student would be the grader's user)."""
    (tmp_path / f"{TOKEN}.lab.py").write_text("secret")

    def check():
        import mitdl_utils.plots  # noqa: F401  (a lazily imported module of the course package)

        Path("/tmp/mine.txt").write_text("a private /tmp")
        return not tmp_path.exists() and not (REPO / "solutions").exists() and not os.path.exists("/proc")
    assert _in_user_namespace(check) == 0
