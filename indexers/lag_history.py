"""The lag history index: observations written, and read back for a chart.

Writing: one writer for the worker and for ``tinstream lag-exporter``; both hand it
the documents of ``streams.lag.history.LagHistory``. The history is a convenience
for Kibana and the pipeline page: a refused write is logged and the stream goes on.

Reading: the worker writes one document per partition per observation; a chart
wants one value per topic per minute. Elasticsearch sums the partitions and divides
by the number of observations in the minute (the distinct timestamps), so a minute
with six observations shows their mean total lag, not six times it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from elasticsearch import ApiError, AsyncElasticsearch, TransportError

from indexers.errors import SearchError

log = logging.getLogger(__name__)


class LagHistoryWriter:
    """Appends documents to ``alias`` with one bulk request per observation."""

    def __init__(self, es: AsyncElasticsearch, alias: str) -> None:
        self._es = es
        self._alias = alias
        # The same failure every interval is said once, until a write goes through.
        self._failing = False

    async def write(self, documents: Iterable[dict[str, Any]]) -> int:
        """Writes the documents; how many Elasticsearch accepted (0 when it could not)."""
        operations: list[dict[str, Any]] = []
        for doc in documents:
            operations.extend(({"index": {"_index": self._alias}}, doc))
        if not operations:
            return 0
        try:
            response = await self._es.bulk(operations=operations)
        except (ApiError, TransportError) as exc:
            if not self._failing:
                log.warning("cannot write the lag history (said once until it can): %s", exc)
            else:
                log.debug("cannot write the lag history: %s", exc)
            self._failing = True
            return 0
        self._failing = False
        items = response.get("items", [])
        refused = sum(1 for item in items if item.get("index", {}).get("error"))
        if refused:
            log.warning("%s of %s lag history documents were refused", refused, len(items))
        return len(items) - refused


@dataclass(frozen=True, slots=True)
class LagPoint:
    """One minute of one topic: mean total lag (messages), worst lag in seconds, and
    the mean rate the group consumed at (messages per second)."""

    time: str
    lag: float
    lag_seconds: float | None
    consumed_per_s: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "time": self.time,
            "lag": round(self.lag, 1),
            "lag_seconds": None if self.lag_seconds is None else round(self.lag_seconds, 1),
            "consumed_per_s": None
            if self.consumed_per_s is None
            else round(self.consumed_per_s, 2),
        }


def history_body(group: str, minutes: int = 60, interval: str = "1m") -> dict[str, Any]:
    """The aggregation of ``group``'s last ``minutes`` of observations, by topic and minute."""
    per_minute = {
        "observations": {"cardinality": {"field": "timestamp"}},
        "lag": {"sum": {"field": "lag"}},
        "lag_seconds": {"max": {"field": "lag_seconds"}},
        "consumed": {"sum": {"field": "consumed_per_s"}},
        "rated": {"value_count": {"field": "consumed_per_s"}},
    }
    return {
        "size": 0,
        "query": {
            "bool": {
                "filter": [
                    {"term": {"group": group}},
                    {"range": {"timestamp": {"gte": f"now-{minutes}m"}}},
                ]
            }
        },
        "aggs": {
            "topics": {
                "terms": {"field": "topic", "size": 50},
                "aggs": {
                    "minutes": {
                        "date_histogram": {
                            "field": "timestamp",
                            "fixed_interval": interval,
                            "min_doc_count": 1,
                        },
                        "aggs": per_minute,
                    }
                },
            }
        },
    }


def parse_history(response: Any) -> dict[str, list[LagPoint]]:
    """Topic → its points, oldest first."""
    out: dict[str, list[LagPoint]] = {}
    for topic in (response.get("aggregations") or {}).get("topics", {}).get("buckets", []):
        points = []
        for minute in topic["minutes"]["buckets"]:
            observations = max(1, int(minute["observations"]["value"] or 1))
            rated = int(minute["rated"]["value"] or 0)
            points.append(
                LagPoint(
                    time=str(minute["key_as_string"]),
                    lag=float(minute["lag"]["value"] or 0.0) / observations,
                    lag_seconds=minute["lag_seconds"]["value"],
                    # Rates exist from a partition's second observation on.
                    consumed_per_s=(
                        float(minute["consumed"]["value"]) / observations if rated else None
                    ),
                )
            )
        out[str(topic["key"])] = points
    return out


class LagHistoryReader:
    """Reads the lag history alias with the async client (the worker's web server).

    Args:
        client: the Elasticsearch client (injected).
        alias: the lag history alias (``TINSTREAM_LAG_HISTORY_ALIAS``).
    """

    def __init__(self, client: AsyncElasticsearch, alias: str) -> None:
        self._client = client
        self._alias = alias

    async def last_hour(self, group: str) -> dict[str, list[LagPoint]]:
        """The group's lag per topic and minute over the last hour (empty: no history yet)."""
        try:
            response = await self._client.options(ignore_status=404).search(
                index=self._alias, body=history_body(group)
            )
        except (ApiError, TransportError) as exc:
            raise SearchError(
                f"cannot read the lag history {self._alias!r}: {exc}",
                retriable=isinstance(exc, TransportError),
            ) from exc
        return parse_history(response)
