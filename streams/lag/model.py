"""The typed results of a lag observation: per partition and per group."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

PartitionStatus = Literal["OK", "WARN", "STALL", "STOP", "REWIND"]
GroupStatus = Literal["OK", "WARN", "ERR", "NOTFOUND"]


@dataclass(frozen=True, slots=True)
class Owner:
    """The group member a partition is assigned to."""

    member_id: str
    client_id: str
    host: str

    def __str__(self) -> str:
        return f"{self.client_id}@{self.host}"


@dataclass(frozen=True, slots=True)
class PartitionLag:
    group: str
    topic: str
    partition: int
    committed: int | None
    end_offset: int
    # None: nothing committed yet, so unknown (where will the consumer start?).
    lag: int | None
    lag_seconds: float | None
    status: PartitionStatus
    owner: Owner | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "topic": self.topic,
            "partition": self.partition,
            "committed": self.committed,
            "end_offset": self.end_offset,
            "lag": self.lag,
            "lag_seconds": None if self.lag_seconds is None else round(self.lag_seconds, 3),
            "status": self.status,
            "owner": None
            if self.owner is None
            else {
                "member_id": self.owner.member_id,
                "client_id": self.owner.client_id,
                "host": self.owner.host,
            },
        }


@dataclass(frozen=True, slots=True)
class GroupLag:
    group: str
    status: GroupStatus
    partitions: tuple[PartitionLag, ...] = field(default_factory=tuple)
    # The group's state as the coordinator reports it (Stable, Empty, Dead...).
    state: str = ""
    # Topics the group has offsets for that no longer exist.
    missing_topics: tuple[str, ...] = ()

    @property
    def total_lag(self) -> int:
        return sum(p.lag or 0 for p in self.partitions)

    @property
    def max_lag_seconds(self) -> float:
        return max((p.lag_seconds or 0.0 for p in self.partitions), default=0.0)

    def summary(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "status": self.status,
            "total_lag": self.total_lag,
            "max_lag_seconds": round(self.max_lag_seconds, 3),
        }
