"""The `/cases` query string: parsed defensively, turned into a case query, and back into links."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import QueryParams

from credit import vocabulary as vocab
from credit.search.query import CaseFilter, CaseQuery
from portal.params import (
    PAGE_SIZE,
    LinkedParams,
    page_number,
    province_or_none,
    query_text,
    short_text_or_none,
    year_or_none,
)


@dataclass(frozen=True)
class CaseParams(LinkedParams):
    """What `/cases?q=…&case_type=…&province=…&year=…&publisher=…&tag=…&after=…&page=…` asks."""

    PATH = "/cases"
    FILTERS = ("case_type", "province", "year", "publisher", "tag")

    q: str = ""
    case_type: str | None = None
    province: str | None = None
    year: str | None = None
    publisher: str | None = None
    tag: str | None = None
    after: str | None = None
    page: int = 1

    @classmethod
    def parse(cls, params: QueryParams) -> CaseParams:
        case_type = params.get("case_type")
        return cls(
            q=query_text(params),
            case_type=case_type if case_type in vocab.CASE_TYPES else None,
            province=province_or_none(params.get("province", "")),
            year=year_or_none(params.get("year", "")),
            publisher=short_text_or_none(params.get("publisher", "")),
            tag=short_text_or_none(params.get("tag", ""), limit=50),
            after=params.get("after") or None,
            page=page_number(params),
        )

    def case_filter(self) -> CaseFilter:
        return CaseFilter(
            case_types=(self.case_type,) if self.case_type else (),
            region=self.province,
            year=int(self.year) if self.year else None,
            publisher=self.publisher,
            tag=self.tag,
        )

    def to_query(self) -> CaseQuery:
        return CaseQuery(self.q, self.case_filter(), PAGE_SIZE, self.after)
