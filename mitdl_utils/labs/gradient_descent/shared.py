"""Lab 04 reference code that needs no framework: the answers of the prediction and of the bug museum."""


def predict_divergence():
    """The prediction before the run: of the rates 0.1, 0.5, 0.9 and 1.1 on J = w², only 1.1 diverges."""
    return "b"


def bug_museum():
    """Each exhibit of the bug museum -> the letter of why it goes wrong."""
    return {"replaced_weight": "a", "fresh_optimizer": "c"}
