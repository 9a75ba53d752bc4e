"""No article lost or duplicated: a worker killed with SIGKILL, a Kafka broker
restarted, Elasticsearch down for 30 s, and hostile input mixed into the stream,
with real processes.

Each scenario publishes a known set of articles, then checks Elasticsearch and
the dead-letter topic exactly: every valid article indexed once, every invalid
one dead-lettered with its reason, nothing else in the index.
"""

from __future__ import annotations

import json
import os
import signal
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from deploy.local import Stack
from streams.kafka import ensure_topics
from streams.records import DeadLetter
from tests.integration.conftest import Run, sample_articles
from tests.reliability.conftest import Outcome

pytestmark = [pytest.mark.integration, pytest.mark.reliability, pytest.mark.timeout(600)]


def _articles(copies: int, tag: str) -> list[dict[str, Any]]:
    """The samples, ``copies`` times over under new ids."""
    out = []
    for n in range(copies):
        for sample in sample_articles():
            out.append({**sample, "id": f"{tag}-{n}-{sample['id']}"})
    return out


def _publish(run: Run, articles: list[dict[str, Any]]) -> None:
    lines = "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles)
    result = run.cli("publish", "-", input=lines)
    assert result.returncode == 0, result.stdout + result.stderr


def _indexed_ids(es: Elasticsearch, alias: str) -> list[str]:
    es.indices.refresh(index=alias)
    hits = es.search(index=alias, query={"match_all": {}}, size=10_000, source=False)
    return [h["_id"] for h in hits["hits"]["hits"]]


def _count(es: Elasticsearch, alias: str) -> int:
    try:
        return int(es.count(index=alias)["count"])
    except Exception:  # noqa: BLE001 - the index appears with the worker, the node may be down
        return 0


def _wait_count(run: Run, es: Elasticsearch, at_least: int, timeout_s: float) -> float:
    """Poll until ``at_least`` documents are searchable; return when that happened."""
    deadline = time.monotonic() + timeout_s
    while _count(es, run.alias) < at_least:
        if time.monotonic() > deadline:
            run.fail_with_logs(f"fewer than {at_least} documents after {timeout_s:.0f}s")
        es.options(ignore_status=[404, 503]).indices.refresh(index=run.alias)
        time.sleep(0.25)  # polling interval of the deadline loop
    return time.monotonic()


def _outcome(
    name: str, run: Run, es: Elasticsearch, expected: set[str], *, letters: int, since: float
) -> Outcome:
    ids = _indexed_ids(es, run.alias)
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


def test_kill_9_mid_stream_then_restart(run: Run, es: Elasticsearch, report: list[Outcome]) -> None:
    articles = _articles(10, "kill")
    worker = run.start_worker()
    _publish(run, articles)
    _wait_count(run, es, 40, timeout_s=180)
    os.kill(worker.pid, signal.SIGKILL)  # no shutdown, no commit, mid-batch
    worker.wait(timeout=30)
    killed = time.monotonic()
    run.start_worker()
    _wait_count(run, es, len(articles), timeout_s=300)
    outcome = _outcome("kill-9", run, es, {a["id"] for a in articles}, letters=0, since=killed)
    report.append(outcome)
    assert (outcome.lost, outcome.duplicated, outcome.dead_lettered) == (0, 0, 0)
    assert outcome.indexed == len(articles)


def test_kafka_broker_restart_mid_stream(
    run: Run, es: Elasticsearch, stack: Stack, report: list[Outcome]
) -> None:
    articles = _articles(10, "broker")
    source = run.tmp / "articles.jsonl"
    source.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles))
    ensure_topics(run.settings.kafka, run.topics())
    worker = run.start_worker()
    # Still publishing (16 s at 20 a second) while the broker goes down and comes back.
    publisher = run.start_cli("publish", str(source), "--rate", "20", "--json")
    _wait_count(run, es, 40, timeout_s=180)
    assert publisher.poll() is None, "the publisher finished before the broker went down"
    cpu, down = _cpu_seconds(worker.pid), time.monotonic()
    try:
        assert stack.kafka.stop()  # SIGTERM: a controlled shutdown, as in a rolling restart
    finally:
        stack.up()
    back = time.monotonic()
    busy = _cpu_seconds(worker.pid) - cpu
    out, err = publisher.communicate(timeout=300)
    assert publisher.returncode == 0, err[-2000:]
    assert json.loads(out)["sent"] == len(articles)
    _wait_count(run, es, len(articles), timeout_s=300)
    outcome = _outcome(
        "kafka-broker-restart", run, es, {a["id"] for a in articles}, letters=0, since=back
    )
    report.append(outcome)
    assert (outcome.lost, outcome.duplicated, outcome.dead_lettered) == (0, 0, 0)
    assert worker.poll() is None, "the worker died with the broker"
    # Retrying with a backoff, not spinning (see streams.aiokafka_backoff).
    outage = back - down
    assert busy < 0.5 * outage, f"the worker used {busy:.1f}s of CPU in {outage:.1f}s"


def test_workers_joining_and_leaving_mid_stream(
    run: Run, es: Elasticsearch, report: list[Outcome]
) -> None:
    """One worker, then two, then three (one raw partition each), then two leave:
    five rebalances while articles keep coming."""
    articles = _articles(15, "rebalance")
    source = run.tmp / "articles.jsonl"
    source.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles))
    ensure_topics(run.settings.kafka, run.topics())
    run.start_worker()
    run.wait_ready(0)
    publisher = run.start_cli("publish", str(source), "--rate", "8", "--json")

    def progress(more: int) -> None:
        # Each step waits for the stream to move on, so every rebalance is mid-stream.
        _wait_count(run, es, _count(es, run.alias) + more, timeout_s=180)

    progress(30)
    for joining in (1, 2):
        run.start_worker()
        run.wait_ready(joining)
        progress(30)
    took = {n: run.metric(n, "tinstream_articles_enriched_total") for n in (1, 2)}
    for leaving in (1, 2):
        proc = run.workers[leaving][0]
        proc.terminate()  # a graceful leave: the group rebalances onto the rest
        assert proc.wait(timeout=60) == 0, f"worker {leaving} did not stop cleanly"
        if leaving == 1:
            progress(30)
    assert publisher.poll() is None, "the stream ended before the last worker left"
    left = time.monotonic()
    out, err = publisher.communicate(timeout=300)
    assert publisher.returncode == 0, err[-2000:]
    assert json.loads(out)["sent"] == len(articles)
    _wait_count(run, es, len(articles), timeout_s=300)
    outcome = _outcome(
        "rebalance-1-2-3-1-workers", run, es, {a["id"] for a in articles}, letters=0, since=left
    )
    report.append(outcome)
    assert (outcome.lost, outcome.duplicated, outcome.dead_lettered) == (0, 0, 0)
    assert all(n > 0 for n in took.values()), f"a joining worker took no work: {took}"
    assert run.workers[0][0].poll() is None, "the first worker died"


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_elasticsearch_down_for_30_s_mid_stream(
    run: Run, es: Elasticsearch, stack: Stack, report: list[Outcome]
) -> None:
    first, during = _articles(5, "es-before"), _articles(3, "es-during")
    worker = run.start_worker()
    _publish(run, first)
    _wait_count(run, es, 20, timeout_s=180)
    assert stack.elasticsearch.stop()
    try:
        _publish(run, during)
        cpu = _cpu_seconds(worker.pid)
        # The outage itself: 30 s is the scenario, not a wait for something to happen.
        time.sleep(30)
        busy = _cpu_seconds(worker.pid) - cpu
        assert worker.poll() is None, "the worker died while Elasticsearch was down"
    finally:
        stack.up()
    back = time.monotonic()
    _wait_count(run, es, len(first) + len(during), timeout_s=300)
    expected = {a["id"] for a in first + during}
    outcome = _outcome("elasticsearch-down-30s", run, es, expected, letters=0, since=back)
    report.append(outcome)
    assert (outcome.lost, outcome.duplicated, outcome.dead_lettered) == (0, 0, 0)
    # Backing off, not spinning: well under a tenth of a core over the outage.
    assert busy < 3.0, f"the worker used {busy:.1f}s of CPU in 30 s of outage"
    log = run.workers[0][1].read_text()
    assert "pausing" in log and "resuming" in log


def test_hostile_input_mixed_into_the_stream(
    run: Run, es: Elasticsearch, report: list[Outcome]
) -> None:
    valid = _articles(2, "ok")
    nfd = unicodedata.normalize("NFD", "Mưa lớn ở Thừa Thiên Huế")
    extra_valid = [
        {"id": "nfd", "title": nfd, "content": nfd + ". " + nfd},
        {"id": "html", "title": "Tin <b>nóng</b>",
         "content": "<script>alert(1)</script><p>Hà Nội mưa.</p>"},
        {"id": "big", "title": "Bài dài", "content": "Hà Nội mưa lớn. " * 320_000},  # ~5 MB
        {"id": "same", "title": "Bản đầu", "content": "Nội dung đầu tiên về Hà Nội."},
    ]  # fmt: skip
    run.start_worker()
    _publish(run, valid + extra_valid)
    _publish(run, [{"id": "same", "title": "Bản sửa", "content": "Nội dung đã sửa về Hà Nội."}])
    nested = ('{"x":' * 5000 + "{}" + "}" * 5000).encode()
    invalid = [
        (b"bad-json", b"{not json"),
        (b"bad-utf8", b"\xff\xfe\x00"),
        (b"no-title", json.dumps({"content": "Thiếu tiêu đề."}).encode()),
        (b"empty", json.dumps({"title": "", "content": "x"}).encode()),
        (b"wrong-type", json.dumps({"title": 5, "content": ["x"]}).encode()),
        (b"nested", nested),
    ]
    run.produce(*invalid)
    run.produce((valid[0]["id"].encode(), None))  # a tombstone: the article goes
    expected = {a["id"] for a in valid + extra_valid} - {valid[0]["id"]}
    since = time.monotonic()
    deadline = since + 300
    while True:
        ids = set(_indexed_ids(es, run.alias))
        same = es.options(ignore_status=404).get(index=run.alias, id="same")
        if ids == expected and same.get("_source", {}).get("title") == "Bản sửa":
            break
        if time.monotonic() > deadline:
            missing, extra = sorted(expected - ids)[:5], sorted(ids - expected)[:5]
            run.fail_with_logs(f"missing {missing}, extra {extra}")
        time.sleep(0.5)  # polling interval of the deadline loop
    outcome = _outcome("hostile-input", run, es, expected, letters=len(invalid), since=since)
    outcome.published = len(valid) + len(extra_valid) + 1 + len(invalid) + 1
    report.append(outcome)
    letters = {letter.key_b64: letter for letter in run.dead_letters(len(invalid))}
    assert set(letters) == {DeadLetter.encode(key) for key, _ in invalid}
    assert all(letter.reason for letter in letters.values())
    assert (outcome.lost, outcome.duplicated) == (0, 0)
    assert run.workers[0][0].poll() is None, "the worker died"
    html = es.get(index=run.alias, id="html")["_source"]
    assert "<script" not in html["content"] and "alert" not in html["content"]
    title = es.get(index=run.alias, id="nfd")["_source"]["title"]
    assert title == unicodedata.normalize("NFC", nfd)
    assert len(es.get(index=run.alias, id="big")["_source"]["content"]) > 5_000_000
