"""What the pool tests run inside pool processes: importable functions that misbehave on demand.

Each task takes a ``(command, argument)`` pair.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def start(marker: str | None = None) -> None:
    """Stands in for loading models; ``marker`` is written so a test can see it ran."""
    if marker:
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")


def cannot_start(reason: str) -> None:
    raise RuntimeError(reason)


def task(item: tuple[str, str]) -> str:
    command, argument = item
    if command == "echo":
        return argument
    if command == "pid":
        return str(os.getpid())
    if command == "slow pid":
        time.sleep(float(argument))
        return str(os.getpid())
    if command == "slow":
        time.sleep(float(argument))
        return argument
    if command == "die":
        os._exit(3)
    if command == "die once":
        marker = Path(argument)
        if not marker.exists():
            marker.write_text("died", encoding="utf-8")
            os._exit(3)
        return "survived"
    if command == "hang":
        while True:
            time.sleep(1)
    if command == "raise":
        raise ValueError(argument)
    raise AssertionError(f"unknown command {command}")


def exit_at_once(code: int) -> None:
    """Dies while loading, before it reads anything more from its channel."""
    os._exit(code)
