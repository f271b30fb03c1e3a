"""Keeping the search engine in step with the store of record.

The engine remembers the data version it last committed; `sync` applies every
record and case changed since then, in one commit per chunk, and labels the
last commit with the store's version. A crash between commits only means the
next sync applies some changes again, which replaces documents by id.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import TypeVar

from credit.search.engine import EngineWriter
from indexer.documents import DocumentBuilder
from indexer.store import Store

CHUNK = 20_000
T = TypeVar("T")


def _chunks(rows: Iterator[tuple[str, str | None]]) -> Iterator[list[tuple[str, str | None]]]:
    while chunk := list(islice(rows, CHUNK)):
        yield chunk


def _tagged(store: Store, since: int) -> Iterator[tuple[bool, list[tuple[str, str | None]]]]:
    """Chunks of changes, each tagged True for records and False for cases."""
    for chunk in _chunks(store.record_changes_since(since)):
        yield True, chunk
    for chunk in _chunks(store.case_changes_since(since)):
        yield False, chunk


def _mark_last(items: Iterator[T]) -> Iterator[tuple[T, bool]]:
    previous = next(items, None)
    for item in items:
        assert previous is not None
        yield previous, False
        previous = item
    if previous is not None:
        yield previous, True


def sync(store: Store, writer: EngineWriter, builder: DocumentBuilder) -> int:
    """Apply the store's changes since the engine's version; return how many were applied.

    A batch's changes are one commit; a long catch-up commits every 20,000 changes
    and labels only the last commit with the store's version.
    """
    since = writer.synced_version()
    target = store.data_version
    if since >= target:
        return 0
    applied = 0
    labelled = False
    for (is_records, chunk), last in _mark_last(_tagged(store, since)):
        bodies = [body for _, body in chunk if body is not None]
        removed = [ident for ident, body in chunk if body is None]
        documents = (
            builder.records(bodies, writer.record_form) if is_records else builder.cases(bodies)
        )
        writer.apply(
            records=documents if is_records else [],
            removed_records=removed if is_records else [],
            cases=[] if is_records else documents,
            removed_cases=[] if is_records else removed,
            version=target if last else since,
        )
        labelled = last
        applied += len(chunk)
    if not labelled:
        writer.apply(records=[], removed_records=[], cases=[], removed_cases=[], version=target)
    return applied
