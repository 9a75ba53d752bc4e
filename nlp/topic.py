"""The topic model: TF-IDF of syllables and syllable pairs, a softmax over the eight
topic slugs, and a calibrated score (numpy only, one ``.npz`` file).

The weights are those of the recent-news domain: an old-news model plus a
correction learned from recent articles (see ``training.topic``). The score of the
predicted label is a probability: the softmax's top probability mapped through a
monotone calibration (Platt scaling of its log-odds) fitted on cross-validated
predictions for recent articles, so that of the articles scored about 0.8, about
eight in ten have the right topic.
"""

from __future__ import annotations

import itertools
import json
import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_SYLLABLE = re.compile(r"[^\W_]+")
_DIGITS = re.compile(r"\d")
# The title says most about the topic; its words are also features of their own.
TITLE_PREFIX = "t:"


def features(text: str) -> list[str]:
    """Feature strings of ``title\\ncontent``: the syllables and adjacent syllable
    pairs (most Vietnamese words are one or two syllables), lower-cased, digits
    folded to 0, and the title's syllables again with a prefix."""
    # Folding digits before splitting gives the same syllables (a digit stays a word
    # character) with one substitution per text instead of one per syllable.
    folded = _DIGITS.sub("0", text.lower())
    title, _, _ = folded.partition("\n")
    syllables = _SYLLABLE.findall(folded)
    out = syllables + [f"{a} {b}" for a, b in itertools.pairwise(syllables)]
    out.extend(TITLE_PREFIX + s for s in _SYLLABLE.findall(title))
    return out


@dataclass(frozen=True, slots=True)
class SparseRows:
    """Rows of a sparse matrix in CSR form, with the products training needs."""

    indptr: IntArray
    indices: IntArray
    data: FloatArray
    n_cols: int

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1

    def take(self, rows: Sequence[int] | IntArray) -> SparseRows:
        rows = np.asarray(rows, dtype=np.int64)
        starts, ends = self.indptr[rows], self.indptr[rows + 1]
        lengths = ends - starts
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        picks = (
            np.concatenate([np.arange(s, e) for s, e in zip(starts, ends, strict=True)])
            if len(rows)
            else np.zeros(0, dtype=np.int64)
        )
        return SparseRows(indptr, self.indices[picks], self.data[picks], self.n_cols)

    def row_ids(self) -> IntArray:
        return np.repeat(np.arange(self.n_rows), np.diff(self.indptr))

    def dot(self, weights: FloatArray, block: int = 2048) -> FloatArray:
        """``X @ W`` for a dense ``W`` of shape (n_cols, k), a block of rows at a time
        (the gathered rows of ``W`` for every stored value would not fit in memory)."""
        out = np.zeros((self.n_rows, weights.shape[1]))
        for start in range(0, self.n_rows, block):
            stop = min(start + block, self.n_rows)
            lo, hi = self.indptr[start], self.indptr[stop]
            if hi == lo:
                continue
            products = weights[self.indices[lo:hi]] * self.data[lo:hi, None]
            offsets = self.indptr[start:stop] - lo
            nonempty = np.diff(self.indptr[start : stop + 1]) > 0
            out[start:stop][nonempty] = np.add.reduceat(products, offsets[nonempty], axis=0)
        return out

    def transposed(self) -> SparseRows:
        """The same matrix with rows and columns swapped (CSR of its transpose)."""
        order = np.argsort(self.indices, kind="stable")
        counts = np.bincount(self.indices, minlength=self.n_cols)
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return SparseRows(indptr, self.row_ids()[order], self.data[order], self.n_rows)


class Vectorizer:
    """Feature strings to L2-normalised, sublinear TF-IDF rows over a fixed vocabulary."""

    def __init__(self, vocabulary: Sequence[str], idf: FloatArray) -> None:
        self.vocabulary = list(vocabulary)
        self.idf = np.asarray(idf, dtype=np.float64)
        self._index = {term: i for i, term in enumerate(self.vocabulary)}

    @classmethod
    def fit(
        cls, texts: Iterable[str], *, min_df: int = 2, max_features: int = 200_000
    ) -> Vectorizer:
        df: dict[str, int] = {}
        n = 0
        for text in texts:
            n += 1
            for term in set(features(text)):
                df[term] = df.get(term, 0) + 1
        kept = sorted((t for t, c in df.items() if c >= min_df), key=lambda t: (-df[t], t))
        kept = sorted(kept[:max_features])
        idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in kept])
        return cls(kept, idf)

    def row(self, text: str) -> tuple[IntArray, FloatArray]:
        # Counter counts in C; the vocabulary is then looked up once per distinct term.
        index = self._index
        counts: dict[int, int] = {}
        for term, count in Counter(features(text)).items():
            i = index.get(term)
            if i is not None:
                counts[i] = count
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        cols = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        values = (1.0 + np.log(tf)) * self.idf[cols]
        return cols, values / np.linalg.norm(values)

    def transform(self, texts: Iterable[str]) -> SparseRows:
        indptr = [0]
        all_cols: list[IntArray] = []
        all_values: list[FloatArray] = []
        for text in texts:
            cols, values = self.row(text)
            all_cols.append(cols)
            all_values.append(values)
            indptr.append(indptr[-1] + len(cols))
        return SparseRows(
            np.asarray(indptr, dtype=np.int64),
            np.concatenate(all_cols) if all_cols else np.zeros(0, dtype=np.int64),
            np.concatenate(all_values) if all_values else np.zeros(0),
            len(self.vocabulary),
        )


def softmax(logits: FloatArray) -> FloatArray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    out: FloatArray = e / e.sum(axis=1, keepdims=True)
    return out


_EPS = 1e-6
_MIN_SLOPE = 1e-3


def sigmoid(z: FloatArray) -> FloatArray:
    out: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=np.float64)))
    return out


def log_odds(p: FloatArray | float) -> FloatArray:
    q = np.clip(np.asarray(p, dtype=np.float64), _EPS, 1 - _EPS)
    out: FloatArray = np.log(q / (1 - q))
    return out


@dataclass(frozen=True, slots=True)
class Calibration:
    """``P(correct) = sigmoid(slope * logit(p) + intercept)`` for the top softmax
    probability ``p``; a positive slope keeps it monotone in ``p``."""

    slope: float = 1.0
    intercept: float = 0.0

    def __call__(self, top_probability: FloatArray | float) -> FloatArray:
        return sigmoid(self.slope * log_odds(top_probability) + self.intercept)

    @classmethod
    def fit(
        cls, top_probability: FloatArray, correct: npt.NDArray[np.bool_], l2: float = 1e-3
    ) -> Calibration:
        """Logistic regression of correctness on the log-odds (Newton's method),
        with a slope kept positive so the score never falls as the model grows surer."""
        x = log_odds(top_probability)
        y = np.asarray(correct, dtype=np.float64)
        params = np.array([1.0, 0.0])
        design = np.stack([x, np.ones_like(x)], axis=1)
        for _ in range(100):
            p = sigmoid(design @ params)
            grad = design.T @ (p - y) + l2 * params
            hess = design.T @ (design * (p * (1 - p))[:, None]) + l2 * np.eye(2)
            step = np.linalg.solve(hess, grad)
            params -= step
            if np.abs(step).max() < 1e-9:
                break
        if params[0] >= _MIN_SLOPE:
            return cls(float(params[0]), float(params[1]))
        # Surer was not more often right: the score becomes (nearly) the base rate.
        mean_x = float(x.mean())
        return cls(_MIN_SLOPE, float(log_odds(float(y.mean()))) - _MIN_SLOPE * mean_x)


class TopicModel:
    """A linear topic model over ``Vectorizer`` features, with calibrated scores."""

    def __init__(  # noqa: PLR0917 - the parts of the model, in file order
        self,
        vectorizer: Vectorizer,
        classes: Sequence[str],
        weights: FloatArray,
        bias: FloatArray,
        calibration: Calibration,
        info: dict[str, Any] | None = None,
    ) -> None:
        self.vectorizer = vectorizer
        self.classes = list(classes)
        self.weights = np.asarray(weights, dtype=np.float64)
        self.bias = np.asarray(bias, dtype=np.float64)
        self.calibration = calibration
        self.info = info or {}

    def logits(self, text: str) -> FloatArray:
        cols, values = self.vectorizer.row(text)
        out: FloatArray = values @ self.weights[cols] + self.bias
        return out

    def probabilities(self, text: str) -> FloatArray:
        out: FloatArray = softmax(self.logits(text)[None, :])[0]
        return out

    def predict_with_score(self, text: str) -> tuple[str, float]:
        """The most probable slug and the calibrated probability that it is right."""
        p = self.probabilities(text)
        best = int(p.argmax())
        return self.classes[best], float(self.calibration(float(p[best])))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {
            "calibration": [self.calibration.slope, self.calibration.intercept],
            "info": self.info,
        }
        with path.open("wb") as handle:
            np.savez_compressed(
                handle,
                vocabulary=np.array(self.vectorizer.vocabulary),
                idf=self.vectorizer.idf.astype(np.float32),
                classes=np.array(self.classes),
                weights=self.weights.astype(np.float32),
                bias=self.bias.astype(np.float32),
                meta=np.array(json.dumps(meta)),
            )

    @classmethod
    def load(cls, path: Path) -> TopicModel:
        with np.load(path, allow_pickle=False) as archive:
            meta = json.loads(str(archive["meta"]))
            slope, intercept = meta["calibration"]
            return cls(
                Vectorizer([str(t) for t in archive["vocabulary"]], archive["idf"]),
                [str(c) for c in archive["classes"]],
                archive["weights"].astype(np.float64),
                archive["bias"].astype(np.float64),
                Calibration(float(slope), float(intercept)),
                meta.get("info", {}),
            )


class LazyTopicModel:
    """A ``TopicModel`` read from ``path`` on first use (so constructing costs nothing)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._model: TopicModel | None = None
        self._lock = threading.Lock()

    def predict_with_score(self, text: str) -> tuple[str, float]:
        with self._lock:
            if self._model is None:
                log.info("loading topic model %s", self._path)
                self._model = TopicModel.load(self._path)
        return self._model.predict_with_score(text)
