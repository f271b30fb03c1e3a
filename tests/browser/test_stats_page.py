"""`/stats` in real Chromium: charts drawn at 375 and 1280 px and in print, readable without
JavaScript, CSV downloads; full-page screenshots kept in test-artifacts/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.browsing import OVERFLOW_JS, assert_styled, contrast_failures
from tests.browser.conftest import SCREENSHOTS, new_context

CHARTS = ["kinds", "categories", "provinces", "months", "growth"]

# Every chart's drawn size, and whether its table and download link are shown.
CHARTS_JS = """
() => Array.from(document.querySelectorAll("section.stat")).map((s) => {
  const svg = s.querySelector("svg.chart").getBoundingClientRect();
  const shown = (el) => el !== null && el.getClientRects().length > 0
    && getComputedStyle(el).display !== "none";
  return { id: s.id, width: svg.width, height: svg.height,
           table: shown(s.querySelector("table")),
           download: shown(s.querySelector(".stat__download")) };
})
"""


def charts_drawn(page: Page) -> list[dict[str, Any]]:
    drawn: list[dict[str, Any]] = page.evaluate(CHARTS_JS)
    assert [chart["id"] for chart in drawn] == CHARTS
    for chart in drawn:
        assert chart["width"] > 250 and chart["height"] > 60, chart
        assert chart["table"], chart
    return drawn


@pytest.mark.parametrize("width", [375, 1280])
def test_stats_page_screenshots(browser: Browser, base_url: str, width: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"stats-{width}.png"
    target.unlink(missing_ok=True)
    context = new_context(browser, base_url, viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        page.goto("/stats")
        assert_styled(page)
        assert all(chart["download"] for chart in charts_drawn(page))
        measured: dict[str, Any] = page.evaluate(OVERFLOW_JS)
        assert measured["scrollWidth"] <= measured["width"], measured
        assert not measured["wide"], measured
        page.screenshot(path=str(target), full_page=True)
    finally:
        context.close()
    assert target.stat().st_size > 20_000


def test_stats_text_contrast(browser: Browser, base_url: str) -> None:
    context = new_context(browser, base_url)
    page = context.new_page()
    try:
        page.goto("/stats")
        checked, failures = contrast_failures(page)
    finally:
        context.close()
    assert checked > 100
    assert not failures, failures


def test_stats_in_print(browser: Browser, base_url: str) -> None:
    """Printed: every chart and table kept, the links to downloads gone; a screenshot kept."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / "stats-print.png"
    target.unlink(missing_ok=True)
    context = new_context(browser, base_url, viewport={"width": 800, "height": 1100})
    page = context.new_page()
    try:
        page.goto("/stats")
        page.emulate_media(media="print")
        assert not any(chart["download"] for chart in charts_drawn(page))
        page.screenshot(path=str(target), full_page=True)
        assert len(page.pdf(format="A4")) > 10_000
    finally:
        context.close()


def test_stats_without_javascript_and_csv_download(browser: Browser, base_url: str) -> None:
    context = new_context(browser, base_url, java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto("/stats")
        charts_drawn(page)
        with page.expect_download() as started:
            page.locator('a[href="/stats/provinces.csv"]').click()
        download = started.value
        assert download.suggested_filename.startswith("ipcredit-stats-provinces-")
        path = download.path()
        data = path.read_bytes()
    finally:
        context.close()
    assert data.startswith(b"\xef\xbb\xbf") and "省份".encode() in data
