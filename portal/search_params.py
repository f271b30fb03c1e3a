"""The `/search` query string: parsed defensively, turned into a query, and back into links."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from starlette.datastructures import QueryParams

from credit import vocabulary as vocab
from credit.search.query import RecordFilter, SearchQuery, Sort
from portal.params import (
    ALL_CATEGORIES,
    PAGE_SIZE,
    LinkedParams,
    page_number,
    province_or_none,
    query_text,
    year_or_none,
)

SORTS: dict[str, str] = {"relevance": "相关度", "newest": "最新决定"}


@dataclass(frozen=True)
class SearchParams(LinkedParams):
    """What `/search?q=…&kind=…&category=…&province=…&year=…&sort=…&after=…&page=…` asks."""

    PATH = "/search"
    FILTERS = ("kind", "category", "province", "year")

    q: str = ""
    kind: str | None = None
    category: str | None = None
    province: str | None = None
    year: str | None = None
    sort: Sort = "relevance"
    after: str | None = None
    page: int = 1

    @classmethod
    def parse(cls, params: QueryParams) -> SearchParams:
        """The page's parameters; a personal ID or mobile number in the query is masked
        here, so no page or link built from them ever holds it whole."""
        kind = params.get("kind")
        category = params.get("category")
        return cls(
            q=query_text(params),
            kind=kind if kind in vocab.KINDS else None,
            category=category if category in ALL_CATEGORIES else None,
            province=province_or_none(params.get("province", "")),
            year=year_or_none(params.get("year", "")),
            sort="newest" if params.get("sort") == "newest" else "relevance",
            after=params.get("after") or None,
            page=page_number(params),
        )

    def record_filter(self) -> RecordFilter:
        year = int(self.year) if self.year else None
        return RecordFilter(
            kinds=(self.kind,) if self.kind else (),
            categories=(self.category,) if self.category else (),
            region=self.province,
            decided_from=date(year, 1, 1) if year else None,
            decided_until=date(year, 12, 31) if year else None,
        )

    def to_query(self) -> SearchQuery:
        """The engine query this page asks for."""
        return SearchQuery(self.q, self.record_filter(), self.sort, PAGE_SIZE, self.after)
