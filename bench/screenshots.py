"""``python -m bench.screenshots``: the README's pictures of a running worker's pages.

Against a worker that serves indexed articles (``make demo`` leaves one on
http://127.0.0.1:6066), Debian's Chromium (through Playwright) opens the search page
with a query typed without diacritics, an article, and the pipeline page, on a desktop
and on a phone's screen, and writes PNGs under ``docs/screenshots/``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

CHROMIUM = "/usr/bin/chromium"
OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:6066", help="the worker's address")
    parser.add_argument("--query", default="ha noi", help="the search shown")
    parser.add_argument("--out", type=Path, default=OUT, help="where the PNGs go")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    base = args.url.rstrip("/")
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for device, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                context = browser.new_context(
                    viewport=viewport, locale="vi-VN", device_scale_factor=1
                )
                page = context.new_page()
                page.set_default_timeout(60_000)
                page.goto(f"{base}/?q={args.query}")
                page.wait_for_selector("li.hit")
                path = args.out / f"search-{device}.png"
                page.screenshot(path=str(path), full_page=device == "desktop")
                written.append(path)
                if device == "desktop":
                    page.locator("li.hit h3 a").first.click()
                    page.wait_for_selector("#article .related")
                    path = args.out / "article-desktop.png"
                    page.screenshot(path=str(path), full_page=True)
                    written.append(path)
                page.goto(f"{base}/pipeline")
                page.wait_for_selector("#lag tbody tr")
                page.wait_for_selector("#history svg, #history .note")
                path = args.out / f"pipeline-{device}.png"
                page.screenshot(path=str(path), full_page=True)
                written.append(path)
                context.close()
        finally:
            browser.close()
    for path in written:
        print(path, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
