"""Keeping the engine in step during `ipcredit index`, overlapped with reading the feed.

After each committed batch, `EngineFollower.after_batch` starts building the
documents of this batch in the worker pool and applies the previous batch's
(built meanwhile); `finish` applies the last. While the workers segment
batch N, the main process validates batch N+1. The engine's recorded version
only advances when a batch's documents are committed, so a crash at any point
leaves the engine behind the store, never ahead, and the next run catches up.
A first load builds a new engine this way without a commit per batch
(`commit_each_batch=False`), and commits it once at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from credit.search.engine import EngineWriter
from indexer.documents import DocumentBuilder
from indexer.later import Later
from indexer.store import Store
from indexer.sync import sync


@dataclass
class _Pending:
    records: Later[Any]
    removed_records: list[str]
    cases: list[dict[str, Any]]
    removed_cases: list[str]
    version: int


class EngineFollower:
    """Applies each batch's changes to the engine: one commit per batch, or, for an engine
    being built (`commit_each_batch=False`), written without one."""

    def __init__(
        self,
        store: Store,
        writer: EngineWriter,
        builder: DocumentBuilder,
        *,
        commit_each_batch: bool = True,
    ) -> None:
        self.store = store
        self.writer = writer
        self.builder = builder
        self.commit_each_batch = commit_each_batch
        self._submitted = writer.synced_version()
        self._pending: _Pending | None = None

    def catch_up(self) -> int:
        """Apply everything the engine missed (say, after a crash); return how many."""
        self.finish()
        applied = sync(self.store, self.writer, self.builder)
        self._submitted = self.writer.synced_version()
        return applied

    def after_batch(self) -> None:
        """Start building this batch's documents, then commit the previous batch's (the pool
        segments the one while this process writes the other)."""
        target = self.store.data_version
        if target <= self._submitted:
            self.finish()
            return
        records = list(self.store.record_changes_since(self._submitted))
        cases = list(self.store.case_changes_since(self._submitted))
        submitted = _Pending(
            records=self.builder.records_later(
                [body for _, body in records if body], self.writer.record_form
            ),
            removed_records=[ident for ident, body in records if body is None],
            cases=self.builder.cases([body for _, body in cases if body]),
            removed_cases=[ident for ident, body in cases if body is None],
            version=target,
        )
        self._submitted = target
        self.finish()
        self._pending = submitted

    def finish(self) -> None:
        """Commit the documents still being built, if any (write them uncommitted when not
        `commit_each_batch`: an engine being built, committed once by its builder)."""
        pending, self._pending = self._pending, None
        if pending is None:
            return
        changes = {
            "records": pending.records.get(),
            "removed_records": pending.removed_records,
            "cases": pending.cases,
            "removed_cases": pending.removed_cases,
        }
        if self.commit_each_batch:
            self.writer.apply(**changes, version=pending.version)
        else:
            self.writer.stage(**changes)
