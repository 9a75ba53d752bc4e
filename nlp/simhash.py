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

import numpy as np

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
_blake2b = hashlib.blake2b


def _words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFC", text).casefold())


# Bit positions, lowest first, to spread a column of hashes into a 0/1 matrix.
_POSITIONS = np.arange(BITS, dtype=np.uint64)


def simhash(text: str) -> int | None:
    """The fingerprint of ``text``, or None when it is too short to compare."""
    words = _words(text)
    if len(words) < MIN_WORDS:
        return None
    # The same shingles in the same order as joining each window of SHINGLE words
    # (the shifted lists are shorter: zip stops at the last whole window).
    windows = zip(*(words[k:] for k in range(SHINGLE)), strict=False)
    shingles = Counter(map(" ".join, windows))
    # A shingle's hash is its 8-byte BLAKE2b digest read as a big-endian integer.
    digests = b"".join(_blake2b(s.encode(), digest_size=8).digest() for s in shingles)
    hashes = np.frombuffer(digests, dtype=">u8").astype(np.uint64)
    counts = np.fromiter(shingles.values(), dtype=np.int64, count=len(shingles))
    # Each shingle votes +count on the bits its hash sets and -count on the others:
    # one matrix product instead of a Python loop over 64 bits per shingle.
    bits = ((hashes[:, None] >> _POSITIONS) & np.uint64(1)).astype(np.int64)
    weights = counts @ (2 * bits - 1)
    return sum(1 << int(bit) for bit in np.flatnonzero(weights > 0))


def distance(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def bands(fingerprint: int) -> Iterator[str]:
    """Keys under which a fingerprint is filed: ``"band:value"`` for each band."""
    shift = 0
    for band, width in enumerate(_WIDTHS):
        yield f"{band}:{fingerprint >> shift & ((1 << width) - 1):03x}"
        shift += width
