"""The article index, declared in code: mappings, facets, template and first index.

Only what the minimal Elasticsearch node of the local stack has is used here
(the ``standard`` analyser, keyword and numeric fields), so that the same
mapping works there and on a full distribution.
"""

from __future__ import annotations

from typing import Any

from elasticsearch.dsl import (
    Boolean,
    Date,
    Document,
    Float,
    InnerDoc,
    Integer,
    Keyword,
    MetaField,
    Nested,
    Object,
    Text,
)

from config import ElasticsearchSettings
from nlp.folding import FOLDED

INDEX_VERSION = 1


class EntityDoc(InnerDoc):
    text = Keyword()
    type = Keyword()
    count = Integer()
    aliases = Keyword()


class LabelDoc(InnerDoc):
    label = Keyword()
    score = Float()
    source = Keyword()


class ArticleDocument(Document):
    """One enriched article. Unknown fields stay in ``_source`` but are not indexed."""

    title = Text()
    content = Text()
    summary = Text()
    # The same text without diacritics (nlp.folding), so "ha noi" finds "Hà Nội".
    title_folded = Text()
    content_folded = Text()
    summary_folded = Text()
    # Words found in Python (nlp.segmenter), joined by "_": "bệnh_viện".
    title_words = Text()
    content_words = Text()
    url = Keyword(ignore_above=2048)
    source = Keyword()
    author = Keyword()
    language = Keyword()
    tags = Keyword()
    published_at = Date()
    ingested_at = Date()
    enriched_at = Date()
    persons = Keyword()
    locations = Keyword()
    organizations = Keyword()
    keywords = Keyword()
    entities = Nested(EntityDoc)
    # Kept for highlighting and re-analysis, never searched: not indexed at all.
    mentions = Object(enabled=False)
    sentiment = Object(LabelDoc)
    category = Object(LabelDoc)
    word_count = Integer()
    simhash = Keyword(index=False, doc_values=False)
    duplicate_of = Keyword()
    is_duplicate = Boolean()
    # "PER:luong van tu": every entity's name and aliases folded (indexers.document), for
    # filters typed in any case, without diacritics, or by an alias.
    entity_keys = Keyword()
    pipeline_version = Keyword()

    class Meta:
        dynamic = MetaField(False)


# name shown to users → field aggregated on
FACETS: dict[str, str] = {
    "persons": "persons",
    "locations": "locations",
    "organizations": "organizations",
    "category": "category.label",
    "sentiment": "sentiment.label",
    "source": "source",
    "language": "language",
    "keywords": "keywords",
    "duplicate": "is_duplicate",
}
# The closed sets of the category and sentiment facets: the topic model's slugs and
# the tone model's labels (tests/unit/test_schema.py checks the models agree).
TOPICS = (
    "doi-song",
    "khoa-hoc",
    "kinh-doanh",
    "phap-luat",
    "suc-khoe",
    "the-gioi",
    "the-thao",
    "van-hoa",
)
TONES = ("negative", "neutral", "positive")
# The date facet: articles per interval of published_at.
DATE_FACET = "published_at"
SEARCH_FIELDS = ("title^3", "summary^2", "content")
FOLDED_SEARCH_FIELDS = ("title_folded^3", "summary_folded^2", "content_folded")
WORD_FIELDS = ("title_words^3", "content_words")


# A delete is written as a tombstone document under the delete's external version,
# not as a delete: Elasticsearch forgets a real delete's version after
# index.gc_deletes (60 s) and on any shard restart, and an older copy of the article
# read later (a replay, a re-read after a crash) would then bring it back. A live
# tombstone keeps its version for as long as it exists. It has no title, which
# every article has, and the alias shows only documents with one: every search,
# count, facet, related query and Kibana view goes through the alias.
TOMBSTONE_FIELD = "tombstone"
ALIAS_FILTER: dict[str, Any] = {"exists": {"field": "title"}}


def is_tombstone(source: dict[str, Any]) -> bool:
    """The document left by a delete (a read by id does not apply the alias's filter)."""
    return source.get(TOMBSTONE_FIELD) is True


def mappings() -> dict[str, Any]:
    return ArticleDocument._doc_type.mapping.to_dict()


def index_settings(settings: ElasticsearchSettings) -> dict[str, Any]:
    return {
        "number_of_shards": settings.shards,
        "number_of_replicas": settings.replicas,
        # Kibana's free-text bar and query_string without fields search these.
        "query": {"default_field": [*FOLDED, *FOLDED.values()]},
    }


def index_name(alias: str, version: int = INDEX_VERSION) -> str:
    return f"{alias}-v{version}"


def template_body(settings: ElasticsearchSettings) -> dict[str, Any]:
    """A composable index template for every version of the alias's indices."""
    return {
        "index_patterns": [f"{settings.alias}-v*"],
        "priority": 200,
        "template": {"settings": index_settings(settings), "mappings": mappings()},
        "_meta": {"managed_by": "tinstream", "index_version": INDEX_VERSION},
    }



# Elasticsearch field type -> JSON Schema, for the API's description of a hit.
_JSON_TYPES: dict[str, dict[str, Any]] = {
    "text": {"type": ["string", "null"]},
    "keyword": {"type": ["string", "null"]},
    "date": {"type": ["string", "null"], "format": "date-time"},
    "integer": {"type": ["integer", "null"]},
    "float": {"type": ["number", "null"]},
    "boolean": {"type": ["boolean", "null"]},
}
# Keyword fields that hold lists (a facet's values): arrays in a hit.
LIST_FIELDS = frozenset({"persons", "locations", "organizations", "keywords", "tags"})


def article_properties() -> dict[str, Any]:
    """The mapping's fields, name -> Elasticsearch spec (the single source of the schema)."""
    properties: dict[str, Any] = ArticleDocument._doc_type.mapping.to_dict()["properties"]
    return properties


def field_json_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of an article field as a hit returns it, derived from the mapping."""
    if name in LIST_FIELDS:
        return {"type": "array", "items": {"type": "string"}}
    return _json_schema(article_properties()[name])


def _json_schema(spec: dict[str, Any]) -> dict[str, Any]:
    kind = spec.get("type", "object")
    if kind in _JSON_TYPES:
        return dict(_JSON_TYPES[kind])
    properties = {name: _json_schema(sub) for name, sub in spec.get("properties", {}).items()}
    return {"type": ["object", "null"], "properties": properties}
