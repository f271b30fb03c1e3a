"""`/`: search box, the rule in plain words, today's counts, the latest publications."""

from __future__ import annotations

import re

import httpx


async def test_home_counts_only_what_is_published_today(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    page = response.text
    assert '<form class="search-form" role="search"' in page
    assert '<label for="q">' in page
    assert "共公示 <strong>5</strong> 条" in page
    counts = re.findall(r'<span class="counts__number">([\d,]+)</span> <span>([^<]+)</span>', page)
    assert {label: int(number) for number, label in counts} == {
        "严重违法失信名单": 2,
        "失信行为": 2,
        "守信激励": 1,
    }


async def test_home_explains_the_publication_rule(client: httpx.AsyncClient) -> None:
    page = (await client.get("/")).text
    assert "公示规则" in page and "信用修复" in page and "不提示它曾经存在" in page


async def test_latest_publications_are_published_records_newest_first(
    client: httpx.AsyncClient,
) -> None:
    page = (await client.get("/")).text
    latest = page[page.index('id="latest-title"') :]
    ids = re.findall(r'href="/record/([^"]+)"', latest)
    assert set(ids) == {
        "CNIPA-2025-0001",
        "CNIPA-2025-0002",
        "CNIPA-GC-2024-0009",
        "CNIPA-2025-0101",
        "CNIPA-2025-0120",
    }
    dates = re.findall(r"<dt>决定日期</dt><dd>([\d-]+)</dd>", latest)
    assert dates == sorted(dates, reverse=True)


async def test_no_demo_banner_on_real_data(client: httpx.AsyncClient) -> None:
    assert "演示数据" not in (await client.get("/")).text
