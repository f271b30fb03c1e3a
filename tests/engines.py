"""Building a search engine from feed lines, for the contract and recall suites.

Every engine the suites run against is named in `ENGINES`; adding one (e.g.
"elasticsearch") means adding its name there and a branch in `build_engine`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, cast

import orjson

from credit.search.blocking import BlockingEngine
from credit.search.engine import SearchEngine
from indexer.documents import DocumentBuilder
from indexer.ingest import ingest_feed
from indexer.store import Store
from indexer.sync import sync

ENGINES = ["tantivy"]


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
    raise ValueError(f"unknown engine {name!r}")


def _tantivy(feed: Path, data_dir: Path) -> SearchEngine:
    from credit.search.tantivy_engine import TantivyEngine, TantivyWriter

    store = Store(data_dir / "store.sqlite3")
    writer = TantivyWriter.for_data_dir(data_dir)
    try:
        with DocumentBuilder(processes=1) as builder:
            ingest_feed(store, feed, after_batch=lambda: sync(store, writer, builder))
            sync(store, writer, builder)
    finally:
        writer.close()
        store.close()
    return TantivyEngine(data_dir)


def reload_now(engine: BlockingEngine) -> None:
    """Make a tantivy reader look for new commits on its next read, without the 0.2 s wait."""
    from credit.search.tantivy_engine import TantivyEngine

    cast(TantivyEngine, engine.engine)._checked = 0.0
