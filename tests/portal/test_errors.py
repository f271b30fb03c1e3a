"""Error pages: unknown routes, and the engine unavailable (503, Retry-After, recovery)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from credit import service as service_module
from tests.apps import app_over, client_for
from tests.engines import build_async_engine
from tests.portal.conftest import SAMPLE_LINES

ENGINE_PAGES = ["/", "/search?q=创明", "/entity/91440300MA5F0A1B2N", "/record/CNIPA-2025-0001"]


async def test_unknown_route_is_a_chinese_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/no/such/page")
    assert response.status_code == 404
    assert "<h1>未找到</h1>" in response.text


async def test_engine_missing_then_built_recovers_by_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "REOPEN_SECONDS", 0.2)
    data_dir = tmp_path / "data-tantivy"
    app = app_over(None, data_dir)
    async with client_for(app) as http:
        for path in ENGINE_PAGES:
            response = await http.get(path)
            assert response.status_code == 503, path
            assert response.headers["retry-after"] == "30"
            assert response.headers["cache-control"] == "no-store"
            assert "暂时无法查询" in response.text
        health = await http.get("/healthz")
        assert health.status_code == 503 and health.json()["status"] == "unavailable"
        assert (await http.get("/help/credit-repair")).status_code == 200  # no engine needed

        engine = build_async_engine("tantivy", SAMPLE_LINES, tmp_path)  # the index appears
        await engine.close()
        await asyncio.sleep(0.3)
        for path in ENGINE_PAGES:
            assert (await http.get(path)).status_code == 200, path
        health = await http.get("/healthz")
        assert health.status_code == 200
        assert health.json()["status"] == "ok" and health.json()["data_version"] > 0


async def test_healthz_reports_engine_and_version(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    body = response.json()
    assert response.status_code == 200
    assert body["engine"] == "tantivy" and body["as_of"] == "2025-07-01"
    assert body["demo"] is False and isinstance(body["data_version"], int)
    assert response.headers["cache-control"] == "no-store"
