"""Lab 04, gradient descent, backpropagation and optimizers: exercises, their tests and hints.

The tiny network of the lecture's backpropagation slides, with one input, one hidden unit and one
output: z1 = w1 x, y_hat = w2 sigmoid(z1), J = mean((y_hat - y)^2). Its two weights make a loss
landscape that fits on a contour plot. The NumPy versions below compute what the checks expect and
what common mistakes would give instead.
"""
import numpy as np

from mitdl_utils.checking import CheckFailed, Exercise, assert_close, expect, to_numpy
from mitdl_utils.labs.gradient_descent.helpers import START, tiny_data
from mitdl_utils.prediction import Choice, prediction_test

STEPS_FOR_RATES = 100  # the learning-rate check runs gradient descent this long from START
RATE_NAMES = ("too small", "stable", "too large")


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _tiny_parts(x, y, w1, w2):
    """-> s = sigmoid(w1 x) and r = dJ/dy_hat = 2 (y_hat - y) / n, float64."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    s = _sigmoid(w1 * x)
    return s, 2 * (w2 * s - y) / x.size


def _tiny_loss(x, y, w1, w2):
    return np.mean((w2 * _sigmoid(w1 * np.asarray(x, np.float64)) - y) ** 2, axis=-1)


def _tiny_gradients(x, y, w1, w2):
    s, r = _tiny_parts(x, y, w1, w2)
    return np.sum(r * w2 * s * (1 - s) * x), np.sum(r * s)


def _as_float(value, what):
    array = to_numpy(value)
    expect(array.size == 1 and np.issubdtype(array.dtype, np.number),
           f"{what} should be a single number (a scalar tensor), got shape {array.shape}")
    return float(array.reshape(()))


def _pair(t, name, *args):
    result = t.call(name, *args)
    expect(isinstance(result, (tuple, list)) and len(result) == 2,
           f"`{name}` should return a pair (dJ/dw1, dJ/dw2), got {type(result).__name__}")
    expect(all(g is not None for g in result),
           f"`{name}` returned None for a gradient: autograd found no path from the loss to that weight. "
           "Likely mistake: compute the loss inside the `with tf.GradientTape()` block, from tf.Variables "
           "(or tensors passed to tape.watch), with no .numpy() on the way (PyTorch: from tensors created with "
           "requires_grad=True)")
    return result


# --- 1. the tiny network and its loss --------------------------------------------------------

def test_tiny_network(t):
    x, y = tiny_data(8)
    weights = [(1.0, 2.0), (-2.0, -1.0)]
    if t.hidden:
        x, y = tiny_data(25, seed=int(t.rng.integers(1000)))
        weights += [tuple(t.normal(2, scale=2.0)) for _ in range(3)]
    for w1, w2 in weights:
        got = t.tensor_result("tiny_loss", t.tensor(x), t.tensor(y), t.tensor(w1), t.tensor(w2))
        y_hat = w2 * _sigmoid(w1 * x.astype(np.float64))
        assert_close(got, _tiny_loss(x, y, w1, w2), f"tiny_loss for w1 = {w1:.3g}, w2 = {w2:.3g}", mistakes={
            "sum instead of mean: J is the mean of the squared errors over the n examples":
                np.sum((y_hat - y) ** 2),
            "the square is missing: J = mean((y_hat - y)^2)": np.mean(y_hat - y),
            "that is the mean absolute error: square the differences instead": np.mean(np.abs(y_hat - y)),
            "the sigmoid is missing: y_hat = w2 sigmoid(w1 x)": np.mean((w2 * w1 * x - y) ** 2),
            "w1 and w2 are swapped: y_hat = w2 sigmoid(w1 x), w1 inside the sigmoid and w2 outside":
                np.mean((w1 * _sigmoid(w2 * x.astype(np.float64)) - y) ** 2),
            "the sign in the sigmoid's exponent is flipped: sigmoid(z) = 1 / (1 + e^(-z))":
                np.mean((w2 * _sigmoid(-w1 * x.astype(np.float64)) - y) ** 2),
            "half the mean squared error: J here has no factor 1/2": np.mean((y_hat - y) ** 2) / 2,
            "divided by n - 1: the mean divides by n, the number of examples": np.sum((y_hat - y) ** 2) / (x.size - 1),
        })
    w1, w2 = t.normal(6, 1), t.normal(6, 1)
    got = t.tensor_result("tiny_loss", t.tensor(x), t.tensor(y), t.tensor(w1), t.tensor(w2))
    expect(got.shape == (6,),
           f"tiny_loss with w1, w2 of shape (6, 1) (six weight pairs at once) should give six losses, "
           f"shape (6,), got shape {got.shape}. Likely mistake: take the mean over the last axis only "
           "(the examples), e.g. reduce_mean(..., axis=-1) / .mean(dim=-1)")
    assert_close(got, _tiny_loss(x, y, w1, w2), "tiny_loss for six weight pairs at once")
    _require_differentiable_loss(t, x, y)


def _require_differentiable_loss(t, x, y, w1=1.0, w2=2.0):
    """Autograd through the student's tiny_loss must give the chain rule's gradient (a NumPy round trip gives none).
    The helper runs where the function lives (IN_NOTEBOOK): in the grader, inside the sandbox."""
    what = f"{t.fw.label} autograd through your `tiny_loss` at w1 = {w1:g}, w2 = {w2:g}"
    try:
        gradients = t.ref.loss_gradients(t.function("tiny_loss"), t.tensor(x), t.tensor(y), w1, w2)
    except Exception as error:  # the student's code, run on weights autograd tracks
        text = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
        expect("numpy" in text.lower(), f"{what} raised {type(error).__name__}: {text}")
        gradients = None
    expect(gradients is not None, f"{what} found no path from the weights to the loss: the computation left "
           f"{t.fw.label} on the way (an np.* function, .numpy(), .item(), or a new tensor made from such values "
           f"with tf.constant / torch.tensor), and autograd cannot follow it there, so nothing could be trained "
           f"through it (sections 3 to 7 differentiate your tiny_loss). Use {t.fw.label} operations throughout")
    for got, want, which in zip(gradients, _tiny_gradients(x, y, w1, w2), ["dJ/dw1", "dJ/dw2"]):
        assert_close(got, want, f"{what}: {which}")


# --- 2. backpropagation by hand --------------------------------------------------------------

def test_backprop(t):
    x, y = tiny_data(10)
    weights = [(0.8, 1.5), (-2.0, -1.0)]  # w2 = 2 would make "w2 missing" look like "factor 2 missing"
    if t.hidden:
        x, y = tiny_data(17, seed=int(t.rng.integers(1000)))
        weights += [tuple(t.normal(2, scale=2.0)) for _ in range(3)]
    try:
        t.forbid_calls("tiny_gradients", "gradient", "backward", "grad", "jacobian")
    except CheckFailed as reason:
        raise CheckFailed(f"{reason}. Here the point is to apply the chain rule yourself: "
                          "autograd comes in the next exercise") from None
    for w1, w2 in weights:
        try:
            d_w1, d_w2 = _pair(t, "tiny_gradients", t.tensor(x), t.tensor(y), t.tensor(w1), t.tensor(w2))
        except CheckFailed as reason:
            advice = _about_n(str(reason))
            raise CheckFailed(f"{str(reason).rstrip('.')}{advice}" if advice else str(reason)) from None
        s, r = _tiny_parts(x, y, w1, w2)
        n = x.size
        expected_w1, expected_w2 = _tiny_gradients(x, y, w1, w2)
        at = f"for w1 = {w1:.3g}, w2 = {w2:.3g}"
        common = lambda g: {
            "sum instead of mean: dJ/dy_hat = 2 (y_hat - y) / n, divided by n": n * g,
            "the factor 2 from the square is missing: dJ/dy_hat = 2 (y_hat - y) / n": g / 2,
            "the sign is flipped: dJ/dy_hat = 2 (y_hat - y) / n, not 2 (y - y_hat) / n": -g,
            "divided by n twice: the mean's 1/n appears once": g / n,
        }
        s_of_x, r_of_x = _tiny_parts(x, y, 1.0, w2)  # the sigmoid of x itself, w1 left out of z1
        order = "the pair is in the wrong order: return (dJ/dw1, dJ/dw2), dJ/dw1 first"
        assert_close(d_w1, expected_w1, f"dJ/dw1 {at}", mistakes={
            **common(expected_w1),
            order: expected_w2,
            "1 - s^2 is the derivative of tanh, not of the sigmoid: sigmoid'(z1) = s (1 - s)":
                np.sum(r * w2 * (1 - s ** 2) * x),
            "the sigmoid's argument is z1 = w1 x, not x: s = sigmoid(w1 x)": np.sum(r_of_x * w2 * s_of_x * (1 - s_of_x) * x),
            "w2 is missing: dy_hat/dz1 = w2 sigmoid'(z1)": np.sum(r * s * (1 - s) * x),
            "the last link dz1/dw1 = x is missing": np.sum(r * w2 * s * (1 - s)),
            "sigmoid(z1) used where its derivative sigmoid(z1)(1 - sigmoid(z1)) belongs": np.sum(r * w2 * s * x),
        })
        assert_close(d_w2, expected_w2, f"dJ/dw2 {at}", mistakes={
            **common(expected_w2),
            order: expected_w1,
            "dy_hat/dw2 = sigmoid(z1) itself, not its derivative": np.sum(r * s * (1 - s)),
        })


def _about_n(reason):
    """A sentence on the number of examples n where the error comes from how it was computed, else ""."""
    if "torch.Size" in reason:
        return (". x.size() is the shape (a torch.Size), not the number of examples n: use x.numel() or len(x) "
                "for n")
    if "int32" in reason and "float32" in reason:
        return (". tf.size(x) counts the examples as an int32 tensor, and TensorFlow does not mix int32 with the "
                "float32 data: cast n first, tf.cast(tf.size(x), x.dtype)")
    return ""


# --- 3. autograd and the numerical gradient --------------------------------------------------

def _cubic(w1, w2):
    return w1 ** 3 + 2 * w1 * w2 ** 2 - w2


def test_gradient_check(t):
    x, y = tiny_data(10)
    weights = [(1.0, 2.0)] + ([tuple(t.normal(2, scale=2.0)) for _ in range(2)] if t.hidden else [])
    for w1, w2 in weights:
        try:
            d_w1, d_w2 = _pair(t, "autograd_gradients", t.tensor(x), t.tensor(y), t.tensor(w1), t.tensor(w2))
        except CheckFailed as reason:
            if "does not require grad" in str(reason):
                raise CheckFailed(f"{reason}. Likely mistake: create the weights with requires_grad=True "
                                  "before computing the loss") from None
            raise
        s, r = _tiny_parts(x, y, w1, w2)
        expected = _tiny_gradients(x, y, w1, w2)
        for got, want, other, which, of_y_hat in [
                (d_w1, expected[0], expected[1], "dJ/dw1", np.sum(w2 * s * (1 - s) * x)),
                (d_w2, expected[1], expected[0], "dJ/dw2", np.sum(s))]:
            assert_close(got, want, f"autograd_gradients: {which} for w1 = {w1:.3g}, w2 = {w2:.3g}", mistakes={
                "that is the gradient of the predictions y_hat (summed), not of the loss J: "
                "differentiate J = tiny_loss(...)": of_y_hat,
                "sum instead of mean in the loss: use tiny_loss, the mean squared error": x.size * want,
                "the pair is in the wrong order: return (dJ/dw1, dJ/dw2), dJ/dw1 first": other,
            })
    _test_called_twice(t, x, y)
    points = [(1.5, -0.5, 0.01)]
    if t.hidden:
        points += [(*t.uniform(2, low=-2, high=2), 0.001), (*t.uniform(2, low=-2, high=2), 0.05)]
    for w1, w2, eps in points:
        w1, w2 = float(w1), float(w2)
        result = _pair(t, "numerical_gradients", _cubic, w1, w2, eps)
        centred = [(_cubic(w1 + eps, w2) - _cubic(w1 - eps, w2)) / (2 * eps),
                   (_cubic(w1, w2 + eps) - _cubic(w1, w2 - eps)) / (2 * eps)]
        forward = [(_cubic(w1 + eps, w2) - _cubic(w1, w2)) / eps, (_cubic(w1, w2 + eps) - _cubic(w1, w2)) / eps]
        backward = [(_cubic(w1, w2) - _cubic(w1 - eps, w2)) / eps, (_cubic(w1, w2) - _cubic(w1, w2 - eps)) / eps]
        both = (_cubic(w1 + eps, w2 + eps) - _cubic(w1 - eps, w2 - eps)) / (2 * eps)
        own_eps = [(_cubic(w1 + 1e-3, w2) - _cubic(w1 - 1e-3, w2)) / 2e-3,
                   (_cubic(w1, w2 + 1e-3) - _cubic(w1, w2 - 1e-3)) / 2e-3]
        for i, which in enumerate(["dJ/dw1", "dJ/dw2"]):
            own = {} if eps == 1e-3 else {
                f"the step eps passed in is not used (1e-3 is, where the argument is eps = {eps}): nudge the "
                "weights by the argument eps": own_eps[i]}
            assert_close(result[i], centred[i], f"numerical_gradients: {which} of w1^3 + 2 w1 w2^2 - w2 at "
                         f"w1 = {w1:.3g}, w2 = {w2:.3g}, eps = {eps}", rtol=1e-6, atol=1e-8, mistakes={
                             "a one-sided (forward) difference: use the centred (J(w + eps) - J(w - eps)) / (2 eps)":
                                 forward[i],
                             "a one-sided (backward) difference: use the centred (J(w + eps) - J(w - eps)) / (2 eps)":
                                 backward[i],
                             "divided by eps instead of 2 eps: the two points are 2 eps apart": 2 * centred[i],
                             "`/ 2 * eps` divides by 2 and then multiplies by eps: put the denominator in "
                             "parentheses, / (2 * eps)": centred[i] * eps ** 2,
                             "both weights nudged at once: nudge one weight at a time and keep the other fixed":
                                 both,
                             **own,
                         })


def _test_called_twice(t, x, y, w1=1.0, w2=2.0):
    """The same weight tensors given twice must give the same gradients twice: none may pile up in .grad."""
    w1_t, w2_t = t.tensor(w1), t.tensor(w2)
    first = [to_numpy(g).copy() for g in _pair(t, "autograd_gradients", t.tensor(x), t.tensor(y), w1_t, w2_t)]
    second = [to_numpy(g) for g in _pair(t, "autograd_gradients", t.tensor(x), t.tensor(y), w1_t, w2_t)]
    expected = _tiny_gradients(x, y, w1, w2)
    for got, before, want, which in zip(second, first, expected, ["dJ/dw1", "dJ/dw2"]):
        piled_up = np.allclose(got - before, want, rtol=1e-4, atol=1e-5)
        if piled_up and not np.allclose(got, want, rtol=1e-4, atol=1e-5):
            raise CheckFailed(
                f"autograd_gradients called again with the same w1, w2 tensors gives {which} = "
                f"{float(np.ravel(got)[0]):.4g} where {want:.4g} is expected: the previous call's "
                f"{float(np.ravel(before)[0]):.4g} plus this one's. The gradients accumulated: "
                "PyTorch adds every backward() to what .grad already holds, so a tensor that is used again "
                "(the caller's w1 made trainable in place, or one tensor kept between calls) sums the "
                "gradients of every call. Work on a fresh copy each call, w1.detach().clone().requires_grad_(True), "
                "so that the caller's tensors stay as they were (a tensor kept between calls needs its .grad "
                "zeroed before each backward())")
        assert_close(got, want, f"autograd_gradients called a second time with the same w1, w2 tensors: {which}")


# --- 4. gradient descent from scratch --------------------------------------------------------

def _descend(start, targets, scales, lr, steps, mistake=None):
    """NumPy gradient descent on sum c (p - target)^2 -> (loss before each step, final params);
    `mistake` imitates one."""
    params, accumulated = [np.array(p, np.float64) for p in start], None
    losses = []
    for _ in range(steps):
        losses.append(sum(np.sum(c * (p - q) ** 2) for p, q, c in zip(params, targets, scales)))
        grads = [2 * c * (p - q) for p, q, c in zip(params, targets, scales)]
        if mistake == "not zeroed":
            accumulated = grads if accumulated is None else [a + g for a, g in zip(accumulated, grads)]
            grads = accumulated
        step = {"ascent": -lr, "no lr": 1.0, "not in place": 0.0}.get(mistake, lr)
        params = [p - step * g for p, g in zip(params, grads)]
    return losses, params


def _losses(t, name, *args):
    """The student's list of losses, each a Python float (a tensor keeps its graph, and plots need numbers)."""
    losses = t.call(name, *args)
    expect(isinstance(losses, (list, tuple)), f"`{name}` should return the list of losses, got "
           f"{type(losses).__name__}")
    return np.array([t.require_number(loss, f"each loss in the list `{name}` returns") for loss in losses])


def test_gradient_descent(t):
    for shape, sigma in [((20000,), 0.3)] + ([((100, 300), 2.0)] if t.hidden else []):
        values = t.call("init_params", shape, sigma)
        t.require_tensor(values, "`init_params`")
        t.require_dtype(values, f"init_params({shape}, {sigma})")
        values = to_numpy(values).astype(np.float64)
        expect(values.shape == shape, f"init_params({shape}, {sigma}): wrong shape {values.shape}")
        assert_close(values.std(), sigma, f"the standard deviation of init_params({shape}, sigma={sigma})",
                     rtol=0.05, mistakes={
                         "all zeros: initialise randomly, so that the units start out different": 0.0,
                         "sigma^2 used as the standard deviation: N(0, sigma^2) has standard deviation sigma":
                             sigma ** 2,
                         "a uniform distribution on (-sigma, sigma): draw from a normal distribution": sigma / 3 ** 0.5,
                     })
        expect(abs(values.mean()) < 5 * sigma / values.size ** 0.5,
               f"the mean of init_params({shape}, sigma={sigma}): expected about 0, got {values.mean():.2f}")
    cases = [([[1.0, -2.0], [0.5, 0.0, 3.0]], [[0.0, 1.0], [-1.0, 2.0, 0.0]], [0.5, 2.0], 0.1, 5)]
    if t.hidden:
        cases.append(([t.normal(4), t.normal(2, 3)], [t.normal(4), t.normal(2, 3)], [1.0, 0.25], 0.2, 8))
    for start, targets, scales, lr, steps in cases:
        params = t.ref.trainable(start)
        loss_fn = t.ref.quadratic_loss(params, targets, scales)
        got = _losses(t, "gradient_descent", loss_fn, params, lr, steps, 0.0)
        expect(len(got) == steps, f"gradient_descent with max_steps={steps} and tol=0 should return {steps} "
               f"losses (the loss before each step), got {len(got)}")
        wrong = lambda mistake: _descend(start, targets, scales, lr, steps, mistake)[0]
        # the loss before each step follows from the updates before it: the losses show every mistake
        assert_close(got, _descend(start, targets, scales, lr, steps)[0],
                     f"the losses of {steps} steps with lr = {lr} on a quadratic bowl", mistakes={
                         "the step goes uphill: W <- W - lr dJ/dW, with a minus sign": wrong("ascent"),
                         "the gradients were not zeroed: PyTorch adds every backward() to .grad; "
                         "reset it after each step (param.grad.zero_())": wrong("not zeroed"),
                         "the learning rate lr is missing from the step": wrong("no lr"),
                         "the parameters never changed: update them in place (TensorFlow: param.assign_sub(...); "
                         "PyTorch: param -= ... inside torch.no_grad()); `param = param - ...` only renames. "
                         "In PyTorch, zero .grad after the step has used it, not before": wrong("not in place"),
                         "each loss is recorded after its step: record the loss before each step, the one the "
                         "gradients are computed from": _descend(start, targets, scales, lr, steps + 1)[0][1:],
                     })
    start, targets, scales = [[3.0, -1.0], [2.0, 0.0, 1.0]], [[0.0, 0.0], [0.0, 0.0, 0.0]], [0.5, 0.5]
    losses, _ = _descend(start, targets, scales, 0.4, 200)
    tol = 1e-2
    expected_steps = 1 + next(k for k in range(1, 200) if abs(losses[k - 1] - losses[k]) < tol)
    params = t.ref.trainable(start)
    got = _losses(t, "gradient_descent", t.ref.quadratic_loss(params, targets, scales), params, 0.4, 200, tol)
    expect(len(got) < 200, "gradient_descent never stopped early. Likely mistake: tol is ignored; stop once the "
           f"loss changes by less than tol between two steps (here after about {expected_steps} steps)")
    expect(abs(len(got) - expected_steps) <= 1,
           f"gradient_descent with tol={tol} stopped after {len(got)} losses; expected about {expected_steps}: "
           "stop once |J(previous step) - J(this step)| < tol")
    _, expected_params = _descend(start, targets, scales, 0.4, len(got) - 1)
    _, one_more = _descend(start, targets, scales, 0.4, len(got))
    final = [np.ravel(p) for p in t.ref.held(params)]
    stepped_again = all(np.allclose(p, q, rtol=1e-4, atol=1e-5) for p, q in zip(final, one_more))
    expect(not stepped_again, f"gradient_descent stopped after {len(got)} losses but then updated the parameters "
           f"once more: {len(got)} steps, where the last loss ends the run. Test for the stop before the update: "
           "compute the loss, record it, stop if it changed by less than tol, and only otherwise step")
    for p, q in zip(final, expected_params):
        assert_close(p, q, f"the parameters after gradient_descent stopped early ({len(got)} losses, "
                     f"{len(got) - 1} updates)")


# --- 5. the learning rate --------------------------------------------------------------------

# --- 5. predict, then run: which learning rate diverges on J = w^2 ----------------------------------

# The numbers are those of the notebook's cell: 20 steps on J = w^2 from w = 3, where each step multiplies w by
# 1 - 2 lr; alike in both frameworks (0.035, 0, 0.035, 115).
DIVERGENCE = Choice(
    "which of the learning rates 0.1, 0.5, 0.9 and 1.1 leave w farther from the minimum than it started",
    options={
        "a": "None of them: every step goes downhill, so |w| can only shrink.",
        "b": "Only 1.1.",
        "c": "0.9 and 1.1: both jump past the minimum at w = 0, and a run that jumps past the minimum diverges.",
        "d": "0.5, 0.9 and 1.1: any learning rate of 0.5 or more overshoots the minimum.",
    }, answer="b", why={
        "a": "a step goes downhill only if it is short enough. At lr = 1.1 the first step takes w from 3 to "
             "3 - 1.1 * 6 = -3.6, past the minimum and higher up the other side (J from 9 to 12.96). Every step "
             "multiplies w by 1 - 2 * 1.1 = -1.2, so after 20 steps |w| = 3 * 1.2^20, about 115",
        "c": "jumping past the minimum is not the same as diverging. At lr = 0.9 the first step takes w from 3 to "
             "3 - 0.9 * 6 = -2.4: past 0, but closer to it. Every step multiplies w by 1 - 2 * 0.9 = -0.8, so |w| "
             "shrinks by the same factor 0.8 as at lr = 0.1 (where the factor is +0.8), and both runs end at "
             "3 * 0.8^20, about 0.035",
        "d": "lr = 0.5 does not overshoot at all: 3 - 0.5 * 6 = 0 lands on the minimum in one step (the factor "
             "1 - 2 * 0.5 is 0). And 0.9 overshoots but lands closer every time (factor -0.8, |w| = 0.035 after "
             "20 steps); only 1.1 lands farther (factor -1.2)",
    })


def descend_tiny(lr, steps=STEPS_FOR_RATES, start=START):
    """NumPy gradient descent on the tiny network from `start` -> (losses (steps,), path (steps + 1, 2)).

    A run that blows up stops early at the first loss that is not finite or above 1e6.
    """
    x, y = tiny_data()
    w = np.array(start, np.float64)
    losses, path = [], [w.copy()]
    with np.errstate(all="ignore"):
        for _ in range(steps):
            losses.append(float(_tiny_loss(x, y, *w)))
            if not np.isfinite(losses[-1]) or losses[-1] > 1e6:
                break
            w = w - lr * np.array(_tiny_gradients(x, y, *w))
            path.append(w.copy())
    return np.array(losses), np.array(path)


def test_learning_rates(t):
    rates = t.call("pick_learning_rates")
    expect(isinstance(rates, dict) and set(rates) == set(RATE_NAMES),
           f"pick_learning_rates should return a dict with the keys {list(RATE_NAMES)}, got "
           f"{sorted(rates) if isinstance(rates, dict) else type(rates).__name__}")
    for name in RATE_NAMES:
        expect(isinstance(rates[name], (int, float, np.floating)) and rates[name] > 0,
               f"the {name!r} learning rate should be a positive number, got {rates[name]!r}")
    expect(rates["too small"] < rates["stable"] < rates["too large"] or not
           rates["too large"] < rates["stable"] < rates["too small"],
           f"your 'too small' rate {rates['too small']} is larger than your 'too large' rate {rates['too large']}: "
           "the two are swapped; the 'too small' rate is the smallest of the three")
    after = f"after {STEPS_FOR_RATES} steps from (w1, w2) = {START}"
    ends = {}
    for name in RATE_NAMES:
        losses, _ = descend_tiny(float(rates[name]))
        ends[name] = (losses[0], losses[-1], len(losses) < STEPS_FOR_RATES or losses[-1] > losses[0])
    first, last, diverged = ends["stable"]
    expect(not diverged and last < 0.05,
           f"your 'stable' rate {rates['stable']} ends at J = {last:.3g} {after}; a stable rate gets below 0.05 "
           f"(the minimum is about 0.011). " + ("It diverges: pick a smaller one." if diverged else
                                                 "It has not got there yet: pick a larger one."))
    first, last, diverged = ends["too large"]
    expect(diverged, f"your 'too large' rate {rates['too large']} does not diverge: J goes from {first:.3g} to "
           f"{last:.3g} {after}. A rate that is too large overshoots until the loss grows: try a larger one")
    first, last, diverged = ends["too small"]
    expect(not diverged, f"your 'too small' rate {rates['too small']} diverges: a small rate creeps downhill; "
           "pick a much smaller one")
    expect(last > 0.5, f"your 'too small' rate {rates['too small']} reaches J = {last:.3g} {after}: that is a "
           "working rate. A rate that is too small is still far from the minimum (J > 0.5) after that many steps")


# --- 6. optimizers in the training loop ------------------------------------------------------

def _adam_path(start, grad_fn, steps, lr, beta1=0.9, beta2=0.999, eps=1e-8, mistake=None, sgd=False):
    """NumPy Adam (plain SGD if `sgd`) from `start` -> the weights after each step (steps, *shape); `mistake`
    imitates one."""
    w = np.array(start, np.float64)
    m, v, accumulated, path = np.zeros_like(w), np.zeros_like(w), np.zeros_like(w), []
    if mistake == "betas swapped":
        beta1, beta2 = beta2, beta1
    with np.errstate(all="ignore"):
        for step in range(1, steps + 1):
            g = grad_fn(w)
            if mistake == "not zeroed":
                accumulated = accumulated + g
                g = accumulated
            if mistake == "negated":
                g = -g
            if mistake == "frozen":
                path.append(w.copy())
                continue
            if sgd or mistake == "sgd":
                w = w - lr * g
                path.append(w.copy())
                continue
            m_new, v_new = beta1 * m + (1 - beta1) * g, beta2 * v + (1 - beta2) * g ** 2
            t = step + 1 if mistake == "t + 1" else step
            m_hat, v_hat = m_new / (1 - beta1 ** t), v_new / (1 - beta2 ** t)
            if mistake == "moments swapped":  # the betas swapped in the averages only, not in the correction
                m_new, v_new = beta2 * m + (1 - beta2) * g, beta1 * v + (1 - beta1) * g ** 2
                m_hat, v_hat = m_new / (1 - beta1 ** t), v_new / (1 - beta2 ** t)
            if mistake == "no bias correction":
                m_hat, v_hat = m_new, v_new
            if mistake == "only m corrected":
                v_hat = v_new
            if mistake == "corrected state":
                m_new, v_new = m_hat, v_hat
            denominator = {"no sqrt": v_hat + eps, "eps inside": np.sqrt(v_hat + eps)}.get(mistake,
                                                                                           np.sqrt(v_hat) + eps)
            w = w - lr * m_hat / denominator
            if mistake != "state not returned":
                m, v = m_new, v_new
            path.append(w.copy())
    return np.stack(path)


def _quadratic_losses(path, start, targets, scales):
    """The loss sum c (p - target)^2 at `start` and at each flat weight vector of `path` but the last."""
    sizes = np.cumsum([np.size(p) for p in start])[:-1]
    loss = lambda w: sum(np.sum(c * (p - np.ravel(q)) ** 2) for p, q, c in zip(np.split(w, sizes), targets, scales))
    flat_start = np.concatenate([np.ravel(p) for p in start])
    return [loss(w) for w in [flat_start, *path[:-1]]]


def test_optimizer_loop(t):
    cases = [("Adam", 0.1, [[1.0, -2.0], [0.5, 0.0, 3.0]], [[0.0, 1.0], [-1.0, 2.0, 0.0]], [0.5, 2.0])]
    if t.hidden:
        cases += [(name, lr, [t.normal(3), t.normal(2, 2)], [t.normal(3), t.normal(2, 2)], [1.0, 0.5])
                  for name, lr in [("Adam", 0.05), ("SGD", 0.1)]]
    steps = 5
    for name, lr, start, targets, scales in cases:
        params = t.ref.trainable(start)
        try:
            got = _losses(t, "train_with_optimizer", t.ref.quadratic_loss(params, targets, scales), params,
                          t.ref.make_optimizer(name, params, lr), steps)
        except CheckFailed as reason:
            if "No gradients provided" in str(reason):
                raise CheckFailed(f"{reason}. Likely mistake: compute the loss inside the "
                                  "`with tf.GradientTape()` block") from None
            if "_unique_id" in str(reason):
                raise CheckFailed(f"{reason}. Here the variables went where the gradients belong: "
                                  "apply_gradients takes (gradient, variable) pairs, so zip(grads, params), "
                                  "gradients first") from None
            raise
        expect(len(got) == steps, f"train_with_optimizer with steps={steps} should return {steps} losses, "
               f"got {len(got)}")
        sizes = np.cumsum([np.size(p) for p in start])[:-1]
        grad_fn = lambda w: np.concatenate([np.ravel(2 * c * (p.reshape(np.shape(q)) - q))
                                            for p, q, c in zip(np.split(w, sizes), targets, scales)])
        flat_start = np.concatenate([np.ravel(p) for p in start])
        # the loss before each step follows from the steps before it, so the losses show every mistake
        losses = lambda mistake=None: _quadratic_losses(
            _adam_path(flat_start, grad_fn, steps, lr, mistake=mistake, sgd=name == "SGD"),
            start, targets, scales)
        never = ("the weights never changed: call zero_grad(), then backward(), then step(), in this order "
                 "(step() moves the weights by the gradients that backward() left in .grad, and zero_grad() "
                 "clears them)" if t.fw.name == "torch" else
                 "the weights never changed: apply the optimizer to the very variables in `params`")
        mistakes = {
            never: losses("frozen"),
            "each loss is recorded after its step: record the loss before each step, the one the gradients "
            "are computed from": _quadratic_losses(
                _adam_path(flat_start, grad_fn, steps + 1, lr, sgd=name == "SGD"),
                start, targets, scales)[1:],
            "the gradients' sign is flipped, so the optimizer climbs: it subtracts the gradient itself; give it "
            "the gradients as they are, without a minus sign": losses("negated"),
        }
        if name != "SGD":
            mistakes.update({
                "a hand-written SGD step: let the optimizer update the weights "
                "(optimizer.apply_gradients / optimizer.step())": losses("sgd"),
                "the gradients were not zeroed: call optimizer.zero_grad() before each backward()":
                    losses("not zeroed"),
                "the optimizer passed in is not used: a new one with its default learning rate 0.001 took the "
                "steps; step with the `optimizer` argument": _quadratic_losses(
                    _adam_path(flat_start, grad_fn, steps, 0.001), start, targets, scales),
            })
        assert_close(got, losses(), f"the losses of {steps} steps of {name} (lr = {lr}) on a quadratic bowl",
                     mistakes=mistakes)


# --- 7. Adam from its update rule ------------------------------------------------------------

def test_adam(t):
    # the third case's gradients are tiny (about 1e-6): there it matters where eps sits, sqrt(v_hat) + eps
    cases = [(np.array([1.0, -2.0, 0.5]), np.zeros(3), np.array([0.5, 2.0, 10.0]), 0.1, 0.9, 0.999, True),
             (np.array([0.3, -0.2, 0.1]), np.zeros(3), np.array([2e-6, 3e-6, 5e-6]), 0.01, 0.9, 0.999, False)]
    if t.hidden:
        cases.append((t.normal(5), t.normal(5), t.uniform(5, low=0.2, high=5.0), 0.05, 0.8, 0.99, True))
    steps, eps = 6, 1e-8
    for start, target, scales, lr, beta1, beta2, framework_own in cases:
        grad_fn = lambda w: (2 * scales * (w - target)).astype(np.float32)
        # the framework's own Adam, or where the gradients are tiny the update rule above in float64: Keras adds
        # its epsilon to sqrt(v) before the bias correction, which differs from sqrt(v_hat) + eps there
        expected = (t.ref.adam_path(start, grad_fn, steps, lr, beta1, beta2, eps) if framework_own else
                    _adam_path(start, grad_fn, steps, lr, beta1, beta2, eps))
        against = f"{t.fw.label}'s own Adam" if framework_own else "the update rule (the gradients are about 1e-6)"
        w, m, v = t.tensor(start), t.tensor(np.zeros_like(start)), t.tensor(np.zeros_like(start))
        for step in range(1, steps + 1):
            g = t.tensor(grad_fn(to_numpy(w)))
            given = {"w": (w, to_numpy(w).copy()), "g": (g, to_numpy(g).copy())}
            try:
                result = t.call("adam_step", w, g, m, v, step, lr=lr, beta1=beta1, beta2=beta2, eps=eps)
            except CheckFailed as reason:
                if "converted to Python scalars" in str(reason):
                    raise CheckFailed(f"{reason}. math.sqrt takes one number; tf.sqrt / torch.sqrt work "
                                      "elementwise, on every entry of the tensor") from None
                raise
            expect(isinstance(result, (tuple, list)) and len(result) == 3,
                   "`adam_step` should return the triple (w, m, v)")
            _require_unchanged(t, given)
            w, m, v = result
            t.require_tensor(w, "`adam_step`'s w")
            where = (f"w after step {step} of Adam (lr = {lr}, beta1 = {beta1}, beta2 = {beta2}), compared with "
                     f"{against}")
            got = to_numpy(w)
            expect(not np.isnan(got).any(), f"{where}: NaN in {np.round(got, 4)}. A square root of a negative "
                   "number gives NaN: v averages the squared gradients g^2 (never negative), not g")
            wrong = lambda mistake: _adam_path(start, grad_fn, steps, lr, beta1, beta2, eps, mistake)[step - 1]
            swapped = "beta1 and beta2 are swapped: m uses beta1, v uses beta2"
            swapped_in_averages = ("beta1 and beta2 are swapped in the moving averages: m = beta1 m + (1 - beta1) g "
                                   "and v = beta2 v + (1 - beta2) g^2")
            assert_close(w, expected[step - 1], where, rtol=1e-4, atol=1e-5, mistakes={
                "no bias correction: divide m by (1 - beta1^t) and v by (1 - beta2^t)": wrong("no bias correction"),
                "the square root is missing: divide by sqrt(v_hat) + eps": wrong("no sqrt"),
                swapped: wrong("betas swapped"),
                swapped_in_averages: wrong("moments swapped"),
                "m and v are not carried over: return the updated m and v, not the ones passed in":
                    wrong("state not returned"),
                "the bias-corrected m_hat and v_hat were returned as the new m and v: return the uncorrected "
                "averages m and v (the correction is applied afresh at every step)": wrong("corrected state"),
                "only m is bias-corrected: v_hat = v / (1 - beta2^t) too": wrong("only m corrected"),
                "the bias correction uses t + 1: the first call has t = 1, so divide by 1 - beta^t": wrong("t + 1"),
                "eps is inside the square root: with gradients this small, sqrt(v_hat + eps) is about sqrt(eps) "
                "= 1e-4 and the step shrinks; add eps after the root, sqrt(v_hat) + eps": wrong("eps inside"),
            })


def _require_unchanged(t, given):
    """Fail if `adam_step` changed the caller's w or g in place. given: label -> (the tensor passed, its values
    before the call); `t.ref.held` reads the tensors where the student's code ran (the grader's sandbox too)."""
    now = t.ref.held([tensor for tensor, _ in given.values()])
    for (label, (_, before)), after in zip(given.items(), now):
        expect(np.array_equal(after, before), f"`adam_step` changed its argument `{label}` in place (w -= ..., or "
               f"a method ending in _): after the call it holds {np.round(np.ravel(after)[:3], 4)} instead of "
               f"{np.round(np.ravel(before)[:3], 4)}. Return the new w as a new tensor, w = w - ..., and leave the "
               "caller's tensors as they were")


# --- the bug museum ----------------------------------------------------------------------------

# The numbers are those of the notebook's cells (J = w^2; the slide's loop at lr 0.1 from w = 3; Adam at lr 0.5
# from w = 3.3 for 40 steps), alike in both frameworks.
MUSEUM = {
    "replaced_weight": Choice(
        "replaced_weight: the slide's loop steps with `weights = weights - lr * gradient`; the first step works "
        "(w = 3 becomes 2.4) and the second one fails. Why?", options={
            "a": "The line computes a new tensor and gives it the name `weights`; the framework tracks only the "
                 "weight it was given: a `tf.GradientTape` watches `tf.Variable`s, not the plain tensor that "
                 "`weights - lr * gradient` returns, and a tensor computed under `torch.no_grad()` does not require "
                 "a gradient. So the second loss has no recorded path back to `weights`.",
            "b": "A tape, or a graph, can be used only once, so the second step finds nothing left to differentiate.",
            "c": "The first step overshot, and the gradient at the new weight cannot be computed.",
            "d": "The gradient at the new weight is zero, so there is nothing left to step with.",
        }, answer="a", why={
            "b": "every pass of the loop runs its own forward pass: the `tf` loop opens a new `with "
                 "tf.GradientTape()` block for each step, and `torch` builds a new graph at each forward pass. What "
                 "changed at the second step is what `weights` is: the cell printed it at each step (its type in "
                 "tf, its requires_grad in torch)",
            "c": "the weight after the first step is 2.4 = 3 - 0.1 * 6, short of the minimum at 0, and J = w^2 has "
                 "an ordinary slope there, 2 * 2.4 = 4.8",
            "d": "J = w^2 has slope 4.8 at w = 2.4, not 0. And a zero gradient would be a tensor holding 0, with "
                 "which the step just would not move: no None and no error",
        }),
    "fresh_optimizer": Choice(
        "fresh_optimizer: the loop that builds a new Adam at every step walks down in steps of exactly 0.5 and then "
        "bounces between 0.3 and -0.2 for good, while the loop with one Adam swings around 0 in shrinking swings. "
        "Why?", options={
            "a": "The learning rate 0.5 is too large for Adam on this loss.",
            "b": "Building an optimizer puts the weight back where it started.",
            "c": "A new Adam is always at its first step, t = 1, with m = v = 0: after the bias correction "
                 "m̂ = g and v̂ = g², so the step is lr · g / (|g| + ε), just lr · sign(g). Every step is 0.5 long "
                 "however close the minimum, and the averages that would shorten it are thrown away each time.",
            "d": "Adam's momentum carries every step past the minimum.",
        }, answer="c", why={
            "a": "the loop beside it uses the same lr = 0.5 on the same loss and closes in on 0: its swings shrink "
                 "from -1.17 to 0.54. A rate too large would make |w| grow; here it stays at 0.3 and 0.2, and "
                 "every step is exactly 0.5 long",
            "b": "the weight does move: 3.3, 2.8, 2.3, ... as printed. An optimizer holds only its own state (the "
                 "averages m and v and the step count t), not the weight's value; that state is what a new one "
                 "loses",
            "d": "a new Adam has no momentum: its m starts at 0, so each step uses that step's gradient alone. The "
                 "loop with one Adam is the one with momentum (it swings past 0 to -1.17 and back), and it is "
                 "the one whose swings shrink",
        }),
}


# Reference helpers that make the objects a test gives the student's code (models, optimizers, layers) or
# work on the objects it returns: the grader runs these in the notebook's process (autograder.remote);
# every other helper works on data and runs in the judge.
IN_NOTEBOOK = frozenset({"held", "loss_gradients", "make_optimizer", "quadratic_loss", "trainable"})

EXERCISES = [
    Exercise("tiny_network", "The tiny network and its loss", 2, test_tiny_network, [
        "Two lines: the prediction y_hat = w2 * sigmoid(w1 * x), then the mean of (y_hat - y) ** 2.",
        "Take the mean over the last axis (axis=-1 / dim=-1): with w1, w2 of shape (m, 1), w1 * x has shape "
        "(m, n) and you want one loss per row.",
    ]),
    Exercise("backprop", "Backpropagation by hand", 3, test_backprop, [
        "Write the forward pass first, then multiply the links of the chain from the loss back to each "
        "weight, one example at a time, and add up over the examples.",
        "The links: dJ/dy_hat = 2 (y_hat - y) / n; dy_hat/dz1 = w2 s (1 - s) with s = sigmoid(z1); "
        "dz1/dw1 = x; dy_hat/dw2 = s.",
        "dJ/dw1 = sum over the n examples of [2 (y_hat - y) / n] * [w2 s (1 - s)] * [x], and "
        "dJ/dw2 = sum over the examples of [2 (y_hat - y) / n] * [s].",
    ]),
    Exercise("gradient_check", "Autograd and the numerical gradient", 3, test_gradient_check, [
        "Two independent routes: let the framework differentiate your tiny_loss, and approximate each "
        "derivative by nudging one weight.",
        "Numerical: nudge one weight at a time by +eps and -eps, keep the other fixed, and divide the change in "
        "the loss by the distance 2 eps.",
        "Autograd: make the weights trainable (tf.Variable / requires_grad=True), compute tiny_loss, then ask "
        "for the gradient (tape.gradient(loss, [w1, w2]) / loss.backward() and w1.grad).",
    ]),
    Exercise("gradient_descent", "Gradient descent from scratch", 3, test_gradient_descent, [
        "init_params: the framework's sampler for the normal distribution, with standard deviation sigma.",
        "Each step: compute the loss and its gradients, record float(loss), stop if it changed by less than tol "
        "since the previous step, then move every parameter by -lr * its gradient, in place.",
        "TensorFlow: a variable's assign_sub method subtracts in place. PyTorch: subtract lr times "
        "param.grad from param inside `with torch.no_grad():`, then reset param.grad with its zero_() method.",
    ]),
    Exercise("predict_divergence", "Predict: which learning rate diverges", 1,
             prediction_test("predict_divergence", DIVERGENCE), [
                 "Write one step of gradient descent on J = w^2 as a formula: the gradient is 2w, so the new w is a "
                 "number times the old w. Which number, for each learning rate?",
                 "If each step multiplies w by the same number r, then after 20 steps w = 3 r^20. That shrinks "
                 "when |r| < 1 and grows when |r| > 1, whatever the sign of r: work out |r| for the four rates.",
             ], question=DIVERGENCE),
    Exercise("learning_rates", "Too small, too large, stable", 2, test_learning_rates, [
        "Try a few rates spread over powers of ten (0.01, 0.1, 1, 10) with the plot below and watch the curves.",
        "The stable range here is roughly 0.3 to 2.0; below about 0.1 the run is still stuck on the plateau "
        "after 100 steps; above about 2.5 it blows up.",
    ]),
    Exercise("optimizer_loop", "Optimizers in the training loop", 2, test_optimizer_loop, [
        "Like gradient_descent, but the optimizer does the update: you only compute the loss and the gradients.",
        "TensorFlow: the tape gives the gradients, and the optimizer's apply_gradients method takes "
        "(gradient, variable) pairs: zip them. PyTorch: three calls per step, in this order: "
        "zero_grad() on the optimizer, backward() on the loss, step() on the optimizer.",
    ]),
    Exercise("adam", "Adam from its update rule", 3, test_adam, [
        "Four lines: update m and v, correct their bias, then step.",
        "m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g^2; m_hat = m / (1 - beta1^t); "
        "v_hat = v / (1 - beta2^t); w = w - lr m_hat / (sqrt(v_hat) + eps). Return (w, m, v).",
    ]),
    Exercise("bug_museum", "The bug museum: why each exhibit goes wrong", 1, prediction_test("bug_museum", MUSEUM), [
        "For each exhibit, compare what it printed with what the right code gives (printed beside it, or in the "
        "section that built that code), and find the line of the exhibit that makes the difference.",
        "replaced_weight: what is `weights` after the first step (the cell prints its type), and does the "
        "framework track that object? fresh_optimizer: write out Adam's step of section 7 at t = 1 with m = v = 0 "
        "before the update; how long is it?",
    ], question=MUSEUM),
]
