# %% [markdown]
# # Lab 04 · Gradient descent, backpropagation and optimizers ({{framework}})
#
# Training a network means finding the weights that make its loss small. The loss is a surface over
# weight space, and gradient descent walks downhill on it: compute the slope, take a small step the
# other way, repeat. In this lab you draw such a surface, compute its slope three ways (by hand with the
# chain rule, with {{framework}}'s automatic differentiation, and numerically), write gradient descent
# yourself, watch what the learning rate does, and then hand the stepping over to {{framework}}'s
# optimizers, one of which you rebuild from its update rule.
#
# **How this notebook works.** Each exercise has a function to complete where it says
# `# YOUR CODE HERE`, followed by a check cell. Run the check: it says *passed*, *not attempted
# yet*, or what is wrong (expected vs got, and the likely mistake). `lab.hint("name")` gives a hint,
# a more specific one each time you call it. Hidden tests with fresh inputs decide the grade, so make
# the function right, not just the example. `lab.progress()` at the end sums up.

# %% fw="tensorflow"
import numpy as np
from tqdm.auto import tqdm

from mitdl_utils import budget, open_lab, to_numpy
from mitdl_utils.labs.gradient_descent import helpers
# TensorFlow after mitdl_utils, which turns its start-up messages off (that works only before the import)
import tensorflow as tf

lab = open_lab("gradient_descent", framework="tensorflow")


def trainable(value):
    """A float32 weight that gradient descent may change: a tf.Variable."""
    return tf.Variable(value, dtype=tf.float32)

# %% fw="torch"
import numpy as np
import torch
from tqdm.auto import tqdm

from mitdl_utils import budget, open_lab, to_numpy
from mitdl_utils.labs.gradient_descent import helpers

lab = open_lab("gradient_descent", framework="torch")


def trainable(value):
    """A float32 weight that gradient descent may change: a leaf tensor with requires_grad=True."""
    return torch.as_tensor(value, dtype=torch.float32).detach().clone().requires_grad_(True)

# %% [markdown]
# ## 1. A tiny network and its loss landscape
#
# The lecture explains backpropagation on the smallest network that still has a hidden unit: one input
# $x$, one hidden unit, one output.
#
# $$z_1 = w_1 x, \qquad \hat y = w_2\, \sigma(z_1), \qquad
# J(w_1, w_2) = \frac{1}{n} \sum_{i=1}^{n} \bigl(\hat y^{(i)} - y^{(i)}\bigr)^2 .$$
#
# (Biases are left out so that there are exactly two weights.) The loss is the mean squared error over
# $n$ examples. The data below were made by the weights $w_1 = 1.5$, $w_2 = 2$ plus a little noise, so
# the lowest point of the landscape should sit close to there.
#
# **{{exercise:tiny_network}}.** Write `tiny_loss(x, y, w1, w2)`. To draw the whole landscape in one call,
# the plot passes `w1` and `w2` as columns of shape $(m, 1)$: then `w1 * x` broadcasts to $(m, n)$, and
# the mean must run over the last axis only, giving one loss per weight pair. For scalar weights the same
# code gives a scalar. You may use {{framework}}'s own `sigmoid` here.

# %%
x, y = helpers.tiny_data()
x_t, y_t = lab.tensor(x), lab.tensor(y)
print(f"{len(x)} examples; x from {x.min():.2f} to {x.max():.2f}; y from {y.min():.2f} to {y.max():.2f}")

# %% fw="tensorflow" solution="tiny_network"
def tiny_loss(x, y, w1, w2):
    """x, y: (n,); w1, w2: scalars or (m, 1) -> J: () or (m,), the mean over the last axis."""
    ### BEGIN SOLUTION
    y_hat = w2 * tf.sigmoid(w1 * x)
    return tf.reduce_mean((y_hat - y) ** 2, axis=-1)
    ### END SOLUTION

# %% fw="torch" solution="tiny_network"
def tiny_loss(x, y, w1, w2):
    """x, y: (n,); w1, w2: scalars or (m, 1) -> J: () or (m,), the mean over the last axis."""
    ### BEGIN SOLUTION
    y_hat = w2 * torch.sigmoid(w1 * x)
    return ((y_hat - y) ** 2).mean(dim=-1)
    ### END SOLUTION

# %% tests="tiny_network"

# %% [markdown]
# The landscape, coloured on a log scale. Three things to notice: the long valley around the star (the
# weights that made the data); the flat **plateau** on the left, where $w_1 < 0$ makes the hidden unit
# answer the wrong way round and small changes hardly matter; and the white square, the starting point
# every run in this lab uses. Gradient descent has to find its way from the plateau into the valley.

# %%
helpers.plot_landscape(lambda w1, w2: tiny_loss(x_t, y_t, w1, w2), lab.tensor)

# %% [markdown]
# ## 2. Backpropagation by hand: the chain rule
#
# How much does the loss change when $w_1$ moves a little? $w_1$ affects $J$ only through $z_1$, and
# $z_1$ only through $\hat y$, so the chain rule multiplies the three links:
#
# $$\frac{\partial J}{\partial w_1} = \frac{\partial J}{\partial \hat y} \cdot
# \frac{\partial \hat y}{\partial z_1} \cdot \frac{\partial z_1}{\partial w_1}, \qquad
# \frac{\partial J}{\partial w_2} = \frac{\partial J}{\partial \hat y} \cdot \frac{\partial \hat y}{\partial w_2}.$$
#
# For one example each link is simple:
#
# | link | value |
# |---|---|
# | $\partial J / \partial \hat y$ | $\frac{2}{n}(\hat y - y)$ (the $\frac{1}{n}$ comes from the mean) |
# | $\partial \hat y / \partial z_1$ | $w_2\, \sigma(z_1)\bigl(1 - \sigma(z_1)\bigr)$ (lab 01's sigmoid derivative) |
# | $\partial z_1 / \partial w_1$ | $x$ |
# | $\partial \hat y / \partial w_2$ | $\sigma(z_1)$ |
#
# Each example contributes its own product; the gradient is their sum. Backpropagation is exactly this,
# done for every weight of a large network, reusing the links that the weights share ($\partial J /
# \partial \hat y$ appears in both formulas above).
#
# **{{exercise:backprop}}.** Write `tiny_gradients(x, y, w1, w2)` for scalar weights, returning the pair
# $(\partial J/\partial w_1, \partial J/\partial w_2)$ as scalar tensors. Only arithmetic: no autograd
# here (the check looks for it).

# %% fw="tensorflow" solution="backprop"
def tiny_gradients(x, y, w1, w2):
    """x, y: (n,); w1, w2: scalars -> (dJ/dw1, dJ/dw2), two scalar tensors, by the chain rule."""
    ### BEGIN SOLUTION
    n = tf.cast(tf.size(x), x.dtype)
    s = tf.sigmoid(w1 * x)  # sigma(z1)
    dJ_dyhat = 2 * (w2 * s - y) / n
    dyhat_dz1 = w2 * s * (1 - s)
    dz1_dw1 = x
    dJ_dw1 = tf.reduce_sum(dJ_dyhat * dyhat_dz1 * dz1_dw1)
    dJ_dw2 = tf.reduce_sum(dJ_dyhat * s)
    return dJ_dw1, dJ_dw2
    ### END SOLUTION

# %% fw="torch" solution="backprop"
def tiny_gradients(x, y, w1, w2):
    """x, y: (n,); w1, w2: scalars -> (dJ/dw1, dJ/dw2), two scalar tensors, by the chain rule."""
    ### BEGIN SOLUTION
    n = x.numel()
    s = torch.sigmoid(w1 * x)  # sigma(z1)
    dJ_dyhat = 2 * (w2 * s - y) / n
    dyhat_dz1 = w2 * s * (1 - s)
    dz1_dw1 = x
    dJ_dw1 = (dJ_dyhat * dyhat_dz1 * dz1_dw1).sum()
    dJ_dw2 = (dJ_dyhat * s).sum()
    return dJ_dw1, dJ_dw2
    ### END SOLUTION

# %% tests="backprop"

# %% [markdown]
# ## 3. Two independent checks: autograd and the numerical gradient
#
# A hand-derived gradient is easy to get subtly wrong, and a wrong gradient still trains, just badly.
# So check it two ways that share none of your algebra.
#
# **Autograd.** {{framework}} records the operations of the forward pass and runs the chain rule backwards
# for you. The cell below shows the mechanics on $J = w^2$, whose derivative at $w = 3$ is $2w = 6$.

# %% fw="tensorflow"
# Autograd in TensorFlow: run the forward pass inside a GradientTape, on tf.Variables, then ask the tape.
w = tf.Variable(3.0)
with tf.GradientTape() as tape:
    J = w ** 2
print("dJ/dw at w = 3:", tape.gradient(J, w).numpy())

# %% fw="torch"
# Autograd in PyTorch: create the tensor with requires_grad=True, run the forward pass, call backward();
# the gradient lands in the tensor's .grad.
w = torch.tensor(3.0, requires_grad=True)
J = w ** 2
J.backward()
print("dJ/dw at w = 3:", w.grad.item())

# %% [markdown]
# **Finite differences.** The definition of the derivative, with a small but finite step $\varepsilon$.
# The centred version is far more accurate than the one-sided one (its error shrinks like
# $\varepsilon^2$ instead of $\varepsilon$):
#
# $$\frac{\partial J}{\partial w_1} \approx \frac{J(w_1 + \varepsilon, w_2) - J(w_1 - \varepsilon, w_2)}{2\varepsilon}.$$
#
# **{{exercise:gradient_check}}.** Write `autograd_gradients(x, y, w1, w2)` (same inputs and outputs as
# `tiny_gradients`, computed by autograd from your `tiny_loss`), and `numerical_gradients(loss, w1, w2, eps)`,
# the centred differences of any function `loss(w1, w2)` that returns a number.

# %% fw="tensorflow" solution="gradient_check"
def autograd_gradients(x, y, w1, w2):
    """(dJ/dw1, dJ/dw2) of tiny_loss at scalar w1, w2, by tf.GradientTape."""
    ### BEGIN SOLUTION
    w1, w2 = tf.Variable(w1), tf.Variable(w2)
    with tf.GradientTape() as tape:
        loss = tiny_loss(x, y, w1, w2)
    dJ_dw1, dJ_dw2 = tape.gradient(loss, [w1, w2])
    return dJ_dw1, dJ_dw2
    ### END SOLUTION


def numerical_gradients(loss, w1, w2, eps=1e-3):
    """(dJ/dw1, dJ/dw2) of loss(w1, w2) by centred finite differences with step eps."""
    ### BEGIN SOLUTION
    dJ_dw1 = (loss(w1 + eps, w2) - loss(w1 - eps, w2)) / (2 * eps)
    dJ_dw2 = (loss(w1, w2 + eps) - loss(w1, w2 - eps)) / (2 * eps)
    return dJ_dw1, dJ_dw2
    ### END SOLUTION

# %% fw="torch" solution="gradient_check"
def autograd_gradients(x, y, w1, w2):
    """(dJ/dw1, dJ/dw2) of tiny_loss at scalar w1, w2, by loss.backward()."""
    ### BEGIN SOLUTION
    w1 = w1.detach().clone().requires_grad_(True)
    w2 = w2.detach().clone().requires_grad_(True)
    loss = tiny_loss(x, y, w1, w2)
    loss.backward()
    return w1.grad, w2.grad
    ### END SOLUTION


def numerical_gradients(loss, w1, w2, eps=1e-3):
    """(dJ/dw1, dJ/dw2) of loss(w1, w2) by centred finite differences with step eps."""
    ### BEGIN SOLUTION
    dJ_dw1 = (loss(w1 + eps, w2) - loss(w1 - eps, w2)) / (2 * eps)
    dJ_dw2 = (loss(w1, w2 + eps) - loss(w1, w2 - eps)) / (2 * eps)
    return dJ_dw1, dJ_dw2
    ### END SOLUTION

# %% tests="gradient_check"

# %% [markdown]
# Now the gradient check itself. We compare the three answers by their **relative error**
# $|a - b| / \max(|a|, |b|)$, which does not depend on how large the gradient happens to be. What size to
# expect depends on the arithmetic:
#
# - **in float64** with $\varepsilon = 10^{-5}$: about $10^{-9}$ or smaller between your chain rule and
#   the numerical gradient, and about $10^{-15}$ (rounding only) between your chain rule and autograd;
# - **in float32** with $\varepsilon = 10^{-3}$: about $10^{-4}$ against the numerical gradient, because
#   float32 keeps only about 7 digits and the difference quotient loses three of them;
# - a relative error of $10^{-2}$ or more in float64 means a bug, not rounding.
#
# That is why gradient checks are run in float64.

# %%
if lab.ready("backprop") and lab.ready("gradient_check"):
    for dtype, eps, expected in [("float64", 1e-5, 1e-7), ("float32", 1e-3, 1e-2)]:
        xs, ys, w1, w2 = lab.tensor(x, dtype), lab.tensor(y, dtype), lab.tensor(1.0, dtype), lab.tensor(-0.5, dtype)
        by_hand = tiny_gradients(xs, ys, w1, w2)
        by_autograd = autograd_gradients(xs, ys, w1, w2)
        numerical = numerical_gradients(lambda a, b: tiny_loss(xs, ys, a, b), w1, w2, eps)
        vs_autograd = helpers.relative_error(by_hand, by_autograd)
        vs_numerical = helpers.relative_error(by_hand, numerical)
        print(f"{dtype}: dJ/dw1, dJ/dw2 by hand = {to_numpy(by_hand[0]):.6f}, {to_numpy(by_hand[1]):.6f}; "
              f"relative error vs autograd {vs_autograd:.1e}, vs numerical (eps = {eps:g}) {vs_numerical:.1e}")
        assert max(vs_autograd, vs_numerical) < expected, "larger than expected: look for a bug"

# %% [markdown]
# ## 4. Gradient descent from scratch
#
# The lecture's algorithm, for any model with weights $W$:
#
# 1. initialise the weights randomly, $W \sim \mathcal N(0, \sigma^2)$;
# 2. until convergence: compute the gradient $\partial J / \partial W$, and step
#    $W \leftarrow W - \eta\, \dfrac{\partial J}{\partial W}$;
# 3. return the weights.
#
# The minus sign makes the step go downhill; the **learning rate** $\eta$ sets how far. "Until
# convergence" needs a rule; ours: stop once the loss changes by less than `tol` from one step to the next.
#
# The step must change the weights themselves, in place, and autograd must not record it as part of
# the next forward pass. The cell below shows one step in {{framework}} on $J = w^2$ from $w = 3$:
# $w \leftarrow 3 - 0.1 \cdot 6 = 2.4$.

# %% fw="tensorflow"
# One gradient-descent step in TensorFlow. assign_sub changes the variable itself;
# `w = w - lr * grad` would only make a new tensor and leave the variable behind.
w = tf.Variable(3.0)
with tf.GradientTape() as tape:
    J = w ** 2
w.assign_sub(0.1 * tape.gradient(J, w))
print("w after one step:", w.numpy())

# %% fw="torch"
# One gradient-descent step in PyTorch. The update runs under torch.no_grad() so that autograd does not
# record it; then the gradient is zeroed, because PyTorch adds every backward() to what .grad holds.
w = torch.tensor(3.0, requires_grad=True)
(w ** 2).backward()
with torch.no_grad():
    w -= 0.1 * w.grad
    w.grad.zero_()
print("w after one step:", w.item())

# %% [markdown]
# **{{exercise:gradient_descent}}.** Write `init_params(shape, sigma)`, a tensor of that shape drawn from
# $\mathcal N(0, \sigma^2)$ (careful: $\sigma$ is the standard deviation; `trainable` from the first cell
# turns it into a weight), and
# `gradient_descent(loss_fn, params, lr, max_steps, tol)`. `loss_fn()` takes no arguments and computes the
# loss from `params`; your function updates `params` in place and returns the list of losses (as Python
# floats), the loss **before** each step. Each step: compute the loss and its gradients, record the loss,
# stop if it changed by less than `tol` since the previous step, otherwise update every parameter.

# %% fw="tensorflow" solution="gradient_descent"
def init_params(shape, sigma):
    """A float32 tensor of `shape` drawn from N(0, sigma^2)."""
    ### BEGIN SOLUTION
    return tf.random.normal(shape, mean=0.0, stddev=sigma)
    ### END SOLUTION


def gradient_descent(loss_fn, params, lr, max_steps, tol=0.0):
    """Gradient descent on the tf.Variables `params`, in place -> list of the loss before each step."""
    ### BEGIN SOLUTION
    losses = []
    for _ in range(max_steps):
        with tf.GradientTape() as tape:
            loss = loss_fn()
        grads = tape.gradient(loss, params)
        losses.append(float(loss))
        if len(losses) > 1 and abs(losses[-2] - losses[-1]) < tol:
            break
        for param, grad in zip(params, grads):
            param.assign_sub(lr * grad)
    return losses
    ### END SOLUTION

# %% fw="torch" solution="gradient_descent"
def init_params(shape, sigma):
    """A float32 tensor of `shape` drawn from N(0, sigma^2)."""
    ### BEGIN SOLUTION
    return sigma * torch.randn(shape)
    ### END SOLUTION


def gradient_descent(loss_fn, params, lr, max_steps, tol=0.0):
    """Gradient descent on the leaf tensors `params`, in place -> list of the loss before each step."""
    ### BEGIN SOLUTION
    losses = []
    for _ in range(max_steps):
        loss = loss_fn()
        loss.backward()
        losses.append(loss.item())
        if len(losses) > 1 and abs(losses[-2] - losses[-1]) < tol:
            break
        with torch.no_grad():
            for param in params:
                param -= lr * param.grad
                param.grad.zero_()
    return losses
    ### END SOLUTION

# %% tests="gradient_descent"

# %% [markdown]
# ### Training on "Will I pass this class?"
#
# Back to the lecture's data: lectures attended and hours spent on the final project, and whether the
# student passed. The model is a single perceptron, $\hat y = \sigma(w_0 + x^\top W)$, with the binary
# cross-entropy loss. The features are standardised (mean 0, standard deviation 1) first: with raw
# features from 0 to 12, one learning rate cannot suit both the bias and the weights.
#
# Before training, the random weights draw an arbitrary boundary; after, the boundary separates the
# passes from the fails as well as a straight line can.

# %%
X_std, passed, feature_mean, feature_std = helpers.standardized_pass_fail()
X_pf, y_pf = lab.tensor(X_std), lab.tensor(passed)
print(f"{len(passed)} students, {int(passed.sum())} passed")

# %% fw="tensorflow"
def pass_fail_loss(w0, W):
    """Mean binary cross-entropy of sigmoid(w0 + X W) on the pass/fail data."""
    logits = w0 + tf.linalg.matvec(X_pf, W)
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y_pf, logits=logits))

# %% fw="torch"
def pass_fail_loss(w0, W):
    """Mean binary cross-entropy of sigmoid(w0 + X W) on the pass/fail data."""
    logits = w0 + X_pf @ W
    return torch.nn.functional.binary_cross_entropy_with_logits(logits, y_pf)

# %%
if lab.ready("gradient_descent"):
    w0, W = trainable(init_params((1,), sigma=1.0)), trainable(init_params((2,), sigma=1.0))
    before = (to_numpy(w0).copy(), to_numpy(W).copy())
    losses = gradient_descent(lambda: pass_fail_loss(w0, W), [w0, W], lr=2.0,
                              max_steps=budget(300, 10), tol=1e-5)
    accuracy = np.mean((to_numpy(w0) + X_std @ to_numpy(W) > 0) == (passed == 1))
    print(f"{len(losses)} steps: loss {losses[0]:.3f} -> {losses[-1]:.3f}; training accuracy {accuracy:.0%}")
    helpers.plot_loss_curves({"gradient descent, lr = 2": losses},
                             title="Binary cross-entropy while training on pass/fail")
    helpers.plot_boundaries(X_std, passed, feature_mean, feature_std,
                            {"before: random weights from N(0, 1)": before, "after gradient descent": (w0, W)})

# %% [markdown]
# ## 5. The learning rate
#
# The lecture's three cases. A learning rate that is **too small** creeps downhill and can sit for a
# long time on a plateau or in a shallow dip. One that is **too large** overshoots the valley, lands
# higher up the other side, overshoots again, and the loss grows without bound: it **diverges**. A
# **stable** rate gets to the bottom quickly and stays there.
#
# **Predict first, then run.** Go back to section 4's one-parameter example, $J = w^2$ from $w = 3$, and
# imagine 20 steps of gradient descent at each of the learning rates 0.1, 0.5, 0.9 and 1.1. Before you run the
# cell after the check, decide which of them end *farther* from the minimum $w = 0$ than where they started.
# Work it out on paper (one step is enough to see the pattern); the cell then shows the truth.
#
# **{{exercise:predict_divergence}}.** Return your answer from `predict_divergence()`, as one letter:
#
# {{choices:predict_divergence}}

# %% solution="predict_divergence"
def predict_divergence():
    """-> your prediction: "a", "b", "c" or "d"."""
    ### BEGIN SOLUTION
    return "b"
    ### END SOLUTION

# %% tests="predict_divergence"

# %% [markdown]
# The experiment: 20 steps at each rate, written as in section 4, printing $w$ after the first three steps and
# after the last.

# %% fw="tensorflow"
for lr in [0.1, 0.5, 0.9, 1.1]:
    w, path = tf.Variable(3.0), []
    for _ in range(20):
        with tf.GradientTape() as tape:
            J = w ** 2
        w.assign_sub(lr * tape.gradient(J, w))
        path.append(float(w))
    print(f"lr = {lr}: w after steps 1, 2, 3: {path[0]:+.3f}, {path[1]:+.3f}, {path[2]:+.3f};  "
          f"after 20 steps: {path[-1]:+.3f}")

# %% fw="torch"
for lr in [0.1, 0.5, 0.9, 1.1]:
    w, path = torch.tensor(3.0, requires_grad=True), []
    for _ in range(20):
        (w ** 2).backward()
        with torch.no_grad():
            w -= lr * w.grad
            w.grad.zero_()
        path.append(w.item())
    print(f"lr = {lr}: w after steps 1, 2, 3: {path[0]:+.3f}, {path[1]:+.3f}, {path[2]:+.3f};  "
          f"after 20 steps: {path[-1]:+.3f}")

# %% [markdown]
# Why: the gradient of $w^2$ is $2w$, so one step gives $w - \eta \cdot 2w = (1 - 2\eta)\, w$. Every step
# multiplies $w$ by the same factor $1 - 2\eta$: $0.8$ at $\eta = 0.1$, $0$ at $0.5$ (the minimum in one step),
# $-0.8$ at $0.9$ and $-1.2$ at $1.1$. A negative factor means the step jumps past the minimum, but the run still
# closes in as long as the factor's size is below 1; that is why 0.1 and 0.9 end at the same distance,
# $3 \cdot 0.8^{20} \approx 0.035$, one from one side only and the other from alternating sides. Only at $1.1$ does
# each jump land farther out, and $3 \cdot 1.2^{20} \approx 115$. So this loss diverges for every
# $\eta > 1 = 2 / 2$, two over its curvature (its second derivative). A loss with a sharper valley diverges at
# a smaller rate; the tiny network's loss is curved differently in different places, so its limit is yours to
# find.
#
# **{{exercise:learning_rates}}.** Find one learning rate of each kind for the tiny network, starting from the
# white square of the landscape, with 100 steps of plain gradient descent. Experiment with the plot below
# (re-run it after changing your numbers); the check runs gradient descent with your three rates and
# tells you which one does not behave as its name says.

# %% solution="learning_rates"
def pick_learning_rates():
    """-> {"too small": lr, "stable": lr, "too large": lr} for the tiny network, 100 steps from the start."""
    ### BEGIN SOLUTION
    return {"too small": 0.05, "stable": 1.0, "too large": 4.0}
    ### END SOLUTION

# %% tests="learning_rates"

# %% [markdown]
# Your three rates, run with your `gradient_descent` one step at a time so that the path can be drawn.
# A run that blows up is stopped and marked with an x.

# %%
def run_tiny(one_step, w1, w2, steps):
    """Call one_step() `steps` times; it updates w1, w2 and returns its losses -> (losses, path (k, 2))."""
    losses, path = [], [helpers.START]
    for _ in range(steps):
        losses += one_step()
        path.append((float(to_numpy(w1)), float(to_numpy(w2))))
        if not losses[-1] < 1e6:  # diverged (or not a number): stop
            break
    return losses, np.array(path)


def descend_tiny(lr, steps):
    """Gradient descent on the tiny network from helpers.START -> (losses, path)."""
    w1, w2 = trainable(helpers.START[0]), trainable(helpers.START[1])
    step = lambda: gradient_descent(lambda: tiny_loss(x_t, y_t, w1, w2), [w1, w2], lr, max_steps=1)
    return run_tiny(step, w1, w2, steps)


if lab.ready("gradient_descent") and lab.ready("learning_rates"):
    curves, paths = {}, {}
    for name, lr in tqdm(pick_learning_rates().items(), desc="learning rates"):
        losses, path = descend_tiny(lr, budget(100, 0))
        curves[f"{name}: lr = {lr}"], paths[f"{name}: lr = {lr}"] = losses, path
    helpers.plot_loss_curves(curves, title="Three learning rates on the tiny network", max_loss=100.0)
    helpers.plot_landscape(lambda w1, w2: tiny_loss(x_t, y_t, w1, w2), lab.tensor, paths,
                           title="Gradient descent paths for three learning rates")

# %% [markdown]
# ## 6. Optimizers: adaptive learning rates
#
# Finding one good learning rate by trial is tedious, and the best step size differs from weight to
# weight and changes during training. **Adaptive** optimizers scale each weight's step by what they have
# seen of its gradients so far. The lecture lists five; {{framework}} has all of them:
#
# | optimizer | idea in one line |
# |---|---|
# | SGD | the plain step $-\eta\, g$ of section 4 |
# | Adagrad | divide by the root of the sum of all past squared gradients: steep weights slow down for good |
# | RMSProp | divide by the root of a moving average of squared gradients instead, so the rate can recover |
# | Adadelta | like RMSProp, times the root of a moving average of its own past squared steps; both frameworks still multiply the step by the learning rate (1.0 here) |
# | Adam | a moving average of gradients (momentum) divided by RMSProp's root, with a bias correction |
#
# The training loop around any of them is always the same: compute the loss with the weights being
# tracked, get the gradients, let the optimizer step. The comments in the next cell name the {{framework}}
# calls for each part.
#
# The learning rates below suit the tiny network; each optimizer has its own sensible range. The other
# settings are written out too: the two frameworks do not share all their defaults (the decay rates of
# RMSProp and Adadelta, Adagrad's starting sum, where $\varepsilon$ goes), and with the defaults the same
# optimizer would take a different path in each. With these settings both notebooks draw the same paths.

# %% fw="tensorflow"
# The training loop for any of them: inside `with tf.GradientTape() as tape:` compute the loss (the
# forward pass must run inside the block, or the tape has nothing to differentiate; the lecture's slide is
# loose about this), then grads = tape.gradient(loss, params), then optimizer.apply_gradients(zip(grads, params)).
# Each setting below is spelled out so that both frameworks run the same algorithm; where Keras's default
# differs from PyTorch's, the comment says so.
OPTIMIZERS = {  # name -> (Keras optimizer class, learning rate for the tiny network, its other settings)
    "SGD": (tf.keras.optimizers.SGD, 1.0, {}),
    # PyTorch's default epsilon (Keras's is 1e-7)
    "Adam": (tf.keras.optimizers.Adam, 0.2, {"epsilon": 1e-8}),
    # the sum of squared gradients starts at 0, as in PyTorch (Keras's default is 0.1); Keras adds epsilon
    # under the root, sqrt(sum + epsilon), where PyTorch adds it after, sqrt(sum) + eps: 1e-16 = (1e-8)^2
    "Adagrad": (tf.keras.optimizers.Adagrad, 0.5, {"initial_accumulator_value": 0.0, "epsilon": 1e-16}),
    # rho, the decay of the average of squared gradients, is PyTorch's alpha (default 0.99; Keras's 0.9);
    # epsilon under the root again
    "RMSProp": (tf.keras.optimizers.RMSprop, 0.1, {"rho": 0.9, "epsilon": 1e-16}),
    # rho 0.95 and epsilon 1e-6, as in the Adadelta paper (Keras: 0.95, 1e-7; PyTorch: 0.9, 1e-6); both
    # frameworks put epsilon under the roots here
    "Adadelta": (tf.keras.optimizers.Adadelta, 1.0, {"rho": 0.95, "epsilon": 1e-6}),
}


def make_optimizer(name, params):
    """A fresh optimizer by name; `params` is unused: a Keras optimizer meets its variables on the first step."""
    optimizer_class, lr, settings = OPTIMIZERS[name]
    return optimizer_class(learning_rate=lr, **settings)


print("Adam's settings:", make_optimizer("Adam", [trainable(0.0)]).get_config())

# %% fw="torch"
# The training loop for any of them: optimizer.zero_grad() clears the old gradients, loss.backward()
# computes the new ones, optimizer.step() updates the weights.
# Each setting below is spelled out so that both frameworks run the same algorithm; where PyTorch's default
# differs from Keras's, the comment says so.
OPTIMIZERS = {  # name -> (torch.optim class, learning rate for the tiny network, its other settings)
    "SGD": (torch.optim.SGD, 1.0, {}),
    "Adam": (torch.optim.Adam, 0.2, {"eps": 1e-8}),  # PyTorch's default (Keras's is 1e-7)
    # the sum of squared gradients starts at 0 (PyTorch's default; Keras's is 0.1); PyTorch adds eps after
    # the root, sqrt(sum) + eps, where Keras adds it under the root
    "Adagrad": (torch.optim.Adagrad, 0.5, {"initial_accumulator_value": 0.0, "eps": 1e-8}),
    # alpha, the decay of the average of squared gradients, is Keras's rho (default 0.9; PyTorch's 0.99)
    "RMSProp": (torch.optim.RMSprop, 0.1, {"alpha": 0.9, "eps": 1e-8}),
    # rho 0.95 and eps 1e-6, as in the Adadelta paper (PyTorch: 0.9, 1e-6; Keras: 0.95, 1e-7); both
    # frameworks put eps under the roots here
    "Adadelta": (torch.optim.Adadelta, 1.0, {"rho": 0.95, "eps": 1e-6}),
}


def make_optimizer(name, params):
    """A fresh optimizer by name for `params` (PyTorch optimizers are told their parameters up front)."""
    optimizer_class, lr, settings = OPTIMIZERS[name]
    return optimizer_class(params, lr=lr, **settings)


print("Adam's settings:", make_optimizer("Adam", [trainable(0.0)]))

# %% [markdown]
# **{{exercise:optimizer_loop}}.** Write `train_with_optimizer(loss_fn, params, optimizer, steps)`: `steps`
# optimizer steps, returning the loss before each step as a list of Python floats. It works with any of
# the five optimizers.

# %% fw="tensorflow" solution="optimizer_loop"
def train_with_optimizer(loss_fn, params, optimizer, steps):
    """`steps` steps of a Keras optimizer on the tf.Variables `params` -> list of the loss before each step."""
    ### BEGIN SOLUTION
    losses = []
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = loss_fn()
        grads = tape.gradient(loss, params)
        optimizer.apply_gradients(zip(grads, params))
        losses.append(float(loss))
    return losses
    ### END SOLUTION

# %% fw="torch" solution="optimizer_loop"
def train_with_optimizer(loss_fn, params, optimizer, steps):
    """`steps` steps of a torch.optim optimizer on `params` -> list of the loss before each step."""
    ### BEGIN SOLUTION
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = loss_fn()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
    ### END SOLUTION

# %% tests="optimizer_loop"

# %% [markdown]
# All five from the same start for 50 steps, drawn on the landscape. Things to look for: plain SGD's
# step is proportional to the slope, so it crawls across the plateau and then rushes down the valley;
# Adagrad and RMSProp divide by the gradient's size and move at a steadier pace; Adam carries momentum,
# so it overshoots the minimum and swings back. Adadelta hardly moves: its first steps are about
# $\sqrt{\varepsilon / (1 - \rho)} \approx 0.0045$ in size and grow slowly, so it needs far more steps here. Adaptive does not mean
# fast on every problem.

# %%
def optimize_tiny(name, steps):
    """`steps` steps of optimizer `name` on the tiny network from helpers.START -> (losses, path)."""
    w1, w2 = trainable(helpers.START[0]), trainable(helpers.START[1])
    optimizer = make_optimizer(name, [w1, w2])
    step = lambda: train_with_optimizer(lambda: tiny_loss(x_t, y_t, w1, w2), [w1, w2], optimizer, 1)
    return run_tiny(step, w1, w2, steps)


if lab.ready("optimizer_loop"):
    curves, paths = {}, {}
    for name in tqdm(OPTIMIZERS, desc="optimizers"):
        label = f"{name}, lr = {OPTIMIZERS[name][1]}"
        curves[label], paths[label] = optimize_tiny(name, budget(50, 0))
    helpers.plot_loss_curves(curves, title="Five optimizers on the tiny network")
    helpers.plot_landscape(lambda w1, w2: tiny_loss(x_t, y_t, w1, w2), lab.tensor, paths,
                           title="Optimizer trajectories on the loss landscape")

# %% [markdown]
# ## 7. Adam from its update rule
#
# Adam keeps two running averages per weight, of the gradient $g$ (the *first moment* $m$) and of its
# square (the *second moment* $v$), both starting at 0. At step $t = 1, 2, \dots$:
#
# $$m \leftarrow \beta_1 m + (1 - \beta_1)\, g, \qquad v \leftarrow \beta_2 v + (1 - \beta_2)\, g^2,$$
#
# $$\hat m = \frac{m}{1 - \beta_1^t}, \qquad \hat v = \frac{v}{1 - \beta_2^t}, \qquad
# w \leftarrow w - \eta\, \frac{\hat m}{\sqrt{\hat v} + \varepsilon}.$$
#
# Because $m$ and $v$ start at 0, they are too small during the first steps; dividing by $1 - \beta^t$
# (the *bias correction*) fixes exactly that, and its effect fades as $t$ grows. The ratio
# $\hat m / \sqrt{\hat v}$ is about $\pm 1$ when the gradient is steady, so each weight moves by about
# $\eta$ per step however steep or flat its direction is: that is how Adam escapes plateaus.
#
# **{{exercise:adam}}.** Write `adam_step(w, g, m, v, t, lr, beta1, beta2, eps)` returning the new
# `(w, m, v)`. The check runs it for several steps next to {{framework}}'s own Adam and compares every step.

# %% fw="tensorflow" solution="adam"
def adam_step(w, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam update at step t = 1, 2, ...; w, g, m, v: tensors of one shape -> (w, m, v)."""
    ### BEGIN SOLUTION
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    w = w - lr * m_hat / (tf.sqrt(v_hat) + eps)
    return w, m, v
    ### END SOLUTION

# %% fw="torch" solution="adam"
def adam_step(w, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam update at step t = 1, 2, ...; w, g, m, v: tensors of one shape -> (w, m, v)."""
    ### BEGIN SOLUTION
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    w = w - lr * m_hat / (torch.sqrt(v_hat) + eps)
    return w, m, v
    ### END SOLUTION

# %% tests="adam"

# %% [markdown]
# Your Adam and {{framework}}'s, side by side on the tiny network, step by step. Your version gets its
# gradients from `autograd_gradients`; the framework's from its own training loop. The two columns
# should agree to about six digits.

# %%
if lab.ready("adam") and lab.ready("optimizer_loop") and lab.ready("gradient_check"):
    w1, w2 = trainable(helpers.START[0]), trainable(helpers.START[1])
    framework_adam = make_optimizer("Adam", [w1, w2])
    mine, m, v = lab.tensor(helpers.START), lab.tensor([0.0, 0.0]), lab.tensor([0.0, 0.0])
    print("step   framework (w1, w2)     yours (w1, w2)         largest difference")
    for t in range(1, 6):
        train_with_optimizer(lambda: tiny_loss(x_t, y_t, w1, w2), [w1, w2], framework_adam, 1)
        g = lab.tensor([to_numpy(d) for d in autograd_gradients(x_t, y_t, mine[0], mine[1])])
        mine, m, v = adam_step(mine, g, m, v, t, lr=OPTIMIZERS["Adam"][1])
        theirs, yours = np.array([to_numpy(w1), to_numpy(w2)]), to_numpy(mine)
        print(f"{t:>4}   ({theirs[0]:+.6f}, {theirs[1]:+.6f})   ({yours[0]:+.6f}, {yours[1]:+.6f})   "
              f"{np.abs(theirs - yours).max():.1e}")

# %% [markdown]
# ## 8. The bug museum
#
# Two pieces of training code, built from the lecture's slides, that go wrong without an obvious error message at
# the line that is wrong. Run each exhibit, read what it prints, and work out why; then answer below. Both use
# $J = w^2$, whose minimum is at $w = 0$.
#
# **Exhibit `replaced_weight`.** The slide's gradient descent loop ends with `weights = weights - lr * gradient`.
# The cell runs it from $w = 3$ at learning rate 0.1 and prints, at each step, the type of `weights` and its
# gradient. (In `torch` the update runs under `torch.no_grad()`, as in section 4, so that autograd does not record
# it.)

# %% fw="tensorflow"
lr = 0.1
weights = tf.Variable([3.0])
for step in range(1, 4):
    with tf.GradientTape() as g:  # the slide's loop body
        loss = tf.reduce_sum(weights ** 2)
        gradient = g.gradient(loss, weights)
    print(f"step {step}: weights holds {to_numpy(weights)}, type {type(weights).__name__}; gradient {gradient}")
    try:
        weights = weights - lr * gradient
    except TypeError as e:
        print("raised", type(e).__name__, ":", str(e).splitlines()[0])
        break

# %% fw="torch"
lr = 0.1
weights = torch.tensor([3.0], requires_grad=True)
for step in range(1, 4):
    loss = (weights ** 2).sum()
    print(f"step {step}: weights holds {to_numpy(weights)}, requires_grad={weights.requires_grad}")
    try:
        loss.backward()
    except RuntimeError as e:
        print("raised", type(e).__name__, ":", str(e).splitlines()[0])
        break
    print(f"        gradient {weights.grad}")
    with torch.no_grad():
        weights = weights - lr * weights.grad  # the slide's update line

# %% [markdown]
# **Exhibit `fresh_optimizer`.** The slide builds its optimizer once, before the loop ("can replace with any
# optimizer"). Here are two loops with Adam at learning rate 0.5 from $w = 3.3$, 40 steps each: one builds the
# optimizer before the loop, the other builds a new one inside the loop, at every step. The cell prints $w$ after
# every step.

# %% fw="tensorflow"
def adam_path(fresh_each_step, steps=40):
    """Adam at lr 0.5 on J = w^2 from w = 3.3 -> w after each step (a new optimizer every step if asked)."""
    w = tf.Variable(3.3)
    optimizer = tf.keras.optimizers.Adam(learning_rate=0.5, epsilon=1e-8)
    path = []
    for _ in range(steps):
        if fresh_each_step:
            optimizer = tf.keras.optimizers.Adam(learning_rate=0.5, epsilon=1e-8)
        with tf.GradientTape() as tape:
            loss = w ** 2
        optimizer.apply_gradients([(tape.gradient(loss, w), w)])
        path.append(round(float(w), 2))
    return path


print("one Adam for the whole loop:", adam_path(fresh_each_step=False))
print("a new Adam at every step:   ", adam_path(fresh_each_step=True))

# %% fw="torch"
def adam_path(fresh_each_step, steps=40):
    """Adam at lr 0.5 on J = w^2 from w = 3.3 -> w after each step (a new optimizer every step if asked)."""
    w = torch.tensor(3.3, requires_grad=True)
    optimizer = torch.optim.Adam([w], lr=0.5, eps=1e-8)
    path = []
    for _ in range(steps):
        if fresh_each_step:
            optimizer = torch.optim.Adam([w], lr=0.5, eps=1e-8)
        optimizer.zero_grad()
        (w ** 2).backward()
        optimizer.step()
        path.append(round(w.item(), 2))
    return path


print("one Adam for the whole loop:", adam_path(fresh_each_step=False))
print("a new Adam at every step:   ", adam_path(fresh_each_step=True))

# %% [markdown]
# **{{exercise:bug_museum}}.** For each exhibit, pick the letter that says why it goes wrong, and return both
# letters from `bug_museum()` as a dict, one per exhibit.
#
# {{choices:bug_museum}}

# %% solution="bug_museum"
def bug_museum():
    """-> {"replaced_weight": letter, "fresh_optimizer": letter}."""
    ### BEGIN SOLUTION
    return {"replaced_weight": "a", "fresh_optimizer": "c"}
    ### END SOLUTION

# %% tests="bug_museum"

# %% [markdown]
# The fixes, once each exhibit is understood:
#
# - `replaced_weight`: change the weight itself: `weights.assign_sub(lr * gradient)` in `tf`, `weights -= lr *
#   weights.grad` under `torch.no_grad()` in `torch` (then zero the gradient), as your `gradient_descent` does.
# - `fresh_optimizer`: build the optimizer once, before the loop, and keep it: its running averages and its step
#   count are what make Adam adaptive. (Plain SGD keeps no state, so there the mistake would go unnoticed.)

# %% [markdown]
# ## Summary
#
# You drew the loss landscape of a tiny network, computed its gradient by the chain rule and confirmed it
# with autograd and with finite differences, trained a classifier with gradient descent you wrote
# yourself, saw a learning rate crawl, converge and diverge, trained with five of {{framework}}'s
# optimizers, and rebuilt Adam from its update rule. You also predicted which learning rate diverges
# before watching it, and took apart two training loops that go wrong quietly. Next lab: computing the
# gradient on a small random batch of the data instead of all of it. Run the cell below to see where you
# stand before you submit.

# %%
lab.progress()
