"""The fixes to aiokafka and kafka-python, with no broker at all."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest
from aiokafka.client import AIOKafkaClient
from kafka.errors import KafkaConnectionError
from kafka.net.inet import KafkaNetSocket

from streams.fixes import kafka_clients as client_fixes


@pytest.mark.timeout(10)
def test_failed_metadata_updates_are_paced_by_retry_backoff() -> None:
    client_fixes.install()
    client_fixes.install()  # idempotent: wrapped once

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


@pytest.mark.timeout(10)
def test_a_refused_connect_closes_its_socket() -> None:
    client_fixes.install()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once probe closes
    made: list[socket.socket] = []
    # The sockets it makes are recorded by an instance attribute rather than a
    # subclass: kafka-python registers every subclass as a proxy scheme's handler.
    recording = KafkaNetSocket()
    make_socket = recording.socket

    def record(*args: object) -> socket.socket:
        made.append(make_socket(*args))
        return made[-1]

    recording.socket = record

    class Net:  # what sock_connect needs of kafka-python's event loop
        async def wait_write(self, sock: socket.socket, timeout_at: float | None) -> None:
            return None

    addrinfo = socket.getaddrinfo("127.0.0.1", port, socket.AF_INET, socket.SOCK_STREAM)[0]
    coroutine = recording.connect(Net(), addrinfo, timeout_at=time.monotonic() + 2)
    with pytest.raises(KafkaConnectionError):
        while True:  # drive the coroutine as kafka-python's selector would
            coroutine.send(None)
    assert made and made[0].fileno() == -1, "the refused socket was left open"


@pytest.mark.timeout(10)
def test_a_response_read_with_the_disconnect_reaches_its_waiter_first() -> None:
    """A broker refusing credentials answers, then closes: when both arrive in one
    read, the request waiting for the answer closes the connection with its reason."""
    from kafka.future import Future
    from kafka.net.selector import NetworkSelector
    from kafka.net.transport import KafkaTCPTransport

    client_fixes.install()
    net = NetworkSelector()
    ours, brokers = socket.socketpair()
    ours.setblocking(False)
    transport = KafkaTCPTransport(net, ours)
    response: Future = Future()
    lost: list[BaseException | None] = []

    class Protocol:  # the part of KafkaConnection the transport calls
        _sensors = None

        def data_received(self, data: bytes) -> None:
            response.success(data)

        def connection_lost(self, exc: BaseException | None) -> None:
            lost.append(exc)

    refusal = ValueError("SaslAuthenticationFailedError: wrong password")

    async def waiter() -> None:  # what KafkaConnection's SASL step does
        answer = await response
        assert answer == b"refused"
        transport.abort(error=refusal)

    transport.set_protocol(Protocol())
    net.call_soon(waiter)
    brokers.sendall(b"refused")
    brokers.close()  # the answer and the end of stream, before the client reads
    transport.resume_reading()
    deadline = time.monotonic() + 5
    while not lost and time.monotonic() < deadline:
        net.poll(timeout_ms=100)
    net.close()
    assert lost == [refusal]
