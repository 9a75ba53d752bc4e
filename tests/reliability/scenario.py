"""What the reliability scenarios share: articles to publish, a paced publisher,
polling Elasticsearch with a deadline, and the outcome of a scenario."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

from tests.integration.conftest import Run, jsonl, sample_articles
from tests.reliability.conftest import Outcome


def sample_copies(copies: int, tag: str) -> list[dict[str, Any]]:
    """The samples, ``copies`` times over under new ids."""
    out = []
    for n in range(copies):
        for sample in sample_articles():
            out.append({**sample, "id": f"{tag}-{n}-{sample['id']}"})
    return out


def indexed_ids(es: Elasticsearch, alias: str) -> list[str]:
    es.indices.refresh(index=alias)
    hits = es.search(index=alias, query={"match_all": {}}, size=10_000, source=False)
    return [h["_id"] for h in hits["hits"]["hits"]]


def count(es: Elasticsearch, alias: str) -> int:
    try:
        return int(es.count(index=alias)["count"])
    except Exception:  # noqa: BLE001 - the index appears with the worker, the node may be down
        return 0


def wait_count(run: Run, es: Elasticsearch, at_least: int, timeout_s: float) -> float:
    """Poll until ``at_least`` documents are searchable; return when that happened."""
    deadline = time.monotonic() + timeout_s
    while count(es, run.alias) < at_least:
        if time.monotonic() > deadline:
            run.fail_with_logs(f"fewer than {at_least} documents after {timeout_s:.0f}s")
        es.options(ignore_status=[404, 503]).indices.refresh(index=run.alias)
        time.sleep(0.25)  # polling interval of the deadline loop
    return time.monotonic()


def measure(
    name: str, run: Run, es: Elasticsearch, expected: set[str], *, letters: int, since: float
) -> Outcome:
    ids = indexed_ids(es, run.alias)
    present = expected & set(ids)
    return Outcome(
        name=name,
        published=len(expected) + letters,
        indexed=len(present),
        dead_lettered=len(run.dead_letters(expected=letters, timeout_s=5 if letters else 2)),
        lost=len(expected - present),
        duplicated=len(ids) - len(present),
        recovery_s=time.monotonic() - since,
    )


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_paced(run: Run, articles: list[dict[str, Any]], per_s: float) -> subprocess.Popen[str]:
    """``tinstream publish --rate``: the stream keeps flowing while a scenario breaks
    something."""
    source = run.tmp / "articles.jsonl"
    source.write_text(jsonl(articles))
    return run.start_cli("publish", str(source), "--rate", str(per_s), "--json")


def settle_paced(
    name: str,
    run: Run,
    es: Elasticsearch,
    *,
    publisher: subprocess.Popen[str],
    articles: list[dict[str, Any]],
    since: float,
    report: list[Outcome],
) -> Outcome:
    """The paced publisher ends well (every article acknowledged by Kafka), every
    article becomes searchable exactly once and none is dead-lettered; the outcome,
    recovery counted from ``since``, goes into the report."""
    out, err = publisher.communicate(timeout=300)
    assert publisher.returncode == 0, err[-2000:]
    assert json.loads(out)["sent"] == len(articles)
    wait_count(run, es, len(articles), timeout_s=300)
    outcome = measure(name, run, es, {a["id"] for a in articles}, letters=0, since=since)
    report.append(outcome)
    assert (outcome.lost, outcome.duplicated, outcome.dead_lettered) == (0, 0, 0)
    return outcome


def wait_log(run: Run, worker: int, text: str, timeout_s: float) -> float:
    """Poll the worker's log until it contains ``text``; return when it did."""
    deadline = time.monotonic() + timeout_s
    log = run.workers[worker][1]
    while text not in log.read_text(errors="replace"):
        if time.monotonic() > deadline:
            run.fail_with_logs(f"worker {worker} did not log {text!r} in {timeout_s:.0f}s")
        time.sleep(0.25)  # polling interval of the deadline loop
    return time.monotonic()


def wait_for(what: str, check: Callable[[], bool], run: Run, timeout_s: float) -> float:
    """Poll ``check`` until true; return when it was."""
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            run.fail_with_logs(f"{what}: not within {timeout_s:.0f}s")
        time.sleep(0.1)  # polling interval of the deadline loop
    return time.monotonic()
