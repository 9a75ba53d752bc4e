"""Observe consumer groups: committed and end offsets, owners, lag and status.

:class:`KafkaOffsets` asks Kafka (kafka-python's admin client): one OffsetFetch
for the groups' committed offsets, one DescribeGroups for their members and
assignments, one ListOffsets for the log end offsets. :class:`LagMonitor` keeps,
for every partition, the window Burrow's rules need and the write history lag
in seconds is estimated from (streams.lag.clock); a record is read only for a
partition whose committed offset predates that history, and then only the one
record at the committed offset, once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from config import KafkaSettings
from streams.errors import StreamsError
from streams.kafka import connect_admin, kafka_python_config
from streams.lag.burrow import Window, group_status
from streams.lag.clock import LagClock
from streams.lag.model import GroupLag, Owner, PartitionLag

log = logging.getLogger(__name__)

TopicPartition = tuple[str, int]


class LagError(StreamsError):
    """Offsets could not be read (broker unreachable, no such topic)."""


@dataclass(frozen=True, slots=True)
class GroupOffsets:
    """What Kafka says about one group at one moment."""

    group: str
    exists: bool
    state: str
    committed: dict[TopicPartition, int]
    owners: dict[TopicPartition, Owner]


class OffsetSource(Protocol):
    """Where offsets come from: Kafka, or a script in tests."""

    def groups(self, groups: list[str]) -> list[GroupOffsets]: ...

    def end_offsets(self, partitions: Iterable[TopicPartition]) -> dict[TopicPartition, int]: ...

    def timestamp_at(self, partition: TopicPartition, offset: int) -> float | None: ...

    def partitions(self, topics: Iterable[str]) -> dict[str, list[int]]: ...


class _FaustMetadataUndecodable(logging.Filter):
    """Drops kafka-python's warning that a member's subscription metadata cannot
    be decoded: Faust's members carry their own, every describe of a Faust group
    says so (one line per member per observation), and only the assignment,
    which decodes, is needed here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Unable to decode member_metadata")


_GROUPS_LOG_FILTER = _FaustMetadataUndecodable()


class KafkaOffsets:
    """Offsets from Kafka through kafka-python.

    Args:
        admin: a ``KafkaAdminClient``.
        consumer_factory: makes a group-less ``KafkaConsumer`` for reading one
            record's timestamp (only when lag in seconds needs it).
    """

    def __init__(self, admin: Any, consumer_factory: Callable[[], Any]) -> None:
        self._admin = admin
        self._consumer_factory = consumer_factory
        self._consumer: Any = None
        # Adding the same filter object again is a no-op (Filterer.addFilter).
        logging.getLogger("kafka.admin._groups").addFilter(_GROUPS_LOG_FILTER)

    def groups(self, groups: list[str]) -> list[GroupOffsets]:
        from kafka.errors import KafkaError

        try:
            described = self._admin.describe_groups(groups)
            committed = self._admin.list_group_offsets({g: None for g in groups})
        except KafkaError as exc:
            raise LagError(f"cannot read consumer groups: {exc}", retriable=True) from exc
        out = []
        for group in groups:
            info = described.get(group) or {}
            offsets = {
                (tp.topic, tp.partition): int(meta.offset)
                for tp, meta in (committed.get(group) or {}).items()
                if meta is not None and meta.offset is not None and meta.offset >= 0
            }
            owners: dict[TopicPartition, Owner] = {}
            for member in info.get("members") or []:
                owner = Owner(
                    member_id=str(member.get("member_id", "")),
                    client_id=str(member.get("client_id", "")),
                    host=str(member.get("client_host", "")).lstrip("/"),
                )
                assignment = member.get("member_assignment") or {}
                for topic in assignment.get("assigned_partitions") or []:
                    for partition in topic.get("partitions") or []:
                        owners[(topic["topic"], int(partition))] = owner
            state = str(info.get("group_state") or "")
            exists = bool(offsets) or bool(owners) or state not in ("", "Dead")
            out.append(GroupOffsets(group, exists, state, offsets, owners))
        return out

    def end_offsets(self, partitions: Iterable[TopicPartition]) -> dict[TopicPartition, int]:
        from kafka import TopicPartition as KafkaTP
        from kafka.admin import OffsetSpec
        from kafka.errors import KafkaError

        try:
            # A deleted topic would fail the whole request: ask only for live ones.
            topics = set(self._admin.list_topics())
            specs = {KafkaTP(t, p): OffsetSpec.LATEST for t, p in partitions if t in topics}
            if not specs:
                return {}
            found = self._admin.list_partition_offsets(specs)
        except KafkaError as exc:
            raise LagError(f"cannot read log end offsets: {exc}", retriable=True) from exc
        return {(tp.topic, tp.partition): int(o.offset) for tp, o in found.items()}

    def start_offsets(self, partitions: Iterable[TopicPartition]) -> dict[TopicPartition, int]:
        """The first offset still in each partition (retention removes older ones)."""
        from kafka import TopicPartition as KafkaTP
        from kafka.admin import OffsetSpec
        from kafka.errors import KafkaError

        specs = {KafkaTP(t, p): OffsetSpec.EARLIEST for t, p in partitions}
        if not specs:
            return {}
        try:
            found = self._admin.list_partition_offsets(specs)
        except KafkaError as exc:
            raise LagError(f"cannot read log start offsets: {exc}", retriable=True) from exc
        return {(tp.topic, tp.partition): int(o.offset) for tp, o in found.items()}

    def partitions(self, topics: Iterable[str]) -> dict[str, list[int]]:
        """The partitions of each topic that exists (a missing topic is left out)."""
        from kafka.errors import KafkaError

        wanted = set(topics)
        try:
            described = self._admin.describe_topics(sorted(wanted & set(self._admin.list_topics())))
        except KafkaError as exc:
            raise LagError(f"cannot describe topics: {exc}", retriable=True) from exc
        return {
            t["name"]: sorted(int(p["partition_index"]) for p in t.get("partitions") or [])
            for t in described
            if not t.get("error_code")
        }

    def timestamp_at(self, partition: TopicPartition, offset: int) -> float | None:
        from kafka import TopicPartition as KafkaTP

        if self._consumer is None:
            self._consumer = self._consumer_factory()
        tp = KafkaTP(*partition)
        self._consumer.assign([tp])
        self._consumer.seek(tp, offset)
        records = self._consumer.poll(timeout_ms=2000, max_records=1).get(tp) or []
        return records[0].timestamp / 1000 if records else None

    def close(self) -> None:
        if self._consumer is not None:
            self._consumer.close()
        self._admin.close()


def kafka_offsets(settings: KafkaSettings) -> KafkaOffsets:
    """Offsets from the Kafka of ``settings``; LagError when it cannot be reached."""
    from kafka import KafkaConsumer
    from kafka.errors import KafkaError

    config = kafka_python_config(settings)
    try:
        # Give up on an unreachable broker after the request timeout, not 30 s.
        admin = connect_admin(settings, timeout_s=settings.request_timeout_s)
    except KafkaError as exc:
        raise LagError(
            f"cannot reach Kafka at {settings.bootstrap_servers}: {exc}", retriable=True
        ) from exc

    def consumer() -> Any:
        # No group: reading a timestamp must not commit or join anything.
        return KafkaConsumer(**config, group_id=None, enable_auto_commit=False)

    return KafkaOffsets(admin, consumer)


class LagMonitor:
    """Observes groups and keeps what the status and seconds estimates need.

    Args:
        source: where offsets come from.
        window: observations per partition for Burrow's rules.
        clock: the time source (injected in tests).
    """

    def __init__(
        self, source: OffsetSource, *, window: int = 10, clock: Callable[[], float] = time.time
    ) -> None:
        self._source = source
        self._window = window
        self._clock = clock
        self._windows: dict[tuple[str, str, int], Window] = {}
        self._histories: dict[TopicPartition, LagClock] = {}
        # Timestamps read from records, by (topic, partition, offset).
        self._read: dict[tuple[str, int, int], float | None] = {}

    def observe(self, groups: list[str], topics: Sequence[str] = ()) -> list[GroupLag]:
        """One observation of every group named; NOTFOUND for a group Kafka does not
        know. With ``topics``, only those, every partition of them, committed or not;
        a topic that does not exist is reported in ``missing_topics``."""
        snapshots = self._source.groups(groups)
        expected: set[TopicPartition] = set()
        missing: set[str] = set()
        if topics:
            found = self._source.partitions(topics)
            missing = set(topics) - set(found)
            expected = {(t, p) for t, parts in found.items() for p in parts}
        partitions = expected | {tp for s in snapshots for tp in (*s.committed, *s.owners)}
        ends = self._source.end_offsets(sorted(partitions))
        now = self._clock()
        for tp, end in ends.items():
            self._histories.setdefault(tp, LagClock()).observe(end, now)
        return [
            self._group(snapshot, ends, now, topics=set(topics), expected=expected, missing=missing)
            for snapshot in snapshots
        ]

    def _group(
        self,
        snapshot: GroupOffsets,
        ends: dict[TopicPartition, int],
        now: float,
        *,
        topics: set[str],
        expected: set[TopicPartition],
        missing: set[str],
    ) -> GroupLag:
        if not snapshot.exists:
            return GroupLag(snapshot.group, "NOTFOUND", state=snapshot.state or "Dead")
        rows = []
        deleted = set()
        # The topics asked for; else those the group commits on. Partitions it
        # owns but never commits (Faust's changelog and assignor topics) are not
        # consumption.
        wanted = topics or {t for t, _ in snapshot.committed}
        seen = {*snapshot.committed, *snapshot.owners, *expected}
        for tp in sorted(tp for tp in seen if tp[0] in wanted):
            end = ends.get(tp)
            if end is None:
                deleted.add(tp[0])  # committed offsets of a topic since deleted
                continue
            committed = snapshot.committed.get(tp)
            owner = snapshot.owners.get(tp)
            if committed is None:
                # Nothing committed: the lag is unknown, as Kafka's own tool says
                # ("-"); it depends on where the consumer will start.
                rows.append(
                    PartitionLag(snapshot.group, tp[0], tp[1], None, end, None, None, "OK", owner)
                )
                continue
            lag = max(0, end - committed)
            window = self._windows.setdefault((snapshot.group, *tp), Window(self._window))
            window.observe(committed, lag, now, owned=owner is not None)
            rows.append(
                PartitionLag(
                    group=snapshot.group,
                    topic=tp[0],
                    partition=tp[1],
                    committed=committed,
                    end_offset=end,
                    lag=lag,
                    lag_seconds=self._seconds(tp, committed, end, now),
                    status=window.status(lag, now),
                    owner=owner,
                )
            )
        return GroupLag(
            snapshot.group,
            group_status(r.status for r in rows),
            partitions=tuple(rows),
            state=snapshot.state,
            missing_topics=tuple(sorted(missing | deleted)),
        )

    def _seconds(self, tp: TopicPartition, committed: int, end: int, now: float) -> float | None:
        estimate = self._histories[tp].lag_seconds(committed, end, now)
        if estimate is not None:
            return estimate
        key = (*tp, committed)
        if key not in self._read:
            self._read[key] = self._source.timestamp_at(tp, committed)
        written = self._read[key]
        return None if written is None else max(0.0, now - written)
