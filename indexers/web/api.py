"""The worker's HTTP API: health, readiness, search, an article, related articles, OpenAPI.

Served by Faust's web server (aiohttp) next to the agents. Query parameters are
checked here, and a bad one gets a 400 naming it, never a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any, Protocol

import faust

from indexers.errors import ArticleNotFound, SearchError
from indexers.mapping import field_json_schema
from indexers.search import (
    HIT_FIELDS,
    INTERVALS,
    SearchRequest,
    SearchResult,
)
from indexers.search_async import AsyncArticleSearch
from indexers.search_parameters import (
    DATES,
    FILTERS,
    FLAGS,
    INTEGERS,
    INTERVAL_DEFAULT,
    INTERVAL_HELP,
    NAMES,
    QUERY_HELP,
    search_request,
)
from indexers.web.auth import document_bearer

log = logging.getLogger(__name__)

class BadParameter(SearchError):
    """A query parameter the API cannot use; the message names it."""


def parse_search(query: Any) -> SearchRequest:
    """A :class:`SearchRequest` from URL query parameters (an aiohttp ``MultiDict``)."""
    unknown = sorted(set(query.keys()) - NAMES)
    if unknown:
        raise BadParameter(f"unknown parameter {unknown[0]!r}; known: {', '.join(sorted(NAMES))}")
    values: dict[str, Any] = {"q": query.get("q", ""), "interval": query.get("interval")}
    for f in FILTERS:
        values[f.name] = tuple(v.strip() for v in query.getall(f.name, []) if v.strip())
    for i in INTEGERS:
        raw = query.get(i.name)
        if raw is None:
            continue
        try:
            number = int(raw)
        except ValueError:
            raise BadParameter(f"{i.name} must be an integer, not {raw!r}") from None
        if not i.low <= number <= i.high:
            raise BadParameter(f"{i.name} must be between {i.low} and {i.high}, not {number}")
        values[i.name] = number
    for flag in FLAGS:
        raw = query.get(flag.name)
        if raw is None:
            continue
        if raw.lower() not in ("true", "false", "1", "0"):
            raise BadParameter(f"{flag.name} must be true or false, not {raw!r}")
        values[flag.name] = raw.lower() in ("true", "1")
    for name in DATES:
        raw = query.get(name)
        if raw is None:
            continue
        try:
            values[name] = datetime.fromisoformat(raw)
        except ValueError:
            raise BadParameter(f"{name} must be an ISO 8601 date or time, not {raw!r}") from None
    try:
        return search_request(values)
    except SearchError as exc:
        raise BadParameter(str(exc)) from exc


Readiness = Callable[[], Awaitable[dict[str, Any]]]
# Errors a caller can act on, by HTTP status; any other is Elasticsearch's (5xx).
_STATUS: tuple[tuple[type[SearchError], int], ...] = ((BadParameter, 400), (ArticleNotFound, 404))


class _Answer(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


async def _respond(view: Any, work: Callable[[], Awaitable[_Answer]]) -> Any:
    """``work``'s result as JSON, or ``{"error"}`` with the status its error calls for."""
    try:
        result = await work()
    except SearchError as exc:
        status = next((code for kind, code in _STATUS if isinstance(exc, kind)), 0)
        if not status:
            status = 503 if exc.retriable else 502
            log.warning("search failed: %s", exc)
        return view.json({"error": str(exc)}, status=status)
    return view.json(result.to_dict())


def add_views(app: faust.App, search: AsyncArticleSearch, readiness: Readiness) -> None:
    """Register the API's views on the Faust app's web server."""

    async def health(view: Any, request: Any) -> Any:
        """Liveness: the worker process answers."""
        return view.json({"status": "alive"})

    async def ready(view: Any, request: Any) -> Any:
        """Readiness: Kafka partitions assigned and Elasticsearch reachable."""
        report = await readiness()
        return view.json(report, status=200 if report["ready"] else 503)

    async def search_view(view: Any, request: Any) -> Any:
        return await _respond(view, lambda: search.search(parse_search(request.query)))

    async def related_view(view: Any, request: Any, article_id: str) -> Any:
        def related() -> Awaitable[SearchResult]:
            raw = request.query.get("size", "10")
            if not raw.isdigit() or not 1 <= int(raw) <= 1000:
                raise BadParameter(f"size must be between 1 and 1000, not {raw!r}")
            return search.related(article_id, int(raw))

        return await _respond(view, related)

    async def article_view(view: Any, request: Any, article_id: str) -> Any:
        return await _respond(view, lambda: search.article(article_id))

    async def openapi_view(view: Any, request: Any) -> Any:
        return view.json(document_bearer(openapi()))

    app.page("/health")(health)
    app.page("/ready")(ready)
    app.page("/search")(search_view)
    app.page("/articles/{article_id}/related")(related_view)
    app.page("/articles/{article_id}")(article_view)
    app.page("/openapi.json")(openapi_view)


def _parameter(name: str, schema: Mapping[str, Any], description: str, **extra: Any) -> Any:
    return {
        "name": name,
        "in": "query",
        "schema": dict(schema),
        "description": description,
        **extra,
    }


def openapi() -> dict[str, Any]:
    """The OpenAPI 3.1 description of this API, built from the same tables the
    parser uses, so the two cannot drift apart."""
    error = {"$ref": "#/components/schemas/Error"}
    result = {"$ref": "#/components/schemas/SearchResult"}

    def responses(ok: dict[str, Any], *codes: tuple[int, str]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "200": {"description": "OK", "content": {"application/json": {"schema": ok}}}
        }
        for code, text in codes:
            out[str(code)] = {
                "description": text,
                "content": {"application/json": {"schema": error}},
            }
        return out

    search_parameters = [
        _parameter("q", {"type": "string"}, QUERY_HELP),
        *(
            _parameter(
                f.name,
                {
                    "type": "array",
                    "items": {"type": "string", **({"enum": list(f.choices)} if f.choices else {})},
                },
                f.help,
                style="form",
                explode=True,
            )
            for f in FILTERS
        ),
        *(
            _parameter(name, {"type": "string", "format": "date-time"}, text)
            for name, text in DATES.items()
        ),
        *(
            _parameter(
                i.name,
                {"type": "integer", "default": i.default, "minimum": i.low, "maximum": i.high},
                i.help,
            )
            for i in INTEGERS
        ),
        *(
            _parameter(flag.name, {"type": "boolean", "default": flag.default}, flag.help)
            for flag in FLAGS
        ),
        _parameter(
            "interval",
            {"type": "string", "enum": list(INTERVALS), "default": INTERVAL_DEFAULT},
            INTERVAL_HELP,
        ),
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "tinstream",
            "version": "1",
            "description": "Search enriched Vietnamese news; health of the worker.",
        },
        "paths": {
            "/search": {
                "get": {
                    "summary": "Search articles, with facets and highlights",
                    "parameters": search_parameters,
                    "responses": responses(
                        result, (400, "A bad parameter"), (503, "Elasticsearch unreachable")
                    ),
                }
            },
            "/articles/{article_id}": {
                "get": {
                    "summary": "One article: its text, entities with aliases, tone, topic, "
                    "keywords, near-copy link, and the 5 articles most related to it",
                    "parameters": [
                        {
                            "name": "article_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": responses(
                        {"type": "object", "required": ["id", "title", "related"]},
                        (404, "No such article"),
                        (503, "Elasticsearch unreachable"),
                    ),
                }
            },
            "/articles/{article_id}/related": {
                "get": {
                    "summary": "Articles sharing people, places, organisations and keywords",
                    "parameters": [
                        {
                            "name": "article_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        _parameter(
                            "size",
                            {"type": "integer", "default": 10, "minimum": 1, "maximum": 1000},
                            "How many articles.",
                        ),
                    ],
                    "responses": responses(result, (400, "A bad size"), (404, "No such article")),
                }
            },
            "/health": {
                "get": {
                    "summary": "Liveness",
                    "responses": {"200": {"description": "The worker answers"}},
                }
            },
            "/ready": {
                "get": {
                    "summary": "Readiness: partitions assigned, Elasticsearch reachable",
                    "responses": {
                        "200": {"description": "Ready"},
                        "503": {"description": "Not ready; the body says what is missing"},
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "string"}},
                },
                "SearchResult": {
                    "type": "object",
                    "required": ["total", "page", "size", "hits", "facets"],
                    "properties": {
                        "total": {"type": "integer"},
                        "page": {"type": "integer"},
                        "size": {"type": "integer"},
                        "hits": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["id", "title", "highlight"],
                                "properties": {
                                    "id": {"type": "string"},
                                    "score": {"type": ["number", "null"]},
                                    # Every field a hit carries, typed from the mapping.
                                    **{f: field_json_schema(f) for f in HIT_FIELDS},
                                    # Related articles only: what made each one related.
                                    "shared": {
                                        "type": "object",
                                        "additionalProperties": {
                                            "type": "array",
                                            "items": {"type": "string"},
                                        },
                                    },
                                    "title": {"type": "string"},
                                    "highlight": {
                                        "type": "object",
                                        "additionalProperties": {
                                            "type": "array",
                                            "items": {"type": "string"},
                                        },
                                    },
                                },
                            },
                        },
                        "facets": {
                            "type": "object",
                            "additionalProperties": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "value": {"type": "string"},
                                        "count": {"type": "integer"},
                                    },
                                },
                            },
                        },
                    },
                },
            }
        },
    }
