"""Topic: ``nlp.topic`` (TF-IDF and a softmax adapted to recent news,
with a calibrated score), loaded lazily from the model the package ships, so
constructing it costs nothing and unit tests can inject a stand-in.
"""

from __future__ import annotations

import logging
from typing import Protocol

from streams.records import Label
from streams.resources import packaged

log = logging.getLogger(__name__)

MODELS_DIR = packaged("nlp", "models")
TOPIC_MODEL = MODELS_DIR / "topic.npz"


class TextClassifier(Protocol):
    def predict_with_score(self, text: str) -> tuple[str, float]: ...


class TopicClassifier:
    """One of the eight topic slugs for an article, from its title and opening; the
    score is the calibrated probability that the slug is right (see the model card)."""

    # The opening carries the topic; 6,000 characters (the whole of 90% of recent
    # articles) read better than 3,000 (training.topic.MAX_CHARS, the model card).
    MAX_CHARS = 6000

    def __init__(self, classifier: TextClassifier | None = None) -> None:
        if classifier is None:
            from nlp.topic import LazyTopicModel

            classifier = LazyTopicModel(TOPIC_MODEL)
        self._classifier = classifier

    def classify(self, title: str, content: str) -> Label:
        label, score = self._classifier.predict_with_score(f"{title}\n{content[: self.MAX_CHARS]}")
        return Label(label=label, score=round(score, 4), source="model")
