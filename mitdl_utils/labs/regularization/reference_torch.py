"""Lab 06 reference implementations in PyTorch, and the PyTorch side of its tests."""
import copy

import numpy as np
import torch
from torch import nn

from mitdl_utils.labs.regularization.shared import early_stopping  # noqa: F401  (framework-neutral)


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


def scripted_model():
    """A small model whose weights a test can set: a Linear layer 3 -> 2."""
    return nn.Linear(3, 2)


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
COPY_HINT = ("best = copy.deepcopy(model.state_dict()) when the loss improves, model.load_state_dict(best) "
             "at the end; state_dict() alone returns references to the live tensors, which keep changing")
