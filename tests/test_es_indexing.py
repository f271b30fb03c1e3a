"""Writing the Elasticsearch engine: `ipcredit index`, `reindex` and `purge` against a cluster
(the test server, or `IPCREDIT_TEST_ES_URL`)."""

from __future__ import annotations

import http.server
import sqlite3
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from credit.config import Settings
from credit.search import es_indices, es_writer
from credit.search.blocking import BlockingEngine
from credit.search.documents import record_document
from credit.search.es_engine import ElasticsearchEngine
from credit.search.es_mappings import cases_alias, records_alias
from credit.search.es_writer import BulkFailed, ElasticsearchWriter
from credit.search.query import SearchQuery
from indexer import rebuild
from indexer.documents import DocumentBuilder
from indexer.store import Store
from tests.conftest import FIXTURES, PROJECT_ROOT, cli_env
from tests.engines import es_settings, index_feed
from tests.es_server import delete_prefix

AS_OF = date(2025, 7, 1)


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[Settings]:
    """An Elasticsearch deployment of its own (fresh prefix), deleted after the test."""
    configured = es_settings(tmp_path / "var")
    yield configured
    delete_prefix(configured.es_urls[0], configured.es_index_prefix)


def client_of(settings: Settings) -> Elasticsearch:
    return Elasticsearch(list(settings.es_urls))


def aliased(settings: Settings) -> dict[str, list[str]]:
    """Alias → the indices it names."""
    with client_of(settings) as client:
        found: dict[str, list[str]] = {}
        for alias in (
            records_alias(settings.es_index_prefix),
            cases_alias(settings.es_index_prefix),
        ):
            found[alias] = sorted(client.indices.get_alias(name=alias).body)
        return found


def every_index(settings: Settings) -> list[str]:
    with client_of(settings) as client:
        found = client.indices.get(index=f"{settings.es_index_prefix}-*", expand_wildcards="all")
        return sorted(found.body)


def answers(settings: Settings) -> dict[str, Any]:
    with BlockingEngine(ElasticsearchEngine(settings.es_urls, settings.es_index_prefix)) as engine:
        page = engine.search_records(SearchQuery("有限公司", size=100), day=AS_OF)
        return {
            "hits": sorted(hit.id for hit in page.hits),
            "total": page.total,
            "facets": page.facets,
            "case": engine.get_case("CASE-2025-01", day=AS_OF) is not None,
            "version": engine.data_version(),
        }


def ipcredit(settings: Settings, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = cli_env(
        settings.data_dir,
        IPCREDIT_ENGINE="elasticsearch",
        IPCREDIT_ES_URL=",".join(settings.es_urls),
        IPCREDIT_ES_INDEX_PREFIX=settings.es_index_prefix,
    )
    return subprocess.run(
        [sys.executable, "-m", "indexer.cli", *map(str, args)],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_index_search_reindex_purge_from_the_command_line(settings: Settings) -> None:
    samples = FIXTURES / "samples"
    indexed = ipcredit(settings, "index", samples / "records.jsonl", samples / "cases.jsonl")
    assert indexed.returncode == 3, indexed.stderr  # the samples hold three bad lines
    prefix = settings.es_index_prefix
    assert aliased(settings) == {
        f"{prefix}-records": [f"{prefix}-records-000001"],
        f"{prefix}-cases": [f"{prefix}-cases-000001"],
    }
    found = ipcredit(settings, "search", "创明", "--as-of", AS_OF.isoformat())
    assert found.returncode == 0, found.stderr
    assert "CNIPA-2025-0001" in found.stdout
    before = answers(settings)
    assert before["total"] == 4 and before["case"]

    rebuilt = ipcredit(settings, "reindex")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert aliased(settings) == {
        f"{prefix}-records": [f"{prefix}-records-000002"],
        f"{prefix}-cases": [f"{prefix}-cases-000002"],
    }
    assert every_index(settings) == [f"{prefix}-cases-000002", f"{prefix}-records-000002"]
    assert answers(settings) == before
    with client_of(settings) as client:  # serving settings restored after the load
        index_settings = client.indices.get_settings(index=f"{prefix}-records-000002").body
        values = next(iter(index_settings.values()))["settings"]["index"]
        assert values.get("refresh_interval") in (None, "1s")
        assert values["number_of_replicas"] == "1"

    purged = ipcredit(settings, "purge")
    assert purged.returncode == 0, purged.stderr
    assert "不再公示的记录" in purged.stdout


RECORD: dict[str, Any] = {
    "record_id": "W-1",
    "kind": "dishonest_act",
    "category": "false_materials",
    "severity": "minor",
    "subject_type": "enterprise",
    "subject_name": "深圳市写入测试科技有限公司",
    "uscc": "91440300MA5F0A1B2N",
    "reason": "提交虚假材料。",
    "authority": "深圳市市场监督管理局",
    "decision_no": "深知处字〔2025〕1号",
    "decided_on": "2025-03-10",
    "publish_until": "2026-03-09",
    "updated_at": "2025-03-10T09:00:00+08:00",
}


def documents(*windows: dict[str, Any]) -> list[dict[str, Any]]:
    bodies = [{**RECORD, "publish_from": RECORD["decided_on"], **w} for w in windows]
    return [record_document(body) for body in bodies]


def test_every_refused_document_is_reported_and_the_version_stays(settings: Settings) -> None:
    writer = ElasticsearchWriter.for_settings(settings)
    good = documents({"record_id": "W-1"}, {"record_id": "W-2"})
    bad = [
        {**doc, "unmapped": "x"} for doc in documents({"record_id": "B-1"}, {"record_id": "B-2"})
    ]
    writer.apply(records=good, removed_records=[], cases=[], removed_cases=[], version=1)
    with pytest.raises(BulkFailed) as failed:
        writer.apply(
            records=[*bad, *good],
            removed_records=["NOT-THERE"],  # deleting what is absent is not an error
            cases=[],
            removed_cases=[],
            version=2,
        )
    assert len(failed.value.failures) == 2
    assert "/B-1:" in failed.value.failures[0] and "/B-2:" in failed.value.failures[1]
    assert "strict_dynamic_mapping_exception" in failed.value.message
    assert writer.synced_version() == 1
    writer.apply(records=[], removed_records=["NOT-THERE"], cases=[], removed_cases=[], version=3)
    assert writer.synced_version() == 3
    writer.close()


class TooManyRequests(http.server.BaseHTTPRequestHandler):
    """A proxy to the cluster answering the first bulk requests with 429 (a fault the test
    server cannot be made to produce)."""

    upstream = ""
    refuse = 0
    bulk_requests = 0

    def do_any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if "/_bulk" in self.path:
            type(self).bulk_requests += 1
            if type(self).refuse > 0:
                type(self).refuse -= 1
                self._answer(
                    429, b'{"error":{"type":"es_rejected_execution_exception"},"status":429}'
                )
                return
        request = urllib.request.Request(self.upstream + self.path, data=body, method=self.command)
        for name in ("Content-Type", "Accept"):
            if self.headers.get(name):
                request.add_header(name, self.headers[name])
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                self._answer(response.status, response.read(), dict(response.headers))
        except urllib.error.HTTPError as error:
            self._answer(error.code, error.read(), dict(error.headers))

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_any

    def _answer(self, status: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            if name.lower() in ("content-type", "x-elastic-product"):
                self.send_header(name, value)
        if not headers:
            self.send_header("Content-Type", "application/json")
            self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


def test_bulk_retries_with_back_off_on_429(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(es_writer, "FIRST_BACKOFF_SECONDS", 0.01)
    monkeypatch.setattr(es_writer, "RETRIES_ON_429", 6)

    class Refusing(TooManyRequests):
        upstream = settings.es_urls[0]
        refuse = 8
        bulk_requests = 0

    handler = Refusing
    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        proxied = Settings(
            settings.data_dir,
            settings.engine,
            (f"http://127.0.0.1:{proxy.server_address[1]}",),
            settings.es_index_prefix,
            settings.rate_limit,
        )
        writer = ElasticsearchWriter.for_settings(proxied)
        docs = documents(*({"record_id": f"R-{n}"} for n in range(50)))
        writer.apply(records=docs, removed_records=[], cases=[], removed_cases=[], version=1)
        writer.close()
    finally:
        proxy.shutdown()
        proxy.server_close()
    assert handler.refuse == 0 and handler.bulk_requests >= 9  # refused 8 times, then written
    with client_of(settings) as client:
        assert client.count(index=records_alias(settings.es_index_prefix))["count"] == 50


def test_purge_is_a_delete_by_query_of_what_no_future_day_publishes(settings: Settings) -> None:
    writer = ElasticsearchWriter.for_settings(settings)
    docs = documents(
        {"record_id": "P-EXPIRED", "publish_until": "2025-06-30"},
        {"record_id": "P-DELISTED", "delisted_on": "2025-07-01", "delist_reason": "repaired"},
        {"record_id": "P-NEVER", "delisted_on": "2025-03-01", "delist_reason": "revoked"},
        {"record_id": "P-LAST-DAY", "publish_until": "2025-07-01"},
        {"record_id": "P-CURRENT"},
        {"record_id": "P-FUTURE", "publish_from": "2025-09-01", "publish_until": "2026-08-31"},
        {"record_id": "P-OPEN", "kind": "good_credit", "category": "other", "publish_until": None},
    )
    writer.apply(records=docs, removed_records=[], cases=[], removed_cases=[], version=1)
    assert writer.purge(day=AS_OF) == 3
    assert writer.purge(day=AS_OF) == 0
    writer.close()
    with client_of(settings) as client:
        left = client.search(index=records_alias(settings.es_index_prefix), size=20)
        kept = {hit["_id"] for hit in left["hits"]["hits"]}
    assert kept == {"P-LAST-DAY", "P-CURRENT", "P-FUTURE", "P-OPEN"}


class FailingStore(Store):
    """The store of record, failing after some records while a rebuild reads it."""

    def __init__(self, path: Path, records_before_failure: int) -> None:
        super().__init__(path)
        self.records_before_failure = records_before_failure

    def iter_record_json(self) -> Iterator[str]:
        for count, body in enumerate(super().iter_record_json()):
            if count == self.records_before_failure:
                raise sqlite3.OperationalError("disk I/O error (simulated)")
            yield body


def test_a_failed_reindex_deletes_its_partial_indices(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = FIXTURES / "samples" / "records.jsonl"
    index_feed(feed, settings.store_path, ElasticsearchWriter.for_settings(settings))
    prefix = settings.es_index_prefix
    before = answers(settings)
    monkeypatch.setattr(rebuild, "CHUNK", 2)  # writes into the new indices before failing
    store = FailingStore(settings.store_path, records_before_failure=5)
    with DocumentBuilder(processes=1) as builder, pytest.raises(sqlite3.OperationalError):
        rebuild.reindex_elasticsearch(store, settings, builder)
    store.close()
    assert every_index(settings) == [f"{prefix}-cases-000001", f"{prefix}-records-000001"]
    assert answers(settings) == before

    good = Store(settings.store_path)
    with DocumentBuilder(processes=1) as builder:
        assert rebuild.reindex_elasticsearch(good, settings, builder) == good.count_records()
    good.close()
    assert every_index(settings) == [f"{prefix}-cases-000002", f"{prefix}-records-000002"]
    assert answers(settings) == before
    with client_of(settings) as client:
        assert es_indices.current(client, prefix) == es_indices.generation(prefix, 2)


def test_writes_through_the_alias_never_create_an_index(settings: Settings) -> None:
    writer = ElasticsearchWriter.for_settings(settings)
    delete_prefix(settings.es_urls[0], settings.es_index_prefix)  # someone deleted the indices
    with pytest.raises(BulkFailed):
        writer.apply(
            records=documents({"record_id": "X-1"}),
            removed_records=[],
            cases=[],
            removed_cases=[],
            version=1,
        )
    writer.close()
    assert every_index(settings) == []
