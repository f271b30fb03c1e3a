"""Building engine documents from stored bodies, in a process pool on multi-core machines.

Segmentation (jieba) is the cost of indexing; it runs in worker processes that
load the dictionary once. Small batches are built in-process: starting the
pool would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from multiprocessing.pool import Pool
from types import TracebackType
from typing import Any

import orjson

from credit import text
from credit.search.documents import case_document, record_document

POOL_THRESHOLD = 2_000
CHUNK = 200


def _record_from_json(body: str) -> dict[str, Any]:
    return record_document(orjson.loads(body))


def _case_from_json(body: str) -> dict[str, Any]:
    return case_document(orjson.loads(body))


class DocumentBuilder:
    """Turns stored JSON bodies into engine documents; owns the worker pool, if any."""

    def __init__(self, processes: int | None = None) -> None:
        self.processes = processes if processes is not None else (os.cpu_count() or 1)
        self._pool: Pool | None = None

    def __enter__(self) -> DocumentBuilder:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def records(self, bodies: Sequence[str]) -> list[dict[str, Any]]:
        return self._map(_record_from_json, bodies)

    def cases(self, bodies: Sequence[str]) -> list[dict[str, Any]]:
        return self._map(_case_from_json, bodies)

    def _map(self, build: Any, bodies: Sequence[str]) -> list[dict[str, Any]]:
        if self.processes < 2 or len(bodies) < POOL_THRESHOLD:
            return [build(body) for body in bodies]
        if self._pool is None:
            context = multiprocessing.get_context("fork")
            self._pool = context.Pool(self.processes, initializer=text.warm_up)
        result: list[dict[str, Any]] = self._pool.map(build, bodies, chunksize=CHUNK)
        return result

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None
