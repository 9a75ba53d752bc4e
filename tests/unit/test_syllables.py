"""Syllables made with ``tuple.__new__`` are the named tuples the class call makes."""

from __future__ import annotations

from nlp.ner.tokenize import _SYLLABLE, Syllable, syllables


def test_syllables_are_the_named_tuples_of_the_class_call() -> None:
    text = "Ông Trần Văn Khải (TP.HCM) nói: giá tăng 3,5% từ 1.000 đồng; J. Smith đến."
    made = syllables(text)
    assert made == [Syllable(m.start(), m.end(), m.group()) for m in _SYLLABLE.finditer(text)]
    assert all(type(s) is Syllable for s in made)
    assert made[1].text == "Trần" and (made[1].start, made[1].end) == (4, 8)
    assert syllables("") == []
