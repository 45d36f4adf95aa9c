"""Lab 05, mini-batches: exercises, their tests and hints (framework-neutral).

The model throughout is logistic regression (one perceptron with a sigmoid) trained with binary
cross-entropy, so every expected gradient has a closed form in NumPy: for one example,
dL/dW = (sigmoid(z) - y) x and dL/db = sigmoid(z) - y with z = x . W + b.
"""
import numpy as np

from mitdl_utils.checking import CheckFailed, Exercise, assert_close, expect, take, to_numpy

AUTOGRAD_HINT = {
    "tensorflow": "the tape only follows what it watches: call tape.watch(W) and tape.watch(b) inside the "
                  "`with tf.GradientTape() as tape:` block, before computing the loss",
    "torch": "autograd only follows tensors that require it: W = W.detach().requires_grad_(True), the same for b",
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
    mistakes = {"that is minus the gradient (the direction to step in): return dJ/dW itself; "
                "the update W - lr * dJ/dW adds the minus sign": -expected}
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


def test_per_example_gradients(t):
    cases = [_fixed_case()]
    if t.hidden:
        cases += [_case(t, 9, 3)]
    for W, b, X, y in cases:
        n = len(y)
        result = t.call("per_example_gradients", t.tensor(W), t.tensor(b), t.tensor(X), t.tensor(y))
        G_W, G_b = _gradient_pair(t, "per_example_gradients", result)
        expected_W, expected_b = _per_example_grads(W, b, X, y)
        for got, expected, label in [(G_W, expected_W, "G_W"), (G_b, expected_b, "G_b")]:
            mean = np.broadcast_to(expected.mean(axis=0), expected.shape)
            assert_close(got, expected, f"per_example_gradients {label} for {n} examples (row i: example i alone)",
                         mistakes={
                             "every row is the gradient of the whole batch: give batch_gradient one example "
                             "at a time, X[i:i+1] and y[i:i+1]": mean,
                             "the gradients accumulate from one example to the next (row i is the sum of "
                             "rows 0..i): gradients are not zeroed between examples": np.cumsum(expected, axis=0),
                             "every row is the sum over all examples: the gradient accumulated and every row "
                             "is the same tensor; zero it for each example and copy it": n * mean,
                             "each row is divided by n: an example's gradient is that of its own loss, "
                             "not of its share of the mean": expected / n,
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
        assert_close(got, distances.mean(), f"gradient_variance for {len(batches)} batches of {batch_size} "
                     f"from {len(G)} examples", mistakes=mistakes)


def _epochs(t, batches, n: int):
    """Iterate the student's batches of `n` examples twice -> two lists of (xb, yb) NumPy pairs.
    No epoch of n examples has more than n batches: iterating stops there."""
    epochs = [take(batches, n, "an epoch of make_batches' batches") for _ in range(2)]
    expect(len(epochs[0]) > 0, "make_batches gave no batches at all")
    expect(len(epochs[1]) > 0, "the second epoch is empty: return a Dataset / DataLoader, which can be iterated "
                               "again every epoch, not a generator that runs out after one")
    for pair in epochs[0]:
        expect(isinstance(pair, (tuple, list)) and len(pair) == 2, "each batch should be a pair (x_batch, y_batch), "
               f"got {type(pair).__name__}")
        t.require_tensor(pair[0], "each x batch")
    return [[(to_numpy(xb), to_numpy(yb)) for xb, yb in epoch] for epoch in epochs]


def test_make_batches(t):
    cases = [(10, 4, 7)]
    if t.hidden:
        cases += [(37, 8, int(t.rng.integers(1000))), (12, 12, 3)]
    for n, batch_size, seed in cases:
        X = np.stack([np.arange(n), 100 + np.arange(n)], axis=1).astype(np.float32)
        y = np.arange(n, dtype=np.float32)  # example i has x = (i, 100 + i) and y = i
        epochs = _epochs(t, t.call("make_batches", t.tensor(X), t.tensor(y), batch_size, seed), n)
        sizes = [len(yb) for _, yb in epochs[0]]
        expected_sizes = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
        if sizes == expected_sizes[:-1] and n % batch_size:
            raise CheckFailed(f"{n} examples in batches of {batch_size}: the last, smaller batch of "
                              f"{n % batch_size} is missing: keep it (no drop_remainder / drop_last)")
        expect(sorted(sizes) == sorted(expected_sizes), f"{n} examples in batches of {batch_size}: expected "
                                                        f"batch sizes {expected_sizes}, got {sizes}")
        for xb, yb in epochs[0] + epochs[1]:
            expect(np.array_equal(xb[:, 0], yb), "the labels no longer match their examples: x and y were "
                                                 "shuffled separately; shuffle the (x, y) pairs together")
        orders = [np.concatenate([yb for _, yb in epoch]) for epoch in epochs]
        expect(all(np.array_equal(np.sort(order), y) for order in orders),
               "an epoch should visit every example exactly once; got the labels "
               f"{np.sort(orders[0]).astype(int).tolist()}")
        if n > batch_size:
            expect(not np.array_equal(orders[0], y), "the batches come in the original order: shuffle the examples")
            consecutive = all(np.array_equal(np.diff(np.sort(yb)), np.ones(len(yb) - 1)) for _, yb in epochs[0])
            expect(batch_size == 1 or not consecutive, "each batch holds consecutive examples: whole batches were "
                                                       "shuffled, not examples; shuffle first, then batch")
            expect(not np.array_equal(orders[0], orders[1]), "every epoch sees the examples in the same order: "
                                                             "reshuffle at the start of every epoch")
            again = _epochs(t, t.call("make_batches", t.tensor(X), t.tensor(y), batch_size, seed), n)
            expect(np.array_equal(np.concatenate([yb for _, yb in again[0]]), orders[0]),
                   "two calls with the same seed gave different orders: pass `seed` to the shuffle")


def _train_numpy(W, b, batches, lr, accumulate=False, sign=1.0):
    """NumPy SGD over `batches` -> (W, b, losses before each step); `accumulate` never zeroes the gradients."""
    total_W, total_b, losses = 0.0, 0.0, []
    for X, y in batches:
        losses.append(_mean_loss(W, b, X, y))
        G_W, G_b = _per_example_grads(W, b, X, y)
        total_W = (total_W if accumulate else 0.0) + G_W.mean(axis=0)
        total_b = (total_b if accumulate else 0.0) + G_b.mean()
        W, b = W - sign * lr * total_W, b - sign * lr * total_b
    return W, b, np.array(losses)


def _epoch_means(losses, k):
    """Batch losses of consecutive epochs of k batches -> the mean of each epoch."""
    return np.asarray(losses).reshape(-1, k).mean(axis=1)


def test_train_epoch(t):
    """Two epochs on the same model; the losses train_epoch returns show every step it took (the second
    epoch's losses depend on all of the first epoch's steps), so the test needs nothing but them."""
    W0, b0, X, y = _fixed_case()
    order = [2, 0, 3, 1]
    cases = [(W0, b0, [(X, y), (X[order] * 0.5, y[order]), (X + 1, 1 - y)], 0.5)]
    if t.hidden:
        W, b, X, y = _case(t, 20, 3)
        cases += [(W, b, [(X[i:i + 5], y[i:i + 5]) for i in range(0, 20, 5)], 0.3)]
    for W, b, batches, lr in cases:
        k = len(batches)
        model = t.ref.make_model(W, b)
        optimizer = t.ref.make_optimizer(model, lr)
        tensors = [(t.tensor(xb), t.tensor(yb)) for xb, yb in batches]
        right = _train_numpy(W, b, batches * 2, lr)[2]
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
        }
        for epoch, expected in enumerate(_epoch_means(right, k)):
            got = t.call("train_epoch", model, optimizer, t.ref.loss_fn, tensors)
            expect(np.ndim(to_numpy(got)) == 0, "`train_epoch` should return one number, the epoch's mean loss")
            assert_close(float(to_numpy(got)), expected,
                         f"the mean batch loss train_epoch returned in epoch {epoch + 1} of {k} batches "
                         f"(SGD, learning rate {lr}; each loss taken before its step)", rtol=1e-3, atol=1e-4,
                         mistakes={mistake: means[epoch] for mistake, means in wrong.items()})


def test_scaled_learning_rate(t):
    cases = [(0.1, 32, 128), (0.5, 64, 16)]
    if t.hidden:
        cases += [(float(t.rng.uniform(0.01, 1)), int(t.rng.integers(1, 64)), int(t.rng.integers(65, 1024)))]
    for base_lr, base, batch in cases:
        got = t.call("scaled_learning_rate", base_lr, base, batch)
        expect(np.ndim(to_numpy(got)) == 0, "`scaled_learning_rate` should return one number")
        assert_close(float(to_numpy(got)), base_lr * batch / base,
                     f"scaled_learning_rate(base_lr={base_lr:.3g}, base_batch_size={base}, batch_size={batch})",
                     mistakes={
                         "the ratio is upside down: a larger batch gets a larger learning rate": base_lr * base / batch,
                         "that is the square-root rule; use the linear rule, lr proportional to B":
                             base_lr * np.sqrt(batch / base),
                         "multiply the ratio of batch sizes by base_lr": batch / base,
                     })



# Reference helpers that make the objects a test gives the student's code (models, optimizers, layers) or
# work on the objects it returns: the grader runs these in the notebook's process (autograder.remote);
# every other helper works on data and runs in the judge.
IN_NOTEBOOK = frozenset({"make_model", "make_optimizer"})

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
]
