"""The NLP interface: text in, word tokens with offsets, part of speech and BIO tag out."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from nlp.text import mask_overlong

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the text: ``text[start:end]``, its part of speech and entity tag (BIO)."""

    start: int
    end: int
    text: str
    pos: str
    tag: str


class Analyzer(Protocol):
    """Word-segments and tags a text; offsets point into the text given."""

    def analyze(self, text: str) -> list[Token]: ...


@runtime_checkable
class BatchAnalyzer(Analyzer, Protocol):
    """An analyzer that also tags several texts in one call, each as ``analyze`` would
    (tinstream's CRF: its cost per call is then paid once per article)."""

    def analyze_many(self, texts: Sequence[str]) -> list[list[Token]]: ...


NerFunction = Callable[[str], Sequence[Sequence[Any]]]


class UndertheseaAnalyzer:
    """underthesea's stock CRF tagger, imported on first use.

    underthesea rewrites some characters while it tokenises (tone-mark placement,
    spacing around punctuation), so its words are aligned back onto the text
    syllable by syllable rather than trusted as offsets.
    """

    def __init__(self, ner: NerFunction | None = None) -> None:
        self._ner = ner
        self._lock = threading.Lock()

    def _load(self) -> NerFunction:
        with self._lock:
            if self._ner is None:
                log.info("loading underthesea NER model")
                from underthesea import ner

                self._ner = ner
            return self._ner

    def analyze(self, text: str) -> list[Token]:
        ner = self._load()
        masked = mask_overlong(text)
        tokens: list[Token] = []
        start = 0
        # Line by line: the tagger's cost grows with the line, and a paragraph is
        # a natural unit of context for a CRF.
        for line in masked.split("\n"):
            if line.strip():
                tagged = ner(line)
                tokens.extend(_align(line, tagged, start))
            start += len(line) + 1
        return tokens


def _align(line: str, tagged: Sequence[Sequence[Any]], base: int) -> list[Token]:
    out: list[Token] = []
    pos = 0
    n = len(line)
    for item in tagged:
        word, tag_pos, tag = str(item[0]), str(item[1]), str(item[-1])
        first: int | None = None
        for syllable in word.split():
            while pos < n and line[pos].isspace():
                pos += 1
            found = line.find(syllable, pos, pos + len(syllable) + 8)
            # Not found: the tokeniser rewrote it (same length in NFC); take it in place.
            begin = found if found >= 0 else pos
            if first is None:
                first = begin
            pos = min(n, begin + len(syllable))
        if first is None:
            continue
        out.append(Token(base + first, base + pos, line[first:pos], tag_pos, tag))
    return out
