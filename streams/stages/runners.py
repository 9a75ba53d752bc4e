"""Running the enricher off Faust's event loop: in a thread, or in a pool of processes.

The NLP is CPU-bound. In a thread it keeps heartbeats, commits and the web server
responsive but uses one core; a process pool, each process with its own models,
uses as many as it is given. Either way the agent awaits the same call.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from config import EnrichmentSettings
from nlp.enricher import Enricher
from streams.errors import EnrichmentError, InvalidArticle, StreamsError, TaskFailed
from streams.pool.pool import ProcessPool
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
    """A supervised pool of ``processes`` processes, each loading the models once.

    A process that dies (killed, out of memory, a crash in native code) fails only
    the article it was enriching: that article is tried once more on the process
    that replaces it, and an article that kills two is reported as an enrichment
    error, to be dead-lettered, and the stream goes on (see
    :class:`streams.pool.pool.ProcessPool`).

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
        self._pool: ProcessPool[RawArticle, Outcome] = ProcessPool(
            processes, task, initializer=initializer, initargs=(settings,)
        )
        log.info("enriching in %d processes", processes)

    @property
    def restarts(self) -> int:
        return self._pool.restarts

    def pids(self) -> list[int]:
        return self._pool.pids()

    async def enrich(self, raw: RawArticle) -> EnrichedArticle:
        try:
            status, article, reason, retriable = await self._pool.run(raw)
        except TaskFailed as exc:
            raise EnrichmentError(exc.reason) from None
        if status == "invalid":
            raise InvalidArticle(reason, stage="validate")
        if status == "error" or article is None:
            raise EnrichmentError(reason, retriable=retriable)
        return article

    def warm_up(self, timeout_s: float = 300.0) -> None:
        """Start every process and load its models now, so that the first
        articles do not wait for them (nor count them in a benchmark)."""
        self._pool.warm_up(timeout_s)

    def close(self) -> None:
        self._pool.close()
