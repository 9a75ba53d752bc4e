"""Kafka clients from settings: kafka-python config, Faust credentials, topic creation."""

from __future__ import annotations

import logging
import ssl
import time
from typing import Any

from config import KafkaSettings, TopicSettings
from streams.errors import TopicSetupError

log = logging.getLogger(__name__)

# Room for a long article (and its dead letter, base64 and all) in one message.
MAX_MESSAGE_BYTES = 16 * 1024 * 1024


def kafka_python_config(settings: KafkaSettings) -> dict[str, Any]:
    """Connection and security options for any kafka-python client."""
    config: dict[str, Any] = {
        "bootstrap_servers": settings.servers(),
        "client_id": settings.client_id,
        "security_protocol": settings.security_protocol,
        "request_timeout_ms": int(settings.request_timeout_s * 1000),
    }
    if settings.ssl_cafile is not None:
        config["ssl_cafile"] = str(settings.ssl_cafile)
    if settings.sasl_mechanism is not None:
        config["sasl_mechanism"] = settings.sasl_mechanism
        config["sasl_plain_username"] = settings.sasl_username
        config["sasl_plain_password"] = (
            settings.sasl_password.get_secret_value() if settings.sasl_password else None
        )
    return config


def make_producer(settings: KafkaSettings, **overrides: Any) -> Any:
    """A kafka-python producer that neither loses nor duplicates what it was given:
    acks from every in-sync replica, idempotent (a retried batch is written once),
    retried until ``delivery_timeout_ms`` (2 min) so a broker restart is ridden out."""
    from kafka import KafkaProducer

    options: dict[str, Any] = {
        **kafka_python_config(settings),
        "acks": "all",
        "enable_idempotence": True,
        "max_request_size": MAX_MESSAGE_BYTES,
        "linger_ms": 5,
        **overrides,
    }
    return KafkaProducer(**options)


def faust_broker_options(settings: KafkaSettings) -> dict[str, Any]:
    """``broker`` and ``broker_credentials`` for a Faust app."""
    options: dict[str, Any] = {
        "broker": ",".join(f"kafka://{s}" for s in settings.servers()),
    }
    if settings.sasl_mechanism is not None or settings.security_protocol != "PLAINTEXT":
        import faust

        context = None
        if settings.security_protocol in ("SSL", "SASL_SSL"):
            context = ssl.create_default_context(
                cafile=str(settings.ssl_cafile) if settings.ssl_cafile else None
            )
        if settings.sasl_mechanism is not None:
            password = settings.sasl_password.get_secret_value() if settings.sasl_password else ""
            options["broker_credentials"] = faust.SASLCredentials(
                username=settings.sasl_username,
                password=password,
                ssl_context=context,
                mechanism=settings.sasl_mechanism,
            )
        elif context is not None:
            options["broker_credentials"] = faust.SSLCredentials(context)
    return options


def ensure_topics(
    kafka: KafkaSettings, topics: TopicSettings, *, timeout_s: float = 60.0
) -> list[str]:
    """Create the pipeline's topics that do not exist yet; return the names created."""
    from kafka.admin import KafkaAdminClient, NewTopic
    from kafka.errors import KafkaError, TopicAlreadyExistsError

    names = (topics.raw, topics.enriched, topics.dead_letter)
    configs = {"max.message.bytes": str(MAX_MESSAGE_BYTES)}
    if topics.min_insync_replicas is not None:
        configs["min.insync.replicas"] = str(topics.min_insync_replicas)
    deadline = time.monotonic() + timeout_s
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            admin = KafkaAdminClient(**kafka_python_config(kafka))
        except KafkaError as exc:
            last = exc
            time.sleep(1.0)
            continue
        try:
            existing = set(admin.list_topics())
            missing = [n for n in names if n not in existing]
            created: list[str] = []
            for name in missing:
                try:
                    admin.create_topics(
                        [
                            NewTopic(
                                name,
                                topics.partitions,
                                topics.replication_factor,
                                topic_configs=configs,
                            )
                        ]
                    )
                    created.append(name)
                except TopicAlreadyExistsError:
                    pass
            if created:
                log.info("created topics %s with %d partitions", created, topics.partitions)
            return created
        except KafkaError as exc:
            last = exc
            time.sleep(1.0)
        finally:
            admin.close()
    raise TopicSetupError(
        f"cannot create topics {list(names)} on {kafka.bootstrap_servers}: {last}"
    )
