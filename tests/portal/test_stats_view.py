"""`/stats` and `/stats/{chart}.csv` through the real app over the sample feed on 2025-07-01.

Published that day: CNIPA-2025-0001 and -0120 (serious list, 广东), -0002 (dishonest act,
广东), -0101 (dishonest act, 北京) and CNIPA-GC-2024-0009 (good credit, 北京).
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import datetime

import httpx
import pytest
from starlette.applications import Starlette

from credit import regions
from credit.clock import clock_set_to
from portal.stats_view import BUILDERS
from tests.apps import client_for

SVG = "{http://www.w3.org/2000/svg}"
CHARTS = ["kinds", "categories", "provinces", "months", "growth"]
CODE_COLUMNS = {"kinds": 1, "categories": 2, "provinces": 1, "months": 0, "growth": 2}


def section(page: str, slug: str) -> str:
    start = page.index(f'<section class="stat" id="{slug}"')
    return page[start : page.index("</section>", start)]


def table_rows(html_text: str) -> list[list[str]]:
    """The body rows of the first table, cell texts (th and td)."""
    body = html_text[html_text.index("<tbody>") : html_text.index("</tbody>")]
    return [
        re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def read_csv(response: httpx.Response) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


async def test_page_has_every_chart_with_table_and_download(client: httpx.AsyncClient) -> None:
    response = await client.get("/stats")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=60"
    page = response.text
    assert '<a href="/stats">统计</a>' in page
    assert "截至 2025-07-01" in page and "数据版本" in page
    assert "所有数字只统计今日处于公示期内的信息" in page
    assert "共 <strong>5</strong> 条" in page
    for slug in CHARTS:
        part = section(page, slug)
        assert f'aria-labelledby="{slug}-heading"' in part
        svg = part[part.index("<svg") : part.index("</svg>") + len("</svg>")]
        root = ET.fromstring(svg)  # the markup is real SVG, not escaped text
        assert root.get("role") == "img"
        assert root.get("aria-labelledby") == f"chart-{slug}-title chart-{slug}-desc"
        assert "<caption>" in part and '<th scope="col">' in part and '<th scope="row">' in part
        assert f'href="/stats/{slug}.csv"' in part
    assert "<script" not in page


async def test_tables_hold_the_counts(client: httpx.AsyncClient) -> None:
    page = (await client.get("/stats")).text
    assert table_rows(section(page, "kinds")) == [
        ["严重违法失信名单", "2"],
        ["失信行为", "2"],
        ["守信激励", "1"],
    ]
    provinces = table_rows(section(page, "provinces"))
    assert provinces == [["广东省", "2", "1", "0", "3"], ["北京市", "0", "1", "1", "2"]]
    categories = {(row[0], row[1]): row[2] for row in table_rows(section(page, "categories"))}
    assert categories[("失信行为", "恶意商标注册申请")] == "1"
    assert categories[("守信激励", "知识产权示范/优势企业")] == "1"
    assert categories[("守信激励", "其他")] == "0" and len(categories) == 8 + 8 + 6
    months = table_rows(section(page, "months"))
    assert len(months) == 36 and months[0][0] == "2022-08" and months[-1][0] == "2025-07"
    assert ["2025-03", "1", "0", "0", "1"] in months and ["2024-12", "0", "0", "1", "1"] in months
    growth = table_rows(section(page, "growth"))
    assert [row[:5] for row in growth] == [
        ["严重违法失信名单", "违法从事专利、商标代理", "0", "1", "1"],
        ["严重违法失信名单", "故意侵犯知识产权", "0", "1", "1"],
        ["失信行为", "非正常专利申请", "0", "1", "1"],
        ["失信行为", "恶意商标注册申请", "0", "1", "1"],
    ]
    assert all(row[5] == "—" for row in growth)  # no increase rate over zero


@pytest.mark.parametrize("slug", CHARTS)
async def test_csv_download(client: httpx.AsyncClient, slug: str) -> None:
    response = await client.get(f"/stats/{slug}.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and f"{slug}-2025-07-01" in disposition
    assert response.headers["cache-control"] == "public, max-age=60"
    rows = read_csv(response)
    assert rows[0][:2] == ["截至", "数据版本"]
    assert len(rows) > 1 and all(row[0] == "2025-07-01" for row in rows[1:])
    assert len({row[1] for row in rows[1:]}) == 1 and rows[1][1].isdigit()
    assert b"\r\n" in response.content
    page = (await client.get("/stats")).text
    shown = [
        ["" if cell == "—" else cell for cell in row] for row in table_rows(section(page, slug))
    ]
    assert [row[2 + CODE_COLUMNS[slug] :] for row in rows[1:]] == shown


async def test_csv_carries_codes_and_plain_numbers(client: httpx.AsyncClient) -> None:
    rows = read_csv(await client.get("/stats/provinces.csv"))
    assert rows[0] == [
        "截至",
        "数据版本",
        "省份代码",
        "省份",
        "严重违法失信名单",
        "失信行为",
        "守信激励",
        "合计",
    ]
    assert rows[1][2:] == ["440000", "广东省", "2", "1", "0", "3"]
    growth = read_csv(await client.get("/stats/growth.csv"))
    assert growth[1][2:] == [
        "serious_list",
        "illegal_agency",
        "严重违法失信名单",
        "违法从事专利、商标代理",
        "0",
        "1",
        "1",
        "",
    ]


async def test_csv_cells_are_neutralized(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(regions, "province_name", lambda code: '=HYPERLINK("http://x","广东")')
    rows = read_csv(await client.get("/stats/provinces.csv"))
    assert rows[1][3] == '\'=HYPERLINK("http://x","广东")'
    page = (await client.get("/stats")).text
    assert "=HYPERLINK(&#34;http://x&#34;" in page or "=HYPERLINK(&quot;http://x&quot;" in page


async def test_unknown_chart_is_not_found(client: httpx.AsyncClient) -> None:
    for path in ("/stats/nope.csv", "/stats/__init__.csv", "/stats/kinds.txt"):
        assert (await client.get(path)).status_code == 404
    assert set(BUILDERS) == set(CHARTS)


async def test_no_data_state(samples_app: Starlette) -> None:
    with clock_set_to(datetime(2001, 1, 1, 4)):
        async with client_for(samples_app) as http:
            response = await http.get("/stats")
            assert response.status_code == 200
            assert "今日暂无公示信息" in response.text and "截至 2001-01-01" in response.text
            assert "<svg" not in response.text
            rows = read_csv(await http.get("/stats/kinds.csv"))
    assert [row[-1] for row in rows[1:]] == ["0", "0", "0"]
