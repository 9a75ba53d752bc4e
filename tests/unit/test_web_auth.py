"""The worker API's optional bearer token: 401 with a challenge without it, every
route covered but the open ones, compared in constant time, and documented."""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from indexers.web import auth
from indexers.web.api import openapi
from indexers.web.auth import OPEN_PATHS, document_bearer, token_middleware

pytestmark = [pytest.mark.timeout(20)]

TOKEN = "t0ken-for-the-test-only"


async def _ok(request: web.Request) -> web.Response:
    return web.json_response({"path": request.path})


@pytest_asyncio.fixture
async def client() -> AsyncIterator[TestClient[Any, Any]]:
    app = web.Application(middlewares=[token_middleware(SecretStr(TOKEN))])
    # The API's routes, the open ones and a page another module could add later.
    for path in ("/search", "/articles/{id}", "/page/pipeline", "/pipeline.json", *OPEN_PATHS):
        app.router.add_get(path, _ok)
    async with TestClient(TestServer(app)) as c:
        yield c


@pytest.mark.parametrize(
    "path", ["/search?q=x", "/articles/a1", "/page/pipeline", "/pipeline.json"]
)
@pytest.mark.asyncio
async def test_without_the_token_every_route_is_401_with_a_challenge(
    client: TestClient[Any, Any], path: str
) -> None:
    answer = await client.get(path)
    assert answer.status == 401
    assert answer.headers["WWW-Authenticate"] == 'Bearer realm="tinstream"'
    assert "TINSTREAM_WORKER_API_TOKEN" in (await answer.json())["error"]


@pytest.mark.parametrize(
    "header",
    [f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", f"Basic {TOKEN}", "Bearer ", TOKEN],
)
@pytest.mark.asyncio
async def test_a_wrong_token_is_401_and_says_invalid_token(
    client: TestClient[Any, Any], header: str
) -> None:
    answer = await client.get("/search", headers={"Authorization": header})
    assert answer.status == 401
    body = await answer.text()
    assert TOKEN not in body and TOKEN not in str(answer.headers)


@pytest.mark.asyncio
async def test_the_right_token_passes(client: TestClient[Any, Any]) -> None:
    for scheme in ("Bearer", "bearer"):
        answer = await client.get("/search", headers={"Authorization": f"{scheme} {TOKEN}"})
        assert answer.status == 200
        assert (await answer.json())["path"] == "/search"


@pytest.mark.parametrize("path", sorted(OPEN_PATHS))
@pytest.mark.asyncio
async def test_probes_metrics_and_the_description_stay_open(
    client: TestClient[Any, Any], path: str
) -> None:
    assert (await client.get(path)).status == 200


@pytest.mark.asyncio
async def test_the_token_is_compared_in_constant_time(
    client: TestClient[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    compared: list[tuple[bytes, bytes]] = []

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return a == b

    monkeypatch.setattr(hmac, "compare_digest", spy)
    answer = await client.get("/search", headers={"Authorization": "Bearer guess"})
    assert answer.status == 401
    assert compared == [(b"guess", TOKEN.encode())]


def test_no_token_leaves_the_server_as_it_was() -> None:
    # The shape of faust.App: app.web.web_app is the aiohttp Application.
    app = SimpleNamespace(web=SimpleNamespace(web_app=web.Application()))
    auth.require_token(app, None)
    auth.require_token(app, SecretStr(""))
    assert list(app.web.web_app.middlewares) == []
    auth.require_token(app, SecretStr(TOKEN))
    assert len(app.web.web_app.middlewares) == 1


def test_openapi_documents_the_bearer_scheme() -> None:
    spec = document_bearer(openapi())
    scheme = spec["components"]["securitySchemes"]["bearer"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert "TINSTREAM_WORKER_API_TOKEN" in scheme["description"]
    search = spec["paths"]["/search"]["get"]
    assert search["security"] == [{"bearer": []}, {}]
    assert "401" in search["responses"]
    assert "security" not in spec["paths"]["/health"]["get"]


def test_the_pages_are_open_but_their_data_is_not() -> None:
    # A browser opens a page without a header; the page's script then asks for the
    # token and sends it with the data requests, which stay behind it.
    assert {"/", "/pipeline", "/static/common.js"} <= OPEN_PATHS
    assert not {"/search", "/pipeline.json"} & OPEN_PATHS
