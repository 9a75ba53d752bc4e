"""Two fixes to the Kafka clients, for what a broker outage showed them doing.

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

``install()`` applies both, once; the ``tinstream`` command calls it first.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

log = logging.getLogger(__name__)

_MARK = "_tinstream_fix"


def install() -> None:
    """Apply both fixes (idempotent)."""
    backoff_failed_metadata_updates()
    close_failed_sockets()


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
