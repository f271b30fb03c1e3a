"""Results a worker pool is computing, or computed in this process already."""

from __future__ import annotations

from multiprocessing.pool import AsyncResult
from typing import Generic, TypeVar

T = TypeVar("T")


class Later(Generic[T]):
    """A list of results: `ready` now, or `pending` in a pool; `get` waits for them."""

    def __init__(
        self, ready: list[T] | None = None, pending: AsyncResult[list[T]] | None = None
    ) -> None:
        if (ready is None) == (pending is None):
            raise ValueError("a Later holds exactly one of `ready` results or a `pending` one")
        self._ready = ready
        self._pending = pending

    def get(self) -> list[T]:
        if self._ready is None:
            assert self._pending is not None
            self._ready = list(self._pending.get())
            self._pending = None
        return self._ready
