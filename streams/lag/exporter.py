"""One observation after another, into Prometheus metrics and the lag history index.

Used by ``tinstream lag-exporter`` (blocking, its own loop); the worker does the
same on a Faust timer with its async client (streams.pipeline).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from elasticsearch import ApiError, Elasticsearch, TransportError, helpers
from prometheus_client import CollectorRegistry, Gauge

from config import ElasticsearchSettings, LagSettings
from indexers.client import make_client
from indexers.errors import IndexerError
from indexers.setup import ensure_lag_index
from streams.errors import StreamsError
from streams.lag.collector import LagMonitor
from streams.lag.history import LagHistory
from streams.lag.prometheus import LagMetrics

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
        self._monitor = monitor
        self._groups = groups
        self._metrics = LagMetrics()
        registry.register(self._metrics)
        self._up = Gauge(
            "tinstream_lag_exporter_up",
            "1 when the last observation of Kafka succeeded",
            registry=registry,
        )
        self._history = LagHistory()
        self._alias = settings.history_alias
        self._es: Elasticsearch | None = (
            make_client(es_settings) if es_settings is not None else None
        )
        self._index_ready = False
        self._clock = clock

    def tick(self) -> None:
        try:
            groups = self._monitor.observe(self._groups)
        except StreamsError as exc:
            log.warning("cannot observe lag: %s", exc)
            self._up.set(0)
            return
        self._up.set(1)
        self._metrics.update(groups)
        if self._es is None:
            return
        try:
            if not self._index_ready:
                ensure_lag_index(self._es, self._alias)
                self._index_ready = True
            docs = self._history.documents(groups, self._clock())
            helpers.bulk(self._es, ({"_index": self._alias, "_source": d} for d in docs))
        except (IndexerError, ApiError, TransportError, helpers.BulkIndexError) as exc:
            # The history is a convenience: metrics go on without it.
            log.warning("cannot write the lag history: %s", exc)

    def close(self) -> None:
        if self._es is not None:
            self._es.close()
