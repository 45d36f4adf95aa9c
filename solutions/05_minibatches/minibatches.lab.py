# %% [markdown]
# # Lab 05 · Mini-batches ({{framework}})
#
# Gradient descent needs $\partial J / \partial W$, and $J$ is an average over the *whole* training set.
# Computing it exactly at every step is expensive; using one example at a time is cheap but noisy.
# Training in practice sits in between: each step uses a **mini-batch** of $B$ examples. In this lab you
# compute the three kinds of gradient, show that a mini-batch gradient is the mean of per-example
# gradients, measure how its noise shrinks as $B$ grows, batch data with {{framework}}'s own tools, write
# the epoch loop, and see what the batch size does to the time per epoch, the final loss and the
# learning rate you can afford.
#
# **How this notebook works.** Each exercise has a function to complete where it says
# `# YOUR CODE HERE`, followed by a check cell. Run the check: it says *passed*, *not attempted
# yet*, or what is wrong (expected vs got, and the likely mistake). `lab.hint("name")` gives a hint,
# a more specific one each time you call it. Hidden tests with fresh inputs decide the grade, so make
# the function right, not just the example. `lab.progress()` at the end sums up.

# %% fw="tensorflow"
import time

import numpy as np
from tqdm.auto import tqdm

from mitdl_utils import budget, open_lab, plots
from mitdl_utils.data import pass_fail
# TensorFlow after mitdl_utils, which turns its start-up messages off (that works only before the import)
import tensorflow as tf

lab = open_lab("minibatches", framework="tensorflow")

# %% fw="torch"
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
from tqdm.auto import tqdm

from mitdl_utils import budget, open_lab, plots
from mitdl_utils.data import pass_fail

lab = open_lab("minibatches", framework="torch")
torch.set_num_threads(1)  # the tensors here are tiny: one thread is faster than several, and keeps timings steady

# %% [markdown]
# ## The data and the model
#
# The lecture's question "Will I pass this class?" once more: for each of $N = 256$ students, the number
# of lectures attended and the hours spent on the final project, and whether they passed. Both features
# are standardized (mean 0, standard deviation 1), which keeps a single learning rate sensible for both.
#
# The model is one perceptron with a sigmoid, that is logistic regression: $\hat y_i = \sigma(x_i^\top W + b)$.
# Its loss on example $i$ is the binary cross-entropy (note the leading minus sign: the logarithm of a
# probability is negative),
#
# $$L_i(W, b) = -\bigl[y_i \log \hat y_i + (1 - y_i) \log (1 - \hat y_i)\bigr],$$
#
# and the training objective is the mean over all examples, $J(W, b) = \frac{1}{N} \sum_{i=1}^{N} L_i(W, b)$.
# `per_example_loss` below (given) returns the vector $(L_1, \dots, L_n)$ for a batch.

# %%
X_np, y_np = pass_fail(n=budget(256, 64), seed=0)  # fewer students while autograding
X_np = (X_np - X_np.mean(axis=0)) / X_np.std(axis=0)  # standardize each feature
X_all, y_all = lab.tensor(X_np), lab.tensor(y_np)
N = len(y_np)
W0, b0 = lab.tensor([0.0, 0.0]), lab.tensor(0.0)  # the untrained model: where training starts
print(f"{N} students, {int(y_np.sum())} passed; features standardized to means {X_np.mean(axis=0).round(3)}")

# %% fw="tensorflow"
def per_example_loss(W, b, X, y):
    """Binary cross-entropy of each example. W: (d,), b: scalar, X: (n, d), y: (n,) of 0/1 -> (n,)."""
    return tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=tf.linalg.matvec(X, W) + b)

# %% fw="torch"
def per_example_loss(W, b, X, y):
    """Binary cross-entropy of each example. W: (d,), b: scalar, X: (n, d), y: (n,) of 0/1 -> (n,)."""
    return F.binary_cross_entropy_with_logits(X @ W + b, y, reduction="none")

# %% [markdown]
# ## 1. Full batch, one example, or a mini-batch
#
# The lecture compares three ways to get the gradient for one step of $W \leftarrow W - \eta\, \partial J / \partial W$:
#
# | | gradient used | cost per step | quality |
# |---|---|---|---|
# | full batch | $\dfrac{1}{N}\sum_{i=1}^{N} \dfrac{\partial L_i}{\partial W}$ | all $N$ examples | exact |
# | stochastic (one example $i$) | $\dfrac{\partial L_i}{\partial W}$ | 1 example | very noisy |
# | mini-batch of $B$ examples | $\dfrac{1}{B}\sum_{k=1}^{B} \dfrac{\partial L_k}{\partial W}$ | $B$ examples | close to exact, cheap |
#
# All three are the same computation on a different set of rows: the gradient of the **mean** loss over
# a batch.
#
# **{{exercise:batch_gradient}}.** Write `batch_gradient(W, b, X, y)`: the gradient of $J_{\text{batch}}$, the
# mean of `per_example_loss(W, b, X, y)`, with respect to $W$ and $b$, computed by {{framework}}'s
# automatic differentiation. It returns the pair `(dW, db)` with shapes $(d,)$ and $()$. `W` and `b` arrive as plain tensors, and the function may be called many times with the
# same ones: each call must return that batch's gradient only.

# %% fw="tensorflow" solution="batch_gradient"
def batch_gradient(W, b, X, y):
    """Gradient of the batch's mean loss. W: (d,), b: scalar, X: (n, d), y: (n,) -> (dW (d,), db scalar)."""
    ### BEGIN SOLUTION
    with tf.GradientTape() as tape:
        tape.watch([W, b])
        loss = tf.reduce_mean(per_example_loss(W, b, X, y))
    dW, db = tape.gradient(loss, [W, b])
    return dW, db
    ### END SOLUTION

# %% fw="torch" solution="batch_gradient"
def batch_gradient(W, b, X, y):
    """Gradient of the batch's mean loss. W: (d,), b: scalar, X: (n, d), y: (n,) -> (dW (d,), db scalar)."""
    ### BEGIN SOLUTION
    W = W.detach().requires_grad_(True)
    b = b.detach().requires_grad_(True)
    loss = per_example_loss(W, b, X, y).mean()
    dW, db = torch.autograd.grad(loss, [W, b])
    return dW, db
    ### END SOLUTION

# %% tests="batch_gradient"

# %% [markdown]
# ## 2. A mini-batch gradient is the mean of per-example gradients
#
# Differentiation is linear, so the gradient of a mean is the mean of the gradients:
#
# $$\frac{\partial}{\partial W}\, \frac{1}{B}\sum_{k=1}^{B} L_k = \frac{1}{B}\sum_{k=1}^{B} \frac{\partial L_k}{\partial W}.$$
#
# **{{exercise:per_example_gradients}}.** Write `per_example_gradients(W, b, X, y)`: the gradient of each example's own
# loss, found with your `batch_gradient` on batches of a single example. Return `(G_W, G_b)` with row
# $i$ belonging to example $i$: shapes $(n, d)$ and $(n,)$.

# %% fw="tensorflow" solution="per_example_gradients"
def per_example_gradients(W, b, X, y):
    """Each example's gradient. W: (d,), b: scalar, X: (n, d), y: (n,) -> (G_W (n, d), G_b (n,))."""
    ### BEGIN SOLUTION
    grads = [batch_gradient(W, b, X[i:i + 1], y[i:i + 1]) for i in range(X.shape[0])]
    return tf.stack([dW for dW, _ in grads]), tf.stack([db for _, db in grads])
    ### END SOLUTION

# %% fw="torch" solution="per_example_gradients"
def per_example_gradients(W, b, X, y):
    """Each example's gradient. W: (d,), b: scalar, X: (n, d), y: (n,) -> (G_W (n, d), G_b (n,))."""
    ### BEGIN SOLUTION
    grads = [batch_gradient(W, b, X[i:i + 1], y[i:i + 1]) for i in range(X.shape[0])]
    return torch.stack([dW for dW, _ in grads]), torch.stack([db for _, db in grads])
    ### END SOLUTION

# %% tests="per_example_gradients"

# %% [markdown]
# Now check the identity on the real data: take a random mini-batch of 16 students, and compare the
# mini-batch gradient with the mean of the 16 per-example gradients. They agree to float32 rounding.
# Then all $N$ per-example gradients at the starting point $W = 0$: their mean is the full-batch gradient.

# %%
rng = np.random.default_rng(0)
if lab.ready("per_example_gradients"):
    rows = rng.choice(N, size=16, replace=False)
    X_batch, y_batch = lab.tensor(X_np[rows]), lab.tensor(y_np[rows])
    dW, db = batch_gradient(W0, b0, X_batch, y_batch)
    G_W, G_b = per_example_gradients(W0, b0, X_batch, y_batch)
    difference = np.abs(np.asarray(dW) - np.asarray(G_W).mean(axis=0)).max()
    print(f"mini-batch gradient dJ/dW       {np.asarray(dW).round(5)}")
    print(f"mean of 16 per-example ones     {np.asarray(G_W).mean(axis=0).round(5)}")
    print(f"largest difference              {difference:.1e}")
    assert difference < 1e-6, "the mini-batch gradient should equal the mean of the per-example gradients"

    G_W, G_b = per_example_gradients(W0, b0, X_all, y_all)
    G = np.concatenate([np.asarray(G_W), np.asarray(G_b)[:, None]], axis=1)  # (N, 3): dW1, dW2, db
    full_gradient = G.mean(axis=0)
    print(f"full-batch gradient at W = 0     {full_gradient.round(4)}")

# %% [markdown]
# The picture: every grey point is the gradient $(\partial L_i/\partial w_1, \partial L_i/\partial w_2)$ of one
# student, i.e. the gradient that stochastic gradient descent with $B = 1$ would follow (its step is
# $-\eta$ times it). The blue points are
# gradients of random mini-batches of 16, the black star the full-batch gradient. Single examples point
# all over the place; mini-batches gather around the true direction.

# %%
if lab.ready("per_example_gradients"):
    plt = plots.pyplot()
    batches16 = np.stack([rng.choice(N, size=16, replace=False) for _ in range(100)])
    minibatch_gradients = G[batches16].mean(axis=1)
    fig, ax = plt.subplots(figsize=(5.5, 4.5))
    ax.scatter(G[:, 0], G[:, 1], s=12, color="grey", alpha=0.5, label="one example (B = 1)")
    ax.scatter(minibatch_gradients[:, 0], minibatch_gradients[:, 1], s=14, color=plots.PALETTE[0],
               label="mini-batch, B = 16")
    ax.scatter(*full_gradient[:2], marker="*", s=300, color="black", label=f"full batch, B = {N}")
    ax.set(title="Gradient estimates at W = 0", xlabel="dJ/dw1 (lectures attended)",
           ylabel="dJ/dw2 (project hours)")
    ax.legend(loc="upper left", fontsize=8)
    plt.show()

# %% [markdown]
# ## 3. How noisy is a mini-batch gradient?
#
# Measure the error of a mini-batch gradient $g_B$ as its squared distance to the full-batch gradient
# $g$, averaged over many random mini-batches:
#
# $$\text{noise}(B) = \mathbb{E}\,\bigl\lVert g_B - g \bigr\rVert^2, \qquad
# g_B = \frac{1}{B}\sum_{k \in \text{batch}} G_k, \qquad g = \frac{1}{N}\sum_{i=1}^{N} G_i.$$
#
# **{{exercise:gradient_variance}}.** Write `gradient_variance(G, batches)`. `G` holds one gradient per row, shape
# $(N, p)$; `batches` is an integer tensor of shape $(k, B)$, row $j$ listing the $B$ examples of
# mini-batch $j$. Return the mean over the $k$ mini-batches of $\lVert g_B - g\rVert^2$ (the squared
# Euclidean norm: a sum over the $p$ coordinates), as a scalar tensor.

# %% fw="tensorflow" solution="gradient_variance"
def gradient_variance(G, batches):
    """G: (N, p), batches: int (k, B) -> scalar: mean over batches of ||batch mean of G - mean of G||^2."""
    ### BEGIN SOLUTION
    batch_means = tf.reduce_mean(tf.gather(G, batches), axis=1)
    full = tf.reduce_mean(G, axis=0)
    return tf.reduce_mean(tf.reduce_sum((batch_means - full) ** 2, axis=1))
    ### END SOLUTION

# %% fw="torch" solution="gradient_variance"
def gradient_variance(G, batches):
    """G: (N, p), batches: int (k, B) -> scalar: mean over batches of ||batch mean of G - mean of G||^2."""
    ### BEGIN SOLUTION
    batch_means = G[batches].mean(dim=1)
    full = G.mean(dim=0)
    return ((batch_means - full) ** 2).sum(dim=1).mean()
    ### END SOLUTION

# %% tests="gradient_variance"

# %% [markdown]
# ### Predict, then run
#
# A mini-batch of $B = 4$ students gives a noisy gradient. The cell after the check measures the noise at $B = 4$
# and at $B = 16$, a batch four times larger, on the $N$ per-example gradients at $W = 0$. Before you run it,
# decide what you expect and commit to it: the point is to find out whether your intuition about averaging holds.
#
# **{{exercise:predict_noise_ratio}}.** About how large is $\text{noise}(16)$ compared with $\text{noise}(4)$?
# Return the letter of your prediction from `predict_noise_ratio()`. The check says whether you were right,
# and why not if not.
#
# {{choices:predict_noise_ratio}}

# %% solution="predict_noise_ratio"
def predict_noise_ratio():
    """-> your prediction: "a", "b", "c", "d" or "e"."""
    ### BEGIN SOLUTION
    return "b"
    ### END SOLUTION

# %% tests="predict_noise_ratio"

# %% [markdown]
# Now the measurement: 2000 random mini-batches of each size, drawn without replacement.

# %%
if lab.ready("gradient_variance") and lab.ready("per_example_gradients"):
    G_tensor = lab.tensor(G)
    draw = np.random.default_rng(1)
    noise = {B: float(gradient_variance(G_tensor, lab.tensor(np.stack([draw.choice(N, size=B, replace=False)
                                                                         for _ in range(2000)]), dtype="int64")))
             for B in (4, 16)}
    print(f"noise(4) = {noise[4]:.4f}, noise(16) = {noise[16]:.4f}: "
          f"noise(16) / noise(4) = {noise[16] / noise[4]:.3f}")
    print(f"typical error, the square root: {noise[4] ** 0.5:.3f} and {noise[16] ** 0.5:.3f}, "
          f"a ratio of {(noise[16] / noise[4]) ** 0.5:.2f}")

# %% [markdown]
# A quarter. The $B$ gradients of a batch are $B$ draws from the $N$ per-example ones, nearly independent
# while $B$ is small next to $N$; their sum varies about $B$ times as much as one draw does, and dividing the sum
# by $B$ divides its variance by $B^2$, so the mean varies $B / B^2 = 1/B$ times as much as one example. For
# batches drawn without replacement, statistics gives the exact law,
#
# $$\text{noise}(B) = \frac{\sigma^2}{B}\cdot\frac{N - B}{N - 1},$$
#
# where $\sigma^2$ is the noise of a single example ($B = 1$). The second factor says that a batch of all $N$
# examples has no noise at all; at $B = 4$ and $16$ it is close to 1 (0.99 and 0.94), so the ratio is
# $\frac14 \cdot \frac{240}{252} \approx 0.24$. The typical error, the square root of the noise, falls only by
# half: that is the $1/\sqrt{B}$ you may have had in mind.
#
# Now every batch size from 1 to 128, with 200 random mini-batches each, against the law. With $B = 1$ and
# every example once, your function gives $\sigma^2$ itself.

# %%
if lab.ready("gradient_variance") and lab.ready("per_example_gradients"):
    sigma2 = float(gradient_variance(G_tensor, lab.tensor(np.arange(N)[:, None], dtype="int64")))
    batch_sizes = [B for B in (1, 2, 4, 8, 16, 32, 64, 128) if B < N]
    measured = []
    for B in batch_sizes:
        batches = np.stack([rng.choice(N, size=B, replace=False) for _ in range(200)])
        measured.append(float(gradient_variance(G_tensor, lab.tensor(batches, dtype="int64"))))
    predicted = [sigma2 / B * (N - B) / (N - 1) for B in batch_sizes]

    plt = plots.pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.loglog(batch_sizes, measured, "o", markersize=7, label="measured (200 mini-batches each)")
    ax.loglog(batch_sizes, predicted, "-", label="σ²/B · (N - B)/(N - 1)")
    ax.set(title="Mini-batch gradient noise against batch size", xlabel="batch size B (examples)",
           ylabel="E ||g_B - g||² (squared gradient units)")
    ax.set_xticks(batch_sizes, [str(B) for B in batch_sizes], minor=False)
    ax.xaxis.set_minor_locator(plt.NullLocator())
    ax.legend()
    plt.show()
    print(f"σ² = {sigma2:.4f}; B = 16 cuts the noise {measured[0] / measured[4]:.0f}-fold, "
          f"B = {batch_sizes[-1]} {measured[0] / measured[-1]:.0f}-fold")

# %% [markdown]
# The noise falls like $1/B$, and the typical error like $1/\sqrt{B}$: every halving of the error costs four
# times the examples per step. Past a point, more examples per step buy little precision.
#
# ## 4. Mini-batches the framework's way
#
# Training code does not slice arrays by hand: {{framework}} has its own data pipeline, whose parts are
# listed in the comments of the exercise cell below. One pass over all the mini-batches is an **epoch**. Three things matter:
#
# - shuffle the *examples*, then cut them into batches (shuffling ready-made batches keeps neighbours together);
# - shuffle the $(x, y)$ pairs together, and draw a new order every epoch;
# - keep the last, smaller batch, so that every example counts in every epoch.
#
# **{{exercise:make_batches}}.** Write `make_batches(X, y, batch_size, seed)` that returns a {{framework}}
# object you can loop over once per epoch, giving `(x_batch, y_batch)` pairs in a fresh shuffled order
# each time. The same `seed` must give the same sequence of orders.

# %% fw="tensorflow" solution="make_batches"
def make_batches(X, y, batch_size, seed):
    """X: (N, d), y: (N,) -> a tf.data.Dataset of shuffled (x_batch, y_batch) pairs, reshuffled every epoch."""
    # tf.data.Dataset.from_tensor_slices((X, y))  one (x, y) pair per example
    # .shuffle(buffer_size, seed=...)            a random order, redrawn every epoch (buffer_size = N: a full shuffle)
    # .batch(batch_size)                         consecutive pairs stacked into one mini-batch
    ### BEGIN SOLUTION
    dataset = tf.data.Dataset.from_tensor_slices((X, y))
    return dataset.shuffle(buffer_size=X.shape[0], seed=seed).batch(batch_size)
    ### END SOLUTION

# %% fw="torch" solution="make_batches"
def make_batches(X, y, batch_size, seed):
    """X: (N, d), y: (N,) -> a DataLoader of shuffled (x_batch, y_batch) pairs, reshuffled every epoch."""
    # TensorDataset(X, y)                             one (x, y) pair per example
    # DataLoader(dataset, batch_size=..., shuffle=True, generator=...)
    #                                                 mini-batches in a random order, redrawn every epoch;
    # torch.Generator().manual_seed(seed)             the generator that makes the order reproducible
    ### BEGIN SOLUTION
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True, generator=generator)
    ### END SOLUTION

# %% tests="make_batches"

# %% [markdown]
# ## 5. The epoch loop
#
# The model is the same logistic regression, now as a {{framework}} layer with one output (a logit), and
# the optimizer is plain stochastic gradient descent (SGD). Both start from zero weights, so every run
# below starts from the same place: the loss of a model that says 50 % for everyone, $\ln 2 \approx 0.693$.

# %% fw="tensorflow"
def make_model():
    """Logistic regression: (n, 2) -> logits (n, 1), starting from zero weights."""
    return tf.keras.Sequential([tf.keras.Input(shape=(2,)), tf.keras.layers.Dense(1, kernel_initializer="zeros")])


def make_optimizer(model, learning_rate):
    return tf.keras.optimizers.SGD(learning_rate=learning_rate)


def loss_fn(logits, y):
    """Mean binary cross-entropy. logits: (B, 1), y: (B,) -> scalar."""
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=tf.squeeze(logits, -1)))


def full_loss(model):
    """J on all N students, a float."""
    return float(loss_fn(model(X_all), y_all))


# Sections 6 and 7 train many fresh models, and each one traces its compiled step once: TensorFlow's warning
# about frequent retracing would take that for a mistake, so this notebook leaves that one warning out.
tf.get_logger().addFilter(lambda record: "triggered tf.function retracing" not in record.getMessage())

# %% fw="torch"
def make_model():
    """Logistic regression: (n, 2) -> logits (n, 1), starting from zero weights."""
    model = torch.nn.Linear(2, 1)
    torch.nn.init.zeros_(model.weight)
    torch.nn.init.zeros_(model.bias)
    return model


def make_optimizer(model, learning_rate):
    return torch.optim.SGD(model.parameters(), lr=learning_rate)


def loss_fn(logits, y):
    """Mean binary cross-entropy. logits: (B, 1), y: (B,) -> scalar."""
    return F.binary_cross_entropy_with_logits(logits.squeeze(-1), y)


def full_loss(model):
    """J on all N students, a float."""
    with torch.no_grad():
        return float(loss_fn(model(X_all), y_all))

# %%
model = make_model()
optimizer = make_optimizer(model, learning_rate=0.5)
print(f"loss of the untrained model: {full_loss(model):.4f}")

# %% [markdown]
# **{{exercise:train_epoch}}.** Write `train_epoch(model, optimizer, loss_fn, batches)`: one pass over
# `batches`, and for each `(x_batch, y_batch)`: the loss of the model's output, its gradient with
# respect to the model's weights, one optimizer step. Return the mean of the batch losses as a Python
# float (each loss taken before its step). The comments in the cell list the {{framework}} calls you need.

# %% fw="tensorflow" solution="train_epoch"
def train_epoch(model, optimizer, loss_fn, batches):
    """One optimizer step per (x_batch, y_batch) in batches -> the mean batch loss (float)."""
    # with tf.GradientTape() as tape: ...            record the forward pass (compute the loss inside it)
    # tape.gradient(loss, model.trainable_variables) the gradients, one per weight tensor
    # optimizer.apply_gradients(zip(grads, model.trainable_variables))   one SGD step
    # @tf.function on a step function defined outside train_epoch: TensorFlow traces it into a graph once
    #     per model (and batch shape), and every later call runs that graph without Python in between
    ### BEGIN SOLUTION
    losses = [float(train_step(model, optimizer, loss_fn, x_batch, y_batch)) for x_batch, y_batch in batches]
    return sum(losses) / len(losses)


@tf.function
def train_step(model, optimizer, loss_fn, x_batch, y_batch):
    """One SGD step on one batch -> the batch's loss before the step (scalar tensor)."""
    with tf.GradientTape() as tape:
        loss = loss_fn(model(x_batch, training=True), y_batch)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss
    ### END SOLUTION

# %% fw="torch" solution="train_epoch"
def train_epoch(model, optimizer, loss_fn, batches):
    """One optimizer step per (x_batch, y_batch) in batches -> the mean batch loss (float)."""
    # optimizer.zero_grad()   PyTorch adds every backward()'s gradients to .grad: clear them for each batch
    # loss.backward()         the gradients of the loss with respect to the model's weights
    # optimizer.step()        one SGD step;  loss.item() gives the loss as a Python float
    ### BEGIN SOLUTION
    model.train()
    losses = []
    for x_batch, y_batch in batches:
        optimizer.zero_grad()
        loss = loss_fn(model(x_batch), y_batch)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)
    ### END SOLUTION

# %% tests="train_epoch"

# %% [markdown]
# With your two pieces, training is a loop over epochs. `fit` shows a progress bar with the latest epoch's
# loss; train the model above with mini-batches of 32 and watch the loss fall from 0.693.

# %%
def fit(model, optimizer, batches, epochs):
    """Train for `epochs` epochs with your train_epoch -> the mean batch loss of each epoch."""
    history = []
    with tqdm(range(epochs), desc="training", unit="epoch") as bar:
        for _ in bar:
            history.append(train_epoch(model, optimizer, loss_fn, batches))
            bar.set_postfix(loss=f"{history[-1]:.4f}")
    return history


if lab.ready("train_epoch") and lab.ready("make_batches"):
    history = fit(model, optimizer, make_batches(X_all, y_all, batch_size=32, seed=0), epochs=budget(5, 1))
    print(f"loss on all {N} students after {len(history)} epochs: {full_loss(model):.4f}")

# %% [markdown]
# ## 6. Time per epoch and final loss against batch size
#
# Train a fresh model for the same number of epochs with the same learning rate, once per batch size, and
# time each epoch; keep each batch size's fastest epoch, since the first one can include one-off costs
# (compiling the step, warming up the data pipeline). An epoch always sees all $N$ examples, but takes
# $\lceil N/B \rceil$ steps.

# %%
def epoch_time_and_final_loss(batch_size, learning_rate, epochs):
    """Train a fresh model -> (seconds of its fastest epoch, loss on all N after training)."""
    model = make_model()
    optimizer = make_optimizer(model, learning_rate)
    batches = make_batches(X_all, y_all, batch_size, seed=0)
    seconds = []
    for _ in range(epochs):
        start = time.perf_counter()
        train_epoch(model, optimizer, loss_fn, batches)
        seconds.append(time.perf_counter() - start)
    return float(min(seconds)), full_loss(model)


if lab.ready("train_epoch") and lab.ready("make_batches"):
    batch_sizes = budget([4, 16, 64, 256], [64, 256])  # fewer while autograding
    epochs = budget(2, 1)
    results = [epoch_time_and_final_loss(B, learning_rate=0.3, epochs=epochs)
               for B in tqdm(batch_sizes, desc="batch sizes")]
    seconds, final_losses = zip(*results)

    plt = plots.pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    left.loglog(batch_sizes, 1000 * np.array(seconds), "o-")
    left.set(title="Time per epoch", xlabel="batch size B (examples)", ylabel="milliseconds per epoch")
    left.yaxis.set_major_formatter(plt.FuncFormatter(lambda value, _: f"{value:g}"))
    right.semilogx(batch_sizes, final_losses, "o-", color=plots.PALETTE[1])
    right.set(title=f"Loss after {epochs} epoch(s), learning rate 0.3", xlabel="batch size B (examples)",
              ylabel="J on all students (nats)")
    for ax in (left, right):
        ax.set_xticks(batch_sizes, [str(B) for B in batch_sizes])
        ax.xaxis.set_minor_locator(plt.NullLocator())
    plt.show()
    for B, s, loss in zip(batch_sizes, seconds, final_losses):
        print(f"B = {B:3d}: {int(np.ceil(N / B)):3d} steps, {1000 * s:7.1f} ms per epoch, final loss {loss:.4f}")

# %% [markdown]
# Two effects pull in opposite directions. **Time:** an epoch costs one step per batch plus a fixed part
# (starting a new shuffled pass over the data), and on this tiny model a step costs about the same
# whatever $B$ (the overhead of a step dwarfs its arithmetic). So the time per epoch falls as $B$ grows,
# steeply while there are many steps, then levels off near the fixed part, where a larger batch saves
# little more. How much each part weighs depends on the framework and the machine. On a GPU the $B$
# examples of a batch are processed in parallel,
# which is what makes larger batches fast on real models, up to the point where the hardware is full.
# **Loss:** with the same learning rate, a larger batch takes fewer, more accurate steps per epoch, and
# after the same number of epochs it has not got as far. The way out is the learning rate.
#
# ## 7. The learning rate that a larger batch allows
#
# A larger batch gives a more trustworthy gradient, so each step can be longer. A common rule of thumb,
# the **linear scaling rule**, says: when the batch grows $k$-fold, grow the learning rate $k$-fold too.
# Each epoch then moves the weights about as far as before, in $k$ times fewer steps. It holds until the
# learning rate meets the limit set by the curvature of the loss, where even the exact gradient overshoots.
#
# **{{exercise:scaled_learning_rate}}.** Write `scaled_learning_rate(base_lr, base_batch_size, batch_size)`: the
# learning rate the linear scaling rule gives for `batch_size`, when `base_lr` works for `base_batch_size`.

# %% solution="scaled_learning_rate"
def scaled_learning_rate(base_lr, base_batch_size, batch_size):
    """The linear scaling rule -> the learning rate for batch_size (a float)."""
    ### BEGIN SOLUTION
    return base_lr * batch_size / base_batch_size
    ### END SOLUTION

# %% tests="scaled_learning_rate"

# %% [markdown]
# Now the experiment: for three batch sizes, train one epoch at each of five learning rates and record the
# final loss. Look for the best learning rate of each batch size, and for where small batches fall apart.

# %%
if lab.ready("train_epoch") and lab.ready("make_batches"):
    learning_rates = [0.3, 1.0, 3.0, 10.0, 30.0]
    sweep_batch_sizes = budget([4, 32, 256], [256])
    sweep = {B: [epoch_time_and_final_loss(B, lr, epochs=1)[1] for lr in learning_rates]
             for B in tqdm(sweep_batch_sizes, desc="batch sizes")}

    plt = plots.pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4))
    for B, losses in sweep.items():
        line, = ax.semilogx(learning_rates, losses, "o-", label=f"B = {B}")
        best = int(np.argmin(losses))
        ax.scatter(learning_rates[best], losses[best], s=200, facecolor="none", edgecolor=line.get_color())
    ax.set(title="Loss after one epoch against learning rate (circle: best)", xlabel="learning rate η",
           ylabel="J on all students (nats)", ylim=(0.2, 1.5))
    ax.set_xticks(learning_rates, [f"{lr:g}" for lr in learning_rates])
    ax.xaxis.set_minor_locator(plt.NullLocator())
    ax.legend()
    plt.show()

    smallest = sweep_batch_sizes[0]
    best_lr = {B: learning_rates[int(np.argmin(losses))] for B, losses in sweep.items()}
    show_rule = lab.ready("scaled_learning_rate")
    for B in sweep_batch_sizes:
        line = f"B = {B:3d}: losses {' '.join(f'{loss:.3f}' for loss in sweep[B])}, best learning rate {best_lr[B]:4.1f}"
        if show_rule:
            line += f"   linear rule from B = {smallest}: {scaled_learning_rate(best_lr[smallest], smallest, B):6.1f}"
        print(line)

# %% [markdown]
# Small batches need a small learning rate: their noisy steps, made long, throw the weights around and the
# loss rises (at $B = 4$ the best is about 1). Larger batches reach their best loss at larger learning
# rates, but far less than in proportion: from $B = 4$ to $B = 256$ the batch grows 64-fold and the best
# learning rate only about 10-fold. Up to $B = 32$ the linear rule is about right: there the best is 3 or
# 10, depending on the shuffled order (the two frameworks shuffle differently), and the rule's 8 lies
# between them. Beyond that the rule asks for more than the curvature
# of the loss allows: a learning rate of about 10 is as far as even the full batch can go, and at 30 it
# overshoots. That is the lecture's point: mini-batches give a more accurate
# gradient, smoother convergence, and room for a larger learning rate, and their examples can be
# processed in parallel.

# %% [markdown]
# ## 8. The bug museum
#
# Three exhibits of training code that goes wrong without a word of warning, or with a message that hides the
# cause: the lecture slide's own training step, a data file read in an unlucky order, and gradients that nobody
# clears. Each cell below runs its exhibit and prints what happens; the errors are caught and printed in one
# line, so nothing turns red. Run the three, work out why each goes wrong, and answer in the exercise after them.
#
# **Exhibit `forward_outside_tape`: the slide's training step.** The lecture's loop computes
# `prediction = model(x)` first and opens `with tf.GradientTape() as tape:` only around the loss. `torch` has no
# tape: its autograd records every operation on tensors that need gradients, wherever it runs, so the slide's order
# is harmless there; what stops the recording is `torch.no_grad()`, the block used for evaluation. The cell runs
# the step once on a batch of 32 students, with the forward pass outside the tape (`tf`) or inside
# `torch.no_grad()` (`torch`).

# %% fw="tensorflow"
model = make_model()
optimizer = make_optimizer(model, learning_rate=0.5)
x, y = X_all[:32], y_all[:32]
prediction = model(x)  # the slide's order: the forward pass first ...
with tf.GradientTape() as tape:
    loss = loss_fn(prediction, y)  # ... and only the loss inside the tape
grads = tape.gradient(loss, model.trainable_variables)
print(f"loss {float(loss):.4f}; gradients {grads}")
try:
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
except ValueError as e:
    print("raised", type(e).__name__, ":", str(e).splitlines()[0])

# %% fw="torch"
model = make_model()
optimizer = make_optimizer(model, learning_rate=0.5)
x, y = X_all[:32], y_all[:32]
with torch.no_grad():
    prediction = model(x)  # the forward pass where autograd records nothing
loss = loss_fn(prediction, y)
print(f"loss {float(loss):.4f}")
try:
    loss.backward()
except RuntimeError as e:
    print("raised", type(e).__name__, ":", str(e).splitlines()[0])
print(f"gradients {[p.grad for p in model.parameters()]}")

# %% [markdown]
# **Exhibit `shuffle_window`: a sorted file.** Suppose the students come in a file sorted by outcome: first
# everyone who failed, then everyone who passed. The cell batches them in 32s for two epochs, with a shuffle,
# and prints the share of passes in every batch.

# %% fw="tensorflow"
by_outcome = np.argsort(y_np, kind="stable")  # the failed students first, then those who passed
X_sorted, y_sorted = lab.tensor(X_np[by_outcome]), lab.tensor(y_np[by_outcome])
batches = tf.data.Dataset.from_tensor_slices((X_sorted, y_sorted)).shuffle(buffer_size=16, seed=0).batch(32)
print(f"share of passes among all {N} students: {y_np.mean():.2f}")
for epoch in range(2):
    shares = [round(float(tf.reduce_mean(y_batch)), 2) for _, y_batch in batches]
    print(f"epoch {epoch}, share of passes in each batch:", shares)

# %% fw="torch"
by_outcome = np.argsort(y_np, kind="stable")  # the failed students first, then those who passed
X_sorted, y_sorted = lab.tensor(X_np[by_outcome]), lab.tensor(y_np[by_outcome])
generator = torch.Generator().manual_seed(0)
print(f"share of passes among all {N} students: {y_np.mean():.2f}")
for epoch in range(2):
    shares = []
    for j in torch.randperm(int(np.ceil(N / 32)), generator=generator).tolist():  # the batches in a random order
        x_batch, y_batch = X_sorted[32 * j:32 * (j + 1)], y_sorted[32 * j:32 * (j + 1)]
        shares.append(round(float(y_batch.mean()), 2))
    print(f"epoch {epoch}, share of passes in each batch:", shares)

# %% [markdown]
# **Exhibit `gradients_add_up`.** Two training loops on the same batches of 32, in the same order, with SGD at
# learning rate 0.5: one clears the gradients at every batch, the other never does. With `torch`, never clearing
# is what happens when `optimizer.zero_grad()` is left out, since `backward()` adds to `.grad`. A
# `tf.GradientTape` gives fresh gradients at every call, and the same bug arises only where code keeps a running
# total of gradients itself, as gradient accumulation does (it sums several batches' gradients before one step, to
# imitate a larger batch); the `tf` loop keeps such a total and forgets to reset it. The cell prints the loss on
# all students after each epoch.

# %% fw="tensorflow"
fixed_order = np.random.default_rng(0).permutation(N)  # one shuffled order, kept for every epoch
batches = [(lab.tensor(X_np[fixed_order[i:i + 32]]), lab.tensor(y_np[fixed_order[i:i + 32]])) for i in range(0, N, 32)]


def losses_per_epoch(reset, epochs=budget(8, 2)):
    """SGD on `batches`; the running total of gradients is reset before every batch only if `reset`."""
    model = make_model()
    optimizer = make_optimizer(model, learning_rate=0.5)
    total = [tf.zeros_like(v) for v in model.trainable_variables]
    losses = []
    for _ in range(epochs):
        for x_batch, y_batch in batches:
            if reset:
                total = [tf.zeros_like(v) for v in model.trainable_variables]
            with tf.GradientTape() as tape:
                loss = loss_fn(model(x_batch), y_batch)
            total = [t + g for t, g in zip(total, tape.gradient(loss, model.trainable_variables))]
            optimizer.apply_gradients(zip(total, model.trainable_variables))
        losses.append(round(full_loss(model), 3))
    return losses


print("reset at every batch:", losses_per_epoch(reset=True))
print("never reset:         ", losses_per_epoch(reset=False))

# %% fw="torch"
fixed_order = np.random.default_rng(0).permutation(N)  # one shuffled order, kept for every epoch
batches = [(lab.tensor(X_np[fixed_order[i:i + 32]]), lab.tensor(y_np[fixed_order[i:i + 32]])) for i in range(0, N, 32)]


def losses_per_epoch(zero_grad, epochs=budget(8, 2)):
    """SGD on `batches`; the gradients are cleared before every batch only if `zero_grad`."""
    model = make_model()
    optimizer = make_optimizer(model, learning_rate=0.5)
    losses = []
    for _ in range(epochs):
        for x_batch, y_batch in batches:
            if zero_grad:
                optimizer.zero_grad()
            loss_fn(model(x_batch), y_batch).backward()
            optimizer.step()
        losses.append(round(full_loss(model), 3))
    return losses


print("zero_grad() at every batch:", losses_per_epoch(zero_grad=True))
print("zero_grad() left out:      ", losses_per_epoch(zero_grad=False))

# %% [markdown]
# **{{exercise:bug_museum}}.** For each exhibit, pick the letter that says why it goes wrong, and return the
# three letters from `bug_museum()` as a dict, one per exhibit.
#
# {{choices:bug_museum}}

# %% solution="bug_museum"
def bug_museum():
    """-> {"forward_outside_tape": letter, "shuffle_window": letter, "gradients_add_up": letter}."""
    ### BEGIN SOLUTION
    return {"forward_outside_tape": "a", "shuffle_window": "c", "gradients_add_up": "b"}
    ### END SOLUTION

# %% tests="bug_museum"

# %% [markdown]
# The fixes, once each exhibit is understood:
#
# - `forward_outside_tape`: run the whole forward pass where it is recorded: inside the `tf.GradientTape`'s
#   `with` block, outside `torch.no_grad()` (which belongs to evaluation), as your `train_epoch` does.
# - `shuffle_window`: shuffle the examples over the whole data set, then batch: a `tf.data` buffer as large as
#   the data (`shuffle(buffer_size=N)`), or `DataLoader(..., shuffle=True)`, which draws a new permutation of all
#   $N$ examples every epoch. Your `make_batches` does just that.
# - `gradients_add_up`: clear the gradients before every backward pass (`optimizer.zero_grad()`); a running total
#   of `tape.gradient`'s results must be reset after each step it was used for (or kept out: each result is fresh).

# %% [markdown]
# ## Summary
#
# You computed full-batch, single-example and mini-batch gradients with autograd, confirmed that a
# mini-batch gradient is the mean of its examples' gradients, predicted and then measured its noise falling like
# $1/B$, batched data with {{framework}}'s own pipeline, wrote the epoch loop, and saw how the batch size trades
# time per epoch against progress per epoch, and how it sets the learning rate you can use. Last, you took apart
# three pieces of training code that go wrong quietly. Run the cell below to see where you stand before you submit.

# %%
lab.progress()
