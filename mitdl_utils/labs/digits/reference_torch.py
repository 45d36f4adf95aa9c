"""Lab 07 reference implementations in PyTorch, and the PyTorch side of its tests."""
import copy

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from mitdl_utils.labs.digits.shared import (  # noqa: F401  (framework-neutral)
    bug_museum, confusion_matrix, predict_linear_baseline, standardize, stratified_split)


def dropout(x, p, training=True):
    """Inverted dropout: zero each entry with probability p, scale the rest by 1 / (1 - p); identity at evaluation."""
    if not training or p == 0:
        return x
    keep = torch.rand_like(x) >= p
    return torch.where(keep, x / (1 - p), torch.zeros_like(x))


class DigitClassifier(nn.Module):
    """x (n, n_inputs) -> ReLU hidden layer -> dropout (training mode only) -> logits (n, n_classes)."""

    def __init__(self, n_inputs, n_hidden, n_classes, p):
        super().__init__()
        self.p = p
        self.W1 = nn.Parameter(torch.randn(n_inputs, n_hidden) * 0.05)
        self.b1 = nn.Parameter(torch.zeros(n_hidden))
        self.W2 = nn.Parameter(torch.randn(n_hidden, n_classes) * 0.05)
        self.b2 = nn.Parameter(torch.zeros(n_classes))

    def forward(self, x):
        hidden = dropout(torch.relu(x @ self.W1 + self.b1), self.p, training=self.training)
        return hidden @ self.W2 + self.b2


def softmax_cross_entropy(logits, labels):
    """logits (n, k), labels int (n,) -> mean of -log softmax(logits)[label], computed stably (log-sum-exp)."""
    shifted = logits - logits.max(dim=1, keepdim=True).values
    log_probabilities = shifted - torch.log(torch.exp(shifted).sum(dim=1, keepdim=True))
    return -log_probabilities[torch.arange(len(labels)), labels].mean()



def loss_in_order(logits, labels):
    """softmax_cross_entropy for the checks of a step: it refuses its arguments in the other order."""
    if len(logits.shape) != 2 or len(labels.shape) != 1:
        raise TypeError(f"loss_fn(logits, labels) was given a first argument of shape {tuple(logits.shape)} and a "
                        f"second of shape {tuple(labels.shape)}: the arguments are in the wrong order; the logits "
                        "(n, k) come first, the labels (n,) second")
    return softmax_cross_entropy(logits, labels)


def make_batches(X, y, batch_size, seed):
    """(X, y) -> a DataLoader of shuffled (x, y) mini-batches, reshuffled every epoch (lab 05)."""
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True,
                      generator=torch.Generator().manual_seed(seed))


def evaluate(model, X, y):
    """-> (mean cross-entropy, accuracy) of `model` on (X, y) in evaluation mode, as floats; the mode is kept."""
    was_training = model.training
    model.eval()
    with torch.no_grad():
        logits = model(X)
    model.train(was_training)
    return F.cross_entropy(logits, y).item(), (logits.argmax(dim=1) == y).float().mean().item()


def make_train_step(model, optimizer, loss_fn):
    """-> step(x, y): one optimizer update of `model` on the batch; returns (loss, logits) from before it."""
    def step(x, y):
        model.train()
        optimizer.zero_grad()
        logits = model(x)
        loss = loss_fn(logits, y)
        loss.backward()
        optimizer.step()
        return loss.detach(), logits.detach()
    return step


def train_epoch(step, batches):
    """One step per batch -> (mean loss over the epoch's examples, fraction of them classified right)."""
    total_loss, correct, seen = 0.0, 0, 0
    for x, y in batches:
        loss, logits = step(x, y)
        total_loss += float(loss) * len(y)
        correct += int((logits.argmax(dim=1) == y).sum())
        seen += len(y)
    return total_loss / seen, correct / seen


def fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size, learning_rate, seed):
    """Adam on mini-batches with early stopping on the validation loss -> history (Keras's keys, one value per
    epoch); `model` ends with the weights of its best epoch."""
    step = make_train_step(model, torch.optim.Adam(model.parameters(), lr=learning_rate), softmax_cross_entropy)
    batches = make_batches(X_train, y_train, batch_size, seed)
    history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
    best_loss, best_state, waited = float("inf"), copy.deepcopy(model.state_dict()), 0
    for _ in range(max_epochs):
        measured = train_epoch(step, batches) + evaluate(model, X_val, y_val)
        for key, value in zip(history, measured):
            history[key].append(value)
        if history["val_loss"][-1] < best_loss:
            best_loss, best_state, waited = history["val_loss"][-1], copy.deepcopy(model.state_dict()), 0
        else:
            waited += 1
            if waited >= patience:
                break
    model.load_state_dict(best_state)
    return history


def framework_model(n_inputs, n_hidden, n_classes, p):
    """The same network from PyTorch's own layers."""
    return nn.Sequential(nn.Linear(n_inputs, n_hidden), nn.ReLU(), nn.Dropout(p), nn.Linear(n_hidden, n_classes))


def framework_fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size, learning_rate, seed):
    """The same training, the PyTorch way: a DataLoader, nn.CrossEntropyLoss, Adam, a state_dict copy."""
    loader = DataLoader(TensorDataset(X_train, y_train), batch_size=batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    loss_fn, optimizer = nn.CrossEntropyLoss(), torch.optim.Adam(model.parameters(), lr=learning_rate)
    history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
    best_loss, best_state, waited = float("inf"), copy.deepcopy(model.state_dict()), 0
    for _ in range(max_epochs):
        model.train()
        total_loss, correct = 0.0, 0
        for x, y in loader:
            optimizer.zero_grad()
            logits = model(x)
            loss = loss_fn(logits, y)
            loss.backward()
            optimizer.step()
            total_loss, correct = total_loss + loss.item() * len(y), correct + int((logits.argmax(1) == y).sum())
        model.eval()
        with torch.no_grad():
            val_logits = model(X_val)
        measured = (total_loss / len(y_train), correct / len(y_train), loss_fn(val_logits, y_val).item(),
                    (val_logits.argmax(1) == y_val).float().mean().item())
        for key, value in zip(history, measured):
            history[key].append(value)
        if history["val_loss"][-1] < best_loss:
            best_loss, best_state, waited = history["val_loss"][-1], copy.deepcopy(model.state_dict()), 0
        else:
            waited += 1
            if waited >= patience:
                break
    model.load_state_dict(best_state)
    return history


# ---- test machinery: the framework-specific steps the framework-neutral tests need ----

def make_classifier(n_inputs, n_hidden, n_classes, p, seed):
    """The reference DigitClassifier, its weights drawn from a generator seeded with `seed`."""
    torch.manual_seed(seed)
    return DigitClassifier(n_inputs, n_hidden, n_classes, p)


class _ModeRecordingLinear(nn.Linear):
    """An nn.Linear that keeps the mode (self.training) of every forward pass."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.modes = []

    def forward(self, x):
        self.modes.append(self.training)
        return super().forward(x)


def make_linear(W, b):
    """A linear classifier x -> x W + b (nn.Linear) with the given weights W (d, k), b (k,), left in evaluation
    mode (the step must put it in training mode)."""
    model = _ModeRecordingLinear(*np.shape(W)).eval()
    with torch.no_grad():
        model.weight.copy_(torch.as_tensor(np.asarray(W).T, dtype=torch.float32))
        model.bias.copy_(torch.as_tensor(b, dtype=torch.float32))
    return model


def make_sgd(model, learning_rate):
    """Plain stochastic gradient descent on the model's weights."""
    return torch.optim.SGD(model.parameters(), lr=learning_rate)


def linear_weights(model):
    """-> (W (d, k), b (k,)) of a make_linear model, NumPy."""
    return model.weight.detach().numpy().T.copy(), model.bias.detach().numpy().copy()


def logits_in_mode(model, x, training):
    """The model's output in training or evaluation mode (model.train() / model.eval()), without gradients."""
    model.train(training)
    with torch.no_grad():
        return model(x)


def logits_by_default(model, x):
    """The model's output in evaluation mode (PyTorch has no training=None: the mode is the module's own)."""
    return logits_in_mode(model, x, False)


def logits_compiled_twice(model, x):
    """The model's output from two calls in training mode (PyTorch runs them eagerly: nothing is compiled)."""
    return logits_in_mode(model, x, True), logits_in_mode(model, x, True)


def training_modes(model):
    """The modes (True: training) a make_linear model was in at each forward pass."""
    return list(model.modes)


def parameter_arrays(model):
    """Every trainable weight of the model, in the order PyTorch lists them, as NumPy arrays."""
    return [parameter.detach().numpy().copy() for parameter in model.parameters()]


def layer_kinds(model):
    """The type names of the modules inside the model."""
    return [type(module).__name__ for module in model.modules()][1:]


def check_model(n_inputs, n_hidden, n_classes, p, seed):
    """The framework model the visible check of framework_fit trains (here: the reference's, seeded)."""
    torch.manual_seed(seed)
    return framework_model(n_inputs, n_hidden, n_classes, p)


def seeded_framework_model(n_inputs, n_hidden, n_classes, p, seed):
    """The reference framework model, seeded: what the hidden tests of framework_fit train."""
    return check_model(n_inputs, n_hidden, n_classes, p, seed)


FRAMEWORK_LAYERS = {"dense": "Linear", "dropout": "Dropout"}
FRAMEWORK_LOSS_CALLS = ("cross_entropy", "CrossEntropyLoss", "log_softmax", "LogSoftmax", "nll_loss", "NLLLoss")
WEIGHT_HINT = "nn.Parameter(...) assigned to self"
LOGITS_HINT = "nn.CrossEntropyLoss takes the logits and applies the softmax itself"
FRAMEWORK_DROPOUT_CALLS = ("dropout", "Dropout", "dropout_", "alpha_dropout")
COPY_HINT = ("best = copy.deepcopy(model.state_dict()) when the validation loss improves, "
             "model.load_state_dict(best) at the end")
TRAIN_MODE_HINT = "call model.train() at the start of the step, so that dropout is on while it trains"
COMPILED_HINT = "Draw the mask afresh on every call (torch.rand_like)"
MODE_HINT = "`forward` must read `self.training`, which model.train() sets to True and model.eval() to False"
