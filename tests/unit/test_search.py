"""Search request bodies, response reading and highlights with diacritics put back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from indexers.errors import SearchError
from indexers.highlight import restore
from indexers.search import SearchRequest, build_body, parse_response, related_body
from nlp.folding import fold
from nlp.segmenter import WordModel, WordSegmenter

_SEGMENTER = WordSegmenter(WordModel(frozenset({"bệnh viện"}), {"bệnh viện": 3}))


def test_filters_page_and_highlight_are_in_the_body() -> None:
    body = build_body(
        SearchRequest(
            text="bệnh viện",
            persons=("Nguyễn Văn A", "Trần Thị B"),
            categories=("suc-khoe", "doi-song"),
            since=datetime(2026, 1, 1),
            page=3,
            size=20,
            include_duplicates=False,
        ),
        _SEGMENTER,
    )
    query = body["query"]["bool"]
    # Each person must match: by folded name or alias, or (documents indexed before
    # entity_keys) exactly.
    for name, key in (("Nguyễn Văn A", "PER:nguyen van a"), ("Trần Thị B", "PER:tran thi b")):
        either = [{"term": {"entity_keys": key}}, {"term": {"persons": name}}]
        assert {"bool": {"should": either, "minimum_should_match": 1}} in query["filter"]
    assert {"terms": {"category.label": ["suc-khoe", "doi-song"]}} in query["filter"]
    assert {"range": {"published_at": {"gte": "2026-01-01T00:00:00"}}} in query["filter"]
    assert query["must_not"] == [{"term": {"is_duplicate": True}}]
    # One ranking clause per person: the articles naming them most come first.
    assert [c["nested"]["path"] for c in query["should"]] == ["entities", "entities"]
    assert (body["from"], body["size"]) == (40, 20)
    assert {"title", "title_folded", "content_folded"} <= set(body["highlight"]["fields"])
    text = str(query["must"])
    assert "bệnh_viện" in text and "title_words^3" in text


def test_closed_sets_are_checked_with_the_allowed_values_in_the_error() -> None:
    with pytest.raises(SearchError, match="unknown sentiment 'bad'; one of: negative, neutral"):
        SearchRequest(sentiments=("bad",))
    with pytest.raises(SearchError, match="unknown category 'sports'; one of: doi-song"):
        SearchRequest(categories=("sports",))


def test_entity_keys_fold_case_and_diacritics_and_cover_aliases() -> None:
    from indexers.document import entity_key, entity_keys

    fields = {
        "entities": [
            {"text": "Lương Văn Tú", "type": "PER", "count": 2, "aliases": []},
            {"text": "Công ty Sữa Việt Nam", "type": "ORG", "count": 1, "aliases": ["Vinamilk"]},
        ],
        "locations": ["Hà Nội"],
    }
    keys = entity_keys(fields)
    assert keys == ["LOC:ha noi", "ORG:cong ty sua viet nam", "ORG:vinamilk", "PER:luong van tu"]
    # What a reader types, in any case and without diacritics, finds the same keys.
    assert entity_key("LOC", "ha noi") in keys
    assert entity_key("PER", "lương văn tú") in keys
    assert entity_key("ORG", "VINAMILK") in keys
    assert entity_key("LOC", "Vinamilk") not in keys  # the type must agree


def test_no_text_means_no_highlight_and_match_all() -> None:
    body = build_body(SearchRequest(), _SEGMENTER)
    assert body["query"]["bool"]["must"] == [{"match_all": {}}]
    assert "highlight" not in body


@pytest.mark.parametrize(
    "options",
    [{"page": 0}, {"size": -1}, {"page": 200, "size": 100}, {"interval": "fortnight"}],
)
def test_bad_requests_are_refused_with_a_reason(options: dict[str, Any]) -> None:
    with pytest.raises(SearchError):
        SearchRequest(**options)


def test_since_after_until_is_refused() -> None:
    with pytest.raises(SearchError, match="since is after until"):
        SearchRequest(since=datetime(2026, 2, 1), until=datetime(2026, 1, 1))


def test_folded_highlight_gets_its_diacritics_back() -> None:
    original = "Mưa lớn ở Hà Nội, phố Đống Đa ngập."
    folded = fold(original)
    fragment = "mua lon o <em>ha noi</em>, pho <em>dong</em> da ngap."
    assert restore(fragment, original, folded) == (
        "Mưa lớn ở <em>Hà Nội</em>, phố <em>Đống</em> Đa ngập."
    )
    assert restore("<em>khong co</em>", original, folded) is None


def test_response_prefers_as_typed_highlights_and_restores_folded_ones() -> None:
    response = {
        "hits": {
            "total": {"value": 1},
            "hits": [
                {
                    "_id": "a",
                    "_score": 2.0,
                    "_source": {"title": "Hà Nội mưa", "content": "Trời Hà Nội mưa to."},
                    "highlight": {
                        "title": ["<em>Hà Nội</em> mưa"],
                        "title_folded": ["<em>ha noi</em> mua"],
                        "content_folded": ["troi <em>ha noi</em> mua to."],
                    },
                }
            ],
        },
        "aggregations": {
            "duplicate": {"buckets": [{"key": 0, "key_as_string": "false", "doc_count": 1}]},
        },
    }
    result = parse_response(response, SearchRequest(text="ha noi"))
    hit = result.hits[0]
    assert hit.highlight == {
        "title": ["<em>Hà Nội</em> mưa"],
        "content": ["Trời <em>Hà Nội</em> mưa to."],
    }
    assert "content" not in hit.to_dict()
    assert result.facets["duplicate"][0].value == "false"
    assert result.facets["persons"] == []


def test_related_excludes_the_article_and_every_copy() -> None:
    body = related_body("b", {"persons": ["Nguyễn Văn A"], "duplicate_of": "a"}, 5)
    must_not = body["query"]["bool"]["must_not"]
    assert {"ids": {"values": ["b", "a"]}} in must_not
    assert {"terms": {"duplicate_of": ["b", "a"]}} in must_not
    assert {"term": {"is_duplicate": True}} in must_not
    nothing = related_body("c", {}, 5)["query"]["bool"]["must"][0]["bool"]["should"]
    assert nothing == [{"match_none": {}}]


def test_related_weighs_people_over_places_and_ranks_same_topic_and_nearby_dates() -> None:
    source = {
        "persons": ["Nguyễn Văn A"],
        "locations": ["Hải Phòng"],
        "keywords": ["bóng đá"],
        "category": {"label": "the-thao", "score": 1.0, "source": "publisher"},
        "published_at": "2026-03-12T08:00:00",
    }
    query = related_body("a", source, 5)["query"]["bool"]
    shared = query["must"][0]["bool"]
    assert shared["minimum_should_match"] == 1  # something must be shared
    boosts = {
        field: spec["boost"] for c in shared["should"] for field, spec in c["term"].items()
    }
    assert boosts == {"persons": 3.0, "locations": 1.0, "keywords": 1.0}
    assert {"term": {"category.label": {"value": "the-thao", "boost": 2.0}}} in query["should"]
    recency = next(c["distance_feature"] for c in query["should"] if "distance_feature" in c)
    assert recency["origin"] == "2026-03-12T08:00:00" and recency["field"] == "published_at"


def test_related_hits_say_what_they_share() -> None:
    from indexers.search import SearchHit, SearchResult, with_shared

    source = {"persons": ["A", "B"], "locations": ["Hà Nội"], "keywords": ["x"]}
    hit = SearchHit("h", 1.0, "t", None, fields={"persons": ["B", "C"], "locations": ["Huế"]})
    out = with_shared(source, SearchResult(1, [hit], {}))
    assert out.hits[0].fields["shared"] == {"persons": ["B"]}


def test_query_spans_are_the_runs_that_could_be_a_name_longest_first() -> None:
    from indexers.search import query_spans

    assert query_spans("Bùi Thị  Tươi") == ["bui thi tuoi", "bui thi", "thi tuoi"]
    assert query_spans("Nga") == ["nga"]
    assert query_spans("“Hà Nội”, Huế") == ["ha noi hue", "ha noi", "noi hue"]
    assert query_spans("   ") == []


def test_names_are_looked_up_per_span_by_folded_key() -> None:
    from indexers.search import names_body

    body = names_body("Bien dong")
    assert body is not None and body["size"] == 0
    assert set(body["query"]["terms"]["entity_keys"]) == {
        "PER:bien dong",
        "LOC:bien dong",
        "ORG:bien dong",
    }
    spans = body["aggs"]["spans"]
    assert set(spans["filters"]["filters"]) == {"bien dong"}
    # The names as written, of the articles whose entities fold to the span.
    assert spans["aggs"]["locations"]["terms"]["field"] == "locations"
    assert names_body("") is None


def _spans(**found: dict[str, list[tuple[str, int]]]) -> dict[str, Any]:
    return {
        "aggregations": {
            "spans": {
                "buckets": {
                    span: {
                        "doc_count": sum(n for names in facets.values() for _, n in names),
                        **{
                            facet: {"buckets": [{"key": k, "doc_count": n} for k, n in names]}
                            for facet, names in facets.items()
                        },
                    }
                    for span, facets in found.items()
                }
            }
        }
    }


def test_names_found_are_the_full_names_not_their_parts_most_articles_first() -> None:
    from indexers.search import names_from

    response = _spans(
        **{
            "bui thi tuoi": {"persons": [("Bùi Thị Tươi", 1), ("Lê Văn Tám", 1)]},
            "bui thi": {"persons": [("Bùi Thị", 4), ("Bùi Thị Tươi", 1)]},
        }
    )
    # The full name, not its part; not a name of the same article that is not the span.
    assert names_from(response, "bui thi tuoi") == ("Bùi Thị Tươi",)
    # Two spellings of one span: the one more articles use first.
    response = _spans(**{"ha noi": {"locations": [("Hạ Nôi", 9), ("Hà Nội", 2), ("Huế", 9)]}})
    assert names_from(response, "ha noi") == ("Hạ Nôi", "Hà Nội")
    assert names_from({"aggregations": {}}, "ha noi") == ()


def test_the_words_in_a_row_and_the_known_name_rank_above_the_syllables_apart() -> None:
    from indexers.search import ENTITY_BONUS, NAME_BONUS, PHRASE_BONUS, build_query

    query = build_query("da nang", names=("Đà Nẵng",))["bool"]
    # The syllables anywhere are what is required...
    loose = query["must"][0]["bool"]["should"]
    assert [m["multi_match"].get("type") for m in loose] == [None, None]
    # ...and constant bonuses, whatever the syllables' BM25, for the words in a row as
    # typed or folded, and for the name the index knows, with its own diacritics.
    bonuses = {
        c["constant_score"]["boost"]: {
            (m["multi_match"]["query"], m["multi_match"]["fields"][0])
            for m in c["constant_score"]["filter"]["bool"]["should"]
        }
        for c in query["should"]
        if "constant_score" in c
    }
    assert bonuses == {
        PHRASE_BONUS: {("da nang", "title^3"), ("da nang", "title_folded^3")},
        NAME_BONUS: {("Đà Nẵng", "title^3")},
    }
    # A phrase before its syllables apart, the name before what only folds like it.
    assert PHRASE_BONUS > NAME_BONUS > ENTITY_BONUS > 0
    keys = ["LOC:da nang", "ORG:da nang", "PER:da nang"]
    assert {"terms": {"entity_keys": keys, "boost": ENTITY_BONUS}} in query["should"]
    # Without a known name, no name or entity clause.
    plain = build_query("da nang")["bool"]["should"]
    assert not [c for c in plain if "terms" in c] and len(plain) == 3


def test_highlights_mark_the_phrase_and_the_name_never_a_syllable_alone() -> None:
    body = build_body(SearchRequest(text="ha noi"), _SEGMENTER, names=("Hà Nội",))
    fields = body["highlight"]["fields"]
    as_written = fields["content"]["highlight_query"]["bool"]["should"]
    assert as_written == [
        {"match_phrase": {"content": "ha noi"}},
        {"match_phrase": {"content": "Hà Nội"}},
    ]
    folded = fields["content_folded"]["highlight_query"]["bool"]["should"]
    assert folded == [{"match_phrase": {"content_folded": "ha noi"}}]
    assert fields["title"]["number_of_fragments"] == 0


def _response(source: dict[str, Any], highlight: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "hits": {
            "total": {"value": 1},
            "hits": [{"_id": "a", "_score": 1.0, "_source": source, "highlight": highlight}],
        }
    }


def test_an_article_with_the_syllables_only_apart_shows_them_and_no_line_breaks() -> None:
    source = {"title": "Nối lại chuyến bay", "content": "Ông nói ở\nsân bay Nội Bài, Hà Đông."}
    hit = parse_response(_response(source, {}), SearchRequest(text="ha noi")).hits[0]
    assert hit.highlight == {
        "title": ["<em>Nối</em> lại chuyến bay"],
        "content": ["Ông <em>nói</em> ở sân bay <em>Nội</em> Bài, <em>Hà</em> Đông."],
    }
    # Without highlights asked for, none is made up.
    plain = parse_response(_response(source, {}), SearchRequest(text="ha noi", highlight=False))
    assert plain.hits[0].highlight == {}


def test_a_phrase_highlight_is_never_joined_by_syllables_marked_elsewhere() -> None:
    source = {"title": "Nối lại chuyến bay", "content": "Trời Hà Nội\nmưa to."}
    found = {"content_folded": ["troi <em>ha noi</em>\nmua to."]}
    hit = parse_response(_response(source, found), SearchRequest(text="ha noi")).hits[0]
    assert hit.highlight == {"content": ["Trời <em>Hà Nội</em> mưa to."]}
