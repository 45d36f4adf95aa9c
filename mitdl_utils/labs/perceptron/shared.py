"""Lab 01 reference code that needs no framework: the answers of the prediction and of the bug museum."""


def predict_scaled_weights():
    """The prediction before the plots: weights times 10 keep the decision boundary, only sharpen the step."""
    return "c"


def bug_museum():
    """Each exhibit of the bug museum -> the letter of why it goes wrong."""
    return {"missing_activation": "d", "relu_layer": "b", "transposed_batch": "a"}
