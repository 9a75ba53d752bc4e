"""Topic: an underthesea_core text classifier (TF-IDF and a linear SVM, in Rust).

It loads lazily from the models the package ships, so constructing them costs
nothing and unit tests can inject a stand-in.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, Protocol

from streams.records import Label

log = logging.getLogger(__name__)

MODELS_DIR = Path(__file__).parent / "models"
TOPIC_MODEL = MODELS_DIR / "topic.bin"


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
    """One of the eight topic slugs for an article, from its title and opening."""

    # The opening carries the topic; reading further costs time and adds little.
    MAX_CHARS = 3000

    def __init__(self, classifier: TextClassifier | None = None) -> None:
        self._classifier = classifier or LazyClassifier(TOPIC_MODEL)

    def classify(self, title: str, content: str) -> Label:
        label, score = self._classifier.predict_with_score(f"{title}\n{content[: self.MAX_CHARS]}")
        return Label(label=label, score=round(score, 4), source="model")
