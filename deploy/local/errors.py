"""The local stack's one exception, naming the component and the log to read."""

from __future__ import annotations

from pathlib import Path


class StackError(Exception):
    """A stack component could not be fetched, started, checked or stopped."""

    retriable = False

    def __init__(self, component: str, message: str, log_file: Path | None = None) -> None:
        detail = f"{component}: {message}"
        if log_file is not None:
            detail += f" (read {log_file})"
        super().__init__(detail)
        self.component = component
        self.log_file = log_file
