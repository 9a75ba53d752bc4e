"""The inside of one pool process: load once, then run tasks until the worker goes away.

Started by :class:`streams.pool.pool.ProcessPool` as
``python -m streams.pool.child --channel FD --lifeline FD --parent PID``.
It must never outlive the worker that started it, however that worker ends:

- ``PR_SET_PDEATHSIG`` (Linux) has the kernel send SIGKILL the moment the parent
  dies, even by SIGKILL, even while this process is deep in native NLP code;
- the lifeline is a pipe whose only writer is the parent: a thread blocked on it
  wakes with EOF when the parent closes it (``ProcessPool.close``) or dies, and
  ends the process (where prctl is not available, this alone does it);
- a parent already gone before either was in place is caught by ``getppid``.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable
from typing import Any

from streams.pool.wire import Frames, read_message, send_message

PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int, lifeline: int, pdeathsig: bool) -> None:
    if pdeathsig and sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)  # the parent died before the signal was armed

    def watch() -> None:
        try:
            while os.read(lifeline, 1):
                pass
        except OSError:
            pass
        os._exit(0)

    threading.Thread(target=watch, name="tinstream-lifeline", daemon=True).start()


def serve(channel: socket.socket) -> None:
    """Set up from the first messages, then answer each task until EOF."""
    frames = Frames()
    sys_path = read_message(channel, frames)
    # The parent's import path first, so that the callables below unpickle here.
    sys.path[:] = [*sys_path, *(p for p in sys.path if p not in sys_path)]
    initializer, initargs, target = read_message(channel, frames)
    target_fn: Callable[[Any], Any] = target
    try:
        initializer(*initargs)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which decides
        send_message(channel, ("failed", f"{type(exc).__name__}: {exc}"))
        return
    send_message(channel, ("ready",))
    while True:
        try:
            _, job_id, item = read_message(channel, frames)
        except (EOFError, OSError):
            return  # the pool closed the channel: nothing more to do
        try:
            reply: tuple[Any, ...] = ("done", job_id, target_fn(item))
            send_message(channel, reply)
        except (BrokenPipeError, ConnectionResetError):
            return
        except Exception as exc:  # noqa: BLE001 - the task's own failure goes back as data
            send_message(channel, ("raised", job_id, f"{type(exc).__name__}: {exc}"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m streams.pool.child")
    parser.add_argument("--channel", type=int, required=True)
    parser.add_argument("--lifeline", type=int, required=True)
    parser.add_argument("--parent", type=int, required=True)
    parser.add_argument("--pdeathsig", type=int, default=1)
    args = parser.parse_args(argv)
    _die_with_parent(args.parent, args.lifeline, bool(args.pdeathsig))
    # Ctrl-C reaches the whole process group; the worker decides when to stop us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    channel = socket.socket(fileno=args.channel)
    try:
        serve(channel)
    finally:
        channel.close()


if __name__ == "__main__":
    main()
