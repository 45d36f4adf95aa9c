"""Every variant of every lab, in lab order."""
from tests.verdicts import (lab01_perceptron, lab02_dense, lab03_losses, lab04_gradient_descent, lab05_minibatches,
                            lab06_regularization)

CORPUS = [variant for module in (lab01_perceptron, lab02_dense, lab03_losses, lab04_gradient_descent,
                                 lab05_minibatches, lab06_regularization) for variant in module.VARIANTS]
