"""SimHash fingerprints of article text, for near-duplicate detection.

Two articles that share most of their word 3-grams (a syndicated story, a
republication with a changed headline or a few edited sentences) get 64-bit
fingerprints a few bits apart. Hashes use BLAKE2b, not Python's ``hash``, so a
fingerprint is the same in every process and after every restart.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator

BITS = 64
SHINGLE = 3
# Fingerprints this many bits apart or fewer are near-duplicates: a news article
# with its headline and a sentence or two edited. Two such fingerprints always
# share one of six bands exactly (pigeonhole: 5 differing bits touch at most 5
# bands), which makes the lookup a dictionary access instead of a scan.
MAX_DISTANCE = 5
BANDS = MAX_DISTANCE + 1
_WIDTHS = [BITS // BANDS + (1 if band < BITS % BANDS else 0) for band in range(BANDS)]
# Too short to tell a copy from a common phrasing ("Hà Nội mưa to").
MIN_WORDS = 30
_WORD = re.compile(r"\w+", re.UNICODE)


def _words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFC", text).casefold())


def _hash(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")


def simhash(text: str) -> int | None:
    """The fingerprint of ``text``, or None when it is too short to compare."""
    words = _words(text)
    if len(words) < MIN_WORDS:
        return None
    shingles = Counter(" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))
    weights = [0] * BITS
    for shingle, count in shingles.items():
        h = _hash(shingle)
        for bit in range(BITS):
            weights[bit] += count if h >> bit & 1 else -count
    return sum(1 << bit for bit in range(BITS) if weights[bit] > 0)


def distance(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def bands(fingerprint: int) -> Iterator[str]:
    """Keys under which a fingerprint is filed: ``"band:value"`` for each band."""
    shift = 0
    for band, width in enumerate(_WIDTHS):
        yield f"{band}:{fingerprint >> shift & ((1 << width) - 1):03x}"
        shift += width
