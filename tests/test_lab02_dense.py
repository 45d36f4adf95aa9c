"""Lab 02: references agree across frameworks; wrong answers fail with a named mistake; right ones pass.

Layers and models differ between the frameworks, so the wrong and the alternative answers are written
for both through `Ops` (a few framework operations under one name) and small builders.
"""
from types import SimpleNamespace

import numpy as np
import pytest

from conftest import graded
from mitdl_utils import open_lab, to_numpy
from mitdl_utils.frameworks import get_framework


@pytest.fixture(scope="module")
def lab(framework):
    return open_lab("dense", framework)


@pytest.fixture(scope="module")
def ops(framework):
    """The handful of framework operations the wrong and alternative answers use, under one name."""
    fw = get_framework(framework)
    if framework == "tensorflow":
        tf = fw.tf
        return SimpleNamespace(
            tf=True, lib=tf, sigmoid=tf.math.sigmoid, relu=tf.nn.relu, T=tf.transpose, matmul=tf.matmul,
            row_sum=lambda a: tf.reduce_sum(a, axis=1), total=tf.reduce_sum, mean=tf.reduce_mean,
            as_float=lambda a: tf.cast(a, tf.float32), tensor=lambda a: tf.constant(a, tf.float32),
            select=tf.boolean_mask, squeeze=tf.squeeze)
    torch = fw.torch
    return SimpleNamespace(
        tf=False, lib=torch, nn=torch.nn, sigmoid=torch.sigmoid, relu=torch.relu, T=lambda a: a.T, matmul=torch.matmul,
        row_sum=lambda a: a.sum(dim=1), total=torch.sum, mean=torch.mean, as_float=lambda a: a.float(),
        tensor=lambda a: torch.tensor(a, dtype=torch.float32), select=lambda a, m: a[m], squeeze=torch.squeeze)


# ------------------------------------------------------------------ builders for layers and models

def layer_class(ops, *, register=True, W_shape=lambda i, o: (i, o), b_shape=lambda o: (o,), init="normal",
                forward=None):
    """A from-scratch dense layer class, right by default; each keyword introduces one kind of mistake."""
    forward = forward or (lambda self, x: ops.sigmoid(ops.matmul(x, self.W) + self.b))
    if ops.tf:
        tf = ops.lib

        class Layer(tf.keras.layers.Layer):
            def __init__(self, input_dim, output_dim):
                super().__init__()
                W_init = "random_normal" if init == "normal" else init
                if register:
                    self.W = self.add_weight(shape=W_shape(input_dim, output_dim), name="W", initializer=W_init)
                    self.b = self.add_weight(shape=b_shape(output_dim), name="b", initializer="zeros")
                else:
                    self.W = tf.Variable(tf.random.normal(W_shape(input_dim, output_dim)))
                    self.b = tf.Variable(tf.zeros(b_shape(output_dim)))

            def call(self, x):
                return forward(self, x)
    else:
        torch, nn = ops.lib, ops.nn

        class Layer(nn.Module):
            def __init__(self, input_dim, output_dim):
                super().__init__()
                W = torch.randn(W_shape(input_dim, output_dim)) if init == "normal" else \
                    torch.zeros(W_shape(input_dim, output_dim))
                b = torch.zeros(b_shape(output_dim))
                self.W, self.b = (nn.Parameter(W), nn.Parameter(b)) if register else (W, b)

            def forward(self, x):
                return forward(self, x)
    return Layer


def sequential(ops, sizes, activations):
    """Dense layers of `sizes`; activations[k] ("relu", "sigmoid" or None) follows layer k."""
    if ops.tf:
        tf = ops.lib
        return tf.keras.Sequential([tf.keras.Input(shape=(sizes[0],))] + [
            tf.keras.layers.Dense(n_out, activation=act) for n_out, act in zip(sizes[1:], activations)])
    nn = ops.nn
    modules = []
    for n_in, n_out, act in zip(sizes[:-1], sizes[1:], activations):
        modules.append(nn.Linear(n_in, n_out))
        if act:
            modules.append({"relu": nn.ReLU, "sigmoid": nn.Sigmoid}[act]())
    return nn.Sequential(*modules)


def hidden_relu(sizes):
    return ["relu"] * (len(sizes) - 2) + [None]


# ------------------------------------------------------------------ the references agree

def test_references_agree_across_frameworks():
    tf_lab, torch_lab = open_lab("dense", "tensorflow"), open_lab("dense", "torch")
    rng = np.random.default_rng(3)
    X, W, b = rng.normal(size=(6, 4)), rng.normal(size=(4, 3)), rng.normal(size=3)
    points, passed = rng.uniform(0, 12, size=(80, 2)), (rng.uniform(size=80) < 0.5).astype(float)
    sizes = [4, 5, 3, 2]
    stack = [(rng.normal(size=(i, o)).astype(np.float32), rng.normal(size=o).astype(np.float32))
             for i, o in zip(sizes[:-1], sizes[1:])]
    pass_weights = [(rng.normal(size=(2, 3)).astype(np.float32), rng.normal(size=3).astype(np.float32)),
                    (rng.normal(size=(3, 1)).astype(np.float32), rng.normal(size=1).astype(np.float32))]

    def outputs(lab):
        ref, t = lab.reference, lab.tensor
        layer = ref.MyDenseLayer(4, 3)
        ref.set_layer_weights(layer, W.astype(np.float32), b.astype(np.float32))
        network = ref.deep_network(sizes)
        ref.load_dense_weights(network, 4, stack)
        two = ref.two_layer_model(4, 5)
        ref.load_dense_weights(two, 4, stack[:1] + [(stack[1][0][:, :2], stack[1][1][:2])])
        will = ref.pass_model()
        ref.load_dense_weights(will, 2, pass_weights)
        return [ref.dense_forward(t(X), t(W), t(b), lab.fw.activations["tanh"]), layer(t(X)),
                ref.builtin_dense(t(W), t(b))(t(X)), ref.run_model(network, X), ref.run_model(two, X),
                ref.predict_pass(will, 4.0, 5.0), ref.pass_rate_near(t(points), t(passed), t([4.0, 5.0]), 3.0),
                ref.count_parameters(sizes), ref.framework_count(ref.deep_network(sizes), 4)]

    for a, b_ in zip(outputs(tf_lab), outputs(torch_lab), strict=True):
        np.testing.assert_allclose(to_numpy(a).astype(float), to_numpy(b_).astype(float), atol=1e-5)


def test_reference_passes_every_exercise(lab):
    for name in lab.exercises:
        outcome = graded(lab, name)
        assert outcome.passed, (name, outcome.message)


# ------------------------------------------------------------------ plausible mistakes, named

MISTAKES = [
    # dense_forward
    ("dense_forward", lambda o: {"dense_forward": lambda X, W, b, g: g(o.matmul(X, W))}, "bias b is missing"),
    ("dense_forward", lambda o: {"dense_forward": lambda X, W, b, g: o.matmul(X, W) + b}, "activation g is not"),
    ("dense_forward", lambda o: {"dense_forward": lambda X, W, b, g: g(o.matmul(X, o.T(W)) + b)}, "W is transposed"),
    ("dense_forward", lambda o: {"dense_forward": lambda X, W, b, g: g(o.matmul(X, W)) + b}, "after the activation"),
    # dense_layer
    ("dense_layer", lambda o: {"MyDenseLayer": layer_class(o, register=False)}, "needs exactly two, W and b"),
    ("dense_layer", lambda o: {"MyDenseLayer": layer_class(o, init="zeros")}, "starts at the same value"),
    ("dense_layer", lambda o: {"MyDenseLayer": layer_class(
        o, W_shape=lambda i, j: (j, i), forward=lambda s, x: o.sigmoid(o.matmul(x, o.T(s.W)) + s.b))},
     "W is transposed"),
    ("dense_layer", lambda o: {"MyDenseLayer": layer_class(o, forward=lambda s, x: o.matmul(x, s.W) + s.b)},
     "sigmoid is missing"),
    ("dense_layer", lambda o: {"MyDenseLayer": layer_class(o, forward=lambda s, x: o.sigmoid(o.matmul(x, s.W)))},
     "bias is missing"),
    # builtin_dense
    ("builtin_dense", lambda o: {"builtin_dense": lambda W, b: _builtin(o, o.T(W), b)}, "W went in transposed"),
    ("builtin_dense", lambda o: {"builtin_dense": lambda W, b: _builtin(o, W, None)}, "copy b into the bias too"),
    ("builtin_dense", lambda o: {"builtin_dense": lambda W, b: sequential(o, list(W.shape), [None])},
     "should return a"),
    # two_layer_model
    ("two_layer_model", lambda o: {"two_layer_model": lambda m, n: sequential(o, [m, n, 2], [None, None])},
     "no activation between the layers"),
    ("two_layer_model", lambda o: {"two_layer_model": lambda m, n: sequential(o, [m, n, 2], ["relu", "relu"])},
     "after the last layer too"),
    ("two_layer_model", lambda o: {"two_layer_model": lambda m, n: sequential(o, [m, 2], [None])},
     "A layer is missing"),
    # deep_network
    ("deep_network", lambda o: {"deep_network": lambda s: sequential(o, s, ["relu"] * (len(s) - 1))},
     "after the last layer too"),
    ("deep_network", lambda o: {"deep_network": lambda s: sequential(o, s[:-1], hidden_relu(s[:-1]))},
     "A layer is missing"),
    ("deep_network", lambda o: {"deep_network": lambda s: sequential(o, s, [None] * (len(s) - 1))},
     "no activation between the layers"),
    ("deep_network", lambda o: {"deep_network": lambda s: sequential(o, s, ["sigmoid"] * (len(s) - 2) + [None])},
     "not the sigmoid"),
    # parameter_count
    ("parameter_count", lambda o: {"count_parameters": lambda s: sum(a * b for a, b in zip(s, s[1:]))},
     "biases are not counted"),
    ("parameter_count", lambda o: {"count_parameters": lambda s: sum(a * b + a for a, b in zip(s, s[1:]))},
     "one bias per output unit"),
    ("parameter_count", lambda o: {"count_parameters": lambda s: sum(a * b + b for a, b in zip(s, s[1:])) + s[0]},
     "input is not a layer"),
    # will_i_pass
    ("will_i_pass", lambda o: {"pass_model": lambda: sequential(o, [2, 3, 1], ["sigmoid", None])},
     "output layer has no sigmoid"),
    ("will_i_pass", lambda o: {"pass_model": lambda: sequential(o, [2, 3, 1], [None, "sigmoid"])},
     "no activation between the layers"),
    ("will_i_pass", lambda o: {"predict_pass": lambda model, lectures, hours: model(o.tensor([[hours, lectures]]))[0, 0]},
     "features are swapped"),
    ("will_i_pass", lambda o: {"predict_pass": lambda model, lectures, hours: model(o.tensor([[lectures, hours]]))},
     "wrong shape"),
    # pass_rate_near
    ("pass_rate_near", lambda o: {"pass_rate_near": lambda X, y, p, r: o.total(o.select(y, _distance(o, X, p) < r))},
     "sum instead of mean"),
    ("pass_rate_near", lambda o: {"pass_rate_near": lambda X, y, p, r: o.mean(y)}, "mean is over every student"),
    ("pass_rate_near", lambda o: {"pass_rate_near": lambda X, y, p, r: o.mean(
        o.select(y, _distance(o, X, p) ** 2 < r))}, "squared distance"),
    ("pass_rate_near", lambda o: {"pass_rate_near": lambda X, y, p, r: 1 - o.mean(
        o.select(y, _distance(o, X, p) < r))}, "rate of failing"),
]


def _distance(o, X, point):
    return o.row_sum((X - point) ** 2) ** 0.5


def _builtin(o, W, b):
    """The framework's dense layer holding W (and b, unless None: then its bias keeps its initial value)."""
    if o.tf:
        layer = o.lib.keras.layers.Dense(W.shape[1])
        layer.build((None, W.shape[0]))
        layer.kernel.assign(W)
        if b is not None:
            layer.bias.assign(b)
        return layer
    layer = o.nn.Linear(W.shape[0], W.shape[1])
    with o.lib.no_grad():
        layer.weight.copy_(o.T(W))
        if b is not None:
            layer.bias.copy_(b)
    return layer


@pytest.mark.parametrize("exercise,mistake,expected_message", MISTAKES,
                         ids=[f"{e}-{m.split()[0]}-{i}" for i, (e, _, m) in enumerate(MISTAKES)])
def test_plausible_mistakes_fail_with_a_message_that_names_them(lab, ops, exercise, mistake, expected_message):
    outcome = graded(lab, exercise, **mistake(ops))
    assert outcome.status == "failed", outcome.message
    assert expected_message in outcome.message, outcome.message


def test_builtin_dense_with_an_activation_is_named(lab, ops, framework):
    """TensorFlow only: a Dense layer can carry an activation; the exercise wants it linear."""
    if framework != "tensorflow":
        pytest.skip("nn.Linear has no activation argument")
    Dense = ops.lib.keras.layers.Dense

    def with_sigmoid(W, b):
        layer = Dense(W.shape[1], activation="sigmoid")
        layer.build((None, W.shape[0]))
        layer.kernel.assign(W)
        layer.bias.assign(b)
        return layer

    outcome = graded(lab, "builtin_dense", builtin_dense=with_sigmoid)
    assert outcome.status == "failed" and "applies an activation" in outcome.message, outcome.message


def test_torch_copy_without_no_grad_is_reported(lab, ops, framework):
    """PyTorch only: copying into a parameter outside torch.no_grad() raises; the check reports it."""
    if framework != "torch":
        pytest.skip("TensorFlow's assign needs no such guard")

    def no_guard(W, b):
        layer = ops.nn.Linear(W.shape[0], W.shape[1])
        layer.weight.copy_(W.T)
        layer.bias.copy_(b)
        return layer

    outcome = graded(lab, "builtin_dense", builtin_dense=no_guard)
    assert outcome.status == "failed" and "raised RuntimeError" in outcome.message, outcome.message


# ------------------------------------------------------------------ right answers written differently

def _alt_builtin(o):
    if o.tf:
        Constant = o.lib.keras.initializers.Constant
        return lambda W, b: o.lib.keras.layers.Dense(W.shape[1], kernel_initializer=Constant(W.numpy()),
                                                     bias_initializer=Constant(b.numpy()))  # built on first use

    def builtin(W, b):
        layer = o.nn.Linear(*W.shape)
        layer.weight = o.nn.Parameter(W.T.clone())
        layer.bias = o.nn.Parameter(b.clone())
        return layer
    return builtin


def _alt_two_layer(o):
    if o.tf:
        keras = o.lib.keras
        return lambda m, n: keras.Sequential([keras.layers.Dense(n), keras.layers.ReLU(), keras.layers.Dense(2)])
    nn = o.nn

    class TwoLayers(nn.Module):
        def __init__(self, m, n):
            super().__init__()
            self.hidden, self.out = nn.Linear(m, n), nn.Linear(n, 2)

        def forward(self, x):
            return self.out(o.relu(self.hidden(x)))
    return TwoLayers


def _alt_deep(o):
    if o.tf:
        keras = o.lib.keras

        def functional(sizes):
            inputs = x = keras.Input(shape=(sizes[0],))
            for k, n_out in enumerate(sizes[1:]):
                x = keras.layers.Dense(n_out)(x)
                x = keras.layers.Activation("relu")(x) if k < len(sizes) - 2 else x
            return keras.Model(inputs, x)
        return functional
    nn = o.nn

    class Deep(nn.Module):
        def __init__(self, sizes):
            super().__init__()
            self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))

        def forward(self, x):
            for layer in self.layers[:-1]:
                x = o.relu(layer(x))
            return self.layers[-1](x)
    return Deep


ALTERNATIVES = [
    ("dense_forward", lambda o: {"dense_forward": lambda X, W, b, g: g(o.T(o.matmul(o.T(W), o.T(X))) + b)}),
    ("dense_layer", lambda o: {"MyDenseLayer": layer_class(  # the lecture's b of shape (1, d_out), written x W
        o, b_shape=lambda j: (1, j), forward=lambda s, x: 1 / (1 + o.lib.exp(-(o.matmul(x, s.W) + s.b))))}),
    ("builtin_dense", lambda o: {"builtin_dense": _alt_builtin(o)}),
    ("two_layer_model", lambda o: {"two_layer_model": _alt_two_layer(o)}),
    ("deep_network", lambda o: {"deep_network": _alt_deep(o)}),
    ("parameter_count", lambda o: {"count_parameters": lambda s: int(np.sum((np.array(s[:-1]) + 1) * s[1:]))}),
    ("will_i_pass", lambda o: {"predict_pass": lambda model, lectures, hours: o.squeeze(
        model(o.tensor(np.array([lectures, hours])[None, :])))}),
    ("pass_rate_near", lambda o: {"pass_rate_near": lambda X, y, p, r: (
        o.total(y * o.as_float(o.row_sum((X - p) ** 2) < r ** 2))
        / o.total(o.as_float(o.row_sum((X - p) ** 2) < r ** 2)))}),
]


@pytest.mark.parametrize("exercise,alternative", ALTERNATIVES, ids=[e for e, _ in ALTERNATIVES])
def test_correct_alternatives_pass(lab, ops, exercise, alternative):
    outcome = graded(lab, exercise, **alternative(ops))
    assert outcome.passed, outcome.message


def test_keras_layer_that_creates_its_weights_in_build_passes(lab, ops, framework):
    """The Keras idiom: weights made in build(input_shape), on the first call, not in __init__."""
    if framework != "tensorflow":
        pytest.skip("a Keras idiom")
    tf = ops.lib

    class BuiltLater(tf.keras.layers.Layer):
        def __init__(self, input_dim, output_dim):
            super().__init__()
            self.output_dim = output_dim

        def build(self, input_shape):
            self.W = self.add_weight(shape=(input_shape[-1], self.output_dim), name="W")
            self.b = self.add_weight(shape=(self.output_dim,), name="b", initializer="zeros")

        def call(self, x):
            return tf.math.sigmoid(x @ self.W + self.b)

    outcome = graded(lab, "dense_layer", MyDenseLayer=BuiltLater)
    assert outcome.passed, outcome.message


def test_not_attempted_is_not_a_failure(lab, ops):
    def stub(*args):
        raise NotImplementedError()

    class StubLayer:
        def __init__(self, input_dim, output_dim):
            raise NotImplementedError()

    assert graded(lab, "dense_layer", MyDenseLayer=StubLayer).status == "not attempted"
    assert graded(lab, "dense_forward", dense_forward=stub).status == "not attempted"
    assert graded(lab, "builtin_dense", builtin_dense=lambda W, b: None).status == "not attempted"
    assert graded(lab, "will_i_pass", pass_model=stub).status == "not attempted"
    assert graded(lab, "parameter_count", count_parameters=lambda sizes: None).status == "not attempted"


def test_a_layer_whose_forward_pass_is_a_stub_is_not_attempted(lab, ops):
    """The stub's __init__ done, its forward pass still `raise NotImplementedError()` (Keras wraps it)."""
    def todo(self, x):
        raise NotImplementedError()

    assert graded(lab, "dense_layer", MyDenseLayer=layer_class(ops, forward=todo)).status == "not attempted"
