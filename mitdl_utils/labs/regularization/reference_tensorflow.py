"""Lab 06 reference implementations in TensorFlow, and the TensorFlow side of its tests."""
import logging

import numpy as np
import tensorflow as tf

from mitdl_utils.labs.regularization.shared import (  # noqa: F401  (framework-neutral)
    bug_museum, early_stopping, predict_best_degree)


class _NoRetracingWarning(logging.Filter):
    """Drop TensorFlow's warning that compiled functions were traced many times: the layer check compiles a fresh
    tf.function for every case, so the warning would be about the check, not about the student's layer."""

    def filter(self, record):
        return "triggered tf.function retracing" not in record.getMessage()


tf.get_logger().addFilter(_NoRetracingWarning())


def polynomial_features(x, degree):
    """x (n,) -> (n, degree + 1): the columns x^0, x^1, ..., x^degree."""
    return tf.stack([x**k for k in range(degree + 1)], axis=1)


def fit_polynomial(x, y, degree):
    """Least-squares polynomial weights (degree + 1,), lowest power first."""
    A = polynomial_features(x, degree)
    return tf.linalg.lstsq(A, y[:, None], fast=False)[:, 0]


def mean_squared_error(y, y_hat):
    """(n,), (n,) -> scalar: mean of the squared differences."""
    return tf.reduce_mean((y - y_hat) ** 2)


def dropout(x, p, training=True):
    """Inverted dropout: zero each entry with probability p, scale the rest by 1 / (1 - p); identity at evaluation."""
    if not training or p == 0:
        return x
    keep = tf.random.uniform(tf.shape(x), dtype=x.dtype) >= p
    return tf.where(keep, x / (1 - p), tf.zeros_like(x))


class InvertedDropout(tf.keras.layers.Layer):
    """Dropout as a Keras layer: active only when called with training=True."""

    def __init__(self, p, **kwargs):
        super().__init__(**kwargs)
        self.p = p

    def call(self, x, training=None):
        return dropout(x, self.p, training=bool(training))


def train_with_early_stopping(model, train_epoch, validation_loss, max_epochs, patience):
    """Train until `patience` epochs in a row bring no improvement; leave the model with its best weights."""
    history, best_loss, best_weights, waited = [], float("inf"), model.get_weights(), 0
    for _ in range(max_epochs):
        train_epoch()
        loss = float(validation_loss())
        history.append(loss)
        if loss < best_loss:
            best_loss, best_weights, waited = loss, model.get_weights(), 0
        else:
            waited += 1
            if waited >= patience:
                break
    model.set_weights(best_weights)
    return history


# ---- test machinery: the framework-specific steps the framework-neutral tests need ----

def framework_dropout(p):
    """The framework's own dropout layer."""
    return tf.keras.layers.Dropout(p)


def apply_in_mode(layer, x, training):
    """Call a layer in training or evaluation mode, the Keras way."""
    return layer(x, training=training)


def apply_in_container(layer, x, training):
    """The layer inside a Sequential model called with training=...: the mode must reach it."""
    return tf.keras.Sequential([layer])(x, training=training)


def apply_without_mode(layer, x):
    """The layer called with no `training` at all, alone and inside a Sequential model, and with training=None:
    -> [(how it was called, output)]. Each of them is inference."""
    return [("called as layer(x), with no training argument", layer(x)),
            ("called as layer(x, training=None)", layer(x, training=None)),
            ("inside a Sequential model called with no training argument", tf.keras.Sequential([layer])(x))]


def apply_twice_compiled(layer, x):
    """Two calls of one tf.function that runs the layer in training mode, as Keras's fit() runs a model."""
    run = tf.function(lambda x: layer(x, training=True))
    return run(x), run(x)


def tensor_values(x):
    """The tensor as it is now in the notebook (after the student's code had it)."""
    return x


class _ScriptedDense(tf.keras.layers.Dense):
    """A Dense layer that counts its set_weights calls (the restore at the end of training)."""

    restores = 0

    def set_weights(self, weights):
        self.restores += 1
        super().set_weights(weights)


def scripted_model():
    """A small model whose weights a test can set: a Dense layer 3 -> 2."""
    layer = _ScriptedDense(2)
    layer.build((None, 3))
    return layer


def restore_calls(model):
    """How many times the student's code called model.set_weights."""
    return model.restores


def fill_weights(model, value):
    """Set every weight of the model to `value`, in place (as an optimizer step does)."""
    for variable in model.weights:
        variable.assign(tf.fill(variable.shape, tf.cast(value, variable.dtype)))


def weight_values(model):
    """Every weight of the model, flattened into one NumPy array."""
    return np.concatenate([np.ravel(w) for w in model.get_weights()])


FRAMEWORK_DROPOUT = "tf.keras.layers.Dropout"
MODE_HINT = ("`call(self, x, training=None)` must pass `training` on to the dropout: Keras sets it to True "
             "in fit() and to False in predict() and evaluate()")
NO_MODE_HINT = ("Keras leaves `training` as None when nobody says the model trains (a plain call, "
                "predict()): None means inference, so treat it as False (bool(training)), and keep the default "
                "of call's `training` None")
COMPILED = "run in training mode inside a tf.function (as fit() runs it)"
SAME_MASK_HINT = ("Inside a tf.function, Python and NumPy code runs once, while the function is traced, and its "
                  "results become constants: a mask drawn with NumPy (or drawn once and stored) is the same on "
                  "every call. Draw it with tf.random.uniform inside call, which draws anew on every call")
COPY_HINT = "best = model.get_weights() when the loss improves, model.set_weights(best) at the end"
