# %% [markdown]
# # Lab 06 · Regularization: under- and overfitting, dropout, early stopping ({{framework}})
#
# A model is only useful if it does well on data it has never seen. Give it too little capacity and it
# **underfits**: it misses the pattern even on the training data. Give it too much and it **overfits**: it
# memorises the training points, noise included, and does worse on anything new. In this lab you watch
# both happen on a small noisy data set, then build in {{framework}} the two regularizers from the lecture:
# **dropout** and **early stopping**, each from scratch and next to the framework's own version.
#
# **How this notebook works.** Each exercise has a function to complete where it says
# `# YOUR CODE HERE`, followed by a check cell. Run the check: it says *passed*, *not attempted
# yet*, or what is wrong (expected vs got, and the likely mistake). `lab.hint("name")` gives a hint,
# a more specific one each time you call it. Hidden tests with fresh inputs decide the grade, so make
# the function right, not just the example. `lab.progress()` at the end sums up.

# %% fw="tensorflow"
import numpy as np
from tqdm.auto import tqdm

from mitdl_utils import open_lab
from mitdl_utils.budget import grading
from mitdl_utils.data import noisy_sine
from mitdl_utils.labs.regularization import STOPPING_CURVE, initial_weights
from mitdl_utils.labs.regularization.plots import (plot_capacity, plot_data, plot_dropout_runs, plot_early_stopping,
                                                   plot_fits, show_dropout)
# TensorFlow after mitdl_utils, which turns its start-up messages off (that works only before the import)
import tensorflow as tf

lab = open_lab("regularization", framework="tensorflow")

# %% fw="torch"
import copy

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

# The models in this lab are tiny: one CPU thread runs them faster than several threads taking turns.
torch.set_num_threads(1)

from mitdl_utils import open_lab
from mitdl_utils.budget import grading
from mitdl_utils.data import noisy_sine
from mitdl_utils.labs.regularization import STOPPING_CURVE, initial_weights
from mitdl_utils.labs.regularization.plots import (plot_capacity, plot_data, plot_dropout_runs, plot_early_stopping,
                                                   plot_fits, show_dropout)

lab = open_lab("regularization", framework="torch")

# %% [markdown]
# ## 1. Underfitting, a good fit, overfitting
#
# Fifteen training points drawn from $y = \sin(\pi x)$ with noise added, and two hundred more from the same
# source kept aside. The model never trains on those 200: they stand in for the new data the model will meet
# later, and they come in two halves with two jobs. The **validation set** (100 points) is for making
# choices: which degree here, which epoch later. The **test set** (the other 100) stays locked away until
# every choice is made, and is then looked at once. Two sets, because a choice made by looking at the
# validation error fits the validation set a little too: the lowest of thirteen validation errors is
# luckier than a fresh measurement would be. Only data that played no part in any choice gives an honest
# estimate of the error on new data.

# %%
x_train, y_train, x_held, y_held = (lab.tensor(a, "float64") for a in noisy_sine(n_train=15, n_val=200, noise=0.25))
x_val, y_val, x_test, y_test = x_held[:100], y_held[:100], x_held[100:], y_held[100:]  # 100 points each
plot_data(x_train, y_train, x_val, y_val)  # the test set stays out of sight

# %% [markdown]
# Our models are polynomials, $\hat y = w_0 + w_1 x + w_2 x^2 + \dots + w_d x^d$. The degree $d$ is the
# model's **capacity** as one number: a polynomial of degree $d$ has $d + 1$ weights, and a higher degree can
# bend more. The model is linear in its weights once $x$ is turned into its powers, the *features*
#
# $$A = \begin{pmatrix} 1 & x_1 & x_1^2 & \cdots & x_1^d \\ \vdots & & & & \vdots \\
# 1 & x_n & x_n^2 & \cdots & x_n^d \end{pmatrix}, \qquad \hat y = A\,w.$$
#
# **{{exercise:polynomial_features}}.** Write `polynomial_features(x, degree)`: for $x$ of shape $(n,)$ return $A$ of
# shape $(n, d + 1)$, column $k$ holding $x^k$, lowest power first. Keep the dtype of $x$ (we work in
# float64 here: for degree 12 the columns $x^0, \dots, x^{12}$ are nearly parallel, the matrix's condition number
# is about $3 \times 10^5$, and solving for $w$ in float32, whose numbers carry about 7 digits, would lose most
# of them; $x^{12}$ itself fits in float32 without trouble).

# %% fw="tensorflow" solution="polynomial_features"
def polynomial_features(x, degree):
    """x: (n,) -> (n, degree + 1), column k = x**k."""
    ### BEGIN SOLUTION
    return tf.stack([x**k for k in range(degree + 1)], axis=1)
    ### END SOLUTION

# %% fw="torch" solution="polynomial_features"
def polynomial_features(x, degree):
    """x: (n,) -> (n, degree + 1), column k = x**k."""
    ### BEGIN SOLUTION
    return torch.stack([x**k for k in range(degree + 1)], dim=1)
    ### END SOLUTION

# %% tests="polynomial_features"

# %% [markdown]
# ## 2. Fit, and measure on both sets
#
# The weights that fit the training data best, in the sense of the **mean squared error**
#
# $$J(w) = \frac{1}{n}\sum_{i=1}^{n}\bigl(y_i - \hat y_i\bigr)^2,$$
#
# are the least-squares solution of $A\,w \approx y$. No gradient descent needed: linear algebra solves it
# in one step.
#
# **{{exercise:fit}}.** Write `fit_polynomial(x, y, degree)`, which returns $w$ of shape $(d + 1,)$
# (use {{framework}}'s least-squares solver on your features), and `mean_squared_error(y, y_hat)`, which
# returns one number.

# %% fw="tensorflow" solution="fit"
def fit_polynomial(x, y, degree):
    """x, y: (n,) float64 -> w: (degree + 1,), the least-squares weights, lowest power first."""
    ### BEGIN SOLUTION
    A = polynomial_features(x, degree)
    return tf.linalg.lstsq(A, y[:, None], fast=False)[:, 0]
    ### END SOLUTION


def mean_squared_error(y, y_hat):
    """y, y_hat: (n,) -> scalar tensor, the mean of the squared differences."""
    ### BEGIN SOLUTION
    return tf.reduce_mean((y - y_hat) ** 2)
    ### END SOLUTION

# %% fw="torch" solution="fit"
def fit_polynomial(x, y, degree):
    """x, y: (n,) float64 -> w: (degree + 1,), the least-squares weights, lowest power first."""
    ### BEGIN SOLUTION
    A = polynomial_features(x, degree)
    return torch.linalg.lstsq(A, y[:, None]).solution[:, 0]
    ### END SOLUTION


def mean_squared_error(y, y_hat):
    """y, y_hat: (n,) -> scalar tensor, the mean of the squared differences."""
    ### BEGIN SOLUTION
    return torch.mean((y - y_hat) ** 2)
    ### END SOLUTION

# %% tests="fit"

# %% [markdown]
# ### Predict, then run
#
# Next you fit every degree from 0 to 12 **on the training set only**, and measure the error on both sets.
# The training error can only go down as the degree grows: a polynomial of degree $d + 1$ can do anything one of
# degree $d$ can (set its last weight to 0), so on the points it sees it does at least as well. What happens to
# the validation error is less obvious. Decide before you look: look at the data plot above, commit to an
# answer, and only then run the cells after the check.
#
# **{{exercise:predict_best_degree}}.** Which of the degrees 0 to 12 has the lowest validation error? Return
# the letter of your prediction from `predict_best_degree()`. The check says whether you were right, and why not
# if not.
#
# {{choices:predict_best_degree}}

# %% solution="predict_best_degree"
def predict_best_degree():
    """-> your prediction: "a", "b", "c" or "d"."""
    ### BEGIN SOLUTION
    return "b"
    ### END SOLUTION

# %% tests="predict_best_degree"

# %% [markdown]
# Now the experiment: every degree fitted on the 15 training points, and each one's error on both sets
# (note the log scale).

# %% fw="tensorflow"
def predict_polynomial(w, x):
    """w: (degree + 1,), x: (n,) -> y_hat: (n,)."""
    return tf.linalg.matvec(polynomial_features(x, w.shape[0] - 1), w)

# %% fw="torch"
def predict_polynomial(w, x):
    """w: (degree + 1,), x: (n,) -> y_hat: (n,)."""
    return polynomial_features(x, w.shape[0] - 1) @ w

# %%
def errors_by_degree(degrees):
    """-> (training MSEs, validation MSEs) of the least-squares polynomial of each degree."""
    train_mse, val_mse = [], []
    for degree in degrees:
        w = fit_polynomial(x_train, y_train, degree)  # the held-out sets play no part in the fit
        train_mse.append(float(mean_squared_error(y_train, predict_polynomial(w, x_train))))
        val_mse.append(float(mean_squared_error(y_val, predict_polynomial(w, x_val))))
    return train_mse, val_mse


if lab.ready("fit"):
    degrees = list(range(13))
    train_mse, val_mse = errors_by_degree(degrees)
    best_degree = degrees[int(np.argmin(val_mse))]
    plot_capacity(degrees, train_mse, val_mse)
    best_w = fit_polynomial(x_train, y_train, best_degree)
    test_mse = float(mean_squared_error(y_test, predict_polynomial(best_w, x_test)))  # the test set's one use
    print(f"degree {best_degree}, chosen on the validation set: validation MSE {val_mse[best_degree]:.4f}, "
          f"test MSE {test_mse:.4f} (the noise alone costs 0.25² = 0.0625)")

# %% [markdown]
# The validation error falls steeply while the degree is too low to follow the curve (0.72 for a constant,
# 0.45 for a line), reaches its lowest at degree 3 (0.080, near the 0.0625 that the noise alone costs),
# stays close to it up to degree 6, and from degree 7 on climbs, to about 54 at degree 12. One period of a sine
# turns twice, and a cubic is the lowest degree that can turn twice; every weight beyond what the curve needs
# goes into following the noise of the 15 training points, which the 100 validation points do not share. The
# training error, meanwhile, keeps falling all the way: it cannot tell a good fit from a memorised one.
#
# The test error of the chosen degree is the honest figure, and here it comes out close to its validation
# error (a little lower, even): the luck of picking the best of thirteen on 100 validation points is small in
# this draw. It grows with the number of choices tried on one validation set, and nothing but a test set
# kept out of them can tell how large it is.
#
# The three regimes of the lecture, side by side: a straight line cannot follow the curve at all
# (underfitting), the best degree on the validation set follows it closely, and degree 12 threads through
# nearly every training point and swings wildly between them (overfitting).

# %%
if lab.ready("fit"):
    def fitted(degree):
        w = fit_polynomial(x_train, y_train, degree)
        return lambda grid: predict_polynomial(w, lab.tensor(grid, "float64"))

    plot_fits({"Underfitting (degree 1)": fitted(1), f"A good fit (degree {best_degree})": fitted(best_degree),
               "Overfitting (degree 12)": fitted(12)}, (x_train, y_train, x_val, y_val))

# %% [markdown]
# ## 3. Dropout from scratch
#
# Picking a smaller model is one way out. **Regularization** is the other: keep the big model, but make
# memorising the training set harder. Dropout does it by switching off a random part of a layer's
# activations on every training step, so the network cannot lean on any single unit and has to spread what it
# learns over many paths.
#
# Each activation is dropped (set to 0) with probability $p$ (the lecture's typical value is $p = 0.5$) and
# kept with probability $1 - p$. **Inverted dropout**, the version every framework uses, also divides the
# kept activations by $1 - p$:
#
# $$\text{dropout}(x)_i = \begin{cases} 0 & \text{with probability } p, \\[2pt]
# \dfrac{x_i}{1 - p} & \text{with probability } 1 - p, \end{cases} \qquad
# \mathbb{E}\bigl[\text{dropout}(x)_i\bigr] = (1 - p)\,\frac{x_i}{1 - p} = x_i.$$
#
# The average output is unchanged, so at evaluation time nothing needs correcting: dropout is simply
# switched off and the layer passes $x$ through as it is.
#
# The lecture's slide creates the frameworks' dropout layers with `Dropout(p=0.5)`: in both frameworks the
# number a dropout layer takes is the probability of *dropping* an activation, $p$ above. (The slide's line has
# a catch of its own, on display in the bug museum at the end of this lab.)
#
# **{{exercise:dropout}}.** Write `dropout(x, p, training)`: with `training=True` draw a fresh uniform
# random number per entry, keep the entries whose number is at least $p$, and scale them by $1/(1 - p)$; with
# `training=False` return `x` unchanged. Build the mask yourself (the check looks for the framework's dropout).
# The check measures the statistics on 100,000 entries and compares them with {{framework}}'s own dropout
# layer in training and evaluation mode.

# %% fw="tensorflow" solution="dropout"
def dropout(x, p, training=True):
    """Inverted dropout. x: float tensor, any shape; 0 <= p < 1 -> same shape."""
    ### BEGIN SOLUTION
    if not training:
        return x
    keep = tf.random.uniform(tf.shape(x), dtype=x.dtype) >= p
    return tf.where(keep, x / (1 - p), tf.zeros_like(x))
    ### END SOLUTION

# %% fw="torch" solution="dropout"
def dropout(x, p, training=True):
    """Inverted dropout. x: float tensor, any shape; 0 <= p < 1 -> same shape."""
    ### BEGIN SOLUTION
    if not training:
        return x
    keep = torch.rand_like(x) >= p
    return torch.where(keep, x / (1 - p), torch.zeros_like(x))
    ### END SOLUTION

# %% tests="dropout"

# %% [markdown]
# Your dropout and the framework's, on a tensor of ones with $p = 0.5$. In training about half the entries
# are dropped and the rest become 2, so the mean stays close to 1; at evaluation both pass the ones through.
# Run the cell again: a different half is dropped every time.

# %% fw="tensorflow"
if lab.ready("dropout"):
    ones = lab.tensor(np.ones((8, 16)))
    keras_dropout = tf.keras.layers.Dropout(0.5)
    show_dropout({"yours, training=True": dropout(ones, 0.5, training=True),
                  "Keras Dropout, training=True": keras_dropout(ones, training=True),
                  "yours, training=False": dropout(ones, 0.5, training=False),
                  "Keras Dropout, training=False": keras_dropout(ones, training=False)})

# %% fw="torch"
if lab.ready("dropout"):
    ones = lab.tensor(np.ones((8, 16)))
    torch_dropout = nn.Dropout(0.5)
    in_training = torch_dropout.train()(ones)  # .train() switches the module to training mode
    in_evaluation = torch_dropout.eval()(ones)  # .eval() to evaluation mode
    show_dropout({"yours, training=True": dropout(ones, 0.5, training=True), "nn.Dropout after .train()": in_training,
                  "yours, training=False": dropout(ones, 0.5, training=False), "nn.Dropout after .eval()": in_evaluation})

# %% [markdown]
# ## 4. Dropout as a layer that knows its mode
#
# Inside a model, dropout must be on while the model trains and off when it predicts, without anyone passing
# a flag to every layer by hand. Frameworks handle this with a *mode*: the model is either training or
# evaluating, and every layer inside it can ask which. The comment in the cell below says how {{framework}}
# tells a layer its mode.
#
# **{{exercise:dropout_layer}}.** Complete the layer below so that it applies your `dropout` in training mode
# only, the {{framework}} way. The check calls it alone and inside a container model, in both modes, and
# compares it with {{framework}}'s dropout layer.

# %% fw="tensorflow" solution="dropout_layer"
# Keras calls every layer with a `training` argument: True inside fit(), False inside predict() and
# evaluate(), and whatever you pass when you call the model yourself: model(x, training=True).
# A model passes it on to the layers inside it.
class InvertedDropout(tf.keras.layers.Layer):
    """Dropout as a Keras layer: drops with probability p when called with training=True."""

    def __init__(self, p, **kwargs):
        super().__init__(**kwargs)
        self.p = p

    def call(self, x, training=None):
        """x: any shape -> same shape. training: True, False or None (None means not training)."""
        ### BEGIN SOLUTION
        return dropout(x, self.p, training=bool(training))
        ### END SOLUTION

# %% fw="torch" solution="dropout_layer"
# Every PyTorch module has a `self.training` attribute: model.train() sets it to True and model.eval()
# to False, for the model and every module inside it.
class InvertedDropout(nn.Module):
    """Dropout as a module: drops with probability p in training mode (after model.train())."""

    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        """x: any shape -> same shape."""
        ### BEGIN SOLUTION
        return dropout(x, self.p, training=self.training)
        ### END SOLUTION

# %% tests="dropout_layer"

# %% [markdown]
# A small model with your layer in the middle. In training mode two calls on the same input give different
# answers (a different mask each time); in evaluation mode the model is an ordinary deterministic function.

# %% fw="tensorflow"
if lab.ready("dropout_layer"):
    model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(6, activation="relu"),
                                 InvertedDropout(0.5), tf.keras.layers.Dense(1)])
    x = lab.tensor(np.ones((1, 4)))
    print("training=True: ", [round(float(model(x, training=True)[0, 0]), 3) for _ in range(4)])
    print("training=False:", [round(float(model(x, training=False)[0, 0]), 3) for _ in range(4)])

# %% fw="torch"
if lab.ready("dropout_layer"):
    model = nn.Sequential(nn.Linear(4, 6), nn.ReLU(), InvertedDropout(0.5), nn.Linear(6, 1))
    x = lab.tensor(np.ones((1, 4)))
    with torch.no_grad():
        model.train()
        print("after model.train():", [round(float(model(x)[0, 0]), 3) for _ in range(4)])
        model.eval()
        print("after model.eval(): ", [round(float(model(x)[0, 0]), 3) for _ in range(4)])

# %% [markdown]
# ## 5. Early stopping
#
# The second regularizer from the lecture needs no change to the model at all. Train, and after every epoch
# measure the loss on the validation set. At first both losses fall. Later the training loss keeps falling
# while the validation loss turns and rises: from there on the network is memorising its training data.
# **Early stopping** ends training near that turning point and keeps the weights from the best epoch.
#
# The turning point is only clear in hindsight, and a noisy validation curve goes up now and then before it
# comes down again. So the rule waits: it stops once **`patience` epochs in a row** have not beaten the best
# validation loss so far (only a strictly lower loss counts as an improvement), and then goes back to the
# weights of that best epoch.
#
# **{{exercise:early_stopping}}.** Write `early_stopping(val_losses, patience)`, which replays this rule on a
# list of validation losses, one per epoch, and returns `(best_epoch, last_epoch)`, both counted from 0:
# the epoch with the best loss seen before stopping, and the epoch after which training stops (the last
# epoch of the list if the rule never fires). It is plain Python, the same in both frameworks.

# %% solution="early_stopping"
def early_stopping(val_losses, patience):
    """val_losses: list of floats, one per epoch; patience: int >= 1 -> (best_epoch, last_epoch)."""
    ### BEGIN SOLUTION
    best_epoch, best_loss, epochs_without_improvement = 0, float("inf"), 0
    for epoch, loss in enumerate(val_losses):
        if loss < best_loss:
            best_epoch, best_loss, epochs_without_improvement = epoch, loss, 0
        else:
            epochs_without_improvement += 1
            if epochs_without_improvement == patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses) - 1
    ### END SOLUTION

# %% tests="early_stopping"

# %% [markdown]
# On the curve below, with `patience=3`, the loss reaches 0.45 at epoch 3, ties it at epoch 5 (a tie is not
# an improvement) and stops at epoch 6, never seeing the lower losses of epochs 9 and 10. That is the price of
# patience: too little and a noisy dip ends training too soon; too much and the run wastes epochs overfitting.

# %%
if lab.ready("early_stopping"):
    print("validation losses:", STOPPING_CURVE)
    for patience in (1, 3, 5):
        best_epoch, last_epoch = early_stopping(STOPPING_CURVE, patience)
        print(f"patience={patience}: trains epochs 0..{last_epoch}, restores the weights of epoch {best_epoch}")

# %% [markdown]
# ## 6. A training loop that stops early
#
# Now the same rule live, inside training. The loop gets two functions: `train_epoch()` trains the model for
# one epoch, and `validation_loss()` returns the current loss on the validation set. Whenever the validation
# loss improves, save **a copy** of the model's weights; when the loop ends, load that copy back.
#
# A copy, not a reference: the training steps change the weights *in place*, so anything that merely points
# at them keeps changing after you "saved" it. The comment in the cell below says how to copy and restore
# weights in {{framework}}.
#
# **{{exercise:train_with_early_stopping}}.** Write `train_with_early_stopping(model, train_epoch, validation_loss,
# max_epochs, patience)`. It trains at most `max_epochs` epochs, stops by the rule of exercise 5, leaves
# `model` with the weights of its best epoch, and returns the list of validation losses, one per epoch trained.

# %% fw="tensorflow" solution="train_with_early_stopping"
# Save a copy: best = model.get_weights() (a list of NumPy arrays, copies of the current values).
# Restore it:  model.set_weights(best).
def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
    """-> list of validation losses, one per epoch trained; `model` ends with its best weights."""
    ### BEGIN SOLUTION
    history, best_loss, best_weights, epochs_without_improvement = [], float("inf"), model.get_weights(), 0
    for _ in range(max_epochs):
        train_epoch()
        loss = float(validation_loss())
        history.append(loss)
        if loss < best_loss:
            best_loss, best_weights, epochs_without_improvement = loss, model.get_weights(), 0
        else:
            epochs_without_improvement += 1
            if epochs_without_improvement == patience:
                break
    model.set_weights(best_weights)
    return history
    ### END SOLUTION

# %% fw="torch" solution="train_with_early_stopping"
# Save a copy: best = copy.deepcopy(model.state_dict()). model.state_dict() alone holds the live
# tensors, which the optimizer keeps changing. Restore it: model.load_state_dict(best).
def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
    """-> list of validation losses, one per epoch trained; `model` ends with its best weights."""
    ### BEGIN SOLUTION
    history, best_loss, best_state, epochs_without_improvement = [], float("inf"), None, 0
    for _ in range(max_epochs):
        train_epoch()
        loss = float(validation_loss())
        history.append(loss)
        if loss < best_loss:
            best_loss, best_state, epochs_without_improvement = loss, copy.deepcopy(model.state_dict()), 0
        else:
            epochs_without_improvement += 1
            if epochs_without_improvement == patience:
                break
    if best_state is not None:
        model.load_state_dict(best_state)
    return history
    ### END SOLUTION

# %% tests="train_with_early_stopping"

# %% [markdown]
# ### Watching it work
#
# A network far too big for its data: two hidden layers of 128 units for 30 noisy points (and, as before,
# 100 validation points to choose the epoch and 100 test points kept out of every choice). Each epoch is one
# full-batch step of Adam. Both frameworks start from the same seeded weights, so both notebooks tell the same story. First we let it train for the whole budget without stopping, to see the complete
# story; then we train the same network again from the same initial weights with your early stopping.
# (The grader skips these training runs: nothing in them is graded.)

# %%
MAX_EPOCHS, PATIENCE = 300, 20
TRAINING_DEMOS = not grading()  # the grader skips the training runs below: nothing in them is graded
X_train, Y_train, X_held, Y_held = (lab.tensor(a[:, None]) for a in noisy_sine(n_train=30, n_val=200, noise=0.5, seed=0))
X_val, Y_val, X_test, Y_test = X_held[:100], Y_held[:100], X_held[100:], Y_held[100:]  # 100 points each

# %% fw="tensorflow"
def make_net(p=0.0):
    """1 -> 128 -> 128 -> 1 with tanh, an InvertedDropout(p) after each hidden layer when p > 0,
    starting from the same seeded weights as in the other framework."""
    hidden = [tf.keras.layers.Dense(128, activation="tanh"), tf.keras.layers.Dense(128, activation="tanh")]
    layers = [tf.keras.Input((1,))]
    for layer in hidden:
        layers += [layer, InvertedDropout(p)] if p > 0 else [layer]
    net = tf.keras.Sequential(layers + [tf.keras.layers.Dense(1)])
    net.set_weights([array for W, b in initial_weights(seed=2) for array in (W, b)])
    return net


def epoch_functions(net, progress, learning_rate=0.02):
    """-> (train_epoch, validation_loss, training_losses) for full-batch Adam on the data above."""
    optimizer, training_losses = tf.keras.optimizers.Adam(learning_rate, epsilon=1e-8), []

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((net(X_train, training=True) - Y_train) ** 2)
        optimizer.apply_gradients(zip(tape.gradient(loss, net.trainable_variables), net.trainable_variables))
        return loss

    def train_epoch():
        training_losses.append(float(step()))
        progress.update(1)

    @tf.function
    def validation_mse():
        return tf.reduce_mean((net(X_val, training=False) - Y_val) ** 2)

    def validation_loss():
        return float(validation_mse())

    return train_epoch, validation_loss, training_losses


def mse(net, X, Y):
    """The network's mean squared error on (X, Y) in evaluation mode, a float."""
    return float(tf.reduce_mean((net(X, training=False) - Y) ** 2))


net = make_net()
start_weights = net.get_weights()

# %% fw="torch"
def make_net(p=0.0):
    """1 -> 128 -> 128 -> 1 with tanh, an InvertedDropout(p) after each hidden layer when p > 0,
    starting from the same seeded weights as in the other framework."""
    linear = [nn.Linear(1, 128), nn.Linear(128, 128), nn.Linear(128, 1)]
    with torch.no_grad():
        for layer, (W, b) in zip(linear, initial_weights(seed=2)):
            layer.weight.copy_(torch.from_numpy(W.T))  # nn.Linear stores W as (n_out, n_in)
            layer.bias.copy_(torch.from_numpy(b))
    layers = []
    for layer in linear[:2]:
        layers += [layer, nn.Tanh()] + ([InvertedDropout(p)] if p > 0 else [])
    return nn.Sequential(*layers, linear[2])


def epoch_functions(net, progress, learning_rate=0.02):
    """-> (train_epoch, validation_loss, training_losses) for full-batch Adam on the data above."""
    optimizer, training_losses = torch.optim.Adam(net.parameters(), lr=learning_rate), []

    def train_epoch():
        net.train()
        optimizer.zero_grad()
        loss = torch.mean((net(X_train) - Y_train) ** 2)
        loss.backward()
        optimizer.step()
        training_losses.append(loss.item())
        progress.update(1)

    def validation_loss():
        net.eval()
        with torch.no_grad():
            return float(torch.mean((net(X_val) - Y_val) ** 2))

    return train_epoch, validation_loss, training_losses


def mse(net, X, Y):
    """The network's mean squared error on (X, Y) in evaluation mode, a float."""
    net.eval()
    with torch.no_grad():
        return float(torch.mean((net(X) - Y) ** 2))


net = make_net()
start_weights = copy.deepcopy(net.state_dict())

# %% [markdown]
# The full run, with no stopping: the plain training loop.

# %%
if TRAINING_DEMOS:
    with tqdm(total=MAX_EPOCHS, desc="no stopping") as progress:
        train_epoch, validation_loss, full_training_losses = epoch_functions(net, progress)
        full_validation_losses = []
        for epoch in range(MAX_EPOCHS):
            train_epoch()
            full_validation_losses.append(validation_loss())

# %% [markdown]
# The same network from the same start, with your early stopping. Because training is deterministic here,
# its validation losses are exactly the first epochs of the full run, and it should stop where your
# `early_stopping` says the full curve would stop.

# %% fw="tensorflow"
if TRAINING_DEMOS and lab.ready("train_with_early_stopping"):
    net.set_weights(start_weights)
    with tqdm(total=MAX_EPOCHS, desc="early stopping") as progress:
        train_epoch, validation_loss, _ = epoch_functions(net, progress)
        history = train_with_early_stopping(net, train_epoch, validation_loss, MAX_EPOCHS, PATIENCE)
    best_epoch, stop_epoch = int(np.argmin(history)), len(history) - 1
    print(f"stopped after epoch {stop_epoch}; best epoch {best_epoch} (validation MSE {min(history):.4f})")
    print(f"the restored model: validation MSE {validation_loss():.4f}, test MSE {mse(net, X_test, Y_test):.4f}")
    print("same losses as the full run:", np.allclose(history, full_validation_losses[:len(history)], rtol=1e-4))

# %% fw="torch"
if TRAINING_DEMOS and lab.ready("train_with_early_stopping"):
    net.load_state_dict(start_weights)
    with tqdm(total=MAX_EPOCHS, desc="early stopping") as progress:
        train_epoch, validation_loss, _ = epoch_functions(net, progress)
        history = train_with_early_stopping(net, train_epoch, validation_loss, MAX_EPOCHS, PATIENCE)
    best_epoch, stop_epoch = int(np.argmin(history)), len(history) - 1
    print(f"stopped after epoch {stop_epoch}; best epoch {best_epoch} (validation MSE {min(history):.4f})")
    print(f"the restored model: validation MSE {validation_loss():.4f}, test MSE {mse(net, X_test, Y_test):.4f}")
    print("same losses as the full run:", np.allclose(history, full_validation_losses[:len(history)], rtol=1e-4))

# %% [markdown]
# The lecture's picture, from real numbers: the training loss falls all the way, the validation loss turns
# upward, and early stopping (with its patience) stops shortly after the turn and restores the best weights.

# %%
if TRAINING_DEMOS and lab.ready("early_stopping"):
    best_epoch, stop_epoch = early_stopping(full_validation_losses, PATIENCE)
    plot_early_stopping(full_training_losses, full_validation_losses, best_epoch, stop_epoch)

# %% [markdown]
# ### Compared with the framework
#
# The cell below runs the framework's way of doing the same thing on the same network and start, and compares
# where it stops and what it keeps with your functions: the same epochs, the same restored weights.

# %% fw="tensorflow"
# The Keras way: compile the model once, then fit() it with validation data and the EarlyStopping callback,
# whose rule is yours (stop after `patience` epochs without a strictly lower val_loss) and which, with
# restore_best_weights=True, loads the best epoch's weights at the end. batch_size=30 with shuffle=False
# makes each epoch the same single full-batch Adam step as in your loop.
if TRAINING_DEMOS:
    net.set_weights(start_weights)
    net.compile(optimizer=tf.keras.optimizers.Adam(0.02, epsilon=1e-8), loss="mse")
    stopper = tf.keras.callbacks.EarlyStopping(monitor="val_loss", patience=PATIENCE, restore_best_weights=True)
    keras_losses = net.fit(X_train, Y_train, batch_size=len(X_train), epochs=MAX_EPOCHS, shuffle=False, verbose=0,
                           validation_data=(X_val, Y_val), callbacks=[stopper]).history["val_loss"]
    print(f"Keras fit + EarlyStopping: trained epochs 0..{len(keras_losses) - 1}, best epoch {stopper.best_epoch}; "
          f"restored: validation MSE {mse(net, X_val, Y_val):.4f}, test MSE {mse(net, X_test, Y_test):.4f}")
    print("same validation losses as the full run:",
          np.allclose(keras_losses, full_validation_losses[:len(keras_losses)], rtol=1e-3))
    if lab.ready("early_stopping"):
        print("your early_stopping on the same curve (best, last):", early_stopping(keras_losses, PATIENCE))

# %% fw="torch"
# PyTorch has no built-in early stopping: the loop you wrote is how it is done. Here it is again, written out
# inline as a plain loop, checked against your functions.
if TRAINING_DEMOS and lab.ready("early_stopping"):
    net.load_state_dict(start_weights)
    with tqdm(total=MAX_EPOCHS, desc="plain loop") as progress:
        train_epoch, validation_loss, _ = epoch_functions(net, progress)
        losses, best_loss, best_state, waited = [], float("inf"), None, 0
        while len(losses) < MAX_EPOCHS and waited < PATIENCE:
            train_epoch()
            losses.append(validation_loss())
            if losses[-1] < best_loss:
                best_loss, best_state, waited = losses[-1], copy.deepcopy(net.state_dict()), 0
            else:
                waited += 1
    net.load_state_dict(best_state)
    print(f"plain loop: trained epochs 0..{len(losses) - 1}, best epoch {int(np.argmin(losses))}; "
          f"restored: validation MSE {mse(net, X_val, Y_val):.4f}, test MSE {mse(net, X_test, Y_test):.4f}")
    print("your early_stopping on its curve (best, last):", early_stopping(losses, PATIENCE))

# %% [markdown]
# ### Dropout against overfitting
#
# Last, the same network with your dropout after each hidden layer, $p = 0.2$ and the lecture's $p = 0.5$,
# each trained for the whole budget without stopping, next to the run without dropout. The thin lines are
# the losses of each epoch, the thick ones their average over 10 epochs; the training loss of a dropout
# network is measured with dropout on, as it trains. The table below gives the numbers.

# %%
if TRAINING_DEMOS and lab.ready("dropout_layer"):
    runs = {"no dropout": (full_training_losses, full_validation_losses)}
    for p in (0.2, 0.5):
        dropout_net = make_net(p=p)
        with tqdm(total=MAX_EPOCHS, desc=f"dropout p = {p}") as progress:
            train_epoch, validation_loss, training_losses = epoch_functions(dropout_net, progress)
            validation_losses = []
            for epoch in range(MAX_EPOCHS):
                train_epoch()
                validation_losses.append(validation_loss())
        runs[f"dropout p = {p}"] = (training_losses, validation_losses)
    plot_dropout_runs(runs)
    for name, (training_losses, validation_losses) in runs.items():
        print(f"{name:<16} last 100 epochs, mean: training {np.mean(training_losses[-100:]):.3f}, "
              f"validation {np.mean(validation_losses[-100:]):.3f};   lowest validation {min(validation_losses):.3f}")

# %% [markdown]
# Dropout keeps the training loss up: over the last 100 epochs it averages about twice the plain network's
# with $p = 0.2$ and more than three times with $p = 0.5$, because a network that loses a random part of its
# units at every step cannot memorise the 30 points as well. And its validation loss does not climb as the
# plain network's does: over the same epochs it averages about 0.40 with either $p$, against 0.49 without
# dropout. What dropout does not do here is beat early stopping: the lowest validation loss is about 0.29 to
# 0.30 in all three runs, and the dropout curves jump from epoch to epoch (each step trains a different
# thinned network), which makes their best epoch harder to pick. The two regularizers are often used together.

# %% [markdown]
# ## 7. The bug museum
#
# Three exhibits of regularization code that goes wrong: the lecture slide's own dropout line, and two
# mistakes that look harmless when written and cost a lot later. Each cell below runs its exhibit and prints what
# happens; nothing turns red, because the cells catch the errors and print them in one line. Run the three,
# work out why each goes wrong, and answer in the exercise after them.
#
# **Exhibit `dropout_p`: the slide's dropout line.** The slide writes `Dropout(p=0.5)` for both frameworks.
# The cell tries {{framework}}'s dropout layer with two keywords, `p=` as on the slide and `rate=`.

# %% fw="tensorflow"
try:
    tf.keras.layers.Dropout(p=0.5)  # the slide's line
except TypeError as e:
    print("tf.keras.layers.Dropout(p=0.5) raised", type(e).__name__, ":", str(e).splitlines()[0])
print("tf.keras.layers.Dropout(rate=0.5).rate =", tf.keras.layers.Dropout(rate=0.5).rate)

# %% fw="torch"
print("nn.Dropout(p=0.5).p =", nn.Dropout(p=0.5).p)  # the slide's line
try:
    nn.Dropout(rate=0.5)
except TypeError as e:
    print("nn.Dropout(rate=0.5) raised", type(e).__name__, ":", str(e).splitlines()[0])

# %% [markdown]
# **Exhibit `dropout_at_evaluation`.** A dropout layer of one's own, `MyDropout`, written with the framework's
# dropout function instead of section 4's way, in a small model. The cell asks the model, in evaluation mode,
# for four predictions of the same input.

# %% fw="tensorflow"
class MyDropout(tf.keras.layers.Layer):
    """Dropout as a Keras layer, on TensorFlow's dropout function."""

    def __init__(self, rate):
        super().__init__()
        self.rate = rate

    def call(self, x):
        return tf.nn.dropout(x, rate=self.rate)


buggy = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(6, activation="tanh"), MyDropout(0.5),
                             tf.keras.layers.Dense(1)])
x = lab.tensor(np.ones((1, 4)))
print("buggy(x, training=False):", [round(float(buggy(x, training=False)[0, 0]), 3) for _ in range(4)])
print("buggy.predict(x):        ", [round(float(buggy.predict(x, verbose=0)[0, 0]), 3) for _ in range(4)])

# %% fw="torch"
class MyDropout(nn.Module):
    """Dropout as a module, on PyTorch's dropout function."""

    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        return F.dropout(x, p=self.p)


buggy = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), MyDropout(0.5), nn.Linear(6, 1))
x = lab.tensor(np.ones((1, 4)))
buggy.eval()
with torch.no_grad():
    print("after buggy.eval():", [round(float(buggy(x)[0, 0]), 3) for _ in range(4)])

# %% [markdown]
# **Exhibit `last_weights`.** Section 6's network trained again from the same start with early stopping
# (patience 20), the way many programs write it. The cell prints where the run stopped, its best epoch, and
# the validation error of the model that training leaves behind. (Like the other training runs, the grader skips
# this one.)

# %% fw="tensorflow"
if TRAINING_DEMOS:
    net.set_weights(start_weights)
    net.compile(optimizer=tf.keras.optimizers.Adam(0.02, epsilon=1e-8), loss="mse")
    stopper = tf.keras.callbacks.EarlyStopping(monitor="val_loss", patience=PATIENCE)
    losses = net.fit(X_train, Y_train, batch_size=len(X_train), epochs=MAX_EPOCHS, shuffle=False, verbose=0,
                     validation_data=(X_val, Y_val), callbacks=[stopper]).history["val_loss"]
    best_epoch, stop_epoch = int(np.argmin(losses)), len(losses) - 1
    print(f"stopped after epoch {stop_epoch}; best epoch {best_epoch}, validation MSE {losses[best_epoch]:.3f}")
    print(f"the model after fit(): validation MSE {mse(net, X_val, Y_val):.3f} "
          f"(epoch {stop_epoch}'s was {losses[stop_epoch]:.3f})")

# %% fw="torch"
if TRAINING_DEMOS:
    net.load_state_dict(start_weights)
    with tqdm(total=MAX_EPOCHS, desc="exhibit last_weights") as progress:
        train_epoch, validation_loss, _ = epoch_functions(net, progress)
        losses, best_loss, best_state, waited = [], float("inf"), None, 0
        while len(losses) < MAX_EPOCHS and waited < PATIENCE:
            train_epoch()
            losses.append(validation_loss())
            if losses[-1] < best_loss:
                best_loss, best_state, waited = losses[-1], net.state_dict(), 0
            else:
                waited += 1
    net.load_state_dict(best_state)
    best_epoch, stop_epoch = int(np.argmin(losses)), len(losses) - 1
    print(f"stopped after epoch {stop_epoch}; best epoch {best_epoch}, validation MSE {losses[best_epoch]:.3f}")
    print(f"the model after load_state_dict(best_state): validation MSE {mse(net, X_val, Y_val):.3f} "
          f"(epoch {stop_epoch}'s was {losses[stop_epoch]:.3f})")

# %% [markdown]
# **{{exercise:bug_museum}}.** For each exhibit, pick the letter that says why it goes wrong, and return the
# three letters from `bug_museum()` as a dict, one per exhibit.
#
# {{choices:bug_museum}}

# %% solution="bug_museum"
def bug_museum():
    """-> {"dropout_p": letter, "dropout_at_evaluation": letter, "last_weights": letter}."""
    ### BEGIN SOLUTION
    return {"dropout_p": "b", "dropout_at_evaluation": "c", "last_weights": "a"}
    ### END SOLUTION

# %% tests="bug_museum"

# %% [markdown]
# The fixes, once each exhibit is understood:
#
# - `dropout_p`: use each layer's own keyword, `tf.keras.layers.Dropout(rate=0.5)` and `torch.nn.Dropout(p=0.5)`,
#   or pass the number by position, `Dropout(0.5)`, which means the drop probability in both.
# - `dropout_at_evaluation`: let the layer decide from the mode, as your `InvertedDropout` does. A Keras layer
#   takes a `training` argument in `call` and calls the dropout function only when it is true; a `torch.nn`
#   module calls `F.dropout(x, p=self.p, training=self.training)`, or uses `nn.Dropout`, which reads the mode
#   itself.
# - `last_weights`: put the best weights back. Keras does it with `EarlyStopping(..., restore_best_weights=True)`;
#   a loop saves `copy.deepcopy(net.state_dict())` (or `get_weights()` in Keras), as your
#   `train_with_early_stopping` does, so that what it saved stays the best epoch's weights.

# %% [markdown]
# ## Summary
#
# You saw a model underfit with too little capacity and overfit with too much, measured on data it never
# trained on, after predicting where the best capacity would be. You built inverted dropout and made it follow
# the training and evaluation modes of {{framework}}, you wrote early stopping twice: as a rule on a curve and as
# a training loop that keeps a copy of its best weights, and you took apart three pieces of regularization code
# that go wrong. Run the cell below to see where you stand before you submit.

# %%
lab.progress()
