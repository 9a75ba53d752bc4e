"""The processes a test started, found through /proc: to assert none is left, and to end them.

Linux only, as the project's stack is: the processes come from the stack's own
/proc reader (``deploy.local.process.processes``), with each one's parent, process
group and session.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterable

from deploy.local.process import Proc, processes

__all__ = ["Proc", "alive", "descendants", "kill", "processes", "wait_gone"]


def descendants(pid: int) -> list[Proc]:
    """The live processes below ``pid``, children first."""
    table = processes()
    children: dict[int, list[Proc]] = {}
    for proc in table:
        children.setdefault(proc.ppid, []).append(proc)
    out: list[Proc] = []
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child.pid)
    return out


def alive(pids: Iterable[int]) -> set[int]:
    live = {p.pid for p in processes()}
    return {pid for pid in pids if pid in live}


def wait_gone(pids: Iterable[int], timeout_s: float) -> set[int]:
    """Poll until none of ``pids`` is alive or the deadline; those still alive."""
    wanted = set(pids)
    deadline = time.monotonic() + timeout_s
    while (left := alive(wanted)) and time.monotonic() < deadline:
        time.sleep(0.05)  # polling interval of the deadline loop
    return left


def kill(pids: Iterable[int]) -> None:
    pids = list(pids)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    wait_gone(pids, 5.0)
    # Reap those that are our own children, so they do not linger as zombies.
    for pid in pids:
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(pid, os.WNOHANG)
