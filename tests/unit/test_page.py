"""The worker's pages: what is served, with which headers, and how the files are written.

The pages' behaviour in a browser is tested in tests/integration/test_page.py; here,
without one: the routes, the Content-Security-Policy, and the rules that keep hostile
article text inert (no inline script or style, no HTML built from data).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import faust
import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer
from faust.web.drivers.aiohttp import Web

from indexers.web.page import CONTENT_SECURITY_POLICY, PAGES, STATIC, add_pages
from streams.resources import packaged

STATUS = {"group": "g", "groups": [], "history": {"topics": {}}}


async def _status() -> dict[str, Any]:
    return STATUS


@pytest_asyncio.fixture
async def client() -> AsyncIterator[TestClient[Any, Any]]:
    app = faust.App("page-test", broker="kafka://127.0.0.1:1", web_port=6999, autodiscover=False)
    add_pages(app, _status)
    driver = app.web
    assert isinstance(driver, Web)  # the default driver, which holds the aiohttp app
    driver.init_server()
    async with TestClient(TestServer(driver.web_app)) as test_client:
        yield test_client


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("path", "kind", "marker"),
    [
        ("/", "text/html", "search-form"),
        ("/pipeline", "text/html", 'id="lag"'),
        ("/static/search.js", "text/javascript", "/search?"),
        ("/static/style.css", "text/css", "@media"),
    ],
)
async def test_pages_and_files_are_served_with_a_strict_policy(
    client: TestClient[Any, Any], path: str, kind: str, marker: str
) -> None:
    response = await client.get(path)
    assert response.status == 200
    assert response.headers["Content-Type"].startswith(kind)
    assert marker in await response.text()
    policy = response.headers["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "default-src 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.asyncio
async def test_the_pipeline_state_comes_from_the_injected_provider(
    client: TestClient[Any, Any],
) -> None:
    response = await client.get("/pipeline.json")
    assert response.status == 200
    assert await response.json() == STATUS


@pytest.mark.asyncio
@pytest.mark.parametrize("path", ["/static/nope.js", "/static/../page.py", "/static/%2e%2e/api.py"])
async def test_only_the_shipped_files_are_served(client: TestClient[Any, Any], path: str) -> None:
    response = await client.get(path)
    assert response.status == 404


def _shipped(folder: str, names: Any) -> dict[str, str]:
    return {n: packaged("indexers.web", folder, n).read_text(encoding="utf-8") for n in names}


def test_templates_hold_no_inline_script_style_or_handler() -> None:
    for name, html in _shipped("templates", PAGES.values()).items():
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert scripts and all(" src=" in s for s in scripts), name
        assert "<style" not in html and " style=" not in html, name
        assert not re.search(r"\son[a-z]+\s*=", html), name
        assert 'lang="vi"' in html and 'name="viewport"' in html, name


def test_scripts_never_turn_data_into_markup() -> None:
    for name, js in _shipped("static", [s for s in STATIC if s.endswith(".js")]).items():
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in js, (name, sink)
        assert 'setAttribute("style"' not in js and "setAttribute('style'" not in js, name


def test_every_shipped_file_is_declared_as_package_data() -> None:
    from pathlib import Path

    shipped = {p.name for p in Path(str(packaged("indexers.web", "static"))).iterdir()}
    assert shipped == set(STATIC)
    pyproject = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    assert '"indexers.web" = ["templates/*.html", "static/*"]' in pyproject
