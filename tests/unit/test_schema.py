"""One article schema: the record, the mapping, the hit fields and the API agree.

With ``dynamic: false`` a field the record gains but the mapping lacks is silently
not indexed, and one the mapping drops silently disappears from searches; these
tests fail on either, in both directions, naming the field.
"""

from __future__ import annotations

import dataclasses

from indexers.mapping import FACETS, LIST_FIELDS, article_properties
from indexers.search import HIT_FIELDS
from indexers.web.api import openapi
from streams.records import EnrichedArticle

# Record fields deliberately not indexed as fields: the id is the document's _id,
# and the version is the document's external version.
NOT_MAPPED = {"id", "version"}
# Mapping fields that are not record fields: derived when the document is built.
DERIVED = {
    "title_folded",
    "content_folded",
    "summary_folded",
    "ingested_at",
    "is_duplicate",
    "entity_keys",
}


def _record_fields() -> set[str]:
    return {f.name for f in dataclasses.fields(EnrichedArticle)}


def test_every_record_field_is_mapped() -> None:
    missing = _record_fields() - NOT_MAPPED - set(article_properties())
    assert not missing, f"record fields the index would drop: {sorted(missing)}"


def test_every_mapped_field_comes_from_the_record_or_is_derived() -> None:
    stray = set(article_properties()) - _record_fields() - DERIVED
    assert not stray, f"mapped fields nothing fills: {sorted(stray)}"
    assert set(article_properties()) >= DERIVED


def test_hit_fields_facets_and_list_fields_are_mapped() -> None:
    mapped = set(article_properties())
    assert set(HIT_FIELDS) <= mapped, set(HIT_FIELDS) - mapped
    assert {f.split(".")[0] for f in FACETS.values()} <= mapped
    assert mapped >= LIST_FIELDS
    for name in LIST_FIELDS:
        field = next(f for f in dataclasses.fields(EnrichedArticle) if f.name == name)
        assert "tuple[str, ...]" in str(field.type), name


def test_the_api_describes_exactly_the_fields_a_hit_carries() -> None:
    hit = openapi()["components"]["schemas"]["SearchResult"]["properties"]["hits"]["items"]
    described = set(hit["properties"])
    # "shared": what a related hit shares with its article (related hits only).
    assert described == {"id", "score", "highlight", "shared", *HIT_FIELDS}
    assert hit["properties"]["persons"] == {"type": "array", "items": {"type": "string"}}
    assert hit["properties"]["sentiment"]["properties"]["score"]["type"] == ["number", "null"]
    assert hit["properties"]["published_at"]["format"] == "date-time"


def test_the_closed_facet_sets_are_what_the_models_produce() -> None:
    from indexers.mapping import TONES, TOPICS
    from nlp.classifiers import TOPIC_MODEL
    from nlp.tone import CLASSES
    from nlp.topic import TopicModel

    assert tuple(sorted(CLASSES)) == TONES
    assert tuple(sorted(TopicModel.load(TOPIC_MODEL).classes)) == TOPICS
