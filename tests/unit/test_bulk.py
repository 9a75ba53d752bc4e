"""Per-item bulk outcomes: success, transient retry with backoff, permanent failure."""

from __future__ import annotations

from typing import Any

import pytest
from elastic_transport import ApiResponseMeta, ConnectionError, HttpHeaders, NodeConfig
from elasticsearch import ApiError

from config import IndexerSettings
from indexers.bulk import BulkItem, BulkWriter
from tests.unit.fakes import FakeBulkClient

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(10)]


def _items(n: int) -> list[BulkItem]:
    return [BulkItem(doc_id=str(i), document={"title": f"t{i}"}) for i in range(n)]


def _answer(*statuses: int, action: str = "index") -> Any:
    def respond(operations: list[dict[str, Any]]) -> dict[str, Any]:
        items = []
        for status in statuses:
            outcome: dict[str, Any] = {"status": status}
            if status >= 300:
                outcome["error"] = {
                    "type": "mapper_parsing_exception",
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


def _writer(client: FakeBulkClient, sleep: Recorder) -> BulkWriter:
    settings = IndexerSettings(retry_initial_s=0.1, retry_max_s=1.0)
    return BulkWriter(client, "alias", settings, sleep=sleep, jitter=lambda: 1.0)  # type: ignore[arg-type]


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
    meta = ApiResponseMeta(413, "1.1", HttpHeaders(), 0.0, NodeConfig("http", "h", 1))
    too_big = ApiError("Request Entity Too Large", meta, {})
    client = FakeBulkClient([_raise(too_big), _answer(201), _raise(too_big)])
    results = await _writer(client, Recorder()).write(_items(2))
    assert results[0].ok
    assert (results[1].ok, results[1].status) == (False, 413)


@pytest.mark.parametrize("n", [0])
async def test_empty_batch_sends_nothing(n: int) -> None:
    client = FakeBulkClient([])
    assert await _writer(client, Recorder()).write(_items(n)) == []
    assert client.requests == []
