"""The /pipeline page's state: lag per topic, dead letters, throughput, the lag history."""

from __future__ import annotations

import pytest

from indexers.errors import SearchError
from indexers.lag_history import LagPoint, history_body, parse_history
from streams.lag.model import GroupLag, PartitionLag
from streams.status import PipelineStatus, topic_rows


def _partition(
    topic: str, partition: int, lag: int, seconds: float | None, status: str
) -> PartitionLag:
    return PartitionLag("g", topic, partition, 10, 10 + lag, lag, seconds, status)  # type: ignore[arg-type]


GROUP = GroupLag(
    "g",
    "WARN",
    partitions=(
        _partition("raw", 0, 3, 1.5, "OK"),
        _partition("raw", 1, 4, 7.25, "WARN"),
        _partition("enriched", 0, 0, 0.0, "OK"),
    ),
    state="Stable",
)


def test_a_topic_sums_its_lag_and_shows_its_worst_partition() -> None:
    rows = topic_rows(
        GROUP,
        [
            {"topic": "raw", "consumed_per_s": 2.0, "produced_per_s": 1.0},
            {"topic": "raw", "consumed_per_s": 0.5},
            {"topic": "other", "consumed_per_s": 9.0},
        ],
    )
    assert rows == [
        {"topic": "enriched", "partitions": 1, "lag": 0, "lag_seconds": 0.0, "status": "OK"},
        {
            "topic": "raw",
            "partitions": 2,
            "lag": 7,
            "lag_seconds": 7.2,
            "status": "WARN",
            "consumed_per_s": 2.5,
            "produced_per_s": 1.0,
        },
    ]


class _History:
    def __init__(self, error: bool = False) -> None:
        self.error = error

    async def last_hour(self, group: str) -> dict[str, list[LagPoint]]:
        if self.error:
            raise SearchError("cannot read the lag history 'h': down")
        return {"raw": [LagPoint("2026-01-01T00:00:00.000Z", 3.0, 1.0, 2.0)]}


@pytest.mark.asyncio
async def test_a_snapshot_has_lag_history_dead_letters_and_throughput() -> None:
    now = [1000.0]
    counts = {"articles_enriched": 10.0, "documents_indexed": 4.0}
    status = PipelineStatus("g", lambda: dict(counts), _History(), clock=lambda: now[0])
    status.observed([GROUP], [])
    now[0] = 1030.0
    counts.update(articles_enriched=70.0, documents_indexed=34.0)
    status.dead_lettered("decode", "not JSON", None)
    status.dead_lettered("validate", "title is empty", "a-1")
    status.dead_lettered("decode", "x" * 900, None)

    snap = await status.snapshot()
    assert snap["observed_at"] == "1970-01-01T00:16:40+00:00"
    [group] = snap["groups"]
    assert (group["status"], group["state"], group["lag"], group["lag_seconds"]) == (
        "WARN",
        "Stable",
        7,
        7.2,
    )
    assert [t["topic"] for t in group["topics"]] == ["enriched", "raw"]
    assert snap["history"]["topics"]["raw"][0]["lag"] == 3.0
    dead = snap["dead_letters"]
    assert dead["total"] == 3 and dead["by_stage"] == {"decode": 2, "validate": 1}
    assert [d["stage"] for d in dead["recent"]] == ["decode", "validate", "decode"]  # latest first
    assert len(dead["recent"][0]["reason"]) == 500
    assert dead["recent"][1]["article_id"] == "a-1"
    assert snap["throughput"] == {
        "articles_enriched": 70,
        "documents_indexed": 34,
        "window_s": 30.0,
        "articles_enriched_per_s": 2.0,
        "documents_indexed_per_s": 1.0,
    }


@pytest.mark.asyncio
async def test_an_unreadable_history_is_said_not_raised() -> None:
    status = PipelineStatus("g", dict, _History(error=True))
    snap = await status.snapshot()
    assert snap["history"]["error"].startswith("cannot read the lag history")
    assert snap["groups"] == [] and snap["observed_at"] is None
    off = await PipelineStatus("g", dict, None).snapshot()
    assert "TINSTREAM_LAG_HISTORY" in off["history"]["error"]


def test_history_is_the_groups_last_hour_per_topic_and_minute() -> None:
    body = history_body("g")
    assert {"term": {"group": "g"}} in body["query"]["bool"]["filter"]
    assert body["aggs"]["topics"]["aggs"]["minutes"]["date_histogram"]["fixed_interval"] == "1m"

    def minute(key: str, observations: int, lag: float, rated: int) -> dict[str, object]:
        return {
            "key_as_string": key,
            "observations": {"value": observations},
            "lag": {"value": lag},
            "lag_seconds": {"value": 4.0},
            "consumed": {"value": 12.0},
            "rated": {"value": rated},
        }

    response = {
        "aggregations": {
            "topics": {
                "buckets": [
                    {
                        "key": "raw",
                        "minutes": {"buckets": [minute("t0", 6, 60.0, 0), minute("t1", 3, 9.0, 9)]},
                    }
                ]
            }
        }
    }
    points = parse_history(response)["raw"]
    # The mean of the minute's observations of the summed partitions.
    assert [(p.time, p.lag, p.consumed_per_s) for p in points] == [
        ("t0", 10.0, None),
        ("t1", 3.0, 4.0),
    ]
    assert parse_history({}) == {}
