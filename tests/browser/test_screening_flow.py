"""Exhibitor screening in real Chromium (issue 6): upload an XLSX, read the result, download
both signed reports, verify them, and see a tampered one refused; screenshots kept.

The list is built from the browser data set as the running portal publishes it today: a
subject on the serious list, one with only dishonest acts, an unknown name, a row whose code
has a wrong check character and a formula-looking name. The whole flow runs without
JavaScript: the report links are `data:` URLs with a `download` attribute.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import Browser, Download, Page

from tests.browser.browsing import OUTSIDE_WIDTH_JS, OVERFLOW_JS, assert_styled
from tests.browser.conftest import SCREENSHOTS, new_context

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
UNKNOWN_NAME = "甲乙丙丁戊己庚辛测试工作室"
BAD_CODE_NAME = "虚构校验位测试展商有限公司"
FORMULA_NAME = "=1+1"
LONG_NAME = "ZHONGGUANCUNINTELLECTUALPROPERTYEXHIBITIONSERVICESINTERNATIONALHOLDINGS" * 2
"""A name with no place to break a line (its cell must wrap when printed)."""
A4_PRINT_WIDTH = int((210 - 2 * 14) / 25.4 * 96)
"""CSS pixels across an A4 portrait page inside print.css's 14 mm margins (687)."""
CELLS = "table.screen-table th, table.screen-table td"
HEADERS = ["展位号", "企业名称", "统一社会信用代码"]
LABELS = {
    "SERIOUS": "列入严重违法失信名单",
    "DISHONEST": "有失信行为记录",
    "REVIEW": "名称相近，需人工核查",
    "INVALID": "无法核查",
    "CLEAR": "未发现公示的失信信息",
}


@dataclass(frozen=True)
class Exhibitor:
    """One planted row and the verdict the portal must give it."""

    booth: str
    name: str
    uscc: str
    verdict: str


@dataclass(frozen=True)
class ExhibitorList:
    """The uploaded workbook, its rows, and the day and data version the portal serves."""

    path: Path
    rows: list[Exhibitor]
    as_of: str
    data_version: int

    def counts(self) -> dict[str, int]:
        return {label: sum(r.verdict == v for r in self.rows) for v, label in LABELS.items()}


def _published(page: Page, kind: str) -> list[tuple[str, str]]:
    """(name, USCC) of the records of `kind` on the first page of `/search?kind=…`."""
    page.goto(f"/search?kind={kind}")
    found: list[tuple[str, str]] = page.eval_on_selector_all(
        f"article.record--{kind}",
        """(articles) => articles.map((a) => [
             a.querySelector('.record__title a').textContent.trim(),
             (a.querySelector('.record__facts a[href^="/entity/"]') || {}).textContent || "",
           ]).filter(([, code]) => code)""",
    )
    assert found, f"no {kind} record with a code on /search?kind={kind}"
    return found


def _only_dishonest(page: Page, candidates: list[tuple[str, str]]) -> tuple[str, str]:
    """The first subject whose credit report lists dishonest acts but no serious listing."""
    for name, code in candidates:
        page.goto(f"/entity/{code}")
        acts = page.locator(".record-group--dishonest_act li").count()
        if acts and not page.locator(".notice--serious").count():
            return name, code
    pytest.fail("every dishonest subject on the first page is also on the serious list")


def _wrong_check_character(code: str) -> str:
    """`code` with its check character replaced by another valid USCC character."""
    last = USCC_ALPHABET.index(code[-1])
    return code[:-1] + USCC_ALPHABET[(last + 1) % len(USCC_ALPHABET)]


@pytest.fixture(scope="module")
def exhibitors(
    browser: Browser, base_url: str, tmp_path_factory: pytest.TempPathFactory
) -> ExhibitorList:
    """A small XLSX list (openpyxl) of subjects picked from what the portal publishes today."""
    context = new_context(browser, base_url)
    page = context.new_page()
    try:
        health: dict[str, Any] = page.request.get("/healthz").json()
        serious = _published(page, "serious_list")[0]
        dishonest = _only_dishonest(page, _published(page, "dishonest_act"))
    finally:
        context.close()
    assert serious[1] != dishonest[1]
    rows = [
        Exhibitor("A01", serious[0], serious[1], "SERIOUS"),
        Exhibitor("A02", dishonest[0], dishonest[1], "DISHONEST"),
        Exhibitor("A03", UNKNOWN_NAME, "", "CLEAR"),
        Exhibitor("A04", BAD_CODE_NAME, _wrong_check_character(serious[1]), "INVALID"),
        Exhibitor("A05", FORMULA_NAME, "", "CLEAR"),
    ]
    path = _workbook(rows, tmp_path_factory.mktemp("screening") / "展商名单.xlsx")
    return ExhibitorList(path, rows, str(health["as_of"]), int(health["data_version"]))


def _workbook(rows: list[Exhibitor], path: Path) -> Path:
    """`rows` saved as an XLSX list under `HEADERS`, every cell text."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    for line, row in enumerate(rows, start=2):
        for column, value in enumerate((row.booth, row.name, row.uscc), start=1):
            cell = sheet.cell(line, column, value)
            cell.data_type = "s"  # text, as typed in Excel: `=1+1` stays a name, not a formula
    book.save(path)
    return path


def _screen(page: Page, upload: Path) -> None:
    """Upload the list on `/screen` and land on the result page."""
    page.goto("/screen")
    assert_styled(page)
    page.set_input_files("#file", upload)
    page.get_by_role("button", name="开始筛查").click()
    page.wait_for_url("**/screen")
    assert page.locator("h1").inner_text() == "筛查结果"


def _summary(page: Page) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in page.locator(".counts--verdicts li").all():
        number, label = item.locator("span").all_inner_texts()
        counts[label] = int(number.replace(",", ""))
    return counts


def _verdicts(page: Page) -> dict[str, tuple[str, str]]:
    """Name → (verdict shown, line number) of every row in the result table."""
    shown: dict[str, tuple[str, str]] = {}
    for row in page.locator("table.screen-table tbody tr").all():
        line, subject, verdict = (cell.inner_text() for cell in row.locator("td").all()[:3])
        shown[subject.split("\n")[0].strip()] = (verdict.strip(), line.strip())
    return shown


def _download(page: Page, label: str) -> Download:
    with page.expect_download() as started:
        page.get_by_role("link", name=label).click()
    return started.value


def _verify(page: Page, report: Path) -> tuple[str, dict[str, str], str]:
    """Upload a report on `/screen/verify`: the heading, the facts listed, the message."""
    page.goto("/screen/verify")
    page.set_input_files("#report", report)
    page.get_by_role("button", name="核验").click()
    page.wait_for_url("**/screen/verify")
    notice = page.locator(".notice")
    facts = {
        fact.locator("dt").inner_text(): fact.locator("dd").inner_text()
        for fact in notice.locator("dl > div").all()
    }
    return notice.locator("h2").inner_text(), facts, notice.locator("p").last.inner_text()


def _tampered(report: Path, target: Path) -> Path:
    """A copy of `report` with one byte of its signed content flipped."""
    data = bytearray(report.read_bytes())
    data[len(data) // 3] ^= 0x01
    target.write_bytes(bytes(data))
    return target


def _neutralized(name: str) -> str:
    """A name as a report must carry it: a formula-looking one behind a `'`."""
    return "'" + name if name.startswith("=") else name


def test_upload_screen_download_and_verify(
    browser: Browser, base_url: str, exhibitors: ExhibitorList, tmp_path: Path
) -> None:
    """The whole flow at 360 px with JavaScript off, as a phone without scripts would see it."""
    context = new_context(
        browser,
        base_url,
        viewport={"width": 360, "height": 800},
        java_script_enabled=False,
        accept_downloads=True,
    )
    page = context.new_page()
    try:
        _screen(page, exhibitors.path)
        as_of = page.locator(".as-of").inner_text()
        report_id = page.locator(".as-of strong").inner_text()
        assert f"依据 {exhibitors.as_of} 的公示信息" in as_of
        assert f"数据版本 {exhibitors.data_version}" in as_of
        assert _summary(page) == exhibitors.counts()
        shown = _verdicts(page)
        assert len(shown) == len(exhibitors.rows)
        for line, row in enumerate(exhibitors.rows, start=2):
            assert shown[row.name] == (LABELS[row.verdict], str(line)), row
        measured: dict[str, Any] = page.evaluate(OVERFLOW_JS)
        assert measured["scrollWidth"] <= measured["width"], measured
        assert not measured["wide"], measured

        reports: dict[str, Path] = {}
        for kind, label in (("xlsx", "下载 Excel 报告"), ("csv", "下载 CSV 报告")):
            download = _download(page, label)
            assert download.failure() is None
            assert download.suggested_filename == f"ipcredit-screening-{report_id}.{kind}"
            reports[kind] = tmp_path / download.suggested_filename
            download.save_as(reports[kind])

        for kind, report in reports.items():
            heading, facts, message = _verify(page, report)
            assert heading == "报告真实、未被修改", (kind, message)
            assert facts == {
                "报告编号": report_id,
                "依据公示日期": exhibitors.as_of,
                "数据版本": str(exhibitors.data_version),
                "行数": str(len(exhibitors.rows)),
            }
            altered = _tampered(report, tmp_path / f"tampered.{kind}")
            heading, facts, message = _verify(page, altered)
            assert heading == "核验未通过", kind
            assert "已被修改" in message, (kind, message)
    finally:
        context.close()

    expected = [
        [row.booth, _neutralized(row.name), row.uscc, f"{LABELS[row.verdict]}（{row.verdict}）"]
        for row in exhibitors.rows
    ]
    table = list(csv.reader(io.StringIO(reports["csv"].read_text(encoding="utf-8-sig"))))
    assert report_id in table[0]
    assert table[1][:3] == HEADERS
    assert [line[:4] for line in table[2 : 2 + len(expected)]] == expected
    book = load_workbook(reports["xlsx"], read_only=True)
    sheet = [
        [cell or "" for cell in line[:4]]
        for line in book.worksheets[0].iter_rows(min_row=2, values_only=True)
    ]
    assert sheet == expected


@pytest.mark.parametrize("width", [375, 1280])
def test_screening_result_screenshots(
    browser: Browser, base_url: str, exhibitors: ExhibitorList, width: int
) -> None:
    """Full-page PNGs of the result page, kept in test-artifacts/screenshots/; no overflow."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"screen-result-{width}.png"
    target.unlink(missing_ok=True)
    context = new_context(browser, base_url, viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        _screen(page, exhibitors.path)
        assert _summary(page) == exhibitors.counts()
        measured: dict[str, Any] = page.evaluate(OVERFLOW_JS)
        assert measured["scrollWidth"] <= measured["width"], measured
        assert not measured["wide"], measured
        page.screenshot(path=str(target), full_page=True)
    finally:
        context.close()
    assert target.stat().st_size > 20_000


def test_screening_result_prints_on_a4(
    browser: Browser, base_url: str, exhibitors: ExhibitorList, tmp_path: Path
) -> None:
    """Printed on A4 portrait: the summary and every row kept, every cell of the table inside
    the page (long cells wrapped, nothing clipped), download buttons and navigation gone."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / "screen-result-print.png"
    target.unlink(missing_ok=True)
    rows = [*exhibitors.rows, Exhibitor("A06", LONG_NAME, "", "CLEAR")]
    upload = _workbook(rows, tmp_path / "长名称展商名单.xlsx")
    viewport = {"width": A4_PRINT_WIDTH, "height": 1100}
    context = new_context(browser, base_url, viewport=viewport)
    page = context.new_page()
    try:
        _screen(page, upload)
        page.emulate_media(media="print")
        measured: dict[str, Any] = page.evaluate(OUTSIDE_WIDTH_JS, CELLS)
        assert measured["checked"] == 5 * (len(rows) + 1), measured
        assert not measured["outside"], measured
        assert not measured["clipped"], measured
        assert measured["scrollWidth"] <= measured["width"], measured

        assert page.locator(".counts--verdicts").is_visible()
        assert _summary(page) == {
            label: sum(r.verdict == v for r in rows) for v, label in LABELS.items()
        }
        printed = page.locator("table.screen-table tbody tr")
        assert printed.count() == len(rows)
        assert all(row.is_visible() for row in printed.all())
        assert LONG_NAME in _verdicts(page)

        buttons = page.locator(".downloads a.button")
        assert buttons.count() == 2
        assert all(button.is_hidden() for button in buttons.all())
        for chrome in (".site-nav", ".breadcrumb", ".text-size", ".site-footer"):
            assert page.locator(chrome).is_hidden(), chrome
        page.screenshot(path=str(target), full_page=True)
        assert len(page.pdf(format="A4")) > 10_000
    finally:
        context.close()
