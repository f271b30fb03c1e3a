"""The GraphQL API through the real app: CONTRACT names, paging, cases, counts, the rule.

The sample feed is indexed once and served on 2025-07-01 (Beijing) unless a test moves
the clock; `tests/test_search_contract.py` has the sample outcome table.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from credit.clock import clock_set_to
from tests.apps import client_for, indexed_app

SAMPLES = Path(__file__).parent / "fixtures" / "samples"
SAMPLE_LINES = [
    *(SAMPLES / "records.jsonl").read_text(encoding="utf-8").splitlines(),
    *(SAMPLES / "cases.jsonl").read_text(encoding="utf-8").splitlines(),
]
AS_OF = "2025-07-01"
SERVED_AT = datetime(2025, 7, 1, 1, 30)  # 09:30 in Beijing
PUBLISHED = {
    "CNIPA-2025-0001",
    "CNIPA-2025-0002",
    "CNIPA-GC-2024-0009",
    "CNIPA-2025-0101",
    "CNIPA-2025-0120",
}
# record id → (subject name, USCC) of the sample records not published on AS_OF
UNPUBLISHED = {
    "CNIPA-2023-0107": ("杭州某某科技有限公司", "91330100MA2H8Q5R3F"),  # window ended
    "CNIPA-2024-0033": ("北京华创新材料科技有限公司", "91110108MA01XY2W4T"),  # repaired
    "CNIPA-2025-0090": ("成都蜀光电子有限公司", "91510100MA6C4D9E8W"),  # not yet
    "CNIPA-2025-0130": ("南京宁安机械有限公司", "91320100MA1N7P3Q60"),  # withdrawn
}
FULL_ID_NUMBER = "110105199003071239"

# CONTRACT "GraphQL": the fields of `CreditRecord`, in its order
CONTRACT_RECORD_FIELDS = [
    *("id", "kind", "category", "categoryLabel", "severity", "subjectType", "subjectName"),
    *("uscc", "formerNames", "legalRepresentative", "idNumberMasked", "regionCode"),
    *("regionName", "reason", "legalBasis", "measures", "authority", "decisionNo"),
    *("decidedOn", "publishFrom", "publishUntil"),
]
RECORD_SELECTION = " ".join(CONTRACT_RECORD_FIELDS)


async def gql(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """POST one operation; the whole JSON answer (GraphQL answers 200 even with errors)."""
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def data_of(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The `data` of an operation that must succeed."""
    answer = await gql(client, query, variables)
    assert "errors" not in answer, answer
    data: dict[str, Any] = answer["data"]
    return data


def codes(answer: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in answer.get("errors", [])]


@pytest.fixture(scope="module")
def samples_app(tmp_path_factory: pytest.TempPathFactory) -> Starlette:
    return indexed_app(SAMPLE_LINES, tmp_path_factory.mktemp("api"))


@pytest.fixture(autouse=True)
def served_on_as_of() -> Iterator[None]:
    with clock_set_to(SERVED_AT):
        yield


@pytest.fixture
async def client(samples_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(samples_app) as http:
        yield http


# === CONTRACT names, by introspection (which stays on) =====================================

INTROSPECT = """
query ($name: String!) {
  __type(name: $name) {
    fields { name args { name } }
    inputFields { name }
  }
}
"""


async def fields_of(client: httpx.AsyncClient, type_name: str) -> dict[str, list[str]]:
    """Field name → argument names of a type."""
    data = await data_of(client, INTROSPECT, {"name": type_name})
    assert data["__type"] is not None, type_name
    return {f["name"]: [a["name"] for a in f["args"]] for f in data["__type"]["fields"]}


async def test_query_fields_and_arguments_are_contracts(client: httpx.AsyncClient) -> None:
    query = await fields_of(client, "Query")
    assert query["searchRecords"] == ["query", "filter", "sort", "first", "after"]
    assert query["record"] == ["id"]
    assert query["entity"] == ["uscc"]
    assert query["searchCases"] == ["query", "filter", "first", "after"]
    assert query["typicalCase"] == ["id"]
    assert query["dataInfo"] == []


async def test_object_fields_are_contracts(client: httpx.AsyncClient) -> None:
    record = await fields_of(client, "CreditRecord")
    assert set(CONTRACT_RECORD_FIELDS) <= set(record)
    assert not {"delistedOn", "delistReason", "updatedAt", "idNumber", "source"} & set(record)
    assert {"uscc", "name", "formerNames", "records", "seriousListed"} <= set(
        await fields_of(client, "Entity")
    )
    for connection, edge in (("RecordConnection", "RecordEdge"), ("CaseConnection", "CaseEdge")):
        assert {"totalCount", "edges", "pageInfo", "facets"} <= set(
            await fields_of(client, connection)
        )
        assert {"cursor", "node", "highlights"} <= set(await fields_of(client, edge))
    assert {"hasNextPage", "hasPreviousPage", "startCursor", "endCursor"} <= set(
        await fields_of(client, "PageInfo")
    )
    assert {"dataVersion", "asOf", "counts"} <= set(await fields_of(client, "DataInfo"))


async def test_typical_case_fields_are_camel_case(client: httpx.AsyncClient) -> None:
    case = await fields_of(client, "TypicalCase")
    assert {
        "id",
        "title",
        "publishers",
        "publishedOn",
        "caseType",
        "regionCode",
        "summary",
        "facts",
        "handling",
        "significance",
        "legalBasis",
        "tags",
        "relatedRecordIds",
        "sourceUrl",
    } <= set(case)


async def test_graphiql_page_is_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_a_query_by_get(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "{ dataInfo { asOf } }"})
    assert response.status_code == 200
    assert response.json() == {"data": {"dataInfo": {"asOf": AS_OF}}}


# === records and entities ==================================================================


async def test_search_records_answers_every_contract_name(client: httpx.AsyncClient) -> None:
    data = await data_of(
        client,
        f"""{{ searchRecords(query: "创明") {{
            totalCount asOf
            edges {{ cursor node {{ {RECORD_SELECTION} }} highlights {{ subjectName reason }} }}
            pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
            facets {{ kind {{ value label count }} category {{ value label count }}
                      province {{ value label count }} year {{ value label count }} }}
        }} }}""",
    )
    page = data["searchRecords"]
    assert page["totalCount"] == 1
    assert page["asOf"] == AS_OF
    [edge] = page["edges"]
    assert edge["highlights"]["subjectName"] == "深圳市<mark>创明</mark>知识产权代理有限公司"
    assert edge["node"] == {
        "id": "CNIPA-2025-0001",
        "kind": "serious_list",
        "category": "illegal_agency",
        "categoryLabel": "违法从事专利、商标代理",
        "severity": "serious",
        "subjectType": "agency",
        "subjectName": "深圳市创明知识产权代理有限公司",
        "uscc": "91440300MA5F0A1B2N",
        "formerNames": [],
        "legalRepresentative": "曾某",
        "idNumberMasked": None,
        "regionCode": "440300",
        "regionName": "广东省深圳市",
        "reason": "代理非正常专利申请6875件，情节严重，依法列入严重违法失信名单。",
        "legalBasis": "《专利代理条例》第二十五条；《市场监督管理严重违法失信名单管理办法》",
        "measures": ["列为重点监管对象", "不适用信用承诺制"],
        "authority": "国家知识产权局",
        "decisionNo": "国知处字〔2025〕8号",
        "decidedOn": "2025-03-10",
        "publishFrom": "2025-03-10",
        "publishUntil": "2028-03-09",
    }
    assert page["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": False,
        "startCursor": edge["cursor"],
        "endCursor": edge["cursor"],
    }
    facets = page["facets"]
    assert facets["kind"] == [{"value": "serious_list", "label": "严重违法失信名单", "count": 1}]
    assert facets["category"] == [
        {"value": "illegal_agency", "label": "违法从事专利、商标代理", "count": 1}
    ]
    assert facets["province"] == [{"value": "440000", "label": "广东省", "count": 1}]
    assert facets["year"] == [{"value": "2025", "label": "2025", "count": 1}]


async def test_an_individual_shows_only_the_masked_id_number(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json={"query": f'{{ record(id: "CNIPA-2025-0101") {{ {RECORD_SELECTION} }} }}'},
    )
    record = response.json()["data"]["record"]
    assert record["idNumberMasked"] == "110105********1239"
    assert record["uscc"] is None
    assert FULL_ID_NUMBER not in response.text


async def test_entity_with_former_names_and_records(client: httpx.AsyncClient) -> None:
    data = await data_of(
        client,
        """{ entity(uscc: "91440100MA9W3K7L17") {
            uscc name formerNames regionCode regionName seriousListed records { id subjectName }
        } }""",
    )
    assert data["entity"] == {
        "uscc": "91440100MA9W3K7L17",
        "name": "广州市恒远贸易有限公司",
        "formerNames": ["广州市恒远商贸有限公司"],
        "regionCode": "440100",
        "regionName": "广东省广州市",
        "seriousListed": False,
        "records": [{"id": "CNIPA-2025-0002", "subjectName": "广州市恒远贸易有限公司"}],
    }


async def test_entity_on_the_serious_list_and_input_normalized(client: httpx.AsyncClient) -> None:
    data = await data_of(
        client, '{ entity(uscc: " ９１４４０３００ma5f0a1b2n ") { uscc seriousListed } }'
    )
    assert data["entity"] == {"uscc": "91440300MA5F0A1B2N", "seriousListed": True}


async def test_a_record_links_to_its_entity(client: httpx.AsyncClient) -> None:
    data = await data_of(
        client,
        """{ record(id: "CNIPA-2025-0001") { entity { name seriousListed records { id } } }
             individual: record(id: "CNIPA-2025-0101") { entity { name } } }""",
    )
    assert data["record"]["entity"] == {
        "name": "深圳市创明知识产权代理有限公司",
        "seriousListed": True,
        "records": [{"id": "CNIPA-2025-0001"}],
    }
    assert data["individual"] == {"entity": None}


async def test_filters_and_sort(client: httpx.AsyncClient) -> None:
    query = """query ($filter: RecordFilter, $sort: RecordSort!) {
        searchRecords(filter: $filter, sort: $sort) { totalCount edges { node { id decidedOn } } }
    }"""

    async def found(flt: dict[str, Any], sort: str = "NEWEST") -> list[str]:
        data = await data_of(client, query, {"filter": flt, "sort": sort})
        return [edge["node"]["id"] for edge in data["searchRecords"]["edges"]]

    assert set(await found({"kinds": ["serious_list"]})) == {"CNIPA-2025-0001", "CNIPA-2025-0120"}
    assert set(await found({"region": "44"})) == {
        "CNIPA-2025-0001",
        "CNIPA-2025-0002",
        "CNIPA-2025-0120",
    }
    assert await found({"region": "4403"}) == ["CNIPA-2025-0001"]
    assert await found({"subjectTypes": ["individual"]}) == ["CNIPA-2025-0101"]
    assert await found({"severities": ["general"], "authority": "北京市知识产权局"}) == [
        "CNIPA-2025-0101"
    ]
    assert await found({"decidedFrom": "2025-04-01", "decidedUntil": "2025-05-31"}) == [
        "CNIPA-2025-0101",
        "CNIPA-2025-0120",
    ]
    newest = await data_of(client, query, {"filter": {}, "sort": "NEWEST"})
    days = [edge["node"]["decidedOn"] for edge in newest["searchRecords"]["edges"]]
    assert days == sorted(days, reverse=True)
    assert len(days) == len(PUBLISHED)


@pytest.mark.parametrize(
    "flt",
    [
        {"kinds": ["serious"]},
        {"categories": ["spam"]},
        {"severities": ["huge"]},
        {"subjectTypes": ["robot"]},
        {"region": "4"},
        {"region": "广东"},
        {"authority": "局" * 201},
    ],
)
async def test_bad_filter_values_are_bad_user_input(
    client: httpx.AsyncClient, flt: dict[str, Any]
) -> None:
    answer = await gql(
        client,
        "query ($f: RecordFilter) { searchRecords(filter: $f) { totalCount } }",
        {"f": flt},
    )
    assert codes(answer) == ["BAD_USER_INPUT"]
    field = next(iter(flt))
    assert field in answer["errors"][0]["message"]


# === paging by cursor ======================================================================

PAGE = """query ($first: Int!, $after: String) {
    searchRecords(first: $first, after: $after, sort: NEWEST) {
        totalCount
        edges { cursor node { id } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
}"""


async def test_paging_by_cursor_walks_every_hit_once(client: httpx.AsyncClient) -> None:
    whole = (await data_of(client, PAGE, {"first": 100}))["searchRecords"]
    everything = [edge["node"]["id"] for edge in whole["edges"]]
    assert set(everything) == PUBLISHED
    walked: list[str] = []
    after: str | None = None
    pages: list[dict[str, Any]] = []
    while True:
        page = (await data_of(client, PAGE, {"first": 2, "after": after}))["searchRecords"]
        pages.append(page)
        assert page["totalCount"] == len(PUBLISHED)
        walked += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert walked == everything
    assert [len(page["edges"]) for page in pages] == [2, 2, 1]
    assert [page["pageInfo"]["hasPreviousPage"] for page in pages] == [False, True, True]
    for page in pages:
        info = page["pageInfo"]
        assert info["startCursor"] == page["edges"][0]["cursor"]
        assert info["endCursor"] == page["edges"][-1]["cursor"]


async def test_any_edge_cursor_continues_after_that_edge(client: httpx.AsyncClient) -> None:
    whole = (await data_of(client, PAGE, {"first": 100}))["searchRecords"]["edges"]
    for index, edge in enumerate(whole):
        rest = (await data_of(client, PAGE, {"first": 100, "after": edge["cursor"]}))[
            "searchRecords"
        ]
        assert [e["node"]["id"] for e in rest["edges"]] == [
            e["node"]["id"] for e in whole[index + 1 :]
        ]


@pytest.mark.parametrize("after", ["not-a-cursor", "eyJvIjotMX0", "x" * 500])
async def test_a_bad_cursor_is_bad_user_input(client: httpx.AsyncClient, after: str) -> None:
    answer = await gql(client, PAGE, {"first": 2, "after": after})
    assert codes(answer) == ["BAD_USER_INPUT"]


# === typical cases =========================================================================

CASE_SELECTION = """id title publishers publishedOn caseType caseTypeLabel regionCode regionName
    summary facts handling significance legalBasis tags sourceUrl relatedRecordIds
    relatedRecords { id subjectName }"""


async def test_typical_case_in_camel_case(client: httpx.AsyncClient) -> None:
    data = await data_of(client, f'{{ typicalCase(id: "CASE-2025-01") {{ {CASE_SELECTION} }} }}')
    case = data["typicalCase"]
    assert case["title"] == "某知识产权代理公司代理非正常专利申请被列入严重违法失信名单案"
    assert case["publishers"] == ["国家知识产权局", "国家市场监督管理总局"]
    assert case["publishedOn"] == "2025-04-26"
    assert (case["caseType"], case["caseTypeLabel"]) == ("illegal_agency", "违法从事专利、商标代理")
    assert (case["regionCode"], case["regionName"]) == ("440300", "广东省深圳市")
    assert case["legalBasis"] == "《专利代理条例》第二十五条"
    assert case["tags"] == ["代理行业", "非正常专利申请", "联合惩戒"]
    assert case["sourceUrl"] == "https://example.org/cases/2025-01"
    assert case["relatedRecordIds"] == ["CNIPA-2025-0001"]
    assert case["relatedRecords"] == [
        {"id": "CNIPA-2025-0001", "subjectName": "深圳市创明知识产权代理有限公司"}
    ]
    unknown = await data_of(client, '{ typicalCase(id: "CASE-NONE") { id } }')
    assert unknown == {"typicalCase": None}


async def test_search_cases_with_facets_filter_and_paging(client: httpx.AsyncClient) -> None:
    query = """query ($q: String!, $f: CaseFilter, $after: String) {
        searchCases(query: $q, filter: $f, first: 1, after: $after) {
            totalCount asOf
            edges { cursor node { id } highlights { title summary facts } }
            pageInfo { hasNextPage endCursor }
            facets { caseType { value label count } year { value count }
                     province { value label count } publishers { value count } }
        }
    }"""
    first = (await data_of(client, query, {"q": ""}))["searchCases"]
    assert first["totalCount"] == 2
    assert first["asOf"] == AS_OF
    assert [edge["node"]["id"] for edge in first["edges"]] == ["CASE-2025-02"]  # newest first
    assert first["pageInfo"]["hasNextPage"] is True
    assert {f["value"]: f["label"] for f in first["facets"]["province"]} == {
        "440000": "广东省",
        "110000": "北京市",
    }
    second = (await data_of(client, query, {"q": "", "after": first["pageInfo"]["endCursor"]}))[
        "searchCases"
    ]
    assert [edge["node"]["id"] for edge in second["edges"]] == ["CASE-2025-01"]
    assert second["pageInfo"]["hasNextPage"] is False
    filtered = (await data_of(client, query, {"q": "", "f": {"caseTypes": ["illegal_agency"]}}))[
        "searchCases"
    ]
    assert [edge["node"]["id"] for edge in filtered["edges"]] == ["CASE-2025-01"]
    by_region = (await data_of(client, query, {"q": "", "f": {"region": "110108"}}))["searchCases"]
    assert [edge["node"]["id"] for edge in by_region["edges"]] == ["CASE-2025-02"]
    found = (await data_of(client, query, {"q": "信用修复"}))["searchCases"]
    assert [edge["node"]["id"] for edge in found["edges"]] == ["CASE-2025-02"]
    assert "<mark>信用修复</mark>" in found["edges"][0]["highlights"]["title"]


async def test_bad_case_filter_is_bad_user_input(client: httpx.AsyncClient) -> None:
    for flt in ({"caseTypes": ["nonsense"]}, {"year": 12}, {"tag": "签" * 201}):
        answer = await gql(
            client, "query ($f: CaseFilter) { searchCases(filter: $f) { totalCount } }", {"f": flt}
        )
        assert codes(answer) == ["BAD_USER_INPUT"], flt


# === dataInfo ==============================================================================

DATA_INFO = """{ dataInfo { dataVersion asOf demo
    counts { records seriousList dishonestAct goodCredit cases } } }"""


async def test_data_info_counts_what_is_published_today(client: httpx.AsyncClient) -> None:
    info = (await data_of(client, DATA_INFO))["dataInfo"]
    assert info["asOf"] == AS_OF
    assert info["dataVersion"] >= 1
    assert info["demo"] is False
    assert info["counts"] == {
        "records": 5,
        "seriousList": 2,
        "dishonestAct": 2,
        "goodCredit": 1,
        "cases": 2,
    }


# === the publication rule: a record outside its window is absent everywhere ===============

EVERYWHERE = """query ($id: ID!, $uscc: String!, $name: String!) {
    record(id: $id) { id }
    entity(uscc: $uscc) { records { id } }
    byName: searchRecords(query: $name, first: 100) { totalCount edges { node { id } } }
    all: searchRecords(first: 100) {
        totalCount edges { node { id entity { records { id } } } }
        facets { kind { value count } category { value count } province { value count }
                 year { value count } }
    }
    cases: searchCases(first: 100) { edges { node { relatedRecordIds relatedRecords { id } } } }
    dataInfo { counts { records seriousList dishonestAct goodCredit } }
}"""


def record_ids_in(data: Any) -> set[str]:
    """Every record id anywhere in an answer."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "id" and isinstance(value, str):
                found.add(value)
            elif key == "relatedRecordIds":
                found.update(value)
            else:
                found |= record_ids_in(value)
    elif isinstance(data, list):
        for item in data:
            found |= record_ids_in(item)
    return found


def facet_totals(facets: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    return {name: sum(value["count"] for value in values) for name, values in facets.items()}


@pytest.mark.parametrize("record_id", sorted(UNPUBLISHED))
async def test_an_unpublished_record_is_absent_from_every_query(
    client: httpx.AsyncClient, record_id: str
) -> None:
    name, uscc = UNPUBLISHED[record_id]
    data = await data_of(client, EVERYWHERE, {"id": record_id, "uscc": uscc, "name": name})
    assert record_id not in record_ids_in(data)
    assert data["record"] is None
    assert record_ids_in(data["all"]) == PUBLISHED
    assert data["all"]["totalCount"] == len(PUBLISHED)
    assert facet_totals(data["all"]["facets"]) == dict.fromkeys(
        ("kind", "category", "province", "year"), len(PUBLISHED)
    )
    assert data["dataInfo"]["counts"] == {
        "records": 5,
        "seriousList": 2,
        "dishonestAct": 2,
        "goodCredit": 1,
    }
    if record_id == "CNIPA-2024-0033":  # its subject keeps a published good-credit record
        assert data["entity"] == {"records": [{"id": "CNIPA-GC-2024-0009"}]}
        assert record_ids_in(data["byName"]) == {"CNIPA-GC-2024-0009"}
    else:
        assert data["entity"] is None
        assert data["byName"] == {"totalCount": 0, "edges": []}


@pytest.mark.parametrize("record_id", sorted(UNPUBLISHED))
async def test_an_unpublished_record_answers_like_an_unknown_one(
    client: httpx.AsyncClient, record_id: str
) -> None:
    query = "query ($id: ID!) { record(id: $id) { id subjectName } }"
    unpublished = await client.post(
        "/graphql", json={"query": query, "variables": {"id": record_id}}
    )
    unknown = await client.post("/graphql", json={"query": query, "variables": {"id": "NO-SUCH"}})
    assert (unpublished.status_code, unpublished.content) == (unknown.status_code, unknown.content)
    assert unpublished.json() == {"data": {"record": None}}


@pytest.mark.parametrize(
    ("served_at", "published"),
    [
        (datetime(2025, 7, 31, 15, 59), False),  # 23:59 on 31 July in Beijing
        (datetime(2025, 7, 31, 16, 0), True),  # 00:00 on 1 August in Beijing
        (datetime(2025, 10, 31, 15, 59), True),
        (datetime(2025, 10, 31, 16, 0), False),
    ],
)
async def test_the_day_served_is_today_in_beijing(
    client: httpx.AsyncClient, served_at: datetime, published: bool
) -> None:
    record_id = "CNIPA-2025-0090"
    name, uscc = UNPUBLISHED[record_id]
    with clock_set_to(served_at):
        data = await data_of(client, EVERYWHERE, {"id": record_id, "uscc": uscc, "name": name})
        info = (await data_of(client, "{ dataInfo { asOf } }"))["dataInfo"]
    assert info["asOf"] == (served_at + timedelta(hours=8)).date().isoformat()
    expected = PUBLISHED | ({record_id} if published else set())
    assert (data["record"] is not None) is published
    assert (data["entity"] is not None) is published
    assert (record_id in record_ids_in(data["byName"])) is published
    assert record_ids_in(data["all"]) == expected
    assert data["all"]["totalCount"] == len(expected)
    assert facet_totals(data["all"]["facets"])["kind"] == len(expected)
    assert data["dataInfo"]["counts"]["dishonestAct"] == 2 + published
