"""The index stage's at-least-once rules, without Faust or Elasticsearch.

An ack never passes an earlier event that is not acked; nothing is acked before
its document's outcome is final; a permanent refusal is dead-lettered then acked;
an outage is retried with the partitions paused, and they resume.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from elastic_transport import ConnectionError
from prometheus_client import CollectorRegistry

from config import IndexerSettings
from indexers.bulk import BulkItem, BulkWriter, ItemResult
from streams.metrics import PipelineMetrics
from streams.records import VERSION_HEADER, EnrichedArticle
from streams.stages.index import IndexStage
from tests.unit.fakes import FakeBulkClient

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(10)]


@dataclass
class Message:
    value: bytes | None
    key: bytes | None
    offset: int
    headers: list[tuple[str, bytes]] = field(default_factory=list)
    topic: str = "enriched"
    partition: int = 0
    timestamp: float = 1.0


@dataclass
class Event:
    message: Message
    acks: list[int]

    def ack(self) -> bool:
        self.acks.append(self.message.offset)
        return True


class Documents:
    """Stands in for DocumentBuilder: the fields are the document."""

    def document(self, fields: dict[str, Any]) -> dict[str, Any]:
        return fields


class DeadLetters:
    def __init__(self) -> None:
        self.letters: list[tuple[int, str, str]] = []

    async def __call__(self, message: Any, *, stage: Any, **details: Any) -> None:
        reason = details.get("reason") or str(details.get("exc"))
        self.letters.append((message.offset, stage, reason))


class GatedWriter:
    """Each write waits until the test opens its gate; every item succeeds."""

    def __init__(self) -> None:
        self.retries = 0
        self.gates: list[asyncio.Event] = []
        self.batches: list[list[str]] = []

    async def write(self, items: Sequence[BulkItem]) -> list[ItemResult]:
        gate = asyncio.Event()
        self.gates.append(gate)
        self.batches.append([i.doc_id for i in items])
        await gate.wait()
        return [ItemResult(True, 201) for _ in items]


def _event(offset: int, acks: list[int], **article: Any) -> Event:
    record = EnrichedArticle(id=f"a{offset}", title="Tiêu đề", content="Nội dung", language="vi")
    value = record.to_bytes() if not article.get("raw") else article["raw"]
    return Event(Message(value, f"a{offset}".encode(), offset), acks)


def _stage(writer: Any, letters: DeadLetters, **settings: Any) -> IndexStage:
    return IndexStage(
        writer,
        Documents(),  # type: ignore[arg-type]
        IndexerSettings(**settings),
        PipelineMetrics(CollectorRegistry()),
        letters,
        input_drained=lambda: False,
    )


async def _until(condition: Any) -> None:
    while not condition():
        await asyncio.sleep(0)  # let the writes in flight run


async def test_acks_keep_arrival_order_when_a_later_write_finishes_first() -> None:
    acks: list[int] = []
    writer = GatedWriter()
    stage = _stage(writer, DeadLetters(), batch_max_docs=2, max_inflight_batches=2)
    for offset in range(4):
        await stage.handle(_event(offset, acks))
    await _until(lambda: len(writer.gates) == 2)
    assert writer.batches == [["a0", "a1"], ["a2", "a3"]]
    writer.gates[1].set()  # the second write finishes first ...
    for _ in range(20):
        await asyncio.sleep(0)
    assert acks == []  # ... but is not acked past the first, still in flight
    writer.gates[0].set()
    await stage.flush(wait=True)
    assert acks == [0, 1, 2, 3]


async def test_nothing_is_acked_before_its_write_returns_and_close_waits() -> None:
    acks: list[int] = []
    writer = GatedWriter()
    stage = _stage(writer, DeadLetters(), batch_max_docs=1)
    await stage.handle(_event(7, acks))
    await _until(lambda: writer.gates)
    assert acks == []
    closing = asyncio.ensure_future(stage.close())
    await asyncio.sleep(0)
    assert not closing.done()
    writer.gates[0].set()
    await closing
    assert acks == [7]


async def test_a_refused_document_is_dead_lettered_then_acked_never_dropped() -> None:
    class Refusing(GatedWriter):
        async def write(self, items: Sequence[BulkItem]) -> list[ItemResult]:
            return [ItemResult(False, 400, "mapper_parsing_exception", "bad date")] * len(items)

    acks: list[int] = []
    letters = DeadLetters()
    stage = _stage(Refusing(), letters, batch_max_docs=1)
    await stage.handle(_event(3, acks))
    await stage.flush(wait=True)
    assert acks == [3]
    assert letters.letters == [
        (3, "index", "Elasticsearch refused the document (400 mapper_parsing_exception): bad date")
    ]


async def test_undecodable_messages_and_keyless_tombstones_are_dead_lettered_and_acked() -> None:
    acks: list[int] = []
    letters = DeadLetters()
    writer = GatedWriter()
    stage = _stage(writer, letters, batch_max_docs=10)
    await stage.handle(_event(0, acks, raw=b"{not json"))
    await stage.handle(Event(Message(None, None, 1), acks))
    assert acks == [0, 1]
    assert [(o, s) for o, s, _ in letters.letters] == [(0, "decode"), (1, "decode")]
    assert letters.letters[1][2] == "tombstone without a key"
    assert writer.batches == []


async def test_a_tombstone_deletes_with_the_version_it_carries() -> None:
    acks: list[int] = []
    writer = GatedWriter()
    stage = _stage(writer, DeadLetters(), batch_max_docs=1)
    headers = [(VERSION_HEADER, b"1234")]
    tombstone = Event(Message(None, b"gone", 5, headers=headers), acks)
    written: list[BulkItem] = []
    original = writer.write

    async def spy(items: Sequence[BulkItem]) -> list[ItemResult]:
        written.extend(items)
        return await original(items)

    writer.write = spy  # type: ignore[method-assign]
    await stage.handle(tombstone)
    await _until(lambda: writer.gates)
    writer.gates[0].set()
    await stage.flush(wait=True)
    assert [(i.doc_id, i.document, i.version) for i in written] == [("gone", None, 1234)]
    assert acks == [5]


async def test_an_outage_pauses_retries_and_resumes_and_acks_only_after_the_write() -> None:
    hooks: list[str] = []
    acks: list[int] = []

    def ok(operations: list[dict[str, Any]]) -> dict[str, Any]:
        assert acks == [], "acked while Elasticsearch was down"
        return {"errors": False, "items": [{"index": {"status": 201}}] * (len(operations) // 2)}

    def down(operations: list[dict[str, Any]]) -> Any:
        raise ConnectionError("refused")

    client = FakeBulkClient([down, down, ok])

    async def no_wait(delay: float) -> None:
        return None

    writer = BulkWriter(
        client,  # type: ignore[arg-type]
        "alias",
        IndexerSettings(),
        on_unavailable=lambda: hooks.append("pause"),
        on_available=lambda: hooks.append("resume"),
        sleep=no_wait,
    )
    stage = _stage(writer, DeadLetters(), batch_max_docs=2)
    await stage.handle(_event(0, acks))
    await stage.handle(_event(1, acks))
    await stage.flush(wait=True)
    assert hooks == ["pause", "resume"]
    assert len(client.requests) == 3
    assert acks == [0, 1]


async def test_a_batch_waiting_longer_than_linger_goes_out() -> None:
    now = [100.0]
    acks: list[int] = []
    writer = GatedWriter()
    stage = IndexStage(
        writer,
        Documents(),  # type: ignore[arg-type]
        IndexerSettings(batch_max_docs=100, linger_s=0.5),
        PipelineMetrics(CollectorRegistry()),
        DeadLetters(),
        input_drained=lambda: False,
        clock=lambda: now[0],
    )
    await stage.handle(_event(0, acks))
    await stage.flush_if_lingering()
    assert writer.batches == []
    now[0] += 0.6
    await stage.flush_if_lingering()
    await _until(lambda: writer.gates)
    assert writer.batches == [["a0"]]
    writer.gates[0].set()
    await stage.flush(wait=True)
    assert acks == [0]
