"""``tinstream index migrate`` on the real node, with a worker writing and a reader searching."""

from __future__ import annotations

import json
import threading

import pytest
from elasticsearch import Elasticsearch

from tests.integration.conftest import Run
from tests.texts import STORY

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


class Reader(threading.Thread):
    """Counts the articles through the alias, as fast as it can, until stopped."""

    def __init__(self, es: Elasticsearch, alias: str) -> None:
        super().__init__(daemon=True)
        self.es, self.alias = es, alias
        self.stop = threading.Event()
        self.totals: list[int] = []
        self.errors: list[str] = []

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                response = self.es.search(index=self.alias, size=0, track_total_hits=True)
                self.totals.append(int(response["hits"]["total"]["value"]))
            except Exception as exc:  # noqa: BLE001 - every failure is what the test counts
                self.errors.append(repr(exc))


def test_migrate_moves_the_alias_with_no_failed_search_and_no_lost_write(
    run: Run, es: Elasticsearch
) -> None:
    run.start_worker()
    ids = run.publish_samples()
    run.wait_indexed(es, ids)
    before = {d["_id"]: d["_version"] for d in es.mget(index=run.alias, ids=ids)["docs"]}

    reader = Reader(es, run.alias)
    reader.start()
    # Published while the migration runs: the worker's writes must wait, then land.
    late = [{"id": f"during-{i}", "title": f"Tin nóng số {i}", "content": STORY} for i in range(5)]
    run.publish(late)
    migrated = run.cli("index", "migrate", "--json", "--index", run.alias)
    assert migrated.returncode == 0, migrated.stderr
    report = json.loads(migrated.stdout)
    assert (report["source"], report["target"]) == (f"{run.alias}-v1", f"{run.alias}-v2")
    assert report["method"] == "scan"  # the local node has no reindex module
    assert report["documents"] >= len(ids)

    run.wait_indexed(es, [a["id"] for a in late])
    reader.stop.set()
    reader.join(timeout=30)
    assert reader.errors == []
    assert reader.totals and min(reader.totals) >= len(ids)

    assert list(es.indices.get_alias(name=run.alias)) == [f"{run.alias}-v2"]
    assert es.count(index=run.alias)["count"] == len(ids) + len(late)
    after = {d["_id"]: d["_version"] for d in es.mget(index=run.alias, ids=ids)["docs"]}
    assert after == before  # external versions survive the copy
    assert es.get(index=run.alias, id=ids[0])["_source"]["title_words"]
    # The old index is kept, read-only, for a rollback.
    old = es.indices.get_settings(index=f"{run.alias}-v1")[f"{run.alias}-v1"]["settings"]
    assert old["index"]["blocks"]["write"] == "true"

    again = run.cli("index", "migrate", "--delete-old", "--index", run.alias)
    assert again.returncode == 0, again.stderr
    assert f"{run.alias}-v2 → {run.alias}-v3" in again.stdout
    assert not es.indices.exists(index=f"{run.alias}-v2")
    assert es.count(index=run.alias)["count"] == len(ids) + len(late)


def test_migrate_without_an_alias_says_so(run: Run) -> None:
    result = run.cli("index", "migrate", "--index", run.alias)
    assert result.returncode == 1
    assert f"no alias '{run.alias}'" in result.stderr
    assert "Traceback" not in result.stderr
