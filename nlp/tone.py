"""The tone of a news article: one calibrated decision from its title and opening.

A document-level model, trained on news labelled for the tone of the story
(``news/news-tone-*.jsonl``, see the model card): TF-IDF over lower-cased
syllables and syllable pairs of the title and the opening, the lead's (title
and first lines) counted apart as well (it says what the story is about), and
a multinomial logistic regression (trained in numpy, see training/tone.py).

Its raw probabilities are then calibrated on cross-validated scores (a
temperature and one bias per class), so that the score, P(positive) -
P(negative), means what it says: |score| grows with the model's confidence,
and a reader can filter on it. The label comes from two thresholds on that
score, which keeps label and sign consistent: a positive label always has a
positive score.
"""

from __future__ import annotations

import gzip
import json
import logging
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from streams.records import Label
from streams.resources import packaged

log = logging.getLogger(__name__)

TONE_MODEL = packaged("nlp", "models", "tone.json.gz")
CLASSES = ("negative", "neutral", "positive")
FloatArray = npt.NDArray[np.float64]

# Letters only: numbers are dates, scores and prices, which say little about
# tone and tie the model to the years it was trained on.
_SYLLABLE = re.compile(r"[^\W\d_]+")
# Pairs never span a clause: punctuation and line breaks end a run.
_CLAUSE = re.compile(r"[^\w\s]+|\n")


@dataclass(frozen=True, slots=True)
class FeatureOptions:
    """How an article becomes features (stored with the model)."""

    # The opening carries the story; further on come quotes and background.
    # 2,000 beat 1,000 and 500 in cross-validation (see the model card).
    opening_chars: int = 2000
    # The lead (headline and first lines) is also counted apart, so the model can
    # weigh it: it says what the story is about. 0: the title alone. 500 rather
    # than 300 since the recent labels (recent cross-validation, see the card).
    lead_chars: int = 500
    bigrams: bool = True


def features(title: str, content: str, options: FeatureOptions) -> Counter[str]:
    """Counts of the article's syllables and syllable pairs (``t:`` ones from the title)."""
    counts: Counter[str] = Counter()
    opening = content[: options.opening_chars]
    for part, prefix in ((title, ""), (opening, "")):
        _add(counts, part, prefix, options.bigrams)
    lead = f"{title}\n{content}"[: options.lead_chars] if options.lead_chars else title
    _add(counts, lead, "t:", options.bigrams)
    return counts


def _add(counts: Counter[str], text: str, prefix: str, bigrams: bool) -> None:
    for clause in _CLAUSE.split(text.lower()):
        syllables = _SYLLABLE.findall(clause)
        counts.update(prefix + s for s in syllables)
        if bigrams:
            counts.update(f"{prefix}{a} {b}" for a, b in pairwise(syllables))


def softmax(z: FloatArray) -> FloatArray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: FloatArray = e / e.sum(axis=1, keepdims=True)
    return out


@dataclass(frozen=True, slots=True)
class Calibration:
    """Calibrated logits: raw logits / temperature + bias (per class)."""

    temperature: float = 1.0
    bias: tuple[float, float, float] = (0.0, 0.0, 0.0)

    def apply(self, logits: FloatArray) -> FloatArray:
        return softmax(logits / self.temperature + np.asarray(self.bias))


@dataclass(frozen=True, slots=True)
class Thresholds:
    """score >= positive: positive; score <= -negative: negative; else neutral."""

    positive: float = 0.2
    negative: float = 0.2

    def label(self, score: float) -> str:
        if score >= self.positive:
            return "positive"
        if score <= -self.negative:
            return "negative"
        return "neutral"


@dataclass(frozen=True)
class ToneModel:
    """Vocabulary with IDF, weights, calibration and thresholds: everything inference needs."""

    options: FeatureOptions
    vocabulary: dict[str, int]
    idf: FloatArray
    weights: FloatArray  # (features, classes)
    intercept: FloatArray  # (classes,)
    calibration: Calibration = field(default_factory=Calibration)
    thresholds: Thresholds = field(default_factory=Thresholds)

    def vector(self, title: str, content: str) -> tuple[list[int], list[float]]:
        """The article's L2-normalised TF-IDF vector, as (indices, values)."""
        indices: list[int] = []
        values: list[float] = []
        for name, count in features(title, content, self.options).items():
            i = self.vocabulary.get(name)
            if i is not None:
                indices.append(i)
                values.append((1.0 + math.log(count)) * float(self.idf[i]))
        norm = math.sqrt(sum(v * v for v in values)) or 1.0
        return indices, [v / norm for v in values]

    def logits(self, title: str, content: str) -> FloatArray:
        indices, values = self.vector(title, content)
        if not indices:
            return self.intercept.copy()
        out: FloatArray = np.asarray(values) @ self.weights[indices] + self.intercept
        return out

    @cached_property
    def _table(self) -> dict[str, tuple[float, float, float, float]]:
        """Feature -> (idf, weight per class): one lookup per feature at inference."""
        return {
            name: (float(self.idf[i]), *(float(w) for w in self.weights[i]))  # type: ignore[misc]
            for name, i in self.vocabulary.items()
        }

    def probabilities(self, title: str, content: str) -> tuple[float, float, float]:
        """Calibrated P(negative), P(neutral), P(positive) of one article.

        The same arithmetic as ``logits`` and ``Calibration.apply``, in plain
        Python: for one short vector that is several times faster than numpy.
        """
        table = self._table
        norm2 = s0 = s1 = s2 = 0.0
        for name, count in features(title, content, self.options).items():
            row = table.get(name)
            if row is not None:
                value = (1.0 + math.log(count)) * row[0]
                norm2 += value * value
                s0 += value * row[1]
                s1 += value * row[2]
                s2 += value * row[3]
        norm = math.sqrt(norm2) or 1.0
        t = self.calibration.temperature
        b = self.calibration.bias
        z = [(float(self.intercept[c]) + s / norm) / t + b[c] for c, s in enumerate((s0, s1, s2))]
        top = max(z)
        e = [math.exp(v - top) for v in z]
        total = sum(e)
        return e[0] / total, e[1] / total, e[2] / total

    def to_json(self) -> dict[str, Any]:
        names = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        return {
            "format": "tinstream-tone/1",
            "classes": list(CLASSES),
            "options": {
                "opening_chars": self.options.opening_chars,
                "lead_chars": self.options.lead_chars,
                "bigrams": self.options.bigrams,
            },
            "features": names,
            "idf": [round(float(v), 4) for v in self.idf],
            "weights": [[round(float(w), 5) for w in row] for row in self.weights],
            "intercept": [round(float(v), 6) for v in self.intercept],
            "calibration": {
                "temperature": self.calibration.temperature,
                "bias": list(self.calibration.bias),
            },
            "thresholds": {
                "positive": self.thresholds.positive,
                "negative": self.thresholds.negative,
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ToneModel:
        if data.get("format") != "tinstream-tone/1" or data.get("classes") != list(CLASSES):
            raise ValueError("not a tinstream tone model")
        return cls(
            options=FeatureOptions(**data["options"]),
            vocabulary={name: i for i, name in enumerate(data["features"])},
            idf=np.asarray(data["idf"], dtype=np.float64),
            weights=np.asarray(data["weights"], dtype=np.float64).reshape(-1, len(CLASSES)),
            intercept=np.asarray(data["intercept"], dtype=np.float64),
            calibration=Calibration(
                float(data["calibration"]["temperature"]),
                tuple(float(b) for b in data["calibration"]["bias"]),  # type: ignore[arg-type]
            ),
            thresholds=Thresholds(**data["thresholds"]),
        )

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            json.dump(self.to_json(), handle, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def load(cls, path: Path) -> ToneModel:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return cls.from_json(json.load(handle))


class ToneScorer:
    """The enricher's tone: ``Label(label, score, "model")``, score = P(pos) - P(neg).

    The model is read from ``path`` on first use, so constructing a scorer costs
    nothing; tests inject a model.
    """

    def __init__(self, model: ToneModel | None = None, path: Path = TONE_MODEL) -> None:
        self._model = model
        self._path = path
        self._lock = threading.Lock()

    @property
    def model(self) -> ToneModel:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    log.info("loading tone model %s", self._path)
                    self._model = ToneModel.load(self._path)
        return self._model

    def score(self, title: str, content: str) -> Label:
        model = self.model
        p = model.probabilities(title, content)
        value = max(-1.0, min(1.0, float(p[2] - p[0])))
        return Label(label=model.thresholds.label(value), score=round(value, 4), source="model")
