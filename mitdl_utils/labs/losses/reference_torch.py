"""Lab 03 reference implementations in PyTorch (the grader compares against these), and the
framework's own losses that the checks hold them against."""
import numpy as np
import torch
import torch.nn.functional as F

EPSILON = 1e-7  # the clipping bound, the same as Keras's


def empirical_loss(per_example_losses):
    """(n,) -> scalar: the mean of the per-example losses."""
    return per_example_losses.mean()


def binary_cross_entropy(y_hat, y, eps=EPSILON):
    """Probabilities y_hat (n,), labels y (n,) in {0, 1} -> scalar mean BCE, y_hat clipped to [eps, 1 - eps]."""
    p = torch.clamp(y_hat, eps, 1 - eps)
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()


def bce_with_logits(z, y):
    """Logits z (n,), labels y (n,) -> scalar mean BCE of sigmoid(z), without ever computing sigmoid(z)."""
    return (torch.clamp(z, min=0.0) - z * y + torch.log1p(torch.exp(-torch.abs(z)))).mean()


def softmax(z):
    """Logits (n, K) -> probabilities (n, K), each row summing to 1; stable for large logits."""
    e = torch.exp(z - z.max(dim=1, keepdim=True).values)
    return e / e.sum(dim=1, keepdim=True)


def one_hot(labels, num_classes):
    """Class indices (n,) -> float32 (n, num_classes) with a single 1 per row."""
    return F.one_hot(labels.long(), num_classes).float()


def softmax_cross_entropy(logits, labels):
    """Logits (n, K), class indices (n,) -> scalar mean of -log softmax(logits)[i, labels[i]]."""
    log_p = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    return -(one_hot(labels, logits.shape[1]) * log_p).sum(dim=1).mean()


def framework_cross_entropy(logits, labels):
    """The same loss through PyTorch's own function, which wants class indices and logits."""
    return F.cross_entropy(logits, labels)


def mean_squared_error(y_hat, y):
    """Predictions and targets of the same shape -> scalar mean of the squared differences."""
    return ((y - y_hat) ** 2).mean()


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
    return F.binary_cross_entropy(y_hat, y)  # caps log at -100 instead of clipping y_hat


def builtin_bce_with_logits(z, y):
    return F.binary_cross_entropy_with_logits(z, y)


def builtin_mean_squared_error(y_hat, y):
    return F.mse_loss(y_hat, y)


# For the checks that differentiate through the student's losses.

def value_and_gradient(fn, inputs, wrt, weights=None):
    """fn(*inputs) and the gradient of its sum (of sum(result * weights) when weights are given) with respect to
    inputs[wrt], a float tensor; the gradient is None when the result does not depend on it for autograd."""
    inputs = list(inputs)
    inputs[wrt] = inputs[wrt].detach().clone().requires_grad_(True)
    result = fn(*inputs)
    if not isinstance(result, torch.Tensor) or result.grad_fn is None or not result.is_floating_point():
        return result, None
    target = result if weights is None else result * torch.as_tensor(np.asarray(weights), dtype=result.dtype)
    (gradient,) = torch.autograd.grad(target.sum(), inputs[wrt], allow_unused=True)
    return result.detach(), gradient  # detached: the grader takes a result without a graph back as data
