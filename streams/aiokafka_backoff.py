"""A pause after a failed metadata update in aiokafka, which has none.

aiokafka 0.14's producer sender asks for a metadata update whenever a partition's
leader is unknown and waits for it. With every broker down the update fails at
once (connection refused), so the sender asks again at once: a worker here logged
about 7,500 failed updates a second, and burnt a core, while its only broker
restarted. Kafka's Java clients wait ``retry.backoff.ms`` after a failed update;
this makes aiokafka's client do the same, with its own ``retry_backoff_ms``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

log = logging.getLogger(__name__)

_MARK = "_tinstream_backoff"


def install() -> None:
    """Wrap ``AIOKafkaClient._metadata_update`` (idempotent). Called by the worker's
    entry point; every aiokafka client of the process (Faust's consumer and
    producer) then backs off."""
    from aiokafka.client import AIOKafkaClient

    original = AIOKafkaClient._metadata_update
    if getattr(original, _MARK, False):
        return

    async def _metadata_update(self: Any, cluster_metadata: Any, topics: Any) -> bool:
        updated: bool = await original(self, cluster_metadata, topics)
        if not updated:
            # Every waiter of this update (the sender's loop among them) waits too.
            await asyncio.sleep(self._retry_backoff)
        return updated

    setattr(_metadata_update, _MARK, True)
    AIOKafkaClient._metadata_update = _metadata_update
    log.debug("aiokafka metadata updates back off after a failure")
