"""The enricher over a fake analyzer: fields, offsets, language and hostile input."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest

from config import EnrichmentSettings
from nlp import Enricher
from nlp.segmenter import WordModel, WordSegmenter
from streams import PIPELINE_VERSION
from streams.errors import EnrichmentError, InvalidArticle
from streams.records import EnrichedArticle, RawArticle
from tests.unit.fakes import DictionaryAnalyzer

NAMES = {"Nguyễn Văn An": "PER", "Đà Nẵng": "LOC", "Bộ Y tế": "ORG"}


_WORDS = WordModel(frozenset({"bộ y tế", "làm việc", "cho biết", "hỗ trợ"}), {"tại": 10_000})


def _enricher(analyzer: object | None = None) -> Enricher:
    return Enricher(
        analyzer or DictionaryAnalyzer(NAMES),  # type: ignore[arg-type]
        EnrichmentSettings(),
        segmenter=WordSegmenter(_WORDS),
        clock=lambda: datetime(2026, 1, 2, tzinfo=UTC),
    )


def _raw(**fields: object) -> RawArticle:
    data: dict[str, object] = {
        "title": "Bộ Y tế làm việc tại Đà Nẵng",
        "content": "Ông Nguyễn Văn An cho biết Bộ Y tế sẽ hỗ trợ Đà Nẵng.\nĐà Nẵng cảm ơn.",
    }
    data.update(fields)
    return RawArticle.from_mapping(data)


def test_entities_mentions_and_facets() -> None:
    out = _enricher().enrich(_raw(category="suc-khoe", source="S"))
    assert out.persons == ("Nguyễn Văn An",)
    assert out.locations == ("Đà Nẵng",)
    assert out.organizations == ("Bộ Y tế",)
    counts = {(e.text, e.type): e.count for e in out.entities}
    assert counts == {("Đà Nẵng", "LOC"): 3, ("Bộ Y tế", "ORG"): 2, ("Nguyễn Văn An", "PER"): 1}
    for m in out.mentions:
        field = out.title if m.field == "title" else out.content
        assert field[m.start : m.end] == m.text
    assert out.category is not None
    assert (out.category.label, out.category.source) == ("suc-khoe", "publisher")
    assert out.sentiment is None
    assert out.language == "vi"
    assert out.enriched_at == "2026-01-02T00:00:00+00:00"
    assert out.pipeline_version == PIPELINE_VERSION
    assert out.word_count == len(out.content.split())


def test_offsets_point_into_the_nfc_cleaned_text() -> None:
    nfd = unicodedata.normalize("NFD", "<p>Ông Nguyễn Văn An &amp; Đà Nẵng</p>")
    out = _enricher().enrich(_raw(content=nfd))
    assert out.content == "Ông Nguyễn Văn An & Đà Nẵng"
    content_mentions = [m for m in out.mentions if m.field == "content"]
    assert [out.content[m.start : m.end] for m in content_mentions] == ["Nguyễn Văn An", "Đà Nẵng"]


def test_non_vietnamese_skips_the_nlp() -> None:
    analyzer = DictionaryAnalyzer(NAMES)
    out = _enricher(analyzer).enrich(_raw(title="Storm hits Manila", content="Heavy rain."))
    assert out.language == "und"
    assert analyzer.calls == 0
    assert out.entities == ()


def test_given_language_is_kept() -> None:
    out = _enricher().enrich(_raw(language="EN"))
    assert out.language == "en"


def test_fields_kibana_and_the_pages_show_lose_markup_and_control_characters() -> None:
    out = _enricher().enrich(
        _raw(
            author='<img src=x onerror="alert(1)">Lê\u0000 Hoa',
            source="<script>alert(1)</script>Báo Mẫu",
            category="<b>Thời sự</b>",
            tags=["<svg onload=alert(1)>", "mưa\u200b lũ"],
        )
    )
    assert (out.author, out.source) == ("Lê Hoa", "Báo Mẫu")
    assert out.category is not None and out.category.label == "Thời sự"
    assert out.tags == ("mưa lũ",)  # a tag of markup only is no tag


def test_markup_only_content_is_invalid() -> None:
    with pytest.raises(InvalidArticle, match="no text once HTML is removed"):
        _enricher().enrich(_raw(content="<script>x()</script>"))


def test_analyzer_failure_is_an_enrichment_error() -> None:
    class Broken:
        def analyze(self, text: str) -> list[object]:
            raise MemoryError("boom")

    with pytest.raises(EnrichmentError, match="MemoryError: boom"):
        _enricher(Broken()).enrich(_raw())


@pytest.mark.parametrize(
    "content",
    [
        "x" * 100_000,
        "Đà Nẵng " * 300_000,
        "\x00\x01\x02 Đà Nẵng \x1f",
        "😀🎉 Đà Nẵng 中文 русский",
    ],
)
def test_hostile_content_does_not_crash(content: str) -> None:
    out = _enricher().enrich(_raw(content=content))
    assert out.id
    for m in out.mentions:
        field = out.title if m.field == "title" else out.content
        assert field[m.start : m.end] == m.text


def test_title_and_content_are_cut_into_words_for_the_word_fields() -> None:
    article = _enricher().enrich(_raw())
    assert article.title_words == "Bộ_Y_tế làm_việc tại Đà_Nẵng"
    assert article.content_words.startswith("Ông_Nguyễn_Văn_An cho_biết Bộ_Y_tế sẽ hỗ_trợ Đà_Nẵng")
    # The indexer reads them back from the message as they were written.
    decoded, fields = EnrichedArticle.decode(article.to_bytes())
    assert decoded == article
    assert fields["title_words"] == article.title_words


def test_a_dateline_glued_to_the_lead_is_split_off() -> None:
    # As scraped pages often give it: the dateline "Đà Nẵng" runs into the lead.
    out = _enricher().enrich(_raw(content="Đà NẵngÔng Nguyễn Văn An cho biết hôm qua."))
    assert out.content == "Đà Nẵng\nÔng Nguyễn Văn An cho biết hôm qua."
    assert out.locations == ("Đà Nẵng",)
    assert out.persons == ("Nguyễn Văn An",)
