"""Reading input formats and publishing with validation, over a fake producer."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from streams.publisher import ArticlePublisher, SourceRecord, read_records

OK = {"title": "Huế mưa", "content": "Mưa lớn."}


class FakeFuture:
    def __init__(self, error: Exception | None = None) -> None:
        self.error = error

    def get(self, timeout: float) -> None:
        if self.error:
            raise self.error


class FakeProducer:
    def __init__(self, fail_keys: set[bytes] = frozenset()) -> None:  # type: ignore[assignment]
        self.sent: list[tuple[str, bytes | None, bytes | None]] = []
        self.flushed = False
        self.fail_keys = fail_keys

    def send(self, topic: str, value: bytes | None = None, key: bytes | None = None) -> Any:
        self.sent.append((topic, key, value))
        return FakeFuture(RuntimeError("broker down") if key in self.fail_keys else None)

    def flush(self, timeout: float | None = None) -> None:
        self.flushed = True


def test_jsonl_with_line_numbers(tmp_path: Path) -> None:
    f = tmp_path / "a.jsonl"
    f.write_text(json.dumps(OK) + "\n\n{bad\n" + json.dumps({"title": "x"}) + "\n")
    producer = FakeProducer()
    report = ArticlePublisher(producer, "raw").publish(read_records(str(f)))
    assert report.sent == 1
    assert [(r.location, r.reason) for r in report.rejected] == [
        (f"{f}:3", "invalid JSON: Expecting property name enclosed in double quotes"),
        (f"{f}:4", "missing required field 'content'"),
    ]
    topic, key, value = producer.sent[0]
    assert topic == "raw"
    assert key is not None and json.loads(value or b"")["id"] == key.decode()
    assert producer.flushed


def test_json_array_and_directory(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps([OK, {**OK, "id": "2"}]))
    (tmp_path / "b.jsonl").write_text(json.dumps({**OK, "id": "3"}) + "\n")
    (tmp_path / "ignored.txt").write_text("not read")
    records = list(read_records(str(tmp_path)))
    assert [r.location for r in records] == [
        f"{tmp_path}/a.json[0]",
        f"{tmp_path}/a.json[1]",
        f"{tmp_path}/b.jsonl:1",
    ]


def test_stdin() -> None:
    records = list(read_records("-", stdin=io.StringIO(json.dumps(OK) + "\n")))
    assert records[0].location == "<stdin>:1"
    assert records[0].data == OK


def test_keys_are_article_ids_and_failures_reported() -> None:
    producer = FakeProducer(fail_keys={b"bad"})
    records = list(
        read_records(
            "-",
            stdin=io.StringIO(
                json.dumps({**OK, "id": "good"}) + "\n" + json.dumps({**OK, "id": "bad"}) + "\n"
            ),
        )
    )
    report = ArticlePublisher(producer, "raw").publish(records)
    assert report.sent == 1
    assert report.ids == ["good"]
    assert report.rejected[0].location == "<stdin>:2"
    assert "broker down" in report.rejected[0].reason


def test_rate_paces_sends_against_the_start() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 6))
        now[0] += seconds

    producer = FakeProducer()
    records = [SourceRecord(f"r[{n}]", data={**OK, "id": str(n)}) for n in range(5)]
    records.insert(2, SourceRecord("bad", data={"title": ""}))  # rejected: takes no slot
    report = ArticlePublisher(
        producer, "raw", rate_per_s=4, clock=lambda: now[0], sleep=sleep
    ).publish(records)
    assert report.sent == 5
    assert slept == [0.25, 0.25, 0.25, 0.25]
    assert now[0] == 101.0


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        ArticlePublisher(FakeProducer(), "raw", rate_per_s=0)
