"""`/search` through the real app: hits, facets, filters, sort, paging, empty and error states."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

import httpx
import pytest
from starlette.applications import Starlette

from indexer.generate import generate_feed_lines
from portal.params import PAGE_SIZE
from tests.apps import client_for, indexed_app
from tests.portal.conftest import AS_OF


def result_names(page: str) -> list[str]:
    """The subject names of the hits, highlights stripped."""
    titles = re.findall(r'<h3 class="record__title">\s*<a [^>]*>(.*?)</a>', page, re.S)
    return [re.sub(r"</?mark>", "", title) for title in titles]


async def test_search_shows_hits_with_highlights_and_count(client: httpx.AsyncClient) -> None:
    response = await client.get("/search", params={"q": "创明"})
    assert response.status_code == 200
    page = response.text
    assert result_names(page) == ["深圳市创明知识产权代理有限公司"]
    assert "<mark>创明</mark>" in page
    assert f"截至 {AS_OF.isoformat()}" in page
    assert "共 <strong>1</strong> 条" in page
    assert response.headers["cache-control"] == "public, max-age=60"


@pytest.mark.parametrize(
    "query",
    [
        "11010519491231002X",
        "张三 11010519491231002X",
        "联系 13800138000",
        "张三 110105 19491231 002X",  # in groups
        "联系 138-0013-8000",
        "张三 110105491231002",  # first generation, 15 digits
    ],
)
async def test_a_personal_number_in_the_query_is_masked_and_refused(
    client: httpx.AsyncClient, query: str
) -> None:
    response = await client.get("/search", params={"q": query})
    assert response.status_code == 400
    assert "本站不按个人号码查询" in response.text
    for whole in ("11010519491231", "1380013", "19491231", "0013-", "491231"):
        assert whole not in response.text


async def test_an_all_digit_uscc_is_not_taken_for_a_personal_number(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/search", params={"q": "911101051000000295"})
    assert response.status_code == 303
    assert response.headers["location"] == "/entity/911101051000000295"


async def test_an_unknown_filter_value_is_named_as_ignored(client: httpx.AsyncClient) -> None:
    everything = (await client.get("/search")).text
    page = (await client.get("/search", params={"kind": "bad<b>", "year": "20x5"})).text
    assert "无法识别的筛选条件已忽略：信息类型、年份。" in page
    assert "共 <strong>5</strong> 条" in page and "共 <strong>5</strong> 条" in everything
    assert "已忽略" not in everything


async def test_browse_everything_published_without_query(client: httpx.AsyncClient) -> None:
    page = (await client.get("/search")).text
    assert "共 <strong>5</strong> 条" in page
    for gone in ("杭州某某科技", "南京宁安机械", "成都蜀光电子", "武汉江城文化"):
        assert gone not in page


async def test_facets_are_filter_links_and_filters_are_removable(
    client: httpx.AsyncClient,
) -> None:
    page = (await client.get("/search")).text
    facets = page[page.index('<nav class="facets"') :]
    assert 'href="/search?kind=serious_list"' in facets
    assert '严重违法失信名单 <span class="count">（2）</span>' in facets
    assert "广东省" in facets and "2025 年" in facets

    filtered = (await client.get("/search", params={"kind": "serious_list"})).text
    assert "共 <strong>2</strong> 条" in filtered
    assert sorted(result_names(filtered)) == sorted(
        ["深圳市创明知识产权代理有限公司", "東莞市（長安）精工模具有限公司"]
    )
    assert 'aria-label="移除条件：信息类型 严重违法失信名单"' in filtered
    assert 'href="/search"' in filtered  # removing the only filter goes back to all


async def test_unknown_filter_values_are_ignored(client: httpx.AsyncClient) -> None:
    response = await client.get("/search", params={"kind": "nonsense", "province": "999999"})
    assert response.status_code == 200
    assert "共 <strong>5</strong> 条" in response.text


async def test_sort_newest_orders_by_decision(client: httpx.AsyncClient) -> None:
    page = (await client.get("/search", params={"sort": "newest"})).text
    dates = re.findall(r"<dt>决定日期</dt><dd>(\d{4}-\d\d-\d\d)</dd>", page)
    assert dates == sorted(dates, reverse=True) and len(dates) == 5
    assert '<strong aria-current="true">最新决定</strong>' in page


async def test_valid_uscc_goes_to_the_entity_page(client: httpx.AsyncClient) -> None:
    response = await client.get("/search", params={"q": " 91440300ma5f0a1b2n "})
    assert response.status_code == 303
    assert response.headers["location"] == "/entity/91440300MA5F0A1B2N"


async def test_invalid_check_character_is_explained(client: httpx.AsyncClient) -> None:
    response = await client.get("/search", params={"q": "91440300MA5F0A1B2X"})
    assert response.status_code == 400
    assert "校验" in response.text and 'role="alert"' in response.text


async def test_too_long_query_is_refused_with_a_message(client: httpx.AsyncClient) -> None:
    response = await client.get("/search", params={"q": "专" * 101})
    assert response.status_code == 400
    assert "最多 100 个字符，当前 101 个" in response.text


async def test_a_query_cut_before_its_refusal_is_not_given_the_cut_length(
    client: httpx.AsyncClient,
) -> None:
    """The page reads 1,000 characters of `q` at most: 5,000 typed are not "1000"."""
    response = await client.get("/search", params={"q": "专" * 5_000})
    assert response.status_code == 400
    assert "最多 100 个字符，当前 1,000 个以上" in response.text
    assert "当前 1000 个" not in response.text


async def test_a_personal_number_in_a_filter_is_masked_everywhere_on_the_page(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/search", params={"q": "公司", "authority": "11010519491231002X"})
    assert response.status_code == 200
    assert "11010519491231002X" not in response.text
    assert "110105********002X" in response.text  # the form and the chip keep it, masked


async def test_empty_state_helps(client: httpx.AsyncClient) -> None:
    response = await client.get("/search", params={"q": "完全不存在的名字"})
    assert response.status_code == 200
    page = response.text
    assert "没有找到公示信息" in page
    assert "错别字" in page and "拼音" in page and "减少关键词" in page


@pytest.fixture(scope="module")
def generated_app(tmp_path_factory: pytest.TempPathFactory) -> Starlette:
    lines = list(generate_feed_lines(150, seed=7, today=AS_OF))
    return indexed_app(lines, tmp_path_factory.mktemp("paging"))


@pytest.mark.parametrize("sort", ["relevance", "newest"])
async def test_paging_by_next_links_visits_every_hit_once(
    generated_app: Starlette, sort: str
) -> None:
    async with client_for(generated_app) as http:
        first = (await http.get("/search", params={"q": "有限公司", "sort": sort})).text
        total = int(re.search(r"共 <strong>([\d,]+)</strong> 条", first)[1].replace(",", ""))  # type: ignore[index]
        assert total > 2 * PAGE_SIZE
        seen: list[str] = []
        page, number = first, 1
        while True:
            assert f"第 {number} 页" in page
            seen += re.findall(r'<h3 class="record__title">\s*<a href="/record/([^"]+)"', page)
            following = re.search(r'<a rel="next" href="([^"]+)"', page)
            if not following:
                break
            page = (await http.get(html.unescape(following[1]))).text
            number += 1
            assert "回到第一页" in page
    assert len(seen) == len(set(seen)) == total
    assert number == -(-total // PAGE_SIZE)


async def test_deep_or_broken_cursor_is_a_clear_error(client: httpx.AsyncClient) -> None:
    response = await client.get("/search", params={"after": "not-a-cursor", "page": "2"})
    assert response.status_code == 400
    assert "翻页参数无效" in response.text


@pytest.mark.parametrize(
    "path", ["/cases", "/search/export.csv", "/search/export.jsonl", "/cases/export.csv"]
)
async def test_no_page_or_export_searches_by_a_personal_number(
    client: httpx.AsyncClient, path: str
) -> None:
    queries = ("张三 110105199003071239", "110105900307123", "13800138000", "+8613800138000")
    for query in queries:
        response = await client.get(path, params={"q": query})
        assert response.status_code == 400 and "本站不按个人号码查询" in response.text
        for piece in ("0013", "19900307", "900307"):
            assert piece not in response.text


async def test_a_page_number_without_a_cursor_is_the_first_page(client: httpx.AsyncClient) -> None:
    page = (await client.get("/search", params={"page": "2"})).text
    assert "当前显示第 1–5 条" in page


async def test_a_masked_number_typed_as_a_query_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get("/search", params={"q": "138****8000"})
    assert response.status_code == 400 and "不按个人号码查询" in response.text


def record_ids(page: str) -> set[str]:
    return set(re.findall(r'href="/record/([^"]+)"', page))


@pytest.mark.parametrize(
    ("params", "expected", "chip"),
    [
        ({"severity": "serious"}, {"CNIPA-2025-0001", "CNIPA-2025-0120"}, "严重程度"),
        ({"subject_type": "agency"}, {"CNIPA-2025-0001"}, "主体类型"),
        ({"authority": "国家知识产权局"}, {"CNIPA-2025-0001", "CNIPA-GC-2024-0009"}, "决定机关"),
        (
            {"decided_from": "2025-04-01", "decided_until": "2025-06-30"},
            {"CNIPA-2025-0002", "CNIPA-2025-0101", "CNIPA-2025-0120"},
            "决定日期起",
        ),
        ({"year": "2025", "decided_until": "2025-03-31"}, {"CNIPA-2025-0001"}, "决定日期止"),
    ],
)
async def test_the_filters_of_the_design_narrow_the_page(
    client: httpx.AsyncClient, params: dict[str, str], expected: set[str], chip: str
) -> None:
    """Severity, subject type, authority and a decision-date range, as GraphQL has them;
    each shown as an active filter with a link that removes it."""
    page = (await client.get("/search", params=params)).text
    assert record_ids(page) == expected
    assert chip in page and "无法识别的筛选条件" not in page
    export = await client.get("/search/export.jsonl", params=params)
    assert {
        line.split('"record_id":"')[1].split('"')[0] for line in export.text.splitlines()[1:]
    } == expected


async def test_a_filter_value_not_understood_is_named_and_left_out(
    client: httpx.AsyncClient,
) -> None:
    page = (
        await client.get("/search", params={"severity": "bad", "decided_from": "2025-13-01"})
    ).text
    assert "无法识别的筛选条件已忽略：严重程度、决定日期起。" in page
    assert len(record_ids(page)) == 5


async def test_a_records_authority_links_to_its_decisions(client: httpx.AsyncClient) -> None:
    page = (await client.get("/record/CNIPA-2025-0001")).text
    link = f"/search?{urlencode({'authority': '国家知识产权局', 'sort': 'newest'})}"
    assert f'href="{html.escape(link)}"' in page


def form_fields(page: str) -> dict[str, str]:
    """The search form's fields and their values (a select: its chosen option's)."""
    form = page.split('<form class="search-form"', 1)[1].split("</form>", 1)[0]
    fields = dict(re.findall(r'<input[^>]* name="([^"]+)"[^>]* value="([^"]*)"', form))
    for name, options in re.findall(r'<select [^>]*name="([^"]+)">(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        fields[name] = chosen.group(1) if chosen else ""
    return fields


async def test_the_filters_beyond_the_facets_are_in_the_search_form(
    client: httpx.AsyncClient,
) -> None:
    """A visitor can choose severity, subject type, authority and decision dates without
    editing a link. They are part of the search form, with the facet filters and the sort:
    a query edited in the box goes with them, a new query keeps every filter in use, and
    an empty field filters nothing."""
    plain = (await client.get("/search")).text
    assert '<details class="filter-form">' in plain  # closed until one of them is in use
    assert form_fields(plain) == {
        "q": "",
        "severity": "",
        "subject_type": "",
        "authority": "",
        "decided_from": "",
        "decided_until": "",
    }
    for label in ("严重程度", "主体类型", "决定机关", "决定日期起", "决定日期止", "不限", "严重"):
        assert label in plain
    home = (await client.get("/")).text
    assert "filter-form" not in home  # the home page's box is a plain search

    asked = {"q": "公司", "kind": "dishonest_act", "sort": "newest", "severity": "serious"}
    page = (await client.get("/search", params=asked)).text
    assert '<details class="filter-form" open>' in page
    assert form_fields(page) == {
        "q": "公司",
        "kind": "dishonest_act",
        "sort": "newest",
        "severity": "serious",
        "subject_type": "",
        "authority": "",
        "decided_from": "",
        "decided_until": "",
    }

    # what the form sends when only a date is filled in: the empty fields change nothing
    sent = {**form_fields(page), "kind": "", "severity": "", "decided_from": "2025-04-01"}
    narrowed = (await client.get("/search", params=sent)).text
    assert "无法识别的筛选条件" not in narrowed
    searched = {"q": "公司", "sort": "newest"}
    expected = await client.get("/search", params={**searched, "decided_from": "2025-04-01"})
    assert record_ids(narrowed) == record_ids(expected.text)
    unnarrowed = await client.get("/search", params=searched)
    assert set() < record_ids(narrowed) < record_ids(unnarrowed.text)  # the date did narrow
    assert "决定日期起：2025-04-01" in narrowed
