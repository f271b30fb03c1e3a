"""A time limit on every engine read: a slow query is cut off with a clear message."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any, cast

from credit.search.engine import SearchEngine
from credit.search.errors import QueryTimeout

DEFAULT_SECONDS = 5.0


class TimeLimitedEngine:
    """Wraps an engine; each coroutine method raises QueryTimeout after `seconds`.

    The embedded engine's worker thread cannot be interrupted, but the request is answered
    and its worker slot freed at once; Elasticsearch requests are cancelled.
    """

    def __init__(self, engine: SearchEngine, seconds: float = DEFAULT_SECONDS) -> None:
        self.engine = engine
        self.seconds = seconds

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.engine, name)
        if not inspect.iscoroutinefunction(method):
            return method
        return self._limited(method)

    def _limited(self, method: Callable[..., Any]) -> Callable[..., Any]:
        async def call(*args: Any, **kwargs: Any) -> Any:
            try:
                async with asyncio.timeout(self.seconds):
                    return await method(*args, **kwargs)
            except TimeoutError:
                raise QueryTimeout(
                    f"查询超过 {self.seconds:g} 秒仍未完成，已中止。请减少检索范围或稍后再试。"
                ) from None

        return call


def time_limited(engine: SearchEngine, seconds: float = DEFAULT_SECONDS) -> SearchEngine:
    """`engine` with a time limit on every read."""
    return cast(SearchEngine, TimeLimitedEngine(engine, seconds))
