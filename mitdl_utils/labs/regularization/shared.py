"""Lab 06 reference code that needs no framework."""


def early_stopping(val_losses, patience):
    """Replay a validation curve: -> (best_epoch, last_epoch), 0-based.

    An epoch improves when its loss is strictly below the best so far. Training stops at the
    first epoch that completes `patience` epochs in a row without improvement (as
    keras.callbacks.EarlyStopping does); if that never happens, the last epoch is the curve's last.
    """
    best_epoch, best_loss, waited = 0, float("inf"), 0
    for epoch, loss in enumerate(val_losses):
        if loss < best_loss:
            best_epoch, best_loss, waited = epoch, loss, 0
        else:
            waited += 1
            if waited >= patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses) - 1


def predict_best_degree():
    """The prediction before the degree sweep: a middle degree (3 here) has the lowest validation error."""
    return "b"


def bug_museum():
    """Each exhibit of the bug museum -> the letter of why it goes wrong."""
    return {"dropout_p": "b", "dropout_at_evaluation": "c", "last_weights": "a"}


def initial_weights(sizes=(1, 128, 128, 1), seed=0):
    """The same starting weights for both frameworks: -> [(W (n_in, n_out), b (n_out,)), ...], float32.

    Uniform in +-1/sqrt(n_in), PyTorch's default for linear layers, drawn from a seeded NumPy generator.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        bound = 1 / np.sqrt(n_in)
        layers.append((rng.uniform(-bound, bound, (n_in, n_out)).astype(np.float32),
                       rng.uniform(-bound, bound, n_out).astype(np.float32)))
    return layers
