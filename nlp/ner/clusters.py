"""Syllable clusters learned from unlabelled news, as CRF features.

The labelled data names a few thousand people, places and organisations; the
unlabelled news names far more. Syllables used in the same contexts (the words
right before and after them) end up in the same cluster: given names with given
names, foreign-name syllables with foreign-name syllables, organisation heads with
organisation heads. A syllable the labelled data never saw then still shares a
feature with ones it did.

Each lower-cased syllable is described by its counts of left and right neighbours
(the most frequent syllables only), reduced to a few dozen dimensions with an
eigendecomposition of the context covariance, and grouped by spherical k-means at
several granularities (coarse to fine, as Brown-cluster prefixes are used). Only
the resulting table (syllable → cluster ids) is kept: statistics, not text.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import numpy.typing as npt

from nlp.ner.tokenize import sentences

log = logging.getLogger(__name__)

Clusters = dict[str, list[int]]

# Offsets of the neighbours that describe a syllable, and how much each counts.
_CONTEXT = ((-2, 0.5), (-1, 1.0), (1, 1.0), (2, 0.5))
_BOUNDARY = "<s>"


def _kmeans(
    points: npt.NDArray[np.float32], k: int, rng: np.random.Generator, iterations: int = 20
) -> npt.NDArray[np.int32]:
    """Spherical k-means (rows are unit vectors): assignment of each row to one of k centres."""
    # Frequent syllables come first; seeding from them keeps centres on real usage.
    centres = points[rng.choice(min(len(points), k * 4), size=k, replace=False)].copy()
    assign = np.zeros(len(points), dtype=np.int32)
    for _ in range(iterations):
        assign = np.argmax(points @ centres.T, axis=1).astype(np.int32)
        sums = np.zeros_like(centres)
        np.add.at(sums, assign, points)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        empty = norms[:, 0] == 0
        sums[empty] = points[rng.choice(len(points), size=int(empty.sum()), replace=False)]
        norms[empty] = 1.0
        centres = (sums / norms).astype(np.float32)
    return assign


def learn_clusters(
    texts: Iterable[str],
    *,
    vocabulary: int = 40000,
    contexts: int = 600,
    dimensions: int = 80,
    sizes: Sequence[int] = (32, 128, 512),
    min_count: int = 5,
    seed: int = 13,
    progress: Callable[[str], None] = lambda _: None,
) -> Clusters:
    """Lower-cased syllable → one cluster id per granularity in ``sizes``."""
    counts: Counter[str] = Counter()
    corpus: list[list[str]] = []
    for text in texts:
        for sentence in sentences(text):
            words = [s.text.lower() for s in sentence]
            counts.update(words)
            corpus.append(words)
    vocab = [w for w, c in counts.most_common(vocabulary) if c >= min_count]
    if not vocab:
        log.warning("clusters: no syllable seen %s times; no clusters", min_count)
        return {}
    index = {w: i for i, w in enumerate(vocab)}
    contexts = min(contexts, len(vocab))
    context_index = {w: i for i, w in enumerate(vocab[:contexts])}
    context_index[_BOUNDARY] = contexts
    width = contexts + 1
    progress(f"counting contexts of {len(vocab)} syllables in {len(corpus)} sentences")

    # One flat array for the whole corpus, sentences apart by two boundary marks,
    # so each offset's (syllable, context) pairs are counted in one numpy pass.
    pad = [-1, -1]
    flat_ids: list[int] = list(pad)
    flat_ctx: list[int] = [contexts, contexts]
    for words in corpus:
        flat_ids.extend(index.get(w, -1) for w in words)
        flat_ctx.extend(context_index.get(w, -1) for w in words)
        flat_ids.extend(pad)
        flat_ctx.extend((contexts, contexts))
    ids = np.array(flat_ids, dtype=np.int64)
    ctx = np.array(flat_ctx, dtype=np.int64)
    size = len(ids)
    blocks = []
    for offset, weight in _CONTEXT:
        rows = ids[2 : size - 2]
        cols = ctx[2 + offset : size - 2 + offset]
        keep = (rows >= 0) & (cols >= 0)
        counted = np.bincount(rows[keep] * width + cols[keep], minlength=len(vocab) * width)
        blocks.append((counted.reshape(len(vocab), width) * weight).astype(np.float32))
    matrix = np.concatenate(blocks, axis=1)
    del blocks, ids, ctx, flat_ids, flat_ctx

    progress("reducing and clustering")
    # Rows as context distributions, square-rooted (Hellinger): frequent contexts
    # such as punctuation would otherwise decide every cluster.
    matrix /= np.maximum(matrix.sum(axis=1, keepdims=True), 1e-9)
    np.sqrt(matrix, out=matrix)
    matrix -= matrix.mean(axis=0, keepdims=True)
    covariance = matrix.T @ matrix
    _, vectors = np.linalg.eigh(covariance)
    reduced = matrix @ vectors[:, -min(dimensions, len(vocab)) :]
    reduced /= np.maximum(np.linalg.norm(reduced, axis=1, keepdims=True), 1e-9)
    reduced = reduced.astype(np.float32)

    rng = np.random.default_rng(seed)
    assignments = [_kmeans(reduced, min(k, len(vocab)), rng) for k in sizes]
    log.info("clusters: %s syllables, sizes %s", len(vocab), list(sizes))
    return {w: [int(a[i]) for a in assignments] for i, w in enumerate(vocab)}
