"""The versions the library fixes were written for, checked before any is applied.

A fix reaches into a library's private methods, so it is right only for the
version it was read against. Another version must fail loudly, naming the fix to
re-check, rather than silently run a patch written for different code.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from streams.errors import LibraryVersionError


def require(distribution: str, written_for: str, fix: str) -> None:
    """Raise :class:`LibraryVersionError` unless ``distribution`` is ``written_for``."""
    try:
        installed = version(distribution)
    except PackageNotFoundError:
        installed = "not installed"
    if installed != written_for:
        raise LibraryVersionError(
            f"{fix} was written for {distribution} {written_for}, but {installed} is "
            f"installed: re-check the fix against it (streams/fixes/), then update the "
            f"version here and in pyproject.toml"
        )
