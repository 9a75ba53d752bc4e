"""The facet layer after the tagger: lexicon-repaired spans and one entity per name.

Texts written for these tests; spans are given as a tagger would (including its mistakes).
"""

from __future__ import annotations

from nlp.entities import mentions_from_tokens, merge_entities
from streams.records import Entity
from tests.unit.fakes import tagged_tokens


def _facets(text: str, *spans: tuple[str, str]) -> list[Entity]:
    return merge_entities(mentions_from_tokens("content", text, tagged_tokens(text, spans)), text)


def _names(entities: list[Entity]) -> set[tuple[str, str]]:
    return {(e.type, e.text) for e in entities}


def test_a_country_or_company_glued_before_a_person_splits_off() -> None:
    text = "Tổng thống Pháp Emmanuel Macron gặp Chủ tịch FPT Trương Gia Bình."
    names = _names(_facets(text, ("Pháp Emmanuel Macron", "PER"), ("FPT Trương Gia Bình", "PER")))
    assert names == {
        ("LOC", "Pháp"),
        ("PER", "Emmanuel Macron"),
        ("ORG", "FPT"),
        ("PER", "Trương Gia Bình"),
    }


def test_a_title_glued_to_a_brand_is_the_brand() -> None:
    text = "CEO Tesla cho biết xe mới sẽ ra mắt."
    assert _names(_facets(text, ("CEO Tesla", "PER"))) == {("ORG", "Tesla")}


def test_fragments_of_listed_names_are_the_whole_name() -> None:
    text = "Hoàng Anh Gia Lai sang Nhật Bản, rồi tới châu Phi theo lời mời của Liên hợp quốc."
    names = _names(_facets(text, ("Lai", "PER"), ("Bản", "LOC"), ("Phi", "PER"), ("Liên", "PER")))
    assert names == {
        ("ORG", "Hoàng Anh Gia Lai"),
        ("LOC", "Nhật Bản"),
        ("LOC", "châu Phi"),
        ("ORG", "Liên hợp quốc"),
    }


def test_compass_words_generic_heads_and_non_entities_are_not_facets() -> None:
    text = "Ở phía Đông, Bệnh viện quá tải; bão Yagi tới, Hoa hậu Hoàn vũ dùng ChatGPT."
    facets = _facets(
        text,
        ("Đông", "LOC"),
        ("Bệnh viện", "ORG"),
        ("Yagi", "PER"),
        ("Hoa hậu Hoàn vũ", "ORG"),
        ("ChatGPT", "ORG"),
    )
    assert facets == []


def test_clubs_are_organisations_and_streets_lose_their_house_number() -> None:
    text = (
        "Trên sân Lạch Tray, Thép Xanh Nam Định thắng Hải Phòng FC ở vòng 5. Trận đấu có "
        "nhiều bàn thắng, HLV hai đội hài lòng. Văn phòng CLB ở số 12 Tràng Thi."
    )
    names = _names(
        _facets(
            text, ("Thép Xanh Nam Định", "LOC"), ("Hải Phòng FC", "LOC"), ("12 Tràng Thi", "LOC")
        )
    )
    assert ("ORG", "Thép Xanh Nam Định") in names and ("ORG", "Hải Phòng FC") in names
    assert ("LOC", "Tràng Thi") in names and ("LOC", "Sân vận động Lạch Tray") in names


def test_an_acronym_never_joins_a_place_before_its_bracket() -> None:
    text = "Hội nghị ở Bắc Kinh (BJX) kết thúc. BJX là tên viết tắt."
    facets = _facets(text, ("Bắc Kinh", "LOC"))
    assert [(e.type, e.text, e.aliases) for e in facets] == [("LOC", "Bắc Kinh", ())]


def test_a_surname_joins_the_one_person_whatever_its_tagged_type() -> None:
    text = "Ông Keir Starmer tới Berlin. Sau đó Starmer bay về London."
    facets = _facets(text, ("Keir Starmer", "PER"), ("Berlin", "LOC"), ("Starmer bay", "LOC"))
    starmer = next(e for e in facets if e.type == "PER")
    assert starmer.text == "Keir Starmer"


def test_a_given_name_that_is_a_country_stays_a_person() -> None:
    text = "Anh Nguyễn Minh Đức cho biết. Đức kể lại chuyện cũ."
    facets = _facets(text, ("Nguyễn Minh Đức", "PER"), ("Đức", "PER"))
    assert _names(facets) == {("PER", "Nguyễn Minh Đức")}
