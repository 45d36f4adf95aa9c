"""Run one submission: a sandboxed child executes it, a clean child judges it.

A worker process (local pool or Dask worker) imports the frameworks, IPython and the lab
modules once (`warm_up`). For each submission it forks two children:

  the student child  confined by `autograder.sandbox`; runs the notebook's code cells in an
                     in-process IPython shell and streams each cell's outputs back as JSON. While a
                     hidden test runs (`lab.grade`), every call to a student function is recorded:
                     the arguments and what came back, as plain arrays.
  the judge child    forked from the same clean worker, so no student code has ever run in it; it
                     re-runs each exercise's hidden test itself, answering the calls to student
                     functions from the record. The grade comes from the judge: a submission that
                     redefines `lab`, the check module, NumPy or builtins, prints fake passes or
                     swallows errors changes nothing here; a record it forges must still hold the
                     right numbers for inputs only the judge's test decides.

Messages from the student child are untrusted data: length-limited JSON, arrays as .npy without
pickles. `grade_task(task) -> dict` is the unit of work; everything in and out is JSON-able.
"""
from __future__ import annotations

import base64
import io
import json
import os
import select
import signal
import struct
import sys
import time
import traceback

import numpy as np

from autograder import sandbox

MAX_MESSAGE = 64 << 20
_WARM: dict = {}


# ---------------------------------------------------------------- values <-> JSON (both children)

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


def encode(value, depth: int = 0):
    """A value a student function received or returned -> JSON; {"t": "opaque"} for anything else."""
    if depth > 6:
        return {"t": "opaque", "type": "nested too deep"}
    if isinstance(value, (RecordingFunction, ReplayFunction)):
        return {"t": "fn", "name": value.__name__}
    if value is None or type(value) in (bool, int, str):
        return {"t": "py", "v": value}
    if type(value) is float:
        return {"t": "float", "v": repr(value)}
    if isinstance(value, np.ndarray) and value.dtype != object:
        return {"t": "nd", "a": _npy(value)}
    if isinstance(value, np.generic) and not isinstance(value, np.object_):
        return {"t": "np", "a": _npy(np.asarray(value))}
    if _is_tensor(value):
        from mitdl_utils.checking import to_numpy

        try:
            array = to_numpy(value)
        except Exception:
            return {"t": "opaque", "type": type(value).__name__}
        if not isinstance(array, np.ndarray) or array.dtype == object:
            return {"t": "opaque", "type": type(value).__name__}
        return {"t": "tensor", "a": _npy(array)}
    if type(value) in (tuple, list):
        return {"t": type(value).__name__, "items": [encode(v, depth + 1) for v in value]}
    if type(value) is dict and all(type(k) is str for k in value):
        return {"t": "dict", "items": {k: encode(v, depth + 1) for k, v in value.items()}}
    if callable(value):
        return {"t": "ext", "q": f"{getattr(value, '__module__', None)}."
                                 f"{getattr(value, '__qualname__', getattr(value, '__name__', '?'))}"}
    return {"t": "opaque", "type": type(value).__name__}


class Unverifiable(BaseException):
    """The judge cannot rebuild a value (an object, not arrays): it falls back on the notebook's own run."""


class NoRecord(BaseException):
    """The notebook's hidden test never got this far."""


def decode(obj, fw):
    kind = obj.get("t") if isinstance(obj, dict) else None
    if kind == "py":
        value = obj.get("v")
        if value is None or type(value) in (bool, int, str):
            return value
    elif kind == "float":
        return float(obj["v"])
    elif kind == "nd":
        return _from_npy(obj["a"])
    elif kind == "np":
        return _from_npy(obj["a"])[()]
    elif kind == "tensor":
        array = _from_npy(obj["a"])
        return fw.tensor(array, dtype=str(array.dtype))
    elif kind in ("tuple", "list"):
        items = [decode(item, fw) for item in obj["items"]]
        return tuple(items) if kind == "tuple" else items
    elif kind == "dict":
        return {str(k): decode(v, fw) for k, v in obj["items"].items()}
    raise Unverifiable(f"returned a {obj.get('type', kind) if isinstance(obj, dict) else 'value'} "
                       "that the grader cannot rebuild")


# ---------------------------------------------------------------- recording (student child)

class RecordingFunction:
    """Wraps a student function during a hidden test: records top-level calls."""

    def __init__(self, fn, name: str, log: list, depth: list):
        self._fn, self.__name__, self._log, self._depth = fn, name, log, depth

    def __call__(self, *args, **kwargs):
        if self._depth[0]:
            return self._fn(*args, **kwargs)
        entry = {"call": self.__name__, "args": encode([list(args), kwargs])}
        self._depth[0] += 1
        try:
            result = self._fn(*args, **kwargs)
        except BaseException as error:
            entry.update(raise_=type(error).__name__[:80], msg=str(error)[:1000])
            self._log.append(entry)
            raise
        finally:
            self._depth[0] -= 1
        entry["result"] = encode(result)
        if encode([list(args), kwargs]) != entry["args"]:
            entry["mutated"] = True  # it changed its arguments in place: the judge cannot replay that
        self._log.append(entry)
        return result


class RecordingNamespace:
    def __init__(self, namespace: dict, log: list):
        self._namespace, self._log, self._depth = namespace, log, [0]

    def get(self, name, default=None):
        value = self._namespace.get(name, default)
        if value is None:
            self._log.append({"lookup": name, "kind": "missing"})
        elif callable(value) and not isinstance(value, type):
            self._log.append({"lookup": name, "kind": "function"})
            return RecordingFunction(value, name, self._log, self._depth)
        else:
            self._log.append({"lookup": name, "kind": "value", "value": encode(value)})
        return value

    def __getitem__(self, name):
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __contains__(self, name):
        return name in self._namespace


def seed_for(exercise: str) -> None:
    """The same global random state at the start of a hidden test, in the notebook and in the judge."""
    import zlib

    from mitdl_utils.seeding import seed_everything

    seed_everything(zlib.crc32(exercise.encode()) % (2 ** 31))


class Recorder:
    def __init__(self):
        self.records: dict[str, list] = {}

    def __call__(self, exercise: str, namespace):
        seed_for(exercise)
        log = self.records[exercise] = []
        return RecordingNamespace(namespace, log)

    def take(self) -> dict:
        records, self.records = self.records, {}
        return records


# ---------------------------------------------------------------- replay (judge child)

class ReplayFunction:
    def __init__(self, name: str, log: "ReplayLog", source: str | None):
        self.__name__, self._log = name, log
        self.__mitdl_source__ = source

    def __call__(self, *args, **kwargs):
        entry = self._log.next_call(self.__name__)
        mine = encode([list(args), kwargs])
        if '"opaque"' in json.dumps(mine):
            raise Unverifiable(f"`{self.__name__}` takes an object, not only arrays")
        if entry.get("args") != mine:
            raise Unverifiable("mismatch")
        if entry.get("mutated"):
            raise Unverifiable(f"`{self.__name__}` changes its arguments in place")
        if "raise_" in entry:
            name = str(entry["raise_"])
            if name == "NotImplementedError":
                raise NotImplementedError(entry.get("msg", ""))
            raise type(name if name.isidentifier() else "Error", (Exception,), {})(entry.get("msg", ""))
        return decode(entry.get("result"), self._log.fw)


class ReplayLog:
    def __init__(self, entries: list, fw, sources: dict):
        self.entries = [e for e in entries if isinstance(e, dict)]
        self.fw, self.sources = fw, sources

    def next_call(self, name: str) -> dict:
        while self.entries:
            entry = self.entries.pop(0)
            if "call" in entry:
                if entry["call"] != name:
                    raise Unverifiable("mismatch")
                return entry
        raise NoRecord(name)

    def get(self, name, default=None):
        while self.entries:
            entry = self.entries.pop(0)
            if "lookup" not in entry:
                raise Unverifiable("mismatch")
            if entry["lookup"] != name:
                raise Unverifiable("mismatch")
            if entry.get("kind") == "missing":
                return default
            if entry.get("kind") == "function":
                return ReplayFunction(name, self, self.sources.get(name))
            return decode(entry.get("value"), self.fw)
        raise NoRecord(name)

    def __getitem__(self, name):
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value


def judge(task: dict, records_by_cell: dict) -> dict:
    """Hidden tests re-run on recorded answers: {exercise: {status, message, verified}}."""
    import importlib

    from mitdl_utils.checking import FAILED, NOT_ATTEMPTED, run_exercise
    from mitdl_utils.frameworks import get_framework

    fw = get_framework(task["framework"])
    spec = importlib.import_module(f"mitdl_utils.labs.{task['spec']}")
    ref = importlib.import_module(f"mitdl_utils.labs.{task['spec']}.reference_{fw.name}")
    from dataclasses import replace

    from mitdl_utils.checking import CheckFailed, NotAttempted

    def guarded(name, test):
        def run(trial):
            seed_for(name)
            try:
                test(trial)
            except (NotAttempted, CheckFailed):
                raise
            except Exception as error:  # the test could not run on replayed values (e.g. autograd through them)
                raise Unverifiable(f"the test needs more than recorded values ({type(error).__name__})") from None
        return run

    exercises = {e.name: replace(e, test=guarded(e.name, e.test)) for e in spec.EXERCISES}
    verdicts = {}
    for index, names in task["grade_cells"].items():
        cell_records = records_by_cell.get(str(index)) or {}
        for name in names:
            if name not in exercises:
                verdicts[name] = {"status": FAILED, "message": f"unknown exercise {name!r}", "verified": True}
                continue
            entries = cell_records.get(name) if isinstance(cell_records, dict) else None
            if not isinstance(entries, list):
                verdicts[name] = {"status": NOT_ATTEMPTED, "verified": True,
                                  "message": "this exercise's hidden test did not run in your notebook "
                                             "(the notebook stopped before it, or its test cell was changed)"}
                continue
            try:
                outcome = run_exercise(exercises[name], ReplayLog(entries, fw, task.get("sources", {})), fw, ref,
                                       hidden=True)
                verdicts[name] = {"status": outcome.status, "message": outcome.message, "verified": True}
            except NoRecord:
                verdicts[name] = {"status": FAILED, "verified": True,
                                  "message": "the hidden test did not run to completion in your notebook"}
            except Unverifiable as reason:
                if str(reason) == "mismatch":
                    verdicts[name] = {"status": FAILED, "verified": True,
                                      "message": "the grader could not reproduce your notebook's answers "
                                                 "(the test or its inputs were changed from inside the notebook)"}
                else:
                    verdicts[name] = {"status": "unverified", "message": str(reason), "verified": False}
    return verdicts


# ---------------------------------------------------------------- the student child

def _send(fd: int, message: dict) -> None:
    data = json.dumps(message, default=str).encode()
    if len(data) > MAX_MESSAGE:
        data = json.dumps({"event": message.get("event"), "cell": message.get("cell"),
                           "outputs": [_stream("stderr", "[output too large: dropped]")]}).encode()
    os.write(fd, struct.pack("!I", len(data)))
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _stream(name: str, text: str) -> dict:
    return {"output_type": "stream", "name": name, "text": text}


def _truncate(outputs: list, limit: int) -> list:
    total, kept = 0, []
    for output in outputs:
        size = len(json.dumps(output, default=str))
        if total + size > limit:
            kept.append(_stream("stderr", f"[output truncated: more than {limit // 1024} KiB]\n"))
            break
        total += size
        kept.append(output)
    return kept


def _error_output(error: BaseException) -> dict:
    name = type(error).__name__[:100]
    value = str(error)[:2000]
    return {"output_type": "error", "ename": name, "evalue": value, "traceback": [f"{name}: {value}"]}


def _run_student(task: dict, fd: int, go: int) -> None:
    os.read(go, 1)  # wait until the worker has put this process in its cgroups
    os.close(go)
    limits = sandbox.Limits(**task["limits"])
    sandbox.confine(sandbox.probe(), limits, task.get("hide", []))
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    import mitdl_utils.checking as checking
    from IPython.utils.capture import capture_output

    recorder = Recorder()
    checking._RECORDER = recorder
    shell = _WARM["shell"]
    shell.showtraceback = lambda *args, **kwargs: None
    shell.showsyntaxerror = lambda *args, **kwargs: None
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for index, cell in enumerate(task["nb"]["cells"]):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        _send(fd, {"event": "start", "cell": index})
        outputs = []
        try:
            with capture_output(display=True) as captured:
                result = shell.run_cell(source, store_history=False)
            error = result.error_before_exec or result.error_in_exec
        except BaseException as caught:  # KeyboardInterrupt between statements, etc.
            captured, error = None, caught
        if captured is not None:
            if captured.stdout:
                outputs.append(_stream("stdout", captured.stdout))
            for rich in captured.outputs:
                data = {k: v for k, v in (rich.data or {}).items() if isinstance(k, str)}
                outputs.append({"output_type": "display_data", "data": data, "metadata": rich.metadata or {}})
            if captured.stderr:
                outputs.append(_stream("stderr", captured.stderr))
        if error is not None:
            outputs.append(_error_output(error))
        _send(fd, {"event": "done", "cell": index, "outputs": _truncate(outputs, limits.max_output_bytes),
                   "records": recorder.take()})
    _send(fd, {"event": "end"})


# ---------------------------------------------------------------- the worker

def warm_up(frameworks=("tensorflow", "torch"), specs=(), die_with_parent: bool = False) -> None:
    """Import once what every submission needs (runs in each worker; later calls add what is missing)."""
    if die_with_parent:  # a local pool's worker goes when the grader goes (kill -9 included)
        sandbox._libc.prctl(sandbox.PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if "shell" not in _WARM:
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
        os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        os.environ["MPLBACKEND"] = "Agg"
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot  # noqa: F401
        from IPython.core.interactiveshell import InteractiveShell

        import mitdl_utils  # noqa: F401

        _WARM["shell"] = InteractiveShell.instance()
        _WARM["caps"] = sandbox.probe()
    from mitdl_utils.frameworks import get_framework

    for name in frameworks:
        if name in _WARM.setdefault("frameworks", set()):
            continue
        fw = get_framework(name)
        if fw.name == "torch":
            fw.torch.set_num_threads(1)
        # start the runtime once here, so that no forked child pays for it
        fw.elementwise_grad(fw.activations["sigmoid"], fw.tensor(np.zeros(2)))
        _WARM["frameworks"].add(name)
    load_specs(specs, frameworks)


def load_specs(specs, frameworks) -> None:
    """Import each lab's exercises and reference implementations in the worker, and run every exercise once
    against its reference: whatever the frameworks load on first use (PyTorch's optimizers pull in
    torch._dynamo, over a second; Keras builds its layers and optimizers) is then loaded before any child is
    forked, instead of once per submission."""
    import importlib

    from mitdl_utils.checking import run_exercise
    from mitdl_utils.frameworks import get_framework

    for spec in specs:
        for fw_name in frameworks:
            if (spec, fw_name) in _WARM.setdefault("specs", set()):
                continue
            _WARM["specs"].add((spec, fw_name))
            fw = get_framework(fw_name)
            try:
                exercises = importlib.import_module(f"mitdl_utils.labs.{spec}").EXERCISES
                reference = importlib.import_module(f"mitdl_utils.labs.{spec}.reference_{fw.name}")
            except ImportError:
                continue
            for exercise in exercises:
                run_exercise(exercise, vars(reference), fw, reference, hidden=True)


def _read_message(fd: int, deadline: float, buffer: bytearray):
    """One message, or "timeout" / "eof"."""
    while True:
        if len(buffer) >= 4:
            (size,) = struct.unpack("!I", bytes(buffer[:4]))
            if size > MAX_MESSAGE:
                return "eof"
            if len(buffer) >= 4 + size:
                data = bytes(buffer[4:4 + size])
                del buffer[:4 + size]
                try:
                    message = json.loads(data)
                except ValueError:
                    return "eof"
                return message if isinstance(message, dict) else "eof"
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return "timeout"
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            return "timeout"
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return "eof"
        buffer.extend(chunk)


def _kill_group(pid: int) -> None:
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except OSError:
            pass


def _describe_exit(status: int, cgroups, killed_by_us: bool) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGKILL and not killed_by_us:
            if cgroups.oom_killed():
                return "memory limit exceeded: the kernel was killed"
            return "the kernel was killed (SIGKILL): out of memory or too many processes"
        if sig == signal.SIGXCPU:
            return "CPU time limit exceeded: the kernel was killed"
        return f"the kernel died: {signal.Signals(sig).name}"
    code = os.WEXITSTATUS(status)
    return f"the kernel exited (exit code {code}) before the notebook finished"


def execute(task: dict) -> dict:
    """Run the student child; {"cells": {index: outputs}, "records": {index: ...}, "problem": str|None}."""
    limits = sandbox.Limits(**task["limits"])
    caps = _WARM["caps"]
    cgroups = sandbox.Cgroups(caps, f"{os.getpid()}-{time.time_ns()}", limits)
    read_fd, write_fd = os.pipe()
    go_read, go_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.close(read_fd)
            os.close(go_write)
            _run_student(task, write_fd, go_read)
        except BaseException:
            code = 70
            try:
                _send(write_fd, {"event": "crash", "text": traceback.format_exc()[-2000:]})
            except BaseException:
                pass
        os._exit(code)
    os.close(write_fd)
    os.close(go_read)
    cgroups.add(pid)
    os.write(go_write, b"1")
    os.close(go_write)
    cells, records, problem, killed, notes = {}, {}, None, False, []
    started = time.monotonic()
    notebook_deadline = started + limits.notebook_timeout
    current, buffer = None, bytearray()
    interrupted = False
    try:
        while True:
            deadline = notebook_deadline
            if current is not None:
                deadline = min(deadline, current[1])
            message = _read_message(read_fd, deadline, buffer)
            if message == "timeout":
                now = time.monotonic()
                if now >= notebook_deadline:
                    problem = f"notebook time limit ({limits.notebook_timeout:g} s) exceeded"
                elif current is not None and not interrupted:
                    os.kill(pid, signal.SIGINT)  # like Jupyter's interrupt: the cell fails, the notebook goes on
                    interrupted = True
                    current = (current[0], now + 3.0)
                    continue
                else:
                    problem = f"cell {current[0]} exceeded the time limit ({limits.cell_timeout:g} s) " \
                              "and could not be interrupted"
                if current is not None:
                    cells[str(current[0])] = [{"output_type": "error", "ename": "TimeoutError",
                                               "evalue": problem, "traceback": [f"TimeoutError: {problem}"]}]
                _kill_group(pid)
                killed = True
                break
            if message == "eof":
                break
            event = message.get("event")
            if event == "start":
                current = (message.get("cell"), time.monotonic() + limits.cell_timeout)
                interrupted = False
            elif event == "done":
                index = str(message.get("cell"))
                outputs = message.get("outputs") if isinstance(message.get("outputs"), list) else []
                if interrupted:
                    outputs = [o for o in outputs if not (isinstance(o, dict) and o.get("output_type") == "error")]
                    outputs.append({"output_type": "error", "ename": "TimeoutError",
                                    "evalue": f"cell exceeded the time limit ({limits.cell_timeout:g} s)",
                                    "traceback": ["TimeoutError: cell exceeded the time limit"]})
                cells[index] = outputs
                records[index] = message.get("records") if isinstance(message.get("records"), dict) else {}
                if interrupted:
                    notes.append(f"cell {index} exceeded the time limit ({limits.cell_timeout:g} s) and was interrupted")
                for output in outputs:
                    if isinstance(output, dict) and output.get("ename") == "MemoryError":
                        notes.append(f"cell {index} ran out of memory (limit {limits.memory_mb} MB)")
                    if isinstance(output, dict) and "[output truncated" in str(output.get("text", ""))[:200]:
                        notes.append(f"cell {index}: output truncated")
                current, interrupted = None, False
            elif event == "end":
                break
            elif event == "crash":
                problem = "the grader could not start the notebook: " + str(message.get("text", ""))[-300:]
    finally:
        os.close(read_fd)
        if not killed:
            _kill_group(pid)  # whatever the submission left running
        _, status = os.waitpid(pid, 0)
        if problem is None and current is not None:
            problem = _describe_exit(status, cgroups, killed)
            cells[str(current[0])] = cells.get(str(current[0]), []) + [
                {"output_type": "error", "ename": "DeadKernelError", "evalue": problem,
                 "traceback": [f"DeadKernelError: {problem}"]}]
        cgroups.remove()
    if problem is None and notes:
        problem = "; ".join(dict.fromkeys(notes))[:500]
    return {"cells": cells, "records": records, "problem": problem, "seconds": time.monotonic() - started}


def _in_judge_child(task: dict, records: dict, timeout: float) -> dict:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.close(read_fd)
            os.setsid()
            sandbox._libc.prctl(sandbox.PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            _send(write_fd, {"event": "verdicts", "verdicts": judge(task, records)})
        except BaseException:
            code = 70
            _send(write_fd, {"event": "crash", "text": traceback.format_exc()[-2000:]})
        os._exit(code)
    os.close(write_fd)
    try:
        message = _read_message(read_fd, time.monotonic() + timeout, bytearray())
    finally:
        os.close(read_fd)
        _kill_group(pid)
        os.waitpid(pid, 0)
    if isinstance(message, dict) and message.get("event") == "verdicts":
        return message["verdicts"]
    detail = message.get("text", "") if isinstance(message, dict) else message
    raise RuntimeError(f"the judge failed: {str(detail)[-300:]}")


def grade_task(task: dict) -> dict:
    """The unit of work (local pool or Dask): execute, then judge. JSON-able in and out."""
    warm_up(task.get("frameworks", (task["framework"],)), task.get("specs", (task["spec"],)))
    run = execute(task)
    try:
        run["verdicts"] = _in_judge_child(task, run["records"], timeout=task["limits"]["cell_timeout"] * 4 + 30)
    except RuntimeError as error:
        run["verdicts"], run["judge_error"] = {}, str(error)
    run.pop("records")
    run["key"] = task["key"]
    run["worker"] = f"{os.uname().nodename}:{os.getpid()}"
    return run


if __name__ == "__main__":  # pragma: no cover - a manual smoke test
    print(json.dumps(grade_task(json.load(sys.stdin)))[:2000])


def ping() -> int:
    """A no-op task: submitting one per worker starts (and warms) the pool early."""
    return os.getpid()
