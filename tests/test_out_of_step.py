"""The engine and the store out of step: said at start, shown by `/healthz`, repaired by
`ipcredit index` or `ipcredit reindex` (issue 8), as subprocess tests.

tantivy: the engine directory deleted (missing), a run with `--defer-engine` (behind), a
store put back from an older copy (ahead). Elasticsearch: the records or the cases index
deleted on the test server.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import pytest
from elasticsearch import Elasticsearch

from credit.search import es_indices, es_mappings
from credit.search import tantivy_layout as layout
from indexer.generate import write_feed
from tests.conftest import cli_env
from tests.es_server import delete_prefix, es_url, unique_prefix
from tests.test_disk_full import engine_state, store_state


def run(data_dir: Path, *args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "indexer.cli", *map(str, args)],
        env=cli_env(data_dir, **env),
        capture_output=True,
        text=True,
        timeout=300,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def health(base: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=10) as response:
            return response.status, orjson.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, orjson.loads(error.read())


@contextmanager
def serving(data_dir: Path, tmp_path: Path, **env: str) -> Iterator[tuple[str, Path]]:
    """`ipcredit serve` on a free port: its address, and the file its stderr goes to."""
    port = free_port()
    stderr = tmp_path / f"serve-{port}.stderr"
    with stderr.open("wb") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "indexer.cli", "serve", "--port", str(port)],
            env=cli_env(data_dir, IPCREDIT_RATE_LIMIT="0", **env),
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, stderr.read_text(encoding="utf-8")
            try:
                health(base)
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not answer"
                time.sleep(0.05)
        yield base, stderr
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def feeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("out-of-step-feeds")
    paths = {name: root / f"{name}.jsonl" for name in ("base", "more", "later")}
    write_feed(paths["base"], records=200, cases=4, seed=11)
    write_feed(paths["more"], records=60, cases=2, seed=12)
    write_feed(paths["later"], records=30, cases=0, seed=13)
    return paths


def state(data_dir: Path) -> dict[str, Any]:
    return {"store": store_state(data_dir), "engine": engine_state(data_dir)}


def indexed(data_dir: Path, *feeds: Path, **env: str) -> Path:
    for feed in feeds:
        result = run(data_dir, "index", feed, **env)
        assert result.returncode == 0, result.stderr
    return data_dir


# --- tantivy -------------------------------------------------------------------------------------


def test_engine_directory_deleted(feeds: dict[str, Path], tmp_path: Path) -> None:
    reference = indexed(tmp_path / "reference", feeds["base"], feeds["more"])
    data_dir = indexed(tmp_path / "var", feeds["base"])
    directory = layout.current_dir(data_dir)
    assert directory is not None
    shutil.rmtree(directory)

    with serving(data_dir, tmp_path) as (base, stderr):
        status, body = health(base)
        warning = stderr.read_text(encoding="utf-8")
    assert "警告 (warning)：搜索索引缺失：存储中有数据（数据版本 1）" in warning
    assert "不存在或已被删除" in warning and "请运行 ipcredit reindex" in warning
    assert status == 503 and body["status"] == "unavailable"
    assert body["problem"] == "engine_missing" and body["store_data_version"] == 1
    assert "ipcredit reindex" in body["message"]

    repaired = run(data_dir, "index", feeds["more"])
    assert repaired.returncode == 0, repaired.stderr
    assert "搜索索引缺失" in repaired.stderr and "正在从存储重建搜索索引" in repaired.stderr
    assert state(data_dir) == state(reference)
    assert list(data_dir.glob("index-*")) == [layout.current_dir(data_dir)]  # none left over

    with serving(data_dir, tmp_path) as (base, stderr):
        status, body = health(base)
        assert "警告" not in stderr.read_text(encoding="utf-8")
    assert status == 200 and body["status"] == "ok" and "problem" not in body
    assert body["data_version"] == body["store_data_version"] == 2


def test_engine_behind_the_store(feeds: dict[str, Path], tmp_path: Path) -> None:
    reference = indexed(tmp_path / "reference", feeds["base"], feeds["more"])
    data_dir = indexed(tmp_path / "var", feeds["base"])
    deferred = run(data_dir, "index", "--defer-engine", feeds["more"])
    assert deferred.returncode == 0, deferred.stderr

    with serving(data_dir, tmp_path) as (base, stderr):
        status, body = health(base)
        warning = stderr.read_text(encoding="utf-8")
    assert "搜索索引落后于存储：索引为数据版本 1，存储为 2" in warning
    assert "请运行 ipcredit reindex" in warning
    assert status == 200 and body["status"] == "out_of_step"
    assert body["problem"] == "engine_behind" and body["data_version"] == 1
    assert body["store_data_version"] == 2 and "ipcredit reindex" in body["message"]

    caught_up = run(data_dir, "index", feeds["more"])
    assert caught_up.returncode == 0, caught_up.stderr
    assert "搜索索引落后于存储 1 个数据版本，正在补齐" in caught_up.stderr
    assert state(data_dir) == state(reference)


def test_engine_ahead_of_the_store(feeds: dict[str, Path], tmp_path: Path) -> None:
    data_dir = indexed(tmp_path / "var", feeds["base"])
    older = tmp_path / "older-store.sqlite3"
    shutil.copyfile(data_dir / "store.sqlite3", older)
    indexed(data_dir, feeds["more"])
    shutil.copyfile(older, data_dir / "store.sqlite3")  # a store put back from a backup

    with serving(data_dir, tmp_path) as (base, stderr):
        status, body = health(base)
        warning = stderr.read_text(encoding="utf-8")
    assert "搜索索引比存储新：索引为数据版本 2，存储为 1" in warning
    assert status == 200 and body["problem"] == "engine_ahead"

    refused = run(data_dir, "index", feeds["later"])
    assert refused.returncode == 1
    assert "搜索索引比存储新" in refused.stderr and "请运行 ipcredit reindex" in refused.stderr
    assert store_state(data_dir)["data_version"] == [("1",)]  # nothing applied

    assert run(data_dir, "reindex").returncode == 0
    assert engine_state(data_dir)["data_version"] == 1
    assert run(data_dir, "index", feeds["later"]).returncode == 0
    reference = indexed(tmp_path / "reference", feeds["base"], feeds["later"])
    assert state(data_dir) == state(reference)


def test_an_engine_with_data_beside_an_empty_store_is_not_replaced(
    feeds: dict[str, Path], tmp_path: Path
) -> None:
    """A deleted store: a first load would build a new engine and switch to it, so the
    engine's records would be gone. It is refused instead, until `ipcredit reindex`."""
    data_dir = indexed(tmp_path / "var", feeds["base"])
    engine_before = engine_state(data_dir)
    for path in data_dir.glob("store.sqlite3*"):
        path.unlink()

    refused = run(data_dir, "index", feeds["later"])
    assert refused.returncode == 1
    assert "搜索索引比存储新：索引为数据版本 1，存储为空" in refused.stderr
    assert "请先运行 ipcredit reindex" in refused.stderr and "Traceback" not in refused.stderr
    assert engine_state(data_dir) == engine_before
    assert store_state(data_dir)["records"] == []  # nothing imported

    assert run(data_dir, "reindex").returncode == 0  # the operator chooses the empty store
    assert run(data_dir, "index", feeds["later"]).returncode == 0
    assert state(data_dir) == state(indexed(tmp_path / "reference", feeds["later"]))


# --- Elasticsearch -------------------------------------------------------------------------------


def es_state(url: str, prefix: str) -> dict[str, Any]:
    """Every document behind the aliases (id and source), the data version, the indices."""
    with Elasticsearch(url) as client:
        found: dict[str, Any] = {
            "data_version": es_indices.read_version(client, es_mappings.records_alias(prefix))
        }
        for alias in (es_mappings.records_alias(prefix), es_mappings.cases_alias(prefix)):
            hits = client.search(index=alias, size=10_000)["hits"]["hits"]
            found[alias] = sorted((hit["_id"], orjson.dumps(hit["_source"])) for hit in hits)
        found["generations"] = len(es_indices.existing_versions(client, prefix))
    return found


@pytest.mark.parametrize("deleted", ["records", "cases"])
def test_elasticsearch_index_deleted(feeds: dict[str, Path], tmp_path: Path, deleted: str) -> None:
    url = es_url()
    prefixes = {"reference": unique_prefix(), "var": unique_prefix()}
    environments = {
        name: {"IPCREDIT_ENGINE": "elasticsearch", "IPCREDIT_ES_URL": url,
               "IPCREDIT_ES_INDEX_PREFIX": prefix}
        for name, prefix in prefixes.items()
    }  # fmt: skip
    try:
        indexed(tmp_path / "reference", feeds["base"], feeds["more"], **environments["reference"])
        env = environments["var"]
        data_dir = indexed(tmp_path / "var", feeds["base"], **env)
        alias = f"{prefixes['var']}-{deleted}"
        with Elasticsearch(url) as client:
            (index,) = client.indices.get_alias(name=alias).body
            client.indices.delete(index=index)

        with serving(data_dir, tmp_path, **env) as (base, stderr):
            status, body = health(base)
            warning = stderr.read_text(encoding="utf-8")
        assert (
            f"搜索索引缺失：存储中有数据（数据版本 1），但Elasticsearch 中找不到索引别名 {alias}"
            in warning
        )
        assert "请运行 ipcredit reindex" in warning
        if deleted == "records":  # without the records index nothing can be answered
            assert status == 503 and body["status"] == "unavailable"
        else:
            assert status == 200 and body["status"] == "out_of_step"
        assert body["problem"] == "engine_missing" and "ipcredit reindex" in body["message"]

        repaired = run(data_dir, "index", feeds["more"], **env)
        assert repaired.returncode == 0, repaired.stderr
        assert "搜索索引缺失" in repaired.stderr and "正在从存储重建" in repaired.stderr
        ours, theirs = es_state(url, prefixes["var"]), es_state(url, prefixes["reference"])
        assert ours.pop("generations") == 1  # the orphaned half of the old one is gone
        theirs.pop("generations")
        assert list(ours.values()) == list(theirs.values())
        assert store_state(data_dir) == store_state(tmp_path / "reference")

        with serving(data_dir, tmp_path, **env) as (base, stderr):
            status, body = health(base)
            assert "警告" not in stderr.read_text(encoding="utf-8")
        assert status == 200 and body["status"] == "ok" and body["store_data_version"] == 2
    finally:
        for prefix in prefixes.values():
            delete_prefix(url, prefix)
