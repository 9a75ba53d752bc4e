"""Stopping a worker whose writes wait for Elasticsearch (down, or refusing its key):
the waiting batch is given up unacked and Faust does not wait for its events; and
the enrich agent's acks, which wait for Kafka to take what it sent."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from config import Settings, WorkerSettings
from streams.errors import NotDelivered
from streams.pipeline import Pipeline, _delivered


def _pipeline(tmp_path: Path) -> Pipeline:
    # No client is used while the app is built: stand-ins will do.
    return Pipeline(
        Settings(worker=WorkerSettings(data_dir=tmp_path)),
        object(),  # type: ignore[arg-type]
        object(),  # type: ignore[arg-type]
        object(),  # type: ignore[arg-type]
        object(),  # type: ignore[arg-type]
        registry=CollectorRegistry(),
    )


@pytest.mark.parametrize("waiting", [True, False])
def test_stopping_gives_up_only_a_waiting_batch(tmp_path: Path, waiting: bool) -> None:
    pipeline = _pipeline(tmp_path)
    pipeline.writer.waiting = waiting
    pipeline.stopping()
    # Waiting: Faust must not wait for the batch's events, and the write ends now.
    # Not waiting: a write to a healthy node is waited for, as before.
    assert pipeline.app.conf.stream_wait_empty is (not waiting)
    assert pipeline.writer._closed.is_set() is waiting


class _Event:
    def __init__(self, offset: int) -> None:
        self.message = offset
        self.acked = False

    def ack(self) -> bool:
        self.acked = True
        return True


class _Stream:
    """What the agent uses of a Faust stream: noack() and events()."""

    def __init__(self, events: list[_Event]) -> None:
        self._events = events
        self.acks_off = False

    def noack(self) -> _Stream:
        self.acks_off = True
        return self

    async def events(self) -> AsyncIterator[_Event]:
        for event in self._events:
            yield event


@pytest.mark.asyncio
@pytest.mark.timeout(10)
async def test_an_article_cancelled_mid_enrichment_is_left_unacked(tmp_path: Path) -> None:
    """Faust would ack it in its iterator's ``finally``; the commit on stop would then
    skip an article nobody enriched."""
    pipeline = _pipeline(tmp_path)
    events = [_Event(0), _Event(1)]
    started = asyncio.Event()

    async def enrich(message: Any) -> None:
        if message == 1:
            started.set()
            await asyncio.Event().wait()  # the worker stops while this one is enriched

    pipeline.enrich_message = enrich  # type: ignore[method-assign]
    stream = _Stream(events)
    agent = asyncio.create_task(pipeline._enrich_agent(stream))
    await asyncio.wait_for(started.wait(), 5)
    agent.cancel()
    with pytest.raises(asyncio.CancelledError):
        await agent
    assert stream.acks_off
    assert [e.acked for e in events] == [True, False]


@pytest.mark.asyncio
@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    ("error", "acked"),
    [
        # A bug: acked, as Faust would, so that it cannot stall its partition.
        (RuntimeError("a bug"), True),
        # Kafka did not take its result: left unacked (acked, it would be committed
        # past and lost).
        (NotDelivered("Kafka did not take a message for enriched"), False),
    ],
)
async def test_an_article_whose_handling_raises_is_acked_unless_kafka_did_not_take_it(
    tmp_path: Path, error: Exception, acked: bool
) -> None:
    pipeline = _pipeline(tmp_path)
    events = [_Event(0)]

    async def enrich(message: Any) -> None:
        raise error

    pipeline.enrich_message = enrich  # type: ignore[method-assign]
    with pytest.raises(type(error)):
        await pipeline._enrich_agent(_Stream(events))
    assert events[0].acked is acked


@pytest.mark.asyncio
@pytest.mark.timeout(10)
async def test_a_send_returns_once_kafka_took_the_message_not_before() -> None:
    """Faust's send returns when the producer has queued the message; its commits
    do not wait for the producer, so the ack must wait for the brokers."""
    delivery: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def queued() -> asyncio.Future[str]:
        return delivery

    sending = asyncio.create_task(_delivered(queued(), "enriched"))
    for _ in range(5):
        await asyncio.sleep(0)  # let it run up to its wait
    assert not sending.done()  # queued, not yet acknowledged by the brokers
    delivery.set_result("enriched[0]@9")
    await asyncio.wait_for(sending, 5)

    failed: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    failed.set_exception(RuntimeError("KafkaTimeoutError"))

    async def queued_then_failed() -> asyncio.Future[str]:
        return failed

    with pytest.raises(NotDelivered, match="enriched"):
        await _delivered(queued_then_failed(), "enriched")
