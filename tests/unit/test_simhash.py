"""The vectorised SimHash gives the fingerprints of the straightforward per-bit loop."""

from __future__ import annotations

import hashlib
from collections import Counter

from nlp.simhash import BITS, MIN_WORDS, SHINGLE, _words, simhash


def _reference(text: str) -> int | None:
    """The original pure-Python SimHash, bit by bit: fingerprints already stored depend on it."""
    words = _words(text)
    if len(words) < MIN_WORDS:
        return None
    shingles = Counter(" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))
    weights = [0] * BITS
    for shingle, count in shingles.items():
        h = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        for bit in range(BITS):
            weights[bit] += count if h >> bit & 1 else -count
    return sum(1 << bit for bit in range(BITS) if weights[bit] > 0)


TEXTS = [
    "Sáng nay mưa lớn kéo dài ở nhiều quận nội thành khiến nhiều tuyến phố ngập sâu, "
    "người đi xe máy phải dắt bộ qua những đoạn đường trũng và xe buýt chạy chậm hơn "
    "thường lệ gần một giờ đồng hồ theo lời kể của nhiều hành khách.",
    # Repeated shingles: their counts weigh more than one vote.
    " ".join(["đội bóng thắng trận đấu cuối mùa giải"] * 12),
    "Giá vàng tăng giá vàng giảm " * 10 + "rồi đứng yên suốt cả tuần qua ở mọi cửa hàng.",
    "Một câu quá ngắn để so sánh.",
]


def test_fingerprints_equal_the_per_bit_reference() -> None:
    for text in TEXTS:
        assert simhash(text) == _reference(text)
    assert simhash(TEXTS[0]) is not None and simhash(TEXTS[-1]) is None
