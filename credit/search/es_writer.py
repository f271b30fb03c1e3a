"""The indexer's side of the Elasticsearch engine: bulk writes, one data version per `apply`.

Writes go through the bulk helper in chunks; a chunk the cluster rejects with
429 is retried with back-off, and every document the cluster refuses is
reported (`BulkFailed` lists them all) before the data version moves: a
failed `apply` leaves the engine behind the store, and the next run applies
the same changes again (documents are replaced by id).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from itertools import chain
from typing import Any

from elasticsearch import Elasticsearch, helpers

from credit.config import Settings
from credit.search import es_indices as indices
from credit.search import es_mappings as layout
from credit.search import es_queries as queries
from credit.search.engine import Document, RecordForm, as_document
from credit.search.errors import EngineUnavailable
from credit.search.es_client import public_errors, sync_client

CHUNK_DOCS = 1_000
CHUNK_BYTES = 20 * 1024 * 1024
RETRIES_ON_429 = 6
FIRST_BACKOFF_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0


class BulkFailed(EngineUnavailable):
    """Documents the cluster refused; `failures` has one line per document."""

    def __init__(self, failures: list[str]) -> None:
        shown = "\n".join(failures)
        super().__init__(
            f"Elasticsearch 拒绝写入 {len(failures)} 个文档，数据版本未前进"
            f"（修正后重新运行即可补齐）：\n{shown}"
        )
        self.failures = failures


def _describe(item: dict[str, Any]) -> str:
    ((operation, result),) = item.items()
    error = result.get("error", {})
    if isinstance(error, dict):
        reason = f"{error.get('type', '?')}: {error.get('reason', '')}"
    else:
        reason = str(error)
    where = f"{result.get('_index', '?')}/{result.get('_id', '?')}"
    return f"{operation} {where}: {result.get('status')} {reason}"


def _is_harmless(item: dict[str, Any]) -> bool:
    """Deleting a document that is not there is what was wanted."""
    ((operation, result),) = item.items()
    return operation == "delete" and result.get("status") == 404


def bulk_write(client: Elasticsearch, actions: Iterable[dict[str, Any]], **options: Any) -> int:
    """Send `actions` in chunks; return how many succeeded, raise `BulkFailed` listing every
    refused document."""
    failures: list[str] = []
    done = 0
    with public_errors():
        for ok, item in helpers.streaming_bulk(
            client,
            actions,
            chunk_size=CHUNK_DOCS,
            max_chunk_bytes=CHUNK_BYTES,
            raise_on_error=False,
            raise_on_exception=True,
            max_retries=RETRIES_ON_429,
            initial_backoff=FIRST_BACKOFF_SECONDS,
            max_backoff=MAX_BACKOFF_SECONDS,
            **options,
        ):
            if ok or _is_harmless(item):
                done += 1
            else:
                failures.append(_describe(item))
    if failures:
        raise BulkFailed(failures)
    return done


def _actions(
    index: str, documents: Iterable[Document], removed: Iterable[str], source: Any
) -> Iterator[dict[str, Any]]:
    for document in documents:
        yield {
            "_op_type": "index",
            "_index": index,
            "_id": document["id"],
            "_source": source(document),
        }
    for ident in removed:
        yield {"_op_type": "delete", "_index": index, "_id": ident}


class ElasticsearchWriter:
    """Writes one generation of indices (through the aliases, or a new generation by name)."""

    def __init__(
        self,
        client: Elasticsearch,
        records_index: str,
        cases_index: str,
        *,
        through_alias: bool = True,
        refresh: bool = True,
    ) -> None:
        self.client = client
        self.records_index = records_index
        self.cases_index = cases_index
        self.refresh = refresh
        # Through an alias, never let a write create an index with guessed mappings.
        self._bulk_options = {"require_alias": True} if through_alias else {}

    @classmethod
    def for_settings(cls, settings: Settings) -> ElasticsearchWriter:
        """The writer of the current generation, creating the first one when there is none."""
        prefix = layout.check_prefix(settings.es_index_prefix)
        client = sync_client(settings.es_urls)
        with public_errors():
            indices.ensure(client, prefix)
        return cls(client, layout.records_alias(prefix), layout.cases_alias(prefix))

    @property
    def record_form(self) -> RecordForm:
        return as_document

    def synced_version(self) -> int:
        with public_errors():
            return indices.read_version(self.client, self.records_index)

    def apply(
        self,
        *,
        records: Iterable[Document],
        removed_records: Iterable[str],
        cases: Iterable[Document],
        removed_cases: Iterable[str],
        version: int,
    ) -> None:
        self.stage(
            records=records,
            removed_records=removed_records,
            cases=cases,
            removed_cases=removed_cases,
        )
        with public_errors():
            if self.refresh:
                self.client.indices.refresh(index=[self.records_index, self.cases_index])
            indices.write_version(self.client, self.records_index, version)

    def stage(
        self,
        *,
        records: Iterable[Document],
        removed_records: Iterable[str],
        cases: Iterable[Document],
        removed_cases: Iterable[str],
    ) -> None:
        """Bulk-written, neither refreshed nor labelled: the next `apply` does both."""
        actions = chain(
            _actions(self.records_index, records, removed_records, layout.record_source),
            _actions(self.cases_index, cases, removed_cases, layout.case_source),
        )
        bulk_write(self.client, actions, **self._bulk_options)

    def add_new(self, records: Iterable[Document]) -> None:
        """Bulk-indexed into the new generation; visible once it is refreshed and swapped."""
        bulk_write(
            self.client,
            _actions(self.records_index, records, (), layout.record_source),
            **self._bulk_options,
        )

    def purge(self, *, day: date) -> int:
        """Delete-by-query of the records no day from `day` on publishes."""
        with public_errors():
            response = self.client.delete_by_query(
                index=self.records_index,
                query=queries.never_published_from(day),
                conflicts="proceed",
                refresh=True,
            )
        failures = response.body.get("failures") or []
        if failures:
            raise BulkFailed([str(failure) for failure in failures])
        return int(response.body.get("deleted", 0))

    def close(self) -> None:
        self.client.close()
