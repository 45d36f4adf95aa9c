"""Verdicts that do not mislead (mitdl_utils.checking): "not attempted" only for the untouched stub, never
"expected 0.0025, got 0.0025", and the dtype or the kind of value asked for said when it is what is wrong."""
import re

import numpy as np
import pytest

from conftest import graded
from mitdl_utils import open_lab
from mitdl_utils.checking import FAILED, NOT_ATTEMPTED, CheckFailed, NotAttempted, Trial, assert_close, attempt
from mitdl_utils.frameworks import get_framework

tf = get_framework("tensorflow").tf
torch = get_framework("torch").torch
nn = torch.nn


def test_the_untouched_stub_is_not_attempted_in_both_frameworks():
    def stub(x):
        raise NotImplementedError()

    class KerasStub(tf.keras.layers.Layer):
        def call(self, x):
            raise NotImplementedError()  # Keras wraps it in its "Exception encountered when calling" frame

    class TorchStub(nn.Module):
        def forward(self, x):
            raise NotImplementedError()

    for code in (lambda: stub(1.0), lambda: KerasStub()(tf.ones((1, 2))), lambda: TorchStub()(torch.ones(1, 2))):
        with pytest.raises(NotAttempted):
            attempt("`f`", code)


class _TorchLayerWithCall(nn.Module):
    """The lecture's dense layer written the Keras way: a `call` where PyTorch runs `forward`."""

    def __init__(self, input_dim, output_dim):
        super().__init__()
        self.W = nn.Parameter(torch.randn(input_dim, output_dim) * 0.05)
        self.b = nn.Parameter(torch.zeros(output_dim))

    def call(self, x):
        return torch.sigmoid(x @ self.W + self.b)


class _KerasLayerWithForward(tf.keras.layers.Layer):
    """The same layer the PyTorch way: a `forward` where Keras runs `call`."""

    def __init__(self, input_dim, output_dim):
        super().__init__()
        self.W = self.add_weight(shape=(input_dim, output_dim), name="W", initializer="random_normal")
        self.b = self.add_weight(shape=(output_dim,), name="b", initializer="zeros")

    def forward(self, x):
        return tf.math.sigmoid(x @ self.W + self.b)


@pytest.mark.parametrize("framework,layer,says", [
    ("torch", _TorchLayerWithCall, "PyTorch runs a module's `forward` method and _TorchLayerWithCall has none"),
    ("tensorflow", _KerasLayerWithForward, "Keras runs a layer's `call` method and _KerasLayerWithForward has none"),
])
def test_a_forward_pass_under_the_other_frameworks_name_is_attempted_and_wrong(framework, layer, says):
    outcome = graded(open_lab("dense", framework), "dense_layer", MyDenseLayer=layer)
    assert outcome.status == FAILED and says in outcome.message, outcome.message


def test_a_module_list_where_a_sequential_is_asked_is_attempted_and_wrong():
    def two_layer_model(m, n):
        return nn.ModuleList([nn.Linear(m, n), nn.ReLU(), nn.Linear(n, 2)])

    outcome = graded(open_lab("dense", "torch"), "two_layer_model", two_layer_model=two_layer_model)
    assert outcome.status == FAILED, outcome.message
    assert "an nn.ModuleList only holds layers" in outcome.message and "nn.Sequential(*layers)" in outcome.message


def test_a_stub_left_in_the_layer_is_still_not_attempted():
    class Half(nn.Module):
        def __init__(self, input_dim, output_dim):
            super().__init__()
            self.W = nn.Parameter(torch.randn(input_dim, output_dim))
            self.b = nn.Parameter(torch.zeros(output_dim))

        def forward(self, x):
            raise NotImplementedError()

    assert graded(open_lab("dense", "torch"), "dense_layer", MyDenseLayer=Half).status == NOT_ATTEMPTED


def test_numbers_that_look_alike_at_4_digits_are_shown_with_the_digits_that_differ():
    with pytest.raises(CheckFailed) as caught:
        assert_close(0.00248, 0.0025, "the slide's step")
    message = str(caught.value)
    assert "expected 0.0025, got 0.0025" not in message, message
    assert "got 0.00248" in message and "the largest difference is 2e-05" in message, message
    assert "0.008 of the expected value" in message, message


def test_a_difference_hidden_by_the_summary_is_located():
    expected = np.arange(20.0)
    got = expected.copy()
    got[10] += 0.5
    with pytest.raises(CheckFailed) as caught:
        assert_close(got, expected, "x")
    message = str(caught.value)
    assert "the largest difference is 0.5 at index 10" in message, message
    assert "expected 10, got 10.5" in message  # and the diagnosis shows it with its digits


def test_a_plain_difference_keeps_the_short_message():
    with pytest.raises(CheckFailed, match=re.escape("x: expected [1.0, 3.0], got [1.0, 2.0]")) as caught:
        assert_close([1.0, 2.0], [1.0, 3.0], "x")
    assert "largest difference" not in str(caught.value)


def test_the_dtype_asked_for_is_checked_when_the_check_asks():
    values = np.array([0.0, 1.0, 1.0], np.float32)
    assert_close(values, values, "step(z)", dtype="float32")
    assert_close(values > 0.5, values, "step(z)")  # a check that does not ask accepts the values
    with pytest.raises(CheckFailed, match=r"as booleans \(bool\) where float32 is asked"):
        assert_close(values > 0.5, values, "step(z)", dtype="float32")
    with pytest.raises(CheckFailed, match=r"as integers \(int64\)"):
        assert_close(torch.tensor([0, 1, 1]), values, "step(z)", dtype="float32")
    with pytest.raises(CheckFailed, match=r"as float64 where float32 is asked"):
        assert_close(values.astype(np.float64), values, "step(z)", dtype="float32")


def _trial(framework):
    return Trial(namespace={}, fw=get_framework(framework), ref=None, hidden=False, rng=np.random.default_rng(0))


@pytest.mark.parametrize("framework", ["tensorflow", "torch"])
def test_an_ndarray_where_a_tensor_is_asked_says_where_autograd_lost_it(framework):
    with pytest.raises(CheckFailed, match="got a NumPy ndarray: the computation left"):
        _trial(framework).require_tensor(np.ones(3), "`sigmoid`")
    with pytest.raises(CheckFailed, match="got a Python float"):
        _trial(framework).require_tensor(0.5, "`sigmoid`")


def test_a_tensor_with_a_graph_where_a_float_is_asked_is_refused():
    t = _trial("torch")
    w = torch.ones(2, requires_grad=True)
    with pytest.raises(CheckFailed, match=r"got a torch.Tensor that still holds its autograd graph: convert it with "
                                          r"loss.item\(\)"):
        t.require_number((w * 2).sum(), "`train_step`'s loss")
    assert t.require_number((w * 2).sum().item(), "loss") == 4.0
    with pytest.raises(CheckFailed, match=r"float\(loss\)"):
        _trial("tensorflow").require_number(tf.constant(1.0), "loss")


def test_the_dtype_of_a_tensor_is_checked_by_the_trial():
    t = _trial("torch")
    t.require_dtype(torch.ones(2), "`predict`")
    with pytest.raises(CheckFailed, match="booleans"):
        t.require_dtype(torch.ones(2) > 0, "`predict`")
