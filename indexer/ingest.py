"""Applying a feed to the store of record, batch by batch.

A batch is validated in memory, compared with the stored versions, and written
in one transaction together with its rejects and the run's progress. A run that
is killed leaves the store at the last batch boundary; running the same file
again resumes after it, so the end state equals that of an uninterrupted run.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import orjson

from credit.fields import timestamp_micros
from credit.models import CreditRecord, FeedItem, TypicalCase, Withdrawal
from credit.personal import redact_digits
from credit.validation import FeedLineError, Problem, parse_item
from indexer.feeds import FeedLine, digest, read_feed
from indexer.store import Counts, Reject, Store, Version

BATCH_LINES = 5_000
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

    records: list[tuple[int, CreditRecord | Withdrawal]] = field(default_factory=list)
    cases: list[tuple[int, TypicalCase | Withdrawal]] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)
    lines: int = 0
    last_line_no: int = 0


def rejects_path(feed: Path) -> Path:
    """`FEED.rejects.jsonl` beside the feed."""
    return feed.with_name(feed.name + ".rejects.jsonl")


def ingest_feed(
    store: Store,
    feed: Path,
    on_line: ProgressCallback | None = None,
    after_batch: Callable[[], object] | None = None,
) -> IngestResult:
    """Validate and apply every line of `feed`; write its reject report.

    `after_batch` runs after each committed batch (the indexer syncs the engine there).
    """
    feed_digest = digest(feed)
    run = store.resumable_run(feed_digest) or store.start_run(str(feed.resolve()), feed_digest)
    batch = _Batch(last_line_no=run.lines_done)
    for line in read_feed(feed, skip=run.lines_done):
        _read_into(batch, line)
        if on_line:
            on_line(line.line_no)
        if batch.lines >= BATCH_LINES:
            batch = _commit(store, run.run_id, batch, after_batch)
    _commit(store, run.run_id, batch, after_batch)
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
    batch.lines += 1
    batch.last_line_no = line.line_no
    if line.blank:
        batch.counts.blank += 1
        return
    try:
        if line.error is not None:
            raise FeedLineError([Problem("", line.error)])
        item = parse_item(line.data)
    except FeedLineError as error:
        batch.rejects.append(_reject(line, error.problems))
        batch.counts.rejected += 1
        return
    if isinstance(item, TypicalCase) or (isinstance(item, Withdrawal) and item.case_id):
        batch.cases.append((line.line_no, item))
    else:
        batch.records.append((line.line_no, item))


def _reject(line: FeedLine, problems: list[Problem]) -> Reject:
    text = line.text if len(line.text) <= REJECT_LINE_LIMIT else line.text[:REJECT_LINE_LIMIT] + "…"
    return Reject(
        line_no=line.line_no,
        field=problems[0].field,
        message="；".join(f"{p.field}: {p.message}" if p.field else p.message for p in problems),
        line=redact_digits(text),
    )


def _commit(
    store: Store, run_id: int, batch: _Batch, after_batch: Callable[[], object] | None
) -> _Batch:
    if batch.lines:
        records = _newest(batch.records, store.record_versions, batch.counts)
        cases = _newest(batch.cases, store.case_versions, batch.counts)
        store.commit_batch(run_id, batch.last_line_no, records, cases, batch.rejects, batch.counts)
        if after_batch is not None:
            after_batch()
    return _Batch(last_line_no=batch.last_line_no)


def _source_id(item: FeedItem) -> str:
    if isinstance(item, Withdrawal):
        ident = item.record_id or item.case_id
        assert ident is not None
        return ident
    return item.case_id if isinstance(item, TypicalCase) else item.record_id


_Item = TypeVar("_Item", CreditRecord | Withdrawal, TypicalCase | Withdrawal)


def _newest(
    items: list[tuple[int, _Item]],
    stored_versions: Callable[[list[str]], dict[str, Version]],
    counts: Counts,
) -> list[_Item]:
    """The items that are newer than both the store and earlier lines of the batch."""
    latest = stored_versions([_source_id(item) for _, item in items])
    survivors: dict[str, _Item] = {}
    for _, item in items:
        ident = _source_id(item)
        version = Version(timestamp_micros(item.updated_at), isinstance(item, Withdrawal))
        current = latest.get(ident)
        if current is not None and version.updated_at <= current.updated_at:
            counts.unchanged += 1
            continue
        if version.withdrawn:
            counts.withdrawn += 1
        else:
            counts.applied += 1
        latest[ident] = version
        survivors[ident] = item
    return list(survivors.values())


def write_rejects(feed: Path, rejects: list[Reject]) -> Path | None:
    """Write `FEED.rejects.jsonl` atomically, or remove a stale one when nothing was rejected."""
    target = rejects_path(feed)
    if not rejects:
        target.unlink(missing_ok=True)
        return None
    partial = target.with_name(target.name + ".partial")
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
    return target
