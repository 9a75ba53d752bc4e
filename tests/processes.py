"""The processes a test started, found through /proc: to assert none is left, and to end them.

Linux only, as the project's stack is: /proc/PID/stat gives each process's parent,
process group and session.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Proc:
    pid: int
    ppid: int
    pgrp: int
    session: int
    state: str

    @property
    def cmdline(self) -> str:
        try:
            raw = Path(f"/proc/{self.pid}/cmdline").read_bytes()
        except OSError:
            return "?"
        return raw.replace(b"\0", b" ").decode(errors="replace").strip()


def processes() -> list[Proc]:
    """Every live (non-zombie) process of the machine."""
    out: list[Proc] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state ppid pgrp session ...
        if fields[0] != "Z":
            ppid, pgrp, session = (int(f) for f in fields[1:4])
            out.append(Proc(int(entry.name), ppid, pgrp, session, fields[0]))
    return out


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
