"""``python -m bench.search_quality``: are articles found by what a reader types without diacritics?

The bundled samples, the first N articles of the shared news corpus and the recent
news articles are enriched and indexed as the worker does, into a scratch index on a
running node (``tinstream stack up``). Two kinds of query are then searched, each
through the query built before issue 16 ("old", ``bench.legacy_query``) and through
the one ``tinstream search`` builds now ("new"), in the same run on the same index:

- **Titles**: each article's title lower-cased and folded ("mua lon gay ngap o ha
  noi"), and its first four syllables: how often the article comes first, and the
  mean reciprocal rank over the top 10.
- **Names and phrases** (``bench.name_queries``): the names of people, places and
  organisations the enrichment found, and its keywords of several syllables, folded
  ("bui thi tuoi"); relevant are the articles whose text holds the accented name as a
  phrase; and, without the enrichment, runs of two to four capitalised syllables
  inside the text's sentences ("capitalised": names whether or not the index knows
  them). Reported: precision@5 (relevant in the top 5 over min(5, relevant)) and how
  often the first hit is relevant. Queries found in the recent news are held out:
  they were never looked at while the query was tuned.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch, helpers

from bench.corpus import VNTC, enrich_all, sample_articles, vntc_articles
from bench.legacy_query import legacy_query
from bench.name_queries import KINDS, Article, Query, build_queries, precision_at
from config import DataSettings, ElasticsearchSettings
from indexers.client import make_client
from indexers.document import DocumentBuilder
from indexers.mapping import index_settings, mappings
from indexers.search import SearchRequest, build_body
from indexers.search_sync import ArticleSearch
from nlp.folding import fold
from nlp.segmenter import WordSegmenter

TOP = 10
PRECISION_AT = 5
PREFIX_SYLLABLES = 4
RECENT = DataSettings().data / "news" / "news-recent-train.jsonl.gz"
BUILDERS = ("old", "new")
_LABELS = {"name": "names", "phrase": "phrases", "capitalised": "capitalised"}
Ranker = Callable[[str], list[str]]


@dataclass
class Quality:
    name: str
    queries: int
    first_old: float
    first_new: float
    score_old: float
    score_new: float
    score: str


def _recent_articles(path: Path) -> list[dict[str, Any]]:
    from training.common import read_jsonl

    return [
        {"id": f"recent-{r['id']}", "title": r["title"], "content": r["content"]}
        for r in read_jsonl(path)
    ]


def _set_of(article_id: str) -> str:
    for prefix, name in (("recent-", "recent"), ("vntc-", "vntc-train")):
        if article_id.startswith(prefix):
            return name
    return "samples"


def _build_index(client: Elasticsearch, alias: str, args: argparse.Namespace) -> None:
    sets = [
        sample_articles(),
        vntc_articles(args.data, args.articles),
        _recent_articles(args.recent),
    ]
    started = time.monotonic()
    enriched = [a for articles in sets for a in enrich_all(articles)]
    print(
        f"enriched {len(enriched)} articles in {time.monotonic() - started:.0f}s", file=sys.stderr
    )
    index = f"{alias}-v1"
    builder = DocumentBuilder(WordSegmenter())
    client.indices.create(
        index=index,
        settings=index_settings(ElasticsearchSettings(alias=alias)),
        mappings=mappings(),
        aliases={alias: {}},
    )
    actions = (
        {"_index": index, "_id": a.id, "_source": builder.document(a.to_dict())} for a in enriched
    )
    for ok, item in helpers.streaming_bulk(client, actions, chunk_size=200):
        if not ok:
            raise SystemExit(f"could not index: {item}")
    client.indices.refresh(index=index)


def _indexed(client: Elasticsearch, alias: str) -> list[dict[str, Any]]:
    fields = ["title", "content", "persons", "locations", "organizations", "keywords"]
    found = [
        {"id": hit["_id"], **hit["_source"]}
        for hit in helpers.scan(client, index=alias, _source=fields)
    ]
    return sorted(found, key=lambda d: str(d["id"]))


def _rankers(client: Elasticsearch, alias: str, segmenter: WordSegmenter) -> dict[str, Ranker]:
    search = ArticleSearch(client, alias, segmenter)

    def old(text: str) -> list[str]:
        body = build_body(SearchRequest(text=text, size=TOP, highlight=False), segmenter)
        body["query"]["bool"]["must"] = [legacy_query(text, segmenter.segment(text))]
        body.pop("aggs")
        return [h["_id"] for h in client.search(index=alias, body=body)["hits"]["hits"]]

    def new(text: str) -> list[str]:
        hits = search.search(SearchRequest(text=text, size=TOP, highlight=False)).hits
        return [h.id for h in hits]

    return {"old": old, "new": new}


def _title_quality(
    name: str,
    articles: list[dict[str, Any]],
    make: Callable[[str], str],
    rankers: dict[str, Ranker],
) -> Quality:
    first: dict[str, float] = {}
    mrr: dict[str, float] = {}
    for builder in BUILDERS:
        hits_first, reciprocal = 0, 0.0
        for article in articles:
            ranked = rankers[builder](make(article["title"]))
            if article["id"] in ranked:
                rank = ranked.index(article["id"]) + 1
                reciprocal += 1 / rank
                hits_first += rank == 1
        first[builder] = hits_first / len(articles)
        mrr[builder] = reciprocal / len(articles)
    return Quality(
        name, len(articles), first["old"], first["new"], mrr["old"], mrr["new"], "MRR@10"
    )


def _query_quality(name: str, queries: list[Query], rankers: dict[str, Ranker]) -> Quality:
    first: dict[str, float] = {}
    precision: dict[str, float] = {}
    for builder in BUILDERS:
        total, firsts = 0.0, 0
        for query in queries:
            ranked = rankers[builder](query.text)
            total += precision_at(ranked, query.relevant, PRECISION_AT)
            firsts += bool(ranked) and ranked[0] in query.relevant
        precision[builder] = total / len(queries)
        first[builder] = firsts / len(queries)
    return Quality(
        name,
        len(queries),
        first["old"],
        first["new"],
        precision["old"],
        precision["new"],
        f"P@{PRECISION_AT}",
    )


def _articles_for_queries(indexed: Iterable[dict[str, Any]]) -> list[Article]:
    return [
        Article(
            id=str(d["id"]),
            text=f"{d.get('title') or ''}\n{d.get('content') or ''}",
            names=tuple(
                n for facet in ("persons", "locations", "organizations") for n in d.get(facet) or ()
            ),
            phrases=tuple(d.get("keywords") or ()),
            held_out=_set_of(str(d["id"])) == "recent",
        )
        for d in indexed
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_quality", description=__doc__)
    parser.add_argument("--es-url", default=ElasticsearchSettings().url)
    parser.add_argument("--data", type=Path, default=VNTC, help="vntc-train.jsonl.gz")
    parser.add_argument("--recent", type=Path, default=RECENT, help="news-recent-train.jsonl.gz")
    parser.add_argument("--articles", type=int, default=2700, help="vntc-train articles")
    parser.add_argument("--titles", type=int, default=1000, help="title queries per set (at most)")
    parser.add_argument(
        "--names", type=int, default=500, help="name (and phrase) queries per split"
    )
    parser.add_argument("--reuse", metavar="ALIAS", help="search an index a --keep run left")
    parser.add_argument("--keep", action="store_true", help="keep the scratch index")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    settings = ElasticsearchSettings(url=args.es_url)
    client = make_client(settings)
    alias = args.reuse or f"bench-quality-{int(time.time())}"
    built = not args.reuse
    try:
        if built:
            _build_index(client, alias, args)
        indexed = _indexed(client, alias)
        rankers = _rankers(client, alias, WordSegmenter())
        results = []
        by_set: dict[str, list[dict[str, Any]]] = {}
        for doc in indexed:
            by_set.setdefault(_set_of(str(doc["id"])), []).append(doc)
        title_queries: dict[str, Callable[[str], str]] = {
            "title": fold,
            "title-start": lambda title: " ".join(fold(title).split()[:PREFIX_SYLLABLES]),
        }
        for kind, make in title_queries.items():
            for name, docs in sorted(by_set.items()):
                results.append(_title_quality(f"{name}/{kind}", docs[: args.titles], make, rankers))
        queries = build_queries(_articles_for_queries(indexed), limit=args.names)
        for kind in KINDS:
            for split, held_out in (("tuning", False), ("held-out", True)):
                chosen = [q for q in queries if q.kind == kind and q.held_out == held_out]
                if chosen:
                    results.append(_query_quality(f"{_LABELS[kind]}/{split}", chosen, rankers))
    finally:
        if built and not args.keep:
            client.indices.delete(index=f"{alias}-v1")
        elif built:
            print(f"kept the index: --reuse {alias}", file=sys.stderr)
        client.close()

    if args.json:
        print(json.dumps([asdict(r) for r in results], indent=2))
    else:
        print(
            f"{'set/query':<24} {'queries':>7} {'first old':>9} {'first new':>9} "
            f"{'score':>6} {'old':>6} {'new':>6}"
        )
        for r in results:
            print(
                f"{r.name:<24} {r.queries:>7} {r.first_old:9.1%} {r.first_new:9.1%} "
                f"{r.score:>6} {r.score_old:6.3f} {r.score_new:6.3f}"
            )
    print(
        "RESULT "
        + " ".join(
            f"{r.name}_{r.score}_old={r.score_old:.3f} {r.name}_{r.score}_new={r.score_new:.3f}"
            for r in results
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
