"""Connecting to Elasticsearch, and what its failures mean to the public.

A portal node keeps one async client for its lifetime. When the cluster cannot
be reached every read raises `EngineUnavailable` (the portal answers 503, the
API `ENGINE_UNAVAILABLE`); the client tries the cluster again on the next read,
so the node recovers by itself when the cluster returns.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from elasticsearch import (
    ApiError,
    AsyncElasticsearch,
    Elasticsearch,
    TransportError,
)

from credit.search.errors import BadCursor, EngineUnavailable

REQUEST_TIMEOUT = 10.0
READ_RETRIES = 1  # another node (or the same one) once, then the public is told
WRITE_TIMEOUT = 120.0
WRITE_RETRIES = 3

UNREACHABLE = "搜索服务暂时无法连接，请稍后再试。"
BUSY = "搜索服务繁忙，请稍后再试。"
NO_INDEX = "搜索索引尚未建立，请先运行 ipcredit index 或 ipcredit reindex 导入数据。"


def _options(urls: Sequence[str]) -> dict[str, Any]:
    if not urls:
        raise EngineUnavailable("未配置 Elasticsearch 地址：请设置 IPCREDIT_ES_URL。")
    return {"hosts": list(urls), "retry_on_timeout": True}


def async_client(urls: Sequence[str]) -> AsyncElasticsearch:
    """The readers' client (no request is made until the first read)."""
    return AsyncElasticsearch(
        **_options(urls), request_timeout=REQUEST_TIMEOUT, max_retries=READ_RETRIES
    )


def sync_client(urls: Sequence[str]) -> Elasticsearch:
    """The indexer's client: longer timeouts, more retries."""
    return Elasticsearch(**_options(urls), request_timeout=WRITE_TIMEOUT, max_retries=WRITE_RETRIES)


def is_missing_index(error: ApiError) -> bool:
    return error.meta.status == 404 and error.error == "index_not_found_exception"


@contextmanager
def public_errors(*, paging: bool = False) -> Iterator[None]:
    """Translate the client's failures into errors the public can be shown.

    Unreachable, timed out, overloaded or failing cluster → `EngineUnavailable`; no
    index yet → `EngineUnavailable` saying so; a request refused while following a
    cursor (`paging`) → `BadCursor`. Anything else is a bug and is raised as it is.
    """
    try:
        yield
    except TransportError as error:  # connection refused or reset, timeout, TLS
        raise EngineUnavailable(UNREACHABLE) from error
    except ApiError as error:
        status = error.meta.status
        if is_missing_index(error):
            raise EngineUnavailable(NO_INDEX) from None
        if status == 429 or status >= 500:
            raise EngineUnavailable(BUSY) from None
        if paging and status == 400:
            raise BadCursor("翻页参数无效，请从第一页重新开始。") from None
        raise
