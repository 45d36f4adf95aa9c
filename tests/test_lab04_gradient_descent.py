"""Lab 04: references agree across frameworks; wrong answers fail with a named mistake; right ones pass."""
import numpy as np
import pytest

from conftest import graded, is_tf
from mitdl_utils import open_lab, to_numpy
from mitdl_utils.labs.gradient_descent import descend_tiny, helpers


@pytest.fixture(scope="module")
def lab(framework):
    return open_lab("gradient_descent", framework)


def mean(xp, a, axis=None):
    return xp.reduce_mean(a, axis=axis) if is_tf(xp) else (a.mean() if axis is None else a.mean(dim=axis))


def total(xp, a):
    return xp.reduce_sum(a) if is_tf(xp) else a.sum()


def test_references_agree_across_frameworks():
    tf_lab, torch_lab = open_lab("gradient_descent", "tensorflow"), open_lab("gradient_descent", "torch")
    x, y = helpers.tiny_data(12)
    rng = np.random.default_rng(4)
    grid = rng.normal(size=(5, 1))
    start, targets = [rng.normal(size=2), rng.normal(size=3)], [rng.normal(size=2), rng.normal(size=3)]

    def outputs(lab):
        ref, t = lab.reference, lab.tensor
        results = [ref.tiny_loss(t(x), t(y), t(grid), t(grid[::-1].copy())),
                   *ref.tiny_gradients(t(x), t(y), t(0.7), t(-1.2)),
                   *ref.autograd_gradients(t(x), t(y), t(0.7), t(-1.2)),
                   *ref.numerical_gradients(lambda a, b: ref.tiny_loss(t(x, "float64"), t(y, "float64"), a, b),
                                            0.7, -1.2, 1e-5)]
        w, m, v = t([1.0, -2.0]), t([0.0, 0.0]), t([0.0, 0.0])
        for step in range(1, 4):
            w, m, v = ref.adam_step(w, t([0.3, -1.5]) * step, m, v, step, lr=0.1)
        results += [w, m, v]
        for name in ["SGD", "Adam", "Adagrad", "RMSProp", "Adadelta"]:
            params = ref.trainable(start)
            results.append(ref.train_with_optimizer(ref.quadratic_loss(params, targets, [1.0, 0.5]), params,
                                                    ref.make_optimizer(name, params, 0.1), 4))
            results += params
        params = ref.trainable(start)
        results.append(ref.gradient_descent(ref.quadratic_loss(params, targets, [1.0, 0.5]), params, 0.1, 5))
        results += params
        results.append(ref.adam_path(np.array([1.0, -1.0]), lambda w: 2 * w, 4, 0.1, 0.9, 0.999, 1e-8))
        return results

    for a, b in zip(outputs(tf_lab), outputs(torch_lab), strict=True):
        np.testing.assert_allclose(to_numpy(a).astype(float), to_numpy(b).astype(float), rtol=1e-5, atol=1e-5)


def test_reference_passes_every_exercise(lab):
    for name in lab.exercises:
        outcome = graded(lab, name)
        assert outcome.passed, (name, outcome.message)


def test_reference_learning_rates_behave_as_named():
    rates = open_lab("gradient_descent", "torch").reference.pick_learning_rates()
    small, stable, large = (descend_tiny(rates[name])[0] for name in ["too small", "stable", "too large"])
    assert 0.5 < small[-1] < small[0] and stable[-1] < 0.05 and not large[-1] < large[0]


# --- implementations for both frameworks: wrong ones (named mistakes) and correct ones written differently ---

def backprop(xp, *, n_factor=True, two=2.0, sign=1.0, with_w2=True, derivative=True):
    def tiny_gradients(x, y, w1, w2):
        s = xp.sigmoid(w1 * x)
        n = x.shape[0] if n_factor else 1
        dJ_dyhat = sign * two * (w2 * s - y) / n
        dyhat_dz1 = (w2 if with_w2 else 1.0) * (s * (1 - s) if derivative else s)
        return total(xp, dJ_dyhat * dyhat_dz1 * x), total(xp, dJ_dyhat * s)
    return tiny_gradients


def backprop_by_autograd(xp):
    """Autograd where the chain rule by hand is asked for."""
    def tiny_gradients(x, y, w1, w2):
        if is_tf(xp):
            w1, w2 = xp.Variable(w1), xp.Variable(w2)
            with xp.GradientTape() as tape:
                loss = mean(xp, (w2 * xp.sigmoid(w1 * x) - y) ** 2)
            return tuple(tape.gradient(loss, [w1, w2]))
        w1, w2 = w1.clone().requires_grad_(), w2.clone().requires_grad_()
        mean(xp, (w2 * xp.sigmoid(w1 * x) - y) ** 2).backward()
        return w1.grad, w2.grad
    return tiny_gradients


def autograd_of(xp, *, of_y_hat=False, outside_tape=False):
    def autograd_gradients(x, y, w1, w2):
        if is_tf(xp):
            w1, w2 = xp.Variable(w1), xp.Variable(w2)
            loss = mean(xp, (w2 * xp.sigmoid(w1 * x) - y) ** 2)
            with xp.GradientTape() as tape:
                y_hat = w2 * xp.sigmoid(w1 * x)
                if not outside_tape:
                    loss = total(xp, y_hat) if of_y_hat else mean(xp, (y_hat - y) ** 2)
            return tuple(tape.gradient(loss, [w1, w2]))
        w1 = w1.clone() if outside_tape else w1.clone().requires_grad_()
        w2 = w2.clone() if outside_tape else w2.clone().requires_grad_()
        y_hat = w2 * xp.sigmoid(w1 * x)
        (total(xp, y_hat) if of_y_hat else mean(xp, (y_hat - y) ** 2)).backward()
        return w1.grad, w2.grad
    return autograd_gradients


def numerical(kind):
    def numerical_gradients(loss, w1, w2, eps=1e-3):
        if kind == "forward":
            return (loss(w1 + eps, w2) - loss(w1, w2)) / eps, (loss(w1, w2 + eps) - loss(w1, w2)) / eps
        if kind == "one eps":
            return (loss(w1 + eps, w2) - loss(w1 - eps, w2)) / eps, (loss(w1, w2 + eps) - loss(w1, w2 - eps)) / eps
        steps = [(eps, 0.0), (0.0, eps)]  # correct, written as a loop
        return tuple((loss(w1 + a, w2 + b) - loss(w1 - a, w2 - b)) / (2 * eps) for a, b in steps)
    return numerical_gradients


def init(xp, kind):
    def init_params(shape, sigma):
        if is_tf(xp):
            return {"variance": lambda: xp.random.normal(shape, stddev=sigma ** 2),
                    "zeros": lambda: xp.zeros(shape),
                    "uniform": lambda: xp.random.uniform(shape, -sigma, sigma),
                    "correct": lambda: xp.Variable(xp.random.normal(shape) * sigma)}[kind]()
        return {"variance": lambda: xp.randn(shape) * sigma ** 2, "zeros": lambda: xp.zeros(shape),
                "uniform": lambda: (xp.rand(shape) * 2 - 1) * sigma,
                "correct": lambda: xp.normal(0.0, sigma, size=shape).requires_grad_(True)}[kind]()
    return init_params


def descent(xp, *, sign=1.0, zero=True, in_place=True, use_tol=True, alternative=False):
    def gradient_descent(loss_fn, params, lr, max_steps, tol=0.0):
        losses, step = [], 0
        while step < max_steps:
            step += 1
            if is_tf(xp):
                with xp.GradientTape() as tape:
                    loss = loss_fn()
                grads = tape.gradient(loss, params)
            else:
                loss = loss_fn()
                loss.backward()
                grads = [p.grad for p in params]
            losses.append(float(to_numpy(loss)))
            if use_tol and len(losses) >= 2 and abs(losses[-1] - losses[-2]) < tol:
                break
            for param, grad in zip(params, grads):
                if is_tf(xp):
                    if not in_place:
                        param = param - sign * lr * grad
                    elif alternative:
                        param.assign(param - lr * grad)
                    else:
                        param.assign_sub(sign * lr * grad)
                elif alternative:
                    param.data -= lr * grad
                    param.grad = None
                else:
                    with xp.no_grad():
                        param -= sign * lr * grad
                        if zero:
                            param.grad.zero_()
        return losses
    return gradient_descent


def optimizer_loop(xp, *, hand_sgd=False, zero=True, outside_tape=False, alternative=False):
    def train_with_optimizer(loss_fn, params, optimizer, steps):
        losses = []
        for _ in range(steps):
            if is_tf(xp):
                loss = loss_fn()
                with xp.GradientTape() as tape:
                    if not outside_tape:
                        loss = loss_fn()
                grads = tape.gradient(loss, params)
                if hand_sgd:
                    for p, g in zip(params, grads):
                        p.assign_sub(0.1 * g)
                elif alternative:
                    optimizer.apply(grads, params)
                else:
                    optimizer.apply_gradients(zip(grads, params))
            else:
                loss = loss_fn()
                loss.backward()
                if hand_sgd:
                    with xp.no_grad():
                        for p in params:
                            p -= 0.1 * p.grad
                            p.grad.zero_()
                else:
                    optimizer.step()
                    if zero:
                        optimizer.zero_grad(set_to_none=alternative)
            losses.append(float(to_numpy(loss)))
        return losses
    return train_with_optimizer


def adam(xp, mistake=None):
    def adam_step(w, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        b1, b2 = (beta2, beta1) if mistake == "swapped" else (beta1, beta2)
        m_new, v_new = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        if mistake == "alternative":  # the step-size form of Adam's paper (section 2)
            step = lr * (1 - beta2 ** t) ** 0.5 / (1 - beta1 ** t)
            return w - step * m_new / (v_new ** 0.5 + eps * (1 - beta2 ** t) ** 0.5), m_new, v_new
        m_hat, v_hat = m_new / (1 - b1 ** t), v_new / (1 - b2 ** t)
        if mistake == "no correction":
            m_hat, v_hat = m_new, v_new
        root = v_hat if mistake == "no sqrt" else v_hat ** 0.5
        w = w - lr * m_hat / (root + eps)
        return (w, m, v) if mistake == "state" else (w, m_new, v_new)
    return adam_step


MISTAKES = [
    ("tiny_network", lambda xp: {"tiny_loss": lambda x, y, w1, w2: total(xp, (w2 * xp.sigmoid(w1 * x) - y) ** 2)},
     "sum instead of mean"),
    ("tiny_network", lambda xp: {"tiny_loss": lambda x, y, w1, w2: mean(xp, (w2 * w1 * x - y) ** 2, -1)},
     "sigmoid is missing"),
    ("tiny_network", lambda xp: {"tiny_loss": lambda x, y, w1, w2: mean(xp, abs(w2 * xp.sigmoid(w1 * x) - y), -1)},
     "mean absolute error"),
    ("tiny_network", lambda xp: {"tiny_loss": lambda x, y, w1, w2: mean(xp, (w2 * xp.sigmoid(w1 * x) - y) ** 2)},
     "mean over the last axis only"),
    ("backprop", lambda xp: {"tiny_gradients": backprop(xp, n_factor=False)}, "sum instead of mean"),
    ("backprop", lambda xp: {"tiny_gradients": backprop(xp, two=1.0)}, "factor 2"),
    ("backprop", lambda xp: {"tiny_gradients": backprop(xp, sign=-1.0)}, "sign is flipped"),
    ("backprop", lambda xp: {"tiny_gradients": backprop(xp, with_w2=False)}, "w2 is missing"),
    ("backprop", lambda xp: {"tiny_gradients": backprop(xp, derivative=False)}, "where its derivative"),
    ("backprop", lambda xp: {"tiny_gradients": backprop_by_autograd(xp)}, "chain rule yourself"),
    ("gradient_check", lambda xp: {"autograd_gradients": autograd_of(xp, of_y_hat=True)}, "gradient of the predictions"),
    ("gradient_check", lambda xp: {"autograd_gradients": autograd_of(xp, outside_tape=True)}, "requires_grad=True"),
    ("gradient_check", lambda xp: {"numerical_gradients": numerical("forward")}, "one-sided (forward)"),
    ("gradient_check", lambda xp: {"numerical_gradients": numerical("one eps")}, "2 eps apart"),
    ("gradient_descent", lambda xp: {"init_params": init(xp, "variance")}, "sigma^2 used as the standard deviation"),
    ("gradient_descent", lambda xp: {"init_params": init(xp, "zeros")}, "all zeros"),
    ("gradient_descent", lambda xp: {"init_params": init(xp, "uniform")}, "uniform distribution"),
    ("gradient_descent", lambda xp: {"gradient_descent": descent(xp, sign=-1.0)}, "goes uphill"),
    ("gradient_descent", lambda xp: {"gradient_descent": descent(xp, use_tol=False)}, "never stopped early"),
    ("learning_rates", lambda xp: {"pick_learning_rates": lambda: {"too small": 0.05, "stable": 4.0, "too large": 1.0}},
     "'stable' rate 4.0"),
    ("learning_rates", lambda xp: {"pick_learning_rates": lambda: {"too small": 0.05, "stable": 1.0, "too large": 2.0}},
     "does not diverge"),
    ("learning_rates", lambda xp: {"pick_learning_rates": lambda: {"too small": 0.5, "stable": 1.0, "too large": 4.0}},
     "working rate"),
    ("learning_rates", lambda xp: {"pick_learning_rates": lambda: {"small": 0.05, "stable": 1.0, "large": 4.0}},
     "with the keys"),
    ("optimizer_loop", lambda xp: {"train_with_optimizer": optimizer_loop(xp, hand_sgd=True)}, "hand-written SGD"),
    ("adam", lambda xp: {"adam_step": adam(xp, "no correction")}, "no bias correction"),
    ("adam", lambda xp: {"adam_step": adam(xp, "no sqrt")}, "square root is missing"),
    ("adam", lambda xp: {"adam_step": adam(xp, "swapped")}, "swapped"),
    ("adam", lambda xp: {"adam_step": adam(xp, "state")}, "not carried over"),
]


@pytest.mark.parametrize("exercise,mistake,expected_message", MISTAKES)
def test_plausible_mistakes_fail_with_a_message_that_names_them(lab, xp, exercise, mistake, expected_message):
    outcome = graded(lab, exercise, **mistake(xp))
    assert outcome.status == "failed"
    assert expected_message in outcome.message, outcome.message


@pytest.mark.parametrize("exercise,mistake,tensorflow_message,torch_message", [
    ("gradient_descent", lambda xp: descent(xp, in_place=False) if is_tf(xp) else descent(xp, zero=False),
     "parameters never changed", "gradients were not zeroed"),
    ("optimizer_loop", lambda xp: optimizer_loop(xp, outside_tape=True) if is_tf(xp) else optimizer_loop(xp, zero=False),
     "inside the `with tf.GradientTape()` block", "gradients were not zeroed"),
])
def test_framework_specific_mistakes_are_named(lab, xp, framework, exercise, mistake, tensorflow_message,
                                               torch_message):
    name = {"gradient_descent": "gradient_descent", "optimizer_loop": "train_with_optimizer"}[exercise]
    outcome = graded(lab, exercise, **{name: mistake(xp)})
    assert outcome.status == "failed"
    assert (tensorflow_message if framework == "tensorflow" else torch_message) in outcome.message, outcome.message


@pytest.mark.parametrize("exercise,alternative", [
    ("tiny_network", lambda xp: {"tiny_loss": lambda x, y, w1, w2: xp.reduce_sum(
        (w2 / (1 + xp.exp(-w1 * x)) - y) ** 2, axis=-1) / x.shape[-1] if is_tf(xp)
        else ((w2 / (1 + xp.exp(-w1 * x)) - y) ** 2).sum(dim=-1) / x.shape[-1]}),
    ("backprop", lambda xp: {"tiny_gradients": lambda x, y, w1, w2: (
        2 * mean(xp, (w2 * xp.sigmoid(w1 * x) - y) * w2 * xp.sigmoid(w1 * x) * xp.sigmoid(-w1 * x) * x),
        2 * mean(xp, (w2 * xp.sigmoid(w1 * x) - y) * xp.sigmoid(w1 * x)))}),
    ("gradient_check", lambda xp: {"numerical_gradients": numerical("loop"),
                                   "autograd_gradients": _autograd_alternative(xp)}),
    ("gradient_descent", lambda xp: {"init_params": init(xp, "correct"),
                                     "gradient_descent": descent(xp, alternative=True)}),
    ("learning_rates", lambda xp: {"pick_learning_rates": lambda: {"stable": 0.5, "too large": 10, "too small": 0.01}}),
    ("optimizer_loop", lambda xp: {"train_with_optimizer": optimizer_loop(xp, alternative=True)}),
    ("adam", lambda xp: {"adam_step": adam(xp, "alternative")}),
])
def test_correct_alternatives_pass(lab, xp, exercise, alternative):
    outcome = graded(lab, exercise, **alternative(xp))
    assert outcome.passed, outcome.message


def _autograd_alternative(xp):
    """Autograd through torch.autograd.grad / a GradientTape that watches constants."""
    def autograd_gradients(x, y, w1, w2):
        if is_tf(xp):
            with xp.GradientTape() as tape:
                tape.watch([w1, w2])
                loss = xp.reduce_mean(xp.square(w2 * xp.sigmoid(w1 * x) - y))
            return tape.gradient(loss, [w1, w2])
        w = xp.stack([w1, w2]).detach().requires_grad_(True)
        loss = ((w[1] * xp.sigmoid(w[0] * x) - y) ** 2).mean()
        return tuple(xp.autograd.grad(loss, w)[0])
    return autograd_gradients


def test_not_attempted_is_not_a_failure(lab):
    def stub(*args, **kwargs):
        raise NotImplementedError()

    for exercise, names in [("tiny_network", ["tiny_loss"]), ("backprop", ["tiny_gradients"]),
                            ("gradient_check", ["autograd_gradients", "numerical_gradients"]),
                            ("gradient_descent", ["init_params", "gradient_descent"]),
                            ("learning_rates", ["pick_learning_rates"]), ("optimizer_loop", ["train_with_optimizer"]),
                            ("adam", ["adam_step"])]:
        assert graded(lab, exercise, **{name: stub for name in names}).status == "not attempted", exercise
    assert graded(lab, "adam", adam_step=lambda *a, **k: None).status == "not attempted"
