"""Keywords: the phrases an article is about, by TF-IDF against a news corpus.

Vietnamese words are mostly one or two syllables and a bare syllable rarely names
a subject, so candidates are runs of two or three syllables that occur in enough
news articles to be words or set phrases ("giá vàng", "biến đổi khí hậu"), not
starting or ending on a function word. Each is scored by its count in the article
(title counts double) times its inverse document frequency in the corpus.
"""

from __future__ import annotations

import gzip
import json
import logging
import math
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

from streams.enrichment.ner.tokenize import sentences

log = logging.getLogger(__name__)

DEFAULT_TABLE = Path(__file__).parent / "models" / "keywords-df.json.gz"
MIN_DOCUMENT_FREQUENCY = 8
NGRAM_SIZES = (2, 3)
TITLE_WEIGHT = 2
BIGRAM_COHESION = 0.1
TRIGRAM_COHESION = 0.5

# Function words and vague syllables a keyword neither starts nor ends with.
_STOP_TEXT = """
    và của các những là có được ở trong với cho này đã sẽ đang không một để từ khi thì mà
    cũng như về theo tại ra vào lên xuống đến đi rằng nên vì do bị bởi hay hoặc nhưng
    nếu sau trước trên dưới ngoài giữa qua lại rất nhiều ít hơn nhất mới còn chỉ vẫn đều
    cùng nhau mình họ ông bà anh chị em tôi chúng ta nó người năm ngày tháng giờ lần số
    này đó kia ấy nào gì ai sao thế vậy nay hôm đây cái con chiếc việc sự cuộc điều nơi
    hai ba bốn năm sáu bảy tám chín mười trăm nghìn ngàn triệu tỷ tỉ phải cần muốn làm
    thể biết cho thấy nói hết luôn vừa đây thành thêm tới gần xa cách lúc phần loại
"""
STOP_SYLLABLES = frozenset(_STOP_TEXT.split())


def _runs(text: str) -> Iterator[list[str]]:
    """Runs of alphabetic syllables, broken by punctuation and numbers."""
    for sentence in sentences(text):
        run: list[str] = []
        for syllable in sentence:
            if syllable.text.isalpha():
                run.append(syllable.text)
            elif run:
                yield run
                run = []
        if run:
            yield run


def _ngrams(run: list[str]) -> Iterator[tuple[str, str]]:
    """(lower-cased n-gram, its surface) pairs of a run."""
    lower = [s.lower() for s in run]
    for n in NGRAM_SIZES:
        for i in range(len(run) - n + 1):
            gram = lower[i : i + n]
            if gram[0] not in STOP_SYLLABLES and gram[-1] not in STOP_SYLLABLES:
                yield " ".join(gram), " ".join(run[i : i + n])


def document_frequencies(texts: Iterable[str]) -> dict[str, object]:
    """``{"docs": N, "df": {ngram: documents containing it}}`` for frequent n-grams."""
    df: Counter[str] = Counter()
    docs = 0
    for text in texts:
        docs += 1
        runs = list(_runs(text))
        df.update({gram for run in runs for gram, _ in _ngrams(run)})
        df.update({syllable.lower() for run in runs for syllable in run})
    kept = {g: n for g, n in df.items() if n >= MIN_DOCUMENT_FREQUENCY}
    return {"docs": docs, "df": dict(sorted(kept.items()))}


def _cohesive(gram: str, df: dict[str, int]) -> bool:
    """Whether the syllables of ``gram`` belong together more than by chance.

    A bigram must occur in a good share of the documents of its rarer syllable
    ("khí hậu"), not merely next to it ("sử ở"); a trigram must be most uses of
    the bigram it extends ("biến đổi khí" is not, "đánh bom liều chết"... is).
    """
    parts = gram.split(" ")
    if len(parts) == 2:
        a, b = df.get(parts[0], 0), df.get(parts[1], 0)
        return bool(a and b) and df[gram] / min(a, b) >= BIGRAM_COHESION
    left, right = " ".join(parts[:2]), " ".join(parts[1:])
    base = max(df.get(left, 0), df.get(right, 0))
    return bool(base) and df[gram] / base >= TRIGRAM_COHESION


def _pairs(gram: str) -> set[str]:
    parts = gram.split(" ")
    return {f"{a} {b}" for a, b in pairwise(parts)}


class KeywordExtractor:
    """Ranks an article's candidate phrases; the corpus table loads on first use."""

    def __init__(self, table: Path = DEFAULT_TABLE, frequencies: dict[str, Any] | None = None):
        self._path = table
        self._table = frequencies
        self._lock = threading.Lock()

    def _load(self) -> tuple[int, dict[str, int]]:
        with self._lock:
            if self._table is None:
                log.info("loading keyword statistics from %s", self._path)
                with gzip.open(self._path, "rt", encoding="utf-8") as handle:
                    self._table = json.load(handle)
        return int(self._table["docs"]), self._table["df"]

    def extract(self, title: str, content: str, limit: int) -> list[str]:
        if limit <= 0:
            return []
        docs, df = self._load()
        counts: Counter[str] = Counter()
        surfaces: dict[str, str] = {}
        for weight, text in ((TITLE_WEIGHT, title), (1, content)):
            for run in _runs(text):
                for gram, surface in _ngrams(run):
                    if gram in df and _cohesive(gram, df):
                        counts[gram] += weight
                        # A name keeps its capitals ("Hà Nội"); other phrases are lower case.
                        named = all(w[:1].isupper() for w in surface.split(" "))
                        if gram not in surfaces or not named:
                            surfaces[gram] = surface if named else gram
        scored = sorted(
            (
                (n * math.log(docs / df[g]), g)
                for g, n in counts.items()
                if n > 1 or g in title.lower()
            ),
            reverse=True,
        )
        chosen: list[str] = []
        taken: set[str] = set()
        for _, gram in scored:
            # Overlapping phrases ("nhạc sĩ Phó Đức", "Phó Đức Phương") say the same
            # thing; the better-scored one is kept.
            pairs = _pairs(gram)
            if pairs & taken:
                continue
            taken |= pairs
            chosen.append(gram)
            if len(chosen) == limit:
                break
        return [surfaces[g] for g in chosen]
