"""Three fixes to the Kafka clients, for what outages and refusals showed them doing.

- **aiokafka 0.14 retries a failed metadata update with no pause.** Its producer
  sender asks for an update whenever a partition's leader is unknown and waits for
  it. With every broker down the update fails at once (connection refused), so the
  sender asks again at once: a worker here logged about 7,500 failed updates a
  second, and burnt a core, while its only broker restarted. Kafka's Java clients
  wait ``retry.backoff.ms`` after a failed update; aiokafka's client now does the
  same, with its own ``retry_backoff_ms``.
- **kafka-python 3.0.12 does not close a socket whose connect failed**
  (``KafkaNetSocket.connect``). A client that retries against a dead broker (the
  lag exporter, the worker's lag monitor) leaks a file descriptor per attempt until
  the garbage collector finds it. The socket is now closed when the connect fails.
- **kafka-python 3.0.12 drops the bytes that arrived with a disconnect.** When one
  read returns a broker's last response and then its end of stream, the transport
  aborts and throws the response away. A broker refusing SASL credentials answers
  and then closes (100 ms later, ``connection.failed.authentication.delay.ms``), so
  a client slower than that to read (a loaded machine) saw only "socket
  disconnected", never the refusal. The bytes are now handed to the protocol, and
  the waiter of the response runs, before the connection is aborted.

``install()`` applies all three, once (neither library has an extension point for
these: they sit in private methods of their network layers). Each checks the
version it was written for first and refuses another. ``streams.kafka`` installs
them before it configures any Kafka client, which every client tinstream makes goes
through.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from streams.fixes.versions import require

log = logging.getLogger(__name__)

_MARK = "_tinstream_fix"


def install() -> None:
    """Apply the three fixes (idempotent)."""
    require("aiokafka", "0.14.0", "backoff_failed_metadata_updates")
    require("kafka-python", "3.0.12", "close_failed_sockets, deliver_data_before_disconnect")
    backoff_failed_metadata_updates()
    close_failed_sockets()
    deliver_data_before_disconnect()


def backoff_failed_metadata_updates() -> None:
    """Wrap ``AIOKafkaClient._metadata_update``: wait ``retry_backoff_ms`` after a
    failure, so every waiter of the update (the sender's loop among them) waits too."""
    from aiokafka.client import AIOKafkaClient

    original = AIOKafkaClient._metadata_update
    if getattr(original, _MARK, False):
        return

    async def _metadata_update(self: Any, cluster_metadata: Any, topics: Any) -> bool:
        updated: bool = await original(self, cluster_metadata, topics)
        if not updated:
            await asyncio.sleep(self._retry_backoff)
        return updated

    setattr(_metadata_update, _MARK, True)
    AIOKafkaClient._metadata_update = _metadata_update
    log.debug("aiokafka metadata updates back off after a failure")


def close_failed_sockets() -> None:
    """Replace ``KafkaNetSocket.connect`` with the same steps that also close the
    socket when connecting fails."""
    from kafka.net.inet import KafkaNetSocket

    if getattr(KafkaNetSocket.connect, _MARK, False):
        return

    async def connect(
        self: Any, net: Any, addrinfo: Any, socket_options: Any = (), timeout_at: Any = None
    ) -> Any:
        family, sock_type, proto, _canonname, sockaddr = addrinfo
        sock = self.socket(family, sock_type, proto)
        try:
            sock.setblocking(False)
            for option in socket_options:
                sock.setsockopt(*option)
            return await self.sock_connect(net, sock, sockaddr, timeout_at=timeout_at)
        except BaseException:
            sock.close()
            raise

    setattr(connect, _MARK, True)
    KafkaNetSocket.connect = connect
    log.debug("kafka-python closes the sockets of failed connects")


def deliver_data_before_disconnect() -> None:
    """Replace ``KafkaTCPTransport._read_from_sock`` (TLS inherits it) with the same
    loop that, when a read ends in a disconnect, first hands what it read to the
    protocol and lets the waiters of those responses run, then aborts."""
    from kafka.errors import KafkaProtocolError
    from kafka.net.transport import KafkaTCPTransport

    if getattr(KafkaTCPTransport._read_from_sock, _MARK, False):
        return

    async def _read_from_sock(self: Any) -> Any:
        while self._read and not self._closed:
            await self._net.wait_read(self._sock)
            received, error = self._sock_recv()
            if received or error is None:
                self.last_read = time.monotonic()
                if self._protocol and self._protocol._sensors:
                    self._protocol._sensors.bytes_received.record(len(received))
                try:
                    self._protocol.data_received(received)
                except KafkaProtocolError as exc:
                    return self.abort(error=exc)
            if error is not None:
                if received:
                    # One turn of kafka-python's loop: the request that waited for
                    # the last response (a refused authentication) sees it and
                    # closes the connection with that reason, not with this EOF.
                    await self._net.sleep(0)
                return self.abort(error=error)
        return None

    setattr(_read_from_sock, _MARK, True)
    KafkaTCPTransport._read_from_sock = _read_from_sock
    log.debug("kafka-python reads the last response before a disconnect")
