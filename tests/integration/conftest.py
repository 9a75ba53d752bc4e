"""Fixtures on the real stack: Kafka and Elasticsearch started by tinstream itself.

If the stack cannot start, every integration test fails with the reason (never
skips). Each test gets its own topics, consumer group and index alias, so tests
neither see each other's articles nor depend on order.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from config import Settings, TopicSettings, to_env
from deploy.local import Stack, StackError
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


def http_get(port: int, path: str) -> tuple[int, bytes]:
    """GET a path on 127.0.0.1:port: (status, body); (0, b"") when nothing answers."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()
    except (urllib.error.URLError, OSError):
        return 0, b""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Run:
    """One test's private pipeline: names, environment and the workers it started."""

    settings: Settings
    tmp: Path
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:10])
    workers: list[tuple[subprocess.Popen[bytes], Path]] = field(default_factory=list)
    # Commands left running (start_cli): ended, and their pipes closed, by stop(), so a
    # failed test leaves neither a process nor an open pipe to a later one.
    clis: list[subprocess.Popen[str]] = field(default_factory=list)
    web_ports: list[int] = field(default_factory=list)
    # Of the topics the run creates (a 3-node cluster: 3 and 2).
    replication_factor: int = 1
    min_insync_replicas: int | None = None

    @property
    def raw(self) -> str:
        return f"t{self.run_id}.raw"

    @property
    def enriched(self) -> str:
        return f"t{self.run_id}.enriched"

    @property
    def dead_letter(self) -> str:
        return f"t{self.run_id}.dead-letter"

    @property
    def alias(self) -> str:
        return f"news-test-{self.run_id}"

    @property
    def lag_alias(self) -> str:
        return f"lag-test-{self.run_id}"

    def env(self) -> dict[str, str]:
        """The environment of this run's processes: its Kafka (secrets included), its
        own topics (the worker creates the same as topics() describes), alias, group
        and data directory."""
        settings = self.settings
        return {
            **os.environ,
            **to_env(
                settings.kafka,
                self.topics(),
                settings.elasticsearch.model_copy(update={"alias": self.alias}),
                settings.lag.model_copy(update={"history_alias": self.lag_alias}),
                settings.worker.model_copy(
                    update={
                        "app_id": f"tinstream-test-{self.run_id}",
                        "data_dir": self.tmp / "worker",
                    }
                ),
                settings.indexer.model_copy(update={"linger_s": 0.2}),
            ),
        }

    def topics(self) -> TopicSettings:
        return TopicSettings(
            raw=self.raw,
            enriched=self.enriched,
            dead_letter=self.dead_letter,
            partitions=3,
            replication_factor=self.replication_factor,
            min_insync_replicas=self.min_insync_replicas,
        )

    def cli(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "streams.cli", *args],
            env=self.env(),
            input=input,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def start_cli(self, *args: str, **pipes: Any) -> subprocess.Popen[str]:
        """A CLI command left running; by default its output is piped for communicate()."""
        pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **pipes}
        proc = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", *args],
            env=self.env(),
            stdin=subprocess.DEVNULL,
            text=True,
            **pipes,
        )
        self.clis.append(proc)
        return proc

    def start_worker(self, **extra_env: str) -> subprocess.Popen[bytes]:
        log = self.tmp / f"worker-{len(self.workers)}.log"
        port = free_port()
        self.web_ports.append(port)
        env = {**self.env(), "TINSTREAM_WORKER_WEB_PORT": str(port), **extra_env}
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "streams.cli", "worker"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        self.workers.append((proc, log))
        return proc

    def get(self, worker: int, path: str) -> tuple[int, bytes]:
        """GET a path of a worker's web server (see http_get)."""
        return http_get(self.web_ports[worker], path)

    def wait_ready(self, worker: int, timeout_s: float = 180.0) -> dict[str, Any]:
        """Poll the worker's /ready until it has partitions and Elasticsearch; its report."""
        deadline = time.monotonic() + timeout_s
        while (answer := self.get(worker, "/ready"))[0] != 200:
            if self.workers[worker][0].poll() is not None:
                self.fail_with_logs(f"worker {worker} exited while starting")
            if time.monotonic() > deadline:
                self.fail_with_logs(f"worker {worker} not ready after {timeout_s:.0f}s: {answer}")
            time.sleep(0.5)  # polling interval of the deadline loop
        return dict(json.loads(answer[1]))

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
    ) -> None:
        """Send raw (key, value) messages, bypassing the publisher's validation."""
        ensure_topics(self.settings.kafka, self.topics())
        producer = make_producer(self.settings.kafka)
        try:
            for key, value in messages:
                producer.send(topic or self.raw, key=key, value=value, partition=partition)
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
            self.fail_with_logs(f"only {present}/{len(ids)} articles searchable in {timeout_s}s")
        es.indices.refresh(index=self.alias)

    def fail_with_logs(self, message: str) -> None:
        logs = "\n".join(f"--- {log}\n{log.read_text()[-4000:]}" for _, log in self.workers)
        pytest.fail(f"{message}\n{logs}")

    def stop(self) -> None:
        for cli in self.clis:
            if cli.poll() is None:
                cli.kill()
            cli.communicate()  # reaps it and closes its pipes
        for proc, _ in self.workers:
            if proc.poll() is None:
                proc.terminate()
        for proc, _ in self.workers:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


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
