# %% [markdown]
# # Lab 03 · Loss functions ({{framework}})
#
# A network's weights start out arbitrary, so its first answers are arbitrary too. Before it can
# improve, we need a single number that says how wrong it is: the **loss**. Training (next lab) is
# nothing but pushing that number down. In this lab you write the losses the lecture introduces from
# their formulas in {{framework}}, hold each against the framework's own, find out where the textbook
# formula breaks in floating point and how the framework avoids it, and decide which loss fits which task.
#
# **How this notebook works.** Each exercise has a function to complete where it says
# `# YOUR CODE HERE`, followed by a check cell. Run the check: it says *passed*, *not attempted
# yet*, or what is wrong (expected vs got, and the likely mistake). `lab.hint("name")` gives a hint,
# a more specific one each time you call it. Hidden tests with fresh inputs decide the grade, so make
# the function right, not just the example. `lab.progress()` at the end sums up.

# %% fw="tensorflow"
import numpy as np

from mitdl_utils import budget, open_lab, plots
from mitdl_utils.data import final_grades, pass_fail
# TensorFlow after mitdl_utils, which turns its start-up messages off (that works only before the import)
import tensorflow as tf

lab = open_lab("losses", framework="tensorflow")
sigmoid = tf.math.sigmoid
EPSILON = 1e-7  # how far from 0 and 1 predicted probabilities are kept (the value Keras uses)

# %% fw="torch"
import numpy as np
import torch
import torch.nn.functional as F

from mitdl_utils import budget, open_lab, plots
from mitdl_utils.data import final_grades, pass_fail

lab = open_lab("losses", framework="torch")
sigmoid = torch.sigmoid
EPSILON = 1e-7  # how far from 0 and 1 predicted probabilities are kept (the value Keras uses)

# %% [markdown]
# ## 1. The empirical loss
#
# For one example $x^{(i)}$ with true answer $y^{(i)}$, a loss $\mathcal{L}\bigl(f(x^{(i)}; W), y^{(i)}\bigr)$
# measures the cost of the network's prediction $f(x^{(i)}; W)$. Over a data set of $n$ examples we
# average those costs:
#
# $$J(W) = \frac{1}{n} \sum_{i=1}^{n} \mathcal{L}\bigl(f(x^{(i)}; W), y^{(i)}\bigr).$$
#
# $J(W)$ goes by many names (empirical loss, empirical risk, cost function, objective function); it
# depends on the weights $W$ only, because the data are fixed. Taking the **mean** rather than the sum
# keeps its size independent of $n$, so the same learning rate works for 10 examples and for 10,000.
#
# **{{exercise:empirical_loss}}.** Write `empirical_loss(per_example_losses)`: a tensor of $n$ per-example
# losses in, one number out.

# %% fw="tensorflow" solution="empirical_loss"
def empirical_loss(per_example_losses):
    """per_example_losses: float32 (n,) -> scalar tensor J = their mean."""
    ### BEGIN SOLUTION
    return tf.reduce_mean(per_example_losses)
    ### END SOLUTION

# %% fw="torch" solution="empirical_loss"
def empirical_loss(per_example_losses):
    """per_example_losses: float32 (n,) -> scalar tensor J = their mean."""
    ### BEGIN SOLUTION
    return per_example_losses.mean()
    ### END SOLUTION

# %% tests="empirical_loss"

# %% [markdown]
# ## 2. Binary cross-entropy
#
# "Will I pass this class?" has two answers. A network that ends in a sigmoid outputs
# $\hat y = f(x; W) \in (0, 1)$, the probability of *pass* ($y = 1$). Binary cross-entropy scores it:
#
# $$J(W) = -\frac{1}{n} \sum_{i=1}^{n} \Bigl[\, y^{(i)} \log \hat y^{(i)} + \bigl(1 - y^{(i)}\bigr) \log\bigl(1 - \hat y^{(i)}\bigr) \Bigr].$$
#
# For each example only one of the two terms is active: $-\log \hat y$ when the student passed,
# $-\log(1 - \hat y)$ when they failed. A confident right answer costs almost nothing; a confident wrong
# one costs a lot. Mind the **leading minus sign**: logs of probabilities are negative, and the minus makes
# the loss positive.
#
# One problem: a prediction of exactly $0$ or $1$ (which float32 produces easily) makes $\log 0 = -\infty$.
# Frameworks guard against it by **clipping** $\hat y$ into $[\epsilon, 1 - \epsilon]$ before the logs, with
# $\epsilon = 10^{-7}$ (`EPSILON` above).
#
# **{{exercise:binary_cross_entropy}}.** Write `binary_cross_entropy(y_hat, y, eps)` from the formula, with the
# clipping, averaged over the examples. Calling {{framework}}'s own binary cross-entropy does not count (the
# check looks for it), but the check compares your numbers with it.

# %% fw="tensorflow" solution="binary_cross_entropy"
def binary_cross_entropy(y_hat, y, eps=EPSILON):
    """y_hat: probabilities (n,), y: labels 0.0 / 1.0 (n,) -> scalar mean BCE, y_hat clipped to [eps, 1 - eps]."""
    ### BEGIN SOLUTION
    p = tf.clip_by_value(y_hat, eps, 1 - eps)
    return -tf.reduce_mean(y * tf.math.log(p) + (1 - y) * tf.math.log(1 - p))
    ### END SOLUTION

# %% fw="torch" solution="binary_cross_entropy"
def binary_cross_entropy(y_hat, y, eps=EPSILON):
    """y_hat: probabilities (n,), y: labels 0.0 / 1.0 (n,) -> scalar mean BCE, y_hat clipped to [eps, 1 - eps]."""
    ### BEGIN SOLUTION
    p = torch.clamp(y_hat, eps, 1 - eps)
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
    ### END SOLUTION

# %% tests="binary_cross_entropy"

# %% [markdown]
# ### Predict, then run: the cost of a sure wrong answer
#
# A student passed ($y = 1$), and the model was *certain* they would fail: $\hat y = 0$ exactly. What does
# your `binary_cross_entropy` charge for this one example, with $\epsilon = 10^{-7}$? Work it out from the
# formula and the clipping (paper, or a calculator for the log), commit to a number, and run the check
# **before** the cell after it, which shows what really happens. Whether you were right or not, the gap
# between your guess and the truth is what you learn from.
#
# **{{exercise:predict_sure_wrong_loss}}.** Return your prediction, a Python float in nats, from
# `predict_sure_wrong_loss()`.

# %% solution="predict_sure_wrong_loss"
def predict_sure_wrong_loss():
    """-> your prediction (a Python float): binary_cross_entropy(y_hat=[0.0], y=[1.0]) with eps = 1e-7."""
    ### BEGIN SOLUTION
    return 16.1
    ### END SOLUTION

# %% tests="predict_sure_wrong_loss"

# %% fw="tensorflow"
sure_wrong_y_hat, sure_wrong_y = lab.tensor([0.0]), lab.tensor([1.0])  # certain of a fail; the student passed
clipped = tf.clip_by_value(sure_wrong_y_hat, EPSILON, 1 - EPSILON)
print(f"y_hat = 0 clipped to {float(clipped[0]):.3g}; minus its natural log: {float(-tf.math.log(clipped[0])):.4f}")
print(f"without the clipping: -log(0) = {float(-tf.math.log(0.0))}")
# Keras clips y_hat into [1e-7, 1 - 1e-7] as you do: the same number.
print("TensorFlow's own binary cross-entropy: "
      f"{float(tf.keras.losses.binary_crossentropy(sure_wrong_y, sure_wrong_y_hat)):.4f}")
if lab.ready("binary_cross_entropy"):
    print(f"your binary_cross_entropy: {float(binary_cross_entropy(sure_wrong_y_hat, sure_wrong_y)):.4f}")

# %% fw="torch"
sure_wrong_y_hat, sure_wrong_y = lab.tensor([0.0]), lab.tensor([1.0])  # certain of a fail; the student passed
clipped = torch.clamp(sure_wrong_y_hat, EPSILON, 1 - EPSILON)
print(f"y_hat = 0 clipped to {float(clipped[0]):.3g}; minus its natural log: {float(-torch.log(clipped[0])):.4f}")
print(f"without the clipping: -log(0) = {float(-torch.log(torch.tensor(0.0)))}")
# PyTorch does not clip y_hat; it caps each log at -100 instead, so for it a sure wrong answer costs 100.
print(f"PyTorch's own binary cross-entropy: {float(F.binary_cross_entropy(sure_wrong_y_hat, sure_wrong_y)):.4f}")
if lab.ready("binary_cross_entropy"):
    print(f"your binary_cross_entropy: {float(binary_cross_entropy(sure_wrong_y_hat, sure_wrong_y)):.4f}")

# %% [markdown]
# **Why 16.1.** For $y = 1$ only the term $-\log \hat y$ counts, and the clipping moves $\hat y = 0$ up to
# $\epsilon = 10^{-7}$ before the log, so the loss is $-\ln 10^{-7} = 7 \ln 10 \approx 16.1$ nats. The log is
# the natural one: in base 10 the answer would be 7. Without the clipping it is $-\log 0 = \infty$, and one
# such example makes the mean over any data set infinite too. And 16.1 is what about 23 coin-flip guesses
# cost together ($16.1 / \ln 2 \approx 23$): cross-entropy charges a confident mistake far more than an
# honest "I don't know". {{framework}}'s own binary cross-entropy is printed too; the comment in the cell
# says how it keeps $\log 0$ away.
#
# The cost of one example as a function of the predicted probability. Being confidently wrong is
# punished without bound (the curves only stop at $-\log \epsilon \approx 16.1$ because of the clipping).

# %%
def per_example(loss, predictions, targets):
    """Each example's own loss: `loss` applied to batches of one. -> NumPy array (n,)."""
    return np.array([float(loss(predictions[i:i + 1], targets[i:i + 1])) for i in range(len(targets))])


if lab.ready("binary_cross_entropy"):
    plt = plots.pyplot()
    p = np.linspace(0.0, 1.0, budget(101, 11), dtype=np.float32)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for label in (1.0, 0.0):
        costs = per_example(binary_cross_entropy, lab.tensor(p), lab.tensor(np.full_like(p, label)))
        ax.plot(p, costs, linewidth=2, label=f"true label y = {label:.0f}")
    ax.set(title="Binary cross-entropy of one example", xlabel="predicted probability of pass, y_hat",
           ylabel="loss (nats)", ylim=(0, 17))
    ax.legend()
    plt.show()

# %% [markdown]
# Now the lecture's question on 100 students (seeded synthetic data: lectures attended, hours on the
# project, passed or not). Two perceptrons make predictions: one that has learned nothing (all weights 0,
# so $\hat y = 0.5$ for everyone, and the loss is $\log 2 \approx 0.693$) and one with sensible weights.
# The better model has the lower empirical loss. Your `binary_cross_entropy` matches {{framework}}'s, and
# so does the mean of the 100 per-example losses, taken by your `empirical_loss`.

# %% fw="tensorflow"
X, passed = pass_fail(n=100)
X, passed = lab.tensor(X), lab.tensor(passed)
models = {"untrained (all weights 0)": (0.0, [0.0, 0.0]), "sensible weights": (-7.5, [0.6, 0.7])}


def predict(w0, W):
    """The perceptron's probability of passing, for every student in X: (n,)."""
    return sigmoid(w0 + tf.linalg.matvec(X, lab.tensor(W)))


if lab.ready("binary_cross_entropy") and lab.ready("empirical_loss"):
    for name, (w0, W) in models.items():
        y_hat = predict(w0, W)
        builtin = tf.keras.losses.binary_crossentropy(passed, y_hat)  # Keras: the labels come first
        print(f"{name:<26} yours {float(binary_cross_entropy(y_hat, passed)):.4f}   "
              f"TensorFlow {float(builtin):.4f}")
    costs = per_example(binary_cross_entropy, predict(*models["sensible weights"]), passed)
    print(f"sensible weights, the mean of {len(costs)} per-example losses: "
          f"{float(empirical_loss(lab.tensor(costs))):.4f}")

# %% fw="torch"
X, passed = pass_fail(n=100)
X, passed = lab.tensor(X), lab.tensor(passed)
models = {"untrained (all weights 0)": (0.0, [0.0, 0.0]), "sensible weights": (-7.5, [0.6, 0.7])}


def predict(w0, W):
    """The perceptron's probability of passing, for every student in X: (n,)."""
    return sigmoid(w0 + X @ lab.tensor(W))


if lab.ready("binary_cross_entropy") and lab.ready("empirical_loss"):
    for name, (w0, W) in models.items():
        y_hat = predict(w0, W)
        builtin = F.binary_cross_entropy(y_hat, passed)  # PyTorch: the prediction comes first
        print(f"{name:<26} yours {float(binary_cross_entropy(y_hat, passed)):.4f}   "
              f"PyTorch {float(builtin):.4f}")
    costs = per_example(binary_cross_entropy, predict(*models["sensible weights"]), passed)
    print(f"sensible weights, the mean of {len(costs)} per-example losses: "
          f"{float(empirical_loss(lab.tensor(costs))):.4f}")

# %% [markdown]
# ## 3. Binary cross-entropy from logits, stably
#
# In practice the last layer usually outputs the **logit** $z$ (the weighted sum before the sigmoid) and
# the loss takes care of the sigmoid. That is not just convenient: computing $\hat y = \sigma(z)$ first
# breaks for large $|z|$. In float32, $\sigma(20)$ rounds to exactly $1$, so $\log(1 - \hat y) = -\infty$;
# with clipping the loss is capped near 16 instead, however wrong the logit is, and its gradient vanishes.
#
# Put $\hat y = \sigma(z)$ into the formula and simplify (using $\log \sigma(z) = -\log(1 + e^{-z})$ and
# $\log(1 - \sigma(z)) = -z - \log(1 + e^{-z})$): one example costs $z - zy + \log(1 + e^{-z})$. That still
# overflows for very negative $z$; rewriting it for both signs of $z$ gives the form every framework uses:
#
# $$\mathcal{L}(z, y) = \max(z, 0) - z\,y + \log\bigl(1 + e^{-|z|}\bigr).$$
#
# Here $e^{-|z|} \le 1$, so nothing overflows and no $\log 0$ can appear.
#
# **{{exercise:bce_with_logits}}.** Write `bce_with_logits(z, y)`: the mean of this over the examples. It must give
# finite, correct values for logits in the hundreds. The framework's own from-logits loss does not count.

# %% fw="tensorflow" solution="bce_with_logits"
def bce_with_logits(z, y):
    """z: logits (n,), y: labels 0.0 / 1.0 (n,) -> scalar mean BCE of sigmoid(z), computed stably."""
    ### BEGIN SOLUTION
    return tf.reduce_mean(tf.maximum(z, 0.0) - z * y + tf.math.log1p(tf.exp(-tf.abs(z))))
    ### END SOLUTION

# %% fw="torch" solution="bce_with_logits"
def bce_with_logits(z, y):
    """z: logits (n,), y: labels 0.0 / 1.0 (n,) -> scalar mean BCE of sigmoid(z), computed stably."""
    ### BEGIN SOLUTION
    return (torch.clamp(z, min=0.0) - z * y + torch.log1p(torch.exp(-torch.abs(z)))).mean()
    ### END SOLUTION

# %% tests="bce_with_logits"

# %% [markdown]
# The blow-up, for a failed student ($y = 0$) and ever larger logits. Sigmoid-then-BCE without clipping
# turns infinite as soon as $\sigma(z)$ rounds to $1$; with clipping it stalls near 16; the from-logits
# form keeps growing like $z$, as the true loss does, and agrees with {{framework}}'s own.

# %% fw="tensorflow"
def builtin_bce_with_logits(z, y):
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=z))

# %% fw="torch"
def builtin_bce_with_logits(z, y):
    return F.binary_cross_entropy_with_logits(z, y)

# %%
def sigmoid_then_bce(z, y, eps=EPSILON):
    return binary_cross_entropy(sigmoid(z), y, eps)


if lab.ready("bce_with_logits") and lab.ready("binary_cross_entropy"):
    z = np.linspace(-5.0, 60.0, budget(66, 14), dtype=np.float32)
    z_t, y_t = lab.tensor(z), lab.tensor(np.zeros_like(z))
    curves = {
        "sigmoid, then BCE without clipping": per_example(lambda z, y: sigmoid_then_bce(z, y, eps=0.0), z_t, y_t),
        "sigmoid, then clipped BCE": per_example(sigmoid_then_bce, z_t, y_t),
        "your bce_with_logits": per_example(bce_with_logits, z_t, y_t),
    }
    for logit in (5.0, 20.0, 40.0, 100.0):
        row = {name: float(fn(lab.tensor([logit]), lab.tensor([0.0]))) for name, fn in [
            ("no clipping", lambda z, y: sigmoid_then_bce(z, y, eps=0.0)), ("clipped", sigmoid_then_bce),
            ("from logits", bce_with_logits), ("{{framework}}", builtin_bce_with_logits)]}
        print(f"z = {logit:5.0f}: " + "   ".join(f"{name} {value:.4g}" for name, value in row.items()))
    plt = plots.pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for (name, costs), style in zip(curves.items(), ["-", "--", ":"]):
        ax.plot(z, np.where(np.isfinite(costs), costs, np.nan), style, linewidth=2.5, label=name)
    ax.set(title="Loss of one failed student (y = 0) as the logit grows", xlabel="logit z (unitless)",
           ylabel="loss (nats)")
    ax.legend()
    plt.show()

# %% [markdown]
# ## 4. Softmax
#
# With $K$ classes (say the letter grades A to F) the last layer outputs $K$ logits $z_1, \dots, z_K$ per
# example, and **softmax** turns them into probabilities that are positive and sum to 1:
#
# $$\operatorname{softmax}(z)_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}.$$
#
# $e^{z}$ overflows float32 for $z > 88$. Subtracting the same number from every logit of an example
# does not change the result (the factor it puts in front cancels between numerator and denominator), so
# frameworks subtract the row's maximum first: $\operatorname{softmax}(z) = \operatorname{softmax}(z - \max_j z_j)$,
# whose largest exponent is $e^0 = 1$.
#
# **{{exercise:softmax}}.** Write `softmax(z)` for a batch of shape $(n, K)$: one example per row, each
# row normalised on its own, stable for logits in the thousands. The framework's softmax does not count.

# %% fw="tensorflow" solution="softmax"
def softmax(z):
    """z: logits (n, K) -> probabilities (n, K), each row summing to 1."""
    ### BEGIN SOLUTION
    e = tf.exp(z - tf.reduce_max(z, axis=1, keepdims=True))
    return e / tf.reduce_sum(e, axis=1, keepdims=True)
    ### END SOLUTION

# %% fw="torch" solution="softmax"
def softmax(z):
    """z: logits (n, K) -> probabilities (n, K), each row summing to 1."""
    ### BEGIN SOLUTION
    e = torch.exp(z - z.max(dim=1, keepdim=True).values)
    return e / e.sum(dim=1, keepdim=True)
    ### END SOLUTION

# %% tests="softmax"

# %% [markdown]
# ## 5. Softmax cross-entropy
#
# The true class of example $i$ is a **class index** $c_i \in \{0, \dots, K-1\}$, or equivalently a
# **one-hot** row $y^{(i)}$ with a $1$ in column $c_i$ and $0$ elsewhere. Cross-entropy compares that row
# with the predicted probabilities $p^{(i)} = \operatorname{softmax}(z^{(i)})$:
#
# $$J = -\frac{1}{n} \sum_{i=1}^{n} \sum_{k=1}^{K} y^{(i)}_k \log p^{(i)}_k = -\frac{1}{n} \sum_{i=1}^{n} \log p^{(i)}_{c_i}.$$
#
# Only the true class's probability counts. With two classes this is exactly binary cross-entropy.
# Taking $\log$ of a computed softmax fails the same way as before: a class far below the best one gets
# probability exactly $0$, and $\log 0 = -\infty$. Work with **log-probabilities** instead, which never
# underflow:
#
# $$\log \operatorname{softmax}(z)_k = z_k - m - \log \sum_{j} e^{z_j - m}, \qquad m = \max_j z_j.$$
#
# **{{exercise:softmax_cross_entropy}}.** Write `one_hot(labels, num_classes)` (the framework's one-hot function is
# allowed; return float32) and `softmax_cross_entropy(logits, labels)` from the formula, with class indices
# as labels. It must stay finite and right for logits in the hundreds. The framework's cross-entropy and
# log-softmax do not count.

# %% fw="tensorflow" solution="softmax_cross_entropy"
def one_hot(labels, num_classes):
    """labels: int class indices (n,) -> float32 (n, num_classes), a single 1 per row."""
    ### BEGIN SOLUTION
    return tf.one_hot(labels, num_classes, dtype=tf.float32)
    ### END SOLUTION


def softmax_cross_entropy(logits, labels):
    """logits: (n, K), labels: int class indices (n,) -> scalar mean cross-entropy."""
    ### BEGIN SOLUTION
    shifted = logits - tf.reduce_max(logits, axis=1, keepdims=True)
    log_p = shifted - tf.math.log(tf.reduce_sum(tf.exp(shifted), axis=1, keepdims=True))
    return -tf.reduce_mean(tf.reduce_sum(one_hot(labels, logits.shape[1]) * log_p, axis=1))
    ### END SOLUTION

# %% fw="torch" solution="softmax_cross_entropy"
def one_hot(labels, num_classes):
    """labels: int class indices (n,) -> float32 (n, num_classes), a single 1 per row."""
    ### BEGIN SOLUTION
    return F.one_hot(labels, num_classes).float()
    ### END SOLUTION


def softmax_cross_entropy(logits, labels):
    """logits: (n, K), labels: int class indices (n,) -> scalar mean cross-entropy."""
    ### BEGIN SOLUTION
    shifted = logits - logits.max(dim=1, keepdim=True).values
    log_p = shifted - torch.log(torch.exp(shifted).sum(dim=1, keepdim=True))
    return -(one_hot(labels, logits.shape[1]) * log_p).sum(dim=1).mean()
    ### END SOLUTION

# %% tests="softmax_cross_entropy"

# %% [markdown]
# ## 6. The framework's cross-entropy, called right
#
# {{framework}} has this loss built in, and it is easy to call wrongly in two ways the check knows about:
#
# - **logits, not probabilities.** The functions named in the cell below apply softmax themselves. Hand
#   them probabilities and they apply softmax a second time: no error, just a wrong (and much flatter) loss.
# - **class indices or one-hot rows.** Each function expects one or the other (or accepts both);
#   the comment in the cell below says which.
#
# **{{exercise:framework_cross_entropy}}.** Write `framework_cross_entropy(logits, labels)` with {{framework}}'s own
# softmax cross-entropy: same inputs as `softmax_cross_entropy`, same mean over the examples.

# %% fw="tensorflow" solution="framework_cross_entropy"
# tf.nn.softmax_cross_entropy_with_logits(labels=..., logits=...) wants ONE-HOT labels and returns one
# loss per example (take the mean yourself); tf.nn.sparse_softmax_cross_entropy_with_logits takes class indices.
def framework_cross_entropy(logits, labels):
    """logits: (n, K), labels: int class indices (n,) -> scalar mean cross-entropy, by TensorFlow."""
    ### BEGIN SOLUTION
    targets = tf.one_hot(labels, logits.shape[1])
    return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=targets, logits=logits))
    ### END SOLUTION

# %% fw="torch" solution="framework_cross_entropy"
# F.cross_entropy(logits, target) takes CLASS INDICES (int64, shape (n,)) or class probabilities
# (float, shape (n, K), e.g. one-hot rows), and averages over the batch already.
def framework_cross_entropy(logits, labels):
    """logits: (n, K), labels: int class indices (n,) -> scalar mean cross-entropy, by PyTorch."""
    ### BEGIN SOLUTION
    return F.cross_entropy(logits, labels)
    ### END SOLUTION

# %% tests="framework_cross_entropy"

# %% [markdown]
# Five students, five letter grades, and made-up logits. Your loss and the framework's agree; probabilities
# passed as logits give a different number without any warning; the one-hot and class-index forms agree.

# %% fw="tensorflow"
letter_logits = lab.tensor(np.random.default_rng(3).normal(size=(5, 5)) * 2)
letters = tf.constant([0, 1, 2, 3, 4])
if lab.ready("softmax_cross_entropy") and lab.ready("softmax"):
    rows = {
        "yours, from the formula": softmax_cross_entropy(letter_logits, letters),
        "TensorFlow, one-hot labels": tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(
            labels=one_hot(letters, 5), logits=letter_logits)),
        "TensorFlow, class indices (sparse_)": tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=letters, logits=letter_logits)),
        "WRONG: probabilities as logits": tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(
            labels=one_hot(letters, 5), logits=softmax(letter_logits))),
    }
    for name, value in rows.items():
        print(f"{name:<38} {float(value):.4f}")

# %% fw="torch"
letter_logits = lab.tensor(np.random.default_rng(3).normal(size=(5, 5)) * 2)
letters = torch.tensor([0, 1, 2, 3, 4])
if lab.ready("softmax_cross_entropy") and lab.ready("softmax"):
    rows = {
        "yours, from the formula": softmax_cross_entropy(letter_logits, letters),
        "PyTorch, class indices": F.cross_entropy(letter_logits, letters),
        "PyTorch, one-hot rows (float)": F.cross_entropy(letter_logits, one_hot(letters, 5)),
        "WRONG: probabilities as logits": F.cross_entropy(softmax(letter_logits), letters),
    }
    for name, value in rows.items():
        print(f"{name:<38} {float(value):.4f}")

# %% [markdown]
# ### Loss objects: told, or named for, what they receive
#
# Training code usually builds a loss **object** once and calls it on every batch. Such an object cannot
# see whether the numbers it gets are logits or probabilities, so {{framework}} has to be told, or the
# object's name has to say it. The cell below computes the letter-grade loss and the pass/fail loss of the
# sensible perceptron (section 2) the right ways and the wrong way, and its comment says how
# {{framework}} decides. The right ways agree with each other (and with your functions); the wrong way
# gives a plausible-looking number, or, where the framework can tell, an error.

# %% fw="tensorflow"
# Keras's loss classes (what model.compile(loss=...) takes) expect PROBABILITIES unless told otherwise:
# from_logits=False is their default, and then they apply no softmax and no sigmoid. Handed logits, they
# take them for probabilities (clipped into [1e-7, 1 - 1e-7]): no error, a wrong loss. A model whose last
# layer has no activation needs from_logits=True. (The tf.nn functions above always take logits.)
pass_logits = -7.5 + tf.linalg.matvec(X, lab.tensor([0.6, 0.7]))  # the sensible perceptron, before its sigmoid
rows = {
    "letters, from_logits=True, logits": tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)(
        letters, letter_logits),
    "letters, default, softmax(logits)": tf.keras.losses.SparseCategoricalCrossentropy()(
        letters, tf.nn.softmax(letter_logits)),
    "WRONG letters, default, logits": tf.keras.losses.SparseCategoricalCrossentropy()(letters, letter_logits),
    "pass/fail, from_logits=True, logits": tf.keras.losses.BinaryCrossentropy(from_logits=True)(passed, pass_logits),
    "pass/fail, default, sigmoid(logits)": tf.keras.losses.BinaryCrossentropy()(passed, sigmoid(pass_logits)),
    "WRONG pass/fail, default, logits": tf.keras.losses.BinaryCrossentropy()(passed, pass_logits),
}
for name, value in rows.items():
    print(f"{name:<38} {float(value):.4f}")

# %% fw="torch"
# PyTorch has no from_logits switch: the name says what a loss takes. nn.CrossEntropyLoss and
# nn.BCEWithLogitsLoss (like F.cross_entropy and F.binary_cross_entropy_with_logits) take LOGITS;
# nn.BCELoss takes PROBABILITIES; nn.NLLLoss takes LOG-probabilities. Probabilities given to a loss that
# wants logits give a wrong number silently (softmax twice, above); logits given to nn.BCELoss raise an
# error, unless every one of them happens to lie in [0, 1].
pass_logits = -7.5 + X @ lab.tensor([0.6, 0.7])  # the sensible perceptron, before its sigmoid
rows = {
    "letters, CrossEntropyLoss, logits": torch.nn.CrossEntropyLoss()(letter_logits, letters),
    "letters, NLLLoss, log_softmax(logits)": torch.nn.NLLLoss()(torch.log_softmax(letter_logits, dim=1), letters),
    "WRONG letters, CrossEntropyLoss, probs": torch.nn.CrossEntropyLoss()(
        torch.softmax(letter_logits, dim=1), letters),
    "pass/fail, BCEWithLogitsLoss, logits": torch.nn.BCEWithLogitsLoss()(pass_logits, passed),
    "pass/fail, BCELoss, sigmoid(logits)": torch.nn.BCELoss()(sigmoid(pass_logits), passed),
}
for name, value in rows.items():
    print(f"{name:<38} {float(value):.4f}")
try:
    torch.nn.BCELoss()(pass_logits, passed)
except RuntimeError as error:
    print(f"{'WRONG pass/fail, BCELoss, logits':<38} RuntimeError: {error}")

# %% [markdown]
# ## 7. Mean squared error
#
# When the answer is a real number, say the final grade in percent, there are no classes and no
# probabilities. The usual loss is the **mean squared error**:
#
# $$J(W) = \frac{1}{n} \sum_{i=1}^{n} \bigl(y^{(i)} - \hat y^{(i)}\bigr)^2.$$
#
# Squaring makes every error count positively and large errors count much more than small ones. Its
# square root (the RMSE) is in the units of $y$: an MSE of 64 means predictions are off by about 8
# percentage points.
#
# **{{exercise:mean_squared_error}}.** Write `mean_squared_error(y_hat, y)` from the formula, for tensors of any
# shape: the mean over **every** element, not only over the last axis. The framework's own does not count.

# %% fw="tensorflow" solution="mean_squared_error"
def mean_squared_error(y_hat, y):
    """y_hat, y: float32, the same shape -> scalar mean of the squared differences."""
    ### BEGIN SOLUTION
    return tf.reduce_mean(tf.square(y - y_hat))
    ### END SOLUTION

# %% fw="torch" solution="mean_squared_error"
def mean_squared_error(y_hat, y):
    """y_hat, y: float32, the same shape -> scalar mean of the squared differences."""
    ### BEGIN SOLUTION
    return ((y - y_hat) ** 2).mean()
    ### END SOLUTION

# %% tests="mean_squared_error"

# %% [markdown]
# The same 200 students, now with their final grade (seeded synthetic data). Guessing 70% for everyone
# against a linear model of lectures and hours: the model's MSE is far lower, and yours matches the
# framework's.

# %% fw="tensorflow"
X_grades, grades = final_grades()
X_grades, grades = lab.tensor(X_grades), lab.tensor(grades)
guesses = {"70% for everyone": tf.fill(grades.shape, 70.0),
           "30 + 2.5 lectures + 2.5 hours": 30 + tf.linalg.matvec(X_grades, lab.tensor([2.5, 2.5]))}
if lab.ready("mean_squared_error"):
    for name, predicted in guesses.items():
        mse = float(mean_squared_error(predicted, grades))
        builtin = float(tf.keras.losses.MSE(grades, predicted))  # Keras: the targets come first
        print(f"{name:<30} MSE {mse:7.2f} (TensorFlow {builtin:7.2f}), off by about {mse ** 0.5:.1f} points")

# %% fw="torch"
X_grades, grades = final_grades()
X_grades, grades = lab.tensor(X_grades), lab.tensor(grades)
guesses = {"70% for everyone": torch.full(grades.shape, 70.0),
           "30 + 2.5 lectures + 2.5 hours": 30 + X_grades @ lab.tensor([2.5, 2.5])}
if lab.ready("mean_squared_error"):
    for name, predicted in guesses.items():
        mse = float(mean_squared_error(predicted, grades))
        builtin = float(F.mse_loss(predicted, grades))  # PyTorch: the prediction comes first
        print(f"{name:<30} MSE {mse:7.2f} (PyTorch {builtin:7.2f}), off by about {mse ** 0.5:.1f} points")

# %% [markdown]
# ## 8. Which loss for which task
#
# Two questions pick the loss. Is the target a **class** (classification) or a **real number**
# (regression)? And for classification, does the model output **probabilities** or **logits**?
#
# | task name | what is predicted |
# |---|---|
# | `"pass_probability"` | Will I pass? The model ends in a sigmoid and outputs the probability of passing. |
# | `"pass_logit"` | Will I pass? The model outputs a raw score $z$ (a logit, no sigmoid at the end). |
# | `"final_grade"` | The final grade in percent (a real number between 0 and 100). |
# | `"letter_grade"` | The letter grade A, B, C, D or F: one of 5 classes, from 5 logits per student. |
# | `"hours_needed"` | How many hours of project work a student needs to pass (a real number). |
#
# **{{exercise:loss_for_task}}.** Write `loss_for_task(task)`: for each task name, return the **name** of the
# one of your loss functions above that fits it, as a string (for example `"mean_squared_error"`).

# %% solution="loss_for_task"
def loss_for_task(task):
    """task: a task name from the table -> the name (str) of the loss function above that fits it."""
    ### BEGIN SOLUTION
    return {
        "pass_probability": "binary_cross_entropy",
        "pass_logit": "bce_with_logits",
        "final_grade": "mean_squared_error",
        "letter_grade": "softmax_cross_entropy",
        "hours_needed": "mean_squared_error",
    }[task]
    ### END SOLUTION

# %% tests="loss_for_task"

# %% [markdown]
# Why not mean squared error for classification too? Take a student who passed ($y = 1$) and a model whose
# logit $z$ says otherwise, more and more confidently as $z$ goes negative. Training follows the slope of
# the loss. Cross-entropy's slope stays near $-1$ however wrong the model is, so it keeps correcting; the
# squared error of $\sigma(z)$ flattens out, and a confidently wrong model barely learns. The slopes come
# from {{framework}}'s automatic differentiation.

# %% fw="tensorflow"
def slope(loss, z, y):
    """d loss_i / d z_i for each example i, by autograd (the losses average over n, so multiply by n)."""
    z = tf.Variable(z)
    with tf.GradientTape() as tape:
        value = loss(z, y)
    return tape.gradient(value, z).numpy() * len(y)

# %% fw="torch"
def slope(loss, z, y):
    """d loss_i / d z_i for each example i, by autograd (the losses average over n, so multiply by n)."""
    z = z.clone().requires_grad_(True)
    loss(z, y).backward()
    return z.grad.numpy() * len(y)

# %%
if lab.ready("bce_with_logits") and lab.ready("mean_squared_error"):
    z = np.linspace(-10.0, 5.0, budget(60, 12), dtype=np.float32)  # avoids z = 0, where |z| has no slope
    z_t, y_t = lab.tensor(z), lab.tensor(np.ones_like(z))
    losses = {"binary cross-entropy (from logits)": bce_with_logits,
              "squared error of sigmoid(z)": lambda z, y: mean_squared_error(sigmoid(z), y)}
    plt = plots.pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
    for name, loss in losses.items():
        left.plot(z, per_example(loss, z_t, y_t), linewidth=2, label=name)
        right.plot(z, slope(loss, z_t, y_t), linewidth=2, label=name)
    left.set(title="Loss of one student who passed (y = 1)", xlabel="logit z (unitless)", ylabel="loss")
    right.set(title="Its slope: what training follows", xlabel="logit z (unitless)", ylabel="d loss / d z")
    right.axhline(0, color="grey", linewidth=0.5)
    left.legend()
    plt.show()

# %% [markdown]
# ## 9. The bug museum
#
# Three exhibits: code that runs without an error and still computes the wrong thing. The first is a line
# of the lecture's slides; the others are slips that the frameworks' calling conventions make easy. Run
# each one, hold its numbers against what the right code gives (printed beside them), and work out why
# it goes wrong; then say so in the exercise after the last exhibit.
#
# **Exhibit `single_logit`.** The lecture's slide on binary cross-entropy computes it with {{framework}}'s
# *softmax* cross-entropy (the line marked in the cell). The pass/fail perceptron has one output per
# student, so what the slide calls `predicted` has shape $(n, 1)$. The cell runs the slide's line on the
# sensible perceptron of section 2 and on its mirror image (every weight negated, so every answer flips),
# with its gradient with respect to the weights, and the binary cross-entropy from logits beside it.

# %% fw="tensorflow"
y_column = tf.reshape(passed, (-1, 1))  # the labels as a column: (n, 1), like the slide's y
for name, sign in (("sensible weights", 1.0), ("every weight negated", -1.0)):
    W = tf.Variable(sign * lab.tensor([0.6, 0.7]))
    with tf.GradientTape() as tape:
        predicted = tf.reshape(sign * -7.5 + tf.linalg.matvec(X, W), (-1, 1))  # one logit per student: (n, 1)
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(y_column, predicted))  # the slide's line
    print(f"{name:<21} slide's loss {float(loss):.4f}   its gradient {np.round(tape.gradient(loss, W).numpy(), 2)}"
          f"   binary cross-entropy from logits {float(builtin_bce_with_logits(predicted[:, 0], passed)):.4f}")

# %% fw="torch"
y_column = passed.reshape(-1, 1)  # the labels as a column: (n, 1), like the slide's y
for name, sign in (("sensible weights", 1.0), ("every weight negated", -1.0)):
    W = (sign * lab.tensor([0.6, 0.7])).requires_grad_(True)
    predicted = (sign * -7.5 + X @ W).reshape(-1, 1)  # one logit per student: (n, 1)
    loss = torch.nn.functional.cross_entropy(predicted, y_column)  # the slide's line
    loss.backward()
    print(f"{name:<21} slide's loss {loss.item() + 0.0:.4f}   its gradient {np.round(W.grad.numpy(), 2)}"
          f"   binary cross-entropy from logits {builtin_bce_with_logits(predicted[:, 0], passed).item():.4f}")

# %% [markdown]
# **Exhibit `probabilities_as_logits`.** A classifier of letter grades whose last layer applies softmax, so
# that it outputs probabilities, trained with {{framework}}'s loss for logits. The cell makes two sure
# models for the five students of section 6, with a logit of 10 for one letter and 0 for the others: once
# on each student's right letter, once on the next letter. It prints the loss of what such a model
# outputs (its probabilities) and the loss of its logits before the softmax.

# %% fw="tensorflow"
sure_logits = {"sure and right": 10.0 * tf.one_hot(letters, 5),
               "sure and wrong": 10.0 * tf.one_hot((letters + 1) % 5, 5)}  # 10 for one letter, 0 for the rest
loss_for_logits = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
for name, logits in sure_logits.items():
    probabilities = tf.nn.softmax(logits)  # what a model ending in Dense(5, activation="softmax") outputs
    print(f"{name:<15} the loss of its probabilities {float(loss_for_logits(letters, probabilities)):.4f}   "
          f"of its logits {float(loss_for_logits(letters, logits)):.4f}")

# %% fw="torch"
sure_logits = {"sure and right": 10.0 * F.one_hot(letters, 5),
               "sure and wrong": 10.0 * F.one_hot((letters + 1) % 5, 5)}  # 10 for one letter, 0 for the rest
loss_for_logits = torch.nn.CrossEntropyLoss()
for name, logits in sure_logits.items():
    probabilities = torch.softmax(logits, dim=1)  # what a model ending in nn.Softmax(dim=1) outputs
    print(f"{name:<15} the loss of its probabilities {float(loss_for_logits(probabilities, letters)):.4f}   "
          f"of its logits {float(loss_for_logits(logits, letters)):.4f}")

# %% [markdown]
# **Exhibit `swapped_arguments`.** The lecture's slides hand a loss its two arguments in two orders, one for
# each framework: labels first on one slide, predictions first on the other. The cell scores section 2's two
# perceptrons with {{framework}}'s binary cross-entropy, once in the order of the other framework's slide and
# once in the order of {{framework}}'s own (the comments show both).

# %% fw="tensorflow"
for name, (w0, W) in models.items():
    y_hat = predict(w0, W)
    other_order = tf.keras.losses.binary_crossentropy(y_hat, passed)  # as on the PyTorch slide: (predicted, y)
    this_order = tf.keras.losses.binary_crossentropy(passed, y_hat)  # as on the TensorFlow slide: (y, predicted)
    print(f"{name:<26} PyTorch's order {float(other_order):.4f}   TensorFlow's order {float(this_order):.4f}")

# %% fw="torch"
for name, (w0, W) in models.items():
    y_hat = predict(w0, W)
    other_order = F.binary_cross_entropy(passed, y_hat)  # as on the TensorFlow slide: (y, predicted)
    this_order = F.binary_cross_entropy(y_hat, passed)  # as on the PyTorch slide: (predicted, y)
    print(f"{name:<26} TensorFlow's order {float(other_order):.4f}   PyTorch's order {float(this_order):.4f}")

# %% [markdown]
# **{{exercise:bug_museum}}.** For each exhibit, pick the letter of the reason it goes wrong, and return
# the three letters from `bug_museum()` as a dict: exhibit name -> letter.
#
# {{choices:bug_museum}}

# %% solution="bug_museum"
def bug_museum():
    """-> dict: each exhibit's name ("single_logit", "probabilities_as_logits", "swapped_arguments") -> your
    letter (a str)."""
    ### BEGIN SOLUTION
    return {"single_logit": "b", "probabilities_as_logits": "c", "swapped_arguments": "a"}
    ### END SOLUTION

# %% tests="bug_museum"

# %% [markdown]
# **What the exhibits show.** *single_logit*: softmax shares probability among the classes of one example;
# with a single class there is nothing to share, $e^{z} / e^{z} = 1$, and $-\log 1 = 0$ for every student and
# every weight: a loss that cannot tell a good model from a hopeless one. The fix is a binary loss on the one
# logit (sections 2 and 3), or two outputs per student with a softmax over them.
#
# *probabilities_as_logits*: a loss for logits applies softmax itself, so probabilities go through softmax a
# second time. Inputs squeezed into $[0, 1]$ leave the right letter between $1/(e + 4) \approx 0.15$ and
# $e/(e + 4) \approx 0.40$, so the loss is stuck between $\ln(1 + 4/e) \approx 0.90$ and $\ln(4 + e) \approx 1.90$
# whatever the model does, and its slope is small everywhere: training crawls. Keep the last layer linear and
# hand the loss the logits, or give probabilities to a loss made for probabilities.
#
# *swapped_arguments*: in the other order the labels take the predictions' place, so the loss computes
# $-[\hat y \log y + (1 - \hat y) \log(1 - y)]$: the log of a label of exactly 0 or 1, which only the
# framework's guard keeps finite, weighted by the model's probabilities. The untrained perceptron's 0.5 for
# everyone then costs half the guard's value per student instead of $\ln 2$. Mean squared error does not
# care about the order, since $(y - \hat y)^2 = (\hat y - y)^2$; cross-entropy does, and each framework's
# documentation says which argument comes first.

# %% [markdown]
# What {{framework}} printed as the gradient in `single_logit` has a story of its own, told in the cell below.

# %% fw="tensorflow"
# TensorFlow's kernel does not differentiate the constant 0 it computed: it returns its usual formula,
# softmax(z) - y for each logit, which assumes that each row of labels sums to 1. With one class that is
# 1 - y, whatever the weights: training on it would push every failed student's logit down and never learn
# from the students who passed.
logits = tf.Variable(tf.reshape(-7.5 + tf.linalg.matvec(X, lab.tensor([0.6, 0.7])), (-1, 1)))
with tf.GradientTape() as tape:
    loss = tf.reduce_sum(tf.nn.softmax_cross_entropy_with_logits(y_column, logits))
print("the gradient for the first 8 students:", tape.gradient(loss, logits).numpy()[:8, 0])
print("1 - y for the same students:          ", 1 - y_column.numpy()[:8, 0])

# %% fw="torch"
# PyTorch differentiates what it computed, a constant, so the gradient is exactly 0 and training would never
# move the weights (+ 0.0 prints PyTorch's -0.0 as 0.0). With class indices instead of a column of floats,
# the slide's line fails outright: a single column holds class 0 only.
try:
    torch.nn.functional.cross_entropy(predicted, passed.long())
except Exception as e:
    print("raised", type(e).__name__, ":", str(e).splitlines()[0])

# %% [markdown]
# ## Summary
#
# You wrote the empirical loss as the mean of per-example losses; binary cross-entropy with its minus
# sign and its clipping; the stable from-logits form that never computes $\sigma(z)$; softmax and
# softmax cross-entropy through log-probabilities; the framework's own cross-entropy called with logits
# and the right kind of labels; mean squared error; and which of them fits which task. You also predicted
# what a sure wrong answer costs before you saw it, and explained three pieces of code that go wrong
# quietly. Next lab: gradient descent, which uses the slope of these losses to train the weights. Run the
# cell below to see where you stand before you submit.

# %%
lab.progress()
