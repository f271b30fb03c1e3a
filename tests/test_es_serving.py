"""Serving from Elasticsearch: reads across an alias swap, and a cluster that goes down and
comes back (the portal, `/healthz` and `/graphql`)."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from credit import clock
from credit.search.blocking import BlockingEngine
from credit.search.engines import open_reader
from credit.search.errors import EngineUnavailable
from credit.search.es_client import UNREACHABLE
from credit.search.es_engine import ElasticsearchEngine
from credit.search.es_writer import ElasticsearchWriter
from credit.search.query import SearchQuery
from indexer import rebuild
from indexer.documents import DocumentBuilder
from indexer.generate import write_feed
from indexer.store import Store
from tests.apps import app_over, client_for
from tests.conftest import FIXTURES
from tests.engines import es_settings, index_feed
from tests.es_server import EsServer, delete_prefix

SERVED_AT = datetime(2025, 7, 1, 4, 0)  # 12:00 in Shanghai


def test_reads_see_no_error_and_no_empty_index_while_reindex_runs(tmp_path: Path) -> None:
    settings = es_settings(tmp_path / "var")
    feed = tmp_path / "feed.jsonl"
    write_feed(feed, records=1_500, cases=5, seed=7)
    index_feed(feed, settings.store_path, ElasticsearchWriter.for_settings(settings))
    day = clock.today()
    with BlockingEngine(ElasticsearchEngine(settings.es_urls, settings.es_index_prefix)) as engine:
        expected = engine.search_records(SearchQuery(size=1), day=day).total
    assert expected > 100

    stop = threading.Event()
    totals: list[int] = []
    errors: list[BaseException] = []

    def read_until_stopped() -> None:
        reader = BlockingEngine(ElasticsearchEngine(settings.es_urls, settings.es_index_prefix))
        try:
            while not stop.is_set():
                totals.append(reader.search_records(SearchQuery(size=5), day=day).total)
        except BaseException as error:
            errors.append(error)
        finally:
            reader.close()

    reader = threading.Thread(target=read_until_stopped)
    reader.start()
    try:
        store = Store(settings.store_path)
        with DocumentBuilder(processes=1) as builder:
            for _ in range(2):  # two swaps, each deleting the indices just read from
                rebuild.reindex_elasticsearch(store, settings, builder)
        store.close()
    finally:
        stop.set()
        reader.join()
        delete_prefix(settings.es_urls[0], settings.es_index_prefix)
    assert errors == []
    assert len(totals) > 10
    assert set(totals) == {expected}


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[EsServer]:
    """A test server of this test's own, which it stops and starts again."""
    server = EsServer(tmp_path / "es").start()
    yield server
    server.remove()


async def until_recovered(client: httpx.AsyncClient, url: str) -> httpx.Response:
    """The first answer that is not 503, trying for a while (the node recovers by itself)."""
    for _ in range(100):
        response = await client.get(url)
        if response.status_code != 503:
            return response
        await asyncio.sleep(0.1)
    return response


SEARCH = '{ searchRecords(query: "创明") { totalCount } }'


async def test_cluster_down_and_back(own_server: EsServer, tmp_path: Path) -> None:
    settings = es_settings(tmp_path / "indexer", url=own_server.url)
    records = FIXTURES / "samples" / "records.jsonl"
    index_feed(records, settings.store_path, ElasticsearchWriter.for_settings(settings))
    node = tmp_path / "portal-node"  # a portal node has no data directory of its own
    app = app_over(
        None,
        node,
        IPCREDIT_ENGINE="elasticsearch",
        IPCREDIT_ES_URL=own_server.url,
        IPCREDIT_ES_INDEX_PREFIX=settings.es_index_prefix,
    )
    with clock.clock_set_to(SERVED_AT):
        async with client_for(app) as client:
            health = await client.get("/healthz")
            assert health.status_code == 200
            assert health.json()["status"] == "ok" and health.json()["data_version"] > 0
            assert (await client.get("/search", params={"q": "创明"})).status_code == 200
            api = await client.post("/graphql", json={"query": SEARCH})
            assert api.json()["data"]["searchRecords"]["totalCount"] == 1

            own_server.stop()
            down = await client.get("/search", params={"q": "创明"})
            assert down.status_code == 503
            assert down.headers["Retry-After"].isdigit()
            assert "暂时无法查询" in down.text
            health = await client.get("/healthz")
            assert health.status_code == 503
            assert health.json()["status"] == "unavailable"
            assert health.json()["message"] == UNREACHABLE
            api = await client.post("/graphql", json={"query": SEARCH})
            errors = api.json()["errors"]
            assert errors[0]["extensions"]["code"] == "ENGINE_UNAVAILABLE"

            own_server.start()  # same port, same data
            assert (await until_recovered(client, "/healthz")).status_code == 200
            back = await client.get("/search", params={"q": "创明"})
            assert back.status_code == 200 and "创明" in back.text
            api = await client.post("/graphql", json={"query": SEARCH})
            assert api.json()["data"]["searchRecords"]["totalCount"] == 1
    assert not node.exists()  # nothing was written on the portal node


def test_no_url_is_a_clear_message(tmp_path: Path) -> None:
    settings = dataclasses.replace(es_settings(tmp_path, url="http://unused"), es_urls=())
    with pytest.raises(EngineUnavailable) as raised:
        open_reader(settings)
    assert "IPCREDIT_ES_URL" in raised.value.message
