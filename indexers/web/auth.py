"""An optional bearer token in front of the worker's HTTP API.

With ``TINSTREAM_WORKER_API_TOKEN`` set, every request needs
``Authorization: Bearer <token>``, or gets 401 with ``WWW-Authenticate: Bearer``.
The token is compared in constant time (``hmac.compare_digest``), so the time of a
refusal says nothing about how much of a guess was right.

It is an aiohttp middleware on the whole web server, so every route is covered,
pages added later included, except an explicit list of open ones:

- ``/health`` and ``/ready``: liveness and readiness probes (orchestrators, ``tinstream
  demo``) must not need the secret; they say whether the worker runs, nothing more.
- ``/metrics``: Prometheus counters and lag gauges, no article text and no query;
  scrapers are configured once per network, and the lag exporter serves the same
  gauges without a token. Protect it at the network (or a proxy) if that is too much.
- ``/openapi.json``: the API's description, which tells a client it needs the token.
- the pages (``/``, ``/pipeline``) and their static files: markup and scripts with no
  data in them; a browser cannot send a header when it opens a page, so the page's
  script asks for the token on the first 401 and sends it with every data request
  (``/search``, ``/articles/…``, ``/pipeline.json``), which stay behind the token.

Without the setting nothing changes: the API stays open, as before.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from pydantic import SecretStr

from indexers.web.page import PAGES, STATIC

log = logging.getLogger(__name__)

OPEN_PATHS = frozenset(
    {
        "/health",
        "/ready",
        "/metrics",
        "/openapi.json",
        *PAGES,
        *(f"/static/{name}" for name in STATIC),
    }
)
SCHEME = "bearer"
REALM = 'Bearer realm="tinstream"'

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _given_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def token_middleware(token: SecretStr) -> Any:
    """The middleware that asks for ``token`` on every path but the open ones."""
    expected = token.get_secret_value().encode()

    @web.middleware
    async def require_token(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path in OPEN_PATHS:
            return await handler(request)
        given = _given_token(request)
        # compare_digest: constant time in the token's content (not its length).
        if given is not None and hmac.compare_digest(given.encode(), expected):
            return await handler(request)
        challenge = REALM if given is None else f'{REALM}, error="invalid_token"'
        log.info(
            "refused %s %s: %s bearer token",
            request.method,
            request.path,
            "no" if given is None else "a wrong",
        )
        return web.json_response(
            {"error": "this API needs Authorization: Bearer <TINSTREAM_WORKER_API_TOKEN>"},
            status=401,
            headers={"WWW-Authenticate": challenge},
        )

    return require_token


def require_token(app: Any, token: SecretStr | None) -> None:
    """Put the bearer check in front of the Faust app's web server (before it
    starts); no token: nothing changes."""
    if token is None or not token.get_secret_value():
        return
    app.web.web_app.middlewares.append(token_middleware(token))


def document_bearer(spec: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI description with the bearer scheme: every operation but the open
    paths lists it, with ``{}`` beside it since the token is optional (set by
    ``TINSTREAM_WORKER_API_TOKEN``)."""
    components = spec.setdefault("components", {})
    components.setdefault("securitySchemes", {})[SCHEME] = {
        "type": "http",
        "scheme": "bearer",
        "description": "Required when the worker runs with TINSTREAM_WORKER_API_TOKEN: "
        "send Authorization: Bearer <token>; without it (or with a wrong one) the answer "
        "is 401 with WWW-Authenticate. /health, /ready, /metrics and /openapi.json stay open.",
    }
    unauthorized = {
        "description": "No or a wrong bearer token (when TINSTREAM_WORKER_API_TOKEN is set)"
    }
    for path, operations in spec.get("paths", {}).items():
        if path in OPEN_PATHS:
            continue
        for operation in operations.values():
            operation["security"] = [{SCHEME: []}, {}]
            operation.setdefault("responses", {}).setdefault("401", unauthorized)
    return spec
