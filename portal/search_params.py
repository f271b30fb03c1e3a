"""The `/search` query string: parsed defensively, turned into a query, and back into links."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from credit import regions
from credit import vocabulary as vocab
from credit.search.query import RecordFilter, SearchQuery, Sort

PAGE_SIZE = 20
MAX_PAGE_NUMBER = 500
FILTER_NAMES = ("kind", "category", "province", "year")
SORTS: dict[str, str] = {"relevance": "相关度", "newest": "最新决定"}


@dataclass(frozen=True)
class SearchParams:
    """What `/search?q=…&kind=…&category=…&province=…&year=…&sort=…&after=…&page=…` asks.

    Unknown filter values are dropped rather than refused: a stale or edited link still
    shows results. The query text is checked by the search layer (length, USCC).
    """

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
        kind = params.get("kind")
        category = params.get("category")
        province = params.get("province", "")
        year = params.get("year", "")
        sort = params.get("sort")
        page = params.get("page", "1")
        return cls(
            q=params.get("q", "")[:1_000],
            kind=kind if kind in vocab.KINDS else None,
            category=category if category in _ALL_CATEGORIES else None,
            province=province if _is_province(province) else None,
            year=year if year.isdigit() and len(year) == 4 else None,
            sort="newest" if sort == "newest" else "relevance",
            after=params.get("after") or None,
            page=min(int(page), MAX_PAGE_NUMBER) if page.isdigit() and page != "0" else 1,
        )

    @property
    def filtered(self) -> bool:
        return any(getattr(self, name) for name in FILTER_NAMES)

    def to_query(self) -> SearchQuery:
        """The engine query this page asks for."""
        year = int(self.year) if self.year else None
        record_filter = RecordFilter(
            kinds=(self.kind,) if self.kind else (),
            categories=(self.category,) if self.category else (),
            region=self.province,
            decided_from=date(year, 1, 1) if year else None,
            decided_until=date(year, 12, 31) if year else None,
        )
        return SearchQuery(self.q, record_filter, self.sort, PAGE_SIZE, self.after)

    def url(self, **changes: Any) -> str:
        """The `/search` link with `changes` applied; any change but paging restarts at page 1."""
        if not {"after", "page"} & changes.keys():
            changes = {"after": None, "page": 1, **changes}
        changed = replace(self, **changes)
        pairs = [
            (item.name, value)
            for item in fields(changed)
            if (value := getattr(changed, item.name)) not in (None, "")
            and not (item.name == "sort" and value == "relevance")
            and not (item.name == "page" and value == 1)
        ]
        return "/search?" + urlencode(pairs) if pairs else "/search"

    def active_filters(self) -> list[tuple[str, str, str]]:
        """(what, shown value, link that removes it) for every filter set."""
        return [
            (FACET_TITLES[name], facet_label(name, value), self.url(**{name: None}))
            for name in FILTER_NAMES
            if (value := getattr(self, name))
        ]


FACET_TITLES = {"kind": "信息类型", "category": "类别", "province": "省份", "year": "决定年份"}
_ALL_CATEGORIES = {**vocab.GOOD_CREDIT_CATEGORIES, **vocab.DISHONESTY_CATEGORIES}


def facet_label(name: str, value: str) -> str:
    """How a facet value is shown: Chinese labels for codes."""
    if name == "kind":
        return vocab.KINDS.get(value, value)
    if name == "category":
        return _ALL_CATEGORIES.get(value, value)
    if name == "province":
        return regions.province_name(value) or value
    return f"{value} 年" if name == "year" else value


def _is_province(code: str) -> bool:
    return (
        len(code) == 6
        and code.isdigit()
        and code.endswith("0000")
        and bool(regions.province_name(code))
    )
