"""Delisting is fast: once `ipcredit index` returns, the running server stops serving the
record on every surface within one second (issue 8: measured end to end)."""

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

FRESHNESS_SECONDS = 1.0
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


@pytest.fixture
def server(data_dir: Path, run_cli: RunCli, tmp_path: Path) -> Iterator[str]:
    assert run_cli("index", write_feed([line()], tmp_path / "add.jsonl")).returncode == 0
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "indexer.cli", "serve", "--port", str(port)],
        env=cli_env(data_dir, IPCREDIT_RATE_LIMIT="0"),
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


def test_delisting_reaches_every_surface_within_a_second(
    server: str, run_cli: RunCli, tmp_path: Path
) -> None:
    assert served_anywhere(server) == ["record page", "search", "entity", "feed", "graphql"]
    delisting = line(
        delisted_on=clock.today().isoformat(),
        delist_reason="repaired",
        updated_at="2025-01-02T09:00:00+08:00",
    )
    result = run_cli("index", write_feed([delisting], tmp_path / "delist.jsonl"))
    returned = time.monotonic()
    assert result.returncode == 0, result.stderr
    still = served_anywhere(server)
    while still and time.monotonic() - returned <= FRESHNESS_SECONDS:
        time.sleep(0.02)
        still = served_anywhere(server)
    elapsed = time.monotonic() - returned
    assert not still, f"still served after {elapsed:.2f} s on: {still}"
