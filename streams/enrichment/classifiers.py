"""Topic and sentiment classifiers, loaded lazily from the models the package ships.

Sentiment is an underthesea_core text classifier (TF-IDF and a linear SVM, in
Rust); topic is ``streams.enrichment.topic`` (TF-IDF and a softmax adapted to
recent news, with a calibrated score). Constructing either costs nothing, and
unit tests can inject a stand-in.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path
from typing import Any, Protocol

from streams.records import Label

log = logging.getLogger(__name__)

MODELS_DIR = Path(__file__).parent / "models"
TOPIC_MODEL = MODELS_DIR / "topic.npz"
SENTIMENT_MODEL = MODELS_DIR / "sentiment.bin"


class TextClassifier(Protocol):
    def predict_with_score(self, text: str) -> tuple[str, float]: ...


class LazyClassifier:
    """An ``underthesea_core.TextClassifier`` read from ``path`` on first use."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._model: Any = None
        self._lock = threading.Lock()

    def predict_with_score(self, text: str) -> tuple[str, float]:
        with self._lock:
            if self._model is None:
                from underthesea_core import TextClassifier as CoreClassifier

                log.info("loading classifier %s", self._path)
                self._model = CoreClassifier.load(str(self._path))
        label, score = self._model.predict_with_score(text)
        return str(label), float(score)


class TopicClassifier:
    """One of the eight topic slugs for an article, from its title and opening; the
    score is the calibrated probability that the slug is right (see the model card)."""

    # The opening carries the topic; 6,000 characters (the whole of 90% of recent
    # articles) read better than 3,000 (topic_training.MAX_CHARS, the model card).
    MAX_CHARS = 6000

    def __init__(self, classifier: TextClassifier | None = None) -> None:
        if classifier is None:
            from streams.enrichment.topic import LazyTopicModel

            classifier = LazyTopicModel(TOPIC_MODEL)
        self._classifier = classifier

    def classify(self, title: str, content: str) -> Label:
        label, score = self._classifier.predict_with_score(f"{title}\n{content[: self.MAX_CHARS]}")
        return Label(label=label, score=round(score, 4), source="model")


SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s+|\n+")
_QUOTE = re.compile(r"[\"“”«»]")
POLARITY = {"positive": 1.0, "negative": -1.0, "neutral": 0.0}


class SentimentScorer:
    """The tone of a news article: a label and a score in [-1, 1].

    Each sentence is classified; the article's score is their weighted mean. A
    report is about what happened, not about what someone said of it, so quoted
    sentences weigh half; and bad news outweighs a kind word around it, so
    negative sentences weigh 1.5 (a flood report that quotes a thank-you stays
    negative).
    """

    THRESHOLD = 0.2
    MAX_SENTENCES = 60
    QUOTE_WEIGHT = 0.5
    NEGATIVE_WEIGHT = 1.5
    TITLE_WEIGHT = 2.0

    def __init__(self, classifier: TextClassifier | None = None) -> None:
        self._classifier = classifier or LazyClassifier(SENTIMENT_MODEL)

    def score(self, title: str, content: str) -> Label:
        weighted: list[tuple[float, float]] = []
        parts = [(title, self.TITLE_WEIGHT)] + [
            (s, 1.0) for s in SENTENCE_BREAK.split(content)[: self.MAX_SENTENCES]
        ]
        for sentence, base in parts:
            if not any(c.isalpha() for c in sentence):
                continue
            label, confidence = self._classifier.predict_with_score(sentence)
            value = POLARITY.get(label, 0.0) * max(0.0, min(1.0, confidence))
            weight = base * (self.QUOTE_WEIGHT if _QUOTE.search(sentence) else 1.0)
            if value < 0:
                weight *= self.NEGATIVE_WEIGHT
            weighted.append((value, weight))
        total = sum(w for _, w in weighted)
        score = sum(v * w for v, w in weighted) / total if total else 0.0
        if score >= self.THRESHOLD:
            label = "positive"
        elif score <= -self.THRESHOLD:
            label = "negative"
        else:
            label = "neutral"
        return Label(label=label, score=round(max(-1.0, min(1.0, score)), 4), source="model")
