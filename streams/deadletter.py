"""Failures as data: a dead letter keeps the original message and says where and why."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from streams import PIPELINE_VERSION
from streams.records import DeadLetter, Stage

# Kafka headers carry the gist so that tools can filter without decoding the value.
HEADER_STAGE = "tinstream-stage"
HEADER_REASON = "tinstream-reason"
_MAX_HEADER_REASON = 500


def dead_letter(
    *,
    stage: Stage,
    reason: str,
    error_type: str,
    retriable: bool,
    topic: str,
    partition: int,
    offset: int,
    timestamp_ms: int | None,
    key: bytes | None,
    value: bytes | None,
    article_id: str | None = None,
    details: dict[str, Any] | None = None,
) -> DeadLetter:
    return DeadLetter(
        stage=stage,
        reason=reason,
        error_type=error_type,
        retriable=retriable,
        topic=topic,
        partition=partition,
        offset=offset,
        timestamp_ms=timestamp_ms,
        key_b64=DeadLetter.encode(key),
        value_b64=DeadLetter.encode(value),
        failed_at=datetime.now(UTC).isoformat(),
        pipeline_version=PIPELINE_VERSION,
        article_id=article_id,
        details=details or {},
    )


def headers(letter: DeadLetter) -> list[tuple[str, bytes]]:
    return [
        (HEADER_STAGE, letter.stage.encode()),
        (HEADER_REASON, letter.reason[:_MAX_HEADER_REASON].encode("utf-8", "replace")),
    ]
