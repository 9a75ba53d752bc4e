"""The seed article (issue 13): its facets, exactly, whatever its title.

The article is read from the shared data by path (TINSTREAM_SHARED_DATA, default
../shared/data); its text is never copied into the repository.
"""

from __future__ import annotations

import pytest

from config import DataSettings, EnrichmentSettings
from nlp import Enricher
from streams.records import RawArticle

SEED = DataSettings().data / "seed"
EXPECTED = {
    ("ORG", "NATO", ("Tổ chức Hiệp ước quân sự Bắc Đại Tây Dương",)),
    ("ORG", "Hội đồng Dân tộc chuyển tiếp Libya", ("NTC",)),
    ("ORG", "Liên hợp quốc", ()),
    ("LOC", "Libya", ()),
    ("LOC", "Tripoli", ()),
    ("LOC", "Sirte", ()),
    ("LOC", "Đức", ()),
    ("PER", "Anders Fox Rasmussen", ("Rasmussen",)),
    ("PER", "Muammar Gaddafi", ("Gaddafi",)),
    ("PER", "Mustafa Abdel Jalil", ("Jalil",)),
}


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher.with_models(EnrichmentSettings())


@pytest.mark.parametrize(
    "title",
    ["Tin thế giới", "NATO kết thúc sứ mệnh tại Libya", "Tổng Thư ký NATO thăm Tripoli"],
)
def test_the_seed_article_has_exactly_its_facets(enricher: Enricher, title: str) -> None:
    content = (SEED / "000_c0ec28f4a64c593e.txt").read_text(encoding="utf-8")
    article = enricher.enrich(
        RawArticle.from_mapping({"id": "seed", "title": title, "content": content})
    )
    facets = {(e.type, e.text, e.aliases) for e in article.entities}
    assert facets == EXPECTED
    nato = next(e for e in article.entities if e.text == "NATO")
    assert nato.count >= 15  # every "NATO", and its expansion, counted for it
    assert set(article.organizations) == {
        "NATO",
        "Hội đồng Dân tộc chuyển tiếp Libya",
        "Liên hợp quốc",
    }
