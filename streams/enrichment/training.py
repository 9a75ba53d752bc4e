"""Training the topic and sentiment classifiers and the keyword statistics.

Each function reads the shared data by path and writes one model file; the
model card records the commands and the scores they print.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from streams.enrichment.classifiers import SentimentScorer
from streams.enrichment.keywords import document_frequencies

NEWS_SENTIMENT_TRAIN = Path(__file__).parent / "data" / "news-train.tsv"
NEWS_SENTIMENT_TEST = Path(__file__).parent / "data" / "news-test.tsv"
NEWS_SENTIMENT_TEST_2 = Path(__file__).parent / "data" / "news-test-2.tsv"
# The team's own news sentences are few beside 16,000 comments and feedback lines;
# repeating them gives the news register the weight it needs.
NEWS_REPEAT = 20


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def read_tsv(path: Path) -> list[tuple[str, str]]:
    """(label, text) rows of a team-written TSV file; ``#`` lines are comments."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, text = line.split("\t", 1)
            rows.append((label, text))
    return rows


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


@dataclass(frozen=True, slots=True)
class SentimentReport:
    train: int
    accuracy: dict[str, float]


def train_sentiment(sentiment_dir: Path, out: Path) -> SentimentReport:
    texts: list[str] = []
    labels: list[str] = []
    for name in ("uit-vsfc-train.jsonl.gz", "vlsp2016-sa-train.jsonl.gz"):
        for record in read_jsonl(sentiment_dir / name):
            texts.append(str(record["text"]))
            labels.append(str(record["label"]))
    for label, text in read_tsv(NEWS_SENTIMENT_TRAIN) * NEWS_REPEAT:
        texts.append(text)
        labels.append(label)
    model = _classifier()
    model.fit(texts, labels)
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(str(out))

    accuracy: dict[str, float] = {}
    for name in ("uit-vsfc-test.jsonl.gz", "vlsp2016-sa-test.jsonl.gz"):
        rows = list(read_jsonl(sentiment_dir / name))
        predicted = model.predict_batch([str(r["text"]) for r in rows])
        correct = sum(p == r["label"] for p, r in zip(predicted, rows, strict=True))
        accuracy[name.removesuffix(".jsonl.gz")] = correct / len(rows)
    scorer = SentimentScorer(_Loaded(model))
    accuracy["news-test (documents)"] = evaluate_news_sentiment(scorer)
    accuracy["news-test-2 (documents)"] = evaluate_news_sentiment(scorer, NEWS_SENTIMENT_TEST_2)
    return SentimentReport(len(texts), accuracy)


def evaluate_news_sentiment(scorer: SentimentScorer, path: Path = NEWS_SENTIMENT_TEST) -> float:
    rows = read_tsv(path)
    correct = sum(scorer.score("", text).label == label for label, text in rows)
    return correct / len(rows)


class _Loaded:
    def __init__(self, model: Any) -> None:
        self._model = model

    def predict_with_score(self, text: str) -> tuple[str, float]:
        label, score = self._model.predict_with_score(text)
        return str(label), float(score)


def train_keywords(news: Path, out: Path, progress: Callable[[int], None] = lambda n: None) -> int:
    """Document frequencies of words and word phrases over the news corpus, each
    article's title and content cut into words by the search segmenter; returns
    the number of entries written. ``progress`` hears of every article done."""
    from indexers.segmenter import WordSegmenter

    segmenter = WordSegmenter()

    def articles() -> Iterator[list[tuple[str, str]]]:
        for row in read_jsonl(news):
            parts = [(text, segmenter.segment(text)) for text in (row["title"], row["content"])]
            progress(1)
            yield parts

    table = document_frequencies(articles())
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(out, "wt", encoding="utf-8") as handle:
        json.dump(table, handle, ensure_ascii=False, separators=(",", ":"))
    return len(table["df"])  # type: ignore[arg-type]
