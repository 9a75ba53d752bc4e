"""Training the topic classifier and the keyword statistics (tone: tone_training.py).

Each function reads the shared data by path and writes one model file; the
model card records the commands and the scores they print.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from streams.enrichment.keywords import document_frequencies


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def is_held_out(article_id: str, percent: int = 10) -> bool:
    """A fixed, reproducible split by id: the same articles are held out on every run."""
    return zlib.crc32(article_id.encode()) % 100 < percent


def _classifier(c: float = 1.0) -> Any:
    from underthesea_core import TextClassifier, TextPreprocessor

    return TextClassifier(
        max_features=50_000, ngram_range=(1, 2), min_df=2, c=c, preprocessor=TextPreprocessor()
    )


@dataclass(frozen=True, slots=True)
class TopicReport:
    train: int
    held_out: int
    accuracy: float


def train_topic(news: Path, out: Path) -> TopicReport:
    from streams.enrichment.classifiers import TopicClassifier

    limit = TopicClassifier.MAX_CHARS
    train_x: list[str] = []
    train_y: list[str] = []
    test: list[tuple[str, str]] = []
    for record in read_jsonl(news):
        text = f"{record['title']}\n{str(record['content'])[:limit]}"
        if is_held_out(str(record["id"])):
            test.append((text, str(record["category"])))
        else:
            train_x.append(text)
            train_y.append(str(record["category"]))
    model = _classifier()
    model.fit(train_x, train_y)
    predicted = model.predict_batch([t for t, _ in test])
    correct = sum(p == gold for p, (_, gold) in zip(predicted, test, strict=True))
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(str(out))
    return TopicReport(len(train_x), len(test), correct / len(test))


def train_keywords(news: Path, out: Path) -> int:
    """Document frequencies of syllable n-grams over the news corpus; returns their number."""
    texts = (f"{r['title']}\n{r['content']}" for r in read_jsonl(news))
    table = document_frequencies(texts)
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(out, "wt", encoding="utf-8") as handle:
        json.dump(table, handle, ensure_ascii=False, separators=(",", ":"))
    return len(table["df"])  # type: ignore[arg-type]
