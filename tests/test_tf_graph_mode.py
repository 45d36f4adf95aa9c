"""TensorFlow in graph mode grades like eager code: `@tf.function` and Keras `fit`/`predict`/`evaluate`.

TensorFlow's runtime is not fork-safe once it has run an op: a child forked after that deadlocks in graph
mode. The grader's children are forked from its workers, so a correct submission written the way students
write TensorFlow must still get every point, in every lab.
"""
import ast
import csv

import nbformat
import pytest

from autograder.cli import main
from autograder.course import REPO, find_labs

# per lab, the solution functions a student may well wrap in @tf.function (tensors in, tensors out)
GRAPH_FUNCTIONS = {
    "01_perceptron": ["sigmoid", "tanh", "relu", "sigmoid_derivative", "tanh_derivative", "relu_derivative",
                      "perceptron", "collapse_linear"],
    "02_dense": ["accuracy", "pass_rate_near"],  # not dense_forward: MyDenseLayer gives it its Keras variables, and
    # a tf.function given a Keras variable cannot be traced inside another one (training the MLP of section 8), in
    # the notebook as well; the check says so and how to fix it
    "03_losses": ["empirical_loss", "binary_cross_entropy", "bce_with_logits", "softmax", "softmax_cross_entropy",
                  "framework_cross_entropy", "mean_squared_error"],
    "04_gradient_descent": ["tiny_loss", "tiny_gradients", "adam_step"],  # not autograd_gradients: it makes
    # tf.Variables on every call, which tf.function refuses in the notebook as well
    "05_minibatches": ["batch_gradient", "per_example_gradients"],
    "06_regularization": ["polynomial_features", "dropout"],
    "07_digits": ["dropout", "softmax_cross_entropy"],  # its make_train_step compiles its step already
}

# a cell a student adds to try Keras out: fit, evaluate and predict at the top level of the notebook
KERAS_CELL = """\
import numpy as np
import tensorflow as tf
toy = tf.keras.Sequential([tf.keras.Input(shape=(3,)), tf.keras.layers.Dense(4, activation="relu"),
                           tf.keras.layers.Dense(1)])
toy.compile(optimizer="adam", loss="mse")
toy.fit(np.ones((16, 3), "float32"), np.zeros((16, 1), "float32"), epochs=2, batch_size=4, verbose=0)
print("toy loss", toy.evaluate(np.ones((4, 3), "float32"), np.zeros((4, 1), "float32"), verbose=0))
print("toy prediction", toy.predict(np.ones((2, 3), "float32"), verbose=0).shape)
"""


def with_graph_mode(notebook, functions):
    """The solution with `functions` decorated by @tf.function and KERAS_CELL after the setup cell."""
    wrapped = set()
    for cell in notebook.cells:
        if cell.cell_type != "code" or not cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        lines = cell.source.splitlines()
        for node in reversed(ast.parse(cell.source).body):
            if isinstance(node, ast.FunctionDef) and node.name in functions:
                lines.insert(node.lineno - 1, "@tf.function")
                wrapped.add(node.name)
        cell.source = "\n".join(lines)
    assert wrapped == set(functions), f"not found in the solution cells: {set(functions) - wrapped}"
    setup = next(i for i, cell in enumerate(notebook.cells) if "open_lab(" in cell.source)
    notebook.cells.insert(setup + 1, nbformat.v4.new_code_cell(KERAS_CELL))
    return notebook


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    subs, out = tmp_path_factory.mktemp("submissions"), tmp_path_factory.mktemp("out")
    for lab in find_labs():
        name = lab.notebook_name("tensorflow")
        notebook = nbformat.read(REPO / "solutions" / lab.name / f"{name}.ipynb", 4)
        nbformat.write(with_graph_mode(notebook, GRAPH_FUNCTIONS[lab.name]), subs / f"graphy_{name}.ipynb")
    code = main(["grade", str(subs), "--out", str(out), "--quiet", "--cell-timeout", "30"])
    return code, {row["lab"]: row for row in csv.DictReader(open(out / "grades.csv"))}


@pytest.mark.parametrize("lab", sorted(GRAPH_FUNCTIONS))
def test_a_graph_mode_solution_gets_full_marks(graded, lab):
    _, rows = graded
    row = rows[lab]
    assert row["status"] == "graded", row["status"]
    assert float(row["total"]) == float(row["max"]) > 0, row


def test_the_batch_exits_zero(graded):
    code, _ = graded
    assert code == 0
