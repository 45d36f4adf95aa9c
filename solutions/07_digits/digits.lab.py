# %% [markdown]
# # Lab 07 · Putting it together: handwritten digits ({{framework}})
#
# Until now every data set in these labs was made up on the spot, small enough to see whole. This lab ends
# the course on real data: 1,797 handwritten digits, scanned and shrunk to 8 × 8 pixels. You take the data
# from its raw form to a trained network and an honest measure of how well it works, and every piece on the
# way is yours: the split, the scaling, a dense classifier with dropout, the softmax cross-entropy, the
# training step, the epoch, and a training loop with Adam and early stopping. Then you do the same in the
# framework's own idiom and compare, and you look at what the network gets right and wrong next to a plain
# linear model.
#
# **How this notebook works.** Each exercise has a function to complete where it says
# `# YOUR CODE HERE`, followed by a check cell. Run the check: it says *passed*, *not attempted
# yet*, or what is wrong (expected vs got, and the likely mistake). `lab.hint("name")` gives a hint,
# a more specific one each time you call it. Hidden tests with fresh inputs decide the grade, so make
# the function right, not just the example: the grader trains your code on a split of the digits that only
# it knows. `lab.progress()` at the end sums up.

# %% fw="tensorflow"
import numpy as np
from sklearn.datasets import load_digits

from mitdl_utils import open_lab
from mitdl_utils.budget import grading
from mitdl_utils.labs.digits import DROPOUT, N_CLASSES, N_HIDDEN, SPLIT_SEED, TEST_FRACTION, TRAINING, VAL_FRACTION
from mitdl_utils.labs.digits.plots import (plot_accuracies, plot_confusion_matrix, plot_learning_curves,
                                           show_digits, show_misclassified)

import tensorflow as tf

lab = open_lab("digits", framework="tensorflow")

# %% fw="torch"
import copy

import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

# The network in this lab is small: one CPU thread runs it faster than several threads taking turns.
torch.set_num_threads(1)

from mitdl_utils import open_lab
from mitdl_utils.budget import grading
from mitdl_utils.labs.digits import DROPOUT, N_CLASSES, N_HIDDEN, SPLIT_SEED, TEST_FRACTION, TRAINING, VAL_FRACTION
from mitdl_utils.labs.digits.plots import (plot_accuracies, plot_confusion_matrix, plot_learning_curves,
                                           show_digits, show_misclassified)

lab = open_lab("digits", framework="torch")

# %% [markdown]
# ## 1. The data
#
# scikit-learn ships this data set inside its package, so loading it needs no network. Each row of `X` is
# one image, its 64 pixels read row by row, each an intensity from 0 (blank) to 16 (full ink); `y` holds the
# digit each image shows. The ten classes are almost equally common, about 180 images each.

# %%
digits = load_digits()
X, y = digits.data, digits.target
print(f"X: {X.shape} pixel intensities from {X.min():g} to {X.max():g}; y: {y.shape} labels 0-9")
print("images per class:", np.bincount(y).tolist())
show_digits(X[:24], y[:24])

# %% [markdown]
# ## 2. Three splits, each with its own job
#
# The network learns from the **training** split. The **validation** split decides when to stop training
# (and would choose any other setting we tuned). The **test** split is looked at once, at the very end, to
# say how well the finished network does on digits that had no say in anything. If the test digits had
# helped choose anything, the test accuracy would flatter the network.
#
# Two more requirements. The split should be **stratified**: each class keeps its share in every split, so
# that a small split does not end up short of sevens by chance. And it should be **seeded**: the same seed
# gives the same split, so that every run of this notebook (and every student's) compares the same things.
#
# **{{exercise:stratified_split}}.** Write `stratified_split(y, val_fraction, test_fraction, seed)`, which
# returns three arrays of indices into `y`: `(train, val, test)`. Make one generator,
# `np.random.default_rng(seed)`, and for each class in turn shuffle the indices of its examples with it;
# of a class with $n$ examples the first `round(test_fraction * n)` go to the test split, the next
# `round(val_fraction * n)` to validation, and the rest to training. Every example ends up in exactly one split.

# %% solution="stratified_split"
def stratified_split(y, val_fraction, test_fraction, seed):
    """y: (n,) labels -> (train, val, test) index arrays; every class keeps its share in each split."""
    ### BEGIN SOLUTION
    rng = np.random.default_rng(seed)
    train, val, test = [], [], []
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        n_test, n_val = round(test_fraction * len(members)), round(val_fraction * len(members))
        test.append(members[:n_test])
        val.append(members[n_test:n_test + n_val])
        train.append(members[n_test + n_val:])
    return np.concatenate(train), np.concatenate(val), np.concatenate(test)
    ### END SOLUTION

# %% tests="stratified_split"

# %% [markdown]
# Our split: 20% for validation, 20% for test, seed 0. Every class keeps about 60 / 20 / 20 percent of its
# images in the three splits.

# %%
SPLIT_READY = lab.ready("stratified_split")
if SPLIT_READY:
    train_idx, val_idx, test_idx = stratified_split(y, VAL_FRACTION, TEST_FRACTION, SPLIT_SEED)
    print(f"{len(train_idx)} training, {len(val_idx)} validation, {len(test_idx)} test images")
    for name, part in [("training", train_idx), ("validation", val_idx), ("test", test_idx)]:
        print(f"  {name:<10} images per class: {np.bincount(y[part], minlength=N_CLASSES).tolist()}")

# %% [markdown]
# ## 3. Scaling, with the training split's statistics only
#
# Raw pixels run from 0 to 16, and some pixels are dark in almost every image while others vary a lot.
# Standardizing each feature (here: each pixel) to mean 0 and standard deviation 1 puts them all on one
# scale, which lets one learning rate suit every weight:
#
# $$x'_{ij} = \frac{x_{ij} - \mu_j}{\sigma_j}, \qquad \mu_j, \sigma_j = \text{mean and standard deviation of
# feature } j \text{ over the training split}.$$
#
# The statistics come from the **training split only**, and the same $\mu$ and $\sigma$ then scale the
# validation and test splits. Scaling is part of the model: a network deployed tomorrow cannot compute the
# mean of images it has not seen yet. Computing $\mu$ and $\sigma$ over all the data would let the test
# digits shape the inputs the network trains on, a small **leak** that makes the test accuracy no longer a
# measure on unseen data.
#
# A detail of this data set: four pixels on the border of the image are 0 in every one of our training
# images. Their $\sigma_j$ is 0, and dividing by it would give NaN; such a feature is only centred (divide
# by 1).
#
# **{{exercise:standardize}}.** Write `standardize(X_train, X_val, X_test)`, which returns the three splits
# scaled as above, with NumPy.

# %% solution="standardize"
def standardize(X_train, X_val, X_test):
    """(n, d) arrays -> the three splits scaled with the training split's per-feature mean and std."""
    ### BEGIN SOLUTION
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return (X_train - mean) / std, (X_val - mean) / std, (X_test - mean) / std
    ### END SOLUTION

# %% tests="standardize"

# %% [markdown]
# The splits as {{framework}} tensors: pixels as float32, labels as int64 (class indices, the form the
# losses below take).

# %%
DATA_READY = SPLIT_READY and lab.ready("standardize")
if DATA_READY:
    X_train, X_val, X_test = (lab.tensor(a) for a in standardize(X[train_idx], X[val_idx], X[test_idx]))
    y_train, y_val, y_test = (lab.tensor(y[part], "int64") for part in (train_idx, val_idx, test_idx))
    print(f"training pixels now: mean {float(np.mean(np.asarray(X_train))):.3f}, "
          f"std {float(np.std(np.asarray(X_train))):.3f} (the constant pixels stay 0)")

# %% [markdown]
# ## 4. A dense classifier with dropout
#
# The network takes the 64 pixels and returns 10 numbers, one **logit** per class; the largest logit is its
# answer. Between input and output sits one hidden layer of 256 ReLU units, and after it the regularizer of
# lab 06, inverted dropout:
#
# $$h = \text{dropout}\bigl(\text{ReLU}(x W_1 + b_1)\bigr), \qquad \text{logits} = h W_2 + b_2,$$
#
# with $W_1$ of shape (inputs, hidden) and $W_2$ of shape (hidden, classes). There is no softmax at the end:
# the loss below takes the logits and applies the softmax itself, which is both cheaper and more accurate.
#
# **{{exercise:classifier}}.** Write `dropout(x, p, training)` as in lab 06 (a fresh mask every call; keep
# an entry with probability $1 - p$ and divide it by $1 - p$; with `training=False` return `x`), then
# complete `DigitClassifier`: its four weights, created the {{framework}} way so that they are trained (the
# comment in the cell says how; start $W_1$ and $W_2$ from small random numbers, $b_1$ and $b_2$ at zero),
# and the forward pass above, with dropout active in training mode only.

# %% fw="tensorflow" solution="classifier"
# Weights: self.add_weight(shape=..., initializer="random_normal") (normal, sigma = 0.05) or
# initializer="zeros". Keras calls the model with training=True inside fit() and training=False in predict()
# and evaluate(); when you call it yourself, model(x, training=True). None means not training.
def dropout(x, p, training=True):
    """Inverted dropout. x: float tensor, any shape; 0 <= p < 1 -> same shape."""
    ### BEGIN SOLUTION
    if not training:
        return x
    keep = tf.random.uniform(tf.shape(x), dtype=x.dtype) >= p
    return tf.where(keep, x / (1 - p), tf.zeros_like(x))
    ### END SOLUTION


class DigitClassifier(tf.keras.Model):
    """x (n, n_inputs) -> ReLU hidden layer -> dropout -> logits (n, n_classes)."""

    def __init__(self, n_inputs, n_hidden, n_classes, p, **kwargs):
        super().__init__(**kwargs)
        self.p = p
        ### BEGIN SOLUTION
        self.W1 = self.add_weight(shape=(n_inputs, n_hidden), initializer="random_normal")
        self.b1 = self.add_weight(shape=(n_hidden,), initializer="zeros")
        self.W2 = self.add_weight(shape=(n_hidden, n_classes), initializer="random_normal")
        self.b2 = self.add_weight(shape=(n_classes,), initializer="zeros")
        ### END SOLUTION

    def call(self, x, training=None):
        """x: (n, n_inputs) -> logits (n, n_classes)."""
        ### BEGIN SOLUTION
        hidden = dropout(tf.nn.relu(x @ self.W1 + self.b1), self.p, training=bool(training))
        return hidden @ self.W2 + self.b2
        ### END SOLUTION

# %% fw="torch" solution="classifier"
# Weights: nn.Parameter(torch.randn(...) * 0.05) (normal, sigma = 0.05) or nn.Parameter(torch.zeros(...)),
# assigned to self. model.train() and model.eval() set self.training to True or False, for the model and
# every module inside it.
def dropout(x, p, training=True):
    """Inverted dropout. x: float tensor, any shape; 0 <= p < 1 -> same shape."""
    ### BEGIN SOLUTION
    if not training:
        return x
    keep = torch.rand_like(x) >= p
    return torch.where(keep, x / (1 - p), torch.zeros_like(x))
    ### END SOLUTION


class DigitClassifier(nn.Module):
    """x (n, n_inputs) -> ReLU hidden layer -> dropout -> logits (n, n_classes)."""

    def __init__(self, n_inputs, n_hidden, n_classes, p):
        super().__init__()
        self.p = p
        ### BEGIN SOLUTION
        self.W1 = nn.Parameter(torch.randn(n_inputs, n_hidden) * 0.05)
        self.b1 = nn.Parameter(torch.zeros(n_hidden))
        self.W2 = nn.Parameter(torch.randn(n_hidden, n_classes) * 0.05)
        self.b2 = nn.Parameter(torch.zeros(n_classes))
        ### END SOLUTION

    def forward(self, x):
        """x: (n, n_inputs) -> logits (n, n_classes)."""
        ### BEGIN SOLUTION
        hidden = dropout(torch.relu(x @ self.W1 + self.b1), self.p, training=self.training)
        return hidden @ self.W2 + self.b2
        ### END SOLUTION

# %% tests="classifier"

# %% [markdown]
# Two helpers for the rest of the lab (given): `evaluate` measures a model's mean cross-entropy and accuracy
# on a split in evaluation mode (dropout off), with {{framework}}'s own loss; `predict` returns its answers
# as a NumPy array of classes.

# %% fw="tensorflow"
def evaluate(model, X, y):
    """-> (mean cross-entropy, accuracy) of `model` on (X, y) in evaluation mode, as floats."""
    logits = model(X, training=False)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    return float(loss), float(tf.reduce_mean(tf.cast(tf.argmax(logits, axis=1) == y, tf.float32)))


def predict(model, X):
    """-> the class with the largest logit for each row of X, as a NumPy array."""
    return np.argmax(model(X, training=False), axis=1)

# %% fw="torch"
def evaluate(model, X, y):
    """-> (mean cross-entropy, accuracy) of `model` on (X, y) in evaluation mode, as floats; the mode is kept."""
    was_training = model.training
    model.eval()
    with torch.no_grad():
        logits = model(X)
    model.train(was_training)
    return nn.functional.cross_entropy(logits, y).item(), (logits.argmax(dim=1) == y).float().mean().item()


def predict(model, X):
    """-> the class with the largest logit for each row of X, as a NumPy array."""
    model.eval()
    with torch.no_grad():
        return model(X).argmax(dim=1).numpy()

# %% [markdown]
# An untrained network knows nothing: what it gets right, it gets right by chance (one digit in ten on
# average), and its loss is close to $\ln 10$, for a reason the next section explains.

# %%
TRAINING_DEMOS = not grading()  # the grader skips the training runs of this notebook: nothing in them is graded
MODEL_READY = DATA_READY and lab.ready("classifier")
if MODEL_READY:
    untrained = DigitClassifier(64, N_HIDDEN, N_CLASSES, DROPOUT)
    loss, accuracy = evaluate(untrained, X_val, y_val)
    print(f"{64 * N_HIDDEN + N_HIDDEN + N_HIDDEN * N_CLASSES + N_CLASSES} weights; untrained: validation "
          f"accuracy {accuracy:.1%}, cross-entropy {loss:.3f} (ln 10 = {np.log(10):.3f})")

# %% [markdown]
# ## 5. The loss: softmax cross-entropy on logits
#
# The softmax turns a row of logits $z$ into probabilities, $p_j = e^{z_j} / \sum_k e^{z_k}$, and the
# cross-entropy of an example whose label is $c$ is $-\log p_c$ (lab 03). Written with the logits,
#
# $$L = -\log \frac{e^{z_c}}{\sum_k e^{z_k}} = \log \sum_k e^{z_k} - z_c.$$
#
# With small random weights all logits are near 0, every $p_j$ is near $\tfrac{1}{10}$ and the loss near
# $\ln 10 \approx 2.303$: the number printed above. The formula has one trap: $e^{z}$ overflows float32 once
# $z$ passes about 88, and a logit of 1000 gives `inf` and then `nan`. Subtracting each row's largest logit
# $m$ first changes nothing, since $\log \sum_k e^{z_k} = m + \log \sum_k e^{z_k - m}$, and every
# $e^{z_k - m}$ is at most 1.
#
# **{{exercise:cross_entropy}}.** Write `softmax_cross_entropy(logits, labels)`: logits of shape (n, k),
# integer labels of shape (n,), and the mean loss over the batch as a scalar tensor, computed stably.
# Write it from the formula (the check looks for the framework's own cross-entropy).

# %% fw="tensorflow" solution="cross_entropy"
def softmax_cross_entropy(logits, labels):
    """logits: (n, k), labels: int (n,) -> scalar: mean of log(sum_j exp(z_j)) - z_label."""
    ### BEGIN SOLUTION
    shifted = logits - tf.reduce_max(logits, axis=1, keepdims=True)
    log_probabilities = shifted - tf.math.log(tf.reduce_sum(tf.exp(shifted), axis=1, keepdims=True))
    return -tf.reduce_mean(tf.gather(log_probabilities, labels, axis=1, batch_dims=1))
    ### END SOLUTION

# %% fw="torch" solution="cross_entropy"
def softmax_cross_entropy(logits, labels):
    """logits: (n, k), labels: int (n,) -> scalar: mean of log(sum_j exp(z_j)) - z_label."""
    ### BEGIN SOLUTION
    shifted = logits - logits.max(dim=1, keepdim=True).values
    log_probabilities = shifted - torch.log(torch.exp(shifted).sum(dim=1, keepdim=True))
    return -log_probabilities[torch.arange(len(labels)), labels].mean()
    ### END SOLUTION

# %% tests="cross_entropy"

# %% [markdown]
# ## 6. One training step
#
# A step is what lab 05's loop did for each batch: the logits, the loss, its gradients with respect to the
# weights, one update by the optimizer. Here the step is a function of its own, made once for a model, an
# optimizer and a loss, and then called for every batch.
#
# **{{exercise:train_step}}.** Write `make_train_step(model, optimizer, loss_fn)`, which returns a function
# `step(x, y)`: it updates the model once on the batch `(x, y)` and returns the loss and the logits, both
# computed before the update. The comment in the cell lists the {{framework}} calls.

# %% fw="tensorflow" solution="train_step"
# with tf.GradientTape() as tape: ...      compute the logits (training=True) and the loss inside it
# tape.gradient(loss, model.trainable_variables);  optimizer.apply_gradients(zip(grads, variables))
# @tf.function on `step` runs it as a graph: TensorFlow traces it on the first call, then runs the traced
# graph without Python, many times faster than op by op. Inside it, use TensorFlow operations only.
def make_train_step(model, optimizer, loss_fn):
    """-> step(x, y): one update of `model` on the batch; returns (loss, logits) from before the update."""
    ### BEGIN SOLUTION
    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss = loss_fn(logits, y)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss, logits
    return step
    ### END SOLUTION

# %% fw="torch" solution="train_step"
# model.train()          training mode, so that dropout is on
# optimizer.zero_grad()  PyTorch adds every backward()'s gradients to .grad: clear them first
# loss.backward(), then optimizer.step();  return loss.detach() and logits.detach() (no graph kept alive)
def make_train_step(model, optimizer, loss_fn):
    """-> step(x, y): one update of `model` on the batch; returns (loss, logits) from before the update."""
    ### BEGIN SOLUTION
    def step(x, y):
        model.train()
        optimizer.zero_grad()
        logits = model(x)
        loss = loss_fn(logits, y)
        loss.backward()
        optimizer.step()
        return loss.detach(), logits.detach()
    return step
    ### END SOLUTION

# %% tests="train_step"

# %% [markdown]
# Ten steps of Adam on the same 128 training digits: the loss on that batch falls from about 2.3 to almost
# nothing. The network has all but memorised these 128 images, which says nothing yet about new ones.

# %% fw="tensorflow"
if TRAINING_DEMOS and MODEL_READY and lab.ready("train_step") and lab.ready("cross_entropy"):
    demo_model = DigitClassifier(64, N_HIDDEN, N_CLASSES, DROPOUT)
    demo_step = make_train_step(demo_model, tf.keras.optimizers.Adam(TRAINING.learning_rate), softmax_cross_entropy)
    print("loss before each step:", [round(float(demo_step(X_train[:128], y_train[:128])[0]), 3)
                                      for _ in range(10)])

# %% fw="torch"
if TRAINING_DEMOS and MODEL_READY and lab.ready("train_step") and lab.ready("cross_entropy"):
    demo_model = DigitClassifier(64, N_HIDDEN, N_CLASSES, DROPOUT)
    demo_optimizer = torch.optim.Adam(demo_model.parameters(), lr=TRAINING.learning_rate)
    demo_step = make_train_step(demo_model, demo_optimizer, softmax_cross_entropy)
    print("loss before each step:", [round(float(demo_step(X_train[:128], y_train[:128])[0]), 3)
                                      for _ in range(10)])

# %% [markdown]
# ## 7. One epoch, measured as Keras measures it
#
# An epoch is one pass over the training batches. While it runs it can measure two things for free, from the
# loss and the logits each step returns: the mean loss and the accuracy over the epoch's examples. These are
# the `loss` and `accuracy` that Keras prints during `fit`. They are measured in training mode (dropout on)
# and while the weights change, so they are a running summary of the epoch, not a clean evaluation.
#
# **{{exercise:train_epoch}}.** Write `train_epoch(step, batches)`: call `step` once for each `(x, y)` in
# `batches`, and return the pair (mean loss, accuracy) over all the epoch's examples, as Python floats. The
# last batch may be smaller than the others: weight each batch's loss by its size, so that every example
# counts once. An example is classified right when its largest logit is its label.

# %% fw="tensorflow" solution="train_epoch"
def train_epoch(step, batches):
    """One step per (x, y) batch -> (mean loss over the epoch's examples, fraction classified right)."""
    ### BEGIN SOLUTION
    total_loss, correct, seen = 0.0, 0, 0
    for x, y in batches:
        loss, logits = step(x, y)
        total_loss += float(loss) * len(y)
        correct += int(tf.reduce_sum(tf.cast(tf.argmax(logits, axis=1) == y, tf.int32)))
        seen += len(y)
    return total_loss / seen, correct / seen
    ### END SOLUTION

# %% fw="torch" solution="train_epoch"
def train_epoch(step, batches):
    """One step per (x, y) batch -> (mean loss over the epoch's examples, fraction classified right)."""
    ### BEGIN SOLUTION
    total_loss, correct, seen = 0.0, 0, 0
    for x, y in batches:
        loss, logits = step(x, y)
        total_loss += float(loss) * len(y)
        correct += int((logits.argmax(dim=1) == y).sum())
        seen += len(y)
    return total_loss / seen, correct / seen
    ### END SOLUTION

# %% tests="train_epoch"

# %% [markdown]
# ## 8. Training with Adam and early stopping
#
# Now the pieces go together. The mini-batches come from lab 05's `make_batches` (given below): shuffled
# afresh every epoch, with a seed. Each epoch trains on them, then measures the loss and accuracy on the
# validation split with `evaluate`. Early stopping is lab 06's rule: keep a copy of the weights whenever the
# validation loss reaches a new low (strictly lower than every epoch before), stop once `patience` epochs in
# a row bring none, and put the best copy back. A copy, not a reference: the optimizer changes the weights in
# place.
#
# **{{exercise:fit}}.** Write `fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size,
# learning_rate, seed)`. Make one Adam optimizer with the learning rate and one step with your
# `make_train_step` and `softmax_cross_entropy`; train at most `max_epochs` epochs with your `train_epoch`;
# stop early as above and leave `model` with its best weights. Return the history, a dict whose lists hold
# one number per epoch trained: `"loss"` and `"accuracy"` from `train_epoch`, `"val_loss"` and
# `"val_accuracy"` from `evaluate` (the names Keras uses). The comment in the cell says how to copy weights.

# %% fw="tensorflow"
def make_batches(X, y, batch_size, seed):
    """X: (N, d), y: (N,) -> a tf.data.Dataset of shuffled (x, y) batches, reshuffled every epoch."""
    return tf.data.Dataset.from_tensor_slices((X, y)).shuffle(X.shape[0], seed=seed).batch(batch_size)

# %% fw="torch"
def make_batches(X, y, batch_size, seed):
    """X: (N, d), y: (N,) -> a DataLoader of shuffled (x, y) batches, reshuffled every epoch."""
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True,
                      generator=torch.Generator().manual_seed(seed))

# %% fw="tensorflow" solution="fit"
# The optimizer: tf.keras.optimizers.Adam(learning_rate).
# Save a copy: best = model.get_weights() (NumPy copies of every weight). Restore it: model.set_weights(best).
def fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size, learning_rate, seed):
    """-> history {"loss", "accuracy", "val_loss", "val_accuracy"}: lists, one value per epoch trained;
    `model` ends with the weights of its epoch with the lowest validation loss."""
    ### BEGIN SOLUTION
    step = make_train_step(model, tf.keras.optimizers.Adam(learning_rate), softmax_cross_entropy)
    batches = make_batches(X_train, y_train, batch_size, seed)
    history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
    best_loss, best_weights, epochs_without_improvement = float("inf"), model.get_weights(), 0
    for _ in range(max_epochs):
        loss, accuracy = train_epoch(step, batches)
        val_loss, val_accuracy = evaluate(model, X_val, y_val)
        for key, value in zip(history, (loss, accuracy, val_loss, val_accuracy)):
            history[key].append(value)
        if val_loss < best_loss:
            best_loss, best_weights, epochs_without_improvement = val_loss, model.get_weights(), 0
        else:
            epochs_without_improvement += 1
            if epochs_without_improvement == patience:
                break
    model.set_weights(best_weights)
    return history
    ### END SOLUTION

# %% fw="torch" solution="fit"
# The optimizer: torch.optim.Adam(model.parameters(), lr=learning_rate).
# Save a copy: best = copy.deepcopy(model.state_dict()); state_dict() alone holds the live tensors, which
# the optimizer keeps changing. Restore it: model.load_state_dict(best).
def fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size, learning_rate, seed):
    """-> history {"loss", "accuracy", "val_loss", "val_accuracy"}: lists, one value per epoch trained;
    `model` ends with the weights of its epoch with the lowest validation loss."""
    ### BEGIN SOLUTION
    step = make_train_step(model, torch.optim.Adam(model.parameters(), lr=learning_rate), softmax_cross_entropy)
    batches = make_batches(X_train, y_train, batch_size, seed)
    history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
    best_loss, best_state, epochs_without_improvement = float("inf"), copy.deepcopy(model.state_dict()), 0
    for _ in range(max_epochs):
        loss, accuracy = train_epoch(step, batches)
        val_loss, val_accuracy = evaluate(model, X_val, y_val)
        for key, value in zip(history, (loss, accuracy, val_loss, val_accuracy)):
            history[key].append(value)
        if val_loss < best_loss:
            best_loss, best_state, epochs_without_improvement = val_loss, copy.deepcopy(model.state_dict()), 0
        else:
            epochs_without_improvement += 1
            if epochs_without_improvement == patience:
                break
    model.load_state_dict(best_state)
    return history
    ### END SOLUTION

# %% tests="fit"

# %% [markdown]
# ### Your network, trained
#
# Every network in this lab trains the same way (the grader trains yours the same way too, on its own
# split): at most 100 epochs, patience 3, batches of 128, Adam with learning rate 0.005. The check above
# tried your `fit` on a tiny problem; here it meets the whole training split. (The grader skips the training
# runs from here on: nothing in them is graded.)

# %%
print(TRAINING)
FIT_READY = TRAINING_DEMOS and MODEL_READY and lab.ready("fit")
if FIT_READY:
    mlp = DigitClassifier(64, N_HIDDEN, N_CLASSES, DROPOUT)
    mlp_history = fit(mlp, X_train, y_train, X_val, y_val, *TRAINING.arguments())
    best = int(np.argmin(mlp_history["val_loss"]))
    print(f"trained {len(mlp_history['loss'])} epochs; kept epoch {best + 1}: validation accuracy "
          f"{mlp_history['val_accuracy'][best]:.1%}")
    plot_learning_curves({"your MLP": mlp_history})

# %% [markdown]
# Read the curves from the left. The training loss keeps falling towards zero: the network is learning its
# training digits by heart. The validation loss falls fast, then flattens out, and early stopping ends the run
# `patience` epochs after its lowest point, keeping that epoch's weights (the star). In the first epoch the
# training accuracy is below the validation accuracy: it is averaged over an epoch in which the weights
# started out random, with dropout on.
#
# ### A linear baseline
#
# Is the hidden layer worth having? The fairest comparison is the simplest model trained the same way:
# softmax regression, one dense layer straight from pixels to logits, trained by your `fit`. It learns more
# slowly than the MLP and may well use all of its 100 epochs.
#
# Before you run it, predict. The linear model has one score per class, each a weighted sum of the 64 pixels,
# and answers with the largest; it has 650 weights where the MLP has 19,210, and nothing curved anywhere.

# %% fw="tensorflow"
class LinearClassifier(tf.keras.Model):
    """The baseline: logits = x W + b, no hidden layer."""

    def __init__(self, n_inputs, n_classes, **kwargs):
        super().__init__(**kwargs)
        self.W = self.add_weight(shape=(n_inputs, n_classes), initializer="random_normal")
        self.b = self.add_weight(shape=(n_classes,), initializer="zeros")

    def call(self, x, training=None):
        return x @ self.W + self.b

# %% fw="torch"
class LinearClassifier(nn.Module):
    """The baseline: logits = x W + b, no hidden layer."""

    def __init__(self, n_inputs, n_classes):
        super().__init__()
        self.W = nn.Parameter(torch.randn(n_inputs, n_classes) * 0.05)
        self.b = nn.Parameter(torch.zeros(n_classes))

    def forward(self, x):
        return x @ self.W + self.b

# %% [markdown]
# **{{exercise:predict_linear_baseline}}.** Where will the linear baseline's best validation accuracy land,
# next to your MLP's (printed above)? Return the letter of your prediction from `predict_linear_baseline()`;
# the check says whether you were right, and why not if not. Commit to an answer first, then run the cells
# after the check.
#
# {{choices:predict_linear_baseline}}

# %% solution="predict_linear_baseline"
def predict_linear_baseline():
    """-> your prediction: "a", "b", "c" or "d"."""
    ### BEGIN SOLUTION
    return "c"
    ### END SOLUTION

# %% tests="predict_linear_baseline"

# %% [markdown]
# Now the experiment: the linear model trained by your `fit`, on the same splits with the same settings.

# %%
if FIT_READY:
    linear = LinearClassifier(64, N_CLASSES)
    linear_history = fit(linear, X_train, y_train, X_val, y_val, *TRAINING.arguments())
    for name, history in [("your MLP", mlp_history), ("linear baseline", linear_history)]:
        best = int(np.argmin(history["val_loss"]))
        errors = round((1 - history["val_accuracy"][best]) * len(val_idx))
        print(f"{name:<16} best validation accuracy {history['val_accuracy'][best]:.1%} "
              f"({errors} of {len(val_idx)} digits wrong), after {len(history['loss'])} epochs")
    plot_learning_curves({"your MLP": mlp_history, "linear baseline": linear_history})

# %% [markdown]
# The answer is (c): the linear model ends a point or so behind the MLP, with a few more of the 359 validation
# digits wrong. Ten linear scores, the largest one winning, cut the 64-dimensional space of pixels into ten
# regions with flat borders, one region per digit; at this size almost every digit already falls in its own
# class's region. The hidden layer bends those borders, and the bends pay off on a handful of the hardest
# digits. A linear baseline is always worth training first: it says how much of a problem is easy, and how much
# the bigger network actually adds.

# %% [markdown]
# ## 9. The framework's way
#
# Everything you wrote exists ready-made in {{framework}}, and real projects use the ready-made parts: they
# are tested, fast, and other people can read them. The comment in the cell below lists them.
#
# **{{exercise:framework}}.** Write `framework_model(n_inputs, n_hidden, n_classes, p)`, the same network
# built from {{framework}}'s layers (two dense layers, ReLU, dropout, logits out), and
# `framework_fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size, learning_rate,
# seed)`, which trains it the {{framework}} way with Adam and early stopping on the validation loss, leaves
# the best weights in `model`, and returns the same kind of history as your `fit`.

# %% fw="tensorflow" solution="framework"
# tf.keras.Sequential([tf.keras.Input((n_inputs,)), tf.keras.layers.Dense(n, activation="relu"),
#                      tf.keras.layers.Dropout(p), tf.keras.layers.Dense(n_classes)])
# model.compile(optimizer=..., loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
#               metrics=["accuracy"]);  history = model.fit(..., validation_data=(X_val, y_val), callbacks=[...])
# tf.keras.callbacks.EarlyStopping(monitor="val_loss", patience=..., restore_best_weights=True)
# model.fit shuffles with Keras's global random state: tf.keras.utils.set_random_seed(seed) makes it repeatable.
# history.history is the dict of lists that fit returns.
def framework_model(n_inputs, n_hidden, n_classes, p):
    """-> a Keras model: x (n, n_inputs) -> logits (n, n_classes)."""
    ### BEGIN SOLUTION
    return tf.keras.Sequential([tf.keras.Input((n_inputs,)), tf.keras.layers.Dense(n_hidden, activation="relu"),
                                tf.keras.layers.Dropout(p), tf.keras.layers.Dense(n_classes)])
    ### END SOLUTION


def framework_fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size, learning_rate, seed):
    """Keras's compile and fit with early stopping -> the history dict; `model` ends with its best weights."""
    ### BEGIN SOLUTION
    tf.keras.utils.set_random_seed(seed)
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    stopper = tf.keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)
    history = model.fit(X_train, y_train, validation_data=(X_val, y_val), epochs=max_epochs,
                        batch_size=batch_size, callbacks=[stopper], verbose=0)
    return history.history
    ### END SOLUTION

# %% fw="torch" solution="framework"
# nn.Sequential(nn.Linear(n_inputs, n), nn.ReLU(), nn.Dropout(p), nn.Linear(n, n_classes))
# DataLoader(TensorDataset(X, y), batch_size=..., shuffle=True, generator=torch.Generator().manual_seed(seed))
# nn.CrossEntropyLoss() takes logits and class indices; torch.optim.Adam(model.parameters(), lr=...)
# PyTorch has no built-in early stopping: the idiom is the loop itself, with copy.deepcopy(model.state_dict()).
def framework_model(n_inputs, n_hidden, n_classes, p):
    """-> a PyTorch model: x (n, n_inputs) -> logits (n, n_classes)."""
    ### BEGIN SOLUTION
    return nn.Sequential(nn.Linear(n_inputs, n_hidden), nn.ReLU(), nn.Dropout(p), nn.Linear(n_hidden, n_classes))
    ### END SOLUTION


def framework_fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size, learning_rate, seed):
    """A PyTorch training loop with early stopping -> the history dict; `model` ends with its best weights."""
    ### BEGIN SOLUTION
    loader = DataLoader(TensorDataset(X_train, y_train), batch_size=batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    loss_fn, optimizer = nn.CrossEntropyLoss(), torch.optim.Adam(model.parameters(), lr=learning_rate)
    history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
    best_loss, best_state, epochs_without_improvement = float("inf"), copy.deepcopy(model.state_dict()), 0
    for _ in range(max_epochs):
        model.train()
        total_loss, correct = 0.0, 0
        for x, y in loader:
            optimizer.zero_grad()
            logits = model(x)
            loss = loss_fn(logits, y)
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(y)
            correct += int((logits.argmax(dim=1) == y).sum())
        model.eval()
        with torch.no_grad():
            val_logits = model(X_val)
        val_loss = loss_fn(val_logits, y_val).item()
        history["loss"].append(total_loss / len(y_train))
        history["accuracy"].append(correct / len(y_train))
        history["val_loss"].append(val_loss)
        history["val_accuracy"].append((val_logits.argmax(dim=1) == y_val).float().mean().item())
        if val_loss < best_loss:
            best_loss, best_state, epochs_without_improvement = val_loss, copy.deepcopy(model.state_dict()), 0
        else:
            epochs_without_improvement += 1
            if epochs_without_improvement == patience:
                break
    model.load_state_dict(best_state)
    return history
    ### END SOLUTION

# %% tests="framework"

# %% [markdown]
# The framework's network, trained the framework's way on the same splits with the same settings, next to
# yours. Their curves differ in detail (other random starting weights, another order of the batches) but not
# in shape: the same model and the same training, written twice.

# %%
FRAMEWORK_READY = TRAINING_DEMOS and DATA_READY and lab.ready("framework")
if FRAMEWORK_READY:
    framework_mlp = framework_model(64, N_HIDDEN, N_CLASSES, DROPOUT)
    framework_history = framework_fit(framework_mlp, X_train, y_train, X_val, y_val, *TRAINING.arguments())
    plot_learning_curves({"framework MLP": framework_history, **({"your MLP": mlp_history} if FIT_READY else {})})

# %% [markdown]
# ## 10. On the test split, once
#
# Training is over and nothing will be tuned any more: now the test split may speak. The **confusion
# matrix** shows where the errors are. Its row $i$ counts the test images of digit $i$, split by what the
# network answered: the diagonal holds the right answers, every other cell one kind of confusion.
#
# **{{exercise:confusion_matrix}}.** Write `confusion_matrix(y_true, y_pred, n_classes)` with NumPy: an
# integer array of shape (n_classes, n_classes) whose entry `[i, j]` counts the examples of class `i`
# predicted as `j`. It has a row and a column for every class, even one that never occurs.

# %% solution="confusion_matrix"
def confusion_matrix(y_true, y_pred, n_classes):
    """y_true, y_pred: (n,) class labels -> (n_classes, n_classes) counts; row = true, column = predicted."""
    ### BEGIN SOLUTION
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    for true, predicted in zip(y_true, y_pred):
        counts[true, predicted] += 1
    return counts
    ### END SOLUTION

# %% tests="confusion_matrix"

# %%
RESULTS_READY = FIT_READY and lab.ready("confusion_matrix")
if RESULTS_READY:
    y_test_np, mlp_predictions = np.asarray(y_test), predict(mlp, X_test)
    plot_confusion_matrix(confusion_matrix(y_test_np, mlp_predictions, N_CLASSES),
                          title="Your MLP on the test split")

# %% [markdown]
# The mistakes themselves, with the label each image carries and the network's answer. Several would make a
# person hesitate too: at 8 × 8 pixels one faint or missing stroke can turn a digit into another, and the
# errors gather in a few cells of the matrix above rather than spreading evenly.

# %%
if RESULTS_READY:
    show_misclassified(X[test_idx], y_test_np, mlp_predictions)

# %% [markdown]
# And the verdict, one number per model, all on the same test split. Count the errors, not only the
# percentages: on 359 test images every 0.28% is one digit. As on the validation split, the linear baseline is
# strong, and on one split the hidden layer's lead is a handful of digits, more on some splits than on
# others. Over ten different splits (measured with this lab's reference code, trained as here) the MLP made 9
# errors on average and the linear model 14: about a third fewer, and fewer on every one of the ten.

# %%
if RESULTS_READY:
    accuracies = {"linear baseline (your fit)": evaluate(linear, X_test, y_test)[1],
                  "your MLP (your pieces)": evaluate(mlp, X_test, y_test)[1]}
    if FRAMEWORK_READY:
        accuracies["framework MLP (framework's pieces)"] = evaluate(framework_mlp, X_test, y_test)[1]
    plot_accuracies(accuracies, title=f"Test accuracy on {len(test_idx)} digits no model ever saw")

# %% [markdown]
# ## 11. The bug museum
#
# Three exhibits of code that runs without an error and still goes wrong, each about a piece you built in this
# lab: the slide's own loss line given the wrong input, scaling done the easy way, and a network measured in
# the wrong mode. Each cell runs its exhibit beside the right code and prints both. Work out why each goes
# wrong, then answer in the exercise after them.
#
# **Exhibit `softmax_first`.** Many models end with a softmax layer (in Keras, `Dense(10, activation="softmax")`),
# so that they output probabilities. The slide's loss line is then given those probabilities as `predicted`.
# The cell tries it on five answers that are sure and right (a logit of 20 on the right class, 0 on the nine
# others) and five that are sure and wrong, once given the logits and once given their softmax.

# %% fw="tensorflow"
labels = tf.one_hot([3, 1, 4, 1, 5], N_CLASSES)
for name, logits in [("sure and right", 20.0 * labels), ("sure and wrong", 20.0 * tf.one_hot([0] * 5, N_CLASSES))]:
    predicted = tf.nn.softmax(logits)  # what a model that ends with a softmax layer outputs
    on_logits = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels, logits))
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels, predicted))  # the slide's line
    print(f"{name}: loss given the logits {float(on_logits):.3f}, given the probabilities {float(loss):.3f}")

# %% fw="torch"
labels, wrong_labels = torch.tensor([3, 1, 4, 1, 5]), torch.zeros(5, dtype=torch.int64)
for name, logits in [("sure and right", 20.0 * nn.functional.one_hot(labels, N_CLASSES).float()),
                     ("sure and wrong", 20.0 * nn.functional.one_hot(wrong_labels, N_CLASSES).float())]:
    predicted = torch.softmax(logits, dim=1)  # what a model that ends with a softmax layer outputs
    on_logits = nn.functional.cross_entropy(logits, labels)
    loss = nn.functional.cross_entropy(predicted, labels)  # the slide's line
    print(f"{name}: loss given the logits {on_logits.item():.3f}, given the probabilities {loss.item():.3f}")

# %% [markdown]
# **Exhibit `own_statistics`.** Section 3 scaled every split with the training split's mean and standard
# deviation. The easy way scales each batch with its own instead, so the test split with the test split's
# statistics. The cell takes the first 1,200 images as the training images and the other 597 as new ones, and
# scales one new image in batches of three sizes, then with the training statistics.

# %%
def standardize_by_itself(X_batch):
    """The exhibit: (n, d) images scaled with the mean and standard deviation of their own batch."""
    mean, std = X_batch.mean(axis=0), X_batch.std(axis=0)
    return (X_batch - mean) / np.where(std > 0, std, 1.0)


seen, new = X[:1200], X[1200:]
train_mean, train_std = seen.mean(axis=0), seen.std(axis=0)
train_std = np.where(train_std > 0, train_std, 1.0)
pixels = [19, 20, 21, 22]  # four pixels in the middle of the third row
print(f"new image 0 (a {y[1200]}), its pixels {pixels}: {new[0, pixels]}")
for n in (597, 20, 1):
    print(f"  scaled in a batch of {n:>3}: {np.round(standardize_by_itself(new[:n])[0, pixels], 2)}")
print(f"  scaled with the training statistics: {np.round(((new[0] - train_mean) / train_std)[pixels], 2)}")

# %% [markdown]
# **Exhibit `dropout_on`.** A network like yours, built from {{framework}}'s layers with dropout p = 0.5 (the
# slide's typical value), trained for 40 quick steps on the 1,200 training images. The cell measures its
# accuracy on the 597 new images three times the buggy way, then three times in evaluation mode. (Like the
# other training runs, the grader skips this one.)

# %% fw="tensorflow"
if TRAINING_DEMOS:
    tf.keras.utils.set_random_seed(0)
    scaled_seen, scaled_new = (lab.tensor((images - train_mean) / train_std) for images in (seen, new))
    net = tf.keras.Sequential([tf.keras.Input((64,)), tf.keras.layers.Dense(N_HIDDEN, activation="relu"),
                               tf.keras.layers.Dropout(0.5), tf.keras.layers.Dense(N_CLASSES)])
    net_optimizer = tf.keras.optimizers.Adam(TRAINING.learning_rate)
    net_loss = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    for _ in range(40):
        with tf.GradientTape() as tape:
            loss = net_loss(lab.tensor(y[:1200], "int64"), net(scaled_seen, training=True))
        gradients = tape.gradient(loss, net.trainable_variables)
        net_optimizer.apply_gradients(zip(gradients, net.trainable_variables))

    buggy = [np.argmax(net(scaled_new, training=True), axis=1) for _ in range(3)]  # training=True, as in the step
    right = [np.argmax(net(scaled_new, training=False), axis=1) for _ in range(3)]
    for name, answers in [("training=True ", buggy), ("training=False", right)]:
        print(f"net(new, {name}): accuracy {', '.join(f'{np.mean(a == y[1200:]):.1%}' for a in answers)}; "
              f"{int(np.sum(answers[0] != answers[1]))} answers differ between the first two calls")

# %% fw="torch"
if TRAINING_DEMOS:
    torch.manual_seed(0)
    scaled_seen, scaled_new = (lab.tensor((images - train_mean) / train_std) for images in (seen, new))
    net = nn.Sequential(nn.Linear(64, N_HIDDEN), nn.ReLU(), nn.Dropout(0.5), nn.Linear(N_HIDDEN, N_CLASSES))
    net_optimizer = torch.optim.Adam(net.parameters(), lr=TRAINING.learning_rate)
    for _ in range(40):
        net_optimizer.zero_grad()
        loss = nn.functional.cross_entropy(net(scaled_seen), lab.tensor(y[:1200], "int64"))
        loss.backward()
        net_optimizer.step()

    with torch.no_grad():
        buggy = [net(scaled_new).argmax(dim=1).numpy() for _ in range(3)]  # no net.eval() after training
        net.eval()
        right = [net(scaled_new).argmax(dim=1).numpy() for _ in range(3)]
    for name, answers in [("without net.eval()", buggy), ("after net.eval()  ", right)]:
        print(f"net(new) {name}: accuracy {', '.join(f'{np.mean(a == y[1200:]):.1%}' for a in answers)}; "
              f"{int(np.sum(answers[0] != answers[1]))} answers differ between the first two calls")

# %% [markdown]
# **{{exercise:bug_museum}}.** For each exhibit, pick the letter that says why it goes wrong, and return the
# three letters from `bug_museum()` as a dict, one per exhibit.
#
# {{choices:bug_museum}}

# %% solution="bug_museum"
def bug_museum():
    """-> {"softmax_first": letter, "own_statistics": letter, "dropout_on": letter}."""
    ### BEGIN SOLUTION
    return {"softmax_first": "b", "own_statistics": "c", "dropout_on": "a"}
    ### END SOLUTION

# %% tests="bug_museum"

# %% [markdown]
# The fixes, once each exhibit is understood:
#
# - `softmax_first`: give a loss that takes logits the logits. Either the model ends without a softmax (as
#   yours does) and the loss applies it, or the model outputs probabilities and the loss is told so
#   (`tf.keras.losses.SparseCategoricalCrossentropy(from_logits=False)`, or `torch.nn.NLLLoss` on their log).
#   The first is the stable one.
# - `own_statistics`: compute the mean and standard deviation once, on the training split, keep them with the
#   model, and scale every later image with them, as your `standardize` does.
# - `dropout_on`: measure in evaluation mode: `model(x, training=False)` (or `predict`, `evaluate`) for a Keras
#   model; `model.eval()` for a `torch.nn` module, and `model.train()` again before training goes on, as this
#   lab's `evaluate` does.

# %% [markdown]
# ## Summary
#
# You took real data from raw pixels to a measured result: a stratified, seeded split into training,
# validation and test; scaling with training statistics only; a dense classifier with dropout from your own
# weights; a stable softmax cross-entropy; a training step, an epoch and a training loop with Adam and early
# stopping; the same network and training in {{framework}}'s own idiom; and a confusion matrix on digits the
# models never saw. Run the cell below to see where you stand before you submit.

# %%
lab.progress()
