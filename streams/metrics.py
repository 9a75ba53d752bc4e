"""The worker's Prometheus metrics: what it did, how long it took, what it refused.

Registered in a registry the worker owns (never the process-global one), which
``/metrics`` serves together with Faust's own sensors and the lag gauges.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

# Seconds: enrichment of one article ranges from a few ms to a second or more.
_ENRICH_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_BULK_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
_BATCH_BUCKETS = (1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500)


class PipelineMetrics:
    """Counters and histograms of the enrich and index agents."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.enriched = Counter(
            "tinstream_articles_enriched", "Articles enriched", registry=registry
        )
        self.near_duplicates = Counter(
            "tinstream_near_duplicates", "Articles found to copy an earlier one", registry=registry
        )
        self.indexed = Counter(
            "tinstream_documents_indexed", "Documents written to Elasticsearch", registry=registry
        )
        self.deleted = Counter(
            "tinstream_documents_deleted", "Documents deleted by tombstones", registry=registry
        )
        self.superseded = Counter(
            "tinstream_documents_superseded",
            "Older copies not written because a newer one is indexed",
            registry=registry,
        )
        self.dead_letters = Counter(
            "tinstream_dead_letters",
            "Messages sent to the dead-letter topic, by stage",
            ["stage"],
            registry=registry,
        )
        self.enrich_seconds = Histogram(
            "tinstream_enrich_seconds",
            "Time to enrich one article",
            buckets=_ENRICH_BUCKETS,
            registry=registry,
        )
        self.bulk_seconds = Histogram(
            "tinstream_bulk_seconds",
            "Time to write one batch, retries included",
            buckets=_BULK_BUCKETS,
            registry=registry,
        )
        self.bulk_documents = Histogram(
            "tinstream_bulk_documents",
            "Documents per bulk batch",
            buckets=_BATCH_BUCKETS,
            registry=registry,
        )
        self.bulk_retries = Counter(
            "tinstream_bulk_retries", "Bulk requests retried", registry=registry
        )
