"""Keyboard only: skip link, tab order, searching and opening a result, focus always visible."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.browsing import TABBABLE_JS, active_element, tab
from tests.browser.conftest import BROAD_QUERY

MAX_TABS = 400


def test_tab_order_of_the_search_page(page: Page) -> None:
    """Skip link, brand, every main-navigation link, the text-size switch, then the form."""
    page.goto("/search")
    nav = page.locator("nav.site-nav a").all_inner_texts()
    assert "信息检索" in nav
    order = [tab(page) for _ in range(len(nav) + 5)]
    assert order[0]["classes"] == "skip-link" and order[0]["href"] == "#main"
    assert order[1]["classes"] == "brand"
    assert [item["text"] for item in order[2 : 2 + len(nav)]] == nav
    rest = order[2 + len(nav) :]
    assert rest[0]["tag"] == "button" and rest[0]["text"] == "大字模式（适老化）"
    assert rest[1]["id"] == "q"
    assert rest[2]["tag"] == "button" and rest[2]["text"] == "检索"


def test_skip_link_jumps_to_the_main_content(page: Page) -> None:
    page.goto("/search")
    skip = tab(page)
    assert skip["classes"] == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, "skip link not shown on focus"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#main$"))
    focused = active_element(page)
    assert focused is not None and focused["id"] == "main"
    assert tab(page)["id"] == "q", "after the skip link, Tab should reach the search box"


def test_search_and_open_a_result_with_the_keyboard_only(page: Page) -> None:
    page.goto("/search")
    while (focused := tab(page))["id"] != "q":
        assert focused["tag"] != "body"
    page.keyboard.type(BROAD_QUERY)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    expect(page.locator("p.result-count")).to_contain_text("共")

    for _ in range(MAX_TABS):
        focused = tab(page)
        if focused["href"].startswith("/record/"):
            break
    else:
        raise AssertionError("no result link reachable with Tab")
    name = focused["text"]
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/record/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def test_every_control_is_reachable_with_tab(page: Page, page_paths: dict[str, str]) -> None:
    """Tabbing through each page visits every link, button and field, each visibly focused."""
    for name, path in page_paths.items():
        page.goto(path)
        wanted: list[str] = page.evaluate(TABBABLE_JS)
        reached: list[str] = []
        for _ in range(MAX_TABS):
            page.keyboard.press("Tab")
            focused = active_element(page)
            if focused is None or (reached and focused["key"] == reached[0]):
                break
            assert focused["outline"] or focused["shadow"], f"{name}: no focus on {focused['key']}"
            if not reached or focused["key"] != reached[-1]:  # a date field's parts: one control
                reached.append(focused["key"])
        missing = [key for key in wanted if key not in reached]
        assert not missing, f"{name}: not reachable by Tab: {missing}"
        assert len(reached) == len(wanted), f"{name}: {len(reached)} stops for {len(wanted)}"


def test_large_text_button_works_from_the_keyboard(page: Page, search_path: str) -> None:
    page.goto(search_path)
    while (focused := tab(page))["tag"] != "button":
        pass
    assert focused["text"] == "大字模式（适老化）"
    page.keyboard.press("Space")
    page.wait_for_selector("html.large-text")
    assert page.url.endswith(search_path)


def test_the_focus_check_catches_an_invisible_focus(page: Page) -> None:
    """With the focus style removed, `tab` fails, so its passes above mean something."""
    page.goto("/search")
    page.evaluate(  # through the CSSOM: the portal's CSP refuses inline <style>
        "const sheet = document.styleSheets[0];"
        "sheet.insertRule(':focus-visible { outline: none; box-shadow: none; }',"
        " sheet.cssRules.length)"
    )
    with pytest.raises(AssertionError, match="focus not visible"):
        tab(page)
