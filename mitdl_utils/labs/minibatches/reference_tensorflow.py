"""Lab 05 reference implementations in TensorFlow, and the framework-specific helpers its tests use."""
import tensorflow as tf

from mitdl_utils.labs.minibatches.shared import bug_museum, predict_noise_ratio  # noqa: F401  (framework-neutral)


def per_example_loss(W, b, X, y):
    """Binary cross-entropy of a logistic unit, one value per example. X (n, d), W (d,), b (), y (n,) -> (n,)."""
    return tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=tf.linalg.matvec(X, W) + b)


def batch_gradient(W, b, X, y):
    """Gradient of the mean loss over the batch (X, y) -> (dJ/dW (d,), dJ/db ())."""
    with tf.GradientTape() as tape:
        tape.watch([W, b])
        loss = tf.reduce_mean(per_example_loss(W, b, X, y))
    dW, db = tape.gradient(loss, [W, b])
    return dW, db


def per_example_gradients(W, b, X, y):
    """The gradient of each example's own loss -> (G_W (n, d), G_b (n,))."""
    grads = [batch_gradient(W, b, X[i:i + 1], y[i:i + 1]) for i in range(X.shape[0])]
    return tf.stack([dW for dW, _ in grads]), tf.stack([db for _, db in grads])


def gradient_variance(G, batches):
    """G (n, p) per-example gradients, batches (k, B) indices -> mean over the k batches of
    ||batch mean of G - mean of G||^2, a scalar."""
    batch_means = tf.reduce_mean(tf.gather(G, batches), axis=1)
    full = tf.reduce_mean(G, axis=0)
    return tf.reduce_mean(tf.reduce_sum((batch_means - full) ** 2, axis=1))


def make_batches(X, y, batch_size, seed):
    """(X, y) -> a tf.data.Dataset of shuffled (x, y) mini-batches, reshuffled every epoch."""
    return tf.data.Dataset.from_tensor_slices((X, y)).shuffle(X.shape[0], seed=seed).batch(batch_size)


def train_epoch(model, optimizer, loss_fn, batches):
    """One pass over `batches`, one optimizer step per batch -> the mean of the batch losses (float)."""
    losses = [float(train_step(model, optimizer, loss_fn, xb, yb)) for xb, yb in batches]
    return sum(losses) / len(losses)


@tf.function
def train_step(model, optimizer, loss_fn, xb, yb):
    """One step on one batch, traced into a graph once per model and batch shape -> the loss before the step."""
    with tf.GradientTape() as tape:
        loss = loss_fn(model(xb, training=True), yb)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss


def scaled_learning_rate(base_lr, base_batch_size, batch_size):
    """The linear scaling rule: the learning rate grows in proportion to the batch size."""
    return base_lr * batch_size / base_batch_size


# --- helpers for the tests -------------------------------------------------------------------

def held(x):
    """x as the notebook holds it now, after the student's code ran on it (an in-place change shows here)."""
    return x


def loss_fn(logits, y):
    """Mean binary cross-entropy. logits: (B, 1) from the model, y: (B,) of 0/1."""
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=tf.squeeze(logits, -1)))


def make_model(W, b):
    """A logistic-regression model (one dense unit, logits out) with weights W (d,) and bias b."""
    model = tf.keras.Sequential([tf.keras.Input(shape=(len(W),)), tf.keras.layers.Dense(1)])
    model.layers[0].kernel.assign(tf.reshape(tf.constant(W, tf.float32), (-1, 1)))
    model.layers[0].bias.assign([float(b)])
    return model


def make_optimizer(model, learning_rate):
    """Plain stochastic gradient descent."""
    return tf.keras.optimizers.SGD(learning_rate=learning_rate)


def get_weights(model):
    """-> (W (d,), b), NumPy."""
    layer = model.layers[0]
    return layer.kernel.numpy()[:, 0], layer.bias.numpy()[0]
