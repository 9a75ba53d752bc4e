"""Syllable tokenisation of raw text, with offsets.

The tagger works on syllables, not words: Vietnamese writes a space between the
syllables of a word, so syllables are what raw text gives without a segmenter, and
a word segmenter's mistakes can then never cut through a name.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# An initial or abbreviation with its full stop ("J.", "TP.", "Q."), so that it neither
# ends a sentence nor loses its dot; then a run of letters and digits, keeping "3.5",
# "1,000", "TP.HCM" and "COVID-19" whole; any other non-space character stands alone.
_SYLLABLE = re.compile(
    r"(?:[A-ZĐ]{1,2}|Cty|Tp|Th|St|Mr|Mrs|Dr)\.(?!\w)|\w+(?:[.,\-/&']\w+)*|[^\w\s]",
    re.UNICODE,
)
# Characters that end a sentence; the tagger sees one sentence at a time.
_SENTENCE_END = frozenset(".!?…")
MAX_SENTENCE_SYLLABLES = 200


class Syllable(NamedTuple):
    """A syllable and its offsets (a named tuple: built for every syllable of every
    article, and a tuple is several times cheaper to make than a frozen dataclass)."""

    start: int
    end: int
    text: str


def syllables(text: str) -> list[Syllable]:
    # tuple.__new__ makes the same named tuple without the Python-level __new__
    # a NamedTuple class call goes through (one per syllable of every article).
    make = tuple.__new__
    return [make(Syllable, (m.start(), m.end(), m.group())) for m in _SYLLABLE.finditer(text)]


def sentences(text: str, tokens: list[Syllable] | None = None) -> list[list[Syllable]]:
    """Splits at line breaks and after sentence-final punctuation, and caps a sentence's length.

    A capped sentence costs the CRF little context, while an unbounded one (a
    hostile article with no full stop) would make tagging cost grow with it.
    """
    if tokens is None:
        tokens = syllables(text)
    out: list[list[Syllable]] = []
    current: list[Syllable] = []
    find = text.find
    last_end = 0  # where the sentence's last syllable ends
    for token in tokens:
        start, end, written = token
        # A line break between the two syllables (a search, not a slice to test).
        if current and find("\n", last_end, start) >= 0:
            out.append(current)
            current = []
        current.append(token)
        last_end = end
        if written in _SENTENCE_END or len(current) >= MAX_SENTENCE_SYLLABLES:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out
