"""Every variant of every lab, in lab order."""
from tests.verdicts import (lab01_perceptron, lab02_dense, lab03_losses, lab04_gradient_descent, lab05_minibatches,
                            lab06_regularization, lab07_digits)

CORPUS = [variant for module in (lab01_perceptron, lab02_dense, lab03_losses, lab04_gradient_descent,
                                 lab05_minibatches, lab06_regularization, lab07_digits) for variant in module.VARIANTS]
