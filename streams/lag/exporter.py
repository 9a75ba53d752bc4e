"""``tinstream lag-exporter``: lag observations on a clock, when no worker runs.

Each tick runs the worker's own recorder (``streams.lag.recorder``) on the
exporter's event loop, so the gauges and the history are made by one code path.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from elasticsearch import ApiError, AsyncElasticsearch, Elasticsearch, TransportError
from prometheus_client import CollectorRegistry, Gauge

from config import ElasticsearchSettings, LagSettings
from indexers.client import make_async_client, make_client
from indexers.errors import IndexerError
from indexers.lag_history import LagHistoryWriter
from indexers.setup import ensure_lag_index
from streams.lag.collector import LagMonitor
from streams.lag.prometheus import LagMetrics
from streams.lag.recorder import LagRecorder

log = logging.getLogger(__name__)


class LagExporter:
    """Observes ``groups`` on each :meth:`tick`.

    Args:
        monitor: observes the groups.
        groups: the consumer groups.
        registry: the Prometheus registry served at /metrics.
        es_settings: where the history goes (the exporter makes its own client);
            None: no history.
        settings: the history alias.
        clock: injectable for tests.
    """

    def __init__(
        self,
        monitor: LagMonitor,
        groups: list[str],
        registry: CollectorRegistry,
        es_settings: ElasticsearchSettings | None,
        settings: LagSettings,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._groups = groups
        metrics = LagMetrics()
        registry.register(metrics)
        self._up = Gauge(
            "tinstream_lag_exporter_up",
            "1 when the last observation of Kafka succeeded",
            registry=registry,
        )
        self._alias = settings.history_alias
        # The index is made with the sync client before the first write (Elasticsearch
        # may come up after the exporter); the writes go through the recorder.
        self._es: Elasticsearch | None = None
        self._async_es: AsyncElasticsearch | None = None
        writer = None
        if es_settings is not None:
            self._es = make_client(es_settings)
            self._async_es = make_async_client(es_settings)
            writer = LagHistoryWriter(self._async_es, self._alias)
        # Up as soon as the gauges hold the observation, not after its history write:
        # a scrape in between saw the lag with up 0.
        self._recorder = LagRecorder(
            monitor, metrics, writer, clock=clock, observers=[lambda *_: self._up.set(1)]
        )
        self._index_ready = False
        self._loop = asyncio.Runner()

    def tick(self) -> None:
        if self._es is not None and not self._index_ready:
            try:
                ensure_lag_index(self._es, self._alias)
                self._index_ready = True
            except (IndexerError, ApiError, TransportError) as exc:
                # The history is a convenience: metrics go on without it.
                log.warning("cannot make the lag history index: %s", exc)
        observed = self._loop.run(
            self._recorder.record(self._groups, write_history=self._index_ready)
        )
        self._up.set(0 if observed is None else 1)

    def close(self) -> None:
        if self._async_es is not None:
            self._loop.run(self._async_es.close())
        self._loop.close()
        if self._es is not None:
            self._es.close()
