"""GraphQL errors and limits: each limit exceeded once, every CONTRACT error code.

Each error answers with a Chinese message and `extensions.code`; nothing internal leaks.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import get_introspection_query
from starlette.applications import Starlette

from api.limits import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS
from credit.clock import clock_set_to
from credit.search.candidates import Lookup
from credit.search.engine import Body
from credit.search.errors import TooManyEntries
from credit.search.query import (
    Candidate,
    CaseQuery,
    Entity,
    FacetValue,
    RecordFilter,
    SearchPage,
    SearchQuery,
)
from tests.apps import app_over, client_for, indexed_app
from tests.test_api import SAMPLE_LINES, SERVED_AT, gql

CHINESE = range(0x4E00, 0xA000)


def only_code(answer: dict[str, Any]) -> str:
    """The one error's code; its message is Chinese."""
    [error] = answer["errors"]
    assert any(ord(ch) in CHINESE for ch in error["message"]), error
    code: str = error["extensions"]["code"]
    return code


@pytest.fixture(scope="module")
def samples_app(tmp_path_factory: pytest.TempPathFactory) -> Starlette:
    return indexed_app(SAMPLE_LINES, tmp_path_factory.mktemp("api-errors"))


@pytest.fixture(autouse=True)
def served_on_as_of() -> Iterator[None]:
    with clock_set_to(SERVED_AT):
        yield


@pytest.fixture
async def client(samples_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(samples_app) as http:
        yield http


# === the document limits ===================================================================


def nested(depth: int) -> str:
    """A query whose deepest field is `depth` levels below its root field `record`.

    Below `record` come `entity` and `records` by turns; the leaf is a field of the last.
    """
    levels = ["entity" if level % 2 else "records" for level in range(1, depth)]
    inner = "name" if levels and levels[-1] == "entity" else "id"
    for field in reversed(levels):
        inner = f"{field} {{ {inner} }}"
    return f'{{ record(id: "CNIPA-2025-0001") {{ {inner} }} }}'


async def test_depth_limit(client: httpx.AsyncClient) -> None:
    allowed = await gql(client, nested(MAX_DEPTH))
    assert "errors" not in allowed, allowed
    assert allowed["data"]["record"] is not None
    refused = await gql(client, nested(MAX_DEPTH + 1))
    assert only_code(refused) == "QUERY_TOO_COMPLEX"
    assert "10" in refused["errors"][0]["message"]
    assert refused.get("data") is None


async def test_a_document_sent_again_is_judged_alike(client: httpx.AsyncClient) -> None:
    """Validations are cached per document: a repeat is refused or answered as the first."""
    for _ in range(3):
        refused = await gql(client, nested(MAX_DEPTH + 1))
        assert only_code(refused) == "QUERY_TOO_COMPLEX"
        allowed = await gql(client, nested(MAX_DEPTH))
        assert "errors" not in allowed and allowed["data"]["record"] is not None, allowed


async def test_token_limit(client: httpx.AsyncClient) -> None:
    def document(tokens: int) -> str:  # 16 tokens around the list of strings
        kinds = " ".join(['"good_credit"'] * (tokens - 16))
        return f"{{ searchRecords(filter: {{kinds: [{kinds}]}}) {{ totalCount }} }}"

    allowed = await gql(client, document(MAX_TOKENS))
    assert allowed == {"data": {"searchRecords": {"totalCount": 1}}}
    refused = await gql(client, document(MAX_TOKENS + 1))
    assert only_code(refused) == "QUERY_TOO_COMPLEX"
    assert str(MAX_TOKENS) in refused["errors"][0]["message"]


async def test_alias_limit(client: httpx.AsyncClient) -> None:
    def aliases(count: int) -> str:
        return "{ " + " ".join(f"a{n}: dataInfo {{ asOf }}" for n in range(count)) + " }"

    allowed = await gql(client, aliases(MAX_ALIASES))
    assert "errors" not in allowed, allowed
    refused = await gql(client, aliases(MAX_ALIASES + 1))
    assert only_code(refused) == "QUERY_TOO_COMPLEX"
    assert "15" in refused["errors"][0]["message"]


@pytest.mark.parametrize("field", ["searchRecords", "searchCases"])
async def test_page_size_limit(client: httpx.AsyncClient, field: str) -> None:
    query = f"query ($n: Int!) {{ {field}(first: $n) {{ totalCount }} }}"
    assert "errors" not in await gql(client, query, {"n": 100})
    for size in (101, 0, -1):
        refused = await gql(client, query, {"n": size})
        assert only_code(refused) == "BAD_USER_INPUT"
        assert "first" in refused["errors"][0]["message"]


@pytest.mark.parametrize("field", ["searchRecords", "searchCases"])
async def test_query_text_limit(client: httpx.AsyncClient, field: str) -> None:
    query = f"query ($q: String!) {{ {field}(query: $q) {{ totalCount }} }}"
    assert "errors" not in await gql(client, query, {"q": "专" * 100})
    assert only_code(await gql(client, query, {"q": "专" * 101})) == "QUERY_TOO_LONG"


@pytest.mark.parametrize("field", ["searchRecords", "searchCases"])
async def test_nothing_searches_by_a_personal_number(client: httpx.AsyncClient, field: str) -> None:
    query = f"query ($q: String!) {{ {field}(query: $q) {{ totalCount }} }}"
    for number in ("张三 110105199003071239", "138****8000", "110105********1239"):
        refused = await gql(client, query, {"q": number})
        assert only_code(refused) == "BAD_USER_INPUT"
        assert "不按个人号码查询" in refused["errors"][0]["message"]
        assert "1239" not in refused["errors"][0]["message"]


async def test_the_full_introspection_query_is_within_the_limits(
    client: httpx.AsyncClient,
) -> None:
    query = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )
    answer = await gql(client, query)
    assert "errors" not in answer
    assert answer["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_batched_operations_are_refused(client: httpx.AsyncClient) -> None:
    """A batch would multiply every limit; it is not accepted."""
    one = {"query": "{ dataInfo { asOf } }"}
    response = await client.post("/graphql", json=[one] * 20)
    assert response.status_code == 400


# === error codes ===========================================================================


@pytest.mark.parametrize("uscc", ["91440300MA5F0A1B2X", "9144030", "91440300MA5F0A1B2NN", "哈哈"])
async def test_invalid_uscc(client: httpx.AsyncClient, uscc: str) -> None:
    answer = await gql(client, "query ($u: String!) { entity(uscc: $u) { name } }", {"u": uscc})
    assert only_code(answer) == "INVALID_USCC"
    assert "统一社会信用代码" in answer["errors"][0]["message"]
    assert answer["data"] == {"entity": None}


async def test_a_personal_id_number_is_refused_without_repeating_it(
    client: httpx.AsyncClient,
) -> None:
    for query in (
        '{ entity(uscc: "11010519491231002X") { name } }',
        '{ searchRecords(query: "11010519491231002X") { totalCount } }',
    ):
        answer = await gql(client, query)
        assert only_code(answer) == "INVALID_USCC"
        assert "身份证号码" in answer["errors"][0]["message"]
        assert "11010519491231" not in str(answer)


async def test_a_search_for_an_invalid_uscc(client: httpx.AsyncClient) -> None:
    answer = await gql(client, '{ searchRecords(query: "91440300MA5F0A1B2X") { totalCount } }')
    assert only_code(answer) == "INVALID_USCC"


@pytest.mark.parametrize(
    "query",
    [
        "{ searchRecords { ",  # syntax
        "{ nothingHere }",  # unknown field
        '{ searchRecords(first: "ten") { totalCount } }',  # wrong type
        "{ searchRecords(sort: SIDEWAYS) { totalCount } }",  # unknown enum value
    ],
)
async def test_malformed_documents_are_bad_user_input(
    client: httpx.AsyncClient, query: str
) -> None:
    assert only_code(await gql(client, query)) == "BAD_USER_INPUT"


async def test_an_unknown_fragment_is_bad_user_input_not_our_fault(
    client: httpx.AsyncClient,
) -> None:
    """strawberry's depth rule used to fail on it with a KeyError, answered as `'F'`."""
    answer = await gql(client, "{ ...F }")
    assert only_code(answer) == "BAD_USER_INPUT"
    assert any("未定义的片段 F" in error["message"] for error in answer["errors"])


async def test_a_bad_variable_is_bad_user_input(client: httpx.AsyncClient) -> None:
    answer = await gql(
        client,
        "query ($f: RecordFilter) { searchRecords(filter: $f) { totalCount } }",
        {"f": {"decidedFrom": "2025-13-40"}},
    )
    assert only_code(answer) == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    ("field", "variables", "declared"),
    [
        ("searchRecords", "query: $q, first: $n, sort: $s", "$q: String, $n: Int, $s: RecordSort"),
        ("searchCases", "query: $q, first: $n", "$q: String, $n: Int"),
    ],
)
async def test_null_for_an_argument_with_a_default_is_the_default(
    client: httpx.AsyncClient, field: str, variables: str, declared: str
) -> None:
    """Clients send null for "not given"; it is answered as if not given."""
    document = f"query ({declared}) {{ {field}({variables}) {{ totalCount edges {{ cursor }} }} }}"
    given = await gql(client, document, {"q": None, "n": None, "s": None})
    omitted = await gql(client, f"{{ {field} {{ totalCount edges {{ cursor }} }} }}")
    assert "errors" not in given and given == omitted


async def test_engine_unavailable(tmp_path: Path) -> None:
    app = app_over(None, tmp_path / "never-indexed")
    async with client_for(app) as http:
        answer = await gql(http, "{ dataInfo { asOf } }")
        assert only_code(answer) == "ENGINE_UNAVAILABLE"
        # introspection needs no engine
        schema = await gql(http, "{ __schema { queryType { name } } }")
        assert schema == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


class BrokenEngine:
    """Faults the real engine cannot be made to raise: every read raises `fault`."""

    def __init__(self, fault: Exception) -> None:
        self.fault = fault

    async def search_records(self, query: SearchQuery, *, day: date) -> SearchPage:
        raise self.fault

    async def get_record(self, record_id: str, *, day: date) -> Body | None:
        raise self.fault

    async def get_entity(self, uscc: str, *, day: date) -> Entity | None:
        raise self.fault

    async def find_candidates(
        self,
        lookups: Sequence[Lookup],
        *,
        day: date,
        kinds: Sequence[str] | None = None,
        besides: Collection[str] = (),
    ) -> list[list[Candidate]]:
        raise self.fault

    async def published_record_ids(self, record_ids: Sequence[str], *, day: date) -> set[str]:
        raise self.fault

    async def count_records(
        self, *, day: date, by: Sequence[str], filter: RecordFilter | None = None
    ) -> dict[str, list[FacetValue]]:
        raise self.fault

    async def search_cases(self, query: CaseQuery, *, day: date) -> SearchPage:
        raise self.fault

    async def get_case(self, case_id: str, *, day: date) -> Body | None:
        raise self.fault

    async def data_version(self) -> int:
        """Answers: the access log reads it after every request."""
        return 0

    async def close(self) -> None:
        """Nothing to close."""


SECRET = "/srv/ipcredit/index/records: Permission denied"

FAULTS = [
    (TooManyEntries("一次最多筛查 5000 家企业。"), "TOO_MANY_ENTRIES"),
    (RuntimeError(SECRET), "INTERNAL_SERVER_ERROR"),
    (OSError(SECRET), "INTERNAL_SERVER_ERROR"),
]


async def test_rate_limited(samples_app: Starlette, tmp_path: Path) -> None:
    engine = await samples_app.state.service.engine()
    app = app_over(engine, tmp_path, IPCREDIT_RATE_LIMIT="3/minute")
    async with client_for(app) as http:
        for _ in range(3):
            assert "errors" not in await gql(http, "{ dataInfo { asOf } }")
        response = await http.post("/graphql", json={"query": "{ dataInfo { asOf } }"})
    assert response.status_code == 429
    assert only_code(response.json()) == "RATE_LIMITED"


@pytest.mark.parametrize(("fault", "code"), FAULTS)
async def test_engine_faults_map_to_codes_and_never_leak(
    tmp_path: Path, fault: Exception, code: str
) -> None:
    app = app_over(BrokenEngine(fault), tmp_path)
    async with client_for(app) as http:
        for query in (
            "{ dataInfo { asOf } }",
            '{ record(id: "CNIPA-2025-0001") { id } }',
            '{ entity(uscc: "91440300MA5F0A1B2N") { name } }',
            "{ searchRecords { totalCount } }",
            '{ typicalCase(id: "CASE-2025-01") { id } }',
        ):
            response = await http.post("/graphql", json={"query": query})
            assert response.status_code == 200
            assert only_code(response.json()) == code
            assert SECRET not in response.text
            assert "Traceback" not in response.text
