"""The index stage: enriched messages to Elasticsearch in batches, each acked once final.

No Faust here. The stage sees events that have a ``message`` (value, key, headers,
topic, partition, offset, timestamp) and an ``ack()``; the Faust agent feeds it and
the pipeline pauses and resumes partitions from the writer's hooks. That keeps the
at-least-once rules unit-testable (``tests/unit/test_index_stage.py``):

- an event is acked only once its document's outcome is final: written,
  superseded by a newer copy, deleted, or dead-lettered with the reason;
- acks are given in the order the events arrived, so an ack never passes an
  earlier event that is not acked yet, even with several bulk writes in flight;
- a failed write is retried by the writer while Elasticsearch cannot take writes
  (the partitions are paused meanwhile) and a permanent refusal is dead-lettered:
  nothing is dropped.

Batches grow while writes are in flight and go out as soon as there is room for
another write and the input is drained, so a trickle is indexed at once and a
flood in full batches; ``linger_s`` bounds the wait either way.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from config import IndexerSettings
from indexers.bulk import BulkItem, ItemResult, WriterClosed
from indexers.document import DocumentBuilder
from streams.errors import InvalidArticle
from streams.metrics import PipelineMetrics
from streams.records import VERSION_HEADER, EnrichedArticle

log = logging.getLogger(__name__)


class Event(Protocol):
    """What the stage needs of a Faust event."""

    @property
    def message(self) -> Any: ...

    def ack(self) -> Any: ...


class Writer(Protocol):
    """``indexers.bulk.BulkWriter``: one final result per item, in order."""

    retries: int

    async def write(self, items: Sequence[BulkItem]) -> list[ItemResult]: ...


class DeadLetter(Protocol):
    def __call__(
        self,
        message: Any,
        *,
        stage: Any,
        reason: str | None = None,
        exc: BaseException | None = None,
        retriable: bool = False,
        article_id: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> Awaitable[None]: ...


@dataclass
class _Pending:
    event: Event
    item: BulkItem


def header_version(headers: Any) -> int | None:
    """The external version a tombstone carries in its headers (None: absent or bad)."""
    pairs = headers.items() if isinstance(headers, dict) else headers or ()
    for name, value in pairs:
        if name == VERSION_HEADER and value:
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _always_drained() -> bool:
    return True


class IndexStage:
    """Batches enriched messages into bulk writes and acks each event once final.

    Args:
        writer: writes a batch and returns one final result per item.
        documents: turns an enriched article's fields into its search document.
        settings: batch size and bytes, linger, writes in flight.
        metrics: the worker's counters.
        dead_letter: sends a message to the dead-letter topic with its reason.
        input_drained: True when nothing more is buffered for the stage (Faust's
            stream channel is empty): send what there is now.
        clock: monotonic seconds (injectable for tests).
    """

    def __init__(
        self,
        writer: Writer,
        documents: DocumentBuilder,
        settings: IndexerSettings,
        metrics: PipelineMetrics,
        dead_letter: DeadLetter,
        *,
        input_drained: Callable[[], bool] = _always_drained,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._writer = writer
        self._documents = documents
        self._settings = settings
        self._metrics = metrics
        self._dead_letter = dead_letter
        self.input_drained = input_drained
        self._clock = clock
        self._batch: list[_Pending] = []
        self._batch_bytes = 0
        self._batch_started = 0.0
        self._flush_lock = asyncio.Lock()
        # Bulk writes in flight, oldest first (at most max_inflight_batches).
        self._writing: deque[asyncio.Future[None]] = deque()

    def room_for_a_write(self) -> bool:
        """Fewer writes in flight than allowed: another batch could go out now."""
        return len(self._writing) < self._settings.max_inflight_batches

    async def handle(self, event: Event) -> None:
        """Take one enriched message: batch it, or dead-letter (and ack) what cannot be."""
        item = await self._to_item(event)
        if item is None:
            return
        if not self._batch:
            self._batch_started = self._clock()
        self._batch.append(_Pending(event, item))
        self._batch_bytes += item.size_bytes()
        if (
            len(self._batch) >= self._settings.batch_max_docs
            or self._batch_bytes >= self._settings.batch_max_bytes
            or (self.room_for_a_write() and self.input_drained())
        ):
            await self.flush()

    async def _to_item(self, event: Event) -> BulkItem | None:
        message = event.message
        if message.value is None:
            if message.key is None:
                await self._dead_letter(message, stage="decode", reason="tombstone without a key")
                event.ack()
                return None
            return BulkItem(
                doc_id=message.key.decode("utf-8", "replace"),
                document=None,
                version=header_version(message.headers),
            )
        try:
            article, fields = EnrichedArticle.decode(message.value)
        except InvalidArticle as exc:
            await self._dead_letter(message, stage="decode", exc=exc)
            event.ack()
            return None
        document = self._documents.document(fields)
        return BulkItem(article.id, document, version=article.version)

    async def flush_if_lingering(self) -> None:
        """For a timer: send a batch that waited ``linger_s`` (or whose input drained),
        and collect a finished write so that its failure surfaces."""
        lingering = self._clock() - self._batch_started >= self._settings.linger_s
        finished = bool(self._writing) and self._writing[0].done()
        if (self._batch and (lingering or self.input_drained())) or finished:
            await self.flush()

    async def flush(self, *, wait: bool = False) -> None:
        """Hand the pending batch to Elasticsearch; ``wait``: until it is written.

        Batches are written while the next ones are gathered, so decoding and
        Elasticsearch's indexing overlap, with at most ``max_inflight_batches`` in
        flight, so memory and the work a crash loses stay bounded. Two copies of
        one article in two batches in flight are ordered by their external
        versions.
        """
        async with self._flush_lock:
            batch, self._batch, self._batch_bytes = self._batch, [], 0
            # Collect finished writes; wait for the oldest while there is no room.
            # Awaiting raises what the write raised, as an awaited write would.
            while self._writing and (
                self._writing[0].done() or len(self._writing) >= self._settings.max_inflight_batches
            ):
                await self._writing.popleft()
            if batch:
                previous = self._writing[-1] if self._writing else None
                self._writing.append(asyncio.ensure_future(self._write(batch, previous)))
            while wait and self._writing:
                await self._writing.popleft()

    async def _write(self, batch: list[_Pending], previous: asyncio.Future[None] | None) -> None:
        self._metrics.bulk_documents.observe(len(batch))
        retries = self._writer.retries
        with self._metrics.bulk_seconds.time():
            results = await self._writer.write([p.item for p in batch])
        self._metrics.bulk_retries.inc(self._writer.retries - retries)
        if previous is not None:
            # Acks in arrival order: this batch's wait for the one before it,
            # however that one ended (its own failure is raised where it is awaited).
            await asyncio.wait([previous])
        for pending, result in zip(batch, results, strict=True):
            if result.superseded:
                self._metrics.superseded.inc()
            elif result.ok:
                if pending.item.document is None:
                    self._metrics.deleted.inc()
                else:
                    self._metrics.indexed.inc()
            else:
                await self._dead_letter(
                    pending.event.message,
                    stage="index",
                    reason=f"Elasticsearch refused the document ({result.status} "
                    f"{result.error_type}): {result.reason}",
                    article_id=pending.item.doc_id,
                    details={"status": result.status, "error_type": result.error_type},
                )
            pending.event.ack()
        log.debug("flushed %d documents", len(batch))

    async def close(self) -> None:
        """Wait for the writes in flight (their events are acked when they end)."""
        while self._writing:
            try:
                await self._writing.popleft()
            except WriterClosed as exc:
                log.warning("%s: left unacked, read again by the next worker", exc)
            except Exception:
                log.exception("the last bulk write failed while shutting down")
