"""Full-text search over the article alias, with facet counts."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError

from indexers.errors import SearchError
from indexers.folding import fold
from indexers.mapping import FACETS, FOLDED_SEARCH_FIELDS, SEARCH_FIELDS

_HIT_FIELDS = (
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
)


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "score": self.score,
            "title": self.title,
            "url": self.url,
            **self.fields,
        }


@dataclass(frozen=True, slots=True)
class SearchResult:
    total: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetBucket]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "hits": [h.to_dict() for h in self.hits],
            "facets": {k: [asdict(b) for b in v] for k, v in self.facets.items()},
        }


def build_query(text: str) -> dict[str, Any]:
    """Full text over the fields as written and over their folded twins.

    A query with diacritics matches both; one typed without them ("ha noi")
    matches the folded fields, which hold every article without them.
    """
    text = text.strip()
    if not text:
        return {"match_all": {}}
    folded = fold(text)

    def words(query: str, fields: tuple[str, ...]) -> dict[str, Any]:
        return {
            "multi_match": {
                "query": query,
                "fields": list(fields),
                # Vietnamese words are several syllables: ask most of them to match.
                "minimum_should_match": "2<75%",
            }
        }

    def phrase(query: str, fields: tuple[str, ...], boost: float) -> dict[str, Any]:
        return {
            "multi_match": {
                "query": query,
                "type": "phrase",
                "fields": list(fields),
                "boost": boost,
            }
        }

    return {
        "bool": {
            "must": [
                {
                    "bool": {
                        "should": [words(text, SEARCH_FIELDS), words(folded, FOLDED_SEARCH_FIELDS)],
                        "minimum_should_match": 1,
                    }
                }
            ],
            "should": [
                phrase(text, SEARCH_FIELDS, 2),
                phrase(folded, FOLDED_SEARCH_FIELDS, 1.5),
            ],
        }
    }


def search_articles(
    client: Elasticsearch,
    alias: str,
    text: str,
    *,
    size: int = 10,
    facet_size: int = 10,
) -> SearchResult:
    """Top ``size`` hits for ``text`` and the top ``facet_size`` values of every facet."""
    aggs = {name: {"terms": {"field": fld, "size": facet_size}} for name, fld in FACETS.items()}
    try:
        response = client.search(
            index=alias,
            query=build_query(text),
            size=size,
            aggs=aggs,
            source_includes=list(_HIT_FIELDS),
            track_total_hits=True,
        )
    except (ApiError, TransportError) as exc:
        raise SearchError(
            f"search on {alias!r} failed: {exc}", retriable=isinstance(exc, TransportError)
        ) from exc
    hits = []
    for hit in response["hits"]["hits"]:
        source = dict(hit.get("_source") or {})
        hits.append(
            SearchHit(
                id=hit["_id"],
                score=hit.get("_score"),
                title=source.pop("title", ""),
                url=source.pop("url", None),
                fields=source,
            )
        )
    facets = {
        name: [
            FacetBucket(str(b["key"]), int(b["doc_count"]))
            for b in response["aggregations"][name]["buckets"]
        ]
        for name in FACETS
    }
    return SearchResult(total=int(response["hits"]["total"]["value"]), hits=hits, facets=facets)


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
