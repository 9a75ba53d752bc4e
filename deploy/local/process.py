"""Background processes with a pid file: start detached, check, stop the whole group."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


def read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie is dead for our purposes (it may be our own child not yet reaped).
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def start(
    argv: Sequence[str],
    *,
    pid_file: Path,
    out_file: Path,
    env: Mapping[str, str] | None = None,
) -> int:
    """Start ``argv`` detached, in a new session (its own process group), output to ``out_file``.

    ``posix_spawn`` rather than ``subprocess``: the server outlives this process and
    nothing here waits for it, so there is no child object to keep.
    """
    out_file.parent.mkdir(parents=True, exist_ok=True)
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, str(out_file), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644),
        (os.POSIX_SPAWN_DUP2, 1, 2),
    ]
    pid = os.posix_spawn(
        argv[0],
        list(argv),
        dict(env if env is not None else os.environ),
        file_actions=actions,
        setsid=True,
    )
    pid_file.write_text(str(pid))
    return pid


def stop(pid_file: Path, *, timeout_s: float = 30.0) -> bool:
    """SIGTERM the process group, SIGKILL it after ``timeout_s``; True if one was running."""
    return bool(stop_all([pid_file], timeout_s=timeout_s))


def stop_all(pid_files: Sequence[Path], *, timeout_s: float = 30.0) -> list[Path]:
    """Stop several process groups at once: SIGTERM to all, then SIGKILL to what is
    left after ``timeout_s``; return the pid files of those that were running.

    At once, because the nodes of one Kafka cluster stopped one after another wait
    for a controller quorum that the earlier ones took away."""
    running = {f: pid for f in pid_files if alive(pid := read_pid(f)) and pid is not None}
    for f in pid_files:
        if f not in running:
            f.unlink(missing_ok=True)
    for pid in running.values():
        _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and any(_group_alive(p) for p in running.values()):
        time.sleep(0.2)
    left = [p for p in running.values() if _group_alive(p)]
    for pid in left:
        _signal_group(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_group_alive(p) for p in left):
        time.sleep(0.1)
    for f, pid in running.items():
        f.unlink(missing_ok=True)
        _reap(pid)
    return list(running)


def _reap(pid: int) -> None:
    # Started by this very process (tests do that): collect the exit status.
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError:
        os.kill(pid, sig)


def _group_alive(pgid: int) -> bool:
    return any(p.pgrp == pgid for p in processes())


@dataclass(frozen=True, slots=True)
class Proc:
    """A live process as /proc/PID/stat describes it."""

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
    """Every live (non-zombie) process of the machine (Linux, as the stack is)."""
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
