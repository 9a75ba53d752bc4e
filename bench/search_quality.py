"""``python -m bench.search_quality``: is an article found by its title typed without diacritics?

The bundled samples and the first N articles of the shared news corpus are
enriched and indexed as the worker does, into a scratch index on a running node
(``tinstream stack up``). Then each article's title, lower-cased and stripped of
diacritics ("mua lon gay ngap o ha noi"), is searched as a user would type it,
through the same query code as ``tinstream search``. Reported per set: how often
the article comes first, and the mean reciprocal rank over the top 10. A harder
variant asks with only the first four syllables of the folded title, as someone
who half remembers it would.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from elasticsearch import helpers

from bench.corpus import VNTC, enrich_all, sample_articles, vntc_articles
from config import ElasticsearchSettings
from indexers.client import make_client
from indexers.document import DocumentBuilder
from indexers.mapping import index_settings, mappings
from indexers.search import SearchRequest
from indexers.search_sync import ArticleSearch
from nlp.folding import fold
from nlp.segmenter import WordSegmenter

TOP = 10
PREFIX_SYLLABLES = 4


@dataclass
class Quality:
    name: str
    articles: int
    first: int
    first_rate: float
    mrr: float


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_quality", description=__doc__)
    parser.add_argument("--es-url", default=ElasticsearchSettings().url)
    parser.add_argument("--data", type=Path, default=VNTC, help="vntc-train.jsonl.gz")
    parser.add_argument("--articles", type=int, default=1000, help="corpus articles")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    sets = {"samples": sample_articles(), "vntc-train": vntc_articles(args.data, args.articles)}
    started = time.monotonic()
    enriched = {name: enrich_all(articles) for name, articles in sets.items()}
    print(f"enriched in {time.monotonic() - started:.0f}s", file=sys.stderr)

    settings = ElasticsearchSettings(url=args.es_url, alias=f"bench-quality-{int(time.time())}")
    client = make_client(settings)
    index = f"{settings.alias}-v1"
    segmenter = WordSegmenter()
    builder = DocumentBuilder(segmenter)
    client.indices.create(
        index=index,
        settings=index_settings(settings),
        mappings=mappings(),
        aliases={settings.alias: {}},
    )
    try:
        actions = (
            {"_index": index, "_id": a.id, "_source": builder.document(a.to_dict())}
            for articles in enriched.values()
            for a in articles
        )
        for ok, item in helpers.streaming_bulk(client, actions, chunk_size=200):
            if not ok:
                raise SystemExit(f"could not index: {item}")
        client.indices.refresh(index=index)
        search = ArticleSearch(client, settings.alias, segmenter)
        results = []
        queries = {
            "title": fold,
            "title-start": lambda title: " ".join(fold(title).split()[:PREFIX_SYLLABLES]),
        }
        for kind, make_query in queries.items():
            for name, articles in enriched.items():
                first, reciprocal = 0, 0.0
                for article in articles:
                    request = SearchRequest(
                        text=make_query(article.title), size=TOP, highlight=False
                    )
                    hits = search.search(request).hits
                    ranks = [i for i, h in enumerate(hits, start=1) if h.id == article.id]
                    if ranks:
                        reciprocal += 1 / ranks[0]
                        first += ranks[0] == 1
                n = len(articles)
                results.append(Quality(f"{name}/{kind}", n, first, first / n, reciprocal / n))
    finally:
        client.indices.delete(index=index)
        client.close()

    if args.json:
        print(json.dumps([asdict(r) for r in results], indent=2))
    else:
        print(f"{'set/query':<24} {'articles':>8} {'first':>6} {'first %':>8} {'MRR@10':>7}")
        for r in results:
            print(f"{r.name:<24} {r.articles:>8} {r.first:>6} {r.first_rate:8.1%} {r.mrr:7.3f}")
    # The target is on whole titles.
    worst = min(r.first_rate for r in results if r.name.endswith("/title"))
    print(
        "RESULT "
        + " ".join(f"{r.name}_first={r.first_rate:.3f} {r.name}_mrr={r.mrr:.3f}" for r in results)
        + f" min_first={worst:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
