"""The student's file system: a fresh root that holds only what it may see.

The view is built from what is allowed, never from what is forbidden:

  read-only     the interpreter's prefixes; each sys.path entry that is a package folder (site-packages);
                the folder of every imported top-level package that lies elsewhere (an editable install
                maps `mitdl_utils` to its checkout, PYTHONPATH may name a folder); shared libraries
                (/usr, /lib*, /bin, /sbin) and the few files of /etc that the C library, Python and
                matplotlib read
  read-write    /dev/null, zero, full, random, urandom, a private /dev/shm and a private /tmp
  /proc         only when the student runs as a user of its own (`with_proc`), with other users'
                processes invisible

Every path keeps its absolute name, so whatever the worker imported before forking still finds its lazily
loaded modules. A folder that holds course sources (solutions/*/*.lab.py) is never bound: from such a
checkout only the packages imported from it are. Every other path is absent: the grader's files, the
submissions, every other copy of the course on the machine.

`plan()` works the view out from the interpreter (in the worker, before it forks: the child inherits the
result); `enter(view, ...)` builds it in the child (a tmpfs of bind mounts, read-only remounts), enters it
with pivot_root and detaches the old root. It needs a private mount namespace in which this process is root.
"""
from __future__ import annotations

import ctypes
import functools
import os
import platform
import sys
from dataclasses import dataclass
from pathlib import Path

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC = 32, 1 << 12, 1 << 14
MS_NOATIME, MS_NODIRATIME, MS_RELATIME = 1 << 10, 1 << 11, 1 << 21
MNT_DETACH = 2
# statvfs flags of the source mount -> the same mount flags, which a remount must keep (the kernel locks them)
_KEPT_FLAGS = {os.ST_NOSUID: MS_NOSUID, os.ST_NODEV: MS_NODEV, os.ST_NOEXEC: MS_NOEXEC,
               os.ST_NOATIME: MS_NOATIME, os.ST_NODIRATIME: MS_NODIRATIME, os.ST_RELATIME: MS_RELATIME}
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "riscv64": 41, "ppc64le": 203, "s390x": 217}

SYSTEM = ("/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin")
ETC = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "timezone", "passwd", "group", "nsswitch.conf",
       "hosts", "host.conf", "fonts", "mime.types", "alternatives")
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
DEV_LINKS = (("/dev/fd", "/proc/self/fd"), ("/dev/stdin", "/proc/self/fd/0"), ("/dev/stdout", "/proc/self/fd/1"),
             ("/dev/stderr", "/proc/self/fd/2"))

_libc = ctypes.CDLL(None, use_errno=True)


@dataclass(frozen=True)
class View:
    """What the student's root holds: real folders and files bound read-only at their own paths, and the
    symbolic links met on the way to them, recreated (e.g. /lib -> usr/lib)."""

    binds: tuple[str, ...]  # real paths, none inside another
    links: tuple[tuple[str, str], ...]  # (path, what it points to)

    def shows(self, path: str) -> bool:
        """Whether `path` (a real path) lies in a bound folder."""
        return any(path == b or path.startswith(b.rstrip("/") + "/") for b in self.binds)


@functools.lru_cache(maxsize=None)
def holds_course(path: str) -> bool:
    """Whether `path` is a course folder: it has solutions/*/*.lab.py."""
    return os.path.isdir(os.path.join(path, "solutions")) and any(Path(path, "solutions").glob("*/*.lab.py"))


def python_paths() -> list[str]:
    """What this interpreter needs to keep importing: its prefixes (the standard library, site-packages),
    every sys.path entry that is a package folder, and the folder (or file) of every top-level module it has
    imported from elsewhere. Never a folder that holds course sources."""
    paths = {p for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                         os.path.dirname(os.path.realpath(sys.executable))) if p}
    paths |= {os.path.abspath(p) for p in sys.path if os.path.basename(p) in ("site-packages", "dist-packages")}
    for name, module in list(sys.modules.items()):
        if "." in name:
            continue  # submodules lie in their top-level package's folders
        file = getattr(module, "__file__", None)
        if isinstance(file, str):
            paths.add(os.path.dirname(file) if os.path.basename(file).startswith("__init__.") else file)
        else:  # a namespace package: its folders
            paths |= {p for p in getattr(module, "__path__", None) or () if isinstance(p, str)}
    return sorted(p for p in map(os.path.abspath, paths) if p != "/" and os.path.exists(p) and not holds_course(p))


def plan(extra: tuple[str, ...] = ()) -> View:
    """The view for this interpreter: Python's paths, the system's libraries, /etc's few files, `extra`.

    Worked out again only when a module has been imported or sys.path has changed since the last time (a
    process that grades only ever adds modules): a worker that calls it before forking spares each child the
    walk over the file system, which the child inherits as a cache hit. The key is a count, not the modules
    themselves, because reading every module object just after a fork costs as much as the walk (each page
    it touches gets copied)."""
    return _plan(len(sys.modules), tuple(sys.path), tuple(extra))


@functools.lru_cache(maxsize=4)
def _plan(modules: int, sys_path: tuple[str, ...], extra: tuple[str, ...]) -> View:
    # modules and sys_path are only the cache key: python_paths reads sys.modules and sys.path itself
    wanted = [*python_paths(), *SYSTEM, *(f"/etc/{name}" for name in ETC), *extra]
    links: dict[str, str] = {}
    real = set()
    for path in wanted:
        if os.path.lexists(path):
            resolved = _resolve(os.path.abspath(path), links)
            if os.path.exists(resolved):
                real.add(resolved)
    binds = []
    for path in sorted(real):  # a parent sorts before what lies in it
        if not any(path.startswith(b.rstrip("/") + "/") for b in binds):
            binds.append(path)
    view = View(tuple(binds), ())
    return View(view.binds, tuple(sorted((p, t) for p, t in links.items() if not view.shows(os.path.dirname(p)))))


def _resolve(path: str, links: dict[str, str], depth: int = 0) -> str:
    """The real path of `path`; each symbolic link met on the way goes into `links`."""
    real = "/"
    for part in [p for p in path.split("/") if p]:
        candidate = os.path.join(real, part)
        if os.path.islink(candidate) and depth < 40:
            target = os.readlink(candidate)
            links[candidate] = target
            real = _resolve(os.path.normpath(os.path.join(real, target)), links, depth + 1)
        else:
            real = candidate
    return real


def _check(result: int, what: str) -> None:
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _check(_libc.mount(source.encode() if source else None, target.encode(), fstype.encode() if fstype else None,
                       flags, data.encode() if data else None), f"mount {source or ''} on {target}")


def _kept_flags(path: str) -> int:
    flags = os.statvfs(path).f_flag
    return sum(ms for st, ms in _KEPT_FLAGS.items() if flags & st)


def _place(target: str, is_dir: bool) -> None:
    if is_dir:
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.exists(target):
            open(target, "w").close()


def enter(view: View, tmp_options: str, with_proc: bool, staging: str = "/tmp") -> None:
    """Make `view` this process's root (it must be root of a private mount namespace). `staging`, a folder
    whose content is not needed, holds the new root while it is built."""
    sources = [*view.binds, *(d for d in DEVICES if os.path.exists(d))]
    fds = {path: os.open(path, os.O_PATH | os.O_CLOEXEC) for path in sources}  # reachable once staging is covered
    kept = {path: _kept_flags(path) for path in sources}
    try:
        _mount("tmpfs", staging, "tmpfs", MS_NOSUID | MS_NODEV, "size=4m,mode=755")
        for path, options in (("/tmp", tmp_options), ("/dev/shm", "size=64m,mode=1777")):
            os.makedirs(staging + path)
            _mount("tmpfs", staging + path, "tmpfs", MS_NOSUID | MS_NODEV, options)
        for path in sources:
            target = staging + path
            _place(target, os.path.isdir(f"/proc/self/fd/{fds[path]}"))
            _mount(f"/proc/self/fd/{fds[path]}", target, None, MS_BIND | MS_REC)
            if path not in DEVICES:
                _mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | kept[path])
    finally:
        for fd in fds.values():
            os.close(fd)
    for path, target in [*view.links, *DEV_LINKS]:
        os.makedirs(os.path.dirname(staging + path), exist_ok=True)
        if not os.path.lexists(staging + path):
            os.symlink(target, staging + path)
    if with_proc:
        os.makedirs(staging + "/proc", exist_ok=True)
        _mount("proc", staging + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=invisible")
    os.chdir(staging)
    _check(_libc.syscall(SYS_PIVOT_ROOT[platform.machine()], b".", b"."), "pivot_root")
    _check(_libc.umount2(b".", MNT_DETACH), "detach the old root")
    os.chdir("/")
    _mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
