"""GraphQL `screen(entries)`: exhibitor screening, at most 1,000 entries a call (CONTRACT)."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from api.context import Info
from api.fields import resolver
from api.types import CreditRecord
from credit.personal import mask_id_numbers
from credit.screening.matching import (
    VERDICT_LABELS,
    Entry,
    Match,
    RowResult,
    screen_rows,
    summarize,
)
from credit.search.errors import BadUserInput, TooManyEntries

MAX_ENTRIES = 1_000
MAX_REF = 100
MAX_NAME = 200
MAX_CODE = 50


@strawberry.enum(description="筛查结论。")
class Verdict(Enum):
    SERIOUS = "SERIOUS"
    DISHONEST = "DISHONEST"
    REVIEW = "REVIEW"
    CLEAR = "CLEAR"
    INVALID = "INVALID"


@strawberry.enum(description="匹配依据。")
class Basis(Enum):
    USCC = "USCC"
    NAME = "NAME"
    FORMER_NAME = "FORMER_NAME"
    SIMILAR_NAME = "SIMILAR_NAME"


@strawberry.input(description="待筛查的一行：调用方的编号、名称、统一社会信用代码。")
class ScreenEntryInput:
    ref: str
    name: str | None = None
    uscc: str | None = None


@strawberry.type(description="一条今天公示的匹配记录。")
class ScreenMatch:
    basis: Basis
    score: float = strawberry.field(description="0–1；完全一致为 1。")
    reason: str
    record: CreditRecord

    @classmethod
    def of(cls, match: Match) -> ScreenMatch:
        return cls(
            basis=Basis(match.basis),
            score=match.score,
            reason=match.reason,
            record=CreditRecord.from_body(match.record),
        )


@strawberry.type(description="一行的筛查结果。")
class ScreenRow:
    ref: str
    verdict: Verdict
    reason: str
    matches: list[ScreenMatch]
    messages: list[str]

    @classmethod
    def of(cls, result: RowResult) -> ScreenRow:
        return cls(
            ref=result.entry.ref,
            verdict=Verdict(result.verdict),
            reason=result.reason,
            matches=[ScreenMatch.of(match) for match in result.matches],
            messages=list(result.messages),
        )


@strawberry.type(description="某一结论的行数。")
class VerdictCount:
    verdict: Verdict
    label: str
    count: int


@strawberry.type(description="一次筛查：依据的公示日期、数据版本、汇总和逐行结果。")
class ScreenResult:
    as_of: date
    data_version: int
    summary: list[VerdictCount]
    rows: list[ScreenRow]


@strawberry.type
class ScreeningQueries:
    @resolver("展商批量筛查：每次最多 1,000 行；结论只依据今天公示的信息。")
    async def screen(self, info: Info, entries: list[ScreenEntryInput]) -> ScreenResult:
        if len(entries) > MAX_ENTRIES:
            raise TooManyEntries(
                f"每次最多筛查 {MAX_ENTRIES:,} 行，本次 {len(entries):,} 行。请分批提交。"
            )
        asked = [_entry(entry) for entry in entries]
        context = info.context
        engine = await context.engine()
        results = await screen_rows(engine, asked, day=context.day)
        counts = summarize(results)
        return ScreenResult(
            as_of=context.day,
            data_version=await engine.data_version(),
            summary=[
                VerdictCount(verdict=Verdict(verdict), label=VERDICT_LABELS[verdict], count=count)
                for verdict, count in counts.items()
            ],
            rows=[ScreenRow.of(result) for result in results],
        )


def _entry(entry: ScreenEntryInput) -> Entry:
    """An entry as screened and answered: personal ID numbers masked in every field, as
    an uploaded list's cells are (a valid USCC is left alone)."""
    ref, name, code = (mask_id_numbers(v or "") for v in (entry.ref, entry.name, entry.uscc))
    if len(ref) > MAX_REF or len(name) > MAX_NAME or len(code) > MAX_CODE:
        raise BadUserInput(
            f"第 {ref[:20]} 行过长：编号最多 {MAX_REF} 个字符，名称 {MAX_NAME} 个，"
            f"代码 {MAX_CODE} 个。"
        )
    return Entry(ref, name, code)
