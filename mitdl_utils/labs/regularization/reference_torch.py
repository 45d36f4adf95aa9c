"""Lab 06 reference implementations in PyTorch, and the PyTorch side of its tests."""
import copy

import numpy as np
import torch
from torch import nn

from mitdl_utils.labs.regularization.shared import (  # noqa: F401  (framework-neutral)
    bug_museum, early_stopping, predict_best_degree)


def polynomial_features(x, degree):
    """x (n,) -> (n, degree + 1): the columns x^0, x^1, ..., x^degree."""
    return torch.stack([x**k for k in range(degree + 1)], dim=1)


def fit_polynomial(x, y, degree):
    """Least-squares polynomial weights (degree + 1,), lowest power first."""
    A = polynomial_features(x, degree)
    return torch.linalg.lstsq(A, y[:, None]).solution[:, 0]


def mean_squared_error(y, y_hat):
    """(n,), (n,) -> scalar: mean of the squared differences."""
    return torch.mean((y - y_hat) ** 2)


def dropout(x, p, training=True):
    """Inverted dropout: zero each entry with probability p, scale the rest by 1 / (1 - p); identity at evaluation."""
    if not training or p == 0:
        return x
    keep = torch.rand_like(x) >= p
    return torch.where(keep, x / (1 - p), torch.zeros_like(x))


class InvertedDropout(nn.Module):
    """Dropout as a module: active only in training mode (model.train()), identity after model.eval()."""

    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        return dropout(x, self.p, training=self.training)


def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
    """Train until `patience` epochs in a row bring no improvement; leave the model with its best weights."""
    history, best_loss, best_state, waited = [], float("inf"), copy.deepcopy(model.state_dict()), 0
    for _ in range(max_epochs):
        train_epoch()
        loss = float(validation_loss())
        history.append(loss)
        if loss < best_loss:
            best_loss, best_state, waited = loss, copy.deepcopy(model.state_dict()), 0
        else:
            waited += 1
            if waited >= patience:
                break
    model.load_state_dict(best_state)
    return history


# ---- test machinery: the framework-specific steps the framework-neutral tests need ----

def framework_dropout(p):
    """The framework's own dropout layer."""
    return nn.Dropout(p)


def apply_in_mode(layer, x, training):
    """Call a module in training or evaluation mode, the PyTorch way: model.train() / model.eval()."""
    layer.train(training)
    with torch.no_grad():
        return layer(x)


def apply_in_container(layer, x, training):
    """The module inside nn.Sequential, switched with .train() / .eval(): the mode must reach it."""
    container = nn.Sequential(layer)
    container.train() if training else container.eval()
    with torch.no_grad():
        return container(x)


def apply_without_mode(layer, x):
    """No mode-less call in PyTorch: a module is always in training or evaluation mode."""
    return []


def apply_twice_compiled(layer, x):
    """Two calls of the module in training mode (PyTorch compiles nothing here; the calls run as written)."""
    layer.train()
    with torch.no_grad():
        return layer(x), layer(x)


def tensor_values(x):
    """The tensor as it is now in the notebook (after the student's code had it)."""
    return x


class _ScriptedLinear(nn.Linear):
    """A Linear layer that counts its load_state_dict calls (the restore at the end of training)."""

    restores = 0

    def load_state_dict(self, state_dict, *args, **kwargs):
        self.restores += 1
        return super().load_state_dict(state_dict, *args, **kwargs)


def scripted_model():
    """A small model whose weights a test can set: a Linear layer 3 -> 2."""
    return _ScriptedLinear(3, 2)


def restore_calls(model):
    """How many times the student's code called model.load_state_dict."""
    return model.restores


def fill_weights(model, value):
    """Set every weight of the model to `value`, in place (as an optimizer step does)."""
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.fill_(float(value))


def weight_values(model):
    """Every weight of the model, flattened into one NumPy array."""
    return np.concatenate([p.detach().numpy().ravel() for p in model.parameters()])


FRAMEWORK_DROPOUT = "nn.Dropout"
MODE_HINT = ("`forward` must read `self.training`, which model.train() sets to True and model.eval() "
             "to False")
NO_MODE_HINT = "a module is in training mode until model.eval() switches it"
COMPILED = "in training mode"
SAME_MASK_HINT = "Draw a fresh mask on every forward call (not once, in __init__, and with no seed set)"
COPY_HINT = ("best = copy.deepcopy(model.state_dict()) when the loss improves, model.load_state_dict(best) "
             "at the end; state_dict() alone returns references to the live tensors, which keep changing")
