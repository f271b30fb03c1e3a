"""The query model: what a reader asks (`SearchQuery`) and what it gets (`SearchPage`)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import orjson

from credit import uscc as uscc_codes
from credit.personal import holds_personal_number
from credit.search.errors import (
    BadCursor,
    InvalidUscc,
    PagingTooDeep,
    PersonalNumberQuery,
    QueryTooLong,
)

MAX_QUERY_CHARS = 100
MAX_QUERY_INPUT = 1_000
"""The longest query text a page reads: longer input is cut to it before it is masked and
refused (`portal.params.query_text`), and the refusal says only that it was this long or
longer."""
MAX_PAGE_SIZE = 100  # what the public asks for at once (pages, the API's `first`)
MAX_BATCH_SIZE = 1_000  # what the service itself reads at once (exports, feeds)
MAX_DEPTH = 10_000
FACET_NAMES = ("kind", "category", "province", "year")

Sort = Literal["relevance", "newest"]
CandidateBasis = Literal["USCC", "NAME", "FORMER_NAME", "SIMILAR_NAME"]


@dataclass(frozen=True)
class RecordFilter:
    """Exact-value filters; a region is a province or city prefix of the region code."""

    kinds: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    subject_types: tuple[str, ...] = ()
    region: str | None = None
    authority: str | None = None
    decided_from: date | None = None
    decided_until: date | None = None
    published_since: date | None = None  # publication began on or after this day (feeds)


@dataclass(frozen=True)
class SearchQuery:
    """A record search. `text` may be empty (browse everything published)."""

    text: str = ""
    filter: RecordFilter = field(default_factory=RecordFilter)
    sort: Sort = "relevance"
    size: int = 20
    cursor: str | None = None
    facets: bool = True  # False for exports and feeds: hits only


@dataclass(frozen=True)
class CaseFilter:
    """Filters of a typical-case search."""

    case_types: tuple[str, ...] = ()
    region: str | None = None
    year: int | None = None
    publisher: str | None = None
    tag: str | None = None


@dataclass(frozen=True)
class CaseQuery:
    """A typical-case search, newest first unless text asks for relevance."""

    text: str = ""
    filter: CaseFilter = field(default_factory=CaseFilter)
    size: int = 20
    cursor: str | None = None
    facets: bool = True  # False for exports and feeds: hits only


@dataclass(frozen=True)
class Hit:
    """One result: the stored record or case, and highlighted fields (escaped HTML)."""

    id: str
    body: dict[str, Any]
    highlights: dict[str, str] = field(default_factory=dict)
    score: float = 0.0


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int


@dataclass(frozen=True)
class SearchPage:
    """A page of hits, the total under the publication rule, facets and the next cursor."""

    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]]
    next_cursor: str | None
    day: date


@dataclass(frozen=True)
class Entity:
    """Everything published about one USCC on one day."""

    uscc: str
    name: str
    former_names: list[str]
    region_code: str | None
    records: list[dict[str, Any]]

    @property
    def serious_listed(self) -> bool:
        return any(record["kind"] == "serious_list" for record in self.records)


def entity_of(uscc: str, records: list[dict[str, Any]]) -> Entity | None:
    """The entity of a USCC from its published records, newest decision first; None if none."""
    if not records:
        return None
    name = str(records[0]["subject_name"])
    former = {str(n) for record in records for n in record.get("former_names", [])}
    former |= {str(record["subject_name"]) for record in records}
    return Entity(
        uscc=uscc,
        name=name,
        former_names=sorted(former - {name}),
        region_code=records[0].get("region_code"),
        records=records,
    )


@dataclass(frozen=True)
class Candidate:
    """A published record that may be the screened subject, with how it was found."""

    basis: CandidateBasis
    record: dict[str, Any]
    score: float = 1.0


PERSONAL_NUMBER = (
    "查询中含有居民身份证号码或手机号码：本站不按个人号码查询，请输入名称、"
    "统一社会信用代码或决定书文号。"
)


def check_text(text: str) -> str:
    """The query text stripped; refused when longer than 100 characters, or when it holds
    a personal ID or mobile number, whole or masked (no one looks a person up by one)."""
    text = text.strip()
    if len(text) > MAX_QUERY_CHARS:
        typed = f"{len(text)} 个" if len(text) < MAX_QUERY_INPUT else f"{MAX_QUERY_INPUT:,} 个以上"
        raise QueryTooLong(f"查询内容过长：最多 {MAX_QUERY_CHARS} 个字符，当前 {typed}。")
    if holds_personal_number(text):
        code = uscc_codes.normalize_uscc(text)
        if uscc_codes.looks_like_uscc(code) and (refused := uscc_codes.refusal(code)):
            raise InvalidUscc(refused)  # an ID number typed for a code: says which it is
        raise PersonalNumberQuery(PERSONAL_NUMBER)
    return text


def uscc_in_query(text: str) -> str | None:
    """The USCC when the whole query is one; an invalid check character is an error."""
    code = uscc_codes.normalize_uscc(text)
    if not uscc_codes.looks_like_uscc(code):
        return None
    refused = uscc_codes.refusal(code)
    if refused:
        raise InvalidUscc(refused)
    return code


def check_size(size: int) -> int:
    """A page size the engines accept: the public's limit is enforced by the API and pages."""
    if not 1 <= size <= MAX_BATCH_SIZE:
        raise PagingTooDeep(f"每页条数应在 1 到 {MAX_BATCH_SIZE} 之间。")
    return size


def encode_cursor(offset: int) -> str:
    """An opaque cursor for the hit after `offset` hits."""
    return base64.urlsafe_b64encode(orjson.dumps({"o": offset})).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The offset a cursor stands for; refused at the first 10,000 hits' end (a page that
    starts within them is cut short there: `page_size_at`)."""
    if not cursor:
        offset = 0
    else:
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            offset = orjson.loads(base64.urlsafe_b64decode(padded))["o"]
        except (binascii.Error, ValueError, KeyError, TypeError, orjson.JSONDecodeError):
            raise BadCursor("翻页参数无效，请从第一页重新开始。") from None
        # a whole number as `encode_cursor` writes it: not "5", 1.5 or true
        if type(offset) is not int or offset < 0:
            raise BadCursor("翻页参数无效，请从第一页重新开始。")
    if offset >= MAX_DEPTH:
        raise PagingTooDeep(
            f"只能浏览前 {MAX_DEPTH:,} 条结果。"
            "请增加关键词或筛选条件（如类别、地区、年份）缩小范围。"
        )
    return offset


def page_size_at(offset: int, size: int) -> int:
    """The size of the page at `offset`: the last one within the first 10,000 hits is cut
    short, so every cursor handed out leads to a page."""
    return min(size, MAX_DEPTH - offset)


def next_cursor(offset: int, size: int, total: int) -> str | None:
    """The cursor of the next page, or None on the last page or at the depth limit."""
    after = offset + size
    if after >= total or after >= MAX_DEPTH:
        return None
    return encode_cursor(after)
