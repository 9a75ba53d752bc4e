"""Topic and sentiment over stand-in classifiers; the document-level tone rules."""

from __future__ import annotations

from datetime import UTC, datetime

from config import EnrichmentSettings
from streams.enrichment import Enricher
from streams.enrichment.classifiers import SentimentScorer, TopicClassifier
from streams.records import RawArticle
from tests.unit.fakes import DictionaryAnalyzer


class KeywordClassifier:
    """Labels a sentence by the first cue word it contains."""

    def __init__(self, cues: dict[str, str], default: str = "neutral") -> None:
        self.cues = cues
        self.default = default
        self.seen: list[str] = []

    def predict_with_score(self, text: str) -> tuple[str, float]:
        self.seen.append(text)
        for cue, label in self.cues.items():
            if cue in text.lower():
                return label, 0.9
        return self.default, 0.6


SENTIMENT_CUES = {"lũ": "negative", "thiệt hại": "negative", "cảm ơn": "positive"}


def test_a_flood_report_quoting_thanks_stays_negative() -> None:
    scorer = SentimentScorer(KeywordClassifier(SENTIMENT_CUES))
    label = scorer.score(
        "Lũ cuốn trôi nhà cửa",
        'Nước lũ dâng cao trong đêm. Thiệt hại rất lớn. "Chúng tôi cảm ơn bộ đội", '
        'một người nói. "Xin cảm ơn", người khác nói. Cảm ơn các nhà hảo tâm.',
    )
    assert label.label == "negative"
    assert -1.0 <= label.score < -0.2


def test_good_news_is_positive_and_plain_news_neutral() -> None:
    scorer = SentimentScorer(
        KeywordClassifier({"vô địch": "positive", "kỷ lục": "positive"}, default="neutral")
    )
    good = scorer.score("Đội tuyển vô địch", "Đội tuyển vô địch. Lập kỷ lục mới.")
    assert (good.label, good.source) == ("positive", "model")
    assert 0.2 <= good.score <= 1.0
    plain = scorer.score("Lịch họp", "Cuộc họp diễn ra lúc 9 giờ. Địa điểm ở hội trường.")
    assert plain.label == "neutral"
    assert plain.score == 0.0


def test_sentiment_reads_a_bounded_number_of_sentences() -> None:
    classifier = KeywordClassifier({})
    SentimentScorer(classifier).score("Tiêu đề", "Câu. " * 500)
    assert len(classifier.seen) == SentimentScorer.MAX_SENTENCES + 1


def test_topic_reads_title_and_opening() -> None:
    classifier = KeywordClassifier({"bóng đá": "the-thao"}, default="doi-song")
    label = TopicClassifier(classifier).classify("Trận bóng đá", "x" * 10_000)
    assert (label.label, label.source) == ("the-thao", "model")
    assert len(classifier.seen[0]) == len("Trận bóng đá\n") + TopicClassifier.MAX_CHARS


def _enricher() -> Enricher:
    return Enricher(
        DictionaryAnalyzer({}),
        EnrichmentSettings(),
        topics=TopicClassifier(KeywordClassifier({"bóng": "the-thao"})),
        sentiment=SentimentScorer(KeywordClassifier(SENTIMENT_CUES)),
        clock=lambda: datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_the_publishers_category_wins_and_the_model_fills_the_gap() -> None:
    given = RawArticle.from_mapping(
        {"title": "Trận bóng", "content": "Một trận bóng hay.", "category": "van-hoa"}
    )
    out = _enricher().enrich(given)
    assert out.category is not None
    assert (out.category.label, out.category.source) == ("van-hoa", "publisher")
    missing = RawArticle.from_mapping({"title": "Trận bóng", "content": "Một trận bóng hay."})
    out = _enricher().enrich(missing)
    assert out.category is not None
    assert (out.category.label, out.category.source) == ("the-thao", "model")
    assert out.sentiment is not None and out.sentiment.label == "neutral"


def test_non_vietnamese_articles_get_no_vietnamese_labels() -> None:
    raw = RawArticle.from_mapping({"title": "Flood in the north", "content": "Heavy rain fell."})
    out = _enricher().enrich(raw)
    assert out.language != "vi"
    assert out.category is None and out.sentiment is None
