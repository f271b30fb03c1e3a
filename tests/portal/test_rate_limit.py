"""Rate limiting: a client over its budget gets 429s, others are served; budgets parse."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from portal.rate_limit import Budget, TokenBuckets
from tests.apps import app_over


def client_from(app: Starlette, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
def limited_app(samples_app: Starlette) -> Starlette:
    """The samples app's engine behind a budget of 3 requests a minute."""
    service = samples_app.state.service
    return app_over(service._engine, service.settings.data_dir, IPCREDIT_RATE_LIMIT="3/minute")


async def test_over_budget_client_gets_429_others_are_served(limited_app: Starlette) -> None:
    async with (
        client_from(limited_app, "10.0.0.1") as greedy,
        client_from(limited_app, "10.0.0.2") as other,
    ):
        for _ in range(3):
            assert (await greedy.get("/search", params={"q": "创明"})).status_code == 200
        refused = await greedy.get("/search", params={"q": "创明"})
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 20
        assert "请求过于频繁" in refused.text and refused.headers["cache-control"] == "no-store"

        api = await greedy.post("/graphql", json={"query": "{ dataInfo { dataVersion } }"})
        assert api.status_code == 429
        assert api.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"

        assert (await greedy.get("/help/categories")).status_code == 200  # not a limited route
        assert (await other.get("/search", params={"q": "创明"})).status_code == 200


def test_bucket_refills_over_time() -> None:
    now = [0.0]
    buckets = TokenBuckets(Budget(capacity=2, per_second=1.0), clock=lambda: now[0])
    assert buckets.take("a") == 0 and buckets.take("a") == 0
    assert buckets.take("a") == pytest.approx(1.0)
    now[0] = 1.0
    assert buckets.take("a") == 0


def test_forgets_the_oldest_clients_past_the_bound() -> None:
    buckets = TokenBuckets(Budget(capacity=1, per_second=0.001), max_clients=2)
    for client in ("a", "b", "c"):
        assert buckets.take(client) == 0
    assert buckets.take("a") == 0  # "a" was forgotten: a fresh bucket
    assert buckets.take("c") > 0


@pytest.mark.parametrize(
    ("text", "budget"),
    [
        ("120/minute", Budget(120, 2.0)),
        ("5 / second", Budget(5, 5.0)),
        ("3600/hour", Budget(3600, 1.0)),
        ("0", None),
    ],
)
def test_budget_parsing(text: str, budget: Budget | None) -> None:
    assert Budget.parse(text) == budget


@pytest.mark.parametrize("text", ["", "fast", "10/day", "0/minute", "-1/minute"])
def test_bad_budget_is_a_clear_error(text: str) -> None:
    with pytest.raises(ValueError, match="IPCREDIT_RATE_LIMIT"):
        Budget.parse(text)
