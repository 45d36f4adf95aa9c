"""Lab 01 reference implementations in TensorFlow (the grader compares against these)."""
import tensorflow as tf

from mitdl_utils.labs.perceptron.shared import bug_museum, predict_scaled_weights  # noqa: F401  (framework-neutral)


def sigmoid(z):
    return 1 / (1 + tf.exp(-z))


def tanh(z):
    return 2 / (1 + tf.exp(-2 * z)) - 1  # stable for large |z|, unlike (e^z - e^-z) / (e^z + e^-z)


def relu(z):
    return tf.maximum(z, tf.zeros_like(z))


def sigmoid_derivative(z):
    s = sigmoid(z)
    return s * (1 - s)


def tanh_derivative(z):
    return 1 - tanh(z) ** 2


def relu_derivative(z):
    return tf.cast(z > 0, z.dtype)


def perceptron(X, w0, W, g):
    """X (n, d), w0 scalar, W (d,) -> g(w0 + X W), shape (n,)."""
    return g(w0 + tf.linalg.matvec(X, W))


def lecture_example():
    """The lecture's numbers: w0 = 1, W = [3, -2], x = [-1, 2] -> (z, y_hat)."""
    z = 1.0 + tf.tensordot(tf.constant([-1.0, 2.0]), tf.constant([3.0, -2.0]), axes=1)
    return z, sigmoid(z)


def boundary_x2(x1):
    """x1 (n,) -> the x2 (n,) on the line 1 + 3 x1 - 2 x2 = 0."""
    return (1 + 3 * x1) / 2


def on_positive_side(X):
    """X (n, 2) -> bool (n,): where 1 + 3 x1 - 2 x2 > 0."""
    return 1 + 3 * X[:, 0] - 2 * X[:, 1] > 0


def collapse_linear(W1, b1, W2, b2):
    """W1 (d, h), b1 (h,), W2 (h, k), b2 (k,) -> the single layer (W (d, k), b (k,))."""
    return W1 @ W2, tf.linalg.matvec(W2, b1, transpose_a=True) + b2


def held(x):
    """x as the notebook holds it now, after the student's code ran on it (an in-place change shows here)."""
    return x


def autograd_derivative(fn, z):
    """d fn(z)_i / d z_i by autograd for an elementwise fn (z: float32 (n,)), or None where autograd finds no path."""
    z = tf.constant(z)
    with tf.GradientTape() as tape:
        tape.watch(z)
        total = tf.reduce_sum(fn(z))
    return tape.gradient(total, z)
