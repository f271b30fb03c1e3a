"""`ipcredit reindex`: rebuilding the embedded engine from the store of record."""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice
from pathlib import Path

from credit.search import tantivy_layout as layout
from credit.search.tantivy_engine import TantivyWriter
from indexer.documents import DocumentBuilder
from indexer.store import Store
from indexer.sync import CHUNK

Report = Callable[[int], object]


def reindex_tantivy(
    store: Store, data_dir: Path, builder: DocumentBuilder, report: Report | None = None
) -> int:
    """Build a new index from the store of record, then switch to it in one rename.

    The caller holds the index lock, so the store does not change meanwhile. A
    failure removes the partial directory and leaves the current index serving.
    """
    version = store.data_version
    directory = layout.new_dir(data_dir)
    written = 0
    writer: TantivyWriter | None = None
    try:
        writer = TantivyWriter(directory)
        records = store.iter_record_json()
        while chunk := list(islice(records, CHUNK)):
            documents = builder.records(chunk)
            writer.apply(
                records=documents, removed_records=[], cases=[], removed_cases=[], version=0
            )
            written += len(chunk)
            if report:
                report(written)
        cases = builder.cases(list(store.iter_case_json()))
        writer.apply(records=[], removed_records=[], cases=cases, removed_cases=[], version=version)
        writer.close()
    except BaseException:
        if writer is not None:
            writer.abort()  # its threads must stop writing before the directory goes
        layout.remove_dir(directory)
        raise
    previous = layout.switch_to(data_dir, directory)
    if previous is not None and previous != directory:
        layout.remove_dir(previous)
    for stale in stale_dirs(data_dir):  # left by a rebuild that was killed (the lock is ours)
        layout.remove_dir(stale)
    return written


def stale_dirs(data_dir: Path) -> list[Path]:
    """Index directories left behind by an interrupted rebuild."""
    current = layout.current_dir(data_dir)
    return [d for d in data_dir.glob("index-*") if d.is_dir() and d != current]
