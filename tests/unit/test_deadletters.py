"""Dead-letter tooling without Kafka: reading to the end, finding, and replaying once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import click
import pytest

from streams.cli.deadletters_cmd import Since
from streams.deadletter import dead_letter
from streams.deadletter_log import (
    HEADER_REPLAY_OF,
    HEADER_REPLAY_ORIGIN,
    Entry,
    Filter,
    find,
    plan_replay,
    read_dead_letters,
    replay_headers,
    replay_history,
    send_replays,
)
from streams.records import Stage

RAW = "news.raw"
DLT = "news.dead-letter"


@dataclass
class Record:
    topic: str
    partition: int
    offset: int
    value: bytes | None
    timestamp: int = 1_000
    key: bytes | None = None
    headers: list[tuple[str, bytes]] = field(default_factory=list)


def _letter_record(
    partition: int,
    offset: int,
    *,
    origin: tuple[int, int],
    stage: Stage = "decode",
    key: bytes = b"k",
    value: bytes = b"{bad",
    timestamp: int = 1_000,
) -> Record:
    letter = dead_letter(
        stage=stage,
        reason=f"broken at {stage}",
        error_type="InvalidArticle",
        retriable=False,
        topic=RAW,
        partition=origin[0],
        offset=origin[1],
        timestamp_ms=timestamp - 10,
        key=key,
        value=value,
        article_id=key.decode(),
    )
    return Record(DLT, partition, offset, letter.to_bytes(), timestamp, key)


def _entry(record: Record) -> Entry:
    from streams.deadletter_log import entry_from_record

    return entry_from_record(record)


class FakeConsumer:
    """A group-less consumer over fixed records: poll hands out a few at a time, and
    records written after the end offsets were taken are there too."""

    def __init__(self, records: list[Record], *, late: list[Record] | None = None) -> None:
        from kafka import TopicPartition

        self._tp = TopicPartition
        self.records = records
        self.late = late or []
        self.positions: dict[Any, int] = {}
        self.paused: set[Any] = set()
        self.committed = False

    def partitions_for_topic(self, topic: str) -> set[int]:
        return {r.partition for r in self.records + self.late if r.topic == topic} or (
            {0, 1, 2} if topic == "empty" else set()
        )

    def assign(self, tps: list[Any]) -> None:
        self.assigned = list(tps)

    def end_offsets(self, tps: list[Any]) -> dict[Any, int]:
        return {
            tp: 1
            + max(
                (r.offset for r in self.records if (r.topic, r.partition) == tuple(tp)), default=-1
            )
            for tp in tps
        }

    def beginning_offsets(self, tps: list[Any]) -> dict[Any, int]:
        return dict.fromkeys(tps, 0)

    def offsets_for_times(self, wanted: dict[Any, int]) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for tp, ms in wanted.items():
            later = [
                r.offset
                for r in self.records + self.late
                if (r.topic, r.partition) == tuple(tp) and r.timestamp >= ms
            ]
            out[tp] = None if not later else type("O", (), {"offset": min(later)})()
        return out

    def seek(self, tp: Any, offset: int) -> None:
        self.positions[tp] = offset

    def pause(self, *tps: Any) -> None:
        self.paused |= set(tps)

    def position(self, tp: Any) -> int:
        return self.positions[tp]

    def poll(self, timeout_ms: int = 0) -> dict[Any, list[Record]]:
        out: dict[Any, list[Record]] = {}
        for tp, position in list(self.positions.items()):
            if tp in self.paused:
                continue
            here = sorted(
                (
                    r
                    for r in self.records + self.late
                    if (r.topic, r.partition) == tuple(tp) and r.offset >= position
                ),
                key=lambda r: r.offset,
            )[:2]
            if here:
                out[tp] = here
                self.positions[tp] = here[-1].offset + 1
        return out

    def commit(self) -> None:
        self.committed = True


def test_reading_stops_at_the_end_offsets_taken_at_the_start_and_filters() -> None:
    records = [
        _letter_record(0, 0, origin=(0, 3), stage="decode", timestamp=1_000),
        _letter_record(0, 1, origin=(0, 4), stage="validate", timestamp=2_000),
        _letter_record(1, 0, origin=(1, 0), stage="decode", timestamp=3_000),
        Record(DLT, 1, 1, b"not json at all", 4_000),
    ]
    late = [_letter_record(1, 2, origin=(1, 9), timestamp=5_000)]
    consumer = FakeConsumer(records, late=late)
    everything = read_dead_letters(consumer, DLT, Filter(), timeout_s=5)
    assert [e.ref for e in everything] == ["0@0", "0@1", "1@0", "1@1"]
    assert everything[3].letter is None and everything[3].reason.startswith("not a dead letter")
    assert not consumer.committed
    decode = read_dead_letters(FakeConsumer(records), DLT, Filter(stages=frozenset({"decode"})))
    assert [e.ref for e in decode] == ["0@0", "1@0"]
    recent = read_dead_letters(FakeConsumer(records), DLT, Filter(since_ms=2_000))
    assert [e.ref for e in recent] == ["0@1", "1@0", "1@1"]


def test_an_empty_topic_is_read_at_once_and_a_missing_one_is_an_error() -> None:
    from streams.deadletter_log import DeadLetterError

    assert read_dead_letters(FakeConsumer([]), "empty", Filter(), timeout_s=1) == []
    with pytest.raises(DeadLetterError, match="does not exist"):
        read_dead_letters(FakeConsumer([]), "nosuch", Filter())


def test_find_by_partition_and_offset_offset_or_article_id() -> None:
    entries = [
        _entry(_letter_record(0, 5, origin=(0, 0), key=b"a-1")),
        _entry(_letter_record(1, 5, origin=(1, 0), key=b"a-2")),
    ]
    assert [e.ref for e in find(entries, "1@5")] == ["1@5"]
    assert [e.ref for e in find(entries, "0:5")] == ["0@5"]
    assert [e.ref for e in find(entries, "5")] == ["0@5", "1@5"]
    assert [e.ref for e in find(entries, "a-2")] == ["1@5"]
    assert find(entries, "2@5") == [] and find(entries, "nobody") == []


def _replayed(entry: Entry, partition: int, offset: int) -> Record:
    """The message a replay of ``entry`` wrote to the raw topic."""
    return Record(RAW, partition, offset, b"x", headers=replay_headers(entry))


def test_a_replay_sends_each_message_once() -> None:
    first = _entry(_letter_record(0, 0, origin=(2, 7), key=b"a"))
    twin = _entry(_letter_record(0, 1, origin=(2, 7), key=b"a"))  # the same message again
    other = _entry(_letter_record(1, 0, origin=(0, 1), key=b"b"))
    plans = plan_replay([first, twin, other], replay_history([]), [RAW])
    assert [(p.entry.ref, p.decision) for p in plans] == [
        ("0@0", "send"),
        ("0@1", "skip"),
        ("1@0", "send"),
    ]
    assert "replayed once, with dead letter 0@0" in plans[1].why
    # After the replay: both are recognised in the raw topic, nothing is sent again.
    history = replay_history([_replayed(first, 2, 40), _replayed(other, 0, 41)])
    again = plan_replay([first, twin, other], history, [RAW])
    assert [p.decision for p in again] == ["skip", "skip", "skip"]
    assert again[0].why == f"already replayed as {RAW}[2]@40"
    assert again[1].why == f"its message {RAW}[2]@7 was already replayed as {RAW}[2]@40"


def test_a_dead_letter_of_a_replayed_message_is_refused() -> None:
    first = _entry(_letter_record(0, 0, origin=(2, 7)))
    history = replay_history([_replayed(first, 2, 40)])
    of_replay = _entry(_letter_record(0, 3, origin=(2, 40)))
    [plan] = plan_replay([of_replay], history, [RAW])
    assert plan.decision == "refuse"
    assert f"{RAW}[2]@40 was itself a replay of dead letter {DLT}[0]@0" in plan.why


def test_letters_that_cannot_be_replayed_are_refused_with_the_reason() -> None:
    foreign = _entry(Record(DLT, 0, 0, b"{}"))
    elsewhere = _entry(_letter_record(0, 1, origin=(0, 0)))
    plans = plan_replay([foreign, elsewhere], replay_history([]), ["other.raw"])
    assert [p.decision for p in plans] == ["refuse", "refuse"]
    assert plans[0].why.startswith("not a dead letter")
    assert "came from topic 'news.raw'" in plans[1].why


def test_replays_carry_the_original_key_bytes_and_where_they_come_from() -> None:
    entry = _entry(_letter_record(1, 4, origin=(2, 7), key=b"bai-9", value=b"\xff\xfe"))
    [plan] = plan_replay([entry], replay_history([]), [RAW])

    class Producer:
        def __init__(self) -> None:
            self.sent: list[tuple[str, bytes | None, bytes | None, list[tuple[str, bytes]]]] = []

        def send(self, topic: str, *, key: bytes, value: bytes, headers: Any) -> Any:
            self.sent.append((topic, key, value, headers))
            meta = type("M", (), {"partition": 2, "offset": 50})()
            return type("F", (), {"get": lambda self, timeout: meta})()

    producer = Producer()
    [sent] = send_replays(producer, [plan])
    assert (sent.topic, sent.partition, sent.offset) == (RAW, 2, 50)
    topic, key, value, headers = producer.sent[0]
    assert (topic, key, value) == (RAW, b"bai-9", b"\xff\xfe")
    assert dict(headers) == {
        HEADER_REPLAY_OF: f"{DLT}/1/4".encode(),
        HEADER_REPLAY_ORIGIN: f"{RAW}/2/7".encode(),
    }


def test_since_takes_durations_and_dates() -> None:
    since = Since()
    now = datetime.now().astimezone()
    two_hours = since.convert("2h", None, None)
    assert abs((now - two_hours) - timedelta(hours=2)) < timedelta(seconds=5)
    mixed = since.convert("1d12h", None, None)
    assert abs((now - mixed) - timedelta(hours=36)) < timedelta(seconds=5)
    day = since.convert("2025-05-01", None, None)
    assert (day.year, day.month, day.day, day.hour) == (2025, 5, 1, 0) and day.tzinfo
    assert since.convert("2025-05-01T08:30+07:00", None, None).utcoffset() == timedelta(hours=7)
    for bad in ("yesterday", "2x", ""):
        with pytest.raises(click.BadParameter):
            since.convert(bad, None, None)


def test_unread_dead_letters_make_a_lag_report_warn_and_are_counted() -> None:
    from streams.lag.deadletters import flag_dead_letters
    from streams.lag.model import GroupLag, PartitionLag

    rows = (
        PartitionLag("g", RAW, 0, 10, 10, 0, 0.0, "OK"),
        PartitionLag("g", DLT, 0, None, 2, None, None, "OK"),
        PartitionLag("g", DLT, 1, None, 5, None, None, "OK"),
        PartitionLag("g", DLT, 2, None, 0, None, None, "OK"),
    )
    groups, [backlog] = flag_dead_letters(
        [GroupLag("g", "OK", rows), GroupLag("nobody", "NOTFOUND")],
        DLT,
        {(DLT, 0): 0, (DLT, 1): 4, (DLT, 2): 0},  # retention took 4 of partition 1's
    )
    assert (backlog.unread, backlog.total) == (3, 3)
    assert "3 dead letter(s) not read by group 'g'" in backlog.line()
    assert groups[0].status == "WARN"
    assert [p.status for p in groups[0].partitions] == ["OK", "WARN", "WARN", "OK"]
    assert groups[1].status == "NOTFOUND"
    # Read to the end: nothing to say, the group is OK again.
    read = tuple(PartitionLag("g", DLT, p, end, end, 0, 0.0, "OK") for p, end in ((0, 2), (1, 5)))
    groups, [backlog] = flag_dead_letters([GroupLag("g", "OK", read)], DLT, {})
    assert backlog.unread == 0 and groups[0].status == "OK"
