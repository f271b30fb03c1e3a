"""Layout from 360 px to desktop, in both text sizes, and the screenshots kept as artifacts."""

from __future__ import annotations

import struct
from typing import Any

import pytest
from playwright.sync_api import Browser

from tests.browser.browsing import OVERFLOW_JS, assert_styled
from tests.browser.conftest import SCREENSHOTS, new_context

LARGE_TEXT_COOKIE = "ipcredit_large_text"


@pytest.mark.parametrize("large_text", [False, True], ids=["standard", "large-text"])
@pytest.mark.parametrize("width", [360, 375, 768, 1280])
def test_no_horizontal_scrolling(
    browser: Browser, base_url: str, page_paths: dict[str, str], width: int, large_text: bool
) -> None:
    context = new_context(browser, base_url, viewport={"width": width, "height": 800})
    if large_text:
        context.add_cookies([{"name": LARGE_TEXT_COOKIE, "value": "1", "url": base_url}])
    page = context.new_page()
    try:
        for name, path in page_paths.items():
            page.goto(path)
            assert_styled(page)
            assert page.evaluate("document.documentElement.classList.contains('large-text')") == (
                large_text
            )
            measured: dict[str, Any] = page.evaluate(OVERFLOW_JS)
            assert measured["scrollWidth"] <= measured["width"], (
                f"{name} ({path}) scrolls sideways at {width}px: {measured}"
            )
            assert not measured["wide"], f"{name} ({path}) overflows at {width}px: {measured}"
    finally:
        context.close()


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("width", [375, 1280])
def test_screenshots(
    browser: Browser, base_url: str, page_paths: dict[str, str], width: int
) -> None:
    """Full-page PNGs of home, search and entity, kept in test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = new_context(browser, base_url, viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        for name in ("home", "search", "entity"):
            target = SCREENSHOTS / f"{name}-{width}.png"
            target.unlink(missing_ok=True)
            page.goto(page_paths[name])
            assert_styled(page)
            page.screenshot(path=str(target), full_page=True)

            data = target.read_bytes()
            shot_width, shot_height = _png_size(data)
            assert shot_width == width
            assert shot_height >= 800
            assert len(data) > 20_000, f"{target.name} is nearly blank ({len(data)} bytes)"
    finally:
        context.close()


def test_the_measurement_catches_overflow(browser: Browser, base_url: str) -> None:
    """A too-wide element is reported, so a pass above means something."""
    context = new_context(browser, base_url, viewport={"width": 360, "height": 800})
    try:
        page = context.new_page()
        page.goto("/")
        page.evaluate("document.querySelector('.hint').style.width = '500px'")
        measured: dict[str, Any] = page.evaluate(OVERFLOW_JS)
        assert measured["scrollWidth"] > measured["width"]
        assert any("hint" in element for element in measured["wide"]), measured
    finally:
        context.close()
