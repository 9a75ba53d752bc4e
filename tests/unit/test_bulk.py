"""Per-item bulk outcomes: success, transient retry with backoff, permanent failure."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from elastic_transport import ApiResponseMeta, ConnectionError, HttpHeaders, NodeConfig
from elasticsearch import ApiError

from config import IndexerSettings
from indexers.bulk import BulkItem, BulkWriter, WriterClosed
from indexers.mapping import is_tombstone
from tests.unit.fakes import FakeBulkClient

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(10)]


def _items(n: int) -> list[BulkItem]:
    return [BulkItem(doc_id=str(i), document={"title": f"t{i}"}) for i in range(n)]


def _answer(*statuses: int, action: str = "index", error: str | None = None) -> Any:
    def respond(operations: list[dict[str, Any]]) -> dict[str, Any]:
        items = []
        for status in statuses:
            outcome: dict[str, Any] = {"status": status}
            if status >= 300:
                outcome["error"] = {
                    "type": error or "mapper_parsing_exception",
                    "reason": "bad field",
                    "caused_by": {"type": "x", "reason": "why"},
                }
            items.append({action: outcome})
        return {"errors": any(s >= 300 for s in statuses), "items": items}

    return respond


def _raise(exc: Exception) -> Any:
    def respond(operations: list[dict[str, Any]]) -> Any:
        raise exc

    return respond


class Recorder:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


def _writer(client: FakeBulkClient, sleep: Recorder, **hooks: Any) -> BulkWriter:
    settings = IndexerSettings(retry_initial_s=0.1, retry_max_s=1.0)
    return BulkWriter(client, "alias", settings, sleep=sleep, jitter=lambda: 1.0, **hooks)  # type: ignore[arg-type]


def _api_error(status: int, message: str) -> ApiError:
    meta = ApiResponseMeta(status, "1.1", HttpHeaders(), 0.0, NodeConfig("http", "h", 1))
    return ApiError(message, meta, {})


async def test_success_writes_ids_in_one_request() -> None:
    client = FakeBulkClient([_answer(201, 200)])
    results = await _writer(client, Recorder()).write(_items(2))
    assert [r.ok for r in results] == [True, True]
    assert client.requests[0][0] == {"index": {"_index": "alias", "_id": "0"}}


async def test_only_transient_items_are_retried_with_growing_backoff() -> None:
    client = FakeBulkClient([_answer(201, 429, 503), _answer(429, 201), _answer(200)])
    sleep = Recorder()
    results = await _writer(client, sleep).write(_items(3))
    assert [r.ok for r in results] == [True, True, True]
    assert [len(r) for r in client.requests] == [6, 4, 2]  # action + source per item
    assert client.requests[2][0]["index"]["_id"] == "1"
    assert sleep.delays == [0.1, 0.2]


async def test_permanent_failure_is_returned_not_retried() -> None:
    client = FakeBulkClient([_answer(201, 400)])
    results = await _writer(client, Recorder()).write(_items(2))
    assert results[0].ok
    assert not results[1].ok
    assert results[1].status == 400
    assert results[1].error_type == "mapper_parsing_exception"
    assert "bad field: x: why" in (results[1].reason or "")
    assert len(client.requests) == 1


async def test_unreachable_node_is_retried_until_it_answers() -> None:
    down = ConnectionError("refused")
    client = FakeBulkClient([_raise(down)] * 5 + [_answer(201)])
    sleep = Recorder()
    results = await _writer(client, sleep).write(_items(1))
    assert results[0].ok
    assert sleep.delays == [0.1, 0.2, 0.4, 0.8, 1.0]  # capped at retry_max_s


async def test_delete_of_missing_document_is_ok() -> None:
    client = FakeBulkClient([_answer(404, action="delete")])
    results = await _writer(client, Recorder()).write([BulkItem("gone", None)])
    assert results[0].ok
    assert client.requests[0] == [{"delete": {"_index": "alias", "_id": "gone"}}]


async def test_refused_request_is_judged_item_by_item() -> None:
    too_big = _api_error(413, "Request Entity Too Large")
    client = FakeBulkClient([_raise(too_big), _answer(201), _raise(too_big)])
    results = await _writer(client, Recorder()).write(_items(2))
    assert results[0].ok
    assert (results[1].ok, results[1].status) == (False, 413)


@pytest.mark.parametrize("n", [0])
async def test_empty_batch_sends_nothing(n: int) -> None:
    client = FakeBulkClient([])
    assert await _writer(client, Recorder()).write(_items(n)) == []
    assert client.requests == []


async def test_versioned_items_carry_external_versions() -> None:
    client = FakeBulkClient([_answer(201, 200, action="index")])
    items = [BulkItem("a", {"title": "t"}, version=7), BulkItem("b", None, version=9)]
    await _writer(client, Recorder()).write(items)
    assert client.requests[0][0] == {
        "index": {"_index": "alias", "_id": "a", "version": 7, "version_type": "external"}
    }
    # A versioned delete is a tombstone document under the delete's version, which
    # stays final against older copies (a real delete's version is forgotten after
    # index.gc_deletes, 60 s, and on a shard restart).
    assert client.requests[0][2] == {
        "index": {"_index": "alias", "_id": "b", "version": 9, "version_type": "external"}
    }
    tombstone = client.requests[0][3]
    assert tombstone["tombstone"] is True and "title" not in tombstone
    assert is_tombstone(tombstone)


async def test_an_unversioned_delete_is_a_real_delete() -> None:
    client = FakeBulkClient([_answer(200, action="delete")])
    results = await _writer(client, Recorder()).write([BulkItem("b", None)])
    assert client.requests[0] == [{"delete": {"_index": "alias", "_id": "b"}}]
    assert results[0].ok


async def test_an_older_copy_after_a_tombstone_is_superseded() -> None:
    conflict = _answer(409, error="version_conflict_engine_exception")
    client = FakeBulkClient([_answer(201), conflict])
    writer = _writer(client, Recorder())
    await writer.write([BulkItem("a", None, version=9)])
    (older,) = await writer.write([BulkItem("a", {"title": "t"}, version=7)])
    assert (older.ok, older.superseded) == (True, True)


async def test_version_conflict_means_a_newer_copy_is_there() -> None:
    client = FakeBulkClient([_answer(409, error="version_conflict_engine_exception")])
    results = await _writer(client, Recorder()).write([BulkItem("a", {"t": 1}, version=1)])
    assert (results[0].ok, results[0].superseded) == (True, True)
    assert len(client.requests) == 1


async def test_unversioned_conflict_is_a_failure() -> None:
    client = FakeBulkClient([_answer(409, error="version_conflict_engine_exception")])
    results = await _writer(client, Recorder()).write(_items(1))
    assert not results[0].ok


async def test_write_block_is_waited_out_not_dead_lettered() -> None:
    blocked = _answer(403, error="cluster_block_exception")
    client = FakeBulkClient([blocked, blocked, _answer(201)])
    sleep = Recorder()
    results = await _writer(client, sleep).write(_items(1))
    assert results[0].ok
    assert len(sleep.delays) == 2


async def test_flood_stage_block_is_waited_out_and_named(caplog: pytest.LogCaptureFixture) -> None:
    # Elasticsearch 8.19's answer for an index with read_only_allow_delete (the
    # flood-stage watermark's block): HTTP 200, each item 429 cluster_block_exception,
    # deletes included.
    reason = (
        "index [news-v1] blocked by: [TOO_MANY_REQUESTS/12/disk usage exceeded "
        "flood-stage watermark, index has read-only-allow-delete block];"
    )

    def flood(operations: list[dict[str, Any]]) -> dict[str, Any]:
        error = {"type": "cluster_block_exception", "reason": reason}
        items = [{action: {"status": 429, "error": error}} for action in ("index", "delete")]
        return {"errors": True, "items": items}

    client = FakeBulkClient([flood, flood, _answer(201, 200)])
    items = [BulkItem("a", {"title": "t"}, version=2), BulkItem("b", None, version=3)]
    sleep = Recorder()
    with caplog.at_level("WARNING", logger="indexers.bulk"):
        results = await _writer(client, sleep).write(items)
    assert [(r.ok, r.superseded) for r in results] == [(True, False), (True, False)]
    assert len(sleep.delays) == 2
    assert "flood-stage watermark" in caplog.text and "cluster_block_exception" in caplog.text


async def test_refused_credentials_wait_instead_of_failing_every_document() -> None:
    client = FakeBulkClient([_raise(_api_error(401, "unauthorized")), _answer(201, 201)])
    results = await _writer(client, Recorder()).write(_items(2))
    assert [r.ok for r in results] == [True, True]


async def test_outage_pauses_once_and_resumes_once() -> None:
    events: list[str] = []
    down = ConnectionError("refused")
    client = FakeBulkClient([_raise(down)] * 3 + [_answer(201)] + [_answer(201)])
    writer = _writer(
        client,
        Recorder(),
        on_unavailable=lambda: events.append("pause"),
        on_available=lambda: events.append("resume"),
    )
    await writer.write(_items(1))
    await writer.write(_items(1))
    assert events == ["pause", "resume"]
    assert not writer.waiting


async def test_a_missing_write_privilege_waits_and_is_said_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A role without `write` on the index: every item is refused with 403; the
    # documents are fine, so nothing may be dead-lettered: wait, paused, until the
    # privilege is granted, and say so once, naming the setting.
    refused = _answer(403, 403, error="security_exception")
    client = FakeBulkClient([refused] * 4 + [_answer(201, 201)])
    events: list[str] = []
    writer = _writer(
        client,
        Recorder(),
        on_unavailable=lambda: events.append("pause"),
        on_available=lambda: events.append("resume"),
        describe_refusal=lambda status, reason: f"REFUSED {status} check TINSTREAM_ES_API_KEY",
    )
    with caplog.at_level("DEBUG", logger="indexers.bulk"):
        results = await writer.write(_items(2))
    assert [r.ok for r in results] == [True, True]
    assert events == ["pause", "resume"]
    said = [r for r in caplog.records if "TINSTREAM_ES_API_KEY" in r.getMessage()]
    assert len(said) == 1 and said[0].levelname == "ERROR"
    assert "2 documents wait" in said[0].getMessage()
    # The other refusals are debug lines, not a warning per retry.
    assert not [r for r in caplog.records if r.levelname == "WARNING"]


async def test_refused_credentials_are_said_once_per_outage(
    caplog: pytest.LogCaptureFixture,
) -> None:
    expired = _raise(_api_error(401, "api key is expired"))
    client = FakeBulkClient([expired] * 3 + [_answer(201)] + [expired] * 2 + [_answer(201)])
    writer = _writer(
        client, Recorder(), describe_refusal=lambda status, reason: f"said {status} {reason}"
    )
    with caplog.at_level("INFO", logger="indexers.bulk"):
        await writer.write(_items(1))
        await writer.write(_items(1))
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 2
    assert all(e.startswith("said 401") for e in errors)


async def test_closing_ends_a_waiting_write_at_once() -> None:
    # Elasticsearch refuses the key; the worker is asked to stop meanwhile: the write
    # must end now (its events stay unacked), not after the next backoff.
    client = FakeBulkClient([_raise(_api_error(401, "expired"))] * 100)
    forever = asyncio.Event()

    async def long_sleep(delay: float) -> None:
        await forever.wait()

    writer = BulkWriter(client, "alias", IndexerSettings(), sleep=long_sleep)  # type: ignore[arg-type]
    write = asyncio.ensure_future(writer.write(_items(2)))
    while not writer.waiting:
        await asyncio.sleep(0)
    writer.close()
    with pytest.raises(WriterClosed, match="2 documents waited"):
        await asyncio.wait_for(write, timeout=2)
