"""The packaged models on text the team wrote: names the stock tagger gets wrong, hostile input."""

from __future__ import annotations

import unicodedata

import pytest

from config import EnrichmentSettings
from nlp import Enricher
from streams.errors import InvalidArticle
from streams.records import EnrichedArticle, RawArticle


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher.with_models(EnrichmentSettings())


def _enrich(enricher: Enricher, title: str, content: str, **extra: object) -> EnrichedArticle:
    return enricher.enrich(RawArticle.from_mapping({"title": title, "content": content, **extra}))


def _names(article: EnrichedArticle) -> set[tuple[str, str]]:
    return {(e.text, e.type) for e in article.entities}


def test_people_organisations_and_places_the_stock_model_confuses(enricher: Enricher) -> None:
    article = _enrich(
        enricher,
        "Thủ tướng Nguyễn Xuân Phúc làm việc với Bộ Y tế",
        "Chiều 12/3, Thủ tướng Nguyễn Xuân Phúc đã làm việc với lãnh đạo Bộ Y tế tại Hà Nội "
        "về công tác phòng chống dịch. Ông Phúc đề nghị Bộ Y tế phối hợp với Tập đoàn Vingroup "
        "và các bệnh viện ở Thành phố Hồ Chí Minh. Trước đó, Tổng Thư ký NATO cũng đã gọi "
        "điện cho Bộ trưởng Ngoại giao Phạm Bình Minh.",
    )
    names = _names(article)
    assert ("Nguyễn Xuân Phúc", "PER") in names
    assert ("Bộ Y tế", "ORG") in names
    assert ("Hà Nội", "LOC") in names
    assert ("Phạm Bình Minh", "PER") in names
    assert {"Vingroup", "Tập đoàn Vingroup"} & set(article.organizations)
    assert "NATO" in article.organizations
    phuc = next(e for e in article.entities if e.text == "Nguyễn Xuân Phúc")
    assert phuc.count >= 3 and "Phúc" in phuc.aliases  # "Ông Phúc" is the same man
    assert "Nguyễn Xuân Phúc" not in article.locations


def test_a_whole_article_gets_topic_sentiment_and_keywords(enricher: Enricher) -> None:
    article = _enrich(
        enricher,
        "Lũ lớn gây ngập nặng ở miền Trung",
        "Mưa lớn kéo dài nhiều ngày khiến nước lũ dâng cao, hàng nghìn ngôi nhà bị ngập sâu. "
        "Lũ quét đã cuốn trôi nhiều tài sản, hai người mất tích. Chính quyền địa phương đã "
        'sơ tán người dân đến nơi an toàn. "Chúng tôi cảm ơn các chiến sĩ", một người dân nói.',
    )
    assert article.category is not None and article.category.source == "model"
    assert article.sentiment is not None
    assert article.sentiment.label == "negative"
    assert -1.0 <= article.sentiment.score <= 1.0
    assert article.keywords and all(k.strip() == k and k for k in article.keywords)


HOSTILE = {
    "two megabytes": "Hà Nội mưa to. " * 140_000,
    "one 100 kB word": "Hà Nội " + "a" * 100_000 + " mưa.",
    "NFD": unicodedata.normalize("NFD", "Ông Nguyễn Văn An ở Đà Nẵng. Bộ Y tế họp."),
    "control characters": "Hà\x00 Nội\x07 \x1b[31m mưa\u200b to\ufeff.",
    "emoji": "Hà Nội 🌧️🌧️ mưa to 😱 quá. 👍🏽",
    "mixed scripts": "Hà Nội и Москва 北京 القاهرة mưa to. Ông Lê Văn Tám.",
    "only punctuation": "... !!! ??? ,,, ---",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_content_never_crashes_enrichment(enricher: Enricher, name: str) -> None:
    content = HOSTILE[name]
    article = _enrich(enricher, "Tin nhanh", content, language="vi")
    assert article.language == "vi"
    for mention in article.mentions:
        text = article.title if mention.field == "title" else article.content
        assert text[mention.start : mention.end] == mention.text


def test_empty_content_is_invalid_not_a_crash(enricher: Enricher) -> None:
    with pytest.raises(InvalidArticle):
        _enrich(enricher, "Tin", "   ")
