"""Query-string parameters of the browsing pages: defensive parsing and links back to the page.

A page's parameters are a frozen dataclass deriving from `LinkedParams`; unknown filter
values are dropped rather than refused, so a stale or edited link still shows results.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from datetime import date
from typing import Any, ClassVar, cast
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from credit import regions
from credit import vocabulary as vocab
from credit.personal import mask_personal_data
from credit.search.query import MAX_QUERY_INPUT, FacetValue

PAGE_SIZE = 20
MAX_PAGE_NUMBER = 500


def query_text(params: QueryParams) -> str:
    """The `q` of a page, cut to `MAX_QUERY_INPUT`, with any personal ID or mobile number
    masked: no page or link built from it holds the number whole (and the search layer
    refuses the masked number, `credit.search.query.check_text`)."""
    return mask_personal_data(params.get("q", "")[:MAX_QUERY_INPUT])


FACET_TITLES = {
    "kind": "信息类型",
    "category": "类别",
    "province": "省份",
    "year": "年份",
    "case_type": "案例类型",
    "publisher": "发布机关",
    "tag": "标签",
    "severity": "严重程度",
    "subject_type": "主体类型",
    "authority": "决定机关",
    "decided_from": "决定日期起",
    "decided_until": "决定日期止",
}
ALL_CATEGORIES = {**vocab.GOOD_CREDIT_CATEGORIES, **vocab.DISHONESTY_CATEGORIES}


class LinkedParams:
    """Mixin for the parameter dataclasses: links with changes, active filters."""

    PATH: ClassVar[str]
    FILTERS: ClassVar[tuple[str, ...]]
    DEFAULTS: ClassVar[dict[str, object]] = {"page": 1, "sort": "relevance"}

    after: str | None
    page: int

    @property
    def filtered(self) -> bool:
        return any(getattr(self, name) for name in self.FILTERS)

    def ignored(self, params: QueryParams) -> str | None:
        """A notice naming the filters the page was given but does not know (a link
        edited by hand: `kind=bad`); they were left out, not applied. The values are not
        repeated."""
        names = [
            FACET_TITLES.get(name, name)
            for name in self.FILTERS
            if params.get(name, "").strip() and getattr(self, name) is None
        ]
        return f"无法识别的筛选条件已忽略：{'、'.join(names)}。" if names else None

    def url(self, path: str | None = None, **changes: Any) -> str:
        """This page's link with `changes`; any change but paging restarts at page 1."""
        if not {"after", "page"} & changes.keys():
            changes = {"after": None, "page": 1, **changes}
        values = {item.name: getattr(self, item.name) for item in fields(cast(Any, self))}
        if unknown := changes.keys() - values.keys():
            raise TypeError(f"no such parameter: {sorted(unknown)}")
        return self._link(path or self.PATH, values | changes)

    def _link(self, target: str, values: Mapping[str, object]) -> str:
        """`target` with the parameters that differ from their defaults, in field order."""
        pairs = [
            (name, value)
            for name, value in values.items()
            if value not in (None, "") and self.DEFAULTS.get(name) != value
        ]
        return f"{target}?{urlencode(pairs)}" if pairs else target

    def cleared(self) -> str:
        """The link without any filter."""
        return self.url(**dict.fromkeys(self.FILTERS))

    def facet_links(
        self, facets: Mapping[str, list[FacetValue]], names: Mapping[str, str]
    ) -> list[tuple[str, list[tuple[str, int, str, bool]]]]:
        """Facets as filter links: (title, [(label, count, link, is current)]) per facet.

        `names` maps each engine facet to the parameter that filters by it.
        """
        restart = {item.name: getattr(self, item.name) for item in fields(cast(Any, self))}
        restart |= {"after": None, "page": 1}
        return [
            (
                FACET_TITLES[param],
                [
                    (
                        facet_label(param, value.value),
                        value.count,
                        self._link(self.PATH, restart | {param: value.value}),
                        getattr(self, param) == value.value,
                    )
                    for value in facets.get(facet, [])
                ],
            )
            for facet, param in names.items()
        ]

    def active_filters(self) -> list[tuple[str, str, str]]:
        """(what, shown value, link that removes it) for every filter set."""
        return [
            (FACET_TITLES[name], facet_label(name, value), self.url(**{name: None}))
            for name in self.FILTERS
            if (value := getattr(self, name))
        ]


def facet_label(name: str, value: str) -> str:
    """How a facet value is shown: Chinese labels for codes."""
    if name == "kind":
        return vocab.KINDS.get(value, value)
    if name == "category":
        return ALL_CATEGORIES.get(value, value)
    if name == "case_type":
        return vocab.CASE_TYPES.get(value, value)
    if name == "province":
        return regions.province_name(value) or value
    if name == "severity":
        return vocab.SEVERITIES.get(value, value)
    if name == "subject_type":
        return vocab.SUBJECT_TYPES.get(value, value)
    return f"{value} 年" if name == "year" else value


def page_number(params: QueryParams) -> int:
    """The page shown (for the hits' numbers): 1 without a cursor (`after`), whatever
    `page` says."""
    text = params.get("page", "1")
    if not params.get("after") or not text.isdigit() or int(text) < 1:
        return 1
    return min(int(text), MAX_PAGE_NUMBER)


def year_or_none(text: str) -> str | None:
    return text if text.isdigit() and len(text) == 4 else None


def province_or_none(code: str) -> str | None:
    """A province-level code such as `440000`, or None."""
    known = len(code) == 6 and code.isdigit() and code.endswith("0000")
    return code if known and regions.province_name(code) else None


def day_or_none(text: str) -> str | None:
    """A day written `YYYY-MM-DD`, or None."""
    try:
        return date.fromisoformat(text).isoformat() if len(text.strip()) == 10 else None
    except ValueError:
        return None


def short_text_or_none(text: str, limit: int = 200) -> str | None:
    """A free-text filter value (authority, publisher, tag), trimmed, with any personal ID
    or mobile number masked (the page echoes it in its form, chips and links); None when
    empty or too long."""
    text = text.strip()
    return mask_personal_data(text) if text and len(text) <= limit else None
