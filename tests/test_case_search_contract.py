"""Typical-case search on every engine: text, filters, facets, order and paging against a
brute-force reading of the same cases (issue 7: "case search and facets on both engines")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from credit import regions
from credit.search.blocking import BlockingEngine
from credit.search.query import CaseFilter, CaseQuery, SearchPage
from indexer.generate import generate_feed_lines
from tests.engines import ENGINES, build_engine

DAY = date(2025, 7, 1)
CASES: list[dict[str, Any]] = list(generate_feed_lines(0, cases=60, seed=5, today=DAY))
FACETS = ("case_type", "year", "province", "publishers")
# The day the searches answer for: half the cases are published by then, half after.
ASKED = date.fromisoformat(sorted(c["published_on"] for c in CASES)[len(CASES) // 2])


@pytest.fixture(scope="module", params=ENGINES)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BlockingEngine]:
    built = build_engine(request.param, CASES, tmp_path_factory.mktemp(f"cases-{request.param}"))
    yield built
    built.close()


def published(day: date) -> list[dict[str, Any]]:
    return [c for c in CASES if date.fromisoformat(c["published_on"]) <= day]


def matches(case: dict[str, Any], flt: CaseFilter) -> bool:
    region = case.get("region_code") or ""
    return (
        (not flt.case_types or case["case_type"] in flt.case_types)
        and (not flt.region or region.startswith(flt.region[:2]))
        and (flt.year is None or case["published_on"].startswith(str(flt.year)))
        and (flt.publisher is None or flt.publisher in case["publishers"])
        and (flt.tag is None or flt.tag in case.get("tags", []))
    )


def facets_of(cases: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for case in cases:
        counts["case_type"][case["case_type"]] += 1
        counts["year"][case["published_on"][:4]] += 1
        if case.get("region_code"):
            counts["province"][regions.province_code(case["region_code"])] += 1
        counts["publishers"].update(case["publishers"])
    return {name: dict(counter) for name, counter in counts.items()}


def facet_dict(page: SearchPage) -> dict[str, dict[str, int]]:
    return {name: {v.value: v.count for v in page.facets.get(name, [])} for name in FACETS}


def every_page(engine: BlockingEngine, query: CaseQuery, day: date) -> list[str]:
    seen: list[str] = []
    cursor: str | None = None
    while True:
        asked = CaseQuery(query.text, query.filter, 7, cursor)
        page = engine.search_cases(asked, day=day)
        seen += [hit.id for hit in page.hits]
        cursor = page.next_cursor
        if cursor is None:
            return seen


def test_the_corpus_is_varied() -> None:
    assert len({c["case_type"] for c in CASES}) >= 8
    assert 0 < len(published(ASKED)) < len(CASES)  # some are published after the day


@pytest.mark.parametrize("day", [date(2023, 1, 1), ASKED, date(2030, 1, 1)])
def test_browse_is_newest_first_with_facets(engine: BlockingEngine, day: date) -> None:
    expected = published(day)
    page = engine.search_cases(CaseQuery(size=100), day=day)
    assert page.total == len(expected)
    assert {hit.id for hit in page.hits} == {c["case_id"] for c in expected}
    days = [hit.body["published_on"] for hit in page.hits]
    assert days == sorted(days, reverse=True)
    assert facet_dict(page) == facets_of(expected)
    assert every_page(engine, CaseQuery(), day) == [hit.id for hit in page.hits]


def filters() -> list[CaseFilter]:
    first = published(ASKED)[0]
    tagged = next(c for c in published(ASKED) if c.get("tags"))
    return [
        CaseFilter(case_types=(first["case_type"],)),
        CaseFilter(case_types=("fair_infringement", "other")),
        CaseFilter(region=first["region_code"][:2]),
        CaseFilter(year=int(first["published_on"][:4])),
        CaseFilter(publisher=first["publishers"][0]),
        CaseFilter(tag=tagged["tags"][0]),
        CaseFilter(case_types=(first["case_type"],), year=int(first["published_on"][:4])),
    ]


@pytest.mark.parametrize("flt", filters(), ids=lambda f: repr(f)[:60])
def test_filters_and_their_facets(engine: BlockingEngine, flt: CaseFilter) -> None:
    expected = [c for c in published(ASKED) if matches(c, flt)]
    page = engine.search_cases(CaseQuery(filter=flt, size=100), day=ASKED)
    assert sorted(hit.id for hit in page.hits) == sorted(c["case_id"] for c in expected)
    assert page.total == len(expected) > 0
    assert facet_dict(page) == facets_of(expected)


def test_a_tag_or_publisher_in_traditional_characters_filters_alike(
    engine: BlockingEngine,
) -> None:
    from opencc import OpenCC

    traditional = OpenCC("s2t").convert
    first = published(ASKED)[0]
    tagged = next(c for c in published(ASKED) if c.get("tags"))
    for flt in (CaseFilter(tag=tagged["tags"][0]), CaseFilter(publisher=first["publishers"][0])):
        written = CaseFilter(
            tag=traditional(flt.tag) if flt.tag else None,
            publisher=traditional(flt.publisher) if flt.publisher else None,
        )
        assert written != flt  # the values do change
        found = engine.search_cases(CaseQuery(filter=written, size=100), day=ASKED)
        expected = engine.search_cases(CaseQuery(filter=flt, size=100), day=ASKED)
        assert [h.id for h in found.hits] == [h.id for h in expected.hits] and found.total > 0


def test_text_search_finds_titles_and_sections(engine: BlockingEngine) -> None:
    target = published(ASKED)[0]
    words = ["展会", "商标", "专利"]
    for word in words:
        expected = {
            c["case_id"]
            for c in published(ASKED)
            if any(word in str(c.get(k, "")) for k in ("title", "summary", "facts", "handling"))
        }
        found = {hit.id for hit in engine.search_cases(CaseQuery(word, size=100), day=ASKED).hits}
        assert expected <= found, word
    title_hits = engine.search_cases(CaseQuery(target["title"][:6], size=100), day=ASKED)
    assert target["case_id"] in {hit.id for hit in title_hits.hits}


def test_get_case_respects_the_day(engine: BlockingEngine) -> None:
    later = next(c for c in CASES if date.fromisoformat(c["published_on"]) > ASKED)
    assert engine.get_case(later["case_id"], day=ASKED) is None
    assert engine.get_case(later["case_id"], day=date(2030, 1, 1)) is not None
    assert engine.get_case("NO-SUCH-CASE", day=ASKED) is None
