"""A delete stays final: an older copy of a deleted article, arriving long after
the delete, does not bring it back.

Elasticsearch remembers a real delete's version only for ``index.gc_deletes``
(60 s) and forgets it on any shard restart; after that an older copy (a replay of
the topic, a re-read after a crash) is indexed as new. tinstream writes a delete as
a tombstone document under the delete's version (``indexers.mapping``), which the
alias hides. The scenario proves the failure on a plain index first, then runs the
pipeline with gc_deletes set to 1 s and the index closed and reopened (a shard
restart) between the delete and the older copy, so it needs no 60 s wait.
"""

from __future__ import annotations

import json
import time

import pytest
from elasticsearch import Elasticsearch

from tests.integration.conftest import Run
from tests.reliability.conftest import Outcome
from tests.reliability.scenario import measure, sample_copies, wait_count, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.reliability, pytest.mark.timeout(300)]

# Long enough for Elasticsearch to prune deletes under gc_deletes=1s on the next refresh.
_PAST_GC_S = 2.5


def _forget_deletes(es: Elasticsearch, index: str) -> None:
    """Make Elasticsearch forget the versions of real deletes: gc_deletes of 1 s, a
    wait past it, a refresh (which prunes them), and a shard restart."""
    es.indices.put_settings(index=index, settings={"index.gc_deletes": "1s"})
    time.sleep(_PAST_GC_S)  # past gc_deletes: the condition the scenario is about
    es.indices.refresh(index=index)
    es.indices.close(index=index, wait_for_active_shards="1")
    es.indices.open(index=index, wait_for_active_shards="1")
    es.cluster.health(index=index, wait_for_status="yellow", timeout="30s")


def test_plain_delete_is_forgotten_by_elasticsearch(run: Run, es: Elasticsearch) -> None:
    """The failure the design avoids, on a plain index: an older copy after a real
    delete is indexed once Elasticsearch forgot the delete."""
    index = f"{run.alias}-v0-plain"
    es.indices.create(index=index, settings={"number_of_replicas": 0})
    try:
        es.index(index=index, id="a", document={"title": "t"}, version=5, version_type="external")
        es.delete(index=index, id="a", version=10, version_type="external")
        _forget_deletes(es, index)
        older = es.index(
            index=index, id="a", document={"title": "t"}, version=7, version_type="external"
        )
        assert older["result"] == "created", "Elasticsearch kept the delete this time"
    finally:
        es.indices.delete(index=index)


def test_delete_stays_final_against_an_older_copy(
    run: Run, es: Elasticsearch, report: list[Outcome]
) -> None:
    articles = sample_copies(1, "del")
    run.start_worker()
    started = time.monotonic()
    run.publish(articles)
    wait_count(run, es, len(articles), timeout_s=180)
    victim = articles[0]
    key = victim["id"].encode()
    run.produce((key, None))  # the delete
    wait_for("the delete", lambda: victim["id"] not in _searchable(es, run), run, 60)
    wait_count(run, es, len(articles) - 1, timeout_s=10)
    _forget_deletes(es, run.alias)

    superseded = run.metric(0, "tinstream_documents_superseded_total")
    older = json.dumps({**victim, "title": "Bản cũ"}, ensure_ascii=False).encode()
    sent = time.monotonic()
    # Published ten minutes before the delete: an old copy read again.
    run.produce((key, older), timestamp_ms=int(time.time() * 1000) - 600_000)
    final = wait_for(
        "the older copy's outcome",
        lambda: run.metric(0, "tinstream_documents_superseded_total") > superseded,
        run,
        120,
    )
    assert victim["id"] not in _searchable(es, run), "the older copy brought the article back"
    status, _ = run.get(0, f"/articles/{victim['id']}")
    assert status == 404, f"the API shows a deleted article ({status})"
    assert es.count(index=run.alias)["count"] == len(articles) - 1  # tombstones not counted

    # Final against older copies only: a newer copy brings the article back.
    run.publish([{**victim, "title": "Bản mới"}])
    wait_for("the newer copy", lambda: victim["id"] in _searchable(es, run), run, 120)
    assert es.get(index=run.alias, id=victim["id"])["_source"]["title"] == "Bản mới"
    outcome = measure(
        "delete-then-older-copy", run, es, {a["id"] for a in articles}, letters=0, since=sent
    )
    outcome.published += 3  # the delete, the older copy and the newer one
    outcome.recovery_s = final - sent  # until the older copy was refused
    report.append(outcome)
    assert (outcome.lost, outcome.duplicated, outcome.dead_lettered) == (0, 0, 0)
    assert time.monotonic() - started < 120


def _searchable(es: Elasticsearch, run: Run) -> set[str]:
    es.options(ignore_status=[404, 503]).indices.refresh(index=run.alias)
    hits = es.search(index=run.alias, query={"match_all": {}}, size=10_000, source=False)
    return {h["_id"] for h in hits["hits"]["hits"]}
