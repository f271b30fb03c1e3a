"""Typical cases in real Chromium (issue 7): the first case followed from `/cases`, its
article sections, its related-record links, no sideways scrolling at 360 px, and full-page
screenshots at 375 and 1280 px kept in test-artifacts/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.browsing import OVERFLOW_JS, assert_styled
from tests.browser.conftest import SCREENSHOTS, new_context

SECTIONS = ["基本案情", "处理结果", "典型意义", "法律依据"]
CASE_LINKS = ".case-summary__title a"
RELATED_LINKS = "section[aria-labelledby=related-records] a"


def _follow_first_case(page: Page) -> str:
    """Open `/cases` and click the first case listed; the case's title."""
    page.goto("/cases")
    first = page.locator(CASE_LINKS).first
    title = first.inner_text()
    first.click()
    page.wait_for_url("**/cases/CASE-*")
    assert page.locator("h1").inner_text() == title
    return title


def _no_overflow(page: Page) -> None:
    measured: dict[str, Any] = page.evaluate(OVERFLOW_JS)
    assert measured["scrollWidth"] <= measured["width"], f"{page.url}: {measured}"
    assert not measured["wide"], f"{page.url}: {measured}"


def test_first_case_article(browser: Browser, base_url: str) -> None:
    """The case article at 360 px without JavaScript: its sections, facts and breadcrumb."""
    context = new_context(
        browser, base_url, viewport={"width": 360, "height": 800}, java_script_enabled=False
    )
    page = context.new_page()
    try:
        _follow_first_case(page)
        assert_styled(page)
        article = page.locator("article.case-article")
        headings = article.locator("section > h2").all_inner_texts()
        assert headings[: len(SECTIONS)] == SECTIONS, headings
        for heading in SECTIONS:
            section = article.locator("section").filter(
                has=page.get_by_role("heading", name=heading)
            )
            assert section.locator("p").first.inner_text().strip(), f"{heading} is empty"
        meta = article.locator(".case-article__meta").inner_text()
        assert "发布机关：" in meta and "发布日期：" in meta
        assert page.locator("nav.breadcrumb a[href='/cases']").count() == 1
        _no_overflow(page)
    finally:
        context.close()


def test_every_related_record_link_opens(browser: Browser, base_url: str) -> None:
    """Every case's related-record links (the first case's too, when it has any) open a
    record page answering 200 with the subject named in the link."""
    context = new_context(browser, base_url)
    page = context.new_page()
    try:
        page.goto("/cases")
        cases = [str(a.get_attribute("href")) for a in page.locator(CASE_LINKS).all()]
        assert len(cases) > 1
        related: dict[str, str] = {}
        for case in cases:
            page.goto(case)
            for link in page.locator(RELATED_LINKS).all():
                related[str(link.get_attribute("href"))] = link.inner_text()
        assert related, "no case links to a published record"
        for href, name in related.items():
            assert href.startswith("/record/"), href
            response = page.goto(href)
            assert response is not None and response.status == 200, href
            assert page.locator("h1").inner_text() == name, href
    finally:
        context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_case_page_screenshots(browser: Browser, base_url: str, width: int) -> None:
    """Full-page PNGs of the first case, kept in test-artifacts/screenshots/; no overflow."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"case-{width}.png"
    target.unlink(missing_ok=True)
    context = new_context(browser, base_url, viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        _follow_first_case(page)
        assert_styled(page)
        _no_overflow(page)
        page.screenshot(path=str(target), full_page=True)
    finally:
        context.close()
    assert target.stat().st_size > 20_000
