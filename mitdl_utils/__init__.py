"""Shared helpers for the deep-learning foundations labs.

Importing this package is cheap: it imports neither TensorFlow nor PyTorch.
The framework parts load only when a lab asks for them.

    from mitdl_utils import open_lab
    lab = open_lab("perceptron", framework="tensorflow")
    lab.check("activations"); lab.hint("activations"); lab.progress()
"""
import os

# TensorFlow prints start-up lines on stderr when it is imported (oneDNN, CPU instructions), and reads these
# two settings only then: a notebook that imports mitdl_utils first starts quietly. oneDNN's custom
# operations are off too (they are what its message is about; the labs' tensors are tiny). Set either
# yourself before this import and yours is kept.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

from mitdl_utils.budget import budget
from mitdl_utils.seeding import seed_everything
from mitdl_utils.checking import CheckFailed, NotAttempted, assert_close, to_numpy
from mitdl_utils.lab import Lab, open_lab

__all__ = [
    "budget",
    "CheckFailed",
    "Lab",
    "NotAttempted",
    "assert_close",
    "open_lab",
    "seed_everything",
    "to_numpy",
]
