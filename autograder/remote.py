"""The wire between the judge and the student child: hidden tests run in the judge, student code in the sandbox.

The judge never runs a line of the student's code. Whatever a hidden test does with the student's work is a
request to the sandboxed child, which answers with data (numbers, strings, arrays and tensors as .npy without
pickles; lists, tuples and dicts of them) or, for anything else (a layer, a model, a generator), a handle: a
number that names the object in the child. The requests:

  lookup NAME         a global of the notebook: a function, a value, or None when it is missing
  call TARGET ARGS    a global function, or a handle, called with arguments
  getattr, iter, getitem on a handle
  ref NAME ARGS       a reference helper run in the child on the child's objects (reading a layer's weights),
                      or making an object that the student's code is given (a model, an optimizer)
  done                the judge has finished this cell's exercises

Every request carries an id, and its answer the same id: an answer to anything but the request the judge is
waiting for ends the session (StudentGone), so an answer can never be taken for another's.

What the judge sends is data, handles of the child's own objects, reference helpers and activations by name,
and callbacks: functions of the test that the student's code may call (each call comes back to the judge as a
request, answered while the judge waits). Everything the child sends is untrusted: length-limited JSON; a
handle is a number and a type name; an error is a type name and a message.
"""
from __future__ import annotations

import base64
import io
import itertools
import json
import os
import select
import struct
import time

import numpy as np

MAX_MESSAGE = 64 << 20
MAX_ITEMS = 100_000


# ---------------------------------------------------------------- framing

def send(fd: int, message: dict, deadline: float | None = None) -> None:
    """One length-prefixed JSON message; with a deadline, give up (TimeoutError) when nobody reads."""
    data = json.dumps(message, default=str).encode()
    if len(data) > MAX_MESSAGE:
        data = json.dumps({"op": message.get("op"), "error": ["MessageTooLarge", "a value too large to send"],
                           "event": message.get("event"), "cell": message.get("cell")}).encode()
    view = memoryview(struct.pack("!I", len(data)) + data)
    while view:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([], [fd], [], remaining)[1]:
                raise TimeoutError("the other end stopped reading")
        view = view[os.write(fd, view[:select.PIPE_BUF] if deadline is not None else view):]


class ChannelTimeout(Exception):
    """Nothing arrived before the deadline."""


class ChannelClosed(Exception):
    """The other end closed its pipe, or sent something that is not a well-formed message."""


def receive(fd: int, deadline: float, buffer: bytearray) -> dict:
    """One message (a dict); ChannelTimeout at `deadline`, ChannelClosed when nothing more can come."""
    while True:
        if len(buffer) >= 4:
            (size,) = struct.unpack("!I", bytes(buffer[:4]))
            if size > MAX_MESSAGE:
                raise ChannelClosed("a message larger than the limit")
            if len(buffer) >= 4 + size:
                data = bytes(buffer[4:4 + size])
                del buffer[:4 + size]
                try:
                    message = json.loads(data)
                except (ValueError, RecursionError):
                    raise ChannelClosed("a message that is not JSON") from None
                if not isinstance(message, dict):
                    raise ChannelClosed("a message that is not a JSON object")
                return message
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise ChannelTimeout()
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            raise ChannelClosed("the other end closed the pipe")
        buffer.extend(chunk)


# ---------------------------------------------------------------- values

def _npy(array: np.ndarray) -> str:
    buffer = io.BytesIO()
    np.save(buffer, np.array(array, order="C", copy=True), allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode()


def _from_npy(text: str) -> np.ndarray:
    return np.load(io.BytesIO(base64.b64decode(text)), allow_pickle=False)


def _is_tensor(value) -> bool:
    module = type(value).__module__ or ""
    return module.split(".")[0] in ("torch", "tensorflow", "keras") and hasattr(value, "numpy") \
        and hasattr(value, "shape")


def _is_variable(value) -> bool:
    """A tensor with an identity: a tf.Variable, or a torch tensor that autograd tracks."""
    return bool(getattr(value, "requires_grad", False)) or hasattr(value, "assign")


def encode(value, other, *, variables_as_data: bool = True, identify=None, pack=_npy, depth: int = 0):
    """value -> JSON: the one walk over values that cross the wire. Data is copied (arrays through `pack`);
    anything else becomes what `other(value)` returns (a handle).
    With variables_as_data=False, trainable tensors stay objects (an optimizer must get the very tensors).
    `identify(tensor) -> int` tags each tensor copy with its sender's identity for it, so that the same
    tensor sent twice is one object at the other end too (what the student's code does to it, it sees again).
    `is_data` and `_handle_free` are this walk with a `pack` that copies nothing and an `other` that decides."""
    if value is None or type(value) in (bool, int, str):
        return {"t": "py", "v": value}
    if type(value) is float:
        return {"t": "float", "v": repr(value)}
    if isinstance(value, np.ndarray) and value.dtype != object:
        return {"t": "nd", "a": pack(value)}
    if isinstance(value, np.generic) and not isinstance(value, np.object_):
        return {"t": "np", "a": pack(np.asarray(value))}
    if _is_tensor(value) and (variables_as_data or not _is_variable(value)):
        from mitdl_utils.checking import to_numpy

        try:
            array = to_numpy(value)
        except Exception:
            return other(value)
        if isinstance(array, np.ndarray) and array.dtype != object:
            return {"t": "tensor", "a": pack(array), **({"same": identify(value)} if identify else {})}
    inner = dict(variables_as_data=variables_as_data, identify=identify, pack=pack, depth=depth + 1)
    if depth < 8 and type(value) in (tuple, list):
        return {"t": type(value).__name__, "items": [encode(v, other, **inner) for v in value]}
    if depth < 8 and type(value) is dict and all(type(k) is str for k in value):
        return {"t": "dict", "items": {k: encode(v, other, **inner) for k, v in value.items()}}
    return other(value)


def decode(obj, fw, other, seen: dict | None = None):
    """JSON -> value; tensors come back as tensors of `fw`; any other kind is `other(obj)`'s to resolve.
    With `seen` (identity -> tensor, kept by the receiver), a tensor tagged with an identity already seen
    is that same tensor object again."""
    kind = obj.get("t") if isinstance(obj, dict) else None
    if kind == "py" and (obj.get("v") is None or type(obj.get("v")) in (bool, int, str)):
        return obj["v"]
    if kind == "float":
        return float(obj["v"])
    if kind in ("nd", "np", "tensor"):
        array = _from_npy(obj["a"])
        if kind == "np":
            return array[()]
        if kind == "tensor":
            same = obj.get("same") if seen is not None and type(obj.get("same")) is int else None
            if same is not None and same in seen:
                return seen[same]
            try:
                tensor = fw.tensor(array, dtype=str(array.dtype))
            except Exception:
                return array
            if same is not None:
                seen[same] = tensor
            return tensor
        return array
    if kind in ("tuple", "list"):
        items = [decode(item, fw, other, seen) for item in obj["items"]]
        return tuple(items) if kind == "tuple" else items
    if kind == "dict":
        return {str(k): decode(v, fw, other, seen) for k, v in obj["items"].items()}
    return other(obj)


class _NotData(Exception):
    """Raised by `is_data`'s leaf: the value holds something that would not cross as a copy."""


def _no_copy(array) -> str:
    return ""


def _refuse(value):
    raise _NotData()


def is_data(value) -> bool:
    """Whether `value` crosses as a copy (what `encode` copies with variables_as_data=False, nothing left over):
    numbers, strings, arrays, tensors that are not trainable variables, and lists, tuples and dicts of them."""
    try:
        encode(value, _refuse, variables_as_data=False, pack=_no_copy)
    except _NotData:
        return False
    return True


def _error(error: BaseException) -> list:
    return [type(error).__name__[:80], str(error)[:1000]]


# ---------------------------------------------------------------- the student child's end

class StudentServer:
    """Answers the judge's requests on the notebook's namespace (runs in the sandboxed child)."""

    def __init__(self, requests_fd: int, replies_fd: int, namespace: dict, fw, reference, idle_timeout: float = 3600):
        self.requests_fd, self.replies_fd, self.idle_timeout = requests_fd, replies_fd, idle_timeout
        self.namespace, self.fw, self.reference = namespace, fw, reference
        self.objects: dict[int, object] = {}
        self.tensors_seen: dict[int, object] = {}  # the judge's identity of a tensor -> that tensor here
        self.buffer = bytearray()
        self.callbacks_made = itertools.count(1)  # the ids of this end's requests (callbacks into the judge)

    def session(self, cell: int) -> None:
        """Let the judge run the hidden tests of the grade cell `cell` on the namespace as it is now."""
        send(self.replies_fd, {"op": "serve", "cell": cell})
        self.serve()

    def serve(self, callback_id: int | None = None) -> dict | None:
        """Answer requests until the judge says done (None) or answers the callback `callback_id` (its reply)."""
        while True:
            try:
                try:
                    message = receive(self.requests_fd, time.monotonic() + self.idle_timeout, self.buffer)
                except (ChannelTimeout, ChannelClosed):
                    return None
                if message.get("op") == "done":
                    return None
                if message.get("op") == "reply":
                    return message if callback_id is not None and message.get("id") == callback_id else None
                try:
                    reply = {"id": message.get("id"), "value": self._answer(message)}
                except KeyboardInterrupt:
                    raise
                except BaseException as error:  # the student's code failed: the test decides what that means
                    reply = {"id": message.get("id"), "error": _error(error)}
                send(self.replies_fd, reply)
            except KeyboardInterrupt:  # the cell's time limit: leave, and say so
                send(self.replies_fd, {"op": "abandon"})
                raise

    def _answer(self, message: dict):
        op = message.get("op")
        if op == "lookup":
            value = self.namespace.get(str(message.get("name")))
            if callable(value):  # called by name; what it is travels as data (a loss object made at cell level?)
                module = getattr(value, "__module__", None)
                kind = getattr(value, "__name__", None)
                return {"t": "global", "name": str(message.get("name")),
                        "module": module[:200] if type(module) is str else "",
                        "kind": kind[:100] if type(kind) is str else type(value).__name__[:100]}
            return self.encode(value)
        if op in ("call", "ref"):
            if op == "ref":
                fn = getattr(self.reference, str(message.get("name")))
            elif "obj" in message:
                fn = self.objects[int(message["obj"])]
            else:
                fn = self.namespace[str(message.get("name"))]
            args = self.decode(message.get("args"))
            kwargs = self.decode(message.get("kwargs"))
            result = fn(*args, **kwargs)
            return self.encode(result, variables_as_data=op == "call")
        target = self.objects[int(message.get("obj"))]
        if op == "getattr":
            return self.encode(getattr(target, str(message.get("name"))))
        if op == "iter":
            if "most" in message:  # the judge needs no more than this many (checking.take)
                return self.encode(list(itertools.islice(iter(target), max(0, min(int(message["most"]), MAX_ITEMS)))))
            items = list(itertools.islice(iter(target), MAX_ITEMS + 1))
            if len(items) > MAX_ITEMS:
                raise ValueError(f"more than {MAX_ITEMS} items")
            return self.encode(items)
        if op == "getitem":
            return self.encode(target[self.decode(message.get("key"))])
        raise ValueError(f"unknown request {op!r}")

    def _register(self, value) -> dict:
        key = len(self.objects) + 1
        self.objects[key] = value
        name = getattr(value, "__name__", None)  # a function's or a class's name is data the tests may read
        return {"t": "obj", "id": key, "type": type(value).__name__[:60],
                **({"name": name[:100]} if type(name) is str else {})}

    def encode(self, value, variables_as_data: bool = True):
        return encode(value, self._register, variables_as_data=variables_as_data)

    def decode(self, obj):
        return decode(obj, self.fw, self._resolve, self.tensors_seen)

    def _resolve(self, obj):
        kind = obj.get("t")
        if kind == "obj":
            return self.objects[int(obj["id"])]
        if kind == "reffn":
            return getattr(self.reference, str(obj["name"]))
        if kind == "global":
            return self.namespace[str(obj["name"])]
        if kind == "activation":
            return self.fw.activations[str(obj["name"])]
        if kind == "callback":
            return Callback(self, int(obj["id"]))
        raise ValueError(f"cannot rebuild a {kind!r}")


class Callback:
    """A function of the judge's test, given to the student's code (e.g. one training epoch)."""

    def __init__(self, server: StudentServer, key: int):
        self.server, self.key = server, key

    def __call__(self, *args, **kwargs):
        request = next(self.server.callbacks_made)
        send(self.server.replies_fd, {"op": "callback", "id": request, "callback": self.key,
                                      "args": self.server.encode(list(args)), "kwargs": self.server.encode(kwargs)})
        reply = self.server.serve(callback_id=request)
        if reply is None:
            raise RuntimeError("the grader stopped")
        if "error" in reply:
            raise RuntimeError(f"{reply['error'][0]}: {reply['error'][1]}")
        return self.server.decode(reply.get("value"))


# ---------------------------------------------------------------- the judge's end

class StudentGone(BaseException):
    """The student child stopped answering: it died, hit a limit, or left the cell. Not the test's to catch."""


def _exception(error) -> Exception:
    """An error the student's code raised, as the judge sees it: its type name and message (never its class)."""
    name, message = (str(error[0])[:80], str(error[1])[:1000]) if isinstance(error, list) and len(error) == 2 \
        else ("Error", "an error the grader could not read")
    if name in ("NotImplementedError", "AttributeError"):
        return {"NotImplementedError": NotImplementedError, "AttributeError": AttributeError}[name](message)
    return type(name if name.isidentifier() else "Error", (Exception,), {})(message)


class Student:
    """The judge's end of the pipes to the sandboxed child."""

    def __init__(self, requests_fd: int, replies_fd: int, fw, timeout: float):
        self.requests_fd, self.replies_fd, self.fw, self.timeout = requests_fd, replies_fd, fw, timeout
        self.buffer = bytearray()
        self.callbacks: dict[int, object] = {}
        self.sources: dict[str, str] = {}
        self.tensors_sent: dict[int, tuple[object, int]] = {}  # id(tensor) -> (the tensor, kept alive; its number)
        self.requests_made = itertools.count(1)

    def receive(self, timeout: float) -> dict:
        try:
            return receive(self.replies_fd, time.monotonic() + timeout, self.buffer)
        except ChannelTimeout:
            raise StudentGone(f"the notebook did not answer within {timeout:g} s") from None
        except ChannelClosed:
            raise StudentGone("the notebook's kernel stopped (it crashed, or a limit stopped it)") from None

    def ask(self, op: str, **fields):
        request = next(self.requests_made)
        try:
            send(self.requests_fd, {"op": op, "id": request, **fields}, time.monotonic() + self.timeout)
        except (OSError, TimeoutError):
            raise StudentGone("the notebook's kernel stopped answering") from None
        while True:
            message = self.receive(self.timeout)
            if message.get("op") == "callback":
                self._run_callback(message)
            elif message.get("op") == "abandon":
                raise StudentGone("the cell's time limit was reached (the code being tested took too long)")
            elif message.get("id") != request:
                raise StudentGone("the notebook answered a request the grader was not waiting for")
            elif "value" in message:
                return self.decode(message["value"])
            elif "error" in message:
                raise _exception(message["error"])
            else:
                raise StudentGone("the notebook sent something the grader did not ask for")

    def call(self, target: dict, args, kwargs):
        return self.ask("call", **target, args=self.encode(list(args)), kwargs=self.encode(dict(kwargs)))

    def _run_callback(self, message: dict) -> None:
        request = message.get("id")
        try:
            fn = self.callbacks[int(message.get("callback"))]
            reply = {"op": "reply", "id": request, "value": self.encode(fn(*self.decode(message.get("args")),
                                                                           **self.decode(message.get("kwargs"))))}
        except StudentGone:
            raise
        except Exception as error:
            reply = {"op": "reply", "id": request, "error": _error(error)}
        send(self.requests_fd, reply, time.monotonic() + self.timeout)

    def encode(self, value):
        return encode(value, self._wire_form, identify=self._identify)

    def _identify(self, tensor) -> int:
        """The same tensor object gets the same number each time it is sent: a test that calls the student's
        function twice with the same tensors gives the notebook the same tensors twice, as in the notebook."""
        entry = self.tensors_sent.get(id(tensor))
        if entry is None:
            entry = self.tensors_sent[id(tensor)] = (tensor, len(self.tensors_sent) + 1)
        return entry[1]

    def _wire_form(self, value) -> dict:
        if isinstance(value, Handle):
            return {"t": "obj", "id": value._id}
        if isinstance(value, ReferenceFunction):
            return {"t": "reffn", "name": value.__name__}
        if isinstance(value, RemoteFunction):  # the notebook's own function goes back as itself, not a callback
            return {"t": "global", "name": value.__name__}
        for name, activation in self.fw.activations.items():
            if value is activation:
                return {"t": "activation", "name": name}
        if callable(value):
            key = len(self.callbacks) + 1
            self.callbacks[key] = value
            return {"t": "callback", "id": key}
        raise TypeError(f"the grader cannot give a {type(value).__name__} to the notebook")

    def decode(self, obj):
        return decode(obj, self.fw, self._materialize)

    def _materialize(self, obj):
        kind = obj.get("t")
        if kind == "obj":
            name = obj.get("name")
            return _handle_class(str(obj.get("type", "object")))(self, int(obj["id"]),
                                                                  name[:100] if type(name) is str else None)
        if kind == "global":
            name = str(obj.get("name"))
            return RemoteFunction(self, name, self.sources.get(name), str(obj.get("module", ""))[:200],
                                  str(obj.get("kind", ""))[:100])
        raise ValueError(f"the notebook sent an unknown kind of value ({str(kind)[:40]})")


class Handle:
    """An object that lives in the student child (a layer, a model, a generator); every use is a request."""

    __slots__ = ("_student", "_id", "_name")

    def __init__(self, student: Student, key: int, name: str | None = None):
        self._student, self._id, self._name = student, key, name  # name: the object's __name__, if it has one

    def __getattr__(self, name):
        if name == "__name__" and self._name is not None:
            return self._name
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._student.ask("getattr", obj=self._id, name=name)

    def __call__(self, *args, **kwargs):
        return self._student.call({"obj": self._id}, args, kwargs)

    def __iter__(self):
        return iter(self._student.ask("iter", obj=self._id))

    def __mitdl_take__(self, most: int) -> list:
        """At most `most` items of the object (`checking.take`): the notebook builds no more than that."""
        return list(self._student.ask("iter", obj=self._id, most=most))[:most]

    def __getitem__(self, key):
        return self._student.ask("getitem", obj=self._id, key=self._student.encode(key))

    def __bool__(self):
        return True

    def __repr__(self):
        return f"<{type(self).__name__} in the notebook>"


_HANDLE_CLASSES: dict[str, type] = {}


def _handle_class(type_name: str) -> type:
    """A Handle subclass named after the object's type, so that messages say what the student returned."""
    name = type_name if type_name.isidentifier() else "object"
    if name not in _HANDLE_CLASSES:
        _HANDLE_CLASSES[name] = type(name, (Handle,), {"__slots__": ()})
    return _HANDLE_CLASSES[name]


class RemoteFunction:
    """A callable of the notebook, by its global name: a function or class defined there, or an object made there
    (`bce = nn.BCELoss()`). __module__ and __mitdl_kind__ say what it is: its module, and its own name (a function's
    or a class's) or its type's."""

    def __init__(self, student: Student, name: str, source: str | None, module: str = "", kind: str = ""):
        self._student, self.__name__, self.__mitdl_source__ = student, name, source
        self.__module__, self.__mitdl_kind__ = module, kind or name

    def __call__(self, *args, **kwargs):
        return self._student.call({"name": self.__name__}, args, kwargs)


class RemoteNamespace:
    """The notebook's globals, as the hidden tests see them (`Trial.namespace`)."""

    def __init__(self, student: Student):
        self._student = student

    def get(self, name: str, default=None):
        value = self._student.ask("lookup", name=name)
        return default if value is None else value


class RemoteReference:
    """`t.ref` in the judge: the reference module. Where each helper runs is declared, not guessed: those named
    in `in_notebook` (the lab spec's IN_NOTEBOOK: they make the objects the student's code is given, or work on
    the objects it returns) run once in the child; every other helper runs once here, on data, and must return
    data (so expected values stay out of the student's reach)."""

    def __init__(self, module, student: Student, in_notebook: frozenset[str] = frozenset()):
        self._module, self._student, self._in_notebook = module, student, in_notebook

    def __getattr__(self, name):
        value = getattr(self._module, name)
        if callable(value) and not isinstance(value, type):
            return ReferenceFunction(name, value, self._student, name in self._in_notebook)
        return value


class ReferenceFunction:
    def __init__(self, name: str, fn, student: Student, in_notebook: bool):
        self.__name__, self._fn, self._student, self._in_notebook = name, fn, student, in_notebook

    def __call__(self, *args, **kwargs):
        if self._in_notebook:
            return self._student.ask("ref", name=self.__name__, args=self._student.encode(list(args)),
                                     kwargs=self._student.encode(dict(kwargs)))
        if not _handle_free((args, kwargs)):
            raise TypeError(f"reference helper {self.__name__} was given an object of the notebook: "
                            "name it in the lab spec's IN_NOTEBOOK")
        result = self._fn(*args, **kwargs)
        if not is_data(result):
            raise TypeError(f"reference helper {self.__name__} returned a {type(result).__name__}, not data: "
                            "name it in the lab spec's IN_NOTEBOOK")
        return result


def _handle_free(value) -> bool:
    """Whether no object of the notebook is inside `value` (the codec's own walk: a handle is a leaf it meets)."""
    def leaf(item):
        if isinstance(item, Handle):
            raise _NotData()
        return None

    try:
        encode(value, leaf, pack=_no_copy)
    except _NotData:
        return False
    return True
