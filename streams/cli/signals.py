"""Ctrl-C and SIGTERM for commands that loop: a flag, not an exception.

Python turns SIGINT into KeyboardInterrupt wherever the main thread is, and
kafka-python's network loop catches BaseException around each of its tasks and
logs it: a Ctrl-C that lands there is swallowed and the loop goes on (``lag
--watch`` ignored SIGINT on a loaded machine). A handler that only sets a flag
cannot be swallowed; the loop checks it between rounds and waits on it instead of
sleeping, so it stops at once.
"""

from __future__ import annotations

import signal
import threading
from typing import Any


def stop_on_signals() -> threading.Event:
    """An event set by SIGINT or SIGTERM (from now on, in this process)."""
    stop = threading.Event()

    def handler(signum: int, frame: Any) -> None:
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, handler)
    return stop
