"""Lab 04 reference implementations in TensorFlow, and the TensorFlow machinery its checks need."""
import numpy as np
import tensorflow as tf

from mitdl_utils.labs.gradient_descent.shared import bug_museum, predict_divergence  # noqa: F401  (framework-neutral)


# --- the exercises ---------------------------------------------------------------------------

def tiny_loss(x, y, w1, w2):
    """x, y (n,); w1, w2 scalars or (m, 1) -> J = mean over examples of (w2 sigmoid(w1 x) - y)^2: () or (m,)."""
    y_hat = w2 * tf.sigmoid(w1 * x)
    return tf.reduce_mean((y_hat - y) ** 2, axis=-1)


def tiny_gradients(x, y, w1, w2):
    """(dJ/dw1, dJ/dw2) of tiny_loss by the chain rule, for scalar w1, w2."""
    s = tf.sigmoid(w1 * x)
    dJ_dyhat = 2 * (w2 * s - y) / tf.cast(tf.size(x), x.dtype)
    dyhat_dz1 = w2 * s * (1 - s)
    return tf.reduce_sum(dJ_dyhat * dyhat_dz1 * x), tf.reduce_sum(dJ_dyhat * s)


def autograd_gradients(x, y, w1, w2):
    """(dJ/dw1, dJ/dw2) of tiny_loss by tf.GradientTape."""
    w1, w2 = tf.Variable(w1), tf.Variable(w2)
    with tf.GradientTape() as tape:
        loss = tiny_loss(x, y, w1, w2)
    d_w1, d_w2 = tape.gradient(loss, [w1, w2])
    return d_w1, d_w2


def numerical_gradients(loss, w1, w2, eps=1e-3):
    """Centred finite differences of loss(w1, w2) -> (dJ/dw1, dJ/dw2)."""
    d_w1 = (loss(w1 + eps, w2) - loss(w1 - eps, w2)) / (2 * eps)
    d_w2 = (loss(w1, w2 + eps) - loss(w1, w2 - eps)) / (2 * eps)
    return d_w1, d_w2


def init_params(shape, sigma):
    """A float32 tensor of `shape`, drawn from N(0, sigma^2)."""
    return tf.random.normal(shape, stddev=sigma)


def gradient_descent(loss_fn, params, lr, max_steps, tol=0.0):
    """Plain gradient descent on the tf.Variables `params`, in place -> the loss before each step."""
    losses = []
    for _ in range(max_steps):
        with tf.GradientTape() as tape:
            loss = loss_fn()
        grads = tape.gradient(loss, params)
        losses.append(float(loss))
        if len(losses) > 1 and abs(losses[-2] - losses[-1]) < tol:
            break
        for param, grad in zip(params, grads):
            param.assign_sub(lr * grad)
    return losses


def pick_learning_rates():
    return {"too small": 0.05, "stable": 1.0, "too large": 4.0}


def train_with_optimizer(loss_fn, params, optimizer, steps):
    """`steps` optimizer steps on `params` -> the loss before each step."""
    losses = []
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = loss_fn()
        grads = tape.gradient(loss, params)
        optimizer.apply_gradients(zip(grads, params))
        losses.append(float(loss))
    return losses


def adam_step(w, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam update at step t (1, 2, ...) -> (w, m, v)."""
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return w - lr * m_hat / (tf.sqrt(v_hat) + eps), m, v


# --- machinery for the checks and demos ------------------------------------------------------

OPTIMIZERS = {"SGD": "SGD", "Adam": "Adam", "Adagrad": "Adagrad", "RMSProp": "RMSprop", "Adadelta": "Adadelta"}


def make_optimizer(name, params, lr):
    """A Keras optimizer by the lecture's name (SGD, Adam, Adagrad, RMSProp, Adadelta); `params` unused."""
    options = {"SGD": {}, "Adam": {"epsilon": 1e-8}, "Adagrad": {"initial_accumulator_value": 0.0, "epsilon": 1e-16},
               "RMSProp": {"rho": 0.9, "epsilon": 1e-16}, "Adadelta": {"rho": 0.95, "epsilon": 1e-6}}[name]
    return getattr(tf.keras.optimizers, OPTIMIZERS[name])(learning_rate=lr, **options)


def held(tensors):
    """The tensors' values as the notebook holds them now (after the student's code ran on them): NumPy arrays."""
    return [np.array(tensor.numpy()) for tensor in tensors]


def loss_gradients(loss, x, y, w1, w2):
    """(dJ/dw1, dJ/dw2) of loss(x, y, w1, w2) by autograd at the numbers w1, w2, or None where it finds no path."""
    w1, w2 = tf.Variable(float(w1)), tf.Variable(float(w2))
    with tf.GradientTape() as tape:
        value = loss(x, y, w1, w2)
    gradients = tape.gradient(value, [w1, w2]) if tf.is_tensor(value) else [None, None]
    return None if any(g is None for g in gradients) else tuple(gradients)


def trainable(values):
    """NumPy arrays -> a list of float32 tf.Variables."""
    return [tf.Variable(np.asarray(v, np.float32)) for v in values]


def quadratic_loss(params, targets, scales):
    """loss_fn() = sum_i sum(scales_i (params_i - targets_i)^2), a bowl with known gradients."""
    return lambda: tf.add_n([tf.reduce_sum(c * (p - t) ** 2) for p, t, c in zip(params, targets, scales)])


def adam_path(w, grad_fn, steps, lr, beta1, beta2, eps):
    """The weights Keras's Adam visits from w (NumPy) when grad_fn(w) gives the gradient: (steps, *w.shape)."""
    variable = tf.Variable(np.asarray(w, np.float32))
    optimizer = tf.keras.optimizers.Adam(learning_rate=lr, beta_1=beta1, beta_2=beta2, epsilon=eps)
    path = []
    for _ in range(steps):
        grad = tf.constant(grad_fn(variable.numpy()), tf.float32)
        optimizer.apply_gradients([(grad, variable)])
        path.append(variable.numpy().copy())
    return np.stack(path)
