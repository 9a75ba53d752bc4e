"""What a reader does on the real stack: facet filters as typed (any case, diacritics
optional, an alias), closed sets refused with the allowed values (CLI exit 2, HTTP
400), and one article read with `tinstream show` and GET /articles/{id}."""

from __future__ import annotations

import json
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from tests.integration.conftest import Run

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


def _search(run: Run, *args: str) -> dict[str, Any]:
    result = run.cli("search", "--index", run.alias, "--json", "--size", "50", *args)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def _ids(answer: dict[str, Any]) -> set[str]:
    return {hit["id"] for hit in answer["hits"]}


def test_filters_fold_case_and_diacritics_match_aliases_and_refuse_unknown_sets(
    run: Run, es: Elasticsearch
) -> None:
    worker = run.start_worker()
    ids = run.publish_samples()
    run.wait_indexed(es, ids)
    assert worker.poll() is None

    exact = _ids(_search(run, "--location", "Hà Nội"))
    # Four samples name Hà Nội as a place; a fifth only inside "Công an thành phố Hà Nội".
    assert len(exact) >= 4
    assert _ids(_search(run, "--location", "ha noi")) == exact
    assert _ids(_search(run, "--location", "HÀ NỘI")) == exact

    person = _ids(_search(run, "--person", "Lương Văn Tú"))
    assert person
    assert _ids(_search(run, "--person", "lương văn tú")) == person
    assert _ids(_search(run, "--person", "luong van tu")) == person

    # An organisation's alias (the acronym it is introduced with) finds it too.
    docs = es.search(
        index=run.alias,
        size=100,
        query={"nested": {"path": "entities", "query": {"exists": {"field": "entities.aliases"}}}},
    )["hits"]["hits"]
    aliased = [
        (doc["_id"], alias)
        for doc in docs
        for entity in doc["_source"]["entities"]
        if entity["type"] == "ORG"
        for alias in entity.get("aliases") or []
    ]
    assert aliased, "no sample organisation has an alias"
    doc_id, alias = aliased[0]
    # Every article whose organisation carries the alias, in any case.
    carrying = {d for d, a in aliased if a == alias}
    assert doc_id in carrying
    assert carrying <= _ids(_search(run, "--organization", alias.lower()))

    # Closed sets: a usage error naming the allowed values, on the CLI and over HTTP.
    refused = run.cli("search", "--index", run.alias, "--sentiment", "bad")
    assert refused.returncode == 2
    assert "negative" in refused.stderr and "positive" in refused.stderr
    refused = run.cli("search", "--index", run.alias, "--category", "sports")
    assert refused.returncode == 2
    assert "the-thao" in refused.stderr
    run.wait_ready(0)
    status, body = run.get(0, "/search?sentiment=bad")
    assert status == 400
    assert "one of: negative, neutral, positive" in json.loads(body)["error"]
    status, body = run.get(0, "/search?location=ha%20noi&size=50")
    assert status == 200
    assert {hit["id"] for hit in json.loads(body)["hits"]} == exact


def test_an_article_can_be_read_on_the_cli_and_over_http(run: Run, es: Elasticsearch) -> None:
    worker = run.start_worker()
    ids = run.publish_samples()
    run.wait_indexed(es, ids)
    assert worker.poll() is None
    article_id = ids[0]

    shown = run.cli("show", article_id, "--index", run.alias, "--json")
    assert shown.returncode == 0, shown.stderr
    view = json.loads(shown.stdout)
    assert view["id"] == article_id
    assert view["title"] and view["content"]
    assert view["category"]["label"] and view["sentiment"]["label"] in {
        "negative",
        "neutral",
        "positive",
    }
    assert view["entities"] and view["keywords"]
    assert 0 < len(view["related"]) <= 5 and article_id not in {r["id"] for r in view["related"]}
    # Each related article says what it shares with this one.
    for other in view["related"]:
        assert other["shared"], other["id"]
        for name, values in other["shared"].items():
            assert set(values) <= set(view[name]), (other["id"], name)
    # Search-only fields are not part of what a reader sees.
    assert not {"title_folded", "content_words", "entity_keys", "mentions"} & set(view)

    text = run.cli("show", article_id, "--index", run.alias)
    assert text.returncode == 0
    assert text.stdout.startswith(view["title"]) and "related (" in text.stdout

    missing = run.cli("show", "no-such-article", "--index", run.alias)
    assert missing.returncode == 1
    assert missing.stderr.strip() == f"show: no article 'no-such-article' in {run.alias!r}"

    run.wait_ready(0)
    status, body = run.get(0, f"/articles/{article_id}")
    assert status == 200
    over_http = json.loads(body)
    assert over_http["title"] == view["title"]
    assert [r["id"] for r in over_http["related"]] == [r["id"] for r in view["related"]]
    status, body = run.get(0, "/articles/no-such-article")
    assert status == 404 and "no article" in json.loads(body)["error"]
