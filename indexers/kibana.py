"""Kibana saved objects for the article alias, declared in code.

``python -m indexers.kibana`` writes them to ``deploy/kibana/tinstream.ndjson``,
the file the saved objects import API takes (``tinstream kibana import``). A
unit test checks that the committed file is what this module makes and that
every field an object refers to is in the index mapping with a type Kibana can
aggregate or search on.

The visualisations are aggregation-based ("visualization" objects): they are
short to declare, and Kibana fills in every display parameter left out.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from importlib.resources import files
from pathlib import Path
from typing import Any

from indexers.mapping import DATE_FACET

DATA_VIEW_ID = "tinstream-articles"
DASHBOARD_ID = "tinstream-news"
LAG_DATA_VIEW_ID = "tinstream-lag"
LAG_DASHBOARD_ID = "tinstream-lag"
# Found through importlib.resources, wherever the package is installed.
NDJSON_PATH = Path(str(files("deploy").joinpath("kibana", "tinstream.ndjson")))
_SEARCH_SOURCE_REF = "kibanaSavedObjectMeta.searchSourceJSON.index"


def _search_source(query: str = "") -> dict[str, Any]:
    return {
        "searchSourceJSON": json.dumps(
            {
                "query": {"query": query, "language": "kuery"},
                "filter": [],
                "indexRefName": _SEARCH_SOURCE_REF,
            }
        )
    }


def _data_view_ref(data_view: str = DATA_VIEW_ID) -> list[dict[str, str]]:
    return [{"name": _SEARCH_SOURCE_REF, "type": "index-pattern", "id": data_view}]


def data_view(alias: str) -> dict[str, Any]:
    formats = {
        "url": {"id": "url", "params": {"labelTemplate": "{{value}}"}},
        "sentiment.score": {"id": "number", "params": {"pattern": "0.00"}},
        "category.score": {"id": "number", "params": {"pattern": "0.00"}},
        "word_count": {"id": "number", "params": {"pattern": "0,0"}},
    }
    return {
        "type": "index-pattern",
        "id": DATA_VIEW_ID,
        "attributes": {
            "title": alias,
            "name": "tinstream articles",
            "timeFieldName": DATE_FACET,
            "fieldFormatMap": json.dumps(formats),
            # Search-only twins of the text fields: searched, never worth a column.
            "sourceFilters": json.dumps(
                [{"value": "*_folded"}, {"value": "*_words"}, {"value": "mentions"}]
            ),
        },
        "references": [],
    }


COLUMNS = ["title", "source", "category.label", "sentiment.label", "persons", "locations"]

SEARCHES = {
    "tinstream-search-latest": ("Latest articles", ""),
    "tinstream-search-negative": ("Negative news", 'sentiment.label : "negative"'),
    "tinstream-search-duplicates": ("Near-duplicates", "is_duplicate : true"),
}


def saved_search(object_id: str, title: str, query: str) -> dict[str, Any]:
    return {
        "type": "search",
        "id": object_id,
        "attributes": {
            "title": title,
            "description": "",
            "columns": COLUMNS,
            "sort": [[DATE_FACET, "desc"]],
            "kibanaSavedObjectMeta": _search_source(query),
        },
        "references": _data_view_ref(),
    }


def _count() -> dict[str, Any]:
    return {"id": "1", "enabled": True, "type": "count", "schema": "metric", "params": {}}


def _over_time(agg_id: str = "2", field: str = DATE_FACET) -> dict[str, Any]:
    return {
        "id": agg_id,
        "enabled": True,
        "type": "date_histogram",
        "schema": "segment",
        "params": {"field": field, "interval": "auto", "min_doc_count": 1},
    }


def _metric(kind: str, field: str) -> dict[str, Any]:
    return {
        "id": "1",
        "enabled": True,
        "type": kind,
        "schema": "metric",
        "params": {"field": field},
    }


def _terms(agg_id: str, field: str, schema: str, size: int = 10) -> dict[str, Any]:
    return {
        "id": agg_id,
        "enabled": True,
        "type": "terms",
        "schema": schema,
        "params": {"field": field, "size": size, "order": "desc", "orderBy": "1"},
    }


# id → (title, visualisation type, aggregations, extra params)
VISUALIZATIONS: dict[str, tuple[str, str, list[dict[str, Any]], dict[str, Any]]] = {
    "tinstream-volume-by-category": (
        "Articles over time by category",
        "histogram",
        [_count(), _over_time(), _terms("3", "category.label", "group")],
        {},
    ),
    "tinstream-top-persons": (
        "Top persons",
        "table",
        [_count(), _terms("2", "persons", "bucket", 15)],
        {"perPage": 15},
    ),
    "tinstream-top-locations": (
        "Top locations",
        "table",
        [_count(), _terms("2", "locations", "bucket", 15)],
        {"perPage": 15},
    ),
    "tinstream-top-organizations": (
        "Top organisations",
        "table",
        [_count(), _terms("2", "organizations", "bucket", 15)],
        {"perPage": 15},
    ),
    "tinstream-sentiment-by-category": (
        "Sentiment by category",
        "histogram",
        [
            _count(),
            _terms("2", "category.label", "segment"),
            _terms("3", "sentiment.label", "group"),
        ],
        {},
    ),
    "tinstream-sentiment-over-time": (
        "Sentiment over time",
        "line",
        [_count(), _over_time(), _terms("3", "sentiment.label", "group")],
        {},
    ),
    "tinstream-sources": (
        "Sources",
        "pie",
        [_count(), _terms("2", "source", "segment", 15)],
        {"isDonut": True},
    ),
    "tinstream-duplicates": (
        "Originals and near-duplicates",
        "pie",
        [_count(), _terms("2", "is_duplicate", "segment", 2)],
        {"isDonut": True},
    ),
}


# The lag history (indexers.lag_mapping): the trend, not only the number.
LAG_VISUALIZATIONS: dict[str, tuple[str, str, list[dict[str, Any]], dict[str, Any]]] = {
    "tinstream-lag-messages": (
        "Lag in messages by topic",
        "line",
        [_metric("max", "lag"), _over_time("2", "timestamp"), _terms("3", "topic", "group")],
        {},
    ),
    "tinstream-lag-seconds": (
        "Lag in seconds by group",
        "line",
        [
            _metric("max", "lag_seconds"),
            _over_time("2", "timestamp"),
            _terms("3", "group", "group"),
        ],
        {},
    ),
    "tinstream-throughput-in": (
        "Messages written per second by topic",
        "area",
        [
            _metric("sum", "produced_per_s"),
            _over_time("2", "timestamp"),
            _terms("3", "topic", "group"),
        ],
        {},
    ),
    "tinstream-throughput-out": (
        "Messages processed per second by topic",
        "area",
        [
            _metric("sum", "consumed_per_s"),
            _over_time("2", "timestamp"),
            _terms("3", "topic", "group"),
        ],
        {},
    ),
    "tinstream-lag-status": (
        "Partition status (Burrow's rules) over time",
        "histogram",
        [_count(), _over_time("2", "timestamp"), _terms("3", "status", "group", 6)],
        {},
    ),
}


def visualization(object_id: str) -> dict[str, Any]:
    lag = object_id in LAG_VISUALIZATIONS
    title, kind, aggs, params = (LAG_VISUALIZATIONS if lag else VISUALIZATIONS)[object_id]
    return {
        "type": "visualization",
        "id": object_id,
        "attributes": {
            "title": title,
            "description": "",
            "visState": json.dumps({"title": title, "type": kind, "params": params, "aggs": aggs}),
            "uiStateJSON": "{}",
            "kibanaSavedObjectMeta": _search_source(),
        },
        "references": _data_view_ref(LAG_DATA_VIEW_ID if lag else DATA_VIEW_ID),
    }


def dashboard(
    object_id: str = DASHBOARD_ID,
    title: str = "tinstream: Vietnamese news",
    description: str = "Volume, entities, sentiment, sources and duplicates of the articles.",
    visualizations: Iterable[str] = VISUALIZATIONS,
    time_from: str = "now-1y",
) -> dict[str, Any]:
    panels, references = [], []
    # Two panels a row on Kibana's 48-column grid; the first chart spans the top.
    for n, vis_id in enumerate(visualizations):
        wide = n == 0
        row = 0 if wide else 1 + (n - 1) // 2
        grid = {
            "x": 0 if wide or n % 2 == 1 else 24,
            "y": row * 15,
            "w": 48 if wide else 24,
            "h": 15,
            "i": str(n),
        }
        panels.append(
            {
                "type": "visualization",
                "panelIndex": str(n),
                "gridData": grid,
                "embeddableConfig": {},
                "panelRefName": f"panel_{n}",
            }
        )
        references.append({"name": f"panel_{n}", "type": "visualization", "id": vis_id})
    return {
        "type": "dashboard",
        "id": object_id,
        "attributes": {
            "title": title,
            "description": description,
            "panelsJSON": json.dumps(panels),
            "optionsJSON": json.dumps({"useMargins": True, "hidePanelTitles": False}),
            "timeRestore": True,
            "timeFrom": time_from,
            "timeTo": "now",
            "refreshInterval": {"pause": False, "value": 60000},
            "kibanaSavedObjectMeta": {
                "searchSourceJSON": json.dumps({"query": {"query": "", "language": "kuery"}})
            },
        },
        "references": references,
    }


def lag_data_view(alias: str) -> dict[str, Any]:
    return {
        "type": "index-pattern",
        "id": LAG_DATA_VIEW_ID,
        "attributes": {
            "title": alias,
            "name": "tinstream consumer lag",
            "timeFieldName": "timestamp",
            "fieldFormatMap": json.dumps(
                {
                    "lag_seconds": {"id": "number", "params": {"pattern": "0,0.0"}},
                    "produced_per_s": {"id": "number", "params": {"pattern": "0,0.0"}},
                    "consumed_per_s": {"id": "number", "params": {"pattern": "0,0.0"}},
                }
            ),
        },
        "references": [],
    }


def saved_objects(
    alias: str = "news-articles", lag_alias: str = "tinstream-lag"
) -> list[dict[str, Any]]:
    """Every object, data views first, in the order Kibana imports them."""
    return [
        data_view(alias),
        lag_data_view(lag_alias),
        *(saved_search(i, t, q) for i, (t, q) in SEARCHES.items()),
        *(visualization(i) for i in (*VISUALIZATIONS, *LAG_VISUALIZATIONS)),
        dashboard(),
        dashboard(
            LAG_DASHBOARD_ID,
            "tinstream: pipeline lag",
            "Lag in messages and seconds, throughput in and out, partition status.",
            LAG_VISUALIZATIONS,
            "now-24h",
        ),
    ]


def to_ndjson(objects: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(o, ensure_ascii=False, sort_keys=True) + "\n" for o in objects)


def main() -> int:
    NDJSON_PATH.parent.mkdir(parents=True, exist_ok=True)
    NDJSON_PATH.write_text(to_ndjson(saved_objects()), encoding="utf-8")
    sys.stdout.write(f"wrote {NDJSON_PATH}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
