"""`dataInfo`: the data version, the day served, and how much is published that day."""

from __future__ import annotations

from datetime import date

import strawberry

from api.context import Info
from api.fields import resolver
from credit.search.query import CaseQuery


@strawberry.type(description="今天公示的信息数量。")
class PublishedCounts:
    records: int
    serious_list: int
    dishonest_act: int
    good_credit: int
    cases: int


@strawberry.type(description="数据版本与公示日期。")
class DataInfo:
    data_version: int
    as_of: date = strawberry.field(description="所依据的公示日期（北京时间的今天）。")
    demo: bool = strawberry.field(description="是否为虚构的演示数据。")
    counts: PublishedCounts


@strawberry.type
class InfoQueries:
    @resolver("数据版本、公示日期和今天公示的信息数量。")
    async def data_info(self, info: Info) -> DataInfo:
        context = info.context
        engine = await context.engine()
        by_kind = await engine.count_records(day=context.day, by=["kind"])
        kinds = {value.value: value.count for value in by_kind.get("kind", [])}
        cases = await engine.search_cases(CaseQuery(size=1), day=context.day)
        return DataInfo(
            data_version=await engine.data_version(),
            as_of=context.day,
            demo=context.service.is_demo,
            counts=PublishedCounts(
                records=sum(kinds.values()),
                serious_list=kinds.get("serious_list", 0),
                dishonest_act=kinds.get("dishonest_act", 0),
                good_credit=kinds.get("good_credit", 0),
                cases=cases.total,
            ),
        )
