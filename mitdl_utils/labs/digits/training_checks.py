"""Lab 07's tests of whole training runs: `fit` (the student's pieces put together) and the framework's own
path. Both are tested the same way: on digits whose validation labels are shuffled, so that training must
stop early and restore its best weights, and (hidden tests only) on splits only the grader knows, where the
trained network must classify at least 95% of the test digits right."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mitdl_utils.checking import CheckFailed, assert_close, attempt, expect, to_numpy
from mitdl_utils.labs.digits.shared import scaled_split
from mitdl_utils.labs.regularization.shared import early_stopping

HISTORY_KEYS = ("loss", "accuracy", "val_loss", "val_accuracy")
PASS_ACCURACY = 0.95
SPLITS_TRIED = 3  # a right answer scores 96-99%; three splits keep an unlucky draw of test digits from failing it
GRADER_FRACTIONS = (0.15, 0.25)  # the validation and test shares of the grader's splits


@dataclass(frozen=True)
class Training:
    """How a network is trained: fit's and framework_fit's last five arguments."""

    max_epochs: int
    patience: int
    batch_size: int
    learning_rate: float
    seed: int = 0

    def arguments(self) -> tuple:
        return self.max_epochs, self.patience, self.batch_size, self.learning_rate, self.seed


# How the notebook and the grader train the 64-256-10 network.
TRAINING = Training(max_epochs=100, patience=3, batch_size=128, learning_rate=5e-3)
N_HIDDEN, DROPOUT = 256, 0.2
# A short run for the checks: SHORT_DIGITS (training, validation) digits, the training digits in one batch, and
# validation labels that training cannot learn, so that the validation loss turns upward within two or three
# epochs (each epoch of Keras's eager fit costs the visible check about 0.1 s).
SHORT = Training(max_epochs=5, patience=1, batch_size=60, learning_rate=0.05)
SHORT_DIGITS = (60, 40)
# The hidden tests' run that never stops early (patience longer than the run): the best weights must come back
# when max_epochs ends the run too.
UNSTOPPED = Training(max_epochs=4, patience=4, batch_size=60, learning_rate=0.05)


def _history(result, name: str, max_epochs: int) -> dict[str, np.ndarray]:
    expect(isinstance(result, dict), f"`{name}` should return the history, a dict of lists, got "
                                     f"{type(result).__name__}")
    missing = [key for key in HISTORY_KEYS if key not in result]
    expect(not missing, f"the history `{name}` returned has no {', '.join(map(repr, missing))}: it needs the keys "
                        f"{', '.join(HISTORY_KEYS)} (one value per epoch)")
    history = {key: np.asarray([float(to_numpy(v)) for v in result[key]], np.float64) for key in HISTORY_KEYS}
    lengths = {key: len(values) for key, values in history.items()}
    expect(len(set(lengths.values())) == 1, f"the history's lists have different lengths {lengths}: one value "
                                            "per epoch in each")
    epochs = lengths["loss"]
    expect(epochs >= 1, f"`{name}` trained no epoch")
    expect(epochs <= max_epochs, f"`{name}` trained {epochs} epochs, more than max_epochs = {max_epochs}")
    for key, values in history.items():
        expect(np.all(np.isfinite(values)), f"the history's {key!r} holds NaN or inf: {values.round(3).tolist()}")
    for key in ("accuracy", "val_accuracy"):
        expect(np.all((history[key] >= 0) & (history[key] <= 1)), f"the history's {key!r} should be fractions "
                                                                   f"between 0 and 1, got {history[key].round(3).tolist()}")
    return history


def check_stopping(t, name: str, make_model, run: Training = SHORT):
    """Train on a few digits with shuffled validation labels: the validation loss soon rises, so the run must
    stop `patience` epochs after its best epoch (or at max_epochs) and end with its best epoch's weights."""
    split = scaled_split(0.2, 0.2, int(t.rng.integers(1000)))
    n_train, n_val = SHORT_DIGITS
    X, y = split.X_train[:n_train], split.y_train[:n_train]
    X_val, y_val = split.X_val[:n_val], t.rng.permutation(split.y_val[:n_val])
    model = make_model(64, 32, 10, DROPOUT, int(t.rng.integers(1000)))
    what = (f"{name} on {n_train} digits, validation labels shuffled (max_epochs={run.max_epochs}, "
            f"patience={run.patience})")
    history = _history(t.call(name, model, t.tensor(X), t.tensor(y, "int64"), t.tensor(X_val),
                              t.tensor(y_val, "int64"), *run.arguments()), name, run.max_epochs)
    val_loss = history["val_loss"]
    epochs = len(val_loss)
    best, last = early_stopping(val_loss.tolist(), run.patience)
    curve = f"validation losses {val_loss.round(4).tolist()}"
    if last < epochs - 1:
        late = epochs - 1 - last
        raise CheckFailed(f"{what}: it trained {epochs} epochs, {curve}. Epoch {last} completed {run.patience} "
                          f"epochs without a lower validation loss than epoch {best}'s, so training should have "
                          "stopped there. Likely mistake: " + (
                              "it never stops early: count the epochs without improvement and stop at patience"
                              if epochs == run.max_epochs else f"it stopped {late} epoch(s) too late"))
    waited = epochs - 1 - best
    expect(epochs == run.max_epochs or best + run.patience < run.max_epochs,
           f"{what}: it stopped after {epochs} epochs, {curve}, though no epoch could complete patience = "
           f"{run.patience} epochs without improvement before max_epochs: train all max_epochs = {run.max_epochs} "
           "epochs unless early stopping ends the run (range(max_epochs))")
    expect(epochs == run.max_epochs or waited >= run.patience,
           f"{what}: it stopped after {epochs} epochs, {curve}, only {waited} epoch(s) after its best epoch "
           f"{best}: wait for `patience` = {run.patience} epochs without improvement")
    now, _ = attempt("evaluating the model after training", t.ref.evaluate, model, t.tensor(X_val),
                     t.tensor(y_val, "int64"))
    expect(np.any(np.isclose(val_loss, now, rtol=1e-3, atol=1e-4)),
           f"{what}: expected the validation loss of the model it leaves behind, {now:.4f}, among the history's "
           f"validation losses, got {curve}: the history's val_loss is not the mean cross-entropy of the model's "
           "logits in evaluation mode: " + ("take it from evaluate(model, X_val, y_val)" if name == "fit" else
                                            t.ref.LOGITS_HINT))
    assert_close(now, val_loss[best], f"{what}, {curve}: the validation loss of the model it leaves behind (the "
                 f"best epoch is epoch {best})", rtol=1e-3, atol=1e-4, mistakes={
                     ("the run reached max_epochs without stopping early, and " if epochs == run.max_epochs
                      else "") + f"the model ends with the weights of its last epoch, not its best: "
                     f"{t.ref.COPY_HINT}" + (" (restore them however the run ends, at max_epochs too)"
                                             if epochs == run.max_epochs else ""): val_loss[-1]})


def check_accuracy(t, name: str, make_model):
    """Hidden: train the 64-256-10 network on a split only the grader knows; at least 95% of its test digits
    must be classified right, on one of up to SPLITS_TRIED splits."""
    accuracies = []
    for _ in range(SPLITS_TRIED):
        seed = int(t.rng.integers(2**31))
        split = scaled_split(*GRADER_FRACTIONS, seed)
        model = make_model(64, N_HIDDEN, 10, DROPOUT, seed)
        run = Training(TRAINING.max_epochs, TRAINING.patience, TRAINING.batch_size, TRAINING.learning_rate, seed)
        _history(t.call(name, model, t.tensor(split.X_train), t.tensor(split.y_train, "int64"),
                        t.tensor(split.X_val), t.tensor(split.y_val, "int64"), *run.arguments()), name,
                 run.max_epochs)
        logits = to_numpy(attempt("the trained network's test logits", t.ref.logits_in_mode, model,
                                  t.tensor(split.X_test), False))
        accuracies.append(float(np.mean(logits.argmax(axis=1) == split.y_test)))
        if accuracies[-1] >= PASS_ACCURACY:
            return
    shown = ", ".join(f"{a:.1%}" for a in accuracies)
    raise CheckFailed(f"{name} trained the 64-{N_HIDDEN}-10 network on {len(accuracies)} of the grader's splits of "
                      f"the digits; it classified {shown} of their test digits right, and at least "
                      f"{PASS_ACCURACY:.0%} is needed (a right answer reaches 96-99%)")


def test_fit(t):
    check_stopping(t, "fit", t.ref.make_classifier)
    if t.hidden:
        check_stopping(t, "fit", t.ref.make_classifier, UNSTOPPED)
        check_accuracy(t, "fit", t.ref.make_classifier)


# ---- the framework's own path ----

def _linear(outputs: np.ndarray, inputs: np.ndarray) -> bool:
    """Whether outputs = f(inputs) is affine, from f at x1, x2 and their midpoint (rows 0, 1, 2)."""
    return np.allclose(outputs[2], (outputs[0] + outputs[1]) / 2, rtol=1e-4, atol=1e-5)


def test_framework(t):
    n_inputs, n_hidden, n_classes, p = 12, 20, 5, 0.3
    what = f"framework_model({n_inputs}, {n_hidden}, {n_classes}, p={p})"
    model = t.call("framework_model", n_inputs, n_hidden, n_classes, p)
    kinds = attempt(f"listing the layers of {what}", t.ref.layer_kinds, model)
    dense, drop = t.ref.FRAMEWORK_LAYERS["dense"], t.ref.FRAMEWORK_LAYERS["dropout"]
    expect(kinds.count(dense) == 2, f"{what} has the layers {kinds}: build it from two {dense} layers, the "
                                    "framework's own")
    expect(drop in kinds, f"{what} has the layers {kinds}: put a {drop} layer between the two {dense} layers")
    x = t.normal(2, n_inputs)
    x = np.concatenate([x, x.mean(axis=0, keepdims=True)])
    out = to_numpy(attempt(f"{what} in evaluation mode", t.ref.logits_in_mode, model, t.tensor(x), False))
    expect(out.shape == (3, n_classes), f"{what}: output of shape {out.shape} for 3 examples, expected "
                                        f"(3, {n_classes})")
    expect(not _linear(out, x), f"{what} is a linear function of its input: put the ReLU between the two "
                                f"{dense} layers")
    expect(not (np.all(out >= 0) and np.allclose(out.sum(axis=1), 1, atol=1e-4)),
           f"{what} returns probabilities (rows summing to 1): end with the last {dense} layer and return the "
           f"logits; {t.ref.LOGITS_HINT}")
    count = sum(np.size(a) for a in t.ref.parameter_arrays(model))
    want = (n_inputs + 1) * n_hidden + (n_hidden + 1) * n_classes
    expect(count == want, f"{what} has {count} trainable numbers, expected (12 + 1) x 20 + (20 + 1) x 5 = {want}")
    repeated = to_numpy(t.ref.logits_in_mode(model, t.tensor(np.repeat(x[:1], 50, axis=0)), True))
    expect(not np.allclose(repeated[0], repeated[1:]), f"{what}: its output never changes in training mode: "
                                                       f"no dropout at all (p = {p})")
    check_stopping(t, "framework_fit", t.ref.check_model)
    if t.hidden:
        check_stopping(t, "framework_fit", t.ref.check_model, UNSTOPPED)
        check_accuracy(t, "framework_fit", t.ref.seeded_framework_model)
