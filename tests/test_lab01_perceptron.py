"""Lab 01: references agree across frameworks; wrong answers fail with a named mistake; right ones pass."""
import numpy as np
import pytest

from conftest import graded
from mitdl_utils import open_lab, to_numpy


@pytest.fixture(scope="module")
def lab(framework):
    return open_lab("perceptron", framework)


def test_references_agree_across_frameworks():
    tf_lab, torch_lab = open_lab("perceptron", "tensorflow"), open_lab("perceptron", "torch")
    rng = np.random.default_rng(1)
    z, X, W = rng.normal(size=50), rng.normal(size=(9, 4)), rng.normal(size=4)
    W1, b1, W2, b2 = rng.normal(size=(3, 5)), rng.normal(size=5), rng.normal(size=(5, 2)), rng.normal(size=2)

    def outputs(lab):
        ref, t = lab.reference, lab.tensor
        single = [getattr(ref, f)(t(z)) for f in ["sigmoid", "tanh", "relu", "sigmoid_derivative",
                                                  "tanh_derivative", "relu_derivative", "boundary_x2"]]
        return single + [ref.perceptron(t(X), t(0.3), t(W), ref.sigmoid), ref.on_positive_side(t(X[:, :2])),
                         *ref.lecture_example(), *ref.collapse_linear(t(W1), t(b1), t(W2), t(b2))]

    for a, b in zip(outputs(tf_lab), outputs(torch_lab), strict=True):
        np.testing.assert_allclose(to_numpy(a).astype(float), to_numpy(b).astype(float), atol=1e-5)


def test_reference_passes_every_exercise(lab):
    for name in lab.exercises:
        outcome = graded(lab, name)
        assert outcome.passed, (name, outcome.message)


@pytest.mark.parametrize("exercise,mistake,expected_message", [
    ("activations", lambda xp: {"sigmoid": lambda z: 1 / (1 + xp.exp(z))}, "sign in the exponent"),
    ("activations", lambda xp: {"sigmoid": lambda z: xp.exp(-z) / (1 + xp.exp(-z))}, "1 - sigmoid"),
    ("activations", lambda xp: {"sigmoid": lambda z: 1 / (2 + xp.exp(-z))}, "expected"),
    ("activations", lambda xp: {"tanh": lambda z: (xp.exp(z) - xp.exp(-z)) / 2}, "sinh"),
    ("activations", lambda xp: {"tanh": lambda z: (xp.exp(z) - xp.exp(-z)) / (xp.exp(z) + xp.exp(-z))},
     "divides inf by inf, which is nan"),
    ("activations", lambda xp: {"tanh": lambda z: (1 - xp.exp(-2 * z)) / (1 + xp.exp(-2 * z))},  # -inf / inf
     "divides inf by inf, which is nan"),
    ("activations", lambda xp: {"relu": lambda z: xp.abs(z)}, "keeps negative"),
    ("activations", lambda xp: {"relu": lambda z: z * 1.0}, "expected"),
    ("activations", lambda xp: {"sigmoid": lambda z: xp.sigmoid(z) if hasattr(xp, "sigmoid") else xp.math.sigmoid(z)},
     "from its formula"),
    ("derivatives", lambda xp: {"sigmoid_derivative": lambda z: z * (1 - z)}, "not to z itself"),
    ("derivatives", lambda xp: {"sigmoid_derivative": lambda z: (1 / (1 + xp.exp(-z))) * (1 + 1 / (1 + xp.exp(-z)))},
     "(1 - sigmoid(z))"),
    ("derivatives", lambda xp: {"tanh_derivative": lambda z: 1 - xp.tanh(z)}, "square tanh"),
    ("derivatives", lambda xp: {"relu_derivative": lambda z: xp.maximum(z, 0 * z)}, "ReLU itself"),
    ("perceptron", lambda xp: {"perceptron": lambda X, w0, W, g: g(_matvec(xp, X, W))}, "bias w0 is missing"),
    ("perceptron", lambda xp: {"perceptron": lambda X, w0, W, g: w0 + _matvec(xp, X, W)}, "activation g is not"),
    ("perceptron", lambda xp: {"perceptron": lambda X, w0, W, g: g(w0 + _matvec(xp, X, W))[:, None]}, "wrong shape"),
    ("lecture_example", lambda xp: {"lecture_example": lambda: (-7.0, 1 / (1 + np.exp(7.0)))}, "bias w0 = 1 is missing"),
    ("lecture_example", lambda xp: {"lecture_example": lambda: (-6.0, -6.0)}, "not z"),
    ("decision_boundary", lambda xp: {"boundary_x2": lambda x1: (1 - 3 * x1) / 2}, "solve for x2"),
    ("decision_boundary", lambda xp: {"on_positive_side": lambda X: 1 + 3 * X[:, 0] - 2 * X[:, 1] < 0}, "reversed"),
    ("collapse", lambda xp: {"collapse_linear": lambda W1, b1, W2, b2: (W1 @ W2, b2)}, "first bias"),
    ("collapse", lambda xp: {"collapse_linear": lambda W1, b1, W2, b2: (W1 @ W2, b2 + 0 * b2 + 1)}, "expected"),
    ("collapse", lambda xp: {"collapse_linear": lambda W1, b1, W2, b2: (np.ones((3, 2)), b2)}, "should return a"),
])
def test_plausible_mistakes_fail_with_a_message_that_names_them(lab, xp, exercise, mistake, expected_message):
    outcome = graded(lab, exercise, **mistake(xp))
    assert outcome.status == "failed"
    assert expected_message in outcome.message


def _matvec(xp, X, W):
    return xp.linalg.matvec(X, W) if hasattr(xp, "GradientTape") else X @ W


@pytest.mark.parametrize("exercise,alternative", [
    ("activations", lambda xp: {"tanh": lambda z: 2 / (1 + xp.exp(-2 * z)) - 1,
                                "sigmoid": lambda z: xp.exp(z) / (xp.exp(z) + 1),
                                "relu": lambda z: z * xp.cast(z > 0, z.dtype) if hasattr(xp, "cast")
                                else z * (z > 0)}),
    ("activations", lambda xp: {"tanh": lambda z: xp.sign(z) * (1 - xp.exp(-2 * xp.abs(z)))
                                / (1 + xp.exp(-2 * xp.abs(z)))}),
    ("derivatives", lambda xp: {"relu_derivative": lambda z: xp.sign(xp.maximum(z, 0 * z)),
                                "tanh_derivative": lambda z: 1 / xp.cosh(z) ** 2}),
    ("perceptron", lambda xp: {"perceptron": lambda X, w0, W, g: g(xp.reduce_sum(X * W, axis=1) + w0)
                               if hasattr(xp, "reduce_sum") else g((X * W).sum(dim=1) + w0)}),
    ("lecture_example", lambda xp: {"lecture_example": lambda: (-6.0, float(1 / (1 + np.exp(6.0))))}),
    ("decision_boundary", lambda xp: {"boundary_x2": lambda x1: 0.5 + 1.5 * x1,
                                      "on_positive_side": lambda X: 2 * X[:, 1] < 1 + 3 * X[:, 0]}),
    ("collapse", lambda xp: {"collapse_linear": lambda W1, b1, W2, b2: (
        xp.einsum("ij,jk->ik", W1, W2), xp.einsum("j,jk->k", b1, W2) + b2)}),
])
def test_correct_alternatives_pass(lab, xp, exercise, alternative):
    outcome = graded(lab, exercise, **alternative(xp))
    assert outcome.passed, outcome.message


def test_not_attempted_is_not_a_failure(lab):
    def stub(*args):
        raise NotImplementedError()

    assert graded(lab, "activations", sigmoid=stub).status == "not attempted"
    assert graded(lab, "collapse", collapse_linear=lambda *a: None).status == "not attempted"


def test_the_weights_times_10_keep_the_line_that_the_prediction_quotes():
    """The numbers in predict_scaled_weights' options: (0, 0.5) and (1, 2) on both lines, y_hat at (-1, 2) and at
    (-2, -3), and the strip where 0.1 < y_hat < 0.9, 1.22 wide, then 0.12."""
    points = np.array([[0.0, 0.5], [1.0, 2.0]])
    for scale, strip in ((1, 1.22), (10, 0.122)):
        w0, W = 1.0 * scale, np.array([3.0, -2.0]) * scale
        np.testing.assert_allclose(w0 + points @ W, 0.0)
        np.testing.assert_allclose(2 * np.log(9) / np.linalg.norm(W), strip, rtol=0.01)  # |z| < ln 9 across it
    sigmoid = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    np.testing.assert_allclose(sigmoid(np.array([-6.0, -60.0, 1.0, 10.0])), [0.0025, 9e-27, 0.73, 0.99995],
                               rtol=0.03)


def test_the_museum_exhibits_show_what_their_options_quote(lab, framework):
    """The exhibits' numbers and messages as bug_museum's questions and whys quote them."""
    t, W = lab.tensor, lab.tensor([3.0, -2.0])
    pair, three = t([[-1.0, 2.0], [-2.0, -3.0]]), t([[-1.0, 2.0], [-2.0, -3.0], [1.0, -1.0]])
    z = t([-6.0, 0.5, 2.0])
    if framework == "tensorflow":
        import tensorflow as tf
        slide, right, transposed = tf.keras.layers.ReLU, tf.nn.relu, lambda X: tf.linalg.matvec(tf.transpose(X), W)
        with pytest.raises(ValueError, match="truth value"):
            slide(z)  # max_value=z
        with pytest.raises(ValueError, match="max_value=-6"):
            slide(z[0])
        with pytest.raises(tf.errors.InvalidArgumentError):
            transposed(three)
        dense = lambda n, relu: tf.keras.Sequential(  # noqa: E731
            [tf.keras.layers.Dense(n, activation="relu" if relu else None), tf.keras.layers.Dense(2)])
        eye, zeros = tf.eye(2), tf.zeros((1, 2))
    else:
        import torch
        slide, right, transposed = torch.nn.ReLU, torch.relu, lambda X: X.T @ W
        assert slide(z).inplace is z
        with pytest.raises(RuntimeError, match="ambiguous"):
            slide(z)(z)
        with pytest.raises(RuntimeError, match="size mismatch"):
            transposed(three)
        dense = lambda n, relu: torch.nn.Sequential(  # noqa: E731
            torch.nn.Linear(2, n), *([torch.nn.ReLU()] if relu else []), torch.nn.Linear(n, 2)).requires_grad_(False)
        eye, zeros = torch.eye(2), torch.zeros(1, 2)
    for got in (right(z), slide()(z)):
        np.testing.assert_allclose(to_numpy(got), [0.0, 0.5, 2.0])
    np.testing.assert_allclose(to_numpy(1.0 + transposed(pair)), [2.0, 13.0])
    np.testing.assert_allclose(to_numpy(1.0 + pair @ W[:, None])[:, 0], [-6.0, 1.0])
    inputs = t(np.random.default_rng(0).normal(size=(1000, 2)))
    for n in (64, 1024):
        for relu in (False, True):
            model = dense(n, relu)
            b = model(zeros)[0]
            gap = float(np.abs(to_numpy(model(inputs)) - to_numpy(inputs @ (model(eye) - b) + b)).max())
            assert (gap > 0.05) if relu else (gap < 1e-5), (n, relu, gap)
            size = model.count_params() if framework == "tensorflow" else sum(p.numel() for p in model.parameters())
            assert size == {64: 322, 1024: 5122}[n]
