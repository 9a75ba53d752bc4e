"""One lag observation: Kafka's offsets → the Prometheus gauges → the history index.

The one path of the worker (on a Faust timer) and of ``tinstream lag-exporter``
(which runs it on its own event loop): observing, the gauges and the history
documents are written once, here, rather than as a sync and an async twin.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from indexers.lag_history import LagHistoryWriter
from streams.errors import StreamsError
from streams.lag.collector import LagMonitor
from streams.lag.history import LagHistory
from streams.lag.model import GroupLag
from streams.lag.prometheus import LagMetrics

log = logging.getLogger(__name__)

# Told of each observation and the history documents made of it.
Observer = Callable[[list[GroupLag], list[dict[str, Any]]], None]


class LagRecorder:
    """Observes groups and records what it saw.

    Args:
        monitor: reads Kafka (blocking: kafka-python), so it runs in a thread.
        metrics: the gauges served at /metrics.
        history: where the history goes; None: no history.
        observers: also told of each observation and its history documents (the
            pipeline page's state), whether or not the history is written.
        clock: injectable for tests.
    """

    def __init__(
        self,
        monitor: LagMonitor,
        metrics: LagMetrics,
        history: LagHistoryWriter | None,
        *,
        observers: Sequence[Observer] = (),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._monitor = monitor
        self._metrics = metrics
        self._writer = history
        self._documents = LagHistory()
        self._observers = tuple(observers)
        self._clock = clock

    async def record(
        self, groups: Sequence[str], *, write_history: bool = True
    ) -> list[GroupLag] | None:
        """One observation of ``groups``; None when Kafka could not be read.

        ``write_history=False`` skips the history index for this observation (its
        alias is not made yet: a write would create a plain index under its name).
        """
        try:
            observed = await asyncio.to_thread(self._monitor.observe, list(groups))
        except StreamsError as exc:
            log.warning("cannot observe lag: %s", exc)
            return None
        self._metrics.update(observed)
        documents = list(self._documents.documents(observed, self._clock()))
        for observer in self._observers:
            observer(observed, documents)
        if self._writer is not None and write_history:
            await self._writer.write(documents)
        return observed
