# %% [markdown]
# # Lab 02 · Dense layers and deep networks ({{framework}})
#
# One perceptron gives one output. Put several perceptrons side by side, all reading the same inputs,
# and you have a **dense layer**; stack dense layers and you have a **deep network**. In this lab you
# write a dense layer from scratch in {{framework}}, check it against the framework's own layer with the
# same weights, build networks from a list of layer sizes, count their parameters, and ask an untrained
# network the lecture's question: *will I pass this class?* At the end you watch a hidden layer bend a decision
# boundary where no straight line can do the job.
#
# **How this notebook works.** Each exercise has a function to complete where it says
# `# YOUR CODE HERE`, followed by a check cell. Run the check: it says *passed*, *not attempted
# yet*, or what is wrong (expected vs got, and the likely mistake). `lab.hint("name")` gives a hint,
# a more specific one each time you call it. Hidden tests with fresh inputs decide the grade, so make
# the function right, not just the example. `lab.progress()` at the end sums up.

# %% fw="tensorflow"
import numpy as np
from tqdm.auto import tqdm

from mitdl_utils import open_lab, plots, seed_everything, to_numpy
from mitdl_utils.budget import grading
from mitdl_utils.data import pass_fail, two_rings
from mitdl_utils.labs.dense.lines import best_line_accuracy
# TensorFlow after mitdl_utils, which turns its start-up messages off (that works only before the import)
import tensorflow as tf

lab = open_lab("dense", framework="tensorflow")

# %% fw="torch"
import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from mitdl_utils import open_lab, plots, seed_everything, to_numpy
from mitdl_utils.budget import grading
from mitdl_utils.data import pass_fail, two_rings
from mitdl_utils.labs.dense.lines import best_line_accuracy

lab = open_lab("dense", framework="torch")
torch.set_num_threads(1)  # the models here are tiny: one thread runs them faster than several

# %% [markdown]
# ## 1. Many perceptrons side by side
#
# A layer with $d_{in}$ inputs and $d_{out}$ outputs holds one perceptron per output. Output $i$ has its own
# weights $w_{1,i}, \dots, w_{d_{in},i}$ and its own bias $b_i$:
#
# $$z_i = b_i + \sum_{j=1}^{d_{in}} x_j\, w_{j,i}, \qquad \hat y_i = g(z_i).$$
#
# Every input is connected to every output, hence the name *dense* (or *fully connected*). Collect the
# weights in a matrix $W$ of shape $(d_{in}, d_{out})$, one **column** per output, and the biases in a
# vector $b$ of shape $(d_{out},)$. For a batch $X$ of $n$ inputs, shape $(n, d_{in})$, all outputs of all
# examples come out of one matrix product:
#
# $$Z = X W + b, \qquad \hat Y = g(Z), \qquad \text{both of shape } (n, d_{out}).$$
#
# ($b$ is added to every row: the framework *broadcasts* it.)
#
# **{{exercise:dense_forward}}.** Write `dense_forward(X, W, b, g)`.

# %% fw="tensorflow" solution="dense_forward"
def dense_forward(X, W, b, g):
    """X: (n, d_in), W: (d_in, d_out), b: (d_out,), g: activation -> g(X W + b): (n, d_out)."""
    ### BEGIN SOLUTION
    return g(tf.matmul(X, W) + b)
    ### END SOLUTION

# %% fw="torch" solution="dense_forward"
def dense_forward(X, W, b, g):
    """X: (n, d_in), W: (d_in, d_out), b: (d_out,), g: activation -> g(X W + b): (n, d_out)."""
    ### BEGIN SOLUTION
    return g(X @ W + b)
    ### END SOLUTION

# %% tests="dense_forward"

# %% [markdown]
# ## 2. A dense layer from scratch
#
# A function needs its weights passed in every time. A **layer** owns them: it creates $W$ and $b$ once,
# registers them with the framework as *trainable* (so that an optimizer can find and update them later),
# and applies them to whatever batch it is given.
#
# **{{exercise:dense_layer}}.** Complete `MyDenseLayer(input_dim, output_dim)`, the lecture's layer:
#
# * in `__init__`, create `self.W` of shape `(input_dim, output_dim)`, initialised **randomly**, and
#   `self.b` of shape `(output_dim,)`, and register both as trainable weights;
# * the forward pass returns $\sigma(x W + b)$ (use your `dense_forward` with the sigmoid).
#
# The check copies fixed numbers into your `W` and `b` and compares your layer's output with the
# framework's own dense layer holding the same numbers. The comment at the top of the cell says how
# {{framework}} registers trainable weights.

# %% fw="tensorflow" solution="dense_layer"
# In Keras a layer subclasses tf.keras.layers.Layer. Create each weight with
# self.add_weight(shape=..., name=..., initializer=...) and write the forward pass in `call`. (Keras 3 takes
# the shape first, so add_weight((n_in, n_out)) works too; the name must be a keyword: Keras 2's
# add_weight("W", shape) with the name first is refused.) A plain tf.Variable stored on the layer is NOT tracked as a trainable weight.
class MyDenseLayer(tf.keras.layers.Layer):
    """sigmoid(x W + b). W: (input_dim, output_dim), random; b: (output_dim,)."""

    def __init__(self, input_dim, output_dim):
        super().__init__()
        ### BEGIN SOLUTION
        self.W = self.add_weight(shape=(input_dim, output_dim), name="W", initializer="random_normal")
        self.b = self.add_weight(shape=(output_dim,), name="b", initializer="zeros")
        ### END SOLUTION

    def call(self, x):
        """x: (n, input_dim) -> (n, output_dim)."""
        ### BEGIN SOLUTION
        return dense_forward(x, self.W, self.b, tf.math.sigmoid)
        ### END SOLUTION

# %% fw="torch" solution="dense_layer"
# In PyTorch a layer subclasses nn.Module. A tensor becomes a trainable weight when you wrap it in
# nn.Parameter(...) and assign it to self; write the forward pass in `forward`. A plain tensor stored on
# the module is NOT one of its parameters. Start W from torch.randn(...) * 0.05: a normal distribution with
# sigma = 0.05, the same as Keras's "random_normal", so that both frameworks' layers start alike.
class MyDenseLayer(nn.Module):
    """sigmoid(x W + b). W: (input_dim, output_dim), random; b: (output_dim,)."""

    def __init__(self, input_dim, output_dim):
        super().__init__()
        ### BEGIN SOLUTION
        self.W = nn.Parameter(torch.randn(input_dim, output_dim) * 0.05)
        self.b = nn.Parameter(torch.zeros(output_dim))
        ### END SOLUTION

    def forward(self, x):
        """x: (n, input_dim) -> (n, output_dim)."""
        ### BEGIN SOLUTION
        return dense_forward(x, self.W, self.b, torch.sigmoid)
        ### END SOLUTION

# %% tests="dense_layer"

# %% [markdown]
# Your layer's trainable weights, as the framework sees them:

# %% fw="tensorflow"
if lab.ready("dense_layer"):
    my_layer = MyDenseLayer(2, 3)
    for weight in my_layer.trainable_weights:
        print(f"{weight.name}: shape {tuple(weight.shape)}")

# %% fw="torch"
if lab.ready("dense_layer"):
    my_layer = MyDenseLayer(2, 3)
    for name, parameter in my_layer.named_parameters():
        print(f"{name}: shape {tuple(parameter.shape)}")

# %% [markdown]
# ## 3. The framework's dense layer, with your weights
#
# Every framework ships this layer ready-made. To be sure yours computes the same thing, copy the same
# numbers into both and compare. Mind the layout: the framework's layer does not necessarily store $W$
# the way you do (the comment at the top of the exercise cell says how {{framework}} stores it).

# %% [markdown]
# **{{exercise:builtin_dense}}.** Write `builtin_dense(W, b)`: it returns the framework's dense layer, **without**
# an activation, holding exactly $W$ (shape $(d_{in}, d_{out})$) and $b$.

# %% fw="tensorflow" solution="builtin_dense"
# tf.keras.layers.Dense(units) keeps its weight matrix in `kernel`, shape (inputs, units): the same layout as
# your W. It creates its weights only when built (on its first call, or with layer.build((None, inputs)));
# after that, layer.kernel.assign(...) and layer.bias.assign(...) overwrite them.
def builtin_dense(W, b):
    """W: (d_in, d_out), b: (d_out,) -> tf.keras.layers.Dense(d_out) computing x W + b."""
    ### BEGIN SOLUTION
    layer = tf.keras.layers.Dense(W.shape[1])
    layer.build((None, W.shape[0]))
    layer.kernel.assign(W)
    layer.bias.assign(b)
    return layer
    ### END SOLUTION

# %% fw="torch" solution="builtin_dense"
# nn.Linear(in_features, out_features) keeps its weight matrix in `weight` with shape (out_features, in_features):
# TRANSPOSED compared with your W, because it computes x @ weight.T + bias. Overwrite parameters inside
# `with torch.no_grad():` (e.g. layer.weight.copy_(...)) so that autograd does not record the copy.
def builtin_dense(W, b):
    """W: (d_in, d_out), b: (d_out,) -> nn.Linear(d_in, d_out) computing x W + b."""
    ### BEGIN SOLUTION
    layer = nn.Linear(W.shape[0], W.shape[1])
    with torch.no_grad():
        layer.weight.copy_(W.T)
        layer.bias.copy_(b)
    return layer
    ### END SOLUTION

# %% tests="builtin_dense"

# %% [markdown]
# Your from-scratch layer against the framework's, with your layer's own random weights copied across.
# Add the sigmoid to the framework's layer by hand and the two should agree to float32 precision
# (about $10^{-7}$).

# %% fw="tensorflow"
if lab.ready("dense_layer") and lab.ready("builtin_dense"):
    my_layer = MyDenseLayer(4, 3)
    framework_layer = builtin_dense(tf.convert_to_tensor(my_layer.W), tf.convert_to_tensor(my_layer.b))
    x = tf.random.normal((5, 4))
    difference = tf.reduce_max(tf.abs(my_layer(x) - tf.math.sigmoid(framework_layer(x))))
    print(f"largest difference between the two layers: {float(difference):.1e}")

# %% fw="torch"
if lab.ready("dense_layer") and lab.ready("builtin_dense"):
    my_layer = MyDenseLayer(4, 3)
    framework_layer = builtin_dense(my_layer.W.detach(), my_layer.b.detach())
    x = torch.randn(5, 4)
    difference = (my_layer(x) - torch.sigmoid(framework_layer(x))).abs().max().detach()
    print(f"largest difference between the two layers: {float(difference):.1e}")

# %% [markdown]
# ## 4. Stacking layers: a `Sequential` model
#
# Feed one layer's outputs into the next and you get a network with a **hidden layer**: $m$ inputs,
# $n$ hidden units, 2 outputs,
#
# $$\hat y = \bigl(g(x W^{(1)} + b^{(1)})\bigr) W^{(2)} + b^{(2)}.$$
#
# Lab 01 showed why the hidden layer needs its non-linearity $g$: without it the two layers collapse into one.
# Here $g$ is the ReLU, and the output layer stays linear (later labs decide what to put on the outputs).
# A `Sequential` model just runs its layers one after the other (the comment in the exercise cell shows
# how to write one in {{framework}}).

# %% [markdown]
# **{{exercise:two_layer_model}}.** Write `two_layer_model(m, n)`: $m$ inputs, $n$ hidden units with ReLU, 2 outputs.

# %% fw="tensorflow" solution="two_layer_model"
# tf.keras.Sequential([...]) takes a list of layers. Start it with tf.keras.Input(shape=(m,)) so that the model
# knows its input size and builds its weights at once; give a Dense layer its activation with
# activation="relu". (The lecture's slide shows this Sequential without activations: that model is purely linear,
# the two layers collapse into one, as lab 01 proved.)
def two_layer_model(m, n):
    """A Sequential model: m inputs -> Dense(n) with ReLU -> Dense(2)."""
    ### BEGIN SOLUTION
    return tf.keras.Sequential([
        tf.keras.Input(shape=(m,)),
        tf.keras.layers.Dense(n, activation="relu"),
        tf.keras.layers.Dense(2),
    ])
    ### END SOLUTION

# %% fw="torch" solution="two_layer_model"
# nn.Sequential(...) takes the modules in order. The ReLU is a module of its own, nn.ReLU(), placed between
# the two nn.Linear layers.
def two_layer_model(m, n):
    """A Sequential model: Linear(m, n) -> ReLU -> Linear(n, 2)."""
    ### BEGIN SOLUTION
    return nn.Sequential(nn.Linear(m, n), nn.ReLU(), nn.Linear(n, 2))
    ### END SOLUTION

# %% tests="two_layer_model"

# %% fw="tensorflow"
if lab.ready("two_layer_model"):
    two_layer_model(4, 8).summary()

# %% fw="torch"
if lab.ready("two_layer_model"):
    print(two_layer_model(4, 8))

# %% [markdown]
# ## 5. A deep network from a list of sizes
#
# A deep network repeats the same step layer after layer: layer $k$ takes the $n_{k-1}$ outputs of the
# layer before it and computes
#
# $$z^{(k)}_i = b^{(k)}_i + \sum_{j=1}^{n_{k-1}} g\bigl(z^{(k-1)}_j\bigr)\, w^{(k)}_{j,i}.$$
#
# So a whole architecture is described by a list of sizes $[d_{in}, n_1, \dots, n_{K-1}, d_{out}]$: $K+1$ sizes
# make $K$ layers, one for each pair of neighbouring sizes.
#
# **{{exercise:deep_network}}.** Write `deep_network(sizes)`: one dense layer per pair of neighbouring sizes, a
# ReLU after every layer except the last, and the last layer linear. `deep_network([3, 5, 4, 2])` has three
# layers, 3 → 5 → 4 → 2.

# %% fw="tensorflow" solution="deep_network"
def deep_network(sizes):
    """sizes: [d_in, n_1, ..., d_out] -> a Sequential of Dense layers, ReLU between them, the last linear."""
    ### BEGIN SOLUTION
    layers = [tf.keras.Input(shape=(sizes[0],))]
    for n_out in sizes[1:-1]:
        layers.append(tf.keras.layers.Dense(n_out, activation="relu"))
    layers.append(tf.keras.layers.Dense(sizes[-1]))
    return tf.keras.Sequential(layers)
    ### END SOLUTION

# %% fw="torch" solution="deep_network"
def deep_network(sizes):
    """sizes: [d_in, n_1, ..., d_out] -> an nn.Sequential of Linear layers, ReLU between them, the last linear."""
    ### BEGIN SOLUTION
    layers = []
    for n_in, n_out in zip(sizes[:-2], sizes[1:-1]):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    layers.append(nn.Linear(sizes[-2], sizes[-1]))
    return nn.Sequential(*layers)
    ### END SOLUTION

# %% tests="deep_network"

# %% [markdown]
# ## 6. Counting parameters
#
# A layer from $n_{in}$ to $n_{out}$ units holds a weight for every (input, output) pair and one bias per
# output: $n_{in}\, n_{out} + n_{out}$ numbers. A network's parameter count is the sum over its layers.
#
# **{{exercise:parameter_count}}.** Write `count_parameters(sizes)` from the formula (plain Python, no framework),
# for the network that `deep_network(sizes)` builds.

# %% solution="parameter_count"
def count_parameters(sizes):
    """sizes: [d_in, n_1, ..., d_out] -> the number of weights and biases of deep_network(sizes), an int."""
    ### BEGIN SOLUTION
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
    ### END SOLUTION

# %% tests="parameter_count"

# %% [markdown]
# ### Predict, then run: a network twice as wide
#
# A network for 28 × 28 images of digits, $[784, 256, 256, 10]$, holds 269,322 weights and biases. Make both of its
# hidden layers twice as wide, $[784, 512, 512, 10]$: how many times as many parameters does it hold? Decide
# from the formula, in your head or on paper, without running `count_parameters`; then run the check, and only
# after that the cell below it, which counts the framework's own layers one by one.
#
# **{{exercise:predict_parameter_growth}}.** Return the letter of your prediction from `predict_parameter_growth()`.
#
# {{choices:predict_parameter_growth}}

# %% solution="predict_parameter_growth"
def predict_parameter_growth():
    """-> your prediction, one of the letters "a", "b", "c" or "d" (a str)."""
    ### BEGIN SOLUTION
    return "b"
    ### END SOLUTION

# %% tests="predict_parameter_growth"

# %% fw="tensorflow"
def layer_counts(sizes):
    """[d_in, n_1, ..., d_out] -> the trainable numbers of each Dense layer between neighbouring sizes."""
    counts = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layer = tf.keras.layers.Dense(n_out)
        layer.build((None, n_in))  # a Dense layer makes its weights once it knows its number of inputs
        counts.append(layer.count_params())
    return counts

# %% fw="torch"
def layer_counts(sizes):
    """[d_in, n_1, ..., d_out] -> the trainable numbers of each nn.Linear between neighbouring sizes."""
    return [sum(p.numel() for p in nn.Linear(n_in, n_out).parameters()) for n_in, n_out in zip(sizes[:-1], sizes[1:])]

# %%
narrow, wide = layer_counts([784, 256, 256, 10]), layer_counts([784, 512, 512, 10])
print(f"{'layer':<18}{'[784, 256, 256, 10]':>21}{'[784, 512, 512, 10]':>21}{'growth':>9}")
for name, a, b in zip(("784 -> hidden", "hidden -> hidden", "hidden -> 10"), narrow, wide):
    print(f"{name:<18}{a:>21,}{b:>21,}{b / a:>8.2f}x")
print(f"{'total':<18}{sum(narrow):>21,}{sum(wide):>21,}{sum(wide) / sum(narrow):>8.2f}x")

# %% [markdown]
# **Why 2.49.** A layer's count, $n_{in}\, n_{out} + n_{out}$, grows with the *product* of its two widths. Only the
# middle layer has both ends in hidden layers, so only it grows fourfold. The first layer keeps its 784 inputs and
# the last its 10 outputs: each has one width doubled, and doubles. The first layer also holds three quarters of
# all the parameters (200,960 of 269,322), so the total lands much nearer 2 than 4. In a network whose hidden
# layers are much wider than its inputs and outputs, the middle layers would hold most of the parameters and the
# growth would come close to 4; it can never reach 8, because the layers' counts add up, they do not multiply.

# %% [markdown]
# Your formula next to the framework's own count, for a few networks:

# %% fw="tensorflow"
def framework_count(model):
    """The number of trainable numbers Keras finds in the model."""
    return model.count_params()

# %% fw="torch"
def framework_count(model):
    """The number of trainable numbers PyTorch finds in the model."""
    return sum(parameter.numel() for parameter in model.parameters())

# %%
if lab.ready("deep_network") and lab.ready("parameter_count"):
    print(f"{'sizes':<28}{'formula':>10}{'framework':>12}")
    for sizes in [[2, 3, 1], [3, 5, 4, 2], [784, 128, 10], [784, 256, 256, 10], [784, 512, 512, 10]]:
        print(f"{str(sizes):<28}{count_parameters(sizes):>10,}{framework_count(deep_network(sizes)):>12,}")

# %% [markdown]
# ## 7. Will I pass this class?
#
# The lecture's example: predict whether a student passes from two numbers, $x_1$ = lectures attended and
# $x_2$ = hours spent on the final project. `pass_fail()` makes a seeded data set of 200 past students
# (nothing is downloaded), and you are the student who attended **4 lectures** and spent **5 hours**.

# %%
X_students, y_students = pass_fail(200)
YOU = (4.0, 5.0)
plt = plots.pyplot()


def plot_students(ax, probability=None, title="Past students"):
    """Past students (pass / fail) and you; optionally a model's probability of passing as the background."""
    if probability is not None:
        grid = np.linspace(0, 12, 61, dtype=np.float32)
        g1, g2 = np.meshgrid(grid, grid)
        p = probability(np.stack([g1.ravel(), g2.ravel()], axis=1)).reshape(g1.shape)
        image = ax.contourf(g1, g2, p, levels=np.linspace(0, 1, 11), cmap=plots.SEQUENTIAL_MAP, alpha=0.8)
        plt.colorbar(image, ax=ax, label="P(pass) predicted")
    for label, colour, marker, passed in [("passed", plots.PALETTE[2], "o", 1), ("failed", plots.PALETTE[3], "x", 0)]:
        rows = y_students == passed
        ax.scatter(X_students[rows, 0], X_students[rows, 1], c=colour, marker=marker, s=25, label=label)
    ax.scatter(*YOU, c=plots.PALETTE[1], marker="*", s=300, edgecolor="black", zorder=3, label="you (4, 5)")
    ax.set(xlim=(-0.5, 12.5), ylim=(-0.5, 12.5), title=title,
           xlabel="x1: lectures attended (count)", ylabel="x2: hours on the final project (h)")
    ax.legend(loc="upper left", fontsize=8)


fig, ax = plt.subplots(figsize=(5.5, 4.5))
plot_students(ax)
plt.show()

# %% [markdown]
# The lecture's network has one hidden layer of **3 units**: 2 inputs → 3 hidden units → 1 output. The
# output goes through a sigmoid so that it reads as a probability of passing. The lecture does not say which
# activation its hidden units use; here they use the sigmoid as well.
#
# **{{exercise:will_i_pass}}.** Write `pass_model()`, that network, and `predict_pass(model, lectures, hours)`,
# the model's probability of passing for one student, as a scalar tensor (shape `()`).

# %% fw="tensorflow" solution="will_i_pass"
def pass_model():
    """(lectures, hours) -> Dense(3, sigmoid) -> Dense(1, sigmoid): the probability of passing."""
    ### BEGIN SOLUTION
    return tf.keras.Sequential([
        tf.keras.Input(shape=(2,)),
        tf.keras.layers.Dense(3, activation="sigmoid"),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    ### END SOLUTION


def predict_pass(model, lectures, hours):
    """One student -> the model's probability of passing, a scalar tensor."""
    ### BEGIN SOLUTION
    x = tf.constant([[lectures, hours]], dtype=tf.float32)
    return model(x)[0, 0]
    ### END SOLUTION

# %% fw="torch" solution="will_i_pass"
def pass_model():
    """(lectures, hours) -> Linear(2, 3), sigmoid -> Linear(3, 1), sigmoid: the probability of passing."""
    ### BEGIN SOLUTION
    return nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1), nn.Sigmoid())
    ### END SOLUTION


def predict_pass(model, lectures, hours):
    """One student -> the model's probability of passing, a scalar tensor."""
    ### BEGIN SOLUTION
    x = torch.tensor([[lectures, hours]], dtype=torch.float32)
    return model(x)[0, 0]
    ### END SOLUTION

# %% tests="will_i_pass"

# %% [markdown]
# Ask the network. Then ask four more networks that differ only in the random numbers their weights started
# from:

# %%
if lab.ready("will_i_pass"):
    for seed in range(5):
        seed_everything(seed, frameworks=(lab.fw.name,))
        answer = float(to_numpy(predict_pass(pass_model(), *YOU)))
        print(f"untrained network, seed {seed}: P(you pass) = {answer:.2f}")

# %% [markdown]
# Five networks, five different answers, and none of them has seen a single past student. An untrained
# network is a function of its random starting weights, not of the data: it does not know what a lecture
# or an hour of work means, or how past students did. Its answer is as good as a guess until it is
# **trained**, that is, until its weights are adjusted to make its predictions agree with the data. Labs 03
# and 04 build the two things that takes: a loss that measures how wrong the network is, and gradient
# descent to make it less wrong.
#
# What *does* the data say about students like you? A simple, honest estimate: the fraction of past students
# near you who passed.
#
# **{{exercise:pass_rate_near}}.** Write `pass_rate_near(X, y, point, radius)`: among the rows of `X` whose
# Euclidean distance to `point` is strictly less than `radius`, the fraction that passed (`y` is 1 for
# passed, 0 for failed), as a scalar tensor.

# %% fw="tensorflow" solution="pass_rate_near"
def pass_rate_near(X, y, point, radius):
    """X: (n, 2), y: (n,), point: (2,), radius: float -> mean of y over rows of X closer than radius to point."""
    ### BEGIN SOLUTION
    distance = tf.sqrt(tf.reduce_sum((X - point) ** 2, axis=1))
    near = distance < radius
    return tf.reduce_mean(tf.boolean_mask(y, near))
    ### END SOLUTION

# %% fw="torch" solution="pass_rate_near"
def pass_rate_near(X, y, point, radius):
    """X: (n, 2), y: (n,), point: (2,), radius: float -> mean of y over rows of X closer than radius to point."""
    ### BEGIN SOLUTION
    distance = torch.sqrt(((X - point) ** 2).sum(dim=1))
    near = distance < radius
    return y[near].mean()
    ### END SOLUTION

# %% tests="pass_rate_near"

# %%
if lab.ready("pass_rate_near"):
    rate = float(pass_rate_near(lab.tensor(X_students), lab.tensor(y_students), lab.tensor(YOU), 2.5))
    print(f"past students within 2.5 of you who passed: {rate:.0%} (all students: {y_students.mean():.0%})")

# %% [markdown]
# ## A preview: the same network, trained
#
# To see that the architecture is not the problem, here is the pass model trained for a few seconds on the
# past students: gradient descent (Adam) on the binary cross-entropy, both of which the next labs take apart.
# Nothing here is graded, so the grader skips it. Compare its probability map with the untrained one: the untrained map is smooth
# and arbitrary; the trained one follows the data.

# %% fw="tensorflow"
def probabilities(model, X):
    """NumPy (n, 2) -> the model's probabilities of passing, NumPy (n,)."""
    return model(tf.constant(X, dtype=tf.float32)).numpy()[:, 0]


def train(model, X, y, steps, learning_rate=0.05, watch=None):
    """Full-batch Adam on the binary cross-entropy (labs 03 and 04 explain both); returns the last loss.
    watch(step), if given, is called before the first step (step 0) and after every step."""
    optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate)
    loss_fn = tf.keras.losses.BinaryCrossentropy()
    X, y = tf.constant(X), tf.constant(y[:, None])

    @tf.function  # compiled once into a graph: much faster than running each step eagerly
    def step():
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(X))
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    if watch is not None:
        watch(0)
    for k in tqdm(range(1, steps + 1), desc="training"):
        loss = step()
        if watch is not None:
            watch(k)
    return float(loss)

# %% fw="torch"
def probabilities(model, X):
    """NumPy (n, 2) -> the model's probabilities of passing, NumPy (n,)."""
    with torch.no_grad():
        return model(torch.as_tensor(X, dtype=torch.float32)).numpy()[:, 0]


def train(model, X, y, steps, learning_rate=0.05, watch=None):
    """Full-batch Adam on the binary cross-entropy (labs 03 and 04 explain both); returns the last loss.
    watch(step), if given, is called before the first step (step 0) and after every step."""
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    loss_fn = nn.BCELoss()
    X, y = torch.as_tensor(X), torch.as_tensor(y[:, None])
    if watch is not None:
        watch(0)
    for k in tqdm(range(1, steps + 1), desc="training"):
        optimizer.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        optimizer.step()
        if watch is not None:
            watch(k)
    return loss.item()  # the number alone (float() of a tensor that autograd tracks warns)

# %%
if grading():
    print("(skipped while the grader runs this notebook: nothing in this preview is graded)")
elif lab.ready("will_i_pass"):
    seed_everything(0, frameworks=(lab.fw.name,))
    model = pass_model()
    before = float(to_numpy(predict_pass(model, *YOU)))
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    plot_students(axes[0], lambda X: probabilities(model, X), title=f"Untrained: P(you pass) = {before:.2f}")
    loss = train(model, X_students, y_students, steps=300)
    after = float(to_numpy(predict_pass(model, *YOU)))
    plot_students(axes[1], lambda X: probabilities(model, X), title=f"Trained: P(you pass) = {after:.2f}")
    plt.tight_layout()
    plt.show()
    print(f"final training loss {loss:.3f}; P(you pass): {before:.2f} untrained -> {after:.2f} trained")

# %% [markdown]
# ## 8. A straight line against a bent boundary
#
# Lab 01 proved that dense layers without activations collapse into a single linear layer. The lecture says what
# that costs: real data is rarely split by a straight line, and lines stacked on lines are still a line. Here is
# data of that kind: 200 points on two rings, an inner ring of radius 0.5 (class 1) inside an outer ring of
# radius 1 (class 0), with a little noise. `two_rings()` makes them on the spot, seeded. The cell also tries
# straight lines in 720 directions, each at every offset between the points, and reports how many points the
# best of them puts on the right side.

# %%
X_rings, y_rings = two_rings(200)
RING_NAMES = ("outer ring (class 0)", "inner ring (class 1)")
fig, ax = plt.subplots(figsize=(4.5, 4.5))
for value, colour, marker in [(0, plots.PALETTE[1], "x"), (1, plots.PALETTE[5], "o")]:
    ax.scatter(*X_rings[y_rings == value].T, c=colour, marker=marker, s=20, label=RING_NAMES[value])
ax.set(aspect="equal", title="Two rings", xlabel="x1 (unitless)", ylabel="x2 (unitless)")
ax.legend(loc="lower left", fontsize=8)
plt.show()
print(f"the best straight line classifies {best_line_accuracy(X_rings, y_rings):.1%} of these points right")

# %% [markdown]
# **A perceptron draws a straight line.** On two inputs it computes $p(x) = \sigma(w_1 x_1 + w_2 x_2 + b)$, the
# probability of class 1, and answers class 1 where $p > 0.5$, which is where $w_1 x_1 + w_2 x_2 + b > 0$: every
# point on one side of the line $w_1 x_1 + w_2 x_2 + b = 0$. Training can turn and move that line, never bend it,
# and wherever it runs, the outer ring reaches round to the inner ring's side of it.
#
# **A hidden layer bends it.** With $h$ hidden units the network computes
#
# $$p(x) = \sigma\Bigl(c + \sum_{j=1}^{h} v_j\, \sigma(x \cdot w_j + b_j)\Bigr).$$
#
# Each hidden unit $j$ is a soft step that rises across its own line $x \cdot w_j + b_j = 0$. The output weighs
# and adds $h$ such steps, and its boundary, where the sum in the brackets is 0, can curve and even close
# around a region. Take the inner $\sigma$ away and the sum is linear in $x$ again: back to one line, however
# large $h$ is.
#
# **Counting the right answers.** A classifier's accuracy on $n$ labelled points is the fraction it gets right,
#
# $$\text{accuracy} = \frac{1}{n} \sum_{i=1}^{n} [\hat y_i = y_i], \qquad \hat y_i = 1 \text{ if } p_i > 0.5
# \text{, else } 0,$$
#
# where $[\hat y_i = y_i]$ is 1 when the two agree and 0 when they do not.
#
# **{{exercise:accuracy}}.** Write `accuracy(p, y)`. `p` is what a classifier returns for $n$ points, one
# probability per row, shape $(n, 1)$; `y` holds their labels, 1.0 or 0.0, shape $(n,)$. Return the accuracy as
# a scalar tensor. Check the shapes of what you compare.

# %% fw="tensorflow" solution="accuracy"
def accuracy(p, y):
    """p: (n, 1) probabilities of class 1, y: (n,) labels 0/1 -> the fraction classified right, a scalar tensor."""
    ### BEGIN SOLUTION
    predicted = tf.cast(p[:, 0] > 0.5, tf.float32)
    return tf.reduce_mean(tf.cast(predicted == y, tf.float32))
    ### END SOLUTION

# %% fw="torch" solution="accuracy"
def accuracy(p, y):
    """p: (n, 1) probabilities of class 1, y: (n,) labels 0/1 -> the fraction classified right, a scalar tensor."""
    ### BEGIN SOLUTION
    predicted = (p[:, 0] > 0.5).float()
    return (predicted == y).float().mean()
    ### END SOLUTION

# %% tests="accuracy"

# %% [markdown]
# **{{exercise:nonlinear_mlp}}.** Build both classifiers from your own `MyDenseLayer`, which ends with a sigmoid,
# so each returns a probability of shape $(n, 1)$:
#
# * `linear_classifier()`, the perceptron: 2 inputs, 1 output;
# * `mlp_classifier(hidden)`: 2 inputs, a hidden layer of `hidden` units, 1 output.
#
# The check trains each MLP as the cell after it does (150 steps of `train` on all the points, learning rate 0.1),
# then compares the share of points it gets right with the best any straight line gets: the MLP must reach at
# least 90%. The grader does the same on rings it draws itself, with a width of its own choosing.

# %% fw="tensorflow" solution="nonlinear_mlp"
def linear_classifier():
    """(x1, x2) -> MyDenseLayer(2, 1): P(class 1) = sigmoid(x W + b), shape (n, 1)."""
    ### BEGIN SOLUTION
    return MyDenseLayer(2, 1)
    ### END SOLUTION


def mlp_classifier(hidden):
    """(x1, x2) -> MyDenseLayer(2, hidden) -> MyDenseLayer(hidden, 1): P(class 1), shape (n, 1)."""
    ### BEGIN SOLUTION
    return tf.keras.Sequential([tf.keras.Input(shape=(2,)), MyDenseLayer(2, hidden), MyDenseLayer(hidden, 1)])
    ### END SOLUTION

# %% fw="torch" solution="nonlinear_mlp"
def linear_classifier():
    """(x1, x2) -> MyDenseLayer(2, 1): P(class 1) = sigmoid(x W + b), shape (n, 1)."""
    ### BEGIN SOLUTION
    return MyDenseLayer(2, 1)
    ### END SOLUTION


def mlp_classifier(hidden):
    """(x1, x2) -> MyDenseLayer(2, hidden) -> MyDenseLayer(hidden, 1): P(class 1), shape (n, 1)."""
    ### BEGIN SOLUTION
    return nn.Sequential(MyDenseLayer(2, hidden), MyDenseLayer(hidden, 1))
    ### END SOLUTION

# %% tests="nonlinear_mlp"

# %% [markdown]
# Now watch both learn. Each starts from random weights and is trained by `train` (the preview's, full-batch
# Adam) for 150 steps. Every picture shows, at one step, the probability of class 1 the model gives each place of
# the plane, its decision boundary $p = 0.5$ as a red line, and the share of the 200 points it gets right.

# %%
SNAPSHOT_STEPS, LIM = (0, 30, 50, 80, 150), 1.6


def train_with_snapshots(model, steps=150):
    """Train `model` on the rings -> a plots.BoundarySnapshot at each of SNAPSHOT_STEPS."""
    x1, _, points = plots.plane_grid(LIM)
    snapshots = []

    def watch(step):
        if step in SNAPSHOT_STEPS:
            right = float(to_numpy(accuracy(model(lab.tensor(X_rings)), lab.tensor(y_rings))))
            snapshots.append(plots.BoundarySnapshot(step, probabilities(model, points).reshape(x1.shape), right))

    train(model, X_rings, y_rings, steps, learning_rate=0.1, watch=watch)
    return snapshots


if grading():
    print("(skipped while the grader runs this notebook: the check above trains the models itself)")
elif lab.ready("accuracy") and lab.ready("nonlinear_mlp"):
    seed_everything(0, frameworks=(lab.fw.name,))
    rows = {"perceptron": train_with_snapshots(linear_classifier()),
            "MLP, 16 hidden units": train_with_snapshots(mlp_classifier(16))}
    plots.plot_boundary_snapshots(rows, X_rings, y_rings, LIM, class_names=RING_NAMES)
    best = best_line_accuracy(X_rings, y_rings)
    print(f"after 150 steps: perceptron {rows['perceptron'][-1].accuracy:.1%}, "
          f"MLP {rows['MLP, 16 hidden units'][-1].accuracy:.1%}; the best straight line: {best:.1%}")

# %% [markdown]
# The perceptron ends near 50%, no better than a guess: the line its training settles on cuts through both
# rings, and even the best line there is leaves almost a third of the points on the wrong side. The MLP starts out
# almost linear too: small random weights keep each hidden sigmoid in the nearly straight middle of its S, so
# for its first few dozen steps its boundary is close to a line. As training pulls the hidden units' lines
# apart, the sum of their soft steps bends the boundary until it closes around the inner ring. Same points, same
# training, same kind of layer: what differs is one hidden layer with a non-linear activation.

# %% [markdown]
# ## 9. The bug museum
#
# Two exhibits, each a line of the lecture's slides that runs (or fails) without telling you what went wrong.
# Run each one, set its output beside what the right code gives (printed with it), and work out why it goes
# wrong; then say so in the exercise after the last exhibit.
#
# **Exhibit `relu_class`.** The lecture's slide on activation functions gives ReLU in two forms, one for each
# framework: `tf.nn.relu(z)` and `torch.nn.ReLU(z)`, the second a layer *class* called on `z`. The cell runs that
# second line on a small matrix `z`, with {{framework}}'s ReLU layer class, and then two ways of computing
# $\max(0, z)$ that work.

# %% fw="tensorflow"
z = tf.constant([[-1.0, 2.0], [0.5, -3.0]])
try:
    relu_z = tf.keras.layers.ReLU(z)  # the slide's torch.nn.ReLU(z), with Keras's ReLU layer class
    print("the slide's line gave back a", type(relu_z).__name__)
except Exception as e:
    print("raised", type(e).__name__, ":", str(e).splitlines()[0])
print(f"{'the function form, tf.nn.relu(z):':<47}{tf.nn.relu(z).numpy().tolist()}")
print(f"{'a layer made first, tf.keras.layers.ReLU()(z):':<47}{tf.keras.layers.ReLU()(z).numpy().tolist()}")

# %% fw="torch"
z = torch.tensor([[-1.0, 2.0], [0.5, -3.0]])
relu_z = nn.ReLU(z)  # the slide's line, torch.nn.ReLU(z)
print("the slide's line gave back a", type(relu_z).__name__)
try:
    nn.Linear(2, 2)(relu_z)  # what the next layer makes of it
except Exception as e:
    print("raised", type(e).__name__, ":", str(e).splitlines()[0])
print(f"{'the function form, torch.relu(z):':<35}{torch.relu(z).tolist()}")
print(f"{'a layer made first, nn.ReLU()(z):':<35}{nn.ReLU()(z).tolist()}")

# %% [markdown]
# **Exhibit `linear_stack`.** Of the lecture's two slides of a deep network, the one written with `tf.keras`
# stacks dense layers with no activation between them (the other puts a ReLU after each hidden layer). The cell
# builds that stack for the rings of section 8, 2 inputs, two layers of 16 units and one output with a sigmoid,
# and trains it as section 8 trains its models (150 steps of `train`, learning rate 0.1), then 450 steps more.
# Beside it: a perceptron trained the same way, and the single layer whose weights are the product of the stack's
# three weight matrices.

# %% fw="tensorflow"
def slide_stack():
    """The slide's deep network on 2 inputs: Dense(16) -> Dense(16) -> Dense(1, sigmoid), nothing between them."""
    return tf.keras.Sequential([tf.keras.Input(shape=(2,)), tf.keras.layers.Dense(16), tf.keras.layers.Dense(16),
                                tf.keras.layers.Dense(1, activation="sigmoid")])


def framework_perceptron():
    """One Dense layer, 2 inputs -> 1 output with a sigmoid."""
    return tf.keras.Sequential([tf.keras.Input(shape=(2,)), tf.keras.layers.Dense(1, activation="sigmoid")])


def as_one_layer(stack):
    """The stack's dense layers multiplied out -> (W (2, 1), b (1,)), NumPy: x W + b is what they compute."""
    W, b = stack.layers[0].kernel.numpy(), stack.layers[0].bias.numpy()
    for layer in stack.layers[1:]:
        W, b = W @ layer.kernel.numpy(), b @ layer.kernel.numpy() + layer.bias.numpy()
    return W, b

# %% fw="torch"
def slide_stack():
    """The slide's deep network on 2 inputs: Linear(2, 16) -> Linear(16, 16) -> Linear(16, 1) -> sigmoid."""
    return nn.Sequential(nn.Linear(2, 16), nn.Linear(16, 16), nn.Linear(16, 1), nn.Sigmoid())


def framework_perceptron():
    """One Linear layer, 2 inputs -> 1 output, then a sigmoid."""
    return nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())


def as_one_layer(stack):
    """The stack's Linear layers multiplied out -> (W (2, 1), b (1,)), NumPy: x W + b is what they compute."""
    linear = [layer for layer in stack if isinstance(layer, nn.Linear)]
    W, b = linear[0].weight.detach().numpy().T, linear[0].bias.detach().numpy()
    for layer in linear[1:]:
        W, b = W @ layer.weight.detach().numpy().T, b @ layer.weight.detach().numpy().T + layer.bias.detach().numpy()
    return W, b

# %%
def share_right(model):
    """The share of the rings' points on the right side of the model's boundary p = 0.5."""
    return float(np.mean((probabilities(model, X_rings) > 0.5) == y_rings))


if grading():
    print("(skipped while the grader runs this notebook: nothing in the museum's exhibits is graded)")
else:
    seed_everything(0, frameworks=(lab.fw.name,))
    stack = slide_stack()
    loss = train(stack, X_rings, y_rings, 150, learning_rate=0.1)
    print(f"the slide's stack, 150 steps:     loss {loss:.3f}, {share_right(stack):.1%} of the points right")
    loss = train(stack, X_rings, y_rings, 450, learning_rate=0.1)
    print(f"the same stack, 450 steps more:   loss {loss:.3f}, {share_right(stack):.1%} of the points right")
    perceptron = framework_perceptron()
    loss = train(perceptron, X_rings, y_rings, 150, learning_rate=0.1)
    print(f"a perceptron, 150 steps:          loss {loss:.3f}, {share_right(perceptron):.1%} of the points right")
    W, b = as_one_layer(stack)
    one_layer = 1 / (1 + np.exp(-(X_rings @ W + b)))  # sigmoid(x W + b): one layer, 2 weights and a bias
    gap = np.abs(one_layer[:, 0] - probabilities(stack, X_rings)).max()
    print(f"the stack as one layer: W = {np.round(W[:, 0], 3)}, b = {b[0]:.3f}; its largest difference from the "
          f"stack's output: {gap:.1e}")

# %% [markdown]
# **{{exercise:bug_museum}}.** For each exhibit, pick the letter of the reason it goes wrong, and return both
# letters from `bug_museum()` as a dict: exhibit name -> letter.
#
# {{choices:bug_museum}}

# %% solution="bug_museum"
def bug_museum():
    """-> dict: each exhibit's name ("relu_class", "linear_stack") -> your letter (a str)."""
    ### BEGIN SOLUTION
    return {"relu_class": "b", "linear_stack": "c"}
    ### END SOLUTION

# %% tests="bug_museum"

# %% [markdown]
# **What the exhibits show.** *relu_class*: ReLU here is a layer class, and calling a class makes an object: the
# arguments in those parentheses are the layer's settings, not its input. The first setting of Keras's
# `tf.keras.layers.ReLU` is `max_value`, a cap on the output, so `z` becomes the cap, and the layer's check that
# the cap is not negative cannot compare a whole matrix with 0: hence the error about an ambiguous truth value.
# The first setting of `torch.nn.ReLU` is `inplace` (whether to overwrite its input), so there the line raises
# nothing: it returns a ReLU module holding `z` as a setting, and the error appears only when the next layer is
# handed that module instead of a tensor. Either make the layer first and then call it on `z`, `ReLU()(z)` (which
# is what a `Sequential` does with the layers you list in it), or use the function form of ReLU, as {{framework}}'s
# exhibit cell does.

# %% [markdown]
# *linear_stack*: with no activation between them, the layers multiply out into one,
# $(x W_1 + b_1) W_2 + b_2 = x\,(W_1 W_2) + (b_1 W_2 + b_2)$, and so on for the third. The stack has 337 parameters
# but computes what a perceptron with 3 computes, and training takes it to the same place: the same loss, the same
# straight boundary, about half the points right, however long it trains. The printed single layer gives the
# stack's outputs to float32 rounding. Put a non-linear activation after each hidden layer, as the other slide
# and your `deep_network` do, and the same 16 + 16 units can bend the boundary around the inner ring.

# %% [markdown]
# ## Summary
#
# A dense layer is many perceptrons reading the same inputs: $g(XW + b)$ with $W$ of shape
# $(d_{in}, d_{out})$. You wrote one from scratch with trainable weights, matched it number for number with
# the framework's layer (mind the transposed storage), stacked layers into `Sequential` models and deep
# networks built from a list of sizes, and counted their parameters. An untrained network answers any
# question you ask it, but the answer comes from its random starting weights, not from the data. On the two
# rings, no straight line gets much more than two points in three right, a trained perceptron about one in two,
# and a trained MLP of your own layers nearly all of them: its hidden sigmoids let the boundary bend. The bug
# museum showed the same lesson from the other side: the slide's stack without activations is one layer in
# disguise. Next lab: the loss, a number that says how wrong the network is. Run the cell below to see where you
# stand before you submit.

# %%
lab.progress()
