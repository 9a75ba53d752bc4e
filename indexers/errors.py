"""The indexers package's exceptions: one root, each says whether a retry can help."""

from __future__ import annotations


class IndexerError(Exception):
    """Root of every error raised by the indexers package."""

    retriable: bool = False

    def __init__(self, message: str, *, retriable: bool | None = None) -> None:
        super().__init__(message)
        if retriable is not None:
            self.retriable = retriable


class IndexSetupError(IndexerError):
    """The index template or the index behind the alias could not be put in place."""


class SearchError(IndexerError):
    """A search could not be run (bad parameters, index missing, node unreachable)."""


class ArticleNotFound(SearchError):
    """No article with the id asked for."""
