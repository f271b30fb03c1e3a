"""Opening the configured engine (`IPCREDIT_ENGINE`)."""

from __future__ import annotations

from credit.config import Settings
from credit.search.engine import EngineWriter, SearchEngine
from credit.search.errors import EngineUnavailable

ENGINES = ("tantivy", "elasticsearch")


def unknown_engine(settings: Settings) -> EngineUnavailable:
    return EngineUnavailable(
        f"不支持的搜索引擎 IPCREDIT_ENGINE={settings.engine!r}（可用：{'、'.join(ENGINES)}）。"
    )


def open_reader(settings: Settings) -> SearchEngine:
    """The engine readers use; raises EngineUnavailable when it cannot answer.

    The Elasticsearch reader needs only `IPCREDIT_ES_URL` (no data directory); it makes
    no request until the first read.
    """
    if settings.engine == "tantivy":
        from credit.search.tantivy_engine import TantivyEngine

        return TantivyEngine(settings.data_dir)
    if settings.engine == "elasticsearch":
        from credit.search.es_engine import ElasticsearchEngine

        return ElasticsearchEngine(settings.es_urls, settings.es_index_prefix)
    raise unknown_engine(settings)


def open_writer(settings: Settings) -> EngineWriter:
    """The engine the indexer writes, created empty when there is none yet."""
    if settings.engine == "tantivy":
        from credit.search.tantivy_engine import TantivyWriter

        return TantivyWriter.for_data_dir(settings.data_dir)
    if settings.engine == "elasticsearch":
        from credit.search.es_writer import ElasticsearchWriter

        return ElasticsearchWriter.for_settings(settings)
    raise unknown_engine(settings)
