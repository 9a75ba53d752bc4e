"""The metadata backoff wrapped around aiokafka's client, with no broker at all."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiokafka.client import AIOKafkaClient

from streams import aiokafka_backoff


@pytest.mark.timeout(10)
def test_failed_metadata_updates_are_paced_by_retry_backoff() -> None:
    aiokafka_backoff.install()
    aiokafka_backoff.install()  # idempotent: wrapped once

    async def main() -> float:
        # No broker known: every update fails at once, as with the brokers down.
        client = AIOKafkaClient(bootstrap_servers="127.0.0.1:1", retry_backoff_ms=200)
        started = time.monotonic()
        for _ in range(3):
            # What the metadata synchronizer task awaits for each forced update.
            assert await client._metadata_update(client.cluster, set()) is False
        elapsed = time.monotonic() - started
        await client.close()
        return elapsed

    # Unpaced, the three failures take well under a millisecond.
    assert asyncio.run(main()) >= 3 * 0.2
