"""`ipcredit reindex`: rebuilding the engine from the store of record.

tantivy: a new index directory, switched to with one rename. Elasticsearch: a
new generation of indices, switched to with one alias update.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import partial
from itertools import islice
from pathlib import Path

from credit.config import Settings
from credit.search import es_indices
from credit.search import tantivy_layout as layout
from credit.search.engine import EngineWriter
from credit.search.engines import unknown_engine
from credit.search.es_client import public_errors, sync_client
from credit.search.es_writer import ElasticsearchWriter
from credit.search.tantivy_engine import TantivyWriter
from indexer.documents import DocumentBuilder
from indexer.store import Store
from indexer.sync import CHUNK

Report = Callable[[int], object]
Fill = Callable[[EngineWriter], int]
"""Writes everything into an empty engine, committed last by an `apply` with the store's
data version; returns how many records."""


def reindex(
    store: Store,
    settings: Settings,
    builder: DocumentBuilder,
    report: Report | None = None,
    fill: Fill | None = None,
) -> int:
    """Rebuild the configured engine from the store (or as `fill` writes it: the first
    load, which stores the feeds meanwhile); return how many records."""
    if settings.engine == "elasticsearch":
        return reindex_elasticsearch(store, settings, builder, report, fill=fill)
    if settings.engine == "tantivy":
        return reindex_tantivy(store, settings.data_dir, builder, report, fill=fill)
    raise unknown_engine(settings)


def _filled(
    store: Store, builder: DocumentBuilder, report: Report | None, fill: Fill | None
) -> Fill:
    """`fill`, or loading every record of the store (`load`)."""
    return fill or partial(load, store, builder=builder, report=report)


def reindex_tantivy(
    store: Store,
    data_dir: Path,
    builder: DocumentBuilder,
    report: Report | None = None,
    *,
    fill: Fill | None = None,
) -> int:
    """Build a new index from the store (or as `fill` writes it), then switch to it in one
    rename.

    The caller holds the index lock, so nothing else writes the store meanwhile. A
    failure removes the partial directory and leaves the current index serving.
    """
    for stale in stale_dirs(data_dir):  # left by a rebuild that was killed (the lock is ours):
        layout.remove_dir(stale)  # gone first, so a disk that was full has room again
    directory = layout.new_dir(data_dir)
    writer: TantivyWriter | None = None
    try:
        writer = TantivyWriter(directory, TantivyWriter.rebuild_heap_bytes())
        written = _filled(store, builder, report, fill)(writer)
        writer.close()
    except BaseException:
        if writer is not None:
            # Its threads must stop writing before the directory goes; a thread that died
            # on the failed write (a full disk) reports that again here, which is known.
            with contextlib.suppress(Exception):
                writer.abort()
        layout.remove_dir(directory)
        raise
    previous = layout.switch_to(data_dir, directory)
    if previous is not None and previous != directory.resolve():
        layout.remove_dir(previous)
    return written


def load(
    store: Store, writer: EngineWriter, *, builder: DocumentBuilder, report: Report | None = None
) -> int:
    """Write every record and case of the store into an empty engine, committed once at
    the end with the store's data version; return how many records."""
    version = store.data_version
    written = 0
    records = store.iter_record_json()
    while chunk := list(islice(records, CHUNK)):
        writer.add_new(builder.records(chunk, writer.record_form))
        written += len(chunk)
        if report:
            report(written)
    cases = builder.cases(list(store.iter_case_json()))
    writer.apply(records=[], removed_records=[], cases=cases, removed_cases=[], version=version)
    return written


def reindex_elasticsearch(
    store: Store,
    settings: Settings,
    builder: DocumentBuilder,
    report: Report | None = None,
    *,
    fill: Fill | None = None,
) -> int:
    """Build a new generation of indices from the store (or as `fill` writes it), then move
    the aliases to it.

    The new indices load with no replicas and no refresh; then they get the replicas
    the serving ones had, are refreshed, and both aliases move in one `update_aliases`
    call; the old generation is deleted after. A failure deletes the new generation
    and leaves the current one serving. The caller holds the index lock.
    """
    client = sync_client(settings.es_urls)
    prefix = settings.es_index_prefix
    try:
        with public_errors():
            old = es_indices.current(client, prefix)
            replicas = es_indices.replicas_of(client, old)
            for stale in es_indices.existing_versions(client, prefix):  # a killed rebuild's
                if old is None or stale != old.version:
                    es_indices.delete(client, es_indices.generation(prefix, stale))
            new = es_indices.create(client, prefix, loading=True)
        try:
            writer = ElasticsearchWriter(
                client, new.records, new.cases, through_alias=False, refresh=False
            )
            written = _filled(store, builder, report, fill)(writer)
            with public_errors():
                es_indices.serving_settings(client, new, replicas)
                client.indices.refresh(index=[new.records, new.cases])
                es_indices.swap(client, prefix, old, new)
        except BaseException:
            with public_errors():
                es_indices.delete(client, new)
            raise
        with public_errors():
            for stale in es_indices.existing_versions(client, prefix):
                if stale != new.version:  # the old one, and any left by a killed rebuild
                    es_indices.delete(client, es_indices.generation(prefix, stale))
    finally:
        client.close()
    return written


def stale_dirs(data_dir: Path) -> list[Path]:
    """Index directories left behind by an interrupted rebuild (compared resolved: the
    data directory may be given relative, as the default `./var`)."""
    current = layout.current_dir(data_dir)
    return [d for d in data_dir.glob("index-*") if d.is_dir() and d.resolve() != current]
