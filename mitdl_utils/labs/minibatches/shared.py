"""Lab 05 reference code that needs no framework: the answers of the prediction and of the bug museum."""


def predict_noise_ratio():
    """The prediction before the measurement: a batch 4 times larger has about 1/4 of the gradient noise."""
    return "b"


def bug_museum():
    """Each exhibit of the bug museum -> the letter of why it goes wrong."""
    return {"forward_outside_tape": "a", "shuffle_window": "c", "gradients_add_up": "b"}
