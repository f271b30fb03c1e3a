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
    day_or_none,
    page_number,
    province_or_none,
    query_text,
    short_text_or_none,
    year_or_none,
)

SORTS: dict[str, str] = {"relevance": "相关度", "newest": "最新决定"}


def _known(value: str | None, allowed: dict[str, str]) -> str | None:
    return value if value in allowed else None


@dataclass(frozen=True)
class SearchParams(LinkedParams):
    """What `/search?q=…&kind=…&category=…&province=…&year=…&sort=…&after=…&page=…` asks;
    also `severity`, `subject_type`, `authority` and `decided_from`/`decided_until`
    (`YYYY-MM-DD`), which links name (a record's authority links to its decisions)."""

    PATH = "/search"
    FACET_FILTERS = ("kind", "category", "province", "year")
    FORM_FILTERS = ("severity", "subject_type", "authority", "decided_from", "decided_until")
    """The filters the facets do not list: fields of the search form (`_filter_fields.html`)."""
    FILTERS = FACET_FILTERS + FORM_FILTERS

    q: str = ""
    kind: str | None = None
    category: str | None = None
    province: str | None = None
    year: str | None = None
    severity: str | None = None
    subject_type: str | None = None
    authority: str | None = None
    decided_from: str | None = None
    decided_until: str | None = None
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
            severity=_known(params.get("severity"), vocab.SEVERITIES),
            subject_type=_known(params.get("subject_type"), vocab.SUBJECT_TYPES),
            authority=short_text_or_none(params.get("authority", ""), limit=100),
            decided_from=day_or_none(params.get("decided_from", "")),
            decided_until=day_or_none(params.get("decided_until", "")),
            sort="newest" if params.get("sort") == "newest" else "relevance",
            after=params.get("after") or None,
            page=page_number(params),
        )

    @property
    def form_filters_in_use(self) -> bool:
        """Whether a filter of the search form is set: the form opens to show it."""
        return any(getattr(self, name) for name in self.FORM_FILTERS)

    def record_filter(self) -> RecordFilter:
        year = int(self.year) if self.year else None
        froms = [date(year, 1, 1)] if year else []
        untils = [date(year, 12, 31)] if year else []
        froms += [date.fromisoformat(self.decided_from)] if self.decided_from else []
        untils += [date.fromisoformat(self.decided_until)] if self.decided_until else []
        return RecordFilter(
            kinds=(self.kind,) if self.kind else (),
            categories=(self.category,) if self.category else (),
            severities=(self.severity,) if self.severity else (),
            subject_types=(self.subject_type,) if self.subject_type else (),
            region=self.province,
            authority=self.authority,
            decided_from=max(froms, default=None),  # the year and the range both hold
            decided_until=min(untils, default=None),
        )

    def to_query(self) -> SearchQuery:
        """The engine query this page asks for."""
        return SearchQuery(self.q, self.record_filter(), self.sort, PAGE_SIZE, self.after)
