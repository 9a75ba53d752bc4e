"""The worker's pages: search (``/``) and the pipeline's health (``/pipeline``).

Plain HTML files and a little JavaScript, shipped in this package (templates/ and
static/) and served as they are: the pages hold no data, their scripts fetch it from
the JSON API (/search, /articles/{id}) and /pipeline.json, and put every value into
the page as text. Every response carries a Content-Security-Policy that allows only
this server's own scripts and styles, so even a value that did reach the page as
markup could not run.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import faust

from streams.resources import packaged

# Only this server's files; no inline script or style, no frames, no plugins, no
# form posting elsewhere. Styles set from scripts go through the CSSOM (allowed).
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS: Mapping[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    # Small files that change with the package: always revalidate.
    "Cache-Control": "no-cache",
}
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
PAGES = {"/": "search.html", "/pipeline": "pipeline.html"}
STATIC = ("common.js", "search.js", "pipeline.js", "style.css")

StatusProvider = Callable[[], Awaitable[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    content_type: str


def _load(folder: str, name: str) -> Asset:
    path = packaged("indexers.web", folder, name)
    return Asset(path.read_bytes(), _TYPES[path.suffix])


def load_assets() -> dict[str, Asset]:
    """The pages and static files by URL path, read once from the package."""
    assets = {url: _load("templates", name) for url, name in PAGES.items()}
    assets.update({f"/static/{name}": _load("static", name) for name in STATIC})
    return assets


def _headers(content_type: str) -> dict[str, str]:
    return {**SECURITY_HEADERS, "Content-Type": content_type}


def add_pages(app: faust.App, status: StatusProvider) -> None:
    """Register the pages, their static files and ``/pipeline.json``.

    Args:
        app: the Faust app whose web server serves them.
        status: the pipeline's state as JSON (``streams.status.PipelineStatus.snapshot``);
            injected, so this package never reads Kafka.
    """
    assets = load_assets()

    def serve(url: str) -> Callable[[Any, Any], Awaitable[Any]]:
        asset = assets[url]

        async def view(web: Any, request: Any) -> Any:
            return web.bytes(asset.body, headers=_headers(asset.content_type))

        view.__name__ = "page_" + (url.strip("/").replace("/", "_").replace(".", "_") or "index")
        return view

    # Each file its own route: no path from the URL ever reaches the file system.
    for url in assets:
        app.page(url)(serve(url))

    async def pipeline_json(web: Any, request: Any) -> Any:
        return web.json(await status(), headers=dict(SECURITY_HEADERS))

    app.page("/pipeline.json")(pipeline_json)
