"""Settings classes, one per concern, all frozen and all under ``TINSTREAM_``.

Credentials are ``SecretStr`` so that a settings object printed in a log line or
a traceback shows ``'**********'`` instead of the secret.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Enrichment processes per worker: the most one may ask for, and the most "auto"
# picks (each process holds its own models, about 250 MiB).
PROCESSES_MAX = 64
AUTO_PROCESSES_MAX = 8


def _available_cpus() -> int:
    # The CPUs this process may run on (a container's or taskset's limit), where the
    # platform tells (Linux); otherwise the machine's.
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _config(prefix: str) -> SettingsConfigDict:
    return SettingsConfigDict(
        env_prefix=f"TINSTREAM_{prefix}",
        frozen=True,
        extra="ignore",
        env_file=None,
    )


def _default_cache_dir() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "tinstream"


class KafkaSettings(BaseSettings):
    """How every tinstream client (producer, admin, Faust worker) reaches Kafka."""

    model_config = _config("KAFKA_")

    bootstrap_servers: str = "127.0.0.1:19092"
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_cafile: Path | None = None
    client_id: str = "tinstream"
    request_timeout_s: float = 30.0

    def servers(self) -> list[str]:
        return [s.strip() for s in self.bootstrap_servers.split(",") if s.strip()]


class TopicSettings(BaseSettings):
    """Names and shape of the pipeline's topics (created by the app when missing)."""

    model_config = _config("TOPIC_")

    raw: str = "news.raw"
    enriched: str = "news.enriched"
    dead_letter: str = "news.dead-letter"
    partitions: int = Field(default=6, ge=1)
    replication_factor: int = Field(default=1, ge=1)
    # Set on the topics tinstream creates; None keeps the broker's default. With
    # acks=all, a write then needs this many replicas in sync, or it is refused
    # (and retried) rather than acknowledged by too few.
    min_insync_replicas: int | None = Field(default=None, ge=1)


class ElasticsearchSettings(BaseSettings):
    """How to reach Elasticsearch and which alias holds the articles."""

    model_config = _config("ES_")

    # One node's URL, or several comma-separated (the nodes of one cluster): the
    # client sends each request to one of them and retries another when it fails.
    url: str = "http://127.0.0.1:19200"
    api_key: SecretStr | None = None
    username: str | None = None
    password: SecretStr | None = None
    ca_certs: Path | None = None
    verify_certs: bool = True
    alias: str = "news-articles"
    shards: int = Field(default=1, ge=1)
    replicas: int = Field(default=0, ge=0)
    request_timeout_s: float = 30.0

    def hosts(self) -> list[str]:
        """The node URLs in ``url``, in order."""
        return [u.strip() for u in self.url.split(",") if u.strip()]


class KibanaSettings(BaseSettings):
    """How ``tinstream kibana import`` reaches Kibana."""

    model_config = _config("KIBANA_")

    url: str = "http://127.0.0.1:5601"
    api_key: SecretStr | None = None
    username: str | None = None
    password: SecretStr | None = None
    # A Kibana space other than the default one.
    space: str | None = None
    ca_certs: Path | None = None
    request_timeout_s: float = 60.0


class IndexerSettings(BaseSettings):
    """Bulk batching and retry policy of the indexer agent."""

    model_config = _config("INDEXER_")

    batch_max_docs: int = Field(default=500, ge=1)
    batch_max_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    linger_s: float = Field(default=0.5, gt=0)
    # Bulk requests in flight at once: the next batches are gathered meanwhile.
    max_inflight_batches: int = Field(default=2, ge=1, le=16)
    retry_initial_s: float = Field(default=0.2, gt=0)
    retry_max_s: float = Field(default=30.0, gt=0)
    refresh: Literal["false", "true", "wait_for"] = "false"


class EnrichmentSettings(BaseSettings):
    """What the enricher computes and how much of an article it reads."""

    model_config = _config("ENRICH_")

    max_keywords: int = Field(default=10, ge=0)
    # Beyond this many characters of content the NLP reads no further (the text
    # itself is still indexed whole); bounds the time one hostile article can take.
    max_nlp_chars: int = Field(default=20_000, ge=1000)
    # Content beyond this many characters is indexed as syllables only, not also
    # as words (the *_words fields), which bounds the segmenter's time.
    max_segmented_chars: int = Field(default=100_000, ge=0)
    # "tinstream": the project's own CRF (trained on VLSP 2016, see its model card);
    # "underthesea": underthesea's stock tagger, for comparison.
    ner_model: Literal["tinstream", "underthesea"] = "tinstream"
    # Processes the worker enriches in, each with its own models, so that the
    # CPU-bound NLP never holds the event loop's GIL (a thread beside the loop
    # made every socket call of the loop wait for the GIL: 0.69 of the bare NLP's
    # throughput, against 0.94 with one process). "auto": one per CPU the worker
    # may run on, at most AUTO_PROCESSES_MAX (with Kafka and Elasticsearch on the
    # same two CPUs, one process left the pipeline at 0.69-0.75 of the bare NLP,
    # two at 0.93: see docs/measurements.md). 0: in a thread of the worker process
    # (less memory, slower).
    processes: int | Literal["auto"] = "auto"

    @field_validator("processes")
    @classmethod
    def _processes_in_range(cls, value: int | str) -> int | str:
        if value != "auto" and not 0 <= int(value) <= PROCESSES_MAX:
            raise ValueError(f"processes must be 'auto' or 0..{PROCESSES_MAX}")
        return value

    @property
    def process_count(self) -> int:
        """The number of processes ``processes`` means on this machine."""
        if self.processes != "auto":
            return self.processes
        return min(_available_cpus(), AUTO_PROCESSES_MAX)


class LagSettings(BaseSettings):
    """How consumer lag is observed, judged and kept."""

    model_config = _config("LAG_")

    # Seconds between observations (the worker, lag-exporter and --watch).
    interval_s: float = Field(default=10.0, gt=0)
    # Observations per partition that Burrow's rules look at.
    window: int = Field(default=10, ge=2, le=1000)
    # Write each observation to Elasticsearch, for the trend in Kibana.
    history: bool = True
    history_alias: str = "tinstream-lag"


class WorkerSettings(BaseSettings):
    """The Faust worker process."""

    model_config = _config("WORKER_")

    app_id: str = "tinstream"
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=6066, ge=0, le=65535)
    data_dir: Path = Path(".stack/worker")
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    commit_interval_s: float = Field(default=1.0, gt=0)
    # When set, the search API asks for ``Authorization: Bearer <token>`` (401
    # otherwise); /health, /ready and /metrics stay open (see indexers/web/auth.py).
    api_token: SecretStr | None = None


class StackSettings(BaseSettings):
    """The local Kafka + Elasticsearch stack that ``tinstream stack`` runs."""

    model_config = _config("STACK_")

    dir: Path = Path(".stack")
    cache_dir: Path = Field(default_factory=_default_cache_dir)
    # Node n (from 1) of the Kafka cluster listens on kafka_port + 2(n-1) and
    # kafka_controller_port + 2(n-1). Every node is broker and KRaft controller.
    kafka_port: int = 19092
    kafka_controller_port: int = 19093
    kafka_brokers: int = Field(default=1, ge=1, le=9)
    # sasl_ssl: clients (and brokers, to each other) authenticate with SCRAM-SHA-512
    # over TLS signed by the stack's own CA (<dir>/tls/ca.pem). The user is created
    # when the cluster is formatted; its password comes from the environment only.
    kafka_security: Literal["plaintext", "sasl_ssl"] = "plaintext"
    kafka_sasl_username: str = "tinstream"
    kafka_sasl_password: SecretStr | None = None
    # Node n (from 1) of the Elasticsearch cluster listens on es_port + n-1 (HTTP)
    # and es_transport_port + n-1. One node runs with single-node discovery; 2 or 3
    # form a cluster in which every node is master-eligible and holds data.
    es_port: int = 19200
    es_transport_port: int = 19300
    es_nodes: int = Field(default=1, ge=1, le=3)
    # True: Elasticsearch with security on, HTTPS with a certificate from the stack's
    # CA (<dir>/tls/ca.pem), the superuser `elastic` with the password below (from
    # the environment only), and an API key for tinstream with only the privileges
    # it needs, written to <dir>/client.env (see deploy/local/es_security.py).
    es_security: bool = False
    es_password: SecretStr | None = None
    # The indices and aliases (comma-separated patterns) tinstream's key may create,
    # write, manage and read: the article alias's and the lag history's.
    es_client_indices: str = "news-*,tinstream-lag*"
    kafka_heap: str = "512m"
    es_heap: str = "1g"
    java_home: Path | None = None
    start_timeout_s: float = 180.0


class DataSettings(BaseSettings):
    """The shared data the models are trained and measured on (read by path, never
    copied): ``TINSTREAM_SHARED_DATA``, for ``train``, ``evaluate``, the benchmarks
    and the tests that read it."""

    model_config = _config("SHARED_")

    data: Path = Path("../shared/data")


class Settings(BaseSettings):
    """All settings, read once from the environment at the entry point."""

    model_config = _config("")

    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    topics: TopicSettings = Field(default_factory=TopicSettings)
    elasticsearch: ElasticsearchSettings = Field(default_factory=ElasticsearchSettings)
    indexer: IndexerSettings = Field(default_factory=IndexerSettings)
    kibana: KibanaSettings = Field(default_factory=KibanaSettings)
    lag: LagSettings = Field(default_factory=LagSettings)
    enrichment: EnrichmentSettings = Field(default_factory=EnrichmentSettings)
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    stack: StackSettings = Field(default_factory=StackSettings)
