"""Delisting is fast: once `ipcredit index` returns, the running server stops serving the
record on every surface (issue 8: measured end to end).

- tantivy: within one second (a reader looks for a new commit every 0.2 s).
- Elasticsearch (the noida-db test server, or `IPCREDIT_TEST_ES_URL`): at once. The bound
  is the refresh interval the writer configures, and the writer refreshes on every commit
  (`ElasticsearchWriter.apply` refreshes both indices before it records the data version),
  so the delisting is searchable when `ipcredit index` returns: the first look after it
  must find the record gone everywhere.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson
import pytest

from credit import clock
from tests.conftest import RunCli, cli_env
from tests.engines import write_feed
from tests.test_models import RECORD

FRESHNESS_SECONDS = 1.0  # tantivy
ES_REFRESH_SECONDS = 0.0  # Elasticsearch: the writer refreshes on every commit
BOUNDS = {"tantivy": FRESHNESS_SECONDS, "elasticsearch": ES_REFRESH_SECONDS}
NAME = "深圳市即刻移出测试科技有限公司"


def line(**changes: Any) -> dict[str, Any]:
    today = clock.today()
    return {
        **RECORD,
        "record_id": "DELIST-1",
        "subject_name": NAME,
        "decided_on": (today - timedelta(days=10)).isoformat(),
        "publish_until": (today + timedelta(days=300)).isoformat(),
        "updated_at": "2025-01-01T09:00:00+08:00",
        **changes,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def fetch(url: str, body: bytes | None = None) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json"} if body else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, body, headers), timeout=5) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture(params=list(BOUNDS))
def engine_env(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """The environment selecting the engine: tantivy, or Elasticsearch with its own prefix."""
    if request.param == "tantivy":
        yield {}
        return
    from tests.es_server import delete_prefix, es_url, unique_prefix

    url, prefix = es_url(), unique_prefix()
    try:
        yield {
            "IPCREDIT_ENGINE": "elasticsearch",
            "IPCREDIT_ES_URL": url,
            "IPCREDIT_ES_INDEX_PREFIX": prefix,
        }
    finally:
        delete_prefix(url, prefix)


@pytest.fixture
def index(data_dir: Path, engine_env: dict[str, str]) -> RunCli:
    """`ipcredit index FEED` against the engine under test."""

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "indexer.cli", "index", *map(str, args)],
            env=cli_env(data_dir, **engine_env),
            capture_output=True,
            text=True,
            timeout=300,
        )

    return run


@pytest.fixture
def server(
    data_dir: Path, index: RunCli, engine_env: dict[str, str], tmp_path: Path
) -> Iterator[str]:
    assert index(write_feed([line()], tmp_path / "add.jsonl")).returncode == 0
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "indexer.cli", "serve", "--port", str(port)],
        env=cli_env(data_dir, IPCREDIT_RATE_LIMIT="0", **engine_env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if fetch(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def served_anywhere(base: str) -> list[str]:
    """The surfaces that still show the record."""
    uscc = RECORD["uscc"]
    query = orjson.dumps({"query": '{ record(id: "DELIST-1") { id } }'})
    checks = {
        "record page": fetch(f"{base}/record/DELIST-1")[0] == 200,
        "search": b"/record/DELIST-1" in fetch(f"{base}/search?q={quote(NAME)}")[1],
        "entity": NAME.encode() in fetch(f"{base}/entity/{uscc}")[1],
        "feed": b"DELIST-1" in fetch(f"{base}/feeds/records.atom")[1],
        "graphql": b'"id"' in fetch(f"{base}/graphql", query)[1],
    }
    return [surface for surface, shown in checks.items() if shown]


def test_delisting_reaches_every_surface_in_time(
    server: str, index: RunCli, engine_env: dict[str, str], tmp_path: Path
) -> None:
    bound = BOUNDS[engine_env.get("IPCREDIT_ENGINE", "tantivy")]
    assert served_anywhere(server) == ["record page", "search", "entity", "feed", "graphql"]
    delisting = line(
        delisted_on=clock.today().isoformat(),
        delist_reason="repaired",
        updated_at="2025-01-02T09:00:00+08:00",
    )
    result = index(write_feed([delisting], tmp_path / "delist.jsonl"))
    returned = time.monotonic()
    assert result.returncode == 0, result.stderr
    still = served_anywhere(server)  # the first look (all five surfaces) after the return
    first_look = time.monotonic() - returned
    while still and time.monotonic() - returned <= bound:
        time.sleep(0.02)
        still = served_anywhere(server)
    elapsed = time.monotonic() - returned
    assert not still, f"still served after {elapsed:.2f} s (bound {bound} s) on: {still}"
    print(f"gone everywhere {elapsed:.3f} s after index returned (first look {first_look:.3f} s)")
