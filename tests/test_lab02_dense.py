"""Lab 02: references agree across frameworks; wrong answers fail with a named mistake; right ones pass.

Layers and models differ between the frameworks, so the wrong and the alternative answers are written
for both through `Ops` (a few framework operations under one name) and small builders.
"""
import hashlib
import warnings
from types import SimpleNamespace

import numpy as np
import pytest

from conftest import graded, student
from mitdl_utils import open_lab, to_numpy
from mitdl_utils.checking import run_exercise
from mitdl_utils.data import two_rings
from mitdl_utils.frameworks import get_framework
from mitdl_utils.labs.dense import NOTEBOOK_HIDDEN
from mitdl_utils.labs.dense.lines import best_line_accuracy


@pytest.fixture(scope="module")
def lab(framework):
    return open_lab("dense", framework)


@pytest.fixture(scope="module")
def ops(framework):
    """The handful of framework operations the wrong and alternative answers use, under one name."""
    fw = get_framework(framework)
    MyDense = open_lab("dense", framework).reference.MyDenseLayer  # the from-scratch layer, done right
    if framework == "tensorflow":
        tf = fw.tf
        return SimpleNamespace(
            tf=True, lib=tf, sigmoid=tf.math.sigmoid, relu=tf.nn.relu, T=tf.transpose, matmul=tf.matmul,
            row_sum=lambda a: tf.reduce_sum(a, axis=1), total=tf.reduce_sum, mean=tf.reduce_mean,
            as_float=lambda a: tf.cast(a, tf.float32), tensor=lambda a: tf.constant(a, tf.float32),
            select=tf.boolean_mask, squeeze=tf.squeeze, MyDense=MyDense)
    torch = fw.torch
    return SimpleNamespace(
        tf=False, lib=torch, nn=torch.nn, sigmoid=torch.sigmoid, relu=torch.relu, T=lambda a: a.T, matmul=torch.matmul,
        row_sum=lambda a: a.sum(dim=1), total=torch.sum, mean=torch.mean, as_float=lambda a: a.float(),
        tensor=lambda a: torch.tensor(a, dtype=torch.float32), select=lambda a, m: a[m], squeeze=torch.squeeze,
        MyDense=MyDense)


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


def stack(ops, *layers):
    """A Sequential of `layers` on 2 inputs."""
    if ops.tf:
        keras = ops.lib.keras
        return keras.Sequential([keras.Input(shape=(2,)), *layers])
    return ops.nn.Sequential(*layers)


def plain_dense(ops, n_in, n_out):
    """The framework's dense layer, no activation."""
    return ops.lib.keras.layers.Dense(n_out) if ops.tf else ops.nn.Linear(n_in, n_out)


def predicted(ops, p):
    """Each probability of p (n, 1) turned into its class, 1.0 or 0.0, keeping the shape (n, 1)."""
    return ops.as_float(p > 0.5)


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


# secrets under which a random case leaves a mistake's selection empty (3 in 10,000 do): "scan/3340", "scan/3527"
EMPTY_SELECTION_SECRETS = [hashlib.sha256(f"scan/{n}".encode()).hexdigest() for n in (3340, 3527)]


@pytest.mark.parametrize("secret", EMPTY_SELECTION_SECRETS)
def test_pass_rate_near_warns_of_nothing_when_a_mistake_selects_no_student(lab, secret):
    """A mistake whose selection keeps no student matches nothing, and says so without a warning: the judge's
    warnings reach the instructor's terminal (NumPy's 'Mean of empty slice' was printed while grading)."""
    exercise = lab.exercises["pass_rate_near"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        outcome = run_exercise(exercise, vars(lab.reference), lab.fw, lab.reference, hidden=True, secret=secret)
    assert outcome.passed, outcome.message


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
    # accuracy
    ("accuracy", lambda o: {"accuracy": lambda p, y: o.mean(o.as_float(predicted(o, p) == y))}, "broadcasts"),
    ("accuracy", lambda o: {"accuracy": lambda p, y: o.as_float(predicted(o, p) == y)}, "has shape (8, 8)"),
    ("accuracy", lambda o: {"accuracy": lambda p, y: o.total(o.as_float(predicted(o, p)[:, 0] == y))},
     "counts the examples"),
    ("accuracy", lambda o: {"accuracy": lambda p, y: o.mean(o.as_float(predicted(o, p)[:, 0] != y))}, "error rate"),
    ("accuracy", lambda o: {"accuracy": lambda p, y: o.mean(o.as_float(p[:, 0] == y))}, "as they are"),
    # nonlinear_mlp
    ("nonlinear_mlp", lambda o: {"mlp_classifier": lambda h: stack(o, plain_dense(o, 2, h), o.MyDense(h, 1))},
     "your model is linear"),
    ("nonlinear_mlp", lambda o: {"mlp_classifier": lambda h: stack(o, o.MyDense(2, h), plain_dense(o, h, 1))},
     "the outputs should be probabilities"),
    ("nonlinear_mlp", lambda o: {"mlp_classifier": lambda h: stack(o, o.MyDense(2, h), o.MyDense(h, 2))},
     "one output unit"),
    ("nonlinear_mlp", lambda o: {"mlp_classifier": lambda h: stack(o, o.MyDense(2, h))}, "one output unit"),
    ("nonlinear_mlp", lambda o: {"mlp_classifier": lambda h: o.MyDense(2, 1)}, "that is a perceptron"),
    ("nonlinear_mlp", lambda o: {"mlp_classifier": lambda h: stack(o, o.MyDense(2, 1), o.MyDense(1, 1))},
     "it has 1 hidden unit, not hidden ="),
    ("nonlinear_mlp", lambda o: {"mlp_classifier": lambda h: stack(o, o.MyDense(2, 16), o.MyDense(16, 1))},
     "it has 16 hidden units, not hidden ="),  # caught by the hidden tests only: the notebook's width is 16
    ("nonlinear_mlp", lambda o: {"linear_classifier": lambda: stack(o, o.MyDense(2, 4), o.MyDense(4, 1))},
     "a perceptron on two inputs has two weights and one bias"),
    ("nonlinear_mlp", lambda o: {"linear_classifier": lambda: o.MyDense(2, 2)}, "one output unit"),
]


def test_a_fixed_width_passes_the_visible_check_and_fails_the_hidden_one(lab, ops):
    """The visible check builds the notebook's width only; the hidden tests another one."""
    fixed = {"mlp_classifier": lambda hidden: stack(ops, ops.MyDense(2, 16), ops.MyDense(16, 1))}
    assert NOTEBOOK_HIDDEN == 16
    assert lab.run("nonlinear_mlp", student(lab, **fixed)).passed
    assert graded(lab, "nonlinear_mlp", **fixed).status == "failed"


def test_the_mlp_passes_on_fresh_rings_and_a_linear_one_fails_with_both_numbers(lab, ops):
    """The reference MLP clears the bar on the rings of several secrets; a linear one fails, and says by how much."""
    exercise = lab.exercises["nonlinear_mlp"]
    for secret in ("a", "b", "c"):
        outcome = run_exercise(exercise, student(lab), lab.fw, lab.reference, hidden=True, secret=secret)
        assert outcome.passed, outcome.message
    linear = {"mlp_classifier": lambda h: stack(ops, plain_dense(ops, 2, h), ops.MyDense(h, 1))}
    message = lab.run("nonlinear_mlp", student(lab, **linear)).message
    best = best_line_accuracy(*two_rings(200))
    assert f"The best any straight line can do on these points is {best:.1%}" in message, message
    assert "classifies" in message and "at least 90.0%" in message, message


def test_the_torch_trainer_is_torch_adam_written_out(lab, framework):
    """The PyTorch reference trains without torch.optim (its first use is slow): the same steps as its Adam."""
    if framework != "torch":
        pytest.skip("the TensorFlow reference uses Keras's Adam itself")
    torch, nn = get_framework("torch").torch, get_framework("torch").torch.nn
    X, y = two_rings(60, seed=3)
    ours = lab.reference.mlp_classifier(5)
    theirs = lab.reference.mlp_classifier(5)
    theirs.load_state_dict(ours.state_dict())
    lab.reference.fit_classifier(ours, X, y, 20, 0.1)
    optimizer, loss_fn = torch.optim.Adam(theirs.parameters(), lr=0.1), nn.BCELoss()
    for _ in range(20):
        optimizer.zero_grad()
        loss_fn(theirs(torch.as_tensor(X)), torch.as_tensor(y[:, None])).backward()
        optimizer.step()
    for a, b in zip(ours.parameters(), theirs.parameters(), strict=True):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), atol=1e-5)


def test_two_rings_are_seeded_balanced_and_beyond_a_straight_line():
    X, y = two_rings(200)
    again, _ = two_rings(200)
    other, _ = two_rings(200, seed=1)
    assert X.shape == (200, 2) and X.dtype == y.dtype == np.float32 and np.array_equal(X, again)
    assert not np.array_equal(X, other) and y.sum() == 100
    radius = np.linalg.norm(X, axis=1)
    assert abs(np.median(radius[y == 1]) - 0.5) < 0.05 and abs(np.median(radius[y == 0]) - 1.0) < 0.05
    assert 0.6 < best_line_accuracy(X, y) < 0.8


def test_boundary_snapshots_plot_one_row_per_model_and_one_picture_per_step(monkeypatch):
    import matplotlib
    matplotlib.use("Agg")
    from mitdl_utils import plots
    plt = plots.pyplot()
    monkeypatch.setattr(plt, "show", lambda: None)
    X, y = two_rings(40)
    x1, x2, _ = plots.plane_grid(1.5, size=21)
    snapshot = lambda step, p: plots.BoundarySnapshot(step, p, 0.5)
    rows = {"line": [snapshot(0, 1 / (1 + np.exp(-x1))), snapshot(5, 1 / (1 + np.exp(-x2)))],
            "constant": [snapshot(0, np.full_like(x1, 0.7))]}  # no boundary to draw: p never crosses 0.5
    plots.plot_boundary_snapshots(rows, X, y, 1.5)
    fig = plt.gcf()
    pictures = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title().splitlines()[0] for ax in pictures] == ["line", "line", "constant"]
    assert "step 5: 50% right" in pictures[1].get_title()
    plt.close(fig)


def test_best_line_accuracy_on_known_cases():
    corners = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], np.float32)
    assert best_line_accuracy(corners, np.array([0, 1, 1, 0])) == 0.75  # XOR: three corners of four at best
    assert best_line_accuracy(corners, np.array([0, 0, 1, 1])) == 1.0  # split by x2
    assert best_line_accuracy(corners, np.array([1, 1, 0, 0])) == 1.0  # the same line, the other side


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


def test_a_layer_that_gives_its_keras_variables_to_a_tf_function_is_explained(lab, ops, framework):
    """TensorFlow only: a @tf.function dense_forward called with the layer's Keras variables cannot be traced inside
    the training step's tf.function; the check says why, and how to fix it."""
    if framework != "tensorflow":
        pytest.skip("a TensorFlow graph-mode matter")
    tf = ops.lib
    compiled = tf.function(lambda X, W, b: tf.math.sigmoid(tf.matmul(X, W) + b))
    Layer = layer_class(ops, forward=lambda self, x: compiled(x, self.W, self.b))
    mlp = {"mlp_classifier": lambda h: stack(ops, Layer(2, h), Layer(h, 1)), "linear_classifier": lambda: Layer(2, 1)}
    outcome = graded(lab, "nonlinear_mlp", **mlp)
    assert outcome.status == "failed" and "tf.convert_to_tensor(self.W)" in outcome.message, outcome.message
    converted = layer_class(ops, forward=lambda self, x: compiled(x, tf.convert_to_tensor(self.W),
                                                                 tf.convert_to_tensor(self.b)))
    fixed = {"mlp_classifier": lambda h: stack(ops, converted(2, h), converted(h, 1)),
             "linear_classifier": lambda: converted(2, 1)}
    assert graded(lab, "nonlinear_mlp", **fixed).passed


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
    ("accuracy", lambda o: {"accuracy": lambda p, y: o.mean(o.as_float(  # y made a column instead of p a vector
        predicted(o, p) == (o.lib.reshape(y, (-1, 1)) if o.tf else y.reshape(-1, 1))))}),
    ("accuracy", lambda o: {"accuracy": lambda p, y: o.total(o.as_float(o.lib.round(o.squeeze(p, 1)) == y))
                            / len(y)}),
    ("nonlinear_mlp", lambda o: {"mlp_classifier": _alt_mlp(o), "linear_classifier": _alt_linear(o)}),
]


def _alt_linear(o):
    """The perceptron from the framework's own layers."""
    if o.tf:
        keras = o.lib.keras
        return lambda: keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1, activation="sigmoid")])
    return lambda: o.nn.Sequential(o.nn.Linear(2, 1), o.nn.Sigmoid())


def _alt_mlp(o):
    """An MLP of the framework's own layers, another hidden activation: ReLU (TensorFlow), tanh in a module (torch)."""
    if o.tf:
        keras = o.lib.keras
        return lambda h: keras.Sequential([keras.layers.Dense(h, activation="relu"),
                                           keras.layers.Dense(1, activation="sigmoid")])
    nn = o.nn

    class MLP(nn.Module):
        def __init__(self, hidden):
            super().__init__()
            self.hidden, self.out = nn.Linear(2, hidden), nn.Linear(hidden, 1)

        def forward(self, x):
            return o.sigmoid(self.out(o.lib.tanh(self.hidden(x))))
    return MLP


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


# ------------------------------------------------------------------ the prediction and the museum: their numbers

def test_the_parameter_growth_prediction_quotes_the_framework_s_counts(lab, ops):
    """Every count the options' whys quote is what the reference and the framework count, and (b) is the ratio."""
    from mitdl_utils.labs.dense import PARAMETER_GROWTH

    per_layer = {}
    for sizes in ([784, 256, 256, 10], [784, 512, 512, 10]):
        per_layer[sizes[1]] = [lab.reference.framework_count(sequential(ops, [n_in, n_out], [None]), n_in)
                               for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        assert sum(per_layer[sizes[1]]) == lab.reference.count_parameters(sizes)
    assert per_layer == {256: [200_960, 65_792, 2_570], 512: [401_920, 262_656, 5_130]}
    quoted = " ".join([PARAMETER_GROWTH.question, *PARAMETER_GROWTH.why.values()])
    for count in [*per_layer[256][:2], *per_layer[512][:2], 269_322, 669_706]:
        assert f"{count:,}" in quoted, count
    ratio = 669_706 / 269_322
    assert PARAMETER_GROWTH.options[PARAMETER_GROWTH.answer] == "about 2.5" and f"{ratio:.2f}" == "2.49"


def test_the_relu_exhibit_fails_as_the_museum_says(framework):
    """The slide's ReLU(z): PyTorch quietly makes a module (z in its `inplace`), Keras refuses z as a `max_value`."""
    fw = get_framework(framework)
    if framework == "torch":
        z = fw.torch.tensor([[-1.0, 2.0], [0.5, -3.0]])
        module = fw.torch.nn.ReLU(z)
        assert isinstance(module, fw.torch.nn.ReLU) and module.inplace is z
        with pytest.raises(TypeError, match="must be Tensor, not ReLU"):
            fw.torch.nn.Linear(2, 2)(module)
    else:
        z = fw.tf.constant([[-1.0, 2.0], [0.5, -3.0]])
        with pytest.raises(ValueError, match="truth value"):
            fw.tf.keras.layers.ReLU(z)
        assert to_numpy(fw.tf.keras.layers.ReLU(max_value=1.0)(z)).tolist() == [[0.0, 1.0], [0.5, 0.0]]


def test_the_linear_stack_exhibit_ends_where_the_perceptron_does(lab, ops):
    """The slide's stack without activations, trained as the notebook trains it, reaches the perceptron's loss
    (0.690, as the museum's whys say) and about half the points, and its layers multiply out into one."""
    X, y = two_rings(200)
    stack_model = sequential(ops, [2, 16, 16, 1], [None, None, "sigmoid"])
    perceptron = sequential(ops, [2, 1], ["sigmoid"])
    stack_loss = lab.reference.fit_classifier(stack_model, X, y, 150, 0.1)
    perceptron_loss = lab.reference.fit_classifier(perceptron, X, y, 150, 0.1)
    assert round(stack_loss, 3) == round(perceptron_loss, 3) == 0.690
    p = lab.reference.run_model(stack_model, X)[:, 0]
    assert 0.45 < np.mean((p > 0.5) == y) < 0.6
    W, b = np.eye(2), np.zeros(2)
    for W_k, b_k in lab.reference.dense_weights(stack_model, 2):
        W, b = W @ W_k, b @ W_k + b_k
    np.testing.assert_allclose(1 / (1 + np.exp(-(X @ W + b)))[:, 0], p, atol=1e-6)
