"""``tinstream lag`` against Kafka's own consumer-group tool, and Burrow's statuses
driven on the real broker."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.structs import OffsetAndMetadata

from config import Settings
from deploy.local import Stack
from deploy.local.harness import free_port, http_get
from streams.kafka import kafka_python_config
from streams.lag.collector import LagMonitor, kafka_offsets
from tests.integration.conftest import Run

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

PARTITIONS = 3


@pytest.fixture
def topic(settings: Settings, stack: Stack) -> Iterator[str]:
    name = f"lag-{uuid.uuid4().hex[:8]}"
    admin = KafkaAdminClient(**kafka_python_config(settings.kafka))
    admin.create_topics([NewTopic(name, PARTITIONS, 1)])
    admin.wait_for_topics([name])
    yield name
    admin.delete_topics([name])
    admin.close()


def _produce(settings: Settings, topic: str, per_partition: int) -> None:
    producer = KafkaProducer(**kafka_python_config(settings.kafka), acks="all")
    for partition in range(PARTITIONS):
        for i in range(per_partition):
            producer.send(topic, value=f"{partition}-{i}".encode(), partition=partition)
    producer.flush(timeout=30)
    producer.close()


def _commit(settings: Settings, group: str, topic: str, offsets: dict[int, int]) -> None:
    """Commit offsets for ``group`` as a consumer would, without staying in the group."""
    admin = KafkaAdminClient(**kafka_python_config(settings.kafka))
    admin.alter_group_offsets(
        group,
        {TopicPartition(topic, p): OffsetAndMetadata(o, "", -1) for p, o in offsets.items()},
    )
    admin.close()


def _kafka_tool(stack: Stack, settings: Settings, group: str) -> dict[int, dict[str, str]]:
    """Kafka's ConsumerGroupCommand --describe, as {partition: {column: value}}."""
    command = stack.kafka_command(
        "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
        "--bootstrap-server",
        settings.kafka.bootstrap_servers,
        "--describe",
        "--group",
        group,
    )
    out = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout
    lines = [line.split() for line in out.splitlines() if line.strip()]
    header_at = next(i for i, cols in enumerate(lines) if cols[:2] == ["GROUP", "TOPIC"])
    header = lines[header_at]
    return {int(cols[2]): dict(zip(header, cols, strict=True)) for cols in lines[header_at + 1 :]}


def _lag_json(run: Run, *args: str) -> tuple[int, dict[str, Any], str]:
    result = run.cli("lag", "--json", "--samples", "1", *args)
    return result.returncode, json.loads(result.stdout or "{}"), result.stderr


def test_lag_matches_kafkas_own_tool_partition_by_partition(
    run: Run, settings: Settings, stack: Stack, topic: str
) -> None:
    _produce(settings, topic, per_partition=20)
    group = f"g-{uuid.uuid4().hex[:8]}"
    # A live member that consumed part of the topic and committed.
    consumer = KafkaConsumer(
        topic,
        **{**kafka_python_config(settings.kafka), "client_id": "lag-test-client"},
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_poll_records=7,
    )
    try:
        polled = 0
        while polled == 0 or not consumer.assignment():
            polled += sum(len(r) for r in consumer.poll(timeout_ms=2000).values())
        consumer.commit()
        code, report, stderr = _lag_json(run, "--group", group)
        expected = _kafka_tool(stack, settings, group)
    finally:
        consumer.close()
    assert code == 0, stderr
    rows = {r["partition"]: r for r in report["partitions"]}
    assert set(rows) == set(expected) == set(range(PARTITIONS))
    for partition, theirs in expected.items():
        ours = rows[partition]
        assert (ours["group"], ours["topic"]) == (group, topic)
        assert str(ours["committed"]) == theirs["CURRENT-OFFSET"]
        assert str(ours["end_offset"]) == theirs["LOG-END-OFFSET"]
        assert str(ours["lag"]) == theirs["LAG"]
        assert ours["owner"]["member_id"] == theirs["CONSUMER-ID"]
        assert ours["owner"]["client_id"] == theirs["CLIENT-ID"] == "lag-test-client"
        assert "/" + ours["owner"]["host"] == theirs["HOST"]
        # Lag in seconds: zero when caught up, else the age of the next message.
        assert (ours["lag_seconds"] == 0) == (ours["lag"] == 0)
        assert ours["lag_seconds"] is not None and 0 <= ours["lag_seconds"] < 120
    (summary,) = report["groups"]
    assert summary["group"] == group
    assert summary["total_lag"] == sum(int(t["LAG"]) for t in expected.values())
    assert set(summary) == {"group", "status", "total_lag", "max_lag_seconds"}


def test_a_group_without_members_is_described_too(
    run: Run, settings: Settings, stack: Stack, topic: str
) -> None:
    _produce(settings, topic, per_partition=5)
    group = f"g-{uuid.uuid4().hex[:8]}"
    _commit(settings, group, topic, {0: 5, 1: 2, 2: 0})
    code, report, stderr = _lag_json(run, "--group", group)
    assert code == 0, stderr
    expected = _kafka_tool(stack, settings, group)
    rows = {r["partition"]: r for r in report["partitions"]}
    for partition, theirs in expected.items():
        assert str(rows[partition]["lag"]) == theirs["LAG"]
        assert rows[partition]["owner"] is None and theirs["CONSUMER-ID"] == "-"
    assert [r["lag"] for _, r in sorted(rows.items())] == [0, 3, 5]


def test_unknown_group_and_unreachable_broker_are_one_line_errors(run: Run) -> None:
    code, report, stderr = _lag_json(run, "--group", "no-such-group")
    assert code == 1
    assert report["groups"] == [
        {"group": "no-such-group", "status": "NOTFOUND", "total_lag": 0, "max_lag_seconds": 0.0}
    ]
    assert stderr.strip() == "lag: consumer group 'no-such-group' not found"
    down = run.cli("lag", "--bootstrap-servers", "127.0.0.1:9", "--timeout", "2")
    assert down.returncode == 1
    assert down.stderr.startswith("lag: cannot reach Kafka at 127.0.0.1:9")
    assert len(down.stderr.strip().splitlines()) == 1 and "Traceback" not in down.stderr


def test_a_missing_topic_is_a_one_line_error(run: Run, settings: Settings, topic: str) -> None:
    _produce(settings, topic, per_partition=2)
    group = f"g-{uuid.uuid4().hex[:8]}"
    _commit(settings, group, topic, {0: 1})
    # Every partition of a topic asked for, committed or not.
    code, report, stderr = _lag_json(run, "--group", group, "--topic", topic)
    assert code == 0, stderr
    assert [(r["partition"], r["committed"], r["lag"]) for r in report["partitions"]] == [
        (0, 1, 1),
        (1, None, None),  # nothing committed: unknown, as Kafka's tool says ("-")
        (2, None, None),
    ]
    code, report, stderr = _lag_json(run, "--group", group, "--topic", "no-such-topic")
    assert code == 1
    assert stderr.strip() == f"lag: topic 'no-such-topic' of group '{group}' does not exist"
    assert report["partitions"] == []


class _Clock:
    """Observation times chosen by the test: Burrow's rules are about time."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_burrow_statuses_on_the_real_broker(settings: Settings, stack: Stack, topic: str) -> None:
    """One group per scenario, observed five times, ten (simulated) seconds apart."""
    clock = _Clock()
    monitor = LagMonitor(kafka_offsets(settings.kafka), window=5, clock=clock)
    groups = {name: f"{name}-{uuid.uuid4().hex[:6]}" for name in (
        "caught-up", "slow", "stalled", "stopped", "rewound"
    )}  # fmt: skip
    # "stalled" has a live member that owns the partitions and commits, but
    # never gets past offset 3; "stopped" committed 3 once and has no member.
    member = KafkaConsumer(
        topic,
        **kafka_python_config(settings.kafka),
        group_id=groups["stalled"],
        enable_auto_commit=False,
    )
    try:
        while not member.assignment():
            member.poll(timeout_ms=1000)
        stuck = {TopicPartition(topic, p): OffsetAndMetadata(3, "", -1) for p in range(3)}
        _commit(settings, groups["stopped"], topic, dict.fromkeys(range(PARTITIONS), 3))
        produced = 0
        for step in range(5):
            produced += 10
            _produce(settings, topic, per_partition=10)
            everything = dict.fromkeys(range(PARTITIONS), produced)
            _commit(settings, groups["caught-up"], topic, everything)
            # Forward, but by less than is written.
            _commit(settings, groups["slow"], topic, dict.fromkeys(range(PARTITIONS), step * 5))
            member.commit(stuck)
            back_and_forth = [4, 8, 2, 3, 4][step]
            _commit(
                settings, groups["rewound"], topic, dict.fromkeys(range(PARTITIONS), back_and_forth)
            )
            clock.now += 10
            observed = {g.group: g for g in monitor.observe(list(groups.values()))}
        partitions = {
            name: {p.status for p in observed[group].partitions} for name, group in groups.items()
        }
        statuses = {name: observed[group].status for name, group in groups.items()}
    finally:
        member.close()
    assert partitions == {
        "caught-up": {"OK"},
        "slow": {"WARN"},
        "stalled": {"STALL"},
        "stopped": {"STOP"},
        "rewound": {"REWIND"},
    }
    assert statuses == {
        "caught-up": "OK", "slow": "WARN", "stalled": "ERR", "stopped": "ERR", "rewound": "ERR"
    }  # fmt: skip
    owners = {p.owner for p in observed[groups["stalled"]].partitions}
    assert None not in owners


def test_lag_exporter_serves_the_gauges_and_stops_cleanly(
    run: Run, settings: Settings, stack: Stack, topic: str
) -> None:
    import time

    _produce(settings, topic, per_partition=4)
    group = f"g-{uuid.uuid4().hex[:8]}"
    _commit(settings, group, topic, {0: 1, 1: 2, 2: 4})
    port = free_port()
    exporter = run.start_cli(
        "lag-exporter", "--group", group, "--port", str(port), "--interval", "0.5", stdout=None
    )
    try:
        deadline, text = time.monotonic() + 60, ""
        while time.monotonic() < deadline:
            text = http_get(port, "/metrics")[1].decode()
            if "tinstream_consumer_lag_messages{" in text:
                break
            time.sleep(0.2)  # polling interval of the deadline loop
        labels = f'group="{group}",partition="0",topic="{topic}"'
        assert f"tinstream_consumer_lag_messages{{{labels}}} 3.0" in text
        assert f'tinstream_consumer_group_lag_messages{{group="{group}"}} 5.0' in text
        assert "tinstream_lag_exporter_up 1.0" in text
    finally:
        exporter.terminate()
        _, stderr = exporter.communicate(timeout=30)
    assert exporter.returncode == 0, stderr
    assert "Traceback" not in stderr


def test_watch_refreshes_in_place_until_interrupted(
    run: Run, settings: Settings, stack: Stack, topic: str
) -> None:
    import signal

    _produce(settings, topic, per_partition=2)
    group = f"g-{uuid.uuid4().hex[:8]}"
    _commit(settings, group, topic, {0: 1, 1: 1, 2: 1})
    watch = run.start_cli("lag", "--group", group, "--watch", "--interval", "0.2", stderr=None)
    assert watch.stdout is not None
    screens = 0
    try:
        for line in watch.stdout:
            # Each redraw starts with its time and the header (the escape codes
            # that redraw in place are for terminals; click leaves them out here).
            screens += " GROUP " in f" {line}" and " TOPIC " in line
            if screens >= 3:
                break
    finally:
        watch.send_signal(signal.SIGINT)
        try:
            watch.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            watch.kill()
            watch.communicate()
            pytest.fail("lag --watch did not stop within 30 s of SIGINT")
    assert screens >= 3
    assert watch.returncode == 0
