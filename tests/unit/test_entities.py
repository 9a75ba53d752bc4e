"""Token alignment, mentions from BIO tags, merging (keywords: test_keywords.py)."""

from __future__ import annotations

import re

import pytest

from nlp.analysis import Token, UndertheseaAnalyzer, _align
from nlp.entities import _trimmed, mentions_from_tokens, merge_entities, name_of
from streams.records import Mention


def test_align_maps_words_back_to_offsets() -> None:
    line = "Ông Nguyễn Văn An đến Hà Nội."
    tagged = [
        ("Ông", "Nc", "O"),
        ("Nguyễn Văn An", "Np", "B-PER"),
        ("đến", "V", "O"),
        ("Hà Nội", "Np", "B-LOC"),
        (".", "CH", "O"),
    ]
    tokens = _align(line, tagged, base=10)
    assert [(t.text, t.start - 10, t.end - 10) for t in tokens] == [
        ("Ông", 0, 3),
        ("Nguyễn Văn An", 4, 17),
        ("đến", 18, 21),
        ("Hà Nội", 22, 28),
        (".", 28, 29),
    ]


def test_align_survives_rewritten_tone_marks() -> None:
    # The tokeniser may move a tone mark ("hoà" → "hòa"): same length, taken in place.
    line = "Hội nghị hoà bình"
    tokens = _align(line, [("Hội nghị", "N", "O"), ("hòa bình", "N", "O")], base=0)
    assert [line[t.start : t.end] for t in tokens] == ["Hội nghị", "hoà bình"]


def test_analyzer_is_lazy_and_uses_injected_model() -> None:
    calls: list[str] = []

    def fake_ner(text: str) -> list[tuple[str, str, str, str]]:
        calls.append(text)
        return [(w, "Np", "B-NP", "B-LOC") for w in text.split()]

    analyzer = UndertheseaAnalyzer(ner=fake_ner)
    tokens = analyzer.analyze("Huế\n\nĐà")
    assert calls == ["Huế", "Đà"]
    assert [(t.text, t.start) for t in tokens] == [("Huế", 0), ("Đà", 5)]


def _tok(text: str, start: int, tag: str, pos: str = "Np") -> Token:
    return Token(start, start + len(text), text, pos, tag)


def test_mentions_join_b_and_i_and_trim_punctuation() -> None:
    text = "Bộ Y tế (Hà Nội)."
    tokens = [
        _tok("Bộ", 0, "B-ORG"),
        _tok("Y tế", 3, "I-ORG"),
        _tok("(", 8, "O", "CH"),
        _tok("Hà Nội", 9, "B-LOC"),
        _tok(").", 15, "I-LOC", "CH"),
    ]
    mentions = mentions_from_tokens("content", text, tokens)
    assert mentions == [
        Mention("content", 0, 7, "Bộ Y tế", "ORG"),
        Mention("content", 9, 15, "Hà Nội", "LOC"),
    ]


def test_i_without_b_starts_a_mention_and_type_change_splits() -> None:
    tokens = [_tok("Huế", 0, "I-LOC"), _tok("An", 4, "I-PER"), _tok("Bình", 7, "B-PER")]
    mentions = mentions_from_tokens("title", "Huế An Bình", tokens)
    assert [(m.text, m.type) for m in mentions] == [("Huế", "LOC"), ("An", "PER"), ("Bình", "PER")]


def test_misc_and_outside_tags_are_ignored() -> None:
    tokens = [_tok("Tết", 0, "B-MISC"), _tok("vui", 4, "O", "A")]
    assert mentions_from_tokens("title", "Tết vui", tokens) == []


def test_merge_counts_case_insensitively_most_frequent_first() -> None:
    mentions = [
        Mention("content", 0, 3, "Huế", "LOC"),
        Mention("title", 0, 3, "HUẾ", "LOC"),
        Mention("content", 5, 7, "An", "PER"),
    ]
    entities = merge_entities(mentions)
    assert [(e.text, e.type, e.count) for e in entities] == [("Huế", "LOC", 2), ("An", "PER", 1)]


def _mention(text: str, source: str, etype: str, field: str = "content") -> Mention:
    start = source.index(text)
    m = _trimmed(field, source, start, start + len(text), etype)  # type: ignore[arg-type]
    assert m is not None
    return m


def test_titles_and_kinds_of_place_are_not_part_of_a_name() -> None:
    assert name_of("Tổng Thư ký Ban Kim Lân", "PER") == "Ban Kim Lân"
    assert name_of("ông  Trần Văn Bình", "PER") == "Trần Văn Bình"
    assert name_of("thủ đô Viêng Chăn", "LOC") == "Viêng Chăn"
    assert name_of("thành phố Hà Nội", "LOC") == "Hà Nội"
    # "Bà Rịa" is a place, not "bà" + a name: what follows a title must be a name.
    assert name_of("tỉnh Bà Rịa", "LOC") == "Bà Rịa"
    assert name_of("Bà Rịa", "LOC") == "Bà Rịa"
    assert name_of("ông", "PER") == "ông"
    # Capitalised, a kind of place is part of the name; lower case, it is not.
    assert name_of("Cầu Giấy", "LOC") == "Cầu Giấy"
    assert name_of("cầu Long Biên", "LOC") == "Long Biên"
    assert name_of("Tỉnh Nghệ An", "LOC") == "Nghệ An"
    # Organisations keep their words: "Thành phố" is part of "Ủy ban nhân dân Thành phố".
    assert name_of("Ủy ban nhân dân Thành phố", "ORG") == "Ủy ban nhân dân Thành phố"
    # Mentions keep the tagged span (the gold data tags "huyện X" as a place);
    # the entities readers facet on keep the name.
    text = "Lũ ở thành phố Hà Nội và thủ đô Viêng Chăn."
    mentions = [
        _mention("thành phố Hà Nội", text, "LOC"),
        _mention("thủ đô Viêng Chăn", text, "LOC"),
    ]
    assert mentions[0].text == "thành phố Hà Nội"
    assert {e.text for e in merge_entities(mentions, text)} == {"Hà Nội", "Viêng Chăn"}


def test_a_title_and_person_run_into_an_organisation_are_split_apart() -> None:
    text = "Bộ trưởng Ngoại giao Phạm Bình Minh và Giám đốc Sở Y tế đã họp."
    start = text.index("Bộ trưởng")
    tokens = [
        Token(start, start + len("Bộ trưởng Ngoại giao Phạm Bình Minh"), "x", "X", "B-ORG"),
        Token(text.index("Giám đốc"), text.index(" đã"), "x", "X", "B-ORG"),
    ]
    mentions = mentions_from_tokens("content", text, tokens)
    assert [(m.text, m.type) for m in mentions] == [
        ("Ngoại giao", "ORG"),
        ("Phạm Bình Minh", "PER"),
        ("Sở Y tế", "ORG"),
    ]
    assert all(text[m.start : m.end] == m.text for m in mentions)
    # An organisation named after a person, with no title before it, stays whole.
    school = "Trường Lê Hồng Phong"
    (whole,) = mentions_from_tokens("content", school, [Token(0, len(school), "x", "X", "B-ORG")])
    assert (whole.text, whole.type) == (school, "ORG")


@pytest.mark.parametrize(
    ("text", "tagged", "expected"),
    [
        # The title just before the organisation counts too.
        (
            "Bộ trưởng Bộ Thuỷ sản Tạ Quang Ngọc phát biểu.",
            "Bộ Thuỷ sản Tạ Quang Ngọc",
            [("Bộ Thuỷ sản", "ORG"), ("Tạ Quang Ngọc", "PER")],
        ),
        # A known organisation or country, then a foreign name holding the title there.
        (
            "Tổng Thư ký Liên Hợp Quốc António Guterres phát biểu.",
            "Liên Hợp Quốc António Guterres",
            [("Liên Hợp Quốc", "ORG"), ("António Guterres", "PER")],
        ),
    ],
)
def test_a_person_after_a_title_and_an_organisation_is_split_off(
    text: str, tagged: str, expected: list[tuple[str, str]]
) -> None:
    start = text.index(tagged)
    tokens = [Token(start, start + len(tagged), "x", "X", "B-ORG")]
    assert [(m.text, m.type) for m in mentions_from_tokens("content", text, tokens)] == expected


def test_short_forms_merge_into_the_one_full_name() -> None:
    text = "Ông Anders Fogh Rasmussen nói. Rasmussen cười. Chị Lê Thị Hoa và anh Phạm Văn Hoa."
    mentions = [
        _mention("Anders Fogh Rasmussen", text, "PER"),
        Mention("content", 31, 40, "Rasmussen", "PER"),
        _mention("Lê Thị Hoa", text, "PER"),
        _mention("Phạm Văn Hoa", text, "PER"),
        Mention("title", 0, 3, "Hoa", "PER"),
    ]
    entities = {e.text: e for e in merge_entities(mentions, text)}
    assert entities["Anders Fogh Rasmussen"].count == 2
    assert entities["Anders Fogh Rasmussen"].aliases == ("Rasmussen",)
    # Two full names end in "Hoa": the short form is ambiguous and stays apart.
    assert entities["Hoa"].count == 1
    assert entities["Lê Thị Hoa"].aliases == ()


def test_a_foreign_family_name_first_is_a_short_form_but_a_vietnamese_surname_is_not() -> None:
    text = "Cậu bé Kamimura Ryo học ở Nagasaki. Kamimura vui. Trần Văn Nam và Trần cùng đi."
    mentions = [
        _mention("Kamimura Ryo", text, "PER"),
        Mention("content", 36, 44, "Kamimura", "PER"),
        _mention("Trần Văn Nam", text, "PER"),
        Mention("content", 66, 70, "Trần", "PER"),
    ]
    assert text[36:44] == "Kamimura" and text[66:70] == "Trần"
    entities = {e.text: e for e in merge_entities(mentions, text)}
    assert entities["Kamimura Ryo"].aliases == ("Kamimura",)
    assert entities["Trần Văn Nam"].aliases == ()  # "Trần" alone could be any Trần


def test_an_acronym_defined_in_brackets_links_to_its_expansion() -> None:
    text = "Hội đồng Dân tộc chuyển tiếp (NTC) họp. NTC cho biết sẽ họp tiếp. Ở đây (OK) thôi."
    mentions = [
        _mention("Hội đồng Dân tộc chuyển tiếp", text, "ORG"),
        Mention("content", 41, 44, "NTC", "PER"),  # a tagger's wrong type
    ]
    (entity,) = merge_entities(mentions, text)
    assert (entity.text, entity.type, entity.count, entity.aliases) == (
        "Hội đồng Dân tộc chuyển tiếp",
        "ORG",
        2,
        ("NTC",),
    )


def test_a_short_name_in_brackets_is_an_alias_but_a_place_is_not() -> None:
    text = "Ngân hàng Ngoại thương (Vietcombank) và Sở Y tế (TP.HCM) họp. Vietcombank nói."
    mentions = [
        _mention("Ngân hàng Ngoại thương", text, "ORG"),
        _mention("Sở Y tế", text, "ORG"),
        _mention("TP.HCM", text, "LOC"),
        Mention("content", text.rindex("Vietcombank"), len(text) - 5, "Vietcombank", "ORG"),
    ]
    entities = {e.text: e for e in merge_entities(mentions, text)}
    # The bank is listed under its short name, which is canonical; the expansion is an alias.
    assert entities["Vietcombank"].aliases == ("Ngân hàng Ngoại thương",)
    assert entities["Vietcombank"].count == 2
    assert entities["Sở Y tế"].aliases == ()
    assert "TP.HCM" in entities


def test_a_piece_of_a_title_is_not_a_person() -> None:
    text = "Ông Lê Văn Tám, Phó Tổng giám đốc, cho biết."
    tokens = [
        Token(text.index("Lê"), text.index(","), "x", "X", "B-PER"),
        Token(text.index("Phó"), text.index("Tổng") + 4, "x", "X", "B-PER"),
    ]
    mentions = mentions_from_tokens("content", text, tokens)
    assert [m.text for m in mentions] == ["Lê Văn Tám"]


def test_a_name_ending_in_an_initial_keeps_its_full_stop() -> None:
    text = "Anh Nguyễn Văn T. kể lại."
    assert _mention("Nguyễn Văn T.", text, "PER").text == "Nguyễn Văn T."


def _tagged(text: str, *spans: tuple[str, str]) -> list[Token]:
    tokens = []
    for piece, label in spans:
        start = text.index(piece)
        tokens.append(Token(start, start + len(piece), "x", "X", f"B-{label}"))
    return tokens


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        # The place an organisation serves, cut off by the tagger, is taken back.
        (
            "Công ty Thương mại Bình Phước vừa khai trương.",
            [("Công ty Thương mại", "ORG"), ("Bình Phước", "LOC")],
            [("Công ty Thương mại Bình Phước", "ORG")],
        ),
        (
            "UBND tỉnh Quảng Nam đã họp.",
            [("UBND", "ORG"), ("Quảng Nam", "LOC")],
            [("UBND tỉnh Quảng Nam", "ORG")],
        ),
        # A ministry and then a country are two entities (VLSP: "Bộ Giáo dục | Lào").
        (
            "Bộ Giáo dục Lào cử đoàn sang.",
            [("Bộ Giáo dục", "ORG"), ("Lào", "LOC")],
            [("Bộ Giáo dục", "ORG"), ("Lào", "LOC")],
        ),
        # A word between them, or an organisation with no such head: left alone.
        (
            "Công ty Thương mại tại Bình Phước vừa khai trương.",
            [("Công ty Thương mại", "ORG"), ("Bình Phước", "LOC")],
            [("Công ty Thương mại", "ORG"), ("Bình Phước", "LOC")],
        ),
        (
            "JICA Nhật Bản tài trợ.",
            [("JICA", "ORG"), ("Nhật Bản", "LOC")],
            [("JICA", "ORG"), ("Nhật Bản", "LOC")],
        ),
    ],
)
def test_an_organisation_takes_back_the_place_it_serves(
    text: str, spans: list[tuple[str, str]], expected: list[tuple[str, str]]
) -> None:
    mentions = mentions_from_tokens("content", text, _tagged(text, *spans))
    assert [(m.text, m.type) for m in mentions] == expected
    assert all(text[m.start : m.end] == m.text for m in mentions)


def test_one_name_takes_the_type_most_of_its_mentions_have() -> None:
    # A made-up name, in no list of the lexicon: only the vote can type it.
    text = "Phong Vân thắng. Phong Vân thua. Phong Vân hòa. Mai Anh gặp Mai Anh."
    spans = [(m.start(), m.end()) for m in re.finditer("Phong Vân", text)]
    labels = ["ORG", "PER", "ORG"]
    tokens = [Token(a, b, "x", "X", f"B-{t}") for (a, b), t in zip(spans, labels, strict=True)]
    # A tie is left as it is: "Mai Anh" once PER, once LOC.
    ties = [(m.start(), m.end()) for m in re.finditer("Mai Anh", text)]
    tokens += [
        Token(a, b, "x", "X", f"B-{t}") for (a, b), t in zip(ties, ["PER", "LOC"], strict=True)
    ]
    typed = [(m.text, m.type) for m in mentions_from_tokens("content", text, tokens)]
    assert typed == [
        ("Phong Vân", "ORG"),
        ("Phong Vân", "ORG"),
        ("Phong Vân", "ORG"),
        ("Mai Anh", "PER"),
        ("Mai Anh", "LOC"),
    ]
