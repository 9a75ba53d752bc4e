"""What the worker's /pipeline page shows: lag, its last hour, dead letters, throughput.

The worker feeds this object as it goes (each lag observation, each dead letter) and
the web server asks it for a snapshot: the page's views never read Kafka themselves.
Dead letters and throughput are this worker's since it started; `tinstream
dead-letters` reads the topic for the whole story.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from indexers.errors import SearchError
from indexers.lag_history import LagPoint
from streams.lag.model import GroupLag, PartitionStatus

log = logging.getLogger(__name__)

# Worst first: the status a topic shows is its worst partition's.
_SEVERITY: tuple[PartitionStatus, ...] = ("REWIND", "STOP", "STALL", "WARN", "OK")
# Counters (Pipeline.counts names) whose rates are the throughput.
THROUGHPUT = ("articles_enriched", "documents_indexed")


class HistorySource(Protocol):
    async def last_hour(self, group: str) -> dict[str, list[LagPoint]]: ...


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


def topic_rows(group: GroupLag, rates: Iterable[Mapping[str, Any]] = ()) -> list[dict[str, Any]]:
    """One row per topic of ``group``: total lag, worst lag in seconds, worst status, and
    the consumed and produced rates summed over its partitions (from ``rates``, the
    lag history documents of the same observation)."""
    per_topic: dict[str, dict[str, Any]] = {}
    for p in group.partitions:
        row = per_topic.setdefault(
            p.topic,
            {"topic": p.topic, "partitions": 0, "lag": 0, "lag_seconds": None, "status": "OK"},
        )
        row["partitions"] += 1
        row["lag"] += p.lag or 0
        if p.lag_seconds is not None:
            row["lag_seconds"] = round(max(row["lag_seconds"] or 0.0, p.lag_seconds), 1)
        if _SEVERITY.index(p.status) < _SEVERITY.index(row["status"]):
            row["status"] = p.status
    for doc in rates:
        rated = per_topic.get(str(doc.get("topic")))
        if rated is None:
            continue
        for name in ("consumed_per_s", "produced_per_s"):
            if doc.get(name) is not None:
                rated[name] = round(rated.get(name, 0.0) + float(doc[name]), 2)
    return [per_topic[t] for t in sorted(per_topic)]


class PipelineStatus:
    """The worker's state as the /pipeline page shows it.

    Args:
        group: the worker's consumer group.
        counts: this worker's counters by name (``Pipeline.counts``).
        history: reads the lag history back; None when it is not kept.
        recent: how many of the latest dead letters to keep.
        clock: the time source (injected in tests).
    """

    def __init__(
        self,
        group: str,
        counts: Callable[[], dict[str, float]],
        history: HistorySource | None = None,
        *,
        recent: int = 20,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._group = group
        self._counts = counts
        self._history = history
        self._clock = clock
        self._started = clock()
        self._groups: list[GroupLag] = []
        self._rates: list[Mapping[str, Any]] = []
        self._observed_at: float | None = None
        self._by_stage: Counter[str] = Counter()
        self._recent: deque[dict[str, Any]] = deque(maxlen=recent)
        # (time, counters) at each observation: throughput over the last minute.
        self._samples: deque[tuple[float, dict[str, float]]] = deque(maxlen=64)

    def observed(self, groups: Sequence[GroupLag], documents: Iterable[Mapping[str, Any]]) -> None:
        """A lag observation and its history documents (with the rates since the last)."""
        now = self._clock()
        self._groups = list(groups)
        self._rates = list(documents)
        self._observed_at = now
        self._samples.append((now, self._counts()))

    def dead_lettered(self, stage: str, reason: str, article_id: str | None) -> None:
        self._by_stage[stage] += 1
        self._recent.appendleft(
            {
                "stage": stage,
                "reason": reason[:500],
                "article_id": article_id,
                "failed_at": _iso(self._clock()),
            }
        )

    def _throughput(self, now: float) -> dict[str, Any]:
        counts = self._counts()
        out: dict[str, Any] = {name: int(counts.get(name, 0)) for name in THROUGHPUT}
        # The oldest sample at most a minute old (else the oldest there is).
        window = [s for s in self._samples if now - s[0] <= 60.0] or list(self._samples)
        if window and now > window[0][0]:
            then, before = window[0]
            elapsed = now - then
            out["window_s"] = round(elapsed, 1)
            for name in THROUGHPUT:
                done = counts.get(name, 0) - before.get(name, 0)
                out[f"{name}_per_s"] = round(done / elapsed, 2)
        return out

    async def snapshot(self) -> dict[str, Any]:
        """Everything the page shows, as JSON (``GET /pipeline.json``)."""
        now = self._clock()
        history: dict[str, Any] = {"interval": "1m", "topics": {}}
        if self._history is None:
            history["error"] = "lag history is off (TINSTREAM_LAG_HISTORY=false)"
        else:
            try:
                found = await self._history.last_hour(self._group)
                history["topics"] = {t: [p.to_dict() for p in ps] for t, ps in found.items()}
            except SearchError as exc:
                log.warning("%s", exc)
                history["error"] = str(exc)
        return {
            "group": self._group,
            "now": _iso(now),
            "started_at": _iso(self._started),
            "observed_at": None if self._observed_at is None else _iso(self._observed_at),
            "groups": [
                {
                    "group": g.group,
                    "status": g.status,
                    "state": g.state,
                    "lag": g.total_lag,
                    "lag_seconds": round(g.max_lag_seconds, 1),
                    "topics": topic_rows(g, self._rates),
                }
                for g in self._groups
            ],
            "history": history,
            "dead_letters": {
                "total": sum(self._by_stage.values()),
                "by_stage": dict(sorted(self._by_stage.items())),
                "recent": list(self._recent),
            },
            "throughput": self._throughput(now),
        }
