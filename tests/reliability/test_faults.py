"""Elasticsearch refusing writes, a worker stopped mid-write, and a bad network.

- flood stage: the disk watermark's ``read_only_allow_delete`` block on the index
  mid-stream (Elasticsearch answers each item 429 cluster_block_exception);
- SIGTERM to a worker while a bulk request is in flight: it shuts down gracefully,
  within its deadline, and a second worker finishes the stream;
- the network between the worker and Elasticsearch slow, then dropping every
  packet, then cutting every connection, through ``tests/reliability/proxy.py``.

Each publishes a known set of articles and checks Elasticsearch and the
dead-letter topic exactly (tests/reliability/scenario.py).
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from elasticsearch import Elasticsearch

from config import Settings
from streams.kafka import ensure_topics
from tests.integration.conftest import Run
from tests.reliability.conftest import Outcome
from tests.reliability.proxy import TcpProxy
from tests.reliability.scenario import (
    count,
    measure,
    sample_copies,
    settle_paced,
    start_paced,
    wait_count,
    wait_for,
    wait_log,
)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.reliability,
    pytest.mark.chaos_only,
    pytest.mark.timeout(300),
]

# A worker stops within this after SIGTERM, a bulk write in flight included.
SHUTDOWN_DEADLINE_S = 30.0
_FLOOD = "index.blocks.read_only_allow_delete"


@pytest.fixture
def proxy(settings: Settings) -> Iterator[TcpProxy]:
    """A TCP proxy in front of the test stack's Elasticsearch."""
    url = urlsplit(settings.elasticsearch.url)
    with TcpProxy(url.hostname or "127.0.0.1", url.port or 9200) as proxy:
        yield proxy


def test_flood_stage_block_mid_stream(run: Run, es: Elasticsearch, report: list[Outcome]) -> None:
    """Writes pause and are retried while the index is read-only, none is
    dead-lettered, and the stream resumes once the block is lifted."""
    first, during = sample_copies(2, "flood-before"), sample_copies(2, "flood-during")
    run.start_worker()
    run.publish(first)
    wait_count(run, es, len(first), timeout_s=180)
    gone = first[0]["id"]
    es.indices.put_settings(index=run.alias, settings={_FLOOD: True})
    try:
        run.publish(during)
        run.produce((gone.encode(), None))  # a delete is refused by the block too
        wait_log(run, 0, "flood-stage watermark", timeout_s=120)
        wait_log(run, 0, "pausing", timeout_s=10)
        assert count(es, run.alias) == len(first), "a write passed the block"
        assert run.workers[0][0].poll() is None, "the worker died on the block"
    finally:
        es.indices.put_settings(index=run.alias, settings={_FLOOD: None})
    lifted = time.monotonic()
    expected = {a["id"] for a in first + during} - {gone}
    wait_for(
        "every article but the deleted one",
        lambda: _searchable(es, run) == expected,
        run,
        timeout_s=120,
    )
    outcome = measure("elasticsearch-flood-stage", run, es, expected, letters=0, since=lifted)
    outcome.published += 2  # the deleted article and its tombstone
    report.append(outcome)
    assert (outcome.lost, outcome.duplicated, outcome.dead_lettered) == (0, 0, 0)
    wait_log(run, 0, "resuming", timeout_s=10)


def test_sigterm_while_a_bulk_request_is_in_flight(
    make_run: Callable[..., Run], es: Elasticsearch, proxy: TcpProxy, report: list[Outcome]
) -> None:
    """The write in flight gets its answer before the worker exits (0, within the
    deadline); a second worker indexes the rest, nothing lost or doubled."""
    run = make_run(lag_history=False)  # the only bulk writes are the articles'
    articles = sample_copies(3, "term")
    ensure_topics(run.settings.kafka, run.topics())
    worker = run.start_worker(TINSTREAM_ES_URL=proxy.url)
    run.wait_ready(0)
    proxy.set_latency(1.5)  # each way: a bulk stays in flight for 3 s
    run.publish(articles)
    wait_for("a bulk request in flight", lambda: proxy.state.bulk_in_flight > 0, run, 180)
    answered = proxy.state.bulk_answered
    worker.send_signal(signal.SIGTERM)
    term = time.monotonic()
    code = worker.wait(timeout=SHUTDOWN_DEADLINE_S + 30)
    stopped_s = time.monotonic() - term
    assert code == 0, f"the worker exited with {code}\n{run.logs()}"
    assert stopped_s < SHUTDOWN_DEADLINE_S, f"the worker took {stopped_s:.1f}s to stop"
    # The write in flight was answered, not abandoned.
    assert proxy.state.bulk_answered > answered and proxy.state.bulk_in_flight == 0
    assert "failed while shutting down" not in run.workers[0][1].read_text()
    proxy.heal()
    run.start_worker()
    wait_count(run, es, len(articles), timeout_s=180)
    outcome = measure(
        "sigterm-bulk-in-flight", run, es, {a["id"] for a in articles}, letters=0, since=term
    )
    outcome.notes = f"shutdown_s={stopped_s:.1f}"
    report.append(outcome)
    assert (outcome.lost, outcome.duplicated, outcome.dead_lettered) == (0, 0, 0)


def test_slow_then_partitioned_network_to_elasticsearch(
    make_run: Callable[..., Run], es: Elasticsearch, proxy: TcpProxy, report: list[Outcome]
) -> None:
    """300 ms each way, then every packet dropped for 8 s (requests time out), then
    every connection reset and refused for 6 s: the worker waits it out and
    catches up."""
    run = make_run(lag_history=False)
    articles = sample_copies(4, "net")
    ensure_topics(run.settings.kafka, run.topics())
    worker = run.start_worker(TINSTREAM_ES_URL=proxy.url, TINSTREAM_ES_REQUEST_TIMEOUT_S="4")
    run.wait_ready(0)
    publisher = start_paced(run, articles, per_s=8)
    wait_count(run, es, 16, timeout_s=180)
    proxy.set_latency(0.3)
    wait_count(run, es, count(es, run.alias) + 16, timeout_s=120)
    proxy.blackhole()
    # The outages themselves: their length is the scenario, not a wait for something.
    time.sleep(8)
    proxy.cut()
    time.sleep(6)
    assert worker.poll() is None, "the worker died while the network was down"
    proxy.heal()
    healed = time.monotonic()
    settle_paced(
        "network-slow-dropped-cut",
        run,
        es,
        publisher=publisher,
        articles=articles,
        since=healed,
        report=report,
    )
    log = run.workers[0][1].read_text()
    assert "pausing" in log and "resuming" in log
    assert worker.poll() is None


def _searchable(es: Elasticsearch, run: Run) -> set[str]:
    es.options(ignore_status=[404, 503]).indices.refresh(index=run.alias)
    hits = es.search(index=run.alias, query={"match_all": {}}, size=10_000, source=False)
    return {h["_id"] for h in hits["hits"]["hits"]}
