"""``python -m bench.page``: how the search page behaves on 10,000 articles.

On a running stack (``tinstream stack up``; ``TINSTREAM_ES_URL`` says where):

1. ``--unique`` articles of the shared news corpus (``../shared/data``, read in place)
   are enriched as the worker does, repeated under new ids up to ``--articles``, and
   bulk-indexed into a private index (deleted at the end);
2. the worker's web views (``indexers.web``: the JSON API and the pages) are served
   in this process on a free port, over that index;
3. timed, for each query of QUERIES (written for this bench, half without diacritics):
   * API: ``GET /search?q=…`` (what the page asks first), then the same query narrowed
     by its top person facet (what a facet click asks);
   * browser (Debian's Chromium through Playwright): from navigating to ``/?q=…`` until
     the first hit is shown (time to first result: HTML, scripts, the search), then
     from clicking the first person facet until the narrowed results are shown.

Prints the median, 95th percentile and maximum of each, in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch, helpers

from bench.corpus import VNTC, enriched_copies
from config import ElasticsearchSettings
from indexers.client import make_client
from indexers.document import DocumentBuilder
from indexers.mapping import index_settings, mappings
from nlp.segmenter import WordSegmenter
from streams.records import EnrichedArticle

CHROMIUM = "/usr/bin/chromium"
# Typed by a reader; written for this bench (no corpus text).
QUERIES = (
    "bóng đá",
    "bong da",
    "giá vàng",
    "gia vang",
    "tai nạn giao thông",
    "tai nan giao thong",
    "bệnh viện",
    "benh vien",
    "học sinh",
    "hoc sinh",
    "thị trường chứng khoán",
    "thi truong chung khoan",
    "Hà Nội",
    "ha noi",
    "xuất khẩu",
    "xuat khau",
    "ca sĩ",
    "ca si",
    "cảnh sát",
    "canh sat",
)


def _index(es: Elasticsearch, index: str, articles: list[EnrichedArticle]) -> None:
    builder = DocumentBuilder(WordSegmenter())
    es.indices.create(
        index=index, settings=index_settings(ElasticsearchSettings()), mappings=mappings()
    )
    actions = (
        {"_index": index, "_id": a.id, "_source": builder.document(a.to_dict())} for a in articles
    )
    for ok, item in helpers.streaming_bulk(es, actions, chunk_size=500):
        if not ok:
            raise SystemExit(f"could not index: {item}")
    es.indices.refresh(index=index)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """The worker's web views over ``index``, served from a thread with its own loop."""

    def __init__(self, settings: ElasticsearchSettings, index: str) -> None:
        self.port = _free_port()
        self._settings = settings
        self._index = index
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._serve()), daemon=True)

    async def _serve(self) -> None:
        import faust
        from aiohttp import web
        from faust.web.drivers.aiohttp import Web

        from indexers.client import make_async_client
        from indexers.search_async import AsyncArticleSearch
        from indexers.web import add_pages, add_views

        es = make_async_client(self._settings)
        app = faust.App(
            "bench-page", broker="kafka://127.0.0.1:1", web_port=self.port, autodiscover=False
        )
        search = AsyncArticleSearch(es, self._index, WordSegmenter())

        async def ready() -> dict[str, Any]:
            return {"ready": True}

        async def status() -> dict[str, Any]:
            return {"group": "bench", "groups": []}

        add_views(app, search, ready)
        add_pages(app, status)
        # The aiohttp driver (the app's default web="aiohttp://") holds the aiohttp app.
        driver = app.web
        if not isinstance(driver, Web):
            raise TypeError(f"an aiohttp web driver is needed, not {type(driver).__name__}")
        driver.init_server()
        runner = web.AppRunner(driver.web_app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self._ready.set()
        await self._stop.wait()
        await runner.cleanup()
        await es.close()

    def __enter__(self) -> Server:
        self._thread.start()
        if not self._ready.wait(60):
            raise SystemExit("the web server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)


def _get(port: int, path: str, **query: Any) -> tuple[float, dict[str, Any]]:
    url = f"http://127.0.0.1:{port}{path}?{urllib.parse.urlencode(query, doseq=True)}"
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        body = json.loads(response.read())
    return (time.perf_counter() - started) * 1000, body


def _top_person(answer: dict[str, Any]) -> str | None:
    persons = answer.get("facets", {}).get("persons") or []
    return str(persons[0]["value"]) if persons else None


def time_api(port: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"api_query_ms": [], "api_facet_ms": []}
    for query in QUERIES:
        took, answer = _get(port, "/search", q=query, size=10)
        out["api_query_ms"].append(took)
        person = _top_person(answer)
        if person:
            took, _ = _get(port, "/search", q=query, person=person, size=10)
            out["api_facet_ms"].append(took)
    return out


def time_browser(port: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    out: dict[str, list[float]] = {"page_first_result_ms": [], "page_facet_click_ms": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.set_default_timeout(30_000)
            # Once, so the scripts' first download is not counted against one query.
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector("#summary[data-total]")
            for query in QUERIES:
                url = f"http://127.0.0.1:{port}/?{urllib.parse.urlencode({'q': query})}"
                started = time.perf_counter()
                page.goto(url)
                page.wait_for_selector("li.hit, #summary[data-total='0']")
                out["page_first_result_ms"].append((time.perf_counter() - started) * 1000)
                facet = page.locator("a.facet[data-facet='person']").first
                if not facet.count():
                    continue
                started = time.perf_counter()
                facet.click()
                page.wait_for_selector("#active-filters a.chip[data-facet='person']")
                page.wait_for_selector("#summary[data-total]")
                out["page_facet_click_ms"].append((time.perf_counter() - started) * 1000)
        finally:
            browser.close()
    return out


def summarise(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(ordered),
        "median": round(statistics.median(ordered), 1),
        "p95": round(p95, 1),
        "max": round(ordered[-1], 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=VNTC, help="the news corpus (JSONL.gz)")
    parser.add_argument("--articles", type=int, default=10_000, help="articles indexed")
    parser.add_argument("--unique", type=int, default=2_000, help="distinct articles enriched")
    parser.add_argument("--no-browser", action="store_true", help="time the API only")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    settings = ElasticsearchSettings()
    es = make_client(settings)
    index = f"bench-page-{uuid.uuid4().hex[:8]}"
    print(f"enriching {args.unique} articles of {args.data} …", file=sys.stderr)
    started = time.perf_counter()
    articles = enriched_copies(args.data, args.unique, args.articles)
    enriched_s = time.perf_counter() - started
    try:
        started = time.perf_counter()
        _index(es, index, articles)
        indexed_s = time.perf_counter() - started
        print(f"indexed {len(articles)} documents into {index}", file=sys.stderr)
        with Server(settings, index) as server:
            samples = time_api(server.port)
            if not args.no_browser:
                samples.update(time_browser(server.port))
    finally:
        es.options(ignore_status=404).indices.delete(index=index)
        es.close()
    figures = {name: summarise(values) for name, values in samples.items() if values}
    report = {
        "articles": len(articles),
        "unique": args.unique,
        "enrich_s": round(enriched_s, 1),
        "index_s": round(indexed_s, 1),
        "timings_ms": figures,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(
        f"{report['articles']} articles ({args.unique} distinct, enriched in "
        f"{report['enrich_s']} s, indexed in {report['index_s']} s); {len(QUERIES)} queries"
    )
    for name, f in figures.items():
        spread = f"median {f['median']:7.1f}  p95 {f['p95']:7.1f}  max {f['max']:7.1f}"
        print(f"{name:22} {spread}  (n={f['n']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
