"""Articles for the benchmarks: the bundled samples and the shared news corpus, enriched.

Shared by ``bench.search_quality`` and ``bench.index``. The shared corpus is read
from where it lies (``../shared/data``), never copied.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import Any

from config import DataSettings
from streams.records import EnrichedArticle, RawArticle, article_version

SAMPLES = Path(__file__).resolve().parents[1] / "deploy" / "samples" / "articles.jsonl"
VNTC = DataSettings().data / "news" / "vntc-train.jsonl.gz"


def sample_articles() -> list[dict[str, Any]]:
    return [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line]


def vntc_articles(path: Path, limit: int) -> list[dict[str, Any]]:
    from training.common import read_jsonl

    # The corpus's categories are the publishers': dropped, so the topic model runs.
    return [
        {"id": f"vntc-{r['id']}", "title": r["title"], "content": r["content"]}
        for r in islice(read_jsonl(path), limit)
    ]


def enrich_all(articles: Iterable[dict[str, Any]]) -> list[EnrichedArticle]:
    """Enrich as the worker does (same models, same settings)."""
    from config import EnrichmentSettings
    from nlp import Enricher

    enricher = Enricher.with_models(EnrichmentSettings())
    return [enricher.enrich(RawArticle.from_mapping(a)) for a in articles]


def enriched_copies(path: Path, unique: int, total: int) -> list[EnrichedArticle]:
    """``unique`` articles enriched once, copied under new ids up to ``total`` (enriching
    every copy would time the NLP, not what the benchmark measures)."""
    base = enrich_all(vntc_articles(path, unique))
    now = time.time()
    return [
        replace(
            base[i % len(base)], id=f"{base[i % len(base)].id}-{i}", version=article_version(now, i)
        )
        for i in range(total)
    ]
