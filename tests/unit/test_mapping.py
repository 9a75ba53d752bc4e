"""The index mapping declared in code: facets exist, nothing dynamic, template shape."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest

from config import ElasticsearchSettings
from indexers.document import DocumentBuilder
from indexers.mapping import FACETS, index_name, mappings, template_body
from indexers.search import build_query
from nlp.folding import fold
from nlp.segmenter import WordModel, WordSegmenter

# A small hand-written word model, so these tests need no dictionary on disk.
_MODEL = WordModel(
    frozenset({"bệnh viện", "hà nội", "thủ tướng", "y tế", "học sinh", "sinh học"}),
    {"bệnh viện": 40, "học sinh": 30, "sinh học": 5, "học": 50, "sinh": 10, "ở": 100},
)


def _field(mapping: dict[str, Any], path: str) -> dict[str, Any]:
    node: dict[str, Any] = mapping
    for part in path.split("."):
        node = node["properties"][part]
    return node


def test_facets_are_aggregatable() -> None:
    m = mappings()
    for field in FACETS.values():
        assert _field(m, field)["type"] in ("keyword", "boolean"), field


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
    # Kibana's free-text bar searches the folded fields too.
    assert body["template"]["settings"]["query"]["default_field"] == [
        "title",
        "summary",
        "content",
        "title_folded",
        "summary_folded",
        "content_folded",
    ]
    for name in ("title_folded", "summary_folded", "content_folded"):
        assert _field(mappings(), name)["type"] == "text"


def test_empty_query_matches_all() -> None:
    assert build_query("  ") == {"match_all": {}}
    assert "bool" in build_query("Hà Nội")


def test_folding_drops_diacritics_and_case() -> None:
    assert fold("Đà Nẵng") == "da nang"
    assert fold("HÀ NỘI, Thừa Thiên Huế") == "ha noi, thua thien hue"
    assert fold(unicodedata.normalize("NFD", "Quảng Ngãi")) == "quang ngai"
    doc = DocumentBuilder(WordSegmenter(_MODEL)).build(
        {"title": "Hà Nội", "content": "Đường phố", "summary": None}
    )
    assert (doc["title_folded"], doc["content_folded"]) == ("ha noi", "duong pho")
    assert "summary_folded" not in doc
    assert doc["is_duplicate"] is False


@pytest.mark.parametrize(
    "text",
    ["Thừa Thiên Huế", "ĐẶNG THỊ Ỷ", "İstanbul ǅ ﬁ ß 𝔘 한국어 😀", "x\u0301y"],
)
def test_folding_keeps_every_offset(text: str) -> None:
    assert len(fold(text)) == len(unicodedata.normalize("NFC", text))


def test_a_query_searches_the_text_as_typed_and_folded() -> None:
    body = json.dumps(build_query("Hà Nội"), ensure_ascii=False)
    assert '"query": "Hà Nội"' in body and '"query": "ha noi"' in body
    assert "title_folded^3" in body
