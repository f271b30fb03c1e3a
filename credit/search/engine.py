"""The engine interface: every read takes the day it answers for, and applies the rule itself.

`SearchEngine` is what the portal, the API and the CLI read through;
`EngineWriter` is what the indexer writes through. Both engines (tantivy,
Elasticsearch) implement both, and one contract suite tests them alike.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date
from typing import Any, Protocol

from credit.search.candidates import Lookup
from credit.search.query import (
    Candidate,
    CaseQuery,
    Entity,
    FacetValue,
    RecordFilter,
    SearchPage,
    SearchQuery,
)

Body = dict[str, Any]
Document = dict[str, Any]
RecordForm = Callable[[Document], Any]
"""How a writer takes a record document: a module-level function, so the worker pool that
segments the record can also put it in that form (`EngineWriter.record_form`)."""


def as_document(document: Document) -> Document:
    """The record form of a writer that takes documents as they are."""
    return document


class SearchEngine(Protocol):
    """Reads under the publication rule: a record not published on `day` does not exist.

    Every read is a coroutine: the portal and the API await it; the embedded engine runs
    in worker threads, the Elasticsearch engine on the async client.
    """

    async def search_records(self, query: SearchQuery, *, day: date) -> SearchPage:
        """Hits, total and facets of a record search."""
        ...

    async def get_record(self, record_id: str, *, day: date) -> Body | None:
        """One record, or None when unknown or not published on `day`."""
        ...

    async def get_entity(self, uscc: str, *, day: date) -> Entity | None:
        """Every record of one USCC published on `day`; None when there is none."""
        ...

    async def find_candidates(
        self,
        lookups: Sequence[Lookup],
        *,
        day: date,
        kinds: Sequence[str] | None = None,
        besides: Collection[str] = (),
    ) -> list[list[Candidate]]:
        """Screening, many rows at once: per lookup, the records matching its USCC, its exact
        name or former name (only records of `kinds` when given, none of the records
        `besides`: ids the caller holds already), and up to `similar` records with a
        similar name."""
        ...

    async def published_record_ids(self, record_ids: Sequence[str], *, day: date) -> set[str]:
        """Which of these records are published on `day` (for links from cases)."""
        ...

    async def count_records(
        self, *, day: date, by: Sequence[str], filter: RecordFilter | None = None
    ) -> dict[str, list[FacetValue]]:
        """Counts of records published on `day`, by each named field (statistics)."""
        ...

    async def search_cases(self, query: CaseQuery, *, day: date) -> SearchPage:
        """Typical cases published by `day`."""
        ...

    async def get_case(self, case_id: str, *, day: date) -> Body | None:
        """One typical case, or None."""
        ...

    async def data_version(self) -> int:
        """The store's data version the engine reflects."""
        ...

    async def close(self) -> None:
        """Release connections."""
        ...


class EngineWriter(Protocol):
    """Applies the store's changes; one commit per call to `apply`."""

    @property
    def record_form(self) -> RecordForm:
        """The form `apply` takes records in (built from each document by the worker pool)."""
        ...

    def synced_version(self) -> int:
        """The data version the engine last committed (0 for an empty engine)."""
        ...

    def apply(
        self,
        *,
        records: Iterable[Any],
        removed_records: Iterable[str],
        cases: Iterable[Document],
        removed_cases: Iterable[str],
        version: int,
    ) -> None:
        """Replace or remove these records (in `record_form`) and cases (documents from
        `credit.search.documents`), then commit as `version`."""
        ...

    def stage(
        self,
        *,
        records: Iterable[Any],
        removed_records: Iterable[str],
        cases: Iterable[Document],
        removed_cases: Iterable[str],
    ) -> None:
        """As `apply`, without a commit: an engine being built, committed by its last
        `apply` (which records the data version)."""
        ...

    def add_new(self, records: Iterable[Any]) -> None:
        """Add records (in `record_form`) to an engine being rebuilt, none of them in it yet;
        they are committed with the next `apply` (which records the data version)."""
        ...

    def purge(self, *, day: date) -> int:
        """Remove records that no day from `day` on publishes; return how many."""
        ...

    def close(self) -> None: ...
