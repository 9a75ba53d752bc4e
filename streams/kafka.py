"""Kafka clients from settings: kafka-python config, Faust credentials, topic creation."""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from config import KafkaSettings, TopicSettings
from streams import fixes
from streams.errors import KafkaRefused, TopicSetupError

log = logging.getLogger(__name__)

# Room for a long article (and its dead letter, base64 and all) in one message.
MAX_MESSAGE_BYTES = 16 * 1024 * 1024


class _Refusals(logging.Handler):
    """Keeps the refusals kafka-python logs while it bootstraps.

    kafka-python 3.0 retries a refused SASL authentication or TLS handshake until
    its bootstrap deadline and then raises only a timeout ("Unable to bootstrap");
    the refusal itself reaches nothing but its log records, as an argument.
    """

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.refusal: BaseException | None = None
        self.last: BaseException | None = None

    def emit(self, record: logging.LogRecord) -> None:
        from kafka.errors import KafkaTimeoutError

        args = record.args if isinstance(record.args, tuple) else ()
        for arg in args:
            # The timeout is what the caller gets anyway; keep what caused it.
            if isinstance(arg, BaseException) and not isinstance(arg, KafkaTimeoutError):
                # The latest failure, for an error message when nothing refused us.
                self.last = arg
                if _refusal_kind(arg) is not None:
                    self.refusal = arg


def _refusal_kind(exc: BaseException) -> Literal["credentials", "certificate"] | None:
    """What refused the client, looking through the exception's causes."""
    from kafka.errors import AuthorizationError, SaslAuthenticationFailedError

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, SaslAuthenticationFailedError | AuthorizationError):
            return "credentials"
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(
            seen
        ):
            return "certificate"
        seen = seen.__cause__ or seen.__context__
    return None


@contextmanager
def _refusals_explained(settings: KafkaSettings) -> Iterator[_Refusals]:
    """Within: kafka-python's connection chatter is kept, not printed, and a
    failure to connect that was a refusal raises KafkaRefused, saying which
    setting to check (never the secret itself)."""
    from kafka.errors import KafkaError

    capture = _Refusals()
    logger = logging.getLogger("kafka")
    level, propagate = logger.level, logger.propagate
    logger.addHandler(capture)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield capture
    except KafkaError as exc:
        if capture.refusal is not None:
            raise _refused(settings, capture.refusal) from exc
        raise
    finally:
        logger.removeHandler(capture)
        logger.setLevel(level)
        logger.propagate = propagate


def _refused(settings: KafkaSettings, refusal: BaseException) -> KafkaRefused:
    where = settings.bootstrap_servers
    if _refusal_kind(refusal) == "certificate":
        return KafkaRefused(
            f"the TLS certificate of Kafka at {where} is not signed by the CA in "
            f"TINSTREAM_KAFKA_SSL_CAFILE ({settings.ssl_cafile})"
        )
    return KafkaRefused(
        f"Kafka at {where} refused the credentials of user {settings.sasl_username!r} "
        f"({settings.sasl_mechanism}): check TINSTREAM_KAFKA_SASL_USERNAME and "
        "TINSTREAM_KAFKA_SASL_PASSWORD"
    )


# Per attempt: a refusal is then reported within seconds, not after 30.
BOOTSTRAP_ATTEMPT_MS = 5000


def connect_admin(settings: KafkaSettings, *, timeout_s: float) -> Any:
    """A kafka-python admin client, trying for up to ``timeout_s`` in attempts of a
    few seconds each. Raises KafkaRefused at the first refusal (credentials, TLS),
    or the last KafkaError, naming its cause, when the time is up."""
    from kafka.admin import KafkaAdminClient
    from kafka.errors import KafkaConnectionError, KafkaError

    deadline = time.monotonic() + timeout_s
    while True:
        attempt_ms = int(
            max(0.1, min(BOOTSTRAP_ATTEMPT_MS / 1000, deadline - time.monotonic())) * 1000
        )
        try:
            with _refusals_explained(settings) as chatter:
                return KafkaAdminClient(
                    **kafka_python_config(settings), bootstrap_timeout_ms=attempt_ms
                )
        except KafkaError:
            if time.monotonic() >= deadline:
                cause = chatter.last
                if isinstance(cause, KafkaError):
                    raise cause from None
                if cause is not None:
                    raise KafkaConnectionError(str(cause)) from cause
                raise
            time.sleep(0.5)  # the pause between attempts, each bounded above


def kafka_python_config(settings: KafkaSettings) -> dict[str, Any]:
    """Connection and security options for any kafka-python client (with the
    library fixes installed first: every client tinstream makes comes through here
    or through :func:`faust_broker_options`)."""
    fixes.install()
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


def make_reader(settings: KafkaSettings, *, timeout_s: float = 10.0) -> Any:
    """A kafka-python consumer that belongs to no group and commits nothing: for
    tools that read a topic (the dead letters, say) without disturbing anyone.
    Gives up on an unreachable broker after ``timeout_s``; KafkaRefused for a
    refusal (credentials, TLS)."""
    from kafka import KafkaConsumer

    with _refusals_explained(settings):
        return KafkaConsumer(
            **kafka_python_config(settings),
            group_id=None,
            enable_auto_commit=False,
            bootstrap_timeout_ms=int(timeout_s * 1000),
            max_partition_fetch_bytes=MAX_MESSAGE_BYTES,
            fetch_max_bytes=MAX_MESSAGE_BYTES,
        )


def faust_broker_options(settings: KafkaSettings) -> dict[str, Any]:
    """``broker`` and ``broker_credentials`` for a Faust app (with the library fixes
    installed first; the app's consumer is ``streams.fixes.faust_consumer``'s)."""
    fixes.install()
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
    from kafka.admin import NewTopic
    from kafka.errors import KafkaError, TopicAlreadyExistsError

    names = (topics.raw, topics.enriched, topics.dead_letter)
    configs = {"max.message.bytes": str(MAX_MESSAGE_BYTES)}
    if topics.min_insync_replicas is not None:
        configs["min.insync.replicas"] = str(topics.min_insync_replicas)
    deadline = time.monotonic() + timeout_s
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            admin = connect_admin(kafka, timeout_s=deadline - time.monotonic())
        except KafkaError as exc:
            last = exc
            break
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
