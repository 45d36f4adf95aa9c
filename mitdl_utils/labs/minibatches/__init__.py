"""Lab 05, mini-batches: exercises, their tests and hints (framework-neutral).

The model throughout is logistic regression (one perceptron with a sigmoid) trained with binary
cross-entropy, so every expected gradient has a closed form in NumPy: for one example,
dL/dW = (sigmoid(z) - y) x and dL/db = sigmoid(z) - y with z = x . W + b.
"""
import re

import numpy as np

from mitdl_utils.checking import CheckFailed, Exercise, NotAttempted, assert_close, expect, take, to_numpy
from mitdl_utils.prediction import Choice, prediction_test

AUTOGRAD_HINT = {
    "tensorflow": "the tape recorded no path from W and b to the loss. It follows only what it watches: call "
                  "tape.watch([W, b]) inside the `with tf.GradientTape() as tape:` block; compute the loss inside "
                  "that block too, with TensorFlow operations only (NumPy, .numpy() or float() on the way cut the "
                  "tape)",
    "torch": "autograd found no path from W and b to the loss. It follows only tensors that require it: "
             "W = W.detach().requires_grad_(True), the same for b; then compute the loss from them with torch "
             "operations only (NumPy, .numpy(), .item() or torch.tensor(...) on the way cut the graph)",
}


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _per_example_grads(W, b, X, y):
    """NumPy: (n, d) and (n,) gradients of each example's binary cross-entropy."""
    residual = _sigmoid(X @ W + b) - y
    return residual[:, None] * X, residual


def _mean_loss(W, b, X, y):
    z = X @ W + b
    return np.mean(np.logaddexp(0, z) - y * z)


def _case(t, n, d):
    """A logistic-regression problem: W (d,), b, X (n, d), y (n,) of 0/1."""
    return t.normal(d), np.float32(t.normal(1)[0]), t.normal(n, d), (t.rng.uniform(size=n) < 0.5).astype(np.float32)


def _fixed_case():
    W = np.array([0.5, -1.0], np.float32)
    X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.0, -1.5], [2.0, 1.0]], np.float32)
    return W, np.float32(0.25), X, np.array([1.0, 0.0, 1.0, 0.0], np.float32)


def _gradient_pair(t, name, result):
    """Unpack and type-check a (dW, db) pair from the student's `name` -> two float64 arrays (copies)."""
    expect(isinstance(result, (tuple, list)) and len(result) == 2,
           f"`{name}` should return a pair (dW, db), got {type(result).__name__}")
    if any(part is None for part in result):
        raise CheckFailed(f"`{name}` returned None as a gradient: {AUTOGRAD_HINT[t.fw.name]}")
    for part, label in zip(result, ("dW", "db")):
        t.require_tensor(part, f"`{name}`'s {label}")
    return tuple(np.array(to_numpy(part), dtype=np.float64) for part in result)


def _gradient_mistakes(expected, n):
    """What a wrong batch_gradient returns, for the true mean gradient `expected` of n examples."""
    mistakes = {"that is minus the gradient, a sign flipped: either the descent direction -dJ/dW was returned "
                "(return dJ/dW itself; the update W - lr * dJ/dW adds the minus sign) or the loss lost its "
                "leading minus sign (binary cross-entropy is -[y log p + (1 - y) log(1 - p)])": -expected}
    if n > 1:
        mistakes["the loss is summed over the batch; J is the mean of the per-example losses"] = n * expected
    return mistakes


def test_batch_gradient(t):
    cases = [_fixed_case()]
    if t.hidden:
        cases += [_case(t, 7, 3), _case(t, 1, 4)]
    for W, b, X, y in cases:
        n = len(y)
        args = (t.tensor(W), t.tensor(b), t.tensor(X), t.tensor(y))
        G_W, G_b = _per_example_grads(W, b, X, y)
        expected_W, expected_b = G_W.mean(axis=0), G_b.mean()
        dW, db = _gradient_pair(t, "batch_gradient", t.call("batch_gradient", *args))
        what = f"batch_gradient for a batch of {n} example(s)"
        assert_close(dW, expected_W, f"{what}: dJ/dW", mistakes=_gradient_mistakes(expected_W, n))
        assert_close(db, expected_b, f"{what}: dJ/db", mistakes=_gradient_mistakes(expected_b, n))
        again, _ = _gradient_pair(t, "batch_gradient", t.call("batch_gradient", *args))
        assert_close(again, expected_W, "dJ/dW when batch_gradient is called a second time with the same tensors",
                     mistakes={"gradients are not zeroed: W.grad adds up the gradients of every call; take fresh "
                               "leaf tensors (W.detach()) or use torch.autograd.grad": 2 * expected_W})


def _error_text(message: str) -> str:
    """The framework's own words in a CheckFailed message about an error the student's code raised."""
    if "(The error: " in message:
        return message.split("(The error: ", 1)[1][:-1]  # the translated form ends "(The error: ...)"
    return message.split(" raised ", 1)[-1]


def _one_example_probe(t, failure: CheckFailed, W, b, X, y):
    """per_example_gradients raised: when batch_gradient works on a batch of one example (X[:1], y[:1]) but raises
    the same error on one whose X or y lost its batch axis (X[i], y[i]), say so; else re-raise the failure."""
    d = X.shape[1]
    try:
        t.call("batch_gradient", t.tensor(W), t.tensor(b), t.tensor(X[:1]), t.tensor(y[:1]))
    except (CheckFailed, NotAttempted):
        raise failure from None
    for x_row, y_row, what in [(X[0], y[0], f"X[i] (shape ({d},)) and y[i] (shape ())"),
                               (X[:1], y[0], "y[i] (shape ())"), (X[0], y[:1], f"X[i] (shape ({d},))")]:
        try:
            t.call("batch_gradient", t.tensor(W), t.tensor(b), t.tensor(x_row), t.tensor(y_row))
        except CheckFailed as probe:
            if _error_text(str(probe)) == _error_text(str(failure)):
                raise CheckFailed(f"`per_example_gradients` raised an error that batch_gradient raises too when "
                                  f"one example comes as {what}, without its batch axis: slice X[i:i+1] and "
                                  f"y[i:i+1], a batch of one example of shapes (1, {d}) and (1,). (The error: "
                                  f"{_error_text(str(failure))})") from None
        except NotAttempted:
            break
    raise failure


def test_per_example_gradients(t):
    cases = [_fixed_case()]
    if t.hidden:
        cases += [_case(t, 9, 3)]
    for W, b, X, y in cases:
        n = len(y)
        try:
            result = t.call("per_example_gradients", t.tensor(W), t.tensor(b), t.tensor(X), t.tensor(y))
        except CheckFailed as failure:
            _one_example_probe(t, failure, W, b, X, y)
        G_W, G_b = _gradient_pair(t, "per_example_gradients", result)
        expected_W, expected_b = _per_example_grads(W, b, X, y)
        for got, expected, label in [(G_W, expected_W, "G_W"), (G_b, expected_b, "G_b")]:
            mean = np.broadcast_to(expected.mean(axis=0), expected.shape)
            wrong_axis = {"the rows are stacked along the wrong axis: stack along axis 0 (dim=0), one row per "
                          "example, shape (n, d)": expected.T} if expected.ndim == 2 else {}
            assert_close(got, expected, f"per_example_gradients {label} for {n} examples (row i: example i alone)",
                         mistakes={**wrong_axis,
                             "every row is the gradient of the whole batch: give batch_gradient one example "
                             "at a time, X[i:i+1] and y[i:i+1]": mean,
                             "the gradients accumulate from one example to the next (row i is the sum of "
                             "rows 0..i): gradients are not zeroed between examples": np.cumsum(expected, axis=0),
                             "every row is the sum over all examples: the gradient accumulated and every row "
                             "is the same tensor; zero it for each example and copy it": n * mean,
                             "each row is divided by n: an example's gradient is that of its own loss, "
                             "not of its share of the mean": expected / n,
                             "every row is the last example's gradient: W.grad is one tensor that every "
                             "backward() overwrites, and each row is that same tensor; append a copy "
                             "(W.grad.clone())": np.broadcast_to(expected[-1], expected.shape),
                             "that is one gradient for the whole batch, of the sum of the losses (the gradient "
                             "of a vector of losses is that of their sum): take one example at a time, or "
                             "tape.jacobian for one row per example": expected.sum(axis=0),
                         })
        assert_close(G_W.mean(axis=0), t.ref.batch_gradient(*(t.tensor(a) for a in (W, b, X, y)))[0],
                     "the mean of your per-example gradients against the mini-batch gradient")


def _batch_indices(t, n, k, batch_size):
    return np.stack([t.rng.choice(n, size=batch_size, replace=False) for _ in range(k)]).astype(np.int64)


def test_gradient_variance(t):
    G = np.array([[1.0, 0.0, 2.0], [3.0, -1.0, 0.0], [-2.0, 1.0, 1.0], [0.0, 2.0, -1.0], [1.0, 1.0, 1.0]],
                 np.float32)
    cases = [(G, np.array([[0, 1], [2, 3], [4, 0]], np.int64))]
    if t.hidden:
        cases += [(t.normal(30, 3), _batch_indices(t, 30, 40, 5)), (t.normal(12, 4), _batch_indices(t, 12, 25, 1))]
    for G, batches in cases:
        batch_size = batches.shape[1]
        got = t.tensor_result("gradient_variance", t.tensor(G), t.tensor(batches, dtype="int64"))
        full = G.mean(axis=0)
        batch_means = G[batches].mean(axis=1)
        distances = ((batch_means - full) ** 2).sum(axis=1)
        mistakes = {
            "measure the spread around the full-batch gradient: subtract the mean of all the rows of G "
            "before squaring": (batch_means ** 2).sum(axis=1).mean(),
            "that is the mean distance, not the mean squared distance: square the norm": np.sqrt(distances).mean(),
            "the squared differences are averaged over the coordinates; sum them (a squared norm)":
                distances.mean() / G.shape[1],
        }
        if batch_size > 1:
            mistakes["a mini-batch gradient is the mean of its examples' gradients, not their sum"] = \
                ((G[batches].sum(axis=1) - full) ** 2).sum(axis=1).mean()
            mistakes["the mini-batch means are taken over axis 0, across the batches: average over axis=1 "
                     "(dim=1), the B examples of each batch"] = ((G[batches].mean(axis=0) - full) ** 2).sum(1).mean()
            mistakes["the distance is measured for each example before the batch mean is taken: average each "
                     "mini-batch's rows first, then measure the distance"] = ((G[batches] - full) ** 2).sum(-1).mean()
        if len(batches) > 1:
            own_mean = ((batch_means - batch_means.mean(axis=0)) ** 2).sum(axis=1)
            around = ("the spread is measured around the mini-batch gradients' own mean (the mean of the rows "
                      "the batches hold, or a framework variance of the batch means); measure it around the "
                      "full-batch gradient, the mean of all N rows of G")
            mistakes[around] = own_mean.mean()
            mistakes[f"{around} (and this variance divides by k - 1)"] = own_mean.sum() / (len(batches) - 1)
        mistakes["that is one distance per mini-batch: average them over the k batches, a scalar"] = distances
        assert_close(got, distances.mean(), f"gradient_variance for {len(batches)} batches of {batch_size} "
                     f"from {len(G)} examples", mistakes=mistakes)


# ---- predict, then run: the noise of a batch four times larger ----

# The numbers are those of the notebook (N = 256 students, the per-example gradients at W = 0, 2000 random batches
# of each size): sigma^2 = 0.591, noise(4) = 0.142, noise(16) = 0.035, alike in both frameworks.
NOISE_RATIO = Choice(
    "about how large noise(16) is compared with noise(4)", options={
        "a": "About 1/16 of it: averaging divides the error by B, so its square falls like 1/B².",
        "b": "About 1/4 of it: a mean of 4 times as many gradients varies 4 times less.",
        "c": "About 1/2 of it: a batch 4 times larger is only √4 = 2 times more precise.",
        "d": "About the same: a mini-batch gradient of any size is an unbiased estimate of the full-batch gradient.",
        "e": "About 3/4 of it: 16 students are still only 6% of the 256, and the noise falls fast only as B "
             "comes close to N.",
    }, answer="b", why={
        "a": "dividing the sum of the B gradients by B does divide its variance by B², but that sum varies B "
             "times as much as one gradient (B nearly independent draws): B·σ²/B² = σ²/B. 1/16 of noise(4) = "
             "0.142 would be 0.009; the measured noise(16) is 0.035",
        "c": "1/2 is what the typical error does, the square root of the noise: √0.142 = 0.38 and √0.035 = 0.19. "
             "noise(B) is a squared distance, and it falls to a quarter when its square root halves",
        "d": "unbiased means right on average over many batches, not close to the full-batch gradient in every "
             "batch; noise(B) measures how far one batch's gradient lands, and that spread shrinks as a batch "
             "averages more examples: 0.142 at B = 4, 0.035 at B = 16",
        "e": "how close B is to N matters only through the factor (N − B)/(N − 1), 0.99 at B = 4 and 0.94 at "
             "B = 16: it moves the ratio from 0.25 to 0.24 only. The noise shrinks with the number of examples "
             "averaged, not with their share of the data",
    })


EPOCHS = 4  # epochs drawn from each make_batches object: enough for a small shuffle buffer to show


def _epochs(t, batches, n: int):
    """Iterate the student's batches of `n` examples EPOCHS times -> that many lists of (xb, yb) NumPy pairs.
    No epoch of n examples has more than n batches: iterating stops there."""
    epochs = [take(batches, n, "an epoch of make_batches' batches") for _ in range(EPOCHS)]
    expect(len(epochs[0]) > 0, "make_batches gave no batches at all")
    expect(len(epochs[1]) > 0, "the second epoch is empty: return a Dataset / DataLoader, which can be iterated "
                               "again every epoch, not a generator that runs out after one")
    for pair in epochs[0]:
        expect(isinstance(pair, (tuple, list)) and len(pair) == 2, "each batch should be a pair (x_batch, y_batch), "
               f"got {type(pair).__name__}")
        t.require_tensor(pair[0], "each x batch")
    return [[(to_numpy(xb), to_numpy(yb)) for xb, yb in epoch] for epoch in epochs]


def _reach(order: np.ndarray) -> int:
    """How far ahead of its own position an epoch ever reached: max over positions j of order[j] - j.
    A tf.data shuffle buffer of b examples can never reach further than b - 1."""
    return int(np.max(order - np.arange(len(order))))


def test_make_batches(t):
    cases = [(10, 4, 7)]
    if t.hidden:
        cases += [(37, 8, int(t.rng.integers(1000))), (12, 12, 3), (200, 16, int(t.rng.integers(1000)))]
    for n, batch_size, seed in cases:
        X = np.stack([np.arange(n), 100 + np.arange(n)], axis=1).astype(np.float32)
        y = np.arange(n, dtype=np.float32)  # example i has x = (i, 100 + i) and y = i
        X_given, y_given = t.tensor(X), t.tensor(y)
        epochs = _epochs(t, t.call("make_batches", X_given, y_given, batch_size, seed), n)
        for given, before, label in [(X_given, X, "X"), (y_given, y, "y")]:
            expect(np.array_equal(to_numpy(t.ref.held(given)), before),
                   f"iterating over make_batches' batches changed the caller's {label} in place (x[:] = ..., "
                   "a shuffle that writes into the tensor): the data is not yours to reorder. Shuffle the "
                   "order you read it in, or work on a copy (x.clone())")
        sizes = [len(yb) for _, yb in epochs[0]]
        expected_sizes = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
        if sizes == expected_sizes[:-1] and n % batch_size:
            raise CheckFailed(f"{n} examples in batches of {batch_size}: the last, smaller batch of "
                              f"{n % batch_size} is missing: keep it (no drop_remainder / drop_last)")
        expect(sorted(sizes) == sorted(expected_sizes), f"{n} examples in batches of {batch_size}: expected "
                                                        f"batch sizes {expected_sizes}, got {sizes}")
        for xb, yb in (pair for epoch in epochs for pair in epoch):
            expect(np.array_equal(xb[:, 0], yb), "the labels no longer match their examples: x and y were "
                                                 "shuffled separately; shuffle the (x, y) pairs together")
        orders = [np.concatenate([yb for _, yb in epoch]) for epoch in epochs]
        expect(all(np.array_equal(np.sort(order), y) for order in orders),
               "an epoch should visit every example exactly once; got the labels "
               f"{np.sort(orders[0]).astype(int).tolist()}")
        if n > batch_size:
            expect(not np.array_equal(orders[0], y), "the examples come in their original order: shuffle the "
                   "examples, before batching (shuffling whole batches keeps each batch's examples together, and "
                   "can leave them all in order)")
            consecutive = all(np.array_equal(np.diff(np.sort(yb)), np.ones(len(yb) - 1)) for _, yb in epochs[0])
            expect(batch_size == 1 or not consecutive, "each batch holds consecutive examples: whole batches were "
                                                       "shuffled, not examples; shuffle first, then batch")
            expect(not np.array_equal(orders[0], orders[1]), "every epoch sees the examples in the same order: "
                                                             "reshuffle at the start of every epoch")
            # a full shuffle reaches past half the data in some epoch (odds against: below 1e-6 here)
            limit = batch_size if n < 30 else n // 2
            reach = max(_reach(order) for order in orders)
            expect(reach >= limit, f"in {EPOCHS} epochs of {n} examples, no example ever came out more than "
                   f"{reach} places ahead of where it stands in the data: the shuffle buffer is smaller than the "
                   f"data (tf.data's shuffle draws each example from the next buffer_size ones only). Shuffle in "
                   f"full: buffer_size = the number of examples, X.shape[0]")
            again = _epochs(t, t.call("make_batches", t.tensor(X), t.tensor(y), batch_size, seed), n)
            expect(np.array_equal(np.concatenate([yb for _, yb in again[0]]), orders[0]),
                   "two calls with the same seed gave different orders: pass `seed` to the shuffle")


def _train_numpy(W, b, batches, lr, accumulate=False, sign=1.0, after=False):
    """NumPy SGD over `batches` -> (W, b, losses before each step); `accumulate` never zeroes the gradients;
    `after`: each batch's loss taken after its step instead."""
    total_W, total_b, losses = 0.0, 0.0, []
    for X, y in batches:
        before = _mean_loss(W, b, X, y)
        G_W, G_b = _per_example_grads(W, b, X, y)
        total_W = (total_W if accumulate else 0.0) + G_W.mean(axis=0)
        total_b = (total_b if accumulate else 0.0) + G_b.mean()
        W, b = W - sign * lr * total_W, b - sign * lr * total_b
        losses.append(_mean_loss(W, b, X, y) if after else before)
    return W, b, np.array(losses)


def _epoch_means(losses, k):
    """Batch losses of consecutive epochs of k batches -> the mean of each epoch."""
    return np.asarray(losses).reshape(-1, k).mean(axis=1)


def _swapped_loss_probe(t, failure: CheckFailed, y_batch: np.ndarray):
    """train_epoch raised: when loss_fn(y, logits), its arguments swapped, raises the same error, say so;
    otherwise re-raise the failure as it is."""
    try:
        t.ref.loss_fn(t.tensor(y_batch), t.tensor(np.zeros((len(y_batch), 1), np.float32)))
    except Exception as error:
        lines = str(error).strip().splitlines()
        core = re.split(r" \[Op:| for '", re.sub(r"^\{\{.*?\}\}\s*", "", lines[0] if lines else ""))[0].strip()
        if len(core) > 10 and core in str(failure):
            raise CheckFailed(f"`train_epoch` raised an error that loss_fn raises too when its two arguments come in "
                              f"the wrong order: loss_fn takes (logits, y), the model's output first (the Keras "
                              f"losses take (y_true, y_pred); this one does not). (The error: {core})") from None
    raise failure


def test_train_epoch(t):
    """Two epochs on the same model; the losses train_epoch returns show every step it took (the second
    epoch's losses depend on all of the first epoch's steps), so the test needs nothing but them."""
    W0, b0, X, y = _fixed_case()
    order = [2, 0, 3, 1]
    cases = [(W0, b0, [(X, y), (X[order] * 0.5, y[order]), (X[:2] + 1, 1 - y[:2])], 0.5)]  # the last one smaller
    if t.hidden:
        W, b, X, y = _case(t, 23, 3)
        cases += [(W, b, [(X[i:i + 5], y[i:i + 5]) for i in range(0, 23, 5)], 0.3)]
    for W, b, batches, lr in cases:
        k = len(batches)
        model = t.ref.make_model(W, b)
        optimizer = t.ref.make_optimizer(model, lr)
        tensors = [(t.tensor(xb), t.tensor(yb)) for xb, yb in batches]
        right = _train_numpy(W, b, batches * 2, lr)[2]
        sizes = np.array([len(yb) for _, yb in batches])
        wrong = {
            "the weights did not change: take an optimizer step for every batch (and zero the gradients before "
            "backward, not between backward and the step)": _epoch_means(_train_numpy(W, b, batches * 2, 0.0)[2], k),
            "the gradients accumulate from batch to batch: zero them before each backward pass "
            "(optimizer.zero_grad())": _epoch_means(_train_numpy(W, b, batches * 2, lr, accumulate=True)[2], k),
            "the weights moved uphill: the step goes against the gradient":
                _epoch_means(_train_numpy(W, b, batches * 2, lr, sign=-1.0)[2], k),
            "that is the loss of the last batch only: return the mean over all batches": right[k - 1::k],
            "that is the loss of the first batch only: return the mean over all batches": right[::k],
            "that is the sum of the batch losses: divide by the number of batches": k * _epoch_means(right, k),
            "each loss is taken after its step: keep the loss of the forward pass that the step used, before "
            "the optimizer changes the weights": _epoch_means(_train_numpy(W, b, batches * 2, lr, after=True)[2], k),
            "that is the mean over examples, each batch's loss weighted by its size (the last batch is smaller): "
            "return the plain mean of the batch losses, each batch counting once":
                (right.reshape(-1, k) * sizes).sum(axis=1) / sizes.sum(),
        }
        for epoch, expected in enumerate(_epoch_means(right, k)):
            try:
                got = t.call("train_epoch", model, optimizer, t.ref.loss_fn, tensors)
            except CheckFailed as failure:
                _swapped_loss_probe(t, failure, batches[0][1])
            got = t.require_number(got, "`train_epoch`'s result, the epoch's mean loss,")
            assert_close(got, expected,
                         f"the mean batch loss train_epoch returned in epoch {epoch + 1} of {k} batches "
                         f"(SGD, learning rate {lr}; each loss taken before its step)", rtol=1e-3, atol=1e-4,
                         mistakes={mistake: means[epoch] for mistake, means in wrong.items()})


def test_scaled_learning_rate(t):
    cases = [(0.1, 32, 128), (0.5, 64, 16)]
    if t.hidden:
        cases += [(float(t.rng.uniform(0.01, 1)), int(t.rng.integers(1, 64)), int(t.rng.integers(65, 1024)))]
    for base_lr, base, batch in cases:
        got = t.call("scaled_learning_rate", base_lr, base, batch)
        expect(not t.fw.is_tensor(got), f"`scaled_learning_rate` should return a Python float, got a "
               f"{t.fw.tensor_type_name}: the rule is arithmetic on three numbers, and plain Python does it")
        got = t.require_number(got, "`scaled_learning_rate`'s result")
        assert_close(got, base_lr * batch / base,
                     f"scaled_learning_rate(base_lr={base_lr:.3g}, base_batch_size={base}, batch_size={batch})",
                     mistakes={
                         "the ratio is upside down: a larger batch gets a larger learning rate": base_lr * base / batch,
                         "that is the square-root rule; use the linear rule, lr proportional to B":
                             base_lr * np.sqrt(batch / base),
                         "multiply the ratio of batch sizes by base_lr": batch / base,
                         "batch_size // base_batch_size is integer division: it rounds the ratio down (to 0 for "
                         "a smaller batch); divide with /": base_lr * (batch // base),
                         "divide by base_batch_size too: the rule multiplies base_lr by the ratio of the batch "
                         "sizes, batch_size / base_batch_size": base_lr * batch,
                         "that is how much the rate grows by, (k - 1) times base_lr, with k = batch_size / "
                         "base_batch_size: the new rate is k times base_lr": base_lr * (batch - base) / base,
                     })



# ---- 8. the bug museum ----

# The numbers are those of the notebook's cells (N = 256 students, batches of 32, SGD at learning rate 0.5).
MUSEUM = {
    "forward_outside_tape": Choice(
        "forward_outside_tape: the training step computes the prediction outside what the framework records (before "
        "the `tf.GradientTape` block, as on the slide, or inside `torch.no_grad()`), and no gradient reaches the "
        "weights. Why?", options={
            "a": "The framework recorded nothing of the forward pass, so the loss has no recorded path back to the "
                 "weights: a `tf.GradientTape` records only the operations run inside its `with` block, and `torch` "
                 "records nothing inside `torch.no_grad()`.",
            "b": "The model's weights are created by its first call, after the recording began, so the framework "
                 "did not know them yet.",
            "c": "The loss function cannot differentiate through the labels: the prediction and the labels must be "
                 "computed together in the same block.",
            "d": "A fresh model starts at zero weights, where the gradient vanishes, so there is nothing to apply.",
        }, answer="a", why={
            "b": "the weights exist before any call: make_model creates them at once (a Keras model given its "
                 "Input shape, an nn.Linear). And the trouble is the reverse: the call that uses the weights, the "
                 "forward pass, is the part that went unrecorded",
            "c": "the labels need no gradient and come from the data, outside any block, in your train_epoch too; "
                 "it is the path from the weights to the prediction that must be recorded",
            "d": "at W = 0 the gradient on all students is far from zero (section 2 printed about (-0.26, -0.29) "
                 "for dJ/dW), and section 5 trained this same starting model, from the same loss 0.693. A zero "
                 "gradient would be a tensor of zeros, not None",
        }),
    "shuffle_window": Choice(
        "shuffle_window: the students come sorted by outcome, and although the batches are shuffled every epoch, "
        "nearly every batch of 32 holds only failed or only passed students. Why?", options={
            "a": "A batch of 32 students is too small to hold both outcomes: only large batches are representative.",
            "b": "The seed makes every epoch repeat the same order, so the shuffle does not really shuffle.",
            "c": "Each batch only ever holds students that lie close together in the sorted file: a `tf.data` "
                 "shuffle buffer of 16 picks each next student among only 16 held at a time, refilled in the "
                 "file's order, and the `torch` loop shuffles the order of the batches but not which students "
                 "share a batch.",
            "d": "The data hold too few students of one outcome for both to fit in every batch.",
        }, answer="c", why={
            "a": "32 students drawn at random from these 256 (55% passed) hold about 18 passes, give or take 3; "
                 "the chance that all 32 share one outcome is below one in a million. The batches here are one-sided "
                 "because of how they were drawn, not because of their size",
            "b": "a seed fixes which random orders come, not that they repeat: the two epochs printed differ (your "
                 "make_batches, seeded too, gives a new order every epoch). Each order is just as one-sided",
            "d": "142 of the 256 passed and 114 failed: a random batch of 32 holds about 18 passes and 14 "
                 "failures, and the cell printed share of passes 0.55 for all the students",
        }),
    "gradients_add_up": Choice(
        "gradients_add_up: the loop that never clears its gradients first gets ahead of the right one, then its "
        "loss climbs back towards that of the untrained model (0.693). Why?", options={
            "a": "The learning rate 0.5 is too large for batches of 32: long steps overshoot the minimum.",
            "b": "Every step applies the sum of all the gradients so far, not the current batch's (`torch`'s "
                 "`backward()` adds into `.grad` until `zero_grad()` clears it; the `tf` loop adds each gradient "
                 "to a total it never resets): the first batches' gradients keep pushing long after the weights "
                 "went past where they pointed.",
            "c": "The batches come in the same order every epoch, so the model learns the order, not the data.",
            "d": "The optimizer's momentum keeps the weights moving after the loss stops falling.",
        }, answer="b", why={
            "a": "the loop beside it uses the same learning rate 0.5 on the same batches and its loss falls every "
                 "epoch (0.41 after the first, 0.28 after the eighth); section 7 trained batches of 32 well at "
                 "learning rates of 3 and more",
            "c": "the right loop uses the same fixed order and trains well; a fixed order makes the steps repeat "
                 "from epoch to epoch, it does not make the loss climb",
            "d": "the optimizer has no momentum: make_optimizer builds plain SGD (momentum 0, the default in both "
                 "frameworks). "
                 "Momentum would also let old gradients fade, by a factor such as 0.9 a step; here they never fade: "
                 "the 64th step still carries the first batch's gradient at full strength",
        }),
}


# Reference helpers that make the objects a test gives the student's code (models, optimizers, layers) or
# work on the objects it returns: the grader runs these in the notebook's process (autograder.remote);
# every other helper works on data and runs in the judge.
IN_NOTEBOOK = frozenset({"make_model", "make_optimizer", "held"})

EXERCISES = [
    Exercise("batch_gradient", "The gradient of a mini-batch", 2, test_batch_gradient, [
        "J is the mean of per_example_loss over the batch; let autograd differentiate J with respect to W and b.",
        "TensorFlow: a GradientTape follows plain tensors only after tape.watch([W, b]); take the mean of the "
        "per-example losses inside the tape, then ask tape.gradient for [W, b]. PyTorch: work on fresh leaf "
        "copies of W and b (detach them, then requires_grad_(True)), take the mean (not the sum) of the losses, "
        "and torch.autograd.grad(J, [W, b]) returns both without touching .grad.",
    ]),
    Exercise("per_example_gradients", "One gradient per example", 2, test_per_example_gradients, [
        "Call your batch_gradient on batches of one example each and stack the results.",
        "Slice with X[i:i+1] and y[i:i+1] so each batch keeps its (1, d) shape; collect the pairs in a list "
        "and stack the dW's into (n, d) and the db's into (n,) (tf.stack / torch.stack).",
    ]),
    Exercise("gradient_variance", "How noisy is a mini-batch gradient?", 2, test_gradient_variance, [
        "Three means: one per mini-batch over its rows of G, one over all the rows (the full-batch gradient), "
        "and at the end one over the squared distances of the k mini-batches.",
        "G[batches] (tf.gather(G, batches) in TensorFlow) has shape (k, B, p): average over axis=1 to get the "
        "(k, p) mini-batch gradients, subtract the mean of G over axis=0, square, sum over axis=1, then average.",
    ]),
    Exercise("predict_noise_ratio", "Predict: the noise of a batch four times larger", 1,
             prediction_test("predict_noise_ratio", NOISE_RATIO), [
                 "noise(B) is the variance of a mean of B gradients. How does the variance of a sum of B independent "
                 "random numbers grow with B, and what does dividing a random number by B do to its variance?",
                 "A variance is in squared units: dividing a number by B divides its variance by B². The sum of B "
                 "independent draws has B times the variance of one draw. Combine the two for B = 4 and B = 16, "
                 "and mind that noise(B) is a squared distance, not a distance.",
             ], question=NOISE_RATIO),
    Exercise("make_batches", "Shuffled mini-batches from the framework", 2, test_make_batches, [
        "Build the framework's dataset of pairs, shuffle it, then cut it into batches: the comments in the "
        "exercise cell name the calls.",
        "Shuffle before batching. TensorFlow: a buffer as large as the data (buffer_size=X.shape[0]) and "
        "seed=seed. PyTorch: shuffle=True, and generator= a torch.Generator seeded with manual_seed(seed), "
        "from which the DataLoader draws a new order every epoch.",
    ]),
    Exercise("train_epoch", "One epoch of mini-batch training", 3, test_train_epoch, [
        "For every batch: the loss of the model's output, its gradients, one optimizer step. Keep each "
        "batch's loss as a float and return their mean.",
        "TensorFlow: compute the loss inside the tape, then tape.gradient with respect to "
        "model.trainable_variables, and apply_gradients on the zipped (gradient, variable) pairs. PyTorch: "
        "zero_grad() before backward() for every batch, then step(); loss.item() gives the float. "
        "The mean is the sum of the losses divided by len(losses).",
    ]),
    Exercise("scaled_learning_rate", "The linear scaling rule", 1, test_scaled_learning_rate, [
        "A batch k times larger gets a learning rate k times larger.",
        "k = batch_size / base_batch_size; multiply base_lr by it.",
    ]),
    Exercise("bug_museum", "The bug museum: why each exhibit goes wrong", 1, prediction_test("bug_museum", MUSEUM), [
        "For each exhibit, compare what it printed with what the right code gives (printed beside it, or in the "
        "section that built that code), then find the line of the exhibit that makes exactly that difference.",
        "forward_outside_tape: which operations lie between the weights and the loss, and were they all run "
        "where the framework records? shuffle_window: where in the sorted file can the students of one batch "
        "come from? gradients_add_up: what does the optimizer's step use at the tenth batch, in each loop?",
    ], question=MUSEUM),
]
