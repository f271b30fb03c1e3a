"""Applying a feed to the store of record, batch by batch.

A batch is validated in memory, compared with the stored versions, and written
in one transaction together with its rejects and the run's progress. A run that
is killed leaves the store at the last batch boundary; running the same file
again resumes after it, so the end state equals that of an uninterrupted run.

One batch is read ahead: its lines are being validated (in the worker pool, when
there is one) while the batch before it is decided and written, so the workers
never wait for the store.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from pydantic_core import PydanticCustomError

from credit.fields import parse_timestamp, timestamp_micros
from credit.personal import redact_digits
from credit.validation import Problem
from indexer.checking import Checked, Key, Valid, check_line
from indexer.feeds import FeedLine, UnreadableFeed, digest, read_feed
from indexer.later import Later
from indexer.store import Counts, Reject, Row, Store, Version

BATCH_LINES = 20_000
REJECT_LINE_LIMIT = 2_000

ProgressCallback = Callable[[int], None]


@dataclass
class IngestResult:
    """How one feed went."""

    feed: Path
    counts: Counts
    rejects: list[Reject]
    rejects_file: Path | None
    resumed_after_line: int
    data_version: int


@dataclass
class _Batch:
    """Lines read since the last commit."""

    lines: list[FeedLine] = field(default_factory=list)
    last_line_no: int = 0


@dataclass
class _Outcome:
    """What a batch will write: surviving rows, rejects and counts."""

    records: list[Row] = field(default_factory=list)
    cases: list[Row] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)


@dataclass
class _Checking:
    """A batch whose lines are being validated: the versions its lines claim, the stored
    versions of those keys (`held`, read when it started; the batch written meanwhile is
    merged in after it), and which lines the store held already (still held: a stored
    version only grows)."""

    batch: _Batch
    claims: list[tuple[Key, int] | None]
    held: dict[Key, Version]
    stale: list[bool]
    checked: Later[Checked]

    def take_up(self, written: dict[Key, Version]) -> None:
        """The versions held after the batch before was written (its `held`, kept current
        as it was decided), for this batch's keys only: as a fresh read would find them."""
        for key in {claim[0] for claim in self.claims if claim}:
            if key in written:
                self.held[key] = written[key]


Checker = Callable[[list[Any]], Later[Checked]]
"""Starts validating decoded lines (`indexer.checking`); the results come in order."""


def check_now(lines: list[Any]) -> Later[Checked]:
    """Validate in this process (the indexer passes a checker that uses its worker pool)."""
    return Later(ready=[check_line(data) for data in lines])


def rejects_path(feed: Path) -> Path:
    """`FEED.rejects.jsonl` beside the feed."""
    return feed.with_name(feed.name + ".rejects.jsonl")


def ingest_feed(
    store: Store,
    feed: Path,
    on_line: ProgressCallback | None = None,
    after_batch: Callable[[], object] | None = None,
    check: Checker = check_now,
) -> IngestResult:
    """Validate and apply every line of `feed`; write its reject report.

    `after_batch` runs after each committed batch (the indexer syncs the engine there);
    `check` starts validating a batch's lines (the indexer's uses its worker pool).
    """
    feed_digest = digest(feed)
    run = store.resumable_run(feed_digest) or store.start_run(str(feed.resolve()), feed_digest)
    batch = _Batch(last_line_no=run.lines_done)
    ahead: _Checking | None = None  # read, being validated, not yet written
    try:
        for line in read_feed(feed, skip=run.lines_done):
            _read_into(batch, line)
            if on_line:
                on_line(line.line_no)
            if len(batch.lines) >= BATCH_LINES:
                started = _start_checking(store, batch, check)
                if ahead is not None:
                    _commit(store, run.run_id, ahead, after_batch)
                    started.take_up(ahead.held)
                ahead, batch = started, _Batch(last_line_no=batch.last_line_no)
    except UnreadableFeed:
        if ahead is not None:  # a whole batch, read before the file broke off: written
            _commit(store, run.run_id, ahead, after_batch)
        raise
    if ahead is not None:
        _commit(store, run.run_id, ahead, after_batch)
    if batch.lines:
        _commit(store, run.run_id, _start_checking(store, batch, check), after_batch)
    store.finish_run(run.run_id)
    finished = next(r for r in store.runs() if r.run_id == run.run_id)
    rejects = store.run_rejects(run.run_id)
    return IngestResult(
        feed=feed,
        counts=finished.counts,
        rejects=rejects,
        rejects_file=write_rejects(feed, rejects),
        resumed_after_line=run.lines_done,
        data_version=store.data_version,
    )


def _read_into(batch: _Batch, line: FeedLine) -> None:
    batch.lines.append(line)
    batch.last_line_no = line.line_no


def _claim(data: Any) -> tuple[Key, int] | None:
    """The (table, id) and version a decoded line claims, read without validating it."""
    if not isinstance(data, dict):
        return None
    if "op" in data:
        ident = data.get("record_id") or data.get("case_id")
        table = "records" if data.get("record_id") else "cases"
    else:
        table = "cases" if data.get("kind") == "case" else "records"
        ident = data.get("case_id" if table == "cases" else "record_id")
    updated_at = data.get("updated_at")
    if not isinstance(ident, str) or not isinstance(updated_at, str):
        return None
    try:
        return (table, ident), timestamp_micros(parse_timestamp(updated_at))
    except PydanticCustomError:
        return None


def _stored_versions(store: Store, claims: list[tuple[Key, int] | None]) -> dict[Key, Version]:
    wanted: dict[str, list[str]] = {"records": [], "cases": []}
    for claim in claims:
        if claim:
            wanted[claim[0][0]].append(claim[0][1])
    found = {("records", k): v for k, v in store.record_versions(wanted["records"]).items()}
    found |= {("cases", k): v for k, v in store.case_versions(wanted["cases"]).items()}
    return found


def _start_checking(store: Store, batch: _Batch, check: Checker) -> _Checking:
    """Start validating the batch's lines. A line that plainly claims an id and a version
    no newer than the stored one is not validated (re-runs stay fast): it is unchanged."""
    claims = [_claim(line.data) if line.error is None else None for line in batch.lines]
    held = _stored_versions(store, claims)
    stale = [_not_newer(claim, held) for claim in claims]
    to_check = [
        line.data
        for line, skip in zip(batch.lines, stale, strict=True)
        if not line.blank and line.error is None and not skip
    ]
    return _Checking(batch, claims, held, stale, check(to_check))


def _decide(checking: _Checking) -> _Outcome:
    """Apply the version rule line by line: a line not newer than what is held is unchanged.

    `held` is kept current as lines are applied: the next batch takes it up.
    """
    outcome = _Outcome()
    counts = outcome.counts
    lines, claims, stale, held = (
        checking.batch.lines,
        checking.claims,
        checking.stale,
        checking.held,
    )
    checked = iter(checking.checked.get())
    survivors: dict[Key, Row] = {}
    for line, claim, skip in zip(lines, claims, stale, strict=True):
        if line.blank:
            counts.blank += 1
            continue
        if line.error is not None:
            outcome.rejects.append(_reject(line, [Problem("", line.error)]))
            counts.rejected += 1
            continue
        if skip:
            counts.unchanged += 1
            continue
        result = next(checked)
        if _not_newer(claim, held):  # an earlier line, or the batch before, holds a newer one
            counts.unchanged += 1
            continue
        if not isinstance(result, Valid):
            outcome.rejects.append(_reject(line, result))
            counts.rejected += 1
            continue
        current = held.get(result.key)
        if current is not None and result.updated_at <= current.updated_at:
            counts.unchanged += 1
            continue
        if result.withdrawn:
            counts.withdrawn += 1
        else:
            counts.applied += 1
        held[result.key] = Version(result.updated_at, result.withdrawn)
        survivors[result.key] = result.row
    for (table, _), row in survivors.items():
        (outcome.records if table == "records" else outcome.cases).append(row)
    return outcome


def _not_newer(claim: tuple[Key, int] | None, held: dict[Key, Version]) -> bool:
    if claim is None:
        return False
    current = held.get(claim[0])
    return current is not None and claim[1] <= current.updated_at


def _reject(line: FeedLine, problems: list[Problem]) -> Reject:
    text = line.text if len(line.text) <= REJECT_LINE_LIMIT else line.text[:REJECT_LINE_LIMIT] + "…"
    return Reject(
        line_no=line.line_no,
        field=problems[0].field,
        message="；".join(f"{p.field}: {p.message}" if p.field else p.message for p in problems),
        line=redact_digits(text),
    )


def _commit(
    store: Store, run_id: int, checking: _Checking, after_batch: Callable[[], object] | None
) -> None:
    outcome = _decide(checking)
    store.commit_batch(
        run_id,
        checking.batch.last_line_no,
        outcome.records,
        outcome.cases,
        outcome.rejects,
        outcome.counts,
    )
    if after_batch is not None:
        after_batch()


def write_rejects(feed: Path, rejects: list[Reject]) -> Path | None:
    """Write `FEED.rejects.jsonl` atomically, or remove a stale one when nothing was rejected."""
    target = rejects_path(feed)
    if not rejects:
        target.unlink(missing_ok=True)
        return None
    partial = target.with_name(target.name + ".partial")
    try:
        with partial.open("wb") as handle:
            for reject in rejects:
                handle.write(
                    orjson.dumps(
                        {
                            "line": reject.line_no,
                            "field": reject.field,
                            "message": reject.message,
                            "text": reject.line,
                        }
                    )
                    + b"\n"
                )
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(target)
    except OSError as error:  # a full disk: leave no half-written report behind
        partial.unlink(missing_ok=True)
        raise OSError(error.errno, error.strerror, str(target)) from error
    return target
