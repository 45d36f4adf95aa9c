"""One call that makes a run repeatable."""
import os
import random
import sys

import numpy as np


def seed_everything(seed: int = 0, frameworks: tuple[str, ...] = ()) -> None:
    """Seed `random`, NumPy, and TensorFlow / PyTorch.

    A framework is seeded when it is already imported or named in `frameworks`
    ("tensorflow", "torch"); the seed never imports a framework on its own,
    so `import mitdl_utils` stays fast.
    """
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    if "torch" in frameworks or "torch" in sys.modules:
        import torch

        torch.manual_seed(seed)
    if "tensorflow" in frameworks or "tensorflow" in sys.modules:
        import tensorflow as tf

        tf.random.set_seed(seed)
