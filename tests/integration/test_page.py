"""The worker's pages in a real browser (Debian's Chromium driven by Playwright) on the
real stack: a worker indexes the samples and articles written for these tests, and
the tests use the pages as a reader and an operator would."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from playwright.sync_api import Browser, Page, sync_playwright

from config import Settings
from deploy.local import Stack
from tests.integration.conftest import Run

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

CHROMIUM = "/usr/bin/chromium"
# Articles written for these tests: two about one invented official in Đà Nẵng (related
# by him), and one whose title and text carry markup meant to run in a reader's page
# (as entities, which the enrichment's clean-up turns back into those characters).
FLOOD = "page-flood"
DRAINS = "page-drains"
HOSTILE = "page-hostile"
HOSTILE_TITLE_PART = "<script>window.__tinPwned=1</script>"
ARTICLES = [
    {
        "id": FLOOD,
        "title": "Mưa lớn kéo dài làm ngập nhiều tuyến phố ở Đà Nẵng",
        "content": (
            "Sau hai ngày mưa lớn, nhiều tuyến phố trung tâm thành phố Đà Nẵng ngập sâu "
            "khiến người dân phải dắt xe máy qua các đoạn nước chảy xiết.\n"
            "Ông Phan Quốc Thịnh, Giám đốc Sở Xây dựng Đà Nẵng, cho biết lực lượng chức "
            "năng đã túc trực tại các điểm ngập để hướng dẫn giao thông.\n"
            "Theo ông Phan Quốc Thịnh, hệ thống thoát nước sẽ được nạo vét trong tuần tới."
        ),
        "source": "tin-thu-nghiem",
        "published_at": "2026-03-02T07:30:00+07:00",
    },
    {
        "id": DRAINS,
        "title": "Sở Xây dựng khơi thông cống thoát nước trước mùa bão",
        "content": (
            "Sở Xây dựng thành phố Đà Nẵng bắt đầu nạo vét hơn 40 km cống thoát nước "
            "trên các tuyến phố thường xuyên ngập.\n"
            "Ông Phan Quốc Thịnh cho biết công việc sẽ hoàn thành trước mùa mưa bão, "
            "với sự tham gia của các công ty môi trường đô thị."
        ),
        "source": "tin-thu-nghiem",
        "published_at": "2026-03-05T09:00:00+07:00",
    },
    {
        "id": HOSTILE,
        "title": (
            '&lt;script&gt;window.__tinPwned=1&lt;/script&gt;Giá cà phê " onmouseover="'
            'window.__tinPwned=2" tăng mạnh tại Đắk Lắk'
        ),
        "content": (
            "Giá cà phê nhân xô tại Đắk Lắk tăng mạnh trong tuần qua. "
            '&lt;img src=x onerror="window.__tinPwned=3"&gt; Nhiều nông dân cà phê '
            "phấn khởi vì giá cà phê cao nhất từ đầu năm."
        ),
        "source": "tin-thu-nghiem",
        "published_at": "2026-03-04T10:00:00+07:00",
    },
]


@pytest.fixture(scope="module")
def site(
    settings: Settings, stack: Stack, es: Elasticsearch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Run]:
    """One worker for the module: the samples and ARTICLES indexed, one dead letter sent,
    the lag observed every second."""
    run = Run(settings, tmp_path_factory.mktemp("page"))
    try:
        run.start_worker(TINSTREAM_LAG_INTERVAL_S="1")
        ids = run.publish_samples()
        run.publish(ARTICLES)
        run.produce((b"page-bad", b"{this is not JSON"))
        run.wait_indexed(es, [*ids, *(a["id"] for a in ARTICLES)])
        run.wait_ready(0)
        yield run
    finally:
        run.stop()
        for alias in (run.alias, run.lag_alias):
            for index in es.indices.get(index=f"{alias}-v*", allow_no_indices=True):
                es.indices.delete(index=index)
            es.options(ignore_status=404).indices.delete_index_template(name=alias)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        # Root in a container: Chromium's sandbox needs user namespaces it may not have.
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page; fails the test on any script error or policy violation it saw."""
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on(
        "console",
        lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    try:
        yield page
    finally:
        context.close()
    assert errors == []


def _url(run: Run, path: str = "/", **query: Any) -> str:
    encoded = urllib.parse.urlencode(query, doseq=True)
    return f"http://127.0.0.1:{run.web_ports[0]}{path}" + (f"?{encoded}" if encoded else "")


def _api(run: Run, path: str, **query: Any) -> dict[str, Any]:
    encoded = urllib.parse.urlencode(query, doseq=True)
    status, body = run.get(0, f"{path}?{encoded}" if encoded else path)
    assert status == 200, body
    return dict(json.loads(body))


def _total(page: Page) -> int:
    page.wait_for_selector("#summary[data-total]")
    return int(page.get_attribute("#summary", "data-total") or "-1")


def test_an_unaccented_query_shows_the_accented_hit_highlighted(site: Run, page: Page) -> None:
    response = page.goto(_url(site, "/"))
    assert response is not None and response.ok
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.fill("#q", "da nang")
    page.click("#search-form button")
    hit = page.locator(f"li.hit[data-id='{FLOOD}']")
    hit.wait_for()
    assert hit.locator("h3").inner_text() == ARTICLES[0]["title"]
    marks = hit.locator("h3 mark").all_inner_texts()
    # The marks are the place's name as written, diacritics kept.
    assert " ".join(marks) == "Đà Nẵng", marks
    assert page.input_value("#q") == "da nang"
    assert _total(page) == _api(site, "/search", q="da nang")["total"]


def test_pages_and_a_person_facet_that_narrows_the_results_and_is_removed(
    site: Run, page: Page
) -> None:
    page.goto(_url(site, "/"))
    everything = _total(page)
    # Pages of ten, the next one different.
    pages = -(-everything // 10)
    assert pages > 1
    assert page.inner_text("#pager .current") == f"Trang 1 / {pages}"
    first = set(page.locator("li.hit").evaluate_all("hits => hits.map(h => h.dataset.id)"))
    page.click("#pager a[rel='next']")
    page.wait_for_selector("#pager a[rel='prev']")
    assert page.inner_text("#pager .current") == f"Trang 2 / {pages}"
    second = set(page.locator("li.hit").evaluate_all("hits => hits.map(h => h.dataset.id)"))
    assert len(first) == len(second) == 10 and not first & second
    page.goto(_url(site, "/"))
    facet = page.locator("a.facet[data-facet='person']").first
    name = facet.get_attribute("data-value") or ""
    shown = int(facet.locator(".count").inner_text().replace(".", ""))
    facet.click()
    chip = page.locator(f"#active-filters a.chip[data-facet='person'][data-value='{name}']")
    chip.wait_for()
    narrowed = _total(page)
    assert narrowed == shown == _api(site, "/search", person=name)["total"]
    assert 0 < narrowed < everything
    assert page.locator("li.hit").count() == min(narrowed, 10)
    # The filter is kept by a new query, and removed by its chip.
    chip.click()
    page.wait_for_function("() => !document.querySelector('#active-filters a.chip')")
    assert _total(page) == everything


def test_an_article_its_entities_and_related_ones_open(site: Run, page: Page) -> None:
    page.goto(_url(site, "/", q="ngap da nang"))
    page.locator(f"li.hit[data-id='{FLOOD}'] h3 a").click()
    page.wait_for_selector(f"#article[data-id='{FLOOD}'] #article-title")
    assert page.inner_text("#article-title") == ARTICLES[0]["title"]
    assert not page.is_visible("#search-view")
    assert "Phan Quốc Thịnh" in page.inner_text("#article .content")
    api = _api(site, f"/articles/{FLOOD}")
    related = page.locator("#article .related-hit")
    assert related.count() == len(api["related"]) > 0
    first = related.first
    assert first.get_attribute("data-id") == api["related"][0]["id"]
    assert first.locator(".why").inner_text().startswith("Chung ")
    # The related article opens.
    other = api["related"][0]
    first.locator("h3 a").click()
    page.wait_for_selector(f"#article[data-id='{other['id']}'] #article-title")
    assert page.inner_text("#article-title") == other["title"]
    # Everything about a person named in the article: each of his articles.
    page.goto(_url(site, "/", article=FLOOD))
    person = page.locator("#article a.entity[data-type='PER']").first
    person.wait_for()
    name = person.inner_text().split(" (")[0].split("×")[0].strip()
    person.click()
    page.wait_for_selector("#active-filters a.chip[data-facet='person']")
    about = _api(site, "/search", person=name, size=50)
    assert _total(page) == about["total"] > 0
    assert FLOOD in {h["id"] for h in about["hits"]}
    assert page.inner_text("#summary").endswith(f"về {name}")


def test_the_pipeline_page_shows_the_group_ok_with_lag_0(site: Run, page: Page) -> None:
    group = f"tinstream-test-{site.run_id}"
    response = page.goto(_url(site, "/pipeline"))
    assert (
        response is not None and "default-src 'none'" in response.headers["content-security-policy"]
    )
    # The page refreshes itself; the worker observes its lag every second.
    page.wait_for_function(
        """group => {
            const g = document.querySelector(`#groups .group[data-group="${group}"]`);
            const rows = [...document.querySelectorAll(`#lag tbody tr[data-group="${group}"]`)];
            return g && g.dataset.status === "OK" && rows.length >= 2
                && rows.every(r => r.querySelector("td.lag").textContent === "0")
                && rows.every(r => r.querySelector("[data-status]").dataset.status === "OK");
        }""",
        arg=group,
        timeout=120_000,
    )
    topics = page.locator(f"#lag tbody tr[data-group='{group}']").evaluate_all(
        "rows => rows.map(r => r.dataset.topic)"
    )
    assert {site.raw, site.enriched} <= set(topics)
    # The undecodable message: one dead letter at the decode stage, with its reason.
    assert page.inner_text("#dead-stages tr[data-stage='decode'] td.num") == "1"
    assert "JSON" in page.inner_text("#dead-recent li[data-stage='decode']")
    # The lag history's chart, one line per topic, once an observation is indexed.
    # "attached", not "visible": at lag 0 the line is flat, and a flat SVG line has an
    # empty bounding box, which Playwright counts as invisible.
    page.wait_for_selector("#history svg polyline", state="attached", timeout=60_000)
    assert page.locator("#history svg polyline").count() >= 2
    assert "Đã lập chỉ mục" in page.inner_text("#throughput")


def _check_pwned(page: Page) -> None:
    assert page.evaluate("() => window.__tinPwned") is None
    assert page.locator("main script, main img").count() == 0


def test_hostile_content_shows_as_text_and_nothing_runs(site: Run, page: Page) -> None:
    stored = _api(site, f"/articles/{HOSTILE}")["title"]
    assert HOSTILE_TITLE_PART in stored and 'onmouseover="' in stored
    page.goto(_url(site, "/", q="ca phe dak lak"))
    title = page.locator(f"li.hit[data-id='{HOSTILE}'] h3")
    title.wait_for()
    assert title.inner_text() == stored
    assert HOSTILE_TITLE_PART in title.inner_text()
    title.hover()
    _check_pwned(page)
    title.locator("a").click()
    page.wait_for_selector(f"#article[data-id='{HOSTILE}'] #article-title")
    assert page.inner_text("#article-title") == stored
    assert "onerror=" in page.inner_text("#article .content")
    page.hover("#article-title")
    _check_pwned(page)
    # The document still holds the page's own two scripts only.
    assert page.locator("script").count() == 2
