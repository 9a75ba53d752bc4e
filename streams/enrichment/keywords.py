"""Keywords: the nouns an article repeats, stop words and numbers left out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from streams.enrichment.analysis import Token

# Nouns (N), proper nouns (Np) and foreign words (FW) are what readers search by.
_KEYWORD_POS = frozenset({"N", "Np", "Ny", "FW"})
# Frequent nouns in Vietnamese news that say nothing of its subject.
STOP_WORDS = frozenset(
    w.replace("_", " ")
    for w in [
        "người",
        "việc",
        "năm",
        "ngày",
        "tháng",
        "giờ",
        "lần",
        "số",
        "loại",
        "cách",
        "điều",
        "phần",
        "lúc",
        "nơi",
        "khi",
        "sau",
        "trước",
        "trong",
        "ngoài",
        "trên",
        "dưới",
        "hôm",
        "nay",
        "qua",
        "tới",
        "đó",
        "này",
        "các",
        "những",
        "một",
        "hai",
        "ba",
        "nhiều",
        "ông",
        "bà",
        "anh",
        "chị",
        "em",
        "cô",
        "chú",
        "thời_gian",
        "vấn_đề",
        "trường_hợp",
        "hoạt_động",
        "thông_tin",
        "kết_quả",
        "tình_hình",
        "đơn_vị",
        "khu_vực",
        "đối_tượng",
        "nội_dung",
        "sự",
        "cuộc",
        "chiếc",
        "con",
        "cái",
        "vụ",
        "phút",
        "tuần",
        "quý",
    ]
)
TITLE_WEIGHT = 2


def extract_keywords(
    title_tokens: Sequence[Token], content_tokens: Sequence[Token], limit: int
) -> list[str]:
    """Up to ``limit`` keywords, most frequent first; title words count double."""
    if limit <= 0:
        return []
    scores: Counter[str] = Counter()
    surface: dict[str, str] = {}
    for weight, tokens in ((TITLE_WEIGHT, title_tokens), (1, content_tokens)):
        for token in tokens:
            word = " ".join(token.text.split())
            key = word.casefold()
            if (
                token.pos not in _KEYWORD_POS
                or len(word) < 2
                or key in STOP_WORDS
                or not any(c.isalpha() for c in word)
            ):
                continue
            scores[key] += weight
            # Proper nouns keep their capitals; common nouns are shown in lower case.
            surface.setdefault(key, word if token.pos == "Np" else key)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return [surface[key] for key, _ in ranked[:limit]]
