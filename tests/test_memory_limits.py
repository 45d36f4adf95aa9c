"""The memory limits of a submission (autograder/sandbox.py), with real forked children in real cgroups.

The address-space rlimit stops the student's own allocations with a MemoryError; the cgroup is a backstop
above it. The hostile corpus grades the whole path (membomb, membomb2, membomb3); these tests pin the two
facts the engine relies on.
"""
import os
import signal
import time

import pytest

from autograder.sandbox import Cgroups, Limits, backstop_bytes, probe

needs_cgroup = pytest.mark.skipif(not probe().cgroup_memory, reason="no cgroup v1 memory controller here")


def _child_in(cgroups: Cgroups, megabytes: int) -> int:
    """Fork a child that joins `cgroups`, writes to `megabytes` of fresh memory and exits 0; its wait status."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(write_fd)
        os.read(read_fd, 1)  # joined
        block = bytearray(megabytes << 20)
        block[::4096] = b"x" * len(block[::4096])
        os._exit(0)
    os.close(read_fd)
    cgroups.add(pid)
    os.write(write_fd, b"!")
    os.close(write_fd)
    return os.waitpid(pid, 0)[1]


def _group(name: str, cap_mb: int) -> Cgroups:
    cgroups = Cgroups(probe(), f"test-{os.getpid()}-{name}", Limits())
    [memory] = [path for path in cgroups.dirs if path.parent.parent.name == "memory"]
    for key in ("memory.limit_in_bytes", "memory.memsw.limit_in_bytes"):  # memsw may not go below memory
        if (memory / key).exists():
            (memory / key).write_text(str(cap_mb << 20))
    return cgroups


@needs_cgroup
def test_a_child_over_its_cgroup_cap_is_killed_and_the_group_says_so():
    cgroups = _group("over", cap_mb=64)
    try:
        status = _child_in(cgroups, megabytes=256)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        assert cgroups.oom_killed()
    finally:
        cgroups.remove()


@needs_cgroup
def test_a_child_within_its_cgroup_cap_leaves_no_oom_record():
    cgroups = _group("within", cap_mb=256)
    try:
        status = _child_in(cgroups, megabytes=16)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
        assert not cgroups.oom_killed()
    finally:
        cgroups.remove()


def test_the_backstop_grows_with_the_pages_of_the_parent_the_child_may_copy():
    limits = Limits(memory_mb=1024)
    before = backstop_bytes(limits)
    heap = bytearray(300 << 20)
    heap[::4096] = b"x" * len(heap[::4096])  # 300 MB more resident in this process
    after = backstop_bytes(limits)
    del heap
    assert before >= (limits.memory_mb + limits.tmpfs_mb) << 20
    assert after - before >= 290 << 20


@needs_cgroup
def test_a_group_whose_last_process_is_still_dying_is_removed_all_the_same():
    cgroups = Cgroups(probe(), f"test-{os.getpid()}-dying", Limits())
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        block = bytearray(512 << 20)  # half a gigabyte for the kernel to free once it is killed
        block[::4096] = b"x" * len(block[::4096])
        os.write(write_fd, b"!")
        time.sleep(600)
        os._exit(0)
    cgroups.add(pid)
    os.read(read_fd, 1)
    cgroups.remove()  # kills it and deletes the group while the child may still be exiting
    os.waitpid(pid, 0)
    assert not any(path.exists() for path in cgroups.dirs)
