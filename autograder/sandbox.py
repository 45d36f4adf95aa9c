"""Confine a forked child that is about to run a student's code.

`probe()` finds out, once, which mechanisms this machine allows; `confine()` applies the
strongest available in the child, in this order:

  process group     setsid(), so the grader can kill everything the submission started
  parent death      PR_SET_PDEATHSIG: the child dies with its worker (kill -9 of the grader)
  cgroup v1         memory.limit_in_bytes and pids.max on a fresh group per submission
  rlimits           address space, CPU seconds, file size, open files, core dumps (always)
  namespaces        a private network namespace (no interface but a down loopback) and a private
                    mount namespace whose root is built from what the student may see
                    (autograder.rootview: Python, the course package, system libraries, read-only; a
                    private /tmp): the gradebook, the sources with hidden tests, the submissions and any
                    other copy of the course are absent. Where that root cannot be built, only /tmp is
                    private
  user              root drops to `nobody`; without root, an unprivileged user namespace
  no_new_privs      no setuid binary can give privileges back

Whatever could not be applied is listed by `probe()` and reported by the grader.
"""
from __future__ import annotations

import ctypes
import errno
import os
import resource
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder import rootview

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWNET = 0x00020000, 0x10000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 2, 4, 1 << 14, 1 << 18
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS, PR_SET_DUMPABLE = 1, 38, 4
CGROUP_V1 = Path("/sys/fs/cgroup")
NOBODY = 65534

_libc = ctypes.CDLL(None, use_errno=True)


REMOVE_WAIT_SECONDS = 2.0  # how long a cgroup's last process may take to exit before the group is left behind
GRACE_SECONDS = 5.0  # slack for a process to notice and answer: a pipe read, an interrupt handled


@dataclass
class Limits:
    cell_timeout: float = 60.0  # CPU seconds the notebook's code may use per cell
    notebook_timeout: float = 600.0  # seconds per notebook (wall clock)
    memory_mb: int = 2048  # per submission
    max_processes: int = 64
    max_output_bytes: int = 1 << 20  # per cell, all outputs together
    max_file_mb: int = 64

    @property
    def cell_wall_timeout(self) -> float:
        """Seconds on the clock a cell may take (for code that waits rather than computes): a busy machine
        may slow a cell down threefold before this limit, not the CPU-time one, stops it."""
        return 3 * self.cell_timeout

    # Every other deadline of the grader follows from the three limits above, with GRACE_SECONDS of slack for a
    # process to notice and answer (a pipe read, a signal handled):
    @property
    def answer_timeout(self) -> float:
        """How long the judge waits for one answer of the notebook (one call of the student's code)."""
        return self.cell_wall_timeout + GRACE_SECONDS

    @property
    def verdict_timeout(self) -> float:
        """How long the worker waits for the judge's verdicts once the notebook has ended: the judge may be
        waiting for one last answer."""
        return self.answer_timeout + GRACE_SECONDS

    @property
    def idle_timeout(self) -> float:
        """How long either end of the wire waits for the other at all (the notebook waiting for the judge's
        next request, the judge waiting for the next test cell)."""
        return self.notebook_timeout + GRACE_SECONDS

    @property
    def tmpfs_mb(self) -> int:
        """The size of the child's private /tmp, where its working folder lies: room for two files at the limit."""
        return 2 * self.max_file_mb

    def describe_cell_limit(self) -> str:
        return f"{self.cell_timeout:g} s of CPU time, or {self.cell_wall_timeout:g} s on the clock"


@dataclass
class Capabilities:
    root: bool = False
    netns: bool = False
    mountns: bool = False
    userns: bool = False
    cgroup_memory: bool = False
    cgroup_pids: bool = False
    private_root: bool = False  # the student's root holds only what it may see (autograder.rootview)
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        on = [name for name in ("netns", "mountns", "private_root", "userns", "cgroup_memory", "cgroup_pids")
              if getattr(self, name)]
        user = "separate user nobody" if self.root else ("user namespace" if self.userns else "same user as the grader")
        return f"sandbox: {user}; {', '.join(on) or 'no namespaces or cgroups'}; rlimits" + (
            f" (not available: {'; '.join(self.notes)})" if self.notes else "")


def _check(result: int, what: str) -> None:
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def _try_in_child(flags: int, userns: bool = False, view: bool = False) -> bool:
    """Whether unshare(flags) works (and, with `view`, entering a private root), tried in a throwaway child."""
    uid, gid = os.getuid(), os.getgid()
    pid = os.fork()
    if pid == 0:
        try:
            if userns:
                _check(_libc.unshare(CLONE_NEWUSER), "unshare user")
                _map_to_root(uid, gid)
            _check(_libc.unshare(flags), "unshare")
            if flags & CLONE_NEWNS:
                _check(_libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "mount private")
            if view:
                rootview.enter(rootview.plan(), "size=1m,mode=1777", with_proc=not userns)
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def _map_to_root(uid: int, gid: int) -> None:
    """In a new user namespace: the grader's user and group are its root."""
    Path("/proc/self/setgroups").write_text("deny")
    Path("/proc/self/uid_map").write_text(f"0 {uid} 1")
    Path("/proc/self/gid_map").write_text(f"0 {gid} 1")


_probed: Capabilities | None = None


def probe() -> Capabilities:
    """What this machine lets the grader use (cached)."""
    global _probed
    if _probed is not None:
        return _probed
    caps = Capabilities(root=os.geteuid() == 0)
    if caps.root:
        caps.netns = _try_in_child(CLONE_NEWNET)
        caps.mountns = _try_in_child(CLONE_NEWNS)
    else:
        caps.userns = _try_in_child(CLONE_NEWNET | CLONE_NEWNS, userns=True)
        caps.netns = caps.mountns = caps.userns
        caps.notes.append("not root: no separate user (runs as the grader's user"
                          + (" mapped in a user namespace)" if caps.userns else ")"))
    if caps.mountns:
        caps.private_root = _try_in_child(CLONE_NEWNS, userns=not caps.root, view=True)
    if not caps.netns:
        caps.notes.append("no network namespace: student code may reach the network")
    if not caps.mountns:
        caps.notes.append("no mount namespace: files the grader's user can read are readable")
    elif not caps.private_root:
        caps.notes.append("no private root (pivot_root failed): only /tmp is private, files the grader's user "
                          "can read elsewhere are readable")
    for controller in ("memory", "pids"):
        base = CGROUP_V1 / controller
        try:
            probe_dir = base / f"mitdl-probe-{os.getpid()}"
            probe_dir.mkdir()
            probe_dir.rmdir()
            setattr(caps, f"cgroup_{controller}", True)
        except OSError:
            caps.notes.append(f"no cgroup v1 {controller} controller: rlimits only")
    _probed = caps
    return caps


class Cgroups:
    """A per-submission cgroup (v1) for memory and process limits, created by the worker."""

    def __init__(self, caps: Capabilities, name: str, limits: Limits):
        self.dirs: list[Path] = []
        wanted = []
        if caps.cgroup_memory:
            hard = backstop_bytes(limits)
            wanted.append(("memory", {"memory.limit_in_bytes": str(hard), "memory.memsw.limit_in_bytes": str(hard)}))
        if caps.cgroup_pids:
            wanted.append(("pids", {"pids.max": str(limits.max_processes)}))
        for controller, settings in wanted:
            path = CGROUP_V1 / controller / "mitdl-grader" / name
            try:
                path.mkdir(parents=True, exist_ok=True)
                for key, value in settings.items():
                    try:
                        (path / key).write_text(value)
                    except OSError:
                        pass  # memsw needs swap accounting
                self.dirs.append(path)
            except OSError:
                pass

    def add(self, pid: int) -> None:
        for path in self.dirs:
            try:
                (path / "cgroup.procs").write_text(str(pid))
            except OSError:
                pass

    def oom_killed(self) -> bool:
        """Whether the kernel's OOM killer acted in this group (newer kernels leave memory.failcnt at 0)."""
        for path in self.dirs:
            if path.parent.parent.name == "memory":
                try:
                    fields = (path / "memory.oom_control").read_text().split()
                    if "oom_kill" in fields:
                        return int(fields[fields.index("oom_kill") + 1]) > 0
                    return int((path / "memory.failcnt").read_text()) > 0
                except (OSError, ValueError):
                    return False
        return False

    def kill_all(self) -> None:
        for _ in range(5):
            pids = set()
            for path in self.dirs:
                try:
                    pids.update(int(p) for p in (path / "cgroup.procs").read_text().split())
                except OSError:
                    pass
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass

    def remove(self) -> None:
        """Kill what is left in the group and delete it; a process that is still dying (a killed kernel freeing
        a gigabyte) keeps the group busy for a moment, so this waits up to REMOVE_WAIT_SECONDS for it."""
        self.kill_all()
        give_up = time.monotonic() + REMOVE_WAIT_SECONDS
        for path in self.dirs:
            while True:
                try:
                    path.rmdir()
                    break
                except OSError as error:
                    if error.errno != errno.EBUSY or time.monotonic() > give_up:
                        break
                    time.sleep(0.005)


def die_with_parent() -> None:
    """This process gets SIGKILL when the one that forked it goes (kill -9 of the grader included)."""
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def prepare_confinement(caps: Capabilities) -> None:
    """Called in the worker before it forks a child: work out what `confine` will need (the private root's
    view), so that the child inherits it instead of walking the file system itself."""
    if caps.private_root:
        rootview.plan()


def confine(caps: Capabilities, limits: Limits) -> Path:
    """Called in the forked child before any student code runs; returns its private working folder."""
    os.setsid()
    die_with_parent()
    soft_as = _address_space() + (limits.memory_mb << 20)
    uid, gid = os.getuid(), os.getgid()
    if caps.root:
        if caps.netns or caps.mountns:
            _check(_libc.unshare((CLONE_NEWNET if caps.netns else 0) | (CLONE_NEWNS if caps.mountns else 0)),
                   "unshare")
    elif caps.userns:
        _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS), "unshare")
        _map_to_root(uid, gid)
    work = Path("/tmp/submission")
    tmp_options = f"size={limits.tmpfs_mb}m,mode=1777"
    if caps.mountns:
        _check(_libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "mount private")
        if caps.private_root:  # /proc only where the student runs as a user of its own (not the grader's)
            rootview.enter(rootview.plan(), tmp_options, with_proc=caps.root)
        else:
            _check(_libc.mount(b"tmpfs", b"/tmp", b"tmpfs", MS_NOSUID | MS_NODEV, tmp_options.encode()),
                   "mount tmpfs on /tmp")
    else:
        import tempfile

        work = Path(tempfile.mkdtemp(prefix="mitdl-submission-"))
    work.mkdir(parents=True, exist_ok=True)
    if caps.root:
        os.chown(work, NOBODY, NOBODY)
    os.chdir(work)
    for rlimit, value in [(resource.RLIMIT_AS, soft_as),
                          (resource.RLIMIT_CPU, int(limits.notebook_timeout) + 5),
                          (resource.RLIMIT_FSIZE, limits.max_file_mb << 20),
                          (resource.RLIMIT_CORE, 0),
                          (resource.RLIMIT_NOFILE, 1024)]:
        try:
            resource.setrlimit(rlimit, (value, value))
        except (ValueError, OSError):
            pass
    if caps.root:
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
        try:  # a per-user process cap as well (cgroups count this submission alone, where available)
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.max_processes * 8, limits.max_processes * 8))
        except (ValueError, OSError):
            pass
    _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    os.environ.update(HOME=str(work), TMPDIR=str(work), MPLCONFIGDIR=str(work / ".mpl"))
    return work


def backstop_bytes(limits: Limits) -> int:
    """The cgroup's memory cap for a child forked from this process, in bytes.

    The address-space rlimit fails the student's own allocations gracefully (MemoryError) at `memory_mb`; the
    cgroup is the backstop for what that rlimit cannot see, so it must leave room for all of it: copies of this
    process's pages that the child writes to (copy-on-write: at most this process's resident memory, which the
    child's garbage collector alone can copy) and the files in the child's tmpfs.
    """
    own = limits.memory_mb + limits.memory_mb // 4 + limits.tmpfs_mb
    return (own << 20) + _status_bytes("VmRSS", default=4 << 30)


def _address_space() -> int:
    """The current virtual size: frameworks reserve much more address space than they use."""
    return _status_bytes("VmSize", default=8 << 30)


def _status_bytes(field: str, default: int) -> int:
    """A size from /proc/self/status (VmSize, VmRSS, ...) in bytes."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return default

