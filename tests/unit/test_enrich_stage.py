"""The enrich stage's rules, without Faust or Kafka: one outcome per message.

Each raw message becomes an enriched message, a deletion passed on, or a dead letter
with its stage and reason; nothing is dropped, and no enriched message is ever too
big for the topic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from streams.errors import EnrichmentError, InvalidArticle
from streams.metrics import PipelineMetrics
from streams.records import VERSION_HEADER, EnrichedArticle, RawArticle, article_version
from streams.stages.enrich import EnrichStage

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(10)]


@dataclass
class Message:
    value: bytes | None
    key: bytes | None
    offset: int = 7
    topic: str = "raw"
    partition: int = 0
    timestamp: float = 1_700_000_000.0


class Enrichment:
    """Stands in for the pool: an article's own fields, or what the test makes it raise."""

    def __init__(self, fail: Exception | None = None, content_words: str = "") -> None:
        self.fail = fail
        self.content_words = content_words

    async def enrich(self, article: RawArticle) -> EnrichedArticle:
        if self.fail is not None:
            raise self.fail
        return EnrichedArticle(
            id=article.id,
            title=article.title,
            content=article.content,
            language="vi",
            simhash="00ff00ff00ff00ff",
            content_words=self.content_words,
        )


class Sink:
    def __init__(self) -> None:
        self.sent: list[tuple[bytes, bytes | None, list[tuple[str, bytes]]]] = []
        self.letters: list[tuple[str, str, dict[str, Any]]] = []

    async def send(self, key: bytes, value: bytes | None, headers: list[tuple[str, bytes]]) -> None:
        self.sent.append((key, value, headers))

    async def dead_letter(self, message: Any, *, stage: Any, **details: Any) -> None:
        reason = details.get("reason") or str(details.get("exc"))
        self.letters.append((stage, reason, details))


def _stage(
    enrichment: Enrichment,
    sink: Sink,
    *,
    copies: dict[str, str] | None = None,
    max_bytes: int = 1 << 20,
) -> EnrichStage:
    return EnrichStage(
        enrichment,
        sink.send,
        sink.dead_letter,
        lambda article_id, _fingerprint: (copies or {}).get(article_id),
        PipelineMetrics(CollectorRegistry()),
        max_bytes=max_bytes,
    )


def _raw(article_id: str = "a1", content: str = "Nội dung về Hà Nội.") -> bytes:
    return json.dumps({"id": article_id, "title": "Tiêu đề", "content": content}).encode()


async def test_an_article_is_sent_on_with_the_version_of_its_raw_message() -> None:
    sink = Sink()
    message = Message(_raw(), b"a1")
    await _stage(Enrichment(), sink).handle(message)
    ((key, value, headers),) = sink.sent
    assert value is not None and key == b"a1" and headers == []
    article = EnrichedArticle.from_bytes(value)
    assert article.id == "a1" and article.duplicate_of is None
    assert article.version == article_version(message.timestamp, message.offset)
    assert sink.letters == []


async def test_a_near_copy_is_marked_with_the_article_it_copies() -> None:
    sink = Sink()
    await _stage(Enrichment(), sink, copies={"a1": "a0"}).handle(Message(_raw(), b"a1"))
    assert EnrichedArticle.from_bytes(sink.sent[0][1] or b"").duplicate_of == "a0"


async def test_a_deletion_is_passed_on_with_its_version_and_one_without_a_key_is_dead() -> None:
    sink = Sink()
    stage = _stage(Enrichment(), sink)
    await stage.handle(Message(None, b"a1", offset=9))
    await stage.handle(Message(None, None, offset=10))
    ((key, value, headers),) = sink.sent
    version = article_version(Message(None, None).timestamp, 9)
    assert (key, value, headers) == (b"a1", None, [(VERSION_HEADER, str(version).encode())])
    assert [(stage_, reason) for stage_, reason, _ in sink.letters] == [
        ("decode", "tombstone without a key")
    ]


@pytest.mark.parametrize(
    ("value", "fail", "stage"),
    [
        (b"\xff\xfe not json", None, "decode"),
        (json.dumps({"id": "a1", "content": "no title"}).encode(), None, "validate"),
        (_raw(), InvalidArticle("not Vietnamese", stage="validate"), "validate"),
        (_raw(), EnrichmentError("the pool died twice"), "enrich"),
        (_raw(), RuntimeError("a bug in the NLP"), "enrich"),
    ],
)
async def test_every_failure_is_one_dead_letter_never_a_drop_nor_a_crash(
    value: bytes, fail: Exception | None, stage: str
) -> None:
    sink = Sink()
    await _stage(Enrichment(fail=fail), sink).handle(Message(value, b"a1"))
    assert sink.sent == []
    assert [s for s, _, _ in sink.letters] == [stage]


async def test_an_enriched_article_never_exceeds_the_message_limit() -> None:
    sink = Sink()
    words = "từ " * 2_000
    # Too big only because of its word fields: sent without them (the indexer remakes them).
    await _stage(Enrichment(content_words=words), sink, max_bytes=4_000).handle(
        Message(_raw(), b"a1")
    )
    ((_, value, _),) = sink.sent
    assert value is not None and len(value) <= 4_000
    assert EnrichedArticle.from_bytes(value).content_words == ""
    # Too big whatever is left out: a dead letter naming the size, not a producer error.
    big = Sink()
    await _stage(Enrichment(), big, max_bytes=4_000).handle(
        Message(_raw("a2", content="chữ " * 2_000), b"a2")
    )
    assert big.sent == []
    ((stage, reason, details),) = big.letters
    assert stage == "enrich" and "over the 4000-byte message limit" in reason
    assert details["article_id"] == "a2"
