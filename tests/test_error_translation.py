"""Errors the frameworks really raise in students' code become one sentence on what to do, followed by the
original error (mitdl_utils.diagnosis.explain_error, used by checking.attempt for every check)."""
import pytest

from mitdl_utils.checking import CheckFailed, attempt
from mitdl_utils.diagnosis import explain_error
from mitdl_utils.frameworks import get_framework

tf = get_framework("tensorflow").tf
torch = get_framework("torch").torch


def _tf_gradient_of_a_loss_computed_outside_the_tape():
    w = tf.Variable(1.0)
    loss = 3.0 * w
    with tf.GradientTape() as tape:
        pass
    return w - 0.1 * tape.gradient(loss, w)


def _torch_grad_read_before_backward():
    w = torch.ones(3, requires_grad=True)
    return w - 0.1 * w.grad


def _torch_in_place_update_of_a_leaf():
    w = torch.ones(3, requires_grad=True)
    w -= 0.1


def _torch_backward_twice():
    w = torch.ones(3, requires_grad=True)
    loss = (2 * w).sum()
    loss.backward()
    loss.backward()


CASES = {
    "tf: gradient None (loss outside the tape)": (_tf_gradient_of_a_loss_computed_outside_the_tape, "GradientTape"),
    "torch: .grad None before backward": (_torch_grad_read_before_backward, "None"),
    "tf: matmul of (4, 3) and (4, 2)": (lambda: tf.matmul(tf.ones((4, 3)), tf.ones((4, 2))), "inner sizes 3 and 4"),
    "torch: matmul of (4, 3) and (4, 2)": (lambda: torch.ones(4, 3) @ torch.ones(4, 2), "inner sizes 3 and 4"),
    "tf: matmul with a vector": (lambda: tf.matmul(tf.ones((4, 3)), tf.ones(3)), "matvec"),
    "torch: in-place change of a leaf": (_torch_in_place_update_of_a_leaf, "torch.no_grad"),
    "torch: backward twice": (_torch_backward_twice, "afresh"),
    "torch: backward without grad": (lambda: torch.ones(3).sum().backward(), "requires_grad=True"),
    "torch: numpy of a tracked tensor": (lambda: torch.ones(3, requires_grad=True).numpy(), "detach"),
    "torch: loss arguments of different shapes": (
        lambda: torch.nn.functional.binary_cross_entropy_with_logits(torch.zeros(4, 1), torch.zeros(4)),
        "targets of shape [4] and predictions of shape [4, 1]"),
    "tf: a layer used before it is built": (lambda: tf.keras.layers.Dense(3).kernel, "before it is built"),
    "tf: optimizer given tensors": (
        lambda: tf.keras.optimizers.SGD(0.1).apply_gradients([(tf.ones(2), tf.ones(2))]), "tf.Variable"),
    "tf: assign on a tensor": (lambda: tf.ones(2).assign(tf.zeros(2)), "tf.Variable"),
    "tf: float32 times float64": (lambda: tf.matmul(tf.ones((2, 2)), tf.ones((2, 2), tf.float64)), "float32"),
    "torch: float32 times float64": (lambda: torch.ones(2, 2) @ torch.ones(2, 2, dtype=torch.float64), "float32"),
    "torch: a Linear layer given float64": (
        lambda: torch.nn.Linear(2, 2)(torch.ones(1, 2, dtype=torch.float64)), "float32"),
    "tf: shapes that do not broadcast": (lambda: tf.ones(3) + tf.ones(4), "broadcast"),
    "torch: shapes that do not broadcast": (lambda: torch.ones(3) + torch.ones(4), "broadcast"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_real_framework_error_becomes_a_sentence_on_what_to_do(case):
    code, advice = CASES[case]
    with pytest.raises(CheckFailed) as caught:
        attempt("`student_function`", code)
    message = str(caught.value)
    assert advice in message, message
    assert "(The error: " in message  # the original line follows


def test_an_error_nobody_foresaw_keeps_its_own_words():
    with pytest.raises(CheckFailed, match="raised ZeroDivisionError: division by zero$"):
        attempt("`f`", lambda: 1 / 0)
    assert explain_error(KeyError("x")) is None


def test_an_error_that_crossed_from_the_sandbox_is_translated_by_its_message():
    crossed = type("RuntimeError", (Exception,), {})("mat1 and mat2 shapes cannot be multiplied (5x2 and 3x1)")
    assert "inner sizes 2 and 3" in explain_error(crossed)  # the judge sees a type name and a message only
