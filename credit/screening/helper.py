"""A second process for long screening lists: it screens half of a list while this
process screens the other half.

Screening is Python holding the GIL (about 90 µs a row) around the engine's searches,
so one process uses one core. `bench screen` matched 10,000 rows on 1,000,000 records
in 1.29–1.35 s in one process, and in 0.85–0.87 s split with the helper. The helper:

- starts with the first list of `SPLIT_ROWS` rows or more (that list is screened here
  alone, nobody waits for it to start), and ends after `IDLE_SECONDS` without a list, so
  an idle serving process keeps no second one (it holds about 210 MB of its own at
  1,000,000 records; it loads no segmentation dictionary);
- opens its own reader of the same engine, with the same settings and time limit
  (`Service`), and screens with `matching.screen_rows` from a chunk boundary, so a split
  list gets the results of an unsplit one;
- takes one list at a time: another list meanwhile is screened here alone;
- is never waited on when it fails: a part it did not answer (it ended, its answer did
  not come in `ANSWER_SECONDS`, the request went away) is screened here, and the next
  long list starts another. An engine error it met is raised here, as from a local read.

The rows go to it through a pipe, in memory: nothing of a list is stored or logged. The
results come back as one JSON document, each matched record once: pickled, 5,000 rows'
results took 0.2 s to write there and 0.2 s to read here, most of the time saved.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import multiprocessing
import time
from collections.abc import Sequence
from datetime import date
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any

import orjson

from credit import clock, collector
from credit.config import Settings
from credit.screening.matching import (
    CHUNK_ROWS,
    Entry,
    Match,
    RowResult,
    screen_rows,
    task_group,
)
from credit.search.engine import SearchEngine
from credit.search.errors import SearchError

if TYPE_CHECKING:
    from credit.service import Service

SPLIT_ROWS = 2_000
IDLE_SECONDS = 600.0
ANSWER_SECONDS = 30.0
"""The helper's whole exchange for one list, sending included (its half of 10,000 rows
takes about a second; each engine read has its own time limit)."""
_READY = "ready"


class ScreeningHelper:
    """The helper process of one serving process (started on first need, see the module)."""

    def __init__(
        self,
        settings: Settings,
        time_limit: float,
        *,
        split_rows: int = SPLIT_ROWS,
        idle_seconds: float = IDLE_SECONDS,
        answer_seconds: float = ANSWER_SECONDS,
    ) -> None:
        self.settings = settings
        self.time_limit = time_limit
        self.split_rows = split_rows
        self.idle_seconds = idle_seconds
        self.answer_seconds = answer_seconds
        self.parts_answered = 0
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._ready = False
        self._busy = False

    @property
    def pid(self) -> int | None:
        """The helper process's id, while one is running."""
        return self._process.pid if self._process is not None else None

    def available(self) -> bool:
        """Whether a list can be lent to it now; starts it when it is not running (a
        process that cannot be started leaves every list to this one). Not while a list
        has it: one that died meanwhile is stopped by that list, then started again."""
        if self._busy:
            return False
        if self._process is None or not self._process.is_alive():
            with contextlib.suppress(OSError):
                self._start()
            return False
        if not self._ready:
            assert self._conn is not None
            try:
                self._ready = self._conn.poll() and self._conn.recv() == _READY
            except (EOFError, OSError):
                self._stop()
        return self._ready

    def reserve(self) -> bool:
        """Take it for one list when `available` (then `release` it after): checked and
        taken in one step, so two lists at once never share it."""
        if not self.available():
            return False
        self._busy = True
        return True

    def release(self) -> None:
        self._busy = False

    async def screen(self, entries: Sequence[Entry], day: date) -> list[RowResult] | None:
        """Its results for `entries`, or None when it did not answer (then screen them
        here). Call only while `reserve`d."""
        conn = self._conn
        if conn is None or not self._busy:  # stopped meanwhile
            return None
        try:
            request = (orjson.dumps([_entry_fields(entry) for entry in entries]), day)
            async with asyncio.timeout(self.answer_seconds):  # sending may block too
                kind, value = await asyncio.to_thread(_exchange, conn, request)
        except (EOFError, OSError, TimeoutError):
            self._stop()
            return None
        except BaseException:  # cancelled: its late answer must not reach the next list
            self._stop()
            raise
        if kind == "error":
            raise value
        if kind != "ok":  # a failure other than the engine's shows when screened here
            self._stop()
            return None
        self.parts_answered += 1
        with collector.relaxed():
            return _unpacked(value, entries)

    def close(self) -> None:
        self._stop()

    def _start(self) -> None:
        self._stop()
        context = multiprocessing.get_context("spawn")  # not fork: the engine runs threads
        ours, theirs = context.Pipe()
        process = context.Process(
            target=_serve,
            args=(self.settings, self.time_limit, self.idle_seconds, theirs),
            name="ipcredit-screening-helper",
            daemon=True,
        )
        process.start()
        theirs.close()
        self._process, self._conn, self._ready = process, ours, False

    def _stop(self) -> None:
        """Kill the process. The pipe is closed here only when no list is under way: a
        thread may still be in the middle of an exchange, and its file descriptor must not
        be reused by the next helper's pipe before it ends (the thread's is the last
        reference then, and closes it)."""
        process, conn = self._process, self._conn
        self._process, self._conn, self._ready = None, None, False
        if process is not None:  # a thread waiting on the pipe sees the end
            process.kill()
            process.join(timeout=5)
        if conn is not None and not self._busy:
            conn.close()


def wait_until_started(helper: ScreeningHelper, limit: float = 60.0) -> ScreeningHelper:
    """`helper` once it has started and can take a list, waited for (a benchmark or a
    test starts with it running; the portal never waits). RuntimeError after `limit`
    seconds."""
    ends = time.monotonic() + limit
    while not helper.available():
        if time.monotonic() > ends:
            raise RuntimeError(f"the screening helper did not start in {limit:.0f} s")
        time.sleep(0.05)
    return helper


def _exchange(conn: Connection, request: object) -> tuple[str, Any]:
    conn.send(request)
    answer: tuple[str, Any] = conn.recv()
    return answer


async def screen_list(
    engine: SearchEngine,
    entries: Sequence[Entry],
    *,
    day: date,
    helper: ScreeningHelper | None,
) -> list[RowResult]:
    """`screen_rows`, the second half of a long list screened by `helper` when it can
    take it (the module says when)."""
    if helper is None or len(entries) < helper.split_rows or not helper.reserve():
        return await screen_rows(engine, entries, day=day)
    half = max(CHUNK_ROWS, len(entries) // 2 // CHUNK_ROWS * CHUNK_ROWS)
    try:
        async with task_group() as group:  # a failed part cancels the other
            ours = group.create_task(screen_rows(engine, entries[:half], day=day))
            theirs = group.create_task(helper.screen(entries[half:], day))
    finally:
        helper.release()
    rest = theirs.result()
    if rest is None:
        rest = await screen_rows(engine, entries[half:], day=day)
    return ours.result() + rest


def _serve(settings: Settings, time_limit: float, idle_seconds: float, conn: Connection) -> None:
    """The helper process: answers lists until none comes for `idle_seconds`, or this
    process's end of the pipe closes."""
    asyncio.run(_answer_lists(settings, time_limit, idle_seconds, conn))


async def _answer_lists(
    settings: Settings, time_limit: float, idle_seconds: float, conn: Connection
) -> None:
    from credit.service import Service  # the service imports this module

    service = Service(settings, time_limit=time_limit, screening_helper=False)
    try:
        await _warm(service)
        conn.send(_READY)
        while conn.poll(idle_seconds):
            try:
                rows, day = conn.recv()
            except EOFError:
                return
            try:
                answer: tuple[str, Any] = ("ok", await _screened_packed(service, rows, day))
            except SearchError as error:
                answer = ("error", error)
            except Exception as error:  # screened again there, where it shows
                answer = ("failed", type(error).__name__)
            conn.send(answer)
    except (BrokenPipeError, EOFError):
        return  # the serving process has gone
    finally:
        await service.close()


async def _screened_packed(service: Service, rows: bytes, day: date) -> bytes:
    """The results of rows sent as `_entry_fields`, `_packed`; the collector relaxed
    meanwhile (`credit.collector`): a full collection walking the rows' records while
    they are packed cost 0.15 s of 5,000 rows."""
    with collector.relaxed():
        entries = [Entry(*fields) for fields in orjson.loads(rows)]
        return _packed(await _screened(service, entries, day))


async def _screened(service: Service, entries: list[Entry], day: date) -> list[RowResult]:
    return await screen_rows(await service.engine(), entries, day=day)


async def _warm(service: Service) -> None:
    """Load what screening uses (the conversion tables, the engine's reader) with one row,
    then freeze it out of the garbage collector's way, as a serving process does."""
    with contextlib.suppress(SearchError):  # no engine yet: each list will say so
        await _screened(service, [Entry("0", "北京示例科技有限公司")], clock.today())
    gc.freeze()


def _entry_fields(entry: Entry) -> tuple[str, str, str, str]:
    return (entry.ref, entry.name, entry.uscc, entry.problem)


def _packed(results: list[RowResult]) -> bytes:
    """The results as JSON: their rows, each referring to its matched records by place in
    one list of records (a subject's records match many rows); the entries are left out,
    the server has them."""
    places: dict[str, int] = {}
    records: list[dict[str, Any]] = []
    rows = []
    for result in results:
        matches = []
        for match in result.matches:
            place = places.setdefault(match.record_id, len(records))
            if place == len(records):
                records.append(match.record)
            matches.append((match.basis, match.score, place, match.reason))
        rows.append((result.verdict, matches, result.messages, result.reason))
    return orjson.dumps({"records": records, "rows": rows})


def _unpacked(packed: bytes, entries: Sequence[Entry]) -> list[RowResult]:
    """`_packed` results, given back their entries."""
    loaded = orjson.loads(packed)
    records = loaded["records"]
    return [
        RowResult(
            entry,
            verdict,
            tuple(Match(basis, score, records[place], why) for basis, score, place, why in matches),
            tuple(messages),
            reason,
        )
        for entry, (verdict, matches, messages, reason) in zip(entries, loaded["rows"], strict=True)
    ]
