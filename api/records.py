"""Record queries: `searchRecords`, `record(id)` and `entity(uscc)` (CONTRACT)."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from api import arguments
from api.context import Info
from api.fields import resolver
from api.selection import asks_for
from api.types import (
    CreditRecord,
    Entity,
    FacetValue,
    PageInfo,
    RecordHighlights,
    edge_cursors,
    facet_values,
    page_info,
    province_labels,
)
from credit import vocabulary as vocab
from credit.search.query import RecordFilter, SearchPage, SearchQuery, check_text

CATEGORIES = {**vocab.GOOD_CREDIT_CATEGORIES, **vocab.DISHONESTY_CATEGORIES}


@strawberry.enum(description="排序方式。")
class RecordSort(Enum):
    RELEVANCE = "relevance"
    NEWEST = "newest"


@strawberry.input(
    name="RecordFilter", description="信用信息的筛选条件；各条件同时满足，列表内任一取值即可。"
)
class RecordFilterInput:
    kinds: list[str] | None = None
    categories: list[str] | None = None
    severities: list[str] | None = None
    subject_types: list[str] | None = None
    region: str | None = strawberry.field(
        default=None, description="省（2 位）、市（4 位）或区县（6 位）行政区划代码前缀。"
    )
    authority: str | None = None
    decided_from: date | None = None
    decided_until: date | None = None

    def to_filter(self) -> RecordFilter:
        """The engine's filter, every value checked."""
        return RecordFilter(
            kinds=arguments.known_values("kinds", self.kinds, vocab.KINDS),
            categories=arguments.known_values("categories", self.categories, CATEGORIES),
            severities=arguments.known_values("severities", self.severities, vocab.SEVERITIES),
            subject_types=arguments.known_values(
                "subjectTypes", self.subject_types, vocab.SUBJECT_TYPES
            ),
            region=arguments.region_prefix("region", self.region),
            authority=arguments.short_text("authority", self.authority),
            decided_from=self.decided_from,
            decided_until=self.decided_until,
        )


@strawberry.type(description="检索结果的一条。")
class RecordEdge:
    cursor: str
    node: CreditRecord
    highlights: RecordHighlights


@strawberry.type(description="检索结果的分面统计（今天公示的全部命中）。")
class RecordFacets:
    kind: list[FacetValue]
    category: list[FacetValue]
    province: list[FacetValue]
    year: list[FacetValue]

    @classmethod
    def from_page(cls, page: SearchPage) -> RecordFacets:
        facets = page.facets
        return cls(
            kind=facet_values(facets.get("kind", []), vocab.KINDS),
            category=facet_values(facets.get("category", []), CATEGORIES),
            province=facet_values(
                facets.get("province", []), province_labels(facets.get("province", []))
            ),
            year=facet_values(facets.get("year", []), {}),
        )


@strawberry.type(description="信用信息检索结果。")
class RecordConnection:
    total_count: int
    edges: list[RecordEdge]
    page_info: PageInfo
    facets: RecordFacets
    as_of: date = strawberry.field(description="结果所依据的公示日期（今天）。")

    @classmethod
    def from_page(cls, page: SearchPage, offset: int) -> RecordConnection:
        cursors = edge_cursors(page, offset)
        edges = [
            RecordEdge(
                cursor=cursor,
                node=CreditRecord.from_body(hit.body),
                highlights=RecordHighlights.from_hit(hit),
            )
            for cursor, hit in zip(cursors, page.hits, strict=True)
        ]
        return cls(
            total_count=page.total,
            edges=edges,
            page_info=page_info(page, offset, cursors),
            facets=RecordFacets.from_page(page),
            as_of=page.day,
        )


@strawberry.type
class RecordQueries:
    @resolver("检索今天公示的信用信息（名称、曾用名、拼音、统一社会信用代码、事由…）。")
    async def search_records(
        self,
        info: Info,
        query: str | None = "",
        filter: RecordFilterInput | None = None,
        sort: RecordSort | None = RecordSort.RELEVANCE,
        first: int | None = arguments.DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> RecordConnection:
        text = check_text(query or "")
        sort = sort or RecordSort.RELEVANCE
        size = arguments.page_size(first)
        offset = arguments.page_offset(after)
        record_filter = filter.to_filter() if filter else RecordFilter()
        context = info.context
        engine = await context.engine()
        page = await engine.search_records(
            SearchQuery(
                text=text,
                filter=record_filter,
                sort=sort.value,
                size=size,
                cursor=after,
                facets=asks_for(info, "facets"),
            ),
            day=context.day,
        )
        context.loaders.prime_records(hit.body for hit in page.hits)
        return RecordConnection.from_page(page, offset)

    @resolver("一条信用信息；今天未公示或不存在时为 null。")
    async def record(self, info: Info, id: strawberry.ID) -> CreditRecord | None:
        record_id = arguments.source_id(str(id))
        if record_id is None:
            return None
        body = await info.context.loaders.records.load(record_id)
        return CreditRecord.from_body(body) if body else None

    @resolver("按统一社会信用代码查询主体；今天没有公示信息时为 null。")
    async def entity(self, info: Info, uscc: str) -> Entity | None:
        code = arguments.valid_uscc(uscc)
        found = await info.context.loaders.entities.load(code)
        return Entity.from_entity(found) if found else None
