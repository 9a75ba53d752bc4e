"""Token alignment, mentions from BIO tags, merging, keywords."""

from __future__ import annotations

from streams.enrichment.analysis import Token, UndertheseaAnalyzer, _align
from streams.enrichment.entities import mentions_from_tokens, merge_entities
from streams.enrichment.keywords import extract_keywords
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


def test_keywords_prefer_title_nouns_and_drop_stop_words() -> None:
    title = [_tok("Đà Nẵng", 0, "B-LOC"), _tok("cảng", 8, "O", "N")]
    content = [
        _tok("cảng", 0, "O", "N"),
        _tok("người", 5, "O", "N"),
        _tok("ngày", 11, "O", "N"),
        _tok("2026", 16, "O", "M"),
        _tok("vốn", 21, "O", "N"),
        _tok("chạy", 25, "O", "V"),
    ]
    assert extract_keywords(title, content, limit=3) == ["cảng", "Đà Nẵng", "vốn"]
    assert extract_keywords(title, content, limit=0) == []
