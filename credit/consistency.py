"""Is the search engine in step with the store of record? (issue 8: out of step, detected)

The store of record (the indexer's SQLite file in the data directory) and the engine
each carry a data version: the engine's is the store's version it last committed. They
are out of step when the store holds data and the engine is missing (the tantivy
directory deleted, an Elasticsearch index or alias gone), behind the store (a run killed
between the two, `--defer-engine`), or ahead of it (a store replaced or restored from a
backup). `ipcredit serve` and `ipcredit demo` say so at start, `/healthz` shows it, and
`ipcredit index` repairs it or says to run `ipcredit reindex`.

A portal node without a store (Elasticsearch deployments) has nothing to compare: only
the indexer host does. While an indexer writes (`index`, `reindex`, `purge` hold
`DATA_DIR/index.lock` and write their process id in it), the engine trails the store by
a batch for a moment; that is not reported.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from credit.config import Settings

LOCK_FILE = "index.lock"
ES_CHECK_TIMEOUT = 5.0

Problem = Literal["engine_missing", "engine_behind", "engine_ahead"]


@dataclass(frozen=True)
class EngineState:
    """What the store and the engine each hold, and whether a writer is at work."""

    store_version: int | None  # None: no store of record in this data directory
    engine_version: int | None  # None: the engine is missing
    missing: str = ""  # what is missing, in Chinese, when the engine is
    indexing: bool = False

    @property
    def problem(self) -> Problem | None:
        store = self.store_version
        if not store:  # no store, or nothing ever committed: nothing to be out of step with
            return None
        if self.engine_version is None:
            return "engine_missing"
        if self.engine_version > store:
            return "engine_ahead"
        if self.engine_version < store and not self.indexing:
            return "engine_behind"
        return None

    @property
    def finding(self) -> str | None:
        """What is wrong, in Chinese; None when in step."""
        problem = self.problem
        store, engine = self.store_version, self.engine_version
        if problem == "engine_missing":
            return f"搜索索引缺失：存储中有数据（数据版本 {store}），但{self.missing}。"
        if problem == "engine_behind":
            return (
                f"搜索索引落后于存储：索引为数据版本 {engine}，存储为 {store}，"
                "部分更新（可能包括移出公示）尚未生效。"
            )
        if problem == "engine_ahead":
            return (
                f"搜索索引比存储新：索引为数据版本 {engine}，存储为 {store}，"
                "存储可能被替换或从备份恢复。"
            )
        return None

    @property
    def message(self) -> str | None:
        """The problem in Chinese, naming it and saying what to run; None when in step."""
        finding = self.finding
        if finding is None:
            return None
        english = {
            "engine_missing": "the search engine is missing",
            "engine_behind": "the search engine is behind the store",
            "engine_ahead": "the search engine is ahead of the store",
        }[self.problem or "engine_missing"]
        advice = "请运行 ipcredit reindex 从存储重建搜索索引"
        if self.problem == "engine_missing":
            advice = "在重建之前网站无法检索。" + advice
        return f"{finding}{advice} ({english}; run ipcredit reindex)。"


def store_version(data_dir: Path) -> int | None:
    """The data version of the store of record in `data_dir` (read only); None without one."""
    path = data_dir / "store.sqlite3"
    if not path.is_file():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    except sqlite3.Error:
        return None
    return int(row[0]) if row else None


def writer_running(data_dir: Path) -> bool:
    """Whether an indexer process (`index`, `reindex`, `purge`) holds this data directory."""
    try:
        text = (data_dir / LOCK_FILE).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return False
    if not text.isdigit():
        return False
    try:
        os.kill(int(text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def tantivy_version(data_dir: Path) -> tuple[int | None, str]:
    """The embedded engine's data version, or None and what is missing."""
    from credit.search import tantivy_layout as layout

    directory = layout.current_dir(data_dir)
    if directory is None:
        return None, f"搜索索引目录 {data_dir / layout.LINK} 不存在或已被删除"
    for part in ("records", "cases"):
        if not (directory / part / "meta.json").is_file():
            return None, f"搜索索引目录 {directory / part} 不存在或不完整"
    return layout.read_state(directory), ""


def elasticsearch_version(settings: Settings) -> tuple[int | None, str]:
    """The Elasticsearch engine's data version, or None and what is missing; raises
    `EngineUnavailable` when the cluster cannot be asked."""
    from elasticsearch import Elasticsearch, NotFoundError

    from credit.search import es_indices
    from credit.search import es_mappings as layout
    from credit.search.errors import EngineUnavailable
    from credit.search.es_client import public_errors

    if not settings.es_urls:
        raise EngineUnavailable("未配置 Elasticsearch 地址：请设置 IPCREDIT_ES_URL。")
    prefix = settings.es_index_prefix
    client = Elasticsearch(list(settings.es_urls), request_timeout=ES_CHECK_TIMEOUT, max_retries=0)
    try:
        with public_errors():
            for alias in (layout.records_alias(prefix), layout.cases_alias(prefix)):
                try:
                    client.indices.get_alias(name=alias)
                except NotFoundError:
                    return None, f"Elasticsearch 中找不到索引别名 {alias}（索引或别名已被删除）"
            return es_indices.read_version(client, layout.records_alias(prefix)), ""
    finally:
        client.close()


def engine_version(settings: Settings) -> tuple[int | None, str]:
    """The configured engine's data version, or None and what is missing."""
    if settings.engine == "elasticsearch":
        return elasticsearch_version(settings)
    return tantivy_version(settings.data_dir)


def inspect(settings: Settings, *, store: int | None = None) -> EngineState:
    """Compare the store (its version given, or read from the data directory) and the
    engine; raises `EngineUnavailable` when the engine cannot be asked."""
    if store is None:
        store = store_version(settings.data_dir)
    version, missing = engine_version(settings)
    return EngineState(store, version, missing, writer_running(settings.data_dir))


def for_health(settings: Settings, reader_version: int | None) -> EngineState | None:
    """The state `/healthz` shows, given the version the serving reader answered (None when
    it could not answer); None when it cannot be told (no store here, cluster down).

    The engine is compared as it is: on disk (a tantivy reader notices a commit up to
    0.2 s later), or asked on the cluster (both aliases; only where there is a store, so
    never on a plain portal node). When the cluster cannot be asked, the version the
    reader answered stands in.
    """
    from credit.search.errors import EngineUnavailable

    store = store_version(settings.data_dir)
    if store is None:
        return None
    indexing = writer_running(settings.data_dir)
    try:
        version, missing = engine_version(settings)
    except EngineUnavailable:
        if reader_version is None:
            return None
        version, missing = reader_version, ""
    return EngineState(store, version, missing, indexing)
