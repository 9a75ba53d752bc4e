"""``python -m bench.index``: the indexer agent against a plain bulk loop, same documents.

On a running stack (``tinstream stack up``), in one run:

* ``streaming_bulk`` (the baseline): ``elasticsearch.helpers.streaming_bulk`` of
  the finished documents (built before the clock starts) into a fresh index,
  in chunks of the indexer's batch size, then a refresh;
* ``indexer agent``: the same articles as enriched messages on a fresh topic,
  drained by a real ``tinstream worker`` process (decode, derived fields,
  external versions, bulk, per-item checks, acks and commits) into a fresh
  alias. Its clock runs from the first document it built (its ``ingested_at``)
  until all of them are searchable.

The articles are enriched once from the shared corpus and repeated under new
ids to make enough documents. Ratio: the median over alternating rounds of the
agent's docs/s ÷ the baseline's docs/s measured just before it.
``BENCH_PROFILE="-m cProfile -o worker.prof"`` runs the worker under a profiler
(the worker is ``bench.pipeline``'s, with its own topics, alias and group).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch, helpers

from bench.corpus import VNTC, enriched_copies
from bench.pipeline import Pipeline, stack_settings
from config import ElasticsearchSettings, KafkaSettings, Settings
from indexers.client import make_client
from indexers.document import DocumentBuilder
from indexers.mapping import index_settings, mappings
from nlp.segmenter import WordSegmenter
from streams.records import EnrichedArticle


def _searchable(es: Elasticsearch, index: str) -> int:
    es.indices.refresh(index=index)
    return int(es.count(index=index)["count"])


def run_baseline(es: Elasticsearch, settings: Settings, articles: list[EnrichedArticle]) -> float:
    index = f"bench-bulk-{uuid.uuid4().hex[:8]}"
    builder = DocumentBuilder(WordSegmenter())
    documents = [(a.id, builder.document(a.to_dict())) for a in articles]
    es.indices.create(
        index=index, settings=index_settings(settings.elasticsearch), mappings=mappings()
    )
    try:
        started = time.perf_counter()
        for ok, item in helpers.streaming_bulk(
            es,
            ({"_index": index, "_id": i, "_source": d} for i, d in documents),
            chunk_size=settings.indexer.batch_max_docs,
        ):
            if not ok:
                raise SystemExit(f"baseline could not index: {item}")
        assert _searchable(es, index) == len(articles)
        return len(articles) / (time.perf_counter() - started)
    finally:
        es.indices.delete(index=index)


def run_agent(settings: Settings, articles: list[EnrichedArticle]) -> float:
    pipeline = Pipeline(settings, workers=1)
    try:
        # The topic is full before the worker starts: only its draining is timed.
        producer = pipeline.producer()
        for article in articles:
            producer.send(
                pipeline.topics.enriched, key=article.id.encode(), value=article.to_bytes()
            )
        producer.flush(timeout=120)
        producer.close()
        pipeline.start()
        deadline = time.monotonic() + 600
        while True:
            pipeline.es.options(ignore_status=404).indices.refresh(index=pipeline.alias)
            done = pipeline.searchable()
            if done >= len(articles):
                finished = time.time()
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"the worker indexed {done}/{len(articles)}; see {pipeline.data}")
            time.sleep(0.2)  # polling interval of the deadline loop
        first = pipeline.es.search(
            index=pipeline.alias, size=0, aggs={"first": {"min": {"field": "ingested_at"}}}
        )["aggregations"]["first"]["value"]
        return len(articles) / (finished - float(first) / 1000)
    finally:
        pipeline.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.index", description=__doc__)
    parser.add_argument("--es-url", default=ElasticsearchSettings().url)
    parser.add_argument("--bootstrap-servers", default=KafkaSettings().bootstrap_servers)
    parser.add_argument("--data", type=Path, default=VNTC)
    parser.add_argument("--unique", type=int, default=500, help="distinct articles enriched")
    parser.add_argument("--documents", type=int, default=10_000, help="documents indexed")
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs of each")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    articles = enriched_copies(args.data, args.unique, args.documents)
    settings = stack_settings(args.bootstrap_servers, args.es_url)
    es = make_client(settings.elasticsearch)
    # Alternating rounds, medians: the machines are shared and noisy.
    baselines, agents = [], []
    for _ in range(args.rounds):
        baselines.append(run_baseline(es, settings, articles))
        agents.append(run_agent(settings, articles))
    es.close()
    baseline, agent = statistics.median(baselines), statistics.median(agents)
    # Each round's agent against the baseline run just before it, which saw the
    # same load on the machine: the median of those ratios.
    ratio = statistics.median(a / b for a, b in zip(agents, baselines, strict=True))
    report: dict[str, Any] = {
        "documents": len(articles),
        "at": datetime.now().isoformat(timespec="seconds"),
        "baseline_docs_per_s": round(baseline, 1),
        "agent_docs_per_s": round(agent, 1),
        "ratio": round(ratio, 3),
        "rounds": {
            "baseline_docs_per_s": [round(b, 1) for b in baselines],
            "agent_docs_per_s": [round(a, 1) for a in agents],
        },
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"{len(articles)} documents, median of {args.rounds} alternating rounds")
        rounds = " ".join(f"{b:.0f}" for b in baselines)
        print(f"{'streaming_bulk':<16} {baseline:10.0f} docs/s   rounds: {rounds}")
        rounds = " ".join(f"{a:.0f}" for a in agents)
        print(f"{'indexer agent':<16} {agent:10.0f} docs/s   rounds: {rounds}")
    print(f"RESULT ratio_agent_vs_bulk={ratio:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
