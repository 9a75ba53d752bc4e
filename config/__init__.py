"""Typed settings for tinstream: one frozen pydantic-settings class per concern.

Every setting is read from the environment under the single ``TINSTREAM_`` prefix
(``TINSTREAM_KAFKA_BOOTSTRAP_SERVERS``, ``TINSTREAM_ES_URL``...). Settings are read
once at the entry point (the CLI) and passed inward; nothing below reads the
environment itself.
"""

from config.env import to_env
from config.settings import (
    DataSettings,
    ElasticsearchSettings,
    EnrichmentSettings,
    IndexerSettings,
    KafkaSettings,
    KibanaSettings,
    LagSettings,
    Settings,
    StackSettings,
    TopicSettings,
    WorkerSettings,
)

__all__ = [
    "DataSettings",
    "ElasticsearchSettings",
    "EnrichmentSettings",
    "IndexerSettings",
    "KafkaSettings",
    "KibanaSettings",
    "LagSettings",
    "Settings",
    "StackSettings",
    "TopicSettings",
    "WorkerSettings",
    "to_env",
]
