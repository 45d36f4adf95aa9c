"""Lab 03: references agree across frameworks; wrong answers fail with a named mistake; right ones pass."""
import numpy as np
import pytest

from conftest import graded
from mitdl_utils import open_lab, to_numpy
from mitdl_utils.frameworks import get_framework


class Ops:
    """The few tensor operations the alternative implementations below need, in either framework."""

    def __init__(self, framework):
        fw = get_framework(framework)
        self.tf = framework == "tensorflow"
        self.m = fw.tf if self.tf else fw.torch

    def mean(self, x, axis=None):
        return self.m.reduce_mean(x, axis=axis) if self.tf else (x.mean() if axis is None else x.mean(dim=axis))

    def sum(self, x, axis=None, keepdims=False):
        if self.tf:
            return self.m.reduce_sum(x, axis=axis, keepdims=keepdims)
        return x.sum() if axis is None else x.sum(dim=axis, keepdim=keepdims)

    def max(self, x, axis, keepdims=True):
        return self.m.reduce_max(x, axis=axis, keepdims=keepdims) if self.tf else x.amax(dim=axis, keepdim=keepdims)

    def log(self, x):
        return self.m.math.log(x) if self.tf else self.m.log(x)

    def exp(self, x):
        return self.m.exp(x)

    def abs(self, x):
        return self.m.abs(x)

    def relu(self, x):
        return self.m.maximum(x, 0.0) if self.tf else self.m.clamp(x, min=0.0)

    def clip(self, x, low, high):
        return self.m.clip_by_value(x, low, high) if self.tf else self.m.clamp(x, low, high)

    def sigmoid(self, x):
        return self.m.math.sigmoid(x) if self.tf else self.m.sigmoid(x)

    def softplus(self, x):
        return self.m.math.softplus(x) if self.tf else self.m.nn.functional.softplus(x)

    def one_hot(self, labels, k):
        return self.m.one_hot(labels, k) if self.tf else self.m.nn.functional.one_hot(labels, k).float()

    def sqrt(self, x):
        return self.m.sqrt(x)


@pytest.fixture(scope="module")
def lab(framework):
    return open_lab("losses", framework)


@pytest.fixture(scope="module")
def ops(framework):
    return Ops(framework)


def test_references_agree_across_frameworks():
    tf_lab, torch_lab = open_lab("losses", "tensorflow"), open_lab("losses", "torch")
    rng = np.random.default_rng(1)
    p, y = rng.uniform(0, 1, 20), rng.integers(0, 2, 20).astype(float)
    p[:3] = [0.0, 1.0, 0.5]
    z = np.concatenate([rng.normal(size=17) * 3, [60.0, -60.0, 300.0]])
    logits, labels = np.concatenate([rng.normal(size=(6, 4)) * 2, [[300.0, 0, -300, 1]]]), rng.integers(0, 4, 7)
    a, b = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))

    def outputs(lab):
        ref, t = lab.reference, lab.tensor
        idx = lab.fw.tensor(labels, "int64")
        return [ref.empirical_loss(t(p)), ref.binary_cross_entropy(t(p), t(y)), ref.bce_with_logits(t(z), t(y)),
                ref.builtin_bce_with_logits(t(z), t(y)), ref.softmax(t(logits)), ref.one_hot(idx, 4),
                ref.softmax_cross_entropy(t(logits), idx), ref.framework_cross_entropy(t(logits), idx),
                ref.mean_squared_error(t(a), t(b)), ref.builtin_mean_squared_error(t(a[:, 0]), t(b[:, 0]))]

    for first, second in zip(outputs(tf_lab), outputs(torch_lab), strict=True):
        np.testing.assert_allclose(to_numpy(first).astype(float), to_numpy(second).astype(float), rtol=1e-5, atol=1e-5)


def test_reference_passes_every_exercise(lab):
    for name in lab.exercises:
        outcome = graded(lab, name)
        assert outcome.passed, (name, outcome.message)


def _bce(o, p, y, eps=1e-7):
    """Binary cross-entropy written out (the lambdas must not call anything named like the framework's own)."""
    p = o.clip(p, eps, 1 - eps)
    return -o.mean(y * o.log(p) + (1 - y) * o.log(1 - p))


def _stable_bce_terms(o, z, y):
    return o.relu(z) - z * y + o.log(1 + o.exp(-o.abs(z)))


MISTAKES = [
    # empirical loss
    ("empirical_loss", lambda r, o: {"empirical_loss": lambda x: o.sum(x)}, "the sum instead of the mean"),
    ("empirical_loss", lambda r, o: {"empirical_loss": lambda x: x * 1.0}, "one loss per example"),
    ("empirical_loss", lambda r, o: {"empirical_loss": lambda x: o.sum(x) / (x.shape[0] - 1)}, "n - 1"),
    # binary cross-entropy
    ("binary_cross_entropy", lambda r, o: {"binary_cross_entropy": lambda p, y, eps=1e-7: -_bce(o, p, y, eps)}, "missing minus sign"),
    ("binary_cross_entropy", lambda r, o: {"binary_cross_entropy": lambda p, y, eps=1e-7:
                                           o.mean(y * o.log(p) + (1 - y) * o.log(1 - p)) * -1},
     "clip y_hat into [eps, 1 - eps]"),
    ("binary_cross_entropy", lambda r, o: {"binary_cross_entropy": lambda p, y, eps=1e-7:
                                           -o.sum(y * o.log(o.clip(p, eps, 1 - eps))
                                                  + (1 - y) * o.log(1 - o.clip(p, eps, 1 - eps)))},
     "sum over examples instead of the mean"),
    ("binary_cross_entropy", lambda r, o: {"binary_cross_entropy": lambda p, y, eps=1e-7:
                                           -o.mean(y * o.log(o.clip(p, eps, 1 - eps)))}, "(1 - y) log(1 - y_hat)"),
    ("binary_cross_entropy", lambda r, o: {"binary_cross_entropy": lambda p, y, eps=1e-7: _bce(o, y, p, eps)}, "swapped"),
    ("binary_cross_entropy", lambda r, o: {"binary_cross_entropy": r.builtin_binary_cross_entropy},
     "not with the framework's own"),
    # binary cross-entropy from logits
    ("bce_with_logits", lambda r, o: {"bce_with_logits": lambda z, y: r.binary_cross_entropy(o.sigmoid(z), y)},
     "sigmoid first, then clipped binary cross-entropy"),
    ("bce_with_logits", lambda r, o: {"bce_with_logits": lambda z, y: r.binary_cross_entropy(o.sigmoid(z), y, 0.0)},
     "Use the stable form"),
    ("bce_with_logits", lambda r, o: {"bce_with_logits": lambda z, y: o.mean(o.log(1 + o.exp(z)) - z * y)},
     "exp(z) overflows"),
    ("bce_with_logits", lambda r, o: {"bce_with_logits": lambda z, y: o.mean(_stable_bce_terms(o, z, y) + 2 * z * y)},
     "sign of the z y term"),
    ("bce_with_logits", lambda r, o: {"bce_with_logits": lambda z, y: o.sum(_stable_bce_terms(o, z, y))},
     "sum over examples"),
    # softmax
    ("softmax", lambda r, o: {"softmax": lambda z: o.exp(z) / o.sum(o.exp(z), axis=0, keepdims=True)},
     "over the batch (axis 0)"),
    ("softmax", lambda r, o: {"softmax": lambda z: o.exp(z) / o.sum(o.exp(z), axis=1, keepdims=True)},
     "Subtract each row's maximum"),
    ("softmax", lambda r, o: {"softmax": lambda z: o.exp(z - o.max(z, 1))}, "not divided by the row's sum"),
    # softmax cross-entropy
    ("softmax_cross_entropy", lambda r, o: {"softmax_cross_entropy": lambda z, c:
                                            -o.mean(o.sum(o.one_hot(c, z.shape[1]) * o.log(r.softmax(z)), axis=1))},
     "softmax(z) underflows to exactly 0"),
    ("softmax_cross_entropy", lambda r, o: {"softmax_cross_entropy": lambda z, c:
                                            -r.softmax_cross_entropy(z, c)}, "missing minus sign"),
    ("softmax_cross_entropy", lambda r, o: {"softmax_cross_entropy": lambda z, c:
                                            -o.mean(o.sum(o.one_hot(c, z.shape[1]) * z, axis=1))}, "raw logit"),
    ("softmax_cross_entropy", lambda r, o: {"softmax_cross_entropy": lambda z, c:
                                            r.softmax_cross_entropy(z, c) * z.shape[0]}, "sum over examples"),
    ("softmax_cross_entropy", lambda r, o: {"one_hot": lambda c, k: o.one_hot(c, k)[:, ::-1] if o.tf
                                            else o.one_hot(c, k).flip(1)}, "column labels[i]"),
    ("softmax_cross_entropy", lambda r, o: {"softmax_cross_entropy": r.framework_cross_entropy},
     "not with the framework's own"),
    # the framework's cross-entropy
    ("framework_cross_entropy", lambda r, o: {"framework_cross_entropy": lambda z, c:
                                              r.framework_cross_entropy(r.softmax(z), c)},
     "probabilities passed where logits are expected"),
    ("framework_cross_entropy", lambda r, o: {"framework_cross_entropy": lambda z, c:
                                              r.framework_cross_entropy(z, c) * z.shape[0]}, "sum over examples"),
    ("framework_cross_entropy", lambda r, o: {"framework_cross_entropy": lambda z, c:
                                              -o.mean(o.sum(o.one_hot(c, z.shape[1]) * z, axis=1))},
     "expects log-probabilities"),
    ("framework_cross_entropy", lambda r, o: {"framework_cross_entropy": lambda z, c:
                                              -o.sum(o.one_hot(c, z.shape[1]) * (z - o.log(o.sum(
                                                  o.exp(z), axis=1, keepdims=True))), axis=1)},
     "one loss per example"),
    # mean squared error
    ("mean_squared_error", lambda r, o: {"mean_squared_error": lambda p, y: o.sum((y - p) ** 2)}, "the sum instead"),
    ("mean_squared_error", lambda r, o: {"mean_squared_error": lambda p, y: o.mean(o.abs(y - p))},
     "mean absolute error"),
    ("mean_squared_error", lambda r, o: {"mean_squared_error": lambda p, y: o.sqrt(o.mean((y - p) ** 2))},
     "root mean squared error"),
    ("mean_squared_error", lambda r, o: {"mean_squared_error": lambda p, y: o.mean(y - p) ** 2},
     "square of the mean difference"),
    ("mean_squared_error", lambda r, o: {"mean_squared_error": lambda p, y: o.mean((y - p) ** 2, axis=-1)},
     "last axis only"),
    # which loss for which task
    ("loss_for_task", lambda r, o: {"loss_for_task": lambda task: "mean_squared_error"},
     "binary classification: binary cross-entropy"),
    ("loss_for_task", lambda r, o: {"loss_for_task": lambda task: {
        "pass_probability": "binary_cross_entropy", "pass_logit": "bce_with_logits"}.get(
        task, "softmax_cross_entropy")}, "regression"),
    ("loss_for_task", lambda r, o: {"loss_for_task": lambda task: {"pass_logit": "binary_cross_entropy"}.get(
        task, r.loss_for_task(task))}, "given as a logit"),
    ("loss_for_task", lambda r, o: {"loss_for_task": lambda task: "cross_entropy"}, "not one of the lab's losses"),
    ("loss_for_task", lambda r, o: {"loss_for_task": lambda task: 3}, "as a string"),
]


@pytest.mark.parametrize("exercise,mistake,expected_message", MISTAKES,
                         ids=[f"{m[0]}-{i}" for i, m in enumerate(MISTAKES)])
def test_plausible_mistakes_fail_with_a_message_that_names_them(lab, ops, exercise, mistake, expected_message):
    outcome = graded(lab, exercise, **mistake(lab.reference, ops))
    assert outcome.status == "failed"
    assert expected_message in outcome.message


ALTERNATIVES = [
    ("empirical_loss", lambda r, o: {"empirical_loss": lambda x: o.sum(x) / x.shape[0]}),
    ("binary_cross_entropy", lambda r, o: {"binary_cross_entropy": lambda p, y, eps=1e-7: o.mean(
        -o.log(o.clip(y * p + (1 - y) * (1 - p), eps, 1.0)))}),
    ("binary_cross_entropy", lambda r, o: {"binary_cross_entropy": lambda p, y, eps=1e-7: -o.mean(  # clips the logs
        y * o.log(o.clip(p, eps, 1.0)) + (1 - y) * o.log(o.clip(1 - p, eps, 1.0)))}),
    ("bce_with_logits", lambda r, o: {"bce_with_logits": lambda z, y: o.mean(o.softplus(z) - z * y)}),
    ("softmax", lambda r, o: {"softmax": lambda z: 1 / o.sum(o.exp(z[:, None, :] - z[:, :, None]), axis=2)}),
    ("softmax_cross_entropy", lambda r, o: {
        "one_hot": lambda c, k: o.m.cast(o.m.range(k)[None, :] == o.m.cast(c, o.m.int32)[:, None], o.m.float32)
        if o.tf else (o.m.arange(k)[None, :] == c[:, None]).float(),
        "softmax_cross_entropy": lambda z, c: o.mean(
            o.m.reduce_logsumexp(z, axis=1) if o.tf else o.m.logsumexp(z, dim=1))
        - o.mean(o.sum(o.one_hot(c, z.shape[1]) * z, axis=1))}),
    ("framework_cross_entropy", lambda r, o: {"framework_cross_entropy": lambda z, c: o.mean(
        o.m.nn.sparse_softmax_cross_entropy_with_logits(labels=c, logits=z)) if o.tf
        else o.m.nn.functional.cross_entropy(z, o.one_hot(c, z.shape[1]))}),
    ("mean_squared_error", lambda r, o: {"mean_squared_error": lambda p, y: o.sum((p - y) * (p - y))
                                         / float(np.prod(p.shape))}),
    ("loss_for_task", lambda r, o: {"loss_for_task": lambda task: {
        "pass_probability": r.binary_cross_entropy, "pass_logit": r.bce_with_logits,
        "letter_grade": r.framework_cross_entropy}.get(task, "mean_squared_error")}),
]


def test_keras_loss_with_its_default_from_logits_is_named():
    lab, keras = open_lab("losses", "tensorflow"), get_framework("tensorflow").tf.keras
    loss = keras.losses.SparseCategoricalCrossentropy  # from_logits=False, the default: logits taken for probabilities
    outcome = graded(lab, "framework_cross_entropy", framework_cross_entropy=lambda z, c: loss()(c, z))
    assert outcome.status == "failed"
    assert "from_logits=False, its default: it takes them for probabilities. Pass from_logits=True" in outcome.message
    fixed = graded(lab, "framework_cross_entropy", framework_cross_entropy=lambda z, c: loss(from_logits=True)(c, z))
    assert fixed.passed, fixed.message


def test_the_lectures_softmax_cross_entropy_on_one_logit_is_zero_whatever_the_weights():
    """What the lab shows of the slide's line: 0 for a good and a flipped model; TensorFlow's gradient is
    softmax - y = 1 - y (not 0), PyTorch's is 0."""
    tf, torch = get_framework("tensorflow").tf, get_framework("torch").torch
    z = np.array([[-3.0], [2.0], [5.0], [-1.0]], np.float32)
    y = np.array([[0.0], [1.0], [0.0], [1.0]], np.float32)
    for sign in (1.0, -1.0):
        logits = tf.Variable(sign * z)
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(y, logits))
        assert float(loss) == 0.0
        np.testing.assert_allclose(tape.gradient(loss, logits).numpy(), (1 - y) / len(y))
        logits = torch.tensor(sign * z, requires_grad=True)
        loss = torch.nn.functional.cross_entropy(logits, torch.tensor(y))
        loss.backward()
        assert loss.item() == 0.0 and not logits.grad.any()
    with pytest.raises(IndexError, match="out of bounds"):
        torch.nn.functional.cross_entropy(torch.tensor(z), torch.tensor(y[:, 0]).long())


@pytest.mark.parametrize("exercise,alternative", ALTERNATIVES, ids=[a[0] for a in ALTERNATIVES])
def test_correct_alternatives_pass(lab, ops, exercise, alternative):
    outcome = graded(lab, exercise, **alternative(lab.reference, ops))
    assert outcome.passed, outcome.message


def test_not_attempted_is_not_a_failure(lab):
    def stub(*args):
        raise NotImplementedError()

    for exercise, function in [("empirical_loss", "empirical_loss"), ("binary_cross_entropy", "binary_cross_entropy"),
                               ("bce_with_logits", "bce_with_logits"), ("softmax", "softmax"),
                               ("softmax_cross_entropy", "one_hot"), ("framework_cross_entropy",
                                                                      "framework_cross_entropy"),
                               ("mean_squared_error", "mean_squared_error"), ("loss_for_task", "loss_for_task")]:
        assert graded(lab, exercise, **{function: stub}).status == "not attempted", exercise
    assert graded(lab, "mean_squared_error", mean_squared_error=lambda p, y: None).status == "not attempted"
