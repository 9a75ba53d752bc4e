"""Facet filters as a reader types them, on the real stack: any case, diacritics
optional, an alias; and closed sets refused with the allowed values (CLI exit 2,
HTTP 400)."""

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
    assert len(exact) >= 5
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
