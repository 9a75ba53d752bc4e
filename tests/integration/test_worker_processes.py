"""A worker with enrichment processes leaves none behind, however it ends.

The worker (``--processes 2``) is a real ``tinstream worker`` on the real stack;
its pool processes are found on /proc as its descendants, and each test checks
they are gone within a deadline after the worker ends: stopped with SIGTERM in
its first second or while its pool is loading, stopped with SIGTERM when
serving, or killed with SIGKILL when serving.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterable

import pytest

from tests import processes
from tests.integration.conftest import Run

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

POOL_CHILD = "streams.pool.child"


def _pool_processes(worker: subprocess.Popen[bytes]) -> list[int]:
    return [p.pid for p in processes.descendants(worker.pid) if POOL_CHILD in p.cmdline]


def _wait_for_pool(run: Run, worker: subprocess.Popen[bytes], count: int) -> list[int]:
    """Poll until the worker has started ``count`` pool processes."""
    deadline = time.monotonic() + 120
    while len(pids := _pool_processes(worker)) < count:
        if worker.poll() is not None:
            run.fail_with_logs("the worker exited before starting its pool")
        if time.monotonic() > deadline:
            run.fail_with_logs(f"the worker started {len(pids)} of {count} pool processes")
        time.sleep(0.05)  # polling interval of the deadline loop
    return pids


def _assert_nothing_left(
    run: Run, worker: subprocess.Popen[bytes], exit_within_s: float, known: Iterable[int] = ()
) -> None:
    """The worker ends within its deadline and no process of its is left: those it has
    now and ``known``, found before the signal (a worker that dies at once, by SIGKILL
    or by SIGTERM before its handler is in place, has no descendants left to list, and
    its pool processes take a moment to follow it)."""
    seen = {p.pid for p in processes.descendants(worker.pid)} | set(known)
    try:
        worker.wait(exit_within_s)
    except subprocess.TimeoutExpired:
        run.fail_with_logs(f"the worker did not exit within {exit_within_s:.0f} s")
    left = processes.wait_gone(seen, 10.0)
    assert not left, f"processes outlived the worker: {left}"


def test_sigterm_in_the_first_second(run: Run) -> None:
    worker = run.start_worker(TINSTREAM_ENRICH_PROCESSES="2")
    worker.send_signal(signal.SIGTERM)
    _assert_nothing_left(run, worker, 30)


def test_sigterm_while_the_pool_is_loading(run: Run) -> None:
    worker = run.start_worker(TINSTREAM_ENRICH_PROCESSES="2")
    pids = _wait_for_pool(run, worker, 2)
    worker.send_signal(signal.SIGTERM)
    _assert_nothing_left(run, worker, 30, pids)


def test_sigterm_when_serving_is_a_graceful_stop(run: Run) -> None:
    worker = run.start_worker(TINSTREAM_ENRICH_PROCESSES="2")
    run.wait_ready(0)
    pids = _pool_processes(worker)
    assert len(pids) == 2
    worker.send_signal(signal.SIGTERM)
    _assert_nothing_left(run, worker, 60, pids)
    assert worker.returncode == 0, f"exit code {worker.returncode}"


def test_sigkill_when_serving_takes_the_pool_down(run: Run) -> None:
    worker = run.start_worker(TINSTREAM_ENRICH_PROCESSES="2")
    run.wait_ready(0)
    pids = _pool_processes(worker)
    assert len(pids) == 2
    worker.kill()
    _assert_nothing_left(run, worker, 10, pids)
