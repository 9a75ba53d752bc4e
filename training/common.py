"""Training the keyword statistics, and the helpers the other trainers share
(topic: training/topic.py; tone: training/tone.py).

Each function reads the shared data by path and writes one model file; the
model card records the commands and the scores they print.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from nlp.keywords import document_frequencies


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def is_held_out(article_id: str, percent: int = 10) -> bool:
    """A fixed, reproducible split by id: the same articles are held out on every run."""
    return zlib.crc32(article_id.encode()) % 100 < percent


def train_keywords(news: Path, out: Path, progress: Callable[[int], None] = lambda n: None) -> int:
    """Document frequencies of words and word phrases over the news corpus, each
    article's title and content cut into words by the search segmenter; returns
    the number of entries written. ``progress`` hears of every article done."""
    from nlp.segmenter import WordSegmenter

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
