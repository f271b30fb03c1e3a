"""`/screen`, `/screen/verify` and the published key, through the real app."""

from __future__ import annotations

import asyncio
import base64
import io
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import NoReturn

import httpx
import openpyxl
import pytest

from credit.screening.signing import load_public_key, verify_report
from credit.service import Service
from tests.apps import app_over, client_for
from tests.engines import build_async_engine
from tests.portal.conftest import SAMPLE_LINES

LIST = (
    "展商名称,统一社会信用代码,展位\n"
    "深圳市创明知识产权代理有限公司,,A01\n"  # serious list, by name
    ",91440300MA5F0A1B2N,A02\n"  # serious list, by code
    "广州市恒远贸易有限公司,,A03\n"  # dishonest act
    "北京华创新材料科技有限公司,91110108MA01XY2W4T,A04\n"  # repaired: good credit only
    "杭州某某科技有限公司,,A05\n"  # window ended: clear
    '=HYPERLINK("http://x.example"),,A06\n'
)


def downloads(page: str) -> dict[str, bytes]:
    found = re.findall(r'href="data:[^;]+;base64,([^"]+)" download="[^"]+\.(csv|xlsx)"', page)
    return {kind: base64.b64decode(data) for data, kind in found}


async def post_list(client: httpx.AsyncClient, name: str, data: bytes) -> httpx.Response:
    return await client.post("/screen", files={"file": (name, data, "application/octet-stream")})


async def test_form_page(client: httpx.AsyncClient) -> None:
    response = await client.get("/screen")
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.text
    assert response.headers["cache-control"] == "no-store"


async def test_csv_upload_gives_verdicts_ordered_by_severity(client: httpx.AsyncClient) -> None:
    response = await post_list(client, "list.csv", LIST.encode())
    assert response.status_code == 200
    page = response.text
    counts = re.findall(r'<span class="counts__number">(\d+)</span> <span>([^<]+)</span>', page)
    assert {label: int(n) for n, label in counts} == {
        "列入严重违法失信名单": 2,
        "有失信行为记录": 1,
        "名称相近，需人工核查": 0,
        "无法核查": 0,
        "未发现公示的失信信息": 3,
    }
    lines = re.findall(r"<tr class=\"verdict--(\w+)\">\s*<td>(\d+)</td>", page)
    assert lines[:3] == [("serious", "2"), ("serious", "3"), ("dishonest", "4")]
    assert 'href="/record/CNIPA-2025-0001"' in page
    assert "CNIPA-2024-0033" not in page  # the repaired record makes no verdict
    assert 'href="/record/CNIPA-GC-2024-0009"' in page  # good credit attached


async def test_downloaded_reports_verify_and_a_changed_byte_does_not(
    client: httpx.AsyncClient,
) -> None:
    files = downloads((await post_list(client, "list.csv", LIST.encode())).text)
    assert set(files) == {"csv", "xlsx"}
    key_pem = (await client.get("/.well-known/ipcredit-report-key")).content
    public = load_public_key(key_pem)
    for kind, data in files.items():
        assert verify_report(data, public).genuine, kind
        answer = await client.post("/screen/verify", files={"report": (f"r.{kind}", data)})
        assert "报告真实、未被修改" in answer.text and "2025-07-01" in answer.text
        changed = bytearray(data)
        changed[len(changed) // 2] ^= 0x01
        answer = await client.post(
            "/screen/verify", files={"report": (f"r.{kind}", bytes(changed))}
        )
        assert "核验未通过" in answer.text, kind

    table = files["csv"].decode("utf-8-sig")
    assert "'=HYPERLINK" in table and "\n=HYPERLINK" not in table


async def test_xlsx_upload(client: httpx.AsyncClient) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in LIST.splitlines():
        sheet.append(row.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    page = (await post_list(client, "list.xlsx", buffer.getvalue())).text
    assert "列入严重违法失信名单" in page and 'href="/record/CNIPA-2025-0001"' in page


async def test_a_workbook_of_several_sheets_names_the_sheet_of_each_row(
    client: httpx.AsyncClient,
) -> None:
    book = openpyxl.Workbook()
    for index, title in enumerate(("A馆", "B馆")):
        sheet = book.active if index == 0 else book.create_sheet(title)
        assert sheet is not None
        sheet.title = title
        sheet.append(["展位", "企业名称"])
        sheet.append([f"{title[0]}01", "深圳市创明知识产权代理有限公司"])
    buffer = io.BytesIO()
    book.save(buffer)
    page = (await post_list(client, "list.xlsx", buffer.getvalue())).text
    assert "<td>「A馆」第2行</td>" in page and "<td>「B馆」第2行</td>" in page
    assert "已核查工作表「A馆」「B馆」。" in page


async def test_pasted_lines(client: httpx.AsyncClient) -> None:
    pasted = "深圳市创明知识产权代理有限公司\n杭州某某科技有限公司"
    page = (await client.post("/screen", data={"pasted": pasted})).text
    assert re.search(r'<span class="counts__number">1</span> <span>列入严重违法失信名单', page)


@pytest.mark.parametrize(
    ("files", "data", "message"),
    [
        (None, {}, "请选择要上传的 CSV 或 Excel 文件"),
        ({"file": ("a.csv", b"")}, {}, "文件为空"),
        ({"file": ("a.xlsx", b"PK\x03\x04not really")}, {}, "Excel"),
        (
            {"file": ("a.csv", "名称,地址\n某公司,深圳\n".encode())},
            {"name_column": "Z"},
            "Z",
        ),
    ],
)
async def test_problems_are_explained(
    client: httpx.AsyncClient, files: dict[str, tuple[str, bytes]] | None, data: dict[str, str],
    message: str,
) -> None:  # fmt: skip
    response = await client.post("/screen", files=files, data=data)
    assert response.status_code == 400
    assert message in response.text and "不保存上传的名单" in response.text


async def test_uploads_are_not_logged(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        await post_list(client, "secret-list.csv", LIST.encode())
    assert "创明" not in caplog.text and "secret-list" not in caplog.text
    assert '"route":"/screen"' in caplog.text


async def test_a_large_upload_is_read_in_memory_never_on_disk(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_disk(*args: object, **kwargs: object) -> NoReturn:
        raise AssertionError("an uploaded list reached a temporary file")

    monkeypatch.setattr(tempfile, "TemporaryFile", no_disk)  # where a spooled file rolls over
    padded = LIST + "".join(f"某某展商{n:06d}有限公司,,B{n:06d}\n" for n in range(40_000))
    assert 1024 * 1024 < len(padded.encode()) < 5 * 1024 * 1024
    response = await post_list(client, "list.csv", padded.encode())
    assert response.status_code == 400 and "最多 10,000 行" in response.text  # read whole


async def test_a_report_larger_than_an_upload_can_be_verified(client: httpx.AsyncClient) -> None:
    report = downloads((await post_list(client, "list.csv", LIST.encode())).text)["csv"]
    padded = report + b"#" * (7 * 1024 * 1024)  # as large as 10,000 rows' report
    answer = await client.post("/screen/verify", files={"report": ("r.csv", padded)})
    assert answer.status_code == 200 and "核验未通过" in answer.text  # read and judged, not 413


async def test_a_long_list_is_split_with_the_helper_process(tmp_path: Path) -> None:
    """The portal opens its engine from the settings, so it lends half of a long list to
    a helper process (`credit.screening.helper`) on a machine of two cores or more."""
    build_async_engine("tantivy", SAMPLE_LINES, tmp_path)
    app = app_over(None, tmp_path / "data-tantivy")
    service: Service = app.state.service
    helper = service.screening_helper
    if len(os.sched_getaffinity(0)) < 2:
        assert helper is None
        return
    assert helper is not None
    rows = LIST.splitlines()[1:6] * 500  # 2,500 rows: 1,000 here, 1,500 in the helper
    body = "\n".join([LIST.splitlines()[0], *rows]) + "\n"
    try:
        while not helper.available():
            await asyncio.sleep(0.05)
        async with client_for(app) as client:
            response = await post_list(client, "list.csv", body.encode())
        assert response.status_code == 200
        assert helper.parts_answered == 1
        counts = re.findall(
            r'<span class="counts__number">([\d,]+)</span> <span>([^<]+)</span>', response.text
        )
        assert {label: int(n.replace(",", "")) for n, label in counts} == {
            "列入严重违法失信名单": 1_000,
            "有失信行为记录": 500,
            "名称相近，需人工核查": 0,
            "无法核查": 0,
            "未发现公示的失信信息": 1_000,
        }
    finally:
        await service.close()
