"""`/cases` and `/cases/{id}`: browse, search, facets, the article, related records and cases."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from credit import vocabulary as vocab
from tests.apps import client_for, indexed_app
from tests.test_models import CASE


async def test_an_unknown_case_type_is_named_as_ignored(client: httpx.AsyncClient) -> None:
    page = (await client.get("/cases", params={"case_type": "nonsense"})).text
    assert "无法识别的筛选条件已忽略：案例类型。" in page


async def test_cases_browse_newest_first(client: httpx.AsyncClient) -> None:
    response = await client.get("/cases")
    assert response.status_code == 200
    page = response.text
    assert re.findall(r'href="/cases/(CASE-[^"]+)"', page) == ["CASE-2025-02", "CASE-2025-01"]
    assert "典型案例共 <strong>2</strong> 篇" in page
    facets = page[page.index('<nav class="facets"') :]
    assert "违法从事专利、商标代理" in facets and "北京市知识产权局" in facets
    assert 'href="/cases?case_type=illegal_agency"' in facets


async def test_case_search_and_filters(client: httpx.AsyncClient) -> None:
    page = (await client.get("/cases", params={"q": "代理"})).text
    assert re.findall(r'href="/cases/(CASE-[^"]+)"', page)[0] == "CASE-2025-01"
    assert "<mark>" in page
    only = (await client.get("/cases", params={"publisher": "北京市知识产权局"})).text
    assert "典型案例共 <strong>1</strong> 篇" in only
    assert "移除条件：发布机关 北京市知识产权局" in only
    none = (await client.get("/cases", params={"q": "完全无关的词语"})).text
    assert "没有找到典型案例" in none


async def test_case_article_links_published_related_record(client: httpx.AsyncClient) -> None:
    response = await client.get("/cases/CASE-2025-01")
    assert response.status_code == 200
    page = response.text
    for section in ("基本案情", "处理结果", "典型意义", "法律依据", "标签"):
        assert f">{section}</h2>" in page
    assert 'href="/record/CNIPA-2025-0001"' in page
    assert 'href="/cases?tag=%E4%BB%A3%E7%90%86%E8%A1%8C%E4%B8%9A"' in page
    assert 'href="/cases?publisher=' in page


async def test_delisted_related_record_leaves_no_trace(client: httpx.AsyncClient) -> None:
    page = (await client.get("/cases/CASE-2025-02")).text
    assert "相关公示信息" not in page
    assert "CNIPA-2024-0033" not in page
    assert "/record/" not in page[page.index("<main") : page.index("</main>")]


async def test_unknown_case_is_404(client: httpx.AsyncClient) -> None:
    assert (await client.get("/cases/NO-SUCH-CASE")).status_code == 404


def case_line(number: int, **changes: Any) -> dict[str, Any]:
    return {**CASE, "case_id": f"C-{number}", "title": f"第{number}号案例", **changes}


@pytest.fixture(scope="module")
def cases_app(tmp_path_factory: pytest.TempPathFactory) -> Starlette:
    lines = [
        case_line(1, case_type="fair_infringement", tags=["展会"], published_on="2025-01-05"),
        case_line(2, case_type="fair_infringement", tags=["展会"], published_on="2025-02-05"),
        case_line(3, case_type="other", tags=["展会", "商标"], published_on="2025-03-05"),
        case_line(4, case_type="other", tags=["无关"], published_on="2025-04-05"),
        case_line(5, case_type="other", tags=["以后"], published_on="2025-09-05"),
    ]
    return indexed_app(lines, tmp_path_factory.mktemp("cases"))


@pytest.fixture
async def cases_client(cases_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(cases_app) as http:
        yield http


async def test_related_cases_by_type_then_tag(cases_client: httpx.AsyncClient) -> None:
    page = (await cases_client.get("/cases/C-1")).text
    related = page[page.index('id="related-cases"') :]
    assert re.findall(r'href="/cases/(C-\d)"', related) == ["C-2", "C-3"]


async def test_case_not_yet_published_is_absent(cases_client: httpx.AsyncClient) -> None:
    """The served day is 2025-07-01 (conftest); C-5 is published on 2025-09-05."""
    assert (await cases_client.get("/cases/C-5")).status_code == 404
    assert "C-5" not in (await cases_client.get("/cases")).text


async def test_every_case_type_has_a_label(cases_client: httpx.AsyncClient) -> None:
    page = (await cases_client.get("/cases")).text
    assert vocab.CASE_TYPES["fair_infringement"] in page
