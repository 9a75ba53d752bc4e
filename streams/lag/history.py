"""Lag history: each observation written to Elasticsearch, so Kibana shows the trend."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from streams.lag.model import GroupLag

_Key = tuple[str, str, int]


class LagHistory:
    """Turns observations into documents, with throughput since the previous one."""

    def __init__(self) -> None:
        # (group, topic, partition) → (time, committed, end offset) last seen.
        self._previous: dict[_Key, tuple[float, int | None, int]] = {}

    def documents(self, groups: Sequence[GroupLag], now: float) -> Iterator[dict[str, Any]]:
        stamp = datetime.fromtimestamp(now, UTC).isoformat()
        for group in groups:
            for p in group.partitions:
                key = (p.group, p.topic, p.partition)
                doc: dict[str, Any] = {
                    "timestamp": stamp,
                    "group": p.group,
                    "topic": p.topic,
                    "partition": p.partition,
                    "committed": p.committed,
                    "end_offset": p.end_offset,
                    "lag": p.lag,
                    "lag_seconds": p.lag_seconds,
                    "status": p.status,
                    "group_status": group.status,
                    "owner": str(p.owner) if p.owner else None,
                }
                before = self._previous.get(key)
                if before is not None and now > before[0]:
                    elapsed = now - before[0]
                    doc["produced_per_s"] = max(0, p.end_offset - before[2]) / elapsed
                    if p.committed is not None and before[1] is not None:
                        doc["consumed_per_s"] = max(0, p.committed - before[1]) / elapsed
                self._previous[key] = (now, p.committed, p.end_offset)
                yield doc
