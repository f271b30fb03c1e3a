"""WCAG 2.1 AA contrast, measured from the colours Chromium actually computes."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.browsing import assert_styled, contrast_failures


def test_text_contrast_on_every_page(page: Page, page_paths: dict[str, str]) -> None:
    for name, path in page_paths.items():
        page.goto(path)
        assert_styled(page)
        checked, failures = contrast_failures(page)
        assert checked >= 10, f"{name}: only {checked} texts measured"
        assert not failures, f"{name} ({path}):\n" + "\n".join(failures)


def test_contrast_of_the_focused_skip_link_and_large_text_mode(
    page: Page, search_path: str
) -> None:
    page.goto(search_path)
    page.keyboard.press("Tab")
    _, failures = contrast_failures(page)
    assert not failures, "\n".join(failures)

    page.get_by_role("button", name="大字模式（适老化）").click()
    page.wait_for_selector("html.large-text")
    checked, failures = contrast_failures(page)
    assert checked >= 10
    assert not failures, "\n".join(failures)


def test_the_measurement_catches_low_contrast(page: Page) -> None:
    """The check fails on grey-on-white text, so a pass above means something."""
    page.goto("/")
    page.evaluate(
        "document.querySelector('.hint').style.color = '#aaaaaa';"
        "document.querySelector('#q').style.color = '#bbbbbb';"
    )
    page.locator("#q").fill("测试")
    _, failures = contrast_failures(page)
    assert any("hint" in failure for failure in failures), failures
    assert any("value of input" in failure for failure in failures), failures
