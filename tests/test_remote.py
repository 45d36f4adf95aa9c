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

    def endless():
        while True:
            yield torch.zeros(1)

    def grad_of_sum(x):  # a student's slip: marks the caller's tensor and lets .grad add up across calls
        x.requires_grad_(True)
        x.sum().backward()
        return x.grad.clone()

    def mean_squared_error(y_hat, y):
        return ((y_hat - y) ** 2).mean()

    return {
        "double": lambda x: x * 2,
        "make_layer": Layer,
        "todo": lambda: (_ for _ in ()).throw(NotImplementedError("fill me in")),
        "broken": broken,
        "batches": lambda: iter([(torch.zeros(1), torch.ones(1))] * 3),
        "train": train,
        "loop_forever": loop_forever,
        "endless": endless,
        "grad_of_sum": grad_of_sum,
        "pick_loss": lambda: mean_squared_error,
        "bce": torch.nn.BCELoss(),
        "answer": 42,
    }


CALLS_HERE = []  # helper calls made in this (the judge's) process


def _fixture():
    CALLS_HERE.append("fixture")
    return torch.zeros(3, requires_grad=True)


def _slope(fn):
    """d fn / dx at x = 1, by autograd: a helper that differentiates through the student's function."""
    x = torch.ones(1, requires_grad=True)
    fn(x).sum().backward()
    return float(x.grad)


REFERENCE = types.SimpleNamespace(
    weights=lambda layer: layer.W.detach().numpy().copy(),  # a helper that reads a student's object
    fixture=_fixture,  # makes an object the student's code is given
    expected=lambda x: np.asarray(x) * 2,  # works on data: runs in the judge
    slope=_slope,
    __name__="reference",
)
IN_NOTEBOOK = frozenset({"weights", "fixture", "slope"})  # as a lab spec declares them


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
    reference = RemoteReference(REFERENCE, judge, IN_NOTEBOOK)
    assert reference.weights(layer).shape == (2, 3)  # a helper on a student's object runs in the notebook
    assert list(reference.expected([1, 2])) == [2, 4]  # a helper on data runs in the judge
    fixture = reference.fixture()  # a trainable tensor: made there, used there
    assert isinstance(fixture, Handle)
    assert len(list(RemoteNamespace(judge).get("batches")())) == 3


def to_list(value):
    return value.tolist()


def test_each_reference_helper_runs_once_where_it_is_declared_to(student):
    judge, _ = student
    CALLS_HERE.clear()
    assert isinstance(RemoteReference(REFERENCE, judge, IN_NOTEBOOK).fixture(), Handle)
    assert CALLS_HERE == []  # made in the notebook only, not here first as well
    layer = RemoteNamespace(judge).get("make_layer")()
    undeclared = RemoteReference(REFERENCE, judge)  # nothing declared: every helper would run here
    with pytest.raises(TypeError, match="IN_NOTEBOOK"):
        undeclared.weights(layer)  # given an object of the notebook
    with pytest.raises(TypeError, match="IN_NOTEBOOK"):
        undeclared.fixture()  # made an object, not data
    assert CALLS_HERE == ["fixture"]


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


def test_the_same_tensor_sent_twice_is_the_same_tensor_in_the_notebook(student):
    judge, _ = student
    grad_of_sum = RemoteNamespace(judge).get("grad_of_sum")
    x, fresh = torch.ones(3), torch.ones(3)
    assert grad_of_sum(x).tolist() == [1.0, 1.0, 1.0]
    assert grad_of_sum(x).tolist() == [2.0, 2.0, 2.0]  # .grad added up on the one tensor, as it would in-process
    assert grad_of_sum(fresh).tolist() == [1.0, 1.0, 1.0]  # an equal but other tensor is another tensor


def test_a_notebook_function_given_to_a_helper_in_the_notebook_is_the_function_itself(student):
    """Not a callback through the judge: autograd follows it there, as it does in the notebook."""
    judge, _ = student
    double = RemoteNamespace(judge).get("double")
    assert RemoteReference(REFERENCE, judge, IN_NOTEBOOK).slope(double) == 2.0


def test_a_callable_made_at_cell_level_says_what_it_is(student):
    judge, _ = student
    bce, double = RemoteNamespace(judge).get("bce"), RemoteNamespace(judge).get("double")
    assert (bce.__name__, bce.__mitdl_kind__, bce.__module__) == ("bce", "BCELoss", "torch.nn.modules.loss")
    assert (double.__mitdl_kind__, double.__module__) == ("<lambda>", __name__)
    assert float(bce(torch.tensor([0.5]), torch.tensor([1.0]))) == pytest.approx(0.6931, abs=1e-4)


def test_a_function_returned_by_the_notebook_keeps_its_name(student):
    judge, _ = student
    loss = RemoteNamespace(judge).get("pick_loss")()
    assert isinstance(loss, Handle) and loss.__name__ == "mean_squared_error"
    assert not hasattr(RemoteNamespace(judge).get("make_layer")(), "__name__")  # an instance has none


def test_an_endless_iterable_is_read_only_as_far_as_the_test_needs(student):
    from mitdl_utils.checking import CheckFailed, take

    judge, _ = student
    endless = RemoteNamespace(judge).get("endless")()
    with pytest.raises(CheckFailed, match="more than 5 items"):
        take(endless, 5, "the batches")
    assert len(take(RemoteNamespace(judge).get("batches")(), 5, "the batches")) == 3


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


def test_the_channel_raises_on_timeout_and_on_close_or_garbage():
    import time

    from autograder.remote import ChannelClosed, ChannelTimeout, receive, send

    read_fd, write_fd = os.pipe()
    with pytest.raises(ChannelTimeout):
        receive(read_fd, time.monotonic() + 0.05, bytearray())
    send(write_fd, {"op": "ping"})
    assert receive(read_fd, time.monotonic() + 1, bytearray()) == {"op": "ping"}
    os.write(write_fd, b"\x00\x00\x00\x03[1]")  # well framed, but not a JSON object
    with pytest.raises(ChannelClosed):
        receive(read_fd, time.monotonic() + 1, bytearray())
    os.close(write_fd)
    with pytest.raises(ChannelClosed):
        receive(read_fd, time.monotonic() + 1, bytearray())
    os.close(read_fd)


def test_a_message_larger_than_the_pipe_crosses_whole_and_one_nobody_reads_times_out():
    """A send with a deadline goes on while the reader reads, and gives up at its deadline when nobody does
    (instead of blocking the judge for ever on a full pipe)."""
    import time

    from autograder.remote import receive, send

    read_fd, write_fd = os.pipe()
    big = {"op": "data", "v": "x" * (3 << 20)}  # 3 MiB: many times what the pipe holds
    pid = os.fork()
    if pid == 0:  # a reader that takes the message in, then says whether it came whole
        ok = False
        try:
            os.close(write_fd)
            ok = receive(read_fd, time.monotonic() + 20, bytearray()) == big
        finally:  # never back into pytest in the forked child, whatever receive raised
            os._exit(0 if ok else 1)
    send(write_fd, big, time.monotonic() + 20)
    assert os.waitpid(pid, 0)[1] == 0
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        send(write_fd, big, time.monotonic() + 0.3)  # nobody reads: the pipe fills, the deadline passes
    assert time.monotonic() - started < 5
    os.close(read_fd)
    os.close(write_fd)


def test_an_answer_to_a_request_the_judge_did_not_make_ends_the_session():
    """A child that answers with another request's id (a stale or forged answer) is not believed."""
    import time

    from autograder.remote import receive, send

    requests_r, requests_w = os.pipe()
    replies_r, replies_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # a forged child: it answers every request as if it were an earlier one
        request = receive(requests_r, time.monotonic() + 5, bytearray())
        send(replies_w, {"id": request["id"] - 1, "value": {"t": "py", "v": 42}})
        time.sleep(5)
        os._exit(0)
    judge = Student(requests_w, replies_r, FW, timeout=5)
    try:
        with pytest.raises(StudentGone, match="not waiting for"):
            RemoteNamespace(judge).get("answer")
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        for fd in (requests_r, requests_w, replies_r, replies_w):
            os.close(fd)


def test_what_crosses_as_a_copy_is_decided_by_the_one_codec():
    """is_data says yes exactly when encode copies the value whole (trainable tensors and objects: no)."""
    from autograder.remote import encode, is_data

    def copied_whole(value) -> bool:
        leftovers = []
        encode(value, lambda v: leftovers.append(v) or {"t": "obj"}, variables_as_data=False)
        return not leftovers

    values = [1, 2.5, "s", None, np.ones(2), np.float32(1), torch.ones(2), [torch.ones(1), {"a": (1, 2)}],
              torch.ones(2, requires_grad=True), [1, object()], {1: 2}, {"f": len}, Layer(), np.array([None])]
    assert [is_data(v) for v in values] == [copied_whole(v) for v in values]
    assert [is_data(v) for v in values] == [True] * 8 + [False] * 6
