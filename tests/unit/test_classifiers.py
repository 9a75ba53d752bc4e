"""Topic over a stand-in classifier; the enricher with stand-in topic and tone models."""

from __future__ import annotations

from datetime import UTC, datetime

from config import EnrichmentSettings
from nlp import Enricher
from nlp.classifiers import TopicClassifier
from nlp.tone import ToneScorer
from streams.records import RawArticle
from tests.unit.fakes import DictionaryAnalyzer
from tests.unit.test_tone import _hand_model


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
        sentiment=ToneScorer(_hand_model()),
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
    good = _enricher().enrich(RawArticle.from_mapping({"title": "Tin tốt", "content": "Rất tốt."}))
    assert good.sentiment is not None
    assert (good.sentiment.label, good.sentiment.source) == ("positive", "model")
    assert good.sentiment.score > 0.3


def test_non_vietnamese_articles_get_no_vietnamese_labels() -> None:
    raw = RawArticle.from_mapping({"title": "Flood in the north", "content": "Heavy rain fell."})
    out = _enricher().enrich(raw)
    assert out.language != "vi"
    assert out.category is None and out.sentiment is None
