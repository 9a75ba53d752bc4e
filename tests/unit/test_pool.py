"""The supervised process pool: deaths, hangs, start failures, and no process left behind.

Every pool process is a child of this test process (or of a stand-in worker it
starts), so "nothing left" is checked on /proc: no descendant remains after the
pool closes, after its parent is killed with SIGKILL or SIGTERM, or after its parent
simply exits without closing it.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from streams.errors import PoolStartError, ProcessDied, TaskFailed
from streams.pool.pool import ProcessPool
from tests import processes
from tests.unit import pool_tasks

pytestmark = pytest.mark.timeout(120)

ROOT = Path(__file__).resolve().parents[2]
Pool = ProcessPool[tuple[str, str], str]
T = TypeVar("T")


def _run(scenario: Callable[[], Awaitable[T]], timeout_s: float = 60.0) -> T:
    async def bounded() -> T:
        return await asyncio.wait_for(scenario(), timeout_s)

    return asyncio.run(bounded())


def _children() -> set[int]:
    return {p.pid for p in processes.descendants(os.getpid())}


@pytest.fixture
def pools() -> Iterator[list[Pool]]:
    """Pools a test makes; closed whatever happens, and none of their processes left."""
    before = _children()
    made: list[Pool] = []
    yield made
    for pool in made:
        pool.close()
    left = processes.wait_gone(_children() - before, 5.0)
    assert not left, f"pool processes left after close: {left}"


def _pool(pools: list[Pool], size: int = 2, **options: Any) -> Pool:
    pool: Pool = ProcessPool(size, pool_tasks.task, initializer=pool_tasks.start, **options)
    pools.append(pool)
    return pool


def test_results_and_raised_errors_come_back(pools: list[Pool]) -> None:
    pool = _pool(pools)
    pool.warm_up(60)

    async def scenario() -> None:
        assert await pool.run(("echo", "xin chào")) == "xin chào"
        with pytest.raises(TaskFailed, match="ValueError: bad input"):
            await pool.run(("raise", "bad input"))
        answers = await asyncio.gather(*(pool.run(("echo", str(n))) for n in range(20)))
        assert answers == [str(n) for n in range(20)]
        # Two tasks at once run in both processes.
        pids = set(await asyncio.gather(*(pool.run(("slow pid", "0.3")) for _ in range(2))))
        assert pids == set(map(str, pool.pids()))

    _run(scenario)
    assert pool.restarts == 0


def test_a_death_fails_only_its_own_task_which_is_tried_once_more(
    pools: list[Pool], tmp_path: Path
) -> None:
    pool = _pool(pools)
    pool.warm_up(60)
    first = set(pool.pids())

    async def scenario() -> None:
        slow = asyncio.ensure_future(pool.run(("slow", "1.0")))
        await asyncio.sleep(0.1)  # let the slow task reach its process first
        # Kills its process once: its replacement runs it; the slow one is untouched.
        assert await pool.run(("die once", str(tmp_path / "marker"))) == "survived"
        assert await slow == "1.0"
        # Kills every process it reaches: given up after two.
        with pytest.raises(ProcessDied, match="died twice"):
            await pool.run(("die", ""))
        assert await pool.run(("echo", "after")) == "after"

    _run(scenario)
    assert pool.restarts == 3
    assert len(pool.pids()) == 2
    assert processes.wait_gone(first - set(pool.pids()), 5.0) == set()


def test_a_hung_task_is_killed_at_its_deadline(pools: list[Pool]) -> None:
    pool = _pool(pools, size=1, task_timeout_s=1.0)
    pool.warm_up(60)

    async def scenario() -> None:
        started = time.monotonic()
        with pytest.raises(ProcessDied):
            await pool.run(("hang", ""))
        assert time.monotonic() - started < 20
        assert await pool.run(("echo", "next")) == "next"

    _run(scenario)
    assert pool.restarts == 2


def test_close_ends_busy_processes_within_its_deadline_and_cancels_the_waiting(
    pools: list[Pool],
) -> None:
    pool = _pool(pools, stop_timeout_s=2.0)
    pool.warm_up(60)
    pids = pool.pids()

    async def scenario() -> None:
        tasks = [asyncio.ensure_future(pool.run(("hang", ""))) for _ in range(3)]
        await asyncio.sleep(0.2)  # both processes busy, one task queued
        started = time.monotonic()
        pool.close()
        assert time.monotonic() - started < 5
        for task in tasks:
            with pytest.raises(asyncio.CancelledError):
                await task
        with pytest.raises(RuntimeError, match="closed"):
            await pool.run(("echo", "late"))

    _run(scenario)
    assert processes.alive(pids) == set()
    pool.close()  # twice is harmless


def test_a_process_that_cannot_start_is_reported(pools: list[Pool]) -> None:
    pool: Pool = ProcessPool(
        2, pool_tasks.task, initializer=pool_tasks.cannot_start, initargs=("no model file",)
    )
    pools.append(pool)
    with pytest.raises(PoolStartError, match="RuntimeError: no model file"):
        pool.warm_up(60)


def test_a_process_that_dies_while_loading_is_reported(pools: list[Pool]) -> None:
    pool: Pool = ProcessPool(
        2, pool_tasks.task, initializer=pool_tasks.exit_at_once, initargs=(7,)
    )
    pools.append(pool)
    with pytest.raises(PoolStartError, match="exit code 7"):
        pool.warm_up(60)


def test_the_initializer_runs_once_in_each_process(pools: list[Pool], tmp_path: Path) -> None:
    marker = tmp_path / "started"
    pool: Pool = ProcessPool(1, pool_tasks.task, initializer=pool_tasks.start, initargs=(marker,))
    pools.append(pool)
    pool.warm_up(60)
    assert marker.read_text(encoding="utf-8") == str(pool.pids()[0])


def _stand_in_worker(*flags: str) -> tuple[subprocess.Popen[str], list[int]]:
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.unit.pool_parent", *flags],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout is not None
    line = worker.stdout.readline()
    assert line, f"the stand-in worker ended before its pool started ({worker.wait(10)})"
    report = json.loads(line)
    pids = [int(p) for p in report["pids"]]
    assert len(pids) == 2 and set(map(int, report["answers"])) <= set(pids)
    if "--exit" not in flags:
        # With --exit the stand-in returns right after this line and its processes
        # may already be going: that is what the test of it checks.
        assert processes.alive(pids) == set(pids)
    return worker, pids


def _end(worker: subprocess.Popen[str], pids: list[int]) -> None:
    processes.kill([worker.pid, *pids])
    worker.wait(10)
    for pipe in (worker.stdin, worker.stdout):
        if pipe is not None:
            pipe.close()


@pytest.mark.parametrize("flags", [(), ("--thread",)], ids=["main-thread", "other-thread"])
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_pool_processes_die_with_their_worker(
    flags: tuple[str, ...], sig: signal.Signals
) -> None:
    worker, pids = _stand_in_worker(*flags)
    try:
        worker.send_signal(sig)
        worker.wait(10)
        # PR_SET_PDEATHSIG (main thread) or the lifeline (both) take them down.
        assert processes.wait_gone(pids, 10.0) == set(), "pool processes outlived the worker"
    finally:
        _end(worker, pids)


def test_a_worker_that_exits_without_closing_its_pool_neither_hangs_nor_leaks() -> None:
    worker, pids = _stand_in_worker("--exit")
    try:
        assert worker.wait(15) == 0
        assert processes.wait_gone(pids, 10.0) == set()
    finally:
        _end(worker, pids)
