"""The index mapping declared in code: facets exist, nothing dynamic, template shape."""

from __future__ import annotations

from typing import Any

from config import ElasticsearchSettings
from indexers.mapping import FACETS, index_name, mappings, template_body
from indexers.search import build_query


def _field(mapping: dict[str, Any], path: str) -> dict[str, Any]:
    node: dict[str, Any] = mapping
    for part in path.split("."):
        node = node["properties"][part]
    return node


def test_facets_are_keywords() -> None:
    m = mappings()
    for field in FACETS.values():
        assert _field(m, field)["type"] == "keyword", field


def test_dates_text_and_url() -> None:
    m = mappings()
    assert _field(m, "published_at")["type"] == "date"
    assert _field(m, "ingested_at")["type"] == "date"
    assert _field(m, "title")["type"] == "text"
    assert _field(m, "content")["type"] == "text"
    assert _field(m, "url")["type"] == "keyword"
    assert _field(m, "mentions")["enabled"] is False


def test_unknown_fields_are_not_indexed() -> None:
    assert mappings()["dynamic"] is False


def test_template_covers_versioned_indices() -> None:
    body = template_body(ElasticsearchSettings(alias="news"))
    assert body["index_patterns"] == ["news-v*"]
    assert index_name("news") == "news-v1"
    assert body["template"]["settings"]["query"]["default_field"] == ["title", "summary", "content"]


def test_empty_query_matches_all() -> None:
    assert build_query("  ") == {"match_all": {}}
    assert "bool" in build_query("Hà Nội")
