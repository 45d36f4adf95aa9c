"""Lab 02 reference implementations in TensorFlow, and the few TensorFlow-specific helpers the tests use."""
import numpy as np
import tensorflow as tf

BUILTIN_NAME = "tf.keras.layers.Dense"
MODEL_NAME = "tf.keras.Model (e.g. tf.keras.Sequential)"
REGISTER_HINT = "create them in __init__ with self.add_weight(shape=..., name=...)"
TRANSPOSE_NOTE = "a Dense layer's kernel has W's own (inputs, outputs) layout, so copy W itself"


def dense_forward(X, W, b, g):
    """X (n, d_in), W (d_in, d_out), b (d_out,), g: activation -> g(X W + b), shape (n, d_out)."""
    return g(tf.matmul(X, W) + b)


class MyDenseLayer(tf.keras.layers.Layer):
    """sigmoid(x W + b) with W (input_dim, output_dim) and b (output_dim,)."""

    def __init__(self, input_dim, output_dim):
        super().__init__()
        self.W = self.add_weight(shape=(input_dim, output_dim), name="W", initializer="random_normal")
        self.b = self.add_weight(shape=(output_dim,), name="b", initializer="zeros")

    def call(self, x):
        return dense_forward(x, self.W, self.b, tf.math.sigmoid)


def builtin_dense(W, b):
    """W (d_in, d_out), b (d_out,) -> a Dense layer (no activation) holding exactly these weights."""
    layer = tf.keras.layers.Dense(W.shape[1])
    layer.build((None, W.shape[0]))
    layer.kernel.assign(W)
    layer.bias.assign(b)
    return layer


def two_layer_model(m, n):
    """m inputs -> n hidden units (ReLU) -> 2 outputs."""
    return tf.keras.Sequential([tf.keras.Input(shape=(m,)), tf.keras.layers.Dense(n, activation="relu"),
                                tf.keras.layers.Dense(2)])


def deep_network(sizes):
    """sizes [d_in, n_1, ..., d_out] -> dense layers with ReLU between them, the last one linear."""
    layers = [tf.keras.Input(shape=(sizes[0],))]
    for i, n_out in enumerate(sizes[1:], start=1):
        layers.append(tf.keras.layers.Dense(n_out, activation="relu" if i < len(sizes) - 1 else None))
    return tf.keras.Sequential(layers)


def count_parameters(sizes):
    """Weights and biases of deep_network(sizes)."""
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def predict_parameter_growth():
    """Doubling both hidden layers of [784, 256, 256, 10] multiplies its count by 669,706 / 269,322 = 2.49."""
    return "b"


def pass_model():
    """(lectures, hours) -> 3 hidden units (sigmoid) -> probability of passing (sigmoid)."""
    return tf.keras.Sequential([tf.keras.Input(shape=(2,)), tf.keras.layers.Dense(3, activation="sigmoid"),
                                tf.keras.layers.Dense(1, activation="sigmoid")])


def predict_pass(model, lectures, hours):
    """-> the model's probability of passing for one student, a scalar tensor."""
    return model(tf.constant([[lectures, hours]], dtype=tf.float32))[0, 0]


def pass_rate_near(X, y, point, radius):
    """X (n, 2), y (n,), point (2,) -> the mean of y over the rows of X closer than radius to point."""
    near = tf.norm(X - point, axis=1) < radius
    return tf.reduce_mean(tf.boolean_mask(y, near))


def accuracy(p, y):
    """p (n, 1) probabilities of class 1, y (n,) labels 0/1 -> the fraction with (p > 0.5) == y, a scalar tensor."""
    predicted = tf.cast(p[:, 0] > 0.5, y.dtype)
    return tf.reduce_mean(tf.cast(tf.equal(predicted, y), tf.float32))


def linear_classifier():
    """The perceptron on (x1, x2): one dense layer with one sigmoid output, P(class 1) of shape (n, 1)."""
    return MyDenseLayer(2, 1)


def mlp_classifier(hidden):
    """(x1, x2) -> `hidden` sigmoid units -> one sigmoid output, P(class 1) of shape (n, 1)."""
    return tf.keras.Sequential([tf.keras.Input(shape=(2,)), MyDenseLayer(2, hidden), MyDenseLayer(hidden, 1)])


def bug_museum():
    """Each exhibit of the bug museum -> the letter of why it goes wrong."""
    return {"relu_class": "b", "linear_stack": "c"}


def fit_classifier(model, X, y, steps, learning_rate):
    """Full-batch Adam on the binary cross-entropy of the model's probabilities, as the notebook trains.
    X (n, 2), y (n,) NumPy -> the last loss (float)."""
    optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate)
    loss_fn = tf.keras.losses.BinaryCrossentropy()
    X, y = tf.constant(X, tf.float32), tf.constant(np.reshape(y, (-1, 1)), tf.float32)
    model(X)  # a model that makes its weights on its first call has them now
    variables = model.trainable_variables
    optimizer.build(variables)  # its own variables made here, not while tracing: one trace instead of two

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(X))
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss

    for _ in range(steps):
        loss = step()
    return float(loss)


# --- test machinery: reading and writing the weights of TensorFlow layers and models ---

def trainable(array):
    """NumPy -> a tf.Variable: what is computed from it can be differentiated with respect to it."""
    return tf.Variable(np.asarray(array, np.float32))


class GradientProbe:
    """An activation g that also notes whether autograd can follow the z it is given back to each of `sources`
    (tf.Variables): a tape watches them from the probe's creation to its first call."""

    def __init__(self, activation, sources):
        self.activation, self.sources, self.followed = activation, list(sources), None
        self._tape = tf.GradientTape(persistent=True, watch_accessed_variables=False)
        self._tape.__enter__()
        self._tape.watch(self.sources)

    def close(self):
        if self._tape is not None:
            self._tape.__exit__(None, None, None)

    def __call__(self, z):
        if self.followed is None:
            self.close()
            try:
                gradients = self._tape.gradient(z, self.sources)
            except (TypeError, ValueError, AttributeError):  # z is not a tensor (NumPy on the way)
                gradients = [None] * len(self.sources)
            self._tape, self.followed = None, [g is not None for g in gradients]
        return self.activation(z)


def gradient_probe(activation, sources):
    return GradientProbe(activation, sources)


def probe_followed(probe):
    """-> for each source, whether the probe's z depends on it (None: the probe was never called)."""
    if probe.followed is None:
        probe.close()
        probe._tape = None
    return probe.followed


def layer_gradients(layer, x):
    """d sum(layer(x)) / d (layer.W, layer.b) by autograd, as NumPy (None where no gradient arrives)."""
    x = tf.constant(x, tf.float32)
    with tf.GradientTape() as tape:
        out = tf.reduce_sum(layer(x))
    return [None if g is None else tf.convert_to_tensor(g).numpy() for g in tape.gradient(out, [layer.W, layer.b])]


def is_class(obj):
    return isinstance(obj, type)


def build_layer(layer, input_dim):
    """Make sure a from-scratch layer has its weights, also when it creates them in build() (a layer that made
    them in __init__ is not called: its weights' shapes are checked before it runs)."""
    if not layer.built and not layer.weights:
        layer(tf.zeros((1, input_dim)))


def trainable_shapes(layer):
    return [tuple(v.shape) for v in layer.trainable_weights]


def set_layer_weights(layer, W, b):
    """Overwrite a from-scratch layer's W and b (b may be stored as (d_out,) or (1, d_out))."""
    layer.W.assign(W)
    layer.b.assign(np.reshape(b, tuple(layer.b.shape)))


def is_builtin_dense(obj):
    return isinstance(obj, tf.keras.layers.Dense)


def is_model(obj):
    return isinstance(obj, tf.keras.Model)


def _build(layer_or_model, input_dim):
    if not layer_or_model.built:
        layer_or_model(tf.zeros((1, input_dim)))


def builtin_weights(layer, input_dim):
    """A Dense layer -> (W (d_in, d_out), b (d_out,) or None) as NumPy."""
    _build(layer, input_dim)
    return layer.kernel.numpy(), None if layer.bias is None else layer.bias.numpy()


def _dense_layers(model):
    return [layer for layer in model.layers if isinstance(layer, tf.keras.layers.Dense)]


def dense_weights(model, input_dim):
    """-> [(W (d_in, d_out), b or None), ...] of the model's Dense layers, in order."""
    _build(model, input_dim)
    return [builtin_weights(layer, input_dim) for layer in _dense_layers(model)]


def load_dense_weights(model, input_dim, weights):
    _build(model, input_dim)
    for layer, (W, b) in zip(_dense_layers(model), weights, strict=True):
        layer.kernel.assign(W)
        layer.bias.assign(b)


def run_model(model, x):
    """NumPy (n, d_in) -> the model's output as float64 NumPy."""
    return model(tf.constant(x, dtype=tf.float32)).numpy().astype(np.float64)


def framework_count(model, input_dim):
    _build(model, input_dim)
    return model.count_params()
