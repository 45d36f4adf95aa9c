# %% [markdown]
# # Lab 01 · The perceptron and its activation functions ({{framework}})
#
# A deep network is built from one small part repeated many times: the **perceptron**.
# It takes a weighted sum of its inputs, adds a bias, and passes the result through a
# non-linear function. In this lab you write each of those pieces yourself in {{framework}},
# check them against the framework, and see why the non-linear step is what gives depth its power.
#
# **How this notebook works.** Each exercise has a function to complete where it says
# `# YOUR CODE HERE`, followed by a check cell. Run the check: it says *passed*, *not attempted
# yet*, or what is wrong (expected vs got, and the likely mistake). `lab.hint("name")` gives a hint,
# a more specific one each time you call it. Hidden tests with fresh inputs decide the grade, so make
# the function right, not just the example. `lab.progress()` at the end sums up.

# %% fw="tensorflow"
import numpy as np

from mitdl_utils import open_lab, plots
# TensorFlow after mitdl_utils, which turns its start-up messages off (that works only before the import)
import tensorflow as tf

lab = open_lab("perceptron", framework="tensorflow")

# %% fw="torch"
import numpy as np
import torch

from mitdl_utils import open_lab, plots

lab = open_lab("perceptron", framework="torch")

# %% [markdown]
# ## 1. Activation functions
#
# The activation function $g$ decides what the perceptron outputs for a given weighted sum $z$.
# Three are used everywhere:
#
# | name | formula | output range |
# |---|---|---|
# | sigmoid | $\sigma(z) = \dfrac{1}{1 + e^{-z}}$ | $(0, 1)$, so it reads as a probability |
# | hyperbolic tangent | $\tanh(z) = \dfrac{e^{z} - e^{-z}}{e^{z} + e^{-z}}$ | $(-1, 1)$ |
# | rectified linear unit | $\mathrm{ReLU}(z) = \max(z, 0)$ | $[0, \infty)$ |
#
# **A trap in the tanh formula.** float32 cannot hold a number above about $3.4 \times 10^{38} \approx e^{88.7}$,
# so $e^{z}$ becomes `inf` once $z$ passes about 88.7. The formula in the table then divides `inf` by `inf`,
# which is `nan` (not a number), although $\tanh(90)$ is simply 1; for $z$ below $-88.7$ the same happens with
# $e^{-z}$. Divide the numerator and the denominator by $e^{z}$ and the trap is gone:
#
# $$\tanh(z) = \frac{1 - e^{-2z}}{1 + e^{-2z}} = \frac{2}{1 + e^{-2z}} - 1 = 2\,\sigma(2z) - 1.$$
#
# For large positive $z$ the exponential fades to 0 and the result is $1$; for large negative $z$ it
# overflows to `inf`, and $2 / \infty - 1 = -1$, exactly right. Where `inf` can only land in a denominator,
# it does no harm: that is also why the sigmoid's formula survives, as $1 / (1 + \infty) = 0$. (Another
# safe form: the sign of $z$ times $(1 - e^{-2|z|}) / (1 + e^{-2|z|})$, whose exponent is never positive.)
#
# **{{exercise:activations}}.** Write the three functions from their formulas using elementwise tensor
# operations (exponentials, division, maximum), tanh in a form that stays finite: the check tries
# $|z|$ in the hundreds. Calling the framework's own `sigmoid`, `tanh` or `relu` does not count: the check
# looks for it. Each function takes a float32 tensor of any shape and returns one of the same shape.

# %% fw="tensorflow" solution="activations"
def sigmoid(z):
    """Logistic sigmoid, elementwise. z: float32 tensor, any shape -> same shape."""
    ### BEGIN SOLUTION
    return 1 / (1 + tf.exp(-z))
    ### END SOLUTION


def tanh(z):
    """Hyperbolic tangent, elementwise. z: float32 tensor, any shape -> same shape."""
    ### BEGIN SOLUTION
    return 2 / (1 + tf.exp(-2 * z)) - 1  # the table's formula would give inf / inf = nan for |z| > 88.7
    ### END SOLUTION


def relu(z):
    """Rectified linear unit, elementwise. z: float32 tensor, any shape -> same shape."""
    ### BEGIN SOLUTION
    return tf.maximum(z, 0.0)
    ### END SOLUTION

# %% fw="torch" solution="activations"
def sigmoid(z):
    """Logistic sigmoid, elementwise. z: float32 tensor, any shape -> same shape."""
    ### BEGIN SOLUTION
    return 1 / (1 + torch.exp(-z))
    ### END SOLUTION


def tanh(z):
    """Hyperbolic tangent, elementwise. z: float32 tensor, any shape -> same shape."""
    ### BEGIN SOLUTION
    return 2 / (1 + torch.exp(-2 * z)) - 1  # the table's formula would give inf / inf = nan for |z| > 88.7
    ### END SOLUTION


def relu(z):
    """Rectified linear unit, elementwise. z: float32 tensor, any shape -> same shape."""
    ### BEGIN SOLUTION
    return torch.clamp(z, min=0.0)
    ### END SOLUTION

# %% tests="activations"

# %% [markdown]
# ## 2. Their derivatives
#
# Training adjusts weights by following gradients, and every gradient passes through the derivative
# of the activation. Each one can be written with the activation itself:
#
# $$\sigma'(z) = \sigma(z)\,\bigl(1 - \sigma(z)\bigr), \qquad \tanh'(z) = 1 - \tanh^2(z), \qquad
# \mathrm{ReLU}'(z) = \begin{cases} 1 & z > 0 \\ 0 & z < 0 \end{cases}$$
#
# (ReLU has no derivative at exactly $z = 0$; frameworks use 0 there, and so should you: the check tries $z = 0$.)
#
# **{{exercise:derivatives}}.** Write the three derivatives. The check compares them with the formulas
# and with what {{framework}}'s automatic differentiation computes for the framework's own activations.

# %% fw="tensorflow" solution="derivatives"
def sigmoid_derivative(z):
    """d sigmoid / dz, elementwise. z: float32 tensor -> same shape."""
    ### BEGIN SOLUTION
    s = sigmoid(z)
    return s * (1 - s)
    ### END SOLUTION


def tanh_derivative(z):
    """d tanh / dz, elementwise. z: float32 tensor -> same shape."""
    ### BEGIN SOLUTION
    return 1 - tanh(z) ** 2
    ### END SOLUTION


def relu_derivative(z):
    """d ReLU / dz, elementwise (0 at z = 0). z: float32 tensor -> float32, same shape."""
    ### BEGIN SOLUTION
    return tf.cast(z > 0, z.dtype)
    ### END SOLUTION

# %% fw="torch" solution="derivatives"
def sigmoid_derivative(z):
    """d sigmoid / dz, elementwise. z: float32 tensor -> same shape."""
    ### BEGIN SOLUTION
    s = sigmoid(z)
    return s * (1 - s)
    ### END SOLUTION


def tanh_derivative(z):
    """d tanh / dz, elementwise. z: float32 tensor -> same shape."""
    ### BEGIN SOLUTION
    return 1 - tanh(z) ** 2
    ### END SOLUTION


def relu_derivative(z):
    """d ReLU / dz, elementwise (0 at z = 0). z: float32 tensor -> float32, same shape."""
    ### BEGIN SOLUTION
    return (z > 0).to(z.dtype)
    ### END SOLUTION

# %% tests="derivatives"

# %% [markdown]
# Your functions next to their derivatives. Notice where each derivative is close to zero: a unit whose
# input sits there barely learns (the sigmoid and tanh *saturate*; ReLU is flat for every negative input).

# %%
plots.plot_functions({"sigmoid": sigmoid, "tanh": tanh, "ReLU": relu}, lab.tensor,
                     title="Activation functions", ylabel="g(z)")
plots.plot_functions({"sigmoid'": sigmoid_derivative, "tanh'": tanh_derivative, "ReLU'": relu_derivative},
                     lab.tensor, title="Their derivatives", ylabel="g'(z)")

# %% [markdown]
# ## 3. The forward pass
#
# A perceptron with weights $W = (w_1, \dots, w_d)$ and bias $w_0$ turns an input $x$ into
#
# $$\hat y = g\Bigl(w_0 + \sum_{j=1}^{d} x_j w_j\Bigr) = g\bigl(w_0 + x^\top W\bigr).$$
#
# Dot product, add the bias, apply the non-linearity. For a whole batch at once, stack the inputs as the
# rows of a matrix $X$ of shape $(n, d)$: then $z = w_0 + X W$ has shape $(n,)$, one value per input.
#
# **{{exercise:perceptron}}.** Write `perceptron(X, w0, W, g)` for a batch. `g` is any activation
# function, passed in as an argument.

# %% fw="tensorflow" solution="perceptron"
def perceptron(X, w0, W, g):
    """X: (n, d), w0: scalar, W: (d,), g: activation -> y_hat: (n,)."""
    ### BEGIN SOLUTION
    z = w0 + tf.linalg.matvec(X, W)
    return g(z)
    ### END SOLUTION

# %% fw="torch" solution="perceptron"
def perceptron(X, w0, W, g):
    """X: (n, d), w0: scalar, W: (d,), g: activation -> y_hat: (n,)."""
    ### BEGIN SOLUTION
    z = w0 + X @ W
    return g(z)
    ### END SOLUTION

# %% tests="perceptron"

# %% [markdown]
# ## 4. The lecture's example
#
# The lecture works one perceptron through by hand: bias $w_0 = 1$, weights $W = (3, -2)$, and the input
# $x = (-1, 2)$. Then
#
# $$z = 1 + (-1)(3) + (2)(-2) = -6, \qquad \hat y = \sigma(-6) \approx 0.0025.$$
#
# (The slide's 0.002 is this 0.0025, rounded.) The weighted sum is far below zero, so the sigmoid squeezes it
# to almost nothing.
#
# **{{exercise:lecture_example}}.** Compute $z$ and $\hat y$ for this example with your `perceptron`
# (hint: an identity activation gives you $z$) and return both.

# %% fw="tensorflow" solution="lecture_example"
def lecture_example():
    """-> (z, y_hat), two scalar tensors, for w0 = 1, W = [3, -2], x = [-1, 2]."""
    ### BEGIN SOLUTION
    x = tf.constant([[-1.0, 2.0]])
    W = tf.constant([3.0, -2.0])
    z = perceptron(x, 1.0, W, lambda z: z)[0]
    return z, sigmoid(z)
    ### END SOLUTION

# %% fw="torch" solution="lecture_example"
def lecture_example():
    """-> (z, y_hat), two scalar tensors, for w0 = 1, W = [3, -2], x = [-1, 2]."""
    ### BEGIN SOLUTION
    x = torch.tensor([[-1.0, 2.0]])
    W = torch.tensor([3.0, -2.0])
    z = perceptron(x, 1.0, W, lambda z: z)[0]
    return z, sigmoid(z)
    ### END SOLUTION

# %% tests="lecture_example"

# %% [markdown]
# ## 5. The decision boundary
#
# The sigmoid crosses $0.5$ exactly where $z = 0$. For the lecture's perceptron that is the line
#
# $$1 + 3x_1 - 2x_2 = 0.$$
#
# Every input on one side of the line gets $z > 0$ and $\hat y > 0.5$; every input on the other side
# gets $z < 0$ and $\hat y < 0.5$. A single perceptron can only ever split the plane with a straight line.
#
# **{{exercise:decision_boundary}}.** Write `boundary_x2(x1)`, the $x_2$ on the line for each $x_1$, and
# `on_positive_side(X)`, a boolean tensor that is true for the rows of $X$ where $z > 0$. The same code
# works in both frameworks.

# %% solution="decision_boundary"
def boundary_x2(x1):
    """x1: (n,) -> x2: (n,), the points (x1, x2) on the line 1 + 3 x1 - 2 x2 = 0."""
    ### BEGIN SOLUTION
    return (1 + 3 * x1) / 2
    ### END SOLUTION


def on_positive_side(X):
    """X: (n, 2) -> bool tensor (n,): True where 1 + 3 x1 - 2 x2 > 0."""
    ### BEGIN SOLUTION
    return 1 + 3 * X[:, 0] - 2 * X[:, 1] > 0
    ### END SOLUTION

# %% tests="decision_boundary"

# %% [markdown]
# The plane coloured by your perceptron's output, with your boundary drawn on top. The line should run
# exactly along the middle of the colour change. The orange points are the lecture's input $(-1, 2)$
# and three more: check by eye which side each lands on.

# %%
plots.plot_decision_plane(
    lambda X: perceptron(X, 1.0, lab.tensor([3.0, -2.0]), sigmoid),
    boundary_x2, to_tensor=lab.tensor, points=[[-1.0, 2.0], [1.0, -1.0], [2.0, 1.0], [-2.0, -3.0]],
    predict_name="perceptron",
)

# %% [markdown]
# ## 6. Why the non-linearity matters
#
# Remove the activation and a layer is just $x W + b$. Stack two such layers,
#
# $$\bigl(x W_1 + b_1\bigr) W_2 + b_2,$$
#
# and the result is again of the form $x W + b$ for one matrix $W$ and one vector $b$. However many
# linear layers you stack, the network can only draw straight decision boundaries, exactly like a single
# perceptron. The activation functions are what let depth buy anything.
#
# **{{exercise:collapse}}.** Given the two layers (shapes $W_1: (d, h)$, $b_1: (h,)$, $W_2: (h, k)$,
# $b_2: (k,)$), return the single layer $(W, b)$ that computes the same function. The check applies both
# to random inputs and compares.

# %% fw="tensorflow" solution="collapse"
def collapse_linear(W1, b1, W2, b2):
    """Two linear layers -> (W: (d, k), b: (k,)) with x W + b == (x W1 + b1) W2 + b2."""
    ### BEGIN SOLUTION
    W = W1 @ W2
    b = tf.linalg.matvec(W2, b1, transpose_a=True) + b2
    return W, b
    ### END SOLUTION

# %% fw="torch" solution="collapse"
def collapse_linear(W1, b1, W2, b2):
    """Two linear layers -> (W: (d, k), b: (k,)) with x W + b == (x W1 + b1) W2 + b2."""
    ### BEGIN SOLUTION
    W = W1 @ W2
    b = b1 @ W2 + b2
    return W, b
    ### END SOLUTION

# %% tests="collapse"

# %% [markdown]
# ## Summary
#
# You built a perceptron from its parts: activations and their derivatives, the batched forward pass,
# the lecture's example, its straight-line decision boundary, and the reason non-linear activations are
# needed. Next lab: many perceptrons side by side form a dense layer, and layers stacked form a deep
# network. Run the cell below to see where you stand before you submit.

# %%
lab.progress()
