"""Lag as Prometheus metrics: gauges by group, topic and partition, and statuses.

A custom collector reads the latest observation when Prometheus scrapes, so a
partition that disappears (topic deleted, group gone) stops being reported
instead of keeping its last value.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import get_args

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from streams.lag.model import GroupLag, GroupStatus, PartitionStatus

_PARTITION = ["group", "topic", "partition"]


class LagMetrics(Collector):
    """The metrics of the last observation handed to :meth:`update`."""

    def __init__(self) -> None:
        self._groups: Sequence[GroupLag] = ()

    def update(self, groups: Sequence[GroupLag]) -> None:
        self._groups = tuple(groups)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        lag = GaugeMetricFamily(
            "tinstream_consumer_lag_messages", "Messages not yet committed", labels=_PARTITION
        )
        seconds = GaugeMetricFamily(
            "tinstream_consumer_lag_seconds",
            "Age of the oldest message not yet committed (estimated)",
            labels=_PARTITION,
        )
        committed = GaugeMetricFamily(
            "tinstream_consumer_committed_offset", "Committed offset", labels=_PARTITION
        )
        end = GaugeMetricFamily(
            "tinstream_consumer_log_end_offset", "Log end offset", labels=_PARTITION
        )
        partition_status = GaugeMetricFamily(
            "tinstream_consumer_partition_status",
            "1 for the partition's status by Burrow's rules, 0 for the others",
            labels=[*_PARTITION, "status"],
        )
        group_status = GaugeMetricFamily(
            "tinstream_consumer_group_status",
            "1 for the group's status, 0 for the others",
            labels=["group", "status"],
        )
        total = GaugeMetricFamily(
            "tinstream_consumer_group_lag_messages", "Lag of the whole group", labels=["group"]
        )
        for group in self._groups:
            for status in get_args(GroupStatus):
                group_status.add_metric([group.group, status], float(group.status == status))
            total.add_metric([group.group], float(group.total_lag))
            for p in group.partitions:
                labels = [p.group, p.topic, str(p.partition)]
                if p.lag is not None:
                    lag.add_metric(labels, float(p.lag))
                end.add_metric(labels, float(p.end_offset))
                if p.committed is not None:
                    committed.add_metric(labels, float(p.committed))
                if p.lag_seconds is not None:
                    seconds.add_metric(labels, p.lag_seconds)
                for status in get_args(PartitionStatus):
                    partition_status.add_metric([*labels, status], float(p.status == status))
        yield from (lag, seconds, committed, end, partition_status, group_status, total)
