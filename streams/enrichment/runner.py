"""Running the enricher off Faust's event loop: in a thread, or in a pool of processes.

The NLP is CPU-bound. In a thread it keeps heartbeats, commits and the web server
responsive but uses one core; a process pool, each process with its own models,
uses as many as it is given. Either way the agent awaits the same call.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol

from config import EnrichmentSettings
from streams.enrichment.enricher import Enricher
from streams.errors import EnrichmentError, InvalidArticle, StreamsError
from streams.records import EnrichedArticle, RawArticle

log = logging.getLogger(__name__)


class EnrichmentRunner(Protocol):
    async def enrich(self, raw: RawArticle) -> EnrichedArticle: ...

    def close(self) -> None: ...


class ThreadRunner:
    """One thread: the models are not known to be thread-safe."""

    def __init__(self, enricher: Enricher) -> None:
        self._enricher = enricher
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tinstream-nlp")

    async def enrich(self, raw: RawArticle) -> EnrichedArticle:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._enricher.enrich, raw)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


# --- in the pool's processes -------------------------------------------------------

_PROCESS_ENRICHER: Enricher | None = None


def _start_process(settings: EnrichmentSettings) -> None:
    global _PROCESS_ENRICHER  # noqa: PLW0603 - one enricher per pool process, built once
    _PROCESS_ENRICHER = Enricher.with_models(settings)
    _PROCESS_ENRICHER.warm_up()


Outcome = tuple[str, EnrichedArticle | None, str, bool]


def _ready() -> bool:
    """Runs once the process's initializer loaded the models."""
    return _PROCESS_ENRICHER is not None


def _enrich_in_process(raw: RawArticle) -> Outcome:
    # Errors travel back as data: an exception with extra constructor arguments
    # does not survive pickling, and the agent needs the reason and retriability.
    assert _PROCESS_ENRICHER is not None
    try:
        return "ok", _PROCESS_ENRICHER.enrich(raw), "", False
    except InvalidArticle as exc:
        return "invalid", None, exc.reason, False
    except StreamsError as exc:
        return "error", None, exc.reason, exc.retriable
    except Exception as exc:  # noqa: BLE001 - reported to the agent, which dead-letters it
        return "error", None, f"{type(exc).__name__}: {exc}", False


Task = Callable[[RawArticle], Outcome]


class ProcessRunner:
    """A pool of ``processes`` processes, each loading the models once at start.

    A process that dies (killed, out of memory, a crash in native code) breaks the
    whole pool and fails every article in flight. The runner then starts a new pool
    and tries each of those articles once more; an article that breaks the pool
    twice is reported as an enrichment error, to be dead-lettered, and the stream
    goes on.

    Args:
        settings: what each process builds its enricher from.
        processes: pool size.
        task, initializer: what runs in the processes (injectable for tests; both
            must be importable module-level functions).
    """

    def __init__(
        self,
        settings: EnrichmentSettings,
        processes: int,
        *,
        task: Task = _enrich_in_process,
        initializer: Callable[[EnrichmentSettings], None] = _start_process,
    ) -> None:
        self._settings = settings
        self._processes = processes
        self._task = task
        self._initializer = initializer
        self.restarts = 0
        self._executor = self._new_pool()
        log.info("enriching in %d processes", processes)

    def _new_pool(self) -> ProcessPoolExecutor:
        # "spawn": a fork of a process running an event loop and client threads is unsafe.
        return ProcessPoolExecutor(
            self._processes,
            multiprocessing.get_context("spawn"),
            initializer=self._initializer,
            initargs=(self._settings,),
        )

    def _replace(self, broken: Executor) -> None:
        # Articles in flight fail together; the first to notice replaces the pool.
        if self._executor is broken:
            self.restarts += 1
            log.warning(
                "an enrichment process died; starting a new pool (restart %d)", self.restarts
            )
            broken.shutdown(wait=False, cancel_futures=True)
            self._executor = self._new_pool()

    async def enrich(self, raw: RawArticle) -> EnrichedArticle:
        loop = asyncio.get_running_loop()
        for attempt in (1, 2):
            executor = self._executor
            try:
                status, article, reason, retriable = await loop.run_in_executor(
                    executor, self._task, raw
                )
                break
            except BrokenProcessPool:
                self._replace(executor)
                if attempt == 2:
                    raise EnrichmentError(
                        "an enrichment process died twice on this article"
                    ) from None
        if status == "invalid":
            raise InvalidArticle(reason, stage="validate")
        if status == "error" or article is None:
            raise EnrichmentError(reason, retriable=retriable)
        return article

    def warm_up(self, timeout_s: float = 300.0) -> None:
        """Start every process and load its models now, so that the first
        articles do not wait for them (nor count them in a benchmark)."""
        futures = [self._executor.submit(_ready) for _ in range(self._processes)]
        for future in futures:
            future.result(timeout=timeout_s)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
