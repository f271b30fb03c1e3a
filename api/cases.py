"""Typical cases (典型案例): `searchCases` and `typicalCase(id)`.

A case names related records; only those published today are linked, so a case never
tells that a delisted record existed.
"""

from __future__ import annotations

from datetime import date

import strawberry

from api import arguments
from api.context import Info
from api.fields import resolver
from api.selection import asks_for
from api.types import (
    CreditRecord,
    FacetValue,
    PageInfo,
    edge_cursors,
    facet_values,
    page_info,
    province_labels,
    region_name,
)
from credit import regions
from credit import vocabulary as vocab
from credit.search.engine import Body
from credit.search.errors import BadUserInput
from credit.search.query import CaseFilter, CaseQuery, Hit, SearchPage, check_text


@strawberry.type(description="典型案例。")
class TypicalCase:
    id: strawberry.ID
    title: str
    publishers: list[str]
    published_on: date
    case_type: str
    case_type_label: str
    region_code: str | None
    region_name: str | None
    summary: str | None
    facts: str
    handling: str
    significance: str | None
    legal_basis: str | None
    tags: list[str]
    source_url: str | None
    related_ids: strawberry.Private[list[str]]

    @classmethod
    def from_body(cls, body: Body) -> TypicalCase:
        region_code = body.get("region_code") or None
        case_type = str(body["case_type"])
        return cls(
            id=strawberry.ID(str(body["case_id"])),
            title=str(body["title"]),
            publishers=[str(p) for p in body.get("publishers", [])],
            published_on=date.fromisoformat(body["published_on"]),
            case_type=case_type,
            case_type_label=vocab.CASE_TYPES.get(case_type, case_type),
            region_code=region_code,
            region_name=region_name(region_code),
            summary=body.get("summary") or None,
            facts=str(body["facts"]),
            handling=str(body["handling"]),
            significance=body.get("significance") or None,
            legal_basis=body.get("legal_basis") or None,
            tags=[str(tag) for tag in body.get("tags", [])],
            source_url=body.get("source_url") or None,
            related_ids=[str(i) for i in body.get("related_record_ids", [])],
        )

    @resolver("相关信用信息中今天公示的编号。")
    async def related_record_ids(self, info: Info) -> list[strawberry.ID]:
        published = await info.context.loaders.published.load_many(self.related_ids)
        return [
            strawberry.ID(i) for i, shown in zip(self.related_ids, published, strict=True) if shown
        ]

    @resolver("相关信用信息中今天公示的。")
    async def related_records(self, info: Info) -> list[CreditRecord]:
        loaders = info.context.loaders
        published = await loaders.published.load_many(self.related_ids)
        shown = [i for i, yes in zip(self.related_ids, published, strict=True) if yes]
        bodies = await loaders.records.load_many(shown)
        return [CreditRecord.from_body(body) for body in bodies if body]


@strawberry.input(name="CaseFilter", description="典型案例的筛选条件。")
class CaseFilterInput:
    case_types: list[str] | None = None
    region: str | None = strawberry.field(
        default=None, description="省级行政区划代码（前 2 位有效）。"
    )
    year: int | None = None
    publisher: str | None = None
    tag: str | None = None

    def to_filter(self) -> CaseFilter:
        region = arguments.region_prefix("region", self.region)
        if self.year is not None and not 1949 <= self.year <= 9999:
            raise BadUserInput("筛选条件 year 应为四位年份。")
        return CaseFilter(
            case_types=arguments.known_values("caseTypes", self.case_types, vocab.CASE_TYPES),
            region=regions.province_code(region) if region else None,
            year=self.year,
            publisher=arguments.short_text("publisher", self.publisher),
            tag=arguments.short_text("tag", self.tag),
        )


@strawberry.type(description="命中字段的高亮片段：HTML 转义后的文本，匹配处以 <mark> 标出。")
class CaseHighlights:
    title: str | None = None
    summary: str | None = None
    facts: str | None = None

    @classmethod
    def from_hit(cls, hit: Hit) -> CaseHighlights:
        marked = hit.highlights
        return cls(
            title=marked.get("title"), summary=marked.get("summary"), facts=marked.get("facts")
        )


@strawberry.type(description="案例检索结果的一条。")
class CaseEdge:
    cursor: str
    node: TypicalCase
    highlights: CaseHighlights


@strawberry.type(description="案例检索结果的分面统计。")
class CaseFacets:
    case_type: list[FacetValue]
    year: list[FacetValue]
    province: list[FacetValue]
    publishers: list[FacetValue]

    @classmethod
    def from_page(cls, page: SearchPage) -> CaseFacets:
        facets = page.facets
        provinces = facets.get("province", [])
        return cls(
            case_type=facet_values(facets.get("case_type", []), vocab.CASE_TYPES),
            year=facet_values(facets.get("year", []), {}),
            province=facet_values(provinces, province_labels(provinces)),
            publishers=facet_values(facets.get("publishers", []), {}),
        )


@strawberry.type(description="典型案例检索结果。")
class CaseConnection:
    total_count: int
    edges: list[CaseEdge]
    page_info: PageInfo
    facets: CaseFacets
    as_of: date

    @classmethod
    def from_page(cls, page: SearchPage, offset: int) -> CaseConnection:
        cursors = edge_cursors(page, offset)
        edges = [
            CaseEdge(
                cursor=cursor,
                node=TypicalCase.from_body(hit.body),
                highlights=CaseHighlights.from_hit(hit),
            )
            for cursor, hit in zip(cursors, page.hits, strict=True)
        ]
        return cls(
            total_count=page.total,
            edges=edges,
            page_info=page_info(page, offset, cursors),
            facets=CaseFacets.from_page(page),
            as_of=page.day,
        )


@strawberry.type
class CaseQueries:
    @resolver("检索典型案例；无检索词时按发布日期新者在前。")
    async def search_cases(
        self,
        info: Info,
        query: str | None = "",
        filter: CaseFilterInput | None = None,
        first: int | None = arguments.DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> CaseConnection:
        text = check_text(query or "")
        size = arguments.page_size(first)
        offset = arguments.page_offset(after)
        case_filter = filter.to_filter() if filter else CaseFilter()
        context = info.context
        engine = await context.engine()
        page = await engine.search_cases(
            CaseQuery(
                text=text,
                filter=case_filter,
                size=size,
                cursor=after,
                facets=asks_for(info, "facets"),
            ),
            day=context.day,
        )
        return CaseConnection.from_page(page, offset)

    @resolver("一个典型案例；不存在时为 null。")
    async def typical_case(self, info: Info, id: strawberry.ID) -> TypicalCase | None:
        case_id = arguments.source_id(str(id))
        if case_id is None:
            return None
        context = info.context
        engine = await context.engine()
        body = await engine.get_case(case_id, day=context.day)
        return TypicalCase.from_body(body) if body else None
