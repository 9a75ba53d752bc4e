"""Burrow's rules, lag in seconds, and the lag monitor over a scripted source."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

import pytest
from prometheus_client import CollectorRegistry, generate_latest

from streams.lag.burrow import Observation, Window, group_status, partition_status
from streams.lag.clock import LagClock
from streams.lag.collector import GroupOffsets, KafkaOffsets, LagMonitor, TopicPartition
from streams.lag.history import LagHistory
from streams.lag.model import Owner
from streams.lag.prometheus import LagMetrics

if TYPE_CHECKING:
    from elasticsearch import AsyncElasticsearch

    from indexers.lag_history import LagHistoryWriter


def _window(*points: tuple[int, int, float]) -> list[Observation]:
    return [Observation(committed, lag, at) for committed, lag, at in points]


@pytest.mark.parametrize(
    ("points", "lag_now", "now", "status"),
    [
        # Lag zero at some point: OK, whatever else happened.
        ([(1, 5, 0), (2, 0, 10), (2, 7, 20)], 7, 20, "OK"),
        ([(5, 5, 0), (9, 3, 10), (12, 1, 20)], 1, 20, "OK"),  # catching up
        ([(5, 5, 0), (3, 9, 10), (6, 8, 20)], 8, 20, "REWIND"),
        ([(5, 5, 0), (6, 6, 10), (7, 7, 20)], 7, 60, "STOP"),  # nothing for 40 s > 20 s span
        ([(5, 5, 0), (5, 6, 10), (5, 7, 20)], 7, 20, "STALL"),
        ([(5, 5, 0), (6, 6, 10), (7, 7, 20)], 7, 20, "WARN"),
        ([(5, 5, 0)], 5, 100, "OK"),  # one observation says nothing
        ([(5, 5, 0), (6, 6, 10)], 0, 10, "OK"),  # no lag now
    ],
)
def test_burrow_rules(
    points: list[tuple[int, int, float]], lag_now: int, now: float, status: str
) -> None:
    assert partition_status(_window(*points), lag_now, now) == status


def test_group_status_is_the_worst_partition() -> None:
    assert group_status(["OK", "OK"]) == "OK"
    assert group_status(["OK", "WARN"]) == "WARN"
    for error in ("STOP", "STALL", "REWIND"):
        assert group_status(["WARN", error]) == "ERR"


def test_a_partition_without_owner_keeps_its_last_commit_time() -> None:
    unowned, owned = Window(5), Window(5)
    for t in (0, 10, 20):
        unowned.observe(3, 10 + t, t, owned=False)
        owned.observe(3, 10 + t, t, owned=True)
    # The same offsets: the owned one is committing without progress.
    assert unowned.status(30, 20) == "STOP"
    assert owned.status(30, 20) == "STALL"


def test_lag_seconds_interpolates_the_write_history() -> None:
    clock = LagClock()
    clock.observe(100, 1000.0)
    clock.observe(100, 1005.0)  # nothing written: the point stays at 1000
    clock.observe(200, 1010.0)
    assert clock.lag_seconds(200, 200, 1010.0) == 0.0
    # Offset 149 was written about half-way between 1000 and 1010.
    assert clock.lag_seconds(149, 200, 1020.0) == pytest.approx(15.0)
    assert clock.lag_seconds(50, 200, 1020.0) is None  # before the history
    clock.observe(10, 1030.0)  # the topic was recreated
    assert clock.written_at(5) is None


class _Source:
    """A scripted Kafka: committed offsets and end offsets per observation."""

    def __init__(self, rounds: list[tuple[dict[TopicPartition, int], dict[TopicPartition, int]]]):
        self.rounds = rounds
        self.reads: list[tuple[TopicPartition, int]] = []
        self.owner = Owner("m-1", "tinstream", "10.0.0.5")

    def groups(self, groups: list[str]) -> list[GroupOffsets]:
        committed, _ = self.rounds[0]
        out = [GroupOffsets("g", True, "Stable", committed, {tp: self.owner for tp in committed})]
        return out + [GroupOffsets(g, False, "Dead", {}, {}) for g in groups if g != "g"]

    def end_offsets(self, partitions: Iterable[TopicPartition]) -> dict[TopicPartition, int]:
        _, ends = self.rounds.pop(0)
        return {tp: ends[tp] for tp in partitions if tp in ends}

    def timestamp_at(self, partition: TopicPartition, offset: int) -> float | None:
        self.reads.append((partition, offset))
        return 900.0

    def partitions(self, topics: Iterable[str]) -> dict[str, list[int]]:
        return {t: [0, 1] for t in topics if t == "news.raw"}


def test_monitor_reads_one_record_only_when_the_history_cannot_tell() -> None:
    tp = ("news.raw", 0)
    source = _Source([({tp: 10}, {tp: 50}), ({tp: 60}, {tp: 100}), ({tp: 70}, {tp: 120})])
    times = iter([1000.0, 1010.0, 1020.0])
    monitor = LagMonitor(source, window=5, clock=lambda: next(times))
    (first,) = monitor.observe(["g"])
    assert first.partitions[0].lag_seconds == 100.0  # read: offset 10 predates the history
    assert source.reads == [(tp, 10)]
    (second,) = monitor.observe(["g"])
    # Offset 60 lies between the first two points (50 at 1000, 100 at 1010).
    assert second.partitions[0].lag_seconds == pytest.approx(10 - 10 * 11 / 50)
    assert source.reads == [(tp, 10)]
    (third,) = monitor.observe(["g"])
    row = third.partitions[0]
    assert (row.committed, row.end_offset, row.lag, row.owner) == (70, 120, 50, source.owner)
    assert third.summary() == {
        "group": "g",
        "status": "WARN",  # moving, but the lag never shrinks
        "total_lag": 50,
        "max_lag_seconds": round(row.lag_seconds or 0, 3),
    }


def test_unknown_group_is_notfound() -> None:
    tp = ("t", 0)
    monitor = LagMonitor(_Source([({tp: 1}, {tp: 1})]), clock=lambda: 0.0)
    _, missing = monitor.observe(["g", "ghost"])
    assert missing.summary() == {
        "group": "ghost",
        "status": "NOTFOUND",
        "total_lag": 0,
        "max_lag_seconds": 0.0,
    }


def test_metrics_and_history_of_an_observation() -> None:
    tp = ("news.raw", 2)
    source = _Source([({tp: 10}, {tp: 30}), ({tp: 20}, {tp: 50})])
    times = iter([100.0, 110.0])
    monitor = LagMonitor(source, clock=lambda: next(times))
    registry = CollectorRegistry()
    metrics = LagMetrics()
    registry.register(metrics)
    history = LagHistory()

    first = monitor.observe(["g"])
    metrics.update(first)
    text = generate_latest(registry).decode()
    labels = 'group="g",partition="2",topic="news.raw"'
    assert f"tinstream_consumer_lag_messages{{{labels}}} 20.0" in text
    assert 'tinstream_consumer_group_status{group="g",status="OK"} 1.0' in text
    assert 'tinstream_consumer_group_status{group="g",status="ERR"} 0.0' in text
    (doc,) = history.documents(first, 100.0)
    assert (doc["lag"], doc["status"], doc["owner"]) == (20, "OK", "tinstream@10.0.0.5")
    assert "produced_per_s" not in doc  # no previous observation to compare with

    (doc,) = history.documents(monitor.observe(["g"]), 110.0)
    assert (doc["produced_per_s"], doc["consumed_per_s"]) == (2.0, 1.0)
    metrics.update([])
    assert "tinstream_consumer_lag_messages{" not in generate_latest(registry).decode()


def test_topics_asked_for_show_every_partition_and_missing_ones() -> None:
    tp = ("news.raw", 0)
    other = ("news.enriched", 0)
    source = _Source([({tp: 4, other: 1}, {tp: 5, ("news.raw", 1): 7, other: 9})])
    monitor = LagMonitor(source, clock=lambda: 0.0)
    (group,) = monitor.observe(["g"], ("news.raw", "news.gone"))
    rows = [(p.topic, p.partition, p.committed, p.lag) for p in group.partitions]
    # Nothing committed on partition 1: its lag is unknown, as Kafka's tool says.
    assert rows == [("news.raw", 0, 4, 1), ("news.raw", 1, None, None)]
    assert group.missing_topics == ("news.gone",)


def test_partitions_a_group_owns_but_never_commits_are_not_lag() -> None:
    tp = ("news.raw", 0)
    changelog = ("app-near-duplicates-changelog", 0)
    source = _Source([({tp: 5}, {tp: 5, changelog: 40})])
    source.groups = lambda groups: [  # type: ignore[method-assign]
        GroupOffsets("g", True, "Stable", {tp: 5}, {tp: source.owner, changelog: source.owner})
    ]
    (group,) = LagMonitor(source, clock=lambda: 0.0).observe(["g"])
    assert [(p.topic, p.lag) for p in group.partitions] == [("news.raw", 0)]
    assert group.status == "OK"


def test_faust_members_undecodable_metadata_is_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    KafkaOffsets(admin=None, consumer_factory=lambda: None)
    groups = logging.getLogger("kafka.admin._groups")
    with caplog.at_level(logging.WARNING, logger="kafka.admin._groups"):
        # What kafka-python says of every Faust member at every describe.
        groups.warning("Unable to decode member_metadata for %s/%s", "group", "member-1")
        groups.warning("Unable to decode member_assignment for %s/%s", "group", "member-1")
    assert [r.getMessage() for r in caplog.records] == [
        "Unable to decode member_assignment for group/member-1"
    ]


def test_an_unknown_group_is_not_reported_as_lag_0() -> None:
    from streams.cli.lag_cmd import _table
    from streams.lag.model import GroupLag

    text = _table([GroupLag(group="nosuch", status="NOTFOUND", state="Dead")])
    assert text.splitlines()[-1] == "nosuch: NOTFOUND, no such consumer group"
    assert "lag 0" not in text


class _Bulk:
    """A stand-in for AsyncElasticsearch.bulk: records operations, refuses some."""

    def __init__(self, refuse: int = 0, fail: Exception | None = None) -> None:
        self.operations: list[list[dict[str, object]]] = []
        self._refuse = refuse
        self._fail = fail

    async def bulk(self, *, operations: list[dict[str, object]]) -> dict[str, object]:
        if self._fail is not None:
            raise self._fail
        self.operations.append(operations)
        n = len(operations) // 2
        return {
            "errors": self._refuse > 0,
            "items": [
                {"index": {"error": {"type": "x"}} if i < self._refuse else {"index": {}}}
                for i in range(n)
            ],
        }


def _writer(es: _Bulk, alias: str) -> LagHistoryWriter:
    from indexers.lag_history import LagHistoryWriter

    # The stand-in has only the bulk() the writer calls: typed as the client it replaces.
    return LagHistoryWriter(cast("AsyncElasticsearch", es), alias)


def test_the_recorder_updates_the_gauges_and_writes_the_history_through_one_path() -> None:
    import asyncio

    from streams.lag.recorder import LagRecorder

    tp = ("news.raw", 2)
    times = iter([100.0, 110.0])
    monitor = LagMonitor(_Source([({tp: 10}, {tp: 30}), ({tp: 20}, {tp: 50})]), clock=lambda: 0.0)
    registry = CollectorRegistry()
    metrics = LagMetrics()
    registry.register(metrics)
    es = _Bulk()
    recorder = LagRecorder(monitor, metrics, _writer(es, "lag-x"), clock=lambda: next(times))

    observed = asyncio.run(recorder.record(["g"]))
    assert observed is not None and observed[0].partitions[0].lag == 20
    assert 'group="g",partition="2",topic="news.raw"' in generate_latest(registry).decode()
    (operations,) = es.operations
    assert operations[0] == {"index": {"_index": "lag-x"}}
    assert operations[1]["lag"] == 20
    # The second observation is compared with the first (same documents' builder).
    asyncio.run(recorder.record(["g"]))
    assert es.operations[1][1]["consumed_per_s"] == 1.0


def test_the_history_writer_counts_refusals_and_survives_elasticsearch_down(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import asyncio

    from elasticsearch import ConnectionError as EsConnectionError

    docs = [{"lag": 1}, {"lag": 2}, {"lag": 3}]
    refusing = _Bulk(refuse=1)
    assert asyncio.run(_writer(refusing, "a").write(docs)) == 2
    assert "1 of 3 lag history documents were refused" in caplog.text
    down = _Bulk(fail=EsConnectionError("refused"))
    assert asyncio.run(_writer(down, "a").write(docs)) == 0
    assert "cannot write the lag history" in caplog.text
    assert asyncio.run(_writer(refusing, "a").write([])) == 0


def test_the_recorder_reports_a_kafka_it_cannot_read() -> None:
    import asyncio

    from streams.errors import StreamsError
    from streams.lag.recorder import LagRecorder

    class _Down:
        def observe(self, groups: list[str]) -> list[object]:
            raise StreamsError("no broker")

    metrics = LagMetrics()
    assert asyncio.run(LagRecorder(_Down(), metrics, None).record(["g"])) is None  # type: ignore[arg-type]


def test_the_recorder_skips_the_history_until_its_alias_exists() -> None:
    import asyncio

    from streams.lag.recorder import LagRecorder

    tp = ("news.raw", 0)
    monitor = LagMonitor(_Source([({tp: 1}, {tp: 2})]), clock=lambda: 0.0)
    es = _Bulk()
    recorder = LagRecorder(monitor, LagMetrics(), _writer(es, "lag-x"))
    assert asyncio.run(recorder.record(["g"], write_history=False)) is not None
    assert es.operations == []
