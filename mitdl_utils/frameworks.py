"""The few things the checks need from a framework, behind one small interface.

Everything framework-specific in the checks goes through `get_framework(name)`;
the framework is imported on first use only.
"""
from functools import cache

import numpy as np

ALIASES = {"tf": "tensorflow", "tensorflow": "tensorflow", "torch": "torch", "pytorch": "torch"}


class TensorFlow:
    name = "tensorflow"
    label = "TensorFlow"
    tensor_type_name = "tf.Tensor"

    def __init__(self):
        import tensorflow as tf

        self.tf = tf
        self.activations = {"sigmoid": tf.math.sigmoid, "tanh": tf.math.tanh, "relu": tf.nn.relu}

    def tensor(self, array, dtype="float32"):
        """NumPy array -> tf.Tensor (float32 unless told)."""
        return self.tf.constant(np.asarray(array), dtype=dtype)

    def is_tensor(self, value) -> bool:
        return isinstance(value, (self.tf.Tensor, self.tf.Variable))

    def elementwise_grad(self, fn, x):
        """d fn(x)_i / d x_i for an elementwise fn, by autograd; same shape as x."""
        x = self.tf.Variable(x)
        with self.tf.GradientTape() as tape:
            y = self.tf.reduce_sum(fn(x))
        return tape.gradient(y, x)


class Torch:
    name = "torch"
    label = "PyTorch"
    tensor_type_name = "torch.Tensor"

    def __init__(self):
        import torch

        # the labs' models are tiny: one thread is faster than several fighting over a small CPU
        torch.set_num_threads(1)
        self.torch = torch
        self.activations = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}

    def tensor(self, array, dtype="float32"):
        """NumPy array -> torch.Tensor (float32 unless told)."""
        return self.torch.tensor(np.asarray(array), dtype=getattr(self.torch, dtype))

    def is_tensor(self, value) -> bool:
        return isinstance(value, self.torch.Tensor)

    def elementwise_grad(self, fn, x):
        """d fn(x)_i / d x_i for an elementwise fn, by autograd; same shape as x."""
        x = x.detach().clone().requires_grad_(True)
        fn(x).sum().backward()
        return x.grad


@cache
def get_framework(name: str):
    """'tf' / 'tensorflow' / 'torch' / 'pytorch' -> the framework adapter."""
    try:
        canonical = ALIASES[name.lower()]
    except KeyError:
        raise ValueError(f"unknown framework {name!r}: use 'tensorflow' or 'torch'") from None
    return TensorFlow() if canonical == "tensorflow" else Torch()
