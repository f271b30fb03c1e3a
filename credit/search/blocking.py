"""A synchronous face on an engine, for scripts, benchmarks and tests that are not async.

Each `BlockingEngine` keeps one event loop for its lifetime, so an engine whose client
is bound to a loop (the Elasticsearch async client) works across calls.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Coroutine, Sequence
from datetime import date
from typing import Any, TypeVar

from credit.search.candidates import SIMILAR_LIMIT, Lookup
from credit.search.engine import Body, SearchEngine
from credit.search.query import (
    Candidate,
    CaseQuery,
    Entity,
    FacetValue,
    RecordFilter,
    SearchPage,
    SearchQuery,
)

T = TypeVar("T")


class BlockingEngine:
    """The reads of `SearchEngine`, each run to completion on this object's own loop."""

    def __init__(self, engine: SearchEngine) -> None:
        self.engine = engine
        self._runner = asyncio.Runner()

    def run(self, call: Coroutine[Any, Any, T]) -> T:
        """Run one coroutine of the engine on this object's loop."""
        return self._runner.run(call)

    def search_records(self, query: SearchQuery, *, day: date) -> SearchPage:
        return self.run(self.engine.search_records(query, day=day))

    def get_record(self, record_id: str, *, day: date) -> Body | None:
        return self.run(self.engine.get_record(record_id, day=day))

    def get_entity(self, uscc: str, *, day: date) -> Entity | None:
        return self.run(self.engine.get_entity(uscc, day=day))

    def find_candidates(
        self,
        lookups: Sequence[Lookup],
        *,
        day: date,
        kinds: Sequence[str] | None = None,
        besides: Collection[str] = (),
    ) -> list[list[Candidate]]:
        return self.run(self.engine.find_candidates(lookups, day=day, kinds=kinds, besides=besides))

    def candidates_for(
        self, *, uscc: str | None, name: str | None, day: date, similar: int = SIMILAR_LIMIT
    ) -> list[Candidate]:
        """One row's candidates: exact by `uscc` and `name`, and up to `similar` similar names."""
        lookup = Lookup(uscc=uscc, name=name, similar_to=name if similar else None, similar=similar)
        return self.find_candidates([lookup], day=day)[0]

    def published_record_ids(self, record_ids: Sequence[str], *, day: date) -> set[str]:
        return self.run(self.engine.published_record_ids(record_ids, day=day))

    def count_records(
        self, *, day: date, by: Sequence[str], filter: RecordFilter | None = None
    ) -> dict[str, list[FacetValue]]:
        return self.run(self.engine.count_records(day=day, by=by, filter=filter))

    def search_cases(self, query: CaseQuery, *, day: date) -> SearchPage:
        return self.run(self.engine.search_cases(query, day=day))

    def get_case(self, case_id: str, *, day: date) -> Body | None:
        return self.run(self.engine.get_case(case_id, day=day))

    def data_version(self) -> int:
        return self.run(self.engine.data_version())

    def close(self) -> None:
        """Close the engine, then the loop."""
        try:
            self.run(self.engine.close())
        finally:
            self._runner.close()

    def __enter__(self) -> BlockingEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
