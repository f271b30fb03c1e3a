"""Searching, opening a record and an entity, paging and filtering, as a visitor clicks."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page, expect

from tests.browser.browsing import assert_styled
from tests.browser.conftest import BROAD_QUERY


def _titles(page: Page) -> list[str]:
    return [
        title.strip() for title in page.locator("ol.results h3.record__title a").all_inner_texts()
    ]


def test_search_from_the_home_page(page: Page) -> None:
    page.goto("/")
    assert_styled(page)
    expect(page.locator(".demo-banner")).to_contain_text("演示数据")
    search = page.get_by_role("search")
    box = search.get_by_label("查询企业、代理机构或个人的公示信息")
    expect(box).to_have_attribute("id", "q")
    box.fill(BROAD_QUERY)
    search.get_by_role("button", name="检索").click()

    page.wait_for_url(re.compile(r"/search\?"))
    assert parse_qs(urlsplit(page.url).query)["q"] == [BROAD_QUERY]
    expect(page).to_have_title(re.compile(BROAD_QUERY))
    expect(page.locator("#q")).to_have_value(BROAD_QUERY)
    count = page.locator("p.result-count")
    expect(count).to_contain_text(re.compile(r"共 [\d,]+ 条，当前显示第 1–20 条"))
    titles = _titles(page)
    assert len(titles) == 20
    assert all(BROAD_QUERY in title for title in titles), titles
    expect(page.locator("ol.results mark").first).to_be_visible()
    expect(page.locator("nav.facets")).to_be_visible()


def test_open_a_record_from_the_results(page: Page, search_path: str) -> None:
    page.goto(search_path)
    first = page.locator("h3.record__title a").first
    name = first.inner_text().strip()
    first.click()
    page.wait_for_url(re.compile(r"/record/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.locator(".record-details")).to_be_visible()
    expect(page.locator("nav.breadcrumb")).to_contain_text("信息检索")


def test_open_an_entity_from_the_results(page: Page, search_path: str) -> None:
    page.goto(search_path)
    link = page.locator("ol.results a[href^='/entity/']").first
    uscc = link.inner_text().strip()
    link.click()
    page.wait_for_url(f"**/entity/{uscc}")
    assert_styled(page)
    expect(page.locator(".credit-report__kicker")).to_have_text("主体信用信息公示")
    facts = page.locator(".credit-report__facts")
    expect(facts).to_contain_text(uscc)
    groups = page.locator("section.record-group h2")
    expect(groups).to_have_count(3)
    records = page.locator("ol.report-records > li")
    assert records.count() >= 1

    records.first.locator("h3 a").click()
    page.wait_for_url(re.compile(r"/record/"))
    expect(page.locator(".record-details")).to_contain_text(uscc)


def test_a_typed_uscc_goes_straight_to_the_entity(page: Page, entity_path: str) -> None:
    uscc = entity_path.rsplit("/", 1)[1]
    page.goto("/")
    page.locator("#q").fill(uscc)
    page.locator("#q").press("Enter")
    page.wait_for_url(f"**/entity/{uscc}")
    expect(page.locator(".credit-report__facts")).to_contain_text(uscc)


def _record_links(page: Page) -> list[str]:
    links: list[str] = page.locator("ol.results h3.record__title a").evaluate_all(
        "links => links.map((link) => link.getAttribute('href'))"
    )
    return links


def test_page_through_results(page: Page, search_path: str) -> None:
    page.goto(search_path)
    pagination = page.locator("nav.pagination")
    expect(pagination.locator("[aria-current=page]")).to_have_text("第 1 页")
    expect(pagination.get_by_role("link", name="回到第一页")).to_have_count(0)
    seen = [_record_links(page)]

    for number in (2, 3):
        pagination.locator("a[rel=next]").click()
        page.wait_for_url(re.compile(f"page={number}"))
        expect(pagination.locator("[aria-current=page]")).to_have_text(f"第 {number} 页")
        first = (number - 1) * 20 + 1
        expect(page.locator("p.result-count")).to_contain_text(
            f"当前显示第 {first}–{first + 19} 条"
        )
        expect(page.locator("ol.results")).to_have_attribute("start", str(first))
        links = _record_links(page)
        assert len(links) == 20
        for earlier in seen:
            assert not set(links) & set(earlier), f"page {number} repeats earlier records"
        seen.append(links)

    pagination.get_by_role("link", name="回到第一页").click()
    expect(pagination.locator("[aria-current=page]")).to_have_text("第 1 页")
    assert _record_links(page) == seen[0]


def test_filter_by_a_facet_and_remove_it(page: Page, search_path: str) -> None:
    page.goto(search_path)
    total_text = page.locator("p.result-count strong").last.inner_text()
    facet = page.locator("nav.facets section.facet").first
    facet_title = facet.locator("h3").inner_text().strip()
    choice = facet.locator("a").first
    label = choice.inner_text().split("（")[0].strip()
    choice.click()

    active = page.locator(".active-filters")
    expect(active).to_contain_text(f"{facet_title}：{label}")
    expect(page.locator("#q")).to_have_value(BROAD_QUERY)
    filtered_text = page.locator("p.result-count strong").last.inner_text()
    assert int(filtered_text.replace(",", "")) <= int(total_text.replace(",", ""))
    expect(facet.locator("a[aria-current=true]")).to_have_count(1)

    active.get_by_role("link", name=re.compile(f"移除条件：{facet_title}")).click()
    expect(page.locator(".active-filters")).to_have_count(0)
    expect(page.locator("p.result-count strong").last).to_have_text(total_text)


def test_filter_by_severity_and_dates_with_the_form(page: Page, search_path: str) -> None:
    page.goto(search_path)
    page.get_by_text("更多筛选条件").click()
    page.get_by_label("严重程度").select_option(label="严重")
    page.get_by_label("决定日期起").fill("2024-01-01")
    page.get_by_role("button", name="按条件筛选").click()

    page.wait_for_url(re.compile(r"severity=serious"))
    asked = parse_qs(urlsplit(page.url).query)
    assert asked["q"] == [BROAD_QUERY] and asked["decided_from"] == ["2024-01-01"]
    active = page.locator(".active-filters")
    expect(active).to_contain_text("严重程度：严重")
    expect(active).to_contain_text("决定日期起：2024-01-01")
    expect(page.locator("details.filter-form")).to_have_attribute("open", "")
    expect(page.get_by_label("严重程度", exact=True)).to_have_value("serious")

    # a query edited in the box goes with the filters, by either button
    page.locator("#q").fill("公司")
    page.get_by_role("button", name="按条件筛选").click()
    page.wait_for_url(re.compile(r"q=%E5%85%AC%E5%8F%B8"))
    asked = parse_qs(urlsplit(page.url).query)
    assert asked["severity"] == ["serious"] and asked["decided_from"] == ["2024-01-01"]
    expect(page.locator("#q")).to_have_value("公司")


def test_a_search_without_results_explains_why(page: Page) -> None:
    page.goto("/search?q=不存在的名称甲乙丙丁")
    expect(page.locator(".empty-state h2")).to_have_text("没有找到公示信息")
    expect(page.locator("ol.results")).to_have_count(0)
    expect(page.locator("nav.pagination")).to_have_count(0)
