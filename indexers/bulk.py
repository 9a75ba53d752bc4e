"""Bulk writing with per-item results.

A bulk response with HTTP 200 can hide failed items, so every item is looked
at: 429 and 5xx items (and a node that cannot be reached at all) are retried
with exponential backoff and jitter for as long as it takes; any other failure
is permanent for that document and is returned to the caller, who dead-letters
it. A write block on the index (``tinstream index migrate`` sets one while it
copies) is waited out the same way. Documents carry external versions, so a
version conflict means Elasticsearch already holds a newer copy: the item is done,
``superseded``, not failed. ``write`` returns only when every item has a final
outcome, which is what lets the caller commit offsets after Elasticsearch
acknowledged the documents.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

import orjson
from elasticsearch import ApiError, AsyncElasticsearch, TransportError

from config import IndexerSettings
from indexers.access import refusal_reason
from indexers.errors import IndexerError
from indexers.mapping import TOMBSTONE_FIELD

log = logging.getLogger(__name__)

# A delete of a document that is not there has done its job.
_OK_DELETE = frozenset({200, 404})
_RETRIABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})
# A request, or its items, refused for its credentials (401) or their privileges
# (403) says nothing about the documents: wait, paused, for an operator to fix them
# rather than dead-letter the stream.
_REFUSED = frozenset({401, 403})
_REQUEST_RETRIABLE = _RETRIABLE_STATUS | _REFUSED


@dataclass(frozen=True, slots=True)
class BulkItem:
    """One action: index ``document`` under ``doc_id``, or delete it when ``document`` is None.

    A versioned delete is written as a tombstone document under its version (see
    ``indexers.mapping.TOMBSTONE_FIELD``), so that it stays final against older
    copies; only an unversioned one is a real delete. The document is serialised
    once, here (orjson: several times faster than the standard library on the
    indexer's hot path); that is also its size.
    """

    doc_id: str
    document: dict[str, Any] | None
    # External version (see streams.records.article_version); None: last write wins.
    version: int | None = None
    source: bytes | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.document is not None:
            source: bytes | None = orjson.dumps(self.document)
        elif self.version is not None:
            deleted_at = datetime.now(UTC).isoformat()
            source = orjson.dumps({TOMBSTONE_FIELD: True, "deleted_at": deleted_at})
        else:
            source = None
        object.__setattr__(self, "source", source)

    def ndjson(self, index: str) -> bytes:
        """The action and its document, newline-terminated, ready for the bulk body."""
        meta: dict[str, Any] = {"_index": index, "_id": self.doc_id}
        if self.version is not None:
            meta["version"] = self.version
            meta["version_type"] = "external"
        if self.source is None:
            return orjson.dumps({"delete": meta}) + b"\n"
        return orjson.dumps({"index": meta}) + b"\n" + self.source + b"\n"

    def size_bytes(self) -> int:
        return 64 + (len(self.source) if self.source is not None else 0)


@dataclass(frozen=True, slots=True)
class ItemResult:
    """The final outcome of one item: ``ok`` or a permanent error from Elasticsearch."""

    ok: bool
    status: int
    error_type: str | None = None
    reason: str | None = None
    # Elasticsearch holds a newer version of the document; nothing was written.
    superseded: bool = False


Sleep = Callable[[float], Awaitable[None]]
Hook = Callable[[], None]
# (status, Elasticsearch's reason) -> the line that says which setting to fix.
Describe = Callable[[int, str], str]


def _describe_refusal(status: int, reason: str) -> str:
    return f"Elasticsearch refused the credentials ({status}: {reason})"


def _nothing() -> None:
    return None


class WriterClosed(IndexerError):
    """The writer was closed while a batch waited for Elasticsearch: the batch ends
    without results, its events stay unacked, and its offsets uncommitted, so the
    next worker reads it again."""


def _blocked(error: dict[str, Any]) -> bool:
    """A write block (read-only index, e.g. during a migration): wait, do not fail."""
    return error.get("type") == "cluster_block_exception"


class BulkWriter:
    """Writes batches of :class:`BulkItem` into an index or alias.

    Args:
        client: the Elasticsearch client (injected).
        index: index or alias written to.
        settings: retry timing and refresh policy.
        on_unavailable: called when Elasticsearch cannot take writes and the writer
            starts waiting (the pipeline pauses its partitions).
        on_available: called when writes go through again after that.
        describe_refusal: the line logged, once per outage, when Elasticsearch
            refuses the credentials or a privilege (it names the setting to fix).
        sleep, jitter: injectable for tests.
    """

    def __init__(
        self,
        client: AsyncElasticsearch,
        index: str,
        settings: IndexerSettings,
        *,
        on_unavailable: Hook = _nothing,
        on_available: Hook = _nothing,
        describe_refusal: Describe = _describe_refusal,
        sleep: Sleep = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._client = client
        self._index = index
        self._settings = settings
        self._on_unavailable = on_unavailable
        self._on_available = on_available
        self._describe_refusal = describe_refusal
        self._sleep = sleep
        self._jitter = jitter
        self.retries = 0
        self.waiting = False
        # The refusal already said in this outage: its retries log at debug only.
        self._refusal_said = False
        self._closed = asyncio.Event()

    def close(self) -> None:
        """Stop waiting: a batch that waits for Elasticsearch (down, or refusing the
        credentials) ends with :class:`WriterClosed` at once, so a worker stops within
        its deadline whatever state the node is in."""
        self._closed.set()

    async def _wait(
        self, attempt: int, what: str, count: int, *, refused: tuple[int, str] | None = None
    ) -> None:
        if not self.waiting:
            self.waiting = True
            self._on_unavailable()
        delay = self._backoff(attempt)
        if refused is not None and not self._refusal_said:
            self._refusal_said = True
            log.error(
                "%s; the enriched partitions stay paused and %d documents wait, "
                "retried every %.0fs at most",
                self._describe_refusal(*refused),
                count,
                self._settings.retry_max_s,
            )
        elif refused is not None:
            log.debug("still refused; retrying %d documents in %.1fs", count, delay)
        else:
            log.warning("%s; retrying %d documents in %.1fs", what, count, delay)
        self.retries += 1
        sleeping = asyncio.ensure_future(self._sleep(delay))
        closing = asyncio.ensure_future(self._closed.wait())
        await asyncio.wait({sleeping, closing}, return_when=asyncio.FIRST_COMPLETED)
        for waiter in (sleeping, closing):
            waiter.cancel()
        if self._closed.is_set():
            raise WriterClosed(f"closed while {count} documents waited for Elasticsearch")

    def _recovered(self) -> None:
        self._refusal_said = False
        if self.waiting:
            self.waiting = False
            log.info("Elasticsearch takes writes again")
            self._on_available()

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self._settings.retry_max_s, self._settings.retry_initial_s * 2**attempt)
        # "Full jitter": spreads the retries of many workers after an outage.
        return float(ceiling * (0.5 + 0.5 * self._jitter()))

    async def write(self, items: Sequence[BulkItem]) -> list[ItemResult]:
        """Write every item; return one final result per item, in order."""
        results: list[ItemResult | None] = [None] * len(items)
        pending = list(range(len(items)))
        attempt = 0
        while pending:
            # Pre-serialised NDJSON, which the client sends as it is.
            body = b"".join(items[i].ndjson(self._index) for i in pending)
            try:
                started = time.perf_counter()
                response = await self._client.bulk(
                    operations=cast(Any, body), refresh=self._settings.refresh
                )
                log.debug(
                    "bulk of %d items took %.3fs", len(pending), time.perf_counter() - started
                )
            except (TransportError, ApiError) as exc:
                status = getattr(exc, "status_code", None) or getattr(exc, "status", None)
                if isinstance(exc, ApiError) and status not in _REQUEST_RETRIABLE:
                    # The whole request was refused (e.g. 400, 413): judge items one by one.
                    self._recovered()
                    if len(pending) > 1:
                        for i in pending:
                            results[i] = (await self.write([items[i]]))[0]
                        return [r for r in results if r is not None]
                    reason = str(exc)[:1000]
                    results[pending[0]] = ItemResult(False, int(status or 0), "request", reason)
                    return [r for r in results if r is not None]
                refused = None
                if isinstance(exc, ApiError) and status in _REFUSED:
                    refused = (int(status), _request_reason(exc))
                await self._wait(
                    attempt,
                    f"Elasticsearch unavailable ({type(exc).__name__})",
                    len(pending),
                    refused=refused,
                )
                attempt += 1
                continue
            retry: list[int] = []
            why = ""
            item_refused: tuple[int, str] | None = None
            for i, entry in zip(pending, response["items"], strict=True):
                ((action, outcome),) = entry.items()
                status = int(outcome.get("status", 0))
                error = outcome.get("error") or {}
                if 200 <= status < 300 or (action == "delete" and status in _OK_DELETE):
                    results[i] = ItemResult(True, status)
                elif status == 409 and items[i].version is not None:
                    results[i] = ItemResult(True, status, superseded=True)
                elif status in _RETRIABLE_STATUS or _blocked(error):
                    retry.append(i)
                    # Say why in the warning: a flood-stage block (429
                    # cluster_block_exception) needs an operator, a busy node does not.
                    why = why or f" ({status} {error.get('type')}: {_reason(error)[:300]})"
                elif status in _REFUSED:
                    # Per item: a privilege on this index is missing (the whole
                    # batch, in practice); the documents are fine, so wait.
                    retry.append(i)
                    item_refused = item_refused or (status, _reason(error))
                else:
                    results[i] = ItemResult(
                        False,
                        status,
                        error.get("type", "unknown"),
                        _reason(error),
                    )
            pending = retry
            if pending:
                await self._wait(
                    attempt,
                    f"bulk items rejected transiently{why}",
                    len(pending),
                    refused=item_refused,
                )
                attempt += 1
        self._recovered()
        return [r for r in results if r is not None]


def _request_reason(exc: ApiError) -> str:
    return refusal_reason(exc.body, str(exc.message))


def _reason(error: dict[str, Any]) -> str:
    reason = str(error.get("reason", ""))
    cause = error.get("caused_by")
    if isinstance(cause, dict) and cause.get("reason"):
        reason = f"{reason}: {cause.get('type')}: {cause['reason']}"
    return reason[:2000]
