"""GraphQL `stats`: the same numbers as the `/stats` page computes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from starlette.applications import Starlette

from credit.clock import clock_set_to
from credit.stats import compute_stats
from tests.apps import client_for, indexed_app
from tests.test_api import SAMPLE_LINES, SERVED_AT, gql

STATS = """{ stats {
  asOf dataVersion total
  kinds { kind label count }
  categories { kind category label count }
  provinces { code name total byKind { kind count } }
  unplaced { total }
  months { month total }
  growth { kind category thisYear lastYear change changePercent }
  growthSpan { thisFrom thisUntil lastFrom lastUntil }
} }"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Starlette:
    return indexed_app(SAMPLE_LINES, tmp_path_factory.mktemp("api-stats"))


@pytest.fixture(autouse=True)
def served_day() -> Iterator[None]:
    with clock_set_to(SERVED_AT):
        yield


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as http:
        yield http


async def test_stats_equal_the_computed_numbers(client: httpx.AsyncClient, app: Starlette) -> None:
    answer = await gql(client, STATS)
    assert "errors" not in answer, answer
    stats = answer["data"]["stats"]
    service = app.state.service
    expected = await compute_stats(await service.engine(), day=service.today())
    assert stats["asOf"] == "2025-07-01" and stats["total"] == expected.total == 5
    assert {k["kind"]: k["count"] for k in stats["kinds"]} == {
        k.kind: k.count for k in expected.kinds
    }
    assert [(c["category"], c["count"]) for c in stats["categories"]] == [
        (c.category, c.count) for c in expected.categories
    ]
    assert [(p["code"], p["total"]) for p in stats["provinces"]] == [
        (p.code, p.total) for p in expected.provinces
    ]
    assert len(stats["months"]) == 36 and stats["months"][-1]["month"] == "2025-07"
    assert [(m["month"], m["total"]) for m in stats["months"]] == [
        (m.month, m.total) for m in expected.months
    ]
    assert stats["growthSpan"]["thisUntil"] == "2025-07-01"
