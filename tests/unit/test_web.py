"""The HTTP API's parameters and its OpenAPI description."""

from __future__ import annotations

from datetime import datetime

import pytest
from multidict import MultiDict

from indexers.web.api import BadParameter, openapi, parse_search


def test_parameters_become_a_request() -> None:
    request = parse_search(
        MultiDict(
            [
                ("q", "ha noi"),
                ("person", "Nguyễn Văn A"),
                ("person", "Trần Thị B"),
                ("category", "the-thao"),
                ("since", "2026-01-01"),
                ("page", "2"),
                ("duplicates", "false"),
                ("interval", "month"),
            ]
        )
    )
    assert request.text == "ha noi"
    assert request.persons == ("Nguyễn Văn A", "Trần Thị B")
    assert request.categories == ("the-thao",)
    assert request.since == datetime(2026, 1, 1)
    assert (request.page, request.include_duplicates, request.interval) == (2, False, "month")


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ([("page", "two")], "page must be an integer"),
        ([("size", "5000")], "size must be between 0 and 1000"),
        ([("since", "yesterday")], "since must be an ISO 8601"),
        ([("duplicates", "maybe")], "duplicates must be true or false"),
        ([("interval", "fortnight")], "interval must be one of"),
        ([("persons", "x")], "unknown parameter 'persons'"),
        ([("since", "2026-02-01"), ("until", "2026-01-01")], "since is after until"),
    ],
)
def test_a_bad_parameter_is_named(pairs: list[tuple[str, str]], message: str) -> None:
    with pytest.raises(BadParameter, match=message):
        parse_search(MultiDict(pairs))


def test_openapi_lists_every_parameter_the_parser_knows() -> None:
    spec = openapi()
    assert spec["openapi"].startswith("3.")
    listed = {p["name"] for p in spec["paths"]["/search"]["get"]["parameters"]}
    assert listed == {
        "q", "person", "location", "organization", "category", "source", "sentiment",
        "since", "until", "page", "size", "facet_size", "duplicates", "highlight", "interval",
    }  # fmt: skip
    assert "/articles/{article_id}/related" in spec["paths"]
    assert "400" in spec["paths"]["/search"]["get"]["responses"]
