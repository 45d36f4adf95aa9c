"""Lab 07's tests of the data pieces (framework-neutral, NumPy in and out): the split, the scaling and the
confusion matrix. Each gets a Trial `t` (mitdl_utils.checking)."""
import ast
import inspect
import textwrap

import numpy as np

from mitdl_utils.checking import CheckFailed, assert_close, attempt, expect, to_numpy
from mitdl_utils.labs.digits.shared import confusion_matrix, digits, standardize


def forbid(t, name: str, calls: tuple[str, ...], advice: str) -> None:
    """Fail if the student's `name` calls a function or method called one of `calls` (e.g. sklearn's
    confusion_matrix): `advice` says what to do instead."""
    fn = t.function(name)
    try:
        tree = ast.parse(textwrap.dedent(getattr(fn, "__mitdl_source__", None) or inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return  # no source to read (defined by exec): nothing to inspect
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if callee in calls:
                raise CheckFailed(f"`{name}` calls `{callee}`: {advice}")


# ---- 1. a stratified split ----

def _labels(t, sizes) -> np.ndarray:
    """Labels with sizes[c] examples of class c, in a shuffled order."""
    return t.rng.permutation(np.repeat(np.arange(len(sizes)), sizes)).astype(np.int64)


def _index_arrays(result, what: str) -> list[np.ndarray]:
    expect(isinstance(result, (tuple, list)) and len(result) == 3,
           f"{what}: expected three index arrays (train, val, test), got {type(result).__name__}")
    for part, label in zip(result, ("train", "val", "test")):
        expect(not (isinstance(part, (list, tuple)) and part and np.ndim(part[0]) == 1),
               f"{what}: the {label} part is a list of {len(part)} arrays (one per class?): np.concatenate them "
               "into one array of indices")
    parts = [np.asarray(to_numpy(part)) for part in result]
    for part, label in zip(parts, ("train", "val", "test")):
        expect(part.dtype != bool, f"{what}: expected the {label} part as indices of examples, got a boolean "
                                   "mask; np.flatnonzero(mask) gives its indices")
        expect(part.ndim == 1 and (part.size == 0 or np.issubdtype(part.dtype, np.integer)),
               f"{what}: expected the {label} part as a 1-D array of integer indices, got dtype {part.dtype} and "
               f"shape {part.shape}")
    return parts


def test_stratified_split(t):
    cases = [(digits()[1], 0.2, 0.2, 3), (_labels(t, [40, 12, 25, 9, 60]), 0.25, 0.15, 11)]
    if t.hidden:
        sizes = t.rng.integers(8, 70, size=int(t.rng.integers(3, 8)))
        cases += [(_labels(t, sizes), round(float(t.rng.uniform(0.1, 0.3)), 2),
                   round(float(t.rng.uniform(0.1, 0.3)), 2), int(t.rng.integers(1000)))]
    for y, val_fraction, test_fraction, seed in cases:
        what = f"stratified_split(y of {len(y)} labels, val_fraction={val_fraction}, test_fraction={test_fraction})"
        train, val, test = _index_arrays(t.call("stratified_split", y.copy(), val_fraction, test_fraction, seed), what)
        for (a, b), (name_a, name_b) in [((train, val), ("training", "validation")), ((train, test), ("training", "test")),
                                          ((val, test), ("validation", "test"))]:
            shared = np.intersect1d(a, b)
            if len(shared):
                raise CheckFailed(f"{what}: expected every example in exactly one split, got example {shared[0]} "
                                  f"in both the {name_a} and the {name_b} split")
        together = np.concatenate([train, val, test])
        expect(len(together) == len(np.unique(together)), f"{what}: expected every example once, got an example "
                                                          "twice in the same split")
        expect(len(together) == len(y) and together.min() >= 0 and together.max() < len(y),
               f"{what}: expected the indices 0 to {len(y) - 1}, each in one split, got {len(together)} indices "
               f"from {together.min()} to {together.max()}")
        for part, fraction, label, other in [(test, test_fraction, "test", val_fraction),
                                             (val, val_fraction, "validation", test_fraction)]:
            for c in np.unique(y):
                n_c, got = int(np.sum(y == c)), int(np.sum(y[part] == c))
                if abs(got - fraction * n_c) <= 1:
                    continue
                swapped = abs(got - other * n_c) <= 1 and fraction != other
                sized_right = abs(len(part) - fraction * len(y)) <= len(np.unique(y))
                likely = ("the validation and test fractions are swapped" if swapped else
                          "the split is not stratified: split each class on its own, so that every class keeps "
                          "its share in every split" if sized_right else
                          f"the {label} split holds {len(part)} examples in all, expected about "
                          f"{fraction} x {len(y)} = {fraction * len(y):.0f}: check where it is cut")
                raise CheckFailed(f"{what}: class {c} has {got} of its {n_c} examples in the {label} split, expected "
                                  f"round({fraction} x {n_c}) = {round(fraction * n_c)}. Likely mistake: {likely}")
        again = _index_arrays(t.call("stratified_split", y.copy(), val_fraction, test_fraction, seed), what)
        expect(all(np.array_equal(a, b) for a, b in zip((train, val, test), again)),
               f"{what}: expected the same split from two calls with seed={seed}, got two different ones: draw "
               "the random order from np.random.default_rng(seed)")
        other = _index_arrays(t.call("stratified_split", y.copy(), val_fraction, test_fraction, seed + 1), what)
        expect(not np.array_equal(np.sort(test), np.sort(other[2])),
               f"{what}: expected another test split for seed={seed + 1} than for seed={seed}, got the same: "
               "shuffle each class with a generator seeded by `seed` before cutting it")


# ---- 2. scaling with training statistics ----

def _scaling_case(t, n_train, n_other, d):
    """Training data with per-feature means and spreads, one feature constant (as the digits' corner pixels);
    validation and test data drawn from a shifted distribution, so that their statistics differ from training's."""
    mean, spread = t.rng.uniform(-3, 3, d), t.rng.uniform(0.5, 4, d)
    X_train = mean + spread * t.rng.normal(size=(n_train, d))
    X_train[:, 0] = 0.0
    X_val, X_test = (mean + 1.5 + 2 * spread * t.rng.normal(size=(n_other, d)) for _ in range(2))
    return X_train, X_val, X_test


def _standardized_by(stats_of, splits):
    """The three splits scaled with the mean and std (0 -> 1) that `stats_of(splits, i)` gives split i."""
    out = []
    for i, X in enumerate(splits):
        mean, std = stats_of(splits, i)
        out.append((X - mean) / np.where(std > 0, std, 1.0))
    return out


def test_standardize(t):
    cases = [_scaling_case(t, 600, 200, 5)]
    if t.hidden:
        cases += [_scaling_case(t, 900, 300, 9)]
    splits_names = ("X_train", "X_val", "X_test")
    for splits in cases:
        what = f"standardize(X_train {splits[0].shape}, X_val {splits[1].shape}, X_test {splits[2].shape})"
        given = [X.copy() for X in splits]
        result = t.call("standardize", *given)
        for X, before, label in zip(given, splits, splits_names):
            expect(np.array_equal(X, before), f"{what} changed the caller's {label} in place (X -= mean or "
                   "X /= std on the arrays it was given): compute new arrays, (X - mean) / std, and leave the "
                   "inputs as they were")
        expect(isinstance(result, (tuple, list)) and len(result) == 3,
               f"{what} should return the three scaled splits, got {type(result).__name__}")
        got = [to_numpy(part).astype(np.float64) for part in result]
        expected = standardize(*splits)
        everything = np.concatenate(splits)
        mistakes_of = {
            "the validation and test splits leaked into the statistics: compute the mean and std of X_train "
            "only, then scale all three splits with them": _standardized_by(
                lambda s, i: (everything.mean(axis=0), everything.std(axis=0)), splits),
            "each split is scaled with its own statistics: the test split must be scaled with the training "
            "split's mean and std, as new data would be": _standardized_by(
                lambda s, i: (s[i].mean(axis=0), s[i].std(axis=0)), splits),
            "the statistics are taken per example (axis=1): standardize each feature (column) over the "
            "examples, axis=0": _standardized_by(
                lambda s, i: (s[i].mean(axis=1, keepdims=True), s[i].std(axis=1, keepdims=True)), splits),
            "one mean and one std over all the features: each feature (column) gets its own, axis=0":
                _standardized_by(lambda s, i: (s[0].mean(), s[0].std()), splits),
            "divided by the variance: divide by the standard deviation": _standardized_by(
                lambda s, i: (s[0].mean(axis=0), s[0].var(axis=0)), splits),
            "only centred: divide by the standard deviation too": _standardized_by(
                lambda s, i: (s[0].mean(axis=0), np.ones(s[0].shape[1])), splits),
            "min-max scaling (x - min) / (max - min): standardize with the mean and the standard deviation":
                _standardized_by(lambda s, i: (s[0].min(axis=0), s[0].max(axis=0) - s[0].min(axis=0)), splits),
        }
        for part, want, label, index in zip(got, expected, splits_names, range(3)):
            expect(part.shape == want.shape, f"{what}: the scaled {label} has shape {part.shape}, expected {want.shape}")
            expect(np.all(np.isfinite(part)), f"{what}: the scaled {label} holds NaN or inf: a feature that is "
                   "constant in the training split has standard deviation 0; divide by 1 there instead")
            constant = splits[0].std(axis=0) == 0
            expect(np.all(np.abs(part[:, constant]) < 1e3), f"{what}: the scaled {label} reaches "
                   f"{np.abs(part[:, constant]).max():.3g} on the feature that is constant in the training split: "
                   "a tiny number added to its std of 0 (std + epsilon) divides by almost nothing; divide by 1 "
                   "where the std is 0 (np.where)")
            # rtol 2e-3 accepts the sample std (ddof=1) as well as NumPy's default (ddof=0)
            assert_close(part, want, f"{what}: the scaled {label}", rtol=2e-3, atol=1e-6,
                         mistakes={mistake: wrong[index] for mistake, wrong in mistakes_of.items()})
    # Raw pixels are integers: arrays of ints must work too (they cannot be changed in place to floats)
    pixels = [t.rng.integers(0, 17, size=(n, 6)) for n in (600, 200, 200)]
    what = "standardize(X_train, X_val, X_test) on integer pixels (int64 arrays)"
    try:
        result = attempt(what, t.function("standardize"), *(X.copy() for X in pixels))
    except CheckFailed as error:
        if "cast" not in str(error).lower():
            raise
        raise CheckFailed(f"{what} raised an error about casting: X -= mean changes the caller's array in place, "
                          "and an integer array cannot hold the result; compute new arrays, (X - mean) / std, and "
                          f"leave the inputs as they were. ({error})") from None
    for part, want, label in zip(result, standardize(*pixels), splits_names):
        assert_close(to_numpy(part).astype(np.float64), want, f"{what}: the scaled {label}", rtol=2e-3, atol=1e-6)


# ---- the confusion matrix ----

def _one_pair(true: int, predicted: int, n_classes: int) -> np.ndarray:
    """The confusion matrix of one example."""
    matrix = np.zeros((n_classes, n_classes), np.int64)
    matrix[true, predicted] = 1
    return matrix


def test_confusion_matrix(t):
    cases = [(np.array([0, 1, 2, 2, 1, 0, 2, 1]), np.array([0, 2, 2, 1, 1, 0, 0, 1]), 4)]
    if t.hidden:
        y_true = t.rng.integers(0, 10, 300)
        y_pred = np.where(t.rng.uniform(size=300) < 0.8, y_true, t.rng.integers(0, 10, 300))
        cases += [(y_true, y_pred, 10), (t.rng.integers(0, 3, 40), t.rng.integers(0, 3, 40), 6)]
    for y_true, y_pred, n_classes in cases:
        what = f"confusion_matrix(y_true, y_pred of {len(y_true)} examples, n_classes={n_classes})"
        got = to_numpy(t.call("confusion_matrix", y_true.copy(), y_pred.copy(), n_classes))
        present = len(np.union1d(y_true, y_pred))
        expect(got.shape != (present, present) or present == n_classes,
               f"{what}: shape {got.shape}: a class that never appears still gets its row and column; the matrix "
               f"is n_classes x n_classes = ({n_classes}, {n_classes})")
        expected = confusion_matrix(y_true, y_pred, n_classes)
        assert_close(got, expected, what, rtol=0, atol=0, mistakes={
            "rows and columns are swapped: row i is the true class, column j the predicted one": expected.T,
            "the rows are normalized: count the examples (normalize only for the plot, if at all)":
                expected / np.maximum(expected.sum(axis=1, keepdims=True), 1),
            "each (true, predicted) pair is counted once however often it occurs: matrix[y_true, y_pred] += 1 "
            "with arrays adds 1 once per distinct pair; use np.add.at(matrix, (y_true, y_pred), 1) or a loop":
                (expected > 0).astype(np.int64),
            "the last example is not counted (a loop one step short): go over every example":
                expected - _one_pair(y_true[-1], y_pred[-1], n_classes),
            "the first example is not counted (a loop that starts at 1): go over every example":
                expected - _one_pair(y_true[0], y_pred[0], n_classes),
        })
        expect(np.issubdtype(got.dtype, np.integer), f"{what}: the counts are right, but as {got.dtype}: a "
               "confusion matrix holds integer counts; make the table with np.zeros(..., dtype=int)")
    forbid(t, "confusion_matrix", ("confusion_matrix", "crosstab"),
           "count the pairs yourself (a loop, or np.add.at) instead of a library's confusion matrix")
