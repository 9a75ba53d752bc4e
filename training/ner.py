"""Training the NER model: capital ratios from unlabelled news, then two CRF passes.

The second pass learns from document memories that the first pass produced on
documents it was *not* trained on (k-fold, "jackknifing"); trained on its own
predictions instead, it would learn to trust them more than they deserve.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nlp.ner.capitals import capital_ratios
from nlp.ner.clusters import Clusters, learn_clusters
from nlp.ner.features import DocumentMemory, Featurizer, Gazetteer
from nlp.ner.model import (
    CAPITALS_FILE,
    CLUSTERS_FILE,
    FIRST_PASS_FILE,
    SECOND_PASS_FILE,
)
from training.common import read_jsonl
from training.ner_corpus import Document, read_documents

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class TrainingOptions:
    folds: int = 5
    l1_penalty: float = 0.0
    l2_penalty: float = 0.05
    iterations: int = 300
    # Sentences naming an organisation are seen this many times: organisations are
    # a tenth of the entities, and without it the tagger misses half of them.
    org_repeat: int = 2
    # Features seen fewer times in training are dropped: they are mostly one-off
    # word pairs that cannot generalise, and they would make the model ten times larger.
    min_feature_count: int = 3


def news_texts(path: Path) -> Iterator[str]:
    """Titles and contents of a JSON-lines news file (optionally gzipped)."""
    for record in read_jsonl(path):
        yield str(record.get("title", ""))
        yield str(record.get("content", ""))


def _prune(x: list[list[list[str]]], min_count: int) -> list[list[list[str]]]:
    if min_count <= 1:
        return x
    counts = Counter(f for sentence in x for token in sentence for f in token)
    return [[[f for f in token if counts[f] >= min_count] for token in sentence] for sentence in x]


def _fit(x: list[list[list[str]]], y: list[list[str]], options: TrainingOptions) -> Any:
    from underthesea_core import CRFTrainer

    x = _prune(x, options.min_feature_count)
    if options.org_repeat > 1:
        extra = [(xi, yi) for xi, yi in zip(x, y, strict=True) if any("ORG" in t for t in yi)]
        x = x + [xi for xi, _ in extra] * (options.org_repeat - 1)
        y = y + [yi for _, yi in extra] * (options.org_repeat - 1)

    trainer = CRFTrainer(
        loss_function="lbfgs",
        l1_penalty=options.l1_penalty,
        l2_penalty=options.l2_penalty,
        max_iterations=options.iterations,
        verbose=0,
    )
    return trainer.train(x, y)


def _tagger(model: Any) -> Any:
    from underthesea_core import CRFTagger

    return CRFTagger.from_model(model)


def train_clusters(news: Path, out: Path, progress: Progress = lambda _: None) -> Clusters:
    """Learns syllable clusters from ``news`` (JSON lines) and writes the table to ``out``."""
    progress("learning syllable clusters from unlabelled news")
    clusters = learn_clusters(news_texts(news), progress=progress)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(clusters, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
        encoding="utf-8",
    )
    return clusters


def train(
    conll: Path,
    news: Path,
    out: Path,
    options: TrainingOptions = TrainingOptions(),
    progress: Progress = lambda _: None,
    *,
    clusters: Path | None = None,
) -> None:
    """Trains on ``conll`` (CoNLL gold) and ``news`` (JSON lines); writes the model to ``out``.

    ``clusters`` is a table written by :func:`train_clusters`; without it the
    clusters are learned from ``news`` first. Either way the table is written
    beside the model, which needs it.
    """
    out.mkdir(parents=True, exist_ok=True)
    if clusters is not None:
        table: Clusters = json.loads(clusters.read_text(encoding="utf-8"))
        if clusters.resolve() != (out / CLUSTERS_FILE).resolve():
            (out / CLUSTERS_FILE).write_text(clusters.read_text(encoding="utf-8"), "utf-8")
    else:
        table = train_clusters(news, out / CLUSTERS_FILE, progress)
    progress("counting capitals in unlabelled news")
    ratios = capital_ratios(news_texts(news))
    featurizer = Featurizer(Gazetteer(), ratios, table)
    documents: list[Document] = list(read_documents(conll))
    local = [[featurizer.local_features(s.words) for s in doc] for doc in documents]
    tags = [[s.tags for s in doc] for doc in documents]

    memories: list[DocumentMemory | None] = [None] * len(documents)
    for fold in range(options.folds):
        progress(f"first pass, fold {fold + 1} of {options.folds}")
        held = [i for i in range(len(documents)) if i % options.folds == fold]
        kept = [i for i in range(len(documents)) if i % options.folds != fold]
        tagger = _tagger(
            _fit(
                [x for i in kept for x in local[i]],
                [y for i in kept for y in tags[i]],
                options,
            )
        )
        for i in held:
            predicted = [list(tagger.tag(x)) for x in local[i]]
            memories[i] = DocumentMemory.of(
                zip([s.words for s in documents[i]], predicted, strict=True)
            )

    progress("first pass, all documents")
    first = _fit([x for doc in local for x in doc], [y for doc in tags for y in doc], options)
    progress("second pass, all documents")
    second_x = [
        featurizer.with_memory(s.words, x, memory or DocumentMemory({}, {}))
        for doc, xs, memory in zip(documents, local, memories, strict=True)
        for s, x in zip(doc, xs, strict=True)
    ]
    second = _fit(second_x, [y for doc in tags for y in doc], options)

    first.save(str(out / FIRST_PASS_FILE))
    second.save(str(out / SECOND_PASS_FILE))
    (out / CAPITALS_FILE).write_text(
        json.dumps(ratios, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
        encoding="utf-8",
    )
    log.info("NER model written to %s", out)
