"""Running a blocking engine call in a worker thread, so the event loop keeps serving."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from anyio import to_thread

P = ParamSpec("P")
R = TypeVar("R")


def in_thread(method: Callable[P, R]) -> Callable[P, Coroutine[Any, Any, R]]:
    """Make a blocking method awaitable: it runs in anyio's worker thread pool."""

    @functools.wraps(method)
    async def run(*args: P.args, **kwargs: P.kwargs) -> R:
        return await to_thread.run_sync(functools.partial(method, *args, **kwargs))

    return run
