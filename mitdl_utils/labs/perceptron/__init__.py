"""Lab 01, the perceptron: exercises, their tests and hints (framework-neutral).

Each test gets a Trial `t`: `t.tensor_result(name, ...)` calls the student's function,
`t.ref` is the reference implementation in the notebook's framework, and the
`mistakes` dictionaries describe what common wrong answers would return.
"""
import numpy as np

from mitdl_utils.checking import CheckFailed, Exercise, assert_close, expect, to_numpy
from mitdl_utils.prediction import Choice, prediction_test

LECTURE_W0, LECTURE_W, LECTURE_X = 1.0, [3.0, -2.0], [-1.0, 2.0]


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_activations(t):
    z = np.array([-6.0, -2.0, -0.5, 0.0, 0.5, 3.0], np.float32)
    if t.hidden:
        z = np.concatenate([z, t.uniform(20, low=-8, high=8)])
    for name, forbidden in [("sigmoid", ("sigmoid", "Sigmoid", "expit")), ("tanh", ("tanh", "Tanh")),
                            ("relu", ("relu", "ReLU", "relu6"))]:
        given = t.tensor(z)
        got = t.tensor_result(name, given)
        expected = t.fw.activations[name](t.tensor(z))  # the framework's own function
        mistakes = {
            "sigmoid": {"the sign in the exponent is flipped (that is 1 - sigmoid(z)): "
                        "sigmoid(z) = 1 / (1 + e^(-z))": _sigmoid(-z)},
            "tanh": {"that is sinh(z) = (e^z - e^-z) / 2: divide by (e^z + e^-z) instead": np.sinh(z),
                     "that is sigmoid(z); tanh(z) = 2 sigmoid(2z) - 1": _sigmoid(z),
                     "2 sigmoid(z) - 1 is tanh(z / 2): the sigmoid's argument is 2z, tanh(z) = 2 sigmoid(2z) - 1":
                         2 * _sigmoid(z) - 1},
            "relu": {"use the maximum with 0, not the minimum": np.minimum(z, 0),
                     "|z| keeps negative inputs; ReLU sets them to 0": np.abs(z),
                     "that is ReLU's derivative (0 or 1), not ReLU: keep z itself where it is positive":
                         (z > 0) * 1.0},
        }[name]
        assert_close(got, expected, f"{name}(z) for z = {np.round(z[:6], 2)}...", mistakes=mistakes)
        _require_unchanged(t, f"`{name}`", {"z": (given, z)})
        t.forbid_calls(name, *forbidden)
        _require_differentiable(t, name, z[z != 0], np.vectorize(_derivative(name))(z[z != 0]))
    _test_tanh_far_from_zero(t)
    if t.hidden:
        _test_any_shape(t)


def _derivative(name):
    """The derivative of an activation, for one float (away from relu's kink)."""
    return {"sigmoid": lambda v: _sigmoid(v) * (1 - _sigmoid(v)), "tanh": lambda v: 1 - np.tanh(v) ** 2,
            "relu": lambda v: float(v > 0)}[name]


def _require_unchanged(t, what, given):
    """Fail if the student's code changed an argument in place. given: label -> (the tensor passed, its values
    before the call). `t.ref.held` reads the tensor where the student's code ran (the grader's sandbox too)."""
    for label, (tensor, before) in given.items():
        now = to_numpy(t.ref.held(tensor))
        expect(np.array_equal(now, before), f"{what} changed its argument `{label}` in place: after the call it "
               f"holds {_first(now)} instead of {_first(before)}; the "
               "caller's tensor must stay as it was. An in-place operation (x[...] = ..., +=, or a method ending "
               "in _, such as clamp_) writes into it: compute a new tensor instead, or work on a copy (x.clone())")


def _first(values, most=6):
    """The first few values, rounded, with "..." when there are more."""
    values = np.ravel(values)
    return f"{np.round(values[:most], 4)}{'...' if values.size > most else ''}"


def _require_differentiable(t, name, z, derivative):
    """Autograd through the student's `name` at z must give `derivative` (a NumPy round trip gives nothing).
    The helper runs where the function lives (IN_NOTEBOOK): in the grader, inside the sandbox."""
    fn = t.function(name)
    what = f"{t.fw.label} autograd through your `{name}`"
    try:
        gradient, reason = t.ref.autograd_derivative(fn, t.tensor(z)), "the gradient is None"
    except Exception as error:  # the student's code, run on a tensor autograd tracks
        text = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
        expect("numpy" in text.lower(), f"{what} raised {type(error).__name__}: {text}")
        gradient, reason = None, f"it raised {type(error).__name__}: {text}"
    expect(gradient is not None, f"{what} found no path from z to the result ({reason}): the computation left "
           f"{t.fw.label} on the way (an np.* function, .numpy(), .detach() or .item(), or a new tensor made from "
           "such values with tf.constant / torch.tensor), and autograd cannot follow it there, so nothing could "
           f"be trained through it. Use {t.fw.label} operations throughout")
    assert_close(gradient, derivative, f"{what}: d {name}(z) / dz")


def _test_any_shape(t):
    """The docstrings promise any shape: a matrix and a single number (0-d)."""
    for shape in [(2, 3), ()]:
        z = t.uniform(*shape)
        for name in ("sigmoid", "tanh", "relu"):
            what = f"`{name}` on a tensor of shape {shape} (the docstring: any shape, and the same shape back)"
            try:
                got = t.tensor_result(name, t.tensor(z))
            except CheckFailed as failure:
                raise CheckFailed(f"{what}: {failure}. Write it elementwise, without len(), loops or indexing "
                                  "that assume a vector") from None
            assert_close(got, to_numpy(t.fw.activations[name](t.tensor(z))), what)


def _test_tanh_far_from_zero(t):
    """Where e^|z| overflows float32 (|z| > 88.7): the textbook formula gives inf / inf = nan there."""
    z = np.array([-500.0, -100.0, -90.0, 90.0, 100.0, 500.0], np.float32)
    if t.hidden:
        z = np.concatenate([z, t.uniform(6, low=89, high=1000) * t.rng.choice(np.float32([-1, 1]), 6)])
    got = t.tensor_result("tanh", t.tensor(z))
    expect(np.all(np.isfinite(got)), f"tanh(z) for z = {np.round(z[:6], 1)} returned {got[:6]}: "
           "above |z| = 88.7, e^|z| overflows float32 to inf, and a formula that then divides inf by inf, which is "
           "nan (as (e^z - e^-z) / (e^z + e^-z) does), fails there. Divide top and bottom by e^z: "
           "tanh(z) = 2 / (1 + e^(-2z)) - 1, where an overflow can only land in a denominator")
    assert_close(got, np.tanh(z.astype(np.float64)), f"tanh(z) for large |z|, z = {np.round(z[:6], 1)}")


def test_derivatives(t):
    z = np.array([-6.0, -2.0, -0.5, 0.5, 1.0, 3.0], np.float32)  # no 0: ReLU has no derivative there
    if t.hidden:
        z = np.concatenate([z, t.uniform(20, low=-5, high=5)])
        z = z[np.abs(z) > 1e-3]
    s = _sigmoid(z)
    mistakes = {
        "sigmoid_derivative": {"the factor is (1 - sigmoid(z)), not (1 + sigmoid(z))": s * (1 + s),
                               "apply s(1 - s) to s = sigmoid(z), not to z itself": z * (1 - z),
                               "that is sigmoid(z) itself, not its derivative": s},
        "tanh_derivative": {"square tanh: the derivative is 1 - tanh(z)^2": 1 - np.tanh(z),
                            "the derivative is 1 - tanh(z)^2, not 1 + tanh(z)^2": 1 + np.tanh(z) ** 2,
                            "1 / cosh(z) must be squared: the derivative is 1 / cosh(z)^2 = 1 - tanh(z)^2":
                                1 / np.cosh(z)},
        "relu_derivative": {"that is ReLU itself, not its derivative (0 or 1)": np.maximum(z, 0),
                            "the slope is 1 for positive z and 0 for negative z, not the other way": (z < 0) * 1.0},
    }
    for name, activation in [("sigmoid_derivative", "sigmoid"), ("tanh_derivative", "tanh"),
                             ("relu_derivative", "relu")]:
        got = t.call(name, t.tensor(z))
        t.require_tensor(got, f"`{name}`")
        expected = getattr(t.ref, name)(t.tensor(z))
        assert_close(got, expected, f"{name}(z) for z = {np.round(z[:6], 2)}...", mistakes=mistakes[name],
                     dtype="float32")
        autograd = t.fw.elementwise_grad(t.fw.activations[activation], t.tensor(z))
        assert_close(got, autograd, f"{name}(z) compared with {t.fw.label} autograd of {activation}")
    if t.hidden:
        _test_relu_derivative_at_zero(t)


def _test_relu_derivative_at_zero(t):
    """The docstring asks for 0 at z = 0, exactly where ReLU has no derivative."""
    got = to_numpy(t.call("relu_derivative", t.tensor(np.float32([-1.0, 0.0, 2.0]))))
    at_zero = float(got.ravel()[1]) if got.size == 3 else None
    why = {1.0: ": z >= 0 counts z = 0 as positive; compare with z > 0"}.get(at_zero, "")
    if at_zero is not None and np.isnan(at_zero):
        why = ": relu(z) / z is 0 / 0 = nan there; compare z with 0 instead (z > 0)"
    expect(at_zero == 0.0, f"relu_derivative(z) for z = [-1, 0, 2] gives {got} where [0, 0, 1] is asked: at z = 0 "
           f"the result should be 0 (the docstring; the frameworks do the same){why}")


def test_perceptron(t):
    cases = [(np.array([LECTURE_X, [0.0, 0.0], [2.0, 1.0]], np.float32), 1.0,
              np.array(LECTURE_W, np.float32), "sigmoid")]
    if t.hidden:
        cases += [(t.normal(7, 4), float(t.normal(1)[0]), t.normal(4), "tanh"),
                  (t.normal(5, 3), float(t.normal(1)[0]), t.normal(3), "relu")]
    for X, w0, W, activation in cases:
        g = t.fw.activations[activation]
        got = t.tensor_result("perceptron", t.tensor(X), t.tensor(w0), t.tensor(W), g)
        np_g = {"sigmoid": _sigmoid, "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0)}[activation]
        mistakes = {
            "the bias w0 is missing: z = w0 + X W": np_g(X @ W),
            "the activation g is not applied to z": w0 + X @ W,
            "the bias is subtracted: z = w0 + X W": np_g(X @ W - w0),
            "the bias is added after g: it goes inside, y_hat = g(w0 + X W)": np_g(X @ W) + w0,
            "X * W multiplies elementwise and keeps one value per feature: sum each row's products (a dot product "
            "per row, X W) to get one value per input": np_g(w0 + X * W),
        }
        if activation != "sigmoid":
            mistakes["the result is sigmoid(z) whatever activation g is passed in: apply the argument g, not "
                     "sigmoid"] = _sigmoid(w0 + X @ W)
        expected = t.ref.perceptron(t.tensor(X), t.tensor(w0), t.tensor(W), g)
        assert_close(got, expected, f"perceptron(X of shape {X.shape}, g={activation})", mistakes=mistakes)


def test_lecture_example(t):
    result = t.call("lecture_example")
    expect(isinstance(result, tuple) and len(result) == 2,
           f"`lecture_example` should return a pair (z, y_hat), got {type(result).__name__}")
    z, y_hat = result
    pair = [to_numpy(value).astype(np.float64) if np.asarray(to_numpy(value)).dtype.kind in "biuf" else None
            for value in result]
    if all(value is not None and value.size == 1 for value in pair):
        first, second = (float(value.ravel()[0]) for value in pair)
        expect(not (np.isclose(first, _sigmoid(-6.0), rtol=1e-3) and np.isclose(second, -6.0)),
               f"`lecture_example` returned ({first:.4g}, {second:.4g}): that is (y_hat, z), the pair in the wrong "
               "order; return z first, then y_hat")
        expect(not (np.isclose(first, _sigmoid(-6.0), rtol=1e-3) and np.isclose(second, _sigmoid(_sigmoid(-6.0)))),
               f"`lecture_example` returned z = {first:.4g}: that is sigmoid(-6), so z went through the sigmoid "
               "(and y_hat through it twice). z is the weighted sum before the activation: compute it with the "
               "identity activation (lambda z: z), then y_hat = sigmoid(z)")
    assert_close(z, -6.0, "z = w0 + x . W for the lecture's example",
                 mistakes={"the bias w0 = 1 is missing": -7.0, "x . W has the wrong sign": 8.0})
    assert_close(y_hat, _sigmoid(-6.0), "y_hat = sigmoid(z)", rtol=1e-3,
                 mistakes={"y_hat should be sigmoid(z), not z": -6.0, "that is sigmoid(+6)": _sigmoid(6.0),
                           "0.002 is the slide's figure, rounded: compute y_hat = sigmoid(z) instead of typing it in":
                               0.002,
                           "0.0025 is sigmoid(-6) rounded: compute y_hat = sigmoid(z) instead of typing it in":
                               0.0025})


def test_decision_boundary(t):
    x1 = np.array([-2.0, -1.0, 0.0, 1.0, 2.5], np.float32)
    X = np.array([[0.0, 0.0], [1.0, 3.0], [-1.0, -2.0], [2.0, 1.0], [-1.0, 2.0]], np.float32)
    if t.hidden:  # after the visible points: three exactly on the line (z = 0), then random ones
        x1 = np.concatenate([x1, t.uniform(10)])
        X = np.concatenate([X, np.float32([[1.0, 2.0], [-1.0, -1.0], [3.0, 5.0]]), t.uniform(25, 2)])
    got = t.tensor_result("boundary_x2", t.tensor(x1))
    assert_close(got, (1 + 3 * x1) / 2, "boundary_x2(x1): the x2 where 1 + 3 x1 - 2 x2 = 0",
                 mistakes={"solve for x2 again: 2 x2 = 1 + 3 x1": (1 - 3 * x1) / 2,
                           "divide by 2 rather than multiply": (1 + 3 * x1) * 2})
    z = 1 + 3 * X[:, 0] - 2 * X[:, 1]
    got = t.call("on_positive_side", t.tensor(X))
    t.require_tensor(got, "`on_positive_side`")
    what = f"on_positive_side(X) for X = {X[:5].tolist()}..."
    assert_close(got, z > 0, what, mistakes={
        "the inequality is reversed: positive side means z > 0": z < 0,
        "points exactly on the line (z = 0) count as positive: the positive side is z > 0, strictly; use > rather "
        "than >=": z >= 0,
        "that is z itself: compare it with 0 (z > 0) to get True or False": z,
        "x1 and x2 are swapped: x1 is the first column, X[:, 0], and x2 the second": 1 + 3 * X[:, 1] - 2 * X[:, 0] > 0,
        "X[0] and X[1] are the first two rows, not the columns: x1 is X[:, 0] and x2 is X[:, 1]":
            1 + 3 * X[0] - 2 * X[1] > 0,
    })
    dtype = to_numpy(got).dtype
    expect(dtype == bool, f"{what}: the values are right, but as {dtype} where a boolean tensor is asked: the "
           "comparison z > 0 itself gives True or False; return it as it is, without a cast to numbers")


def test_collapse(t):
    shapes = [(3, 4, 2)] + ([(5, 6, 3), (2, 3, 1)] if t.hidden else [])
    for d_in, hidden, d_out in shapes:
        W1, b1, W2, b2 = t.normal(d_in, hidden), t.normal(hidden), t.normal(hidden, d_out), t.normal(d_out)
        given = {"W1": (t.tensor(W1), W1), "b1": (t.tensor(b1), b1), "W2": (t.tensor(W2), W2), "b2": (t.tensor(b2), b2)}
        try:
            result = t.call("collapse_linear", *(tensor for tensor, _ in given.values()))
        except CheckFailed as failure:
            raise CheckFailed(f"{failure}. Here W1 is {W1.shape}, b1 {b1.shape}, W2 {W2.shape} and b2 {b2.shape}: "
                              f"x W1 W2 makes W the matrix product W1 @ W2 of shape {(d_in, d_out)}, and b1 goes "
                              f"through the second layer as b1 @ W2, of shape {(d_out,)}, like b2") from None
        expect(isinstance(result, (tuple, list)) and len(result) == 2,
               "`collapse_linear` should return a pair (W, b)")
        W, b = result
        t.require_tensor(W, "`collapse_linear`'s W")
        t.require_tensor(b, "`collapse_linear`'s b")
        assert_close(W, W1 @ W2, f"W for layers of sizes {d_in} -> {hidden} -> {d_out}",
                     mistakes={"multiply in the other order: x W1 W2, so W = W1 W2": (W2.T @ W1.T)})
        assert_close(b, b1 @ W2 + b2, "b of the single equivalent layer",
                     mistakes={"the first bias goes through the second layer too: b = b1 W2 + b2": b2,
                               "b1 must be multiplied by W2 before adding b2": b1[:d_out] + b2,
                               "b2 is missing: the second layer adds its own bias, b = b1 W2 + b2": b1 @ W2})
        _require_unchanged(t, "`collapse_linear`", given)
        x = t.normal(6, d_in)
        two_layers = (x @ W1 + b1) @ W2 + b2
        assert_close(x @ to_numpy(W) + to_numpy(b), two_layers, "x W + b against the two layers applied in turn")


# The reference helper that reads the student's tensors where the student's code ran: the grader runs it in the
# notebook's process (autograder.remote); every other helper works on data and runs in the judge.
IN_NOTEBOOK = frozenset({"held", "autograd_derivative"})

SCALED_WEIGHTS = Choice(
    "what multiplying every weight of the lecture's perceptron by 10 (w0 = 10, W = (30, -20)) does to its decision "
    "boundary, the line where y_hat = 0.5", options={
        "a": "The line moves ten times farther from the origin, because the bias that shifts it is now 10.",
        "b": "The line turns ten times steeper: it becomes x2 = (10 + 30 x1) / 2, no longer x2 = (1 + 3 x1) / 2.",
        "c": "It is the same line; only the change from y_hat near 0 to y_hat near 1 across it gets sharper.",
        "d": "The line is gone: with weights this large every y_hat is so near 0 or 1 that none is 0.5.",
    }, answer="c", why={
        "a": "the line is where z = 0, and 10 + 30 x1 - 20 x2 is 10 (1 + 3 x1 - 2 x2): ten times zero is zero, so "
             "the same points solve it; the point (0, 0.5) is on the line before and after, as far from the origin "
             "as it was",
        "b": "solving 10 + 30 x1 - 20 x2 = 0 for x2 divides by 20, not by 2: x2 = (10 + 30 x1) / 20 = "
             "(1 + 3 x1) / 2, the old line; the coefficient of x2 was scaled too",
        "d": "every point of the old line still has z = 10 (1 + 3 x1 - 2 x2) = 0, (0, 0.5) and (1, 2) for instance, "
             "and sigmoid(0) = 0.5 whatever the weights; what shrinks is the band where y_hat lies between 0.1 and "
             "0.9, from about 1.22 wide to 0.12",
    })

MUSEUM = {
    "missing_activation": Choice(
        "`missing_activation`: the slide's model, two dense layers with no activation between them, gives the same "
        "outputs as one layer of 6 numbers read off it, with 64 hidden units (322 numbers) and with 1024 (5122 "
        "numbers). Why?", options={
            "a": "Its weights are still random: training would move them until the boundary bends around the "
                 "points, as the lecture's red and green picture shows.",
            "b": "Each layer applies the sigmoid by default, and for the small weights a layer starts with the "
                 "sigmoid is so close to a line that the gap does not show.",
            "c": "The hidden units all start with the same weights, so 64 or 1024 of them act as a single unit, "
                 "and copies of one unit add up to one layer.",
            "d": "A layer with no activation computes x W + b, and two in a row are again one: (x W1 + b1) W2 + "
                 "b2 = x W1 W2 + b1 W2 + b2.",
        }, answer="d", why={
            "a": "the identity (x W1 + b1) W2 + b2 = x W + b of section 6 holds for every W1, b1, W2 and b2, trained "
                 "or not: training changes the 6 numbers, never the form, so the boundary stays a straight line; and "
                 "the same random start with a ReLU between the layers is far from one layer",
            "b": "a dense layer applies no activation unless it is given one (its default is the identity), and a "
                 "sigmoid would not be matched by a linear layer to within the float32 rounding printed, 1e-6 at most",
            "c": "both frameworks draw every weight at random, so the units differ from one another; and the match "
                 "holds for any weights, as section 6's check with random W1 and W2 shows",
        }),
    "relu_layer": Choice(
        "`relu_layer`: the slide's `nn.ReLU(z)`, written with the ReLU layer class of the notebook's framework, "
        "gives back no activations: it raises, or builds an object that raises as soon as it is used. Why?",
        options={
            "a": "ReLU cannot take the negative entry -6 of z: an input below 0 must be removed before a ReLU "
                 "sees it, or it raises.",
            "b": "ReLU is a layer class: calling it builds a layer and takes z as the layer's first setting (a flag "
                 "or a cap), which is then tested as true or false.",
            "c": "A layer wants a batch with one row per example, shape (n, 1), and z is a vector of shape (3,), "
                 "so the shapes do not match.",
            "d": "ReLU has no derivative at 0, so the framework refuses to build it on a tensor that automatic "
                 "differentiation could follow.",
        }, answer="b", why={
            "a": "the function form on the same z, on the exhibit's last line, gives [0, 0.5, 2]: a negative input "
                 "simply becomes 0, which is all ReLU does",
            "c": "the layer built with no argument and then called on the same z of shape (3,), on the exhibit's last "
                 "line, gives [0, 0.5, 2]; and the error is about the truth value of a tensor, not about a shape",
            "d": "no autograd follows this z (nothing watches it or asks for its gradient), and the layer built with "
                 "no argument and then called on z works; at z = 0 the frameworks simply use a slope of 0",
        }),
    "transposed_batch": Choice(
        "`transposed_batch`: the slide's w0 + X^T W written for a batch, with X transposed, gives z = (2, 13) for "
        "the inputs (-1, 2) and (-2, -3), where the right z is (-6, 1), and raises for a batch of three. Why?",
        options={
            "a": "The slide's X is one input as a column; a batch holds one input per row, so X^T pairs W with "
                 "each feature's column, mixing the inputs.",
            "b": "The bias must be added to every feature of X before the product, so that each input's z gets "
                 "the bias once per feature.",
            "c": "The numbers are rounded in float32, and the rounding grows with the size of the batch until "
                 "three inputs overflow the product.",
            "d": "The weights must be transposed too: for a batch the slide's formula becomes w0 + X^T W^T, and "
                 "without the second transpose the dot products go wrong.",
        }, answer="a", why={
            "b": "the bias stands alone in z = 1 + 3 x1 - 2 x2, added once per input, and it is the same 1 in the "
                 "right z's (1 - 7 and 1 + 0) and the wrong ones (1 + 1 and 1 + 12): the dot products differ",
            "c": "these are small integers, exact in float32, and 2 against -6 is no rounding; the error for three "
                 "inputs is about the sizes of the matrix and the vector, (2, 3) against 2",
            "d": "W is a vector of shape (2,), and transposing a tensor with one axis leaves it as it is, so a second "
                 "transpose changes nothing; the fault is in X",
        }),
}

EXERCISES = [
    Exercise("activations", "Activation functions from their formulas", 3, test_activations, [
        "Write each formula with elementwise operations on tensors: exp, division, maximum.",
        "sigmoid(z) = 1 / (1 + exp(-z)) and relu(z) = max(z, 0). For tanh, the textbook ratio of exponentials "
        "overflows: exp(90) is inf in float32, and inf / inf is nan.",
        "Divide tanh's top and bottom by exp(z): tanh(z) = 2 / (1 + exp(-2 z)) - 1, that is 2 sigmoid(2 z) - 1; "
        "sigmoid(z) = 1 / (1 + exp(-z)) stays as it is.",
    ]),
    Exercise("derivatives", "Their derivatives", 3, test_derivatives, [
        "Each derivative can be written with the activation itself.",
        "sigmoid' = s (1 - s) with s = sigmoid(z); tanh' = 1 - tanh(z)^2; relu' = 1 where z > 0, else 0 "
        "(cast the boolean to float).",
    ]),
    Exercise("perceptron", "The perceptron's forward pass", 2, test_perceptron, [
        "Three steps: a dot product of each row of X with W, add the bias w0, apply g.",
        "X has shape (n, d) and W shape (d,): a matrix-vector product gives shape (n,). "
        "In TensorFlow use tf.linalg.matvec(X, W); in PyTorch X @ W.",
    ]),
    Exercise("lecture_example", "The lecture's worked example", 1, test_lecture_example, [
        "Put x in a batch of one row, call your perceptron with sigmoid, and compute z separately.",
        "z = 1 + (-1)(3) + (2)(-2); return both z and sigmoid(z).",
    ]),
    Exercise("decision_boundary", "The decision boundary", 2, test_decision_boundary, [
        "On the boundary z = 0 exactly: solve 1 + 3 x1 - 2 x2 = 0 for x2.",
        "Solved for x2 the line reads x2 = (a + b x1) / c: read a, b and c off 1 + 3 x1 - 2 x2 = 0 (mind the sign of "
        "the x2 term). A point is on the positive side when z > 0, i.e. when sigmoid(z) > 0.5.",
    ]),
    Exercise("predict_scaled_weights", "Predict: the weights times 10", 1,
             prediction_test("predict_scaled_weights", SCALED_WEIGHTS), [
                 "The boundary is the set of inputs where y_hat = 0.5. For which z does the sigmoid give exactly 0.5, "
                 "and does that z depend on the weights?",
                 "Write z = 0 with the new weights, 10 + 30 x1 - 20 x2 = 0, and compare its solutions with those of "
                 "1 + 3 x1 - 2 x2 = 0. Then see what a z ten times larger does to sigmoid(z) on either side of the "
                 "line: at (-1, 2), z = -6 becomes -60.",
             ], question=SCALED_WEIGHTS),
    Exercise("collapse", "Two linear layers are one", 2, test_collapse, [
        "Write out what the two layers do to x, one after the other, and collect every term that multiplies x.",
        "(x W1 + b1) W2 + b2 = x (W1 W2) + (b1 W2 + b2): read the single layer's W and b off this expansion.",
    ]),
    Exercise("bug_museum", "The bug museum: why each exhibit goes wrong", 1,
             prediction_test("bug_museum", MUSEUM), [
        "For each exhibit, set what it printed beside what the right code printed, and ask what the code must "
        "compute for exactly those numbers or that message to come out.",
        "missing_activation: expand (x W1 + b1) W2 + b2 as in section 6. relu_layer: read which setting of the layer "
        "z ended up in. transposed_batch: write X^T out by hand for the batch of two inputs: which numbers form "
        "its first row?",
    ], question=MUSEUM),
]
