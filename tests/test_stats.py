"""`credit.stats.compute_stats` on every engine equals a brute-force count of the feed.

The oracle replays the generated feed as the store does (the newest `updated_at` of
each record wins, a newer withdrawal removes it), validates each line with the feed
model (so the region is derived from the USCC as at ingestion), and counts the
records `credit.publication.is_published` publishes on the day.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from credit import regions
from credit import vocabulary as vocab
from credit.fields import parse_timestamp
from credit.models import CreditRecord
from credit.publication import is_published
from credit.search.blocking import BlockingEngine
from credit.stats import (
    UNPLACED_NAME,
    CategoryGrowth,
    Stats,
    compute_stats,
    growth_span,
    month_keys,
)
from credit.validation import parse_item
from indexer.generate import generate_feed_lines
from tests.engines import ENGINES, build_engine

GENERATED_ON = date(2025, 7, 1)
LINES = list(generate_feed_lines(1500, seed=7, today=GENERATED_ON))
DAYS = [
    GENERATED_ON,
    date(2025, 1, 10),  # early in the year: a short growth span
    date(2024, 2, 29),  # a leap day: last year's span ends on 28 February
    date(2026, 12, 31),  # most windows closed
    date(2000, 1, 1),  # nothing published yet
]


def final_records() -> list[CreditRecord]:
    """The records the store holds after the feed: newest version wins, withdrawals remove."""
    held: dict[str, tuple[Any, CreditRecord | None]] = {}
    for line in LINES:
        if line.get("kind") == "case":
            continue
        ident = str(line["record_id"])
        stamp = parse_timestamp(line["updated_at"])
        if ident in held and held[ident][0] >= stamp:
            continue
        item = parse_item(line)
        held[ident] = (stamp, item if isinstance(item, CreditRecord) else None)
    return [record for _, record in held.values() if record is not None]


RECORDS = final_records()


@dataclass
class Oracle:
    """Brute-force counts of the records published on one day."""

    day: date

    def published(self) -> list[CreditRecord]:
        return [r for r in RECORDS if is_published(r.window, self.day)]

    def by(self, key: Any, since: date | None = None, until: date | None = None) -> Counter[Any]:
        return Counter(
            key(r)
            for r in self.published()
            if (since is None or r.decided_on >= since) and (until is None or r.decided_on <= until)
        )


def province(record: CreditRecord) -> str:
    return regions.province_code(record.region_code) if record.region_code else ""


def expected_growth(oracle: Oracle) -> list[CategoryGrowth]:
    span = growth_span(oracle.day)
    now = oracle.by(lambda r: (r.kind, r.category), span.this_from, span.this_until)
    before = oracle.by(lambda r: (r.kind, r.category), span.last_from, span.last_until)
    rows = [
        CategoryGrowth(
            kind,
            vocab.KINDS[kind],
            category,
            label,
            now[kind, category],
            before[kind, category],
            now[kind, category] - before[kind, category],
            round((now[kind, category] - before[kind, category]) / before[kind, category] * 100, 1)
            if before[kind, category]
            else None,
        )
        for kind in vocab.KINDS
        for category, label in vocab.categories_of(kind).items()
        if now[kind, category] > before[kind, category]
    ]
    rows.sort(key=lambda row: (-row.change, -row.this_year))
    return rows[:10]


@pytest.fixture(scope="module", params=ENGINES)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BlockingEngine]:
    name: str = request.param
    built = build_engine(name, LINES, tmp_path_factory.mktemp(name))
    yield built
    built.close()


def stats_on(engine: BlockingEngine, day: date) -> Stats:
    return engine.run(compute_stats(engine.engine, day=day))


def test_the_corpus_exercises_the_statistics() -> None:
    oracle = Oracle(GENERATED_ON)
    published = oracle.published()
    assert len(published) > 500
    assert {r.kind for r in published} == set(vocab.KINDS)
    assert len({province(r) for r in published}) > 10
    assert any(r.delisted_on for r in RECORDS) and len(RECORDS) < len(LINES)
    assert expected_growth(oracle), "some category should grow"


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_stats_equal_brute_force(engine: BlockingEngine, day: date) -> None:
    stats = stats_on(engine, day)
    oracle = Oracle(day)
    published = oracle.published()
    assert stats.day == day
    assert stats.total == len(published)

    kinds = oracle.by(lambda r: r.kind)
    assert [(k.kind, k.label, k.count) for k in stats.kinds] == [
        (kind, label, kinds[kind]) for kind, label in vocab.KINDS.items()
    ]

    categories = oracle.by(lambda r: (r.kind, r.category))
    assert [(c.kind, c.category, c.label, c.count) for c in stats.categories] == [
        (kind, category, label, categories[kind, category])
        for kind in vocab.KINDS
        for category, label in vocab.categories_of(kind).items()
    ]

    provinces = oracle.by(lambda r: (province(r), r.kind))
    codes = {code for code, _ in provinces if code}
    assert {p.code for p in stats.provinces} == codes
    for row in stats.provinces:
        assert row.name == regions.province_name(row.code)
        assert [k.count for k in row.by_kind] == [provinces[row.code, kind] for kind in vocab.KINDS]
        assert row.total == sum(k.count for k in row.by_kind)
    totals = [row.total for row in stats.provinces]
    assert totals == sorted(totals, reverse=True)
    assert stats.unplaced.name == UNPLACED_NAME
    assert [k.count for k in stats.unplaced.by_kind] == [
        provinces["", kind] for kind in vocab.KINDS
    ]

    months = oracle.by(lambda r: (r.decided_on.strftime("%Y-%m"), r.kind), until=day)
    assert [m.month for m in stats.months] == month_keys(day)
    assert len(stats.months) == 36 and stats.months[-1].month == day.strftime("%Y-%m")
    for month in stats.months:
        expected = [months[month.month, kind] for kind in vocab.KINDS]
        assert [k.count for k in month.by_kind] == expected
        assert month.total == sum(expected)

    assert list(stats.growth) == expected_growth(oracle)
    assert stats.growth_span == growth_span(day)
    assert stats.data_version >= 1


def test_growth_span_and_months() -> None:
    span = growth_span(date(2024, 2, 29))
    assert (span.this_from, span.this_until) == (date(2024, 1, 1), date(2024, 2, 29))
    assert (span.last_from, span.last_until) == (date(2023, 1, 1), date(2023, 2, 28))
    assert month_keys(date(2025, 1, 31), 3) == ["2024-11", "2024-12", "2025-01"]
    assert month_keys(date(2025, 7, 1))[0] == "2022-08"
