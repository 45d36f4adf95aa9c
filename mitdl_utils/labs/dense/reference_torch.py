"""Lab 02 reference implementations in PyTorch, and the few PyTorch-specific helpers the tests use."""
import numpy as np
import torch
from torch import nn

BUILTIN_NAME = "nn.Linear"
MODEL_NAME = "nn.Module (e.g. nn.Sequential)"
REGISTER_HINT = "wrap them in nn.Parameter(...) and assign them to self in __init__"
TRANSPOSE_NOTE = "nn.Linear stores its weight as (outputs, inputs), so copy W.T into it"


def dense_forward(X, W, b, g):
    """X (n, d_in), W (d_in, d_out), b (d_out,), g: activation -> g(X W + b), shape (n, d_out)."""
    return g(X @ W + b)


class MyDenseLayer(nn.Module):
    """sigmoid(x W + b) with W (input_dim, output_dim) and b (output_dim,)."""

    def __init__(self, input_dim, output_dim):
        super().__init__()
        self.W = nn.Parameter(torch.randn(input_dim, output_dim))
        self.b = nn.Parameter(torch.zeros(output_dim))

    def forward(self, x):
        return dense_forward(x, self.W, self.b, torch.sigmoid)


def builtin_dense(W, b):
    """W (d_in, d_out), b (d_out,) -> an nn.Linear holding exactly these weights."""
    layer = nn.Linear(W.shape[0], W.shape[1])
    with torch.no_grad():
        layer.weight.copy_(W.T)
        layer.bias.copy_(b)
    return layer


def two_layer_model(m, n):
    """m inputs -> n hidden units (ReLU) -> 2 outputs."""
    return nn.Sequential(nn.Linear(m, n), nn.ReLU(), nn.Linear(n, 2))


def deep_network(sizes):
    """sizes [d_in, n_1, ..., d_out] -> linear layers with ReLU between them, the last one linear."""
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    return nn.Sequential(*layers[:-1])


def count_parameters(sizes):
    """Weights and biases of deep_network(sizes)."""
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def predict_parameter_growth():
    """Doubling both hidden layers of [784, 256, 256, 10] multiplies its count by 669,706 / 269,322 = 2.49."""
    return "b"


def pass_model():
    """(lectures, hours) -> 3 hidden units (sigmoid) -> probability of passing (sigmoid)."""
    return nn.Sequential(nn.Linear(2, 3), nn.Sigmoid(), nn.Linear(3, 1), nn.Sigmoid())


def predict_pass(model, lectures, hours):
    """-> the model's probability of passing for one student, a scalar tensor."""
    return model(torch.tensor([[lectures, hours]], dtype=torch.float32))[0, 0]


def pass_rate_near(X, y, point, radius):
    """X (n, 2), y (n,), point (2,) -> the mean of y over the rows of X closer than radius to point."""
    near = torch.linalg.norm(X - point, dim=1) < radius
    return y[near].mean()


def accuracy(p, y):
    """p (n, 1) probabilities of class 1, y (n,) labels 0/1 -> the fraction with (p > 0.5) == y, a scalar tensor."""
    return ((p[:, 0] > 0.5).to(y.dtype) == y).float().mean()


def linear_classifier():
    """The perceptron on (x1, x2): one dense layer with one sigmoid output, P(class 1) of shape (n, 1)."""
    return MyDenseLayer(2, 1)


def mlp_classifier(hidden):
    """(x1, x2) -> `hidden` sigmoid units -> one sigmoid output, P(class 1) of shape (n, 1)."""
    return nn.Sequential(MyDenseLayer(2, hidden), MyDenseLayer(hidden, 1))


def bug_museum():
    """Each exhibit of the bug museum -> the letter of why it goes wrong."""
    return {"relu_class": "b", "linear_stack": "c"}


def fit_classifier(model, X, y, steps, learning_rate, betas=(0.9, 0.999), eps=1e-8):
    """Full-batch Adam on the binary cross-entropy of the model's probabilities, as the notebook trains.
    X (n, 2), y (n,) NumPy -> the last loss (float). Adam's update is written out: torch.optim's first use
    imports torch._dynamo (over a second), and while grading nothing in the notebook has trained before."""
    parameters = [p for p in model.parameters() if p.requires_grad]
    moments = [(torch.zeros_like(p), torch.zeros_like(p)) for p in parameters]
    loss_fn, (beta1, beta2) = nn.BCELoss(), betas
    X = torch.as_tensor(X, dtype=torch.float32)
    y = torch.as_tensor(y, dtype=torch.float32).reshape(-1, 1)
    for step in range(1, steps + 1):
        loss = loss_fn(model(X), y)
        gradients = torch.autograd.grad(loss, parameters, allow_unused=True)
        with torch.no_grad():
            for p, g, (m, v) in zip(parameters, gradients, moments):
                if g is None:
                    continue
                m.mul_(beta1).add_(g, alpha=1 - beta1)
                v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
                p -= learning_rate * (m / (1 - beta1 ** step)) / ((v / (1 - beta2 ** step)).sqrt() + eps)
    return loss.item()


# --- test machinery: reading and writing the weights of PyTorch modules ---

def trainable(array):
    """NumPy -> a tensor that requires grad: what is computed from it can be differentiated with respect to it."""
    return torch.tensor(np.asarray(array, np.float32), requires_grad=True)


class GradientProbe:
    """An activation g that also notes whether autograd can follow the z it is given back to each of `sources`."""

    def __init__(self, activation, sources):
        self.activation, self.sources, self.followed = activation, list(sources), None

    def __call__(self, z):
        if self.followed is None:
            if isinstance(z, torch.Tensor) and z.requires_grad:
                gradients = torch.autograd.grad(z.sum(), self.sources, retain_graph=True, allow_unused=True)
            else:
                gradients = [None] * len(self.sources)
            self.followed = [g is not None for g in gradients]
        return self.activation(z)


def gradient_probe(activation, sources):
    return GradientProbe(activation, sources)


def probe_followed(probe):
    """-> for each source, whether the probe's z depends on it (None: the probe was never called)."""
    return probe.followed


def layer_gradients(layer, x):
    """d sum(layer(x)) / d (layer.W, layer.b) by autograd, as NumPy (None where no gradient arrives)."""
    out = layer(torch.as_tensor(x, dtype=torch.float32))
    if not isinstance(out, torch.Tensor) or not out.requires_grad:
        return [None, None]
    gradients = torch.autograd.grad(out.sum(), [layer.W, layer.b], allow_unused=True)
    return [None if g is None else g.numpy() for g in gradients]


def is_class(obj):
    return isinstance(obj, type)


def build_layer(layer, input_dim):
    """A module creates its parameters in __init__: nothing to do."""


def trainable_shapes(layer):
    return [tuple(p.shape) for p in layer.parameters() if p.requires_grad]


def set_layer_weights(layer, W, b):
    """Overwrite a from-scratch layer's W and b (b may be stored as (d_out,) or (1, d_out))."""
    with torch.no_grad():
        layer.W.copy_(torch.as_tensor(W))
        layer.b.copy_(torch.as_tensor(b).reshape(layer.b.shape))


def is_builtin_dense(obj):
    return isinstance(obj, nn.Linear)


def is_model(obj):
    return isinstance(obj, nn.Module)


def builtin_weights(layer, input_dim):
    """An nn.Linear -> (W (d_in, d_out), b (d_out,) or None) as NumPy, W in the (inputs, outputs) layout."""
    bias = None if layer.bias is None else layer.bias.detach().numpy().copy()
    return layer.weight.detach().numpy().T.copy(), bias


def _linear_layers(model):
    return [module for module in model.modules() if isinstance(module, nn.Linear)]


def dense_weights(model, input_dim):
    """-> [(W (d_in, d_out), b or None), ...] of the model's nn.Linear layers, in order."""
    return [builtin_weights(layer, input_dim) for layer in _linear_layers(model)]


def load_dense_weights(model, input_dim, weights):
    with torch.no_grad():
        for layer, (W, b) in zip(_linear_layers(model), weights, strict=True):
            layer.weight.copy_(torch.as_tensor(W).T)
            layer.bias.copy_(torch.as_tensor(b))


def run_model(model, x):
    """NumPy (n, d_in) -> the model's output as float64 NumPy."""
    with torch.no_grad():
        return model(torch.as_tensor(x, dtype=torch.float32)).numpy().astype(np.float64)


def framework_count(model, input_dim):
    return sum(p.numel() for p in model.parameters())
