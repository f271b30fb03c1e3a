"""GraphQL `screen`: verdicts as CONTRACT, the 1,000-entry limit, only published records."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from api.screening import MAX_ENTRIES
from credit.clock import clock_set_to
from credit.uscc import check_character
from tests.apps import client_for, indexed_app
from tests.test_api import SAMPLE_LINES, SERVED_AT, gql

SCREEN = """query($entries: [ScreenEntryInput!]!) {
  screen(entries: $entries) {
    asOf dataVersion summary { verdict label count }
    rows { ref verdict reason messages matches { basis score reason record { id kind } } }
  }
}"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Starlette:
    return indexed_app(SAMPLE_LINES, tmp_path_factory.mktemp("api-screen"))


@pytest.fixture(autouse=True)
def served_day() -> Iterator[None]:
    with clock_set_to(SERVED_AT):
        yield


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as http:
        yield http


async def screen(client: httpx.AsyncClient, entries: list[dict[str, str]]) -> dict[str, Any]:
    answer = await gql(client, SCREEN, {"entries": entries})
    assert "errors" not in answer, answer
    result: dict[str, Any] = answer["data"]["screen"]
    return result


async def test_verdicts_and_bases(client: httpx.AsyncClient) -> None:
    result = await screen(
        client,
        [
            {"ref": "a", "name": "深圳市创明知识产权代理有限公司"},
            {"ref": "b", "uscc": "91440300MA5F0A1B2N"},
            {"ref": "c", "name": "广州市恒远贸易有限公司"},
            {"ref": "d", "name": "北京华创新材料科技有限公司"},  # repaired: good credit only
            {"ref": "e", "name": "杭州某某科技有限公司"},  # window ended
            {"ref": "f", "uscc": "91440300MA5F0A1B2X"},  # wrong check character
        ],
    )
    assert result["asOf"] == "2025-07-01" and result["dataVersion"] > 0
    rows = {row["ref"]: row for row in result["rows"]}
    assert [row["ref"] for row in result["rows"]] == ["a", "b", "c", "d", "e", "f"]
    assert {ref: row["verdict"] for ref, row in rows.items()} == {
        "a": "SERIOUS",
        "b": "SERIOUS",
        "c": "DISHONEST",
        "d": "CLEAR",
        "e": "CLEAR",
        "f": "INVALID",
    }
    assert rows["a"]["matches"][0]["basis"] == "NAME"
    assert rows["b"]["matches"][0]["basis"] == "USCC"
    assert rows["b"]["matches"][0]["record"] == {"id": "CNIPA-2025-0001", "kind": "serious_list"}
    assert [m["record"]["id"] for m in rows["d"]["matches"]] == ["CNIPA-GC-2024-0009"]
    assert rows["e"]["matches"] == [] and rows["f"]["messages"]
    summary = {item["verdict"]: item["count"] for item in result["summary"]}
    assert summary == {"SERIOUS": 2, "DISHONEST": 1, "REVIEW": 0, "CLEAR": 2, "INVALID": 1}


async def test_too_many_entries(client: httpx.AsyncClient) -> None:
    entries = [{"ref": str(i), "name": "某公司"} for i in range(MAX_ENTRIES + 1)]
    answer = await gql(client, SCREEN, {"entries": entries})
    assert answer["data"] is None
    assert answer["errors"][0]["extensions"]["code"] == "TOO_MANY_ENTRIES"
    assert "1,000" in answer["errors"][0]["message"]


async def test_a_personal_id_number_in_an_entry_is_never_answered_whole(
    client: httpx.AsyncClient,
) -> None:
    number = "110105199003071239"
    result = await screen(client, [{"ref": number, "name": "张三", "uscc": number}])
    assert "11010519900307" not in str(result)
    assert result["rows"][0]["ref"] == "110105********1239"
    answer = await gql(client, SCREEN, {"entries": [{"ref": number, "name": "名" * 201}]})
    assert "11010519900307" not in str(answer)


async def test_overlong_entry_is_bad_input(client: httpx.AsyncClient) -> None:
    answer = await gql(client, SCREEN, {"entries": [{"ref": "x", "name": "名" * 201}]})
    assert answer["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_exactly_the_limit_is_accepted(client: httpx.AsyncClient) -> None:
    entries = [{"ref": str(i), "name": f"不存在的展商{i}有限公司"} for i in range(MAX_ENTRIES)]
    result = await screen(client, entries)
    assert len(result["rows"]) == MAX_ENTRIES


CITIES = ["深圳市", "广州市", "杭州市", "苏州市", "成都市", "武汉市", "南京市", "西安市"]
WORDS = "华创恒远明德瑞丰鼎盛"  # three of them make 1,000 different trade names
TRADES = ["知识产权代理", "专利事务所", "商标代理", "新材料科技", "生物医药", "智能装备"]


def inline_screen(count: int) -> str:
    """`screen` with `count` entries written in the query text: realistic names, valid codes."""
    entries = []
    for i in range(count):
        trade_name = "".join(WORDS[int(digit)] for digit in f"{i % 1000:03d}")
        name = f"{CITIES[i % len(CITIES)]}{trade_name}{TRADES[i % len(TRADES)]}有限公司"
        first17 = f"91440300MA5{i:06d}"
        entries.append(
            f'{{ref: "{i + 1}", name: "{name}", uscc: "{first17}{check_character(first17)}"}}'
        )
    selection = SCREEN.split("screen(entries: $entries)", 1)[1]
    return f"{{ screen(entries: [{', '.join(entries)}]){selection}"


async def test_the_limit_written_inline_is_accepted(client: httpx.AsyncClient) -> None:
    """1,000 entries in the query text are within the document limits (not only as variables)."""
    answer = await gql(client, inline_screen(MAX_ENTRIES))
    assert "errors" not in answer, answer["errors"][0]
    rows = answer["data"]["screen"]["rows"]
    assert [row["ref"] for row in rows] == [str(i + 1) for i in range(MAX_ENTRIES)]


async def test_one_more_written_inline_is_too_many_entries(client: httpx.AsyncClient) -> None:
    answer = await gql(client, inline_screen(MAX_ENTRIES + 1))
    assert answer["data"] is None
    assert answer["errors"][0]["extensions"]["code"] == "TOO_MANY_ENTRIES", answer["errors"]
    assert "1,001" in answer["errors"][0]["message"]
