"""Lab 03 reference implementations in TensorFlow (the grader compares against these), and the
framework's own losses that the checks hold them against."""
import numpy as np
import tensorflow as tf

EPSILON = 1e-7  # the clipping bound, the same as Keras's


def empirical_loss(per_example_losses):
    """(n,) -> scalar: the mean of the per-example losses."""
    return tf.reduce_mean(per_example_losses)


def binary_cross_entropy(y_hat, y, eps=EPSILON):
    """Probabilities y_hat (n,), labels y (n,) in {0, 1} -> scalar mean BCE, y_hat clipped to [eps, 1 - eps]."""
    p = tf.clip_by_value(y_hat, eps, 1 - eps)
    return -tf.reduce_mean(y * tf.math.log(p) + (1 - y) * tf.math.log(1 - p))


def bce_with_logits(z, y):
    """Logits z (n,), labels y (n,) -> scalar mean BCE of sigmoid(z), without ever computing sigmoid(z)."""
    return tf.reduce_mean(tf.maximum(z, 0.0) - z * y + tf.math.log1p(tf.exp(-tf.abs(z))))


def softmax(z):
    """Logits (n, K) -> probabilities (n, K), each row summing to 1; stable for large logits."""
    e = tf.exp(z - tf.reduce_max(z, axis=1, keepdims=True))
    return e / tf.reduce_sum(e, axis=1, keepdims=True)


def one_hot(labels, num_classes):
    """Class indices (n,) -> float32 (n, num_classes) with a single 1 per row."""
    return tf.one_hot(labels, num_classes, dtype=tf.float32)


def softmax_cross_entropy(logits, labels):
    """Logits (n, K), class indices (n,) -> scalar mean of -log softmax(logits)[i, labels[i]]."""
    log_p = logits - tf.reduce_logsumexp(logits, axis=1, keepdims=True)
    return -tf.reduce_mean(tf.reduce_sum(one_hot(labels, logits.shape[1]) * log_p, axis=1))


def framework_cross_entropy(logits, labels):
    """The same loss through TensorFlow's own function, which wants one-hot labels and logits."""
    targets = tf.one_hot(labels, logits.shape[1])
    return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=targets, logits=logits))


def mean_squared_error(y_hat, y):
    """Predictions and targets of the same shape -> scalar mean of the squared differences."""
    return tf.reduce_mean(tf.square(y - y_hat))


def loss_for_task(task):
    """A task name (see TASKS in the lab package) -> the name of the loss that fits it."""
    return {"pass_probability": "binary_cross_entropy", "pass_logit": "bce_with_logits",
            "final_grade": "mean_squared_error", "letter_grade": "softmax_cross_entropy",
            "hours_needed": "mean_squared_error"}[task]


def predict_sure_wrong_loss():
    """The binary cross-entropy of y_hat = 0 for y = 1: -ln(eps) = 7 ln 10 (nats)."""
    return 16.1


def bug_museum():
    """Each exhibit of the bug museum -> the letter of why it goes wrong."""
    return {"single_logit": "b", "probabilities_as_logits": "c", "swapped_arguments": "a"}


# The framework's own losses, for the checks.

def builtin_binary_cross_entropy(y_hat, y):
    return tf.keras.losses.binary_crossentropy(y, y_hat)  # Keras: labels first


def builtin_bce_with_logits(z, y):
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=z))


def builtin_mean_squared_error(y_hat, y):
    return tf.reduce_mean(tf.keras.losses.MSE(y, y_hat))


# For the checks that differentiate through the student's losses.

def value_and_gradient(fn, inputs, wrt, weights=None):
    """fn(*inputs) and the gradient of its sum (of sum(result * weights) when weights are given) with respect to
    inputs[wrt], a float tensor; the gradient is None when the result does not depend on it for autograd."""
    inputs = list(inputs)
    with tf.GradientTape() as tape:
        tape.watch(inputs[wrt])
        result = fn(*inputs)
        if not tf.is_tensor(result) or not result.dtype.is_floating:
            return result, None
        target = result if weights is None else result * tf.constant(np.asarray(weights), dtype=result.dtype)
        target = tf.reduce_sum(target)
    return result, tape.gradient(target, inputs[wrt])
