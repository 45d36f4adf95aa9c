"""Lab 04: each optimizer of the notebook's OPTIMIZERS cell, as each framework's notebook sets it up, takes the
same path on the tiny network in TensorFlow and in PyTorch (the frameworks' defaults differ: RMSProp's decay,
Adagrad's starting sum, Adadelta's rho and epsilon, where epsilon goes)."""
import contextlib
import io

import numpy as np
import pytest

from autograder.build import build_notebook
from conftest import LABS
from mitdl_utils import open_lab, to_numpy
from mitdl_utils.labs.gradient_descent import helpers

STEPS = 50  # as in the notebook's trajectory plot
# The largest difference in a weight after up to 50 steps, measured: SGD 2e-7, Adagrad 3e-7, RMSProp 2e-6,
# Adadelta 0, Adam 4e-5 (Keras applies Adam's epsilon before the bias correction, PyTorch after). With the
# frameworks' defaults the paths part by up to 1.3 (Adagrad), 3.9 (RMSProp) and 0.1 (Adadelta). The landscape
# spans 7 to 8 units per weight.
TOLERANCE = 2e-4


def notebook_optimizers(framework):
    """make_optimizer and OPTIMIZERS as the framework's solution notebook defines them, and its trainable."""
    [lab] = [lab for lab in LABS if lab.name == "04_gradient_descent"]
    cells = [cell.source for cell in build_notebook(lab, framework).cells if cell.cell_type == "code"]
    namespace = {}
    for source in (next(c for c in cells if "def trainable" in c), next(c for c in cells if "OPTIMIZERS = {" in c)):
        with contextlib.redirect_stdout(io.StringIO()):  # the cell prints Adam's settings
            exec(compile(source, f"<{framework} notebook>", "exec"), namespace)
    return namespace


def trajectory(framework, name, defaults=False):
    """STEPS steps of optimizer `name` on the tiny network from helpers.START -> (losses (STEPS,), path (STEPS, 2)).
    defaults: with the framework's defaults for every setting but the learning rate."""
    notebook, ref = notebook_optimizers(framework), open_lab("gradient_descent", framework).reference
    if defaults:
        optimizer_class, lr, _ = notebook["OPTIMIZERS"][name]
        notebook["OPTIMIZERS"][name] = (optimizer_class, lr, {})
    x, y = (open_lab("gradient_descent", framework).tensor(a) for a in helpers.tiny_data())
    w1, w2 = notebook["trainable"](helpers.START[0]), notebook["trainable"](helpers.START[1])
    optimizer, losses, path = notebook["make_optimizer"](name, [w1, w2]), [], []
    for _ in range(STEPS):
        losses += ref.train_with_optimizer(lambda: ref.tiny_loss(x, y, w1, w2), [w1, w2], optimizer, 1)
        path.append([float(to_numpy(w1)), float(to_numpy(w2))])
    return np.array(losses), np.array(path)


@pytest.mark.parametrize("name", ["SGD", "Adam", "Adagrad", "RMSProp", "Adadelta"])
def test_both_frameworks_take_the_same_path(name):
    (tf_losses, tf_path), (torch_losses, torch_path) = trajectory("tensorflow", name), trajectory("torch", name)
    difference = np.abs(tf_path - torch_path).max()
    assert difference < TOLERANCE, f"{name}: the paths differ by up to {difference:.1e} in a weight"
    np.testing.assert_allclose(tf_losses, torch_losses, rtol=10 * TOLERANCE, atol=TOLERANCE)


@pytest.mark.parametrize("name", ["Adagrad", "RMSProp", "Adadelta"])
def test_with_the_defaults_the_paths_differ(name):
    """The test can fail: with each framework's defaults (only the learning rate set) these paths part."""
    (_, tf_path), (_, torch_path) = (trajectory(framework, name, defaults=True) for framework in ("tensorflow", "torch"))
    assert np.abs(tf_path - torch_path).max() > 50 * TOLERANCE
