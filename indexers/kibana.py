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
from pathlib import Path
from typing import Any

from indexers.mapping import DATE_FACET

DATA_VIEW_ID = "tinstream-articles"
DASHBOARD_ID = "tinstream-news"
NDJSON_PATH = Path(__file__).resolve().parents[1] / "deploy" / "kibana" / "tinstream.ndjson"
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


def _data_view_ref() -> list[dict[str, str]]:
    return [{"name": _SEARCH_SOURCE_REF, "type": "index-pattern", "id": DATA_VIEW_ID}]


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


def _over_time(agg_id: str = "2") -> dict[str, Any]:
    return {
        "id": agg_id,
        "enabled": True,
        "type": "date_histogram",
        "schema": "segment",
        "params": {"field": DATE_FACET, "interval": "auto", "min_doc_count": 1},
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


def visualization(object_id: str) -> dict[str, Any]:
    title, kind, aggs, params = VISUALIZATIONS[object_id]
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
        "references": _data_view_ref(),
    }


def dashboard() -> dict[str, Any]:
    panels, references = [], []
    # Two panels a row on Kibana's 48-column grid; the volume chart spans the top.
    for n, object_id in enumerate(VISUALIZATIONS):
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
        references.append({"name": f"panel_{n}", "type": "visualization", "id": object_id})
    return {
        "type": "dashboard",
        "id": DASHBOARD_ID,
        "attributes": {
            "title": "tinstream: Vietnamese news",
            "description": "Volume, entities, sentiment, sources and duplicates of the articles.",
            "panelsJSON": json.dumps(panels),
            "optionsJSON": json.dumps({"useMargins": True, "hidePanelTitles": False}),
            "timeRestore": True,
            "timeFrom": "now-1y",
            "timeTo": "now",
            "refreshInterval": {"pause": False, "value": 60000},
            "kibanaSavedObjectMeta": {
                "searchSourceJSON": json.dumps({"query": {"query": "", "language": "kuery"}})
            },
        },
        "references": references,
    }


def saved_objects(alias: str = "news-articles") -> list[dict[str, Any]]:
    """Every object, data view first, in the order Kibana imports them."""
    return [
        data_view(alias),
        *(saved_search(i, t, q) for i, (t, q) in SEARCHES.items()),
        *(visualization(i) for i in VISUALIZATIONS),
        dashboard(),
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
