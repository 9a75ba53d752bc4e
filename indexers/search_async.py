"""The search client over the alias, async: the source of its blocking twin.

``indexers/search_sync.py`` is generated from this file by ``python -m
indexers.unasync`` (``--check`` fails when it is stale; a unit test runs it), as
elasticsearch-py makes its sync client from the async one: one implementation,
two clients, no twin kept by hand. What the two share that is not I/O (building
the bodies, parsing the answers) lives in ``indexers.search``.
"""

from __future__ import annotations

from elasticsearch import ApiError, AsyncElasticsearch, TransportError

from indexers.errors import ArticleNotFound
from indexers.search import (
    ARTICLE_EXCLUDES,
    RELATED_INCLUDES,
    ArticleView,
    SearchRequest,
    SearchResult,
    article_found,
    build_body,
    names_body,
    names_from,
    parse_response,
    related_body,
    search_failed,
    with_shared,
)
from nlp.segmenter import WordSegmenter


class AsyncArticleSearch:
    """Searches the alias with the async client (the worker's web server).

    Args:
        client: the Elasticsearch client (injected).
        alias: the alias searched.
        segmenter: segments query text into words, as the indexer did.
    """

    def __init__(self, client: AsyncElasticsearch, alias: str, segmenter: WordSegmenter) -> None:
        self._client = client
        self._alias = alias
        self._segmenter = segmenter

    async def search(self, request: SearchRequest) -> SearchResult:
        try:
            # The names the index knows that the query spells, looked up first so that
            # an unaccented query ranks them as names ("bien dong" → Biển Đông).
            names: tuple[str, ...] = ()
            lookup = names_body(request.text)
            if lookup is not None:
                found = await self._client.search(index=self._alias, body=lookup)
                names = names_from(found, request.text)
            response = await self._client.search(
                index=self._alias, body=build_body(request, self._segmenter, names)
            )
        except (ApiError, TransportError) as exc:
            raise search_failed(self._alias, exc) from exc
        return parse_response(response, request)

    async def related(self, article_id: str, size: int = 10) -> SearchResult:
        try:
            found = await self._client.options(ignore_status=404).get(
                index=self._alias, id=article_id, source_includes=RELATED_INCLUDES
            )
            if not article_found(found):
                raise ArticleNotFound(f"no article {article_id!r} in {self._alias!r}")
            response = await self._client.search(
                index=self._alias, body=related_body(article_id, found["_source"], size)
            )
        except (ApiError, TransportError) as exc:
            raise search_failed(self._alias, exc) from exc
        return with_shared(found["_source"], parse_response(response, SearchRequest(size=size)))

    async def article(self, article_id: str, related: int = 5) -> ArticleView:
        """The article with its entities, tone, topic, keywords and duplicates, and the
        ``related`` articles most related to it."""
        try:
            found = await self._client.options(ignore_status=404).get(
                index=self._alias, id=article_id, source_excludes=ARTICLE_EXCLUDES
            )
        except (ApiError, TransportError) as exc:
            raise search_failed(self._alias, exc) from exc
        if not article_found(found):
            raise ArticleNotFound(f"no article {article_id!r} in {self._alias!r}")
        return ArticleView(
            article_id, dict(found["_source"]), await self.related(article_id, related)
        )
