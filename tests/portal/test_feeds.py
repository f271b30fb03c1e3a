"""Atom feeds: valid Atom 1.0 (read back by a real feed parser), filtered, under the rule."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET

import feedparser
import httpx
import pytest
from starlette.applications import Starlette

from credit.clock import clock_set_to
from portal import feeds
from tests.apps import client_for, indexed_app
from tests.test_models import CASE, RECORD

ATOM = "{http://www.w3.org/2005/Atom}"
DAY = date(2025, 7, 1)


def record(number: int, publish_from: date, **changes: Any) -> dict[str, Any]:
    return {
        **RECORD,
        "record_id": f"F-{number}",
        "subject_name": f"第{number}号测试科技有限公司",
        "decided_on": publish_from.isoformat(),
        "publish_from": publish_from.isoformat(),
        "publish_until": (publish_from + timedelta(days=365)).isoformat(),
        **changes,
    }


LINES = [
    record(1, DAY - timedelta(days=1)),
    record(2, DAY - timedelta(days=29)),  # the 30th day back: still in
    record(3, DAY - timedelta(days=30)),  # 31 days: out
    record(4, DAY - timedelta(days=3), kind="serious_list", severity="serious"),
    record(5, DAY - timedelta(days=2), delisted_on=DAY.isoformat(), delist_reason="repaired"),
    record(6, DAY + timedelta(days=1)),  # not yet published
    record(7, DAY - timedelta(days=4), reason="含有<script>alert(1)</script>与&符号。"),
    {**CASE, "case_id": "K-1", "case_type": "fair_infringement", "published_on": "2025-06-01"},
    {**CASE, "case_id": "K-2", "case_type": "other", "published_on": "2025-05-01"},
    {**CASE, "case_id": "K-3", "case_type": "other", "published_on": "2025-08-01"},
]


@pytest.fixture(scope="module")
def feeds_app(tmp_path_factory: pytest.TempPathFactory) -> Starlette:
    return indexed_app(LINES, tmp_path_factory.mktemp("feeds"))


@pytest.fixture
async def http(feeds_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(feeds_app) as client:
        yield client


def entry_ids(body: bytes) -> list[str]:
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return [entry.id.rsplit(":", 1)[1] for entry in parsed.entries]


async def test_records_feed_is_recent_published_newest_first(http: httpx.AsyncClient) -> None:
    response = await http.get("/feeds/records.atom")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert response.headers["cache-control"] == "public, max-age=60"
    assert entry_ids(response.content) == ["F-1", "F-4", "F-7", "F-2"]
    parsed = feedparser.parse(response.content)
    first = parsed.entries[0]
    assert first.link == "http://testserver/record/F-1"
    assert first.title.startswith("失信行为：第1号测试科技有限公司")
    assert first.published.startswith((DAY - timedelta(days=1)).isoformat())


async def test_a_feed_says_when_it_lists_only_the_newest(
    http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = feedparser.parse((await http.get("/feeds/records.atom")).content).feed
    assert "此处列出" not in whole.subtitle  # four entries, all listed
    monkeypatch.setattr(feeds, "MAX_ENTRIES", 2)
    cut = feedparser.parse((await http.get("/feeds/records.atom")).content)
    assert len(cut.entries) == 2
    assert "共 4 条，此处列出最新的 2 条" in cut.feed.subtitle


async def test_records_feed_filters(http: httpx.AsyncClient) -> None:
    serious = await http.get("/feeds/records.atom", params={"kind": "serious_list"})
    assert entry_ids(serious.content) == ["F-4"]
    assert "严重违法失信名单" in feedparser.parse(serious.content).feed.title
    nowhere = await http.get("/feeds/records.atom", params={"province": "650000"})
    assert entry_ids(nowhere.content) == []


async def test_entry_disappears_when_delisted(http: httpx.AsyncClient) -> None:
    with clock_set_to(datetime(2025, 6, 30, 4, 0)):
        before = entry_ids((await http.get("/feeds/records.atom")).content)
    assert "F-5" in before
    assert "F-5" not in entry_ids((await http.get("/feeds/records.atom")).content)


async def test_markup_in_records_is_escaped_text(http: httpx.AsyncClient) -> None:
    body = (await http.get("/feeds/records.atom")).content
    assert b"<script>" not in body
    tree = ET.fromstring(body)
    summaries = [e.findtext(f"{ATOM}summary") or "" for e in tree.iter(f"{ATOM}entry")]
    assert any("<script>alert(1)</script>与&符号" in summary for summary in summaries)


async def test_cases_feed(http: httpx.AsyncClient) -> None:
    response = await http.get("/feeds/cases.atom")
    assert entry_ids(response.content) == ["K-1", "K-2"]  # K-3 is not published yet
    fair = await http.get("/feeds/cases.atom", params={"case_type": "fair_infringement"})
    assert entry_ids(fair.content) == ["K-1"]
    assert re.search(rb"<link[^>]+rel=\"self\"", response.content)


async def test_the_self_link_never_repeats_a_personal_number(http: httpx.AsyncClient) -> None:
    response = await http.get("/feeds/records.atom", params={"note": "110105199003071239"})
    assert response.status_code == 200 and "19900307" not in response.text
