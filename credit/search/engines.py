"""Opening the configured engine (`IPCREDIT_ENGINE`)."""

from __future__ import annotations

from credit.config import Settings
from credit.search.engine import EngineWriter, SearchEngine
from credit.search.errors import EngineUnavailable


def open_reader(settings: Settings) -> SearchEngine:
    """The engine readers use; raises EngineUnavailable when it cannot answer."""
    if settings.engine == "tantivy":
        from credit.search.tantivy_engine import TantivyEngine

        return TantivyEngine(settings.data_dir)
    raise EngineUnavailable(
        f"不支持的搜索引擎 IPCREDIT_ENGINE={settings.engine!r}（可用：tantivy）。"
    )


def open_writer(settings: Settings) -> EngineWriter:
    """The engine the indexer writes, created empty when there is none yet."""
    if settings.engine == "tantivy":
        from credit.search.tantivy_engine import TantivyWriter

        return TantivyWriter.for_data_dir(settings.data_dir)
    raise EngineUnavailable(
        f"不支持的搜索引擎 IPCREDIT_ENGINE={settings.engine!r}（可用：tantivy）。"
    )
