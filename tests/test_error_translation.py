"""Errors the frameworks really raise in students' code become one sentence on what to do, followed by the
original error (mitdl_utils.framework_errors.explain_error, used by checking.attempt for every check)."""
import numpy as np
import pytest

from mitdl_utils.checking import CheckFailed, attempt
from mitdl_utils.framework_errors import TRANSLATIONS, explain_error, unwrapped
from mitdl_utils.frameworks import get_framework

tf = get_framework("tensorflow").tf
torch = get_framework("torch").torch
nn = torch.nn


def _tf_gradient_of_a_loss_computed_outside_the_tape():
    w = tf.Variable(1.0)
    loss = 3.0 * w
    with tf.GradientTape() as tape:
        pass
    return w - 0.1 * tape.gradient(loss, w)


def _tf_variable_replaced_instead_of_assigned():
    w = tf.Variable(1.0)
    w = w - 0.1  # now a plain tensor: the tape does not watch it
    with tf.GradientTape() as tape:
        loss = w * w
    return tape.gradient(loss, w) * 2


def _tf_tape_asked_twice():
    w = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        loss = w * w
    tape.gradient(loss, w)
    return tape.gradient(loss, w)


def _tf_item_assignment():
    x = tf.ones(3)
    x[0] = 0.0


def _keras_layer_fed_the_wrong_width():
    layer = tf.keras.layers.Dense(2)
    layer(tf.ones((1, 3)))
    return layer(tf.ones((2, 4)))


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


def _torch_changed_after_use():
    w = torch.ones(3, requires_grad=True)
    y = w.exp()
    y += 1
    y.sum().backward()


def _torch_in_place_broadcast():
    x = torch.ones(3)
    x += torch.ones(2, 3)


def _call_a_list_of_layers():
    layers = [nn.Linear(2, 2), nn.ReLU()]
    return layers(torch.ones(2))


class _TorchModuleWithCall(nn.Module):
    def call(self, x):
        return x


class _KerasLayerWithForward(tf.keras.layers.Layer):
    def forward(self, x):
        return x


def _add(a, b):
    return a + b


def _torch_parameter_replaced():
    layer = nn.Module()
    layer.W = nn.Parameter(torch.ones(2))
    layer.W = torch.zeros(2)


def _keras_kernel_replaced():
    layer = tf.keras.layers.Dense(2)
    layer.build((None, 3))
    layer.kernel = tf.zeros((3, 2))


CASES = {
    "tf: gradient None (loss outside the tape)": (_tf_gradient_of_a_loss_computed_outside_the_tape, "GradientTape"),
    "tf: gradient None (Variable replaced)": (_tf_variable_replaced_instead_of_assigned, "assign_sub"),
    "tf: assign_sub(None)": (lambda: tf.Variable(1.0).assign_sub(None), "a value is None"),
    "torch: .grad None before backward": (_torch_grad_read_before_backward, "loss.backward() before reading .grad"),
    "python: a function without return": (lambda: (lambda: None)()[0], "a function without `return`"),
    "tf: optimizer given no gradients": (
        lambda: tf.keras.optimizers.SGD(0.1).apply_gradients([(None, tf.Variable(1.0))]), "no gradients"),
    "tf: matmul of (4, 3) and (4, 2)": (lambda: tf.matmul(tf.ones((4, 3)), tf.ones((4, 2))), "inner sizes 3 and 4"),
    "torch: matmul of (4, 3) and (4, 2)": (lambda: torch.ones(4, 3) @ torch.ones(4, 2), "inner sizes 3 and 4"),
    "torch: a Linear layer given 4 features for 3": (lambda: nn.Linear(3, 2)(torch.ones(5, 4)), "(5, 4) and (3, 2)"),
    "tf: matmul with a vector": (lambda: tf.matmul(tf.ones((4, 3)), tf.ones(3)), "matvec"),
    "torch: mv of the wrong length": (lambda: torch.mv(torch.ones(2, 3), torch.ones(2)), "must be 3"),
    "torch: in-place change of a leaf": (_torch_in_place_update_of_a_leaf, "torch.no_grad"),
    "torch: in-place change after use": (_torch_changed_after_use, "y = y + 1 instead of y += 1"),
    "torch: backward twice": (_torch_backward_twice, "afresh"),
    "torch: backward without grad": (lambda: torch.ones(3).sum().backward(), "requires_grad=True"),
    "torch: backward of a vector": (lambda: (torch.ones(3, requires_grad=True) * 2).backward(), "loss.mean()"),
    "torch: numpy of a tracked tensor": (lambda: torch.ones(3, requires_grad=True).numpy(), "detach"),
    "tf: a tape asked twice": (_tf_tape_asked_twice, "persistent=True"),
    "torch: loss arguments of different shapes": (
        lambda: nn.functional.binary_cross_entropy_with_logits(torch.zeros(4, 1), torch.zeros(4)),
        "targets of shape [4] and predictions of shape [4, 1]"),
    "torch: BCE arguments of different shapes": (
        lambda: nn.functional.binary_cross_entropy(torch.full((4, 1), 0.5), torch.zeros(4)),
        "targets of shape [4] and predictions of shape [4, 1]"),
    "torch: cross-entropy targets of shape (n, 1)": (
        lambda: nn.CrossEntropyLoss()(torch.zeros(4, 3), torch.zeros(4, 1, dtype=torch.long)), "y.squeeze(1)"),
    "torch: cross-entropy float targets": (
        lambda: nn.functional.cross_entropy(torch.zeros(4, 3), torch.zeros(4)), "y.long()"),
    "tf: a layer used before it is built": (lambda: tf.keras.layers.Dense(3).kernel, "before it is built"),
    "tf: a Dense layer fed the wrong width": (_keras_layer_fed_the_wrong_width, "built for inputs with 3 features"),
    "tf: a Dense layer fed a vector": (lambda: tf.keras.Sequential([tf.keras.layers.Dense(2)])(tf.ones(3)),
                                       "give the input a batch axis"),
    "tf: assign of another shape": (lambda: tf.Variable(tf.ones((3, 2))).assign(tf.ones((2, 3))),
                                    "the value assigned has shape (2, 3) and the variable (3, 2)"),
    "tf: optimizer given tensors": (
        lambda: tf.keras.optimizers.SGD(0.1).apply_gradients([(tf.ones(2), tf.ones(2))]), "tf.Variable"),
    "tf: assign on a tensor": (lambda: tf.ones(2).assign(tf.zeros(2)), "tf.Variable"),
    "tf: item assignment": (_tf_item_assignment, "tf.where(condition, new, x)"),
    "torch: if on a tensor": (lambda: bool(torch.ones(3) > 0), "torch.where"),
    "tf: if on a tensor": (lambda: bool(tf.ones(3) > 0), "tf.where"),
    "torch: float() of a vector": (lambda: float(torch.ones(3)), "reduce it first"),
    "torch: .item() of a vector": (lambda: torch.ones(3).item(), "reduce it first"),
    "tf: float() of a vector": (lambda: float(tf.ones(3)), "reduce it first"),
    "python: a list of layers called": (_call_a_list_of_layers, "nn.Sequential(*layers)"),
    "torch: Sequential given a list": (lambda: nn.Sequential([nn.Linear(2, 2)]), "nn.Sequential(*layers) unpacks"),
    "tf: Sequential given a layer class": (lambda: tf.keras.Sequential([tf.keras.layers.Dense]), "with its parentheses"),
    "tf: Sequential given a function": (lambda: tf.keras.Sequential([lambda x: x]), "tf.keras.layers.Lambda"),
    "torch: Sequential given a layer class": (lambda: nn.Sequential(nn.Linear), "nn.Linear(...), with its parentheses"),
    "torch: a Parameter replaced with =": (_torch_parameter_replaced, "self.W.copy_(new_values)"),
    "tf: a layer's kernel replaced with =": (_keras_kernel_replaced, "kernel.assign(new_values)"),
    "tf: float32 times float64": (lambda: tf.matmul(tf.ones((2, 2)), tf.ones((2, 2), tf.float64)),
                                  "(float and double)"),
    "tf: float32 plus int32": (lambda: tf.ones(2) + tf.ones(2, tf.int32), "(float and int32)"),
    "tf: float32 plus int32 in a tf.function": (
        lambda: tf.function(_add)(tf.ones(2), tf.ones(2, tf.int32)), "(float32 and int32)"),
    "tf: an int32 tensor where float32 is asked": (
        lambda: tf.math.multiply_no_nan(tf.ones(2), tf.ones(2, tf.int32)), "(float32 and int32)"),
    "torch: float32 times float64": (lambda: torch.ones(2, 2) @ torch.ones(2, 2, dtype=torch.float64),
                                     "(float and double)"),
    "torch: a Linear layer given float64": (
        lambda: nn.Linear(2, 2)(torch.ones(1, 2, dtype=torch.float64)), "make both float32"),
    "torch: bmm of float32 and float64": (
        lambda: torch.bmm(torch.ones(1, 2, 2), torch.ones(1, 2, 2, dtype=torch.float64)), "(Float and Double)"),
    "torch: addmm of float32 and float64": (
        lambda: torch.addmm(torch.ones(2), torch.ones(2, 2), torch.ones(2, 2, dtype=torch.float64)),
        "(Float and Double)"),
    "torch: dot of float32 and float64": (lambda: torch.dot(torch.ones(2), torch.ones(2, dtype=torch.float64)),
                                          "(Float and Double)"),
    "torch: BCE with float64 targets": (
        lambda: nn.functional.binary_cross_entropy(torch.full((3,), 0.5), torch.zeros(3, dtype=torch.float64)),
        "(Float and Double)"),
    "torch: BCE with integer targets": (
        lambda: nn.functional.binary_cross_entropy_with_logits(torch.zeros(3), torch.zeros(3, dtype=torch.long)),
        "(Float and Long)"),
    "torch: index_add of another dtype": (
        lambda: torch.zeros(3).index_add_(0, torch.tensor([0]), torch.ones(1, dtype=torch.long)), "(Float and Long)"),
    "torch: a conv layer given float64": (lambda: nn.Conv1d(1, 1, 1)(torch.ones(1, 1, 3, dtype=torch.float64)),
                                          "(double and float)"),
    "torch: an RNN given float64": (lambda: nn.RNN(2, 2)(torch.ones(1, 1, 2, dtype=torch.float64)),
                                    "(float64 and float32)"),
    "torch: an embedding given floats": (lambda: nn.Embedding(3, 2)(torch.ones(2)), "must be integers"),
    "tf: NumPy inside a tf.function": (lambda: tf.function(lambda x: np.exp(x))(tf.ones(2)), "no values yet"),
    "tf: .numpy() inside a tf.function": (lambda: tf.function(lambda x: x.numpy())(tf.ones(2)), "no values yet"),
    "tf: sigmoid of integers": (lambda: tf.math.sigmoid(tf.constant([1, 2])), "got a int32 tensor: cast it"),
    "torch: mean of integers": (lambda: torch.ones(2, dtype=torch.long).mean(), "x.float()"),
    "tf: shapes that do not broadcast": (lambda: tf.ones(3) + tf.ones(4), "shapes [3] and [4] do not broadcast"),
    "torch: shapes that do not broadcast": (lambda: torch.ones(3) + torch.ones(4), "sizes 3 and 4 on axis 0"),
    "torch: in-place broadcast": (_torch_in_place_broadcast, "shape [3] into shape [2, 3]"),
    "torch: a module with call instead of forward": (lambda: _TorchModuleWithCall()(torch.ones(2)),
                                                     "name the method `forward`"),
    "torch: a ModuleList called": (lambda: nn.ModuleList([nn.Linear(2, 2)])(torch.ones(2)), "nn.Sequential(*layers)"),
    "tf: a Keras layer with forward instead of call": (lambda: _KerasLayerWithForward()(tf.ones(2)),
                                                       "name the forward pass `call`"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_real_framework_error_becomes_a_sentence_on_what_to_do(case):
    code, advice = CASES[case]
    with pytest.raises(CheckFailed) as caught:
        attempt("`student_function`", code)
    message = str(caught.value)
    assert advice in message, message
    assert "(The error: " in message and "\x1b[" not in message  # the original line follows, out of Keras's frame
    assert "(The error: in user code" not in message  # ... and out of tf.function's traceback


def test_every_translation_is_reached_by_a_real_error():
    """Each sentence of the table is what some case above gets: none is unreachable behind another."""
    reached = set()
    for code, _ in CASES.values():
        try:
            code()
        except Exception as error:  # noqa: BLE001 - every kind of error is the point
            text = unwrapped(error)
            reached.add(next(i for i, translation in enumerate(TRANSLATIONS) if translation.explain(text)))
    never = [TRANSLATIONS[i].pattern[:60] for i in range(len(TRANSLATIONS)) if i not in reached]
    assert not never, never


def test_an_error_about_shapes_names_the_inputs_shapes():
    def student(X, W):
        return torch.matmul(X, W)

    with pytest.raises(CheckFailed) as caught:
        attempt("`dense_forward`", student, torch.ones(4, 3), torch.ones(4, 2))
    assert "(the inputs: `X` (4, 3), `W` (4, 2))" in str(caught.value), caught.value


def test_an_error_nobody_foresaw_keeps_its_own_words():
    with pytest.raises(CheckFailed, match="raised ZeroDivisionError: division by zero$"):
        attempt("`f`", lambda: 1 / 0)
    assert explain_error(KeyError("x")) is None


def test_an_unforeseen_error_in_a_keras_layer_keeps_its_words_without_the_frame():
    class Layer(tf.keras.layers.Layer):
        def call(self, x):
            return {}["missing key"]

    with pytest.raises(CheckFailed) as caught:
        attempt("calling the layer", Layer(), tf.ones(2))
    message = str(caught.value)
    assert message.startswith("calling the layer raised KeyError: missing key") and "\x1b[" not in message, message


def test_an_error_that_crossed_from_the_sandbox_is_translated_by_its_message():
    crossed = type("RuntimeError", (Exception,), {})("mat1 and mat2 shapes cannot be multiplied (5x2 and 3x1)")
    assert "inner sizes 2 and 3" in explain_error(crossed)  # the judge sees a type name and a message only


def test_numpy_inputs_are_named_too():
    with pytest.raises(CheckFailed, match=r"\(the inputs: `a` \(2, 3\), `b` \(2, 3\)\)"):
        attempt("`f`", lambda a, b: torch.tensor(a) @ torch.tensor(b), np.ones((2, 3), np.float32),
                np.ones((2, 3), np.float32))
