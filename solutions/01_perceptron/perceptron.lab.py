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

from mitdl_utils import open_lab, plots, seed_everything
# TensorFlow after mitdl_utils, which turns its start-up messages off (that works only before the import)
import tensorflow as tf

lab = open_lab("perceptron", framework="tensorflow")

# %% fw="torch"
import numpy as np
import torch

from mitdl_utils import open_lab, plots, seed_everything

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
# ### Predict, then run: the weights times 10
#
# Multiply every weight of the lecture's perceptron by 10: $w_0 = 10$ and $W = (30, -20)$. What happens to its
# decision boundary, the line where $\hat y = 0.5$? Decide first (a sketch on paper helps), write your letter in
# the function below, and run its check **before** the cell after it, which draws both perceptrons and prints
# their outputs. That cell shows the answer whatever you wrote: the point is to commit to a guess before you
# see it, and if the check says you were wrong, it says why.
#
# **{{exercise:predict_scaled_weights}}.** Return your letter, a string, from `predict_scaled_weights()`.
#
# {{choices:predict_scaled_weights}}

# %% solution="predict_scaled_weights"
def predict_scaled_weights():
    """-> your prediction: "a", "b", "c" or "d"."""
    ### BEGIN SOLUTION
    return "c"
    ### END SOLUTION

# %% tests="predict_scaled_weights"

# %% fw="tensorflow"
orange_points = lab.tensor([[-1.0, 2.0], [1.0, -1.0], [2.0, 1.0], [-2.0, -3.0]])  # the plot's four points
for scale in (1.0, 10.0):
    y_hat = tf.math.sigmoid(scale * (1.0 + tf.linalg.matvec(orange_points, lab.tensor([3.0, -2.0]))))
    print(f"w0 = {scale:g}, W = ({3 * scale:g}, {-2 * scale:g}): y_hat at the four points",
          ", ".join(f"{value:.3g}" for value in y_hat.numpy()))
for scale in (1.0, 10.0):
    plots.plot_decision_plane(
        lambda X, s=scale: tf.math.sigmoid(s * (1.0 + tf.linalg.matvec(X, lab.tensor([3.0, -2.0])))),
        lambda x1, s=scale: (s + 3 * s * x1) / (2 * s), to_tensor=lab.tensor, points=orange_points.numpy(),
        title=f"w0 = {scale:g}, W = ({3 * scale:g}, {-2 * scale:g})")

# %% fw="torch"
orange_points = lab.tensor([[-1.0, 2.0], [1.0, -1.0], [2.0, 1.0], [-2.0, -3.0]])  # the plot's four points
for scale in (1.0, 10.0):
    y_hat = torch.sigmoid(scale * (1.0 + orange_points @ lab.tensor([3.0, -2.0])))
    print(f"w0 = {scale:g}, W = ({3 * scale:g}, {-2 * scale:g}): y_hat at the four points",
          ", ".join(f"{value:.3g}" for value in y_hat.numpy()))
for scale in (1.0, 10.0):
    plots.plot_decision_plane(
        lambda X, s=scale: torch.sigmoid(s * (1.0 + X @ lab.tensor([3.0, -2.0]))),
        lambda x1, s=scale: (s + 3 * s * x1) / (2 * s), to_tensor=lab.tensor, points=orange_points.numpy(),
        title=f"w0 = {scale:g}, W = ({3 * scale:g}, {-2 * scale:g})")

# %% [markdown]
# **Why the line stays put.** $\hat y = 0.5$ exactly where $z = 0$, and the new weighted sum
# $10 + 30x_1 - 20x_2 = 10\,(1 + 3x_1 - 2x_2)$ is ten times the old one, so it is zero on exactly the same
# points. What the factor changes is how fast $\hat y$ leaves 0.5 on either side of the line: at $(-2, -3)$,
# $z$ goes from 1 to 10 and $\hat y$ from 0.73 to 0.99995; at the lecture's input $(-1, 2)$, from $-6$ to $-60$,
# and $\hat y$ from 0.0025 to about $9 \times 10^{-27}$. The strip where $\hat y$ lies between 0.1 and 0.9
# narrows from about 1.2 units across to 0.12. The *direction* of the weights decides where the line lies;
# their *size* decides how sure the perceptron is close to it.

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
# ## 7. The bug museum
#
# Three exhibits, each made from the lecture's slides: code that looks right and still goes wrong. Where the
# code raises an error, the cell catches it and prints its first line, so that you see what {{framework}} says
# without a red traceback. Run each cell, hold what it prints against what the right code prints beside it,
# and work out why it goes wrong; then say so in the exercise after the last exhibit.
#
# **Exhibit `missing_activation`.** One of the lecture's slides on multi-output perceptrons builds its model as
# `tf.keras.Sequential([tf.keras.layers.Dense(n), tf.keras.layers.Dense(2)])`: two dense layers, and no activation
# in either (the slide's other version puts an `nn.ReLU()` between its two `nn.Linear` layers). The cell builds that
# model in {{framework}} for 2 inputs, with $n = 64$ and $n = 1024$ hidden units, and reads one layer of 6 numbers
# off it: its outputs for the input $(0, 0)$ are $b$, and its outputs for $(1, 0)$ and $(0, 1)$, minus $b$, are
# the two rows of $W$. It compares the model with $x W + b$ on 1000 random inputs, then does the same with a ReLU
# between the two layers.

# %% fw="tensorflow"
seed_everything(0, frameworks=("tensorflow",))
inputs = lab.tensor(np.random.default_rng(0).normal(size=(1000, 2)))
for n in (64, 1024):
    for activation in (None, "relu"):
        model = tf.keras.Sequential([tf.keras.layers.Dense(n, activation=activation), tf.keras.layers.Dense(2)])
        b = model(tf.zeros((1, 2)))[0]  # with activation=None, the slide's model
        W = model(tf.eye(2)) - b  # row j: what input j adds to the two outputs
        gap = float(tf.reduce_max(tf.abs(model(inputs) - (inputs @ W + b))))
        print(f"n = {n:>4}, {'no activation' if activation is None else 'ReLU':<13}: {model.count_params():>4} "
              f"numbers; the largest gap to one layer of 6 numbers read off it: {gap:.1e}")

# %% fw="torch"
seed_everything(0, frameworks=("torch",))
inputs = lab.tensor(np.random.default_rng(0).normal(size=(1000, 2)))
for n in (64, 1024):
    for activation in (None, torch.nn.ReLU()):
        layers = [torch.nn.Linear(2, n), torch.nn.Linear(n, 2)]  # without the ReLU, like the TensorFlow slide
        model = torch.nn.Sequential(*layers[:1], *([activation] if activation else []), *layers[1:])
        with torch.no_grad():
            b = model(torch.zeros(1, 2))[0]
            W = model(torch.eye(2)) - b  # row j: what input j adds to the two outputs
            gap = float((model(inputs) - (inputs @ W + b)).abs().max())
        print(f"n = {n:>4}, {'no activation' if activation is None else 'ReLU':<13}: "
              f"{sum(p.numel() for p in model.parameters()):>4} numbers; the largest gap to one layer of 6 numbers "
              f"read off it: {gap:.1e}")

# %% [markdown]
# **Exhibit `relu_layer`.** The slide on ReLU gives two lines of code for it: `tf.nn.relu(z)` and
# `torch.nn.ReLU(z)`. The cell runs the second one, written with {{framework}}'s ReLU layer class (`torch.nn.ReLU`
# or `tf.keras.layers.ReLU`), on $z = (-6, 0.5, 2)$, tries to use what it gives back, and prints what the right
# code gives on its last line.

# %% fw="tensorflow"
z = lab.tensor([-6.0, 0.5, 2.0])
for slide_like in (lambda: tf.keras.layers.ReLU(z), lambda: tf.keras.layers.ReLU(z[0])):  # z, then its -6
    try:
        print("tf.keras.layers.ReLU(...) gave back", type(slide_like()).__name__)
    except Exception as e:
        print("raised", type(e).__name__, ":", str(e).splitlines()[0])
print("the function tf.nn.relu(z):", tf.nn.relu(z).numpy(), "  the layer tf.keras.layers.ReLU()(z):",
      tf.keras.layers.ReLU()(z).numpy())

# %% fw="torch"
z = lab.tensor([-6.0, 0.5, 2.0])
activation = torch.nn.ReLU(z)  # the slide's line
print(f"torch.nn.ReLU(z) gave back a {type(activation).__name__}; its setting `inplace` is z:",
      activation.inplace is z)
for use in (lambda: activation + 1, lambda: activation(z)):
    try:
        print(use())
    except Exception as e:
        print("raised", type(e).__name__, ":", str(e).splitlines()[0])
print("the function torch.relu(z):", torch.relu(z).numpy(), "  the layer torch.nn.ReLU()(z):",
      torch.nn.ReLU()(z).numpy())

# %% [markdown]
# **Exhibit `transposed_batch`.** The slides write the perceptron as $\hat y = g(w_0 + X^T W)$. The cell takes
# that formula literally for a batch of inputs stacked as rows, as in section 3: the lecture's input $(-1, 2)$
# and the fourth orange point $(-2, -3)$, then a batch of three. It prints $z$ from the transposed $X$ and from
# $w_0 + X W$, the way your `perceptron` computes it.

# %% fw="tensorflow"
W_lecture = lab.tensor([3.0, -2.0])
for X in (lab.tensor([[-1.0, 2.0], [-2.0, -3.0]]), lab.tensor([[-1.0, 2.0], [-2.0, -3.0], [1.0, -1.0]])):
    try:
        z_slide = 1.0 + tf.linalg.matvec(tf.transpose(X), W_lecture)  # the slide's w0 + X^T W
        print(f"{X.shape[0]} inputs, the slide's formula: z =", z_slide.numpy())
    except Exception as e:
        print("raised", type(e).__name__, ":", str(e).splitlines()[0])
    print(f"{X.shape[0]} inputs, w0 + X W:           z =", (1.0 + tf.linalg.matvec(X, W_lecture)).numpy())

# %% fw="torch"
W_lecture = lab.tensor([3.0, -2.0])
for X in (lab.tensor([[-1.0, 2.0], [-2.0, -3.0]]), lab.tensor([[-1.0, 2.0], [-2.0, -3.0], [1.0, -1.0]])):
    try:
        z_slide = 1.0 + X.T @ W_lecture  # the slide's w0 + X^T W
        print(f"{X.shape[0]} inputs, the slide's formula: z =", z_slide.numpy())
    except Exception as e:
        print("raised", type(e).__name__, ":", str(e).splitlines()[0])
    print(f"{X.shape[0]} inputs, w0 + X W:           z =", (1.0 + X @ W_lecture).numpy())

# %% [markdown]
# **{{exercise:bug_museum}}.** For each exhibit, pick the letter of the reason it goes wrong, and return the three
# letters from `bug_museum()` as a dict: exhibit name -> letter.
#
# {{choices:bug_museum}}

# %% solution="bug_museum"
def bug_museum():
    """-> dict: each exhibit's name ("missing_activation", "relu_layer", "transposed_batch") -> your letter (a str)."""
    ### BEGIN SOLUTION
    return {"missing_activation": "d", "relu_layer": "b", "transposed_batch": "a"}
    ### END SOLUTION

# %% tests="bug_museum"

# %% [markdown]
# **What the exhibits show.** *missing_activation*: a dense layer without an activation computes $x W + b$, and
# section 6 showed that two of them in a row are again one: the slide's model, with its 322 or 5122 numbers,
# computes what 6 numbers compute, up to float32 rounding, and can only ever split the plane with a straight line.
# With a ReLU between the layers the same kind of model is no longer one layer (the gap is of the order of its
# outputs). Give the hidden layer an activation: `Dense(n, activation="relu")`, or an `nn.ReLU()` between the
# `nn.Linear` layers, as the slide's other version has.
#
# *relu_layer*: `torch.nn.ReLU` and `tf.keras.layers.ReLU` are layer classes. Calling one builds a layer, and the
# argument is a setting of that layer: the first setting of `torch.nn.ReLU` is `inplace` (overwrite the input with
# the result), that of `tf.keras.layers.ReLU` is `max_value` (a cap on the output). The tensor z lands there, and
# the first time the layer asks "is this setting true?" or "is it below 0?", a tensor of three values cannot
# answer. Build the layer, then call
# it: `torch.nn.ReLU()(z)`, `tf.keras.layers.ReLU()(z)`; or call the function: `torch.relu(z)`, `tf.nn.relu(z)`.
#
# *transposed_batch*: on the slide, $X$ is *one* input written as a column, so $X^T W$ is a single dot product.
# A batch stacks the inputs as rows, and the transposed batch has one row per *feature*: $X^T W$ then combines
# the first features of all the inputs with $w_1$ and the second ones with $w_2$, so each $z$ mixes different
# inputs. With as many inputs as features the shapes happen to fit and the numbers are silently wrong; with any
# other batch size it raises. For a batch of rows the formula is $w_0 + X W$.

# %% [markdown]
# ## Summary
#
# You built a perceptron from its parts: activations and their derivatives, the batched forward pass,
# the lecture's example, its straight-line decision boundary (which the size of the weights leaves in place),
# the reason non-linear activations are needed, and three ways the slides' own code goes wrong. Next lab: many perceptrons side by side form a dense layer, and layers stacked form a deep
# network. Run the cell below to see where you stand before you submit.

# %%
lab.progress()
