"""The two CRF passes in numpy: the trained CRFsuite models read once, documents tagged in batches.

``underthesea_core.CRFTagger`` takes every feature as a Python string, converts
and hashes it, one sentence per call; that was most of the enrichment's time
(about 27 strings per syllable, and two passes). A linear-chain CRF's score is a
sum of weights, so here:

* both models' state weights sit in one table, one row per attribute, with the
  first pass's labels then the second's: one lookup per feature for both passes;
* a syllable's features that do not depend on its sentence (``Featurizer``'s
  cached ``_Static``) are summed once per written form and cached, which leaves a
  few strings per syllable to look up;
* Viterbi runs over all sentences of a document at once.

The decoding is CRFsuite's (no start or end transitions; ties go to the lower
label index), so the tags are those of ``CRFTagger``: the tests compare both on
the packaged model.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from itertools import repeat
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

# The window of ``features._WINDOW`` as offsets; _Static.around[slot] is what the
# syllable gives the one ``-offset`` away from it.
_WINDOW = (-2, -1, 1, 2)
# Written forms whose summed static weights are kept (about 1 KiB each): more than
# the syllables of a day of news. The table grows as needed up to this.
CACHE_SIZE = 20_000


class Statics(Protocol):
    """What ``features._Static`` gives the tagger."""

    @property
    def own(self) -> tuple[str, ...]: ...

    @property
    def around(self) -> tuple[tuple[str, ...], ...]: ...


class CrfsuiteModel:
    """A CRFsuite model file ("lCRF", the format ``underthesea_core`` writes):
    labels, attributes, state weights (attribute x label) and transitions."""

    def __init__(
        self, labels: list[str], attributes: list[str], state: FloatArray, transition: FloatArray
    ) -> None:
        self.labels = labels
        self.attributes = attributes
        self.state = state
        self.transition = transition

    @classmethod
    def read(cls, path: Path) -> CrfsuiteModel:
        data = path.read_bytes()
        magic, _, kind, _, n_features, n_labels, n_attributes, features_at, labels_at, attrs_at = (
            struct.unpack_from("<4sI4sIIIIIII", data, 0)
        )
        if magic != b"lCRF" or kind != b"FOMC" or data[features_at : features_at + 4] != b"FEAT":
            raise ValueError(f"{path} is not a CRFsuite model")
        labels = _quarks(data, labels_at)
        attributes = _quarks(data, attrs_at)
        if len(labels) != n_labels or len(attributes) != n_attributes:
            raise ValueError(f"{path}: label or attribute count does not match its header")
        record = np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("weight", "<f8")])
        features = np.frombuffer(data, record, n_features, features_at + 12)
        state = np.zeros((n_attributes, n_labels))
        transition = np.zeros((n_labels, n_labels))
        kinds = features["type"]
        for table, kind_id in ((state, 0), (transition, 1)):
            chosen = features[kinds == kind_id]
            np.add.at(table, (chosen["src"], chosen["dst"]), chosen["weight"])
        return cls(labels, attributes, state, transition)


def _quarks(data: bytes, at: int) -> list[str]:
    """The strings of a CQDB chunk (CRFsuite's string table), by id."""
    if data[at : at + 4] != b"CQDB":
        raise ValueError("not a CQDB chunk")
    count, backward_at = struct.unpack_from("<II", data, at + 16)
    offsets = struct.unpack_from(f"<{count}I", data, at + backward_at)
    out = []
    for offset in offsets:
        size = struct.unpack_from("<I", data, at + offset + 4)[0]
        start = at + offset + 8
        out.append(data[start : start + size - 1].decode("utf-8"))  # null-terminated
    return out


def viterbi(
    emissions: FloatArray, lengths: Sequence[int], transition: FloatArray
) -> list[list[int]]:
    """The best label path of each sentence, as CRFsuite decodes it.

    Args:
        emissions: (sentences, longest, labels) state scores; past a sentence's
            length, anything (ignored).
        lengths: each sentence's length (at least 1).
        transition: (labels, labels), from the row label to the column label.

    Returns:
        Per sentence, its label indices.
    """
    count, longest, width = emissions.shape
    cells = count * width
    # (step, sentence x label): one step's scores are one contiguous row.
    steps = np.ascontiguousarray(emissions.transpose(1, 0, 2)).reshape(longest, cells)
    into = np.ascontiguousarray(transition.T)  # [to, from]
    back = np.empty((longest, cells), dtype=np.intp)
    scores = np.empty((longest, cells))
    previous = scores.reshape(longest, count, 1, width)  # broadcast over "to"
    candidates = np.empty((count, width, width))  # (sentence, to, from)
    rows = candidates.reshape(cells, width)
    flat = candidates.reshape(-1)
    # Where each (sentence, to) row starts in ``flat``: its best "from" is then a take.
    base = np.arange(0, cells * width, width)
    best = np.empty(cells, dtype=np.intp)
    scores[0] = steps[0]
    # Few sentences and few labels: the cost is numpy's per call, hence out=, no
    # reduction but one argmax (a max over a short axis is several times slower),
    # and ufuncs and methods only (np.take or np.where add a Python call each).
    add, take, argmax = np.add, np.ndarray.take, np.ndarray.argmax
    for t in range(1, longest):
        add(previous[t - 1], into, out=candidates)
        pointers = back[t]
        argmax(rows, axis=1, out=pointers)  # the first maximum, as CRFsuite keeps it
        add(pointers, base, out=best)
        row = scores[t]
        take(flat, best, out=row)
        add(row, steps[t], out=row)
    ends = np.asarray(lengths) - 1
    sentences = np.arange(count)
    paths = np.empty((longest, count), dtype=np.intp)
    paths[-1] = scores.reshape(longest, count, width)[ends, sentences].argmax(axis=1)
    # Past its end, a sentence's pointers keep the label: walking back from the
    # last step, every sentence then holds its final label until its own end.
    back.reshape(longest, count, width)[np.arange(longest)[:, None] > ends] = np.arange(width)
    starts = sentences * width  # a sentence's cells in a row of ``back``
    cells_now = best[:count]
    for t in range(longest - 1, 0, -1):
        add(paths[t], starts, out=cells_now)
        take(back[t], cells_now, out=paths[t - 1])
    return [path[:n] for path, n in zip(paths.T.tolist(), lengths, strict=True)]


class DocumentCrf:
    """The first and second pass models, tagging whole documents.

    Args:
        first, second: the two passes' models (same labels).
        cache_size: written forms whose static weights are kept.
    """

    def __init__(
        self, first: CrfsuiteModel, second: CrfsuiteModel, cache_size: int = CACHE_SIZE
    ) -> None:
        if first.labels != second.labels:
            raise ValueError("the two passes must have the same labels")
        self.labels = first.labels
        width = len(self.labels)
        index: dict[str, int] = {}
        for name in (*first.attributes, *second.attributes):
            index.setdefault(name, len(index))
        # Row len(index): zeros, for unknown attributes and as a sentinel.
        state = np.zeros((len(index) + 1, 2 * width))
        state[[index[a] for a in first.attributes], :width] = first.state
        state[[index[a] for a in second.attributes], width:] = second.state
        self._index = index
        self._unknown = len(index)
        self._state = state
        self._transitions = (first.transition, second.transition)
        self._width = width
        if cache_size < 1:
            raise ValueError("the cache must hold at least one written form")
        self._cache_size = cache_size
        self._rows: dict[str, int] = {}
        # Per cached form: its own features' weights, then what it gives each
        # neighbour slot of _WINDOW.
        self._statics = np.zeros((min(1024, cache_size), 1 + len(_WINDOW), 2 * width))

    @classmethod
    def load(cls, first: Path, second: Path) -> DocumentCrf:
        return cls(CrfsuiteModel.read(first), CrfsuiteModel.read(second))

    def _weights(self, features: Sequence[str]) -> FloatArray:
        get = self._index.get
        ids = [get(f, self._unknown) for f in features]
        out: FloatArray = self._state[ids].sum(axis=0)
        return out

    def _static_rows(self, words: Sequence[str], statics: Sequence[Statics]) -> list[int]:
        rows = self._rows
        if len(rows) + len(words) > self._cache_size:
            if len(words) > self._cache_size:
                raise ValueError(f"a sentence of {len(words)} syllables is over the cache size")
            rows.clear()  # between sentences only: a sentence's rows stay valid
        out = []
        for word, static in zip(words, statics, strict=True):
            row = rows.get(word)
            if row is None:
                row = self._add(word, static)
            out.append(row)
        return out

    def _add(self, word: str, static: Statics) -> int:
        row = len(self._rows)
        if row == len(self._statics):
            grown = np.zeros((min(2 * row, self._cache_size), *self._statics.shape[1:]))
            grown[:row] = self._statics
            self._statics = grown
        self._statics[row, 0] = self._weights(static.own)
        for slot, near in enumerate(static.around):
            self._statics[row, 1 + slot] = self._weights(near)
        self._rows[word] = row
        return row

    def emissions(
        self,
        document: Sequence[Sequence[str]],
        statics: Sequence[Sequence[Statics]],
        context: Sequence[Sequence[Sequence[str]]],
    ) -> FloatArray:
        """(syllables of the document, 2 x labels) state scores of both passes, from
        ``Featurizer.local_parts`` of each sentence: the sentences one after another."""
        tables: list[FloatArray] = []
        position: list[int] = []  # index in its sentence
        lengths: list[int] = []
        for words, sentence in zip(document, statics, strict=True):
            # Gathered sentence by sentence: the cache may be emptied between two.
            rows = self._static_rows(words, sentence)  # may grow the table: first
            tables.append(self._statics[rows])
            position.extend(range(len(words)))
            lengths.append(len(words))
        if not position:
            return np.zeros((0, 2 * self._width))
        table = np.concatenate(tables)
        scores: FloatArray = table[:, 0].copy()
        where = np.asarray(position)
        remaining = np.repeat(np.asarray(lengths), lengths) - where - 1  # syllables after
        for slot, d in enumerate(_WINDOW):
            # Syllable i gets what syllable i + d gives at this slot, within its sentence.
            if d < 0:
                inside = where[-d:] >= -d
                scores[-d:] += table[:d, 1 + slot] * inside[:, None]
            else:
                inside = remaining[:-d] >= d
                scores[:-d] += table[d:, 1 + slot] * inside[:, None]
        return scores + self._sum_each([f for sentence in context for f in sentence])

    def _sum_each(self, lists: Sequence[Sequence[str]]) -> FloatArray:
        """Per feature list, the sum of its weights."""
        sizes = [len(features) for features in lists]
        flat = [f for features in lists for f in features]
        # One more (zero) row: an empty last list still has a start to point at.
        ids = [*map(self._index.get, flat, repeat(self._unknown, len(flat))), self._unknown]
        starts = np.cumsum([0, *sizes[:-1]], dtype=np.intp)
        out: FloatArray = np.add.reduceat(self._state[ids], starts, axis=0)
        if 0 in sizes:
            out[np.asarray(sizes) == 0] = 0.0  # reduceat gives an empty list the next row
        return out

    def decode(
        self, emissions: FloatArray, lengths: Sequence[int], second: bool
    ) -> list[list[str]]:
        """Tags of the sentences whose scores follow each other in ``emissions``
        (syllables, 2 x labels), by the first or the second pass."""
        width = self._width
        part = emissions[:, width:] if second else emissions[:, :width]
        kept = [n for n in lengths if n]
        if not kept:
            return [[] for _ in lengths]
        sentence = np.repeat(np.arange(len(kept)), kept)
        offsets = np.cumsum([0, *kept[:-1]])
        position = np.arange(len(part)) - np.repeat(offsets, kept)
        padded = np.zeros((len(kept), max(kept), width))
        padded[sentence, position] = part
        paths = iter(viterbi(padded, kept, self._transitions[second]))
        labels = self.labels
        return [[labels[k] for k in next(paths)] if n else [] for n in lengths]

    def add(
        self, emissions: FloatArray, extra: Sequence[Sequence[str]], second: bool
    ) -> FloatArray:
        """``emissions`` with the weights of more features per syllable added to one pass."""
        out = emissions.copy()
        rows = [i for i, features in enumerate(extra) if features]
        if rows:
            # All the syllables' sums at once, not a numpy call per syllable.
            weights = self._sum_each([extra[i] for i in rows])
            part = slice(self._width, None) if second else slice(None, self._width)
            out[rows, part] += weights[:, part]
        return out

    def tag(self, features: Sequence[Sequence[str]], second: bool = False) -> list[str]:
        """One sentence from its full feature lists (the ``CRFTagger.tag`` interface)."""
        if not features:
            return []
        return self.decode(self._sum_each(features), [len(features)], second)[0]
