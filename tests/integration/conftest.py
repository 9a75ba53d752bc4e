"""Fixtures on the real stack: Kafka and Elasticsearch started by tinstream itself.

If the stack cannot start, every integration test fails with the reason (never
skips). Each test gets its own topics, consumer group and index alias, so tests
neither see each other's articles nor depend on order.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from config import Settings
from deploy.local import Stack, StackError
from deploy.local.harness import PrivateRun
from indexers.client import make_client
from streams.kafka import ensure_topics, kafka_python_config, make_producer
from streams.records import DeadLetter

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "deploy" / "samples" / "articles.jsonl"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="session")
def stack(settings: Settings) -> Stack:
    stack = Stack(settings.stack)
    try:
        stack.up()
    except StackError as exc:
        pytest.fail(f"the local stack did not start: {exc}", pytrace=False)
    return stack


@pytest.fixture(scope="session")
def es(settings: Settings, stack: Stack) -> Iterator[Elasticsearch]:
    client = make_client(settings.elasticsearch)
    yield client
    client.close()


class Run(PrivateRun):
    """One test's private pipeline (deploy.local.harness), failing through pytest."""

    def fail(self, message: str) -> None:
        pytest.fail(f"{message}\n{self.logs()}")

    def fail_with_logs(self, message: str) -> None:
        self.fail(message)

    def metric(self, worker: int, name: str) -> float:
        """A sample's value from the worker's /metrics (0 when absent)."""
        status, body = self.get(worker, "/metrics")
        assert status == 200, f"/metrics of worker {worker} answered {status}"
        for line in body.decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
        return 0.0

    def publish(self, articles: Iterable[dict[str, Any]]) -> None:
        """``tinstream publish -``: these articles, as JSON Lines on stdin."""
        result = self.cli("publish", "-", input=jsonl(articles))
        assert result.returncode == 0, result.stdout + result.stderr

    def publish_samples(self) -> list[str]:
        result = self.cli("publish", str(SAMPLES), "--json")
        assert result.returncode == 0, result.stderr
        return list(json.loads(result.stdout)["ids"])

    def produce(
        self,
        *messages: tuple[bytes | None, bytes | None],
        topic: str | None = None,
        partition: int | None = None,
        timestamp_ms: int | None = None,
        headers: list[tuple[str, bytes]] | None = None,
    ) -> None:
        """Send raw (key, value) messages, bypassing the publisher's validation;
        ``timestamp_ms``: their publish time (an old copy of an article)."""
        ensure_topics(self.settings.kafka, self.topics())
        producer = make_producer(self.settings.kafka)
        try:
            for key, value in messages:
                producer.send(
                    topic or self.raw,
                    key=key,
                    value=value,
                    partition=partition,
                    timestamp_ms=timestamp_ms,
                    headers=headers or None,
                )
            producer.flush(timeout=30)
        finally:
            producer.close()

    def dead_letters(self, expected: int, timeout_s: float = 60.0) -> list[DeadLetter]:
        """Read the dead-letter topic until ``expected`` letters arrived or the deadline."""
        from kafka import KafkaConsumer

        consumer = KafkaConsumer(
            self.dead_letter,
            **kafka_python_config(self.settings.kafka),
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            consumer_timeout_ms=1000,
        )
        letters: list[DeadLetter] = []
        deadline = time.monotonic() + timeout_s
        try:
            while len(letters) < expected and time.monotonic() < deadline:
                letters.extend(DeadLetter.from_bytes(m.value) for m in consumer)
        finally:
            consumer.close()
        return letters

    def wait_indexed(self, es: Elasticsearch, ids: list[str], timeout_s: float = 120.0) -> None:
        from indexers.search import wait_until_searchable

        present = wait_until_searchable(es, self.alias, ids, timeout_s=timeout_s)
        if present < len(ids):
            self.fail_with_logs(
                f"only {present}/{len(ids)} articles searchable in {timeout_s}s\n"
                + self.where_missing(es, ids)
            )
        es.indices.refresh(index=self.alias)

    def where_missing(self, es: Elasticsearch, ids: list[str]) -> str:
        """For a failure message: the ids not indexed, where each sits in the raw and
        enriched topics, and the group's committed offsets (is it lost upstream, or
        was its offset committed past it?)."""
        from kafka import KafkaConsumer

        try:
            es.indices.refresh(index=self.alias)
            found = es.search(
                index=self.alias, query={"ids": {"values": ids}}, size=len(ids), source=False
            )
            missing = sorted(set(ids) - {h["_id"] for h in found["hits"]["hits"]})
            lines = [f"missing ids: {missing}"]
            wanted = {m.encode() for m in missing}
            for topic in (self.raw, self.enriched):
                consumer = KafkaConsumer(
                    topic,
                    **kafka_python_config(self.settings.kafka),
                    auto_offset_reset="earliest",
                    enable_auto_commit=False,
                    consumer_timeout_ms=2000,
                )
                try:
                    at = [(m.key, m.partition, m.offset) for m in consumer if m.key in wanted]
                finally:
                    consumer.close()
                lines.append(f"{topic}: {at}")
            committed = [(t, p, c) for (t, p), (c, _) in sorted(self.offsets().items())]
            lines.append(f"committed: {committed}")
            return "\n".join(lines)
        except Exception as exc:  # noqa: BLE001 - a diagnosis must not hide the failure
            return f"(where the missing ids are could not be told: {exc!r})"

    def offsets(self) -> dict[tuple[str, int], tuple[int | None, int]]:
        """(committed, end) offsets of every raw and enriched partition, read without
        joining the group."""
        from kafka import KafkaConsumer, TopicPartition

        reader = KafkaConsumer(
            **kafka_python_config(self.settings.kafka),
            group_id=self.app_id,
            enable_auto_commit=False,
        )
        try:
            tps = [
                TopicPartition(topic, p)
                for topic in (self.raw, self.enriched)
                for p in sorted(reader.partitions_for_topic(topic) or ())
            ]
            ends = reader.end_offsets(tps)
            return {(tp.topic, tp.partition): (reader.committed(tp), ends[tp]) for tp in tps}
        finally:
            reader.close()

    def backlog(self) -> int:
        """Raw and enriched messages past the group's committed offsets: 0 once the
        workers processed and committed everything (a record a worker skipped keeps
        its partition's commit below it for good)."""
        return sum(end - (committed or 0) for committed, end in self.offsets().values())


@pytest.fixture
def make_run(
    settings: Settings, stack: Stack, es: Elasticsearch, tmp_path: Path
) -> Iterator[Callable[..., Run]]:
    """Runs with other settings (say, another Kafka cluster); each is stopped and its
    indices deleted at the end of the test."""
    runs: list[Run] = []

    def make(run_settings: Settings = settings, **fields: Any) -> Run:
        runs.append(Run(run_settings, tmp_path / f"run-{len(runs)}", **fields))
        runs[-1].tmp.mkdir()
        return runs[-1]

    yield make
    for r in runs:
        r.stop()
        # Wildcard deletes are refused (action.destructive_requires_name): name each index.
        for alias in (r.alias, r.lag_alias):
            for index in es.indices.get(index=f"{alias}-v*", allow_no_indices=True):
                es.indices.delete(index=index)
            es.options(ignore_status=404).indices.delete_index_template(name=alias)


@pytest.fixture
def run(make_run: Callable[..., Run]) -> Run:
    return make_run()


def jsonl(articles: Iterable[dict[str, Any]]) -> str:
    """Articles as JSON Lines, what ``tinstream publish`` reads."""
    return "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles)


def sample_articles() -> list[dict[str, Any]]:
    return [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines()]
