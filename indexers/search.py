"""Search over the article alias: full text, filters, facets, highlights, related articles.

The request bodies are built and the responses read by plain functions, shared by
the two clients: ``indexers.search_async.AsyncArticleSearch`` (the worker's web
server) and ``indexers.search_sync.ArticleSearch`` (the CLI), generated from it.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError

from indexers.document import entity_key
from indexers.errors import SearchError
from indexers.highlight import POST_TAG, PRE_TAG, mark_syllables, one_line, restore
from indexers.mapping import (
    DATE_FACET,
    FACETS,
    FOLDED_SEARCH_FIELDS,
    SEARCH_FIELDS,
    TOMBSTONE_FIELD,
    TONES,
    TOPICS,
    WORD_FIELDS,
    is_tombstone,
)
from nlp.folding import FOLDED, fold
from nlp.segmenter import WordSegmenter

# The article fields each hit carries (each one a field of the mapping; checked by
# tests/unit/test_schema.py, and described in the OpenAPI from the mapping).
HIT_FIELDS = (
    "title",
    "url",
    "source",
    "published_at",
    "language",
    "author",
    "category",
    "sentiment",
    "persons",
    "locations",
    "organizations",
    "keywords",
    "summary",
    "duplicate_of",
)
_HIGHLIGHTED = ("title", "summary", "content")
_FRAGMENT_SIZE = 160
# Elasticsearch refuses from + size beyond index.max_result_window (10,000).
MAX_RESULT_WINDOW = 10_000
INTERVALS = ("hour", "day", "week", "month", "quarter", "year")


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """What to search for. Filters of one entity kind must all match (an article
    about both people); values of category, source and sentiment are alternatives."""

    text: str = ""
    persons: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    sentiments: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    include_duplicates: bool = True
    page: int = 1
    size: int = 10
    facet_size: int = 10
    interval: str = "day"
    highlight: bool = True

    def __post_init__(self) -> None:
        if self.page < 1 or self.size < 0 or self.facet_size < 1:
            raise SearchError("page and facet size must be at least 1, size at least 0")
        if self.page * self.size > MAX_RESULT_WINDOW:
            raise SearchError(f"page × size may not pass {MAX_RESULT_WINDOW}")
        if self.interval not in INTERVALS:
            raise SearchError(f"interval must be one of {', '.join(INTERVALS)}")
        for name, values, allowed in (
            ("sentiment", self.sentiments, TONES),
            ("category", self.categories, TOPICS),
        ):
            unknown = [v for v in values if v not in allowed]
            if unknown:
                raise SearchError(f"unknown {name} {unknown[0]!r}; one of: {', '.join(allowed)}")
        if self.since and self.until and self.since > self.until:
            raise SearchError("since is after until")


@dataclass(frozen=True, slots=True)
class FacetBucket:
    value: str
    count: int


@dataclass(frozen=True, slots=True)
class SearchHit:
    id: str
    score: float | None
    title: str
    url: str | None
    fields: dict[str, Any] = field(default_factory=dict)
    highlight: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "score": self.score,
            "title": self.title,
            "url": self.url,
            **self.fields,
            "highlight": self.highlight,
        }


@dataclass(frozen=True, slots=True)
class SearchResult:
    total: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetBucket]]
    page: int = 1
    size: int = 10

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "page": self.page,
            "size": self.size,
            "hits": [h.to_dict() for h in self.hits],
            "facets": {
                k: [{"value": b.value, "count": b.count} for b in v] for k, v in self.facets.items()
            },
        }


# What ranks an article for a text query, over BM25 on the syllables found anywhere
# (tuned on the tuning names of bench.search_quality only). Bonuses are constant, so
# that a phrase of common syllables ("do duc minh") outweighs those syllables in a
# title: the query's words in a row (as typed or folded), a name the index knows
# that the query spells, written with its own diacritics, and that name found in the
# article by the enrichment. The phrase's BM25 then orders the articles that have it.
PHRASE_BONUS = 50.0
NAME_BONUS = 30.0
ENTITY_BONUS = 10.0
PHRASE_AS_TYPED_BOOST = 2.0
PHRASE_FOLDED_BOOST = 1.5
WORDS_BOOST = 1.0
# Names are looked up in the first syllables of a query only (a pasted title has many
# spans, and its own words in a row find it anyway).
MAX_NAME_LOOKUP_SYLLABLES = 8
_ENTITY_KINDS = ("PER", "LOC", "ORG")
_NAME_FACETS = ("persons", "locations", "organizations")
_EDGE_PUNCTUATION = ",;:!?\"'()[]“”‘’…."


def query_spans(text: str) -> list[str]:
    """The runs of the query's folded syllables that could be a name, longest first:
    every run of two syllables or more, or the one syllable a query of one has."""
    # Punctuation around a syllable is not part of a name ("ha noi, da nang").
    edges = fold(text).split()
    syllables = [s for s in (e.strip(_EDGE_PUNCTUATION) for e in edges) if s]
    syllables = syllables[:MAX_NAME_LOOKUP_SYLLABLES]
    n = len(syllables)
    shortest = 1 if n == 1 else 2
    return [
        " ".join(syllables[i : i + size])
        for size in range(n, shortest - 1, -1)
        for i in range(n - size + 1)
    ]


def names_body(text: str, size: int = 100) -> dict[str, Any] | None:
    """The request for the names the index knows that the query spells, diacritics or not
    ("bien dong" → "Biển Đông"); None when the query has no span to look up.

    Per span of the query, the names of the articles whose entities fold to it: there,
    the name itself is on every article, so it is among the most frequent."""
    spans = query_spans(text)
    if not spans:
        return None
    keys = {span: [f"{kind}:{span}" for kind in _ENTITY_KINDS] for span in spans}
    return {
        "size": 0,
        "query": {"terms": {"entity_keys": [k for span in spans for k in keys[span]]}},
        "aggs": {
            "spans": {
                "filters": {
                    "filters": {span: {"terms": {"entity_keys": keys[span]}} for span in spans}
                },
                "aggs": {
                    facet: {"terms": {"field": FACETS[facet], "size": size}}
                    for facet in _NAME_FACETS
                },
            }
        },
    }


def names_from(response: Any, text: str) -> tuple[str, ...]:
    """The names written as the articles write them, for the longest spans of the query
    found (a full name, not its parts), most articles first."""
    spans = set(query_spans(text))
    buckets = (response.get("aggregations") or {}).get("spans", {}).get("buckets", {})
    found: dict[str, list[tuple[int, str]]] = {}
    for span, bucket in buckets.items():
        if span not in spans or not bucket.get("doc_count"):
            continue
        for facet in _NAME_FACETS:
            for named in bucket.get(facet, {}).get("buckets", []):
                name = str(named["key"])
                if " ".join(fold(name).split()) == span:
                    found.setdefault(span, []).append((int(named["doc_count"]), name))
    kept = [s for s in found if not any(s != o and f" {s} " in f" {o} " for o in found)]
    names = [name for span in kept for _, name in sorted(found[span], reverse=True)]
    return tuple(dict.fromkeys(names))


def _phrase(query: str, fields: tuple[str, ...], boost: float) -> dict[str, Any]:
    return {
        "multi_match": {"query": query, "type": "phrase", "fields": list(fields), "boost": boost}
    }


def _bonus(queries: list[dict[str, Any]], boost: float) -> dict[str, Any]:
    """``boost`` for an article any of ``queries`` matches, however often or where."""
    return {
        "constant_score": {
            "filter": {"bool": {"should": queries, "minimum_should_match": 1}},
            "boost": boost,
        }
    }


def build_query(text: str, words: str | None = None, names: tuple[str, ...] = ()) -> dict[str, Any]:
    """Full text over the fields as written, their folded twins and their words.

    A query with diacritics matches both; one typed without them ("ha noi")
    matches the folded fields, which hold every article without them. The
    syllables may be found anywhere, but what ranks is the query's words in a row:
    as typed, folded, as words (``words``, the query segmented, ranks "bệnh viện"
    the word above "bệnh" and "viện" apart), and the ``names`` the index knows
    that the query spells (``names_from``), with their own diacritics, so that
    "da nang" means Đà Nẵng before "đã nâng", and articles in which the enrichment
    found that name come first.
    """
    text = text.strip()
    if not text:
        return {"match_all": {}}
    folded = fold(text)

    def match(query: str, fields: tuple[str, ...]) -> dict[str, Any]:
        return {
            "multi_match": {
                "query": query,
                "fields": list(fields),
                # Vietnamese words are several syllables: ask most of them to match.
                "minimum_should_match": "2<75%",
            }
        }

    as_typed = _phrase(text, SEARCH_FIELDS, PHRASE_AS_TYPED_BOOST)
    as_folded = _phrase(folded, FOLDED_SEARCH_FIELDS, PHRASE_FOLDED_BOOST)
    should: list[dict[str, Any]] = [
        _bonus([as_typed, as_folded], PHRASE_BONUS),
        as_typed,
        as_folded,
    ]
    if words and "_" in words:
        should.append(_phrase(words, WORD_FIELDS, WORDS_BOOST))
    if names:
        should.append(_bonus([_phrase(n, SEARCH_FIELDS, 1) for n in names], NAME_BONUS))
        keys = sorted({entity_key(kind, name) for name in names for kind in _ENTITY_KINDS})
        should.append({"terms": {"entity_keys": keys, "boost": ENTITY_BONUS}})
    return {
        "bool": {
            "must": [
                {
                    "bool": {
                        "should": [match(text, SEARCH_FIELDS), match(folded, FOLDED_SEARCH_FIELDS)],
                        "minimum_should_match": 1,
                    }
                }
            ],
            "should": should,
        }
    }


def _mainly_about(kind: str, name: str) -> dict[str, Any]:
    """Scores an article by how often it names ``name``: the most about it rank first."""
    return {
        "nested": {
            "path": "entities",
            "score_mode": "sum",
            "query": {
                "function_score": {
                    "query": {
                        "bool": {
                            "filter": [
                                {"term": {"entities.text": name}},
                                {"term": {"entities.type": kind}},
                            ]
                        }
                    },
                    "field_value_factor": {
                        "field": "entities.count",
                        "modifier": "log1p",
                        "missing": 1,
                    },
                    "boost_mode": "replace",
                }
            },
        }
    }


def build_body(
    request: SearchRequest,
    segmenter: WordSegmenter | None = None,
    names: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The search request body for ``request``; ``names``: what ``names_from`` found."""
    words = segmenter.segment(request.text) if segmenter and request.text.strip() else None
    filters: list[dict[str, Any]] = []
    should: list[dict[str, Any]] = []
    for facet, kind, values in (
        ("persons", "PER", request.persons),
        ("locations", "LOC", request.locations),
        ("organizations", "ORG", request.organizations),
    ):
        for value in values:
            filters.append(
                {
                    "bool": {
                        "should": [
                            {"term": {"entity_keys": entity_key(kind, value)}},
                            # Documents indexed before entity_keys existed (until migrated).
                            {"term": {FACETS[facet]: value}},
                        ],
                        "minimum_should_match": 1,
                    }
                }
            )
            should.append(_mainly_about(kind, value))
    for facet, values in (
        ("category", request.categories),
        ("source", request.sources),
        ("sentiment", request.sentiments),
    ):
        if values:
            filters.append({"terms": {FACETS[facet]: list(values)}})
    if request.since or request.until:
        bounds = {}
        if request.since:
            bounds["gte"] = request.since.isoformat()
        if request.until:
            bounds["lte"] = request.until.isoformat()
        filters.append({"range": {DATE_FACET: bounds}})
    must_not = [] if request.include_duplicates else [{"term": {"is_duplicate": True}}]
    query: dict[str, Any] = {
        "bool": {
            "must": [build_query(request.text, words, names)],
            "filter": filters,
            "should": should,
            "must_not": must_not,
        }
    }
    aggs: dict[str, Any] = {
        name: {"terms": {"field": fld, "size": request.facet_size}} for name, fld in FACETS.items()
    }
    aggs[DATE_FACET] = {
        "date_histogram": {
            "field": DATE_FACET,
            "calendar_interval": request.interval,
            "format": "yyyy-MM-dd'T'HH:mm",
            "min_doc_count": 1,
        }
    }
    body: dict[str, Any] = {
        "query": query,
        "from": (request.page - 1) * request.size,
        "size": request.size,
        "aggs": aggs,
        "track_total_hits": True,
        "_source": {"includes": list(HIT_FIELDS)},
    }
    if request.highlight and request.text.strip():
        fields: dict[str, Any] = {}
        for name in _HIGHLIGHTED:
            whole = name == "title"
            options = {"number_of_fragments": 0} if whole else {"fragment_size": _FRAGMENT_SIZE}
            fields[name] = {**options, "highlight_query": _phrases(name, [request.text, *names])}
            fields[FOLDED[name]] = {
                **options,
                "highlight_query": _phrases(FOLDED[name], [fold(request.text)]),
            }
        body["highlight"] = {
            "pre_tags": [PRE_TAG],
            "post_tags": [POST_TAG],
            "fields": fields,
            # Matches of one field only, not terms that matched elsewhere.
            "require_field_match": True,
        }
        # The originals, to put diacritics back into folded highlights.
        body["_source"]["includes"] = [*HIT_FIELDS, "content"]
    return body


def _phrases(field_name: str, phrases: list[str]) -> dict[str, Any]:
    """What a field's highlight marks: the phrases whole, never a syllable that only
    folds like one of theirs ("nối" for "ha noi")."""
    return {
        "bool": {
            "should": [{"match_phrase": {field_name: phrase}} for phrase in phrases],
            "minimum_should_match": 1,
        }
    }


def _highlights(hit: dict[str, Any], source: dict[str, Any], text: str) -> dict[str, list[str]]:
    """The phrase's highlights, with the diacritics of the text; for an article that holds
    the query's syllables only apart, those syllables (the reason it matched)."""
    found = hit.get("highlight") or {}
    out: dict[str, list[str]] = {}
    for name in _HIGHLIGHTED:
        if found.get(name):
            out[name] = [one_line(f) for f in found[name]]
            continue
        folded_fragments = found.get(FOLDED[name])
        original = source.get(name)
        if not folded_fragments or not isinstance(original, str):
            continue
        folded = fold(original)
        out[name] = [one_line(restore(f, original, folded) or f) for f in folded_fragments]
    if out or not text.strip():
        return out
    syllables = frozenset(fold(text).split())
    for name in _HIGHLIGHTED:
        original = source.get(name)
        if isinstance(original, str):
            size = None if name == "title" else _FRAGMENT_SIZE
            marked = mark_syllables(original, fold(original), syllables, size)
            if marked is not None:
                out[name] = [one_line(marked)]
    return out


def parse_response(response: Any, request: SearchRequest) -> SearchResult:
    hits = []
    for hit in response["hits"]["hits"]:
        source = dict(hit.get("_source") or {})
        highlight = _highlights(hit, source, request.text if request.highlight else "")
        source.pop("content", None)
        hits.append(
            SearchHit(
                id=hit["_id"],
                score=hit.get("_score"),
                title=source.pop("title", ""),
                url=source.pop("url", None),
                fields=source,
                highlight=highlight,
            )
        )
    aggregations = response.get("aggregations") or {}
    facets = {
        name: [
            FacetBucket(str(b.get("key_as_string", b["key"])), int(b["doc_count"]))
            for b in aggregations.get(name, {}).get("buckets", [])
        ]
        for name in (*FACETS, DATE_FACET)
    }
    return SearchResult(
        total=int(response["hits"]["total"]["value"]),
        hits=hits,
        facets=facets,
        page=request.page,
        size=request.size,
    )


# What relates two articles, and how much one shared value of each weighs: the people
# and organisations they both name over the places (a city links a match report to a
# heart transplant) and the keywords.
RELATED_BY = (("persons", 3.0), ("organizations", 3.0), ("locations", 1.0), ("keywords", 1.0))
SAME_TOPIC_BOOST = 2.0
RECENCY_PIVOT = "30d"


def related_body(article_id: str, source: dict[str, Any], size: int) -> dict[str, Any]:
    """Articles sharing the most (weighted) entities and keywords with this one, the same
    topic and a nearby date ranking higher; never the article or its copies."""
    shared: list[dict[str, Any]] = []
    for name, boost in RELATED_BY:
        values = [v for v in source.get(name) or () if isinstance(v, str)]
        # One clause per value: two shared people count twice.
        shared.extend({"term": {FACETS[name]: {"value": v, "boost": boost}}} for v in values[:50])
    exclude = [article_id]
    original = source.get("duplicate_of")
    if isinstance(original, str):
        exclude.append(original)
    must_not: list[dict[str, Any]] = [
        {"ids": {"values": exclude}},
        {"terms": {"duplicate_of": exclude}},
        {"term": {"is_duplicate": True}},
    ]
    if not shared:
        # Nothing to relate by: an empty result, not every article.
        shared = [{"match_none": {}}]
    closer: list[dict[str, Any]] = []
    category = (source.get("category") or {}).get("label")
    if isinstance(category, str):
        same_topic = {"value": category, "boost": SAME_TOPIC_BOOST}
        closer.append({"term": {FACETS["category"]: same_topic}})
    published = source.get("published_at")
    if isinstance(published, str):
        closer.append(
            {
                "distance_feature": {
                    "field": DATE_FACET,
                    "origin": published,
                    "pivot": RECENCY_PIVOT,
                    "boost": 1.0,
                }
            }
        )
    return {
        "query": {
            "bool": {
                # Something shared is required; topic and date only rank.
                "must": [{"bool": {"should": shared, "minimum_should_match": 1}}],
                "should": closer,
                "must_not": must_not,
            }
        },
        "size": size,
        "track_total_hits": True,
        "_source": {"includes": list(HIT_FIELDS)},
    }


def with_shared(source: dict[str, Any], result: SearchResult) -> SearchResult:
    """Each related hit with what it shares with ``source`` (``fields["shared"]``)."""
    hits = []
    for hit in result.hits:
        shared = {
            name: sorted(set(source.get(name) or ()) & set(hit.fields.get(name) or ()))
            for name, _ in RELATED_BY
        }
        shared = {name: values for name, values in shared.items() if values}
        hits.append(dataclasses.replace(hit, fields={**hit.fields, "shared": shared}))
    return dataclasses.replace(result, hits=hits)


# What an article view shows: everything but the search-only derived fields.
ARTICLE_EXCLUDES = [
    "*_folded",
    "*_words",
    "entity_keys",
    "mentions",
    "simhash",
]


@dataclass(frozen=True, slots=True)
class ArticleView:
    """One article as a reader opens it, with the articles related to it."""

    id: str
    fields: dict[str, Any]
    related: SearchResult

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, **self.fields, "related": self.related.to_dict()["hits"]}


RELATED_SOURCE = [
    "persons",
    "organizations",
    "locations",
    "keywords",
    "duplicate_of",
    "category",
    "published_at",
]


# The tombstone flag is read too: a read by id does not apply the alias's filter.
RELATED_INCLUDES = [*RELATED_SOURCE, TOMBSTONE_FIELD]


def article_found(found: Any) -> bool:
    """A read by id found an article, not nothing nor the tombstone of a deleted one."""
    return bool(found.get("found")) and not is_tombstone(found.get("_source") or {})


def search_failed(alias: str, exc: Exception) -> SearchError:
    return SearchError(
        f"search on {alias!r} failed: {exc}", retriable=isinstance(exc, TransportError)
    )


def count_present(client: Elasticsearch, alias: str, ids: list[str]) -> int:
    """How many of ``ids`` are searchable now."""
    response = client.count(index=alias, query={"ids": {"values": ids}})
    return int(response["count"])


def wait_until_searchable(
    client: Elasticsearch,
    alias: str,
    ids: list[str],
    *,
    timeout_s: float,
    poll_s: float = 0.5,
) -> int:
    """Poll until every id is searchable or the deadline passes; return how many are."""
    deadline = time.monotonic() + timeout_s
    present = 0
    while True:
        try:
            present = count_present(client, alias, ids)
        except ApiError as exc:
            # 404: the index appears with the first worker; 503: its shard is not active yet.
            if exc.meta.status not in (404, 503):
                raise
        if present >= len(ids) or time.monotonic() > deadline:
            return present
        time.sleep(poll_s)
