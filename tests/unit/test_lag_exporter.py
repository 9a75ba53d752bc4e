"""The lag exporter's up gauge: 1 as soon as the lag gauges hold an observation."""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry

from config import LagSettings
from streams.errors import StreamsError
from streams.lag.exporter import LagExporter
from streams.lag.model import GroupLag


class _Monitor:
    def __init__(self, fails: bool = False) -> None:
        self.fails = fails

    def observe(self, groups: list[str]) -> list[GroupLag]:
        if self.fails:
            raise StreamsError("no broker answered")
        return [GroupLag(group=g, status="OK") for g in groups]


def _up(registry: CollectorRegistry) -> float | None:
    return registry.get_sample_value("tinstream_lag_exporter_up")


def test_up_is_set_before_the_history_is_written() -> None:
    """A scrape during the history write saw the new lag gauges with up 0."""
    registry = CollectorRegistry()
    exporter = LagExporter(_Monitor(), ["g"], registry, None, LagSettings())  # type: ignore[arg-type]
    seen: list[float | None] = []

    class _Writer:
        async def write(self, documents: list[dict[str, Any]]) -> None:
            seen.append(_up(registry))

    exporter._recorder._writer = _Writer()  # type: ignore[assignment]
    exporter._index_ready = True  # as once the history index is made
    try:
        exporter.tick()
        assert seen == [1.0]
        assert _up(registry) == 1.0
    finally:
        exporter.close()


def test_up_is_0_when_kafka_cannot_be_read() -> None:
    registry = CollectorRegistry()
    monitor = _Monitor()
    exporter = LagExporter(monitor, ["g"], registry, None, LagSettings())  # type: ignore[arg-type]
    try:
        exporter.tick()
        monitor.fails = True
        exporter.tick()
        assert _up(registry) == 0.0
    finally:
        exporter.close()
