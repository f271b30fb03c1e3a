"""The public record types: `CreditRecord`, `Entity`, facet counts and paging (CONTRACT)."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from api.context import Info
from api.fields import resolver
from credit import regions
from credit import vocabulary as vocab
from credit.search import query as search
from credit.search.engine import Body
from credit.search.query import encode_cursor


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _text(value: Any) -> str | None:
    return str(value) if value else None


def region_name(code: str | None) -> str | None:
    """The full name of a region code, if known."""
    return regions.region_name(code) if code else None


@strawberry.type(description="一条公示中的信用信息（守信激励、失信行为或严重违法失信名单）。")
class CreditRecord:
    id: strawberry.ID
    kind: str
    kind_label: str
    category: str
    category_label: str
    severity: str | None
    severity_label: str | None
    subject_type: str
    subject_type_label: str
    subject_name: str
    uscc: str | None
    former_names: list[str]
    legal_representative: str | None
    id_number_masked: str | None = strawberry.field(description="身份证号码（已遮蔽）。")
    region_code: str | None
    region_name: str | None
    reason: str
    legal_basis: str | None
    measures: list[str]
    authority: str
    decision_no: str | None
    decided_on: date
    publish_from: date
    publish_until: date | None = strawberry.field(description="公示截止日期；为空表示长期。")

    @classmethod
    def from_body(cls, body: Body) -> CreditRecord:
        """The public fields of a stored record; nothing else of the body is exposed."""
        kind, category = str(body["kind"]), str(body["category"])
        severity = _text(body.get("severity"))
        region_code = _text(body.get("region_code"))
        return cls(
            id=strawberry.ID(str(body["record_id"])),
            kind=kind,
            kind_label=vocab.KINDS.get(kind, kind),
            category=category,
            category_label=vocab.category_label(kind, category),
            severity=severity,
            severity_label=vocab.SEVERITIES.get(severity) if severity else None,
            subject_type=str(body["subject_type"]),
            subject_type_label=vocab.SUBJECT_TYPES.get(str(body["subject_type"]), ""),
            subject_name=str(body["subject_name"]),
            uscc=_text(body.get("uscc")),
            former_names=[str(name) for name in body.get("former_names", [])],
            legal_representative=_text(body.get("legal_representative")),
            id_number_masked=_text(body.get("id_number_masked")),
            region_code=region_code,
            region_name=region_name(region_code),
            reason=str(body["reason"]),
            legal_basis=_text(body.get("legal_basis")),
            measures=[str(measure) for measure in body.get("measures", [])],
            authority=str(body["authority"]),
            decision_no=_text(body.get("decision_no")),
            decided_on=date.fromisoformat(body["decided_on"]),
            publish_from=date.fromisoformat(body["publish_from"]),
            publish_until=_day(body.get("publish_until")),
        )

    @resolver("该主体今天公示的全部信息（仅限有统一社会信用代码的组织）。")
    async def entity(self, info: Info) -> Entity | None:
        if not self.uscc:
            return None
        found = await info.context.loaders.entities.load(self.uscc)
        return Entity.from_entity(found) if found else None


@strawberry.type(description="一个统一社会信用代码名下今天公示的信息。")
class Entity:
    uscc: str
    name: str
    former_names: list[str]
    region_code: str | None
    region_name: str | None
    records: list[CreditRecord] = strawberry.field(description="今天公示的信息，决定日期新者在前。")
    serious_listed: bool = strawberry.field(description="今天是否在严重违法失信名单上。")

    @classmethod
    def from_entity(cls, entity: search.Entity) -> Entity:
        return cls(
            uscc=entity.uscc,
            name=entity.name,
            former_names=list(entity.former_names),
            region_code=entity.region_code,
            region_name=region_name(entity.region_code),
            records=[CreditRecord.from_body(body) for body in entity.records],
            serious_listed=entity.serious_listed,
        )


@strawberry.type(description="命中字段的高亮片段：HTML 转义后的文本，匹配处以 <mark> 标出。")
class RecordHighlights:
    subject_name: str | None = None
    former_names: str | None = None
    reason: str | None = None
    authority: str | None = None
    decision_no: str | None = None

    @classmethod
    def from_hit(cls, hit: search.Hit) -> RecordHighlights:
        marked = hit.highlights
        return cls(
            subject_name=marked.get("subject_name"),
            former_names=marked.get("former_names"),
            reason=marked.get("reason"),
            authority=marked.get("authority"),
            decision_no=marked.get("decision_no"),
        )


@strawberry.type(description="分面统计的一个取值。")
class FacetValue:
    value: str
    label: str
    count: int


def facet_values(values: list[search.FacetValue], labels: dict[str, str]) -> list[FacetValue]:
    """Engine facet counts with Chinese labels (the value itself when it has none)."""
    return [
        FacetValue(value=v.value, label=labels.get(v.value, v.value), count=v.count) for v in values
    ]


def province_labels(values: list[search.FacetValue]) -> dict[str, str]:
    return {v.value: regions.province_name(v.value) or v.value for v in values}


@strawberry.type(description="翻页信息（Relay 规范）。")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


def edge_cursors(page: search.SearchPage, offset: int) -> list[str]:
    """The cursor of each hit on a page: passing it as `after` continues after that hit.

    The last hit's cursor is the engine's own cursor of the next page when there is one
    (the same position; an engine may carry more in it, e.g. Elasticsearch's `search_after`).
    """
    cursors = [encode_cursor(offset + index + 1) for index in range(len(page.hits))]
    if cursors and page.next_cursor is not None:
        cursors[-1] = page.next_cursor
    return cursors


def page_info(page: search.SearchPage, offset: int, cursors: list[str]) -> PageInfo:
    return PageInfo(
        has_next_page=page.next_cursor is not None,
        has_previous_page=offset > 0,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )
