"""No article lost or duplicated: a worker killed with SIGKILL, a Kafka broker
restarted, workers joining and leaving, and Elasticsearch down for 30 s, with real
processes (hostile input: test_hostile.py).

Each scenario publishes a known set of articles, then checks Elasticsearch and
the dead-letter topic exactly: every valid article indexed once, every invalid
one dead-lettered with its reason, nothing else in the index.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
from elasticsearch import Elasticsearch

from deploy.local import Stack
from streams.kafka import ensure_topics
from tests.integration.conftest import Run
from tests.reliability.conftest import Outcome
from tests.reliability.scenario import (
    count,
    cpu_seconds,
    measure,
    sample_copies,
    settle_paced,
    start_paced,
    wait_count,
)

pytestmark = [pytest.mark.integration, pytest.mark.reliability, pytest.mark.timeout(600)]


def test_kill_9_mid_stream_then_restart(run: Run, es: Elasticsearch, report: list[Outcome]) -> None:
    articles = sample_copies(10, "kill")
    worker = run.start_worker()
    run.publish(articles)
    wait_count(run, es, 40, timeout_s=180)
    os.kill(worker.pid, signal.SIGKILL)  # no shutdown, no commit, mid-batch
    worker.wait(timeout=30)
    killed = time.monotonic()
    run.start_worker()
    wait_count(run, es, len(articles), timeout_s=300)
    outcome = measure("kill-9", run, es, {a["id"] for a in articles}, letters=0, since=killed)
    report.append(outcome)
    assert (outcome.lost, outcome.duplicated, outcome.dead_lettered) == (0, 0, 0)
    assert outcome.indexed == len(articles)


def test_kafka_broker_restart_mid_stream(
    run: Run, es: Elasticsearch, stack: Stack, report: list[Outcome]
) -> None:
    articles = sample_copies(10, "broker")
    ensure_topics(run.settings.kafka, run.topics())
    worker = run.start_worker()
    # Still publishing (16 s at 20 a second) while the broker goes down and comes back.
    publisher = start_paced(run, articles, per_s=20)
    wait_count(run, es, 40, timeout_s=180)
    assert publisher.poll() is None, "the publisher finished before the broker went down"
    cpu, down = cpu_seconds(worker.pid), time.monotonic()
    try:
        assert stack.kafka.stop()  # SIGTERM: a controlled shutdown, as in a rolling restart
    finally:
        stack.up()
    back = time.monotonic()
    busy = cpu_seconds(worker.pid) - cpu
    settle_paced(
        "kafka-broker-restart",
        run,
        es,
        publisher=publisher,
        articles=articles,
        since=back,
        report=report,
    )
    assert worker.poll() is None, "the worker died with the broker"
    # Retrying with a backoff, not spinning (see streams.fixes.kafka_clients).
    outage = back - down
    assert busy < 0.5 * outage, f"the worker used {busy:.1f}s of CPU in {outage:.1f}s"


def test_workers_joining_and_leaving_mid_stream(
    run: Run, es: Elasticsearch, report: list[Outcome]
) -> None:
    """One worker, then two, then three (one raw partition each), then two leave:
    five rebalances while articles keep coming."""
    articles = sample_copies(15, "rebalance")
    ensure_topics(run.settings.kafka, run.topics())
    run.start_worker()
    run.wait_ready(0)
    publisher = start_paced(run, articles, per_s=8)

    def progress(more: int) -> None:
        # Each step waits for the stream to move on, so every rebalance is mid-stream.
        wait_count(run, es, count(es, run.alias) + more, timeout_s=180)

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
    settle_paced(
        "rebalance-1-2-3-1-workers",
        run,
        es,
        publisher=publisher,
        articles=articles,
        since=left,
        report=report,
    )
    assert all(n > 0 for n in took.values()), f"a joining worker took no work: {took}"
    assert run.workers[0][0].poll() is None, "the first worker died"


def test_elasticsearch_down_for_30_s_mid_stream(
    run: Run, es: Elasticsearch, stack: Stack, report: list[Outcome]
) -> None:
    first, during = sample_copies(5, "es-before"), sample_copies(3, "es-during")
    worker = run.start_worker()
    run.publish(first)
    wait_count(run, es, 20, timeout_s=180)
    assert stack.elasticsearch.stop()
    try:
        run.publish(during)
        cpu = cpu_seconds(worker.pid)
        # The outage itself: 30 s is the scenario, not a wait for something to happen.
        time.sleep(30)
        busy = cpu_seconds(worker.pid) - cpu
        assert worker.poll() is None, "the worker died while Elasticsearch was down"
    finally:
        stack.up()
    back = time.monotonic()
    wait_count(run, es, len(first) + len(during), timeout_s=300)
    expected = {a["id"] for a in first + during}
    outcome = measure("elasticsearch-down-30s", run, es, expected, letters=0, since=back)
    report.append(outcome)
    assert (outcome.lost, outcome.duplicated, outcome.dead_lettered) == (0, 0, 0)
    # Backing off, not spinning: well under a tenth of a core over the outage.
    assert busy < 3.0, f"the worker used {busy:.1f}s of CPU in 30 s of outage"
    log = run.workers[0][1].read_text()
    assert "pausing" in log and "resuming" in log
