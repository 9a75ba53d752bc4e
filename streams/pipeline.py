"""The Faust application: the enrichment agent and the indexer agent.

Topics carry raw bytes and tinstream decodes them itself, so that every message
that cannot be decoded, validated, enriched or indexed reaches the dead-letter
topic with its reason instead of being skipped by a serialiser.

Delivery: the enrichment agent acks a raw message once Kafka has taken its
result (enriched article or dead letter), not when it is handed to the producer:
Faust's periodic commits, and its commit on stop, do not wait for the producer.
The indexer agent acks an enriched message
only once Elasticsearch acknowledged its document (or it was dead-lettered), and
Faust commits only offsets below the first unacked one. Every document is written
under the article id, so a message seen twice after a crash is written twice to
the same document, never duplicated; and with the raw message's publish time and
offset as its external version, so a late older copy never replaces a newer one.
While Elasticsearch cannot take writes, the enriched partitions are paused.
"""

from __future__ import annotations

import asyncio
import logging
import os
import warnings
from collections.abc import Awaitable
from typing import Any

import faust
from elasticsearch import AsyncElasticsearch
from faust.sensors.prometheus import setup_prometheus_sensors
from prometheus_client import CollectorRegistry

from config import Settings
from indexers.access import auth_message
from indexers.bulk import BulkWriter
from indexers.document import DocumentBuilder
from indexers.lag_history import LagHistoryReader, LagHistoryWriter
from indexers.search_async import AsyncArticleSearch
from indexers.web import add_pages, add_views
from indexers.web.auth import require_token
from streams.deadletter import dead_letter, headers
from streams.duplicates import NearDuplicates
from streams.errors import NotDelivered
from streams.fixes.faust_consumer import Transport as FixedTransport
from streams.kafka import MAX_MESSAGE_BYTES, faust_broker_options
from streams.lag.collector import LagMonitor
from streams.lag.prometheus import LagMetrics
from streams.lag.recorder import LagRecorder
from streams.metrics import PipelineMetrics
from streams.records import Stage
from streams.stages.enrich import EnrichStage
from streams.stages.index import IndexStage
from streams.stages.runners import EnrichmentRunner
from streams.status import PipelineStatus

log = logging.getLogger(__name__)

# What the enriched topic takes in one message, less room for the record's framing.
_ENRICHED_MAX_BYTES = MAX_MESSAGE_BYTES - 64 * 1024


class Pipeline:
    """Builds the Faust app and its agents from settings and injected dependencies.

    Args:
        settings: all settings, read once by the caller.
        enrichment: runs the enrichment of every raw article off the event loop.
        es: the async Elasticsearch client the indexer writes with.
        documents: adds the folded and word-segmented search fields to each document.
        search: answers the web server's search and related-articles requests.
        registry: the Prometheus registry ``/metrics`` serves (the worker's own).
        lag: observes this worker's consumer group for the lag gauges and history;
            None: no lag observation.
    """

    def __init__(
        self,
        settings: Settings,
        enrichment: EnrichmentRunner,
        es: AsyncElasticsearch,
        documents: DocumentBuilder,
        search: AsyncArticleSearch,
        *,
        registry: CollectorRegistry,
        lag: LagMonitor | None = None,
    ) -> None:
        self.settings = settings
        self._documents = documents
        self._search = search
        self.registry = registry
        self.metrics = PipelineMetrics(registry)
        # What the /pipeline page shows, fed by the lag timer and the dead letters.
        self.status = PipelineStatus(
            settings.worker.app_id,
            self.counts,
            LagHistoryReader(es, settings.lag.history_alias) if settings.lag.history else None,
        )
        # Observing the lag, its gauges and its history: the exporter's code path too.
        self._lag: LagRecorder | None = None
        if lag is not None:
            lag_metrics = LagMetrics()
            registry.register(lag_metrics)
            history = (
                LagHistoryWriter(es, settings.lag.history_alias) if settings.lag.history else None
            )
            self._lag = LagRecorder(lag, lag_metrics, history, observers=[self.status.observed])
        self._enrichment = enrichment
        self._es = es
        self._index_stream: Any = None
        self._last_stats = ""
        self.app = self._build_app()
        self.writer = BulkWriter(
            es,
            settings.elasticsearch.alias,
            settings.indexer,
            on_unavailable=self._pause_indexing,
            on_available=self._resume_indexing,
            describe_refusal=lambda status, reason: auth_message(
                status, reason, settings.elasticsearch
            ),
        )
        self.enrich = EnrichStage(
            enrichment,
            self._send_enriched,
            self._dead_letter,
            self.duplicates.check,
            self.metrics,
            max_bytes=_ENRICHED_MAX_BYTES,
        )
        self.index = IndexStage(
            self.writer,
            documents,
            settings.indexer,
            self.metrics,
            self._dead_letter,
            input_drained=self._input_drained,
        )

    def _build_app(self) -> faust.App:
        s = self.settings
        app = faust.App(
            s.worker.app_id,
            **faust_broker_options(s.kafka),
            store="memory://",
            autodiscover=False,
            datadir=str(s.worker.data_dir),
            web_host=s.worker.web_host,
            web_port=s.worker.web_port,
            web_bind=s.worker.web_host,
            topic_partitions=s.topics.partitions,
            topic_replication_factor=s.topics.replication_factor,
            topic_allow_declare=True,
            consumer_auto_offset_reset="earliest",
            broker_commit_interval=s.worker.commit_interval_s,
            producer_acks=-1,
            # The owner `tinstream lag` and kafka-consumer-groups.sh show.
            broker_client_id=s.kafka.client_id,
            producer_max_request_size=MAX_MESSAGE_BYTES,
            consumer_max_fetch_size=MAX_MESSAGE_BYTES,
            stream_buffer_maxsize=max(4096, 2 * s.indexer.batch_max_docs),
        )
        # Faust's consumer with tinstream's offset fixes, made by this transport
        # (set before anything creates the app's consumer): without them a
        # rebalance or a pause could commit articles never processed.
        app.transport = FixedTransport(app.conf.broker_consumer, app)
        topic_options: dict[str, Any] = {
            "key_serializer": "raw",
            "value_serializer": "raw",
            "allow_empty": True,
        }
        self.raw_topic = app.topic(s.topics.raw, **topic_options)
        self.enriched_topic = app.topic(s.topics.enriched, **topic_options)
        self.dead_letter_topic = app.topic(s.topics.dead_letter, **topic_options)
        self.fingerprints = app.GlobalTable(
            "near-duplicates", default=None, partitions=s.topics.partitions
        )
        self.duplicates = NearDuplicates(self.fingerprints)
        # One article more in flight than there are processes to enrich them, so
        # that no process idles while the event loop hands over the next one.
        in_flight = max(1, s.enrichment.process_count) + 1
        app.agent(self.raw_topic, name="enrich", concurrency=in_flight)(self._enrich_agent)
        app.agent(self.enriched_topic, name="index")(self._index_agent)
        # Frequent: it also sends a batch gathered while a write was in flight.
        app.timer(interval=min(0.05, s.indexer.linger_s / 2), name="index-linger")(
            self._flush_if_lingering
        )
        app.timer(interval=30.0, name="log-stats")(self._log_stats)
        app.timer(interval=s.lag.interval_s, name="observe-lag")(self._observe_lag)
        # Faust's own sensors, in the same registry as ours, at /metrics.
        setup_prometheus_sensors(app, "/metrics", self.registry, "tinstream_faust")
        add_views(app, self._search, self.readiness)
        add_pages(app, self.status.snapshot)
        # Every route but the open ones (health, readiness, metrics, OpenAPI), pages too.
        require_token(app, s.worker.api_token)
        # Fired after the consumer stopped: nothing will use the clients any more.
        app.on_before_shutdown.connect(self._on_shutdown)
        return app

    def counts(self) -> dict[str, float]:
        """This worker's counters, by name, as /metrics reports them."""
        out = {}
        for metric in self.registry.collect():
            for sample in metric.samples:
                ours = not sample.name.startswith(("tinstream_faust_", "tinstream_consumer_"))
                if ours and sample.name.startswith("tinstream_") and sample.name.endswith("_total"):
                    label = "_".join(sample.labels.values())
                    name = sample.name[len("tinstream_") : -len("_total")]
                    out[f"{name}:{label}" if label else name] = sample.value
        return out

    async def _log_stats(self) -> None:
        current = " ".join(f"{k}={v:.0f}" for k, v in sorted(self.counts().items()) if v)
        if current != self._last_stats:
            self._last_stats = current
            log.info("counts: %s", current or "nothing yet")

    async def _observe_lag(self) -> None:
        """Observe this worker's group (off the event loop: kafka-python blocks),
        update the lag gauges and append the observation to the history index."""
        if self._lag is None:
            return
        await self._lag.record([self.settings.worker.app_id])

    async def readiness(self) -> dict[str, Any]:
        """Ready when partitions are assigned (so Kafka is reachable and the group
        joined) and Elasticsearch answers."""
        try:
            partitions = len(self.app.consumer.assignment())
        except Exception:  # noqa: BLE001 - the consumer is not started yet
            partitions = 0
        try:
            await self._es.options(request_timeout=2).cluster.health()
            elasticsearch = True
        except Exception:  # noqa: BLE001 - any failure means not reachable
            elasticsearch = False
        return {
            "ready": partitions > 0 and elasticsearch,
            "kafka": partitions > 0,
            "elasticsearch": elasticsearch,
            "partitions": partitions,
            # Which process answered: `tinstream demo` checks it is the worker it started.
            "pid": os.getpid(),
        }

    async def _on_shutdown(self, sender: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        await self.close()

    # -- dead letters -----------------------------------------------------------------

    async def _dead_letter(
        self,
        message: Any,
        *,
        stage: Stage,
        exc: BaseException | None = None,
        reason: str | None = None,
        retriable: bool = False,
        article_id: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        reason = reason or (str(exc) if exc is not None else "unknown")
        error_type = type(exc).__name__ if exc is not None else "Error"
        timestamp = getattr(message, "timestamp", None)
        letter = dead_letter(
            stage=stage,
            reason=reason,
            error_type=error_type,
            retriable=retriable,
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            timestamp_ms=int(timestamp * 1000) if timestamp else None,
            key=message.key,
            value=message.value,
            article_id=article_id,
            details=details,
        )
        log.warning(
            "dead-lettered %s[%d]@%d at stage %s: %s",
            message.topic,
            message.partition,
            message.offset,
            stage,
            reason[:300],
        )
        await _delivered(
            self.dead_letter_topic.send(
                key=message.key, value=letter.to_bytes(), headers=headers(letter)
            ),
            self.settings.topics.dead_letter,
        )
        self.metrics.dead_letters.labels(stage).inc()
        self.status.dead_lettered(stage, reason, article_id)

    # -- enrichment -------------------------------------------------------------------

    async def _enrich_agent(self, stream: Any) -> None:
        # Manual acks: Faust acks an event in a ``finally`` after its ``yield``, so an
        # agent cancelled mid-article (a stop that does not wait for the streams, as
        # when Elasticsearch holds a batch: see stopping()) would ack an article it
        # never enriched, and the commit on stop would skip it for good.
        async for event in stream.noack().events():
            try:
                await self.enrich_message(event.message)
            except (asyncio.CancelledError, NotDelivered):
                # Stopping mid-article, or Kafka did not take its result: unacked,
                # so the commit stays below it and the next worker enriches it.
                raise
            except BaseException:
                event.ack()  # as Faust would: a crashed article must not stall its partition
                raise
            event.ack()

    async def enrich_message(self, message: Any) -> None:
        await self.enrich.handle(message)

    async def _send_enriched(
        self, key: bytes, value: bytes | None, headers: list[tuple[str, bytes]]
    ) -> None:
        await _delivered(
            self.enriched_topic.send(key=key, value=value, headers=headers or None),
            self.settings.topics.enriched,
        )

    # -- indexing ---------------------------------------------------------------------

    def _input_drained(self) -> bool:
        """Nothing more is buffered for the indexer: send what it has now."""
        stream = self._index_stream
        return stream is not None and stream.channel.empty()

    async def _index_agent(self, stream: Any) -> None:
        self._index_stream = stream
        # Manual acks: the stage acks an event when its document's outcome is final.
        async for event in stream.noack().events():
            await self.index.handle(event)

    async def _flush_if_lingering(self) -> None:
        await self.index.flush_if_lingering()

    def _indexing_partitions(self) -> set[Any]:
        topic = self.settings.topics.enriched
        return {tp for tp in self.app.consumer.assignment() if tp.topic == topic}

    def _pause_indexing(self) -> None:
        # Stop fetching what cannot be written; the offsets stay where they are
        # because nothing past the batch being retried is acked.
        partitions = self._indexing_partitions()
        log.warning("pausing %d enriched partitions until Elasticsearch is back", len(partitions))
        self.app.consumer.pause_partitions(partitions)

    def _resume_indexing(self) -> None:
        partitions = self._indexing_partitions()
        log.info("resuming %d enriched partitions", len(partitions))
        self.app.consumer.resume_partitions(partitions)

    def stopping(self) -> None:
        """The worker was asked to stop (before Faust stops the consumer).

        A batch waiting for Elasticsearch (down, or refusing the key) would keep
        Faust's shutdown waiting for its events forever (``stream_wait_empty``).
        This worker will not write it: give it up, unacked, and do not wait for its
        events. Faust then commits only what was acked (tinstream's consumer never
        commits past an unacked event), so the next worker reads the batch again.
        A write to a healthy node is waited for as before."""
        if self.writer.waiting:
            log.warning(
                "stopping while Elasticsearch cannot take writes: the waiting "
                "batch is left unacked, for the next worker"
            )
            with warnings.catch_warnings():
                # Faust warns that a setting changes late; it is read at shutdown.
                warnings.simplefilter("ignore")
                self.app.conf.stream_wait_empty = False
            self.writer.close()

    async def close(self) -> None:
        # A batch still waiting for Elasticsearch is given up, unacked (read again
        # by the next worker), so that shutdown never waits on the node.
        self.writer.close()
        await self.index.close()
        self._enrichment.close()
        await self._es.close()


async def _delivered(sending: Awaitable[Awaitable[Any]], topic: str) -> None:
    """Wait until Kafka has taken a message, not only the producer: the message it
    came from is acked after this, and Faust commits acked offsets without waiting
    for the producer, so a worker killed in between would lose it.

    Raises:
        NotDelivered: the producer gave up on it (after its own retries).
    """
    try:
        delivery = await sending  # queued in the producer
        await delivery  # acknowledged by the brokers (acks=all)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        raise NotDelivered(f"Kafka did not take a message for {topic}: {exc!r}") from exc
