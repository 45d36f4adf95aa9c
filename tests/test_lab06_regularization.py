"""Lab 06: references agree across frameworks and with Keras' EarlyStopping; wrong answers fail with a named
mistake; right ones written differently pass."""
import copy
import itertools

import numpy as np
import pytest

from conftest import graded
from mitdl_utils import open_lab, to_numpy
from mitdl_utils.data import noisy_sine
from mitdl_utils.labs.regularization import BEST_DEGREE, STOPPING_CURVE
from mitdl_utils.labs.regularization.shared import early_stopping


@pytest.fixture(scope="module")
def lab(framework):
    return open_lab("regularization", framework)


@pytest.fixture(scope="module")
def ops(framework):
    """The few framework operations the alternative implementations below need, under one set of names."""
    if framework == "tensorflow":
        import tensorflow as tf

        return dict(
            stack=lambda xs, axis: tf.stack(xs, axis=axis), uniform=lambda x: tf.random.uniform(tf.shape(x)),
            where=tf.where, zeros=tf.zeros_like, mean=tf.reduce_mean, sqrt=tf.sqrt, sum=tf.reduce_sum,
            cast=lambda b, like: tf.cast(b, like.dtype), lstsq=lambda A, y: tf.linalg.lstsq(A, y[:, None], fast=False),
            solve=tf.linalg.solve, T=tf.transpose, matvec=tf.linalg.matvec, float32=lambda x: tf.cast(x, tf.float32),
            powers=lambda x, d: x[:, None] ** tf.range(d + 1, dtype=x.dtype), seed=lambda: tf.random.set_seed(0),
            name="tensorflow", flip=lambda w: tf.reverse(w, [0]),
            bernoulli_keep=lambda x, p: tf.cast(tf.random.uniform(tf.shape(x)) < 1 - p, x.dtype),
        )
    import torch

    return dict(
        stack=lambda xs, axis: torch.stack(xs, dim=axis), uniform=torch.rand_like, where=torch.where,
        zeros=torch.zeros_like, mean=torch.mean, sqrt=torch.sqrt, sum=torch.sum, cast=lambda b, like: b.to(like.dtype),
        lstsq=lambda A, y: torch.linalg.lstsq(A, y[:, None]).solution, solve=torch.linalg.solve, T=lambda A: A.T,
        matvec=lambda A, v: A @ v, float32=lambda x: x.float(), powers=lambda x, d: x[:, None] ** torch.arange(d + 1),
        seed=lambda: torch.manual_seed(0), name="torch", flip=lambda w: torch.flip(w, [0]),
        bernoulli_keep=lambda x, p: torch.bernoulli(torch.full_like(x, 1 - p)),
    )


def dropout_layer_class(framework, body):
    """A dropout layer class whose forward pass is body(x, p, training) (training: the mode the framework says)."""
    if framework == "tensorflow":
        import tensorflow as tf

        class Layer(tf.keras.layers.Layer):
            def __init__(self, p, **kwargs):
                super().__init__(**kwargs)
                self.p = p

            def call(self, x, training=None):
                return body(x, self.p, bool(training))
        return Layer
    from torch import nn

    class Module(nn.Module):
        def __init__(self, p):
            super().__init__()
            self.p = p

        def forward(self, x):
            return body(x, self.p, self.training)
    return Module


# ---- the references ----

def test_references_agree_across_frameworks():
    tf_lab, torch_lab = open_lab("regularization", "tensorflow"), open_lab("regularization", "torch")
    rng = np.random.default_rng(3)
    x, y = rng.uniform(-1, 1, 25), rng.normal(size=25)
    ones = np.ones((300, 400), np.float32)

    def outputs(lab):
        ref, t = lab.reference, lab.tensor
        x64, y64 = t(x, "float64"), t(y, "float64")
        results = [ref.polynomial_features(x64, 5), ref.fit_polynomial(x64, y64, 4),
                   ref.mean_squared_error(t(x), t(y)), ref.dropout(t(ones), 0.3, training=False),
                   ref.apply_in_mode(ref.InvertedDropout(0.3), t(ones), False)]
        dropped = to_numpy(ref.dropout(t(ones), 0.3, training=True))
        layer = to_numpy(ref.apply_in_mode(ref.InvertedDropout(0.3), t(ones), True))
        # random masks differ between frameworks: compare their statistics (120,000 entries: 0.3 +- 0.004)
        results += [round(float(np.mean(d == 0)), 2) for d in (dropped, layer)]
        results += [np.unique(d[d != 0]) for d in (dropped, layer)]
        model = ref.scripted_model()
        epochs = [0]

        def train_epoch():
            epochs[0] += 1
            ref.fill_weights(model, epochs[0])

        val_loss = lambda: STOPPING_CURVE[epochs[0] - 1]
        history = ref.train_with_early_stopping(model, train_epoch, val_loss, len(STOPPING_CURVE), 3)
        return results + [history, ref.weight_values(model)]

    for a, b in zip(outputs(tf_lab), outputs(torch_lab), strict=True):
        np.testing.assert_allclose(to_numpy(a).astype(float), to_numpy(b).astype(float), atol=1e-5)


def test_reference_early_stopping_matches_keras_callback():
    """shared.early_stopping makes the same decisions as keras.callbacks.EarlyStopping, curve by curve."""
    import tensorflow as tf

    rng = np.random.default_rng(0)
    k = np.arange(40)
    curves = [(STOPPING_CURVE, 3), ([0.9, 0.8, 0.7, 0.6, 0.5], 2), ([0.5, 0.5, 0.5, 0.5], 2)]
    curves += [(np.round(1 / (1 + 0.4 * k) + 0.002 * (k - 10) ** 2 + rng.normal(0, 0.02, 40), 2).tolist(), p)
               for p in (1, 2, 4, 7)]
    model = tf.keras.Sequential([tf.keras.Input((1,)), tf.keras.layers.Dense(1)])
    for curve, patience in curves:
        stopper = tf.keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)
        stopper.set_model(model)
        model.stop_training = False
        stopper.on_train_begin()
        for epoch, loss in enumerate(curve):
            stopper.on_epoch_end(epoch, {"val_loss": loss})
            if model.stop_training:
                break
        keras_last = stopper.stopped_epoch if model.stop_training else len(curve) - 1
        assert early_stopping(curve, patience) == (stopper.best_epoch, keras_last), (curve, patience)


def test_reference_passes_every_exercise(lab):
    for name in lab.exercises:
        outcome = graded(lab, name)
        assert outcome.passed, (name, outcome.message)


def test_hidden_curves_exercise_the_stopping_rule(lab):
    """The hidden early-stopping cases are only worth something if training really stops before the end."""
    from mitdl_utils.labs.regularization import _hidden_curves

    class HiddenTrial:
        rng = np.random.default_rng(0)

    stops = [early_stopping(curve, patience)[1] < len(curve) - 1 for curve, patience in _hidden_curves(HiddenTrial())]
    assert all(stops)


# ---- plausible mistakes ----

def _polynomial_mistakes(o):
    return [
        ({"polynomial_features": lambda x, d: o["stack"]([x**k for k in range(d, -1, -1)], 1)}, "decreasing order"),
        ({"polynomial_features": lambda x, d: o["stack"]([x**k for k in range(1, d + 1)], 1)}, "constant column"),
        ({"polynomial_features": lambda x, d: o["stack"]([x**k for k in range(d + 1)], 0)}, "transposed"),
        ({"polynomial_features": lambda x, d: o["stack"]([x**k for k in range(1, d + 2)], 1)}, "start at 1"),
        ({"polynomial_features": lambda x, d: o["float32"](o["stack"]([x**k for k in range(d + 1)], 1))},
         "keep its dtype"),
    ]


def _fit_mistakes(o, lab):
    features = lab.reference.polynomial_features
    d2 = lambda y, y_hat: (y - y_hat) ** 2
    return [
        ({"fit_polynomial": lambda x, y, d: o["flip"](o["lstsq"](features(x, d), y)[:, 0])}, "highest power first"),
        ({"fit_polynomial": lambda x, y, d: o["lstsq"](features(x, d), y)}, "is a column"),
        ({"fit_polynomial": lambda x, y, d: o["float32"](o["lstsq"](features(x, d), y)[:, 0])}, "keep float64"),
        ({"mean_squared_error": lambda y, y_hat: o["sum"](d2(y, y_hat))}, "sum instead of mean"),
        ({"mean_squared_error": lambda y, y_hat: o["sqrt"](o["mean"](d2(y, y_hat)))}, "root mean squared"),
        ({"mean_squared_error": lambda y, y_hat: o["mean"](y - y_hat)}, "not squared"),
        ({"mean_squared_error": lambda y, y_hat: d2(y, y_hat)}, "one number"),
    ]


def _dropout_mistakes(o):
    def make(keep_if_above_p=True, train_scale=lambda p: 1 / (1 - p), eval_out=lambda x, p: x, ignore_mode=False,
             seeded=False):
        def dropout(x, p, training=True):
            if not training and not ignore_mode:
                return eval_out(x, p)
            if seeded:
                o["seed"]()
            u = o["uniform"](x)
            keep = u >= p if keep_if_above_p else u < p
            return o["where"](keep, x * train_scale(p), o["zeros"](x))
        return dropout

    return [
        ({"dropout": make(train_scale=lambda p: 1.0)}, "forgetting to scale"),
        ({"dropout": make(train_scale=lambda p: 1 - p)}, "multiplied by 1 - p"),
        ({"dropout": make(train_scale=lambda p: 1 / p)}, "divided by p"),
        ({"dropout": make(keep_if_above_p=False)}, "keep probability 1 - p was used as the drop probability"),
        ({"dropout": make(ignore_mode=True)}, "dropout left on at evaluation"),
        ({"dropout": make(eval_out=lambda x, p: x * (1 - p))}, "scaled by 1 - p at evaluation"),
        ({"dropout": make(seeded=True)}, "same entries"),
        ({"dropout": framework_dropout_tf if o["name"] == "tensorflow" else framework_dropout_torch},
         "build the mask"),
    ]


def framework_dropout_tf(x, p, training=True):
    import tensorflow as tf

    return tf.nn.dropout(x, rate=p) if training else x


def framework_dropout_torch(x, p, training=True):
    import torch

    return torch.nn.functional.dropout(x, p, training)


def _layer_mistakes(o, framework, lab):
    dropout = lab.reference.dropout
    return [
        ({"InvertedDropout": dropout_layer_class(framework, lambda x, p, training: dropout(x, p, True))},
         "dropout left on at evaluation"),
        ({"InvertedDropout": dropout_layer_class(framework, lambda x, p, training: dropout(x, p, False))},
         "nothing was dropped in training mode"),
        ({"InvertedDropout": dropout_layer_class(
            framework, lambda x, p, training: dropout(x, p, True) if training else x * (1 - p))},
         "scaled by 1 - p at evaluation"),
    ]


def _replayer(ties=False, extra_wait=0, reset=True, whole_curve=False, one_based=False):
    def early_stopping_wrong(val_losses, patience):
        best_epoch, best, waited, last = 0, float("inf"), 0, len(val_losses) - 1
        for epoch, loss in enumerate(val_losses):
            if loss < best or (ties and loss == best):
                best_epoch, best, waited = epoch, loss, 0 if reset else waited
            else:
                waited += 1
                if waited == patience + extra_wait:
                    last = epoch
                    break
        if whole_curve:
            best_epoch = int(np.argmin(val_losses))
        return (best_epoch + 1, last + 1) if one_based else (best_epoch, last)
    return early_stopping_wrong


EARLY_STOPPING_MISTAKES = [
    ({"early_stopping": _replayer(ties=True)}, "equal to the best"),
    ({"early_stopping": _replayer(extra_wait=1)}, "one epoch too late"),
    ({"early_stopping": _replayer(reset=False)}, "not reset"),
    ({"early_stopping": _replayer(whole_curve=True)}, "minimum of the whole curve"),
    ({"early_stopping": _replayer(one_based=True)}, "numbered from 1"),
    ({"early_stopping": lambda val_losses, patience: int(np.argmin(val_losses))}, "should return a pair"),
]


def _loop(framework, restore=True, copy_weights=True, stop=True, extra_wait=0, forever=False):
    """train_with_early_stopping with one thing done wrong (`forever`: no stop at all, not even max_epochs)."""
    if framework == "tensorflow":
        save = (lambda m: m.get_weights()) if copy_weights else (lambda m: list(m.weights))
        load = lambda m, saved: m.set_weights([w.numpy() if hasattr(w, "numpy") else w for w in saved])
    else:
        save = (lambda m: copy.deepcopy(m.state_dict())) if copy_weights else (lambda m: m.state_dict())
        load = lambda m, saved: m.load_state_dict(saved)

    def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
        history, best, saved, waited = [], float("inf"), save(model), 0
        for _ in itertools.count() if forever else range(max_epochs):
            train_epoch()
            history.append(float(validation_loss()))
            if history[-1] < best:
                best, saved, waited = history[-1], save(model), 0
            else:
                waited += 1
                if stop and waited == patience + extra_wait:
                    break
        if restore:
            load(model, saved)
        return history
    return train_with_early_stopping


def mistakes_for(exercise, o, framework, lab):
    if exercise == "polynomial_features":
        return _polynomial_mistakes(o)
    if exercise == "fit":
        return _fit_mistakes(o, lab)
    if exercise == "dropout":
        return _dropout_mistakes(o)
    if exercise == "dropout_layer":
        return _layer_mistakes(o, framework, lab)
    if exercise == "early_stopping":
        return EARLY_STOPPING_MISTAKES
    return [({"train_with_early_stopping": _loop(framework, restore=False)}, "weights of the last epoch"),
            ({"train_with_early_stopping": _loop(framework, copy_weights=False)},
             "a reference to the live weights, not a copy"),
            ({"train_with_early_stopping": _loop(framework, stop=False)}, "never stopped"),
            ({"train_with_early_stopping": _loop(framework, extra_wait=1)}, "one epoch too many"),
            ({"train_with_early_stopping": _loop(framework, extra_wait=-1)}, "one epoch too few"),
            ({"train_with_early_stopping": _loop(framework, stop=False, forever=True)}, "more than max_epochs")]


EXERCISES = ["polynomial_features", "fit", "dropout", "dropout_layer", "early_stopping", "train_with_early_stopping"]


@pytest.mark.parametrize("exercise", EXERCISES)
def test_plausible_mistakes_fail_with_a_message_that_names_them(lab, ops, framework, exercise):
    cases = mistakes_for(exercise, ops, framework, lab)
    assert len(cases) >= 2
    for functions, expected_message in cases:
        outcome = graded(lab, exercise, **functions)
        assert outcome.status == "failed", (expected_message, outcome.message)
        assert expected_message in outcome.message, (expected_message, outcome.message)


def test_the_copy_hint_names_the_framework_way(lab, framework):
    outcome = graded(lab, "train_with_early_stopping", train_with_early_stopping=_loop(framework, copy_weights=False))
    assert ("get_weights" if framework == "tensorflow" else "copy.deepcopy(model.state_dict())") in outcome.message


# ---- correct answers written differently ----

def _alternatives(o, framework, lab):
    def dropout_by_multiplying(x, p, training=True):
        if training:
            return x * o["bernoulli_keep"](x, p) / (1 - p)
        return x

    def fit_by_normal_equations(x, y, d):
        A = o["powers"](x, d)
        return o["solve"](o["T"](A) @ A, o["T"](A) @ y[:, None])[:, 0]

    def early_stopping_by_distance(val_losses, patience):
        best_epoch = 0
        for epoch in range(len(val_losses)):
            if val_losses[epoch] < val_losses[best_epoch]:
                best_epoch = epoch
            if epoch - best_epoch >= patience:
                return best_epoch, epoch
        return best_epoch, len(val_losses) - 1

    if framework == "tensorflow":
        def train_loop(model, train_epoch, validation_loss, max_epochs, patience):
            losses, snapshot = [], [w.numpy().copy() for w in model.weights]
            while len(losses) < max_epochs:
                train_epoch()
                losses.append(validation_loss())
                best, last = early_stopping_by_distance(losses, patience)
                if best == len(losses) - 1:
                    snapshot = [w.numpy().copy() for w in model.weights]
                elif last < len(losses) - 1 or len(losses) - 1 - best >= patience:
                    break
            for variable, value in zip(model.weights, snapshot):
                variable.assign(value)
            return losses
    else:
        def train_loop(model, train_epoch, validation_loss, max_epochs, patience):
            losses, snapshot = [], {k: v.clone() for k, v in model.state_dict().items()}
            while len(losses) < max_epochs:
                train_epoch()
                losses.append(validation_loss())
                best, _ = early_stopping_by_distance(losses, patience)
                if best == len(losses) - 1:
                    snapshot = {k: v.clone() for k, v in model.state_dict().items()}
                elif len(losses) - 1 - best >= patience:
                    break
            model.load_state_dict(snapshot)
            return losses

    return {
        "polynomial_features": {"polynomial_features": o["powers"]},
        "fit": {"fit_polynomial": fit_by_normal_equations,
                "mean_squared_error": lambda y, y_hat: o["sum"]((y_hat - y) * (y_hat - y)) / y.shape[0]},
        "dropout": {"dropout": dropout_by_multiplying},
        "dropout_layer": {"InvertedDropout": dropout_layer_class(
            framework, lambda x, p, training: dropout_by_multiplying(x, p) if training else x)},
        "early_stopping": {"early_stopping": early_stopping_by_distance},
        "train_with_early_stopping": {"train_with_early_stopping": train_loop},
    }


@pytest.mark.parametrize("exercise", EXERCISES)
def test_correct_alternatives_pass(lab, ops, framework, exercise):
    outcome = graded(lab, exercise, **_alternatives(ops, framework, lab)[exercise])
    assert outcome.passed, outcome.message


def test_not_attempted_is_not_a_failure(lab, framework):
    def stub(*args, **kwargs):
        raise NotImplementedError()

    stub_layer = dropout_layer_class(framework, stub)
    for exercise, functions in [("polynomial_features", {"polynomial_features": stub}),
                                ("fit", {"fit_polynomial": stub}), ("fit", {"mean_squared_error": lambda *a: None}),
                                ("dropout", {"dropout": stub}), ("dropout_layer", {"InvertedDropout": stub_layer}),
                                ("early_stopping", {"early_stopping": stub}),
                                ("train_with_early_stopping", {"train_with_early_stopping": lambda *a: None})]:
        assert graded(lab, exercise, **functions).status == "not attempted", (exercise, functions)


def test_the_best_degree_prediction_quotes_the_notebooks_sweep(lab, framework):
    """Section 2's sweep, fitted by the reference on the notebook's draw (float64): the lowest validation error lies
    in option (b)'s range, 3 to 6, and the numbers the options' whys quote are this draw's."""
    x, y, x_held, y_held = noisy_sine(n_train=15, n_val=200, noise=0.25)
    x_val, y_val = x_held[:100], y_held[:100]
    weights = [to_numpy(lab.reference.fit_polynomial(lab.tensor(x, "float64"), lab.tensor(y, "float64"), degree))
               for degree in range(13)]

    def mse(w, x, y):
        return float(np.mean((y - np.polynomial.polynomial.polyval(x.astype(np.float64), w)) ** 2))

    train, val = [mse(w, x, y) for w in weights], [mse(w, x_val, y_val) for w in weights]
    assert BEST_DEGREE.answer == "b" and 3 <= int(np.argmin(val)) <= 6
    assert [round(val[0], 2), round(val[1], 2), round(val[3], 3), round(train[12], 3)] == [0.72, 0.45, 0.08, 0.003]
    assert 0.091 <= min(val[4:7]) and max(val[4:7]) <= 0.096 and round(val[12]) == 54 and val[7] > 3 * val[6]
