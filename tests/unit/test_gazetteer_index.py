"""``Gazetteer.tags`` from its index by first syllable and length marks what testing
every phrase that starts with the syllable marks, in the same order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from nlp.ner.features import Gazetteer
from nlp.ner.gazetteer import GAZETTEERS
from nlp.ner.tokenize import syllables

# Invented lists: a phrase in two lists, phrases of several lengths with one start,
# a list holding a phrase and its own prefix.
LISTS = {
    "org": frozenset({"hợp tác xã sông mây", "sông mây xanh", "quỹ mây"}),
    "loc": frozenset({"sông mây", "làng mây", "sông"}),
    "club": frozenset({"sông mây xanh", "sông mây xanh fc"}),
    "orghead": frozenset({"hợp tác xã", "quỹ"}),
}


def _tags_phrase_by_phrase(
    lists: Mapping[str, frozenset[str]], lowered: Sequence[str]
) -> list[list[str]]:
    """The tags as first written: every phrase starting with the syllable, longest first."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for name, phrases in lists.items():
        for phrase in phrases:
            parts = tuple(s.text.lower() for s in syllables(phrase))
            if parts:
                index.setdefault(parts[0], []).append((parts, name))
    for entries in index.values():
        entries.sort(key=lambda e: -len(e[0]))
    out: list[list[str]] = [[] for _ in lowered]
    n = len(lowered)
    for i, first in enumerate(lowered):
        seen: set[str] = set()
        for parts, name in index.get(first, ()):
            k = len(parts)
            if name in seen or i + k > n or tuple(lowered[i : i + k]) != parts:
                continue
            seen.add(name)
            out[i].append(f"{name}:B")
            for j in range(i + 1, i + k):
                out[j].append(f"{name}:I")
    return out


TEXTS = [
    "Hợp tác xã Sông Mây ở làng Mây bên sông Mây , đội Sông Mây Xanh FC thắng",
    "quỹ mây quỹ sông mây xanh sông",
    "Ông Trần Văn Khải đến Bộ Y tế ở Hà Nội , gặp UBND tỉnh Lâm Đồng và Công ty Sông Xanh",
    "Sở Giáo dục và Đào tạo thành phố Hồ Chí Minh , Liên Hợp Quốc , Mỹ , châu Phi",
    "sông",
    "",
]


def test_tags_equal_testing_every_phrase() -> None:
    for lists in (LISTS, GAZETTEERS):
        gazetteer = Gazetteer(lists)
        for text in TEXTS:
            lowered = [w.lower() for w in text.split()]
            assert gazetteer.tags(lowered) == _tags_phrase_by_phrase(lists, lowered)


def test_a_phrase_in_two_lists_is_marked_for_both_in_list_order() -> None:
    tags = Gazetteer(LISTS).tags(["đội", "sông", "mây", "xanh", "fc"])
    assert tags[1] == ["club:B", "org:B", "loc:B"]
    assert tags[4] == ["club:I"]
