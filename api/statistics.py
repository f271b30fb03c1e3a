"""GraphQL `stats`: the same numbers as the `/stats` page, under the publication rule."""

from __future__ import annotations

from datetime import date

import strawberry

from api.context import Info
from api.fields import resolver
from credit import stats as computed


@strawberry.type(description="某一信息类型的数量。")
class KindCount:
    kind: str
    label: str
    count: int


@strawberry.type(description="某一类别的数量。")
class CategoryCount:
    kind: str
    kind_label: str
    category: str
    label: str
    count: int


@strawberry.type(description="某一省级地区的数量（code 为空表示未注明地区）。")
class ProvinceCount:
    code: str
    name: str
    total: int
    by_kind: list[KindCount]


@strawberry.type(description="某月作出决定、今天仍在公示的数量。")
class MonthCount:
    month: str
    total: int
    by_kind: list[KindCount]


@strawberry.type(description="某一类别今年与去年同期的决定数量（均为今天仍在公示的）。")
class CategoryGrowth:
    kind: str
    kind_label: str
    category: str
    label: str
    this_year: int
    last_year: int
    change: int
    change_percent: float | None


@strawberry.type(description="增长比较的两个时间段。")
class GrowthSpan:
    this_from: date
    this_until: date
    last_from: date
    last_until: date


@strawberry.type(description="统计：只计今天处于公示期内的信息，与 /stats 页面相同。")
class Stats:
    as_of: date
    data_version: int
    total: int
    kinds: list[KindCount]
    categories: list[CategoryCount]
    provinces: list[ProvinceCount]
    unplaced: ProvinceCount
    months: list[MonthCount]
    growth: list[CategoryGrowth]
    growth_span: GrowthSpan


def _kinds(counts: tuple[computed.KindCount, ...]) -> list[KindCount]:
    return [KindCount(kind=c.kind, label=c.label, count=c.count) for c in counts]


def _province(p: computed.ProvinceCount) -> ProvinceCount:
    return ProvinceCount(code=p.code, name=p.name, total=p.total, by_kind=_kinds(p.by_kind))


def _category(c: computed.CategoryCount) -> CategoryCount:
    return CategoryCount(
        kind=c.kind, kind_label=c.kind_label, category=c.category, label=c.label, count=c.count
    )


def _growth(g: computed.CategoryGrowth) -> CategoryGrowth:
    return CategoryGrowth(
        kind=g.kind,
        kind_label=g.kind_label,
        category=g.category,
        label=g.label,
        this_year=g.this_year,
        last_year=g.last_year,
        change=g.change,
        change_percent=g.change_percent,
    )


def to_graphql(found: computed.Stats) -> Stats:
    """The computed statistics as the GraphQL type (tuples become lists)."""
    span = found.growth_span
    return Stats(
        as_of=found.day,
        data_version=found.data_version,
        total=found.total,
        kinds=_kinds(found.kinds),
        categories=[_category(c) for c in found.categories],
        provinces=[_province(p) for p in found.provinces],
        unplaced=_province(found.unplaced),
        months=[
            MonthCount(month=m.month, total=m.total, by_kind=_kinds(m.by_kind))
            for m in found.months
        ],
        growth=[_growth(g) for g in found.growth],
        growth_span=GrowthSpan(
            this_from=span.this_from,
            this_until=span.this_until,
            last_from=span.last_from,
            last_until=span.last_until,
        ),
    )


@strawberry.type
class StatisticsQueries:
    @resolver("统计数字（与 /stats 页面相同），只计今天公示的信息。")
    async def stats(self, info: Info) -> Stats:
        context = info.context
        engine = await context.engine()
        return to_graphql(await computed.compute_stats(engine, day=context.day))
