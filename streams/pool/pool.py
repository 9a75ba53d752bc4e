"""A supervised pool of processes that load once and then run one task at a time each.

Why not ``concurrent.futures.ProcessPoolExecutor``: one dying process breaks the
whole executor and fails every task in flight, its recovery runs in a manager
thread that raced with its own shutdown (``dictionary changed size during
iteration``), and ``multiprocessing`` joins its workers at interpreter exit, so a
worker left blocked in ``Queue.get`` hung the test suite at exit. Its processes
also outlived a worker killed with SIGKILL, adopted by PID 1.

Here each process is a plain subprocess (``python -m streams.pool.child``)
with its own socket, so:

- a process that dies fails nothing but its own task, which is tried once more on
  its replacement; a task that kills two processes fails with
  :class:`~streams.errors.ProcessDied`;
- there are no threads in the parent: results and deaths are read by the event
  loop (``add_reader`` on each socket), so nothing races with ``close``;
- ``close`` ends every process within its deadline (EOF, then SIGTERM, then
  SIGKILL) and reaps it; nothing is joined at interpreter exit;
- a process dies with its parent, whatever kills the parent (see ``streams.pool.child``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import selectors
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from streams.errors import PoolStartError, ProcessDied, TaskFailed
from streams.pool.wire import Frames, encode

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

# Delays before starting a new process after the 1st, 2nd, ... death in a row of a
# process that never said it was ready (no memory, broken models): no spinning.
_START_BACKOFF_S = (1.0, 2.0, 5.0, 10.0, 30.0)


@dataclass(eq=False)
class _Job:
    item: Any
    future: asyncio.Future[Any]
    attempts: int = 0


@dataclass(eq=False)
class _Slot:
    """One process: its channel, its lifeline and the task it is running."""

    process: subprocess.Popen[bytes]
    channel: socket.socket
    lifeline: int
    frames: Frames = field(default_factory=Frames)
    ready: bool = False
    failure: str | None = None
    job: _Job | None = None
    job_id: int = 0
    deadline: asyncio.TimerHandle | None = None
    gone: bool = False


class ProcessPool(Generic[T, R]):
    """``size`` processes, each running ``initializer(*initargs)`` once, then ``target``.

    ``initializer`` and ``target`` must be importable module-level functions: the
    processes unpickle them by name. ``run`` must be awaited on one event loop.

    Args:
        size: how many processes.
        target: called with each item in a process; its result comes back.
        initializer, initargs: run once in each process before its first item.
        task_timeout_s: a process still on one task after this long is killed, as
            if it had died there (a hung native call must not stall the stream).
        stop_timeout_s: how long ``close`` waits for the processes in all.
    """

    def __init__(
        self,
        size: int,
        target: Callable[[T], R],
        *,
        initializer: Callable[..., None],
        initargs: Sequence[Any] = (),
        task_timeout_s: float | None = 300.0,
        stop_timeout_s: float = 5.0,
    ) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one process")
        self._size = size
        self._target = target
        self._initializer = initializer
        self._initargs = tuple(initargs)
        self._task_timeout_s = task_timeout_s
        self._stop_timeout_s = stop_timeout_s
        self._slots: list[_Slot] = []
        self._queue: deque[_Job] = deque()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._job_ids = itertools.count(1)
        self._closed = False
        self._start_failures = 0
        self._restart_timer: asyncio.TimerHandle | None = None
        self.restarts = 0
        for _ in range(size):
            self._slots.append(self._spawn())

    # -- processes -------------------------------------------------------------------

    def _spawn(self) -> _Slot:
        ours, theirs = socket.socketpair()
        lifeline_read, lifeline_write = os.pipe()
        # PR_SET_PDEATHSIG fires when the *thread* that started the child ends, so
        # it is armed only for children started by the main thread (the worker's
        # event loop); the lifeline covers the others.
        main_thread = threading.current_thread() is threading.main_thread()
        try:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "streams.pool.child",
                    "--channel",
                    str(theirs.fileno()),
                    "--lifeline",
                    str(lifeline_read),
                    "--parent",
                    str(os.getpid()),
                    "--pdeathsig",
                    str(int(main_thread)),
                ],
                pass_fds=(theirs.fileno(), lifeline_read),
                stdin=subprocess.DEVNULL,
            )
        except BaseException:
            ours.close()
            os.close(lifeline_write)
            raise
        finally:
            theirs.close()
            os.close(lifeline_read)
        slot = _Slot(process, ours, lifeline_write)
        try:
            ours.sendall(encode([p for p in sys.path if p]))
            ours.sendall(encode((self._initializer, self._initargs, self._target)))
        except OSError:
            pass  # it died at once: its EOF is read like any other death
        if self._loop is not None:
            self._watch(slot)
        log.debug("started pool process %d", process.pid)
        return slot

    def pids(self) -> list[int]:
        """The processes now in the pool (for tests and operators)."""
        return [slot.process.pid for slot in self._slots]

    def warm_up(self, timeout_s: float = 300.0) -> None:
        """Wait until every process has loaded, so that the first tasks do not wait.

        Raises :class:`PoolStartError` if one fails to start or the time runs out."""
        deadline = time.monotonic() + timeout_s
        with selectors.DefaultSelector() as selector:
            for slot in self._slots:
                if not slot.ready:
                    selector.register(slot.channel, selectors.EVENT_READ, slot)
            while selector.get_map():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise PoolStartError(f"pool processes not ready after {timeout_s:.0f} s")
                for key, _ in selector.select(remaining):
                    slot = key.data
                    try:
                        data = slot.channel.recv(1 << 20)
                    except OSError:
                        # It died with our set-up messages unread: a reset, not an EOF.
                        data = b""
                    if data:
                        slot.frames.pending.extend(slot.frames.feed(data))
                    while slot.frames.pending and not slot.ready:
                        self._handle(slot, slot.frames.pending.popleft())
                    if slot.failure is not None or not data:
                        reason = slot.failure or f"exit code {slot.process.wait(5)}"
                        raise PoolStartError(f"a pool process could not start: {reason}")
                    if slot.ready:
                        selector.unregister(slot.channel)

    # -- the event loop's side -------------------------------------------------------------

    def _attach(self) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
            for slot in self._slots:
                self._watch(slot)
            # Anything read by warm_up past the ready message.
            for slot in list(self._slots):
                self._drain(slot)
        elif self._loop is not loop:
            raise RuntimeError("a ProcessPool serves the event loop that first used it")

    def _watch(self, slot: _Slot) -> None:
        assert self._loop is not None
        slot.channel.setblocking(False)
        self._loop.add_reader(slot.channel.fileno(), self._on_readable, slot)

    def _on_readable(self, slot: _Slot) -> None:
        try:
            data = slot.channel.recv(1 << 20)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._on_death(slot)
            return
        slot.frames.pending.extend(slot.frames.feed(data))
        self._drain(slot)

    def _drain(self, slot: _Slot) -> None:
        while slot.frames.pending and not slot.gone:
            self._handle(slot, slot.frames.pending.popleft())
        self._dispatch()

    def _handle(self, slot: _Slot, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "ready":
            slot.ready = True
            self._start_failures = 0
        elif kind == "failed":
            slot.failure = str(message[1])
            log.error("a pool process could not start: %s", slot.failure)
        elif kind in ("done", "raised"):
            job = slot.job
            if job is None or message[1] != slot.job_id:
                return  # the answer to a task given up on (cancelled)
            self._finish(slot)
            if not job.future.done():
                if kind == "done":
                    job.future.set_result(message[2])
                else:
                    job.future.set_exception(TaskFailed(str(message[2])))

    def _finish(self, slot: _Slot) -> None:
        slot.job = None
        if slot.deadline is not None:
            slot.deadline.cancel()
            slot.deadline = None

    def _dispatch(self) -> None:
        if self._closed:
            return
        idle = [s for s in self._slots if s.ready and s.job is None and not s.gone]
        while self._queue and idle:
            job = self._queue.popleft()
            if job.future.done():
                continue  # its caller gave up waiting
            slot = idle.pop()
            slot.job = job
            slot.job_id = next(self._job_ids)
            job.attempts += 1
            if self._task_timeout_s is not None and self._loop is not None:
                slot.deadline = self._loop.call_later(
                    self._task_timeout_s, self._on_hung, slot, slot.job_id
                )
            try:
                frame = encode(("run", slot.job_id, job.item))
            except Exception as exc:  # noqa: BLE001 - an item that cannot travel fails alone
                self._finish(slot)
                job.future.set_exception(TaskFailed(f"cannot send the task: {exc}"))
                idle.append(slot)
                continue
            try:
                # Blocking for the moment it takes: the process is idle and reading.
                slot.channel.setblocking(True)
                slot.channel.sendall(frame)
            except OSError:
                pass  # it died: its EOF comes next and retries the job
            finally:
                slot.channel.setblocking(False)

    def _on_hung(self, slot: _Slot, job_id: int) -> None:
        if slot.job is not None and slot.job_id == job_id and not slot.gone:
            log.error(
                "pool process %d spent over %.0f s on one task; killing it",
                slot.process.pid,
                self._task_timeout_s,
            )
            slot.process.kill()  # its EOF follows and is handled as a death

    def _on_death(self, slot: _Slot) -> None:
        if slot.gone:
            return
        self._retire(slot)
        code = slot.process.returncode
        job = slot.job
        self._finish(slot)
        if self._closed:
            return
        if not slot.ready:
            self._start_failures += 1
        log.warning(
            "pool process %d ended (exit code %s)%s",
            slot.process.pid,
            code,
            "" if job is None else " during a task",
        )
        if job is not None and not job.future.done():
            if job.attempts >= 2:
                job.future.set_exception(
                    ProcessDied(f"a pool process died twice on this task (exit code {code})")
                )
            else:
                self._queue.appendleft(job)
        self._replace()

    def _replace(self) -> None:
        assert self._loop is not None
        if self._start_failures:
            # Dying before ready again and again (no memory, broken models): do
            # not spin; the tasks wait, visible as lag, and the log says why.
            index = min(self._start_failures, len(_START_BACKOFF_S)) - 1
            delay = _START_BACKOFF_S[index]
            if self._restart_timer is None:
                self._restart_timer = self._loop.call_later(delay, self._restart)
            return
        self._restart()

    def _restart(self) -> None:
        self._restart_timer = None
        if self._closed:
            return
        while len(self._slots) < self._size:
            self.restarts += 1
            log.warning("starting a new pool process (restart %d)", self.restarts)
            self._slots.append(self._spawn())

    def _retire(self, slot: _Slot) -> None:
        """Stop reading it, end it and reap it; its fds are closed."""
        slot.gone = True
        if slot in self._slots:
            self._slots.remove(slot)
        if self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(slot.channel.fileno())
        slot.channel.close()
        with contextlib.suppress(OSError):
            os.close(slot.lifeline)
        _reap(slot.process, 2.0)

    # -- the public API ---------------------------------------------------------------------

    async def run(self, item: T) -> R:
        """``target(item)`` in one of the processes.

        Raises:
            ProcessDied: the item killed two processes in a row.
            TaskFailed: ``target`` raised (its type and message are in the reason).
        """
        if self._closed:
            raise RuntimeError("the pool is closed")
        self._attach()
        assert self._loop is not None
        job = _Job(item, self._loop.create_future())
        self._queue.append(job)
        self._dispatch()
        result: R = await job.future
        return result

    def close(self) -> None:
        """End every process within ``stop_timeout_s`` and reap it; waiting tasks are cancelled."""
        if self._closed:
            return
        self._closed = True
        if self._restart_timer is not None:
            self._restart_timer.cancel()
        slots, self._slots = self._slots, []
        for slot in slots:
            if slot.job is not None and not slot.job.future.done():
                slot.job.future.cancel()
            self._finish(slot)
            slot.gone = True
            if self._loop is not None and not self._loop.is_closed():
                self._loop.remove_reader(slot.channel.fileno())
            # EOF on the lifeline ends the process at once, even mid-task.
            with contextlib.suppress(OSError):
                os.close(slot.lifeline)
            slot.channel.close()
        while self._queue:
            self._queue.popleft().future.cancel()
        deadline = time.monotonic() + self._stop_timeout_s
        for slot in slots:
            _reap(slot.process, max(0.1, deadline - time.monotonic()))


def _reap(process: subprocess.Popen[bytes], timeout_s: float) -> None:
    """Wait for it to end; then SIGTERM, then SIGKILL: it is gone when this returns."""
    try:
        process.wait(timeout_s)
        return
    except subprocess.TimeoutExpired:
        pass
    process.terminate()
    try:
        process.wait(1.0)
        return
    except subprocess.TimeoutExpired:
        pass
    process.kill()
    process.wait()
