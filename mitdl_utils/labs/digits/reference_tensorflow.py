"""Lab 07 reference implementations in TensorFlow, and the TensorFlow side of its tests."""
import logging

import numpy as np
import tensorflow as tf

from mitdl_utils.labs.digits.shared import (  # noqa: F401  (framework-neutral)
    bug_museum, confusion_matrix, predict_linear_baseline, standardize, stratified_split)


class _NoRetracingWarning(logging.Filter):
    """Drop TensorFlow's warning that a compiled function was traced several times: the checks make a fresh
    training step (a new tf.function) for every case they try, so the warning would describe the checks, not
    the student's code."""

    def filter(self, record):
        return "triggered tf.function retracing" not in record.getMessage()


tf.get_logger().addFilter(_NoRetracingWarning())


def dropout(x, p, training=True):
    """Inverted dropout: zero each entry with probability p, scale the rest by 1 / (1 - p); identity at evaluation."""
    if not training or p == 0:
        return x
    keep = tf.random.uniform(tf.shape(x), dtype=x.dtype) >= p
    return tf.where(keep, x / (1 - p), tf.zeros_like(x))


class DigitClassifier(tf.keras.Model):
    """x (n, n_inputs) -> ReLU hidden layer -> dropout (training=True only) -> logits (n, n_classes)."""

    def __init__(self, n_inputs, n_hidden, n_classes, p, **kwargs):
        super().__init__(**kwargs)
        self.p = p
        self.W1 = self.add_weight(shape=(n_inputs, n_hidden), name="W1", initializer="random_normal")
        self.b1 = self.add_weight(shape=(n_hidden,), name="b1", initializer="zeros")
        self.W2 = self.add_weight(shape=(n_hidden, n_classes), name="W2", initializer="random_normal")
        self.b2 = self.add_weight(shape=(n_classes,), name="b2", initializer="zeros")

    def call(self, x, training=None):
        hidden = dropout(tf.nn.relu(x @ self.W1 + self.b1), self.p, training=bool(training))
        return hidden @ self.W2 + self.b2


def softmax_cross_entropy(logits, labels):
    """logits (n, k), labels int (n,) -> mean of -log softmax(logits)[label], computed stably (log-sum-exp)."""
    shifted = logits - tf.reduce_max(logits, axis=1, keepdims=True)
    log_probabilities = shifted - tf.math.log(tf.reduce_sum(tf.exp(shifted), axis=1, keepdims=True))
    return -tf.reduce_mean(tf.gather(log_probabilities, labels, axis=1, batch_dims=1))



def loss_in_order(logits, labels):
    """softmax_cross_entropy for the checks of a step: it refuses its arguments in the other order."""
    if len(logits.shape) != 2 or len(labels.shape) != 1:
        raise TypeError(f"loss_fn(logits, labels) was given a first argument of shape {tuple(logits.shape)} and a "
                        f"second of shape {tuple(labels.shape)}: the arguments are in the wrong order; the logits "
                        "(n, k) come first, the labels (n,) second")
    return softmax_cross_entropy(logits, labels)


def make_batches(X, y, batch_size, seed):
    """(X, y) -> a tf.data.Dataset of shuffled (x, y) mini-batches, reshuffled every epoch (lab 05)."""
    return tf.data.Dataset.from_tensor_slices((X, y)).shuffle(X.shape[0], seed=seed).batch(batch_size)


def evaluate(model, X, y):
    """-> (mean cross-entropy, accuracy) of `model` on (X, y) in evaluation mode (training=False), as floats."""
    logits = model(X, training=False)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    return float(loss), float(tf.reduce_mean(tf.cast(tf.argmax(logits, axis=1) == y, tf.float32)))


def make_train_step(model, optimizer, loss_fn):
    """-> step(x, y): one optimizer update of `model` on the batch; returns (loss, logits) from before it.
    Eager: the checks make a new step for every case they try and take a few steps with it, fewer than it
    would take to win back tracing it as a graph (the notebook's solution compiles it with tf.function)."""
    def step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss = loss_fn(logits, y)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss, logits
    return step


def train_epoch(step, batches):
    """One step per batch -> (mean loss over the epoch's examples, fraction of them classified right)."""
    total_loss, correct, seen = 0.0, 0, 0
    for x, y in batches:
        loss, logits = step(x, y)
        total_loss += float(loss) * len(y)
        correct += int(tf.reduce_sum(tf.cast(tf.argmax(logits, axis=1) == y, tf.int32)))
        seen += len(y)
    return total_loss / seen, correct / seen


def fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size, learning_rate, seed):
    """Adam on mini-batches with early stopping on the validation loss -> history (Keras's keys, one value per
    epoch); `model` ends with the weights of its best epoch."""
    step = make_train_step(model, tf.keras.optimizers.Adam(learning_rate), softmax_cross_entropy)
    batches = make_batches(X_train, y_train, batch_size, seed)
    history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
    best_loss, best_weights, waited = float("inf"), model.get_weights(), 0
    for _ in range(max_epochs):
        measured = train_epoch(step, batches) + evaluate(model, X_val, y_val)
        for key, value in zip(history, measured):
            history[key].append(value)
        if history["val_loss"][-1] < best_loss:
            best_loss, best_weights, waited = history["val_loss"][-1], model.get_weights(), 0
        else:
            waited += 1
            if waited >= patience:
                break
    model.set_weights(best_weights)
    return history


def _layers(n_inputs, n_hidden, n_classes, p):
    return [tf.keras.Input((n_inputs,)), tf.keras.layers.Dense(n_hidden, activation="relu"),
            tf.keras.layers.Dropout(p), tf.keras.layers.Dense(n_classes)]


def framework_model(n_inputs, n_hidden, n_classes, p):
    """The same network from Keras's own layers."""
    return tf.keras.Sequential(_layers(n_inputs, n_hidden, n_classes, p))


def framework_fit(model, X_train, y_train, X_val, y_val, max_epochs, patience, batch_size, learning_rate, seed):
    """The same training, the Keras way: compile, then fit with an EarlyStopping callback."""
    tf.keras.utils.set_random_seed(seed)
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    stopper = tf.keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)
    return model.fit(X_train, y_train, validation_data=(X_val, y_val), epochs=max_epochs, batch_size=batch_size,
                     callbacks=[stopper], verbose=0).history


# ---- test machinery: the framework-specific steps the framework-neutral tests need ----

def make_classifier(n_inputs, n_hidden, n_classes, p, seed):
    """The reference DigitClassifier, its weights drawn after seeding Keras with `seed`."""
    tf.keras.utils.set_random_seed(seed)
    return DigitClassifier(n_inputs, n_hidden, n_classes, p)


class _ModeRecordingDense(tf.keras.layers.Dense):
    """A Dense layer that keeps the `training` argument of every call (a traced call: once per trace)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.modes = []

    def call(self, inputs, training=None):
        self.modes.append(training)
        return super().call(inputs)


def make_linear(W, b):
    """A linear classifier x -> x W + b (one Dense layer) with the given weights W (d, k), b (k,)."""
    model = tf.keras.Sequential([tf.keras.Input((np.shape(W)[0],)), _ModeRecordingDense(np.shape(W)[1])])
    model.set_weights([np.asarray(W, np.float32), np.asarray(b, np.float32)])
    return model


def make_sgd(model, learning_rate):
    """Plain stochastic gradient descent."""
    return tf.keras.optimizers.SGD(learning_rate)


def linear_weights(model):
    """-> (W (d, k), b (k,)) of a make_linear model, NumPy."""
    W, b = model.get_weights()
    return W, b


def logits_in_mode(model, x, training):
    """The model's output when called with training=True or training=False."""
    return model(x, training=training)


def logits_by_default(model, x):
    """The model's output when called as model(x), the mode left unsaid (training=None)."""
    return model(x)


def logits_compiled_twice(model, x):
    """The model's output in training mode from two calls of one tf.function (as in a compiled training step)."""
    compiled = tf.function(lambda x: model(x, training=True))
    return compiled(x), compiled(x)


def training_modes(model):
    """The `training` arguments a make_linear model's layer was called with."""
    return list(model.layers[-1].modes)


def parameter_arrays(model):
    """Every trainable weight of the model, in the order Keras lists them, as NumPy arrays."""
    return [variable.numpy() for variable in model.trainable_variables]


def layer_kinds(model):
    """The type names of the model's layers."""
    return [type(layer).__name__ for layer in model.layers]


class _EagerSequential(tf.keras.Sequential):
    """A Sequential model whose compile() always asks for eager execution: its fit() traces no graph, which
    would take longer than a visible check may (the hidden tests train an ordinary model, in graph mode)."""

    def compile(self, *args, **kwargs):
        super().compile(*args, **{**kwargs, "run_eagerly": True, "jit_compile": False})


def check_model(n_inputs, n_hidden, n_classes, p, seed):
    """The reference framework model, seeded, as a model that fit() runs eagerly (see _EagerSequential)."""
    tf.keras.utils.set_random_seed(seed)
    return _EagerSequential(_layers(n_inputs, n_hidden, n_classes, p))


def seeded_framework_model(n_inputs, n_hidden, n_classes, p, seed):
    """The reference framework model, seeded: what the hidden tests of framework_fit train."""
    tf.keras.utils.set_random_seed(seed)
    return framework_model(n_inputs, n_hidden, n_classes, p)


FRAMEWORK_LAYERS = {"dense": "Dense", "dropout": "Dropout"}
FRAMEWORK_LOSS_CALLS = ("sparse_softmax_cross_entropy_with_logits", "softmax_cross_entropy_with_logits",
                        "SparseCategoricalCrossentropy", "sparse_categorical_crossentropy", "log_softmax",
                        "CategoricalCrossentropy", "categorical_crossentropy")
WEIGHT_HINT = "self.add_weight(shape=..., initializer=...)"
LOGITS_HINT = "compile with loss=SparseCategoricalCrossentropy(from_logits=True), which applies the softmax itself"
FRAMEWORK_DROPOUT_CALLS = ("dropout", "Dropout", "experimental_stateless_dropout", "stateless_dropout")
COPY_HINT = ("best = model.get_weights() (a copy of every weight, not the variables themselves) when the "
             "validation loss improves, model.set_weights(best) at the end")
TRAIN_MODE_HINT = "call the model as model(x, training=True) inside the step, so that dropout is on while it trains"
COMPILED_HINT = ("A mask drawn with NumPy (np.random) is drawn once, when TensorFlow traces the function, and then "
                 "frozen into the graph: draw it with tf.random.uniform")
MODE_HINT = ("`call(self, x, training=None)` must pass `training` on to your dropout: Keras calls the model "
             "with training=True in fit() and training=False in predict() and evaluate()")
