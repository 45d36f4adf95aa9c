"""Lab 03, losses: exercises, their tests and hints (framework-neutral).

Each test gets a Trial `t`: `t.tensor_result(name, ...)` calls the student's function,
`t.ref` is the reference implementation in the notebook's framework (with the framework's
own losses as `builtin_*`), and the `mistakes` dictionaries describe what common wrong
answers would return. Expected values are computed in float64 NumPy unless the point is to
agree with the framework.
"""
import ast
import dis
import functools
import inspect
import textwrap
from dataclasses import dataclass

import numpy as np

from mitdl_utils.checking import CheckFailed, Exercise, assert_close, attempt, expect, to_numpy
from mitdl_utils.prediction import Choice, Estimate, prediction_test

EPSILON = 1e-7
IN_NOTEBOOK = frozenset({"value_and_gradient"})  # autograd runs where the student's function does
LOSS_NAMES = ("binary_cross_entropy", "bce_with_logits", "softmax_cross_entropy", "framework_cross_entropy",
              "mean_squared_error")


# NumPy versions of the losses and of the usual wrong answers (float64).

def _sigmoid(z):
    return 1 / (1 + np.exp(-np.asarray(z, np.float64)))


def _clip(p, eps=EPSILON):
    """Clip like the frameworks do in float32 (where 1 - 1e-7 rounds to 1 - 1.19e-7)."""
    return np.clip(np.asarray(p, np.float32), np.float32(eps), np.float32(1 - eps)).astype(np.float64)


def _bce_terms(p, y):
    return y * np.log(p) + (1 - y) * np.log(1 - p)


def _log_softmax(z, axis=1):
    z = np.asarray(z, np.float64)
    m = z.max(axis=axis, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=axis, keepdims=True))


def _picked(matrix, labels):
    """matrix (n, K), labels (n,) -> matrix[i, labels[i]] for every row i."""
    return np.asarray(matrix)[np.arange(len(labels)), labels]


def _softmax_ce(logits, labels):
    return -_picked(_log_softmax(logits), labels).mean()


def _keras_ce_of_logits_as_probabilities(logits, labels):
    """What Keras's SparseCategoricalCrossentropy with from_logits=False (its default) makes of logits (n, K):
    clipped into [eps, 1 - eps], then log, then softmax cross-entropy. -> the mean."""
    clipped = _clip(logits)
    return (np.log(clipped.sum(axis=1)) - np.log(_picked(clipped, labels))).mean()


def _scalar_result(t, name, *args, n):
    """Call `name`, insist on a tensor, and say so plainly if it returned one loss per example."""
    got = t.tensor_result(name, *args)
    expect(got.shape != (n,) or n == 1,
           f"`{name}` returned {n} numbers, one loss per example: average them into one number (the mean)")
    return got


def _require_finite(got, name, why):
    expect(np.all(np.isfinite(got)), f"`{name}` returned inf or nan {why}")


def _show(array, rows=2):
    """The first rows of an array, rounded, for a message."""
    return np.round(np.asarray(array, np.float64)[:rows], 2).tolist()


def _labels(t, n, k=2):
    return t.rng.integers(0, k, size=n)


# How the student's code is written, and whether autograd can follow it.

def _globals_used(fn) -> set[str]:
    """The global names a function's code reads: from its bytecode when it lives in this process, else from the
    source the grader has of it (its names, less its parameters and what it assigns)."""
    code = getattr(fn, "__code__", None)
    if code is not None:
        names, codes = set(), [code]
        while codes:
            current = codes.pop()
            names |= {i.argval for i in dis.get_instructions(current) if i.opname in ("LOAD_GLOBAL", "LOAD_NAME")}
            codes += [c for c in current.co_consts if inspect.iscode(c)]
        return names
    try:
        tree = ast.parse(textwrap.dedent(getattr(fn, "__mitdl_source__", None) or ""))
    except SyntaxError:
        return set()
    bound = {a.arg for node in ast.walk(tree) if isinstance(node, ast.arguments)
             for a in node.posonlyargs + node.args + node.kwonlyargs}
    bound |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} - bound


def _framework_part(value, forbidden) -> str | None:
    """The name of the framework's own function or object `value` is (a loss object, a function, a partial of
    one) when that name is forbidden, else None."""
    while isinstance(value, functools.partial):
        value = value.func
    module = getattr(value, "__module__", None) or type(value).__module__ or ""
    if not isinstance(module, str) or module.split(".")[0] not in ("torch", "tensorflow", "keras"):
        module = type(value).__module__ or ""
        if module.split(".")[0] not in ("torch", "tensorflow", "keras"):
            return None
    for name in (getattr(value, "__name__", None), type(value).__name__, getattr(value, "__mitdl_kind__", None)):
        if name in forbidden:
            return name
    return None


def _forbid(t, name: str, *forbidden: str) -> None:
    """`t.forbid_calls` on `name` and on every function of the notebook it uses, and no forbidden framework
    function or loss object reached through a global made at cell level (bce = nn.BCELoss())."""
    todo, seen = [name], set()
    while todo:
        current = todo.pop()
        seen.add(current)
        t.forbid_calls(current, *forbidden)
        for used in sorted(_globals_used(t.function(current)) - seen):
            value = t.namespace.get(used)
            part = _framework_part(value, forbidden) if value is not None else None
            if part:
                raise CheckFailed(f"`{name}` uses `{used}`, which is the framework's own `{part}` (made outside the "
                                  "function, at cell level): write the loss from its formula with basic operations "
                                  "(log, exp, mean, clip), not with the framework's own version")
            if callable(value) and (inspect.isfunction(value) or getattr(value, "__mitdl_source__", None)):
                todo.append(used)


def _autograd_failure(name: str, label: str, message: str, fw) -> str:
    """A failed call with a tensor autograd tracks, said for a loss (the framework's advice is for weights)."""
    if "turned into NumPy" in message or "Can't call numpy()" in message:
        return (f"`{name}` turns {label} into NumPy (.numpy()): autograd cannot follow a loss computed there, so "
                f"training could not learn from it. Use {fw.label} operations throughout (.detach() would silence "
                f"the error and cut the gradient off all the same). ({message})")
    if "in-place" in message or "inplace" in message or "in place" in message:
        return (f"`{name}` changes {label} in place (a method ending in _, +=, or x[...] = ...): that changes the "
                "caller's tensor too, and autograd refuses it on a tensor it tracks. Compute a new tensor instead "
                f"(e.g. p = torch.clamp(y_hat, eps, 1 - eps)). ({message})")
    return message


def _check_autograd(t, name: str, inputs: list, wrt: int, expected_gradient, what: str, weights=None) -> None:
    """Differentiate `name`(*inputs) with respect to inputs[wrt] (NumPy arrays; integer ones stay int64): the
    result must stay connected to it and its gradient (of sum(result * weights) with weights) must be right.
    The differentiation runs where the function lives (IN_NOTEBOOK): in the grader, in the notebook's process."""
    fn = t.function(name)
    parameters = _parameters(fn)
    label = f"`{parameters[wrt]}`" if wrt < len(parameters) else "its input"
    tensors = [t.tensor(a, "int64" if a.dtype.kind in "iu" else "float32") for a in inputs]
    try:
        result, gradient = attempt(f"`{name}`", t.ref.value_and_gradient, fn, tensors, wrt, weights)
    except CheckFailed as failure:
        raise CheckFailed(_autograd_failure(name, label, str(failure), t.fw)) from None
    t.require_tensor(result, f"`{name}`")
    expect(gradient is not None,
           f"`{name}` gives no gradient with respect to {label}: autograd cannot follow the result back to it. "
           f"The computation left {t.fw.label} on the way (NumPy: np.*, .numpy(); or .item(), float(), or a "
           f"new tensor made from numbers, {'torch.tensor' if t.fw.name == 'torch' else 'tf.constant'}(...), as an "
           "answer typed in is), "
           f"so training could not learn from this loss: use {t.fw.label} operations throughout")
    assert_close(gradient, expected_gradient, f"the gradient of `{name}` with respect to {label} ({what})")


def _parameters(fn) -> list[str]:
    """The names of a function's parameters: from its signature, or from the source the grader has of it."""
    if inspect.isfunction(fn):
        return list(inspect.signature(fn).parameters)
    try:
        tree = ast.parse(textwrap.dedent(getattr(fn, "__mitdl_source__", None) or ""))
    except SyntaxError:
        return []
    definition = next((node for node in tree.body if isinstance(node, ast.FunctionDef)), None)
    return [a.arg for a in definition.args.args] if definition else []


# The exercises.

def test_empirical_loss(t):
    cases = [np.array([0.1, 2.3, 0.7, 0.0, 1.4], np.float32)]
    if t.hidden:
        cases += [t.uniform(17, low=0, high=5), t.uniform(3, low=0, high=1)]
    for losses in cases:
        n = len(losses)
        got = _scalar_result(t, "empirical_loss", t.tensor(losses), n=n)
        assert_close(got, losses.mean(dtype=np.float64), f"empirical_loss of the {n} losses {np.round(losses[:5], 2)}",
                     mistakes={"the sum instead of the mean: divide by the number of examples n": losses.sum(),
                               "divided by n - 1: the empirical loss divides by n": losses.sum() / (n - 1),
                               "that is the largest loss, not the mean of all of them": losses.max()})
    losses = cases[0]
    _check_autograd(t, "empirical_loss", [losses], 0, np.full(len(losses), 1 / len(losses)),
                    "each loss counts 1/n")


def test_binary_cross_entropy(t):
    _forbid(t, "binary_cross_entropy", "binary_cross_entropy", "binary_crossentropy", "BinaryCrossentropy",
                   "BCELoss")
    cases = [(np.array([0.9, 0.2, 0.6, 0.05, 0.7], np.float32), np.array([1, 0, 1, 0, 0], np.float32))]
    if t.hidden:
        cases.append((t.uniform(20, low=0.01, high=0.99), _labels(t, 20).astype(np.float32)))
    for y_hat, y in cases:
        n = len(y)
        got = _scalar_result(t, "binary_cross_entropy", t.tensor(y_hat), t.tensor(y), n=n)
        expected = t.ref.builtin_binary_cross_entropy(t.tensor(y_hat), t.tensor(y))  # the framework's own
        bce = -_bce_terms(_clip(y_hat), y).mean()
        assert_close(got, expected, f"binary_cross_entropy(y_hat={np.round(y_hat[:5], 2)}, y={y[:5]})", mistakes={
            "a missing minus sign: the logs of probabilities are negative, so the loss needs a leading minus": -bce,
            "the sum over examples instead of the mean": bce * n,
            "the (1 - y) log(1 - y_hat) term is missing: examples with y = 0 must count too":
                -(y * np.log(_clip(y_hat))).mean(),
            "y and y_hat are swapped: the label y multiplies the log of the prediction y_hat":
                -_bce_terms(_clip(y), y_hat).mean(),
        })
    # Predictions of exactly 0 or 1: log(0) must never be reached.
    y_hat, y = np.array([0.0, 1.0, 1.0, 0.0], np.float32), np.array([1, 0, 1, 0], np.float32)
    if t.hidden:
        y_hat = np.concatenate([y_hat, t.rng.integers(0, 2, 6).astype(np.float32)])
        y = np.concatenate([y, _labels(t, 6).astype(np.float32)])
    got = _scalar_result(t, "binary_cross_entropy", t.tensor(y_hat), t.tensor(y), n=len(y))
    _require_finite(got, "binary_cross_entropy", f"for y_hat = {y_hat[:4]}, y = {y[:4]}: log(0) = -inf; "
                    "clip y_hat into [eps, 1 - eps] before taking the logs")
    assert_close(got, t.ref.binary_cross_entropy(t.tensor(y_hat), t.tensor(y)),
                 f"binary_cross_entropy for predictions of exactly 0 or 1 (y_hat = {y_hat[:4]}, y = {y[:4]})",
                 rtol=0.02, mistakes={"clip with eps = 1e-7 (the given eps), not a smaller number":
                                      -_bce_terms(np.clip(y_hat.astype(np.float64), 1e-12, 1 - 1e-12), y).mean()})
    y_hat, y = cases[0]
    p = y_hat.astype(np.float64)
    _check_autograd(t, "binary_cross_entropy", [y_hat, y], 0, -(y / p - (1 - y) / (1 - p)) / len(y),
                    "-(y / y_hat - (1 - y) / (1 - y_hat)) / n")


def test_bce_with_logits(t):
    _forbid(t, "bce_with_logits", "sigmoid_cross_entropy_with_logits", "binary_cross_entropy_with_logits",
                   "BCEWithLogitsLoss", "binary_crossentropy", "BinaryCrossentropy")
    z, y = np.array([-3.0, -0.5, 0.0, 1.5, 4.0], np.float32), np.array([0, 1, 1, 1, 0], np.float32)
    if t.hidden:
        z, y = np.concatenate([z, t.uniform(20, low=-8, high=8)]), np.concatenate([y, _labels(t, 20)])
    y = y.astype(np.float32)
    got = _scalar_result(t, "bce_with_logits", t.tensor(z), t.tensor(y), n=len(y))
    relu, softplus = np.maximum(z, 0), np.log1p(np.exp(-np.abs(z)))
    assert_close(got, t.ref.builtin_bce_with_logits(t.tensor(z), t.tensor(y)),
                 f"bce_with_logits(z={np.round(z[:5], 2)}, y={y[:5]})", mistakes={
                     "the sign of the z y term is flipped: the loss is max(z, 0) - z y + log(1 + exp(-|z|))":
                         (relu + z * y + softplus).mean(),
                     "the max(z, 0) term is missing": (-z * y + softplus).mean(),
                     "the sum over examples instead of the mean": (relu - z * y + softplus).sum(),
                 })
    # Large logits: sigmoid(z) rounds to exactly 0 or 1 in float32, exp(z) overflows.
    z, y = np.array([40.0, -40.0, 40.0, -100.0], np.float32), np.array([0, 1, 1, 0], np.float32)
    if t.hidden:
        z = np.concatenate([z, np.array([100.0, -500.0, 500.0], np.float32), t.uniform(5, low=-200, high=200)])
        y = np.concatenate([y, np.array([0, 1, 0], np.float32), _labels(t, 5).astype(np.float32)])
    got = _scalar_result(t, "bce_with_logits", t.tensor(z), t.tensor(y), n=len(y))
    _require_finite(got, "bce_with_logits", f"for logits z = {z[:4]}: sigmoid(z) rounds to exactly 0 or 1 "
                    "in float32 (or exp(z) overflows), and a log(0) or inf appears. Use the stable form "
                    "max(z, 0) - z y + log(1 + exp(-|z|)), which never computes sigmoid(z)")
    sigmoid_then_bce = t.ref.binary_cross_entropy(t.fw.activations["sigmoid"](t.tensor(z)), t.tensor(y))
    assert_close(got, np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z.astype(np.float64))))),
                 f"bce_with_logits for large logits z = {z[:4]}, y = {y[:4]}", mistakes={
                     "sigmoid first, then clipped binary cross-entropy: the clipping caps each example's loss "
                     "near 16, but a logit of 40 on the wrong side costs 40. Use the stable from-logits form":
                         to_numpy(sigmoid_then_bce)})
    z, y = np.array([-3.0, -0.5, 0.5, 1.5, 4.0], np.float32), np.array([0, 1, 1, 1, 0], np.float32)
    _check_autograd(t, "bce_with_logits", [z, y], 0, (_sigmoid(z) - y) / len(y), "(sigmoid(z) - y) / n")


def test_softmax(t):
    _forbid(t, "softmax", "softmax", "Softmax", "log_softmax")
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [-1.0, 5.0, 2.0], [2.0, -2.0, 0.5]], np.float32)
    if t.hidden:
        z = np.concatenate([z, t.normal(6, 3, scale=3.0)])
    got = t.tensor_result("softmax", t.tensor(z))
    e = np.exp(z.astype(np.float64))
    assert_close(got, np.exp(_log_softmax(z)), f"softmax(z) for z = {_show(z, 3)}...", mistakes={
        "normalised over the batch (axis 0): each row, one example, must sum to 1": e / e.sum(axis=0),
        "exp(z) is not divided by the row's sum: the probabilities must sum to 1": e,
        "exp(z - max) is not divided by the row's sum: the probabilities must sum to 1":
            np.exp(z - z.max(axis=1, keepdims=True).astype(np.float64)),
        "divided by the sum over the whole matrix: divide each row by its own sum": e / e.sum(),
    })
    big = np.array([[1000.0, 999.0, 0.0], [-1000.0, 0.0, 1000.0]], np.float32)
    if t.hidden:
        big = np.concatenate([big, t.normal(4, 3, scale=400.0)])
    got = t.tensor_result("softmax", t.tensor(big))
    _require_finite(got, "softmax", f"for the logits {_show(big, 1)[0]}: exp(1000) overflows to inf. Subtract each "
                    "row's maximum first: softmax(z) = softmax(z - max(z)) and the largest exponent is then 0")
    assert_close(got, np.exp(_log_softmax(big)), f"softmax for large logits {_show(big)}")
    weights = np.array([[1.0, -2.0, 0.5], [0.0, 1.0, 3.0], [2.0, 2.0, -1.0], [-1.0, 0.0, 1.0]])
    s = np.exp(_log_softmax(z[:4]))
    _check_autograd(t, "softmax", [z[:4]], 0, s * (weights - (s * weights).sum(axis=1, keepdims=True)),
                    "of sum(softmax(z) * w) for fixed weights w", weights=weights)


def test_softmax_cross_entropy(t):
    _forbid(t, "softmax_cross_entropy", "softmax_cross_entropy_with_logits",
                   "sparse_softmax_cross_entropy_with_logits", "cross_entropy", "CrossEntropyLoss", "nll_loss",
                   "categorical_crossentropy", "sparse_categorical_crossentropy", "CategoricalCrossentropy",
                   "SparseCategoricalCrossentropy", "log_softmax")
    labels, k = np.array([2, 0, 1, 2]), 3
    if t.hidden:
        labels, k = np.concatenate([labels, _labels(t, 8, k=5)]), 5
    got = t.call("one_hot", t.tensor(labels, "int64"), k)
    t.require_tensor(got, "`one_hot`")
    assert_close(got, np.eye(k)[labels], f"one_hot(labels={labels[:6]}, num_classes={k})", dtype="float32",
                 mistakes={"the 1 must sit in column labels[i] of row i": np.eye(k)[::-1][labels]})
    logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3], [1.2, 0.2, 3.1], [0.0, 0.0, 0.0]], np.float32)
    labels = np.array([0, 1, 2, 1])
    cases = [(logits, labels)]
    if t.hidden:
        cases.append((t.normal(9, 5, scale=2.0), _labels(t, 9, k=5)))
    for logits, labels in cases:
        n = len(labels)
        got = _scalar_result(t, "softmax_cross_entropy", t.tensor(logits), t.tensor(labels, "int64"), n=n)
        ce = _softmax_ce(logits, labels)
        assert_close(got, ce, f"softmax_cross_entropy(logits={_show(logits)}..., "
                              f"labels={labels[:6]})", mistakes={
            "a missing minus sign: log-probabilities are negative, so the loss needs a leading minus": -ce,
            "the sum over examples instead of the mean": ce * n,
            "that is -z[label], the raw logit: turn the logits into log-probabilities first":
                -_picked(logits, labels).mean(),
            "that is -softmax(z)[label], the probability: take its log": -_picked(np.exp(_log_softmax(logits)),
                                                                                  labels).mean(),
            "softmax over the batch axis: each row (one example) is normalised on its own":
                -_picked(_log_softmax(logits, axis=0), labels).mean(),
        })
    # Large logits: softmax underflows to exactly 0 for the classes far below the maximum.
    logits, labels = np.array([[200.0, 0.0, -200.0], [0.0, 300.0, 0.0]], np.float32), np.array([2, 0])
    if t.hidden:
        logits = np.concatenate([logits, t.normal(4, 3, scale=300.0)])
        labels = np.concatenate([labels, _labels(t, 4, k=3)])
    got = _scalar_result(t, "softmax_cross_entropy", t.tensor(logits), t.tensor(labels, "int64"), n=len(labels))
    _require_finite(got, "softmax_cross_entropy", f"for the logits {_show(logits)}: softmax(z) underflows to "
                    "exactly 0 and log(0) = -inf. Compute the log-probabilities directly: "
                    "log softmax(z) = z - max(z) - log(sum(exp(z - max(z))))")
    p_clipped = _clip(np.exp(_log_softmax(logits)))
    assert_close(got, _softmax_ce(logits, labels), f"softmax_cross_entropy for large logits {_show(logits)}",
                 mistakes={"the log of a clipped softmax caps each loss near 16: compute log-probabilities directly "
                           "as z - max(z) - log(sum(exp(z - max(z))))": -np.log(_picked(p_clipped, labels)).mean()})
    logits, labels = cases[0]
    _check_autograd(t, "softmax_cross_entropy", [logits, labels], 0,
                    (np.exp(_log_softmax(logits)) - np.eye(logits.shape[1])[labels]) / len(labels),
                    "(softmax(z) - one_hot) / n")


def test_framework_cross_entropy(t):
    cases = [(np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3], [1.2, 0.2, 3.1], [0.0, 0.0, 0.0]], np.float32),
              np.array([0, 1, 2, 1]))]
    if t.hidden:
        cases += [(t.normal(9, 5, scale=2.0), _labels(t, 9, k=5)), (t.normal(4, 3, scale=50.0), _labels(t, 4, k=3)),
                  (np.array([[200.0, 0.0, -200.0], [0.0, 300.0, 0.0]], np.float32), np.array([2, 0]))]
    for logits, labels in cases:
        n = len(labels)
        got = _scalar_result(t, "framework_cross_entropy", t.tensor(logits), t.tensor(labels, "int64"), n=n)
        _require_finite(got, "framework_cross_entropy", f"for the logits {_show(logits)}: a softmax probability "
                        "underflows to exactly 0 for a class far below the best, and log(0) = -inf. Give the "
                        "framework's cross-entropy the raw logits: it works with log-probabilities")
        ce = _softmax_ce(logits, labels)
        one_hot = np.eye(logits.shape[1])[labels]
        assert_close(got, ce, f"framework_cross_entropy(logits={_show(logits)}..., "
                              f"labels={labels[:6]})", rtol=1e-4, atol=1e-4, mistakes={
            "logits given to a Keras loss with from_logits=False, its default: it takes them for probabilities. "
            "Pass from_logits=True": _keras_ce_of_logits_as_probabilities(logits, labels),
            "softmax probabilities passed where logits are expected: the loss applies softmax itself, so pass the "
            "raw logits": _softmax_ce(np.exp(_log_softmax(logits)), labels),
            "labels and logits are swapped": -(logits * _log_softmax(one_hot)).sum(axis=1).mean(),
            "the negative log-likelihood of raw logits: that loss expects log-probabilities; use the "
            "cross-entropy on the logits": -_picked(logits, labels).mean(),
            "the sum over examples instead of the mean": ce * n,
        })
    logits, labels = cases[0]
    _check_autograd(t, "framework_cross_entropy", [logits, labels], 0,
                    (np.exp(_log_softmax(logits)) - np.eye(logits.shape[1])[labels]) / len(labels),
                    "(softmax(z) - one_hot) / n")


def test_mean_squared_error(t):
    _forbid(t, "mean_squared_error", "mean_squared_error", "mse_loss", "MSE", "MeanSquaredError", "MSELoss")
    cases = [(np.array([2.5, 0.0, 2.1, 7.8], np.float32), np.array([3.0, -0.5, 2.0, 7.0], np.float32)),
             (np.array([[1.0, 2.0], [0.5, -1.0], [3.0, 3.0]], np.float32),
              np.array([[1.5, 2.0], [0.0, 0.0], [2.0, 4.5]], np.float32))]
    if t.hidden:
        cases += [(t.normal(12, scale=3.0), t.normal(12, scale=3.0)), (t.normal(5, 4), t.normal(5, 4))]
    for y_hat, y in cases:
        got = t.tensor_result("mean_squared_error", t.tensor(y_hat), t.tensor(y))
        expect(got.shape != y.shape[:-1] or y.ndim == 1,
               f"`mean_squared_error` for arrays of shape {y.shape} returned shape {got.shape}: it averages over "
               "the last axis only (as Keras' MSE does); average over every element")
        expect(got.shape != y.shape, f"`mean_squared_error` returned shape {got.shape}, one squared error per "
               "element: average them into one number")
        d = (y_hat - y).astype(np.float64)
        what = f"mean_squared_error(y_hat={np.round(y_hat.ravel()[:4], 2)}..., y={np.round(y.ravel()[:4], 2)}...)"
        assert_close(got, (d ** 2).mean(), what, mistakes={
            "the differences are not squared": d.mean(),
            "that is the mean absolute error: square the differences instead of taking |.|": np.abs(d).mean(),
            "the sum instead of the mean": (d ** 2).sum(),
            "that is the root mean squared error: leave out the square root": np.sqrt((d ** 2).mean()),
            "that is the square of the mean difference: square each difference first, then average": d.mean() ** 2,
            **({"y was made a column (n, 1) and met y_hat (n,): broadcasting made an n x n table of every pair's "
                "difference. Keep both the same shape": ((y_hat[None, :] - y[:, None]).astype(np.float64) ** 2).mean()}
               if y.ndim == 1 else {}),
        })
        if y.ndim == 1:
            assert_close(got, t.ref.builtin_mean_squared_error(t.tensor(y_hat), t.tensor(y)),
                         f"{what} against {t.fw.label}'s own mean squared error")
    y_hat, y = cases[1]
    _check_autograd(t, "mean_squared_error", [y_hat, y], 0, 2 * (y_hat - y).astype(np.float64) / y.size,
                    "2 (y_hat - y) / the number of elements")


@dataclass(frozen=True)
class Task:
    description: str
    right: tuple  # names of the lab's loss functions that fit
    why: str


TASKS = {
    "pass_probability": Task("Will I pass? The model ends in a sigmoid and outputs the probability of passing.",
                             ("binary_cross_entropy",), "a yes/no answer given as a probability is binary "
                             "classification: binary cross-entropy"),
    "pass_logit": Task("Will I pass? The model outputs a raw score z (a logit, no sigmoid at the end).",
                       ("bce_with_logits",), "a yes/no answer given as a logit (no sigmoid yet) is binary "
                       "classification on logits: binary cross-entropy from logits"),
    "final_grade": Task("The final grade in percent (a real number between 0 and 100).",
                        ("mean_squared_error",), "a grade in percent is a real number, so this is regression: "
                        "mean squared error"),
    "letter_grade": Task("The letter grade A, B, C, D or F: one of 5 classes, from 5 logits per student.",
                         ("softmax_cross_entropy", "framework_cross_entropy"), "one of 5 classes, scored by 5 "
                         "logits, is multi-class classification: softmax cross-entropy"),
    "hours_needed": Task("How many hours of project work a student needs to pass (a real number).",
                         ("mean_squared_error",), "a number of hours is a real number, so this is regression: "
                         "mean squared error"),
}


def test_loss_for_task(t):
    for task, spec in TASKS.items():
        answer = t.call("loss_for_task", task)
        name = getattr(answer, "__name__", None) if callable(answer) else answer  # a function is fine too
        expect(isinstance(name, str), f"loss_for_task({task!r}) should return the name of a loss as a string, "
               f"e.g. \"mean_squared_error\", got {type(answer).__name__}")
        expect(name in LOSS_NAMES, f"loss_for_task({task!r}) returned {name!r}, which is not one of the lab's "
               f"losses: {', '.join(LOSS_NAMES)}")
        expect(name != "bce_with_logits" or "binary_cross_entropy" not in spec.right,
               f"loss_for_task({task!r}) returned 'bce_with_logits', which takes raw logits, but this model already "
               "outputs probabilities (it ends in a sigmoid): binary cross-entropy fits it")
        expect(name in spec.right, f"loss_for_task({task!r}) returned {name!r}, but {spec.why}")


# Predict, then run; and the bug museum (mitdl_utils.prediction).

SURE_WRONG = Estimate(
    "the binary cross-entropy of y_hat = 0 for a student who passed (y = 1), with eps = 1e-7",
    truth=float(-np.log(np.float32(EPSILON))), rtol=0.02, mistakes={
        "7 is -log10(1e-7): the loss takes the natural log, and ln(1e-7) = -7 ln 10, about -16.1": 7.0,
        "a missing minus sign: the log of the clipped 1e-7 is negative, and the loss is minus that log": -16.118,
        "infinity is -log(0), the loss without clipping; the clipping turns y_hat = 0 into eps = 1e-7 first, and "
        "the loss stays finite": np.inf,
        "100 is what PyTorch's own binary cross-entropy gives, as it caps each log at -100 instead of clipping "
        "y_hat; your function clips y_hat at eps = 1e-7": 100.0,
        "a loss of 0 belongs to a sure right answer; this one is sure and wrong, and costs minus the log of the "
        "clipped prediction": 0.0,
        "ln 2 = 0.693 is the loss of a 50/50 guess (y_hat = 0.5); a sure wrong answer costs far more": 0.693,
        "1 / eps is 10 million: the loss is minus the log of eps, not its reciprocal": 1e7,
    })

MUSEUM = {
    "single_logit": Choice(
        "`single_logit`: the slide's softmax cross-entropy on the perceptron's one logit per student is 0 for the "
        "sensible weights and for their mirror image. Why?", options={
            "a": "The sensible perceptron is right about every student, and the mirror image's mistakes cancel "
                 "its successes out in the mean.",
            "b": "Softmax over one column divides $e^z$ by itself, so the only class always gets probability 1, "
                 "and $-\\log 1 = 0$.",
            "c": "The logits are too large for float32: their exponentials overflow, and the loss collapses to 0.",
            "d": "The labels are the floats 0.0 and 1.0, not class indices, so the loss never reads them and "
                 "returns 0.",
        }, answer="b", why={
            "a": "binary cross-entropy from logits, printed beside it, says 0.36 for the sensible weights and 2.68 "
                 "for the mirror image: neither model is perfect, and no student's loss is below 0, so nothing "
                 "can cancel out",
            "c": "these logits lie between about -7.4 and 7.5, far below 88, where exp overflows float32; and an "
                 "overflow gives inf or nan, not 0",
            "d": "float labels are read as each class's probability, which both frameworks accept; with one class "
                 "a label of 0 or 1 times log 1 is 0 whatever the label",
        }),
    "probabilities_as_logits": Choice(
        "`probabilities_as_logits`: a model that ends in a softmax, scored by the loss meant for logits, costs "
        "about 0.90 when it is sure and right, and 1.90 when it is sure and wrong. Why?", options={
            "a": "The models are not sure enough: a probability of 0.9998 is not 1, and the missing 0.0002 still "
                 "costs about 0.9.",
            "b": "A cross-entropy over 5 classes always stays of the order of $\\ln 5 \\approx 1.61$: 0.90 and "
                 "1.90 are two values around it.",
            "c": "The loss applies softmax itself, so the probabilities, all between 0 and 1, go through softmax "
                 "again: the right letter then gets between 0.15 and 0.40.",
            "d": "The labels should be one-hot rows: class indices make the loss compare each row with the wrong "
                 "letter.",
        }, answer="c", why={
            "a": "-ln(0.9998) is only 0.0002, the loss printed for the logits; a loss of 0.9 would need a "
                 "probability of 0.41 for the right letter",
            "b": "ln 5 = 1.61 is the loss of a uniform guess (1/5 each class); on their logits the same models "
                 "cost 0.0002 and 10.0, so nothing holds a cross-entropy near ln 5",
            "d": "class indices are what this loss takes: the same labels give 0.0002 and 10.0 on the logits",
        }),
    "swapped_arguments": Choice(
        "`swapped_arguments`: section 2's pass/fail loss, with its two arguments in the order of the other "
        "framework's slide, gives both perceptrons many times the 0.69 and 0.36 of the right order. Why?",
        options={
            "a": "The labels, exactly 0 or 1, take the predictions' place: the loss takes the log of 0 or 1, which "
                 "only the framework's guard keeps finite.",
            "b": "The untrained perceptron's 0.5 for everyone really is that bad: section 2's 0.69 was too kind "
                 "to it.",
            "c": "The order does not matter, as for the slides' mean squared error: the gap is float32 rounding.",
            "d": "This loss wants logits, and the perceptron's probabilities make it misjudge both models.",
        }, answer="a", why={
            "b": "a prediction of 0.5 costs ln 2 = 0.693 per student whatever the label, which is what the right "
                 "order gives",
            "c": "the squared error (y - y_hat)^2 is symmetric in y and y_hat, cross-entropy is not: y log(y_hat) "
                 "and y_hat log(y) differ, and a factor of 10 or more is no rounding",
            "d": "this loss takes probabilities: the same tensors in the right order give 0.693 and 0.359",
        }),
}


EXERCISES = [
    Exercise("empirical_loss", "The empirical loss", 1, test_empirical_loss, [
        "The empirical loss J(W) is one number for the whole data set: the average of the per-example losses.",
        "Return the mean of the tensor (tf.reduce_mean / .mean()), not the sum.",
    ]),
    Exercise("binary_cross_entropy", "Binary cross-entropy from its formula", 3, test_binary_cross_entropy, [
        "Clip first, then apply the formula to every example, then average. The framework's clip (clamp) "
        "and log functions do the work.",
        "Clip y_hat into [eps, 1 - eps] before any log: a prediction of exactly 0 or 1 would give log(0).",
        "The shape is -mean(y log(?) + (1 - y) log(?)): each log takes the probability the model gave to that "
        "outcome, computed from y_hat clipped into [eps, 1 - eps]. Mind the leading minus.",
    ]),
    Exercise("predict_sure_wrong_loss", "Predict: the loss of a sure wrong answer", 1,
             prediction_test("predict_sure_wrong_loss", SURE_WRONG), [
                 "For a student who passed only one of the formula's two terms counts. Which one, and what does "
                 "the clipping do first to a prediction of exactly 0?",
                 "The clipped prediction is eps = 1e-7, and the loss is minus its natural logarithm (not log10); "
                 "ln 10 is about 2.3.",
             ], question=SURE_WRONG),
    Exercise("bce_with_logits", "Binary cross-entropy from logits, stably", 3, test_bce_with_logits, [
        "Never compute sigmoid(z): for |z| above about 17 it rounds to exactly 0 or 1 in float32.",
        "exp(-|z|) is at most 1, so nothing overflows; log1p(x) computes log(1 + x) accurately for small x.",
        "Per example: max(z, 0) - z * y + log(1 + exp(-|z|)); then the mean over examples.",
    ]),
    Exercise("softmax", "Softmax, stably", 2, test_softmax, [
        "Exponentiate, then divide each row by its own sum (axis 1, keeping the dimension for broadcasting).",
        "Subtract each row's maximum before exp (it does not change the result): the largest exponent is then 0.",
    ]),
    Exercise("softmax_cross_entropy", "Softmax cross-entropy for K classes", 3, test_softmax_cross_entropy, [
        "one_hot: a row of zeros with a 1 in column labels[i]; the framework's one-hot function is allowed "
        "(make it float).",
        "The loss is -mean over examples of sum_k one_hot[i, k] * log_p[i, k]: only the true class counts.",
        "Log-probabilities: log_p = z - max(z) - log(sum(exp(z - max(z)))), each along axis 1.",
    ]),
    Exercise("framework_cross_entropy", "The framework's cross-entropy, called right", 2,
             test_framework_cross_entropy, [
                 "Pass raw logits, never probabilities: the function applies softmax itself. (A Keras loss "
                 "class applies it only when built with from_logits=True.)",
                 "TensorFlow: tf.nn.softmax_cross_entropy_with_logits(labels=one-hot, logits=...) returns one loss "
                 "per example, so take the mean. PyTorch: F.cross_entropy(logits, labels) takes class indices and "
                 "averages already.",
             ]),
    Exercise("mean_squared_error", "Mean squared error", 2, test_mean_squared_error, [
        "Square each difference between prediction and target, then average over every element.",
        "mean(d ** 2), where d is the difference between target and prediction element by element: the mean of "
        "the squares, not the square of the mean.",
    ]),
    Exercise("loss_for_task", "Which loss for which task", 2, test_loss_for_task, [
        "Ask two questions: is the target a class (classification) or a real number (regression)? "
        "Does the model output probabilities or logits?",
        "Yes/no with a probability: binary cross-entropy; yes/no with a logit: from logits; one of K classes: "
        "softmax cross-entropy; a real number: mean squared error. Return the function's name as a string.",
    ]),
    Exercise("bug_museum", "The bug museum: why each exhibit goes wrong", 1, prediction_test("bug_museum", MUSEUM), [
        "Compare each exhibit's numbers with what the right code gives (printed beside them, or in an earlier "
        "section): what must the code compute for exactly those wrong numbers to come out?",
        "single_logit: work out softmax by hand for a row with one entry. probabilities_as_logits: what does "
        "softmax make of 5 numbers that all lie between 0 and 1? swapped_arguments: which argument comes first "
        "for each framework (section 2's comments say), and what is log(0)?",
    ], question=MUSEUM),
]
