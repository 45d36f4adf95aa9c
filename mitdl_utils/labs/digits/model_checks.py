"""Lab 07's tests of the network's pieces: dropout and the classifier, the loss, one training step and one
epoch. Each gets a Trial `t`; whatever touches a model or an optimizer goes through `t.ref`, the expected
numbers are computed here with NumPy."""
import numpy as np

from mitdl_utils.checking import CheckFailed, NotAttempted, assert_close, attempt, expect, to_numpy
from mitdl_utils.labs.digits.data_checks import forbid


def _log_softmax(z, axis=1):
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _relu(z):
    return np.maximum(z, 0)


def _call(what, fn, *args, **kwargs):
    """The student's method (a model's forward pass): as `attempt`, and None also means not attempted."""
    result = attempt(what, fn, *args, **kwargs)
    if result is None:
        raise NotAttempted(f"{what} returned None: fill in the TODO")
    return result


def _nonzero(t, *shape):
    """Random values with |x| in [0.5, 1.5]: a zero in a result can only mean 'dropped'."""
    return (t.rng.uniform(0.5, 1.5, size=shape) * t.rng.choice([-1.0, 1.0], size=shape)).astype(np.float32)


# ---- 3. dropout and the classifier ----

def _test_dropout(t):
    x = _nonzero(t, 200, 300)
    for p in [0.25, 0.5] + ([0.7, round(float(t.rng.uniform(0.05, 0.9)), 2)] if t.hidden else []):
        what = f"dropout(x of shape {x.shape}, p={p}, training=True)"
        out = t.tensor_result("dropout", t.tensor(x), p, training=True)
        expect(out.shape == x.shape, f"{what}: wrong shape: expected {x.shape}, got {out.shape}")
        dropped = out == 0
        assert_close(dropped.mean(), p, f"{what}: the fraction of entries set to 0", rtol=0, atol=0.01, mistakes={
            "nothing was dropped: in training each entry is set to 0 with probability p": 0.0,
            "the keep probability 1 - p was used as the drop probability: drop an entry when its random number "
            "is below p": 1 - p,
        })
        ratios = out[~dropped] / x[~dropped]
        assert_close(ratios, np.full(ratios.shape, 1 / (1 - p)), f"{what}: kept entries divided by x", mistakes={
            "forgetting to scale: inverted dropout divides the kept entries by 1 - p, so that the expected output "
            "stays x": np.ones(ratios.shape),
            "the kept entries are multiplied by 1 - p: divide by 1 - p instead": np.full(ratios.shape, 1 - p),
        })
        again = t.tensor_result("dropout", t.tensor(x), p, training=True)
        expect(not np.array_equal(again == 0, dropped), f"{what}: two calls dropped the same entries: draw fresh "
                                                        "random numbers on every call")
        out = t.tensor_result("dropout", t.tensor(x), p, training=False)
        assert_close(out, x, f"dropout(x, p={p}, training=False)", mistakes={
            "dropout is left on at evaluation: with training=False return x unchanged":
                np.where(out == 0, 0.0, x / (1 - p)),
            "scaled at evaluation: inverted dropout scales in training only": x * (1 - p),
        })
    forbid(t, "dropout", t.ref.FRAMEWORK_DROPOUT_CALLS,
           "build the mask yourself from uniform random numbers instead of using the framework's dropout")


def _named_weights(t, model, sizes, what):
    """The classifier's trainable weights as (W1, b1, W2, b2), found by their shapes."""
    n_inputs, n_hidden, n_classes = sizes
    arrays = attempt(f"reading the weights of {what}", t.ref.parameter_arrays, model)
    shapes = [tuple(np.shape(a)) for a in arrays]
    expect(len(arrays) > 0, f"{what} has no trainable weights: create them with "
                            f"{t.ref.WEIGHT_HINT}; a plain tensor stored on the model is not trained")
    wanted = [(n_inputs, n_hidden), (n_hidden,), (n_hidden, n_classes), (n_classes,)]
    if sorted(shapes) != sorted(wanted):
        transposed = sorted(shapes) == sorted([(n_hidden, n_inputs), (n_hidden,), (n_classes, n_hidden), (n_classes,)])
        raise CheckFailed(f"{what} has trainable weights of shapes {shapes}; expected {wanted} (W1, b1, W2, b2)" +
                          (". Likely mistake: the weight matrices are transposed: W1 is (n_inputs, n_hidden) so "
                           "that the layer computes x @ W1 + b1" if transposed else ""))
    by_shape = {shape: np.asarray(a, np.float64) for shape, a in zip(shapes, arrays)}
    return [by_shape[shape] for shape in wanted]


def test_classifier(t):
    _test_dropout(t)
    cases = [(12, 20, 5, 0.3)] + ([(64, 32, 10, 0.5), (7, 9, 3, 0.0)] if t.hidden else [])
    for n_inputs, n_hidden, n_classes, p in cases:
        what = f"DigitClassifier({n_inputs}, {n_hidden}, {n_classes}, p={p})"
        model = t.call("DigitClassifier", n_inputs, n_hidden, n_classes, p)
        x = t.normal(6, n_inputs)
        logits = to_numpy(_call(f"{what} in evaluation mode", t.ref.logits_in_mode, model, t.tensor(x), False))
        expect(logits.shape == (6, n_classes), f"{what} on a batch x of shape {x.shape}: output of shape "
                                               f"{logits.shape}, expected (6, {n_classes}): one logit per class")
        again = to_numpy(t.ref.logits_in_mode(model, t.tensor(x), False))
        expect(np.allclose(again, logits), f"{what}: two calls in evaluation mode gave different outputs: dropout is "
                                           f"on at evaluation. {t.ref.MODE_HINT}")
        default = to_numpy(_call(f"{what} called as model(x)", t.ref.logits_by_default, model, t.tensor(x)))
        expect(np.allclose(default, logits), f"{what} called as model(x), without saying the mode, gave another "
               f"output than in evaluation mode: training=None means not training. {t.ref.MODE_HINT}")
        framework_dropout = t.ref.FRAMEWORK_LAYERS["dropout"]
        expect(framework_dropout not in attempt(f"listing the layers of {what}", t.ref.layer_kinds, model),
               f"{what} holds the framework's {framework_dropout} layer: call your own dropout function on the "
               "hidden layer instead")
        W1, b1, W2, b2 = _named_weights(t, model, (n_inputs, n_hidden, n_classes), what)
        expect(np.any(W1 != 0) and np.any(W2 != 0), f"{what}: W1 or W2 starts at zero: every hidden unit then "
               "computes the same thing and gets the same gradient, so the units never become different; draw the "
               "weights at random")
        hidden = _relu(x @ W1 + b1)
        expected = hidden @ W2 + b2
        assert_close(logits, expected, f"{what} in evaluation mode: the logits relu(x W1 + b1) W2 + b2", mistakes={
            "no activation between the layers: two linear layers in a row are one linear layer (lab 01)":
                x @ W1 @ W2 + b1 @ W2 + b2,
            "sigmoid instead of ReLU in the hidden layer": 1 / (1 + np.exp(-(x @ W1 + b1))) @ W2 + b2,
            "the model returns probabilities (a softmax at the end): return the logits; the loss applies the softmax "
            "itself": np.exp(_log_softmax(expected)),
            "ReLU after the output layer too: the logits must be able to be negative": _relu(expected),
            "the bias is missing from the hidden layer": _relu(x @ W1) @ W2 + b2,
        })
        repeated = np.repeat(x[:1], 4000, axis=0)  # one example, 4000 independent dropout masks
        training = to_numpy(_call(f"{what} in training mode", t.ref.logits_in_mode, model, t.tensor(repeated), True))
        if p == 0:
            assert_close(training[:1], logits[:1], f"{what} in training mode: with p = 0 nothing is dropped")
            continue
        expect(not np.allclose(training[0], training[1:]), f"{what} in training mode: every call gives the same "
                                                           f"output: dropout is never applied. {t.ref.MODE_HINT}")
        first, second = (to_numpy(a) for a in _call(f"{what} in training mode, compiled", t.ref.logits_compiled_twice,
                                                     model, t.tensor(repeated[:50])))
        expect(not np.allclose(first, second), f"{what} in training mode, inside a compiled function (as in the "
               f"training step): two calls gave the same output, the same dropout mask. {t.ref.COMPILED_HINT}")
        zeros = training == 0  # a row of zeros only: every hidden unit dropped, with b2 still 0
        expect(not np.any(zeros.any(axis=1) & ~zeros.all(axis=1)), f"{what} in training mode: some logits are "
               "exactly 0 while others in their row are not: dropout is "
               "applied to the output layer's logits; apply it to the hidden layer's activations, after the ReLU")
        spread = training.std(axis=0) / np.sqrt(len(training))
        mean, unscaled = training.mean(axis=0), (1 - p) * hidden[0] @ W2 + b2
        if np.all(np.abs(mean - expected[0]) <= 6 * spread + 1e-4):
            continue
        hint = (". Likely mistake: the kept hidden units are not divided by 1 - p"
                if np.all(np.abs(mean - unscaled) <= 6 * spread + 1e-4) else
                ": apply your dropout to the hidden layer's activations, after the ReLU")
        raise CheckFailed(f"{what} in training mode: the mean output over 4000 dropout masks is "
                          f"{np.round(mean, 3)}, expected the evaluation-mode output {np.round(expected[0], 3)}"
                          f" (inverted dropout keeps the expected value){hint}")


# ---- 4. softmax cross-entropy on logits ----

def test_cross_entropy(t):
    logits = np.array([[2.0, -1.0, 0.5, 0.0], [0.1, 0.2, 3.0, -2.0], [-1.0, -1.0, -1.0, 4.0],
                       [1.5, 2.5, 0.0, 0.5], [0.0, 0.0, 0.0, 0.0]], np.float32)
    labels = np.array([0, 2, 1, 1, 3])
    cases = [(logits, labels), (logits * 300 + 700, labels)]  # logits near 1000: exp() overflows float32
    if t.hidden:
        cases += [(t.normal(9, 10, scale=3.0), t.rng.integers(0, 10, 9)), (t.normal(6, 3) * 400 - 900,
                                                                         t.rng.integers(0, 3, 6))]
    for z, y in cases:
        what = f"softmax_cross_entropy(logits of shape {z.shape} in [{z.min():.0f}, {z.max():.0f}], labels)"
        got = t.tensor_result("softmax_cross_entropy", t.tensor(z), t.tensor(y, "int64"))
        expect(got.shape != (len(y),), f"{what}: one loss per example, shape {got.shape}: return their mean")
        expect(got.shape == (), f"{what} should return one number, got shape {got.shape}")
        expect(not np.isposinf(got), f"{what} = {got}: exp() of logits this large overflows to inf, or a "
                                     "probability underflows to 0 and its log is -inf. Subtract each row's largest "
                                     "logit m before exp, and compute the log-softmax directly, z - m - log(sum_j "
                                     "exp(z_j - m)), never the log of a probability")
        expect(np.isfinite(got), f"{what} = {got}: exp() of logits this large overflows; subtract each row's "
                                 "largest logit before exp (the softmax does not change), or use logsumexp")
        log_p = _log_softmax(z.astype(np.float64))
        expected = -log_p[np.arange(len(y)), y].mean()
        assert_close(got, expected, what, rtol=1e-4, mistakes={
            "the minus sign is missing: the loss is -log(probability of the right class)": -expected,
            "summed over the batch: take the mean": len(y) * expected,
            "each example must use its own label: this averages every label's column over every example; pick "
            "entry [i, labels[i]] of row i": -log_p[:, y].mean(),
            "the row's max m was subtracted but never added back: log(sum_j exp(z_j)) = m + log(sum_j exp(z_j - m))":
                expected - z.astype(np.float64).max(axis=1).mean(),
            "the softmax runs over the batch (axis 0); it runs over the classes, axis 1":
                -_log_softmax(z.astype(np.float64), axis=0)[np.arange(len(y)), y].mean(),
        })
    forbid(t, "softmax_cross_entropy", t.ref.FRAMEWORK_LOSS_CALLS,
           "write it from its formula (log-sum-exp minus the label's logit) instead of the framework's loss")


# ---- 5. one training step ----

def _loss_and_logits(W, b, X, y):
    logits = X @ W + b
    return -_log_softmax(logits)[np.arange(len(y)), y].mean(), logits


def _softmax_regression_steps(W, b, batches, lr, accumulate=False, sign=1.0, after=False):
    """NumPy SGD on softmax regression -> (W, b, [(loss, logits) of each batch before its step, or after it])."""
    seen, grad_W, grad_b = [], 0.0, 0.0
    for X, y in batches:
        loss, logits = _loss_and_logits(W, b, X, y)
        G = (np.exp(_log_softmax(logits)) - np.eye(W.shape[1])[y]) / len(y)
        grad_W = (grad_W if accumulate else 0.0) + X.T @ G
        grad_b = (grad_b if accumulate else 0.0) + G.sum(axis=0)
        W, b = W - sign * lr * grad_W, b - sign * lr * grad_b
        seen.append(_loss_and_logits(W, b, X, y) if after else (loss, logits))
    return W, b, seen


def _step_case(t, n_batches, batch_sizes, d, k):
    W, b = t.normal(d, k), t.normal(k)
    batches = [(t.normal(size, d), t.rng.integers(0, k, size)) for size in batch_sizes[:n_batches]]
    return W, b, batches


def test_train_step(t):
    cases = [(*_step_case(t, 3, [4, 4, 4], 5, 3), 0.5)]
    if t.hidden:
        cases += [(*_step_case(t, 4, [6, 6, 6, 2], 4, 4), 0.3)]
    for W, b, batches, lr in cases:
        model, what = t.ref.make_linear(W, b), f"the step from make_train_step (a linear model, SGD, lr={lr})"
        step = t.call("make_train_step", model, t.ref.make_sgd(model, lr), t.ref.loss_in_order)
        expect(callable(step), f"`make_train_step` should return a function step(x, y), got {type(step).__name__}")
        W_end, b_end, right = _softmax_regression_steps(W, b, batches, lr)
        wrong = {
            "the weights did not change: the step must update them (optimizer.apply_gradients / optimizer.step())":
                _softmax_regression_steps(W, b, batches, 0.0),
            "the gradients add up from step to step: zero them before each backward pass (optimizer.zero_grad())":
                _softmax_regression_steps(W, b, batches, lr, accumulate=True),
            "the weights moved uphill: the update goes against the gradient":
                _softmax_regression_steps(W, b, batches, lr, sign=-1.0),
            "the loss and the logits are those after the update: return the ones computed before it, from which "
            "the gradients came": _softmax_regression_steps(W, b, batches, lr, after=True),
        }
        for i, ((x, y), (loss, logits)) in enumerate(zip(batches, right)):
            out = _call(f"{what} on batch {i + 1}", step, t.tensor(x), t.tensor(y, "int64"))
            expect(isinstance(out, (tuple, list)) and len(out) == 2,
                   f"{what} should return a pair (loss, logits), got {type(out).__name__}")
            assert_close(to_numpy(out[1]), logits, f"{what}: the logits of batch {i + 1}, before its update",
                         rtol=1e-3, atol=1e-4, mistakes={m: seen[2][i][1] for m, seen in wrong.items()})
            assert_close(to_numpy(out[0]), loss, f"{what}: the loss of batch {i + 1}, before its update",
                         rtol=1e-3, atol=1e-4, mistakes={m: seen[2][i][0] for m, seen in wrong.items()})
        modes = attempt("reading the modes the model was called in", t.ref.training_modes, model)
        expect(all(mode is True for mode in modes), f"{what}: the model computed its logits in evaluation mode "
               f"(the check left it there before the first step): {t.ref.TRAIN_MODE_HINT}")
        got_W, got_b = t.ref.linear_weights(model)
        assert_close(got_W, W_end, f"{what}: W after {len(batches)} steps", rtol=1e-3, atol=1e-4,
                     mistakes={m: seen[0] for m, seen in wrong.items()})
        assert_close(got_b, b_end, f"{what}: b after {len(batches)} steps", rtol=1e-3, atol=1e-4)


# ---- 6. one epoch ----

def test_train_epoch(t):
    """A scripted step: its losses and logits are made up, so the test knows what the epoch must report."""
    sizes = [[8, 8, 8, 3], [5, 5, 2]] + ([list(t.rng.integers(1, 12, 5))] if t.hidden else [])
    for batch_sizes in sizes:
        batches = [(t.normal(n, 3), t.rng.integers(0, 4, n)) for n in batch_sizes]
        losses = [float(v) for v in t.rng.uniform(0.2, 2.5, len(batches))]
        logits = [t.normal(n, 4) for n in batch_sizes]
        calls, most = [], 4 * len(batches)  # calls[i]: the batch the i-th call of step was given
        too_many = f"`train_epoch` called step more than {most} times for {len(batches)} batches: once per batch"

        def step(x, y):
            """The made-up loss and logits of the batch it is given (found by its inputs)."""
            x = to_numpy(x)
            calls.append(next((i for i, (xb, _) in enumerate(batches) if xb.shape == x.shape and np.allclose(xb, x)),
                              None))
            if len(calls) > most:  # by count, not by the clock
                raise CheckFailed(too_many)
            if calls[-1] is None:
                raise CheckFailed("`train_epoch` gave step something that is not one of its batches")
            return t.tensor(np.float32(losses[calls[-1]])), t.tensor(logits[calls[-1]])

        what = f"train_epoch over {len(batches)} batches of sizes {batch_sizes}"
        try:
            result = t.call("train_epoch", step, [(t.tensor(x), t.tensor(y, "int64")) for x, y in batches])
        except CheckFailed:
            if len(calls) > most:  # however the student's code passed the error on
                raise CheckFailed(too_many) from None
            raise
        expect(sorted(calls) != list(range(len(batches) - 1)), f"{what}: step was never called on the last "
               "batch: go over every batch (the last batch is smaller, but it holds examples too)")
        expect(sorted(calls) == list(range(len(batches))), f"{what}: expected one call of step per batch, got "
               f"{len(calls)} calls" + (": step was called more than once per batch" if len(calls) > len(batches)
                                        else ""))
        expect(isinstance(result, (tuple, list)) and len(result) == 2,
               f"`train_epoch` should return a pair (mean loss, accuracy), got {type(result).__name__}")
        mean_loss, accuracy = (t.require_number(value, f"the {label} `train_epoch` returns")
                               for value, label in zip(result, ("mean loss", "accuracy")))
        n = np.array(batch_sizes, np.float64)
        correct = np.array([np.sum(z.argmax(axis=1) == y) for z, (_, y) in zip(logits, batches)], np.float64)
        assert_close(mean_loss, np.dot(losses, n) / n.sum(), f"{what}: the mean loss", mistakes={
            "the plain mean of the batch losses: weight each batch's loss by its size, so that every example "
            "counts once (the last batch is smaller)": np.mean(losses),
            "that is the last batch's loss: average over the epoch": losses[-1],
            "the sum of the batch losses: divide by the number of examples": np.dot(losses, n),
            "divided by the number of batches: divide the size-weighted sum by the number of examples":
                np.dot(losses, n) / len(n),
            "the number of examples taken as (number of batches) x (the last batch's size): the last batch is "
            "smaller; add up len(y) over the batches": np.dot(losses, n) / (len(n) * n[-1]),
            "the number of examples taken as (number of batches) x (the first batch's size): the last batch is "
            "smaller; add up len(y) over the batches": np.dot(losses, n) / (len(n) * n[0]),
        })
        assert_close(accuracy, correct.sum() / n.sum(), f"{what}: the accuracy", mistakes={
            "that is the number of examples classified right: divide by the number of examples": correct.sum(),
            "the plain mean of the batch accuracies: count the right answers over the whole epoch":
                np.mean(correct / n),
            "a percentage: return a fraction between 0 and 1": 100 * correct.sum() / n.sum(),
            "divided by the number of batches: divide the number right by the number of examples":
                correct.sum() / len(n),
            "the number of examples taken as (number of batches) x (one batch's size): the last batch is smaller; "
            "add up len(y) over the batches": correct.sum() / (len(n) * n[0]),
        })
