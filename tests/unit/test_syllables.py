"""Syllables made with ``tuple.__new__`` are the named tuples the class call makes;
sentences found by searching for line breaks are those found by slicing for them."""

from __future__ import annotations

from nlp.ner.tokenize import (
    _SENTENCE_END,
    _SYLLABLE,
    MAX_SENTENCE_SYLLABLES,
    Syllable,
    sentences,
    syllables,
)


def test_syllables_are_the_named_tuples_of_the_class_call() -> None:
    text = "Ông Trần Văn Khải (TP.HCM) nói: giá tăng 3,5% từ 1.000 đồng; J. Smith đến."
    made = syllables(text)
    assert made == [Syllable(m.start(), m.end(), m.group()) for m in _SYLLABLE.finditer(text)]
    assert all(type(s) is Syllable for s in made)
    assert made[1].text == "Trần" and (made[1].start, made[1].end) == (4, 8)
    assert syllables("") == []


def _sentences_by_slicing(text: str) -> list[list[Syllable]]:
    """``sentences`` as first written: the text between two syllables sliced and tested."""
    out: list[list[Syllable]] = []
    current: list[Syllable] = []
    for token in syllables(text):
        if current and "\n" in text[current[-1].end : token.start]:
            out.append(current)
            current = []
        current.append(token)
        if token.text in _SENTENCE_END or len(current) >= MAX_SENTENCE_SYLLABLES:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def test_sentences_equal_slicing_for_line_breaks() -> None:
    texts = [
        "Tiêu đề không dấu chấm\nĐoạn một. Đoạn hai!\n\nĐoạn ba…\r\nTP. Hà Nội, ông J. Smith",
        "dòng một\n  dòng hai \n. \n",
        "chữ " * (2 * MAX_SENTENCE_SYLLABLES + 5),
        "",
        "\n\n",
    ]
    for text in texts:
        assert sentences(text) == _sentences_by_slicing(text)
    assert [len(s) for s in sentences(texts[2])] == [200, 200, 5]
