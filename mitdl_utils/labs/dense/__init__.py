"""Lab 02, dense layers and deep networks: exercises, their tests and hints (framework-neutral).

Each test gets a Trial `t`. Everything that touches a layer or a model of the notebook's
framework (reading and loading weights, running a model) goes through `t.ref`, the
reference module of that framework; the expected values are computed here with NumPy.
"""
import numpy as np

from mitdl_utils.checking import CheckFailed, Exercise, assert_close, attempt, expect, to_numpy
from mitdl_utils.data import two_rings
from mitdl_utils.labs.dense.lines import best_line_accuracy
from mitdl_utils.prediction import Choice, prediction_test

STUDENT = (4.0, 5.0)  # the lecture's student: 4 lectures attended, 5 hours on the final project
PASS_MODEL_SIZES = [2, 3, 1]
# How the checks train the classifiers of section 8, as the notebook does: full-batch Adam on the binary
# cross-entropy. 150 steps take a correct MLP of 8 to 16 sigmoid units to 97-100% on the rings.
TRAINING_STEPS, LEARNING_RATE = 150, 0.1
NOTEBOOK_HIDDEN = 16  # the MLP's width in the notebook
OUTSIDE_0_1 = ("the outputs should be probabilities, between 0 and 1. End with a sigmoid (your MyDenseLayer ends "
               "with one)")


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _relu(z):
    return np.maximum(z, 0)


def _identity(z):
    return z


def _fixed_weights(sizes, seed=2):
    """Weights (W (in, out), b (out,)) for a stack of layers: fixed numbers, so checks are repeatable."""
    rng = np.random.default_rng(seed)
    return [(rng.normal(size=(n_in, n_out)).astype(np.float32), rng.normal(size=n_out).astype(np.float32))
            for n_in, n_out in zip(sizes[:-1], sizes[1:])]


def _forward(x, weights, hidden=_relu, output=_identity):
    """NumPy forward pass through a stack of dense layers."""
    for i, (W, b) in enumerate(weights):
        x = x @ W + b
        x = output(x) if i == len(weights) - 1 else hidden(x)
    return x


def test_dense_forward(t):
    X = np.array([[1.0, -2.0, 0.5], [0.0, 1.0, -1.0], [2.0, 0.5, 1.5], [-1.0, -1.0, 3.0]], np.float32)
    W_square = np.array([[0.5, -1.0, 0.2], [1.5, 0.3, -0.7], [-0.4, 0.8, 1.0]], np.float32)
    W_wide = np.array([[0.5, -1.0], [1.5, 0.3], [-0.4, 0.8]], np.float32)
    cases = [(X[:3], W_square, np.array([0.1, -0.2, 0.3], np.float32), "sigmoid"),  # X W and X * W both run
             (X, W_wide, np.array([1.0, -0.5], np.float32), "tanh")]
    if t.hidden:
        cases += [(t.normal(6, 4), t.normal(4, 4), t.normal(4), "sigmoid"),
                  (t.normal(9, 5), t.normal(5, 3), t.normal(3), "relu"),
                  (t.normal(1, 2), t.normal(2, 7), t.normal(7), "tanh")]
    for X, W, b, activation in cases:
        g, np_g = t.fw.activations[activation], {"sigmoid": _sigmoid, "tanh": np.tanh, "relu": _relu}[activation]
        got = t.tensor_result("dense_forward", t.tensor(X), t.tensor(W), t.tensor(b), g)
        mistakes = {
            "the bias b is missing: z = X W + b": np_g(X @ W),
            "the activation g is not applied to z": X @ W + b,
            "the bias is added after the activation: it belongs inside, g(X W + b)": np_g(X @ W) + b,
        }
        if W.shape[0] == W.shape[1]:
            mistakes["W is transposed: z = X W with W of shape (inputs, outputs), not X W^T"] = np_g(X @ W.T + b)
        if X.shape == W.shape:
            mistakes["X * W multiplies entry by entry: z = X W is the matrix product (X @ W, tf.matmul)"] = \
                np_g(X * W + b)
        if activation != "sigmoid":
            mistakes[f"the activation `g` you are given ({activation} here) is not used: the result is the sigmoid "
                     "of X W + b; return g(z)"] = _sigmoid(X @ W + b)
        expected = t.ref.dense_forward(t.tensor(X), t.tensor(W), t.tensor(b), g)
        assert_close(got, expected, f"dense_forward(X {X.shape}, W {W.shape}, b, g={activation})",
                     mistakes=mistakes)
    _check_differentiable(t, *cases[1][:3])


def _check_differentiable(t, X, W, b):
    """dense_forward(X, W, b, g) with W and b that autograd tracks: the z that reaches g must depend on both."""
    W_tracked, b_tracked = t.ref.trainable(W), t.ref.trainable(b)
    probe = t.ref.gradient_probe(t.fw.activations["sigmoid"], [W_tracked, b_tracked])
    what = "dense_forward(X, W, b, g) with W and b that autograd tracks (as a layer's weights are)"
    try:
        attempt(what, t.function("dense_forward"), t.tensor(X), W_tracked, b_tracked, probe)
    except CheckFailed as failure:
        if "numpy" not in str(failure).lower():
            raise
        raise CheckFailed(f"{failure}. Likely mistake: NumPy in the computation (np.dot, .numpy()): autograd "
                          f"cannot follow it there, so no gradient would reach W and b. Use {t.fw.label} operations "
                          "throughout") from None
    finally:
        followed = t.ref.probe_followed(probe)  # also stops the probe's watching where g was never called
    lost = [name for name, kept in zip(("W", "b"), followed or ()) if not kept]
    expect(not lost, f"{what}: the z your function gives g cannot be differentiated with respect to "
                     f"{' and '.join(lost)}: autograd lost track of the computation. Likely mistake: NumPy on the way "
                     f"(np.dot, .numpy(), np.array(...)) or a detached copy (.detach(), .data), which autograd cannot "
                     f"follow, so a layer built on it could never be trained. Use {t.fw.label} operations throughout")


def test_dense_layer(t):
    sizes = [(3, 4)] + ([(5, 2), (2, 6), (4, 4)] if t.hidden else [])
    for input_dim, output_dim in sizes:
        call = f"MyDenseLayer({input_dim}, {output_dim})"
        layer = t.call("MyDenseLayer", input_dim, output_dim)
        attempt(f"calling {call} on a batch", t.ref.build_layer, layer, input_dim)  # weights made in build()
        shapes = attempt(f"reading the weights of {call}", t.ref.trainable_shapes, layer)
        expect(len(shapes) == 2, f"{call} has {len(shapes)} trainable weights {shapes}; it needs exactly two, "
                                 f"W and b, registered with the layer: {t.ref.REGISTER_HINT}")
        for attribute in ("W", "b"):
            expect(hasattr(layer, attribute), f"{call} has no attribute `{attribute}`: store the weights as "
                                              f"self.W and self.b")
        W_shape, b_size = tuple(to_numpy(layer.W).shape), to_numpy(layer.b).size
        expect(W_shape != (output_dim, input_dim) or input_dim == output_dim,
               f"{call}.W has shape {W_shape}: W is transposed. Store it as (input_dim, output_dim) = "
               f"{(input_dim, output_dim)} so that z = x W + b")
        expect(W_shape == (input_dim, output_dim),
               f"{call}.W should have shape (input_dim, output_dim) = {(input_dim, output_dim)}, got {W_shape}")
        expect(b_size == output_dim, f"{call}.b should hold one bias per output, {output_dim}, got {b_size}")
        expect(np.ptp(to_numpy(layer.W)) > 0,
               f"every entry of {call}.W starts at the same value: all units would compute the same output "
               "and get the same gradient, so they could never learn different things. Initialise W randomly")

        weights = _fixed_weights([input_dim, output_dim], seed=input_dim * 10 + output_dim)
        W, b = weights[0]
        attempt(f"copying weights into {call}.W and .b", t.ref.set_layer_weights, layer, W, b)
        x = t.normal(5, input_dim, scale=2.0)
        got = attempt(f"calling {call} on a batch", layer, t.tensor(x))
        t.require_tensor(got, f"{call}(x)")
        expected = _sigmoid(x.astype(np.float64) @ W + b)
        mistakes = {"the sigmoid is missing: the layer returns sigmoid(x W + b)": x @ W + b,
                    "the bias is missing: z = x W + b": _sigmoid(x @ W),
                    "use the sigmoid, as in the lecture, not ReLU": _relu(x @ W + b)}
        if input_dim == output_dim:
            mistakes["W is transposed: z = x W with W of shape (input_dim, output_dim), not x W^T"] = \
                _sigmoid(x @ W.T + b)
        assert_close(got, expected, f"{call}(x) with W and b set to fixed values: sigmoid(x W + b)",
                     mistakes=mistakes)
        gradients = attempt(f"differentiating the sum of {call}(x) with respect to W and b", t.ref.layer_gradients,
                            layer, x)
        slope = expected * (1 - expected)
        for name, gradient, right in [("W", gradients[0], x.T.astype(np.float64) @ slope),
                                      ("b", gradients[1], slope.sum(axis=0))]:
            expect(gradient is not None, f"no gradient reaches {call}.{name}: autograd cannot follow the forward "
                                         "pass from the weights to the output, so the layer could never be trained. "
                                         "Likely mistake: NumPy on the way (np.dot, .numpy(), np.asarray) or a "
                                         "detached copy (.detach(), .data): "
                                         f"use {t.fw.label} operations throughout")
            assert_close(np.reshape(gradient, -1), right.reshape(-1),
                         f"the gradient of sum({call}(x)) with respect to {name}, by autograd", rtol=1e-3, atol=1e-4)


def test_builtin_dense(t):
    shapes = [(3, 3), (3, 2)] + ([(5, 4), (1, 6)] if t.hidden else [])
    for input_dim, output_dim in shapes:
        W, b = _fixed_weights([input_dim, output_dim], seed=input_dim + output_dim)[0]
        if t.hidden:
            W, b = t.normal(input_dim, output_dim), t.normal(output_dim)
        call = f"builtin_dense(W {W.shape}, b)"
        try:
            layer = t.call("builtin_dense", t.tensor(W), t.tensor(b))
        except CheckFailed as failure:
            if "has no setter" in str(failure):
                advice = "overwrite them in place with layer.kernel.assign(W) and layer.bias.assign(b)"
            elif "as parameter" in str(failure):
                advice = ("copy into them inside `with torch.no_grad():` (layer.weight.copy_(W.T)), or wrap a new "
                          "value in nn.Parameter(...)")
            else:
                raise
            raise CheckFailed(f"{failure}. A layer's weights cannot be replaced by a plain tensor: {advice}") from None
        expect(t.ref.is_builtin_dense(layer), f"{call} should return a {t.ref.BUILTIN_NAME}, "
                                              f"got {type(layer).__name__}")
        got_W, got_b = attempt(f"reading the weights of {call}", t.ref.builtin_weights, layer, input_dim)
        if got_W.shape == (output_dim, input_dim) and input_dim != output_dim:
            raise CheckFailed(f"{call} maps {output_dim} inputs to {input_dim} outputs: the layer is built the "
                              f"wrong way round. It should take {input_dim} inputs and give {output_dim} outputs")
        assert_close(got_W, W, f"{call}: its weights, read back in (inputs, outputs) layout",
                     mistakes={f"W went in transposed: {t.ref.TRANSPOSE_NOTE}": W.T})
        expect(got_b is not None, f"{call} has no bias: keep the bias and copy b into it")
        if not np.allclose(got_b, b, atol=1e-5):
            raise CheckFailed(f"{call}: the layer's bias should be b = {np.round(b, 4)}, got {np.round(got_b, 4)}: "
                              "copy b into the bias too, not only W")
        x = t.normal(4, input_dim)
        got = attempt(f"calling the layer from {call}", t.ref.run_model, layer, x)
        assert_close(got, x @ W + b, f"{call}(x): the layer alone computes x W + b",
                     mistakes={"the layer applies an activation: leave it linear (no activation)":
                               _sigmoid(x @ W + b),
                               "the layer applies ReLU: leave it linear (no activation)": _relu(x @ W + b)})


def _model(t, name, *args):
    """The student's `name`(*args), with what the framework says about a badly assembled Sequential explained."""
    try:
        return t.call(name, *args)
    except CheckFailed as failure:
        text = str(failure)
        if "Sequential.__init__() takes" in text:
            advice = "tf.keras.Sequential takes one list of layers: tf.keras.Sequential(layers), not (*layers)"
        elif ("is not a Module subclass" in text and "list is not" not in text) or "Only instances of" in text:
            example = "tf.keras.layers.ReLU(), not tf.keras.layers.ReLU" if t.fw.name == "tensorflow" else \
                "nn.ReLU(), not nn.ReLU"
            advice = f"A layer class was given where a layer is needed: make the layer with parentheses, {example}"
        else:
            raise
        raise CheckFailed(f"{text}. {advice}") from None


def _check_network(t, model, sizes, what, hidden=_relu, output=_identity, hidden_name="ReLU"):
    """The model is a stack of dense layers of `sizes` computing `output(... hidden(x W1 + b1) ...)`."""
    expect(t.ref.is_model(model), f"{what} should return a {t.ref.MODEL_NAME}, got {type(model).__name__}")
    layers = attempt(f"reading the layers of {what}", t.ref.dense_weights, model, sizes[0])
    got_shapes = [tuple(W.shape) for W, _ in layers]
    expected_shapes = [(n_in, n_out) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    if got_shapes != expected_shapes:
        message = (f"{what}: its dense layers should have weight shapes (inputs, outputs) {expected_shapes}, "
                   f"got {got_shapes}")
        wrong = [k for k, (got, right) in enumerate(zip(got_shapes, expected_shapes), start=1) if got != right]
        if len(got_shapes) == len(expected_shapes):
            k = wrong[0]
            (a, b), (c, d) = got_shapes[k - 1], expected_shapes[k - 1]
            message += (f": layer {k} maps {a} inputs to {b} outputs; it should map {c} inputs to {d} outputs "
                        f"({'the sizes in the wrong order?' if (a, b) == (d, c) else 'check which size goes where'})")
        elif len(got_shapes) == len(expected_shapes) - 1:
            message += ". A layer is missing: K + 1 sizes make K layers, one per pair of neighbouring sizes"
        elif len(got_shapes) == len(expected_shapes) + 1:
            message += ". One layer too many: K + 1 sizes make K layers, one per pair of neighbouring sizes"
        raise CheckFailed(message)
    expect(all(b is not None for _, b in layers), f"{what}: every dense layer needs its bias")
    weights = _fixed_weights(sizes, seed=sum(sizes))
    attempt(f"loading weights into {what}", t.ref.load_dense_weights, model, sizes[0], weights)
    x = t.normal(6, sizes[0], scale=2.0)
    got = attempt(f"running {what}", t.ref.run_model, model, x)
    others = {name: g for name, g in [("ReLU", _relu), ("the sigmoid", _sigmoid), ("tanh", np.tanh)]
              if name != hidden_name}
    mistakes = {
        **{f"use {hidden_name} between the layers, not {name}": _forward(x, weights, g, output)
           for name, g in others.items()},
        f"no activation between the layers: without {hidden_name} the stack collapses into one linear layer":
            _forward(x, weights, _identity, output),
        f"{hidden_name} after the last layer too: only the hidden layers get {hidden_name}":
            _forward(x, weights, hidden, hidden),
        f"{hidden_name} is applied to the input, before the first layer: it belongs after each hidden layer's "
        "output": _forward(hidden(x), weights, hidden, output),
        "the output layer has no sigmoid: a probability must lie between 0 and 1":
            _forward(x, weights, hidden, _identity),
    }
    expected = _forward(x, weights, hidden, output)
    assert_close(got, expected, f"{what}(x) with fixed weights", rtol=1e-4, atol=1e-4,
                 mistakes={k: v for k, v in mistakes.items() if not np.allclose(v, expected)})


def test_two_layer_model(t):
    cases = [(3, 4)] + ([(5, 6), (2, 3)] if t.hidden else [])
    for m, n in cases:
        model = _model(t, "two_layer_model", m, n)
        _check_network(t, model, [m, n, 2], f"two_layer_model({m}, {n})")


def test_deep_network(t):
    cases = [[3, 5, 4, 2]] + ([[4, 8, 8, 6, 2], [2, 3, 1], [3, 2]] if t.hidden else [])
    for sizes in cases:
        model = _model(t, "deep_network", list(sizes))
        _check_network(t, model, sizes, f"deep_network({sizes})")


def test_parameter_count(t):
    cases = [[3, 5, 4, 2], [2, 3, 1]]
    if t.hidden:
        cases += [list(t.rng.integers(1, 20, size=k)) for k in (2, 4, 6)]
        cases = [[int(n) for n in sizes] for sizes in cases]
    for sizes in cases:
        pairs = list(zip(sizes[:-1], sizes[1:]))
        got = t.call("count_parameters", list(sizes))
        expected = sum(n_in * n_out + n_out for n_in, n_out in pairs)
        assert_close(to_numpy(got), expected, f"count_parameters({sizes})", mistakes={
            "each layer has one bias per output unit, not one per layer":
                sum(n_in * n_out + 1 for n_in, n_out in pairs),
            "the last layer is not counted: there is one layer per pair of neighbouring sizes, the last pair too":
                sum(n_in * n_out + n_out for n_in, n_out in pairs[:-1]),
            "the biases are not counted: each layer also has one bias per output unit":
                sum(n_in * n_out for n_in, n_out in pairs),
            "one bias per output unit, not per input": sum(n_in * n_out + n_in for n_in, n_out in pairs),
            "the input is not a layer: count the weights between neighbouring sizes only":
                sum(n_in * n_out + n_out for n_in, n_out in pairs) + sizes[0],
        })
        expect(isinstance(got, (int, np.integer)) and not isinstance(got, bool),
               f"count_parameters({sizes}) returns {got!r}, a {type(got).__name__}: a count is an int. A division "
               "(/) gives a float even when it comes out whole: use *, + and // only, or int(...)")
        framework_count = t.ref.framework_count(t.ref.deep_network(list(sizes)), sizes[0])
        expect(framework_count == expected, f"internal: the framework counts {framework_count} for {sizes}")


def test_will_i_pass(t):
    model = t.call("pass_model")
    _check_network(t, model, PASS_MODEL_SIZES, "pass_model()", hidden=_sigmoid, output=_sigmoid,
                   hidden_name="the sigmoid")
    students = [STUDENT, (10.0, 2.0)] + ([tuple(t.uniform(2, low=0, high=12)) for _ in range(3)] if t.hidden else [])
    model = t.ref.pass_model()
    weights = _fixed_weights(PASS_MODEL_SIZES, seed=7)
    t.ref.load_dense_weights(model, 2, weights)
    for lectures, hours in students:
        lectures, hours = float(lectures), float(hours)
        call = f"predict_pass(model, lectures={lectures:.2f}, hours={hours:.2f})"
        got = t.tensor_result("predict_pass", model, lectures, hours)
        expect(got.shape != (1, 1), f"{call} has the wrong shape, (1, 1), the model's whole output: return a "
                                    "scalar tensor, shape (), the one number inside it (index it with [0, 0])")
        again = t.tensor_result("predict_pass", model, lectures, hours)
        expect(got.shape != () or abs(float(again) - float(got)) < 1e-6,
               f"{call} gives {float(got):.4f}, then {float(again):.4f} for the same model and student: use the "
               "model it is given (the argument `model`), not a new one made inside predict_pass")
        predict = lambda a, b: _forward(np.array([[a, b]]), weights, _sigmoid, _sigmoid)[0, 0]
        assert_close(got, predict(lectures, hours), f"{call}, one probability as a scalar tensor",
                     mistakes={"the features are swapped: the model's input is (lectures, hours)":
                               predict(hours, lectures)})


def test_pass_rate_near(t):
    X = np.array([[4, 5], [5, 5], [4, 6], [3, 4], [8, 9], [0, 0], [4.5, 5.5], [5.3, 5]], np.float32)
    y = np.array([1, 0, 1, 0, 1, 0, 1, 0], np.float32)
    # radius 1: (5, 5) and (4, 6) lie on it, exactly (float32 gives a distance of exactly 1 there)
    cases = [(X, y, np.array(STUDENT, np.float32), 1.5), (X, y, np.array(STUDENT, np.float32), 1.0)]
    if t.hidden:
        X_random = t.uniform(150, 2, low=0, high=12)
        y_random = (t.rng.uniform(size=150) < 0.5).astype(np.float32)
        # another point, fixed: the random one's pass rate equals the lecture point's by chance (3 secrets in 100)
        cases += [(X, y, np.array([8, 9], np.float32), 1.5), (X_random, y_random, t.uniform(2, low=3, high=9), 2.5),
                  (X_random, y_random, np.array(STUDENT, np.float32), 3.0)]
    for X, y, point, radius in cases:
        distance = np.sqrt(((X - point) ** 2).sum(axis=1))
        near = distance < radius
        fixed_point = np.sqrt(((X - np.float32(STUDENT)) ** 2).sum(axis=1)) < radius
        rate = lambda among: y[among].mean() if among.any() else np.nan  # a mistake that keeps nobody: no match
        got = t.tensor_result("pass_rate_near", t.tensor(X), t.tensor(y), t.tensor(point), radius)
        assert_close(got, rate(near), f"pass_rate_near(X {X.shape}, y, point={np.round(point, 2)}, "
                                      f"radius={radius}): the pass rate as a scalar tensor", mistakes={
            "sum instead of mean: that counts the passes, the rate divides by how many are near": y[near].sum(),
            "the mean is over every student: keep only those within the radius": y.mean(),
            "that is the rate of failing: y = 1 means passed": 1 - rate(near),
            "the squared distance is compared with the radius: take the square root, or compare with radius^2":
                rate(distance ** 2 < radius),
            "that is the Manhattan distance, the sum of |differences|: the Euclidean distance is the square root "
            "of the sum of squared differences": rate(np.abs(X - point).sum(axis=1) < radius),
            "that divides the passes near the point by every student: divide by the number of students near it":
                y[near].sum() / len(y),
            "students exactly at the radius are counted: keep those strictly closer (distance < radius, not <=)":
                rate(distance <= radius),
            f"the point is fixed at {STUDENT}: use the argument `point`": rate(fixed_point),
        })



# ---- 8. a straight line against a bent boundary

def test_accuracy(t):
    p = np.array([[0.9], [0.2], [0.6], [0.4], [0.7], [0.1], [0.5], [0.5]], np.float32)  # 0.5 exactly: class 0
    y = np.array([1, 0, 0, 0, 1, 1, 0, 0], np.float32)
    cases = [(p, y)]
    if t.hidden:
        cases += [(t.uniform(n, 1, low=0.01, high=0.99), (t.rng.uniform(size=n) < 0.5).astype(np.float32))
                  for n in (1, 9, 40)]
    for p, y in cases:
        n, predicted = len(y), p[:, 0] > 0.5
        what = f"accuracy(p {p.shape}, y {y.shape})"
        result = t.call("accuracy", t.tensor(p), t.tensor(y))
        t.require_tensor(result, "`accuracy`")
        raw = to_numpy(result)
        expect(raw.dtype.kind not in "iub" or np.isclose(float(np.mean(raw)), np.mean(predicted == y)),
               f"{what} returns {raw} as {raw.dtype}: the mean was taken over integers or booleans, which cannot hold "
               f"a fraction such as {np.mean(predicted == y):.4f}. Cast the comparison to float32 before the mean "
               "(tf.cast(..., tf.float32), .float())")
        got = raw.astype(np.float64)
        expect(got.shape != (n, n) or n == 1,
               f"{what} has shape {got.shape}: p has shape (n, 1) and y shape (n,), so comparing them broadcasts "
               "to an (n, n) table of every prediction against every label. Compare p[:, 0] (one number per "
               "example) with y, then take the mean")
        assert_close(got, np.mean(predicted == y), f"{what}: the fraction of examples classified right", mistakes={
            "p has shape (n, 1) and y shape (n,): comparing them broadcasts to an (n, n) table of every prediction "
            "against every label, whose mean is not the accuracy. Compare p[:, 0] (one number per example) with y":
                np.mean(predicted[:, None] == y[None, :]),
            "that counts the examples classified right: the accuracy divides the count by n": np.sum(predicted == y),
            "that is the error rate: class 1 is predicted where p > 0.5": np.mean(predicted != y),
            "the probabilities are compared with the labels as they are: first turn each into a class "
            "(1 where p > 0.5, else 0)": np.mean(p[:, 0] == y),
            "p = 0.5 exactly is counted as class 1: class 1 is where p > 0.5, strictly (not >=)":
                np.mean((p[:, 0] >= 0.5) == y),
            "argmax over p's single column is always 0, so every point is put in class 0: with one probability "
            "per point, class 1 is where p > 0.5": np.mean(y == 0),
        })


def _probabilities(t, model, X, what):
    """The model's outputs on X as NumPy (n, 1), insisting on one probability per point, there and far away."""
    n = len(X)
    far = 100 * np.stack([np.cos(np.arange(64) * np.pi / 32), np.sin(np.arange(64) * np.pi / 32)], axis=1)
    everywhere = attempt(f"running {what} on a batch of points", t.ref.run_model, model, np.vstack([X, far]))
    expect(everywhere.ndim >= 1 and len(everywhere) == n + len(far),
           f"{what} on a batch of {n + len(far)} points returns shape {everywhere.shape}: it should return one row "
           f"per point, shape ({n + len(far)}, 1)")
    p = everywhere[:n]
    expect(p.shape != (n,), f"{what} returns shape {p.shape}: keep the output as one column, shape ({n}, 1)")
    expect(p.ndim != 2 or p.shape[1] == 1,
           f"{what} returns {p.shape[1]} numbers per point, shape {p.shape}: it needs one output unit, the "
           f"probability of class 1, shape ({n}, 1)")
    expect(p.shape == (n, 1), f"{what} on a batch X of shape {X.shape} should return shape ({n}, 1), got {p.shape}")
    expect(bool(np.all(np.isfinite(everywhere))), f"{what} returns NaN or infinite values")
    expect(everywhere.min() >= 0 and everywhere.max() <= 1,
           f"{what} returns values from {everywhere.min():.3g} to {everywhere.max():.3g} (on the points and on points "
           f"far away): {OUTSIDE_0_1}")
    return p


def _nonlinearity(p, X):
    """How far the log-odds log(p / (1 - p)) of a model is from an affine function of x: the relative residual of
    the least-squares fit a x1 + b x2 + c, about 1e-6 for a linear model (float32), near 1 for a bent one."""
    p = p[:, 0].astype(np.float64)
    keep = (p > 1e-4) & (p < 1 - 1e-4)  # where float32 still resolves the log-odds
    if keep.sum() < 10:
        return 1.0  # saturated almost everywhere: no linear model trained this briefly does that
    z = np.log(p[keep]) - np.log1p(-p[keep])
    A = np.column_stack([X[keep], np.ones(keep.sum())])
    residual = z - A @ np.linalg.lstsq(A, z, rcond=None)[0]
    return float(np.linalg.norm(residual) / (np.linalg.norm(z - z.mean()) + 1e-12))


def _check_count(t, model, what, expected, hidden=None):
    count = int(attempt(f"counting the trainable numbers of {what}", t.ref.framework_count, model, 2))
    if count == expected:
        return
    message = f"{what} has {count} trainable numbers; it should have {expected}"
    if hidden is None:
        message += ": a perceptron on two inputs has two weights and one bias, one MyDenseLayer(2, 1)"
    elif count == 3:
        message += ": that is a perceptron, one layer. Put a hidden layer of `hidden` units before the output"
    elif count == hidden ** 2 + 5 * hidden + 1:
        message += (f": that is two hidden layers of {hidden} units (2 x {hidden} + {hidden}, then {hidden} x {hidden} "
                    f"+ {hidden}, then {hidden} + 1). The MLP has one hidden layer: 2 -> {hidden} -> 1")
    elif (count - 1) % 4 == 0:
        units = (count - 1) // 4
        message += (f" (2 x {hidden} + {hidden} in the hidden layer, {hidden} + 1 in the output): it has "
                    f"{units} hidden unit{'' if units == 1 else 's'}, not hidden = {hidden}. Use the argument "
                    "`hidden`")
    else:
        message += (f": 2 inputs -> {hidden} hidden units -> 1 output holds 2 x {hidden} + {hidden} weights and "
                    f"biases in the hidden layer and {hidden} + 1 in the output")
    raise CheckFailed(message)


def _train(fit, model, X, y, what):
    """fit(model, X, y, steps, rate), with what the framework says when the model cannot be trained explained."""
    try:
        return fit(model, X, y, TRAINING_STEPS, LEARNING_RATE)
    except Exception as error:
        if "between 0 and 1" in str(error):  # PyTorch's binary cross-entropy, given an output that left [0, 1]
            raise CheckFailed(f"in training, {what} returned values outside [0, 1] (PyTorch's loss said: "
                              f"{str(error).strip()[:80]}): {OUTSIDE_0_1}") from None
        if not isinstance(error, NotImplementedError) or "eager execution" not in str(error):
            raise
        raise CheckFailed(
            "training the model in a tf.function (as the notebook's train does) failed: numpy() is only available "
            "when eager execution is enabled. The forward pass must run in graph mode: no .numpy() inside it, and "
            "no function decorated with @tf.function given the layer's Keras variables (a decorated dense_forward "
            "called with self.W, for one): drop the decorator, or pass tf.convert_to_tensor(self.W) and "
            "tf.convert_to_tensor(self.b)") from None


def test_nonlinear_mlp(t):
    X, y = two_rings(200)  # the notebook's rings
    linear = t.call("linear_classifier")
    expect(not t.ref.is_class(linear), "linear_classifier() returns a class, not a layer: make one and return it, "
                                       "MyDenseLayer(2, 1)")
    p = _probabilities(t, linear, X, "linear_classifier()")
    _check_count(t, linear, "linear_classifier()", 3)
    expect(_nonlinearity(p, X) < 1e-3, "linear_classifier() is not linear: its log-odds is not an affine function "
                                       "of (x1, x2). A perceptron is one dense layer: one MyDenseLayer(2, 1)")
    if t.hidden:  # one training only, the costly part: fresh rings and a width of the test's choosing
        X, y = two_rings(200, seed=int(t.rng.integers(1, 2 ** 31)))
        cases = [(int(t.rng.integers(8, 13)), X, y, "200 fresh points of two rings")]
    else:
        cases = [(NOTEBOOK_HIDDEN, X, y, "the notebook's rings, two_rings(200)")]
    for hidden, X, y, where in cases:
        what = f"mlp_classifier({hidden})"
        model = t.call("mlp_classifier", hidden)
        _probabilities(t, model, X, what)
        _check_count(t, model, what, 4 * hidden + 1, hidden)
        attempt(f"training {what}", _train, t.ref.fit_classifier, model, X, y, what)
        p = _probabilities(t, model, X, f"{what} after training")
        got, best = float(np.mean((p[:, 0] > 0.5) == y)), best_line_accuracy(X, y)
        required = max(0.9, best + 0.15)
        if got < required:
            message = (f"{what}, trained for {TRAINING_STEPS} steps (full-batch Adam, learning rate "
                       f"{LEARNING_RATE}) on {where}, classifies {got:.1%} of the points right. The best any "
                       f"straight line can do on these points is {best:.1%}; an MLP should reach at least "
                       f"{required:.1%}")
            if _nonlinearity(p, X) < 1e-3:
                message += (". Likely mistake: your model is linear (its log-odds is an affine function of x1 and "
                            "x2), so its boundary is a straight line. Without a non-linear activation after the "
                            "hidden layer the two layers collapse into one (lab 01): make both layers MyDenseLayers, "
                            "which apply the sigmoid")
            raise CheckFailed(message)


# ---- predict, then run; and the bug museum (mitdl_utils.prediction)

# The two networks of the prediction, and their layers' counts (weights and biases): 200,960 + 65,792 + 2,570 =
# 269,322, then 401,920 + 262,656 + 5,130 = 669,706 (x 2.49). tests/test_lab02_dense.py checks these numbers.
PARAMETER_GROWTH = Choice(
    "Doubling both hidden layers of [784, 256, 256, 10], which holds 269,322 weights and biases, gives "
    "[784, 512, 512, 10]. Its count is that times", options={
        "a": "about 2",
        "b": "about 2.5",
        "c": "about 4",
        "d": "about 8",
    }, answer="b", why={
        "a": "a layer with one end at the 784 inputs or the 10 outputs doubles, but the middle layer has both ends "
             "in hidden layers: its 65,792 weights and biases become 262,656, four times as many, so the total, "
             "669,706, is more than twice 269,322",
        "c": "only the middle layer, hidden to hidden, grows fourfold (65,792 -> 262,656). The first layer holds "
             "200,960 of the 269,322, and with its 784 inputs fixed it only doubles (to 401,920), as does the last",
        "d": "the layers' counts add up, they do not multiply: each layer grows twofold or fourfold, so their sum "
             "grows at most fourfold. It goes from 269,322 to 669,706",
    })

MUSEUM = {
    "relu_class": Choice(
        "`relu_class`: the activation slide's line `torch.nn.ReLU(z)`, run with the framework's ReLU layer class, "
        "never gives max(0, z). Why?", options={
            "a": "ReLU works on one number at a time, and a whole 2 x 2 matrix z is more than it accepts.",
            "b": "Its arguments are the layer's settings: z lands in one of them, and nothing is applied.",
            "c": "z holds negative entries (-1 and -3), and ReLU refuses inputs below 0.",
            "d": "The layer is not built yet: it must see a batch's shape before it can compute anything.",
        }, answer="b", why={
            "a": "the function form of ReLU, printed by the exhibit's cell, takes the same 2 x 2 matrix and returns "
                 "max(0, z) entry by entry, [[0, 2], [0.5, 0]]",
            "c": "turning negative numbers into 0 is ReLU's whole job: the function form turns -1 and -3 into 0 "
                 "without complaint",
            "d": "a ReLU layer holds no weights, so there is nothing to build: the same class made with empty "
                 "parentheses, then called on z, gives max(0, z) at once (printed last)",
        }),
    "linear_stack": Choice(
        "`linear_stack`: the slide's deep network, dense layers of 16 and 16 units with no activation between "
        "them, trained on the rings, gets about half the points right, as the perceptron does. Why?", options={
            "a": "150 steps are too few for three layers: a deeper network needs longer to bend its boundary.",
            "b": "16 units per hidden layer are too few to draw a boundary that closes around a ring.",
            "c": "With nothing between them the layers compose into one: the stack is a single layer, a line.",
            "d": "A dense layer given no activation applies ReLU, which switches most hidden units off.",
        }, answer="c", why={
            "a": "450 more steps leave its loss at 0.690 and about half the points right: after 150 steps it has "
                 "already reached the perceptron's loss, 0.690, the lowest any single line reaches on these points",
            "b": "section 8's MLP has 16 hidden units too, and with a sigmoid after them it gets nearly every "
                 "point right; this stack computes the same as one layer of 2 weights and a bias, to 1e-7",
            "d": "a dense layer's default is no activation at all: the single layer made from the product of the "
                 "three weight matrices, with no ReLU anywhere, matches the stack to 1e-7",
        }),
}


# Reference helpers that make the objects a test gives the student's code (models, optimizers, layers) or
# work on the objects it returns: the grader runs these in the notebook's process (autograder.remote);
# every other helper works on data and runs in the judge.
IN_NOTEBOOK = frozenset({
    "build_layer", "builtin_weights", "deep_network", "dense_weights", "fit_classifier", "framework_count",
    "gradient_probe", "is_builtin_dense", "is_class", "is_model", "layer_gradients", "load_dense_weights",
    "pass_model", "probe_followed", "run_model", "set_layer_weights", "trainable", "trainable_shapes"
})

EXERCISES = [
    Exercise("dense_forward", "Many perceptrons side by side", 2, test_dense_forward, [
        "One matrix product computes every output for every example at once; then add b and apply g.",
        "X has shape (n, inputs) and W shape (inputs, outputs), so the product of the two, in that order, has shape "
        "(n, outputs); b (outputs,) is added to every row, and g acts on the result.",
    ]),
    Exercise("dense_layer", "A dense layer from scratch", 3, test_dense_layer, [
        "Create W and b once, in __init__, the way the framework registers trainable weights (the comment at "
        "the top of the cell says how); the forward method only uses them.",
        "W has shape (input_dim, output_dim) and random starting values; b has shape (output_dim,) and may start "
        "at 0. The forward pass is your dense_forward(x, W, b, g) with g = the sigmoid.",
    ]),
    Exercise("builtin_dense", "The framework's dense layer, same weights", 2, test_builtin_dense, [
        "Make the framework's layer with the right number of inputs and outputs, then overwrite its weights.",
        "The sizes are W.shape[0] inputs and W.shape[1] outputs. If the layer stores its matrix as (outputs, "
        "inputs), what goes in is W.T; copy b into the bias; no activation, so the layer computes x W + b.",
    ]),
    Exercise("two_layer_model", "A Sequential model", 2, test_two_layer_model, [
        "Two dense layers with a ReLU between them and nothing after the last one.",
        "The first layer maps m inputs to n units, the second maps n units to 2 outputs; the ReLU acts on the "
        "first layer's outputs (an activation argument of the layer, or a ReLU module of its own).",
    ]),
    Exercise("deep_network", "A deep network from a list of sizes", 2, test_deep_network, [
        "Loop over the neighbouring pairs of sizes: one dense layer per pair.",
        "zip(sizes[:-1], sizes[1:]) gives each layer's (inputs, outputs). A ReLU follows every layer except the "
        "last: collect the layers in a list first, then make the Sequential from it.",
    ]),
    Exercise("parameter_count", "Counting parameters", 1, test_parameter_count, [
        "A layer from n_in to n_out units has a weight for every (input, output) pair and a bias per output.",
        "Sum n_in * n_out + n_out over the neighbouring pairs of sizes.",
    ]),
    Exercise("predict_parameter_growth", "Predict: a network twice as wide", 1,
             prediction_test("predict_parameter_growth", PARAMETER_GROWTH), [
                 "Count layer by layer: a layer's count depends on both of its widths. Which layers have both ends "
                 "in hidden layers, and which have one end fixed at the inputs or the outputs?",
                 "Doubling both widths of a layer multiplies its weights by 4, doubling one of them by 2. Which "
                 "holds more of the 269,322: the first layer's 784 x 256 weights or the middle one's 256 x 256?",
             ], question=PARAMETER_GROWTH),
    Exercise("will_i_pass", "Will I pass this class?", 2, test_will_i_pass, [
        "pass_model: 2 inputs -> 3 hidden units (sigmoid) -> 1 output (sigmoid). predict_pass: put the student in a "
        "batch of one row and read back the single number.",
        "The input row is [[lectures, hours]] (a float32 tensor); the model returns shape (1, 1): index [0, 0].",
    ]),
    Exercise("pass_rate_near", "What the data says", 2, test_pass_rate_near, [
        "Compute each student's distance to the point, keep those closer than the radius, average their y.",
        "distance = sqrt(sum over the two columns of (X - point)^2); near = distance < radius; the rate is the mean "
        "of y[near].",
    ]),
    Exercise("accuracy", "Accuracy", 1, test_accuracy, [
        "Turn each probability into a class, compare the classes with the labels, and average.",
        "Class 1 where p > 0.5. p has shape (n, 1) but y shape (n,): take p[:, 0] before comparing, or the "
        "comparison broadcasts to (n, n). Cast the booleans to float32 to take their mean.",
    ]),
    Exercise("nonlinear_mlp", "A straight line against a bent boundary", 3, test_nonlinear_mlp, [
        "Both models are made of your MyDenseLayer: the perceptron is one layer with one output; the MLP puts a "
        "hidden layer of `hidden` units before such an output layer.",
        "linear_classifier: a single MyDenseLayer from the 2 inputs to 1 output. mlp_classifier: a Sequential of two "
        "MyDenseLayers, inputs -> `hidden` units and `hidden` units -> 1 output; each applies the sigmoid, so the "
        "hidden layer is non-linear and the output is a probability.",
    ]),
    Exercise("bug_museum", "The bug museum: why each exhibit goes wrong", 1, prediction_test("bug_museum", MUSEUM), [
        "For each exhibit, set what the cell printed beside what the right code gives (printed with it): what "
        "must the slide's line really do for exactly that output to come out?",
        "relu_class: what do parentheses after a class name make, and where does an argument given there go? "
        "linear_stack: multiply out (x W1 + b1) W2 + b2; what kind of function of x is that?",
    ], question=MUSEUM),
]
