"""Raw article validation, stable ids and the record round trips."""

from __future__ import annotations

import json

import pytest

from streams.errors import InvalidArticle
from streams.records import (
    DeadLetter,
    EnrichedArticle,
    Entity,
    Label,
    Mention,
    RawArticle,
    normalise_url,
)

VALID = {"title": "Mưa lớn ở Huế", "content": "Nhiều tuyến phố ngập sâu."}


def test_given_id_wins() -> None:
    article = RawArticle.from_mapping({**VALID, "id": "abc-1", "url": "https://x.vn/a"})
    assert article.id == "abc-1"


def test_integer_id_becomes_string() -> None:
    assert RawArticle.from_mapping({**VALID, "id": 42}).id == "42"


def test_url_id_ignores_tracking_case_and_trailing_slash() -> None:
    a = RawArticle.from_mapping({**VALID, "url": "https://www.Bao.vn/tin/1/?utm_source=fb"})
    b = RawArticle.from_mapping({**VALID, "title": "khác", "url": "https://bao.vn/tin/1"})
    assert a.id == b.id
    assert a.id.startswith("u")


def test_content_id_is_stable_under_whitespace_and_nfd() -> None:
    import unicodedata

    nfd = {k: unicodedata.normalize("NFD", v) + "  " for k, v in VALID.items()}
    a = RawArticle.from_mapping(VALID)
    b = RawArticle.from_mapping(nfd)
    assert a.id == b.id
    assert a.id.startswith("c")
    assert a.id != RawArticle.from_mapping({**VALID, "content": "Khác hẳn."}).id


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"content": "x"}, "missing required field 'title'"),
        ({"title": "x"}, "missing required field 'content'"),
        ({"title": "  ", "content": "x"}, "field 'title' is empty"),
        ({"title": 5, "content": "x"}, "field 'title' must be a string, got int"),
        ({**VALID, "published_at": "yesterday"}, "not ISO 8601"),
        ({**VALID, "published_at": 1700000000}, "must be an ISO 8601 string"),
        ({**VALID, "tags": "a,b"}, "'tags' must be a list of strings"),
        ({**VALID, "id": ""}, "field 'id' is empty"),
        ({**VALID, "id": True}, "field 'id' must be a string or an integer"),
        ({**VALID, "id": "x" * 513}, "longer than 512 bytes"),
        ({**VALID, "source": ["a"]}, "field 'source' must be a string"),
        # Would become a facet value and switch the Vietnamese NLP off.
        ({**VALID, "language": "<script>"}, "field 'language' must be a language code"),
        ({**VALID, "language": "vi; drop"}, "field 'language' must be a language code"),
        # Rendered as links by Kibana's URL format and any page.
        ({**VALID, "url": "javascript:alert(1)"}, "field 'url' must be an http or https"),
        ({**VALID, "url": "data:text/html,<b>x</b>"}, "field 'url' must be an http or https"),
        ({**VALID, "url": "https://"}, "field 'url' must be an http or https"),
        # Would stretch every date histogram.
        ({**VALID, "published_at": "9999-12-31"}, "outside 1900 to tomorrow"),
        ({**VALID, "published_at": "0001-01-01T00:00:00Z"}, "outside 1900 to tomorrow"),
    ],
)
def test_invalid_articles_say_why(data: dict[str, object], reason: str) -> None:
    with pytest.raises(InvalidArticle, match=reason.replace("(", r"\(")):
        RawArticle.from_mapping(data)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not valid UTF-8"),
        (b"[1, 2]", "expected a JSON object"),
        (b"[" * 100_000, "not valid JSON"),
        (None, "empty message value"),
    ],
)
def test_undecodable_messages(payload: bytes | None, reason: str) -> None:
    with pytest.raises(InvalidArticle, match=reason) as info:
        RawArticle.from_bytes(payload)
    assert not info.value.retriable


def test_language_codes_and_web_addresses_that_are_fine_pass() -> None:
    article = RawArticle.from_mapping({**VALID, "language": "VI", "url": "HTTPS://vnexpress.net/a"})
    assert article.language == "vi"
    assert RawArticle.from_mapping({**VALID, "language": "zh-Hant"}).language == "zh-hant"
    assert RawArticle.from_mapping({**VALID, "published_at": "1995-06-01"}).published_at


def test_published_at_is_normalised() -> None:
    article = RawArticle.from_mapping({**VALID, "published_at": "2026-03-12T08:00:00Z"})
    assert article.published_at == "2026-03-12T08:00:00+00:00"


def test_raw_round_trip_keeps_fields() -> None:
    article = RawArticle.from_mapping({**VALID, "tags": ["a"], "source": "S", "id": "1"})
    assert RawArticle.from_bytes(article.to_bytes()) == article


def test_enriched_round_trip() -> None:
    article = EnrichedArticle(
        id="1",
        title="t",
        content="c",
        language="vi",
        entities=(Entity("Huế", "LOC", 2),),
        mentions=(Mention("title", 0, 3, "Huế", "LOC"),),
        locations=("Huế",),
        category=Label("the-thao", 1.0, "publisher"),
    )
    assert EnrichedArticle.from_bytes(article.to_bytes()) == article


def test_dead_letter_keeps_original_bytes() -> None:
    original = b"\xff not utf8"
    letter = DeadLetter(
        stage="decode",
        reason="bad",
        error_type="InvalidArticle",
        retriable=False,
        topic="raw",
        partition=3,
        offset=17,
        timestamp_ms=1,
        key_b64=DeadLetter.encode(b"k"),
        value_b64=DeadLetter.encode(original),
        failed_at="now",
        pipeline_version="0",
    )
    decoded = DeadLetter.from_bytes(letter.to_bytes())
    assert decoded.original_value() == original
    assert (decoded.topic, decoded.partition, decoded.offset) == ("raw", 3, 17)
    assert json.loads(letter.to_bytes())["reason"] == "bad"


def test_normalise_url_keeps_meaningful_query() -> None:
    assert normalise_url("https://a.vn/x?id=2&utm_medium=y") == "//a.vn/x?id=2"


def test_article_version_orders_copies_by_time_then_offset() -> None:
    from streams.records import article_version

    first = article_version(1_700_000_000.001, 41)
    same_ms_later_offset = article_version(1_700_000_000.001, 42)
    later = article_version(1_700_000_000.002, 0)
    assert first < same_ms_later_offset < later
    assert 0 < later < 2**63
    assert article_version(None, 5) == 5


def test_enriched_version_round_trips_and_is_validated() -> None:
    article = EnrichedArticle(id="a", title="t", content="c", language="vi", version=12)
    assert EnrichedArticle.from_bytes(article.to_bytes()).version == 12
    bad = dict(article.to_dict(), version="12")
    with pytest.raises(InvalidArticle):
        EnrichedArticle.from_dict(bad)
