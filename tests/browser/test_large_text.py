"""The large-text (适老化) mode: works with JavaScript off and is remembered by a cookie."""

from __future__ import annotations

import time

from playwright.sync_api import Browser, Page, expect

from tests.browser.browsing import assert_styled
from tests.browser.conftest import new_context

LARGE_TEXT_COOKIE = "ipcredit_large_text"


def _root_font_px(page: Page) -> float:
    size: str = page.evaluate("getComputedStyle(document.documentElement).fontSize")
    return float(size.removesuffix("px"))


def _title_font_px(page: Page) -> float:
    size: str = page.locator("h3.record__title").first.evaluate(
        "el => getComputedStyle(el).fontSize"
    )
    return float(size.removesuffix("px"))


def test_large_text_without_javascript(browser: Browser, base_url: str, search_path: str) -> None:
    context = new_context(browser, base_url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(search_path)
        assert_styled(page)
        assert page.evaluate("document.documentElement.className") == ""
        assert _root_font_px(page) == 16
        standard_title = _title_font_px(page)

        switch = page.locator("form.text-size button")
        expect(switch).to_have_text("大字模式（适老化）")
        expect(switch).to_have_attribute("aria-pressed", "false")
        switch.click()
        page.wait_for_selector("html.large-text")
        assert page.url == base_url + search_path, "the switch must come back to the same page"
        assert _root_font_px(page) == 21
        assert _title_font_px(page) > standard_title * 1.25
        expect(switch).to_have_text("标准字号")
        expect(switch).to_have_attribute("aria-pressed", "true")

        (cookie,) = [c for c in context.cookies() if c["name"] == LARGE_TEXT_COOKIE]
        assert cookie["value"] == "1"
        assert cookie["httpOnly"]
        assert cookie["expires"] > time.time() + 300 * 24 * 3600, "not remembered for long"

        page.goto("/help/categories")
        expect(page.locator("html")).to_have_class("large-text")
        assert _root_font_px(page) == 21

        page.locator("form.text-size button").click()
        page.wait_for_url(base_url + "/help/categories")
        assert page.evaluate("document.documentElement.className") == ""
        assert _root_font_px(page) == 16
        expect(page.locator("form.text-size button")).to_have_attribute("aria-pressed", "false")
    finally:
        context.close()


def test_the_choice_survives_a_new_visit(browser: Browser, base_url: str) -> None:
    context = new_context(browser, base_url)
    try:
        page = context.new_page()
        page.goto("/")
        page.get_by_role("button", name="大字模式（适老化）").click()
        page.wait_for_selector("html.large-text")
        page.close()

        again = context.new_page()
        again.goto("/")
        expect(again.locator("html")).to_have_class("large-text")
        expect(again.get_by_role("button", name="标准字号")).to_be_visible()
    finally:
        context.close()
