"""The office titles case-folded once find the titles that folding each one per
mention finds."""

from __future__ import annotations

from nlp.entities import (
    _OFFICE_ENDINGS,
    _OFFICE_FOLDED,
    _OFFICE_OPENINGS,
    _OFFICE_TITLES,
    _split_titled,
)
from streams.records import Mention

# Invented mentions and the text before them.
TEXTS = [
    "Bộ trưởng Ngoại giao Trần Văn Khải",
    "BỘ TRƯỞNG Ngoại giao",
    "Thứ trưởng Bộ Công Thương Lê Sương",
    "Sở Giáo dục và Đào tạo",
    "ông Bộ trưởng",
    "Chủ tịch",
    "",
]


def test_folded_titles_are_the_titles_folded_in_order() -> None:
    assert [t for t, _ in _OFFICE_FOLDED] == list(_OFFICE_TITLES)
    assert tuple(t.casefold() for t in _OFFICE_TITLES) == _OFFICE_ENDINGS
    for text in TEXTS:
        lowered = text.casefold()
        first = next((t for t in _OFFICE_TITLES if lowered.startswith(t.casefold() + " ")), None)
        quick = lowered.startswith(_OFFICE_OPENINGS)
        found = next((t for t, f in _OFFICE_FOLDED if lowered.startswith(f + " ")), None)
        assert quick == (first is not None) and found == first
        assert lowered.endswith(_OFFICE_ENDINGS) == any(
            lowered.endswith(t.casefold()) for t in _OFFICE_TITLES
        )


def test_a_title_inside_or_before_an_organisation_splits_the_person_off() -> None:
    text = "Hôm qua Bộ trưởng Ngoại giao Trần Văn Khải đến."
    start = text.index("Bộ")
    end = text.index(" đến")
    split = _split_titled(Mention("content", start, end, text[start:end], "ORG"), text)
    assert [(m.text, m.type) for m in split] == [
        ("Ngoại giao", "ORG"),
        ("Trần Văn Khải", "PER"),
    ]
    plain = Mention("content", 0, 7, "Sông Mê", "LOC")
    assert _split_titled(plain, "Sông Mê chảy qua.") == [plain]
