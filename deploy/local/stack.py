"""``tinstream stack up|down|status|logs``: the local Kafka and Elasticsearch together."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from config import StackSettings
from deploy.local import process
from deploy.local.components import (
    MIN_JAVA,
    SASL_MECHANISM,
    Component,
    ElasticsearchNode,
    KafkaBroker,
    new_cluster_id,
)
from deploy.local.errors import StackError
from deploy.local.fetch import Versions, fetch_elasticsearch, fetch_kafka, pinned_versions
from deploy.local.java import find_java_home
from deploy.local.workers import Workers

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ComponentStatus:
    name: str
    version: str
    pid: int | None
    healthy: bool
    detail: str
    log_file: Path


class Stack:
    """The local stack. ``up`` is idempotent: a healthy running component is reused."""

    def __init__(self, settings: StackSettings, versions: Versions | None = None) -> None:
        self.settings = settings
        self.versions = versions or pinned_versions()
        self.brokers = tuple(KafkaBroker(settings, n) for n in range(1, settings.kafka_brokers + 1))
        self.kafka = self.brokers[0]
        self.es_nodes = tuple(
            ElasticsearchNode(settings, n) for n in range(1, settings.es_nodes + 1)
        )
        self.elasticsearch = self.es_nodes[0]
        self.workers = Workers(settings.dir)

    @property
    def components(self) -> tuple[Component, ...]:
        return (*self.brokers, *self.es_nodes)

    @property
    def bootstrap_servers(self) -> str:
        """What clients set as TINSTREAM_KAFKA_BOOTSTRAP_SERVERS."""
        return ",".join(f"127.0.0.1:{b.port}" for b in self.brokers)

    @property
    def es_url(self) -> str:
        """What clients set as TINSTREAM_ES_URL: every node's URL, comma-separated."""
        return ",".join(n.url for n in self.es_nodes)

    def client_env(self) -> dict[str, str]:
        """The TINSTREAM_KAFKA_* / TINSTREAM_TOPIC_* settings a client of this stack
        needs, the password excepted (it is the stack's TINSTREAM_STACK_KAFKA_SASL_PASSWORD,
        given to clients as TINSTREAM_KAFKA_SASL_PASSWORD and never printed)."""
        env = {"TINSTREAM_KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers}
        if len(self.brokers) > 1:
            env["TINSTREAM_TOPIC_REPLICATION_FACTOR"] = str(min(3, len(self.brokers)))
        if len(self.es_nodes) > 1:
            # A replica of every shard on another node: one node down loses nothing.
            env |= {"TINSTREAM_ES_URL": self.es_url, "TINSTREAM_ES_REPLICAS": "1"}
        if self.kafka.secured:
            env |= {
                "TINSTREAM_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
                "TINSTREAM_KAFKA_SASL_MECHANISM": SASL_MECHANISM,
                "TINSTREAM_KAFKA_SASL_USERNAME": self.settings.kafka_sasl_username,
                "TINSTREAM_KAFKA_SSL_CAFILE": str(self.kafka.tls_dir / "ca.pem"),
            }
        if self.elasticsearch.secured:
            # The API key is in client.env only (see ensure_client_env).
            env |= self.elasticsearch.client_env()
        return env

    def _version(self, component: Component) -> str:
        if isinstance(component, KafkaBroker):
            return self.versions.kafka
        return self.versions.elasticsearch

    def _cluster_id(self) -> str:
        """The id every node of this stack's Kafka cluster is formatted with."""
        path = self.settings.dir.resolve() / "kafka-cluster-id"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(new_cluster_id())
        return path.read_text().strip()

    def _wanted(self, *, kafka_only: bool, es_only: bool) -> tuple[Component, ...]:
        if kafka_only:
            return self.brokers
        return self.es_nodes if es_only else self.components

    def status(self, *, kafka_only: bool = False, es_only: bool = False) -> list[ComponentStatus]:
        out = []
        for c in self._wanted(kafka_only=kafka_only, es_only=es_only):
            health = c.health()
            out.append(
                ComponentStatus(
                    c.name, self._version(c), c.pid(), health.ok, health.detail, c.log_file
                )
            )
        return out

    def fetch(self) -> tuple[Path, Path]:
        cache = self.settings.cache_dir
        cache.mkdir(parents=True, exist_ok=True)
        return fetch_kafka(cache, self.versions), fetch_elasticsearch(cache, self.versions)

    def kafka_command(self, main_class: str, *args: str) -> list[str]:
        """The command line that runs one of Kafka's own tools (say, the
        ConsumerGroupCommand) with the fetched jars and the stack's Java."""
        kafka_libs = fetch_kafka(self.settings.cache_dir, self.versions)
        java = find_java_home(MIN_JAVA, self.settings.java_home) / "bin" / "java"
        return [str(java), "-cp", f"{kafka_libs}/*", main_class, *args]

    def up(
        self,
        on_progress: Callable[[str], None] = lambda _: None,
        *,
        kafka_only: bool = False,
        es_only: bool = False,
    ) -> list[ComponentStatus]:
        """Start what is not running, then wait until all answer; raise StackError if not.

        ``kafka_only`` / ``es_only``: the Kafka nodes / the Elasticsearch nodes alone
        (a second cluster beside a running stack)."""
        wanted = self._wanted(kafka_only=kafka_only, es_only=es_only)
        pending = [c for c in wanted if not c.health().ok]
        if not pending:
            on_progress("stack already running")
            self._client_env(on_progress, kafka_only=kafka_only)
            return self.status(kafka_only=kafka_only, es_only=es_only)
        on_progress("fetching components (cached after the first time)")
        kafka_libs, es_home = self.fetch()
        java_home = find_java_home(MIN_JAVA, self.settings.java_home)
        for component in pending:
            if component.pid() is None:
                on_progress(f"starting {component.name} {self._version(component)}")
                if isinstance(component, KafkaBroker):
                    component.cluster_id = self._cluster_id()
                    component.start(java_home, kafka_libs)
                else:
                    component.start(java_home, es_home)
            else:
                on_progress(f"{component.name} is starting (pid {component.pid()})")
        deadline = time.monotonic() + self.settings.start_timeout_s
        waiting = list(pending)
        while waiting:
            for component in list(waiting):
                # Dead first: a crashed server may leave its port to something that hangs.
                if component.pid() is None:
                    raise StackError(
                        component.name, "the process exited while starting", component.log_file
                    )
                if component.health().ok:
                    on_progress(f"{component.name} is up")
                    waiting.remove(component)
            if waiting and time.monotonic() > deadline:
                c = waiting[0]
                raise StackError(
                    c.name,
                    f"not healthy after {self.settings.start_timeout_s:.0f}s: {c.health().detail}",
                    c.log_file,
                )
            if waiting:
                time.sleep(0.5)
        self._client_env(on_progress, kafka_only=kafka_only)
        return self.status(kafka_only=kafka_only, es_only=es_only)

    def _client_env(self, on_progress: Callable[[str], None], *, kafka_only: bool) -> None:
        """With a secured Elasticsearch: its client settings, API key included, in
        ``client.env`` (a key the node still takes is kept)."""
        if self.elasticsearch.secured and not kafka_only:
            path = self.elasticsearch.ensure_client_env()
            on_progress(f"Elasticsearch client settings (API key included) in {path}")

    def down(self) -> list[str]:
        """Stop everything: the workers the stack started first (they use both), then
        Elasticsearch (nothing of it depends on Kafka), then Kafka; of each, the nodes
        of a bigger cluster started earlier from this directory too; return what stopped."""
        stopped = self.workers.stop_all()
        # Every node of a cluster at once, as Kafka's (a node stopped alone waits for
        # the others it can no longer reach).
        es_pids = {n.pid_file for n in self.es_nodes}
        es_pids |= set(self.settings.dir.resolve().glob("elasticsearch*/pid"))
        stopped += sorted(f.parent.name for f in process.stop_all(sorted(es_pids)))
        # Every Kafka node at once (see process.stop_all).
        pid_files = {b.pid_file for b in self.brokers}
        pid_files |= set(self.settings.dir.resolve().glob("kafka-*/pid"))
        stopped += sorted(f.parent.name for f in process.stop_all(sorted(pid_files)))
        return stopped
