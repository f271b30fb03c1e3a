"""The journalist's statistics (`/stats`, GraphQL `stats`), counted by the engine under the rule.

Every number counts records **published on `day`** (the publication rule, applied
inside the engine by `SearchEngine.count_records`): a decision whose record has left
its publication window, or was delisted by credit repair, is not counted — not even
in the monthly series or in last year's figures.

Growth of a category this year: decisions dated 1 January to `day` of `day`'s year
(`this_year`) against decisions dated 1 January to the same date of the year before
(`last_year`; 29 February becomes 28 February), both among records published on
`day`. The top ten are the (kind, category) pairs with the largest increase
`this_year − last_year` that is above zero; ties go to the larger `this_year`, then
to vocabulary order. Because last year's decisions have had longer to leave their
window, the comparison leans towards growth; the page says so.

Engine-neutral: twelve `count_records` calls (four per kind) run concurrently.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

from credit import regions
from credit import vocabulary as vocab
from credit.search.engine import SearchEngine
from credit.search.query import FacetValue, RecordFilter

MONTHS = 36
TOP_GROWTH = 10
UNPLACED_NAME = "未注明地区"


@dataclass(frozen=True)
class KindCount:
    """Records of one kind."""

    kind: str
    label: str
    count: int


@dataclass(frozen=True)
class CategoryCount:
    """Records of one category of one kind (`other` exists in both families)."""

    kind: str
    kind_label: str
    category: str
    label: str
    count: int


@dataclass(frozen=True)
class ProvinceCount:
    """Records of one province (code `440000`), by kind; code `""` for no region."""

    code: str
    name: str
    total: int
    by_kind: tuple[KindCount, ...]


@dataclass(frozen=True)
class MonthCount:
    """Decisions dated in one month (`2025-07`) among records published on the day, by kind."""

    month: str
    total: int
    by_kind: tuple[KindCount, ...]


@dataclass(frozen=True)
class CategoryGrowth:
    """Decisions of one category this year to date against the same span last year."""

    kind: str
    kind_label: str
    category: str
    label: str
    this_year: int
    last_year: int
    change: int
    change_percent: float | None  # None when last_year is 0


@dataclass(frozen=True)
class GrowthSpan:
    """The two compared spans of decision dates (inclusive)."""

    this_from: date
    this_until: date
    last_from: date
    last_until: date


@dataclass(frozen=True)
class Stats:
    """Everything `/stats` shows, as plain numbers; lists are in display order."""

    day: date
    data_version: int
    total: int
    kinds: tuple[KindCount, ...]  # vocabulary order, zero-filled
    categories: tuple[CategoryCount, ...]  # by kind, vocabulary order, zero-filled
    provinces: tuple[ProvinceCount, ...]  # provinces with records, most first
    unplaced: ProvinceCount  # records without a region (e.g. national decisions)
    months: tuple[MonthCount, ...]  # the 36 months ending with the day's month, oldest first
    growth: tuple[CategoryGrowth, ...]  # at most 10, largest increase first
    growth_span: GrowthSpan


def month_keys(day: date, count: int = MONTHS) -> list[str]:
    """The `count` months ending with `day`'s month, oldest first: `2025-07` → `2022-08`…"""
    index = day.year * 12 + day.month - 1
    return [f"{i // 12}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def growth_span(day: date) -> GrowthSpan:
    """1 January to `day`, and the same span a year earlier (29 Feb → 28 Feb)."""
    last_year = day.year - 1
    if day.month == 2 and day.day == 29:
        last_until = date(last_year, 2, 28)
    else:
        last_until = day.replace(year=last_year)
    return GrowthSpan(date(day.year, 1, 1), day, date(last_year, 1, 1), last_until)


def _counts(values: list[FacetValue]) -> dict[str, int]:
    return {value.value: value.count for value in values}


@dataclass(frozen=True)
class _KindCounts:
    """What the four calls of one kind answer."""

    categories: dict[str, int]
    provinces: dict[str, int]
    months: dict[str, int]
    this_year: dict[str, int]
    last_year: dict[str, int]


async def _kind_counts(engine: SearchEngine, kind: str, day: date) -> _KindCounts:
    kinds = (kind,)
    first_month = date.fromisoformat(month_keys(day)[0] + "-01")
    span = growth_span(day)
    now, months, this_year, last_year = await asyncio.gather(
        engine.count_records(day=day, by=["category", "province"], filter=RecordFilter(kinds)),
        engine.count_records(
            day=day,
            by=["month"],
            filter=RecordFilter(kinds, decided_from=first_month, decided_until=day),
        ),
        engine.count_records(
            day=day,
            by=["category"],
            filter=RecordFilter(kinds, decided_from=span.this_from, decided_until=span.this_until),
        ),
        engine.count_records(
            day=day,
            by=["category"],
            filter=RecordFilter(kinds, decided_from=span.last_from, decided_until=span.last_until),
        ),
    )
    return _KindCounts(
        categories=_counts(now["category"]),
        provinces=_counts(now["province"]),
        months=_counts(months["month"]),
        this_year=_counts(this_year["category"]),
        last_year=_counts(last_year["category"]),
    )


def _by_kind(counts: dict[str, int]) -> tuple[KindCount, ...]:
    return tuple(KindCount(kind, label, counts.get(kind, 0)) for kind, label in vocab.KINDS.items())


async def compute_stats(engine: SearchEngine, *, day: date) -> Stats:
    """The statistics of records published on `day`."""
    kinds = list(vocab.KINDS)
    version, answers = await asyncio.gather(
        engine.data_version(),
        asyncio.gather(*(_kind_counts(engine, kind, day) for kind in kinds)),
    )
    per_kind = dict(zip(kinds, answers, strict=True))
    totals = {kind: sum(counts.categories.values()) for kind, counts in per_kind.items()}
    span = growth_span(day)
    return Stats(
        day=day,
        data_version=version,
        total=sum(totals.values()),
        kinds=_by_kind(totals),
        categories=tuple(
            CategoryCount(
                kind, vocab.KINDS[kind], category, label, counts.categories.get(category, 0)
            )
            for kind, counts in per_kind.items()
            for category, label in vocab.categories_of(kind).items()
        ),
        provinces=_provinces(per_kind),
        unplaced=_unplaced(per_kind, totals),
        months=tuple(
            MonthCount(
                month,
                sum(counts.months.get(month, 0) for counts in per_kind.values()),
                _by_kind({kind: counts.months.get(month, 0) for kind, counts in per_kind.items()}),
            )
            for month in month_keys(day)
        ),
        growth=_growth(per_kind),
        growth_span=span,
    )


def _provinces(per_kind: dict[str, _KindCounts]) -> tuple[ProvinceCount, ...]:
    codes = {code for counts in per_kind.values() for code in counts.provinces}
    rows = [
        ProvinceCount(
            code,
            regions.province_name(code) or code,
            sum(counts.provinces.get(code, 0) for counts in per_kind.values()),
            _by_kind({kind: counts.provinces.get(code, 0) for kind, counts in per_kind.items()}),
        )
        for code in codes
    ]
    return tuple(sorted(rows, key=lambda row: (-row.total, row.code)))


def _unplaced(per_kind: dict[str, _KindCounts], totals: dict[str, int]) -> ProvinceCount:
    missing = {
        kind: totals[kind] - sum(counts.provinces.values()) for kind, counts in per_kind.items()
    }
    return ProvinceCount("", UNPLACED_NAME, sum(missing.values()), _by_kind(missing))


def _growth(per_kind: dict[str, _KindCounts]) -> tuple[CategoryGrowth, ...]:
    rows: list[CategoryGrowth] = []
    for kind, counts in per_kind.items():
        for category, label in vocab.categories_of(kind).items():
            now, before = counts.this_year.get(category, 0), counts.last_year.get(category, 0)
            if now <= before:
                continue
            percent = round((now - before) / before * 100, 1) if before else None
            rows.append(
                CategoryGrowth(
                    kind, vocab.KINDS[kind], category, label, now, before, now - before, percent
                )
            )
    # sorted() is stable: equal rows keep vocabulary order
    rows.sort(key=lambda row: (-row.change, -row.this_year))
    return tuple(rows[:TOP_GROWTH])
