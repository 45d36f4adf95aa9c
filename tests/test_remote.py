"""The judge-to-notebook wire (autograder/remote.py), with a real forked child serving a small namespace."""
import os
import signal
import types

import numpy as np
import pytest

from autograder.remote import Handle, RemoteNamespace, RemoteReference, Student, StudentGone, StudentServer
from mitdl_utils.frameworks import get_framework

FW = get_framework("torch")
torch = FW.torch


class Layer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.W = torch.nn.Parameter(torch.ones(2, 3))

    def forward(self, x):
        return x @ self.W


def _student_namespace():
    def train(step, times):
        return [step(k) for k in range(times)]

    class Oops(Exception):
        pass

    def broken():
        raise Oops("my own error")

    def loop_forever():
        while True:
            pass

    return {
        "double": lambda x: x * 2,
        "make_layer": Layer,
        "todo": lambda: (_ for _ in ()).throw(NotImplementedError("fill me in")),
        "broken": broken,
        "batches": lambda: iter([(torch.zeros(1), torch.ones(1))] * 3),
        "train": train,
        "loop_forever": loop_forever,
        "answer": 42,
    }


REFERENCE = types.SimpleNamespace(
    weights=lambda layer: layer.W.detach().numpy().copy(),  # a helper that reads a student's object
    fixture=lambda: torch.zeros(3, requires_grad=True),  # makes an object the student's code is given
    expected=lambda x: np.asarray(x) * 2,  # works on data: runs in the judge
    __name__="reference",
)


@pytest.fixture
def student():
    requests_r, requests_w = os.pipe()
    replies_r, replies_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(requests_w)
        os.close(replies_r)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        server = StudentServer(requests_r, replies_w, _student_namespace(), FW, REFERENCE)
        try:
            server.session(0)
        except BaseException:
            pass
        os._exit(0)
    os.close(requests_r)
    os.close(replies_w)
    judge = Student(requests_w, replies_r, FW, timeout=5)
    assert judge.receive(5) == {"op": "serve", "cell": 0}
    yield judge, pid
    os.close(requests_w)
    os.close(replies_r)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def test_data_crosses_as_copies_and_functions_as_names(student):
    judge, _ = student
    namespace = RemoteNamespace(judge)
    assert namespace.get("nothing") is None
    assert namespace.get("answer") == 42
    doubled = namespace.get("double")(torch.tensor([1.0, 2.0]))
    assert isinstance(doubled, torch.Tensor) and doubled.tolist() == [2.0, 4.0]


def test_objects_stay_in_the_notebook_and_are_used_through_handles(student):
    judge, _ = student
    layer = RemoteNamespace(judge).get("make_layer")()
    assert isinstance(layer, Handle) and type(layer).__name__ == "Layer"
    assert to_list(layer(torch.ones(1, 2))) == [[2.0, 2.0, 2.0]]
    assert tuple(layer.W.shape) == (2, 3)  # an attribute that is a tensor comes back as data
    assert not hasattr(layer, "missing")
    reference = RemoteReference(REFERENCE, judge)
    assert reference.weights(layer).shape == (2, 3)  # a helper on a student's object runs in the notebook
    assert list(reference.expected([1, 2])) == [2, 4]  # a helper on data runs in the judge
    fixture = reference.fixture()  # a trainable tensor: made there, used there
    assert isinstance(fixture, Handle)
    assert len(list(RemoteNamespace(judge).get("batches")())) == 3


def to_list(value):
    return value.tolist()


def test_errors_keep_their_type_name_only(student):
    judge, _ = student
    namespace = RemoteNamespace(judge)
    with pytest.raises(NotImplementedError, match="fill me in"):
        namespace.get("todo")()
    with pytest.raises(Exception, match="my own error") as caught:
        namespace.get("broken")()
    assert type(caught.value).__name__ == "Oops"  # a class of the judge's making: only the name crossed


def test_callbacks_run_in_the_judge(student):
    judge, _ = student
    seen = []

    def step(k):
        seen.append(k)
        return float(k) / 2

    assert RemoteNamespace(judge).get("train")(step, 3) == [0.0, 0.5, 1.0]
    assert seen == [0, 1, 2]


def test_a_call_interrupted_by_the_time_limit_ends_the_session(student):
    judge, pid = student
    loop = RemoteNamespace(judge).get("loop_forever")
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    old = signal.signal(signal.SIGALRM, lambda *_: os.kill(pid, signal.SIGINT))
    try:
        with pytest.raises(StudentGone, match="time limit"):
            loop()
    finally:
        signal.signal(signal.SIGALRM, old)


def test_a_dead_notebook_is_reported_not_waited_for(student):
    judge, pid = student
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(StudentGone, match="stopped"):
        RemoteNamespace(judge).get("answer")
