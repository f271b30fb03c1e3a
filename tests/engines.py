"""Building a search engine from feed lines, for the contract and recall suites.

Every engine the suites run against is named in `ENGINES`. The Elasticsearch
leg runs against `IPCREDIT_TEST_ES_URL` when it is set (a real cluster), else
against a noida-db test server the session starts on a free loopback port
(`tests.es_server`); each built engine has its own index prefix, and its
indices are deleted when it is closed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import orjson

from credit.config import Settings
from credit.search.blocking import BlockingEngine
from credit.search.engine import EngineWriter, SearchEngine
from indexer.documents import DocumentBuilder
from indexer.ingest import ingest_feed
from indexer.store import Store
from indexer.sync import sync

ENGINES = ["tantivy", "elasticsearch"]


def write_feed(lines: Iterable[Mapping[str, Any] | str], path: Path) -> Path:
    """Write feed lines (objects, or raw text lines kept as they are) as JSONL."""
    with path.open("wb") as out:
        for line in lines:
            raw = line.encode() if isinstance(line, str) else orjson.dumps(line)
            out.write(raw + b"\n")
    return path


def build_engine(
    name: str, lines: Iterable[Mapping[str, Any] | str], tmp_path: Path
) -> BlockingEngine:
    """Index `lines` (one feed, applied in order) into a fresh engine called `name`;
    its reads as plain calls."""
    return BlockingEngine(build_async_engine(name, lines, tmp_path))


def build_async_engine(
    name: str, lines: Iterable[Mapping[str, Any] | str], tmp_path: Path
) -> SearchEngine:
    """Index `lines` into a fresh engine called `name`; its reads as coroutines (for apps)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    feed = write_feed(lines, tmp_path / "feed.jsonl")
    data_dir = tmp_path / f"data-{name}"
    if name == "tantivy":
        return _tantivy(feed, data_dir)
    if name == "elasticsearch":
        return _elasticsearch(feed, data_dir)
    raise ValueError(f"unknown engine {name!r}")


def index_feed(feed: Path, store_path: Path, writer: EngineWriter) -> None:
    """Apply a feed to a store and keep `writer`'s engine in step, batch by batch."""
    store = Store(store_path)
    try:
        with DocumentBuilder(processes=1) as builder:
            ingest_feed(store, feed, after_batch=lambda: sync(store, writer, builder))
            sync(store, writer, builder)
    finally:
        writer.close()
        store.close()


def _tantivy(feed: Path, data_dir: Path) -> SearchEngine:
    from credit.search.tantivy_engine import TantivyEngine, TantivyWriter

    index_feed(feed, data_dir / "store.sqlite3", TantivyWriter.for_data_dir(data_dir))
    return TantivyEngine(data_dir)


def es_settings(data_dir: Path, url: str | None = None, prefix: str | None = None) -> Settings:
    """Settings of an Elasticsearch deployment with a fresh index prefix (unless given)."""
    from tests.es_server import es_url, unique_prefix

    return Settings.from_env(
        {
            "IPCREDIT_DATA_DIR": str(data_dir),
            "IPCREDIT_ENGINE": "elasticsearch",
            "IPCREDIT_ES_URL": url or es_url(),
            "IPCREDIT_ES_INDEX_PREFIX": prefix or unique_prefix(),
            "IPCREDIT_RATE_LIMIT": "0",
        }
    )


def _elasticsearch(feed: Path, data_dir: Path) -> SearchEngine:
    from credit.search.es_writer import ElasticsearchWriter
    from tests.es_server import DisposableEngine

    settings = es_settings(data_dir)
    index_feed(feed, settings.store_path, ElasticsearchWriter.for_settings(settings))
    return DisposableEngine(settings)


def reload_now(engine: BlockingEngine) -> None:
    """Make a tantivy reader look for new commits on its next read, without the 0.2 s wait
    (an Elasticsearch reader sees each commit at once: the writer refreshes)."""
    from credit.search.tantivy_engine import TantivyEngine

    if isinstance(engine.engine, TantivyEngine):
        engine.engine._checked = 0.0
