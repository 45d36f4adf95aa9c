"""Lab 04 reference implementations in PyTorch, and the PyTorch machinery its checks need."""
import numpy as np
import torch

from mitdl_utils.labs.gradient_descent.shared import bug_museum, predict_divergence  # noqa: F401  (framework-neutral)


# --- the exercises ---------------------------------------------------------------------------

def tiny_loss(x, y, w1, w2):
    """x, y (n,); w1, w2 scalars or (m, 1) -> J = mean over examples of (w2 sigmoid(w1 x) - y)^2: () or (m,)."""
    y_hat = w2 * torch.sigmoid(w1 * x)
    return ((y_hat - y) ** 2).mean(dim=-1)


def tiny_gradients(x, y, w1, w2):
    """(dJ/dw1, dJ/dw2) of tiny_loss by the chain rule, for scalar w1, w2."""
    s = torch.sigmoid(w1 * x)
    dJ_dyhat = 2 * (w2 * s - y) / x.numel()
    dyhat_dz1 = w2 * s * (1 - s)
    return (dJ_dyhat * dyhat_dz1 * x).sum(), (dJ_dyhat * s).sum()


def autograd_gradients(x, y, w1, w2):
    """(dJ/dw1, dJ/dw2) of tiny_loss by loss.backward()."""
    w1 = torch.as_tensor(w1).detach().clone().requires_grad_(True)
    w2 = torch.as_tensor(w2).detach().clone().requires_grad_(True)
    tiny_loss(x, y, w1, w2).backward()
    return w1.grad, w2.grad


def numerical_gradients(loss, w1, w2, eps=1e-3):
    """Centred finite differences of loss(w1, w2) -> (dJ/dw1, dJ/dw2)."""
    d_w1 = (loss(w1 + eps, w2) - loss(w1 - eps, w2)) / (2 * eps)
    d_w2 = (loss(w1, w2 + eps) - loss(w1, w2 - eps)) / (2 * eps)
    return d_w1, d_w2


def init_params(shape, sigma):
    """A float32 tensor of `shape`, drawn from N(0, sigma^2)."""
    return torch.randn(shape) * sigma


def gradient_descent(loss_fn, params, lr, max_steps, tol=0.0):
    """Plain gradient descent on the leaf tensors `params`, in place -> the loss before each step."""
    losses = []
    for _ in range(max_steps):
        loss = loss_fn()
        loss.backward()
        losses.append(loss.item())
        if len(losses) > 1 and abs(losses[-2] - losses[-1]) < tol:
            break
        with torch.no_grad():
            for param in params:
                param -= lr * param.grad
                param.grad.zero_()
    for param in params:
        param.grad = None
    return losses


def pick_learning_rates():
    return {"too small": 0.05, "stable": 1.0, "too large": 4.0}


def train_with_optimizer(loss_fn, params, optimizer, steps):
    """`steps` optimizer steps on `params` -> the loss before each step."""
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = loss_fn()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def adam_step(w, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam update at step t (1, 2, ...) -> (w, m, v)."""
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return w - lr * m_hat / (torch.sqrt(v_hat) + eps), m, v


# --- machinery for the checks and demos ------------------------------------------------------

OPTIMIZERS = {"SGD": "SGD", "Adam": "Adam", "Adagrad": "Adagrad", "RMSProp": "RMSprop", "Adadelta": "Adadelta"}


def make_optimizer(name, params, lr):
    """A torch.optim optimizer for `params` by the lecture's name (SGD, Adam, Adagrad, RMSProp, Adadelta),
    with the same settings as the TensorFlow reference."""
    options = {"SGD": {}, "Adam": {"eps": 1e-8}, "Adagrad": {"eps": 1e-8, "initial_accumulator_value": 0.0},
               "RMSProp": {"alpha": 0.9, "eps": 1e-8}, "Adadelta": {"rho": 0.95, "eps": 1e-6}}[name]
    return getattr(torch.optim, OPTIMIZERS[name])(params, lr=lr, **options)


def held(tensors):
    """The tensors' values as the notebook holds them now (after the student's code ran on them): NumPy arrays."""
    return [tensor.detach().numpy().copy() for tensor in tensors]


def loss_gradients(loss, x, y, w1, w2):
    """(dJ/dw1, dJ/dw2) of loss(x, y, w1, w2) by autograd at the numbers w1, w2, or None where it finds no path."""
    w1, w2 = torch.tensor(float(w1), requires_grad=True), torch.tensor(float(w2), requires_grad=True)
    value = loss(x, y, w1, w2)
    if not (torch.is_tensor(value) and value.requires_grad):
        return None
    gradients = torch.autograd.grad(value, [w1, w2], allow_unused=True)
    return None if any(g is None for g in gradients) else gradients


def trainable(values):
    """NumPy arrays -> a list of float32 leaf tensors with requires_grad=True."""
    return [torch.tensor(np.asarray(v, np.float32), requires_grad=True) for v in values]


def quadratic_loss(params, targets, scales):
    """loss_fn() = sum_i sum(scales_i (params_i - targets_i)^2), a bowl with known gradients."""
    targets = [torch.as_tensor(np.asarray(t, np.float32)) for t in targets]
    return lambda: sum((c * (p - t) ** 2).sum() for p, t, c in zip(params, targets, scales))


def adam_path(w, grad_fn, steps, lr, beta1, beta2, eps):
    """The weights torch.optim.Adam visits from w (NumPy) when grad_fn(w) gives the gradient: (steps, *w.shape)."""
    param = torch.tensor(np.asarray(w, np.float32), requires_grad=True)
    optimizer = torch.optim.Adam([param], lr=lr, betas=(beta1, beta2), eps=eps)
    path = []
    for _ in range(steps):
        param.grad = torch.tensor(grad_fn(param.detach().numpy()), dtype=torch.float32)
        optimizer.step()
        path.append(param.detach().numpy().copy())
    return np.stack(path)
