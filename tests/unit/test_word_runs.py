"""``word_runs`` finds a one-syllable word where it starts, and gives the runs that
walking every word syllable by syllable gives; ``_phrases`` grows its keys a word at
a time and gives the phrases that joining every window gives."""

from __future__ import annotations

import re
from collections.abc import Iterator

from nlp.keywords import (
    _SAME_PHRASE,
    _SENTENCE_BREAK,
    MAX_PHRASE_WORDS,
    _end_of,
    _phrases,
    _Word,
    is_stop,
    word_runs,
)
from nlp.segmenter import WordModel, WordSegmenter

_SEGMENTER = WordSegmenter(
    WordModel(frozenset({"câu lạc bộ", "cầu thủ", "thành phố", "hợp đồng"}), {"cầu thủ": 5})
)

# Invented text: sentence breaks, brackets, an acronym, numbers, a cut-off end.
TEXTS = [
    "Câu lạc bộ Sông Lam ký hợp đồng với cầu thủ trẻ. HLV nói: đội sẽ thắng!",
    "Theo NATO (Bắc Đại Tây Dương), 3 cầu thủ và 12 người ở thành phố Vinh; ông A. nói",
    "một - hai, ba / bốn ... năm",
    "",
]


def _runs_syllable_by_syllable(text: str, segmented: str) -> Iterator[list[_Word]]:
    """``word_runs`` as first written: every word walked syllable by syllable."""
    position = previous_end = 0
    run: list[_Word] = []
    for token in segmented.split():
        syllables = token.split("_")
        start = text.find(syllables[0], position)
        end = _end_of(syllables, text, start)
        if end < 0:
            break
        gap = text[previous_end:start]
        plain = gap == " "
        if run and not plain and not _SAME_PHRASE.fullmatch(gap):
            yield run
            run = []
        surface = " ".join(syllables)
        capitalised = all(s[:1].isupper() for s in syllables)
        sentence_start = previous_end == 0 or (not plain and bool(_SENTENCE_BREAK.search(gap)))
        if sentence_start and capitalised and len(surface) > 1 and surface.isupper():
            sentence_start = False
        run.append(_Word(surface, surface.lower(), capitalised, sentence_start))
        position = previous_end = end
    if run:
        yield run


def test_word_runs_equal_walking_every_syllable() -> None:
    for text in TEXTS:
        segmented = _SEGMENTER.segment(text)
        for cut in (segmented, segmented[: len(segmented) // 2], re.sub(r"\S+$", "xyz", segmented)):
            assert list(word_runs(text, cut)) == list(_runs_syllable_by_syllable(text, cut))


def test_a_run_ends_at_punctuation_and_words_keep_their_syllables() -> None:
    runs = list(word_runs(TEXTS[0], _SEGMENTER.segment(TEXTS[0])))
    assert [w.surface for w in runs[0]][:3] == ["Câu lạc bộ", "Sông", "Lam"]
    assert runs[0][0].sentence_start and not runs[0][1].sentence_start
    assert any(w.surface == "HLV" and not w.sentence_start for run in runs for w in run)


def _phrases_joined(run: list[_Word]) -> Iterator[tuple[str, list[_Word]]]:
    """``_phrases`` as first written: every window joined again."""
    for i in range(len(run)):
        for n in range(1, MAX_PHRASE_WORDS + 1):
            words = run[i : i + n]
            if len(words) < n or is_stop(words[-1].key):
                break
            yield " ".join(w.key for w in words), words


def test_phrases_equal_joining_every_window() -> None:
    long_run = "Câu lạc bộ Sông Lam Xanh Nghệ An ký hợp đồng cầu thủ trẻ Trần Minh Khoa"
    for text in [*TEXTS, long_run, "và của những"]:
        for run in word_runs(text, _SEGMENTER.segment(text)):
            assert list(_phrases(run)) == list(_phrases_joined(run))
    assert list(_phrases([])) == []
