"""Publishing raw articles: read JSON Lines / JSON arrays / directories, validate, send.

Each record is validated before it is sent, so the raw topic only receives
articles tinstream can process; the rejected ones are reported with where they
came from (file and line, or array index) and why.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from streams.errors import InvalidArticle
from streams.records import RawArticle


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One input record and where it came from (``file:line`` or ``file[index]``)."""

    location: str
    data: Any = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Rejection:
    location: str
    reason: str


@dataclass
class PublishReport:
    sent: int = 0
    ids: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "rejected": len(self.rejected),
            "rejections": [{"location": r.location, "reason": r.reason} for r in self.rejected],
            "ids": self.ids,
        }


def _read_text(name: str, stream: IO[str]) -> Iterator[SourceRecord]:
    text = stream.read()
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            yield SourceRecord(f"{name}:{exc.lineno}", error=f"invalid JSON array: {exc.msg}")
            return
        for i, item in enumerate(items):
            yield SourceRecord(f"{name}[{i}]", data=item)
        return
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield SourceRecord(f"{name}:{lineno}", data=json.loads(line))
        except json.JSONDecodeError as exc:
            yield SourceRecord(f"{name}:{lineno}", error=f"invalid JSON: {exc.msg}")
        except RecursionError:
            yield SourceRecord(f"{name}:{lineno}", error="invalid JSON: nested too deeply")


def read_records(path: str, stdin: IO[str] | None = None) -> Iterator[SourceRecord]:
    """Records from ``path``: ``-`` (stdin), a .json/.jsonl file, or a directory of them."""
    if path == "-":
        if stdin is None:
            raise ValueError("reading '-' needs stdin")
        yield from _read_text("<stdin>", stdin)
        return
    p = Path(path)
    if p.is_dir():
        files = sorted(f for f in p.iterdir() if f.suffix in (".json", ".jsonl") and f.is_file())
        for f in files:
            with f.open(encoding="utf-8") as handle:
                yield from _read_text(str(f), handle)
        return
    with p.open(encoding="utf-8") as handle:
        yield from _read_text(str(p), handle)


class Producer(Protocol):
    """The part of kafka-python's KafkaProducer the publisher uses."""

    def send(self, topic: str, value: bytes | None = None, key: bytes | None = None) -> Any: ...

    def flush(self, timeout: float | None = None) -> None: ...


class ArticlePublisher:
    """Validates records and sends them keyed by article id.

    Args:
        producer: a kafka-python producer (acks=all, idempotent), injected.
        topic: the raw topic.
        rate_per_s: send at most this many articles a second (a replay at a
            realistic pace); None sends as fast as the producer takes them.
        clock, sleep: injected for tests of the pacing.
    """

    def __init__(
        self,
        producer: Producer,
        topic: str,
        *,
        send_timeout_s: float = 60.0,
        rate_per_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if rate_per_s is not None and rate_per_s <= 0:
            raise ValueError(f"rate_per_s must be positive, not {rate_per_s}")
        self._producer = producer
        self._topic = topic
        self._timeout = send_timeout_s
        self._rate = rate_per_s
        self._clock = clock
        self._sleep = sleep

    def _pace(self, sent: int, started: float) -> None:
        # Against the start, not the previous send: a slow send does not slow the rest.
        if self._rate is not None:
            due = started + sent / self._rate
            now = self._clock()
            if due > now:
                self._sleep(due - now)

    def publish(
        self, records: Iterable[SourceRecord], on_record: Callable[[], None] = lambda: None
    ) -> PublishReport:
        report = PublishReport()
        futures: list[tuple[SourceRecord, str, Any]] = []
        started = self._clock()
        for record in records:
            on_record()
            if record.error is not None:
                report.rejected.append(Rejection(record.location, record.error))
                continue
            try:
                article = RawArticle.from_mapping(record.data)
            except InvalidArticle as exc:
                report.rejected.append(Rejection(record.location, exc.reason))
                continue
            self._pace(len(futures), started)
            future = self._producer.send(
                self._topic, key=article.id.encode("utf-8"), value=article.to_bytes()
            )
            futures.append((record, article.id, future))
        self._producer.flush(timeout=self._timeout)
        for record, article_id, future in futures:
            try:
                future.get(timeout=self._timeout)
            except Exception as exc:  # noqa: BLE001 - reported per record, not raised
                report.rejected.append(Rejection(record.location, f"Kafka refused it: {exc}"))
            else:
                report.sent += 1
                report.ids.append(article_id)
        return report
