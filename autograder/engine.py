"""Run one submission: a sandboxed child executes it, a clean child judges it.

A worker process (local pool or Dask worker) imports the frameworks, IPython and the lab modules once, and
runs every PyTorch exercise against its reference once (`warm_up`; TensorFlow is imported but never run
there, see `runs_before_fork`). For each submission it forks two children:

  the judge          forked from the clean worker, so no student code ever runs in it. It runs each
                     exercise's hidden test itself; whatever the test does with the student's work (call a
                     function, run a model, read a layer's weights) is a request to the student child
                     (autograder.remote). The grade comes from the judge: a submission that redefines `lab`,
                     the check module, NumPy or builtins, prints fake passes or swallows errors changes nothing
                     there, and whatever it answers must hold the right numbers for inputs only the judge picks.
  the student child  confined by `autograder.sandbox`; runs the notebook's code cells in an in-process IPython
                     shell and streams each cell's outputs back as JSON. At each test cell it lets the judge test
                     the namespace as it is at that point (the cell's own code, the instructor's, is not run:
                     its output is the judge's verdict).

Messages from the student child are untrusted data. `grade_task(Task) -> RunResult` is the unit of work
(autograder.contracts). A task of a foreign nbgrader course (Task.course NBGRADER) is judged by its own test cells,
run in the judge by autograder.cell_judge; its values cross the wire as plain Python and NumPy.
"""
from __future__ import annotations

import json
import os
import signal
import time
import traceback

from autograder import sandbox
from autograder.contracts import NBGRADER, RunResult, Task, Verdict
from autograder.remote import (MAX_MESSAGE, ChannelClosed, ChannelTimeout, RemoteNamespace, RemoteReference, Student,
                               StudentGone, StudentServer, receive, send)

_WARM: dict = {}


# ---------------------------------------------------------------- the judge

def judge(task: Task, student: Student, wait: float) -> dict[str, dict]:
    """Run the hidden tests of each grade cell the notebook reaches -> {exercise: {status, message}}."""
    import importlib

    from mitdl_utils.checking import FAILED, NOT_ATTEMPTED, run_exercise
    from mitdl_utils.frameworks import get_framework

    fw = get_framework(task.framework)
    spec = importlib.import_module(f"mitdl_utils.labs.{task.spec}")
    exercises = {e.name: e for e in spec.EXERCISES}
    reference = RemoteReference(importlib.import_module(f"mitdl_utils.labs.{task.spec}.reference_{fw.name}"),
                                student, getattr(spec, "IN_NOTEBOOK", frozenset()))
    namespace = RemoteNamespace(student)
    student.sources = task.sources
    waiting = {cell: [name] for cell, name in task.grade_cells.items()}
    verdicts: dict[str, dict] = {}
    while waiting:
        try:
            message = student.receive(wait)
        except StudentGone:
            break
        if message.get("op") != "serve":
            continue
        names = waiting.pop(str(message.get("cell")), [])  # a cell it already judged, or no test cell: nothing
        try:
            for name in names:
                if name not in exercises:
                    verdicts[name] = {"status": FAILED, "message": f"unknown exercise {name!r}"}
                    continue
                outcome = run_exercise(exercises[name], namespace, fw, reference, hidden=True, secret=task.secret)
                verdicts[name] = {"status": outcome.status, "message": outcome.message}
            send(student.requests_fd, {"op": "done"}, time.monotonic() + sandbox.GRACE_SECONDS)
        except (StudentGone, OSError, TimeoutError) as gone:
            for name in names:
                verdicts.setdefault(name, {"status": FAILED, "message": f"the hidden tests could not finish: {gone}"})
    for names in waiting.values():
        for name in names:
            verdicts[name] = {"status": NOT_ATTEMPTED,
                              "message": "this exercise's hidden test did not run: the notebook stopped before "
                                         "its test cell"}
    return verdicts


def _run_judge(task: Task, requests_fd: int, replies_fd: int, verdict_fd: int) -> None:
    """The judge child's life: judge, then send the verdicts to the worker."""
    os.setsid()
    sandbox.die_with_parent()
    student = Student(requests_fd, replies_fd, _framework(task), timeout=task.limits.answer_timeout)
    if task.course == NBGRADER:
        from autograder.cell_judge import judge_cells as judge_of_task
    else:
        judge_of_task = judge
    send(verdict_fd, {"event": "verdicts", "verdicts": judge_of_task(task, student, wait=task.limits.idle_timeout)})


def _framework(task: Task):
    """The framework adapter the task's values cross the wire with: its lab's, or plain Python for a foreign
    course's notebook."""
    if task.course == NBGRADER:
        from autograder.cell_judge import PLAIN_PYTHON

        return PLAIN_PYTHON
    from mitdl_utils.frameworks import get_framework

    return get_framework(task.framework)


# ---------------------------------------------------------------- the student child

def _send(fd: int, message: dict) -> None:
    if len(json.dumps(message, default=str)) > MAX_MESSAGE:
        message = {"event": message.get("event"), "cell": message.get("cell"),
                   "outputs": [_stream("stderr", "[output too large: dropped]")]}
    send(fd, message)


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


def _close_inherited_files(keep: tuple[int, ...]) -> None:
    """Close every file descriptor above stderr but `keep`: the worker's own (its pool's queues, a Dask worker's
    sockets) would let the student's code read other submissions' tasks or send the grader a forged result."""
    low = 3
    for fd in sorted(set(keep)):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, os.sysconf("SC_OPEN_MAX"))


def _run_student(task: Task, fd: int, go: int, requests_fd: int, replies_fd: int) -> None:
    task.secret = ""  # the judge's (it picks the hidden inputs): dropped before any student code runs
    task.cell_tests = None  # the judge's too (a foreign course's test cells, hidden tests included)
    _close_inherited_files((fd, go, requests_fd, replies_fd))
    os.read(go, 1)  # wait until the worker has put this process in its cgroups
    os.close(go)
    limits = task.limits
    work = sandbox.confine(sandbox.probe(), limits)
    if task.files:
        from autograder.cell_judge import put_files

        put_files(work, task.files, importable=True)
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    import importlib
    import multiprocessing

    # this process was forked, whatever the worker's start method: a lock the notebook makes (tqdm makes one)
    # is then unlinked at once, instead of being left to the grader's resource tracker when the child is killed
    multiprocessing.set_start_method("fork", force=True)

    from IPython.utils.capture import capture_output

    fw = _framework(task)
    shell = _WARM["shell"]
    reference = None if task.course == NBGRADER else \
        importlib.import_module(f"mitdl_utils.labs.{task.spec}.reference_{fw.name}")
    server = StudentServer(requests_fd, replies_fd, shell.user_ns, fw, reference, idle_timeout=limits.idle_timeout)
    shell.showtraceback = lambda *args, **kwargs: None
    shell.showsyntaxerror = lambda *args, **kwargs: None
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for index, cell in enumerate(task.nb["cells"]):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        _send(fd, {"event": "start", "cell": index})
        outputs = []
        try:
            if str(index) in task.grade_cells:
                # a test cell (the instructor's, locked): the judge runs its checks on the namespace as it is
                # here. What the student's code prints meanwhile is dropped: it could show the hidden inputs.
                with capture_output(display=True) as while_tested:
                    server.session(index)
                captured, error = None, None
                if task.course == NBGRADER and while_tested.stderr:  # nbgrader gives a test cell that wrote
                    outputs.append(_stream("stderr", while_tested.stderr))  # to stderr no points: kept
            else:
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
        _send(fd, {"event": "done", "cell": index, "outputs": _truncate(outputs, limits.max_output_bytes)})
    _send(fd, {"event": "end"})


# ---------------------------------------------------------------- the worker

def warm_up(frameworks=("tensorflow", "torch"), specs=(), die_with_parent: bool = False) -> None:
    """Import once what every submission needs (runs in each worker; later calls add what is missing)."""
    if die_with_parent:  # a local pool's worker goes when the grader goes (kill -9 included)
        sandbox.die_with_parent()
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
    import numpy as np

    from mitdl_utils.frameworks import get_framework

    for name in frameworks:
        if name in _WARM.setdefault("frameworks", set()):
            continue
        fw = get_framework(name)
        if runs_before_fork(fw):  # start the runtime once here, so that no forked child pays for it
            fw.torch.set_num_threads(1)
            fw.elementwise_grad(fw.activations["sigmoid"], fw.tensor(np.zeros(2)))
        _WARM["frameworks"].add(name)
    load_specs(specs, frameworks)


def runs_before_fork(fw) -> bool:
    """Whether the worker may run this framework's ops before forking its children.

    PyTorch may. TensorFlow may not: once its runtime has run an op, its thread pools do not survive a fork,
    and a child forked after that deadlocks in graph mode (`tf.function`, Keras `fit`/`predict`). The worker
    only imports TensorFlow (and the labs' modules), and each child starts the runtime itself (about 0.05 s).
    """
    return fw.name == "torch"


def load_specs(specs, frameworks) -> None:
    """Import each lab's exercises and reference implementations in the worker, and run every PyTorch exercise
    once against its reference: whatever PyTorch loads on first use (its optimizers pull in torch._dynamo, over
    a second) is then loaded before any child is forked, instead of once per submission."""
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
            if runs_before_fork(fw):
                for exercise in exercises:
                    run_exercise(exercise, vars(reference), fw, reference, hidden=True)


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


def _fork(child, close=(), crash_fd: int | None = None) -> int:
    """Fork; the child closes the descriptors in `close`, runs `child()` and exits. When `child` raises, the
    traceback goes to `crash_fd` as a {"event": "crash"} message and the exit code is 70."""
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        for fd in close:
            os.close(fd)
        child()
    except BaseException:
        code = 70
        try:
            if crash_fd is not None:
                _send(crash_fd, {"event": "crash", "text": traceback.format_exc()[-2000:]})
        except BaseException:
            pass
    os._exit(code)


CPU_POLL_SECONDS = 0.25  # how often a running cell's CPU time is read


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, all threads, and children it has waited for) of process `pid` so far.

    A cell's time limit counts this, not the clock: the same cell uses the same CPU time on a quiet machine
    and on a busy one, and the time the notebook spends waiting for the judge is not the notebook's."""
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime stime cutime cstime


def execute(task: Task, requests_fd: int, replies_fd: int, close_in_child=()) -> RunResult:
    """Run the student child, which answers the judge on (requests_fd, replies_fd) before each grade cell;
    -> its outputs per cell, what it ran into, and how long it took (no verdicts yet)."""
    limits = task.limits
    caps = _WARM["caps"]
    cgroups = sandbox.Cgroups(caps, f"{os.getpid()}-{time.time_ns()}", limits)
    sandbox.prepare_confinement(caps)
    read_fd, write_fd = os.pipe()
    go_read, go_write = os.pipe()
    pid = _fork(lambda: _run_student(task, write_fd, go_read, requests_fd, replies_fd),
                close=(read_fd, go_write, *close_in_child), crash_fd=write_fd)
    os.close(write_fd)
    os.close(go_read)
    cgroups.add(pid)
    os.write(go_write, b"1")
    os.close(go_write)
    cells, problem, killed, notes = {}, None, False, []
    started = time.monotonic()
    notebook_deadline = started + limits.notebook_timeout
    current, buffer = None, bytearray()  # current: (cell index, wall-clock deadline, CPU seconds at its start)
    interrupted = False
    try:
        while True:
            deadline = notebook_deadline
            if current is not None:
                deadline = min(deadline, current[1], time.monotonic() + CPU_POLL_SECONDS)
            try:
                message = receive(read_fd, deadline, buffer)
            except ChannelClosed:
                break
            except ChannelTimeout:
                message = None
            if message is None:  # nothing yet: is the cell (or the notebook) over its time?
                now = time.monotonic()
                over_budget = current is not None and not interrupted and (
                    now >= current[1] or cpu_seconds(pid) - current[2] >= limits.cell_timeout)
                if now >= notebook_deadline:
                    problem = f"notebook time limit ({limits.notebook_timeout:g} s) exceeded"
                elif over_budget:
                    os.kill(pid, signal.SIGINT)  # like Jupyter's interrupt: the cell fails, the notebook goes on
                    interrupted = True
                    current = (current[0], now + sandbox.GRACE_SECONDS, current[2])
                    continue
                elif current is not None and not interrupted:
                    continue  # within its budget: look again in CPU_POLL_SECONDS
                else:
                    problem = f"cell {current[0]} exceeded the time limit ({limits.describe_cell_limit()}) " \
                              "and could not be interrupted"
                if current is not None:
                    cells[str(current[0])] = [{"output_type": "error", "ename": "TimeoutError",
                                               "evalue": problem, "traceback": [f"TimeoutError: {problem}"]}]
                _kill_group(pid)
                killed = True
                break
            event = message.get("event")
            if event == "start":
                current = (message.get("cell"), time.monotonic() + limits.cell_wall_timeout, cpu_seconds(pid))
                interrupted = False
            elif event == "done":
                index = str(message.get("cell"))
                outputs = message.get("outputs") if isinstance(message.get("outputs"), list) else []
                if interrupted:
                    outputs = [o for o in outputs if not (isinstance(o, dict) and o.get("output_type") == "error")]
                    outputs.append({"output_type": "error", "ename": "TimeoutError",
                                    "evalue": f"cell exceeded the time limit ({limits.describe_cell_limit()})",
                                    "traceback": ["TimeoutError: cell exceeded the time limit"]})
                cells[index] = outputs
                if interrupted:
                    notes.append(f"cell {index} exceeded the time limit ({limits.describe_cell_limit()}) and was interrupted")
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
    return RunResult(cells=cells, problem=problem, seconds=time.monotonic() - started)


def grade_task(task: Task) -> RunResult:
    """The unit of work (local pool or Dask): the judge and the student child, side by side."""
    warm_up(() if task.course == NBGRADER else (task.framework,), task.warm_specs or (task.spec,))
    requests_r, requests_w = os.pipe()  # judge -> student
    replies_r, replies_w = os.pipe()  # student -> judge
    verdict_r, verdict_w = os.pipe()  # judge -> this worker
    judge_pid = _fork(lambda: _run_judge(task, requests_w, replies_r, verdict_w),
                      close=(requests_r, replies_w, verdict_r), crash_fd=verdict_w)
    os.close(verdict_w)
    os.close(requests_w)
    os.close(replies_r)
    try:
        run = execute(task, requests_r, replies_w, close_in_child=(verdict_r,))
    finally:
        os.close(requests_r)
        os.close(replies_w)
    try:  # the student child has ended: the judge finishes what it was doing and reports
        message = receive(verdict_r, time.monotonic() + task.limits.verdict_timeout, bytearray())
    except ChannelTimeout:
        message = {"text": "it did not report in time"}
    except ChannelClosed as closed:
        message = {"text": f"it stopped without a report ({closed})"}
    finally:
        os.close(verdict_r)
        _kill_group(judge_pid)
        os.waitpid(judge_pid, 0)
    if message.get("event") == "verdicts":
        run.verdicts = {str(name): Verdict(str(v.get("status")), str(v.get("message")),
                                           v["outputs"] if isinstance(v.get("outputs"), list) else None)
                        for name, v in message["verdicts"].items()}
    else:
        detail = message.get("text", "")
        run.judge_error = f"the judge failed: {str(detail)[-300:]}"
    run.worker = f"{os.uname().nodename}:{os.getpid()}"
    return run


def ping() -> int:
    """A no-op task: submitting one per worker starts (and warms) the pool early."""
    return os.getpid()
