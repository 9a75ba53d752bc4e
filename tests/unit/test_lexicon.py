"""The lexicon's lookups: ``find`` tests only the words some listed name starts with,
and finds what testing every word finds."""

from __future__ import annotations

from nlp.ner.lexicon import _TOKEN, Lexicon, Match, _addable, _tokens, packaged_lexicon

# Invented names: acronyms, lower-case words inside names, a name that starts
# another, punctuation inside words.
ENTRIES = [
    ("ORG", "Hợp tác xã Sông Mây", ("HTX Sông Mây", "SMC"), False),
    ("ORG", "Sông Mây Xanh FC", ("Sông Mây FC",), True),
    ("LOC", "Sông Mây", (), False),
    ("ORG", "Quỹ Cầu Vồng & Mây", ("Q.C.V",), False),
    ("PER", "Lê Thị Sương", ("Sương",), False),
    ("MISC", "giải Bông Sen Vàng", (), False),
]

TEXTS = [
    "HTX Sông Mây và Sông Mây Xanh FC gặp nhau ở Sông Mây; SMC không đến.",
    "sông mây, smc và Smc: viết thường hay sai chữ hoa thì không khớp.",
    "Quỹ Cầu Vồng & Mây (Q.C.V) trao giải Bông Sen Vàng cho bà Lê Thị Sương.",
    "Sông  Mây cách hai khoảng trắng; Sông Mây. Xanh FC qua dấu chấm; Sương",
    "",
    "Sông",
    "Giải Bông Sen Vàng, giải Bông Sen Vàng và giải bông sen vàng; sông Mây, SÔNG MÂY",
]


def _find_every_word(lexicon: Lexicon, text: str) -> list[Match]:
    """``find`` as first written: the full test at every word."""
    tokens = _tokens(text)
    out: list[Match] = []
    i = 0
    while i < len(tokens):
        found = lexicon._longest_at(tokens, i)
        if found is None:
            i += 1
            continue
        length, key = found
        start, end = tokens[i][0], tokens[i + length - 1][1]
        surface = text[start:end]
        out.append(Match(start, end, surface, lexicon._forms[key], _addable(surface)))
        i += length
    return out


def test_find_equals_testing_every_word() -> None:
    for lexicon in (Lexicon(ENTRIES), packaged_lexicon()):
        for text in [*TEXTS, " ".join(TEXTS), "Hà Nội và TP.HCM, Bộ Y tế, NATO, Liên Hợp Quốc"]:
            assert lexicon.find(text) == _find_every_word(lexicon, text)


def test_find_finds_the_listed_names() -> None:
    found = Lexicon(ENTRIES).find(TEXTS[0])
    assert [(m.text, m.form.type) for m in found] == [
        ("HTX Sông Mây", "ORG"),
        ("Sông Mây Xanh FC", "ORG"),
        ("Sông Mây", "LOC"),
        ("SMC", "ORG"),
    ]


def test_a_name_listed_in_lower_case_starts_at_any_case() -> None:
    found = Lexicon(ENTRIES).find(TEXTS[-1])
    assert [m.text for m in found if m.form.type == "MISC"] == [
        "Giải Bông Sen Vàng",
        "giải Bông Sen Vàng",
    ]


def test_key_joins_the_words_casefolded() -> None:
    for name in ["Quỹ Cầu Vồng & Mây", "  HTX   Sông-Mây ", "Q.C.V", "Mc'Ley’s", "ĐẠI học", ""]:
        assert Lexicon.key(name) == " ".join(m.group() for m in _TOKEN.finditer(name)).casefold()
    assert Lexicon.key("HTX  Sông Mây") == "htx sông mây"
    assert Lexicon(ENTRIES).lookup("htx  sông mây") is not None
