"""Lab 05 reference implementations in PyTorch, and the framework-specific helpers its tests use."""
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

from mitdl_utils.labs.minibatches.shared import bug_museum, predict_noise_ratio  # noqa: F401  (framework-neutral)


def per_example_loss(W, b, X, y):
    """Binary cross-entropy of a logistic unit, one value per example. X (n, d), W (d,), b (), y (n,) -> (n,)."""
    return F.binary_cross_entropy_with_logits(X @ W + b, y, reduction="none")


def batch_gradient(W, b, X, y):
    """Gradient of the mean loss over the batch (X, y) -> (dJ/dW (d,), dJ/db ())."""
    W, b = W.detach().requires_grad_(True), b.detach().requires_grad_(True)
    loss = per_example_loss(W, b, X, y).mean()
    dW, db = torch.autograd.grad(loss, [W, b])
    return dW, db


def per_example_gradients(W, b, X, y):
    """The gradient of each example's own loss -> (G_W (n, d), G_b (n,))."""
    grads = [batch_gradient(W, b, X[i:i + 1], y[i:i + 1]) for i in range(X.shape[0])]
    return torch.stack([dW for dW, _ in grads]), torch.stack([db for _, db in grads])


def gradient_variance(G, batches):
    """G (n, p) per-example gradients, batches (k, B) indices -> mean over the k batches of
    ||batch mean of G - mean of G||^2, a scalar."""
    batch_means = G[batches].mean(dim=1)
    full = G.mean(dim=0)
    return ((batch_means - full) ** 2).sum(dim=1).mean()


def make_batches(X, y, batch_size, seed):
    """(X, y) -> a DataLoader of shuffled (x, y) mini-batches, reshuffled every epoch."""
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True, generator=generator)


def train_epoch(model, optimizer, loss_fn, batches):
    """One pass over `batches`, one optimizer step per batch -> the mean of the batch losses (float)."""
    model.train()
    losses = []
    for xb, yb in batches:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)


def scaled_learning_rate(base_lr, base_batch_size, batch_size):
    """The linear scaling rule: the learning rate grows in proportion to the batch size."""
    return base_lr * batch_size / base_batch_size


# --- helpers for the tests -------------------------------------------------------------------

def held(x):
    """x as the notebook holds it now, after the student's code ran on it (an in-place change shows here)."""
    return x


def loss_fn(logits, y):
    """Mean binary cross-entropy. logits: (B, 1) from the model, y: (B,) of 0/1."""
    return F.binary_cross_entropy_with_logits(logits.squeeze(-1), y)


def make_model(W, b):
    """A logistic-regression model (one linear unit, logits out) with weights W (d,) and bias b."""
    model = torch.nn.Linear(len(W), 1)
    with torch.no_grad():
        model.weight.copy_(torch.as_tensor(W, dtype=torch.float32).reshape(1, -1))
        model.bias.fill_(float(b))
    return model


def make_optimizer(model, learning_rate):
    """Plain stochastic gradient descent."""
    return torch.optim.SGD(model.parameters(), lr=learning_rate)


def get_weights(model):
    """-> (W (d,), b), NumPy."""
    return model.weight.detach().numpy()[0].copy(), model.bias.detach().numpy()[0].copy()
