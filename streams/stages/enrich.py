"""The enrich stage: a raw message becomes an enriched one, or a dead letter with its reason.

No Faust here: the agent hands each message (value, key, topic, partition, offset,
timestamp) to :meth:`EnrichStage.handle`, which decides what becomes of it and sends
the result through injected senders. The rules (``tests/unit/test_enrich_stage.py``):

- every message has exactly one outcome: an enriched article, a deletion passed on
  (a tombstone with a key), or a dead letter naming the stage and the reason;
  nothing is dropped, and an unexpected error in the NLP is a dead letter too;
- the article's external version comes from the raw message's position (time and
  offset), so a copy read again after a crash carries the same version;
- a near-copy of an earlier article is marked ``duplicate_of`` it;
- an enriched message never exceeds the topic's message limit: a long article's word
  fields (which the indexer can derive again) are left out first, and one still too
  big is a dead letter, rather than a producer error that would stop the agent.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from streams.errors import InvalidArticle, StreamsError
from streams.metrics import PipelineMetrics
from streams.records import VERSION_HEADER, EnrichedArticle, RawArticle, article_version
from streams.stages.index import DeadLetter

log = logging.getLogger(__name__)


class Enrichment(Protocol):
    async def enrich(self, article: RawArticle) -> EnrichedArticle: ...


# (key, value or None for a deletion, headers) → sent to the enriched topic.
Send = Callable[[bytes, bytes | None, list[tuple[str, bytes]]], Awaitable[None]]
# (article id, fingerprint) → the id of the earlier article it nearly copies.
NearDuplicateOf = Callable[[str, str], str | None]


class EnrichStage:
    """Enriches raw messages and sends each result on.

    Args:
        enrichment: runs the NLP off the event loop (a pool of processes or a thread).
        send: sends to the enriched topic.
        dead_letter: sends a message to the dead-letter topic with its reason.
        near_duplicate_of: looks a fingerprint up among earlier articles.
        metrics: the worker's counters.
        max_bytes: the largest enriched message the topic takes.
    """

    def __init__(
        self,
        enrichment: Enrichment,
        send: Send,
        dead_letter: DeadLetter,
        near_duplicate_of: NearDuplicateOf,
        metrics: PipelineMetrics,
        *,
        max_bytes: int,
    ) -> None:
        self._enrichment = enrichment
        self._send = send
        self._dead_letter = dead_letter
        self._near_duplicate_of = near_duplicate_of
        self._metrics = metrics
        self._max_bytes = max_bytes

    async def handle(self, message: Any) -> None:
        """The one outcome of ``message``: sent on, passed on as a deletion, or dead-lettered."""
        version = article_version(message.timestamp, message.offset)
        if message.value is None:
            await self._deletion(message, version)
            return
        try:
            raw = RawArticle.from_bytes(message.value)
        except InvalidArticle as exc:
            await self._dead_letter(message, stage=exc.stage, exc=exc)
            return
        enriched = await self._enrich(message, raw)
        if enriched is None:
            return
        if enriched.simhash is not None:
            original = self._near_duplicate_of(enriched.id, enriched.simhash)
            if original is not None:
                enriched = dataclasses.replace(enriched, duplicate_of=original)
                self._metrics.near_duplicates.inc()
        value = self._encoded(dataclasses.replace(enriched, version=version))
        if len(value) > self._max_bytes:
            await self._dead_letter(
                message,
                stage="enrich",
                reason=f"the enriched article is {len(value)} bytes, over the "
                f"{self._max_bytes}-byte message limit",
                article_id=enriched.id,
            )
            return
        await self._send(enriched.id.encode(), value, [])
        self._metrics.enriched.inc()

    async def _deletion(self, message: Any, version: int) -> None:
        # A tombstone: the publisher deletes the article; pass the deletion on, with
        # the version that keeps an older copy from bringing the article back.
        if message.key is None:
            await self._dead_letter(message, stage="decode", reason="tombstone without a key")
            return
        await self._send(message.key, None, [(VERSION_HEADER, str(version).encode())])

    async def _enrich(self, message: Any, raw: RawArticle) -> EnrichedArticle | None:
        try:
            with self._metrics.enrich_seconds.time():
                return await self._enrichment.enrich(raw)
        except InvalidArticle as exc:
            await self._dead_letter(message, stage="validate", exc=exc, article_id=raw.id)
        except StreamsError as exc:
            await self._dead_letter(
                message, stage="enrich", exc=exc, retriable=exc.retriable, article_id=raw.id
            )
        except Exception as exc:
            log.exception("enrichment failed unexpectedly for %s", raw.id)
            await self._dead_letter(message, stage="enrich", exc=exc, article_id=raw.id)
        return None

    def _encoded(self, enriched: EnrichedArticle) -> bytes:
        value = enriched.to_bytes()
        if len(value) > self._max_bytes:
            # A long article's word fields double it (a 10.5 MB article made 22 MB,
            # which the producer refused, stopping the agent on every retry). The
            # indexer derives them again, bounded by max_segmented_chars.
            value = dataclasses.replace(enriched, title_words="", content_words="").to_bytes()
        return value
