"""The API reads the engine through per-request loaders: one read per distinct key.

The engine here is the real tantivy index over the samples, wrapped to count the reads.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Collection, Iterator, Sequence
from datetime import date
from pathlib import Path

import httpx
import pytest

from credit.clock import clock_set_to
from credit.search.candidates import Lookup
from credit.search.engine import Body, SearchEngine
from credit.search.query import (
    Candidate,
    CaseQuery,
    Entity,
    FacetValue,
    RecordFilter,
    SearchPage,
    SearchQuery,
)
from tests.apps import app_over, client_for
from tests.engines import build_async_engine
from tests.test_api import SAMPLE_LINES, SERVED_AT, data_of


class CountingEngine:
    """The real engine, counting each read and the days asked for."""

    def __init__(self, engine: SearchEngine) -> None:
        self.engine = engine
        self.calls: Counter[str] = Counter()
        self.days: set[date] = set()
        self.queries: list[SearchQuery | CaseQuery] = []

    def _count(self, name: str, day: date | None = None) -> None:
        self.calls[name] += 1
        if day is not None:
            self.days.add(day)

    async def search_records(self, query: SearchQuery, *, day: date) -> SearchPage:
        self._count("search_records", day)
        self.queries.append(query)
        return await self.engine.search_records(query, day=day)

    async def get_record(self, record_id: str, *, day: date) -> Body | None:
        self._count("get_record", day)
        return await self.engine.get_record(record_id, day=day)

    async def get_entity(self, uscc: str, *, day: date) -> Entity | None:
        self._count("get_entity", day)
        return await self.engine.get_entity(uscc, day=day)

    async def find_candidates(
        self,
        lookups: Sequence[Lookup],
        *,
        day: date,
        kinds: Sequence[str] | None = None,
        besides: Collection[str] = (),
    ) -> list[list[Candidate]]:
        self._count("find_candidates", day)
        return await self.engine.find_candidates(lookups, day=day, kinds=kinds, besides=besides)

    async def published_record_ids(self, record_ids: Sequence[str], *, day: date) -> set[str]:
        self._count("published_record_ids", day)
        return await self.engine.published_record_ids(record_ids, day=day)

    async def count_records(
        self, *, day: date, by: Sequence[str], filter: RecordFilter | None = None
    ) -> dict[str, list[FacetValue]]:
        self._count("count_records", day)
        return await self.engine.count_records(day=day, by=by, filter=filter)

    async def search_cases(self, query: CaseQuery, *, day: date) -> SearchPage:
        self._count("search_cases", day)
        self.queries.append(query)
        return await self.engine.search_cases(query, day=day)

    async def get_case(self, case_id: str, *, day: date) -> Body | None:
        self._count("get_case", day)
        return await self.engine.get_case(case_id, day=day)

    async def data_version(self) -> int:
        self._count("data_version")
        return await self.engine.data_version()

    async def close(self) -> None:
        await self.engine.close()


@pytest.fixture(scope="module")
def counting(tmp_path_factory: pytest.TempPathFactory) -> CountingEngine:
    root = tmp_path_factory.mktemp("api-loaders")
    return CountingEngine(build_async_engine("tantivy", SAMPLE_LINES, root))


@pytest.fixture
async def client(counting: CountingEngine, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    counting.calls.clear()
    counting.days.clear()
    counting.queries.clear()
    async with client_for(app_over(counting, tmp_path)) as http:
        yield http


@pytest.fixture(autouse=True)
def served_on_as_of() -> Iterator[None]:
    with clock_set_to(SERVED_AT):
        yield


async def test_entities_of_a_list_are_read_once_per_subject(
    client: httpx.AsyncClient, counting: CountingEngine
) -> None:
    data = await data_of(
        client,
        """{
            searchRecords(first: 100) { edges { node { id entity { name seriousListed } } } }
            a: entity(uscc: "91440300MA5F0A1B2N") { name }
            b: entity(uscc: "91440300ma5f0a1b2n") { name }
        }""",
    )
    rows = data["searchRecords"]["edges"]
    assert len(rows) == 5
    subjects = {row["node"]["entity"]["name"] for row in rows if row["node"]["entity"]}
    assert len(subjects) == 4  # the individual has no entity
    assert counting.calls["search_records"] == 1
    assert counting.calls["get_entity"] == 4  # once per distinct USCC, not once per row


async def test_related_records_of_a_page_of_cases_are_checked_in_one_read(
    client: httpx.AsyncClient, counting: CountingEngine
) -> None:
    data = await data_of(
        client,
        """{ searchCases(first: 100) {
            edges { node { id relatedRecordIds relatedRecords { id } } }
        } }""",
    )
    related = {e["node"]["id"]: e["node"]["relatedRecordIds"] for e in data["searchCases"]["edges"]}
    assert related == {"CASE-2025-01": ["CNIPA-2025-0001"], "CASE-2025-02": []}
    assert counting.calls["published_record_ids"] == 1
    assert counting.calls["get_record"] == 1  # only the published one is fetched


async def test_every_read_of_a_request_is_for_the_same_day(
    client: httpx.AsyncClient, counting: CountingEngine
) -> None:
    await data_of(
        client,
        """{ dataInfo { asOf counts { records cases } }
             searchRecords { edges { node { entity { name } } } }
             searchCases { edges { node { relatedRecords { id } } } } }""",
    )
    assert counting.days == {date(2025, 7, 1)}


async def test_facets_are_computed_only_when_asked_for(
    client: httpx.AsyncClient, counting: CountingEngine
) -> None:
    data = await data_of(
        client,
        """{
            bare: searchRecords { totalCount }
            spread: searchRecords { ...Facets }
            inline: searchCases { ... on CaseConnection { facets { year { value } } } }
        }
        fragment Facets on RecordConnection { facets { kind { value count } } }""",
    )
    assert data["spread"]["facets"]["kind"]
    assert data["inline"]["facets"]["year"]
    assert sorted(query.facets for query in counting.queries) == [False, True, True]
    assert data["bare"]["totalCount"] == 5
