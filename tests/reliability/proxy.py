"""A small TCP proxy on loopback for network faults between a worker and a server.

It runs its own asyncio loop in a thread, so a scenario drives it from plain
test code. Every chunk is forwarded after ``latency_s``; ``blackhole()`` keeps
connections open but forwards nothing either way (a partition: the peer sees
no answer and times out); ``cut()`` resets every connection and refuses new ones
until ``heal()``. It also notices HTTP requests to ``/_bulk`` that have no answer
yet, so a scenario can act while a bulk write is in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

_CHUNK = 64 * 1024
T = TypeVar("T")


@dataclass
class ProxyState:
    """What the proxy does now, and what it saw; read and set from any thread."""

    latency_s: float = 0.0
    blackhole: bool = False
    refusing: bool = False
    connections: int = 0
    bulk_requests: int = 0
    # Bulk requests sent upstream whose answer has not come back yet.
    bulk_in_flight: int = 0
    bulk_answered: int = 0
    bulk_seen: threading.Event = field(default_factory=threading.Event)


class TcpProxy:
    """Forwards 127.0.0.1:<port> to ``upstream`` with the faults of :class:`ProxyState`."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self._upstream = (upstream_host, upstream_port)
        self.state = ProxyState()
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._closing = False

    def __enter__(self) -> TcpProxy:
        self._thread.start()
        server = self._call(self._start())
        self._server = server
        self.port = int(server.sockets[0].getsockname()[1])
        return self

    def __exit__(self, *exc: object) -> None:
        self._call(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set_latency(self, seconds: float) -> None:
        self.state.latency_s = seconds

    def blackhole(self, on: bool = True) -> None:
        """Forward nothing, close nothing: packets dropped on the floor."""
        self.state.blackhole = on

    def cut(self) -> None:
        """Reset every open connection and refuse new ones until :meth:`heal`."""
        self.state.refusing = True
        self._call(self._reset_all())

    def heal(self) -> None:
        self.state.refusing = False
        self.state.blackhole = False
        self.state.latency_s = 0.0

    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=30)

    async def _start(self) -> asyncio.base_events.Server:
        return await asyncio.start_server(self._accept, "127.0.0.1", 0)

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
        self._closing = True
        await self._reset_all()
        # Nothing of the proxy outlives it: the connections' tasks end with their
        # sockets (not cancelled: asyncio's server callback would log that as an error).
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        if tasks:
            await asyncio.wait(tasks, timeout=5)

    async def _reset_all(self) -> None:
        for writer in list(self._writers):
            transport = writer.transport
            with contextlib.suppress(Exception):
                transport.abort()  # an RST, as a broken network shows it
        self._writers.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.state.refusing:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self._upstream)
        except OSError:
            writer.transport.abort()
            return
        self.state.connections += 1
        self._writers.update((writer, up_writer))
        pending = [0]  # this connection's bulk requests without an answer
        await asyncio.gather(
            self._pipe(reader, up_writer, pending, upstream=True),
            self._pipe(up_reader, writer, pending, upstream=False),
            return_exceptions=True,
        )
        self.state.bulk_in_flight -= pending[0]
        for w in (writer, up_writer):
            self._writers.discard(w)
            with contextlib.suppress(Exception):
                w.transport.abort()

    async def _pipe(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        pending: list[int],
        *,
        upstream: bool,
    ) -> None:
        """Read in one task, deliver in another ``latency_s`` after each chunk arrived:
        a link's delay, not a throttle (chunks in the pipe overlap their waits)."""
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        async def deliver() -> None:
            while True:
                arrived, chunk = await queue.get()
                if not chunk:
                    break
                while self.state.blackhole and not self._closing:
                    await asyncio.sleep(0.05)  # dropped: nothing moves until healed or cut
                wait = arrived + self.state.latency_s - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                self._observe(chunk, pending, upstream=upstream)
                writer.write(chunk)
                await writer.drain()
            if writer.can_write_eof():
                writer.write_eof()

        delivering = asyncio.ensure_future(deliver())
        try:
            while chunk := await reader.read(_CHUNK):
                queue.put_nowait((loop.time(), chunk))
            queue.put_nowait((loop.time(), b""))
            await delivering
        finally:
            delivering.cancel()

    def _observe(self, chunk: bytes, pending: list[int], *, upstream: bool) -> None:
        # HTTP/1.1 without pipelining (the Elasticsearch client's way): on one
        # connection, the answer after a bulk request is that request's.
        if upstream and b"/_bulk" in chunk[:200]:
            self.state.bulk_requests += 1
            self.state.bulk_in_flight += 1
            pending[0] += 1
            self.state.bulk_seen.set()
        elif not upstream and chunk.startswith(b"HTTP/") and pending[0]:
            pending[0] -= 1
            self.state.bulk_in_flight -= 1
            self.state.bulk_answered += 1
