"""Building engine documents (and checking feed lines) in a process pool on multi-core machines.

Segmentation (jieba) is the cost of indexing; it runs in worker processes that
load the dictionary once. Small batches are built in-process: starting the
pool would cost more than it saves. While a builder is open the garbage collector
is relaxed (`credit.collector`), in this process and in the workers it forks: each
batch builds tens of thousands of lines, rows and documents that live until it is
committed.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from functools import partial
from multiprocessing.pool import Pool
from types import TracebackType
from typing import Any, TypeVar

import orjson

from credit import collector
from credit.cores import usable_cores
from credit.personal import body_may_hold_personal_numbers, mask_stored_body
from credit.search.documents import case_document, record_document
from credit.search.engine import RecordForm
from indexer.checking import Checked, check_line
from indexer.later import Later

T = TypeVar("T")

POOL_THRESHOLD = 2_000
CHUNK = 200


def _stored(masked: bool, body: str) -> dict[str, Any]:
    """A stored body as the engine may hold it: personal numbers masked. A store whose
    bodies are `masked` already (`Store.bodies_masked`) is only read; bodies stored before
    validation masked every form are masked here, when indexed again."""
    parsed: dict[str, Any] = orjson.loads(body)
    if masked or not body_may_hold_personal_numbers(body):
        return parsed
    return mask_stored_body(parsed)


def _record_from_json(form: RecordForm, masked: bool, body: str) -> Any:
    return form(record_document(_stored(masked, body)))


def _case_from_json(masked: bool, body: str) -> dict[str, Any]:
    return case_document(_stored(masked, body))


class _Pool(Pool):
    """A pool whose worker-handling thread does not wake for each result.

    `multiprocessing.Pool`'s thread waits on the results pipe, which only the result
    thread reads: while results waited there, it spun, checking its workers — 3.0 of the
    17 CPU-s this process spent in a 200,000-line first load. It still wakes when a
    worker exits or the pool's tasks change, as the standard `ThreadPool`'s does.
    """

    def _get_sentinels(self) -> list[Any]:
        return [self._change_notifier._reader]  # type: ignore[attr-defined]


class DocumentBuilder:
    """Turns stored JSON bodies into engine documents and checks feed lines; owns the pool.

    `bodies_masked` says the bodies come from a store whose every text has had this
    version's masking (`Store.bodies_masked`): they are not masked again, which cost a
    sixth of a worker's time. Otherwise each body is masked on its way to the engine.
    """

    def __init__(self, processes: int | None = None, *, bodies_masked: bool = False) -> None:
        self.processes = processes if processes is not None else usable_cores()
        self.bodies_masked = bodies_masked
        self._pool: Pool | None = None
        self._relaxed = ExitStack()

    def __enter__(self) -> DocumentBuilder:
        self._relaxed.enter_context(collector.relaxed())
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def records(self, bodies: Sequence[str], form: RecordForm) -> list[Any]:
        """Record documents of these stored bodies, in a writer's `record_form`."""
        return self.records_later(bodies, form).get()

    def records_later(self, bodies: Sequence[str], form: RecordForm) -> Later[Any]:
        """Start building record documents in the pool; small batches are built now."""
        return self._later(partial(_record_from_json, form, self.bodies_masked), bodies)

    def cases(self, bodies: Sequence[str]) -> list[dict[str, Any]]:
        """Case documents of these stored bodies."""
        return self._later(partial(_case_from_json, self.bodies_masked), bodies).get()

    def check_later(self, lines: list[Any]) -> Later[Checked]:
        """Start validating decoded feed lines into store rows (`indexer.checking`) in the
        pool; small batches are checked now."""
        return self._later(check_line, lines)

    def _later(self, work: Callable[[Any], T], items: Sequence[Any]) -> Later[T]:
        pool = self._pool_for(items)
        if pool is None:
            return Later(ready=[work(item) for item in items])
        return Later(pending=pool.map_async(work, items, chunksize=CHUNK))

    def _pool_for(self, items: Sequence[Any]) -> Pool | None:
        """The worker pool, started on first need; None when in-process is better."""
        if self.processes < 2 or len(items) < POOL_THRESHOLD:
            return None
        if self._pool is None:
            context = multiprocessing.get_context("fork")
            self._pool = _Pool(self.processes, context=context)  # jieba loads on first use
        return self._pool

    def stop_workers(self) -> None:
        """Stop the workers (new ones start on the next need). Workers forked while an
        index writer was open hold its lock, inherited with its file: stop them once that
        writer is closed, before another writer opens the same index."""
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def close(self) -> None:
        """Stop the workers, and give the collector back its pace."""
        try:
            self.stop_workers()
        finally:
            self._relaxed.close()
