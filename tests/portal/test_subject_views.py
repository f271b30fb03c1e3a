"""`/entity/{uscc}` and `/record/{id}`: only what is published today, the same page otherwise."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.portal.conftest import AS_OF


def main_of(page: str) -> str:
    """The page's main content, without the chrome that names the requested path."""
    return page[page.index("<main") : page.index("</main>")]


async def test_entity_groups_what_is_published_today(client: httpx.AsyncClient) -> None:
    response = await client.get("/entity/91440300MA5F0A1B2N")
    assert response.status_code == 200
    page = response.text
    assert "<h1>深圳市创明知识产权代理有限公司</h1>" in page
    assert "严重违法失信名单（1）" in page and "失信行为（0）" in page and "守信激励（0）" in page
    assert "该主体目前被列入严重违法失信名单" in page
    assert f"截至 {AS_OF.isoformat()}" in page
    assert re.search(r"数据版本 \d+", page)
    assert "公示至 2028-03-09" in page
    assert "广东省深圳市" in page


async def test_repaired_record_is_gone_good_credit_stays(client: httpx.AsyncClient) -> None:
    page = (await client.get("/entity/91110108MA01XY2W4T")).text
    assert "失信行为（0）" in page and "守信激励（1）" in page
    assert "CNIPA-2024-0033" not in page


async def test_nothing_published_looks_the_same_as_never_listed(
    client: httpx.AsyncClient,
) -> None:
    ended = await client.get("/entity/91330100MA2H8Q5R3F")  # its only record's window ended
    never = await client.get("/entity/91350100M000100Y43")  # never in any feed
    assert ended.status_code == never.status_code == 200
    assert "本站没有公示该主体的信用信息" in ended.text
    assert main_of(ended.text).replace("91330100MA2H8Q5R3F", "X") == main_of(never.text).replace(
        "91350100M000100Y43", "X"
    )
    assert "杭州某某科技" not in ended.text


async def test_invalid_uscc_on_entity_route(client: httpx.AsyncClient) -> None:
    response = await client.get("/entity/91440300MA5F0A1B2X")
    assert response.status_code == 400
    assert "不是有效的统一社会信用代码" in response.text


async def test_record_page_shows_the_facts(client: httpx.AsyncClient) -> None:
    response = await client.get("/record/CNIPA-2025-0001")
    assert response.status_code == 200
    page = response.text
    for text in ("深圳市创明知识产权代理有限公司", "严重违法失信名单", "公示至 2028-03-09"):
        assert text in page


async def test_individual_record_shows_only_the_masked_id(client: httpx.AsyncClient) -> None:
    page = (await client.get("/record/CNIPA-2025-0101")).text
    assert "王某某" in page
    masked = re.search(r"<dt>身份证号码</dt><dd>([^<]*)</dd>", page)
    assert masked and "*" in masked.group(1)
    assert not re.search(r"\d{15,}", main_of(page))


@pytest.mark.parametrize(
    "record_id",
    ["CNIPA-2023-0107", "CNIPA-2024-0033", "CNIPA-2025-0090", "CNIPA-2025-0130", "NO-SUCH-ID"],
)
async def test_unpublished_record_is_the_same_404_as_unknown(
    client: httpx.AsyncClient, record_id: str
) -> None:
    response = await client.get(f"/record/{record_id}")
    unknown = await client.get("/record/NEVER-EXISTED")
    assert response.status_code == unknown.status_code == 404
    assert response.text == unknown.text.replace("/record/NEVER-EXISTED", f"/record/{record_id}")


async def test_a_personal_number_as_an_entity_path_is_never_repeated(
    client: httpx.AsyncClient,
) -> None:
    for path in ("110105199003071239", "110105900307123", "13800138000", "110105 19900307 1239"):
        response = await client.get(f"/entity/{path}")
        assert response.status_code == 400
        for piece in ("19900307", "900307123", "0013800"):
            assert piece not in response.text, path
