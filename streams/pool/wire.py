"""Messages between the worker and its pool processes: length-prefixed pickles on a socket.

Both ends are this package's own code, started by the worker, so pickle is safe
here; nothing read from Kafka travels except as the fields of a ``RawArticle``.
The parent reads without blocking (whatever the socket has, fed to
:class:`Frames`); a pool process reads blocking with :func:`read_message`.
"""

from __future__ import annotations

import pickle
import socket
import struct
from collections import deque
from typing import Any

_HEADER = struct.Struct("!Q")


def encode(message: Any) -> bytes:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(payload)) + payload


def send_message(channel: socket.socket, message: Any) -> None:
    channel.sendall(encode(message))


class Frames:
    """Bytes in, whole messages out: a message may arrive in many reads, or many in one."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        # Decoded but not yet taken by read_message.
        self.pending: deque[Any] = deque()

    def feed(self, data: bytes) -> list[Any]:
        self._buffer += data
        messages: list[Any] = []
        while len(self._buffer) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(self._buffer)
            end = _HEADER.size + size
            if len(self._buffer) < end:
                break
            messages.append(pickle.loads(self._buffer[_HEADER.size : end]))
            del self._buffer[:end]
        return messages


def read_message(channel: socket.socket, frames: Frames) -> Any:
    """The next whole message, blocking; ``EOFError`` when the other end closed."""
    while not frames.pending:
        data = channel.recv(1 << 20)
        if not data:
            raise EOFError("the other end closed the channel")
        frames.pending.extend(frames.feed(data))
    return frames.pending.popleft()
