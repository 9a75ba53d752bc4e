"""The streams package's exceptions: one root, each error says whether a retry can help."""

from __future__ import annotations

from typing import Literal


class StreamsError(Exception):
    """Root of every error raised by the streams package."""

    retriable: bool = False

    def __init__(self, message: str, *, retriable: bool | None = None) -> None:
        super().__init__(message)
        if retriable is not None:
            self.retriable = retriable

    @property
    def reason(self) -> str:
        return str(self)


class InvalidArticle(StreamsError):
    """A message is not a valid raw article (not JSON, wrong types, missing fields)."""

    retriable = False

    def __init__(self, message: str, *, stage: Literal["decode", "validate"] = "validate") -> None:
        super().__init__(message)
        self.stage = stage


class EnrichmentError(StreamsError):
    """The NLP failed on an article that was valid."""

    retriable = False


class TopicSetupError(StreamsError):
    """The pipeline's topics could not be created or checked."""

    retriable = True


class NotDelivered(StreamsError):
    """Kafka did not take a message the pipeline sent (the producer gave up after
    its own retries). The message it came from stays unacked: the next worker, or
    this one after a rebalance, processes it again."""

    retriable = True


class KafkaRefused(StreamsError):
    """Kafka refused this client: wrong SASL credentials, or a broker certificate
    the configured CA does not sign. Retrying with the same settings cannot help."""

    retriable = False


class PoolStartError(StreamsError):
    """The enrichment processes could not load (models missing, no memory) in time."""

    retriable = False


class ProcessDied(EnrichmentError):
    """An article killed two enrichment processes in a row: it is dead-lettered, the
    stream goes on."""

    retriable = False


class TaskFailed(StreamsError):
    """The function run in a pool process raised; its type and message are the reason."""

    retriable = False


class LibraryVersionError(StreamsError):
    """A library fix meets a version of its library it was not written for."""

    retriable = False
