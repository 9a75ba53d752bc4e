"""The CLI's search flags and the HTTP API's query parameters are one table."""

from __future__ import annotations

from typing import Any

import click
import pytest

from indexers.search_parameters import FILTERS, INTEGERS, NAMES, search_request
from indexers.web.api import BadParameter, openapi, parse_search
from streams.cli.search_cmd import search


class _Query(dict[str, list[str]]):
    """The two MultiDict methods parse_search uses."""

    def get(self, key: str, default: Any = None) -> Any:
        return self[key][0] if key in self else default

    def getall(self, key: str, default: list[str]) -> list[str]:
        return self.get_list(key) or default

    def get_list(self, key: str) -> list[str]:
        return list(super().get(key) or [])


def _cli_options() -> dict[str, click.Option]:
    return {p.name: p for p in search.params if isinstance(p, click.Option) and p.name}


def _api_parameters() -> dict[str, dict[str, Any]]:
    spec = openapi()
    return {p["name"]: p for p in spec["paths"]["/search"]["get"]["parameters"]}


def test_every_parameter_is_a_flag_and_a_query_parameter_with_the_same_contract() -> None:
    flags, api = _cli_options(), _api_parameters()
    assert set(api) == NAMES
    assert NAMES - {"q"} <= set(flags)
    for f in FILTERS:
        choices = list(f.choices) if f.choices else None
        assert api[f.name]["schema"]["items"].get("enum") == choices
        flag_type = flags[f.name].type
        assert (list(flag_type.choices) if isinstance(flag_type, click.Choice) else None) == choices
    for i in INTEGERS:
        schema, flag = api[i.name]["schema"], flags[i.name]
        bounds = (schema["default"], schema["minimum"], schema["maximum"])
        assert bounds == (i.default, i.low, i.high)
        assert flag.default == i.default
        assert isinstance(flag.type, click.IntRange)
        assert (flag.type.min, flag.type.max) == (i.low, i.high)


def test_both_sides_build_the_same_request() -> None:
    query = _Query(q=["ha noi"], person=["Lê Văn A"], sentiment=["positive"], page=["2"])
    from_api = parse_search(query)
    from_cli = search_request(
        {"q": "ha noi", "person": ("Lê Văn A",), "sentiment": ("positive",), "page": 2}
    )
    assert from_api == from_cli
    assert from_api.persons == ("Lê Văn A",) and from_api.page == 2


def test_a_value_outside_its_set_is_refused_by_name() -> None:
    with pytest.raises(BadParameter, match="sentiment"):
        parse_search(_Query(sentiment=["bad"]))


def test_the_blocking_search_client_is_generated_from_the_async_one() -> None:
    from indexers import unasync

    # Stale when someone edits one side only: `python -m indexers.unasync` fixes it.
    assert unasync.main(["--check"]) == 0
    generated = unasync.unasync(unasync.SOURCE.read_text(encoding="utf-8"))
    assert "async def" not in generated and "await " not in generated
    assert "class ArticleSearch:" in generated and "AsyncElasticsearch" not in generated
