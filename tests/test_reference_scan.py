"""The reference scan (autograder/reference_scan.py): real use of the course's reference implementations is
flagged, honest code that only mentions the word is not."""
import csv

import nbformat
import pytest

from autograder.cli import main
from autograder.reference_scan import reference_use
from tests.grading_helpers import FULL

SETUP = "from mitdl_utils import open_lab, plots\n\nlab = open_lab(\"perceptron\", framework=\"torch\")\n"

HONEST = {
    "variable": "referenced = 3",
    "variable named reference": "reference = torch.tensor([1.0, 2.0])\nprint(reference * 2)",
    "identifier prefix": "reference_values = [0.5, 0.7]\nreferences = len(reference_values)",
    "private name": "_reference = 1\n_reference_torch = 2",
    "comment": "# compare with the reference implementation in mitdl_utils.labs.perceptron.reference_torch\nx = 1",
    "string": "print('my answer matches the reference')",
    "module path in a string": "note = 'mitdl_utils.labs.perceptron.reference_torch'\nprint(note)",
    "docstring": 'def sigmoid(z):\n    """Like the reference: 1 / (1 + e^-z)."""\n    return 1 / (1 + torch.exp(-z))',
    "dict key": "results = {'reference': 1.0, 'reference_torch': 2.0}\nprint(results['reference'])",
    "f-string": "reference = 0.5\nprint(f'reference value {reference:.2f}, reference_torch')",
    "class attribute": "class Model:\n    reference = None\n    reference_torch = 'mine'",
    "self attribute": "class Tracker:\n    def __init__(self, x):\n        self.reference = x\n"
                      "    def diff(self, y):\n        return y - self.reference",
    "function name": "def reference_sigmoid(z):\n    return 1 / (1 + torch.exp(-z))\nsigmoid = reference_sigmoid",
    "function named like a module": "def reference_torch(z):\n    return z\nreference_torch(1)",
    "keyword argument": "def plot(x, reference=None):\n    return x\nplot(1, reference=2)",
    "attribute of another object": "import types\nconfig = types.SimpleNamespace(reference=1)\nprint(config.reference)",
    "getattr of another object": "class C:\n    reference = 1\nprint(getattr(C(), 'reference'))",
    "lab attribute that is not reference": "lab.reference_values = [1]\nprint(lab.reference_values)\nlab.check('x')",
    "the lab spec package": "import mitdl_utils.labs.perceptron as spec\nprint(len(spec.EXERCISES))\n"
                            "from mitdl_utils.labs.perceptron import EXERCISES",
    "another lab module": "import mitdl_utils.checking\nmitdl_utils.checking.assert_close(1.0, 1.0)",
    "importlib on another module": "import importlib\nm = importlib.import_module('mitdl_utils.labs.perceptron')\n"
                                   "print(m.EXERCISES)",
    "print of a path": "print('lab.reference is off limits')",
    "a student's own lab object": "class Notebook:\n    reference = 1\nbook = Notebook()\nprint(book.reference)",
    "magic with an honest line": "%time referenced = 3",
    "exec of honest code": "exec('reference = 1')",
    "syntax error": "def reference(:\n  lab.reference",
    "shell escape": "!echo reference mitdl_utils.labs.perceptron.reference_torch",
}

STEALING = {
    "import": "import mitdl_utils.labs.perceptron.reference_torch\n"
              "sigmoid = mitdl_utils.labs.perceptron.reference_torch.sigmoid",
    "import as": "import mitdl_utils.labs.perceptron.reference_torch as R\nsigmoid = R.sigmoid",
    "from import module": "from mitdl_utils.labs.perceptron import reference_torch as R",
    "from import function": "from mitdl_utils.labs.dense.reference_tensorflow import dense_forward",
    "from import star": "from mitdl_utils.labs.perceptron.reference_torch import *",
    "star import of the lab's package": "from mitdl_utils.labs.perceptron import *\nR = reference_torch.sigmoid",
    "attribute chain": "import mitdl_utils\nsigmoid = mitdl_utils.labs.dense.reference_torch.sigmoid",
    "attribute chain from an alias": "import mitdl_utils.labs as L\nsigmoid = L.perceptron.reference_torch.sigmoid",
    "attribute chain from a from-import": "from mitdl_utils.labs import perceptron\nR = perceptron.reference_torch",
    "__import__": "R = __import__('mitdl_utils.labs.perceptron.reference_torch')",
    "__import__ with fromlist": "P = __import__('mitdl_utils.labs.perceptron', fromlist=['reference_torch'])",
    "__import__ then attributes": "m = __import__('mitdl_utils')\nR = m.labs.perceptron.reference_torch",
    "importlib": "import importlib\nR = importlib.import_module('mitdl_utils.labs.perceptron.reference_torch')",
    "importlib relative": "import importlib\nR = importlib.import_module('.reference_torch', 'mitdl_utils.labs.perceptron')",
    "importlib relative keyword": "from importlib import import_module\n"
                                  "R = import_module('.reference_torch', package='mitdl_utils.labs.perceptron')",
    "importlib concatenated": "import importlib\nR = importlib.import_module('mitdl_utils.labs.' + 'perceptron.reference_torch')",
    "importlib then getattr": "import importlib\nP = importlib.import_module('mitdl_utils.labs.perceptron')\n"
                              "R = getattr(P, 'reference_torch')",
    "sys.modules": "import sys\nR = sys.modules['mitdl_utils.labs.perceptron.reference_torch']",
    "lab.reference": "sigmoid = lab.reference.sigmoid",
    "getattr lab": "tanh = getattr(lab, 'reference').tanh",
    "getattr lab f-string": "tanh = getattr(lab, f'refer{\"ence\"}').tanh",
    "vars lab": "R = vars(lab)['reference']",
    "lab __dict__": "R = lab.__dict__['reference']",
    "alias": "l = lab\nR = l.reference",
    "alias chain out of order": "R = b.reference\nb = a\na = lab",
    "alias by tuple": "x, l = 1, lab\nR = l.reference",
    "alias by walrus": "if (l := lab):\n    R = l.reference",
    "open_lab result": "R = open_lab('perceptron', 'torch').reference",
    "a second lab": "import mitdl_utils\nmine = mitdl_utils.open_lab('perceptron', 'torch')\nR = mine.reference",
    "Lab class": "from mitdl_utils.lab import Lab\nR = Lab('perceptron', None).reference",
    "magic": "%time R = lab.reference",
    "cell magic": "%%time\nimport mitdl_utils.labs.perceptron.reference_torch",
    "exec": "exec('R = lab.reference')",
}


@pytest.mark.parametrize("code", HONEST.values(), ids=HONEST.keys())
def test_honest_code_that_mentions_reference_is_not_flagged(code):
    assert reference_use([SETUP, code]) is None


def test_the_honest_corpus_is_large_enough():
    assert len(HONEST) >= 20


@pytest.mark.parametrize("code", STEALING.values(), ids=STEALING.keys())
def test_real_use_of_a_reference_implementation_is_flagged(code):
    reason = reference_use([SETUP, code])
    assert reason and reason.startswith("the code uses the course's reference implementation")


def test_the_reason_names_what_was_used():
    assert reference_use([SETUP, "R = lab.reference"]).endswith(": lab.reference")
    assert "mitdl_utils.labs.perceptron.reference_torch" in reference_use(
        ["from mitdl_utils.labs.perceptron import reference_torch"])


def test_cells_are_read_as_one_program():
    assert reference_use([SETUP, "l = lab", "print(1)", "R = l.reference"]) is not None


IN_A_NOTEBOOK = ["variable", "variable named reference", "identifier prefix", "comment", "module path in a string",
                 "dict key", "f-string", "self attribute", "function named like a module", "the lab spec package",
                 "lab attribute that is not reference", "magic with an honest line"]


def test_a_correct_notebook_with_honest_cells_that_mention_reference_gets_full_marks(tmp_path, repo):
    notebook = nbformat.read(repo / "solutions" / "01_perceptron" / "perceptron_torch.ipynb", as_version=4)
    setup = next(i for i, cell in enumerate(notebook.cells) if "open_lab(" in cell.source)
    for name in reversed(IN_A_NOTEBOOK):
        notebook.cells.insert(setup + 1, nbformat.v4.new_code_cell(HONEST[name]))
    (tmp_path / "subs").mkdir()
    nbformat.write(notebook, tmp_path / "subs" / "alice_perceptron_torch.ipynb")
    code = main(["grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out"), "--jobs", "1", "--quiet"])
    [row] = csv.DictReader(open(tmp_path / "out" / "grades.csv"))
    assert (row["status"], float(row["total"]), float(row["max"]), code) == ("graded", FULL, FULL, 0)
