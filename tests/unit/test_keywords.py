"""Keywords on whole words: boundaries, multi-syllable words, function words, entities,
ordering, the document-frequency table and the evaluation's matching rule."""

from __future__ import annotations

from nlp.keywords import (
    MIN_DOCUMENT_FREQUENCY,
    STOP_SYLLABLES,
    KeywordExtractor,
    document_frequencies,
    is_stop,
)
from nlp.segmenter import WordModel, WordSegmenter
from training.keyword_evaluation import matches, syllables_of, word_runs

_MODEL = WordModel(
    frozenset(
        {"câu lạc bộ", "hợp đồng", "cầu thủ", "huấn luyện viên", "mùa giải", "sân vận động"}
        | {"thành phố", "cho biết", "kín chỗ", "tiền lương", "bóng đá"}
    ),
    {"câu lạc bộ": 30, "hợp đồng": 30, "cầu thủ": 30, "thành phố": 30, "cho biết": 40},
)

TITLE = "Câu lạc bộ Sông Lam ký hợp đồng với cầu thủ trẻ"
CONTENT = (
    "Câu lạc bộ Sông Lam vừa ký hợp đồng ba năm với cầu thủ Trần Minh Khoa. "
    "Huấn luyện viên của câu lạc bộ cho biết cầu thủ này sẽ ra sân ở mùa giải mới. "
    "Theo hợp đồng, Trần Minh Khoa nhận tiền lương cao nhất câu lạc bộ. "
    "Sân vận động của câu lạc bộ ở thành phố Vinh luôn kín chỗ, "
    "Trần Minh Khoa nói. Mùa giải mới, cầu thủ trẻ được huấn luyện viên cho ra sân nhiều. "
    "Cầu thủ trẻ từng tập với ông Lê Văn Hùng. Hôm qua, ông Lê Văn Hùng khen cầu thủ trẻ."
)

# Document frequencies in a corpus of 1,000 invented articles. The syllable windows
# the old extractor ranked ("lạc bộ", "câu lạc") are frequent here too: they must
# still never come out, as they cut the word "câu lạc bộ".
_FREQUENCIES = {
    "docs": 1000,
    "df": {
        "câu lạc bộ": 60, "lạc bộ": 60, "câu lạc": 60,
        "hợp đồng": 80, "cầu thủ": 90, "cầu thủ trẻ": 20, "trẻ": 300,
        "ký": 200, "ký hợp đồng": 40, "mùa giải": 50, "mùa giải mới": 6,
        "huấn luyện viên": 70, "sân vận động": 30, "thành phố": 400,
        "tiền lương": 40, "kín chỗ": 10, "ra sân": 60, "sân": 100,
        "cao": 500, "nhận": 500, "mới": 600, "ra": 900, "luôn": 600,
    },
}  # fmt: skip


def _extractor() -> KeywordExtractor:
    return KeywordExtractor(frequencies=_FREQUENCIES, segmenter=WordSegmenter(_MODEL))


def test_no_keyword_starts_or_ends_inside_a_word() -> None:
    segmenter = WordSegmenter(_MODEL)
    runs = word_runs(segmenter.segment(TITLE).split()) | word_runs(
        segmenter.segment(CONTENT).split()
    )
    keywords = _extractor().extract(TITLE, CONTENT, limit=30)
    assert len(keywords) >= 6
    for keyword in keywords:
        assert syllables_of(keyword) in runs, keyword


def test_multi_syllable_words_stay_whole() -> None:
    keywords = _extractor().extract(TITLE, CONTENT, limit=30)
    assert "câu lạc bộ" in keywords
    assert "huấn luyện viên" in keywords
    for cut in ("lạc bộ", "câu lạc", "luyện viên", "vận động"):
        assert cut not in keywords


def test_names_keep_their_capitals_and_rank_high() -> None:
    keywords = _extractor().extract(TITLE, CONTENT, limit=5)
    assert "Sông Lam" in keywords
    assert "Trần Minh Khoa" in keywords
    assert "câu lạc bộ" in keywords


def test_function_words_are_never_part_of_a_keyword() -> None:
    keywords = _extractor().extract(TITLE, CONTENT, limit=30)
    for keyword in keywords:
        words = keyword.lower().split()
        assert words[0] not in STOP_SYLLABLES and words[-1] not in STOP_SYLLABLES, keyword
        assert not {"của", "với", "ở", "này", "sẽ"} & set(words), keyword
        assert keyword.lower() != "cho biết"
    assert is_stop("cho biết") and is_stop("tuy nhiên") and is_stop("của")
    assert not is_stop("câu lạc bộ")


def test_phrases_do_not_cross_punctuation() -> None:
    title = "Hợp đồng mới"
    content = "Ký hợp đồng, cầu thủ trẻ. Ký hợp đồng, cầu thủ trẻ."
    keywords = _extractor().extract(title, content, limit=30)
    assert "hợp đồng cầu thủ" not in keywords
    assert "cầu thủ trẻ" in keywords


def test_entities_that_are_not_the_topic_are_demoted() -> None:
    extractor = _extractor()
    plain = extractor.extract(TITLE, CONTENT, limit=30)
    entities = ["Lê Văn Hùng", "Trần Minh Khoa", "Sông Lam", "Vinh"]
    demoted = extractor.extract(TITLE, CONTENT, limit=30, entities=entities)
    # Named twice, not in the title: already a facet, it falls behind.
    assert plain.index("Lê Văn Hùng") < demoted.index("Lê Văn Hùng")
    assert "Lê Văn Hùng" in extractor.extract(TITLE, CONTENT, limit=6)
    assert "Lê Văn Hùng" not in extractor.extract(TITLE, CONTENT, limit=6, entities=entities)
    # In the title, or named again and again: the story's subject keeps its place.
    assert plain.index("Sông Lam") == demoted.index("Sông Lam")
    assert demoted.index("Trần Minh Khoa") <= plain.index("Trần Minh Khoa")


def test_ordering_is_stable_and_reuses_the_callers_segmentation() -> None:
    extractor = _extractor()
    first = extractor.extract(TITLE, CONTENT, limit=10)
    assert extractor.extract(TITLE, CONTENT, limit=10) == first
    segmenter = WordSegmenter(_MODEL)
    given = extractor.extract(
        TITLE,
        CONTENT,
        limit=10,
        title_words=segmenter.segment(TITLE),
        content_words=segmenter.segment(CONTENT),
    )
    assert given == first
    assert extractor.extract(TITLE, CONTENT, limit=0) == []
    # Equal scores fall back to alphabetical order, never to dict or set order.
    tie = {"docs": 100, "df": {"hợp đồng": 10, "cầu thủ": 10}}
    tied = KeywordExtractor(frequencies=tie, segmenter=WordSegmenter(_MODEL))
    assert tied.extract("Hợp đồng, cầu thủ", "hợp đồng; cầu thủ", limit=2) == [
        "cầu thủ",
        "hợp đồng",
    ]


def test_document_frequencies_count_articles_of_whole_words() -> None:
    segmenter = WordSegmenter(_MODEL)
    article = ["Câu lạc bộ ký hợp đồng", "Cầu thủ của câu lạc bộ ký hợp đồng, ra sân."]
    corpus = [[(t, segmenter.segment(t)) for t in article]] * MIN_DOCUMENT_FREQUENCY
    corpus.append([("Một bài khác về cầu thủ", segmenter.segment("Một bài khác về cầu thủ"))])
    table = document_frequencies(corpus)
    df = table["df"]
    assert isinstance(df, dict)
    assert table["docs"] == MIN_DOCUMENT_FREQUENCY + 1
    assert df["câu lạc bộ"] == MIN_DOCUMENT_FREQUENCY  # once per article
    assert df["cầu thủ"] == MIN_DOCUMENT_FREQUENCY + 1
    assert df["ký hợp đồng"] == MIN_DOCUMENT_FREQUENCY
    assert "lạc bộ" not in df and "câu lạc" not in df
    assert "của" not in df and "cầu thủ của" not in df
    assert "hợp đồng ra" not in df  # across a comma
    assert "bài" not in df  # in one article only


def test_matching_rule_keeps_diacritics_and_syllable_boundaries() -> None:
    assert matches("Phương Mai", "Ngô Phương Mai")
    assert matches("eo biển Đài Loan", "Đài Loan")
    assert matches("HÀ NỘI", "Hà Nội")
    assert not matches("ca", "cà phê")
    assert not matches("ai", "hải sản")
    assert not matches("", "Hà Nội")


def test_names_and_acronyms_keep_their_case_mid_sentence() -> None:
    extractor = _extractor()
    title = "Cầu thủ trẻ gặp HLV"
    content = (
        "HLV của Sông Lam gặp cầu thủ trẻ. Theo HLV, cầu thủ trẻ ở Sông Lam tiến bộ. "
        "Cầu thủ trẻ cảm ơn HLV."
    )
    keywords = extractor.extract(title, content, limit=10)
    assert "HLV" in keywords  # an acronym, even where it starts a sentence
    assert "Sông Lam" in keywords
    assert "cầu thủ trẻ" in keywords  # capitalised only where a sentence starts
    assert "theo" not in {k.lower() for k in keywords}


def test_the_packaged_model_keeps_the_words_the_syllable_extractor_cut() -> None:
    # The kind of text where syllable windows gave "lạc bộ", "câu lạc", "bay nội bài",
    # "hát lớn hà", "viện bạch mai" and "quý iii" (an invented article).
    title = "Câu lạc bộ bóng đá Hà Nội đón khách tại sân bay Nội Bài"
    content = (
        "Chiều qua, câu lạc bộ bóng đá Hà Nội ra sân bay Nội Bài đón đội khách. "
        "Ban lãnh đạo câu lạc bộ cho biết doanh thu quý III tăng nhờ bán vé. "
        "Tối nay, đội bóng dự buổi hòa nhạc ở Nhà hát Lớn Hà Nội. "
        "Một cầu thủ của câu lạc bộ đang điều trị tại Bệnh viện Bạch Mai. "
        "Câu lạc bộ cũng thuê xe đưa đón từ sân bay Nội Bài về khách sạn."
    )
    segmenter = WordSegmenter()
    runs = word_runs(segmenter.segment(title).split()) | word_runs(
        segmenter.segment(content).split()
    )
    keywords = KeywordExtractor(segmenter=segmenter).extract(title, content, limit=10)
    assert {"câu lạc bộ", "sân bay Nội Bài"} <= set(keywords)
    for keyword in keywords:
        assert syllables_of(keyword) in runs, keyword
    for cut in ("lạc bộ", "câu lạc", "bay nội bài", "hát lớn hà", "viện bạch mai", "quý iii"):
        assert cut not in {k.lower() for k in keywords}


def test_a_name_seen_only_at_sentence_starts_takes_the_entity_facets_case() -> None:
    extractor = _extractor()
    title = "Sông Lam thắng"
    content = "Sông Lam thắng lớn. Sông Lam vui."
    assert "sông lam" in extractor.extract(title, content, limit=5)
    assert "Sông Lam" in extractor.extract(title, content, limit=5, entities=["Sông Lam"])
