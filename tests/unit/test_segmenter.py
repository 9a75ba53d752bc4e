"""The search word segmenter: dictionary words, names, breaks and limits."""

from __future__ import annotations

from pathlib import Path

from nlp.segmenter import WordModel, WordSegmenter, count_words

_MODEL = WordModel(
    frozenset({"bệnh viện", "hà nội", "thủ tướng", "y tế", "học sinh", "sinh học", "bộ y"}),
    {"bệnh viện": 40, "học sinh": 30, "sinh học": 5, "học": 50, "sinh": 10, "y tế": 20},
)


def _segment(text: str) -> str:
    return WordSegmenter(_MODEL).segment(text)


def test_dictionary_words_are_joined_and_names_kept_whole() -> None:
    assert _segment("Thủ tướng Nguyễn Xuân Phúc thăm bệnh viện ở Hà Nội") == (
        "Thủ_tướng Nguyễn_Xuân_Phúc thăm bệnh_viện ở Hà_Nội"
    )


def test_the_more_probable_cut_wins() -> None:
    # "học sinh học" is "học_sinh học" (learner + study), counts decide.
    assert _segment("học sinh học") == "học_sinh học"
    # A capitalised run that is two words by the counts is cut as words.
    assert _segment("Bộ Y tế") == "Bộ Y_tế"


def test_punctuation_and_numbers_break_words() -> None:
    assert _segment("bệnh, viện 2024 hà-nội") == "bệnh viện hà nội"


def test_text_past_the_limit_stays_as_it_is() -> None:
    segmenter = WordSegmenter(_MODEL, max_chars=12)
    assert segmenter.segment("bệnh viện ở bệnh viện") == "bệnh_viện ở bệnh viện"


def test_model_is_loaded_once_on_first_use() -> None:
    calls: list[int] = []

    def loader() -> WordModel:
        calls.append(1)
        return _MODEL

    segmenter = WordSegmenter(loader=loader)
    assert calls == []
    segmenter.segment("học sinh")
    segmenter.segment("bệnh viện")
    assert calls == [1]


def test_counts_come_from_the_words_of_a_conll_file(tmp_path: Path) -> None:
    gold = tmp_path / "g.conll"
    gold.write_text(
        "# doc 1\nBệnh_viện\tN\nở\tE\nHà_Nội\tNp\n,\tCH\n2024\tM\n\nbệnh_viện\tN\n",
        encoding="utf-8",
    )
    assert count_words([gold]) == {"bệnh viện": 2, "hà nội": 1, "ở": 1}


def test_a_long_capitalised_run_is_not_one_name() -> None:
    words = _segment("BỆNH VIỆN LỚN NHẤT MIỀN BẮC VIỆT NAM").split()
    assert all(w.count("_") < 5 for w in words)
    # A text all in capitals: many runs, each cut (and in linear time).
    assert len(_segment("ĐÀ NẴNG " * 5000).split()) >= 2000


def _words_as_first_written(model: WordModel, syllables: list[str]) -> list[str]:
    """``words_of`` as first written: every length tried, (cost, end) tuples compared."""
    from nlp.segmenter import _CAPITALISED, _MAX_NAME_COST, MAX_NAME_SYLLABLES, MAX_WORD_SYLLABLES

    unseen = model.cost("_")
    n = len(syllables)
    lower = [s.lower() for s in syllables]
    caps = [s[:1].isupper() and bool(_CAPITALISED.match(s)) for s in syllables]
    best: list[tuple[float, int]] = [(0.0, n)] * (n + 1)
    run_end = [0] * (n + 1)
    for i in range(n - 1, -1, -1):
        word = lower[i]
        choice = (best[i + 1][0] + model.costs.get(word, unseen), i + 1)
        for end in range(i + 2, min(n, i + MAX_WORD_SYLLABLES) + 1):
            word = f"{word} {lower[end - 1]}"
            cost = model.costs.get(word)
            if cost is not None and (best[end][0] + cost, end) < choice:
                choice = (best[end][0] + cost, end)
        if caps[i]:
            run_end[i] = run_end[i + 1] if caps[i + 1 : i + 2] == [True] else i + 1
            end = run_end[i]
            if 2 <= end - i <= MAX_NAME_SYLLABLES:
                name_cost = min(model.cost(" ".join(lower[i:end])), _MAX_NAME_COST)
                choice = min(choice, (best[end][0] + name_cost, end))
        best[i] = choice
    out, i = [], 0
    while i < n:
        end = best[i][1]
        out.append(syllables[i] if end == i + 1 else "_".join(syllables[i:end]))
        i = end
    return out


def test_prefixes_are_the_starts_of_longer_words() -> None:
    model = WordModel(frozenset({"câu lạc bộ", "câu cá"}), {"lạc bộ": 2, "bộ": 9})
    assert model.prefixes == {"câu", "câu lạc", "lạc"}


def test_words_are_cut_as_by_trying_every_length() -> None:
    """Invented text against the small model, one made of ties, and the packaged one."""
    from nlp.segmenter import load_word_model

    texts = [
        "Thủ tướng Nguyễn Xuân Phúc thăm bệnh viện ở Hà Nội; học sinh học y tế.",
        "câu lạc bộ bóng đá Sông Lam Nghệ An thắng trận thứ ba liên tiếp trên sân nhà",
        "Bộ Y tế và Sở Giáo dục và Đào tạo thành phố Hồ Chí Minh họp bàn về học phí",
        "một hai ba bốn năm sáu bảy tám chín mười, A B C D E F",
    ]
    # Every word and name costs the same: only the tie-breaking decides.
    ties = WordModel(frozenset({"hai ba", "ba bốn", "bốn năm", "a b"}), {"khác": 1000})
    texts.append("hai ba bốn năm hai ba bốn. Hai Ba Bốn Năm a b c Hai Ba")
    for model in (_MODEL, ties, load_word_model()):
        segmenter = WordSegmenter(model)
        for text in texts:
            for run in text.replace(",", " ").replace(";", " ").split("."):
                syllables = run.split()
                assert segmenter.words_of(syllables) == _words_as_first_written(model, syllables)
