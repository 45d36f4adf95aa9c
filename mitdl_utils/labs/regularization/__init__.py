"""Lab 06, regularization: exercises, their tests and hints (framework-neutral).

Each test gets a Trial `t`: `t.call(name, ...)` calls the student's function, `t.ref` is the
reference module of the notebook's framework (it also holds the framework-specific test steps:
calling a layer in training or evaluation mode, setting a model's weights), and the `mistakes`
dictionaries describe what common wrong answers would return.
"""
import ast
import dis
import inspect
import re
import textwrap

import numpy as np

from mitdl_utils.checking import CheckFailed, Exercise, NotAttempted, assert_close, attempt, expect, to_numpy
from mitdl_utils.data import noisy_sine
from mitdl_utils.prediction import Choice, prediction_test
from mitdl_utils.labs.regularization.shared import early_stopping, initial_weights  # noqa: F401 (for the notebooks)

# The lecture's picture of early stopping as numbers: the loss falls, flattens (with an exact tie), rises.
STOPPING_CURVE = [1.0, 0.7, 0.5, 0.45, 0.47, 0.45, 0.5, 0.55, 0.6, 0.4, 0.3]


def _attempt(what, fn, *args, **kwargs):
    """Run a student's method (a layer call): as `attempt`, and None also means not attempted."""
    result = attempt(what, fn, *args, **kwargs)
    if result is None:
        raise NotAttempted(f"{what} returned None: fill in the TODO")
    return result


# The frameworks' dropout, called by attribute (tf.nn.dropout, F.dropout, nn.Dropout) or by an imported name.
_FRAMEWORK_DROPOUT = re.compile(r"[A-Za-z_]*[dD]ropout(\d[dD])?_?")
_NUMPY = {"np", "numpy"}


def _code_objects(fn):
    """The code of a function, or of every method of a class, nested functions included."""
    functions = [v for v in vars(fn).values() if inspect.isfunction(v)] if inspect.isclass(fn) else [fn]
    stack = [f.__code__ for f in functions if hasattr(f, "__code__")]
    while stack:
        code = stack.pop()
        yield code
        stack += [c for c in code.co_consts if inspect.iscode(c)]


def _names_used(fn):
    """-> (attribute names loaded, global names loaded, base classes' names, "module.attribute" pairs such as
    "np.random") in `fn`'s code: from its source where the grader has it, else from its bytecode (a cell run by
    exec has no source file)."""
    attributes, globals_, bases, dotted = set(), set(), set(), set()
    source = getattr(fn, "__mitdl_source__", None)
    if source is None:
        try:
            source = inspect.getsource(fn)
        except (OSError, TypeError):
            source = None
    if source is not None:
        try:
            tree = ast.parse(textwrap.dedent(source))
        except SyntaxError:
            return attributes, globals_, bases, dotted
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                attributes.add(node.attr)
                if isinstance(node.value, ast.Name):
                    dotted.add(f"{node.value.id}.{node.attr}")
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                globals_.add(node.id)
            elif isinstance(node, ast.ClassDef):
                bases |= {b.attr if isinstance(b, ast.Attribute) else getattr(b, "id", "") for b in node.bases}
        return attributes, globals_, bases, dotted
    for code in _code_objects(fn):
        previous = None
        for instruction in dis.get_instructions(code):
            if instruction.opname in ("LOAD_ATTR", "LOAD_METHOD"):
                attributes.add(str(instruction.argval))
                if previous is not None:
                    dotted.add(f"{previous}.{instruction.argval}")
            elif instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME"):
                globals_.add(str(instruction.argval))
            previous = instruction.argval if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME") else None
    if inspect.isclass(fn):
        bases |= {c.__name__ for c in fn.__mro__[1:]}
    return attributes, globals_, bases, dotted


def _forbid_framework_dropout(t, name):
    """Fail if the student's `name` (a function or a class) calls the framework's own dropout."""
    attributes, globals_, bases, _ = _names_used(t.function(name))
    used = sorted(n for n in attributes | (globals_ - {"dropout"}) | bases if _FRAMEWORK_DROPOUT.fullmatch(n))
    if used:
        layer = " in `dropout`, and call your own `dropout` in the layer" if name != "dropout" else ""
        raise CheckFailed(f"`{name}` uses the framework's own dropout (the name `{used[0]}`): build the mask "
                          f"yourself from uniform random numbers{layer}")


def _forbid_numpy_random(t, name):
    """TensorFlow only: NumPy's random numbers are drawn once when tf.function traces the code, not per call."""
    if t.fw.name != "tensorflow":
        return
    if {f"{module}.random" for module in _NUMPY} & _names_used(t.function(name))[3]:
        raise CheckFailed(f"`{name}` draws its mask with NumPy (np.random): inside a tf.function, as Keras runs a "
                          "layer in fit(), NumPy runs once, while the function is traced, and every later call "
                          "reuses that one mask. Draw it with tf.random.uniform, which draws anew on every call")


# ---- 1. polynomial features ----

def test_polynomial_features(t):
    cases = [(np.array([-1.0, -0.5, 0.0, 0.5, 2.0], np.float32), 3)]
    if t.hidden:
        cases += [(t.uniform(7, low=-1.5, high=1.5).astype(np.float64), 5), (t.uniform(4, low=-1, high=1), 0)]
    for x, degree in cases:
        result = t.call("polynomial_features", t.tensor(x, str(x.dtype)), degree)
        t.require_tensor(result, "`polynomial_features`")
        got, n = to_numpy(result), len(x)
        what = f"polynomial_features(x = {np.round(x, 2).tolist()}, degree={degree})"
        expect(got.shape != (n * (degree + 1),), f"{what}: one flat vector of shape {got.shape}: the columns were "
               "joined end to end (concatenated); stack them side by side along axis 1 to get (n, degree + 1)")
        if got.shape == (n, degree) and degree > 0:
            expect(not np.allclose(got, x.astype(np.float64)[:, None] ** np.arange(degree)),
                   f"{what}: shape {got.shape}: the last column x^degree = x^{degree} is missing: "
                   f"range(degree) stops at degree - 1; there are degree + 1 = {degree + 1} columns")
            raise CheckFailed(f"{what}: shape {got.shape}: the constant column x^0 = 1 is missing; "
                              f"there are degree + 1 = {degree + 1} columns")
        expect(got.shape != (degree + 1, n) or n == degree + 1,
               f"{what}: shape {got.shape} is transposed: one row per example, shape (n, degree + 1)")
        expect(got.ndim != 2 or got.shape[0] != n or got.shape[1] == degree + 1,
               f"{what}: {got.shape[1] if got.ndim == 2 else 0} columns where degree={degree} asks for degree + 1 = "
               f"{degree + 1}: build the powers from the argument `degree`, not from a fixed number")
        expected = x.astype(np.float64)[:, None] ** np.arange(degree + 1)
        assert_close(got, expected, what, mistakes={
            "the powers are in decreasing order (np.vander's default): put x^0 first and x^degree last":
                expected[:, ::-1],
            "the powers start at 1: the first column is x^0 = 1":
                x.astype(np.float64)[:, None] ** np.arange(1, degree + 2),
        })
        expect(got.dtype == x.dtype, f"{what}: x is {x.dtype} but the features are {got.dtype}: "
                                     "build the powers from x itself so they keep its dtype")


# ---- 2. fit and measure ----

def test_fit(t):
    x, y, _, _ = noisy_sine(n_train=12, n_val=0, seed=1)
    cases = [(x.astype(np.float64), y.astype(np.float64), degree) for degree in (1, 3)]
    if t.hidden:
        x, y = t.uniform(20, low=-1, high=1).astype(np.float64), t.normal(20).astype(np.float64)
        cases += [(x, y, 0), (x, y, 2), (x, y, 6)]
    for x, y, degree in cases:
        result = t.call("fit_polynomial", t.tensor(x, "float64"), t.tensor(y, "float64"), degree)
        t.require_tensor(result, "`fit_polynomial`")
        w = to_numpy(result)
        what = f"fit_polynomial(x, y, degree={degree}) on {len(x)} points"
        expect(w.shape != (degree + 1, 1), f"{what}: shape {w.shape} is a column: return a vector of shape "
                                           f"({degree + 1},), e.g. the least-squares solution's [:, 0]")
        expect(w.shape != (degree,), f"{what}: {degree} weights; a polynomial of degree d has d + 1 weights, one per "
                                     f"power x^0 ... x^d: build the features with `degree`, not degree - 1")
        expect(w.dtype == np.float64, f"{what}: the weights are {w.dtype}; keep float64 (high powers of x "
                                      "lose their precision in float32)")
        expected = np.polynomial.polynomial.polyfit(x, y, degree)
        assert_close(w, expected, what, rtol=1e-5, atol=1e-6, mistakes={
            "highest power first (np.polyfit's order): w[0] multiplies x^0, w[degree] multiplies x^degree":
                expected[::-1],
        })

    y, y_hat = t.normal(8), t.normal(8)
    cases = [(y, y_hat)] + ([(t.normal(31), t.normal(31))] if t.hidden else [])
    for y, y_hat in cases:
        result = t.call("mean_squared_error", t.tensor(y), t.tensor(y_hat))
        t.require_tensor(result, "`mean_squared_error`")
        got = to_numpy(result)
        expect(got.shape == (), f"`mean_squared_error` should return one number (shape ()), got shape {got.shape}: "
                                "average the squared differences over the examples")
        d = y.astype(np.float64) - y_hat
        assert_close(got, np.mean(d**2), f"mean_squared_error on {len(y)} examples", mistakes={
            "sum instead of mean: divide by the number of examples": np.sum(d**2),
            "the square root is taken: that is the root mean squared error, not the MSE": np.sqrt(np.mean(d**2)),
            "the differences are not squared": np.mean(d),
            "absolute differences: the MSE squares them": np.mean(np.abs(d)),
            "the mean is squared: square each difference first, then average the squares": np.mean(d) ** 2,
            f"divided by n - 1 = {len(y) - 1}: the MSE divides by the number of examples, n = {len(y)}":
                np.sum(d**2) / (len(y) - 1),
        })


# ---- predict, then run: the degree with the lowest validation error ----

# The numbers are those of the notebook's draw (noisy_sine(n_train=15, n_val=200, noise=0.25), its first 100
# held-out points): the same in both frameworks, as the least-squares fits are float64.
BEST_DEGREE = Choice(
    "which of the degrees 0 to 12 has the lowest validation error", options={
        "a": "Degree 0 or 1: the data are noisy, and the simplest model is the one the noise can mislead least.",
        "b": "A middle degree, from 3 to 6.",
        "c": "Degree 12: the most flexible polynomial follows the data best.",
        "d": "No clear winner: all thirteen validation errors lie within about 10% of each other, since every "
             "degree is fitted to the same 15 points.",
    }, answer="b", why={
        "a": "a constant or a straight line cannot rise and fall with the sine: it misses the curve at old and new "
             "points alike. Its validation error (0.72 for degree 0, 0.45 for degree 1) is several times what the "
             "noise alone costs, 0.25² = 0.0625: that is underfitting",
        "c": "degree 12 has 13 weights for 15 points: it passes almost through every training point (training "
             "MSE 0.003, below the noise's own 0.0625) because it fits the noise too, and swings wildly between "
             "the points. On the 100 new points its error is about 54. The training error keeps falling with the "
             "degree; the validation error does not",
        "d": "the same training points do not give the same errors on new data: the validation MSE goes from 0.08 "
             "to about 54 across the degrees, a factor of several hundred (the plot needs a log scale)",
    })


# ---- 3. dropout ----

def _nonzero(t, *shape):
    """Random values with |x| in [0.5, 1.5]: a zero in a result can only mean 'dropped'."""
    return (t.rng.uniform(0.5, 1.5, size=shape) * t.rng.choice([-1.0, 1.0], size=shape)).astype(np.float32)


def _dropout_stats(out, x):
    """-> (fraction of entries set to 0, ratio out / x for every kept entry)."""
    dropped = out == 0
    return float(dropped.mean()), out[~dropped] / x[~dropped].astype(np.float64)


def _mask_per_row_or_column(out, what):
    """Fail when whole rows or whole columns of a 2-D result are dropped together (a mask of shape (n, 1) or (1, d))."""
    dropped = out == 0
    if dropped.all() or not dropped.any():
        return  # nothing or everything dropped: the fraction check says so
    for axis, line, shape in [(1, "row", "(n, 1)"), (0, "column", "(1, d)")]:
        uniform = dropped.all(axis=axis) | (~dropped).all(axis=axis)
        expect(not uniform.all(), f"{what}: every {line} is either dropped whole or kept whole: the mask has shape "
                                  f"{shape}, one random number per {line}. Draw one per entry, with x's own shape")


def _unchanged_input(t, xt, x, what):
    """Fail when the student's code changed the caller's tensor `xt` (made from `x`) in place."""
    after = to_numpy(t.ref.tensor_values(xt))
    expect(np.array_equal(after, x), f"{what} changed its input x in place (x[...] = 0, mul_, masked_fill_): the "
                                     "caller's tensor is not yours to change. Build a new tensor (torch.where, or "
                                     "x * mask) and return it")


def _dropout_other_ranks(t):
    """x "of any shape": a vector and a 3-D tensor, 100,000 entries each, in training mode."""
    p = 0.5
    for shape in [(100_000,), (20, 50, 100)]:
        x = _nonzero(t, *shape)
        what = f"dropout(x of shape {shape}, p={p}, training=True)"
        try:
            out = t.tensor_result("dropout", t.tensor(x), p, training=True)
        except CheckFailed as failure:
            raise CheckFailed(f"{failure}. x can have any shape: build the mask with x's own shape "
                              "(tf.shape(x), torch.rand_like(x)), not from x.shape[0] and x.shape[1]") from None
        expect(out.shape == x.shape, f"{what}: wrong shape: expected {x.shape}, got {out.shape}: x can have any "
                                     "shape, and the result has the shape of x")
        fraction, ratios = _dropout_stats(out, x)
        assert_close(fraction, p, f"{what}: the fraction of entries set to 0 (x can have any shape)", rtol=0,
                     atol=0.01)
        assert_close(ratios, np.full(ratios.shape, 1 / (1 - p)), f"{what}: kept entries divided by x")


def test_dropout(t):
    x = _nonzero(t, 200, 500)
    ps = [0.2, 0.5] + ([0.7, round(float(t.rng.uniform(0.05, 0.9)), 2)] if t.hidden else [])
    for p in ps:
        what = f"dropout(x of shape {x.shape}, p={p}, training=True)"
        xt = t.tensor(x)
        result = t.call("dropout", xt, p, training=True)
        t.require_tensor(result, "`dropout`")
        out = to_numpy(result).astype(np.float64)
        expect(out.shape == x.shape, f"{what}: wrong shape: expected {x.shape}, got {out.shape}")
        _unchanged_input(t, xt, x, what)
        _mask_per_row_or_column(out, what)
        fraction, ratios = _dropout_stats(out, x)
        assert_close(fraction, p, f"{what}: the fraction of entries set to 0", rtol=0, atol=0.01, mistakes={
            "nothing was dropped: in training each entry is set to 0 with probability p": 0.0,
            "everything was dropped: draw one random number per entry and keep it with probability 1 - p": 1.0,
            "the keep probability 1 - p was used as the drop probability: drop an entry when its random "
            "number is below p": 1 - p,
        })
        assert_close(ratios, np.full(ratios.shape, 1 / (1 - p)), f"{what}: kept entries divided by x", mistakes={
            "forgetting to scale: inverted dropout divides the kept entries by 1 - p, so that the expected "
            "output stays x": np.ones(ratios.shape),
            "the kept entries are multiplied by 1 - p: divide by 1 - p instead": np.full(ratios.shape, 1 - p),
            "the kept entries are divided by p: divide by the keep probability 1 - p": np.full(ratios.shape, 1 / p),
        })
        t.require_dtype(result, f"{what} for a float32 x", "float32")
        again = t.tensor_result("dropout", t.tensor(x), p, training=True)
        expect(not np.array_equal(again == 0, out == 0), f"{what}: two calls dropped exactly the same entries: "
               "draw fresh random numbers on every call (do not set a seed inside `dropout`)")
        layer_out = to_numpy(t.ref.apply_in_mode(t.ref.framework_dropout(p), t.tensor(x), True))
        layer_fraction, layer_ratios = _dropout_stats(layer_out, x)
        assert_close(fraction, layer_fraction, f"{what}: fraction dropped compared with {t.ref.FRAMEWORK_DROPOUT} "
                     "in training mode", rtol=0, atol=0.015)
        assert_close(ratios.mean(), layer_ratios.mean(), f"{what}: scale of the kept entries compared with "
                     f"{t.ref.FRAMEWORK_DROPOUT} in training mode", rtol=1e-4)

        what = f"dropout(x, p={p}, training=False)"
        out = t.tensor_result("dropout", t.tensor(x), p, training=False)
        expect(out.shape == x.shape, f"{what}: wrong shape: expected {x.shape}, got {out.shape}")
        expect((out == 0).mean() < 0.01, f"{what} set entries to 0: dropout left on at evaluation. With "
               f"training=False return x unchanged (as {t.ref.FRAMEWORK_DROPOUT} does in evaluation mode)")
        assert_close(out, x, what, mistakes={
            "scaled by 1 - p at evaluation: that is the original, non-inverted dropout; inverted dropout "
            "scales in training only and returns x unchanged at evaluation": x * (1 - p),
            "divided by 1 - p at evaluation: scale in training only; at evaluation return x unchanged": x / (1 - p),
        })
    out = t.tensor_result("dropout", t.tensor(x), 0.0, training=True)
    assert_close(out, x, "dropout(x, p=0.0, training=True): nothing dropped, nothing scaled")
    _dropout_other_ranks(t)
    _forbid_framework_dropout(t, "dropout")
    _forbid_numpy_random(t, "dropout")


# ---- 4. dropout as a layer ----

def test_dropout_layer(t):
    x = _nonzero(t, 100, 400)
    ps = [0.3] + ([0.6] if t.hidden else [])
    for p in ps:
        layer = t.call("InvertedDropout", p)
        for apply, where in [(t.ref.apply_in_mode, "called"), (t.ref.apply_in_container, "inside a container")]:
            what = f"InvertedDropout({p}) {where} in training mode"
            xt = t.tensor(x)
            out = to_numpy(_attempt(what, apply, layer, xt, True))
            expect(out.shape == x.shape, f"{what}: wrong shape: expected {x.shape}, got {out.shape}")
            _unchanged_input(t, xt, x, what)
            fraction, ratios = _dropout_stats(out, x)
            assert_close(fraction, p, f"{what}: the fraction of entries set to 0 (as {t.ref.FRAMEWORK_DROPOUT}"
                         f" sets p of them to 0)", rtol=0, atol=0.015, mistakes={
                             f"nothing was dropped in training mode: {t.ref.MODE_HINT}": 0.0,
                             "the layer drops 1 - p of the entries: give `dropout` p, the drop probability, as it "
                             "is": 1 - p})
            assert_close(ratios.mean(), 1 / (1 - p), f"{what}: kept entries divided by x", mistakes={
                "forgetting to scale: divide the kept entries by 1 - p": 1.0})
            again = to_numpy(_attempt(what, apply, layer, t.tensor(x), True))
            expect(not np.array_equal(again == 0, out == 0), f"{what}, twice: both calls dropped the same entries: "
                   "draw a fresh mask on every call (not once, in __init__ or build, and with no seed set)")

            what = f"InvertedDropout({p}) {where} in evaluation mode"
            out = to_numpy(_attempt(what, apply, layer, t.tensor(x), False))
            expect(out.shape == x.shape, f"{what}: wrong shape: expected {x.shape}, got {out.shape}")
            expect((out == 0).mean() < 0.01, f"{what} set entries to 0: dropout left on at evaluation. "
                                             f"{t.ref.MODE_HINT}")
            assert_close(out, x, what, mistakes={
                "scaled by 1 - p at evaluation: inverted dropout returns x unchanged there": x * (1 - p)})
        for how, out in _attempt(f"InvertedDropout({p}) called without a mode", t.ref.apply_without_mode, layer,
                                 t.tensor(x)) or []:
            what = f"InvertedDropout({p}) {how}"
            expect((to_numpy(out) == 0).mean() < 0.01, f"{what} set entries to 0: {t.ref.NO_MODE_HINT}")
        first, second = (to_numpy(out) for out in _attempt(f"InvertedDropout({p}) {t.ref.COMPILED}",
                                                           t.ref.apply_twice_compiled, layer, t.tensor(x)))
        expect(not np.array_equal(first == 0, second == 0), f"InvertedDropout({p}) {t.ref.COMPILED}, called twice: "
               f"both calls dropped the same entries. {t.ref.SAME_MASK_HINT}")
    _forbid_framework_dropout(t, "InvertedDropout")


# ---- 5. early stopping on a curve ----

def _replay(curve, patience, *, ties_improve=False, stop_after=None, reset=True, whole_curve=False,
            against_previous=False):
    """early_stopping with one switch flipped: what a plausible mistake returns -> (best_epoch, last_epoch)."""
    stop_after = patience if stop_after is None else stop_after
    best_epoch, best_loss, waited, previous = 0, float("inf"), 0, float("inf")
    last = len(curve) - 1
    for epoch, loss in enumerate(curve):
        bar, previous = (previous if against_previous else best_loss), loss
        if loss < bar or (ties_improve and loss == bar):
            best_epoch, best_loss = epoch, loss
            waited = 0 if reset else waited
        else:
            waited += 1
            if waited >= stop_after:
                last = epoch
                break
    if whole_curve:
        best_epoch = int(np.argmin(curve))
    return best_epoch, last


# (curve, patience): the lecture's shape with a tie; a curve that never stops; one that stalls before it improves;
# and one that never stops although its best epoch is behind it
VISIBLE_CURVES = [(STOPPING_CURVE, 3), ([0.9, 0.8, 0.7, 0.6, 0.5], 2),
                  ([1.0, 1.1, 1.05, 0.8, 0.7, 0.75, 0.72, 0.71, 0.65], 3), ([1.0, 0.8, 0.6, 0.65, 0.7, 0.68], 4)]


def _hidden_curves(t):
    """Noisy U-shaped validation curves with ties (rounded to 2 decimals), and a patience for each."""
    cases = []
    for _ in range(3):
        k = np.arange(30)
        curve = 1 / (1 + 0.4 * k) + 0.002 * (k - t.rng.uniform(5, 15)) ** 2 + t.rng.normal(0, 0.02, 30)
        cases.append((np.round(curve, 2).tolist(), int(t.rng.integers(2, 6))))
    return cases


def _curves(t):
    return VISIBLE_CURVES + (_hidden_curves(t) if t.hidden else [])


def _stopping_mistakes(curve, patience):
    """{what a plausible mistake is: the (best_epoch, last_epoch) it returns on this curve}."""
    best, last = early_stopping(curve, patience)
    return {
        "best_epoch is the best loss itself, not the epoch (the index) where it was reached":
            (curve[best], last),
        "a loss equal to the best so far counted as an improvement: only a strictly lower loss is one "
        "(as in keras.callbacks.EarlyStopping)": _replay(curve, patience, ties_improve=True),
        "best_epoch is the minimum of the whole curve: early stopping only knows the epochs before it stops":
            _replay(curve, patience, whole_curve=True),
        "epochs are numbered from 1: number them from 0, like Python indices": (best + 1, last + 1),
        "one epoch too late: stop at the epoch that completes `patience` epochs in a row without improvement":
            _replay(curve, patience, stop_after=patience + 1),
        "one epoch too early: wait for `patience` epochs without improvement, not patience - 1":
            _replay(curve, patience, stop_after=patience - 1),
        "the patience counter is not reset when the loss improves": _replay(curve, patience, reset=False),
        "when the rule never fires, the last epoch is len(val_losses) - 1, counted from 0 like the epochs":
            (best, len(curve) if last == len(curve) - 1 else last),
        "each loss was compared with the previous epoch's, not with the best so far: an improvement beats "
        "the best loss seen yet": _replay(curve, patience, against_previous=True),
    }


def _same_pair(pair, result):
    """Whether the student's `result` is `pair` (False for anything that is not two numbers)."""
    try:
        return bool(np.allclose(np.asarray(result, np.float64), pair))
    except (TypeError, ValueError):
        return False


def test_early_stopping(t):
    results = []
    for curve, patience in _curves(t):  # the hidden curves are drawn here, once
        result = t.call("early_stopping", list(curve), patience)
        expect(isinstance(result, (tuple, list)) and len(result) == 2,
               f"`early_stopping` should return a pair (best_epoch, last_epoch), got {result!r}")
        results.append((curve, patience, tuple(result)))
    # a mistake is named only when it explains the answers on every curve, or else this curve's at least
    explains_all = {message for message in _stopping_mistakes(*results[0][:2])
                    if all(_same_pair(_stopping_mistakes(c, k)[message], r) for c, k, r in results)}
    for curve, patience, result in results:
        what = f"early_stopping({np.round(curve, 2).tolist()}, patience={patience})"
        mistakes = _stopping_mistakes(curve, patience)
        ordered = sorted(mistakes, key=lambda message: message not in explains_all)
        best, last = early_stopping(curve, patience)
        assert_close(result[0], best, f"{what}: best_epoch", mistakes={m: mistakes[m][0] for m in ordered})
        assert_close(result[1], last, f"{what}: last_epoch", mistakes={m: mistakes[m][1] for m in ordered})


# ---- 6. a training loop with early stopping ----

def test_train_with_early_stopping(t):
    # and the lecture's curve cut short by max_epochs before patience runs out, its best epoch earlier
    cases = [(curve, patience, len(curve)) for curve, patience in _curves(t)] + [(STOPPING_CURVE, 5, 7)]
    for curve, patience, max_epochs in cases:
        model, epochs_run, overran = t.ref.scripted_model(), [0], []
        t.ref.fill_weights(model, 0)
        overrun = (f"`train_with_early_stopping` trained more than max_epochs = {max_epochs} epochs: stop at "
                   "max_epochs even when the validation loss keeps improving")

        def train_epoch():
            """One scripted 'epoch': after epoch k (counting from 1) every weight equals k. Training stops
            (by count, not by the clock) at the first epoch past max_epochs."""
            if epochs_run[0] >= max_epochs:
                overran.append(True)
                raise CheckFailed(overrun)
            epochs_run[0] += 1
            t.ref.fill_weights(model, epochs_run[0])

        def validation_loss():
            return 10.0 if epochs_run[0] == 0 else curve[min(epochs_run[0], len(curve)) - 1]

        what = f"train_with_early_stopping on the validation curve {np.round(curve, 2).tolist()}, patience={patience}"
        try:
            history = t.call("train_with_early_stopping", model, train_epoch, validation_loss, max_epochs, patience)
        except CheckFailed:
            if overran:  # however the student's code passed the error on
                raise CheckFailed(overrun) from None
            raise
        expect(isinstance(history, (list, tuple)), f"`train_with_early_stopping` should return the list of "
                                                   f"validation losses, got {type(history).__name__}")
        expect(not (len(history) == 2 and isinstance(history[0], (list, tuple))),
               "`train_with_early_stopping` returned a pair: return only the list of validation losses, one per "
               "epoch trained (the model itself keeps the best weights)")
        what += f", max_epochs={max_epochs}"
        curve = curve[:max_epochs]
        best, last = early_stopping(curve, patience)
        ties = _replay(curve, patience, ties_improve=True)
        assert_close(len(history), last + 1, f"{what}: the number of epochs trained", mistakes={
            "a loss equal to the best so far counted as an improvement, which restarted the patience count: only "
            "a strictly lower loss is one": ties[1] + 1,
            "one epoch too many: stop at the epoch that completes `patience` epochs without improvement":
                _replay(curve, patience, stop_after=patience + 1)[1] + 1,
            "one epoch too few: wait for `patience` epochs without improvement, not patience - 1":
                _replay(curve, patience, stop_after=patience - 1)[1] + 1,
            "it never stopped early: count the epochs without improvement and stop at `patience`": max_epochs,
        })
        assert_close(np.array([float(loss) for loss in history]), curve[:last + 1],
                     f"{what}: the validation losses returned, one per epoch")
        weights = t.ref.weight_values(model)
        same = lambda value: np.full(weights.shape, float(value))
        if t.ref.restore_calls(model):
            at_the_end = ("the weights were restored at the end, but what was saved is a reference to the live "
                          f"weights, not a copy, and it kept changing with them: {t.ref.COPY_HINT}")
        elif last == len(curve) - 1 and last == max_epochs - 1:
            at_the_end = (f"this run used all max_epochs = {max_epochs} epochs without stopping early, and the "
                          "model ends with the last epoch's weights: restore the best ones after the loop, "
                          "however it ends (not only when patience runs out)")
        else:
            at_the_end = f"the model ends with the weights of the last epoch, not the best: {t.ref.COPY_HINT}"
        assert_close(weights, same(best + 1), f"{what}: the model's weights after training (here every weight "
                     f"equals the number of epochs trained; the best epoch is epoch {best + 1})", mistakes={
            at_the_end: same(last + 1),
            "the weights were saved one epoch late: save them right after the epoch that improved": same(best + 2),
            "the weights were saved before training the epoch that improved": same(best),
            "the model was reset to its initial weights: save the weights after each improving epoch": same(0),
            "a loss equal to the best so far counted as an improvement": same(ties[0] + 1),
        })



# ---- 7. the bug museum ----

# The numbers of last_weights are those of the notebook's run (the same seeded start in both frameworks).
MUSEUM = {
    "dropout_p": Choice(
        "dropout_p: the slide writes the drop probability as `Dropout(p=0.5)`, and in the cell one spelling of "
        "it raises a TypeError. Why?", options={
            "a": "The drop probability must be passed by position, as `Dropout(0.5)`: neither framework takes the "
                 "number as a keyword, whatever its name.",
            "b": "Each framework has its own name for the drop probability, `rate` in Keras and `p` in `torch.nn`, "
                 "and refuses the other's: the slide's `p=` is right for `torch.nn.Dropout` only.",
            "c": "Keras's layer takes the keep probability (the `keep_prob` of the old `tf.nn.dropout`), not the "
                 "drop probability, so a keyword meant for the drop probability is refused.",
            "d": "A Keras dropout layer can only be created inside a model (in a `Sequential` list, say), not on its "
                 "own as the slide's line does.",
        }, answer="b", why={
            "a": "each framework takes it by keyword under its own name: `Dropout(rate=0.5)` runs in Keras and "
                 "`nn.Dropout(p=0.5)` in PyTorch, as the cell shows. `Dropout(0.5)` runs in both as well, but "
                 "only because the first parameter is `rate` in the one and `p` in the other. The message says a "
                 "name is unexpected (PyTorch) or that `rate` got no value (Keras, because `p=0.5` matched no "
                 "parameter), not that a keyword is refused",
            "c": "keep_prob, the keep probability, was the argument of TensorFlow 1's tf.nn.dropout. Keras's "
                 "Dropout layer takes the drop probability, like PyTorch's: `Dropout(rate=0.2)` drops about 20% of "
                 "the entries, as `nn.Dropout(p=0.2)` does",
            "d": "both frameworks create the layer on its own: `Dropout(rate=0.5)` and `nn.Dropout(p=0.5)` run by "
                 "themselves in the cell, and section 3 calls such a layer directly on a tensor of ones",
        }),
    "dropout_at_evaluation": Choice(
        "dropout_at_evaluation: the model with the layer `MyDropout` gives a different prediction for the same "
        "input on every call, although the cell asks for evaluation mode. Why?", options={
            "a": "The cell never really switches to evaluation mode: `training=False` (or `.eval()`) does not reach "
                 "a layer inside a model.",
            "b": "No random seed is set: with a fixed seed, the four predictions would agree.",
            "c": "The layer calls the function form of dropout (`tf.nn.dropout`, `F.dropout`), which drops whenever "
                 "it is called: nothing in the layer looks at the mode.",
            "d": "Dropout at evaluation is by design: a dropout network predicts by averaging several such noisy "
                 "predictions.",
        }, answer="c", why={
            "a": "the model does get evaluation mode (training=False, which predict() passes too, or .eval()), and "
                 "section 4's model, with your InvertedDropout inside, gave four equal predictions the same way: "
                 "MyDropout's code is the part that never looks at the mode",
            "b": "a seed makes the same entries drop on every run, but they still drop: each prediction would come "
                 "from a thinned network whose kept units are doubled (scaled by 1/(1 - p) = 2). At evaluation "
                 "nothing should be dropped, and then the predictions agree with no seed at all",
            "d": "that is Monte Carlo dropout, a separate technique that leaves dropout switched on deliberately; ordinary "
                 "evaluation runs the whole network once. Inverted dropout divides by 1 - p during training so that "
                 "at evaluation the layer can pass its input through unchanged",
        }),
    "last_weights": Choice(
        "last_weights: early stopping ended the run 20 epochs after its best epoch, and the model it leaves "
        "behind scores the validation MSE of the epoch where it stopped, not the lower one of the best epoch. "
        "Why?", options={
            "a": "The model keeps the weights of the epoch where it stopped: nothing put the best epoch's back (Keras "
                 "restores them only with `restore_best_weights=True`; a `state_dict()` saved without a copy "
                 "changes with the model).",
            "b": "The patience was too long: with a patience of a few epochs instead of 20, training would stop at "
                 "the best epoch itself and keep its weights.",
            "c": "The final MSE is measured on other data than the validation losses of the epochs, so the two "
                 "numbers cannot agree.",
            "d": "That is how early stopping should end: the last weights have trained the longest and have the "
                 "lowest training loss, so they are the ones to keep.",
        }, answer="a", why={
            "b": "no patience stops at the best epoch: an epoch is known to be the best only once `patience` later "
                 "epochs have failed to beat it, so training always runs past it (here 20 epochs, from 36 to 56). "
                 "Only a copy of the best weights, put back at the end, returns the best epoch's model",
            "c": "both are the mean squared error on the same 100 validation points: the final one equals the "
                 "validation loss of epoch 56 exactly, as the cell prints",
            "d": "training longer lowers the training loss, not the validation loss: after epoch 36 the network "
                 "memorises its 30 points, and the validation MSE rises from 0.296 to 0.377 by epoch 56. Early "
                 "stopping is there to keep the model of the turning point",
        }),
}


# Reference helpers that make the objects a test gives the student's code (models, optimizers, layers) or
# work on the objects it returns: the grader runs these in the notebook's process (autograder.remote);
# every other helper works on data and runs in the judge.
IN_NOTEBOOK = frozenset({
    "apply_in_container", "apply_in_mode", "apply_twice_compiled", "apply_without_mode", "fill_weights",
    "framework_dropout", "restore_calls", "scripted_model", "tensor_values", "weight_values"
})

EXERCISES = [
    Exercise("polynomial_features", "Polynomial features: model capacity as a number", 2, test_polynomial_features, [
        "Column k of the result is x to the power k, for k = 0, 1, ..., degree; one row per example.",
        "Stack the powers along axis 1: [x**k for k in range(degree + 1)] (tf.stack(..., axis=1) / "
        "torch.stack(..., dim=1)); x**0 is a column of ones.",
    ]),
    Exercise("fit", "Fit a polynomial and measure its error", 3, test_fit, [
        "Least squares finds the w that minimises the mean squared error of A w against y, "
        "with A = polynomial_features(x, degree).",
        "tf.linalg.lstsq(A, y[:, None]) / torch.linalg.lstsq(A, y[:, None]).solution gives a column "
        "(degree + 1, 1): take [:, 0]. The MSE is the mean of (y - y_hat) ** 2.",
    ]),
    Exercise("predict_best_degree", "Predict: the degree with the lowest validation error", 1,
             prediction_test("predict_best_degree", BEST_DEGREE), [
                 "The validation error has two sources: missing the curve's shape (too few bends to follow it) and "
                 "fitting the noise (so many weights that they follow the noise too). Where are both small?",
                 "How many turning points (from falling to rising, or back) does the curve in the plot have, and "
                 "what is the lowest degree of a polynomial with that many? And with 13 weights for 15 points, "
                 "what does degree 12 fit besides the curve?",
             ], question=BEST_DEGREE),
    Exercise("dropout", "Inverted dropout from scratch", 3, test_dropout, [
        "In training, keep each entry with probability 1 - p: compare a uniform random number in [0, 1) "
        "with p. At evaluation (training=False) return x as it is.",
        "mask = (uniform numbers of x's shape) >= p keeps each entry with probability 1 - p. Set the dropped "
        "entries to 0 and divide the kept ones by the chance (?) of being kept: that keeps the expected value of "
        "every entry equal to x, so nothing needs rescaling at evaluation.",
    ]),
    Exercise("dropout_layer", "Dropout as a layer that knows its mode", 2, test_dropout_layer, [
        "The layer should call your dropout with training=True only while the model trains.",
        "TensorFlow: pass the `training` argument of call() on (it can be None: treat that as False). "
        "PyTorch: pass self.training, which model.train() and model.eval() switch.",
    ]),
    Exercise("early_stopping", "Early stopping, replayed on a validation curve", 2, test_early_stopping, [
        "Walk through the losses in order, remembering the best loss so far, its epoch, and how many epochs "
        "in a row have not beaten it.",
        "A strictly lower loss resets the counter to 0; otherwise add 1 and stop (return) when the counter "
        "reaches patience. If it never does, the last epoch is len(val_losses) - 1.",
    ]),
    Exercise("train_with_early_stopping", "A training loop that stops early and restores the best weights", 3,
             test_train_with_early_stopping, [
        "Same rule as early_stopping, but live: after each train_epoch(), compute validation_loss(), "
        "append it to the history, and remember a copy of the weights whenever it improves.",
        "Restore the saved copy before returning. TensorFlow: model.get_weights() / model.set_weights(). "
        "PyTorch: copy.deepcopy(model.state_dict()) / model.load_state_dict().",
    ]),
    Exercise("bug_museum", "The bug museum: why each exhibit goes wrong", 1, prediction_test("bug_museum", MUSEUM), [
        "For each exhibit, compare what it printed with what the right code gives (printed beside it, or in the "
        "section that built that code), then find the line of the exhibit that makes exactly that difference.",
        "dropout_p: which name does the message call unexpected (or missing), and which spelling runs? "
        "dropout_at_evaluation: the mode reaches the model (training=False / model.eval()), but does MyDropout's "
        "code ever read it? last_weights: once the loop (or fit()) ends, which epoch's weights does the model "
        "hold, and did anything load a copy of others?",
    ], question=MUSEUM),
]
